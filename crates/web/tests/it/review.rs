//! Verification, the explanation round and the council, through HTTP: a cycle of the Hòa Bình 2019
//! edition with two departments that submitted, two reviewers, the unit's officer, the council.

use axum::http::StatusCode;
use egov_store::{
    CycleState, Decision, EntryWrite, EvidenceSource, NewCycle, NewUnit, Role, Store,
    SubmissionStatus,
};

use crate::*;

/// The points each unit entered, per leaf criterion of the edition (A.1 max 12, A.2 6, A.3 17, B.1 10,
/// B.2 30, B.3 25): Sở Y tế 83 in all, Sở Tài chính 72.
const SYT: [(&str, &str); 6] = [
    ("A.1", "10"),
    ("A.2", "5"),
    ("A.3", "15"),
    ("B.1", "8"),
    ("B.2", "25"),
    ("B.3", "20"),
];
const STC: [(&str, &str); 6] = [
    ("A.1", "9"),
    ("A.2", "4"),
    ("A.3", "14"),
    ("B.1", "7"),
    ("B.2", "20"),
    ("B.3", "18"),
];

struct Fx {
    store: Store,
    st: egov_web::AppState,
    cycle: i64,
    reviewer: Browser,
    reviewer2: Browser,
    officer: Browser,
    officer_id: i64,
    council: Browser,
}

/// Form fields percent-encoded (Vietnamese reasons included).
fn form(fields: &[(&str, &str)], who: &Browser) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let mut out: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    out.push(format!("_csrf={}", who.csrf));
    out.join("&")
}

