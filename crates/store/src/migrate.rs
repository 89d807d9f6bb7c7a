//! The embedded migrations of each backend (`migrations/sqlite`, `migrations/postgres`; their README
//! says how to add one). They are listed here with `include_str!` rather than `sqlx::migrate!`: that
//! macro is the only reason to build sqlx's proc-macro crate, which compiles sqlx and both drivers a
//! second time for the host; a test keeps this list equal to the folders.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::{Store, StoreError};

/// (version, description, SQLite text, PostgreSQL text) of every migration, in order.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "schema v1",
        include_str!("../migrations/sqlite/0001_schema_v1.sql"),
        include_str!("../migrations/postgres/0001_schema_v1.sql"),
    ),
    (
        4,
        "audit log action index",
        include_str!("../migrations/sqlite/0004_audit_log_action.sql"),
        include_str!("../migrations/postgres/0004_audit_log_action.sql"),
    ),
    (
        5,
        "publication files",
        include_str!("../migrations/sqlite/0005_publication_files.sql"),
        include_str!("../migrations/postgres/0005_publication_files.sql"),
    ),
];

/// The file names the list above stands for, for the test that compares it with the folders.
pub const FILES: &[&str] = &[
    "0001_schema_v1.sql",
    "0004_audit_log_action.sql",
    "0005_publication_files.sql",
];

fn migrator(postgres: bool) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, sqlite, pg)| {
            let sql = if postgres { pg } else { sqlite };
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// The newest schema version this egov knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

impl Store {
    /// Applies the migrations the database lacks (each in its own transaction; PostgreSQL takes
    /// sqlx's migration lock, so several servers starting at once apply each only once).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        with_pool!(self, |pool| {
            let postgres = self.backend_name() == "postgres";
            migrator(postgres).run(pool).await?;
        });
        Ok(())
    }

    /// The schema versions applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Checks that this is an egov database this egov can read: migrated, and by no newer egov.
    pub async fn check_schema(&self) -> Result<(), StoreError> {
        let applied = self.applied_migrations().await.map_err(|_| {
            StoreError::NotEgov(egov_core::msg!(
                "đây không phải cơ sở dữ liệu của egov (không có bảng migration)",
                "this is not an egov database (no migration table)"
            ))
        })?;
        let latest = latest();
        match applied.last() {
            None => Err(StoreError::NotEgov(egov_core::msg!(
                "cơ sở dữ liệu chưa được tạo cấu trúc (chưa có bước migration nào)",
                "the database has no schema yet (no migration applied)"
            ))),
            Some(&v) if v > latest => Err(StoreError::NotEgov(egov_core::msg!(
                "cơ sở dữ liệu có cấu trúc phiên bản {v}, mới hơn phiên bản {latest} mà egov này biết",
                "the database has schema version {v}, newer than the {latest} this egov knows"
            ))),
            Some(_) => Ok(()),
        }
    }
}

use sqlx::SqlSafeStr as _;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of both folders is embedded, under the same numbers, and nothing else is.
    #[test]
    fn the_list_is_the_folders() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        for backend in ["sqlite", "postgres"] {
            let mut files: Vec<String> = std::fs::read_dir(dir.join(backend))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            assert_eq!(files, FILES, "{backend}");
        }
        for (i, (version, ..)) in MIGRATIONS.iter().enumerate() {
            let n: i64 = FILES[i][..4].parse().unwrap();
            assert_eq!(*version, n);
        }
        assert_eq!(MIGRATIONS.len(), FILES.len());
    }
}
