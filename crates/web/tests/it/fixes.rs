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

/// An app with an administrator (`admin`) and a unit officer (`officer`), both signed in.
async fn users_app(name: &str) -> (egov_store::Store, egov_web::AppState, Browser, i64, Browser) {
    let store = fresh_store(name).await;
    add_unit(&store, "A", "Sở Y tế").await;
    let admin = add_user(&store, "admin", &[(egov_store::Role::Admin, None)]).await;
    let officer = add_user(
        &store,
        "officer",
        &[(egov_store::Role::UnitOfficer, Some("A"))],
    )
    .await;
    let st = state(&store);
    let (a, o) = (sign_in(&store, admin).await, sign_in(&store, officer).await);
    (store, st, a, officer, o)
}

async fn post_as(
    st: &egov_web::AppState,
    who: &Browser,
    path: &str,
    form: &str,
) -> (StatusCode, String) {
    let body = format!("{form}&_csrf={}", who.csrf);
    let res = send(st, request("POST", path, Some(who), Some(&body))).await;
    let status = res.status();
    (status, body_text(res).await)
}

/// The status of a sign-in with this login and password (303 signed in, 401 refused).
async fn login(st: &egov_web::AppState, login: &str, password: &str) -> StatusCode {
    let form = format!("login={login}&password={password}");
    send(st, request("POST", "/login", None, Some(&form)))
        .await
        .status()
}

async fn signed_in(st: &egov_web::AppState, who: &Browser) -> bool {
    !denied(&send(st, request("GET", "/", Some(who), None)).await)
}

async fn actions(store: &egov_store::Store) -> Vec<(String, String, String)> {
    store
        .log_entries(0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, format!("{:?} {:?}", e.before, e.after)))
        .collect()
}

#[tokio::test]
async fn the_admin_resets_a_password_shown_once_and_the_users_sessions_end() {
    let (store, st, admin, officer, officer_b) = users_app("fix_reset").await;
    let path = format!("/users/{officer}/password");
    let res = send(
        &st,
        request(
            "POST",
            &path,
            Some(&admin),
            Some(&format!("_csrf={}", admin.csrf)),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = body_text(res).await;
    let start = page.find("<code id=\"new-password\">").expect(&page) + 24;
    let password = page[start..start + page[start..].find('<').unwrap()].to_string();
    assert_eq!(password.chars().count(), 16, "{password}");
    // The officer's session has ended; the new password signs in, the old one no longer does.
    assert!(!signed_in(&st, &officer_b).await);
    assert!(signed_in(&st, &admin).await);
    assert_eq!(
        login(&st, "officer", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&st, "officer", &password).await,
        StatusCode::SEE_OTHER
    );
    // Never stored or logged in clear, never shown again.
    let hash = store.user(officer).await.unwrap().password_hash;
    assert!(hash.starts_with("$argon2") && !hash.contains(&password));
    let log = actions(&store).await;
    assert!(log.iter().all(|(_, _, text)| !text.contains(&password)));
    assert!(
        log.iter()
            .any(|(actor, action, _)| actor == "admin" && action == "user.password_reset")
    );
    let (_, again) = {
        let res = send(
            &st,
            request("GET", &format!("/users/{officer}"), Some(&admin), None),
        )
        .await;
        (res.status(), body_text(res).await)
    };
    assert!(!again.contains(&password));
    // An id that is no user's: 404, nothing written.
    let (status, _) = post_as(&st, &admin, "/users/999999/password", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_deactivated_user_cannot_sign_in_and_the_last_admin_stays() {
    let (store, st, admin, officer, officer_b) = users_app("fix_deactivate").await;
    let (status, page) = post_as(
        &st,
        &admin,
        &format!("/users/{officer}/deactivate"),
        "reason=",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("«lý do»"), "{page}");
    assert!(signed_in(&st, &officer_b).await);
    let (status, _) = post_as(
        &st,
        &admin,
        &format!("/users/{officer}/deactivate"),
        "reason=ngh%E1%BB%89+h%C6%B0u",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!signed_in(&st, &officer_b).await);
    assert_eq!(
        login(&st, "officer", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let res = send(
        &st,
        request("GET", &format!("/users/{officer}"), Some(&admin), None),
    )
    .await;
    let page = body_text(res).await;
    assert!(page.contains("Đã ngừng kích hoạt"), "{page}");
    assert!(
        page.contains(&format!("/users/{officer}/reactivate")),
        "{page}"
    );
    let log = actions(&store).await;
    assert!(
        log.iter()
            .any(|(a, x, _)| a == "admin" && x == "user.deactivate")
    );
    // Reactivated, the officer signs in again.
    let (status, _) = post_as(&st, &admin, &format!("/users/{officer}/reactivate"), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(login(&st, "officer", PASSWORD).await, StatusCode::SEE_OTHER);
    assert!(
        actions(&store)
            .await
            .iter()
            .any(|(_, x, _)| x == "user.reactivate")
    );
    // The only administrator cannot deactivate themselves.
    let me = store.user_by_login("admin").await.unwrap().id;
    let (status, page) = post_as(
        &st,
        &admin,
        &format!("/users/{me}/deactivate"),
        "reason=thu",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("quản trị viên cuối cùng"), "{page}");
    assert!(store.user(me).await.unwrap().active);
    assert!(signed_in(&st, &admin).await);
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_their_other_sessions_end() {
    let (store, st, _admin, officer, here) = users_app("fix_own_password").await;
    let elsewhere = sign_in(&store, officer).await;
    let res = send(&st, request("GET", "/account/password", Some(&here), None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let new = "mat-khau-moi-cua-toi";
    let cases = [
        (
            format!("current=sai-mat-khau-roi&password={new}&confirm={new}"),
            "«mật khẩu hiện tại»",
        ),
        (
            format!("current={PASSWORD}&password=ngan&confirm=ngan"),
            "ít nhất 12 ký tự",
        ),
        (
            format!("current={PASSWORD}&password={new}&confirm={new}x"),
            "không khớp",
        ),
        (
            format!("current={PASSWORD}&password={PASSWORD}&confirm={PASSWORD}"),
            "phải khác",
        ),
    ];
    for (form, says) in cases {
        let (status, page) = post_as(&st, &here, "/account/password", &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form}");
        assert!(page.contains(says), "{form}: {page}");
    }
    assert!(signed_in(&st, &elsewhere).await, "nothing changed yet");
    let (status, page) = post_as(
        &st,
        &here,
        "/account/password",
        &format!("current={PASSWORD}&password={new}&confirm={new}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"done\""), "{page}");
    assert!(signed_in(&st, &here).await, "this session stays");
    assert!(!signed_in(&st, &elsewhere).await, "the other one ends");
    assert_eq!(
        login(&st, "officer", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(login(&st, "officer", new).await, StatusCode::SEE_OTHER);
    assert!(
        actions(&store)
            .await
            .iter()
            .any(|(a, x, _)| a == "officer" && x == "user.password_change")
    );
}
