//! The cycle administration's store functions (the submission board's one query for the latest
//! extensions, the cycles of a unit, holidays written together, the explanation round and deadline
//! extensions with their notices), on both backends.

use egov_store::*;

use crate::suite::{cycle_with_units, unit};
use crate::{Db, on_both};

const ADMIN: &str = "admin";

async fn log_len(s: &Store) -> usize {
    s.log_entries(0, 1_000_000).await.unwrap().len()
}

/// A user holding the unit officer role of `unit`, to read the unit's notices.
async fn officer_of(s: &Store, login: &str, unit: &str) -> i64 {
    let u = s.create_user(ADMIN, login, login, "x").await.unwrap();
    s.grant_role(ADMIN, u.id, Role::UnitOfficer, Some(unit))
        .await
        .unwrap();
    u.id
}

#[test]
fn latest_extensions_of_a_cycle_in_one_read() {
    on_both("latest_extensions", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        assert!(s.latest_extensions(c.id).await.unwrap().is_empty());
        s.upsert_unit(ADMIN, &unit("SXD", "Sở Xây dựng"))
            .await
            .unwrap();
        let other = s
            .open_cycle(
                ADMIN,
                &NewCycle {
                    year: 2020,
                    edition_id: "hoabinh-2019".into(),
                    deadline: "2020-11-30".into(),
                    units: vec!["SYT".into(), "SXD".into()],
                },
            )
            .await
            .unwrap();
        s.extend_deadline(ADMIN, c.id, "SYT", "2019-12-05", "mất điện")
            .await
            .unwrap();
        s.extend_deadline(ADMIN, c.id, "STC", "2019-12-03", "ốm")
            .await
            .unwrap();
        s.extend_deadline(ADMIN, c.id, "SYT", "2019-12-09", "thêm")
            .await
            .unwrap();
        s.extend_deadline(ADMIN, other.id, "SYT", "2020-12-31", "kỳ khác")
            .await
            .unwrap();
        let latest = s.latest_extensions(c.id).await.unwrap();
        assert_eq!(
            latest
                .iter()
                .map(|e| (e.unit_code.as_str(), e.deadline.as_str(), e.reason.as_str()))
                .collect::<Vec<_>>(),
            [("STC", "2019-12-03", "ốm"), ("SYT", "2019-12-09", "thêm")]
        );
        // The same deadlines as deadline_for, unit by unit.
        for e in &latest {
            assert_eq!(
                s.deadline_for(c.id, &e.unit_code).await.unwrap(),
                e.deadline
            );
        }
        assert_eq!(s.latest_extensions(other.id).await.unwrap().len(), 1);
    });
}

