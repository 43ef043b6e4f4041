//! Configuration, read in one place: command-line flags over environment over defaults.
//!
//! A variable that is set but malformed stops the start with an error that names it; it never
//! falls back to the default silently.

mod login_policy;
mod network;

pub use login_policy::LoginPolicy;
pub use network::IpNetwork;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The default store: a SQLite file under `./var/`, created on first use.
pub const DEFAULT_DATA_DIR: &str = "var";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// A configuration value that is present but wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A value that never prints (the token signing secret).
#[derive(Clone, PartialEq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Clone)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free port (the tests use it).
    pub bind: String,
    /// Import the bundled document when the store is empty.
    pub import_bundled: bool,
    pub limits: Limits,
    pub rate: RateLimits,
    /// The login throttle's numbers (applied by `auth::throttle`; not read from the
    /// environment: they are policy, not deployment).
    pub login: LoginPolicy,
    /// Proxies whose `X-Forwarded-For` names the client (`PLANGRAPH_TRUSTED_PROXIES`); from
    /// anyone else the header is ignored, so a client cannot choose its own address.
    pub trusted_proxies: Vec<IpNetwork>,
    /// Origins allowed to call the API from a browser; `*` (the default) allows any.
    pub cors_origins: Vec<String>,
    /// GraphiQL, introspection and field suggestions (`PLANGRAPH_DISCOVERY`, on by default:
    /// this is open data). Off, the API answers queries but does not describe itself.
    pub discovery: bool,
    /// Token signing secret (`PLANGRAPH_JWT_SECRET`, at least 32 bytes); when unset the key
    /// file is used, created with a random key on first start.
    pub jwt_secret: Option<Secret>,
    /// `PLANGRAPH_JWT_KEY_FILE`, default `var/jwt.key`.
    pub jwt_key_file: PathBuf,
    /// Token lifetime in seconds (`PLANGRAPH_TOKEN_TTL_SECS`, default 3600).
    pub token_lifetime_secs: i64,
    /// How long a request waits for a PostgreSQL connection before the store counts as down
    /// (`PLANGRAPH_STORE_TIMEOUT_MS`).
    pub store_timeout: Duration,
    /// How often each process looks for changes to tell subscribers about
    /// (`PLANGRAPH_FEED_POLL_MS`, default 250): the delay of a subscription event at most.
    pub feed_poll: Duration,
    /// Subscriptions one WebSocket connection may hold at once (`PLANGRAPH_MAX_SUBSCRIPTIONS`).
    pub max_subscriptions: usize,
    /// WebSocket connections one client address may hold at once
    /// (`PLANGRAPH_MAX_WS_PER_ADDRESS`, default 8).
    pub ws_per_address: usize,
    /// The base of the absolute URLs the server writes (`PLANGRAPH_PUBLIC_URL`, e.g.
    /// `https://data.example.gov.cn/plangraph`); unset, each answer derives it from its
    /// request (`http::base`).
    pub public_url: Option<String>,
}

/// Limits on what one request may ask for, with defaults in the spirit of GitHub's public API.
/// Each is `PLANGRAPH_MAX_<NAME>` (or `PLANGRAPH_<NAME>`) in the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Nesting depth of fields (the IDE's introspection query needs 13).
    pub depth: usize,
    /// Nesting of brackets in the raw request — query text and JSON — checked before parsing.
    pub nesting: usize,
    /// Estimated cost: fields, with lists multiplied by their page size or largest size.
    pub cost: usize,
    /// Aliased fields in one request.
    pub aliases: usize,
    /// Selections of the fully expanded document (each fragment spread counted with its
    /// fragment's selections at every use): what bounds async-graphql's validation work.
    pub selections: usize,
    /// Size of one answer in bytes.
    pub response_bytes: usize,
    /// Time one request may run before it is cancelled.
    pub timeout: Duration,
    /// Request body size in bytes.
    pub body_bytes: usize,
    /// Time to receive the request body.
    pub body_timeout: Duration,
    /// Operations in one batched request.
    pub batch: usize,
    /// Bytes of answers kept in the in-memory response cache (0 turns it off).
    pub cache_bytes: u64,
    /// Bytes of query text kept for automatic persisted queries (`PLANGRAPH_PERSISTED_BYTES`;
    /// 0 keeps none: a hash alone is then always answered `PersistedQueryNotFound`, and
    /// clients send their texts).
    pub persisted_bytes: u64,
    /// Operations executed at once (`PLANGRAPH_MAX_EXECUTIONS`); more wait their turn, within
    /// their time limit. What a request holds while it runs (rows, the answer being built) is
    /// what bounds the memory of many uncached requests; waiting ones hold only their text.
    pub executions: usize,
    /// How long a batch loader waits, once the resolvers of its level have asked for their
    /// keys, before it runs its one statement (`PLANGRAPH_BATCH_DELAY_MS`, default 0: at once;
    /// see `repo::loaders`). A wait lets keys asked for after rows that came back later join
    /// the batch (fewer statements), and answers later.
    pub batch_delay: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 15,
            nesting: 64,
            cost: 500_000,
            aliases: 50,
            selections: 2_000,
            response_bytes: 16 * 1024 * 1024,
            timeout: Duration::from_secs(5),
            body_bytes: 64 * 1024,
            body_timeout: Duration::from_secs(10),
            batch: 10,
            cache_bytes: 64 * 1024 * 1024,
            // some hundreds of a front end's queries
            persisted_bytes: 4 * 1024 * 1024,
            batch_delay: Duration::ZERO,
            executions: 8,
        }
    }
}

