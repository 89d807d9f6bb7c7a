//! Publication (công bố): the immutable versions of a cycle's results, and in-app notices.
//!
//! A version is written once — its snapshot (the frozen inputs, points and results, as JSON made by the
//! web layer), the snapshot's SHA-256, the decision it was published with and its annex files — in one
//! transaction with its audit entry, which also moves the cycle to `published`. Nothing here updates or
//! deletes a version or a file (the schema refuses it too, with triggers), so a correction is always a
//! new version with a reason and every earlier one stays as it was published. Every unit of the cycle
//! gets a notice of the publication in the same transaction.

use serde_json::json;

use crate::error::{current, found};
use crate::log::Change;
use crate::{CycleState, Notice, Publication, Store, StoreError};

// The column lists as macros, so that each query stays one `&'static str` (`concat!`).
macro_rules! info_columns {
    () => {
        "id, cycle_id, version, decision_number, decision_date, content_hash, reason, published_by, published_at"
    };
}
macro_rules! publication_columns {
    () => {
        concat!(info_columns!(), ", snapshot")
    };
}

/// One annex file to publish with a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    /// The file's name as offered for download (`phu-luc.csv`); unique within a version.
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// What [`Store::publish`] writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPublication<'a> {
    pub cycle_id: i64,
    /// The version this publication becomes, as the publisher read it (1, or the latest + 1): the
    /// snapshot names it, so another version published in between is a [`StoreError::Conflict`].
    pub version: i64,
    pub decision_number: &'a str,
    /// The decision's date, `YYYY-MM-DD`.
    pub decision_date: &'a str,
    /// The frozen snapshot (canonical JSON); its SHA-256 becomes the version's content hash.
    pub snapshot: &'a str,
    /// Why a correction is published (required from version 2 on).
    pub reason: Option<&'a str>,
    pub files: &'a [NewFile],
    /// The notice every unit of the cycle gets (kind `published`), in the same transaction.
    pub notice: Option<&'a str>,
}

/// A published version without its snapshot (lists and histories).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicationInfo {
    pub id: i64,
    pub cycle_id: i64,
    pub version: i64,
    pub decision_number: String,
    pub decision_date: String,
    pub content_hash: String,
    pub reason: Option<String>,
    pub published_by: String,
    pub published_at: i64,
}
from_row!(PublicationInfo {
    id,
    cycle_id,
    version,
    decision_number,
    decision_date,
    content_hash,
    reason,
    published_by,
    published_at
});

/// One stored annex file of a version, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicationFile {
    pub publication_id: i64,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the bytes.
    pub sha256: String,
}
from_row!(PublicationFile {
    publication_id,
    name,
    media_type,
    size,
    sha256
});

