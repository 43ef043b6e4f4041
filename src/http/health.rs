//! `GET /healthz`: 200 when the store answers, 503 when it does not — at once while the
//! store is known to be down.

use std::sync::Arc;

use actix_web::{web, HttpResponse};
use sea_orm::DatabaseConnection;

use crate::db::StoreHealth;

pub async fn healthz(
    db: web::Data<DatabaseConnection>,
    health: web::Data<Arc<StoreHealth>>,
) -> HttpResponse {
    let down =
        || HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }));
    if health.is_down() {
        return down();
    }
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "health check: store unreachable");
            health.report_down();
            down()
        }
    }
}
