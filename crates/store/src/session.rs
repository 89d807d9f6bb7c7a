//! Login sessions (shared by every server on one database) and in-app notices.

use serde_json::json;

use crate::error::found;
use crate::log::Change;
use crate::{Notice, Session, Store, StoreError};

impl Store {
    /// Records a login: a session whose token the caller made and hashed (only the hash is stored).
    pub async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let login: Option<String> = sqlx::query_scalar("SELECT login FROM users WHERE id = $1")
                .bind(session.user_id)
                .fetch_optional(&mut *tx)
                .await?;
            let login = found(login, "user", session.user_id)?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&session.token_hash)
            .bind(session.user_id)
            .bind(&session.csrf_token)
            .bind(session.created_at)
            .bind(session.expires_at)
            .execute(&mut *tx)
            .await?;
            // The log names the user, never the token or its hash.
            append_log!(
                tx,
                Change {
                    actor: &login,
                    action: "session.login",
                    object_kind: "user",
                    object_id: login.clone(),
                    before: None,
                    after: Some(json!({"expires_at": session.expires_at}).to_string()),
                    reason: None,
                }
            );
        });
        Ok(())
    }

    /// The session of a token hash, if it exists, has not expired at `now` and its user is active.
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Session>(
                "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Ends a session (logout); an unknown token is not an error (a second logout).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let login: Option<String> = sqlx::query_scalar(
                "SELECT u.login FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(login) = login else { return Ok(()) };
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
            append_log!(
                tx,
                Change {
                    actor: &login,
                    action: "session.logout",
                    object_kind: "user",
                    object_id: login.clone(),
                    before: None,
                    after: None,
                    reason: None,
                }
            );
        });
        Ok(())
    }

    /// Removes the sessions expired at `now`; returns how many.
    pub async fn purge_sessions(&self, actor: &str, now: i64) -> Result<u64, StoreError> {
        let n = write_tx!(self, |tx| {
            let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                append_log!(
                    tx,
                    Change {
                        actor,
                        action: "session.purge",
                        object_kind: "session",
                        object_id: "*".to_string(),
                        before: None,
                        after: Some(json!({"removed": n}).to_string()),
                        reason: None,
                    }
                );
            }
            n
        });
        Ok(n)
    }

    /// Records a login attempt (for throttling across servers; not logged: the log records logins).
    pub async fn record_login_attempt(
        &self,
        login: &str,
        at: i64,
        success: bool,
    ) -> Result<(), StoreError> {
        with_pool!(self, |pool| {
            sqlx::query("INSERT INTO login_attempts (login, at, success) VALUES ($1, $2, $3)")
                .bind(login)
                .bind(at)
                .bind(success)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Failed attempts for `login` since `since`.
    pub async fn failed_logins_since(&self, login: &str, since: i64) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_attempts WHERE login = $1 AND at >= $2 AND NOT success",
            )
            .bind(login)
            .bind(since)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Adds a notice for a user or for everyone of a unit.
    pub async fn add_notice(
        &self,
        user_id: Option<i64>,
        unit_code: Option<&str>,
        kind: &str,
        text: &str,
    ) -> Result<Notice, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Notice>(
                "INSERT INTO notices (user_id, unit_code, kind, text, at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, user_id, unit_code, kind, text, at, read_at",
            )
            .bind(user_id)
            .bind(unit_code)
            .bind(kind)
            .bind(text)
            .bind(crate::now_ms())
            .fetch_one(pool)
            .await?
        }))
    }

    /// Adds a notice for everyone of a unit unless the same one (kind and text) is there already;
    /// returns whether it was added. Reminders are made by every server on a timer: the check and the
    /// insert in one serialized write transaction make each reminder appear once.
    pub async fn add_unit_notice_once(
        &self,
        unit_code: &str,
        kind: &str,
        text: &str,
    ) -> Result<bool, StoreError> {
        let added = write_tx!(self, |tx| {
            let there: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM notices WHERE unit_code = $1 AND kind = $2 AND text = $3 LIMIT 1",
            )
            .bind(unit_code)
            .bind(kind)
            .bind(text)
            .fetch_optional(&mut *tx)
            .await?;
            if there.is_none() {
                sqlx::query(
                    "INSERT INTO notices (user_id, unit_code, kind, text, at) VALUES (NULL, $1, $2, $3, $4)",
                )
                .bind(unit_code)
                .bind(kind)
                .bind(text)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
            }
            there.is_none()
        });
        Ok(added)
    }

    /// The notices of a user: their own and their units', newest first.
    pub async fn notices(&self, user_id: i64) -> Result<Vec<Notice>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, Notice>(
                "SELECT id, user_id, unit_code, kind, text, at, read_at FROM notices \
                 WHERE user_id = $1 OR unit_code IN (SELECT unit_code FROM role_grants WHERE user_id = $1) \
                 ORDER BY at DESC, id DESC",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
