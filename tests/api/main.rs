//! Integration tests: one binary (one link), modules by subject.

mod attacks;
mod baseline;
mod browser;
mod cli;
mod downloads;
mod driver;
mod facts;
mod freshness;
mod http;
mod logins;
mod pages;
mod python;
mod read_api;
mod scale;
mod schema;
mod series;
mod slices;
mod statements;
mod store;
mod subscriptions;
mod support;
mod templates;
mod transport;
mod upgrade;
mod upload;
mod workflow;
