//! User management: an administrator's password reset and (de)activation, a user's own password
//! change; each ends the sessions it should, keeps the one it should, and is in the audit log without
//! the hash.

use egov_store::*;

use crate::{Db, on_both};

const ADMIN: &str = "admin";

fn session(user_id: i64, token: &[u8]) -> Session {
    let now = now_ms();
    Session {
        token_hash: sha256_hex(token),
        user_id,
        csrf_token: "csrf".into(),
        created_at: now,
        expires_at: now + 3_600_000,
    }
}

async fn live(s: &Store, t: &Session) -> bool {
    s.session(&t.token_hash, now_ms()).await.unwrap().is_some()
}

async fn last_log(s: &Store) -> LogEntry {
    s.log_entries(0, 1_000_000).await.unwrap().pop().unwrap()
}

#[test]
fn passwords_reset_and_changed_end_the_right_sessions() {
    on_both("users_passwords", |db: Db| async move {
        let s = &db.store;
        let u = s.create_user(ADMIN, "lan", "Lan", "hash-1").await.unwrap();
        let (a, b) = (session(u.id, b"a"), session(u.id, b"b"));
        s.create_session(&a).await.unwrap();
        s.create_session(&b).await.unwrap();
        // The user changes their own password in session `a`: `b` ends, `a` stays.
        assert_eq!(
            s.change_password(u.id, "hash-1", "hash-2", &a.token_hash)
                .await
                .unwrap(),
            1
        );
        assert!(live(s, &a).await && !live(s, &b).await);
        assert_eq!(s.user(u.id).await.unwrap().password_hash, "hash-2");
        let e = last_log(s).await;
        assert_eq!(
            (e.actor.as_str(), e.action.as_str()),
            ("lan", "user.password_change")
        );
        assert!(!format!("{e:?}").contains("hash-2"), "{e:?}");
        // Verified against a hash that is no longer stored: nothing changes.
        let err = s
            .change_password(u.id, "hash-1", "hash-3", &a.token_hash)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        assert_eq!(s.user(u.id).await.unwrap().password_hash, "hash-2");
        // The administrator resets it: every session of the user ends.
        assert_eq!(
            s.reset_password(ADMIN, u.id, "hash-4", None).await.unwrap(),
            1
        );
        assert!(!live(s, &a).await);
        assert_eq!(s.user(u.id).await.unwrap().password_hash, "hash-4");
        let e = last_log(s).await;
        assert_eq!(
            (e.actor.as_str(), e.action.as_str()),
            (ADMIN, "user.password_reset")
        );
        assert!(!format!("{e:?}").contains("hash-4"), "{e:?}");
        assert!(matches!(
            s.reset_password(ADMIN, 999_999, "h", None).await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn deactivation_ends_sessions_and_keeps_one_active_admin() {
    on_both("users_active", |db: Db| async move {
        let s = &db.store;
        let root = s.create_user(ADMIN, "root", "Root", "h").await.unwrap();
        s.grant_role(ADMIN, root.id, Role::Admin, None)
            .await
            .unwrap();
        let lan = s.create_user(ADMIN, "lan", "Lan", "h").await.unwrap();
        let t = session(lan.id, b"lan");
        s.create_session(&t).await.unwrap();
        // A reason is required.
        assert!(matches!(
            s.set_user_active(ADMIN, lan.id, false, Some(" ")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(s.user(lan.id).await.unwrap().active);
        let u = s
            .set_user_active(ADMIN, lan.id, false, Some("nghỉ hưu"))
            .await
            .unwrap();
        assert!(!u.active);
        assert!(!live(s, &t).await);
        let e = last_log(s).await;
        assert_eq!(e.action, "user.deactivate");
        assert_eq!(e.reason.as_deref(), Some("nghỉ hưu"));
        // Reactivated, the old session does not come back (it was ended, not hidden).
        let n = s.log_entries(0, 1_000_000).await.unwrap().len();
        s.set_user_active(ADMIN, lan.id, true, None).await.unwrap();
        assert!(s.user(lan.id).await.unwrap().active);
        assert!(!live(s, &t).await);
        assert_eq!(last_log(s).await.action, "user.reactivate");
        // A second click changes and logs nothing.
        s.set_user_active(ADMIN, lan.id, true, None).await.unwrap();
        assert_eq!(s.log_entries(0, 1_000_000).await.unwrap().len(), n + 1);
        // The last active administrator stays; with a second one, either may go, not both.
        let err = s
            .set_user_active(ADMIN, root.id, false, Some("thử"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref m) if m.contains("root")),
            "{err:?}"
        );
        s.grant_role(ADMIN, lan.id, Role::Admin, None)
            .await
            .unwrap();
        s.set_user_active(ADMIN, root.id, false, Some("chuyển công tác"))
            .await
            .unwrap();
        assert!(matches!(
            s.set_user_active(ADMIN, lan.id, false, Some("thử")).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(s.user(lan.id).await.unwrap().active);
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}
