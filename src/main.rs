//! The `plangraph` command: serve the API, import a document, print the schema.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plangraph::config::Settings;
use plangraph::startup::Application;
use plangraph::{graphql, import};

/// mimalloc, not glibc's malloc: an uncached request allocates many small short-lived values
/// (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "plangraph",
    version,
    about = "Open-data GraphQL API for Changle County's 2021–2025 plans",
    after_help = "Environment:\n  \
        DATABASE_URL            the store: sqlite://var/plangraph.db?mode=rwc (default; \
        sqlite:///abs/path.db for an absolute path) or postgres://user:password@host:5432/db\n  \
        PLANGRAPH_BIND          address to serve on (default 127.0.0.1:8080; a host alone gets port 8080)\n  \
        PLANGRAPH_JWT_SECRET    token signing secret, 32+ bytes (default: a key created in var/jwt.key)\n  \
        RUST_LOG                log filter (default info)\n\
        The request limits and the rest: README, \"Configuration\"."
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
    /// Write the downloads (the same files the server serves under /downloads) to a folder.
    Export {
        /// csv, json or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Only this plan (women, children, health, earthquake); all plans by default.
        #[arg(long)]
        plan: Option<String>,
        /// Folder to write into (created if missing).
        #[arg(long, default_value = ".")]
        out: std::path::PathBuf,
    },
    /// Manage accounts on the same store as `serve` (also while it runs).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check downloaded files offline, without a store.
    Verify {
        #[command(subcommand)]
        command: VerifyCommand,
    },
}

#[derive(Subcommand)]
enum VerifyCommand {
    /// The files of a frozen evaluation in DIR against DIR/manifest.json (sizes and SHA-256);
    /// fails naming every file missing or changed.
    Evaluation { dir: std::path::PathBuf },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        #[arg(long)]
        username: String,
        /// admin, reviewer, submitter or evaluator.
        #[arg(long)]
        role: String,
        /// The department a submitter reports for (canonical name or published spelling).
        #[arg(long)]
        department: Option<String>,
        /// When the account's access ends (RFC 3339, 2027-03-31T23:59:59+08:00); required for
        /// an evaluator.
        #[arg(long)]
        until: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account: it cannot log in and its tokens stop working at once.
    Disable { username: String },
}

