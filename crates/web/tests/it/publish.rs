//! Publication through HTTP: the admin publishes an approved cycle, the public downloads the annex
//! files (the bytes egov_export renders for the same annex) and the snapshot (whose SHA-256 is the
//! published content hash), a correction is version 2 with its reason while version 1 is still
//! served; refusals (no decision number, a bad date, before approval, a correction without a reason);
//! public pages without login and with escaped names; nothing but a stored name is served; notices.

use std::io::Read;

use axum::http::{StatusCode, header};
use egov_core::Lang;
use egov_core::calendar::parse_date;
use egov_store::{CycleState, DraftWrite, NewCycle, NewUnit, Role, Store, SubmissionStatus};
use egov_web::publish::{FILES, SNAPSHOT_FILE, annex_for, issuing_body, render_options};
use egov_web::scoring::{Stage, score_cycle};

use crate::*;

const EVIL: &str = "<script>alert(1)</script>";

/// The group points of a unit: (criterion, value as typed).
fn points(a: [&str; 3], b: [&str; 3]) -> Vec<(&'static str, String)> {
    let keys = ["A.1", "A.2", "A.3", "B.1", "B.2", "B.3"];
    keys.into_iter()
        .zip(a.into_iter().chain(b))
        .map(|(k, v)| (k, v.to_string()))
        .collect()
}

/// A cycle of the Hòa Bình 2019 edition with three departments that submitted (one named like a
/// script), moved to `closed` as the council's approval leaves it when `approved`; its id.
async fn cycle(store: &Store, approved: bool) -> i64 {
    store
        .put_edition("test", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    let units = [
        (
            "SYT",
            "Sở Y tế",
            points(["9", "4", "14"], ["9", "26,3", "12"]),
        ),
        ("XSS", EVIL, points(["8", "3", "12"], ["7", "20,5", "10,4"])),
        (
            "STC",
            "Sở Tài chính",
            points(["9", "4", "14"], ["9", "26,8", "11,6"]),
        ),
    ];
    for (code, name, _) in &units {
        store
            .upsert_unit(
                "test",
                &NewUnit {
                    code: (*code).into(),
                    name: (*name).into(),
                    category: "so-dvc".into(),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
    }
    let c = store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: units.iter().map(|u| u.0.to_string()).collect(),
            },
        )
        .await
        .unwrap();
    for (code, _, values) in &units {
        let sub = store.submission(c.id, code).await.unwrap();
        let writes: Vec<DraftWrite> = values
            .iter()
            .map(|(k, v)| DraftWrite {
                key: (*k).into(),
                value: v.clone(),
                expected_version: 0,
            })
            .collect();
        let saved = store.save_draft("test", sub.id, &writes).await.unwrap();
        store
            .set_submission_status(
                "test",
                sub.id,
                saved.submission.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
    }
    if approved {
        store
            .set_cycle_state("test", c.id, c.version, CycleState::Closed, None, None)
            .await
            .unwrap();
    }
    c.id
}

struct World {
    store: Store,
    st: AppState,
    admin: Browser,
    cycle: i64,
}

async fn world(name: &str, approved: bool) -> World {
    let store = fresh_store(name).await;
    let admin_id = add_user(&store, "admin", &[(Role::Admin, None)]).await;
    let admin = sign_in(&store, admin_id).await;
    let cycle = cycle(&store, approved).await;
    World {
        st: state(&store),
        store,
        admin,
        cycle,
    }
}

fn form(b: &Browser, fields: &str) -> String {
    format!("{fields}&_csrf={}", b.csrf)
}

async fn publish(w: &World, fields: &str) -> axum::http::Response<axum::body::Body> {
    let path = format!("/cycles/{}/publish", w.cycle);
    send(
        &w.st,
        request("POST", &path, Some(&w.admin), Some(&form(&w.admin, fields))),
    )
    .await
}

async fn get(w: &World, path: &str) -> axum::http::Response<axum::body::Body> {
    send(&w.st, request("GET", path, None, None)).await
}

async fn bytes(res: axum::http::Response<axum::body::Body>) -> Vec<u8> {
    axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec()
}

/// Every part of a zip (DOCX, XLSX) but the document properties (the workbook writer stamps the time
/// of writing there), by name.
fn zip_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name != "docProps/core.xml" {
            parts.push((name, content));
        }
    }
    parts
}

const FIRST: &str = "decision_number=12%2FQ%C4%90-UBND&decision_date=15%2F01%2F2027";

