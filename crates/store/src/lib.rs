//! egov-store: the database of the evaluation cycle, and the only crate that knows SQL.
//!
//! One [`Store`] over either backend: embedded SQLite (a file, created and migrated on first open; WAL,
//! foreign keys on, a busy timeout) or PostgreSQL (a `postgres://` URL) for several servers on one
//! database. Every query is written once with `$1` placeholders, which both accept, and compiled for
//! each backend by the macros below; the schema has one migration history per backend
//! (`migrations/`, [`migrate`]).
//!
//! Every change is a write transaction that also appends its entry to the hash-chained audit log
//! ([`log`]) before it commits, so a change without its entry, or an entry without its change, cannot
//! exist. Writes are serialized: `BEGIN IMMEDIATE` on SQLite (one writer at a time, waiting its turn
//! under the busy timeout instead of failing with "database is locked" on a read-to-write upgrade), a
//! transaction-scoped advisory lock on PostgreSQL (the log's sequence numbers and chain need one writer
//! at a time, and taking the lock first, before any row lock, rules out deadlocks). Values edited by
//! several people carry a version: an update names the version it read, and a stale one is refused with
//! [`StoreError::Conflict`], never applied over the other's change.
//!
//! # Layout
//! - [`error`]: [`StoreError`], in the message language.
//! - [`migrate`]: the embedded migrations of each backend.
//! - [`model`]: the records read back (`FromRow` for both backends).
//! - [`log`]: the audit log: appending, hashing, verifying.
//! - `registry` (units, users, roles), `cycle` (editions, holidays, cycles, deadlines), `submission`
//!   (submissions, entries, evidence), `review` (verifications, explanations, council decisions),
//!   `publication` (published versions and their files, marking notices read), `session` (sessions,
//!   login attempts, notices), `file` (SQLite backup and checks).

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Runs `$body` with `$pool` bound to the backend's pool: the body is written once and compiled once
/// per backend.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite(p) => {
                let $pool = p;
                $body
            }
            $crate::Backend::Postgres(p) => {
                let $pool = p;
                $body
            }
        }
    };
}

/// Runs `$body` in a write transaction bound to `$tx` and commits it; an early return (`?`) drops the
/// transaction, which rolls it back. See the crate documentation for why writes are serialized.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite(p) => {
                let mut $tx = p.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::Backend::Postgres(p) => {
                let mut $tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind($crate::WRITE_LOCK)
                    .execute(&mut *$tx)
                    .await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

#[macro_use]
pub mod model;
#[macro_use]
pub mod log;
pub mod error;
pub mod migrate;

mod cycle;
mod file;
mod publication;
mod registry;
mod review;
mod session;
mod submission;

pub use error::StoreError;
pub use log::{Broken, LogEntry, LogReport, Problem};
pub use model::*;
pub use publication::{NewFile, NewPublication, PublicationFile, PublicationInfo};
pub use review::{
    CouncilDecision, CouncilVerdict, EXPLANATION_MAX_CHARS, Explanation, VerifyOutcome,
};
pub use submission::{DraftWrite, EntryWrite, SavedDraft, editable};

/// The key of PostgreSQL's advisory lock that serializes egov's writes ("egov" in ASCII).
const WRITE_LOCK: i64 = 0x6567_6f76;

/// How long an SQLite writer waits for the one before it.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The database of one egov installation. Cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where a database is: a PostgreSQL URL, or an SQLite file (a path, or `sqlite:PATH`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; anything else is an SQLite file.
    pub fn parse(s: &str) -> Target {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Target::Postgres(s.to_string())
        } else {
            let path = s
                .strip_prefix("sqlite://")
                .or_else(|| s.strip_prefix("sqlite:"));
            Target::Sqlite(PathBuf::from(path.unwrap_or(s)))
        }
    }
}

/// The options of an SQLite file: WAL (readers never wait for the writer), foreign keys enforced,
/// `synchronous = FULL` (an acknowledged write survives a power cut, not only a killed process).
/// Opened to be used (`use_it`), the file is created if missing and switched to WAL; opened only to
/// be read or checked, its journal mode is left as it is (switching is a write, and a backup being
/// checked must not change).
fn sqlite_options(path: &Path, use_it: bool) -> SqliteConnectOptions {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(use_it)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    if use_it {
        options.journal_mode(SqliteJournalMode::Wal)
    } else {
        options
    }
}

impl Store {
    /// Opens the database at `target` (see [`Target::parse`]), creating an SQLite file if missing, and
    /// applies the migrations it lacks.
    pub async fn open(target: &str) -> Result<Store, StoreError> {
        let store = Store::connect(&Target::parse(target), true).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens an existing egov database without changing it (no file created, no migration applied):
    /// for `egov verify-log` and for checking a backup. Refused when it is not an egov database or was
    /// written by a newer egov.
    pub async fn open_existing(target: &str) -> Result<Store, StoreError> {
        let target = Target::parse(target);
        if let Target::Sqlite(path) = &target
            && !path.is_file()
        {
            return Err(StoreError::Missing(path.clone()));
        }
        let store = Store::connect(&target, false).await?;
        store.check_schema().await?;
        Ok(store)
    }

    async fn connect(target: &Target, create: bool) -> Result<Store, StoreError> {
        let backend = match target {
            Target::Sqlite(path) => {
                if create && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.into(), e))?;
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(sqlite_options(path, create))
                    .await?;
                Backend::Sqlite(pool)
            }
            Target::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Backend::Postgres(pool)
            }
        };
        Ok(Store { backend })
    }

    /// Which backend this store runs on: `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection (an SQLite file is checkpointed and its WAL removed when the last one
    /// closes).
    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }
}

/// Milliseconds since 1970-01-01 UTC, the one time format of the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The SHA-256 of `bytes` as 64 lowercase hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("postgres://u@h/db"),
            Target::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(Target::parse("egov.db"), Target::Sqlite("egov.db".into()));
        assert_eq!(
            Target::parse("sqlite:data/egov.db"),
            Target::Sqlite("data/egov.db".into())
        );
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
