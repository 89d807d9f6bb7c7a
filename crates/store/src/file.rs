//! What only the embedded database has: an online backup into a file, and SQLite's integrity check.
//! `egov backup`/`egov restore` build on these; PostgreSQL has its own tools (`pg_dump`).

use std::path::Path;

use crate::{Backend, Store, StoreError};

fn sqlite_only() -> StoreError {
    StoreError::Invalid(egov_core::msg!(
        "chỉ cơ sở dữ liệu nhúng (SQLite) được sao lưu bằng egov; với PostgreSQL hãy dùng pg_dump",
        "only the embedded (SQLite) database is backed up by egov; for PostgreSQL use pg_dump"
    ))
}

impl Store {
    /// Writes a consistent copy of the database to `path` while it stays in use (`VACUUM INTO`: one
    /// read transaction, so the copy is one moment of the database; compacted; no WAL to carry along).
    /// `path` must not exist.
    pub async fn backup_into(&self, path: &Path) -> Result<(), StoreError> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Err(sqlite_only());
        };
        let target = path.to_str().ok_or_else(|| {
            StoreError::Invalid(egov_core::msg!(
                "đường dẫn sao lưu phải là văn bản UTF-8",
                "the backup path must be UTF-8 text"
            ))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// SQLite's `PRAGMA integrity_check`: the problems it lists, none when the file is sound. Always
    /// none on PostgreSQL, which checks its pages itself.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Ok(Vec::new());
        };
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    /// Moves the WAL's content into the database file (before the file is copied or replaced).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if let Backend::Sqlite(pool) = &self.backend {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}
