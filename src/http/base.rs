//! The base of every absolute URL the server writes (the DCAT catalog, the Atom feed): the
//! configured public URL (`PLANGRAPH_PUBLIC_URL`) when there is one. Without it, a trusted
//! proxy's forwarded host and scheme (`Forwarded`, else `X-Forwarded-Host`/`-Proto`, else its
//! `Host`), accepted only as a plain host name or address with an optional port; answers that
//! carry such a URL say so in `Vary` and their ETag. From anyone else no header is believed:
//! the base is the address the server listens on (`localhost` and its port when it listens on
//! every address), so a request cannot choose the URLs a shared cache then gives everyone.

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

/// A host name, IPv4 address or bracketed IPv6 address, with an optional port.
pub fn plain_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        inner.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    port_ok && name_ok
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

/// `PLANGRAPH_PUBLIC_URL` checked: an http(s) URL with a plain host, no query or fragment;
/// returned without a trailing slash.
pub fn parse_public_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("it must start with http:// or https://")?;
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    if !plain_host(host) {
        return Err(format!(
            "`{host}` is not a host name or address with an optional port"
        ));
    }
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b'%'));
    if !path_ok {
        return Err("its path may hold letters, digits and / - _ . ~ % only".into());
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_pass() {
        for ok in [
            "example.org",
            "example.org:8080",
            "127.0.0.1:1",
            "[::1]:8080",
            "[::1]",
            "a-b.c",
        ] {
            assert!(plain_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.org/x",
            "a\"b",
            "<x>",
            "evil.org:80:80",
            "a b",
            "[zz]",
            "host:",
            "x:123456",
            "e&amp;",
        ] {
            assert!(!plain_host(bad), "{bad}");
        }
    }

    #[test]
    fn the_public_url_is_checked() {
        assert_eq!(
            parse_public_url("https://data.example.gov.cn/plangraph/").unwrap(),
            "https://data.example.gov.cn/plangraph"
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("https://x/<a>").is_err());
        assert!(parse_public_url("https://x?y=1").is_err());
    }
}