/// The cycle under review: both units submitted (Sở Y tế first), the cycle moved to review.
async fn fixture(name: &str) -> Fx {
    let store = fresh_store(name).await;
    for (code, name) in [("SYT", "Sở Y tế"), ("STC", "Sở Tài chính")] {
        store
            .upsert_unit(
                "test",
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
    store
        .put_edition("test", "hoabinh-2019", HOABINH_2019)
        .await
        .unwrap();
    let cycle = store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2026,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: vec!["SYT".into(), "STC".into()],
            },
        )
        .await
        .unwrap();
    for (code, values) in [("SYT", SYT), ("STC", STC)] {
        let sub = store.submission(cycle.id, code).await.unwrap();
        for (key, value) in values {
            store
                .save_entry(
                    "test",
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
                "head",
                sub.id,
                sub.version,
                SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
        // Submissions a few milliseconds apart: the queue orders by time.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    store
        .set_cycle_state(
            "test",
            cycle.id,
            cycle.version,
            CycleState::Review,
            None,
            None,
        )
        .await
        .unwrap();
    let r1 = add_user(&store, "tham-dinh-1", &[(Role::Reviewer, None)]).await;
    let r2 = add_user(&store, "tham-dinh-2", &[(Role::Reviewer, None)]).await;
    let officer_id = add_user(&store, "can-bo-syt", &[(Role::UnitOfficer, Some("SYT"))]).await;
    let council = add_user(&store, "hoi-dong", &[(Role::Council, None)]).await;
    Fx {
        st: state(&store),
        cycle: cycle.id,
        reviewer: sign_in(&store, r1).await,
        reviewer2: sign_in(&store, r2).await,
        officer: sign_in(&store, officer_id).await,
        officer_id,
        council: sign_in(&store, council).await,
        store,
    }
}

impl Fx {
    async fn get(&self, path: &str, who: &Browser) -> (StatusCode, String) {
        let res = send(&self.st, request("GET", path, Some(who), None)).await;
        let status = res.status();
        (status, body_text(res).await)
    }

    async fn post(
        &self,
        path: &str,
        who: &Browser,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let res = send(
            &self.st,
            request("POST", path, Some(who), Some(&form(fields, who))),
        )
        .await;
        let status = res.status();
        (status, body_text(res).await)
    }

    fn unit(&self, code: &str, what: &str) -> String {
        format!("/cycles/{}/units/{code}/{what}", self.cycle)
    }

    /// A reviewer accepts a criterion's self-assessed points, on the decision's `version` as read.
    async fn accept(
        &self,
        who: &Browser,
        unit: &str,
        criterion: &str,
        version: &str,
    ) -> (StatusCode, String) {
        let fields = [
            ("criterion", criterion),
            ("decision", "accepted"),
            ("version", version),
        ];
        self.post(&self.unit(unit, "verify"), who, &fields).await
    }

    /// A reviewer adjusts a criterion's points with a reason.
    async fn adjust(
        &self,
        who: &Browser,
        unit: &str,
        criterion: &str,
        points: &str,
        reason: &str,
        version: &str,
    ) -> (StatusCode, String) {
        let fields = [
            ("criterion", criterion),
            ("decision", "adjusted"),
            ("points", points),
            ("reason", reason),
            ("version", version),
        ];
        self.post(&self.unit(unit, "verify"), who, &fields).await
    }

    /// Who may read `path`: the council its page, a reviewer the others.
    fn council_or_reviewer(&self, path: &str) -> Browser {
        if path.ends_with("/council") {
            self.council.clone()
        } else {
            self.reviewer.clone()
        }
    }

    async fn state_to(&self, state: CycleState, explanation_deadline: Option<&str>) {
        let c = self.store.cycle(self.cycle).await.unwrap();
        self.store
            .set_cycle_state("test", c.id, c.version, state, explanation_deadline, None)
            .await
            .unwrap();
    }
}

/// The text of the element with `id` in a page (up to its closing tag).
fn by_id<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    &rest[open..open + close]
}

#[tokio::test]
async fn the_queue_lists_submitted_units_oldest_first_with_counts() {
    let fx = fixture("review-queue").await;
    fx.accept(&fx.reviewer, "STC", "A.1", "0").await;
    let (status, page) = fx
        .get(&format!("/cycles/{}/review", fx.cycle), &fx.reviewer)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let syt = page.find("Sở Y tế").unwrap();
    let stc = page.find("Sở Tài chính").unwrap();
    assert!(syt < stc, "oldest submission first");
    // Sở Tài chính: 1 accepted, 0 adjusted, 5 pending.
    assert!(
        page[stc..].contains("<td>1</td><td>0</td><td>5</td>"),
        "{}",
        &page[stc..]
    );
    assert!(page[syt..stc].contains("<td>0</td><td>0</td><td>6</td>"));
    // An officer does not review.
    let (status, _) = fx
        .get(&format!("/cycles/{}/review", fx.cycle), &fx.officer)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn accept_and_adjust_with_a_reason_recompute_the_total() {
    let fx = fixture("review-adjust").await;
    // The unit's evidence of A.1: a stored file (linked to the unit's evidence route) and a document.
    let sub = fx.store.submission(fx.cycle, "SYT").await.unwrap();
    let file = fx
        .store
        .add_evidence(
            "can-bo-syt",
            sub.id,
            "A.1",
            &EvidenceSource::File {
                content_hash: "ab".repeat(32),
                file_name: "bao-cao-ha-tang.pdf".into(),
                media_type: "application/pdf".into(),
                size: 1234,
            },
        )
        .await
        .unwrap();
    let document = EvidenceSource::Document {
        number: "15/QĐ-SYT".into(),
        date: Some("2026-02-03".into()),
        issuer: Some("Sở Y tế".into()),
        link: None,
    };
    fx.store
        .add_evidence("can-bo-syt", sub.id, "A.1", &document)
        .await
        .unwrap();
    let page_path = fx.unit("SYT", "review");
    let (status, page) = fx.get(&page_path, &fx.reviewer).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let a1 = &page[page.find("id=\"c-A.1\"").unwrap()..page.find("id=\"c-A.2\"").unwrap()];
    let link = format!(
        "<a href=\"/cycles/{}/units/SYT/evidence/{}\">bao-cao-ha-tang.pdf</a>",
        fx.cycle, file.id
    );
    assert!(a1.contains(&link), "{a1}");
    assert!(a1.contains("15/QĐ-SYT, 03/02/2026, Sở Y tế"), "{a1}");
    assert!(a1.contains("Điểm tự chấm: <strong>10</strong>"), "{a1}");
    assert_eq!(by_id(&page, "self-total"), "83");
    assert_eq!(by_id(&page, "verified-total"), "83");
    // Accept A.1.
    let (status, body) = fx.accept(&fx.reviewer, "SYT", "A.1", "0").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let v = fx.store.verifications(fx.cycle, "SYT").await.unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].decision, v[0].points.as_str(), v[0].version),
        (Decision::Accepted, "10", 1)
    );
    // Adjusting without a reason: 400 naming the field, nothing saved.
    let (status, body) = fx
        .adjust(&fx.reviewer, "SYT", "A.2", "3,5", "  ", "0")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("A.2") && body.contains("«lý do»"), "{body}");
    assert_eq!(
        fx.store.verifications(fx.cycle, "SYT").await.unwrap().len(),
        1
    );
    // With a reason (decimal comma): the verified total drops from 83 to 81,5.
    let (status, body) = fx
        .adjust(
            &fx.reviewer,
            "SYT",
            "A.2",
            "3,5",
            "Chỉ 7/10 cán bộ có chứng chỉ CNTT",
            "0",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = fx.get(&page_path, &fx.reviewer).await;
    assert_eq!(by_id(&page, "self-total"), "83");
    assert_eq!(by_id(&page, "verified-total"), "81,5");
    assert!(page.contains("Chỉ 7/10 cán bộ có chứng chỉ CNTT"));
    // A decimal point reads the same; the reason of the adjustment is in the audit log.
    let (status, body) = fx
        .adjust(&fx.reviewer, "SYT", "A.2", "4.5", "Bổ sung chứng chỉ", "1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = fx.get(&page_path, &fx.reviewer).await;
    assert_eq!(by_id(&page, "verified-total"), "82,5");
    let log = fx.store.log_entries(0, 1_000_000).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, "verification.save");
    assert_eq!(last.actor, "tham-dinh-1");
    assert_eq!(last.reason.as_deref(), Some("Bổ sung chứng chỉ"));
}

