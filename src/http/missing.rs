//! 404s: a page in Chinese for a browser, a line of text for anything else, from every route
//! (an unknown path, and an unknown file under a route of files), so a person who follows a
//! stale link is always pointed at the plans, their reports and downloads. And 405s: a path
//! that exists, asked with a method it does not answer, says which ones it does.

use actix_web::http::{header, Method};
use actix_web::{HttpRequest, HttpResponse};

/// Nothing on the pages comes from another host, and nothing may.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'";

/// Whether the client reads pages (a browser) rather than text.
pub(crate) fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A 404 with a line of text.
pub(crate) fn not_found(message: &str) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body(format!("{message}\n"))
}

/// 404 for a path that leads nowhere: a page in Chinese for a browser, a line of text for
/// anything else (curl, a link checker), both pointing at the plans and the catalog.
pub fn missing(req: &HttpRequest) -> HttpResponse {
    missing_saying(
        req,
        &format!(
            "no such page: {}; the plans are at /, the downloads at /downloads/ and the catalog \
             at /catalog.jsonld",
            req.path()
        ),
    )
}

/// [`missing`] with the line of text a route gives clients that do not ask for HTML (what
/// its paths look like); a browser gets the same page as for any other path.
pub fn missing_saying(req: &HttpRequest, plain: &str) -> HttpResponse {
    let message = format!("{} 不存在。", req.path());
    if !wants_html(req) {
        let mut plain = not_found(plain);
        plain
            .headers_mut()
            .insert(header::VARY, header::HeaderValue::from_static("Accept"));
        return plain;
    }
    // The answer depends on Accept: a cache must not give the page to curl or the text to a
    // browser.
    HttpResponse::NotFound()
        .insert_header((header::VARY, "Accept"))
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .body(crate::pages::stamped(
            &crate::pages::not_found(&message),
            None,
        ))
}

/// A path asked with a method it does not answer: OPTIONS (not a CORS preflight, which the
/// CORS layer answers) gets the path's methods, 204; any other method a 405 with `Allow` and
/// the one sentence saying so, in the shape the path's answers have (`shaped`).
pub(crate) fn wrong_method_as(
    req: &HttpRequest,
    allow: &'static str,
    shaped: impl FnOnce(&str) -> HttpResponse,
) -> HttpResponse {
    let mut answer = if req.method() == Method::OPTIONS {
        HttpResponse::NoContent().finish()
    } else {
        shaped(&format!(
            "{} answers {allow} only, not {}",
            req.path(),
            req.method()
        ))
    };
    answer
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    answer
}

/// [`wrong_method_as`] for a path of pages or files: a line of text.
pub fn wrong_method(req: &HttpRequest, allow: &'static str) -> HttpResponse {
    wrong_method_as(req, allow, |sentence| {
        HttpResponse::MethodNotAllowed()
            .content_type("text/plain; charset=utf-8")
            .body(format!("{sentence}\n"))
    })
}
