//! HEAD on every GET route (RFC 9110 §9.3.2): link checkers, uptime monitors and CKAN's link
//! checker ask with HEAD, and actix-web's `web::get()` routes answer it 404. The request is
//! routed as GET; actix's HTTP/1 codec noted the method when it read the request and writes
//! the answer's headers (Content-Length included) without its body.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Middleware: a HEAD request goes where its GET would.
pub async fn as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
