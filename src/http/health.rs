//! `GET /healthz`: 200 when the store answers, 503 when it does not — at once while the
//! store is known to be down, and within [`HEALTH_TIMEOUT`] when it does not answer at all (a
//! network that drops packets instead of refusing them would otherwise hold the check until
//! TCP gives up, minutes later).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, HttpResponse};
use sea_orm::DatabaseConnection;

use crate::db::StoreHealth;

/// How long the check waits for the store's answer.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz(
    db: web::Data<DatabaseConnection>,
    health: web::Data<Arc<StoreHealth>>,
) -> HttpResponse {
    let down =
        || HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }));
    if health.is_down() {
        return down();
    }
    match tokio::time::timeout(HEALTH_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: store unreachable");
            health.report_down();
            down()
        }
        Err(_) => {
            tracing::warn!("health check: the store did not answer in time");
            health.report_down();
            down()
        }
    }
}
