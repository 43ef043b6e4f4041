//! The base of every absolute URL the server writes (the DCAT catalog, the Atom feed): the
//! configured public URL (`PLANGRAPH_PUBLIC_URL`) when there is one. Without it, a trusted
//! proxy's forwarded host and scheme (`Forwarded`, else `X-Forwarded-Host`/`-Proto`, else its
//! `Host`), accepted only as a plain host name or address with an optional port; answers that
//! carry such a URL say so in `Vary` and their ETag. From anyone else no header is believed:
//! the base is the address the server listens on (`localhost` and its port when it listens on
//! every address), so a request cannot choose the URLs a shared cache then gives everyone.

use crate::rules::hosts::plain_host;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};

/// The configured public URL, if any (no trailing slash).
#[derive(Debug, Clone, Default)]
pub struct PublicUrl(pub Option<String>);

/// Set by the client middleware when the peer is a trusted proxy.
#[derive(Debug, Clone, Copy)]
pub struct TrustedPeer;

/// The headers a derived base depends on (for `Vary`).
const VARY: &str = "Host, X-Forwarded-Host, X-Forwarded-Proto, Forwarded";

/// `Vary` for an answer that carries the base: the headers it came from when it was derived.
pub fn vary(configured: bool) -> &'static str {
    if configured {
        "Accept-Encoding"
    } else {
        VARY
    }
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// `host=` and `proto=` of the first element of a `Forwarded` header (RFC 7239).
fn forwarded(req: &HttpRequest, key: &str) -> Option<String> {
    let first = header(req, "forwarded")?.split(',').next()?;
    first.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The base URL for this request's answer; whether it came from configuration.
pub fn of(req: &HttpRequest) -> (String, bool) {
    if let Some(url) = req
        .app_data::<actix_web::web::Data<PublicUrl>>()
        .and_then(|p| p.0.clone())
    {
        return (url, true);
    }
    let listening = {
        let local = req.app_config().local_addr();
        if local.ip().is_unspecified() {
            format!("localhost:{}", local.port())
        } else {
            local.to_string()
        }
    };
    if req.extensions().get::<TrustedPeer>().is_none() {
        return (format!("http://{listening}"), false);
    }
    let proto =
        forwarded(req, "proto").or_else(|| header(req, "x-forwarded-proto").map(str::to_string));
    let host = forwarded(req, "host")
        .or_else(|| {
            header(req, "x-forwarded-host")
                .map(|h| h.split(',').next().unwrap_or("").trim().to_string())
        })
        .or_else(|| header(req, header::HOST.as_str()).map(str::to_string))
        .filter(|h| plain_host(h))
        .unwrap_or(listening);
    let scheme = match proto.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("https") => "https",
        _ => "http",
    };
    (format!("{scheme}://{host}"), false)
}
