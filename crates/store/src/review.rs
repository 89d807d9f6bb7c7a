//! Verification (thẩm định) with optimistic versions, returning a submission to its unit, the
//! explanation round (giải trình) and the council's decisions (hội đồng).
//!
//! Where the cycle must stand for each of them is checked inside the write transaction, against the
//! rows as they are when the change is written: a reviewer's decision that arrives just after the
//! administrator moved the cycle on to the council is refused, never written under the council's
//! feet. Every refusal is [`StoreError::Invalid`] with a message saying why, or
//! [`StoreError::Conflict`] when the object changed since it was read.

use std::fmt;
use std::str::FromStr;

use serde_json::json;

use crate::error::{current, found};
use crate::log::Change;
use crate::model::UnknownValue;
use crate::{
    Cycle, CycleState, Decision, Store, StoreError, Submission, SubmissionStatus, Verification,
    VerificationWrite,
};

const VERIFICATION: &str = "SELECT cycle_id, unit_code, criterion, decision, points, reason, reviewer_id, version, updated_at \
                            FROM verifications WHERE cycle_id = $1 AND unit_code = $2 AND criterion = $3";
const SUBMISSION: &str = "SELECT id, cycle_id, unit_code, status, version, submitted_at, submitted_by \
                          FROM submissions WHERE cycle_id = $1 AND unit_code = $2";
/// The longest explanation kept (characters): a page of text, not a document (documents are evidence).
pub const EXPLANATION_MAX_CHARS: usize = 4000;

/// Giải trình: a unit's answer to the verified points of one criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub id: i64,
    pub cycle_id: i64,
    pub unit_code: String,
    pub criterion: String,
    pub text: String,
    /// The login of the unit's officer or head who wrote it.
    pub author: String,
    pub at: i64,
}
from_row!(Explanation {
    id,
    cycle_id,
    unit_code,
    criterion,
    text,
    author,
    at
});

text_enum! {
    /// The council's decision on a cycle's preliminary results.
    CouncilVerdict {
        /// Thông qua: the results may be published.
        Approved = "approved",
        /// Trả lại: back to the reviewers, with a reason.
        SentBack = "sent_back",
    }
}

/// One decision of the council.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouncilDecision {
    pub id: i64,
    pub cycle_id: i64,
    pub decision: CouncilVerdict,
    pub reason: Option<String>,
    pub author: String,
    pub at: i64,
}
from_row!(CouncilDecision {
    id,
    cycle_id,
    decision: parse,
    reason,
    author,
    at
});

/// What [`Store::verify_criterion`] wrote: the decision, and the submission after it (verified when
/// this decision was the last one missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOutcome {
    pub verification: Verification,
    pub submission: Submission,
}

fn verification_json(v: &Verification) -> String {
    json!({
        "decision": v.decision.as_str(), "points": v.points, "reason": v.reason,
        "reviewer": v.reviewer_id, "version": v.version,
    })
    .to_string()
}

fn cycle_json(c: &Cycle) -> serde_json::Value {
    json!({"state": c.state.as_str(), "version": c.version})
}

fn status_json(s: &Submission) -> String {
    json!({"status": s.status.as_str(), "version": s.version}).to_string()
}

/// `YYYY-MM-DD` as `dd/mm/yyyy` for a message.
fn shown_date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) if iso.len() == 10 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// The refusal of a step the cycle's state does not allow.
fn wrong_state(cycle: &Cycle, what_vi: &str, what_en: &str, needed: &[CycleState]) -> StoreError {
    let state = cycle.state.as_str();
    let needed = needed
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    StoreError::Invalid(egov_core::msg!(
        "kỳ đánh giá đang ở giai đoạn '{state}': chỉ {what_vi} khi kỳ ở giai đoạn {needed}",
        "the cycle is at stage '{state}': {what_en} only at stage {needed}"
    ))
}

/// The refusal of a step the submission's status does not allow.
fn wrong_status(sub: &Submission, what_vi: &str, what_en: &str) -> StoreError {
    let status = sub.status.as_str();
    let unit = &sub.unit_code;
    StoreError::Invalid(egov_core::msg!(
        "hồ sơ của đơn vị {unit} đang ở trạng thái '{status}': chưa thể {what_vi}",
        "the submission of unit {unit} is '{status}': cannot {what_en}"
    ))
}

