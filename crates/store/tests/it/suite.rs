//! Migrations and every table the store exposes, written and read back on both backends.

use egov_store::*;

use crate::{Db, on_both};

const ADMIN: &str = "admin";

pub fn unit(code: &str, name: &str) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: name.into(),
        category: "so".into(),
        flags: String::new(),
        ..NewUnit::default()
    }
}

/// A cycle with two units, for the tests that need one: (cycle, submission of SYT, of STC).
pub async fn cycle_with_units(s: &Store) -> (Cycle, Submission, Submission) {
    s.upsert_unit(ADMIN, &unit("SYT", "Sở Y tế")).await.unwrap();
    s.upsert_unit(ADMIN, &unit("STC", "Sở Tài chính"))
        .await
        .unwrap();
    s.put_edition(ADMIN, "hoabinh-2019", "id = \"hoabinh-2019\"\n")
        .await
        .unwrap();
    let c = s
        .open_cycle(
            ADMIN,
            &NewCycle {
                year: 2019,
                edition_id: "hoabinh-2019".into(),
                deadline: "2019-11-30".into(),
                units: vec!["SYT".into(), "STC".into()],
            },
        )
        .await
        .unwrap();
    let syt = s.submission(c.id, "SYT").await.unwrap();
    let stc = s.submission(c.id, "STC").await.unwrap();
    (c, syt, stc)
}

async fn log_len(s: &Store) -> usize {
    s.log_entries(0, 1_000_000).await.unwrap().len()
}

#[test]
fn migrations_apply_and_reopen() {
    on_both("migrations", |db: Db| async move {
        let s = &db.store;
        let applied = s.applied_migrations().await.unwrap();
        assert_eq!(applied.last(), Some(&migrate::latest()));
        s.check_schema().await.unwrap();
        // Opening again applies nothing and changes nothing.
        let again = Store::open(&db.target()).await.unwrap();
        assert_eq!(again.applied_migrations().await.unwrap(), applied);
        let existing = Store::open_existing(&db.target()).await.unwrap();
        assert!(existing.units().await.unwrap().is_empty());
        again.close().await;
        existing.close().await;
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn opening_a_missing_file_without_creating_it_is_refused() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let path = std::env::temp_dir().join(format!("egov-store-none-{}.db", std::process::id()));
    let err = rt
        .block_on(Store::open_existing(path.to_str().unwrap()))
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing(_)), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn units_upsert_and_list() {
    on_both("units", |db: Db| async move {
        let s = &db.store;
        let syt = s.upsert_unit(ADMIN, &unit("SYT", "Sở Y tế")).await.unwrap();
        assert_eq!(syt.version, 1);
        let mut child = unit("BVT", "Bệnh viện tỉnh");
        child.parent_code = Some("SYT".into());
        child.flags = "benh-vien".into();
        child.active_from = Some("2019-01-01".into());
        s.upsert_unit(ADMIN, &child).await.unwrap();
        // Unchanged: no new version, no log entry.
        let before = log_len(s).await;
        assert_eq!(
            s.upsert_unit(ADMIN, &unit("SYT", "Sở Y tế"))
                .await
                .unwrap()
                .version,
            1
        );
        assert_eq!(log_len(s).await, before);
        // Changed: version 2, logged with before and after.
        let renamed = s
            .upsert_unit(ADMIN, &unit("SYT", "Sở Y tế tỉnh"))
            .await
            .unwrap();
        assert_eq!(
            (renamed.version, renamed.name.as_str()),
            (2, "Sở Y tế tỉnh")
        );
        let last = s.log_entries(before as i64, 10).await.unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].action, "unit.update");
        assert!(last[0].before.as_deref().unwrap().contains("Sở Y tế\""));
        assert!(last[0].after.as_deref().unwrap().contains("Sở Y tế tỉnh"));
        let all = s.units().await.unwrap();
        assert_eq!(
            all.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
            ["BVT", "SYT"]
        );
        assert_eq!(all[0].parent_code.as_deref(), Some("SYT"));
        assert_eq!(all[0].flags, "benh-vien");
        assert_eq!(s.unit("BVT").await.unwrap(), all[0]);
        assert!(matches!(
            s.unit("XXX").await,
            Err(StoreError::NotFound { .. })
        ));
        // A parent that does not exist is refused by the foreign key, and nothing is logged.
        let n = log_len(s).await;
        let mut orphan = unit("X", "X");
        orphan.parent_code = Some("NONE".into());
        assert!(s.upsert_unit(ADMIN, &orphan).await.is_err());
        assert_eq!(log_len(s).await, n);
    });
}