#[test]
fn an_extension_needs_a_unit_of_the_cycle_and_notices_it() {
    on_both("extend_notice", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        s.upsert_unit(ADMIN, &unit("SXD", "Sở Xây dựng"))
            .await
            .unwrap();
        let n = log_len(s).await;
        let not_in = s
            .extend_deadline_with_notice(ADMIN, c.id, "SXD", "2019-12-05", "lý do", "gia hạn")
            .await
            .unwrap_err();
        assert!(
            matches!(
                not_in,
                StoreError::NotFound {
                    kind: "submission",
                    ..
                }
            ),
            "{not_in:?}"
        );
        assert!(matches!(
            s.extend_deadline(ADMIN, c.id + 100, "SYT", "2019-12-05", "lý do")
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.extend_deadline_with_notice(ADMIN, c.id, "SYT", "2019-12-05", "  ", "gia hạn")
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            log_len(s).await,
            n,
            "nothing written by a refused extension"
        );

        let syt = officer_of(s, "syt", "SYT").await;
        let stc = officer_of(s, "stc", "STC").await;
        let ext = s
            .extend_deadline_with_notice(
                ADMIN,
                c.id,
                "SYT",
                "2019-12-05",
                "mất điện",
                "Hạn nộp được gia hạn đến 05/12/2019",
            )
            .await
            .unwrap();
        assert_eq!(
            (ext.unit_code.as_str(), ext.reason.as_str()),
            ("SYT", "mất điện")
        );
        let notices = s.notices(syt).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(
            (
                notices[0].kind.as_str(),
                notices[0].text.as_str(),
                notices[0].unit_code.as_deref()
            ),
            (
                "deadline",
                "Hạn nộp được gia hạn đến 05/12/2019",
                Some("SYT")
            )
        );
        assert!(s.notices(stc).await.unwrap().is_empty());
        let last = s.log_entries(0, 1000).await.unwrap().pop().unwrap();
        assert_eq!(last.action, "deadline.extend");
        assert!(last.before.unwrap().contains("2019-11-30"));
        assert_eq!(last.reason.as_deref(), Some("mất điện"));
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn the_explanation_round_opens_with_a_notice_for_every_unit() {
    on_both("open_explanation", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        let syt = officer_of(s, "syt", "SYT").await;
        let stc = officer_of(s, "stc", "STC").await;
        let review = s
            .set_cycle_state(ADMIN, c.id, c.version, CycleState::Review, None, None)
            .await
            .unwrap();
        // A stale version: nothing changes and no notice goes out.
        let stale = s
            .open_explanation(ADMIN, c.id, c.version, Some("2019-12-20"), None, "mở")
            .await
            .unwrap_err();
        assert!(stale.is_conflict(), "{stale:?}");
        assert!(s.notices(syt).await.unwrap().is_empty());
        assert_eq!(s.cycle(c.id).await.unwrap().state, CycleState::Review);

        let expl = s
            .open_explanation(
                ADMIN,
                c.id,
                review.version,
                Some("2019-12-20"),
                None,
                "Vòng giải trình đã mở",
            )
            .await
            .unwrap();
        assert_eq!(expl.state, CycleState::Explanation);
        assert_eq!(expl.explanation_deadline.as_deref(), Some("2019-12-20"));
        assert_eq!(expl.version, review.version + 1);
        for user in [syt, stc] {
            let n = s.notices(user).await.unwrap();
            assert_eq!(n.len(), 1);
            assert_eq!(
                (n[0].kind.as_str(), n[0].text.as_str()),
                ("explanation", "Vòng giải trình đã mở")
            );
        }
        let last = s.log_entries(0, 1000).await.unwrap().pop().unwrap();
        assert_eq!(last.action, "cycle.state");
        assert!(last.after.unwrap().contains("explanation"));

        // Back to the council and into the round again with a reason: the deadline is kept when none
        // is given.
        let council = s
            .set_cycle_state(ADMIN, c.id, expl.version, CycleState::Council, None, None)
            .await
            .unwrap();
        let again = s
            .open_explanation(
                ADMIN,
                c.id,
                council.version,
                None,
                Some("thiếu giải trình"),
                "mở lại",
            )
            .await
            .unwrap();
        assert_eq!(again.explanation_deadline.as_deref(), Some("2019-12-20"));
        assert_eq!(s.notices(syt).await.unwrap().len(), 2);
        let last = s.log_entries(0, 1000).await.unwrap().pop().unwrap();
        assert_eq!(last.reason.as_deref(), Some("thiếu giải trình"));
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn the_cycles_a_unit_takes_part_in() {
    on_both("cycles_of_unit", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        s.upsert_unit(ADMIN, &unit("SXD", "Sở Xây dựng"))
            .await
            .unwrap();
        let later = s
            .open_cycle(
                ADMIN,
                &NewCycle {
                    year: 2020,
                    edition_id: "hoabinh-2019".into(),
                    deadline: "2020-11-30".into(),
                    units: vec!["SYT".into(), "SXD".into()],
                },
            )
            .await
            .unwrap();
        let ids = |v: Vec<Cycle>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(s.cycles_of_unit("SYT").await.unwrap()),
            [later.id, c.id]
        );
        assert_eq!(ids(s.cycles_of_unit("STC").await.unwrap()), [c.id]);
        assert_eq!(ids(s.cycles_of_unit("SXD").await.unwrap()), [later.id]);
        assert!(s.cycles_of_unit("NONE").await.unwrap().is_empty());
    });
}

#[test]
fn holidays_written_together() {
    on_both("put_holidays", |db: Db| async move {
        let s = &db.store;
        let tet: Vec<(String, String)> = (14..=22)
            .map(|d| (format!("2026-02-{d:02}"), "Tết Nguyên đán".to_string()))
            .collect();
        let n = log_len(s).await;
        s.put_holidays(ADMIN, &tet).await.unwrap();
        assert_eq!(log_len(s).await, n + 9);
        let h = s.holidays().await.unwrap();
        assert_eq!(h.len(), 9);
        assert_eq!(h[0].date, "2026-02-14");
        assert_eq!(h[8].date, "2026-02-22");
        // The same days again change nothing; one renamed is one log entry.
        s.put_holidays(ADMIN, &tet).await.unwrap();
        assert_eq!(log_len(s).await, n + 9);
        s.put_holidays(
            ADMIN,
            &[
                ("2026-02-14".into(), "Tết Nguyên đán".into()),
                ("2026-02-16".into(), "Giao thừa".into()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(log_len(s).await, n + 10);
        assert_eq!(s.holidays().await.unwrap()[2].name, "Giao thừa");
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}
