//! The store suite: one test binary, every test run on both backends. Each test is an async function
//! taking a fresh [`Db`]; [`on_both`] runs it on a new SQLite file always, and on a new PostgreSQL
//! database when `EGOV_TEST_POSTGRES` holds a URL (a role allowed to create databases, as `.ci/run`
//! makes). When that variable is set, PostgreSQL is required: an unreachable server fails the test,
//! it is never skipped.

mod concurrency;
mod cycles;
mod log;
mod publications;
mod reviews;
mod submissions;
mod suite;
mod users;

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use egov_store::Store;
use sqlx::Connection;

/// A fresh database for one test and the way to reach it behind the store's back (for tampering).
pub struct Db {
    pub store: Store,
    target: Target,
}

enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Db {
    /// Runs SQL on a connection of its own, outside the store (what someone with database access could
    /// do).
    pub async fn raw(&self, sql: &'static str) {
        match &self.target {
            Target::Sqlite(path) => {
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
            Target::Postgres(url) => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
                c.close().await.unwrap();
            }
        }
    }

    /// The URL or path the store was opened with.
    pub fn target(&self) -> String {
        match &self.target {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(u) => u.clone(),
        }
    }
}

/// A name no other test of this run or an earlier one uses at the same time.
fn unique(name: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let mut short: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    short.truncate(30);
    format!(
        "{short}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Drops a test's PostgreSQL database when the test ends, passed or failed.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            if let Ok(mut c) = sqlx::PgConnection::connect(&self.admin_url).await {
                let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await;
            }
        });
    }
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

/// Runs `test` on a fresh SQLite file, then on a fresh PostgreSQL database if `EGOV_TEST_POSTGRES` is
/// set (see the module documentation).
pub fn on_both<F, Fut>(name: &str, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = runtime();
    let dir = std::env::temp_dir().join(format!("egov-store-{}", unique(name)));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("egov.db");
    rt.block_on(async {
        let store = Store::open(path.to_str().unwrap()).await.unwrap();
        test(Db {
            store: store.clone(),
            target: Target::Sqlite(path.clone()),
        })
        .await;
        store.close().await;
    });
    std::fs::remove_dir_all(&dir).ok();

    let Ok(admin_url) = std::env::var("EGOV_TEST_POSTGRES") else {
        return;
    };
    let db = unique(name).to_lowercase();
    let guard = rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("EGOV_TEST_POSTGRES is set but PostgreSQL cannot be reached: {e}")
            });
        let sql = format!("CREATE DATABASE \"{db}\"");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        PgDatabase {
            admin_url: admin_url.clone(),
            name: db.clone(),
        }
    });
    let url = with_database(&admin_url, &db);
    rt.block_on(async {
        let store = Store::open(&url).await.unwrap();
        test(Db {
            store: store.clone(),
            target: Target::Postgres(url.clone()),
        })
        .await;
        store.close().await;
    });
    drop(guard);
}

#[test]
fn database_urls_are_rewritten() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1/egov_test", "x"),
        "postgres://u:p@127.0.0.1/x"
    );
    assert_eq!(
        with_database("postgres://u@localhost:5433/a?sslmode=disable", "x"),
        "postgres://u@localhost:5433/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