#[test]
fn users_and_role_grants() {
    on_both("users", |db: Db| async move {
        let s = &db.store;
        s.upsert_unit(ADMIN, &unit("SYT", "Sở Y tế")).await.unwrap();
        let u = s
            .create_user(ADMIN, "lan", "Nguyễn Thị Lan", "$argon2id$x")
            .await
            .unwrap();
        assert!(u.active);
        assert!(matches!(
            s.create_user(ADMIN, "lan", "Other", "$argon2id$y").await,
            Err(StoreError::Duplicate { .. })
        ));
        assert_eq!(s.user_by_login("lan").await.unwrap(), u);
        assert_eq!(s.user(u.id).await.unwrap(), u);
        let off = s
            .update_user(ADMIN, u.id, None, Some("$argon2id$z"), Some(false))
            .await
            .unwrap();
        assert!(!off.active);
        assert_eq!(off.password_hash, "$argon2id$z");
        assert_eq!(off.display_name, u.display_name);
        // The log never holds a password hash.
        for e in s.log_entries(0, 100).await.unwrap() {
            for v in [&e.before, &e.after].into_iter().flatten() {
                assert!(!v.contains("argon2"), "{v}");
            }
        }
        let officer = s
            .grant_role(ADMIN, u.id, Role::UnitOfficer, Some("SYT"))
            .await
            .unwrap();
        let reviewer = s
            .grant_role(ADMIN, u.id, Role::Reviewer, None)
            .await
            .unwrap();
        assert!(matches!(
            s.grant_role(ADMIN, u.id, Role::Reviewer, None).await,
            Err(StoreError::Duplicate { .. })
        ));
        assert!(matches!(
            s.grant_role(ADMIN, u.id, Role::UnitHead, None).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            s.grant_role(ADMIN, u.id, Role::Admin, Some("SYT")).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.role_grants(u.id).await.unwrap(),
            vec![officer.clone(), reviewer.clone()]
        );
        assert_eq!(officer.role, Role::UnitOfficer);
        s.revoke_role(ADMIN, reviewer.id, "đổi nhiệm vụ")
            .await
            .unwrap();
        assert_eq!(s.role_grants(u.id).await.unwrap(), vec![officer]);
        let last = s.log_entries(0, 100).await.unwrap().pop().unwrap();
        assert_eq!(
            (last.action.as_str(), last.reason.as_deref()),
            ("role.revoke", Some("đổi nhiệm vụ"))
        );
        assert_eq!(s.users().await.unwrap().len(), 1);
    });
}

#[test]
fn editions_holidays_cycles_and_deadlines() {
    on_both("cycles", |db: Db| async move {
        let s = &db.store;
        let (c, syt, stc) = cycle_with_units(s).await;
        let e = s.edition("hoabinh-2019").await.unwrap();
        assert_eq!(e.content_hash, sha256_hex(b"id = \"hoabinh-2019\"\n"));
        // The same text again is a no-op; another text under the id is refused.
        let n = log_len(s).await;
        s.put_edition(ADMIN, "hoabinh-2019", "id = \"hoabinh-2019\"\n")
            .await
            .unwrap();
        assert_eq!(log_len(s).await, n);
        assert!(matches!(
            s.put_edition(ADMIN, "hoabinh-2019", "changed").await,
            Err(StoreError::Duplicate { .. })
        ));
        assert_eq!(s.editions().await.unwrap().len(), 1);

        s.put_holiday(ADMIN, "2019-09-02", "Quốc khánh")
            .await
            .unwrap();
        s.put_holiday(ADMIN, "2019-01-01", "Tết Dương lịch")
            .await
            .unwrap();
        s.put_holiday(ADMIN, "2019-09-02", "Quốc khánh 2/9")
            .await
            .unwrap();
        let h = s.holidays().await.unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(
            (h[1].date.as_str(), h[1].name.as_str()),
            ("2019-09-02", "Quốc khánh 2/9")
        );

        assert_eq!((c.year, c.state, c.version), (2019, CycleState::Open, 1));
        assert_eq!(s.cycles().await.unwrap(), vec![c.clone()]);
        assert_eq!(syt.status, SubmissionStatus::NotStarted);
        assert_eq!(s.submissions(c.id).await.unwrap(), vec![stc, syt]);

        let review = s
            .set_cycle_state(ADMIN, c.id, 1, CycleState::Review, None, None)
            .await
            .unwrap();
        assert_eq!((review.state, review.version), (CycleState::Review, 2));
        let stale = s
            .set_cycle_state(ADMIN, c.id, 1, CycleState::Closed, None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                stale,
                StoreError::Conflict {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{stale:?}"
        );
        let expl = s
            .set_cycle_state(
                ADMIN,
                c.id,
                2,
                CycleState::Explanation,
                Some("2019-12-20"),
                Some("mở giải trình"),
            )
            .await
            .unwrap();
        assert_eq!(expl.explanation_deadline.as_deref(), Some("2019-12-20"));

        assert_eq!(s.deadline_for(c.id, "SYT").await.unwrap(), "2019-11-30");
        assert!(matches!(
            s.extend_deadline(ADMIN, c.id, "SYT", "2019-12-05", " ")
                .await,
            Err(StoreError::Invalid(_))
        ));
        s.extend_deadline(ADMIN, c.id, "SYT", "2019-12-05", "mất điện")
            .await
            .unwrap();
        s.extend_deadline(ADMIN, c.id, "SYT", "2019-12-06", "thêm một ngày")
            .await
            .unwrap();
        assert_eq!(s.deadline_for(c.id, "SYT").await.unwrap(), "2019-12-06");
        assert_eq!(s.deadline_for(c.id, "STC").await.unwrap(), "2019-11-30");
        assert_eq!(s.deadline_extensions(c.id, "SYT").await.unwrap().len(), 2);
        let last = s.log_entries(0, 1000).await.unwrap().pop().unwrap();
        assert_eq!(last.action, "deadline.extend");
        assert!(last.before.unwrap().contains("2019-12-05"));
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn submissions_entries_and_evidence() {
    on_both("entries", |db: Db| async move {
        let s = &db.store;
        let (_, syt, _) = cycle_with_units(s).await;
        let w = |key, value, v| EntryWrite {
            submission_id: syt.id,
            key,
            value,
            expected_version: v,
        };
        let a = s.save_entry("lan", &w("A.1", "27,5", 0)).await.unwrap();
        assert_eq!(
            (a.version, a.value.as_str(), a.updated_by.as_str()),
            (1, "27,5", "lan")
        );
        let a2 = s.save_entry("lan", &w("A.1", "28", 1)).await.unwrap();
        assert_eq!(a2.version, 2);
        s.save_entry("lan", &w("B.2", "Có", 0)).await.unwrap();
        let all = s.entries(syt.id).await.unwrap();
        assert_eq!(
            all.iter()
                .map(|e| (e.key.as_str(), e.value.as_str()))
                .collect::<Vec<_>>(),
            [("A.1", "28"), ("B.2", "Có")]
        );

        let draft = s
            .set_submission_status("lan", syt.id, 1, SubmissionStatus::Draft, None)
            .await
            .unwrap();
        let sent = s
            .set_submission_status(
                "head",
                syt.id,
                draft.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
        assert_eq!(sent.status, SubmissionStatus::Submitted);
        assert_eq!(sent.submitted_by.as_deref(), Some("head"));
        assert!(sent.submitted_at.is_some());
        let back = s
            .set_submission_status(
                ADMIN,
                syt.id,
                sent.version,
                SubmissionStatus::Returned,
                Some("thiếu minh chứng"),
            )
            .await
            .unwrap();
        assert_eq!(
            back.submitted_by.as_deref(),
            Some("head"),
            "returning keeps who submitted"
        );
        assert!(
            s.set_submission_status(
                ADMIN,
                syt.id,
                sent.version,
                SubmissionStatus::Verified,
                None
            )
            .await
            .unwrap_err()
            .is_conflict()
        );

        let file = EvidenceSource::File {
            content_hash: sha256_hex(b"pdf"),
            file_name: "quyet-dinh.pdf".into(),
            media_type: "application/pdf".into(),
            size: 3,
        };
        let doc = EvidenceSource::Document {
            number: "123/QĐ-UBND".into(),
            date: Some("2019-05-01".into()),
            issuer: Some("UBND tỉnh".into()),
            link: None,
        };
        let f = s.add_evidence("lan", syt.id, "A.1", &file).await.unwrap();
        let d = s.add_evidence("lan", syt.id, "A.1", &doc).await.unwrap();
        assert_eq!(f.source, file);
        assert_eq!(d.source, doc);
        s.remove_evidence("lan", f.id, Some("nhầm tệp"))
            .await
            .unwrap();
        assert!(matches!(
            s.remove_evidence("lan", f.id, None).await,
            Err(StoreError::NotFound { .. })
        ));
        let ev = s.evidence(syt.id).await.unwrap();
        assert_eq!(ev.len(), 2);
        assert!(ev[0].removed_at.is_some() && ev[1].removed_at.is_none());
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn verifications() {
    on_both("verify", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        let r = s
            .create_user(ADMIN, "minh", "Trần Minh", "h")
            .await
            .unwrap();
        let mut w = VerificationWrite {
            cycle_id: c.id,
            unit_code: "SYT".into(),
            criterion: "A.1".into(),
            decision: Decision::Adjusted,
            points: "2.5".into(),
            reason: None,
            reviewer_id: r.id,
            expected_version: 0,
        };
        assert!(
            matches!(s.verify("minh", &w).await, Err(StoreError::Invalid(_))),
            "a reason is required"
        );
        w.reason = Some("minh chứng chỉ có 5/6 dịch vụ".into());
        let v1 = s.verify("minh", &w).await.unwrap();
        assert_eq!(
            (v1.version, v1.decision, v1.points.as_str()),
            (1, Decision::Adjusted, "2.5")
        );
        w.decision = Decision::Accepted;
        w.points = "3".into();
        w.reason = None;
        w.expected_version = 1;
        let v2 = s.verify("minh", &w).await.unwrap();
        assert_eq!((v2.version, v2.reason.as_deref()), (2, None));
        assert_eq!(s.verifications(c.id, "SYT").await.unwrap(), vec![v2]);
    });
}

#[test]
fn sessions_notices_and_login_attempts() {
    on_both("sessions", |db: Db| async move {
        let s = &db.store;
        s.upsert_unit(ADMIN, &unit("SYT", "Sở Y tế")).await.unwrap();
        let u = s.create_user(ADMIN, "lan", "Lan", "h").await.unwrap();
        s.grant_role(ADMIN, u.id, Role::UnitOfficer, Some("SYT"))
            .await
            .unwrap();
        let now = now_ms();
        let live = Session {
            token_hash: sha256_hex(b"token-1"),
            user_id: u.id,
            csrf_token: "csrf-1".into(),
            created_at: now,
            expires_at: now + 3_600_000,
        };
        let old = Session {
            token_hash: sha256_hex(b"token-2"),
            expires_at: now - 1,
            ..live.clone()
        };
        s.create_session(&live).await.unwrap();
        s.create_session(&old).await.unwrap();
        assert_eq!(
            s.session(&live.token_hash, now).await.unwrap(),
            Some(live.clone())
        );
        assert_eq!(
            s.session(&old.token_hash, now).await.unwrap(),
            None,
            "expired"
        );
        assert_eq!(s.purge_sessions("system", now).await.unwrap(), 1);
        // A deactivated user's sessions stop working at once.
        s.update_user(ADMIN, u.id, None, None, Some(false))
            .await
            .unwrap();
        assert_eq!(s.session(&live.token_hash, now).await.unwrap(), None);
        s.update_user(ADMIN, u.id, None, None, Some(true))
            .await
            .unwrap();
        s.delete_session(&live.token_hash).await.unwrap();
        s.delete_session(&live.token_hash).await.unwrap();
        assert_eq!(s.session(&live.token_hash, now).await.unwrap(), None);
        let actions: Vec<String> = s
            .log_entries(0, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.iter().filter(|a| *a == "session.login").count(), 2);
        assert_eq!(actions.iter().filter(|a| *a == "session.logout").count(), 1);
        for e in s.log_entries(0, 100).await.unwrap() {
            assert!(
                !format!("{e:?}").contains(&live.token_hash),
                "no token hash in the log"
            );
        }

        s.add_notice(None, Some("SYT"), "returned", "Hồ sơ bị trả lại")
            .await
            .unwrap();
        s.add_notice(Some(u.id), None, "deadline", "Còn 3 ngày")
            .await
            .unwrap();
        assert_eq!(s.notices(u.id).await.unwrap().len(), 2);

        s.record_login_attempt("lan", now, false).await.unwrap();
        s.record_login_attempt("lan", now, false).await.unwrap();
        s.record_login_attempt("lan", now, true).await.unwrap();
        s.record_login_attempt("lan", now - 10_000, false)
            .await
            .unwrap();
        assert_eq!(s.failed_logins_since("lan", now - 1000).await.unwrap(), 2);
    });
}
