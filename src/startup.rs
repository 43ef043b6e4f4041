//! Assembles the application: store, import, schema, HTTP routes. `main` and the integration
//! tests both call [`Application::build`], so tests run the real server.

mod later;

use std::net::TcpListener;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpServer};
use entity::plan;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::config::Settings;
use crate::db::StoreHealth;
use crate::graphql::build_schema_with;
use crate::http::{self, cache::ResponseCache, graphql::GraphqlState};
use crate::import;
use crate::limits::bounds::LiveBounds;
use crate::limits::check::Checker;
use crate::limits::rate::RateLimiter;
use crate::version::DataVersion;

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
    version: Arc<DataVersion>,
}

impl Application {
    /// Connects and migrates the store, imports the bundled document into an empty store,
    /// and binds the listener (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        // A bad key stops the start before the store is touched.
        let keys = crate::auth::token::Keys::load(
            settings.jwt_secret.as_ref(),
            &settings.jwt_key_file,
            settings.token_lifetime_secs,
        )
        .map_err(anyhow::Error::msg)?;
        let started = std::time::Instant::now();
        // Parsing the document is CPU work that can overlap the migrations' round trips.
        let bundled = Bundled::ahead(settings);
        // So is reading the schema's cost table from its SDL.
        let cost_table = tokio::task::spawn_blocking(crate::graphql::cost_table);
        // A new PostgreSQL store gets the document in the transaction that makes it, before
        // its keys and indexes: inserted into keyed tables, each row would be checked against
        // every foreign key.
        let seed = settings.import_bundled.then(|| bundled.seed());
        // The change feed's pool connects on PostgreSQL while the store is made (a new SQLite
        // file is made by the store's own opening, with its permissions, before anyone else's).
        let early_follower = settings.database_url.starts_with("postgres").then(|| {
            let url = settings.database_url.clone();
            tokio::spawn(async move { crate::db::connect_follower(&url).await })
        });
        let opened = crate::db::open(
            &settings.database_url,
            settings.store_timeout,
            crate::db::Access::Create,
            seed,
        )
        .await?;
        let (db, statements) = (opened.db, opened.statements);
        let indexes_later = opened.seeded;
        let opened_at = started.elapsed();
        // The change feed's LISTEN is made while the document is imported (into a store that
        // was not new).
        let follow = async {
            let follower = match early_follower {
                Some(connecting) => connecting.await??,
                None => crate::db::connect_follower(&settings.database_url).await?,
            };
            let version = DataVersion::follow(follower.clone()).await?;
            anyhow::Ok((follower, version))
        };
        let (analyze_later, (follower, version)) = if opened.seeded {
            tracing::info!("imported the bundled document into the new store");
            (true, follow.await?)
        } else {
            let (analyze_later, followed) =
                tokio::join!(bring_up(&db, settings, bundled, Analyze::Later), follow);
            (analyze_later?, followed?)
        };
        let imported = started.elapsed() - opened_at;
        let listener = listen(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let bounds = Arc::new(LiveBounds::default());
        // The version was first read beside the import: read it again now that the import
        // has committed, rather than wait for its notification (as after any own write).
        bounds.refresh(&db, &version.refresh(&db).await?).await?;
        let events =
            crate::events::Events::follow(follower, Arc::clone(&version), settings.feed_poll).await;
        let checker = Arc::new(Checker::new(settings.limits.clone(), bounds));
        checker.learn_table(cost_table.await?);
        let server = run(
            listener,
            settings,
            db.clone(),
            checker,
            keys,
            events,
            Arc::clone(&version),
        )?;
        tracing::info!(
            open_ms = opened_at.as_millis() as u64,
            import_ms = imported.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "ready: store opened and migrated, document imported if the store was empty"
        );
        later::spawn(db.clone(), analyze_later, indexes_later);
        Ok(Application {
            port,
            server,
            db,
            statements,
            version,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// SQL statements the server's store connection has run so far.
    pub fn statement_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.statements)
    }

    /// The data version the server answers for (whether it follows the store by
    /// notification yet, for tests that count statements).
    pub fn data_version(&self) -> Arc<DataVersion> {
        Arc::clone(&self.version)
    }

    /// Serves until the server is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Imports the bundled document into an empty store (serve, and the `user` commands, which
/// need the departments), and brings a store written by an older plangraph up to date: its
/// document is imported again in the current model, which moves reported values, assignments
/// and history onto the new rows (see `import::store`).
pub async fn import_if_empty(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    bring_up(db, settings, Bundled::when_needed(), Analyze::Now)
        .await
        .map(|_| ())
}

/// The bundled document, parsed when it is first needed or ahead of time on a blocking
/// thread; a clone shares the one parse.
#[derive(Clone)]
struct Bundled(Shared<BoxFuture<'static, Result<Arc<import::dataset::Dataset>, String>>>);

impl Bundled {
    /// Parsed on another thread from now on (wasted, a few milliseconds of CPU, when the store
    /// holds the document already).
    fn ahead(settings: &Settings) -> Bundled {
        if !settings.import_bundled {
            return Bundled::when_needed();
        }
        let parsing = tokio::task::spawn_blocking(|| import::parse(import::BUNDLED_DOCUMENT));
        Bundled(
            async move {
                match parsing.await {
                    Ok(parsed) => parsed.map(Arc::new).map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
            .boxed()
            .shared(),
        )
    }

    fn when_needed() -> Bundled {
        Bundled(
            async {
                import::parse(import::BUNDLED_DOCUMENT)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            }
            .boxed()
            .shared(),
        )
    }

    async fn parsed(self) -> anyhow::Result<Arc<import::dataset::Dataset>> {
        self.0.await.map_err(anyhow::Error::msg)
    }

    /// The document as the seed of a new store.
    fn seed(&self) -> crate::db::Seed {
        let bundled = self.clone();
        Box::new(move |txn| {
            async move {
                let data = bundled
                    .parsed()
                    .await
                    .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
                import::store::import_in(txn, &data).await.map(|_| ())
            }
            .boxed()
        })
    }
}

/// When the planner's statistics of a fresh import are gathered.
#[derive(PartialEq)]
enum Analyze {
    Now,
    /// By the caller, after it has started (returns true when they are owed).
    Later,
}

async fn bring_up(
    db: &DatabaseConnection,
    settings: &Settings,
    bundled: Bundled,
    analyze: Analyze,
) -> anyhow::Result<bool> {
    if !settings.import_bundled {
        return Ok(false);
    }
    if plan::Entity::find().count(db).await? == 0 {
        let data = bundled.parsed().await?;
        let imported = match analyze {
            Analyze::Now => import::store::import(db, &data).await,
            Analyze::Later => import::store::import_unanalyzed(db, &data).await,
        };
        match imported {
            Ok(_) => {
                tracing::info!("imported the bundled document into the empty store");
                return Ok(analyze == Analyze::Later);
            }
            // Another process starting on the same store may have imported it first.
            Err(err) if plan::Entity::find().count(db).await? > 0 => {
                tracing::info!(error = %err, "the bundled document was imported by another process")
            }
            Err(err) => return Err(err.into()),
        }
        return Ok(false);
    }
    upgrade(db, bundled).await?;
    // Statuses stored by older rules (or none, or no tally) are restated (only what differs),
    // and declarations the store lacks are seeded; one transaction, as the tally is recounted
    // under a lock that only a transaction holds.
    let txn = crate::db::begin_write(db).await?;
    let restated =
        crate::service::statuses::restate(&txn, crate::service::statuses::Which::All).await?;
    crate::service::declarations::seed(&txn).await?;
    migration::history::publish(&txn).await?;
    txn.commit().await?;
    if !restated.is_empty() {
        tracing::info!(targets = restated.len(), "restated stored target statuses");
    }
    Ok(false)
}

/// Re-imports the document of a store written in an older data model. Only the bundled
/// document can be re-imported unasked; another one must be given again (`plangraph import`).
async fn upgrade(db: &DatabaseConnection, bundled: Bundled) -> anyhow::Result<()> {
    let outdated = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            Ok::<_, sea_orm::DbErr>(
                entity::document::Entity::find()
                    .all(&db)
                    .await?
                    .into_iter()
                    .find(|d| d.model_version < import::store::MODEL_VERSION),
            )
        }
    };
    let Some(document) = outdated(db).await? else {
        return Ok(());
    };
    let data = bundled.parsed().await?;
    if document.sha256 != data.document.sha256 {
        anyhow::bail!(
            "the store holds {} ({}) imported by an older plangraph (data model {}), and it is not \
             the bundled document: run `plangraph import <that file>` once to bring it to data \
             model {}",
            document.number,
            document.sha256,
            document.model_version,
            import::store::MODEL_VERSION
        );
    }
    match import::store::import(db, &data).await {
        Ok(report) => {
            tracing::info!(%report, "upgraded the store to data model {}", import::store::MODEL_VERSION)
        }
        // Another process starting on the same store may have upgraded it first.
        Err(err) if outdated(db).await?.is_none() => {
            tracing::info!(error = %err, "the store was upgraded by another process")
        }
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

/// The default port, when `--bind` names only a host (`--bind localhost`).
const DEFAULT_PORT: u16 = 8080;

/// Binds the listener; a failure names the address and what to do.
fn listen(bind: &str) -> anyhow::Result<TcpListener> {
    let address = with_port(bind);
    TcpListener::bind(&address).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                ": another program (another plangraph?) listens there; choose another address \
                 with --bind or PLANGRAPH_BIND"
            }
            std::io::ErrorKind::PermissionDenied => {
                ": ports below 1024 need privileges; choose another with --bind or PLANGRAPH_BIND"
            }
            _ => "; --bind and PLANGRAPH_BIND take HOST:PORT, e.g. 127.0.0.1:8080 or localhost",
        };
        anyhow::anyhow!("cannot listen on {address}: {e}{hint}")
    })
}

/// `HOST` or `HOST:PORT` (an IPv6 address in brackets, or bare) as `HOST:PORT`.
fn with_port(bind: &str) -> String {
    let bind = bind.trim();
    if bind.parse::<std::net::SocketAddr>().is_ok() {
        return bind.to_string();
    }
    if let Ok(ip) = bind.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        return std::net::SocketAddr::new(ip, DEFAULT_PORT).to_string();
    }
    match bind.rsplit_once(':') {
        Some((_, port)) if port.parse::<u16>().is_ok() => bind.to_string(),
        _ => format!("{bind}:{DEFAULT_PORT}"),
    }
}

