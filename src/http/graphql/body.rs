//! A request body read within a byte limit and the body time limit, refused as soon as either
//! is passed.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use super::{client, reply};
use crate::config::Limits;

/// Reads the body within `max` bytes and the time limit.
pub(crate) async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    (limits, max): (&Limits, usize),
    content_type: &str,
) -> Result<web::Bytes, HttpResponse> {
    let too_large = || {
        reply(
            StatusCode::PAYLOAD_TOO_LARGE,
            content_type,
            &format!("the request body is larger than {max} bytes, the most allowed"),
            "PAYLOAD_TOO_LARGE",
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|_| {
                reply(
                    StatusCode::BAD_REQUEST,
                    content_type,
                    "the request body could not be read",
                    "BAD_REQUEST",
                )
            })?;
            if body.len() + chunk.len() > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(result) => result,
        Err(_) => {
            let address = client::address_of(req).map_or_else(String::new, |a| a.to_string());
            crate::refusal_log!(
                "slow_body",
                address,
                "request refused: body not received in time"
            );
            let mut r = reply(
                StatusCode::REQUEST_TIMEOUT,
                content_type,
                &format!(
                    "the request body did not arrive within {} ms",
                    limits.body_timeout.as_millis()
                ),
                "REQUEST_TIMEOUT",
            );
            r.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Err(r)
        }
    }
}
