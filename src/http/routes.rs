//! The paths served besides GraphQL and the IDE: the files (downloads, templates, the
//! reporting tables, evaluations) and what people and harvesters read without a query.

use actix_web::{web, FromRequest, Handler, HttpRequest, Resource, Responder};

use super::missing::wrong_method;
use super::{catalog, downloads, evaluations, listing, pages, sitemap, templates, upload};

/// A path read with GET (and HEAD, which is routed as GET): another method is told which ones
/// the path answers (405 with `Allow`) rather than sent to the 404 that says it does not exist.
pub fn get<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(|req: HttpRequest| async move {
            wrong_method(&req, "GET, HEAD")
        }))
}

/// The routes of files. Each folder's own address comes before the route of its files, which
/// would take it with an empty name.
pub fn files(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/downloads", listing::to_folder))
        .service(get("/downloads/", listing::downloads))
        .service(get("/downloads/{path:.*}", downloads::download))
        .service(get("/reporting/{file}", templates::completion))
        .service(
            web::resource("/templates/upload")
                .route(web::post().to(upload::upload))
                .default_service(web::to(|req: HttpRequest| async move {
                    super::graphql::wrong_method(&req, "POST")
                })),
        )
        .service(get("/templates/{department}/{file}", templates::template))
        .service(get("/evaluations", listing::to_folder))
        .service(get("/evaluations/", listing::evaluations))
        .service(get("/evaluations/{path:.*}", evaluations::file));
}

/// What people and harvesters read without writing a query: the catalog, the pages, the
/// feed, the schema, the icon, and what a search engine reads first.
pub fn people(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/catalog.jsonld", catalog::catalog))
        .service(get("/catalog.ttl", catalog::turtle))
        .service(get("/", pages::index))
        .service(get("/plans", pages::index))
        .service(get("/favicon.svg", pages::favicon))
        .service(get("/favicon.ico", pages::favicon))
        .service(get("/plans/{code}", pages::plan))
        .service(get("/indicators/{id}", pages::indicator))
        .service(get("/indicators/{id}/values.csv", pages::indicator_values))
        .service(get("/feed.atom", pages::feed))
        .service(get("/schema.graphql", pages::schema))
        .service(get("/robots.txt", sitemap::robots))
        .service(get("/sitemap.xml", sitemap::sitemap));
}
