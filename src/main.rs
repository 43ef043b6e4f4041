//! The `plangraph` command: serve the API, import a document, print the schema.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plangraph::config::Settings;
use plangraph::startup::Application;
use plangraph::{graphql, import};

#[derive(Parser)]
#[command(
    name = "plangraph",
    version,
    about = "Open-data GraphQL API for Changle County's 2021–2025 plans"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the store, import the bundled document if the store is empty, and serve HTTP.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "PLANGRAPH_BIND")]
        bind: Option<String>,
    },
    /// Import a plan document (UTF-8 text) into the store, in one transaction.
    Import {
        /// Path of the document.
        path: std::path::PathBuf,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    let mut settings = Settings::from_env();
    match command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            let app = Application::build(&settings).await?;
            tracing::info!(
                port = app.port(),
                "plangraph listening on {}",
                settings.bind
            );
            app.run_until_stopped().await?;
        }
        Command::Import { path } => {
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let started = std::time::Instant::now();
            let data =
                import::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let db = plangraph::db::connect(&settings.database_url).await?;
            let report = import::store::import(&db, &data).await?;
            print!("{}", import::summary_text(&data));
            print!("{report}");
            println!("took {} ms", started.elapsed().as_millis());
        }
        Command::Schema => print!("{}", graphql::sdl()),
    }
    Ok(())
}
