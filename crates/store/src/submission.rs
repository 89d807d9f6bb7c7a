//! Submissions, their entries (the values a unit types, with optimistic versions) and evidence.

use serde_json::json;

use crate::error::{current, found};
use crate::log::Change;
use crate::model::EvidenceRow;
use crate::{Entry, Evidence, EvidenceSource, Store, StoreError, Submission, SubmissionStatus};

const SUBMISSION_COLUMNS_BY_ID: &str = "SELECT id, cycle_id, unit_code, status, version, submitted_at, submitted_by \
                                        FROM submissions WHERE id = $1";
const ENTRY: &str = "SELECT submission_id, key, value, version, updated_by, updated_at FROM entries \
                     WHERE submission_id = $1 AND key = $2";
const EVIDENCE_COLUMNS: &str = "SELECT id, submission_id, key, kind, content_hash, file_name, media_type, size, \
                                doc_number, doc_date, doc_issuer, doc_link, added_by, added_at, removed_at \
                                FROM evidence WHERE id = $1";

/// Whether a unit may still change its values: before it submits, or after its submission was returned.
pub fn editable(status: SubmissionStatus) -> bool {
    matches!(
        status,
        SubmissionStatus::NotStarted | SubmissionStatus::Draft | SubmissionStatus::Returned
    )
}

/// One value of a draft save ([`Store::save_draft`]): `expected_version` is the version the writer read,
/// 0 for a key without a value yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftWrite {
    pub key: String,
    pub value: String,
    pub expected_version: i64,
}

/// What a draft save wrote: the entries written (unchanged values are not written again) and the
/// submission after it (a first save moves it from not started to draft).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedDraft {
    pub entries: Vec<Entry>,
    pub submission: Submission,
}

/// A write of one entry: `expected_version` is the version the writer read, 0 for a key without a
/// value yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryWrite<'a> {
    pub submission_id: i64,
    pub key: &'a str,
    pub value: &'a str,
    pub expected_version: i64,
}

/// The refusal of a change to a submission that is no longer the unit's to change.
fn not_editable(sub: &Submission) -> StoreError {
    let status = sub.status.as_str();
    StoreError::Invalid(egov_core::msg!(
        "hồ sơ đang ở trạng thái '{status}': đơn vị không còn sửa được số liệu",
        "the submission is '{status}': the unit can no longer change its values"
    ))
}

