//! The paths served besides GraphQL and the IDE: the files (downloads, templates, the
//! reporting tables, evaluations) and what people and harvesters read without a query.

use actix_web::web;

use super::{catalog, downloads, evaluations, listing, pages, sitemap, templates, upload};

/// The routes of files. Each folder's own address comes before the route of its files, which
/// would take it with an empty name.
pub fn files(cfg: &mut web::ServiceConfig) {
    cfg.route("/downloads", web::get().to(listing::to_folder))
        .route("/downloads/", web::get().to(listing::downloads))
        .route("/downloads/{path:.*}", web::get().to(downloads::download))
        .route("/reporting/{file}", web::get().to(templates::completion))
        .route("/templates/upload", web::post().to(upload::upload))
        .route(
            "/templates/{department}/{file}",
            web::get().to(templates::template),
        )
        .route("/evaluations", web::get().to(listing::to_folder))
        .route("/evaluations/", web::get().to(listing::evaluations))
        .route("/evaluations/{path:.*}", web::get().to(evaluations::file));
}

/// What people and harvesters read without writing a query: the catalog, the pages, the
/// feed, the schema, the icon, and what a search engine reads first.
pub fn people(cfg: &mut web::ServiceConfig) {
    cfg.route("/catalog.jsonld", web::get().to(catalog::catalog))
        .route("/catalog.ttl", web::get().to(catalog::turtle))
        .route("/", web::get().to(pages::index))
        .route("/plans", web::get().to(pages::index))
        .route("/favicon.svg", web::get().to(pages::favicon))
        .route("/favicon.ico", web::get().to(pages::favicon))
        .route("/plans/{code}", web::get().to(pages::plan))
        .route("/indicators/{id}", web::get().to(pages::indicator))
        .route(
            "/indicators/{id}/values.csv",
            web::get().to(pages::indicator_values),
        )
        .route("/feed.atom", web::get().to(pages::feed))
        .route("/schema.graphql", web::get().to(pages::schema))
        .route("/robots.txt", web::get().to(sitemap::robots))
        .route("/sitemap.xml", web::get().to(sitemap::sitemap));
}
