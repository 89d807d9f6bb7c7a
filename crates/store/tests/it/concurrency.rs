//! Several writers at once: optimistic versions keep every acknowledged save, and SQLite's writers take
//! turns (WAL, `BEGIN IMMEDIATE`, the busy timeout) instead of failing with "database is locked".

use egov_store::*;

use crate::suite::cycle_with_units;
use crate::{Db, on_both};

#[test]
fn two_writers_on_one_entry_one_wins_one_conflicts() {
    on_both("conflict_entry", |db: Db| async move {
        let s = &db.store;
        let (_, syt, _) = cycle_with_units(s).await;
        let write = |value: &'static str, v: i64| EntryWrite {
            submission_id: syt.id,
            key: "A.1",
            value,
            expected_version: v,
        };
        let first = s.save_entry("lan", &write("10", 0)).await.unwrap();
        // Both read version 1, both save at once.
        let (w11, w12) = (write("11", first.version), write("12", first.version));
        let (a, b) = tokio::join!(s.save_entry("lan", &w11), s.save_entry("hoa", &w12));
        let (won, lost) = match (a, b) {
            (Ok(w), Err(e)) | (Err(e), Ok(w)) => (w, e),
            other => panic!("exactly one writer must win: {other:?}"),
        };
        assert!(
            matches!(
                lost,
                StoreError::Conflict {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{lost:?}"
        );
        let now = s.entries(syt.id).await.unwrap();
        assert_eq!(
            now,
            vec![won.clone()],
            "the winner's value is there, not overwritten"
        );
        // The loser reloads and saves again on the new version: nothing is lost.
        let retried = s
            .save_entry("hoa", &write("12", won.version))
            .await
            .unwrap();
        assert_eq!((retried.version, retried.value.as_str()), (3, "12"));
        let saves = s
            .log_entries(0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "entry.save")
            .count();
        assert_eq!(
            saves, 3,
            "one entry per applied save, none for the refused one"
        );
    });
}

#[test]
fn two_reviewers_on_one_criterion_one_wins_one_conflicts() {
    on_both("conflict_verify", |db: Db| async move {
        let s = &db.store;
        let (c, _, _) = cycle_with_units(s).await;
        let r1 = s.create_user("admin", "r1", "R1", "h").await.unwrap();
        let r2 = s.create_user("admin", "r2", "R2", "h").await.unwrap();
        let w = |reviewer: i64, points: &str| VerificationWrite {
            cycle_id: c.id,
            unit_code: "STC".into(),
            criterion: "B.2".into(),
            decision: Decision::Adjusted,
            points: points.into(),
            reason: Some("thiếu minh chứng".into()),
            reviewer_id: reviewer,
            expected_version: 0,
        };
        let (w1, w2) = (w(r1.id, "1"), w(r2.id, "2"));
        let (a, b) = tokio::join!(s.verify("r1", &w1), s.verify("r2", &w2));
        assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
        let lost = a.as_ref().err().or(b.as_ref().err()).unwrap();
        assert!(lost.is_conflict());
        let kept = s.verifications(c.id, "STC").await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(&kept[0], a.as_ref().or(b.as_ref()).unwrap());
    });
}

#[test]
fn many_concurrent_writers_all_succeed() {
    on_both("writers", |db: Db| async move {
        let s = db.store.clone();
        let (_, syt, stc) = cycle_with_units(&s).await;
        const TASKS: usize = 8;
        const SAVES: usize = 15;
        let mut tasks = Vec::new();
        for t in 0..TASKS {
            let s = s.clone();
            let sub = if t % 2 == 0 { syt.id } else { stc.id };
            tasks.push(tokio::spawn(async move {
                for i in 0..SAVES {
                    let key = format!("K{t}");
                    let value = i.to_string();
                    let w = EntryWrite {
                        submission_id: sub,
                        key: &key,
                        value: &value,
                        expected_version: i as i64,
                    };
                    s.save_entry(&format!("u{t}"), &w)
                        .await
                        .unwrap_or_else(|e| panic!("{e:?}"));
                    // Readers run alongside the writers.
                    s.entries(sub).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut values = s.entries(syt.id).await.unwrap();
        values.extend(s.entries(stc.id).await.unwrap());
        assert_eq!(values.len(), TASKS);
        for e in &values {
            assert_eq!((e.version, e.value.as_str()), (SAVES as i64, "14"));
        }
        let report = s.verify_log().await.unwrap();
        assert_eq!(report.broken, None);
        assert_eq!(report.entries, 4 + (TASKS * SAVES) as u64);
    });
}