#[tokio::test]
async fn points_are_checked_against_the_criterion() {
    let fx = fixture("review-points").await;
    for (points, says) in [
        ("13", "vượt điểm tối đa 12"),
        ("2,55", "nhiều hơn 1 chữ số thập phân"),
        ("-1", "không phải là số điểm"),
        ("1.234,5", "không phải là số điểm"),
        ("mười", "không phải là số điểm"),
        ("", "cần nhập điểm"),
    ] {
        let (status, body) = fx
            .adjust(&fx.reviewer, "SYT", "A.1", points, "lý do", "0")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{points}");
        assert!(
            body.contains("Tiêu chí A.1") && body.contains(says),
            "{points}: {body}"
        );
    }
    let (status, body) = fx
        .post(
            &fx.unit("SYT", "verify"),
            &fx.reviewer,
            &[
                ("criterion", "A.1"),
                ("decision", "maybe"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("«quyết định»"), "{body}");
    assert!(
        fx.store
            .verifications(fx.cycle, "SYT")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn two_reviewers_on_one_criterion_the_second_gets_a_conflict() {
    let fx = fixture("review-conflict").await;
    // Both read the criterion undecided (version 0).
    for who in [&fx.reviewer, &fx.reviewer2] {
        let (_, page) = fx.get(&fx.unit("SYT", "review"), who).await;
        assert!(page.contains("name=\"version\" value=\"0\""));
    }
    let (status, _) = fx
        .adjust(
            &fx.reviewer,
            "SYT",
            "B.2",
            "20",
            "Thiếu minh chứng dịch vụ công",
            "0",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = fx.accept(&fx.reviewer2, "SYT", "B.2", "0").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("vừa được người khác thay đổi"), "{body}");
    // The first change is kept.
    let v = fx.store.verifications(fx.cycle, "SYT").await.unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].decision, v[0].points.as_str(), v[0].version),
        (Decision::Adjusted, "20", 1)
    );
    // Reloaded, the second reviewer decides on version 1.
    let (status, _) = fx.accept(&fx.reviewer2, "SYT", "B.2", "1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_criterion_outside_the_edition_or_a_unit_outside_the_cycle_is_refused() {
    let fx = fixture("review-objects").await;
    for criterion in ["Z.9", "A", "", "<script>"] {
        let (status, body) = fx.accept(&fx.reviewer, "SYT", criterion, "0").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{criterion}");
        assert!(body.contains("«tiêu chí»"), "{body}");
        assert!(!body.contains("<script>"));
    }
    // A unit of the registry that is not in this cycle, and a cycle that does not exist.
    add_unit(&fx.store, "KHAC", "Đơn vị khác").await;
    let (status, _) = fx.accept(&fx.reviewer, "KHAC", "A.1", "0").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fx.get("/cycles/999/units/SYT/review", &fx.reviewer).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        fx.store
            .cycle_verifications(fx.cycle)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_last_decision_marks_the_submission_verified() {
    let fx = fixture("review-complete").await;
    for (criterion, _) in SYT {
        let (status, body) = fx.accept(&fx.reviewer, "SYT", criterion, "0").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let sub = fx.store.submission(fx.cycle, "SYT").await.unwrap();
        let done = criterion == "B.3";
        assert_eq!(
            sub.status == SubmissionStatus::Verified,
            done,
            "{criterion}"
        );
    }
    let (_, page) = fx
        .get(&format!("/cycles/{}/review", fx.cycle), &fx.reviewer)
        .await;
    let waiting = &page[..page.find("Các đơn vị khác").unwrap()];
    assert!(!waiting.contains("Sở Y tế") && waiting.contains("Sở Tài chính"));
}

#[tokio::test]
async fn a_return_needs_a_reason_and_tells_the_unit() {
    let fx = fixture("review-return").await;
    let sub = fx.store.submission(fx.cycle, "SYT").await.unwrap();
    let version = sub.version.to_string();
    let path = fx.unit("SYT", "return");
    let (status, body) = fx
        .post(
            &path,
            &fx.reviewer,
            &[("reason", " "), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("«lý do»"));
    let reason = "Thiếu minh chứng cho tiêu chí B.3";
    let (status, body) = fx
        .post(
            &path,
            &fx.reviewer,
            &[("reason", reason), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let sub = fx.store.submission(fx.cycle, "SYT").await.unwrap();
    assert_eq!(sub.status, SubmissionStatus::Returned);
    let notices = fx.store.notices(fx.officer_id).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, "returned");
    assert!(notices[0].text.contains(reason));
    let last = fx
        .store
        .log_entries(0, 1_000_000)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (last.action.as_str(), last.reason.as_deref()),
        ("submission.return", Some(reason))
    );
    // Returning again on the version read before is a conflict.
    let (status, _) = fx
        .post(
            &path,
            &fx.reviewer,
            &[("reason", reason), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A returned unit cannot be verified until it submits again.
    let (status, _) = fx.accept(&fx.reviewer, "SYT", "A.1", "0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn explanations_in_the_round_and_not_after_it() {
    let fx = fixture("review-explain").await;
    let path = fx.unit("SYT", "explain");
    let text = "Đơn vị đã ban hành Quyết định 15/QĐ-SYT về chứng chỉ CNTT";
    // Under review: the round is not open.
    let (status, body) = fx
        .post(&path, &fx.officer, &[("criterion", "A.2"), ("text", text)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("vòng giải trình"), "{body}");
    fx.adjust(&fx.reviewer, "SYT", "A.2", "3", "Thiếu chứng chỉ", "0")
        .await;
    fx.state_to(CycleState::Explanation, Some("2099-12-31"))
        .await;
    // A criterion the edition does not have.
    let (status, body) = fx
        .post(&path, &fx.officer, &[("criterion", "A.9"), ("text", text)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("«tiêu chí»"));
    let (status, body) = fx
        .post(&path, &fx.officer, &[("criterion", "A.2"), ("text", text)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let saved = fx.store.explanations(fx.cycle, "SYT").await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (saved[0].criterion.as_str(), saved[0].author.as_str()),
        ("A.2", "can-bo-syt")
    );
    // The reviewer sees it under the criterion and may adjust again, with a reason.
    let (_, page) = fx.get(&fx.unit("SYT", "review"), &fx.reviewer).await;
    let a2 = &page[page.find("id=\"c-A.2\"").unwrap()..page.find("id=\"c-A.3\"").unwrap()];
    assert!(a2.contains(text), "{a2}");
    let (status, _) = fx
        .adjust(&fx.reviewer, "SYT", "A.2", "5", "Đã xem giải trình", "1")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // After the deadline: refused, nothing saved.
    fx.state_to(CycleState::Explanation, Some("2000-01-31"))
        .await;
    let (status, body) = fx
        .post(
            &path,
            &fx.officer,
            &[("criterion", "A.2"), ("text", "muộn")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("31/01/2000"), "{body}");
    assert_eq!(
        fx.store.explanations(fx.cycle, "SYT").await.unwrap().len(),
        1
    );
    // Another unit's officer cannot explain for this one.
    let (status, _) = fx
        .post(
            &fx.unit("STC", "explain"),
            &fx.officer,
            &[("criterion", "A.2"), ("text", text)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_council_sees_the_ranking_its_audit_and_the_changes() {
    let fx = fixture("review-council").await;
    let reason = "Cổng dịch vụ công chỉ có 40% thủ tục mức độ 4";
    fx.adjust(&fx.reviewer, "SYT", "B.3", "12,5", reason, "0")
        .await;
    fx.state_to(CycleState::Council, None).await;
    let (status, page) = fx
        .get(&format!("/cycles/{}/council", fx.cycle), &fx.council)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The preliminary ranking: Sở Y tế 30 + 45,5 (B.3 20 → 12,5) = 75,5, Sở Tài chính 27 + 45 = 72.
    assert!(
        page.contains("<td>Sở Y tế</td><td>30,0</td><td>45,5</td><td>75,5</td><td>1</td>"),
        "{page}"
    );
    assert!(
        page.contains("<td>Sở Tài chính</td><td>27,0</td><td>45,0</td><td>72,0</td><td>2</td>")
    );
    // Neither unit has every criterion decided: the council is told.
    assert_eq!(
        by_id(&page, "unverified"),
        "Chưa thẩm định xong: Sở Tài chính, Sở Y tế"
    );
    // The audit of the annex egov built: nothing to find.
    assert!(page.contains("id=\"audit-clean\""), "{page}");
    // What changed since the self-assessment, with the reviewer's reason.
    let changes = &page[page.find("id=\"changes\"").unwrap()..];
    assert!(changes.contains("B.3"));
    assert!(changes.contains("<td>20</td><td>12,5</td>"), "{changes}");
    assert!(changes.contains(reason));
    // The council's form, for the council only.
    assert!(page.contains("action=\"/cycles/"));
    let (status, page) = fx
        .get(&format!("/cycles/{}/council", fx.cycle), &fx.reviewer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("name=\"decision\""));
}

#[tokio::test]
async fn the_council_approves_or_sends_back_with_a_reason() {
    let fx = fixture("review-council-decide").await;
    fx.state_to(CycleState::Council, None).await;
    let path = format!("/cycles/{}/council", fx.cycle);
    let version = fx.store.cycle(fx.cycle).await.unwrap().version.to_string();
    let (status, body) = fx
        .post(
            &path,
            &fx.council,
            &[
                ("decision", "send_back"),
                ("reason", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("«lý do»"));
    let (status, _) = fx
        .post(
            &path,
            &fx.council,
            &[
                ("decision", "send_back"),
                ("reason", "Xem lại B.3 của Sở Y tế"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = fx.store.cycle(fx.cycle).await.unwrap();
    assert_eq!(c.state, CycleState::Review);
    // The decision made on the old version is a conflict now.
    let (status, _) = fx
        .post(
            &path,
            &fx.council,
            &[("decision", "approve"), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    fx.state_to(CycleState::Council, None).await;
    let version = fx.store.cycle(fx.cycle).await.unwrap().version.to_string();
    // A reviewer may not decide for the council.
    let res = send(
        &fx.st,
        request(
            "POST",
            &path,
            Some(&fx.reviewer),
            Some(&form(
                &[("decision", "approve"), ("version", &version)],
                &fx.reviewer,
            )),
        ),
    )
    .await;
    assert!(denied(&res));
    let (status, _) = fx
        .post(
            &path,
            &fx.council,
            &[("decision", "approve"), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        fx.store.cycle(fx.cycle).await.unwrap().state,
        CycleState::Closed
    );
    let (_, page) = fx.get(&path, &fx.council).await;
    assert!(page.contains("Xem lại B.3 của Sở Y tế") && page.contains("Thông qua"));
}

#[tokio::test]
async fn a_ranking_that_cannot_be_computed_is_explained_and_names_are_escaped() {
    let fx = fixture("review-unranked").await;
    // A third unit, named like a script, takes part but never submits: the edition refuses a unit
    // without values (not_submitted = error), so the preliminary ranking waits and the page says why.
    fx.store
        .upsert_unit(
            "test",
            &NewUnit {
                code: "XSS".into(),
                name: "<script>alert(1)</script>".into(),
                category: "so-dvc".into(),
                ..NewUnit::default()
            },
        )
        .await
        .unwrap();
    let cycle = fx
        .store
        .open_cycle(
            "test",
            &NewCycle {
                year: 2027,
                edition_id: "hoabinh-2019".into(),
                deadline: "2099-12-31".into(),
                units: vec!["SYT".into(), "XSS".into()],
            },
        )
        .await
        .unwrap();
    let sub = fx.store.submission(cycle.id, "SYT").await.unwrap();
    for (key, value) in SYT {
        let entry = EntryWrite {
            submission_id: sub.id,
            key,
            value,
            expected_version: 0,
        };
        fx.store.save_entry("test", &entry).await.unwrap();
    }
    let sub = fx.store.submission(cycle.id, "SYT").await.unwrap();
    fx.store
        .set_submission_status(
            "head",
            sub.id,
            sub.version,
            SubmissionStatus::Submitted,
            None,
        )
        .await
        .unwrap();
    for path in [
        format!("/cycles/{}/council", cycle.id),
        format!("/cycles/{}/review", cycle.id),
        format!("/cycles/{}/units/XSS/review", cycle.id),
    ] {
        let (status, page) = fx.get(&path, &fx.council_or_reviewer(&path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        assert!(!page.contains("<script>"), "{path}");
    }
    let (_, page) = fx
        .get(&format!("/cycles/{}/council", cycle.id), &fx.council)
        .await;
    let problem = &page[page
        .find("Chưa tính được điểm của kỳ đánh giá")
        .expect(&page)..];
    assert!(problem.contains("XSS"), "{problem}");
    assert!(page.contains("Chưa kiểm tra được"));
    let (_, page) = fx
        .get(&format!("/cycles/{}/review", cycle.id), &fx.reviewer)
        .await;
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{page}"
    );
}

#[tokio::test]
async fn the_pages_speak_english_when_asked() {
    let fx = fixture("review-english").await;
    fx.adjust(&fx.reviewer, "SYT", "A.1", "9,5", "Thiếu minh chứng", "0")
        .await;
    let (_, page) = fx
        .get(
            &format!("{}?lang=en", fx.unit("SYT", "review")),
            &fx.reviewer,
        )
        .await;
    assert!(
        page.contains("Self-assessed total") && page.contains("Adjusted: 9.5"),
        "{page}"
    );
    assert_eq!(by_id(&page, "verified-total"), "82.5");
    let (status, body) = fx
        .post(
            &format!("{}?lang=en", fx.unit("SYT", "verify")),
            &fx.reviewer,
            &[
                ("criterion", "A.2"),
                ("decision", "adjusted"),
                ("points", "7"),
                ("reason", "x"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("Criterion A.2") && body.contains("above the maximum 6"),
        "{body}"
    );
}
