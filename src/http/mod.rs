//! HTTP: routes, CORS and the pieces each route is made of.

pub mod attachment;
pub mod base;
pub mod cache;
pub mod catalog;
pub mod catalog_evaluations;
pub mod client;
pub mod dcat;
pub mod documents;
pub mod downloads;
pub mod evaluations;
pub mod execution;
pub mod field_order;
pub mod graphql;
pub mod head;
pub mod health;
pub mod ide;
pub mod listing;
pub mod log_gate;
pub mod missing;
pub mod pages;
pub mod persisted;
pub mod routes;
pub mod sitemap;
pub mod subscriptions;
pub mod templates;
pub mod upload;
pub mod ws_guard;

use actix_cors::Cors;
use actix_web::http::Method;

use crate::config::Settings;

/// CORS for public reads: any origin by default, or the configured list.
pub fn cors(settings: &Settings) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allowed_headers(["content-type", "accept", "authorization", "if-none-match"])
        .expose_headers(["etag"])
        .max_age(86_400);
    if settings.cors_origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in &settings.cors_origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}
