//! The admin's side of the cycle through HTTP: editions (checked with `egov validate`'s messages),
//! holidays, opening a cycle with a deadline in working days, the submission board, deadline
//! extensions and state changes.

use axum::http::{StatusCode, header};
use egov_core::edition::Edition;
use egov_store::{CycleState, NewCycle, Role, Store, SubmissionStatus};

use crate::*;

/// `s` as a form value (everything but unreserved ASCII percent-encoded).
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` as askama writes it into a page.
fn html(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn location(res: &axum::http::Response<axum::body::Body>) -> String {
    res.headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn admin(store: &Store) -> Browser {
    let id = add_user(store, "admin", &[(Role::Admin, None)]).await;
    sign_in(store, id).await
}

async fn post(
    st: &AppState,
    who: &Browser,
    path: &str,
    form: &str,
) -> (StatusCode, String, String) {
    let body = format!("{form}&_csrf={}", who.csrf);
    let res = send(st, request("POST", path, Some(who), Some(&body))).await;
    let (status, to) = (res.status(), location(&res));
    (status, to, body_text(res).await)
}

async fn get(st: &AppState, who: &Browser, path: &str) -> (StatusCode, String) {
    let res = send(st, request("GET", path, Some(who), None)).await;
    let status = res.status();
    (status, body_text(res).await)
}

async fn cycle_of(store: &Store, deadline: &str, units: &[&str]) -> i64 {
    if store.edition("hoabinh-2019").await.is_err() {
        store
            .put_edition("test", "hoabinh-2019", HOABINH_2019)
            .await
            .unwrap();
    }
    store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: deadline.into(),
                units: units.iter().map(|u| u.to_string()).collect(),
            },
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_valid_edition_is_stored_and_listed() {
    let store = fresh_store("edition-ok").await;
    let st = state(&store);
    let a = admin(&store).await;
    let form = format!("toml={}", enc(HOABINH_2019));
    let (status, to, _) = post(&st, &a, "/editions", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/editions?uploaded=hoabinh-2019");
    let stored = store.edition("hoabinh-2019").await.unwrap();
    assert_eq!(stored.toml, HOABINH_2019);
    assert_eq!(stored.uploaded_by, "admin");
    let (status, page) = get(&st, &a, &to).await;
    assert_eq!(status, StatusCode::OK);
    // The summary `egov validate` prints, and the list with the hash.
    assert!(page.contains("hoabinh-2019: hợp lệ — "), "{page}");
    assert!(page.contains(&stored.content_hash[..12]));
    // The same text again is accepted and changes nothing.
    let n = store.log_entries(0, 1000).await.unwrap().len();
    let (status, _, _) = post(&st, &a, "/editions", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(store.log_entries(0, 1000).await.unwrap().len(), n);
    // Another text under the same id is refused, the text kept in the form.
    let changed = HOABINH_2019.replace("decimals = 1", "decimals = 2");
    assert_ne!(changed, HOABINH_2019);
    let (status, _, page) = post(&st, &a, "/editions", &format!("toml={}", enc(&changed))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("đã có bộ chỉ số &#39;hoabinh-2019&#39;"),
        "{page}"
    );
    assert!(page.contains("decimals = 2"));
    assert_eq!(
        store.edition("hoabinh-2019").await.unwrap().toml,
        HOABINH_2019
    );
    // Nothing at all: the field is named.
    let (status, _, page) = post(&st, &a, "/editions", "toml=").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Nội dung bộ chỉ số: chưa có nội dung TOML"));
}

#[tokio::test]
async fn an_invalid_edition_shows_every_message_of_egov_validate() {
    let store = fresh_store("edition-bad").await;
    let st = state(&store);
    let a = admin(&store).await;
    // Two problems: an unknown key on line 3 and a text where the decimals should be a number.
    let mut lines: Vec<&str> = HOABINH_2019.lines().collect();
    assert!(lines[2].starts_with("id = "));
    lines.insert(2, "tieu_de = \"<b>sai</b>\"");
    let text = lines
        .join("\n")
        .replace("decimals = 1\n", "decimals = \"một\"\n");
    let expected = Edition::from_toml(&text, "edition.toml").unwrap_err();
    assert!(!expected.problems.is_empty());
    let (status, _, page) = post(&st, &a, "/editions", &format!("toml={}", enc(&text))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for p in &expected.problems {
        assert!(page.contains(&html(&p.to_string())), "missing {p}\n{page}");
    }
    assert!(page.contains("edition.toml:3:1: "), "{page}");
    // The text stays in the form, escaped.
    assert!(
        page.contains("tieu_de = &#34;&#60;b&#62;sai&#60;/b&#62;&#34;"),
        "{page}"
    );
    assert!(store.editions().await.unwrap().is_empty());
}

#[tokio::test]
async fn holidays_are_added_and_listed_by_year() {
    let store = fresh_store("holidays").await;
    let st = state(&store);
    let a = admin(&store).await;
    let (status, to, _) = post(
        &st,
        &a,
        "/holidays",
        &format!("date=02/09/2026&name={}", enc("Quốc khánh")),
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/holidays?year=2026")
    );
    let (status, _, _) = post(
        &st,
        &a,
        "/holidays",
        &format!("date=2027-01-01&name={}", enc("Tết Dương lịch")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Tết as a run of days, in one form.
    let (status, _, _) = post(
        &st,
        &a,
        "/holidays",
        &format!(
            "date=14/02/2026&until=22/02/2026&name={}",
            enc("Tết Nguyên đán")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let h = store.holidays().await.unwrap();
    assert_eq!(h.len(), 11);
    assert_eq!(
        (h[0].date.as_str(), h[0].name.as_str()),
        ("2026-02-14", "Tết Nguyên đán")
    );
    assert_eq!(h[9].date, "2026-09-02");

    let (status, page) = get(&st, &a, "/holidays?year=2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<td>02/09/2026</td><td>Thứ Tư</td><td>Quốc khánh</td>"),
        "{page}"
    );
    assert!(
        page.contains("<td>14/02/2026</td><td>Thứ Bảy (cuối tuần)</td>"),
        "{page}"
    );
    assert!(!page.contains("01/01/2027"), "another year is not listed");
    let (_, page) = get(&st, &a, "/holidays").await;
    assert!(page.contains("01/01/2027") && page.contains("02/09/2026"));

    // Refusals name their field and write nothing.
    let (status, _, page) = post(
        &st,
        &a,
        "/holidays",
        &format!("date=31/02/2026&name={}", enc("Sai")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Ngày: &#39;31/02/2026&#39;: không có ngày 31 (tháng 2/2026 có 28 ngày)"),
        "{page}"
    );
    let (status, _, page) = post(&st, &a, "/holidays", "date=03/09/2026&name=+").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Tên ngày nghỉ: chưa nhập tên"));
    assert!(
        page.contains("value=\"03/09/2026\""),
        "the form keeps what was typed"
    );
    let (status, _, page) = post(
        &st,
        &a,
        "/holidays",
        "date=10/09/2026&until=01/09/2026&name=x",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Đến ngày: 01/09/2026 trước ngày bắt đầu 10/09/2026"));
    assert_eq!(store.holidays().await.unwrap().len(), 11);
}

#[tokio::test]
async fn a_cycle_opens_with_a_deadline_in_working_days_over_holidays() {
    let store = fresh_store("open-cycle").await;
    let st = state(&store);
    let a = admin(&store).await;
    for (code, name) in [("A", "Sở A"), ("B", "Sở B"), ("C", "Sở C")] {
        add_unit(&store, code, name).await;
    }
    // A district, and a unit merged away in 2020 (not active: never taking part).
    for (code, active_to) in [("H", None), ("OLD", Some("2020-12-31"))] {
        store
            .upsert_unit(
                "test",
                &egov_store::NewUnit {
                    code: code.into(),
                    name: format!("Huyện {code}"),
                    category: "huyen".into(),
                    active_to: active_to.map(str::to_string),
                    ..egov_store::NewUnit::default()
                },
            )
            .await
            .unwrap();
    }
    store
        .put_edition("test", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    // Quốc khánh 2026: Tuesday 1/9 and Wednesday 2/9.
    store
        .put_holiday("test", "2026-09-01", "Quốc khánh")
        .await
        .unwrap();
    store
        .put_holiday("test", "2026-09-02", "Quốc khánh")
        .await
        .unwrap();
    let (status, page) = get(&st, &a, "/cycles/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("value=\"A\" id=\"u-A\" checked"),
        "every active unit by default"
    );

    // Monday 31/8 + 5 working days, skipping both holidays: Wednesday 9/9/2026.
    let form = "year=2026&edition=hoabinh-2019&scope=all&opened_on=31/08/2026&deadline_kind=days&deadline_days=5";
    let (status, _, page) = post(&st, &a, "/cycles", &format!("{form}&preview=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("5 ngày làm việc kể từ 31/08/2026 là 09/09/2026 (Thứ Tư), không tính thứ Bảy, Chủ nhật và 2 ngày nghỉ lễ"),
        "{page}"
    );
    assert!(
        store.cycles().await.unwrap().is_empty(),
        "a preview opens nothing"
    );
    let (status, to, _) = post(&st, &a, "/cycles", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cycles = store.cycles().await.unwrap();
    assert_eq!(cycles.len(), 1);
    assert_eq!(to, format!("/cycles/{}", cycles[0].id));
    assert_eq!(cycles[0].deadline, "2026-09-09");
    assert_eq!(cycles[0].state, CycleState::Open);
    let units: Vec<String> = store
        .submissions(cycles[0].id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.unit_code)
        .collect();
    assert_eq!(units, ["A", "B", "C", "H"], "every active unit");
    let (_, board) = get(&st, &a, &to).await;
    assert!(board.contains("09/09/2026"));

    // Chosen units, and a date.
    let (status, _, _) = post(
        &st,
        &a,
        "/cycles",
        "year=2027&edition=hoabinh-2019&scope=units&unit=A&unit=C&opened_on=2027-01-04&deadline_kind=date&deadline_date=31/03/2027",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let newest = &store.cycles().await.unwrap()[0];
    assert_eq!(
        (newest.year, newest.deadline.as_str()),
        (2027, "2027-03-31")
    );
    let units: Vec<String> = store
        .submissions(newest.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.unit_code)
        .collect();
    assert_eq!(units, ["A", "C"]);
    // By category.
    let (status, _, _) = post(
        &st,
        &a,
        "/cycles",
        "year=2027&edition=hoabinh-2019&scope=categories&category=huyen&opened_on=2027-01-04&deadline_kind=date&deadline_date=31/03/2027",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let newest = &store.cycles().await.unwrap()[0];
    let units: Vec<String> = store
        .submissions(newest.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.unit_code)
        .collect();
    assert_eq!(units, ["H"]);

    // Every refusal names its field; a unit code of the form must be an active unit.
    let (status, _, page) = post(
        &st,
        &a,
        "/cycles",
        "year=20x6&edition=khong-co&scope=units&unit=A&unit=ZZZ&unit=OLD&opened_on=31/08/2026&deadline_kind=days&deadline_days=0",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for m in [
        "Năm đánh giá: cần một năm từ 2000 đến 2100",
        "Bộ chỉ số: không có bộ chỉ số &#39;khong-co&#39;",
        "Đơn vị tham gia: không có đơn vị đang hoạt động mã &#39;ZZZ&#39;",
        "Đơn vị tham gia: không có đơn vị đang hoạt động mã &#39;OLD&#39;",
        "Hạn nộp: số ngày làm việc phải là số nguyên từ 1 đến 366",
    ] {
        assert!(page.contains(m), "missing {m}\n{page}");
    }
    let (status, _, page) = post(
        &st,
        &a,
        "/cycles",
        "year=2026&edition=hoabinh-2019&scope=categories&opened_on=31/08/2026&deadline_kind=date&deadline_date=30/08/2026",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Đơn vị tham gia: chưa chọn đơn vị nào"),
        "{page}"
    );
    assert!(
        page.contains("Hạn nộp: ngày 30/08/2026 đã qua so với ngày 31/08/2026"),
        "{page}"
    );
    assert_eq!(
        store.cycles().await.unwrap().len(),
        3,
        "nothing opened by a refused form"
    );
}

/// A cycle whose units stand at each place of the board: (store, cycle id, its general deadline).
async fn board_fixture(store: &Store) -> i64 {
    let units = ["N", "D", "S", "L", "LS", "R", "V"];
    for u in units {
        add_unit(store, u, &format!("Đơn vị {u}")).await;
    }
    // The cycle's own deadline is past; the units meant to be on time have an extension.
    let cycle = cycle_of(store, "2020-01-31", &units).await;
    for u in ["N", "D", "S", "R", "V"] {
        store
            .extend_deadline("test", cycle, u, "2099-12-31", "chờ số liệu")
            .await
            .unwrap();
    }
    let set = |u: &'static str, path: &'static [SubmissionStatus]| async move {
        let mut sub = store.submission(cycle, u).await.unwrap();
        for s in path {
            sub = store
                .set_submission_status("test", sub.id, sub.version, *s, None)
                .await
                .unwrap();
        }
    };
    use SubmissionStatus::*;
    set("D", &[Draft]).await;
    set("S", &[Draft, Submitted]).await;
    set("LS", &[Draft, Submitted]).await;
    set("R", &[Draft, Submitted, Returned]).await;
    set("V", &[Draft, Submitted, Verified]).await;
    cycle
}

#[tokio::test]
async fn the_board_shows_every_standing_with_counts_and_deadlines() {
    let store = fresh_store("board").await;
    let st = state(&store);
    let cycle = board_fixture(&store).await;
    let reviewer = add_user(&store, "reviewer", &[(Role::Reviewer, None)]).await;
    let reviewer = sign_in(&store, reviewer).await;
    let (status, page) = get(&st, &reviewer, &format!("/cycles/{cycle}")).await;
    assert_eq!(status, StatusCode::OK);
    for (code, standing, label) in [
        ("N", "not_started", "chưa bắt đầu"),
        ("D", "draft", "nháp"),
        ("S", "submitted", "đã nộp"),
        ("L", "late", "nộp muộn"),
        ("LS", "late", "nộp muộn"),
        ("R", "returned", "bị trả lại"),
        ("V", "verified", "đã thẩm định"),
    ] {
        let row = format!(
            "<tr id=\"u-{code}\" class=\"{standing}\"><td>{code}</td><td><a href=\"/cycles/{cycle}/units/{code}\">Đơn vị {code}</a></td><td>so</td><td data-status=\"{standing}\">{label}"
        );
        assert!(page.contains(&row), "missing {row}\n{page}");
        assert!(page.contains(&format!("href=\"/cycles/{cycle}/units/{code}/review\"")));
    }
    for (key, n) in [
        ("not_started", 1),
        ("draft", 1),
        ("submitted", 1),
        ("late", 2),
        ("returned", 1),
        ("verified", 1),
    ] {
        assert!(
            page.contains(&format!("<span id=\"n-{key}\">{n}</span>")),
            "{key}: {n}\n{page}"
        );
    }
    assert!(page.contains("Tất cả: 7"));
    // Each unit's own deadline, marked when extended.
    assert!(
        page.contains("31/12/2099 <span class=\"extended\" title=\"chờ số liệu\">(gia hạn)</span>")
    );
    assert!(page.contains("<td>31/01/2020</td>"));
    // Only the admin changes the state or extends.
    assert!(!page.contains("/state\""));
    assert!(!page.contains("?extend="));

    // In English.
    let (_, en) = get(&st, &reviewer, &format!("/cycles/{cycle}?lang=en")).await;
    assert!(en.contains("<td data-status=\"late\">late</td>"), "{en}");
    assert!(en.contains("(extended)"));

    // A filter by standing.
    let (_, late) = get(&st, &reviewer, &format!("/cycles/{cycle}?status=late")).await;
    assert!(late.contains("id=\"u-L\"") && late.contains("id=\"u-LS\""));
    assert!(!late.contains("id=\"u-S\""));

    // The council reads the board without review links; the admin sees its controls.
    let council = add_user(&store, "council", &[(Role::Council, None)]).await;
    let council = sign_in(&store, council).await;
    let (status, page) = get(&st, &council, &format!("/cycles/{cycle}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/review\""));
    let a = admin(&store).await;
    let (_, page) = get(&st, &a, &format!("/cycles/{cycle}?extend=L")).await;
    assert!(page.contains(&format!("action=\"/cycles/{cycle}/units/L/extend\"")));
    assert!(page.contains("name=\"version\" value=\"1\""));
    assert!(page.contains("name=\"to\" value=\"review\""));
    // No extension form for a unit outside the cycle.
    add_unit(&store, "X", "Đơn vị X").await;
    let (_, page) = get(&st, &a, &format!("/cycles/{cycle}?extend=X")).await;
    assert!(!page.contains("/units/X/extend"));
    let (status, _) = get(&st, &a, "/cycles/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_extension_needs_a_reason_and_notifies_the_unit() {
    let store = fresh_store("extend").await;
    let st = state(&store);
    add_unit(&store, "A", "Sở A").await;
    add_unit(&store, "B", "Sở B").await;
    let cycle = cycle_of(&store, "2026-03-31", &["A", "B"]).await;
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let other = add_user(&store, "other", &[(Role::UnitOfficer, Some("B"))]).await;
    let a = admin(&store).await;
    let path = format!("/cycles/{cycle}/units/A/extend");
    let log = store.log_entries(0, 1000).await.unwrap().len();

    let (status, _, page) = post(&st, &a, &path, "deadline=15/04/2026&reason=+").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Lý do gia hạn: cần ghi lý do"), "{page}");
    let (status, _, page) = post(&st, &a, &path, "deadline=31/04/2026&reason=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Hạn mới: &#39;31/04/2026&#39;: không có ngày 31"),
        "{page}"
    );
    let (status, _, page) = post(&st, &a, &path, "deadline=30/03/2026&reason=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Hạn mới: phải sau hạn chung của kỳ (31/03/2026)"),
        "{page}"
    );
    assert_eq!(store.log_entries(0, 1000).await.unwrap().len(), log);
    assert_eq!(store.deadline_for(cycle, "A").await.unwrap(), "2026-03-31");

    let (status, to, _) = post(
        &st,
        &a,
        &path,
        &format!("deadline=15/04/2026&reason={}", enc("mất điện")),
    )
    .await;
    assert_eq!(
        (status, to),
        (StatusCode::SEE_OTHER, format!("/cycles/{cycle}"))
    );
    assert_eq!(store.deadline_for(cycle, "A").await.unwrap(), "2026-04-15");
    assert_eq!(store.deadline_for(cycle, "B").await.unwrap(), "2026-03-31");
    let ext = store.deadline_extensions(cycle, "A").await.unwrap();
    assert_eq!(
        (
            ext.len(),
            ext[0].reason.as_str(),
            ext[0].granted_by.as_str()
        ),
        (1, "mất điện", "admin")
    );
    let notices = store.notices(officer).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, "deadline");
    assert!(notices[0].text.contains("15/04/2026") && notices[0].text.contains("mất điện"));
    assert!(store.notices(other).await.unwrap().is_empty());
    // The officer sees the new deadline on the list of cycles.
    let officer = sign_in(&store, officer).await;
    let (_, page) = get(&st, &officer, "/cycles").await;
    assert!(page.contains("hạn 15/04/2026 (đã gia hạn)"), "{page}");
}

#[tokio::test]
async fn a_unit_outside_the_cycle_cannot_be_extended() {
    let store = fresh_store("extend-404").await;
    let st = state(&store);
    add_unit(&store, "A", "Sở A").await;
    add_unit(&store, "C", "Sở C").await;
    let cycle = cycle_of(&store, "2026-03-31", &["A"]).await;
    let a = admin(&store).await;
    for path in [
        format!("/cycles/{cycle}/units/C/extend"),
        format!("/cycles/{cycle}/units/KHONGCO/extend"),
        format!("/cycles/{}/units/A/extend", cycle + 1),
    ] {
        let (status, _, _) = post(&st, &a, &path, "deadline=15/04/2026&reason=x").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        store
            .deadline_extensions(cycle, "C")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn state_changes_step_by_step_with_versions() {
    let store = fresh_store("state").await;
    let st = state(&store);
    add_unit(&store, "A", "Sở A").await;
    add_unit(&store, "B", "Sở B").await;
    let cycle = cycle_of(&store, "2026-03-31", &["A", "B"]).await;
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let a = admin(&store).await;
    let path = format!("/cycles/{cycle}/state");

    // Open → closed skips steps: refused.
    let (status, _, _) = post(&st, &a, &path, "version=1&to=closed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = post(&st, &a, &path, "version=1&to=review").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The same form again was read at version 1: a conflict, nothing changes.
    let (status, _, page) = post(
        &st,
        &a,
        &path,
        "version=1&to=explanation&explanation_kind=date&explanation_date=30/12/2099",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("409"));
    let c = store.cycle(cycle).await.unwrap();
    assert_eq!((c.state, c.version), (CycleState::Review, 2));

    // Back a step needs a reason.
    let (status, _, page) = post(&st, &a, &path, "version=2&to=open&reason=").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Lý do: cần ghi lý do"), "{page}");
    // The explanation round needs its deadline, and notifies every unit.
    let (status, _, page) = post(
        &st,
        &a,
        &path,
        "version=2&to=explanation&explanation_kind=date&explanation_date=",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Hạn giải trình: chưa nhập ngày"), "{page}");
    assert!(store.notices(officer).await.unwrap().is_empty());
    let (status, _, _) = post(
        &st,
        &a,
        &path,
        "version=2&to=explanation&explanation_kind=date&explanation_date=30/12/2099",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = store.cycle(cycle).await.unwrap();
    assert_eq!((c.state, c.version), (CycleState::Explanation, 3));
    assert_eq!(c.explanation_deadline.as_deref(), Some("2099-12-30"));
    let notices = store.notices(officer).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, "explanation");
    assert!(notices[0].text.contains("30/12/2099"));

    // Back to review with a reason: recorded in the log.
    let (status, _, _) = post(
        &st,
        &a,
        &path,
        &format!("version=3&to=review&reason={}", enc("thiếu hồ sơ")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let last = store.log_entries(0, 1000).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.reason.as_deref()),
        ("cycle.state", Some("thiếu hồ sơ"))
    );
    // Forward again to explanation in working days, then council and closed.
    let (status, _, _) = post(
        &st,
        &a,
        &path,
        "version=4&to=explanation&explanation_kind=days&explanation_days=5",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(&st, &a, &path, "version=5&to=council").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The council approves (closes), not the admin.
    let (status, _, page) = post(&st, &a, &path, "version=6&to=closed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(
            "Bước tiếp theo: không thể chuyển từ giai đoạn Hội đồng sang &#39;closed&#39;"
        ),
        "{page}"
    );
    let closed = store
        .set_cycle_state("council", cycle, 6, CycleState::Closed, None, None)
        .await
        .unwrap();
    // A closed cycle goes back to the council only with a reason.
    let (status, _, _) = post(&st, &a, &path, "version=7&to=council").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(store.cycle(cycle).await.unwrap(), closed);
    // A closed cycle's deadlines are not extended.
    let (status, _, _) = post(
        &st,
        &a,
        &format!("/cycles/{cycle}/units/A/extend"),
        "deadline=15/04/2026&reason=x",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_unit_officer_sees_only_the_cycles_of_their_unit() {
    let store = fresh_store("cycles-list").await;
    let st = state(&store);
    for u in ["A", "B", "C"] {
        add_unit(&store, u, &format!("Đơn vị {u}")).await;
    }
    let c1 = cycle_of(&store, "2026-03-31", &["A", "B"]).await;
    let c2 = cycle_of(&store, "2026-06-30", &["B", "C"]).await;
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let officer = sign_in(&store, officer).await;
    let (status, page) = get(&st, &officer, "/cycles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("href=\"/cycles/{c1}/units/A\"")),
        "{page}"
    );
    assert!(!page.contains(&format!("/cycles/{c2}")), "{page}");
    assert!(!page.contains(&format!("/cycles/{c1}/units/B")));
    assert!(
        !page.contains(&format!("href=\"/cycles/{c1}\"")),
        "no board link"
    );
    assert!(page.contains("chưa bắt đầu"));

    // Someone without any grant sees none; a reviewer sees both boards.
    let nobody = add_user(&store, "nobody", &[]).await;
    let nobody = sign_in(&store, nobody).await;
    let (status, page) = get(&st, &nobody, "/cycles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/cycles/"), "{page}");
    let reviewer = add_user(&store, "reviewer", &[(Role::Reviewer, None)]).await;
    let reviewer = sign_in(&store, reviewer).await;
    let (_, page) = get(&st, &reviewer, "/cycles").await;
    assert!(
        page.contains(&format!("href=\"/cycles/{c1}\""))
            && page.contains(&format!("href=\"/cycles/{c2}\""))
    );
}

#[tokio::test]
async fn the_board_names_categories_as_the_edition_does() {
    let store = fresh_store("board-categories").await;
    let st = state(&store);
    store
        .upsert_unit(
            "test",
            &egov_store::NewUnit {
                code: "LS".into(),
                name: "Huyện Lạc Sơn".into(),
                category: "huyen".into(),
                ..egov_store::NewUnit::default()
            },
        )
        .await
        .unwrap();
    let cycle = cycle_of(&store, "2099-12-31", &["LS"]).await;
    let a = admin(&store).await;
    let (status, page) = get(&st, &a, &format!("/cycles/{cycle}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<td>Ủy ban nhân dân huyện, thành phố</td>"),
        "{page}"
    );
    let (_, page) = get(&st, &a, &format!("/cycles/{cycle}?lang=en")).await;
    assert!(
        page.contains("<td>District and city People&#x27;s Committees</td>")
            || page.contains("<td>District and city People&#39;s Committees</td>"),
        "{page}"
    );
}
