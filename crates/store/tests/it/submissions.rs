//! Draft saves of many values in one transaction, and refused submissions in the log, on both backends.

use egov_store::*;

use crate::suite::cycle_with_units;
use crate::{Db, on_both};

fn w(key: &str, value: &str, version: i64) -> DraftWrite {
    DraftWrite {
        key: key.into(),
        value: value.into(),
        expected_version: version,
    }
}

#[test]
fn a_draft_saves_all_values_and_starts_the_submission() {
    on_both("draft_saves_all", |db: Db| async move {
        let s = &db.store;
        let (_, syt, _) = cycle_with_units(s).await;
        assert_eq!(syt.status, SubmissionStatus::NotStarted);
        let saved = s
            .save_draft("officer", syt.id, &[w("A.1", "10", 0), w("A.2", "5,5", 0)])
            .await
            .unwrap();
        assert_eq!(saved.entries.len(), 2);
        assert_eq!(saved.submission.status, SubmissionStatus::Draft);
        assert_eq!(saved.submission.version, syt.version + 1);
        let entries = s.entries(syt.id).await.unwrap();
        let values: Vec<(&str, &str, i64)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.version))
            .collect();
        assert_eq!(values, vec![("A.1", "10", 1), ("A.2", "5,5", 1)]);
        // Saving again: a changed value gets version 2, an unchanged one is left alone.
        let before = s.log_entries(0, 1_000_000).await.unwrap().len();
        let again = s
            .save_draft("officer", syt.id, &[w("A.1", "11", 1), w("A.2", "5,5", 1)])
            .await
            .unwrap();
        assert_eq!(again.entries.len(), 1);
        assert_eq!(again.entries[0].version, 2);
        assert_eq!(again.submission.status, SubmissionStatus::Draft);
        let log = s.log_entries(0, 1_000_000).await.unwrap();
        assert_eq!(log.len(), before + 1, "one entry changed, one log entry");
        let last = log.last().unwrap();
        assert_eq!(last.action, "entry.save");
        assert_eq!(last.actor, "officer");
        assert!(last.before.as_deref().unwrap().contains("\"10\""));
        assert!(last.after.as_deref().unwrap().contains("\"11\""));
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn a_stale_version_refuses_the_whole_save() {
    on_both("draft_stale", |db: Db| async move {
        let s = &db.store;
        let (_, syt, _) = cycle_with_units(s).await;
        s.save_draft("officer", syt.id, &[w("A.1", "10", 0)])
            .await
            .unwrap();
        let before = s.log_entries(0, 1_000_000).await.unwrap().len();
        // A.2 is new and fine, but A.1 was read at version 0 by someone who did not see the first save.
        let err = s
            .save_draft("head", syt.id, &[w("A.2", "3", 0), w("A.1", "12", 0)])
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    kind: "entry",
                    expected: 0,
                    current: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        let entries = s.entries(syt.id).await.unwrap();
        assert_eq!(entries.len(), 1, "A.2 was not written either");
        assert_eq!(entries[0].value, "10");
        assert_eq!(s.log_entries(0, 1_000_000).await.unwrap().len(), before);
        // A version from the future is stale too.
        assert!(matches!(
            s.save_draft("head", syt.id, &[w("A.1", "12", 5)]).await,
            Err(StoreError::Conflict { .. })
        ));
    });
}

#[test]
fn a_submitted_draft_cannot_change() {
    on_both("draft_submitted", |db: Db| async move {
        let s = &db.store;
        let (_, syt, stc) = cycle_with_units(s).await;
        let saved = s
            .save_draft("officer", syt.id, &[w("A.1", "10", 0)])
            .await
            .unwrap();
        let sub = s
            .set_submission_status(
                "head",
                syt.id,
                saved.submission.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
        assert_eq!(sub.submitted_by.as_deref(), Some("head"));
        let err = s
            .save_draft("officer", syt.id, &[w("A.1", "12", 1)])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        assert_eq!(s.entries(syt.id).await.unwrap()[0].value, "10");
        // Returned to the unit, it is editable again, and stays returned (not draft).
        s.set_submission_status(
            "reviewer",
            syt.id,
            sub.version,
            SubmissionStatus::Returned,
            Some("thiếu"),
        )
        .await
        .unwrap();
        let again = s
            .save_draft("officer", syt.id, &[w("A.1", "12", 1)])
            .await
            .unwrap();
        assert_eq!(again.submission.status, SubmissionStatus::Returned);
        // An empty save of a submission not started leaves it not started.
        let none = s.save_draft("officer", stc.id, &[]).await.unwrap();
        assert_eq!(none.submission.status, SubmissionStatus::NotStarted);
    });
}

#[test]
fn a_refused_submission_is_logged() {
    on_both("submission_refused", |db: Db| async move {
        let s = &db.store;
        let (c, syt, _) = cycle_with_units(s).await;
        s.record_refused_submission("head", syt.id, "quá hạn 30/11/2019")
            .await
            .unwrap();
        let last = s.log_entries(0, 1_000_000).await.unwrap().pop().unwrap();
        assert_eq!(last.action, "submission.refused");
        assert_eq!(last.actor, "head");
        assert_eq!(last.object_id, format!("{}/SYT", c.id));
        assert_eq!(last.reason.as_deref(), Some("quá hạn 30/11/2019"));
        // Nothing else changed.
        assert_eq!(s.submission(c.id, "SYT").await.unwrap(), syt);
        assert!(matches!(
            s.record_refused_submission("head", 999_999, "x").await,
            Err(StoreError::NotFound { .. })
        ));
    });
}

#[test]
fn a_cycles_entries_come_in_one_list_by_unit_and_key() {
    on_both("cycle_entries", |db: Db| async move {
        let s = &db.store;
        let (c, syt, stc) = cycle_with_units(s).await;
        s.save_draft("officer", syt.id, &[w("B.1", "3", 0), w("A.1", "10", 0)])
            .await
            .unwrap();
        s.save_draft("officer", stc.id, &[w("A.2", "5,5", 0)])
            .await
            .unwrap();
        let values = s.cycle_values(c.id).await.unwrap();
        let values: Vec<(&str, &str, &str)> = values
            .iter()
            .map(|(u, k, v)| (u.as_str(), k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("STC", "A.2", "5,5"),
                ("SYT", "A.1", "10"),
                ("SYT", "B.1", "3")
            ]
        );
        assert!(s.cycle_values(c.id + 1).await.unwrap().is_empty());
    });
}

#[test]
fn a_unit_notice_is_added_once() {
    on_both("notice_once", |db: Db| async move {
        let s = &db.store;
        let (_, syt, _) = cycle_with_units(s).await;
        let unit = syt.unit_code.as_str();
        assert!(
            s.add_unit_notice_once(unit, "deadline_soon", "hạn 30/11")
                .await
                .unwrap()
        );
        assert!(
            !s.add_unit_notice_once(unit, "deadline_soon", "hạn 30/11")
                .await
                .unwrap()
        );
        // Another text (a new deadline) is another notice.
        assert!(
            s.add_unit_notice_once(unit, "deadline_soon", "hạn 05/12")
                .await
                .unwrap()
        );
        assert!(
            s.add_unit_notice_once("STC", "deadline_soon", "hạn 30/11")
                .await
                .unwrap()
        );
    });
}
