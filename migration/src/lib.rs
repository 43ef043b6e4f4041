//! Schema migrations of the plangraph store. They run on SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m20261129_000001_plans;
mod m20261129_000002_data_version;
mod m20261129_000003_read_indexes;
mod m20261129_000004_submissions;
mod m20261129_000005_append_only;
mod m20261129_000006_series;
mod m20261129_000007_data_changed_at;
mod m20261129_000008_target_status;
mod m20261129_000009_version_notify;
mod m20261129_000010_nested_positions;
mod m20261129_000011_structure_version;
pub mod m20261129_000012_search_index;
mod m20261129_000013_status_tally;
mod m20261130_000014_target_order;
mod m20261206_000015_value_unavailable;
mod m20261206_000016_evaluations;
mod m20261206_000017_access_until;
mod m20261206_000018_publication;
mod m20261206_000019_evaluation_as_of;
mod m20261206_000020_self_assessment;
mod m20261207_000021_monitored;
mod m20261207_000022_value_breakdown;
mod m20261207_000023_value_cells_index;
mod m20261207_000024_breakdown_declarations;

pub mod applied;
pub mod baseline;
pub mod history;
pub mod later;
pub mod versioning;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_plans::Migration),
            Box::new(m20261129_000002_data_version::Migration),
            Box::new(m20261129_000003_read_indexes::Migration),
            Box::new(m20261129_000004_submissions::Migration),
            Box::new(m20261129_000005_append_only::Migration),
            Box::new(m20261129_000006_series::Migration),
            Box::new(m20261129_000007_data_changed_at::Migration),
            Box::new(m20261129_000008_target_status::Migration),
            Box::new(m20261129_000009_version_notify::Migration),
            Box::new(m20261129_000010_nested_positions::Migration),
            Box::new(m20261129_000011_structure_version::Migration),
            Box::new(m20261129_000012_search_index::Migration),
            Box::new(m20261129_000013_status_tally::Migration),
            Box::new(m20261130_000014_target_order::Migration),
            Box::new(m20261206_000015_value_unavailable::Migration),
            Box::new(m20261206_000016_evaluations::Migration),
            Box::new(m20261206_000017_access_until::Migration),
            Box::new(m20261206_000018_publication::Migration),
            Box::new(m20261206_000019_evaluation_as_of::Migration),
            Box::new(m20261206_000020_self_assessment::Migration),
            Box::new(m20261207_000021_monitored::Migration),
            Box::new(m20261207_000022_value_breakdown::Migration),
            Box::new(m20261207_000023_value_cells_index::Migration),
            Box::new(m20261207_000024_breakdown_declarations::Migration),
        ]
    }
}