impl Store {
    /// The submissions of a cycle, by unit code.
    pub async fn submissions(&self, cycle_id: i64) -> Result<Vec<Submission>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Submission>(
                "SELECT id, cycle_id, unit_code, status, version, submitted_at, submitted_by \
                 FROM submissions WHERE cycle_id = $1 ORDER BY unit_code",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// One unit's submission in a cycle.
    pub async fn submission(
        &self,
        cycle_id: i64,
        unit_code: &str,
    ) -> Result<Submission, StoreError> {
        let s: Option<Submission> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, cycle_id, unit_code, status, version, submitted_at, submitted_by \
                 FROM submissions WHERE cycle_id = $1 AND unit_code = $2",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_optional(pool)
            .await?
        });
        found(s, "submission", format_args!("{cycle_id}/{unit_code}"))
    }

    /// Moves a submission to `status` (submitting records who and when); `expected_version` as read.
    pub async fn set_submission_status(
        &self,
        actor: &str,
        id: i64,
        expected_version: i64,
        status: SubmissionStatus,
        reason: Option<&str>,
    ) -> Result<Submission, StoreError> {
        let s = write_tx!(self, |tx| {
            let old: Option<Submission> = sqlx::query_as(SUBMISSION_COLUMNS_BY_ID)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let old = found(old, "submission", id)?;
            current(
                "submission",
                format_args!("{}/{}", old.cycle_id, old.unit_code),
                expected_version,
                old.version,
            )?;
            let submitted = status == SubmissionStatus::Submitted;
            let new: Submission = sqlx::query_as(
                "UPDATE submissions SET status = $2, version = version + 1, \
                 submitted_at = CASE WHEN $3 THEN $4 ELSE submitted_at END, \
                 submitted_by = CASE WHEN $3 THEN $5 ELSE submitted_by END \
                 WHERE id = $1 \
                 RETURNING id, cycle_id, unit_code, status, version, submitted_at, submitted_by",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(submitted)
            .bind(crate::now_ms())
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "submission.status",
                    object_kind: "submission",
                    object_id: format!("{}/{}", old.cycle_id, old.unit_code),
                    before: Some(
                        json!({"status": old.status.as_str(), "version": old.version}).to_string()
                    ),
                    after: Some(
                        json!({"status": new.status.as_str(), "version": new.version}).to_string()
                    ),
                    reason,
                }
            );
            new
        });
        Ok(s)
    }

    /// The entries of a submission, by key.
    pub async fn entries(&self, submission_id: i64) -> Result<Vec<Entry>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Entry>(
                "SELECT submission_id, key, value, version, updated_by, updated_at FROM entries \
                 WHERE submission_id = $1 ORDER BY key",
            )
            .bind(submission_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every value of a cycle as (unit code, key, value), by unit and key: what scoring reads — the
    /// three columns it needs of a province's hundreds of thousands of entries, nothing else decoded.
    pub async fn cycle_values(
        &self,
        cycle_id: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.unit_code, e.key, e.value \
                 FROM entries e JOIN submissions s ON s.id = e.submission_id \
                 WHERE s.cycle_id = $1 ORDER BY s.unit_code, e.key",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Saves one value. The update names the version the writer read (`… WHERE version = $n`): when
    /// someone saved in between, nothing is written and [`StoreError::Conflict`] says which version is
    /// there now, so a save is never lost under another.
    pub async fn save_entry(&self, actor: &str, w: &EntryWrite<'_>) -> Result<Entry, StoreError> {
        let entry = write_tx!(self, |tx| {
            let old: Option<Entry> = sqlx::query_as(ENTRY)
                .bind(w.submission_id)
                .bind(w.key)
                .fetch_optional(&mut *tx)
                .await?;
            let conflict = |current| StoreError::Conflict {
                kind: "entry",
                id: format!("{}/{}", w.submission_id, w.key),
                expected: w.expected_version,
                current,
            };
            let now = crate::now_ms();
            let new: Entry = match &old {
                None if w.expected_version != 0 => return Err(conflict(0)),
                None => {
                    sqlx::query_as(
                        "INSERT INTO entries (submission_id, key, value, version, updated_by, updated_at) \
                         VALUES ($1, $2, $3, 1, $4, $5) \
                         RETURNING submission_id, key, value, version, updated_by, updated_at",
                    )
                    .bind(w.submission_id)
                    .bind(w.key)
                    .bind(w.value)
                    .bind(actor)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
                Some(o) => {
                    let updated: Option<Entry> = sqlx::query_as(
                        "UPDATE entries SET value = $3, version = version + 1, updated_by = $4, updated_at = $5 \
                         WHERE submission_id = $1 AND key = $2 AND version = $6 \
                         RETURNING submission_id, key, value, version, updated_by, updated_at",
                    )
                    .bind(w.submission_id)
                    .bind(w.key)
                    .bind(w.value)
                    .bind(actor)
                    .bind(now)
                    .bind(w.expected_version)
                    .fetch_optional(&mut *tx)
                    .await?;
                    updated.ok_or_else(|| conflict(o.version))?
                }
            };
            append_log!(
                tx,
                Change {
                    actor,
                    action: "entry.save",
                    object_kind: "entry",
                    object_id: format!("{}/{}", w.submission_id, w.key),
                    before: old
                        .as_ref()
                        .map(|o| json!({"value": o.value, "version": o.version}).to_string()),
                    after: Some(json!({"value": new.value, "version": new.version}).to_string()),
                    reason: None,
                }
            );
            new
        });
        Ok(entry)
    }

    /// Saves a unit's draft: every write in one transaction, each naming the version it read, so a save
    /// is all or nothing. A stale version anywhere refuses the whole save with [`StoreError::Conflict`]
    /// (nothing is written); a value equal to the stored one with the version read is left as it is (no
    /// new version, no log entry). Refused with [`StoreError::Invalid`] once the submission is no longer
    /// the unit's to change ([`editable`]): the check is inside the transaction, so a save cannot slip in
    /// after the head submitted. The first save moves the submission from not started to draft.
    pub async fn save_draft(
        &self,
        actor: &str,
        submission_id: i64,
        writes: &[DraftWrite],
    ) -> Result<SavedDraft, StoreError> {
        let saved = write_tx!(self, |tx| {
            let sub: Option<Submission> = sqlx::query_as(SUBMISSION_COLUMNS_BY_ID)
                .bind(submission_id)
                .fetch_optional(&mut *tx)
                .await?;
            let sub = found(sub, "submission", submission_id)?;
            if !editable(sub.status) {
                return Err(not_editable(&sub));
            }
            let now = crate::now_ms();
            let mut written = Vec::new();
            for w in writes {
                let old: Option<Entry> = sqlx::query_as(ENTRY)
                    .bind(submission_id)
                    .bind(&w.key)
                    .fetch_optional(&mut *tx)
                    .await?;
                current(
                    "entry",
                    format_args!("{}/{}/{}", sub.cycle_id, sub.unit_code, w.key),
                    w.expected_version,
                    old.as_ref().map_or(0, |o| o.version),
                )?;
                if old.as_ref().is_some_and(|o| o.value == w.value) {
                    continue;
                }
                // The version was checked above, inside this serialized transaction: nothing can change
                // it before the write.
                let new: Entry = sqlx::query_as(
                    "INSERT INTO entries (submission_id, key, value, version, updated_by, updated_at) \
                     VALUES ($1, $2, $3, 1, $4, $5) \
                     ON CONFLICT (submission_id, key) DO UPDATE SET value = excluded.value, \
                     version = entries.version + 1, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at \
                     RETURNING submission_id, key, value, version, updated_by, updated_at",
                )
                .bind(submission_id)
                .bind(&w.key)
                .bind(&w.value)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                append_log!(
                    tx,
                    Change {
                        actor,
                        action: "entry.save",
                        object_kind: "entry",
                        object_id: format!("{}/{}", submission_id, w.key),
                        before: old
                            .as_ref()
                            .map(|o| json!({"value": o.value, "version": o.version}).to_string()),
                        after: Some(
                            json!({"value": new.value, "version": new.version}).to_string()
                        ),
                        reason: None,
                    }
                );
                written.push(new);
            }
            let submission = if sub.status == SubmissionStatus::NotStarted && !written.is_empty() {
                let new: Submission = sqlx::query_as(
                    "UPDATE submissions SET status = $2, version = version + 1 WHERE id = $1 \
                     RETURNING id, cycle_id, unit_code, status, version, submitted_at, submitted_by",
                )
                .bind(submission_id)
                .bind(SubmissionStatus::Draft.as_str())
                .fetch_one(&mut *tx)
                .await?;
                append_log!(
                    tx,
                    Change {
                        actor,
                        action: "submission.status",
                        object_kind: "submission",
                        object_id: format!("{}/{}", sub.cycle_id, sub.unit_code),
                        before: Some(
                            json!({"status": sub.status.as_str(), "version": sub.version})
                                .to_string()
                        ),
                        after: Some(
                            json!({"status": new.status.as_str(), "version": new.version})
                                .to_string()
                        ),
                        reason: None,
                    }
                );
                new
            } else {
                sub
            };
            SavedDraft {
                entries: written,
                submission,
            }
        });
        Ok(saved)
    }

    /// Records in the audit log that a submission was refused (past the deadline, or not the unit's to
    /// submit any more), with the reason shown to the head. Nothing else changes; the log keeps every
    /// refusal, so a unit cannot later say it tried in time without a trace either way.
    pub async fn record_refused_submission(
        &self,
        actor: &str,
        submission_id: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let sub: Option<Submission> = sqlx::query_as(SUBMISSION_COLUMNS_BY_ID)
                .bind(submission_id)
                .fetch_optional(&mut *tx)
                .await?;
            let sub = found(sub, "submission", submission_id)?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "submission.refused",
                    object_kind: "submission",
                    object_id: format!("{}/{}", sub.cycle_id, sub.unit_code),
                    before: Some(
                        json!({"status": sub.status.as_str(), "version": sub.version}).to_string()
                    ),
                    after: None,
                    reason: Some(reason),
                }
            );
        });
        Ok(())
    }

    /// Adds evidence for one key of a submission.
    pub async fn add_evidence(
        &self,
        actor: &str,
        submission_id: i64,
        key: &str,
        source: &EvidenceSource,
    ) -> Result<Evidence, StoreError> {
        let (kind, hash, name, media, size) = match source {
            EvidenceSource::File {
                content_hash,
                file_name,
                media_type,
                size,
            } => (
                "file",
                Some(content_hash),
                Some(file_name),
                Some(media_type),
                Some(*size),
            ),
            EvidenceSource::Document { .. } => ("document", None, None, None, None),
        };
        let (number, date, issuer, link) = match source {
            EvidenceSource::Document {
                number,
                date,
                issuer,
                link,
            } => (Some(number), date.as_ref(), issuer.as_ref(), link.as_ref()),
            EvidenceSource::File { .. } => (None, None, None, None),
        };
        let evidence = write_tx!(self, |tx| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO evidence (submission_id, key, kind, content_hash, file_name, media_type, size, \
                 doc_number, doc_date, doc_issuer, doc_link, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(submission_id)
            .bind(key)
            .bind(kind)
            .bind(hash)
            .bind(name)
            .bind(media)
            .bind(size)
            .bind(number)
            .bind(date)
            .bind(issuer)
            .bind(link)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "evidence.add",
                    object_kind: "evidence",
                    object_id: id.to_string(),
                    before: None,
                    after: Some(json!({
                        "submission": submission_id, "key": key, "kind": kind, "content_hash": hash,
                        "file_name": name, "media_type": media, "size": size, "number": number,
                        "date": date, "issuer": issuer, "link": link,
                    }).to_string()),
                    reason: None,
                }
            );
            let row: EvidenceRow = sqlx::query_as(EVIDENCE_COLUMNS)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            Evidence::from(row)
        });
        Ok(evidence)
    }

    /// Marks evidence removed (it stays in the database and the log; the file stays in the object store).
    pub async fn remove_evidence(
        &self,
        actor: &str,
        id: i64,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE evidence SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL",
            )
            .bind(id)
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound {
                    kind: "evidence",
                    id: id.to_string(),
                });
            }
            append_log!(
                tx,
                Change {
                    actor,
                    action: "evidence.remove",
                    object_kind: "evidence",
                    object_id: id.to_string(),
                    before: None,
                    after: None,
                    reason,
                }
            );
        });
        Ok(())
    }

    /// The evidence of a submission (removed pieces included, marked), oldest first.
    pub async fn evidence(&self, submission_id: i64) -> Result<Vec<Evidence>, StoreError> {
        let rows: Vec<EvidenceRow> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, submission_id, key, kind, content_hash, file_name, media_type, size, \
                 doc_number, doc_date, doc_issuer, doc_link, added_by, added_at, removed_at \
                 FROM evidence WHERE submission_id = $1 ORDER BY id",
            )
            .bind(submission_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Evidence::from).collect())
    }
}