#[tokio::test]
async fn publishing_an_approved_cycle_serves_the_files_egov_export_renders() {
    let w = world("publish", true).await;
    let res = publish(&w, FIRST).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    let cycle = w.store.cycle(w.cycle).await.unwrap();
    assert_eq!(cycle.state, CycleState::Published);
    let p = w.store.publication(w.cycle, 1).await.unwrap();
    assert_eq!(
        (p.decision_number.as_str(), p.decision_date.as_str()),
        ("12/QĐ-UBND", "2027-01-15")
    );

    // The same annex, rendered here by egov_export as `egov export` renders it: in the frame of the
    // body that issues the edition's decisions.
    let edition =
        egov_core::edition::Edition::from_toml(HOABINH_2019, "hoabinh-2019.toml").unwrap();
    assert_eq!(
        issuing_body(&edition).as_deref(),
        Some("Ủy ban nhân dân tỉnh Hòa Bình")
    );
    let scored = score_cycle(&w.store, &cycle, Stage::Verified)
        .await
        .unwrap();
    let opts = render_options(
        "12/QĐ-UBND",
        parse_date("15/01/2027").unwrap(),
        Some("Ủy ban nhân dân tỉnh Hòa Bình".into()),
    );
    let annex = annex_for(scored.annex(Lang::Vi), &opts);
    assert_eq!(
        annex.subtitle,
        vec!["(Kèm theo Quyết định số 12/QĐ-UBND ngày 15 tháng 01 năm 2027)".to_string()],
        "the annex names this decision, not the edition's"
    );
    let fonts = egov_export::render(&annex, egov_export::Format::Pdf, &opts).is_ok();
    for (format, name, media_type) in FILES {
        let res = get(&w, &format!("/results/{}/1/{name}", w.cycle)).await;
        if format == egov_export::Format::Pdf && !fonts {
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "no font, no PDF");
            continue;
        }
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], media_type);
        assert_eq!(
            res.headers()[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{name}\"").as_str()
        );
        let got = bytes(res).await;
        let want = egov_export::render(&annex, format, &opts).unwrap();
        if format == egov_export::Format::Xlsx {
            assert_eq!(zip_parts(&got), zip_parts(&want), "{name}");
        } else {
            assert!(got == want, "{name}: not the bytes egov_export renders");
        }
    }
    let csv = String::from_utf8(
        bytes(get(&w, &format!("/results/{}/1/phu-luc.csv", w.cycle)).await).await,
    )
    .unwrap();
    assert!(csv.contains("Sở Tài chính"), "{csv}");

    // The snapshot: its SHA-256 is the content hash the store keeps and the page shows.
    let res = get(&w, &format!("/results/{}/1/{SNAPSHOT_FILE}", w.cycle)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let snapshot = bytes(res).await;
    assert_eq!(egov_store::sha256_hex(&snapshot), p.content_hash);
    assert_eq!(snapshot, p.snapshot.as_bytes());
    let json: serde_json::Value = serde_json::from_slice(&snapshot).unwrap();
    assert_eq!(json["edition"]["id"], "hoabinh-2019");
    let edition = w.store.edition("hoabinh-2019").await.unwrap();
    assert_eq!(
        json["edition"]["content_hash"].as_str(),
        Some(edition.content_hash.as_str())
    );
    assert_eq!(json["units"].as_array().unwrap().len(), 3);
    let syt = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "SYT")
        .unwrap();
    assert!(
        syt["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "B.2" && e["value"] == "26,3")
    );
    assert_eq!(json["results"], annex.to_json());

    // Public pages: no login, the ranking shown, names escaped.
    let page = body_text(get(&w, "/results").await).await;
    assert!(
        page.contains("12/QĐ-UBND") && page.contains("15/01/2027"),
        "{page}"
    );
    let res = get(&w, &format!("/results/{}", w.cycle)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_text(res).await;
    assert!(!page.contains(EVIL), "escaped");
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{page}"
    );
    assert!(page.contains(&p.content_hash));
    // STC 74,4 is first, SYT 74,3 second (decimal comma).
    let stc = page.find("Sở Tài chính").unwrap();
    let syt = page.find("Sở Y tế").unwrap();
    assert!(stc < syt, "ranked by total");
    assert!(page.contains("74,4") && page.contains("74,3"), "{page}");
    // The units are told, on their notices page.
    let officer = add_user(&w.store, "syt", &[(Role::UnitOfficer, Some("SYT"))]).await;
    let b = sign_in(&w.store, officer).await;
    let page = body_text(send(&w.st, request("GET", "/notices", Some(&b), None)).await).await;
    assert!(
        page.contains("Công bố kết quả")
            && page.contains("Quyết định số 12/QĐ-UBND ngày 15/01/2027"),
        "{page}"
    );
    // The log holds the publication.
    let entries = w.store.log_entries(0, 10_000).await.unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == "cycle.publish" && e.actor == "admin")
    );
}

