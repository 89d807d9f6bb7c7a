//! Deadline reminders: a notice to every unit of an open cycle that has not submitted when its own
//! deadline (the cycle's, or its latest extension) is at most [`REMIND_DAYS`] days away in Vietnam's
//! calendar. Run by each server on its timer; the store adds each reminder once (same unit, kind and
//! text), so several servers and repeated rounds never repeat one, and a new extension (another date
//! in the text) brings a new reminder.

use std::collections::HashMap;

use egov_core::calendar::{Date, parse_date};
use egov_store::{CycleState, Store, StoreError, SubmissionStatus};

/// How many days before its deadline a unit that has not submitted is reminded.
pub const REMIND_DAYS: i64 = 3;

/// The notice kind of a reminder.
pub const KIND: &str = "deadline_soon";

/// Adds the reminders due at `now_ms`; returns how many were added.
pub async fn remind(store: &Store, now_ms: i64) -> Result<usize, StoreError> {
    let Some(today) = Date::in_vietnam_at(now_ms) else {
        return Ok(0);
    };
    let mut added = 0;
    for cycle in store.cycles().await? {
        if cycle.state != CycleState::Open {
            continue;
        }
        let extended: HashMap<String, String> = store
            .latest_extensions(cycle.id)
            .await?
            .into_iter()
            .map(|e| (e.unit_code, e.deadline))
            .collect();
        for s in store.submissions(cycle.id).await? {
            let pending = matches!(
                s.status,
                SubmissionStatus::NotStarted
                    | SubmissionStatus::Draft
                    | SubmissionStatus::Confirmed
                    | SubmissionStatus::Returned
            );
            if !pending {
                continue;
            }
            let deadline = extended.get(&s.unit_code).unwrap_or(&cycle.deadline);
            let Ok(deadline) = parse_date(deadline) else {
                continue;
            };
            let left = deadline.epoch_days() - today.epoch_days();
            if !(0..=REMIND_DAYS).contains(&left) {
                continue;
            }
            let (year, day) = (cycle.year, deadline.dmy());
            let text = if left == 0 {
                format!(
                    "Kỳ đánh giá {year}: hôm nay ({day}) là hạn nộp phiếu tự đánh giá, phiếu của đơn vị chưa được nộp. / \
                     {year} evaluation: today ({day}) is the deadline of the self-assessment; the unit has not submitted it."
                )
            } else {
                format!(
                    "Kỳ đánh giá {year}: hạn nộp phiếu tự đánh giá là {day} (còn {left} ngày), phiếu của đơn vị chưa được nộp. / \
                     {year} evaluation: the self-assessment is due on {day} ({left} days left); the unit has not submitted it."
                )
            };
            if store
                .add_unit_notice_once(&s.unit_code, KIND, &text)
                .await?
            {
                added += 1;
            }
        }
    }
    Ok(added)
}
