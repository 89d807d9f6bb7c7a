//! Verification as reviewers make it (stage, status, versions, the submission verified by the last
//! decision), returning a submission, explanations and the council's decisions, on both backends.

use egov_store::*;

use crate::{Db, on_both};

const ADMIN: &str = "admin";

/// A cycle under review with two units, SYT submitted and STC not: (cycle, reviewer id).
async fn under_review(s: &Store) -> (Cycle, i64) {
    for (code, name) in [("SYT", "Sở Y tế"), ("STC", "Sở Tài chính")] {
        s.upsert_unit(
            ADMIN,
            &NewUnit {
                code: code.into(),
                name: name.into(),
                category: "so-dvc".into(),
                ..NewUnit::default()
            },
        )
        .await
        .unwrap();
    }
    s.put_edition(ADMIN, "e", "id = \"e\"\n").await.unwrap();
    let c = s
        .open_cycle(
            ADMIN,
            &NewCycle {
                year: 2026,
                edition_id: "e".into(),
                deadline: "2026-03-31".into(),
                units: vec!["SYT".into(), "STC".into()],
            },
        )
        .await
        .unwrap();
    let sub = s.submission(c.id, "SYT").await.unwrap();
    s.set_submission_status(
        "head",
        sub.id,
        sub.version,
        SubmissionStatus::Submitted,
        None,
    )
    .await
    .unwrap();
    let c = s
        .set_cycle_state(ADMIN, c.id, c.version, CycleState::Review, None, None)
        .await
        .unwrap();
    let r = s
        .create_user(ADMIN, "minh", "Trần Minh", "h")
        .await
        .unwrap();
    (c, r.id)
}

fn write(c: &Cycle, unit: &str, criterion: &str, reviewer: i64, version: i64) -> VerificationWrite {
    VerificationWrite {
        cycle_id: c.id,
        unit_code: unit.into(),
        criterion: criterion.into(),
        decision: Decision::Accepted,
        points: "10".into(),
        reason: None,
        reviewer_id: reviewer,
        expected_version: version,
    }
}

fn criteria() -> Vec<String> {
    vec!["A.1".into(), "A.2".into()]
}

async fn last_action(s: &Store) -> LogEntry {
    s.log_entries(0, 1_000_000).await.unwrap().pop().unwrap()
}

