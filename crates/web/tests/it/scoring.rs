//! The scoring of a stored cycle (`egov_web::scoring`): what counts at each stage.

use egov_store::{
    CycleState, Decision, DraftWrite, NewCycle, NewUnit, Store, SubmissionStatus, VerificationWrite,
};
use egov_web::scoring::{Stage, score_cycle};
use rust_decimal::Decimal;

use crate::*;

const KEYS: [(&str, &str); 6] = [
    ("A.1", "11"),
    ("A.2", "5"),
    ("A.3", "15"),
    ("B.1", "9"),
    ("B.2", "27"),
    ("B.3", "22"),
];

async fn submit(store: &Store, cycle: i64, unit: &str) {
    let sub = store.submission(cycle, unit).await.unwrap();
    store
        .set_submission_status("t", sub.id, sub.version, SubmissionStatus::Submitted, None)
        .await
        .unwrap();
}

fn b2(store_points: &egov_web::scoring::Scored) -> Decimal {
    let u = store_points.unit("LS", egov_core::Lang::Vi).unwrap();
    u.nodes
        .iter()
        .find(|n| n.code == "B.2")
        .unwrap()
        .score
        .points
}

/// A cycle of the Hòa Bình edition with one district (LS) that has submitted the points of `KEYS`.
async fn submitted_district(name: &str) -> (Store, egov_store::Cycle) {
    let store = fresh_store(name).await;
    store
        .put_edition("t", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    store
        .upsert_unit(
            "t",
            &NewUnit {
                code: "LS".into(),
                name: "Huyện Lạc Sơn".into(),
                category: "huyen".into(),
                ..NewUnit::default()
            },
        )
        .await
        .unwrap();
    let cycle = store
        .open_cycle(
            "t",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: vec!["LS".into()],
            },
        )
        .await
        .unwrap();
    let sub = store.submission(cycle.id, "LS").await.unwrap();
    let writes: Vec<DraftWrite> = KEYS
        .iter()
        .map(|(k, v)| DraftWrite {
            key: k.to_string(),
            value: v.to_string(),
            expected_version: 0,
        })
        .collect();
    store.save_draft("t", sub.id, &writes).await.unwrap();
    submit(&store, cycle.id, "LS").await;
    (store, cycle)
}

#[tokio::test]
async fn a_decision_made_before_a_resubmission_no_longer_counts() {
    let (store, cycle) = submitted_district("scoring").await;
    let reviewer = add_user(&store, "reviewer", &[(egov_store::Role::Reviewer, None)]).await;
    let c = store.cycle(cycle.id).await.unwrap();
    store
        .set_cycle_state("t", c.id, c.version, CycleState::Review, None, None)
        .await
        .unwrap();
    store
        .verify(
            "reviewer",
            &VerificationWrite {
                cycle_id: cycle.id,
                unit_code: "LS".into(),
                criterion: "B.2".into(),
                decision: Decision::Adjusted,
                points: "20".into(),
                reason: Some("thiếu minh chứng".into()),
                reviewer_id: reviewer,
                expected_version: 0,
            },
        )
        .await
        .unwrap();
    let c = store.cycle(cycle.id).await.unwrap();
    let verified = score_cycle(&store, &c, Stage::Verified).await.unwrap();
    assert_eq!(b2(&verified), Decimal::from(20), "the adjustment counts");
    let own = score_cycle(&store, &c, Stage::SelfAssessed).await.unwrap();
    assert_eq!(
        b2(&own),
        Decimal::from(27),
        "self-assessed: the unit's own points"
    );

    // Returned, corrected and submitted again: the earlier decision was on other values.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let sub = store.submission(cycle.id, "LS").await.unwrap();
    store
        .return_submission(
            "reviewer",
            cycle.id,
            "LS",
            sub.version,
            "bổ sung",
            "trả lại",
        )
        .await
        .unwrap();
    let version = store
        .entries(sub.id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.key == "B.2")
        .unwrap()
        .version;
    store
        .save_draft(
            "t",
            sub.id,
            &[DraftWrite {
                key: "B.2".into(),
                value: "25".into(),
                expected_version: version,
            }],
        )
        .await
        .unwrap();
    submit(&store, cycle.id, "LS").await;
    let verified = score_cycle(&store, &c, Stage::Verified).await.unwrap();
    assert_eq!(
        b2(&verified),
        Decimal::from(25),
        "the decision before the resubmission no longer replaces the unit's new value"
    );
}

/// The council's preliminary annex prints a part heading once, above its first table, and leaves out
/// the tables no unit of the cycle belongs to (a cycle of districts has no department tables).
#[tokio::test]
async fn the_council_page_prints_each_part_once_and_no_empty_table() {
    let (store, cycle) = submitted_district("council-parts").await;
    let admin = add_user(&store, "admin", &[(egov_store::Role::Admin, None)]).await;
    let browser = sign_in(&store, admin).await;
    let page = body_text(
        send(
            &state(&store),
            request(
                "GET",
                &format!("/cycles/{}/council", cycle.id),
                Some(&browser),
                None,
            ),
        )
        .await,
    )
    .await;
    let districts =
        "II. CHỈ SỐ VÀ XẾP HẠNG TỔNG THỂ MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ CỦA ỦY BAN NHÂN DÂN";
    assert_eq!(page.matches(districts).count(), 1, "{page}");
    assert!(
        !page.contains("của các Sở, Ban, ngành</caption>"),
        "no department table: {page}"
    );
    assert!(page.contains("Huyện Lạc Sơn"), "{page}");

    // Approved and published: the public annex likewise.
    let c = store.cycle(cycle.id).await.unwrap();
    store
        .set_cycle_state(
            "t",
            c.id,
            c.version,
            egov_store::CycleState::Closed,
            None,
            None,
        )
        .await
        .unwrap();
    egov_web::publish::publish_cycle(
        &store,
        "admin",
        &egov_web::publish::PublishRequest {
            cycle_id: cycle.id,
            decision_number: "12/QĐ-UBND",
            decision_date: egov_core::calendar::parse_date("20/12/2026").unwrap(),
            reason: None,
        },
        egov_core::Lang::Vi,
    )
    .await
    .unwrap();
    let public = body_text(
        send(
            &state(&store),
            request("GET", &format!("/results/{}", cycle.id), None, None),
        )
        .await,
    )
    .await;
    assert_eq!(public.matches(districts).count(), 1, "{public}");
    assert!(
        !public.contains("của các Sở, Ban, ngành</caption>")
            && !public.contains("tổng thể mức độ Chính quyền điện tử của các Sở, Ban, ngành"),
        "no department table: {public}"
    );
}