fn main() -> ExitCode {
    without_huge_pages();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(err) => {
            eprintln!("error: cannot start the runtime: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal: not in a log file, a pipe or a journal,
        // and not when NO_COLOR asks for none (no-color.org).
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
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

/// mimalloc asks the kernel for transparent huge pages (unless built without, as here), and
/// a kernel set to deal them to every process (`always`) gives them unasked: each is filled
/// with zeros, 2 MiB at a time, at its first touch: a cold start spends its CPU zeroing pages
/// it barely uses, and the peak RSS under load grows (docs/BENCHMARKS.md, "Figures behind the
/// code"). Turned off for the whole process, before the runtime starts its threads.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes an integer flag and no pointers; it changes only
        // how this process's later page faults are served. A kernel without the option
        // refuses it, and pages stay as that kernel deals them.
        let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    if let Command::Verify {
        command: VerifyCommand::Evaluation { dir },
    } = &command
    {
        return verify_evaluation(dir);
    }
    let mut settings = Settings::from_env()?;
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
        Command::Export { format, plan, out } => export(&format, plan, &out, &settings).await?,
        Command::User { command } => user(command, &settings).await?,
        Command::Verify { .. } => {}
    }
    Ok(())
}

/// `plangraph verify evaluation DIR`.
fn verify_evaluation(dir: &std::path::Path) -> anyhow::Result<()> {
    use plangraph::export::evaluation::{verify, Manifest};
    let path = dir.join("manifest.json");
    let text =
        std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a manifest: {e}", path.display()))?;
    let problems = verify(&manifest, |name| std::fs::read(dir.join(name)).ok());
    if !problems.is_empty() {
        anyhow::bail!(
            "{} of {} files fail:\n{}",
            problems.len(),
            manifest.files.len(),
            problems.join("\n")
        );
    }
    for f in &manifest.files {
        println!("ok  {}  {} bytes  {}", f.sha256, f.bytes, f.name);
    }
    Ok(())
}

/// `plangraph export`: reads an existing store (never creates one) and writes the files.
async fn export(
    format: &str,
    plan: Option<String>,
    out: &std::path::Path,
    settings: &Settings,
) -> anyhow::Result<()> {
    use plangraph::export::Format;
    use plangraph::http::downloads::{build, File, PLAN_CODES};
    let format = Format::parse(format)
        .ok_or_else(|| anyhow::anyhow!("--format is csv, json or xlsx, not {format:?}"))?;
    let scope = match plan {
        Some(code) if PLAN_CODES.contains(&code.as_str()) => code,
        Some(code) => anyhow::bail!("--plan is one of {}, not {code:?}", PLAN_CODES.join(", ")),
        None => "all".to_string(),
    };
    let db = plangraph::db::connect_existing(&settings.database_url).await?;
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    let files: Vec<File> = match format {
        Format::Xlsx => vec![File::Workbook {
            scope: scope.clone(),
        }],
        _ => plangraph::export::TABLES
            .into_iter()
            .map(|table| File::Table {
                scope: scope.clone(),
                table,
                format,
            })
            .collect(),
    };
    for file in files.iter().chain([&File::Source, &File::SourceChecksum]) {
        let bytes = build(&db, file)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {}", e.code(), e.message()))?;
        let path = out.join(file.file_name());
        std::fs::write(&path, &bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}

async fn user(command: UserCommand, settings: &Settings) -> anyhow::Result<()> {
    use plangraph::auth::{Actor, UserRole};
    use plangraph::service::{self, operations, users};
    // Account commands never create or fill a store: a wrong DATABASE_URL is an error.
    let db = plangraph::db::connect_existing(&settings.database_url).await?;
    let fail = |e: plangraph::error::AppError| anyhow::anyhow!("{}: {}", e.code(), e.message());
    // The command line acts as the machine's operator; the audit log says so.
    let operator = Actor {
        user_id: 0,
        username: "cli".into(),
        role: UserRole::Admin,
        department_id: None,
    };
    match command {
        UserCommand::Add {
            username,
            role,
            department,
            until,
        } => {
            let role = UserRole::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role is admin, reviewer, submitter or evaluator")
            })?;
            let until = until
                .map(|t| chrono::DateTime::parse_from_rfc3339(&t).map(|t| t.to_utc()))
                .transpose()
                .map_err(|e| {
                    anyhow::anyhow!("--until is an RFC 3339 instant with its offset: {e}")
                })?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let operation = operations::CLI_USER_ADD.on(username.clone());
            let user = service::run(&db, &operator, None, operation, async |txn, _| {
                users::create_account(
                    txn,
                    &username,
                    &password,
                    role,
                    department.as_deref(),
                    until,
                )
                .await
            })
            .await
            .map_err(fail)?;
            println!("created {} ({})", user.username, user.role);
        }
        UserCommand::List => {
            for u in plangraph::repo::users::list(&db).await.map_err(fail)? {
                let department = match u.department_id {
                    Some(id) => plangraph::repo::users::department_name(&db, id)
                        .await
                        .map_err(fail)?,
                    None => String::new(),
                };
                let until = u
                    .access_until
                    .map(|t| format!("\tuntil {}", t.to_rfc3339()));
                println!(
                    "{}\t{}\t{}\t{}{}",
                    u.username,
                    u.role,
                    department,
                    if u.disabled { "disabled" } else { "active" },
                    until.unwrap_or_default()
                );
            }
        }
        UserCommand::Disable { username } => {
            let operation = operations::CLI_USER_DISABLE.on(username.clone());
            let user = service::run(&db, &operator, None, operation, async |txn, _| {
                users::change_account(txn, &username, None, None, Some(true), None).await
            })
            .await
            .map_err(fail)?;
            println!("disabled {}", user.username);
        }
    }
    Ok(())
}
