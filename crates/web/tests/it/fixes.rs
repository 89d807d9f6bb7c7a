//! Fixes found by the documentation pass, each through HTTP: an extended unit's form closes with the
//! cycle's stage, a ranking that cannot be computed says why in the web's words, the admin's user
//! management (password reset, deactivation) and one's own password, role names in messages, display
//! names on the form.

use axum::http::StatusCode;
use egov_store::{CycleState, SubmissionStatus};

use crate::form::{HOABINH, Setup, fixture, upload};
use crate::*;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Moves the fixture's cycle to `state` at its current version.
async fn to_state(store: &egov_store::Store, cycle: i64, state: CycleState) {
    let c = store.cycle(cycle).await.unwrap();
    let deadline = (state == CycleState::Explanation).then_some("2099-12-31");
    store
        .set_cycle_state("admin", cycle, c.version, state, deadline, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_extended_unit_changes_nothing_once_the_cycle_is_past_review() {
    let fx = fixture(
        "fix_extended_stage",
        Setup {
            deadline: "2020-01-31",
            ..HOABINH
        },
    )
    .await;
    fx.store
        .extend_deadline("admin", fx.cycle, "A", "2099-12-31", "mất điện kéo dài")
        .await
        .unwrap();
    let url = fx.url("A");
    let (status, _) = fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // In review its extension still holds: values and evidence change.
    to_state(&fx.store, fx.cycle, CycleState::Review).await;
    let (status, _) = fx.post(&fx.officer, &url, "v.A.1=9&ver.A.1=1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/evidence"),
        &[("key", None, b"A.1"), ("file", Some("bao-cao.pdf"), PDF)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let sub = fx.store.submission(fx.cycle, "A").await.unwrap();
    let evidence = fx.store.evidence(sub.id).await.unwrap()[0].id;
    let (_, bytes) = {
        let res = send(
            &fx.st,
            request("GET", &format!("{url}/workbook"), Some(&fx.officer), None),
        )
        .await;
        let s = res.status();
        let b = axum::body::to_bytes(res.into_body(), 1 << 26)
            .await
            .unwrap();
        (s, b.to_vec())
    };
    for state in [
        CycleState::Explanation,
        CycleState::Council,
        CycleState::Closed,
    ] {
        to_state(&fx.store, fx.cycle, state).await;
        let (status, page) = fx.post(&fx.officer, &url, "v.A.1=1&ver.A.1=2").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{state:?}: {page}");
        assert!(page.contains("không còn nhận số liệu"), "{page}");
        let (status, _) = upload(
            &fx,
            &fx.officer,
            &format!("{url}/workbook"),
            &[("file", Some("phieu.xlsx"), &bytes)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{state:?}");
        let (status, _) = upload(
            &fx,
            &fx.officer,
            &format!("{url}/evidence"),
            &[("key", None, b"A.2"), ("file", Some("them.pdf"), PDF)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{state:?}");
        let (status, _) = fx
            .post(
                &fx.officer,
                &format!("{url}/evidence/{evidence}/remove"),
                "reason=nham",
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{state:?}");
        let (status, _) = fx
            .post(&fx.head, &format!("{url}/submit"), "confirm=1")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{state:?}");
        // The page offers neither the save nor the submit button.
        let (_, page) = fx.get(&fx.head, &url).await;
        assert!(!page.contains("/submit\""), "{state:?}: {page}");
        assert!(page.contains("id=\"closed\""), "{state:?}");
    }
    assert_eq!(fx.entries("A").await["A.1"], ("9".to_string(), 2));
    assert_eq!(fx.status("A").await, SubmissionStatus::Draft);
    let live: Vec<_> = fx
        .store
        .evidence(sub.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.removed_at.is_none())
        .collect();
    assert_eq!(live.len(), 1);
}

#[tokio::test]
async fn a_ranking_refused_for_non_submitters_says_so_and_the_changes_still_show() {
    let fx = fixture("fix_council_not_submitted", HOABINH).await;
    let council = add_user(&fx.store, "council", &[(egov_store::Role::Council, None)]).await;
    let council = sign_in(&fx.store, council).await;
    let url = fx.url("A");
    fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    let (status, _) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    to_state(&fx.store, fx.cycle, CycleState::Review).await;
    let reviewer = fx.store.user_by_login("reviewer").await.unwrap().id;
    fx.store
        .verify(
            "reviewer",
            &egov_store::VerificationWrite {
                cycle_id: fx.cycle,
                unit_code: "A".into(),
                criterion: "A.1".into(),
                decision: egov_store::Decision::Adjusted,
                points: "8".into(),
                reason: Some("Thiếu biên bản kiểm tra hạ tầng".into()),
                reviewer_id: reviewer,
                expected_version: 0,
            },
        )
        .await
        .unwrap();
    to_state(&fx.store, fx.cycle, CycleState::Council).await;
    // B (Sở Tài chính) never submitted; the Hòa Bình edition's policy is `error`.
    let (status, page) = fx
        .get(&council, &format!("/cycles/{}/council", fx.cycle))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sở Tài chính (B)"), "{page}");
    assert!(page.contains("[scoring] not_submitted"), "{page}");
    assert!(page.contains("được gia hạn"), "{page}");
    assert!(
        !page.contains("units.csv") && !page.contains("values.csv"),
        "{page}"
    );
    // What the reviewer changed is listed all the same, with both points.
    assert!(!page.contains("id=\"no-changes\""), "{page}");
    let changes = &page[page.find("id=\"changes\"").expect("the changes table")..];
    assert!(
        changes.contains("Thiếu biên bản kiểm tra hạ tầng"),
        "{page}"
    );
    assert!(changes.contains("<td>10</td><td>8</td>"), "{page}");
}

#[tokio::test]
async fn a_grant_refused_for_its_unit_names_the_role_as_the_page_does() {
    let store = fresh_store("fix_role_names").await;
    let st = state(&store);
    add_unit(&store, "A", "Sở Y tế").await;
    let admin = add_user(&store, "admin", &[(egov_store::Role::Admin, None)]).await;
    let admin = sign_in(&store, admin).await;
    let user = add_user(&store, "can-bo", &[]).await;
    let path = format!("/users/{user}/roles");
    let cases = [
        ("role=unit_head&unit=", "Thủ trưởng đơn vị", "unit_head"),
        ("role=reviewer&unit=A", "Thẩm định viên", "reviewer"),
    ];
    for (form, name, internal) in cases {
        let body = format!("{form}&_csrf={}", admin.csrf);
        let res = send(&st, request("POST", &path, Some(&admin), Some(&body))).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{form}");
        let page = body_text(res).await;
        assert!(page.contains(&format!("«{name}»")), "{page}");
        assert!(!page.contains(internal), "{page}");
    }
    assert!(store.role_grants(user).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_form_names_people_by_their_display_names() {
    let fx = fixture("fix_display_names", HOABINH).await;
    let officer = fx
        .store
        .create_user("test", "nva", "Nguyễn Văn An", "x")
        .await
        .unwrap()
        .id;
    fx.store
        .grant_role("test", officer, egov_store::Role::UnitOfficer, Some("A"))
        .await
        .unwrap();
    let head = fx
        .store
        .create_user("test", "ttb", "Trần Thị Bình", "x")
        .await
        .unwrap()
        .id;
    fx.store
        .grant_role("test", head, egov_store::Role::UnitHead, Some("A"))
        .await
        .unwrap();
    let (officer, head) = (
        sign_in(&fx.store, officer).await,
        sign_in(&fx.store, head).await,
    );
    let url = fx.url("A");
    let (status, _) = fx.post(&officer, &url, "v.A.1=10&ver.A.1=0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = upload(
        &fx,
        &officer,
        &format!("{url}/evidence"),
        &[("key", None, b"A.1"), ("file", Some("bao-cao.pdf"), PDF)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page) = fx.get(&head, &url).await;
    assert!(page.contains("Lưu bởi Nguyễn Văn An, "), "{page}");
    assert!(!page.contains("nva"), "{page}");
    let (status, _) = fx.post(&head, &format!("{url}/submit"), "confirm=1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = fx.get(&officer, &url).await;
    assert!(page.contains("(Trần Thị Bình, "), "{page}");
    assert!(!page.contains("ttb") && !page.contains("nva"), "{page}");
}
