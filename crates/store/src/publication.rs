//! Publication (công bố): the immutable versions of a cycle's results. A version is written once,
//! with its snapshot, content hash and annex files, in one transaction with its audit entry; nothing
//! here updates or deletes one, so a correction is always a new version and the old one stays as it
//! was published.

use serde_json::json;

use crate::log::Change;
use crate::{Publication, Store, StoreError};

impl Store {
    /// Publishes a new version of a cycle's results: version 1, or the next one, which is a correction
    /// and needs a reason. Earlier versions stay.
    pub async fn publish(
        &self,
        actor: &str,
        cycle_id: i64,
        decision_number: &str,
        decision_date: &str,
        snapshot: &str,
        reason: Option<&str>,
    ) -> Result<Publication, StoreError> {
        let hash = crate::sha256_hex(snapshot.as_bytes());
        let p = write_tx!(self, |tx| {
            let last: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM publications WHERE cycle_id = $1")
                    .bind(cycle_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let version = last.unwrap_or(0) + 1;
            if version > 1 {
                crate::cycle::require_reason(reason.unwrap_or(""))?;
            }
            let p: Publication = sqlx::query_as(
                "INSERT INTO publications (cycle_id, version, decision_number, decision_date, content_hash, snapshot, reason, published_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id, cycle_id, version, decision_number, decision_date, content_hash, snapshot, reason, published_by, published_at",
            )
            .bind(cycle_id)
            .bind(version)
            .bind(decision_number)
            .bind(decision_date)
            .bind(&hash)
            .bind(snapshot)
            .bind(reason)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "cycle.publish",
                    object_kind: "publication",
                    object_id: format!("{cycle_id}/{version}"),
                    before: None,
                    after: Some(
                        json!({
                            "decision_number": decision_number, "decision_date": decision_date,
                            "content_hash": hash,
                        })
                        .to_string()
                    ),
                    reason,
                }
            );
            p
        });
        Ok(p)
    }

    /// Every published version of a cycle, oldest first.
    pub async fn publications(&self, cycle_id: i64) -> Result<Vec<Publication>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Publication>(
                "SELECT id, cycle_id, version, decision_number, decision_date, content_hash, snapshot, reason, published_by, published_at \
                 FROM publications WHERE cycle_id = $1 ORDER BY version",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
