//! The unit's form through HTTP: drafts (values round-trip, status, all or nothing, messages naming the
//! indicator, stale versions), read-only views, the Excel workbook down and up, and the head's
//! submission against the deadline (refusals in the audit log).

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use egov_store::{NewCycle, NewUnit, Role, Store, SubmissionStatus};
use egov_web::AppState;

use crate::*;

pub const COMMUNE: &str = include_str!("../../../../data/editions/commune-2392.toml");

/// A cycle of two units (A and B) with an officer and a head for A, an officer for B and a reviewer.
pub struct Fx {
    pub store: Store,
    pub st: AppState,
    pub cycle: i64,
    pub officer: Browser,
    pub head: Browser,
    pub officer_b: Browser,
    pub reviewer: Browser,
    pub evidence_dir: std::path::PathBuf,
}

pub struct Setup {
    pub edition: (&'static str, &'static str),
    pub category: &'static str,
    pub deadline: &'static str,
}

/// The Hòa Bình 2019 edition (points entered per group), departments providing public services.
pub const HOABINH: Setup = Setup {
    edition: ("hoabinh-2019", HOABINH_2019),
    category: "so-dvc",
    deadline: "2099-12-31",
};

pub async fn fixture(name: &str, s: Setup) -> Fx {
    let store = fresh_store(name).await;
    for (code, unit_name) in [("A", "Sở Y tế"), ("B", "Sở Tài chính")] {
        store
            .upsert_unit(
                "test",
                &NewUnit {
                    code: code.into(),
                    name: unit_name.into(),
                    category: s.category.into(),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
    }
    store
        .put_edition("test", s.edition.0, s.edition.1)
        .await
        .unwrap();
    let cycle = store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2026,
                edition_id: s.edition.0.into(),
                deadline: s.deadline.into(),
                units: vec!["A".into(), "B".into()],
            },
        )
        .await
        .unwrap()
        .id;
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let head = add_user(&store, "head", &[(Role::UnitHead, Some("A"))]).await;
    let officer_b = add_user(&store, "officer_b", &[(Role::UnitOfficer, Some("B"))]).await;
    let reviewer = add_user(&store, "reviewer", &[(Role::Reviewer, None)]).await;
    let evidence_dir = crate::test_dir(&format!("evidence-{name}"));
    let mut st = state(&store);
    st.config.evidence_dir = evidence_dir.clone();
    st.config.upload_limit = 256 * 1024;
    Fx {
        cycle,
        officer: sign_in(&store, officer).await,
        head: sign_in(&store, head).await,
        officer_b: sign_in(&store, officer_b).await,
        reviewer: sign_in(&store, reviewer).await,
        store,
        st,
        evidence_dir,
    }
}

impl Fx {
    pub fn url(&self, unit: &str) -> String {
        format!("/cycles/{}/units/{unit}", self.cycle)
    }

    pub async fn get(&self, who: &Browser, path: &str) -> (StatusCode, String) {
        let res = send(&self.st, request("GET", path, Some(who), None)).await;
        let status = res.status();
        (status, body_text(res).await)
    }

    /// A form POST with the browser's CSRF token; the status and the body.
    pub async fn post(&self, who: &Browser, path: &str, form: &str) -> (StatusCode, String) {
        let body = format!("{form}&_csrf={}", who.csrf);
        let res = send(&self.st, request("POST", path, Some(who), Some(&body))).await;
        let status = res.status();
        (status, body_text(res).await)
    }

    /// The saved values of a unit: key → (value, version).
    pub async fn entries(&self, unit: &str) -> HashMap<String, (String, i64)> {
        let sub = self.store.submission(self.cycle, unit).await.unwrap();
        self.store
            .entries(sub.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.key, (e.value, e.version)))
            .collect()
    }

    pub async fn status(&self, unit: &str) -> SubmissionStatus {
        self.store
            .submission(self.cycle, unit)
            .await
            .unwrap()
            .status
    }
}

