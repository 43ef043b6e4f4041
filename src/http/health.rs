//! `GET /healthz`: 200 when the store answers, 503 when it does not.

use actix_web::{web, HttpResponse};
use sea_orm::DatabaseConnection;

pub async fn healthz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "health check: store unreachable");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}