/// Writes one verification in the open transaction `$tx` after checking its version; evaluates to
/// (the row before, if any; the row after). Shared by [`Store::verify`] and [`Store::verify_criterion`].
macro_rules! save_verification {
    ($tx:ident, $w:expr) => {{
        let w: &VerificationWrite = $w;
        let old: Option<Verification> = sqlx::query_as(VERIFICATION)
            .bind(w.cycle_id)
            .bind(&w.unit_code)
            .bind(&w.criterion)
            .fetch_optional(&mut *$tx)
            .await?;
        $crate::error::current(
            "verification",
            format_args!("{}/{}/{}", w.cycle_id, w.unit_code, w.criterion),
            w.expected_version,
            old.as_ref().map_or(0, |o| o.version),
        )?;
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
            .execute(&mut *$tx)
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
            .execute(&mut *$tx)
            .await?;
        }
        let new: Verification = sqlx::query_as(VERIFICATION)
            .bind(w.cycle_id)
            .bind(&w.unit_code)
            .bind(&w.criterion)
            .fetch_one(&mut *$tx)
            .await?;
        (old, new)
    }};
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
            let (old, new) = save_verification!(tx, w);
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

    /// Records a reviewer's decision on one criterion of a submitted unit, as the web's reviewers make
    /// it: only while the cycle is under review or in its explanation round, and only on a submission
    /// that was submitted (or already verified, for a decision revised after an explanation). The
    /// version is checked as in [`Store::verify`].
    ///
    /// `criteria` are the codes of every criterion of the unit that needs a decision (the web knows
    /// them from the edition). When each of them has a decision made since the unit last submitted,
    /// the submission becomes verified in the same transaction: the reviewer's last decision is the
    /// act that completes it. Decisions made before a resubmission do not count, since the unit may
    /// have changed the values they were about.
    pub async fn verify_criterion(
        &self,
        actor: &str,
        w: &VerificationWrite,
        criteria: &[String],
    ) -> Result<VerifyOutcome, StoreError> {
        if w.decision == Decision::Adjusted {
            crate::cycle::require_reason(w.reason.as_deref().unwrap_or(""))?;
        }
        let outcome = write_tx!(self, |tx| {
            let cycle: Option<Cycle> = sqlx::query_as(crate::cycle::CYCLE_BY_ID)
                .bind(w.cycle_id)
                .fetch_optional(&mut *tx)
                .await?;
            let cycle = found(cycle, "cycle", w.cycle_id)?;
            let stages = [CycleState::Review, CycleState::Explanation];
            if !stages.contains(&cycle.state) {
                return Err(wrong_state(
                    &cycle,
                    "thẩm định",
                    "criteria are verified",
                    &stages,
                ));
            }
            let sub: Option<Submission> = sqlx::query_as(SUBMISSION)
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .fetch_optional(&mut *tx)
                .await?;
            let mut sub = found(
                sub,
                "submission",
                format_args!("{}/{}", w.cycle_id, w.unit_code),
            )?;
            if !matches!(
                sub.status,
                SubmissionStatus::Submitted | SubmissionStatus::Verified
            ) {
                return Err(wrong_status(&sub, "thẩm định", "verify it"));
            }
            let (old, new) = save_verification!(tx, w);
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
            if sub.status == SubmissionStatus::Submitted {
                let decided: Vec<String> = sqlx::query_scalar(
                    "SELECT criterion FROM verifications \
                     WHERE cycle_id = $1 AND unit_code = $2 AND updated_at >= $3",
                )
                .bind(w.cycle_id)
                .bind(&w.unit_code)
                .bind(sub.submitted_at.unwrap_or(0))
                .fetch_all(&mut *tx)
                .await?;
                if criteria.iter().all(|c| decided.contains(c)) {
                    let before = status_json(&sub);
                    sub = sqlx::query_as(
                        "UPDATE submissions SET status = $2, version = version + 1 WHERE id = $1 \
                         RETURNING id, cycle_id, unit_code, status, version, submitted_at, submitted_by",
                    )
                    .bind(sub.id)
                    .bind(SubmissionStatus::Verified.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                    append_log!(
                        tx,
                        Change {
                            actor,
                            action: "submission.verified",
                            object_kind: "submission",
                            object_id: format!("{}/{}", w.cycle_id, w.unit_code),
                            before: Some(before),
                            after: Some(status_json(&sub)),
                            reason: None,
                        }
                    );
                }
            }
            VerifyOutcome {
                verification: new,
                submission: sub,
            }
        });
        Ok(outcome)
    }

    /// Every verification of a cycle, by unit and criterion.
    pub async fn cycle_verifications(
        &self,
        cycle_id: i64,
    ) -> Result<Vec<Verification>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Verification>(
                "SELECT cycle_id, unit_code, criterion, decision, points, reason, reviewer_id, version, updated_at \
                 FROM verifications WHERE cycle_id = $1 ORDER BY unit_code, criterion",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Returns a submission to its unit (trả lại hồ sơ) with the reason, while the cycle is under
    /// review: the submission becomes returned (the unit may change its values and submit again) and
    /// the unit gets a notice (`kind` "returned", `notice` its text), in one transaction with the log
    /// entry. `expected_version` is the submission's version as read.
    pub async fn return_submission(
        &self,
        actor: &str,
        cycle_id: i64,
        unit_code: &str,
        expected_version: i64,
        reason: &str,
        notice: &str,
    ) -> Result<Submission, StoreError> {
        crate::cycle::require_reason(reason)?;
        let sub = write_tx!(self, |tx| {
            let cycle: Option<Cycle> = sqlx::query_as(crate::cycle::CYCLE_BY_ID)
                .bind(cycle_id)
                .fetch_optional(&mut *tx)
                .await?;
            let cycle = found(cycle, "cycle", cycle_id)?;
            if cycle.state != CycleState::Review {
                return Err(wrong_state(
                    &cycle,
                    "trả lại hồ sơ",
                    "a submission is returned",
                    &[CycleState::Review],
                ));
            }
            let old: Option<Submission> = sqlx::query_as(SUBMISSION)
                .bind(cycle_id)
                .bind(unit_code)
                .fetch_optional(&mut *tx)
                .await?;
            let old = found(old, "submission", format_args!("{cycle_id}/{unit_code}"))?;
            current(
                "submission",
                format_args!("{cycle_id}/{unit_code}"),
                expected_version,
                old.version,
            )?;
            if !matches!(
                old.status,
                SubmissionStatus::Submitted | SubmissionStatus::Verified
            ) {
                return Err(wrong_status(&old, "trả lại", "return it"));
            }
            let new: Submission = sqlx::query_as(
                "UPDATE submissions SET status = $2, version = version + 1 WHERE id = $1 \
                 RETURNING id, cycle_id, unit_code, status, version, submitted_at, submitted_by",
            )
            .bind(old.id)
            .bind(SubmissionStatus::Returned.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO notices (user_id, unit_code, kind, text, at) VALUES (NULL, $1, 'returned', $2, $3)",
            )
            .bind(unit_code)
            .bind(notice)
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "submission.return",
                    object_kind: "submission",
                    object_id: format!("{cycle_id}/{unit_code}"),
                    before: Some(status_json(&old)),
                    after: Some(status_json(&new)),
                    reason: Some(reason.trim()),
                }
            );
            new
        });
        Ok(sub)
    }

    /// The units of a cycle whose submission was returned at least once (from the log, which is the
    /// record of every return), by code.
    pub async fn returned_units(&self, cycle_id: i64) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT DISTINCT object_id FROM audit_log \
                 WHERE action = 'submission.return' AND object_id LIKE $1 ORDER BY object_id",
            )
            .bind(format!("{cycle_id}/%"))
            .fetch_all(pool)
            .await?
        });
        let prefix = format!("{cycle_id}/");
        Ok(ids
            .into_iter()
            .filter_map(|id| id.strip_prefix(&prefix).map(str::to_string))
            .collect())
    }

    /// Records a unit's explanation (giải trình) of one criterion's verified points. Accepted only in
    /// the cycle's explanation round and up to its deadline (`today`, `YYYY-MM-DD` in the province's
    /// time, is the caller's clock; the deadline's day is included), from a unit whose submission was
    /// submitted. The text is kept as written (trimmed), at most [`EXPLANATION_MAX_CHARS`] characters.
    pub async fn add_explanation(
        &self,
        actor: &str,
        cycle_id: i64,
        unit_code: &str,
        criterion: &str,
        text: &str,
        today: &str,
    ) -> Result<Explanation, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid(egov_core::msg!(
                "cần ghi nội dung giải trình",
                "the explanation is empty"
            )));
        }
        let chars = text.chars().count();
        if chars > EXPLANATION_MAX_CHARS {
            return Err(StoreError::Invalid(egov_core::msg!(
                "nội dung giải trình dài {chars} ký tự, quá giới hạn {EXPLANATION_MAX_CHARS} ký tự (tài liệu dài hãy gửi làm minh chứng)",
                "the explanation has {chars} characters, more than the limit of {EXPLANATION_MAX_CHARS} (send a long document as evidence)"
            )));
        }
        let e = write_tx!(self, |tx| {
            let cycle: Option<Cycle> = sqlx::query_as(crate::cycle::CYCLE_BY_ID)
                .bind(cycle_id)
                .fetch_optional(&mut *tx)
                .await?;
            let cycle = found(cycle, "cycle", cycle_id)?;
            if cycle.state != CycleState::Explanation {
                return Err(wrong_state(
                    &cycle,
                    "nhận giải trình",
                    "explanations are accepted",
                    &[CycleState::Explanation],
                ));
            }
            if let Some(deadline) = cycle.explanation_deadline.as_deref()
                && today > deadline
            {
                let shown = shown_date(deadline);
                return Err(StoreError::Invalid(egov_core::msg!(
                    "vòng giải trình đã kết thúc ngày {shown}: không nhận thêm giải trình",
                    "the explanation round ended on {shown}: no more explanations are accepted"
                )));
            }
            let sub: Option<Submission> = sqlx::query_as(SUBMISSION)
                .bind(cycle_id)
                .bind(unit_code)
                .fetch_optional(&mut *tx)
                .await?;
            let sub = found(sub, "submission", format_args!("{cycle_id}/{unit_code}"))?;
            if !matches!(
                sub.status,
                SubmissionStatus::Submitted | SubmissionStatus::Verified
            ) {
                return Err(wrong_status(&sub, "giải trình", "explain"));
            }
            let e: Explanation = sqlx::query_as(
                "INSERT INTO explanations (cycle_id, unit_code, criterion, text, author, at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, cycle_id, unit_code, criterion, text, author, at",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .bind(criterion)
            .bind(text)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "explanation.add",
                    object_kind: "explanation",
                    object_id: e.id.to_string(),
                    before: None,
                    after: Some(
                        json!({
                            "cycle": cycle_id, "unit": unit_code, "criterion": criterion, "text": text,
                        })
                        .to_string()
                    ),
                    reason: None,
                }
            );
            e
        });
        Ok(e)
    }

    /// The explanations of one unit in a cycle, oldest first.
    pub async fn explanations(
        &self,
        cycle_id: i64,
        unit_code: &str,
    ) -> Result<Vec<Explanation>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Explanation>(
                "SELECT id, cycle_id, unit_code, criterion, text, author, at FROM explanations \
                 WHERE cycle_id = $1 AND unit_code = $2 ORDER BY id",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The council's decision on a cycle in its council stage: approval closes the cycle (its results
    /// are ready to publish), sending back (which needs a reason) returns it to the reviewers.
    /// `expected_version` is the cycle's version as read: a cycle changed since is a
    /// [`StoreError::Conflict`] and nothing is written.
    pub async fn council_decide(
        &self,
        actor: &str,
        cycle_id: i64,
        expected_version: i64,
        verdict: CouncilVerdict,
        reason: Option<&str>,
    ) -> Result<(CouncilDecision, Cycle), StoreError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if verdict == CouncilVerdict::SentBack {
            crate::cycle::require_reason(reason.unwrap_or(""))?;
        }
        let out = write_tx!(self, |tx| {
            let old: Option<Cycle> = sqlx::query_as(crate::cycle::CYCLE_BY_ID)
                .bind(cycle_id)
                .fetch_optional(&mut *tx)
                .await?;
            let old = found(old, "cycle", cycle_id)?;
            current("cycle", cycle_id, expected_version, old.version)?;
            if old.state != CycleState::Council {
                return Err(wrong_state(
                    &old,
                    "hội đồng quyết định",
                    "the council decides",
                    &[CycleState::Council],
                ));
            }
            let decision: CouncilDecision = sqlx::query_as(
                "INSERT INTO council_decisions (cycle_id, decision, reason, author, at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id, cycle_id, decision, reason, author, at",
            )
            .bind(cycle_id)
            .bind(verdict.as_str())
            .bind(reason)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            let state = match verdict {
                CouncilVerdict::Approved => CycleState::Closed,
                CouncilVerdict::SentBack => CycleState::Review,
            };
            let new: Cycle = sqlx::query_as(
                "UPDATE cycles SET state = $2, version = version + 1 WHERE id = $1 AND version = $3 \
                 RETURNING id, year, edition_id, state, deadline, explanation_deadline, version, created_at",
            )
            .bind(cycle_id)
            .bind(state.as_str())
            .bind(expected_version)
            .fetch_one(&mut *tx)
            .await?;
            let mut after = cycle_json(&new);
            after["decision"] = json!(verdict.as_str());
            append_log!(
                tx,
                Change {
                    actor,
                    action: match verdict {
                        CouncilVerdict::Approved => "council.approve",
                        CouncilVerdict::SentBack => "council.send_back",
                    },
                    object_kind: "cycle",
                    object_id: cycle_id.to_string(),
                    before: Some(cycle_json(&old).to_string()),
                    after: Some(after.to_string()),
                    reason,
                }
            );
            (decision, new)
        });
        Ok(out)
    }

    /// The council's decisions on a cycle, oldest first.
    pub async fn council_decisions(
        &self,
        cycle_id: i64,
    ) -> Result<Vec<CouncilDecision>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, CouncilDecision>(
                "SELECT id, cycle_id, decision, reason, author, at FROM council_decisions \
                 WHERE cycle_id = $1 ORDER BY id",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