fn run(
    listener: TcpListener,
    settings: &Settings,
    db: DatabaseConnection,
    checker: Arc<Checker>,
    keys: crate::auth::token::Keys,
    events: Arc<crate::events::Events>,
    version: Arc<DataVersion>,
) -> std::io::Result<Server> {
    let signing = web::Data::new(keys.clone());
    let schema = build_schema_with(
        Some(db.clone()),
        Arc::clone(&checker),
        Some((keys, settings.login.clone())),
        settings.discovery,
        events,
    );
    let rate = Arc::new(RateLimiter::new(settings.rate.clone()));
    let health = StoreHealth::new(db.clone());
    let snapshots = crate::db::snapshot::Snapshots::new(db.clone(), &settings.database_url);
    let state = web::Data::new(GraphqlState {
        executor: schema,
        limits: settings.limits.clone(),
        store: Some(db.clone()),
        health: Some(Arc::clone(&health)),
        cache: ResponseCache::new(settings.limits.cache_bytes),
        inflight: Default::default(),
        version: Arc::clone(&version),
        checker,
        rate: Arc::clone(&rate),
        running: Arc::new(tokio::sync::Semaphore::new(settings.limits.executions)),
        documents: Default::default(),
        persisted: http::persisted::PersistedQueries::new(settings.limits.persisted_bytes),
        snapshots: Some(Arc::clone(&snapshots)),
    });
    let trusted = Arc::new(settings.trusted_proxies.clone());
    let downloads = web::Data::new(http::downloads::Downloads::default());
    let ws = web::Data::new(http::subscriptions::WsLimits {
        max_subscriptions: settings.max_subscriptions,
        connections: http::ws_guard::Connections::new(settings.ws_per_address),
    });
    let public_url = web::Data::new(http::base::PublicUrl(settings.public_url.clone()));
    let settings = settings.clone();
    let server = HttpServer::new(move || {
        let (rate, trusted) = (Arc::clone(&rate), Arc::clone(&trusted));
        let mut app = App::new()
            .wrap(middleware::from_fn(move |req, next| {
                http::client::rate_limit(Arc::clone(&rate), Arc::clone(&trusted), req, next)
            }))
            .wrap(http::cors(&settings))
            .wrap(middleware::Compress::default())
            // Outermost: HEAD is routed as GET before anything else sees the request.
            .wrap(middleware::from_fn(http::head::as_get))
            .app_data(web::Data::new(db.clone()))
            .app_data(web::Data::new(Arc::clone(&health)))
            .app_data(downloads.clone())
            .app_data(web::Data::from(Arc::clone(&version)))
            .app_data(web::Data::from(Arc::clone(&snapshots)))
            .app_data(ws.clone())
            .app_data(public_url.clone())
            .app_data(signing.clone())
            .app_data(web::Data::new(settings.limits.clone()))
            // Before the GET route of queries: a WebSocket upgrade on /graphql subscribes.
            .route(
                "/graphql",
                web::get()
                    .guard(actix_web::guard::fn_guard(|ctx| {
                        ctx.head()
                            .headers()
                            .get("upgrade")
                            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"))
                    }))
                    .to(http::subscriptions::websocket),
            )
            .configure(|cfg| http::graphql::routes(cfg, state.clone()))
            .service(http::routes::get("/healthz", http::health::healthz))
            .configure(http::routes::files)
            .configure(http::routes::people);
        if settings.discovery {
            app = app
                .service(http::routes::get("/graphiql", http::ide::page))
                .service(http::routes::get("/ide/{name}", http::ide::asset));
        }
        app.default_service(web::to(http::pages::fallback))
    })
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_alone_gets_the_default_port() {
        assert_eq!(with_port("localhost"), "localhost:8080");
        assert_eq!(with_port("localhost:9000"), "localhost:9000");
        assert_eq!(with_port("0.0.0.0"), "0.0.0.0:8080");
        assert_eq!(with_port("127.0.0.1:0"), "127.0.0.1:0");
        assert_eq!(with_port("::1"), "[::1]:8080");
        assert_eq!(with_port("[::1]:9000"), "[::1]:9000");
    }

    #[test]
    fn a_taken_port_is_named() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let address = taken.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let err = listen(&address.to_string())
            .err()
            .unwrap_or_else(|| panic!("bound twice"));
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("cannot listen on {address}: ")),
            "{message}"
        );
        assert!(message.contains("--bind or PLANGRAPH_BIND"), "{message}");
    }
}
