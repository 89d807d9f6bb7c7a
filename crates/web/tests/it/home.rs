//! The home page says what is to be done: a unit's forms with their status and deadline, the cycles in
//! progress with the page their stage is worked on, unread notices.

use egov_store::{CycleState, NewCycle, Role};

use crate::*;

#[tokio::test]
async fn the_home_page_leads_each_role_to_its_work() {
    let store = fresh_store("home").await;
    store
        .put_edition("t", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    add_unit(&store, "A", "Sở A").await;
    let cycle = store
        .open_cycle(
            "t",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: vec!["A".into()],
            },
        )
        .await
        .unwrap();
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let reviewer = add_user(&store, "reviewer", &[(Role::Reviewer, None)]).await;
    store
        .add_notice(None, Some("A"), "returned", "Hồ sơ bị trả lại")
        .await
        .unwrap();
    let st = state(&store);
    let home = |who: i64| {
        let (store, st) = (store.clone(), st.clone());
        async move {
            let b = sign_in(&store, who).await;
            body_text(send(&st, request("GET", "/", Some(&b), None)).await).await
        }
    };

    let page = home(officer).await;
    assert!(
        page.contains(&format!("href=\"/cycles/{}/units/A\"", cycle.id)),
        "{page}"
    );
    assert!(
        page.contains("Chưa bắt đầu") && page.contains("31/12/2099"),
        "{page}"
    );
    assert!(page.contains("Thông báo chưa đọc: 1"), "{page}");

    // A reviewer, once the cycle is under review: its board and the review queue.
    let c = store.cycle(cycle.id).await.unwrap();
    store
        .set_cycle_state("t", c.id, c.version, CycleState::Review, None, None)
        .await
        .unwrap();
    let page = home(reviewer).await;
    assert!(
        page.contains(&format!("href=\"/cycles/{}/review\"", cycle.id))
            && page.contains(&format!("href=\"/cycles/{}\"", cycle.id)),
        "{page}"
    );
    assert!(!page.contains("Thông báo chưa đọc"), "{page}");
}
