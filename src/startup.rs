//! Assembles the application: store, import, schema, HTTP routes. `main` and the integration
//! tests both call [`Application::build`], so tests run the real server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use entity::plan;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::config::Settings;
use crate::graphql::{build_schema, AppSchema};
use crate::import;

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
}

impl Application {
    /// Connects and migrates the store, imports the bundled document into an empty store,
    /// and binds the listener (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        let db = crate::db::connect(&settings.database_url).await?;
        if settings.import_bundled && plan::Entity::find().count(&db).await? == 0 {
            let data = import::parse(import::BUNDLED_DOCUMENT)?;
            match import::store::import(&db, &data).await {
                Ok(_) => tracing::info!("imported the bundled document into the empty store"),
                // Another process starting on the same store may have imported it first.
                Err(err) if plan::Entity::find().count(&db).await? > 0 => {
                    tracing::info!(error = %err, "the bundled document was imported by another process")
                }
                Err(err) => return Err(err.into()),
            }
        }
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let schema = build_schema(Some(db.clone()));
        let server = run(listener, schema, db.clone())?;
        Ok(Application { port, server, db })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until the server is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn run(
    listener: TcpListener,
    schema: AppSchema,
    db: DatabaseConnection,
) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(schema.clone()))
            .app_data(web::Data::new(db.clone()))
            .route("/graphql", web::post().to(graphql))
            .route("/graphql", web::get().to(graphql))
            .route("/healthz", web::get().to(healthz))
    })
    .listen(listener)?
    .run();
    Ok(server)
}

async fn graphql(schema: web::Data<AppSchema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

/// 200 when the store answers, 503 when it does not.
async fn healthz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "health check: store unreachable");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
        }
    }
}