#[test]
fn the_last_decision_verifies_the_submission() {
    on_both("review_last_decision", |db: Db| async move {
        let s = &db.store;
        let (c, r) = under_review(s).await;
        let first = s
            .verify_criterion("minh", &write(&c, "SYT", "A.1", r, 0), &criteria())
            .await
            .unwrap();
        assert_eq!(first.verification.version, 1);
        assert_eq!(first.submission.status, SubmissionStatus::Submitted);
        // An adjustment without a reason is refused before anything is written.
        let mut w = write(&c, "SYT", "A.2", r, 0);
        w.decision = Decision::Adjusted;
        w.points = "2.5".into();
        assert!(matches!(
            s.verify_criterion("minh", &w, &criteria()).await,
            Err(StoreError::Invalid(_))
        ));
        w.reason = Some("thiếu minh chứng".into());
        let second = s.verify_criterion("minh", &w, &criteria()).await.unwrap();
        assert_eq!(second.verification.points, "2.5");
        assert_eq!(second.submission.status, SubmissionStatus::Verified);
        assert_eq!(
            s.submission(c.id, "SYT").await.unwrap().status,
            SubmissionStatus::Verified
        );
        let entry = last_action(s).await;
        assert_eq!(
            (entry.action.as_str(), entry.object_id),
            ("submission.verified", format!("{}/SYT", c.id))
        );
        // A stale version is a conflict and leaves the decision as it was.
        let stale = s
            .verify_criterion("minh", &write(&c, "SYT", "A.2", r, 0), &criteria())
            .await;
        assert!(matches!(
            stale,
            Err(StoreError::Conflict { current: 1, .. })
        ));
        let kept = s.verifications(c.id, "SYT").await.unwrap();
        assert_eq!(kept[1].decision, Decision::Adjusted);
        assert_eq!(s.cycle_verifications(c.id).await.unwrap(), kept);
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn verification_needs_the_review_stage_and_a_submitted_unit() {
    on_both("review_stage", |db: Db| async move {
        let s = &db.store;
        let (c, r) = under_review(s).await;
        // STC did not submit.
        assert!(matches!(
            s.verify_criterion("minh", &write(&c, "STC", "A.1", r, 0), &criteria())
                .await,
            Err(StoreError::Invalid(_))
        ));
        // At the council stage, nothing more is verified.
        s.set_cycle_state(ADMIN, c.id, c.version, CycleState::Council, None, None)
            .await
            .unwrap();
        let at_council = s
            .verify_criterion("minh", &write(&c, "SYT", "A.1", r, 0), &criteria())
            .await;
        match at_council {
            Err(StoreError::Invalid(m)) => assert!(m.contains("'council'"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(s.cycle_verifications(c.id).await.unwrap().is_empty());
    });
}

#[test]
fn a_returned_and_resubmitted_unit_is_decided_again() {
    on_both("review_return", |db: Db| async move {
        let s = &db.store;
        let (c, r) = under_review(s).await;
        let officer = s.create_user(ADMIN, "lan", "Lan", "h").await.unwrap();
        s.grant_role(ADMIN, officer.id, Role::UnitOfficer, Some("SYT"))
            .await
            .unwrap();
        s.verify_criterion("minh", &write(&c, "SYT", "A.1", r, 0), &criteria())
            .await
            .unwrap();
        let sub = s.submission(c.id, "SYT").await.unwrap();
        assert!(matches!(
            s.return_submission("minh", c.id, "SYT", sub.version, "  ", "x")
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            s.return_submission("minh", c.id, "SYT", sub.version - 1, "thiếu", "x")
                .await,
            Err(StoreError::Conflict { .. })
        ));
        // STC never submitted: nothing to return.
        let stc = s.submission(c.id, "STC").await.unwrap();
        assert!(matches!(
            s.return_submission("minh", c.id, "STC", stc.version, "thiếu", "x")
                .await,
            Err(StoreError::Invalid(_))
        ));
        let returned = s
            .return_submission(
                "minh",
                c.id,
                "SYT",
                sub.version,
                "thiếu minh chứng A.2",
                "Hồ sơ được trả lại",
            )
            .await
            .unwrap();
        assert_eq!(returned.status, SubmissionStatus::Returned);
        assert_eq!(returned.version, sub.version + 1);
        let notices = s.notices(officer.id).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(
            (notices[0].kind.as_str(), notices[0].text.as_str()),
            ("returned", "Hồ sơ được trả lại")
        );
        let entry = last_action(s).await;
        assert_eq!(entry.action, "submission.return");
        assert_eq!(entry.reason.as_deref(), Some("thiếu minh chứng A.2"));
        assert_eq!(
            s.returned_units(c.id).await.unwrap(),
            vec!["SYT".to_string()]
        );
        // Resubmitted: the decision made before does not count, so one more decision is not enough.
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.set_submission_status(
            "head",
            returned.id,
            returned.version,
            SubmissionStatus::Submitted,
            None,
        )
        .await
        .unwrap();
        let out = s
            .verify_criterion("minh", &write(&c, "SYT", "A.2", r, 0), &criteria())
            .await
            .unwrap();
        assert_eq!(out.submission.status, SubmissionStatus::Submitted);
        let out = s
            .verify_criterion("minh", &write(&c, "SYT", "A.1", r, 1), &criteria())
            .await
            .unwrap();
        assert_eq!(out.submission.status, SubmissionStatus::Verified);
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn explanations_only_in_the_round_and_by_its_deadline() {
    on_both("review_explanations", |db: Db| async move {
        let s = &db.store;
        let (c, _) = under_review(s).await;
        let text = "Đơn vị đã bổ sung Quyết định 12/QĐ-UBND";
        // Under review: the round is not open.
        assert!(matches!(
            s.add_explanation("lan", c.id, "SYT", "A.1", text, "2026-05-01")
                .await,
            Err(StoreError::Invalid(_))
        ));
        let c = s
            .set_cycle_state(
                ADMIN,
                c.id,
                c.version,
                CycleState::Explanation,
                Some("2026-05-10"),
                None,
            )
            .await
            .unwrap();
        match s
            .add_explanation("lan", c.id, "SYT", "A.1", text, "2026-05-11")
            .await
        {
            Err(StoreError::Invalid(m)) => assert!(m.contains("10/05/2026"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.add_explanation("lan", c.id, "SYT", "A.1", " \n ", "2026-05-10")
                .await,
            Err(StoreError::Invalid(_))
        ));
        let long = "x".repeat(EXPLANATION_MAX_CHARS + 1);
        assert!(matches!(
            s.add_explanation("lan", c.id, "SYT", "A.1", &long, "2026-05-10")
                .await,
            Err(StoreError::Invalid(_))
        ));
        // STC did not submit: it has no verified points to explain.
        assert!(matches!(
            s.add_explanation("lan", c.id, "STC", "A.1", text, "2026-05-10")
                .await,
            Err(StoreError::Invalid(_))
        ));
        // The deadline's own day is included.
        let e = s
            .add_explanation(
                "lan",
                c.id,
                "SYT",
                "A.1",
                &format!(" {text}\n"),
                "2026-05-10",
            )
            .await
            .unwrap();
        assert_eq!((e.text.as_str(), e.author.as_str()), (text, "lan"));
        assert_eq!(s.explanations(c.id, "SYT").await.unwrap(), vec![e.clone()]);
        assert!(s.explanations(c.id, "STC").await.unwrap().is_empty());
        let entry = last_action(s).await;
        assert_eq!(
            (entry.action.as_str(), entry.object_id),
            ("explanation.add", e.id.to_string())
        );
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}

#[test]
fn the_council_approves_or_sends_back_with_a_reason() {
    on_both("review_council", |db: Db| async move {
        let s = &db.store;
        let (c, _) = under_review(s).await;
        assert!(matches!(
            s.council_decide("hd", c.id, c.version, CouncilVerdict::Approved, None)
                .await,
            Err(StoreError::Invalid(_))
        ));
        let c = s
            .set_cycle_state(ADMIN, c.id, c.version, CycleState::Council, None, None)
            .await
            .unwrap();
        assert!(matches!(
            s.council_decide("hd", c.id, c.version, CouncilVerdict::SentBack, Some(" "))
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            s.council_decide("hd", c.id, c.version - 1, CouncilVerdict::Approved, None)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let (d, back) = s
            .council_decide(
                "hd",
                c.id,
                c.version,
                CouncilVerdict::SentBack,
                Some("điểm B.2 của Sở Y tế cần xem lại"),
            )
            .await
            .unwrap();
        assert_eq!(d.decision, CouncilVerdict::SentBack);
        assert_eq!(back.state, CycleState::Review);
        assert_eq!(back.version, c.version + 1);
        let entry = last_action(s).await;
        assert_eq!(entry.action, "council.send_back");
        assert_eq!(
            entry.reason.as_deref(),
            Some("điểm B.2 của Sở Y tế cần xem lại")
        );
        let again = s
            .set_cycle_state(ADMIN, c.id, back.version, CycleState::Council, None, None)
            .await
            .unwrap();
        let (ok, closed) = s
            .council_decide("hd", c.id, again.version, CouncilVerdict::Approved, None)
            .await
            .unwrap();
        assert_eq!((ok.reason, closed.state), (None, CycleState::Closed));
        let all = s.council_decisions(c.id).await.unwrap();
        assert_eq!(
            all.iter().map(|d| d.decision).collect::<Vec<_>>(),
            vec![CouncilVerdict::SentBack, CouncilVerdict::Approved]
        );
        assert_eq!(last_action(s).await.action, "council.approve");
        assert_eq!(s.verify_log().await.unwrap().broken, None);
    });
}