impl Store {
    /// Publishes a version of a cycle's results with its files, and moves the cycle to `published`.
    /// Version 1 needs a cycle the council approved (`closed`); a later version is a correction and
    /// needs a reason: of the published cycle as it stands (a decision number or date to correct), or
    /// of one taken back to verification and approved again (`closed` again: points to correct).
    /// Earlier versions stay.
    pub async fn publish(
        &self,
        actor: &str,
        p: &NewPublication<'_>,
    ) -> Result<Publication, StoreError> {
        let hash = crate::sha256_hex(p.snapshot.as_bytes());
        let cycle_id = p.cycle_id;
        if p.version > 1 {
            crate::cycle::require_reason(p.reason.unwrap_or(""))?;
        }
        for (i, f) in p.files.iter().enumerate() {
            if f.name.is_empty() || p.files[..i].iter().any(|g| g.name == f.name) {
                let name = egov_core::text::quote_short(&f.name);
                return Err(StoreError::Invalid(egov_core::msg!(
                    "tệp công bố không có tên hoặc trùng tên: \"{name}\"",
                    "a published file has no name or the name of another: \"{name}\""
                )));
            }
        }
        let publication = write_tx!(self, |tx| {
            let state: Option<(String, i64)> =
                sqlx::query_as("SELECT state, version FROM cycles WHERE id = $1")
                    .bind(cycle_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (state, cycle_version) = found(state, "cycle", cycle_id)?;
            let last: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM publications WHERE cycle_id = $1")
                    .bind(cycle_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let last = last.unwrap_or(0);
            current("publication", cycle_id, p.version - 1, last)?;
            // Version 1: approved by the council (closed). A correction: of a published cycle, or of
            // one taken back to verification and approved again (closed once more).
            let closed = state == CycleState::Closed.as_str();
            let published = state == CycleState::Published.as_str();
            if !(closed || (last > 0 && published)) {
                return Err(StoreError::Invalid(if last == 0 {
                    egov_core::msg!(
                        "chỉ công bố được kỳ đánh giá đã được hội đồng thông qua (trạng thái hiện tại: {state})",
                        "only a cycle the council approved can be published (current state: {state})"
                    )
                } else {
                    egov_core::msg!(
                        "đính chính chỉ áp dụng cho kỳ đã công bố hoặc đã được hội đồng thông qua lại (trạng thái hiện tại: {state})",
                        "a correction applies only to a published cycle or one the council approved again (current state: {state})"
                    )
                }));
            }
            let publication: Publication = sqlx::query_as(concat!(
                "INSERT INTO publications (cycle_id, version, decision_number, decision_date, content_hash, \
                 snapshot, reason, published_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ",
                publication_columns!()
            ))
            .bind(cycle_id)
            .bind(p.version)
            .bind(p.decision_number)
            .bind(p.decision_date)
            .bind(&hash)
            .bind(p.snapshot)
            .bind(p.reason)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            let mut files = Vec::new();
            for f in p.files {
                let sha256 = crate::sha256_hex(&f.bytes);
                sqlx::query(
                    "INSERT INTO publication_files (publication_id, name, media_type, size, sha256, bytes) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(publication.id)
                .bind(&f.name)
                .bind(&f.media_type)
                .bind(i64::try_from(f.bytes.len()).unwrap_or(i64::MAX))
                .bind(&sha256)
                .bind(&f.bytes)
                .execute(&mut *tx)
                .await?;
                files.push(json!({"name": f.name, "size": f.bytes.len(), "sha256": sha256}));
            }
            if let Some(text) = p.notice {
                sqlx::query(
                    "INSERT INTO notices (unit_code, kind, text, at) \
                     SELECT unit_code, 'published', $2, $3 FROM submissions WHERE cycle_id = $1",
                )
                .bind(cycle_id)
                .bind(text)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
            }
            if !published {
                sqlx::query(
                    "UPDATE cycles SET state = $2, version = version + 1 WHERE id = $1 AND version = $3",
                )
                .bind(cycle_id)
                .bind(CycleState::Published.as_str())
                .bind(cycle_version)
                .execute(&mut *tx)
                .await?;
            }
            append_log!(
                tx,
                Change {
                    actor,
                    action: "cycle.publish",
                    object_kind: "publication",
                    object_id: format!("{cycle_id}/{}", p.version),
                    before: Some(json!({"cycle_state": state}).to_string()),
                    after: Some(
                        json!({
                            "cycle_state": CycleState::Published.as_str(),
                            "version": p.version,
                            "decision_number": p.decision_number,
                            "decision_date": p.decision_date,
                            "content_hash": hash,
                            "files": files,
                        })
                        .to_string()
                    ),
                    reason: p.reason,
                }
            );
            publication
        });
        Ok(publication)
    }

    /// Every published version of a cycle, oldest first, with their snapshots.
    pub async fn publications(&self, cycle_id: i64) -> Result<Vec<Publication>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Publication>(concat!(
                "SELECT ",
                publication_columns!(),
                " FROM publications WHERE cycle_id = $1 ORDER BY version"
            ))
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// One version of a cycle, with its snapshot.
    pub async fn publication(
        &self,
        cycle_id: i64,
        version: i64,
    ) -> Result<Publication, StoreError> {
        let p: Option<Publication> = with_pool!(self, |pool| {
            sqlx::query_as(concat!(
                "SELECT ",
                publication_columns!(),
                " FROM publications WHERE cycle_id = $1 AND version = $2"
            ))
            .bind(cycle_id)
            .bind(version)
            .fetch_optional(pool)
            .await?
        });
        found(p, "publication", format_args!("{cycle_id}/{version}"))
    }

    /// The versions of a cycle without their snapshots, oldest first.
    pub async fn publication_history(
        &self,
        cycle_id: i64,
    ) -> Result<Vec<PublicationInfo>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, PublicationInfo>(concat!(
                "SELECT ",
                info_columns!(),
                " FROM publications WHERE cycle_id = $1 ORDER BY version"
            ))
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The latest version of every published cycle, the newest cycle first.
    pub async fn latest_publications(&self) -> Result<Vec<PublicationInfo>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, PublicationInfo>(concat!(
                "SELECT ",
                info_columns!(),
                " FROM publications p \
                 WHERE version = (SELECT MAX(version) FROM publications q WHERE q.cycle_id = p.cycle_id) \
                 ORDER BY published_at DESC, cycle_id DESC"
            ))
            .fetch_all(pool)
            .await?
        }))
    }

    /// The files of a version, by name, without their bytes.
    pub async fn publication_files(
        &self,
        publication_id: i64,
    ) -> Result<Vec<PublicationFile>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, PublicationFile>(
                "SELECT publication_id, name, media_type, size, sha256 FROM publication_files \
                 WHERE publication_id = $1 ORDER BY name",
            )
            .bind(publication_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// One file of a version and its bytes, looked up by its stored name (a name that is not stored
    /// is [`StoreError::NotFound`]; nothing is read from a path).
    pub async fn publication_file(
        &self,
        publication_id: i64,
        name: &str,
    ) -> Result<(PublicationFile, Vec<u8>), StoreError> {
        let row: Option<(String, String, i64, String, Vec<u8>)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT name, media_type, size, sha256, bytes FROM publication_files \
                 WHERE publication_id = $1 AND name = $2",
            )
            .bind(publication_id)
            .bind(name)
            .fetch_optional(pool)
            .await?
        });
        let (name, media_type, size, sha256, bytes) = found(
            row,
            "publication file",
            format_args!("{publication_id}/{}", egov_core::text::quote_short(name)),
        )?;
        Ok((
            PublicationFile {
                publication_id,
                name,
                media_type,
                size,
                sha256,
            },
            bytes,
        ))
    }

    /// One notice.
    pub async fn notice(&self, id: i64) -> Result<Notice, StoreError> {
        let n: Option<Notice> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, user_id, unit_code, kind, text, at, read_at FROM notices WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        found(n, "notice", id)
    }

    /// Marks a notice read (once: reading it again keeps the first time). Whether `actor` may is the
    /// caller's to decide (a notice of theirs or of one of their units).
    pub async fn mark_notice_read(&self, actor: &str, id: i64) -> Result<Notice, StoreError> {
        let n = write_tx!(self, |tx| {
            let old: Option<Notice> = sqlx::query_as(
                "SELECT id, user_id, unit_code, kind, text, at, read_at FROM notices WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let old = found(old, "notice", id)?;
            if old.read_at.is_some() {
                old
            } else {
                let new: Notice = sqlx::query_as(
                    "UPDATE notices SET read_at = $2 WHERE id = $1 \
                     RETURNING id, user_id, unit_code, kind, text, at, read_at",
                )
                .bind(id)
                .bind(crate::now_ms())
                .fetch_one(&mut *tx)
                .await?;
                append_log!(
                    tx,
                    Change {
                        actor,
                        action: "notice.read",
                        object_kind: "notice",
                        object_id: id.to_string(),
                        before: None,
                        after: Some(json!({"read_at": new.read_at}).to_string()),
                        reason: None,
                    }
                );
                new
            }
        });
        Ok(n)
    }
}
