//! Integration tests: one binary (one link), modules by subject.

mod facts;
mod http;
mod schema;
mod store;
mod support;