/// Requests per client address: a token bucket of `burst` requests refilled at `per_second`;
/// a mutation takes `mutation_cost` tokens. `PLANGRAPH_RATE_LIMIT=off` turns it off.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    pub enabled: bool,
    pub per_second: f64,
    pub burst: f64,
    pub mutation_cost: f64,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            enabled: true,
            per_second: 50.0,
            burst: 200.0,
            mutation_cost: 10.0,
        }
    }
}

/// Reads the environment through one function, so tests can hand in their own.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<const N: usize> Environment for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

struct Reader<'a> {
    env: &'a dyn Environment,
}

impl Reader<'_> {
    /// The value of a variable that is set and not blank.
    fn text(&self, name: &str) -> Option<String> {
        self.env.var(name).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: FromStr>(&self, name: &str, default: T, what: &str) -> Result<T, ConfigError> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| ConfigError {
                variable: name.into(),
                message: format!("{v:?} is not {what}"),
            }),
        }
    }

    fn positive(&self, name: &str, default: usize) -> Result<usize, ConfigError> {
        let n = self.parse(name, default, "a whole number")?;
        if n == 0 {
            return Err(ConfigError {
                variable: name.into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(n)
    }

    fn millis(&self, name: &str, default: Duration) -> Result<Duration, ConfigError> {
        let ms: u64 = self.parse(
            name,
            u64::try_from(default.as_millis()).unwrap_or(u64::MAX),
            "a number of milliseconds",
        )?;
        if ms == 0 {
            return Err(ConfigError {
                variable: name.into(),
                message: "must be at least 1 millisecond".into(),
            });
        }
        Ok(Duration::from_millis(ms))
    }

    fn switch(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.text(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) => match v.as_str() {
                "on" | "true" | "1" | "yes" => Ok(true),
                "off" | "false" | "0" | "no" => Ok(false),
                _ => Err(ConfigError {
                    variable: name.into(),
                    message: format!("{v:?} is not on or off"),
                }),
            },
        }
    }

    fn limits(&self) -> Result<Limits, ConfigError> {
        let d = Limits::default();
        Ok(Limits {
            depth: self.positive("PLANGRAPH_MAX_DEPTH", d.depth)?,
            nesting: self.positive("PLANGRAPH_MAX_NESTING", d.nesting)?,
            cost: self.positive("PLANGRAPH_MAX_COST", d.cost)?,
            aliases: self.parse("PLANGRAPH_MAX_ALIASES", d.aliases, "a whole number")?,
            selections: self.positive("PLANGRAPH_MAX_SELECTIONS", d.selections)?,
            response_bytes: self.positive("PLANGRAPH_MAX_RESPONSE_BYTES", d.response_bytes)?,
            timeout: self.millis("PLANGRAPH_TIMEOUT_MS", d.timeout)?,
            body_bytes: self.positive("PLANGRAPH_MAX_BODY_BYTES", d.body_bytes)?,
            body_timeout: self.millis("PLANGRAPH_BODY_TIMEOUT_MS", d.body_timeout)?,
            batch_delay: Duration::from_millis(self.parse(
                "PLANGRAPH_BATCH_DELAY_MS",
                u64::try_from(d.batch_delay.as_millis()).unwrap_or(u64::MAX),
                "a number of milliseconds",
            )?),
            batch: self.positive("PLANGRAPH_MAX_BATCH", d.batch)?,
            cache_bytes: self.parse("PLANGRAPH_CACHE_BYTES", d.cache_bytes, "a number of bytes")?,
            persisted_bytes: self.parse(
                "PLANGRAPH_PERSISTED_BYTES",
                d.persisted_bytes,
                "a number of bytes",
            )?,
            executions: self.positive("PLANGRAPH_MAX_EXECUTIONS", d.executions)?,
        })
    }

    fn rate(&self) -> Result<RateLimits, ConfigError> {
        let d = RateLimits::default();
        let number = |name: &str, default: f64| -> Result<f64, ConfigError> {
            let n: f64 = self.parse(name, default, "a number")?;
            if !(n.is_finite() && n > 0.0) {
                return Err(ConfigError {
                    variable: name.into(),
                    message: "must be a number above 0".into(),
                });
            }
            Ok(n)
        };
        Ok(RateLimits {
            enabled: self.switch("PLANGRAPH_RATE_LIMIT", d.enabled)?,
            per_second: number("PLANGRAPH_RATE_PER_SECOND", d.per_second)?,
            burst: number("PLANGRAPH_RATE_BURST", d.burst)?,
            mutation_cost: number("PLANGRAPH_RATE_MUTATION_COST", d.mutation_cost)?,
        })
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Settings {
    /// Settings from the process environment and defaults.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::read(&ProcessEnv)
    }

    /// Settings from the given environment and defaults.
    pub fn read(env: &dyn Environment) -> Result<Settings, ConfigError> {
        let r = Reader { env };
        let trusted_proxies = r
            .list("PLANGRAPH_TRUSTED_PROXIES")
            .iter()
            .map(|p| p.parse())
            .collect::<Result<Vec<IpNetwork>, String>>()
            .map_err(|message| ConfigError {
                variable: "PLANGRAPH_TRUSTED_PROXIES".into(),
                message,
            })?;
        let mut cors_origins = r.list("PLANGRAPH_CORS_ORIGINS");
        if cors_origins.is_empty() {
            cors_origins.push("*".into());
        }
        let token_lifetime_secs: i64 =
            r.parse("PLANGRAPH_TOKEN_TTL_SECS", 3600, "a number of seconds")?;
        if token_lifetime_secs <= 0 {
            return Err(ConfigError {
                variable: "PLANGRAPH_TOKEN_TTL_SECS".into(),
                message: "must be at least 1 second".into(),
            });
        }
        Ok(Settings {
            database_url: r.text("DATABASE_URL").unwrap_or_else(default_database_url),
            bind: r
                .text("PLANGRAPH_BIND")
                .unwrap_or_else(|| DEFAULT_BIND.to_string()),
            import_bundled: true,
            limits: r.limits()?,
            rate: r.rate()?,
            login: LoginPolicy::default(),
            trusted_proxies,
            cors_origins,
            discovery: r.switch("PLANGRAPH_DISCOVERY", true)?,
            // Not trimmed: a secret is used exactly as given.
            jwt_secret: env
                .var("PLANGRAPH_JWT_SECRET")
                .filter(|s| !s.is_empty())
                .map(Secret),
            jwt_key_file: r
                .text("PLANGRAPH_JWT_KEY_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| [DEFAULT_DATA_DIR, "jwt.key"].iter().collect()),
            token_lifetime_secs,
            store_timeout: r.millis("PLANGRAPH_STORE_TIMEOUT_MS", Duration::from_millis(800))?,
            feed_poll: r.millis("PLANGRAPH_FEED_POLL_MS", Duration::from_millis(250))?,
            max_subscriptions: r.positive("PLANGRAPH_MAX_SUBSCRIPTIONS", 10)?,
            ws_per_address: r.positive("PLANGRAPH_MAX_WS_PER_ADDRESS", 8)?,
            public_url: r
                .text("PLANGRAPH_PUBLIC_URL")
                .map(|v| {
                    crate::rules::hosts::parse_public_url(&v).map_err(|message| ConfigError {
                        variable: "PLANGRAPH_PUBLIC_URL".into(),
                        message,
                    })
                })
                .transpose()?,
        })
    }

    /// Defaults for a store and an address, as the tests use them.
    pub fn new(database_url: impl Into<String>, bind: impl Into<String>) -> Settings {
        Settings {
            database_url: database_url.into(),
            bind: bind.into(),
            import_bundled: true,
            limits: Limits::default(),
            rate: RateLimits::default(),
            login: LoginPolicy::default(),
            trusted_proxies: Vec::new(),
            cors_origins: vec!["*".to_string()],
            discovery: true,
            // A fresh random secret: nothing is written to disk for a throwaway server.
            jwt_secret: Some(Secret(random_secret())),
            jwt_key_file: PathBuf::new(),
            token_lifetime_secs: 3600,
            store_timeout: Duration::from_millis(800),
            feed_poll: Duration::from_millis(250),
            max_subscriptions: 10,
            ws_per_address: 8,
            public_url: None,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The database URL may hold a password and the secret is a secret: neither is printed.
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("limits", &self.limits)
            .field("rate", &self.rate)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("cors_origins", &self.cors_origins)
            .field("discovery", &self.discovery)
            .field("jwt_secret", &self.jwt_secret)
            .field("jwt_key_file", &self.jwt_key_file)
            .finish_non_exhaustive()
    }
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness a fixed secret would be worse than failing: fall back to the clock
    // only to keep tests running on a broken machine, never in `from_env`.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes[..16].copy_from_slice(&nanos.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn default_database_url() -> String {
    let path: PathBuf = [DEFAULT_DATA_DIR, "plangraph.db"].iter().collect();
    format!("sqlite://{}?mode=rwc", path.display())
}

#[cfg(test)]
mod tests;
