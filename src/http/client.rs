//! Who is asking, as far as HTTP tells: the client's address (the peer, or what a trusted
//! proxy forwarded), and the per-address rate limit applied to every route but `/healthz`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::config::IpNetwork;
use crate::limits::rate::{Decision, RateLimiter};

/// The client's address, as the rate limit middleware worked it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The peer's address, or — when the peer is a trusted proxy — the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[IpNetwork],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    // Each proxy appends the address it received from: read from the right, and stop at the
    // first hop no trusted proxy vouches for.
    let hops: Vec<IpAddr> = forwarded_for
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        hops.iter()
            .rev()
            .copied()
            .find(|ip| !is_trusted(*ip))
            .or_else(|| hops.first().copied())
            .unwrap_or(peer),
    )
}

/// The address of a request that went through [`rate_limit`] (the peer otherwise).
pub fn address_of(req: &HttpRequest) -> Option<IpAddr> {
    req.extensions()
        .get::<ClientAddress>()
        .map(|a| a.0)
        .or_else(|| req.peer_addr().map(|a| a.ip()))
}

/// A 429 answer in the API's error shape, with `Retry-After`.
pub fn too_many_requests(wait: std::time::Duration) -> HttpResponse {
    let seconds = wait.as_secs_f64().ceil().max(1.0);
    let mut response = HttpResponse::build(StatusCode::TOO_MANY_REQUESTS).json(serde_json::json!({
        "errors": [{
            "message": format!("too many requests from this address; try again in {seconds} s"),
            "extensions": { "code": "RATE_LIMITED" }
        }]
    }));
    if let Ok(v) = HeaderValue::from_str(&format!("{seconds}")) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Middleware: works out the client address, then takes one token from its bucket.
pub async fn rate_limit(
    limiter: Arc<RateLimiter>,
    trusted: Arc<Vec<IpNetwork>>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    let peer = req.peer_addr().map(|a| a.ip());
    if peer.is_some_and(|p| trusted.iter().any(|n| n.contains(p))) {
        req.extensions_mut().insert(super::base::TrustedPeer);
    }
    let address = client_address(peer, &forwarded, &trusted);
    if let Some(address) = address {
        req.extensions_mut().insert(ClientAddress(address));
        if req.path() != "/healthz" {
            if let Decision::Deny(wait) = limiter.take(address, 1.0, Instant::now()) {
                crate::refusal_log!(
                    "rate_limited",
                    address,
                    path = req.path(),
                    "request refused: rate limit"
                );
                let (req, _) = req.into_parts();
                return Ok(ServiceResponse::new(req, too_many_requests(wait)));
            }
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<IpNetwork> =
            vec!["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        // an untrusted peer cannot choose its address
        assert_eq!(
            client_address(Some(ip("8.8.8.8")), &["1.2.3.4"], &trusted),
            Some(ip("8.8.8.8"))
        );
        // a trusted proxy: the nearest untrusted hop
        assert_eq!(
            client_address(
                Some(ip("127.0.0.1")),
                &["6.6.6.6, 1.2.3.4, 10.0.0.7"],
                &trusted
            ),
            Some(ip("1.2.3.4"))
        );
        // several headers are one list
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["6.6.6.6", "5.5.5.5"], &trusted),
            Some(ip("5.5.5.5"))
        );
        // nothing forwarded, or garbage: the proxy itself
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["junk"], &trusted),
            Some(ip("127.0.0.1"))
        );
        // no trusted proxies configured: always the peer
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["1.2.3.4"], &[]),
            Some(ip("127.0.0.1"))
        );
    }
}