#[tokio::test]
async fn a_correction_is_version_two_with_its_reason_and_version_one_stays() {
    let w = world("correct", true).await;
    assert_eq!(publish(&w, FIRST).await.status(), StatusCode::SEE_OTHER);
    let v1_csv = bytes(get(&w, &format!("/results/{}/1/phu-luc.csv", w.cycle)).await).await;
    let v1 = w.store.publication(w.cycle, 1).await.unwrap();

    // A correction needs a reason: 400 naming the field, nothing written.
    let again = "decision_number=20%2FQ%C4%90-UBND&decision_date=20%2F01%2F2027";
    let res = publish(&w, again).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("Lý do đính chính"));
    assert_eq!(w.store.publications(w.cycle).await.unwrap().len(), 1);

    let res = publish(
        &w,
        &format!("{again}&reason=S%E1%BB%ADa+s%E1%BB%91+quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh"),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    let v2 = w.store.publication(w.cycle, 2).await.unwrap();
    assert_eq!(v2.reason.as_deref(), Some("Sửa số quyết định"));
    assert_eq!(v2.decision_number, "20/QĐ-UBND");
    assert_ne!(v2.content_hash, v1.content_hash);
    // Version 1 as it was: its record, its files.
    assert_eq!(w.store.publication(w.cycle, 1).await.unwrap(), v1);
    let csv = bytes(get(&w, &format!("/results/{}/1/phu-luc.csv", w.cycle)).await).await;
    assert!(csv == v1_csv, "version 1's file unchanged");
    // The documents name the decision of their version.
    let v1_docx = bytes(get(&w, &format!("/results/{}/1/phu-luc.docx", w.cycle)).await).await;
    let v2_docx = bytes(get(&w, &format!("/results/{}/2/phu-luc.docx", w.cycle)).await).await;
    assert!(v1_docx != v2_docx, "version 2 names its decision");

    let page = body_text(get(&w, &format!("/results/{}", w.cycle)).await).await;
    assert!(page.contains("20/QĐ-UBND") && page.contains("Sửa số quyết định"));
    assert!(page.contains(&v1.content_hash) && page.contains(&v2.content_hash));
    assert!(page.contains(&format!("/results/{}?version=1", w.cycle)));
    let old = body_text(get(&w, &format!("/results/{}?version=1", w.cycle)).await).await;
    assert!(
        old.contains("Quyết định số 12/QĐ-UBND ngày 15 tháng 01 năm 2027"),
        "{old}"
    );
    assert!(old.contains("phiên bản cũ"));
    assert_eq!(
        get(&w, &format!("/results/{}?version=3", w.cycle))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_correction_of_points_after_a_new_approval_changes_the_ranking_and_keeps_the_old_one() {
    let w = world("repoint", true).await;
    assert_eq!(publish(&w, FIRST).await.status(), StatusCode::SEE_OTHER);
    // Sở Tài chính (74,4) is first, Sở Y tế (74,3) second.
    let order = |page: &str| page.find("Sở Tài chính").unwrap() < page.find("Sở Y tế").unwrap();
    assert!(order(
        &body_text(get(&w, &format!("/results/{}", w.cycle)).await).await
    ));

    // The board offers the admin to take the published cycle back to verification, with a reason.
    let board = body_text(
        send(
            &w.st,
            request("GET", &format!("/cycles/{}", w.cycle), Some(&w.admin), None),
        )
        .await,
    )
    .await;
    assert!(board.contains("value=\"review\""), "{board}");
    assert!(
        board.contains(&format!("href=\"/results/{}\"", w.cycle)),
        "{board}"
    );
    let state_path = format!("/cycles/{}/state", w.cycle);
    let c = w.store.cycle(w.cycle).await.unwrap();
    let reopen = |reason: &str| {
        form(
            &w.admin,
            &format!("version={}&to=review&reason={reason}", c.version),
        )
    };
    let res = send(
        &w.st,
        request("POST", &state_path, Some(&w.admin), Some(&reopen(""))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a reason is needed");
    let res = send(
        &w.st,
        request(
            "POST",
            &state_path,
            Some(&w.admin),
            Some(&reopen("sai+s%E1%BB%91+li%E1%BB%87u")),
        ),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    let c = w.store.cycle(w.cycle).await.unwrap();
    assert_eq!(c.state, CycleState::Review);
    let res = publish(&w, &format!("{FIRST}&reason=s%E1%BB%ADa")).await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "not while under review"
    );
    let sub = w.store.submission(w.cycle, "SYT").await.unwrap();
    let sub = w
        .store
        .set_submission_status(
            "test",
            sub.id,
            sub.version,
            SubmissionStatus::Returned,
            Some("sai"),
        )
        .await
        .unwrap();
    let entry = w
        .store
        .entries(sub.id)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.key == "B.2")
        .unwrap();
    let write = DraftWrite {
        key: "B.2".into(),
        value: "30".into(),
        expected_version: entry.version,
    };
    let saved = w.store.save_draft("test", sub.id, &[write]).await.unwrap();
    w.store
        .set_submission_status(
            "test",
            sub.id,
            saved.submission.version,
            SubmissionStatus::Submitted,
            None,
        )
        .await
        .unwrap();
    w.store
        .set_cycle_state("test", c.id, c.version, CycleState::Closed, None, None)
        .await
        .unwrap();
    let res = publish(
        &w,
        &format!("{FIRST}&reason=S%E1%BB%ADa+%C4%91i%E1%BB%83m+S%E1%BB%9F+Y+t%E1%BA%BF"),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    assert_eq!(
        w.store.cycle(w.cycle).await.unwrap().state,
        CycleState::Published
    );
    // Version 2: Sở Y tế first with 27 + 51 = 78; version 1 still as published.
    let latest = body_text(get(&w, &format!("/results/{}", w.cycle)).await).await;
    assert!(!order(&latest) && latest.contains("78,0"), "{latest}");
    assert!(latest.contains("Sửa điểm Sở Y tế"));
    let old = body_text(get(&w, &format!("/results/{}?version=1", w.cycle)).await).await;
    assert!(order(&old) && !old.contains("78,0"));
}

#[tokio::test]
async fn refusals_name_the_field_and_write_nothing() {
    let w = world("refuse", true).await;
    let res = publish(&w, "decision_number=&decision_date=15%2F01%2F2027").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("Số quyết định"));
    let res = publish(
        &w,
        "decision_number=12%2FQ%C4%90&decision_date=31%2F02%2F2027",
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = body_text(res).await;
    assert!(
        body.contains("Ngày quyết định") && body.contains("31/02/2027"),
        "{body}"
    );
    let res = publish(&w, "decision_number=12%2FQ%C4%90").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(w.store.publications(w.cycle).await.unwrap().is_empty());
    assert_eq!(
        w.store.cycle(w.cycle).await.unwrap().state,
        CycleState::Closed
    );
    assert_eq!(
        send(
            &w.st,
            request(
                "POST",
                "/cycles/999/publish",
                Some(&w.admin),
                Some(&form(&w.admin, FIRST))
            )
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // A reviewer may not publish.
    let reviewer = add_user(&w.store, "reviewer", &[(Role::Reviewer, None)]).await;
    let b = sign_in(&w.store, reviewer).await;
    let path = format!("/cycles/{}/publish", w.cycle);
    let res = send(
        &w.st,
        request("POST", &path, Some(&b), Some(&form(&b, FIRST))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(w.store.publications(w.cycle).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_councils_approval_through_http_opens_publication() {
    let w = world("council", false).await;
    let c = w.store.cycle(w.cycle).await.unwrap();
    let c = w
        .store
        .set_cycle_state("test", c.id, c.version, CycleState::Council, None, None)
        .await
        .unwrap();
    // At the council: not yet.
    assert_eq!(publish(&w, FIRST).await.status(), StatusCode::BAD_REQUEST);
    let council = add_user(&w.store, "council", &[(Role::Council, None)]).await;
    let b = sign_in(&w.store, council).await;
    let path = format!("/cycles/{}/council", w.cycle);
    let body = form(&b, &format!("decision=approve&version={}", c.version));
    let res = send(&w.st, request("POST", &path, Some(&b), Some(&body))).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body_text(res).await
    );
    assert_eq!(publish(&w, FIRST).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        w.store.cycle(w.cycle).await.unwrap().state,
        CycleState::Published
    );
    assert_eq!(
        get(&w, &format!("/results/{}/1/phu-luc.csv", w.cycle))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_unit_that_did_not_submit_is_named_when_the_edition_refuses_it() {
    let w = world("missing", false).await;
    // Sở Tài chính's submission goes back to it and is not submitted again before the approval.
    let sub = w.store.submission(w.cycle, "STC").await.unwrap();
    w.store
        .set_submission_status(
            "test",
            sub.id,
            sub.version,
            SubmissionStatus::Returned,
            Some("thiếu"),
        )
        .await
        .unwrap();
    let c = w.store.cycle(w.cycle).await.unwrap();
    w.store
        .set_cycle_state("test", c.id, c.version, CycleState::Closed, None, None)
        .await
        .unwrap();
    let res = publish(&w, FIRST).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = body_text(res).await;
    assert!(body.contains("Sở Tài chính (STC)"), "{body}");
    assert!(w.store.publications(w.cycle).await.unwrap().is_empty());
    assert_eq!(
        w.store.cycle(w.cycle).await.unwrap().state,
        CycleState::Closed
    );
}

#[tokio::test]
async fn a_cycle_the_council_has_not_approved_is_not_published() {
    let w = world("early", false).await;
    let res = publish(&w, FIRST).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        body_text(res)
            .await
            .contains("chưa được hội đồng thông qua")
    );
    assert!(w.store.publications(w.cycle).await.unwrap().is_empty());
    assert_eq!(
        w.store.cycle(w.cycle).await.unwrap().state,
        CycleState::Open
    );
    // Nothing public about it, and no form for the admin either while it is open.
    assert_eq!(
        get(&w, &format!("/results/{}", w.cycle)).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = send(
        &w.st,
        request(
            "GET",
            &format!("/results/{}", w.cycle),
            Some(&w.admin),
            None,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_edition_without_annex_tables_has_nothing_to_publish() {
    let store = fresh_store("noannex").await;
    let admin = add_user(&store, "admin", &[(Role::Admin, None)]).await;
    let b = sign_in(&store, admin).await;
    let toml = "id = \"mini\"\nyear = 2026\ntitle = \"Mini\"\n\n[[category]]\ncode = \"so-dvc\"\nname = \"Sở\"\n\n\
                [[block]]\ncode = \"b\"\nname = \"B\"\ncategories = [\"so-dvc\"]\n\n\
                [[criterion]]\ncode = \"A\"\nname = \"A\"\nmax = 10\n";
    store.put_edition("test", "mini", toml).await.unwrap();
    store
        .upsert_unit(
            "test",
            &NewUnit {
                code: "SYT".into(),
                name: "Sở Y tế".into(),
                category: "so-dvc".into(),
                ..NewUnit::default()
            },
        )
        .await
        .unwrap();
    let c = store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2026,
                edition_id: "mini".into(),
                deadline: "2099-12-31".into(),
                units: vec!["SYT".into()],
            },
        )
        .await
        .unwrap();
    let sub = store.submission(c.id, "SYT").await.unwrap();
    let write = DraftWrite {
        key: "A".into(),
        value: "5".into(),
        expected_version: 0,
    };
    let saved = store.save_draft("test", sub.id, &[write]).await.unwrap();
    store
        .set_submission_status(
            "test",
            sub.id,
            saved.submission.version,
            SubmissionStatus::Submitted,
            None,
        )
        .await
        .unwrap();
    store
        .set_cycle_state("test", c.id, c.version, CycleState::Closed, None, None)
        .await
        .unwrap();
    let st = state(&store);
    let path = format!("/cycles/{}/publish", c.id);
    let res = send(
        &st,
        request("POST", &path, Some(&b), Some(&form(&b, FIRST))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(res).await.contains("không có bảng phụ lục"));
    assert!(store.publications(c.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_approved_cycle_offers_the_admin_its_publish_form() {
    let w = world("pending", true).await;
    let page = body_text(send(&w.st, request("GET", "/results", Some(&w.admin), None)).await).await;
    assert!(page.contains(&format!("/results/{}", w.cycle)), "{page}");
    let res = send(
        &w.st,
        request(
            "GET",
            &format!("/results/{}", w.cycle),
            Some(&w.admin),
            None,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_text(res).await;
    assert!(page.contains(&format!("action=\"/cycles/{}/publish\"", w.cycle)));
    assert!(page.contains(&format!("value=\"{}\"", w.admin.csrf)));
    // The public sees neither.
    assert!(
        !body_text(get(&w, "/results").await)
            .await
            .contains(&format!("/results/{}", w.cycle))
    );
    assert_eq!(
        get(&w, &format!("/results/{}", w.cycle)).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_stored_names_are_served() {
    let w = world("files", true).await;
    assert_eq!(publish(&w, FIRST).await.status(), StatusCode::SEE_OTHER);
    let c = w.cycle;
    for path in [
        format!("/results/{c}/1/..%2Fphu-luc.csv"),
        format!("/results/{c}/1/..%2F..%2F..%2Fetc%2Fpasswd"),
        format!("/results/{c}/1/%2E%2E%2Fegov.db"),
        format!("/results/{c}/1/phu-luc.exe"),
        format!("/results/{c}/1/PHU-LUC.CSV"),
        format!("/results/{c}/1/phu-luc.csv%00"),
        format!("/results/{c}/2/phu-luc.csv"),
        format!("/results/{c}/0/phu-luc.csv"),
        format!("/results/{c}/x/phu-luc.csv"),
        "/results/999/1/phu-luc.csv".to_string(),
        format!("/results/{c}/1/../phu-luc.csv"),
        format!("/results/{c}/1/a/b"),
        "/results/x".to_string(),
        "/results/999".to_string(),
    ] {
        let res = get(&w, &path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        get(&w, &format!("/results/{c}/1/phu-luc.csv"))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn notices_of_the_user_and_their_units_unread_first_and_marked_read() {
    let store = fresh_store("notices").await;
    add_unit(&store, "A", "Đơn vị A").await;
    add_unit(&store, "B", "Đơn vị B").await;
    let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
    let other = add_user(&store, "other", &[(Role::UnitOfficer, Some("B"))]).await;
    let st = state(&store);
    let mine = store
        .add_notice(Some(officer), None, "deadline", "Còn 3 ngày làm việc")
        .await
        .unwrap();
    let unit = store
        .add_notice(None, Some("A"), "returned", "Hồ sơ bị trả lại <b>")
        .await
        .unwrap();
    let theirs = store
        .add_notice(Some(other), None, "deadline", "Thông báo của người khác")
        .await
        .unwrap();
    let unit_b = store
        .add_notice(None, Some("B"), "returned", "Thông báo của đơn vị B")
        .await
        .unwrap();
    let b = sign_in(&store, officer).await;
    let page = body_text(send(&st, request("GET", "/notices", Some(&b), None)).await).await;
    assert!(page.contains("Còn 3 ngày làm việc") && page.contains("Hồ sơ bị trả lại &#60;b&#62;"));
    assert!(!page.contains("người khác") && !page.contains("đơn vị B"));

    let read = |id: i64| format!("/notices/{id}/read");
    let res = send(
        &st,
        request("POST", &read(mine.id), Some(&b), Some(&form(&b, ""))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/notices");
    assert!(store.notice(mine.id).await.unwrap().read_at.is_some());
    // Unread first: the unit's notice (newer or not) now comes before the one read.
    let page = body_text(send(&st, request("GET", "/notices", Some(&b), None)).await).await;
    assert!(page.find("Hồ sơ bị trả lại").unwrap() < page.find("Còn 3 ngày").unwrap());
    let res = send(
        &st,
        request("POST", &read(unit.id), Some(&b), Some(&form(&b, ""))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(store.notice(unit.id).await.unwrap().read_at.is_some());

    // Another user's notice, another unit's: 403, left unread; an unknown one 404.
    for n in [&theirs, &unit_b] {
        let res = send(
            &st,
            request("POST", &read(n.id), Some(&b), Some(&form(&b, ""))),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(store.notice(n.id).await.unwrap().read_at.is_none());
    }
    let res = send(
        &st,
        request("POST", &read(99_999), Some(&b), Some(&form(&b, ""))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = send(
        &st,
        request("POST", "/notices/x/read", Some(&b), Some(&form(&b, ""))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Without the CSRF token: refused before anything is read.
    let res = send(
        &st,
        request("POST", &read(theirs.id), Some(&b), Some("x=1")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Anonymous: sent to sign in.
    let res = send(&st, request("GET", "/notices", None, None)).await;
    assert!(denied(&res));
}
