//! The audit log: written with every change, in the same transaction; tampering found and named.

use egov_store::*;

use crate::suite::{cycle_with_units, unit};
use crate::{Db, on_both};

/// Seven changes, so that tampering can hit the middle and the end: seq 1 … 7.
async fn history(s: &Store) {
    s.upsert_unit("admin", &unit("SYT", "Sở Y tế"))
        .await
        .unwrap(); // 1
    s.upsert_unit("admin", &unit("STC", "Sở Tài chính"))
        .await
        .unwrap(); // 2
    s.upsert_unit("admin", &unit("SYT", "Sở Y tế tỉnh"))
        .await
        .unwrap(); // 3
    s.put_holiday("admin", "2019-09-02", "Quốc khánh")
        .await
        .unwrap(); // 4
    s.create_user("admin", "lan", "Lan", "h").await.unwrap(); // 5
    s.put_holiday("admin", "2019-01-01", "Tết").await.unwrap(); // 6
    s.upsert_unit("admin", &unit("SNV", "Sở Nội vụ"))
        .await
        .unwrap(); // 7
    let report = s.verify_log().await.unwrap();
    assert_eq!((report.entries, report.broken), (7, None));
}

fn broken(report: LogReport) -> Broken {
    report.broken.expect("the log is found broken")
}

#[test]
fn every_change_writes_its_entry_and_a_failed_one_writes_none() {
    on_both("log_every_change", |db: Db| async move {
        let s = &db.store;
        let (c, syt, _) = cycle_with_units(s).await;
        let log = s.log_entries(0, 100).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["unit.create", "unit.create", "edition.upload", "cycle.open"]
        );
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(log[0].prev_hash, log::GENESIS);
        assert_eq!(log[1].prev_hash, log[0].hash);
        assert_eq!(
            (log[3].object_kind.as_str(), log[3].object_id.clone()),
            ("cycle", c.id.to_string())
        );
        let w = EntryWrite {
            submission_id: syt.id,
            key: "A.1",
            value: "1",
            expected_version: 0,
        };
        s.save_entry("lan", &w).await.unwrap();
        // A conflict rolls back: no change, no entry.
        assert!(s.save_entry("lan", &w).await.unwrap_err().is_conflict());
        let log = s.log_entries(0, 100).await.unwrap();
        assert_eq!(log.len(), 5);
        let e = &log[4];
        assert_eq!((e.actor.as_str(), e.action.as_str()), ("lan", "entry.save"));
        assert_eq!(e.before, None);
        assert!(e.after.as_deref().unwrap().contains("\"value\":\"1\""));
        let r = s.verify_log().await.unwrap();
        assert_eq!((r.entries, r.broken.clone()), (5, None));
        assert_eq!(r.last, Some((5, e.hash.clone())));
    });
}

#[test]
fn an_edited_entry_is_named() {
    on_both("log_edit", |db: Db| async move {
        history(&db.store).await;
        db.raw("UPDATE audit_log SET after = '{\"name\":\"Sở Y tế (sửa)\"}' WHERE seq = 3")
            .await;
        let b = broken(db.store.verify_log().await.unwrap());
        assert_eq!(
            b,
            Broken {
                seq: 3,
                problem: Problem::Edited
            }
        );
    });
}

#[test]
fn an_edited_actor_or_time_is_found_too() {
    on_both("log_edit_actor", |db: Db| async move {
        history(&db.store).await;
        db.raw("UPDATE audit_log SET at = at + 1 WHERE seq = 6")
            .await;
        db.raw("UPDATE audit_log SET actor = 'someone' WHERE seq = 5")
            .await;
        assert_eq!(
            broken(db.store.verify_log().await.unwrap()),
            Broken {
                seq: 5,
                problem: Problem::Edited
            }
        );
    });
}

#[test]
fn a_deleted_entry_is_named() {
    on_both("log_delete", |db: Db| async move {
        history(&db.store).await;
        db.raw("DELETE FROM audit_log WHERE seq = 4").await;
        let b = broken(db.store.verify_log().await.unwrap());
        assert_eq!(
            b,
            Broken {
                seq: 4,
                problem: Problem::Missing { found: Some(5) }
            }
        );
    });
}

#[test]
fn deleted_newest_entries_are_named() {
    on_both("log_truncate", |db: Db| async move {
        history(&db.store).await;
        db.raw("DELETE FROM audit_log WHERE seq >= 6").await;
        let b = broken(db.store.verify_log().await.unwrap());
        assert_eq!(
            b,
            Broken {
                seq: 6,
                problem: Problem::Missing { found: None }
            }
        );
    });
}

#[test]
fn swapped_entries_are_named() {
    on_both("log_swap", |db: Db| async move {
        history(&db.store).await;
        // Swap entries 2 and 5 (their positions in the sequence).
        db.raw(
            "UPDATE audit_log SET seq = -2 WHERE seq = 2; \
             UPDATE audit_log SET seq = 2 WHERE seq = 5; \
             UPDATE audit_log SET seq = 5 WHERE seq = -2;",
        )
        .await;
        let b = broken(db.store.verify_log().await.unwrap());
        assert_eq!(
            b,
            Broken {
                seq: 2,
                problem: Problem::OutOfChain
            }
        );
    });
}

#[test]
fn an_inserted_entry_is_named() {
    on_both("log_insert", |db: Db| async move {
        history(&db.store).await;
        // Make room after 3 and insert a forged entry that copies 4's chain fields.
        db.raw(
            "UPDATE audit_log SET seq = seq + 100 WHERE seq > 3; \
             UPDATE audit_log SET seq = seq - 99 WHERE seq > 100; \
             INSERT INTO audit_log (seq, at, actor, action, object_kind, object_id, before, after, reason, prev_hash, hash) \
             SELECT 4, at, 'admin', 'unit.update', 'unit', 'STC', NULL, '{}', NULL, prev_hash, hash FROM audit_log WHERE seq = 5;",
        )
        .await;
        let b = broken(db.store.verify_log().await.unwrap());
        assert_eq!(
            b,
            Broken {
                seq: 4,
                problem: Problem::Edited
            }
        );
    });
}

#[test]
fn an_entry_appended_outside_egov_is_named() {
    on_both("log_append", |db: Db| async move {
        history(&db.store).await;
        db.raw(
            "INSERT INTO audit_log (seq, at, actor, action, object_kind, object_id, before, after, reason, prev_hash, hash) \
             SELECT 8, at, 'x', 'unit.update', 'unit', 'STC', NULL, NULL, NULL, hash, hash FROM audit_log WHERE seq = 7;",
        )
        .await;
        let b = broken(db.store.verify_log().await.unwrap());
        // Its hash is wrong before the head is even looked at.
        assert_eq!(
            b,
            Broken {
                seq: 8,
                problem: Problem::Edited
            }
        );
    });
}
