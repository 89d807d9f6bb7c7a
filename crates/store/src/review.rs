//! Verification (thẩm định) with optimistic versions.

use serde_json::json;

use crate::log::Change;
use crate::{Decision, Store, StoreError, Verification, VerificationWrite};

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
}
