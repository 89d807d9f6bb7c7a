//! The unit registry, users and their role grants.

use serde_json::json;

use crate::error::{found, unique};
use crate::log::Change;
use crate::{NewUnit, Role, RoleGrant, Store, StoreError, Unit, User};

const UNIT_BY_CODE: &str = "SELECT code, name, category, flags, parent_code, active_from, active_to, version \
                            FROM units WHERE code = $1";

fn unit_json(u: &NewUnit) -> String {
    json!({
        "code": u.code, "name": u.name, "category": u.category, "flags": u.flags,
        "parent_code": u.parent_code, "active_from": u.active_from, "active_to": u.active_to,
    })
    .to_string()
}

impl Unit {
    fn as_new(&self) -> NewUnit {
        NewUnit {
            code: self.code.clone(),
            name: self.name.clone(),
            category: self.category.clone(),
            flags: self.flags.clone(),
            parent_code: self.parent_code.clone(),
            active_from: self.active_from.clone(),
            active_to: self.active_to.clone(),
        }
    }
}

fn user_json(u: &User) -> String {
    // The password hash stays out of the log: the log is read by more people than the users table.
    json!({"id": u.id, "login": u.login, "display_name": u.display_name, "active": u.active})
        .to_string()
}

impl Store {
    /// Adds a unit, or changes it when `unit.code` exists (its version goes up); an unchanged unit
    /// writes nothing. Returns the unit as stored.
    pub async fn upsert_unit(&self, actor: &str, unit: &NewUnit) -> Result<Unit, StoreError> {
        let stored = write_tx!(self, |tx| {
            let old: Option<Unit> = sqlx::query_as(UNIT_BY_CODE)
                .bind(&unit.code)
                .fetch_optional(&mut *tx)
                .await?;
            let (action, before) = match &old {
                Some(o) if o.as_new() == *unit => return Ok(o.clone()),
                Some(o) => {
                    sqlx::query(
                        "UPDATE units SET name = $2, category = $3, flags = $4, parent_code = $5, \
                         active_from = $6, active_to = $7, version = version + 1 WHERE code = $1",
                    )
                    .bind(&unit.code)
                    .bind(&unit.name)
                    .bind(&unit.category)
                    .bind(&unit.flags)
                    .bind(&unit.parent_code)
                    .bind(&unit.active_from)
                    .bind(&unit.active_to)
                    .execute(&mut *tx)
                    .await?;
                    ("unit.update", Some(unit_json(&o.as_new())))
                }
                None => {
                    sqlx::query(
                        "INSERT INTO units (code, name, category, flags, parent_code, active_from, active_to) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&unit.code)
                    .bind(&unit.name)
                    .bind(&unit.category)
                    .bind(&unit.flags)
                    .bind(&unit.parent_code)
                    .bind(&unit.active_from)
                    .bind(&unit.active_to)
                    .execute(&mut *tx)
                    .await?;
                    ("unit.create", None)
                }
            };
            append_log!(
                tx,
                Change {
                    actor,
                    action,
                    object_kind: "unit",
                    object_id: unit.code.clone(),
                    before,
                    after: Some(unit_json(unit)),
                    reason: None,
                }
            );
            let new: Unit = sqlx::query_as(UNIT_BY_CODE)
                .bind(&unit.code)
                .fetch_one(&mut *tx)
                .await?;
            new
        });
        Ok(stored)
    }

    /// Every unit, by code.
    pub async fn units(&self) -> Result<Vec<Unit>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Unit>(
                "SELECT code, name, category, flags, parent_code, active_from, active_to, version FROM units ORDER BY code",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// One unit.
    pub async fn unit(&self, code: &str) -> Result<Unit, StoreError> {
        let unit: Option<Unit> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT code, name, category, flags, parent_code, active_from, active_to, version FROM units WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        found(unit, "unit", code)
    }

    /// Adds a user (active). `password_hash` is the web layer's PHC string.
    pub async fn create_user(
        &self,
        actor: &str,
        login: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<User, StoreError> {
        let user = write_tx!(self, |tx| {
            let user: User = sqlx::query_as(
                "INSERT INTO users (login, display_name, password_hash, active, created_at) \
                 VALUES ($1, $2, $3, TRUE, $4) \
                 RETURNING id, login, display_name, password_hash, active, created_at",
            )
            .bind(login)
            .bind(display_name)
            .bind(password_hash)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await
            .map_err(unique("user", login))?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "user.create",
                    object_kind: "user",
                    object_id: login.to_string(),
                    before: None,
                    after: Some(user_json(&user)),
                    reason: None,
                }
            );
            user
        });
        Ok(user)
    }

    /// A user by login.
    pub async fn user_by_login(&self, login: &str) -> Result<User, StoreError> {
        let user: Option<User> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users WHERE login = $1",
            )
            .bind(login)
            .fetch_optional(pool)
            .await?
        });
        found(user, "user", login)
    }

    /// A user by id.
    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let user: Option<User> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        found(user, "user", id)
    }

    /// The display names of everyone who wrote in a submission (saved a value, added evidence,
    /// submitted it, explained a verified point), by login: what a page of the submission shows
    /// instead of logins, read in one query however many rows the page has. A login that is no
    /// user's (a script's actor) is not in the map.
    pub async fn submission_people(
        &self,
        submission_id: i64,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT login, display_name FROM users WHERE login IN ( \
                 SELECT updated_by FROM entries WHERE submission_id = $1 \
                 UNION SELECT added_by FROM evidence WHERE submission_id = $1 \
                 UNION SELECT submitted_by FROM submissions WHERE id = $1 \
                 UNION SELECT x.author FROM explanations x JOIN submissions s \
                 ON s.cycle_id = x.cycle_id AND s.unit_code = x.unit_code WHERE s.id = $1)",
            )
            .bind(submission_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Every user, by login.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, User>(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users ORDER BY login",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Changes a user's display name, password hash or active flag (what is `None` stays).
    pub async fn update_user(
        &self,
        actor: &str,
        id: i64,
        display_name: Option<&str>,
        password_hash: Option<&str>,
        active: Option<bool>,
    ) -> Result<User, StoreError> {
        let user = write_tx!(self, |tx| {
            let old: Option<User> = sqlx::query_as(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let old = found(old, "user", id)?;
            let new: User = sqlx::query_as(
                "UPDATE users SET display_name = $2, password_hash = $3, active = $4 WHERE id = $1 \
                 RETURNING id, login, display_name, password_hash, active, created_at",
            )
            .bind(id)
            .bind(display_name.unwrap_or(&old.display_name))
            .bind(password_hash.unwrap_or(&old.password_hash))
            .bind(active.unwrap_or(old.active))
            .fetch_one(&mut *tx)
            .await?;
            let mut after = user_json(&new);
            if password_hash.is_some() {
                after = json!({"user": serde_json::from_str::<serde_json::Value>(&after).unwrap_or_default(), "password": "changed"}).to_string();
            }
            append_log!(
                tx,
                Change {
                    actor,
                    action: "user.update",
                    object_kind: "user",
                    object_id: old.login.clone(),
                    before: Some(user_json(&old)),
                    after: Some(after),
                    reason: None,
                }
            );
            new
        });
        Ok(user)
    }

    /// Gives a user a new password (an administrator's reset: the hash of a password the web showed
    /// once) and ends the user's sessions, all but `keep_session` (a token hash: the administrator's
    /// own session when resetting their own password), in one transaction with its log entry (which
    /// says the password was reset and how many sessions ended, never the hash). Returns how many
    /// sessions ended.
    pub async fn reset_password(
        &self,
        actor: &str,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<u64, StoreError> {
        self.new_password(actor, user_id, password_hash, None, keep_session)
            .await
    }

    /// A user's own password change: `current_hash` is the hash the web verified the current
    /// password against; when it is no longer the stored one (the password changed in between) nothing
    /// is written ([`StoreError::Invalid`]). The user's other sessions end, `keep_session` (the one
    /// making the change) stays. Returns how many sessions ended.
    pub async fn change_password(
        &self,
        user_id: i64,
        current_hash: &str,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<u64, StoreError> {
        self.new_password(
            "",
            user_id,
            password_hash,
            Some(current_hash),
            Some(keep_session),
        )
        .await
    }

    /// [`Store::reset_password`] (`current_hash` `None`, logged as `user.password_reset` by `actor`)
    /// and [`Store::change_password`] (logged as `user.password_change` by the user).
    async fn new_password(
        &self,
        actor: &str,
        user_id: i64,
        password_hash: &str,
        current_hash: Option<&str>,
        keep_session: Option<&str>,
    ) -> Result<u64, StoreError> {
        let ended = write_tx!(self, |tx| {
            let old: Option<User> = sqlx::query_as(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let old = found(old, "user", user_id)?;
            if current_hash.is_some_and(|h| h != old.password_hash) {
                return Err(StoreError::Invalid(egov_core::msg!(
                    "mật khẩu của {} vừa được đổi ở nơi khác; hãy thử lại",
                    "the password of {} was just changed elsewhere; try again",
                    old.login
                )));
            }
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(user_id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> COALESCE($2, '')",
            )
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let (actor, action) = match current_hash {
                Some(_) => (old.login.as_str(), "user.password_change"),
                None => (actor, "user.password_reset"),
            };
            append_log!(
                tx,
                Change {
                    actor,
                    action,
                    object_kind: "user",
                    object_id: old.login.clone(),
                    before: None,
                    after: Some(
                        json!({"password": "changed", "sessions_ended": ended}).to_string()
                    ),
                    reason: None,
                }
            );
            ended
        });
        Ok(ended)
    }

    /// Deactivates (`active` false) or reactivates a user. A deactivated user cannot sign in
    /// ([`Store::session`] and the login check `active`) and their sessions end here, in the same
    /// transaction. The last active administrator is not deactivated ([`StoreError::Invalid`]):
    /// nobody could then manage users. Deactivating needs a reason. A user already in that state is
    /// returned unchanged, nothing logged (a second click).
    pub async fn set_user_active(
        &self,
        actor: &str,
        user_id: i64,
        active: bool,
        reason: Option<&str>,
    ) -> Result<User, StoreError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if !active && reason.is_none() {
            return Err(StoreError::Invalid(egov_core::msg!(
                "cần ghi lý do ngừng kích hoạt",
                "a reason for the deactivation is required"
            )));
        }
        let user = write_tx!(self, |tx| {
            let old: Option<User> = sqlx::query_as(
                "SELECT id, login, display_name, password_hash, active, created_at FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let old = found(old, "user", user_id)?;
            if old.active == active {
                return Ok(old);
            }
            if !active {
                // Counted under the write lock: two administrators cannot deactivate each other at
                // once and leave none.
                let admin: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM role_grants WHERE user_id = $1 AND role = $2",
                )
                .bind(user_id)
                .bind(Role::Admin.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let others: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users u WHERE u.active AND u.id <> $1 AND EXISTS \
                     (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = $2)",
                )
                .bind(user_id)
                .bind(Role::Admin.as_str())
                .fetch_one(&mut *tx)
                .await?;
                if admin.is_some() && others == 0 {
                    return Err(StoreError::Invalid(egov_core::msg!(
                        "{} là quản trị viên cuối cùng còn hoạt động: không thể ngừng kích hoạt \
                         (hãy cấp quyền quản trị cho người khác trước)",
                        "{} is the last active administrator and cannot be deactivated (grant \
                         the administrator role to someone else first)",
                        old.login
                    )));
                }
            }
            let new: User = sqlx::query_as(
                "UPDATE users SET active = $2 WHERE id = $1 \
                 RETURNING id, login, display_name, password_hash, active, created_at",
            )
            .bind(user_id)
            .bind(active)
            .fetch_one(&mut *tx)
            .await?;
            let ended = if active {
                0
            } else {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            let mut after: serde_json::Value =
                serde_json::from_str(&user_json(&new)).unwrap_or_default();
            if !active {
                after["sessions_ended"] = json!(ended);
            }
            append_log!(
                tx,
                Change {
                    actor,
                    action: if active {
                        "user.reactivate"
                    } else {
                        "user.deactivate"
                    },
                    object_kind: "user",
                    object_id: old.login.clone(),
                    before: Some(user_json(&old)),
                    after: Some(after.to_string()),
                    reason,
                }
            );
            new
        });
        Ok(user)
    }

    /// Grants `role` to a user; unit officers and heads need a unit, the other roles take none.
    pub async fn grant_role(
        &self,
        actor: &str,
        user_id: i64,
        role: Role,
        unit_code: Option<&str>,
    ) -> Result<RoleGrant, StoreError> {
        if role.is_unit_scoped() != unit_code.is_some() {
            return Err(StoreError::Invalid(egov_core::msg!(
                "quyền {role} {}",
                "the role {role} {}",
                if role.is_unit_scoped() {
                    egov_core::msg!("cần một đơn vị", "needs a unit")
                } else {
                    egov_core::msg!("không gắn với đơn vị", "takes no unit")
                }
            )));
        }
        let grant = write_tx!(self, |tx| {
            let login: Option<String> = sqlx::query_scalar("SELECT login FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
            let login = found(login, "user", user_id)?;
            // NULL units are distinct in a UNIQUE index on both backends, so duplicates are refused
            // here, under the write lock.
            let same: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM role_grants WHERE user_id = $1 AND role = $2 \
                 AND (unit_code = $3 OR (unit_code IS NULL AND $3 IS NULL))",
            )
            .bind(user_id)
            .bind(role.as_str())
            .bind(unit_code)
            .fetch_optional(&mut *tx)
            .await?;
            let id = format!(
                "{login}/{role}{}",
                unit_code.map(|u| format!("/{u}")).unwrap_or_default()
            );
            if same.is_some() {
                return Err(StoreError::Duplicate { kind: "role", id });
            }
            let grant: RoleGrant = sqlx::query_as(
                "INSERT INTO role_grants (user_id, role, unit_code, granted_by, granted_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, user_id, role, unit_code, granted_by, granted_at",
            )
            .bind(user_id)
            .bind(role.as_str())
            .bind(unit_code)
            .bind(actor)
            .bind(crate::now_ms())
            .fetch_one(&mut *tx)
            .await?;
            append_log!(
                tx,
                Change {
                    actor,
                    action: "role.grant",
                    object_kind: "role",
                    object_id: id,
                    before: None,
                    after: Some(
                        json!({"user": login, "role": role.as_str(), "unit": unit_code})
                            .to_string()
                    ),
                    reason: None,
                }
            );
            grant
        });
        Ok(grant)
    }

    /// Withdraws a grant, with the reason.
    pub async fn revoke_role(
        &self,
        actor: &str,
        grant_id: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let grant: Option<RoleGrant> = sqlx::query_as(
                "SELECT id, user_id, role, unit_code, granted_by, granted_at FROM role_grants WHERE id = $1",
            )
            .bind(grant_id)
            .fetch_optional(&mut *tx)
            .await?;
            let grant = found(grant, "role", grant_id)?;
            let login: String = sqlx::query_scalar("SELECT login FROM users WHERE id = $1")
                .bind(grant.user_id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM role_grants WHERE id = $1")
                .bind(grant_id)
                .execute(&mut *tx)
                .await?;
            let unit = grant.unit_code.as_deref();
            append_log!(
                tx,
                Change {
                    actor,
                    action: "role.revoke",
                    object_kind: "role",
                    object_id: format!(
                        "{login}/{}{}",
                        grant.role,
                        unit.map(|u| format!("/{u}")).unwrap_or_default()
                    ),
                    before: Some(
                        json!({"user": login, "role": grant.role.as_str(), "unit": unit})
                            .to_string()
                    ),
                    after: None,
                    reason: Some(reason),
                }
            );
        });
        Ok(())
    }

    /// The roles of a user.
    pub async fn role_grants(&self, user_id: i64) -> Result<Vec<RoleGrant>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, RoleGrant>(
                "SELECT id, user_id, role, unit_code, granted_by, granted_at FROM role_grants \
                 WHERE user_id = $1 ORDER BY id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
