//! Business rules as pure functions over plain values: no I/O, tested directly.

pub mod asof;
pub mod breakdown;
pub mod discrepancy;
pub mod evaluation;
pub mod evaluation_diff;
pub mod hosts;
pub mod progress;
pub mod quality;
pub mod self_assessment;
pub mod workflow;
