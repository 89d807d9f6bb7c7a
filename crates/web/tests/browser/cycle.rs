//! One cycle from the unit's first value to the public annex, each role in its own browser session.

use egov_store::{
    Decision, EntryWrite, NewCycle, NewUnit, Role, Store, SubmissionStatus, VerificationWrite,
};

use fantoccini::Locator;

use crate::{Browser, asked, serve};

const PASSWORD: &str = "mat-khau-trinh-duyet-12";

/// Three districts of Hòa Bình; the test's unit (LS) is filled through the browser, the other two
/// have submitted already. (code, name, points of A.1, A.2, A.3, B.1, B.2, B.3)
const DISTRICTS: [(&str, &str, [&str; 6]); 3] = [
    ("LS", "Huyện Lạc Sơn", ["11", "5", "15", "9", "27", "22"]),
    ("MC", "Huyện Mai Châu", ["10", "5", "14", "9", "26", "21"]),
    ("KS", "Huyện Kim Bôi", ["9", "4", "13", "8", "24", "20"]),
];
const KEYS: [&str; 6] = ["A.1", "A.2", "A.3", "B.1", "B.2", "B.3"];

async fn seed(store: &Store) -> i64 {
    store
        .put_edition(
            "seed",
            "hoabinh-2019",
            include_str!("../../../../data/editions/hoabinh-2019.toml"),
        )
        .await
        .unwrap();
    for (code, name, _) in DISTRICTS {
        store
            .upsert_unit(
                "seed",
                &NewUnit {
                    code: code.into(),
                    name: name.into(),
                    category: "huyen".into(),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
    }
    let hash = egov_web::session::hash_password(PASSWORD).unwrap();
    let accounts: [(&str, Role, Option<&str>); 5] = [
        ("admin", Role::Admin, None),
        ("can-bo", Role::UnitOfficer, Some("LS")),
        ("thu-truong", Role::UnitHead, Some("LS")),
        ("tham-dinh", Role::Reviewer, None),
        ("hoi-dong", Role::Council, None),
    ];
    for (login, role, unit) in accounts {
        let u = store
            .create_user("seed", login, login, &hash)
            .await
            .unwrap();
        store.grant_role("seed", u.id, role, unit).await.unwrap();
    }
    let cycle = store
        .open_cycle(
            "seed",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: DISTRICTS.iter().map(|d| d.0.to_string()).collect(),
            },
        )
        .await
        .unwrap();
    for (code, _, points) in &DISTRICTS[1..] {
        let sub = store.submission(cycle.id, code).await.unwrap();
        for (key, value) in KEYS.iter().zip(points) {
            store
                .save_entry(
                    "seed",
                    &EntryWrite {
                        submission_id: sub.id,
                        key,
                        value,
                        expected_version: 0,
                    },
                )
                .await
                .unwrap();
        }
        let sub = store.submission(cycle.id, code).await.unwrap();
        store
            .set_submission_status(
                "seed",
                sub.id,
                sub.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
    }
    cycle.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cycle_from_the_first_value_to_the_public_annex() {
    if !asked() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("egov-browser-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(dir.join("egov.db").to_str().unwrap())
        .await
        .unwrap();
    let cycle = seed(&store).await;
    let base = serve(&store, &dir.join("evidence")).await;
    let form = format!("/cycles/{cycle}/units/LS");

    // The unit officer fills the form, saves the draft and attaches a piece of evidence.
    let mut b = Browser::start(&base, "cycle").await;
    b.sign_in("can-bo", PASSWORD).await;
    b.shot("officer-home").await;
    b.goto(&form).await;
    b.shot("officer-form-empty").await;
    for (key, value) in KEYS.iter().zip(DISTRICTS[0].2) {
        b.fill(&format!("v.{key}"), value).await;
    }
    b.click("button[form=values]").await;
    assert_eq!(b.path().await, form);
    let page = b.text().await;
    assert!(
        page.contains("89"),
        "the live total (11+5+15+9+27+22 = 89) is shown: {page}"
    );
    b.shot("officer-draft-saved").await;
    let pdf = dir.join("bien-ban-kiem-tra.pdf");
    std::fs::write(&pdf, minimal_pdf()).unwrap();
    let upload = "form[action$=\"/evidence\"][enctype=\"multipart/form-data\"]";
    // The evidence forms of an indicator open from its "Thêm minh chứng".
    b.press("details:has(form[action$=\"/evidence\"]) > summary")
        .await;
    b.client
        .find(Locator::Css(&format!("{upload} input[type=file]")))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    b.click(&format!("{upload} button")).await;
    assert!(
        b.text().await.contains("bien-ban-kiem-tra.pdf"),
        "the evidence is listed on the form"
    );
    b.shot("officer-evidence-attached").await;
    b.sign_out().await;

    // The unit head confirms and submits.
    b.sign_in("thu-truong", PASSWORD).await;
    b.goto(&form).await;
    b.press("form[action$=\"/submit\"] input[name=confirm]")
        .await;
    b.click("form[action$=\"/submit\"] button").await;
    let sub = store.submission(cycle, "LS").await.unwrap();
    assert_eq!(
        sub.status,
        SubmissionStatus::Submitted,
        "{}",
        b.text().await
    );
    b.shot("head-submitted").await;
    b.sign_out().await;

    // The admin moves the cycle to verification.
    b.sign_in("admin", PASSWORD).await;
    b.goto(&format!("/cycles/{cycle}")).await;
    b.shot("admin-board").await;
    b.click("form:has(input[name=to][value=review]) button")
        .await;
    b.shot("admin-review-opened").await;
    b.sign_out().await;

    // A reviewer adjusts B.2 with a reason (the other units were verified as they stand).
    for code in ["MC", "KS"] {
        accept_all(&store, cycle, code).await;
    }
    b.sign_in("tham-dinh", PASSWORD).await;
    b.goto(&format!("/cycles/{cycle}/units/LS/review")).await;
    let b2 = "form:has(input[name=criterion][value=\"B.2\"])";
    b.press(&format!("{b2} input[name=decision][value=adjusted]"))
        .await;
    b.fill_in(b2, "points", "20").await;
    b.fill_in(
        b2,
        "reason",
        "Chỉ 20/30 dịch vụ có tương tác hai chiều theo biên bản kiểm tra.",
    )
    .await;
    b.click(&format!("{b2} button")).await;
    let page = b.text().await;
    assert!(
        page.contains("82"),
        "the verified total (89 − 7 = 82) is shown: {page}"
    );
    b.shot("reviewer-adjusted").await;
    b.sign_out().await;

    // The admin opens the explanation round; the unit answers.
    b.sign_in("admin", PASSWORD).await;
    b.goto(&format!("/cycles/{cycle}")).await;
    let explain = "form:has(input[name=to][value=explanation])";
    b.fill_in(explain, "explanation_days", "5").await;
    b.click(&format!("{explain} button")).await;
    b.sign_out().await;
    b.sign_in("can-bo", PASSWORD).await;
    b.goto(&form).await;
    let answer = "form[action$=\"/explain\"]:has(input[name=criterion][value=\"B.2\"])";
    b.fill_in(
        answer,
        "text",
        "Đơn vị đã bổ sung 3 dịch vụ tương tác từ tháng 11; đề nghị xem xét.",
    )
    .await;
    b.click(&format!("{answer} button")).await;
    assert!(b.text().await.contains("đã bổ sung 3 dịch vụ"));
    b.shot("unit-explained").await;
    b.sign_out().await;

    // The admin hands the cycle to the council, which approves.
    b.sign_in("admin", PASSWORD).await;
    b.goto(&format!("/cycles/{cycle}")).await;
    b.click("form:has(input[name=to][value=council]) button")
        .await;
    b.sign_out().await;
    b.sign_in("hoi-dong", PASSWORD).await;
    b.goto(&format!("/cycles/{cycle}/council")).await;
    b.shot("council-preliminary").await;
    b.click("form[action$=\"/council\"] button").await;
    b.shot("council-approved").await;
    b.sign_out().await;

    // The admin publishes under the decision's number and date.
    b.sign_in("admin", PASSWORD).await;
    b.goto(&format!("/results/{cycle}")).await;
    b.fill_in("form.publish", "decision_number", "123/QĐ-UBND")
        .await;
    b.fill_in("form.publish", "decision_date", "20/12/2026")
        .await;
    b.click("form.publish button").await;
    b.shot("admin-published").await;
    b.sign_out().await;

    // Anyone reads the public annex: Mai Châu (85) now ranks above Lạc Sơn (82), Kim Bôi (78) last.
    b.goto(&format!("/results/{cycle}")).await;
    let page = b.text().await;
    b.shot("public-annex").await;
    let at = |name: &str| {
        page.find(name)
            .unwrap_or_else(|| panic!("{name} not on the public annex: {page}"))
    };
    assert!(
        at("Huyện Mai Châu") < at("Huyện Lạc Sơn") && at("Huyện Lạc Sơn") < at("Huyện Kim Bôi"),
        "the public annex ranks Mai Châu, Lạc Sơn, Kim Bôi: {page}"
    );
    assert!(page.contains("123/QĐ-UBND"), "{page}");
    b.close().await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The smallest file the evidence check takes for a PDF (it reads the signature, not the pages).
fn minimal_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Every criterion of a unit accepted as self-assessed, by a reviewer other than the browser's.
async fn accept_all(store: &Store, cycle: i64, code: &str) {
    let reviewer = store.user_by_login("tham-dinh").await.unwrap();
    let (_, _, points) = DISTRICTS.iter().find(|d| d.0 == code).unwrap();
    for (key, p) in KEYS.iter().zip(points) {
        store
            .verify(
                "tham-dinh",
                &VerificationWrite {
                    cycle_id: cycle,
                    unit_code: code.into(),
                    criterion: key.to_string(),
                    decision: Decision::Accepted,
                    points: p.to_string(),
                    reason: None,
                    reviewer_id: reviewer.id,
                    expected_version: 0,
                },
            )
            .await
            .unwrap();
    }
}
