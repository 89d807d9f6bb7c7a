//! Deadline reminders: a unit that has not submitted is reminded once, within three days of its own
//! deadline; one that submitted, or whose deadline is further, is not.

use egov_core::calendar::Date;
use egov_store::{NewCycle, Role, SubmissionStatus};
use egov_web::reminders::{KIND, remind};

use crate::*;

#[tokio::test]
async fn units_that_have_not_submitted_are_reminded_once_near_their_deadline() {
    let store = fresh_store("reminders").await;
    store
        .put_edition("t", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    for (code, name) in [("A", "Sở A"), ("B", "Sở B"), ("C", "Sở C")] {
        add_unit(&store, code, name).await;
    }
    let now = egov_store::now_ms();
    let today = Date::in_vietnam_at(now).unwrap();
    let in_days = |n: i64| Date::from_epoch_days(today.epoch_days() + n).unwrap();
    let cycle = store
        .open_cycle(
            "t",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: in_days(2).iso(),
                units: vec!["A".into(), "B".into(), "C".into()],
            },
        )
        .await
        .unwrap();
    // B has submitted; C has an extension well past the window.
    let b = store.submission(cycle.id, "B").await.unwrap();
    store
        .set_submission_status("t", b.id, b.version, SubmissionStatus::Submitted, None)
        .await
        .unwrap();
    store
        .extend_deadline("t", cycle.id, "C", &in_days(20).iso(), "mất điện")
        .await
        .unwrap();

    assert_eq!(remind(&store, now).await.unwrap(), 1, "A only");
    assert_eq!(remind(&store, now).await.unwrap(), 0, "once");
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let notices = store.notices(officer).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, KIND);
    assert!(
        notices[0].text.contains(&in_days(2).dmy()) && notices[0].text.contains("còn 2 ngày"),
        "{}",
        notices[0].text
    );
    let b_officer = add_user(&store, "b-officer", &[(Role::UnitOfficer, Some("B"))]).await;
    assert!(store.notices(b_officer).await.unwrap().is_empty());

    // On the notices page, in words.
    let browser = sign_in(&store, officer).await;
    let page = body_text(
        send(
            &state(&store),
            request("GET", "/notices", Some(&browser), None),
        )
        .await,
    )
    .await;
    assert!(page.contains("Sắp hết hạn nộp"), "{page}");

    // Seventeen days on, C's own deadline is near.
    let later = now + 17 * 86_400_000;
    assert_eq!(
        remind(&store, later).await.unwrap(),
        1,
        "C, near its extended deadline"
    );
}