/// A `multipart/form-data` body of text fields and files `(name, file name, content)`, and its
/// content type.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----egov-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart POST as a browser on this site sends it (Host, Origin, the session cookie).
pub fn upload_request(
    path: &str,
    who: &Browser,
    content_type: &str,
    body: Vec<u8>,
) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::COOKIE,
            format!("{}={}", egov_web::session::SESSION_COOKIE, who.token),
        )
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

pub async fn upload(
    fx: &Fx,
    who: &Browser,
    path: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> (StatusCode, String) {
    let csrf = who.csrf.clone();
    let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![("_csrf", None, csrf.as_bytes())];
    all.extend_from_slice(parts);
    let (ct, body) = multipart(&all);
    let res = send(&fx.st, upload_request(path, who, &ct, body)).await;
    let status = res.status();
    (status, body_text(res).await)
}

#[tokio::test]
async fn officer_saves_a_draft_and_sees_it_with_live_points() {
    let fx = fixture("form_save", HOABINH).await;
    let url = fx.url("A");
    let (status, page) = fx.get(&fx.officer, &url).await;
    assert_eq!(status, StatusCode::OK);
    // The form is the edition's: groups, each with its maximum and how it is scored, and the deadline.
    assert!(page.contains("Cơ sở hạ tầng thông tin"), "{page}");
    assert!(page.contains("Tối đa 35 điểm"), "{page}");
    assert!(page.contains("A.1: tối đa 12 điểm"), "{page}");
    assert!(page.contains("31/12/2099"));
    assert!(page.contains("name=\"v.A.1\""));
    assert!(page.contains("Chưa bắt đầu"));
    assert_eq!(fx.status("A").await, SubmissionStatus::NotStarted);

    let (status, _) = fx
        .post(
            &fx.officer,
            &url,
            "v.A.1=10%2C5&ver.A.1=0&v.A.2=4&ver.A.2=0&v.A.3=",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let e = fx.entries("A").await;
    assert_eq!(e["A.1"], ("10,5".to_string(), 1));
    assert_eq!(e["A.2"], ("4".to_string(), 1));
    assert!(
        !e.contains_key("A.3"),
        "an empty field never saved stays unsaved"
    );
    assert_eq!(fx.status("A").await, SubmissionStatus::Draft);
    assert!(fx.entries("B").await.is_empty());

    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(page.contains("value=\"10,5\""), "{page}");
    assert!(page.contains("Lưu bởi officer"), "{page}");
    assert!(page.contains("Đang nhập"));
    // Live points from the engine: the group A.1 and the category A (10,5 + 4).
    assert!(page.contains("10,5 / 12"), "{page}");
    assert!(page.contains("14,5 / 35"), "{page}");
    // The saved value is changed at the version read; the unchanged one is not written again.
    let (status, _) = fx
        .post(&fx.officer, &url, "v.A.1=11&ver.A.1=1&v.A.2=4&ver.A.2=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let e = fx.entries("A").await;
    assert_eq!(e["A.1"], ("11".to_string(), 2));
    assert_eq!(e["A.2"], ("4".to_string(), 1));
    // English.
    let (_, page) = fx.get(&fx.officer, &format!("{url}?lang=en")).await;
    assert!(page.contains("Information infrastructure"), "{page}");
    assert!(page.contains("Save the draft"));
}

#[tokio::test]
async fn an_invalid_value_names_the_indicator_and_nothing_is_saved() {
    let fx = fixture("form_invalid", HOABINH).await;
    let url = fx.url("A");
    // A.2 is fine, A.1 is above its maximum: neither is saved.
    let (status, page) = fx
        .post(&fx.officer, &url, "v.A.1=15&ver.A.1=0&v.A.2=4&ver.A.2=0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("A.1 Cơ sở hạ tầng thông tin: điểm 15 vượt điểm tối đa 12"),
        "{page}"
    );
    // The form comes back with what was typed.
    assert!(page.contains("value=\"15\""), "{page}");
    assert!(page.contains("value=\"4\""), "{page}");
    assert!(fx.entries("A").await.is_empty());
    assert_eq!(fx.status("A").await, SubmissionStatus::NotStarted);
    // Not a number at all.
    let (status, page) = fx.post(&fx.officer, &url, "v.A.2=nhieu&ver.A.2=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("A.2 Nhân lực CNTT"), "{page}");
    assert!(fx.entries("A").await.is_empty());
    // A field that is not in the edition's form.
    let (status, _) = fx.post(&fx.officer, &url, "v.Z.9=1&ver.Z.9=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn typed_inputs_are_checked_by_their_kind() {
    let fx = fixture(
        "form_kinds",
        Setup {
            edition: ("commune-2392", COMMUNE),
            category: "xa",
            deadline: "2099-12-31",
        },
    )
    .await;
    let url = fx.url("A");
    let (_, page) = fx.get(&fx.officer, &url).await;
    // A yes/no input is a list, a choice input lists its choices, a count is a number field.
    assert!(page.contains("<select id=\"v.co_bang_rong\""), "{page}");
    assert!(
        page.contains(">Mạng truyền số liệu chuyên dùng</option>"),
        "{page}"
    );
    assert!(page.contains("name=\"v.so_cbcc\""));
    assert!(page.contains("Cần minh chứng"));
    let (status, page) = fx
        .post(&fx.officer, &url, "v.so_cbcc=12%2C5&ver.so_cbcc=0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Tổng số cán bộ, công chức cấp xã (so_cbcc)"),
        "{page}"
    );
    assert!(page.contains("số nguyên"), "{page}");
    let (status, page) = fx
        .post(&fx.officer, &url, "v.ket_noi_mang=Wifi&ver.ket_noi_mang=0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Kết nối mạng của trụ sở"), "{page}");
    let (status, _) = fx
        .post(
            &fx.officer,
            &url,
            "v.so_cbcc=20&ver.so_cbcc=0&v.so_may_tinh=15&ver.so_may_tinh=0&v.co_bang_rong=C%C3%B3&ver.co_bang_rong=0&v.ket_noi_mang=Ch%E1%BB%89+Internet&ver.ket_noi_mang=0",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let e = fx.entries("A").await;
    assert_eq!(e["co_bang_rong"].0, "Có");
    assert_eq!(e["ket_noi_mang"].0, "Chỉ Internet");
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(page.contains("<option value=\"Có\" selected>"), "{page}");
    // Live points from the engine (this edition has a cohort rule: the cycle's drafts are scored):
    // A.1.1 = 15 ÷ 20 × 5, A.1.3 "Chỉ Internet" = 2.
    assert!(page.contains("3,75 / 5,00"), "{page}");
    assert!(page.contains("2,00 / 4,00"), "{page}");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict() {
    let fx = fixture("form_stale", HOABINH).await;
    let url = fx.url("A");
    let (status, _) = fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The head's form was read before the officer saved: its version 0 is stale.
    let (status, page) = fx.post(&fx.head, &url, "v.A.1=9&ver.A.1=0").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("người khác"), "{page}");
    assert_eq!(fx.entries("A").await["A.1"], ("10".to_string(), 1));
    // Saying what is already there is no conflict.
    let (status, _) = fx.post(&fx.head, &url, "v.A.1=10&ver.A.1=0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn units_reach_only_their_own_form() {
    let fx = fixture("form_own", HOABINH).await;
    // B's officer cannot read or change A's form.
    let (status, _) = fx.get(&fx.officer_b, &fx.url("A")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = fx
        .post(&fx.officer_b, &fx.url("A"), "v.A.1=1&ver.A.1=0")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(fx.entries("A").await.is_empty());
    // A unit outside the cycle, a cycle that does not exist: 404.
    add_unit(&fx.store, "C", "Đơn vị C").await;
    let (status, _) = fx
        .get(&fx.reviewer, &format!("/cycles/{}/units/C", fx.cycle))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fx.get(&fx.reviewer, "/cycles/999/units/A").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn overseers_read_and_submitted_forms_are_read_only() {
    let fx = fixture("form_readonly", HOABINH).await;
    let url = fx.url("A");
    fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    let (status, page) = fx.get(&fx.reviewer, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<span class=\"value\">10</span>"), "{page}");
    assert!(!page.contains("name=\"v.A.1\""), "{page}");
    let (status, _) = fx.post(&fx.reviewer, &url, "v.A.1=1&ver.A.1=1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(!page.contains("name=\"v.A.1\""), "{page}");
    assert!(page.contains("Hồ sơ đã nộp"), "{page}");
    let (status, page) = fx.post(&fx.officer, &url, "v.A.1=11&ver.A.1=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Hồ sơ đã nộp"));
    assert_eq!(fx.entries("A").await["A.1"].0, "10");
}

async fn download(
    fx: &Fx,
    who: &Browser,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = send(&fx.st, request("GET", path, Some(who), None)).await;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

#[tokio::test]
async fn the_workbook_goes_down_prefilled_and_comes_back() {
    let fx = fixture("form_workbook", HOABINH).await;
    let url = fx.url("A");
    fx.post(
        &fx.officer,
        &url,
        "v.A.1=10%2C5&ver.A.1=0&v.B.2=20&ver.B.2=0",
    )
    .await;
    let (status, headers, bytes) = download(&fx, &fx.officer, &format!("{url}/workbook")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"phieu-tu-danh-gia-2026-A.xlsx\""),
        "{cd}"
    );
    // The file holds the saved values: read back by the CLI's reader.
    let edition = egov_core::edition::Edition::from_toml(HOABINH_2019, "e.toml").unwrap();
    let data = egov_export::template::read_values(&edition, "a.xlsx", &bytes).unwrap();
    assert_eq!(data.units.len(), 1);
    assert_eq!(data.units[0].code, "A");

    // Up again unchanged: nothing changes.
    let before = fx.entries("A").await;
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/workbook"),
        &[("file", Some("phieu.xlsx"), &bytes)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(fx.entries("A").await, before);

    // A form filled in Excel: A.1 changed, B.2 cleared, B.3 new.
    let units = vec![egov_core::dataset::Unit {
        code: "A".into(),
        name: "Sở Y tế".into(),
        category: 0,
        flags: vec![],
    }];
    let mut values = HashMap::new();
    let n = |s: &str| egov_export::template::Entry::Number(s.parse().unwrap());
    values.insert(("A".to_string(), "A.1".to_string()), n("11.5"));
    values.insert(("A".to_string(), "B.3".to_string()), n("7"));
    let filled =
        egov_export::template::template_prefilled(&edition, &units, &values, egov_core::Lang::Vi)
            .unwrap();
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/workbook"),
        &[("file", Some("phieu.xlsx"), &filled)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let e = fx.entries("A").await;
    assert_eq!(e["A.1"], ("11,5".to_string(), 2));
    assert_eq!(e["B.2"], (String::new(), 2));
    assert_eq!(e["B.3"], ("7".to_string(), 1));
}

#[tokio::test]
async fn a_workbook_with_an_error_shows_the_cell() {
    let fx = fixture("form_workbook_err", HOABINH).await;
    let url = fx.url("A");
    let edition = egov_core::edition::Edition::from_toml(HOABINH_2019, "e.toml").unwrap();
    let unit = |code: &str| egov_core::dataset::Unit {
        code: code.into(),
        name: format!("Đơn vị {code}"),
        category: 0,
        flags: vec![],
    };
    let mut values = HashMap::new();
    values.insert(
        ("A".to_string(), "A.1".to_string()),
        egov_export::template::Entry::Text("nhiều".into()),
    );
    let bad = egov_export::template::template_prefilled(
        &edition,
        &[unit("A")],
        &values,
        egov_core::Lang::Vi,
    )
    .unwrap();
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/workbook"),
        &[("file", Some("phieu.xlsx"), &bad)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // As `egov import-values` says it: the file, the sheet and cell, what is wrong.
    assert!(page.contains("phieu.xlsx: "), "{page}");
    assert!(page.contains("!H"), "{page}");
    assert!(page.contains("nhiều"), "{page}");
    assert!(fx.entries("A").await.is_empty());

    // A workbook with B's column next to A's: refused, naming B's cell.
    let mut values = HashMap::new();
    let n = |s: &str| egov_export::template::Entry::Number(s.parse().unwrap());
    values.insert(("A".to_string(), "A.1".to_string()), n("5"));
    values.insert(("B".to_string(), "A.1".to_string()), n("12"));
    let both = egov_export::template::template_prefilled(
        &edition,
        &[unit("A"), unit("B")],
        &values,
        egov_core::Lang::Vi,
    )
    .unwrap();
    let (status, page) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/workbook"),
        &[("file", Some("ca-hai.xlsx"), &both)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("!I6"), "{page}");
    assert!(
        page.contains("đơn vị &#39;B&#39;")
            || page.contains("đơn vị &#x27;B&#x27;")
            || page.contains("'B'"),
        "{page}"
    );
    assert!(fx.entries("A").await.is_empty());
    assert!(fx.entries("B").await.is_empty());
    // Not a workbook at all.
    let (status, _) = upload(
        &fx,
        &fx.officer,
        &format!("{url}/workbook"),
        &[("file", Some("x.xlsx"), b"not a zip")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_head_submits_before_the_deadline() {
    let fx = fixture("form_submit", HOABINH).await;
    let url = fx.url("A");
    // An empty form is not submitted (and the refusal is logged).
    let (status, page) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("chưa có số liệu"), "{page}");
    fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    // The officer cannot submit.
    let (status, _) = fx
        .post(&fx.officer, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The head must tick the confirmation.
    let (_, page) = fx.get(&fx.head, &url).await;
    assert!(page.contains("name=\"confirm\""), "{page}");
    let (status, _) = fx.post(&fx.head, &format!("{url}/submit"), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let sub = fx.store.submission(fx.cycle, "A").await.unwrap();
    assert_eq!(sub.status, SubmissionStatus::Submitted);
    assert_eq!(sub.submitted_by.as_deref(), Some("head"));
    assert!(sub.submitted_at.is_some());
    // Twice: refused, logged.
    let (status, _) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let refusals = fx
        .store
        .log_entries(0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "submission.refused")
        .count();
    assert_eq!(refusals, 2);
}

#[tokio::test]
async fn a_late_submission_is_refused_and_logged_unless_extended() {
    let fx = fixture(
        "form_late",
        Setup {
            deadline: "2020-01-31",
            ..HOABINH
        },
    )
    .await;
    let url = fx.url("A");
    // The cycle is still open: the draft can be saved, but the deadline has passed.
    let (status, _) = fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = fx.get(&fx.head, &url).await;
    assert!(page.contains("đã quá hạn"), "{page}");
    let (status, page) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("quá hạn nộp"), "{page}");
    assert!(page.contains("31/01/2020"), "{page}");
    assert_eq!(fx.status("A").await, SubmissionStatus::Draft);
    let last = fx
        .store
        .log_entries(0, 1_000_000)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.action, "submission.refused");
    assert_eq!(last.actor, "head");
    assert_eq!(last.object_id, format!("{}/A", fx.cycle));
    assert!(last.reason.as_deref().unwrap().contains("31/01/2020"));
    // The admin extends A's deadline: the head submits.
    fx.store
        .extend_deadline("admin", fx.cycle, "A", "2099-12-31", "mất điện")
        .await
        .unwrap();
    let (_, page) = fx.get(&fx.head, &url).await;
    assert!(page.contains("đã gia hạn"), "{page}");
    let (status, _) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(fx.status("A").await, SubmissionStatus::Submitted);
    assert_eq!(fx.store.verify_log().await.unwrap().broken, None);
}

#[test]
fn the_form_has_the_rows_the_workbook_reads() {
    // Every entry row of the web form is a key the workbook reader accepts, and the other way round.
    for toml in [HOABINH_2019, COMMUNE] {
        let e = egov_core::edition::Edition::from_toml(toml, "e.toml").unwrap();
        let rows: Vec<String> = egov_export::template::form_rows(&e, None, egov_core::Lang::Vi)
            .into_iter()
            .filter_map(|r| r.key)
            .collect();
        assert_eq!(rows, egov_export::template::entry_keys(&e));
    }
}

#[tokio::test]
async fn a_returned_submission_is_corrected_and_resubmitted_after_the_deadline() {
    let fx = fixture(
        "form_returned",
        Setup {
            deadline: "2020-01-31",
            ..HOABINH
        },
    )
    .await;
    let url = fx.url("A");
    fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    let sub = fx.store.submission(fx.cycle, "A").await.unwrap();
    let sub = fx
        .store
        .set_submission_status(
            "head",
            sub.id,
            sub.version,
            SubmissionStatus::Submitted,
            None,
        )
        .await
        .unwrap();
    let cycle = fx.store.cycle(fx.cycle).await.unwrap();
    fx.store
        .set_cycle_state(
            "admin",
            fx.cycle,
            cycle.version,
            egov_store::CycleState::Review,
            None,
            None,
        )
        .await
        .unwrap();
    fx.store
        .return_submission(
            "reviewer",
            fx.cycle,
            "A",
            sub.version,
            "thiếu minh chứng",
            "Hồ sơ bị trả lại",
        )
        .await
        .unwrap();
    // Returned in review: the unit corrects it and the head resubmits, past the first deadline.
    let (status, _) = fx.post(&fx.officer, &url, "v.A.1=9&ver.A.1=1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = fx
        .post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(fx.status("A").await, SubmissionStatus::Submitted);
    // B never submitted and is not returned: the cycle in review takes nothing from it.
    let (status, _) = fx
        .post(&fx.officer_b, &fx.url("B"), "v.A.1=9&ver.A.1=0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn verified_points_show_with_the_reason_and_the_explanation_box() {
    let fx = fixture("form_verified", HOABINH).await;
    let url = fx.url("A");
    fx.post(&fx.officer, &url, "v.A.1=10&ver.A.1=0").await;
    fx.post(&fx.head, &format!("{url}/submit"), "confirm=1")
        .await;
    let reviewer = fx.store.user_by_login("reviewer").await.unwrap().id;
    let mut cycle = fx.store.cycle(fx.cycle).await.unwrap();
    cycle = fx
        .store
        .set_cycle_state(
            "admin",
            fx.cycle,
            cycle.version,
            egov_store::CycleState::Review,
            None,
            None,
        )
        .await
        .unwrap();
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
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(page.contains("Điều chỉnh, 8"), "{page}");
    assert!(page.contains("Thiếu biên bản kiểm tra hạ tầng"), "{page}");
    assert!(
        !page.contains("name=\"text\""),
        "no box before the explanation round"
    );
    fx.store
        .set_cycle_state(
            "admin",
            fx.cycle,
            cycle.version,
            egov_store::CycleState::Explanation,
            Some("2099-12-31"),
            None,
        )
        .await
        .unwrap();
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(
        page.contains(&format!("action=\"{url}/explain\"")),
        "{page}"
    );
    assert!(page.contains("name=\"criterion\" value=\"A.1\""), "{page}");
    assert!(
        page.contains("<td id=\"explanation-deadline\">31/12/2099</td>"),
        "{page}"
    );
    // Past the round's deadline the box is gone.
    let cycle = fx.store.cycle(fx.cycle).await.unwrap();
    fx.store
        .set_cycle_state(
            "admin",
            fx.cycle,
            cycle.version,
            egov_store::CycleState::Explanation,
            Some("2020-01-31"),
            None,
        )
        .await
        .unwrap();
    let (_, page) = fx.get(&fx.officer, &url).await;
    assert!(!page.contains("name=\"text\""), "{page}");
    assert!(page.contains("Thiếu biên bản kiểm tra hạ tầng"));
    // The reviewer reads the verified points but gets no box.
    let (_, page) = fx.get(&fx.reviewer, &url).await;
    assert!(page.contains("Điều chỉnh, 8"));
    assert!(!page.contains("name=\"text\""));
}
