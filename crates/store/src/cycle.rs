//! Editions, holidays, cycles and per-unit deadline extensions.

use serde_json::json;

use crate::error::{current, found, unique};
use crate::log::Change;
use crate::{Cycle, CycleState, DeadlineExtension, Edition, Holiday, NewCycle, Store, StoreError};

pub(crate) const CYCLE_BY_ID: &str = "SELECT id, year, edition_id, state, deadline, explanation_deadline, version, created_at \
                           FROM cycles WHERE id = $1";

pub(crate) fn require_reason(reason: &str) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid(egov_core::msg!(
            "cần ghi lý do",
            "a reason is required"
        )));
    }
    Ok(())
}

fn cycle_json(c: &Cycle) -> String {
    json!({
        "year": c.year, "edition": c.edition_id, "state": c.state.as_str(), "deadline": c.deadline,
        "explanation_deadline": c.explanation_deadline, "version": c.version,
    })
    .to_string()
}

impl Store {
    /// Stores an edition's TOML (validated by the caller, with `egov validate`'s messages). The same
    /// text again is a no-op; another text under an existing id is refused (an edition in use must not
    /// change under a cycle: a corrected edition gets a new id).
    pub async fn put_edition(
        &self,
        actor: &str,
        id: &str,
        toml: &str,
    ) -> Result<Edition, StoreError> {
        let hash = crate::sha256_hex(toml.as_bytes());
        let edition = write_tx!(self, |tx| {
            let old: Option<Edition> = sqlx::query_as(
                "SELECT id, toml, content_hash, uploaded_by, uploaded_at FROM editions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(old) = old {
                if old.content_hash == hash {
                    return Ok(old);
                }
                return Err(StoreError::Duplicate {
                    kind: "edition",
                    id: id.to_string(),
                });
            }
            let e: Edition = sqlx::query_as(
                "INSERT INTO editions (id, toml, content_hash, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, toml, content_hash, uploaded_by, uploaded_at",
            )
            .bind(id)
            .bind(toml)
            .bind(&hash)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "edition.upload",
                    object_kind: "edition",
                    object_id: id.to_string(),
                    before: None,
                    after: Some(json!({"content_hash": hash, "bytes": toml.len()}).to_string()),
                    reason: None,
                }
            );
            e
        });
        Ok(edition)
    }

    /// One edition.
    pub async fn edition(&self, id: &str) -> Result<Edition, StoreError> {
        let e: Option<Edition> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, toml, content_hash, uploaded_by, uploaded_at FROM editions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        found(e, "edition", id)
    }

    /// Every edition, by id.
    pub async fn editions(&self) -> Result<Vec<Edition>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Edition>(
                "SELECT id, toml, content_hash, uploaded_by, uploaded_at FROM editions ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Adds or renames a holiday (ngày nghỉ), which deadlines in working days skip.
    pub async fn put_holiday(&self, actor: &str, date: &str, name: &str) -> Result<(), StoreError> {
        self.put_holidays(actor, &[(date.to_string(), name.to_string())])
            .await
    }

    /// Every holiday, by date.
    pub async fn holidays(&self) -> Result<Vec<Holiday>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Holiday>("SELECT date, name FROM holidays ORDER BY date")
                .fetch_all(pool)
                .await?
        }))
    }

    /// Opens a cycle: the cycle, and one submission (not started) per unit taking part.
    pub async fn open_cycle(&self, actor: &str, new: &NewCycle) -> Result<Cycle, StoreError> {
        let cycle = write_tx!(self, |tx| {
            let cycle: Cycle = sqlx::query_as(
                "INSERT INTO cycles (year, edition_id, state, deadline, created_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, year, edition_id, state, deadline, explanation_deadline, version, created_at",
            )
            .bind(new.year)
            .bind(&new.edition_id)
            .bind(CycleState::Open.as_str())
            .bind(&new.deadline)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            for unit in &new.units {
                sqlx::query(
                    "INSERT INTO submissions (cycle_id, unit_code, status) VALUES ($1, $2, 'not_started')",
                )
                .bind(cycle.id)
                .bind(unit)
                .execute(&mut *tx)
                .await
                .map_err(unique("unit", unit))?;
            }
            let mut after: serde_json::Value =
                serde_json::from_str(&cycle_json(&cycle)).unwrap_or_default();
            after["units"] = json!(new.units);
            append_log!(
                tx,
                Change {
                    actor,
                    action: "cycle.open",
                    object_kind: "cycle",
                    object_id: cycle.id.to_string(),
                    before: None,
                    after: Some(after.to_string()),
                    reason: None,
                }
            );
            cycle
        });
        Ok(cycle)
    }

    /// One cycle.
    pub async fn cycle(&self, id: i64) -> Result<Cycle, StoreError> {
        let c: Option<Cycle> = with_pool!(self, |pool| {
            sqlx::query_as(CYCLE_BY_ID)
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found(c, "cycle", id)
    }

    /// Every cycle, newest first.
    pub async fn cycles(&self) -> Result<Vec<Cycle>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Cycle>(
                "SELECT id, year, edition_id, state, deadline, explanation_deadline, version, created_at \
                 FROM cycles ORDER BY year DESC, id DESC",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Moves a cycle to `state` and sets its explanation deadline when given; `expected_version` is the
    /// version read ([`StoreError::Conflict`] if it changed since).
    pub async fn set_cycle_state(
        &self,
        actor: &str,
        id: i64,
        expected_version: i64,
        state: CycleState,
        explanation_deadline: Option<&str>,
        reason: Option<&str>,
    ) -> Result<Cycle, StoreError> {
        self.change_state(
            actor,
            id,
            expected_version,
            (state, explanation_deadline, reason),
            None,
        )
        .await
    }

    /// Opens the explanation round (giải trình) of a cycle: moves it to
    /// [`CycleState::Explanation`] with its explanation deadline (kept as it is when `None`), and adds
    /// the notice `notice` (kind `explanation`) for every unit taking part, all in one transaction
    /// with the state change's log entry: a round is never open without its notices, nor noticed
    /// without being open. `expected_version` as in [`Store::set_cycle_state`].
    pub async fn open_explanation(
        &self,
        actor: &str,
        id: i64,
        expected_version: i64,
        explanation_deadline: Option<&str>,
        reason: Option<&str>,
        notice: &str,
    ) -> Result<Cycle, StoreError> {
        self.change_state(
            actor,
            id,
            expected_version,
            (CycleState::Explanation, explanation_deadline, reason),
            Some(("explanation", notice)),
        )
        .await
    }

    /// The state change of [`Store::set_cycle_state`], and when `unit_notice` is `(kind, text)`, one
    /// notice for every unit of the cycle, written by one statement in the same transaction.
    async fn change_state(
        &self,
        actor: &str,
        id: i64,
        expected_version: i64,
        (state, explanation_deadline, reason): (CycleState, Option<&str>, Option<&str>),
        unit_notice: Option<(&str, &str)>,
    ) -> Result<Cycle, StoreError> {
        let cycle = write_tx!(self, |tx| {
            let old: Option<Cycle> = sqlx::query_as(CYCLE_BY_ID)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let old = found(old, "cycle", id)?;
            current("cycle", id, expected_version, old.version)?;
            let new: Cycle = sqlx::query_as(
                "UPDATE cycles SET state = $2, explanation_deadline = COALESCE($3, explanation_deadline), \
                 version = version + 1 WHERE id = $1 AND version = $4 \
                 RETURNING id, year, edition_id, state, deadline, explanation_deadline, version, created_at",
            )
            .bind(id)
            .bind(state.as_str())
            .bind(explanation_deadline)
            .bind(expected_version)
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "cycle.state",
                    object_kind: "cycle",
                    object_id: id.to_string(),
                    before: Some(cycle_json(&old)),
                    after: Some(cycle_json(&new)),
                    reason,
                }
            );
            if let Some((kind, text)) = unit_notice {
                sqlx::query(
                    "INSERT INTO notices (unit_code, kind, text, at) \
                     SELECT unit_code, $2, $3, $4 FROM submissions WHERE cycle_id = $1",
                )
                .bind(id)
                .bind(kind)
                .bind(text)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
            }
            new
        });
        Ok(cycle)
    }

    /// Extends one unit's deadline (gia hạn), with the reason; the latest extension counts. The unit
    /// must take part in the cycle ([`StoreError::NotFound`] of its submission otherwise).
    pub async fn extend_deadline(
        &self,
        actor: &str,
        cycle_id: i64,
        unit_code: &str,
        deadline: &str,
        reason: &str,
    ) -> Result<DeadlineExtension, StoreError> {
        self.extend(actor, cycle_id, unit_code, (deadline, reason), None)
            .await
    }

    /// [`Store::extend_deadline`], and the notice `notice` (kind `deadline`) for the unit, in the same
    /// transaction.
    pub async fn extend_deadline_with_notice(
        &self,
        actor: &str,
        cycle_id: i64,
        unit_code: &str,
        deadline: &str,
        reason: &str,
        notice: &str,
    ) -> Result<DeadlineExtension, StoreError> {
        self.extend(actor, cycle_id, unit_code, (deadline, reason), Some(notice))
            .await
    }

    async fn extend(
        &self,
        actor: &str,
        cycle_id: i64,
        unit_code: &str,
        (deadline, reason): (&str, &str),
        notice: Option<&str>,
    ) -> Result<DeadlineExtension, StoreError> {
        require_reason(reason)?;
        let ext = write_tx!(self, |tx| {
            // The deadline before, as it held: the unit's latest extension, else the cycle's.
            let before: Option<(Option<String>, String)> = sqlx::query_as(
                "SELECT (SELECT deadline FROM deadline_extensions e \
                         WHERE e.cycle_id = s.cycle_id AND e.unit_code = s.unit_code \
                         ORDER BY e.id DESC LIMIT 1), c.deadline \
                 FROM submissions s JOIN cycles c ON c.id = s.cycle_id \
                 WHERE s.cycle_id = $1 AND s.unit_code = $2",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_optional(&mut *tx)
            .await?;
            let (latest, general) =
                found(before, "submission", format_args!("{cycle_id}/{unit_code}"))?;
            let before = latest.unwrap_or(general);
            let ext: DeadlineExtension = sqlx::query_as(
                "INSERT INTO deadline_extensions (cycle_id, unit_code, deadline, reason, granted_by, granted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 RETURNING id, cycle_id, unit_code, deadline, reason, granted_by, granted_at",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .bind(deadline)
            .bind(reason)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "deadline.extend",
                    object_kind: "submission",
                    object_id: format!("{cycle_id}/{unit_code}"),
                    before: Some(json!({"deadline": before}).to_string()),
                    after: Some(json!({"deadline": deadline}).to_string()),
                    reason: Some(reason),
                }
            );
            if let Some(text) = notice {
                sqlx::query(
                    "INSERT INTO notices (unit_code, kind, text, at) VALUES ($1, 'deadline', $2, $3)",
                )
                .bind(unit_code)
                .bind(text)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
            }
            ext
        });
        Ok(ext)
    }

    /// The deadline that holds for one unit: its latest extension, else the cycle's.
    pub async fn deadline_for(&self, cycle_id: i64, unit_code: &str) -> Result<String, StoreError> {
        let ext: Option<String> = with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT deadline FROM deadline_extensions WHERE cycle_id = $1 AND unit_code = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_optional(pool)
            .await?
        });
        match ext {
            Some(d) => Ok(d),
            None => Ok(self.cycle(cycle_id).await?.deadline),
        }
    }

    /// The extensions of one unit in a cycle, oldest first.
    pub async fn deadline_extensions(
        &self,
        cycle_id: i64,
        unit_code: &str,
    ) -> Result<Vec<DeadlineExtension>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, DeadlineExtension>(
                "SELECT id, cycle_id, unit_code, deadline, reason, granted_by, granted_at \
                 FROM deadline_extensions WHERE cycle_id = $1 AND unit_code = $2 ORDER BY id",
            )
            .bind(cycle_id)
            .bind(unit_code)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The latest extension of every unit of a cycle that has one, by unit code: one query for a
    /// whole submission board (thousands of units), instead of one per unit.
    pub async fn latest_extensions(
        &self,
        cycle_id: i64,
    ) -> Result<Vec<DeadlineExtension>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, DeadlineExtension>(
                "SELECT e.id, e.cycle_id, e.unit_code, e.deadline, e.reason, e.granted_by, e.granted_at \
                 FROM deadline_extensions e \
                 WHERE e.cycle_id = $1 AND e.id = (SELECT MAX(l.id) FROM deadline_extensions l \
                                                   WHERE l.cycle_id = e.cycle_id AND l.unit_code = e.unit_code) \
                 ORDER BY e.unit_code",
            )
            .bind(cycle_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The cycles a unit takes part in (has a submission in), newest first.
    pub async fn cycles_of_unit(&self, unit_code: &str) -> Result<Vec<Cycle>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Cycle>(
                "SELECT c.id, c.year, c.edition_id, c.state, c.deadline, c.explanation_deadline, c.version, c.created_at \
                 FROM cycles c JOIN submissions s ON s.cycle_id = c.id \
                 WHERE s.unit_code = $1 ORDER BY c.year DESC, c.id DESC",
            )
            .bind(unit_code)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Adds or renames several holidays (a run such as Tết) in one transaction, one log entry per day
    /// that changed: all of them are written, or none.
    pub async fn put_holidays(
        &self,
        actor: &str,
        days: &[(String, String)],
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            for (date, name) in days {
                let old: Option<String> =
                    sqlx::query_scalar("SELECT name FROM holidays WHERE date = $1")
                        .bind(date)
                        .fetch_optional(&mut *tx)
                        .await?;
                if old.as_deref() == Some(name.as_str()) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO holidays (date, name) VALUES ($1, $2) \
                     ON CONFLICT (date) DO UPDATE SET name = excluded.name",
                )
                .bind(date)
                .bind(name)
                .execute(&mut *tx)
                .await?;
                append_log!(
                    tx,
                    Change {
                        actor,
                        action: "holiday.put",
                        object_kind: "holiday",
                        object_id: date.clone(),
                        before: old.map(|n| json!({"name": n}).to_string()),
                        after: Some(json!({"name": name}).to_string()),
                        reason: None,
                    }
                );
            }
        });
        Ok(())
    }
}
