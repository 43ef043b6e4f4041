//! plangraph: an open-data GraphQL API over Changle County's 2021–2025 development plans.
//!
//! `startup::build` assembles the whole application (store, schema, HTTP server); `main.rs`
//! and the integration tests both go through it.

pub mod auth;
pub mod breakdowns;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod export;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod import;
pub mod limits;
pub mod pages;
pub mod private;
pub mod publisher;
pub mod repo;
pub mod reporting;
pub mod rules;
pub mod service;
pub mod startup;
pub mod version;
