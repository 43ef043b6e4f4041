//! Operations that change the store, each taking the `Actor` it acts for and any connection
//! (pool or transaction), so a mutation is one transaction end to end.

pub mod audit;
pub mod users;
pub mod values;
