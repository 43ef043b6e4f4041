//! `POST /graphql` as a GraphQL multipart request (the spec async-graphql implements): how a
//! file reaches `uploadSheet`. Only an authenticated caller's body is read — a token that
//! verifies is checked from the headers first — and only up to the upload limit, one file.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::http::MultipartOptions;
use async_graphql::{BatchRequest, Executor};

use super::body::read_body;
use super::single::single;
use super::{reply, GraphqlState};
use crate::auth::token::Keys;
use crate::reporting::grid::FORM_OVERHEAD;
use crate::reporting::read::LIMITS;

pub(super) async fn post<E: Executor>(
    req: &HttpRequest,
    payload: web::Payload,
    state: &GraphqlState<E>,
    content_type: &'static str,
) -> HttpResponse {
    let verified = super::bearer(req).is_some_and(|token| {
        req.app_data::<web::Data<Keys>>()
            .is_some_and(|keys| keys.verify(&token).is_ok())
    });
    if !verified {
        return reply(
            StatusCode::UNAUTHORIZED,
            content_type,
            "an upload is for a department's accounts: log in and send the token as \
             `Authorization: Bearer …`",
            "UNAUTHENTICATED",
        );
    }
    let limit = LIMITS.bytes + FORM_OVERHEAD;
    let body = match read_body(req, payload, (&state.limits, limit), content_type).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let sent = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let options = MultipartOptions::default()
        .max_file_size(LIMITS.bytes)
        .max_num_files(1);
    let reader = futures_util::io::Cursor::new(body.to_vec());
    let request = match async_graphql::http::receive_batch_body(sent, reader, options).await {
        Ok(BatchRequest::Single(request)) => request,
        Ok(BatchRequest::Batch(_)) => {
            return reply(
                StatusCode::BAD_REQUEST,
                content_type,
                "an upload is one operation, not a batch",
                "BAD_REQUEST",
            )
        }
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
            return reply(
                StatusCode::PAYLOAD_TOO_LARGE,
                content_type,
                &format!("文件超过上限 {} 字节", LIMITS.bytes),
                "FILE_TOO_LARGE",
            )
        }
        Err(e) => {
            return reply(
                StatusCode::BAD_REQUEST,
                content_type,
                &format!("the multipart request could not be read: {e}"),
                "BAD_REQUEST",
            )
        }
    };
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    single(req, state, request, &variables, content_type, false).await
}
