//! SeaORM entities: one module per table of the plangraph store.
//!
//! These mirror the tables the `migration` crate creates and nothing more; what the public
//! API says about them is decided in the main crate's `graphql` modules, so renaming a column
//! can never silently change the published schema.
//!
//! Every imported row carries a natural `key` (stable across re-imports of the same document,
//! so IDs stay stable) and its provenance: the source line range and the exact source text.

pub mod app_user;
pub mod audit_log;
pub mod breakdown_declaration;
pub mod codelist;
pub mod department;
pub mod department_alias;
pub mod document;
pub mod domain;
pub mod evaluation;
pub mod evaluation_item;
pub mod goal;
pub mod goal_department;
pub mod goal_group;
pub mod indicator;
pub mod indicator_assignment;
pub mod indicator_value;
pub mod monitored;
pub mod plan;
pub mod self_assessment;
pub mod status_tally;
pub mod target;
pub mod value_event;
pub mod value_unavailable;
pub mod vocab;
