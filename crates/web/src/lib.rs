//! egov-web: the web application of the evaluation cycle (`egov serve`), the only crate that knows HTTP.
//!
//! # Layout
//! - [`routes`]: the one route table ([`ROUTES`]) the router is built from: every route names the
//!   [`Action`] it performs, and the guard in front of it asks [`authz`] before the handler runs.
//! - [`authz`]: the one place that maps (the user's role grants, action, object) to allowed or denied.
//! - [`guard`]: per request: the language, the session (from the database), CSRF and Origin checks,
//!   then the authorization decision.
//! - [`session`]: tokens, password hashes (argon2id), cookies.
//! - [`error`]: the one error type and its mapping to HTTP statuses.
//! - `pages`: the handlers and their askama templates (`templates/`).
//!
//! The web layer keeps no state of its own between requests: sessions, throttling counters and every
//! object live in the database (`egov_store::Store`), so several servers can share one PostgreSQL.

#![forbid(unsafe_code)]

use std::future::Future;

use axum::Router;

pub mod authz;
pub mod error;
mod files;
mod guard;
mod headers;
mod pages;
pub mod publish;
pub mod reminders;
pub mod routes;
pub mod scoring;
pub mod session;
mod text;

pub use authz::{Action, Object, allowed};
pub use error::WebError;
pub use routes::{ROUTES, Route};

/// How this server behaves; every field has a safe default ([`Config::default`]).
#[derive(Clone, Debug)]
pub struct Config {
    /// Whether cookies carry `Secure`. Only `egov serve --insecure-cookies` turns it off, for a browser
    /// talking plain HTTP to 127.0.0.1 (browsers drop `Secure` cookies set over plain HTTP elsewhere).
    pub secure_cookies: bool,
    /// How long a session lasts after login, in milliseconds.
    pub session_ttl_ms: i64,
    /// The largest request body accepted, in bytes, for forms (`application/x-www-form-urlencoded`).
    pub body_limit: usize,
    /// The largest file accepted in a `multipart/form-data` upload (an evidence file, a filled entry
    /// workbook), in bytes; the body of such a request may exceed it by [`Config::body_limit`] (the
    /// other fields). A larger body is refused with 413 as soon as it passes the limit.
    pub upload_limit: usize,
    /// The folder of evidence files (created on first upload), each named by the SHA-256 of its content;
    /// `egov serve` puts it next to the database.
    pub evidence_dir: std::path::PathBuf,
    /// Failed logins of one login name within [`Config::throttle_window_ms`] after which further
    /// attempts are refused until the window has passed.
    pub throttle_failures: i64,
    pub throttle_window_ms: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: true,
            session_ttl_ms: 8 * 3600 * 1000,
            body_limit: 64 * 1024,
            upload_limit: 20 * 1024 * 1024,
            evidence_dir: std::path::PathBuf::from("egov-evidence"),
            throttle_failures: 5,
            throttle_window_ms: 15 * 60 * 1000,
        }
    }
}

/// What every handler reaches: the database and the configuration. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: egov_store::Store,
    pub config: Config,
}

/// The whole application, built from [`ROUTES`]: every route behind its guard, security headers on
/// every response (the fallback's 404 included).
pub fn router(state: AppState) -> Router {
    routes::build(state)
}

/// Serves `router(state)` on a bound listener until `shutdown` completes (requests in flight finish).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge = tokio::spawn(purge_sessions(state.store.clone()));
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    purge.abort();
    served
}

/// How often expired sessions are removed from the database.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes expired sessions and makes the deadline reminders due ([`reminders`]) now and then. An
/// expired session is already refused at every request
/// (the guard compares its expiry); the purge keeps the table to live sessions. With several servers
/// on one database each purges; the deletes are idempotent. A failure is reported and retried at the
/// next round: the server goes on serving.
async fn purge_sessions(store: egov_store::Store) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = store
            .purge_sessions("egov-serve", egov_store::now_ms())
            .await
        {
            eprintln!("egov serve: expired sessions not purged: {e}");
        }
        if let Err(e) = reminders::remind(&store, egov_store::now_ms()).await {
            eprintln!("egov serve: deadline reminders not made: {e}");
        }
    }
}
