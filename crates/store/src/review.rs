//! Verification (thẩm định) with optimistic versions, and publication.

use serde_json::json;

use crate::log::Change;
use crate::{Decision, Publication, Store, StoreError, Verification, VerificationWrite};

const VERIFICATION: &str = "SELECT cycle_id, unit_code, criterion, decision, points, reason, reviewer_id, version, updated_at \
                            FROM verifications WHERE cycle_id = $1 AND unit_code = $2 AND criterion = $3";

fn verification_json(v: &Verification) -> String {
    json!({
        "decision": v.decision.as_str(), "points": v.points, "reason": v.reason,
        "reviewer": v.reviewer_id, "version": v.version,
    })
    .to_string()
}

impl Store {
    /// Records a reviewer's decision on one criterion. An adjustment needs a reason. Two reviewers on
    /// one criterion: the one whose `expected_version` is stale gets [`StoreError::Conflict`].
    pub async fn verify(
        &self,
        actor: &str,
        w: &VerificationWrite,
    ) -> Result<Verification, StoreError> {
        if w.decision == Decision::Adjusted {
            crate::cycle::require_reason(w.reason.as_deref().unwrap_or(""))?;
        }
        let v = write_tx!(self, |tx| {
            let old: Option<Verification> = sqlx::query_as(VERIFICATION)
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .bind(&w.criterion)
                .fetch_optional(&mut *tx)
                .await?;
            let current = old.as_ref().map_or(0, |o| o.version);
            if current != w.expected_version {
                return Err(StoreError::Conflict {
                    kind: "verification",
                    id: format!("{}/{}/{}", w.cycle_id, w.unit_code, w.criterion),
                    expected: w.expected_version,
                    current,
                });
            }
            let now = crate::now_ms();
            if old.is_none() {
                sqlx::query(
                    "INSERT INTO verifications (cycle_id, unit_code, criterion, decision, points, reason, reviewer_id, version, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)",
                )
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .bind(&w.criterion)
                .bind(w.decision.as_str())
                .bind(&w.points)
                .bind(&w.reason)
                .bind(w.reviewer_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE verifications SET decision = $4, points = $5, reason = $6, reviewer_id = $7, \
                     version = version + 1, updated_at = $8 \
                     WHERE cycle_id = $1 AND unit_code = $2 AND criterion = $3 AND version = $9",
                )
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .bind(&w.criterion)
                .bind(w.decision.as_str())
                .bind(&w.points)
                .bind(&w.reason)
                .bind(w.reviewer_id)
                .bind(now)
                .bind(w.expected_version)
                .execute(&mut *tx)
                .await?;
            }
            let new: Verification = sqlx::query_as(VERIFICATION)
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .bind(&w.criterion)
                .fetch_one(&mut *tx)
                .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "verification.save",
                    object_kind: "verification",
                    object_id: format!("{}/{}/{}", w.cycle_id, w.unit_code, w.criterion),
                    before: old.as_ref().map(verification_json),
                    after: Some(verification_json(&new)),
                    reason: w.reason.as_deref(),
                }
            );
            new
        });
        Ok(v)
    }

    /// The verifications of one unit in a cycle, by criterion.
    pub async fn verifications(
        &self,
        cycle_id: i64,
        unit_code: &str,
    ) -> Result<Vec<Verification>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Verification>(
                "SELECT cycle_id, unit_code, criterion, decision, points, reason, reviewer_id, version, updated_at \
                 FROM verifications WHERE cycle_id = $1 AND unit_code = $2 ORDER BY criterion",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_all(pool)
            .await?
        }))
    }

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
