//! The authorization matrix: every route of `ROUTES` × every role and anonymous × an object of one's
//! own and another's, each asserted allowed or denied. The expectations are written here, apart from
//! `authz`; a route added without one fails the test.

use egov_store::{EvidenceSource, NewCycle, Role, Store};
use egov_web::ROUTES;

use crate::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Officer,
    Head,
    Reviewer,
    Council,
    Admin,
}

const WHO: [Who; 6] = [
    Who::Anonymous,
    Who::Officer,
    Who::Head,
    Who::Reviewer,
    Who::Council,
    Who::Admin,
];

/// Whether `who` may use route `(verb, path)` on its own object (`own`) or another's.
fn expected(verb: &str, path: &str, who: Who, own: bool) -> bool {
    use Who::*;
    let signed_in = who != Anonymous;
    let overseer = matches!(who, Admin | Reviewer | Council);
    match (verb, path) {
        ("GET", "/healthz" | "/style.css" | "/login") | ("POST", "/login") => true,
        ("POST", "/logout") | ("GET", "/") => signed_in,
        // One's own password: any signed-in user (the handler acts on the session's user only).
        ("GET" | "POST", "/account/password") => signed_in,
        ("GET", "/units") => overseer,
        ("GET", "/units/{code}") => overseer || (own && matches!(who, Officer | Head)),
        ("GET", "/units/new" | "/units/{code}/edit")
        | ("POST", "/units" | "/units/{code}")
        | ("GET", "/users" | "/users/{id}")
        | ("POST", "/users" | "/users/{id}/roles" | "/users/{id}/roles/{grant}/revoke")
        | ("POST", "/users/{id}/password" | "/users/{id}/deactivate" | "/users/{id}/reactivate") => {
            who == Admin
        }
        // The cycle, administered.
        ("GET", "/editions" | "/holidays" | "/cycles/new")
        | ("POST", "/editions" | "/holidays" | "/cycles" | "/cycles/{cycle}/state")
        | ("POST", "/cycles/{cycle}/units/{code}/extend")
        | ("POST", "/cycles/{cycle}/publish") => who == Admin,
        ("GET", "/cycles") => signed_in,
        ("GET", "/cycles/{cycle}" | "/cycles/{cycle}/council") => overseer,
        // One unit's submission: overseers read any; its officer and head read and edit their own.
        (
            "GET",
            "/cycles/{cycle}/units/{code}"
            | "/cycles/{cycle}/units/{code}/workbook"
            | "/cycles/{cycle}/units/{code}/evidence/{evidence}",
        ) => overseer || (own && matches!(who, Officer | Head)),
        (
            "POST",
            "/cycles/{cycle}/units/{code}"
            | "/cycles/{cycle}/units/{code}/workbook"
            | "/cycles/{cycle}/units/{code}/evidence"
            | "/cycles/{cycle}/units/{code}/evidence/{evidence}/remove"
            | "/cycles/{cycle}/units/{code}/explain",
        ) => own && matches!(who, Officer | Head),
        ("POST", "/cycles/{cycle}/units/{code}/submit") => own && who == Head,
        // Verification: reviewers, any unit (the admin of the fixture also holds a reviewer grant).
        ("GET", "/cycles/{cycle}/review" | "/cycles/{cycle}/units/{code}/review")
        | ("POST", "/cycles/{cycle}/units/{code}/verify" | "/cycles/{cycle}/units/{code}/return") =>
        {
            matches!(who, Reviewer | Admin)
        }
        ("POST", "/cycles/{cycle}/council") => who == Council,
        // The published results are public.
        ("GET", "/results" | "/results/{cycle}" | "/results/{cycle}/{version}/{file}") => true,
        // Notices: one's own only (another's is refused by the handler).
        ("GET", "/notices") => signed_in,
        ("POST", "/notices/{notice}/read") => signed_in && own,
        _ => panic!("{verb} {path}: the matrix has no expectation for this route; add one"),
    }
}

fn form_of(path: &str) -> &'static str {
    match path {
        "/login" => "login=nobody&password=wrong",
        "/units" => "code=MOI&name=Moi&category=so",
        "/units/{code}" => "name=Doi+ten&category=so",
        "/users" => "login=moi&display_name=Moi&password=mat-khau-dai-12",
        "/users/{id}/roles" => "role=council",
        "/users/{id}/roles/{grant}/revoke" => "reason=thu",
        "/users/{id}/deactivate" => "reason=nghi",
        "/account/password" => {
            "current=mat-khau-thu-nghiem-12&password=mat-khau-moi-dai-12&confirm=mat-khau-moi-dai-12"
        }
        // The cycle administered: an edition that does not validate (400), a holiday, a cycle opened
        // with a deadline in working days, a step forward at the version read, an extension.
        "/editions" => "toml=id+%3D+%22moi%22%0A",
        "/holidays" => "date=02%2F09%2F2026&name=Qu%E1%BB%91c+kh%C3%A1nh",
        "/cycles" => {
            "year=2026&edition=hoabinh-2019&scope=all&opened_on=31%2F08%2F2026&deadline_kind=days&deadline_days=5"
        }
        "/cycles/{cycle}/state" => "version=1&to=review",
        "/cycles/{cycle}/units/{code}/extend" => "deadline=15%2F01%2F2100&reason=mat+dien",
        // The unit's form: a draft save of an unchanged value, a document reference, a removal, the
        // head's confirmation (refused as the fixture's form is empty: 400, and logged).
        "/cycles/{cycle}/units/{code}" => "v.A.1=&ver.A.1=0",
        "/cycles/{cycle}/units/{code}/evidence" => {
            "key=A.1&number=15%2FQ%C4%90-UBND&date=15%2F01%2F2026&issuer=UBND"
        }
        "/cycles/{cycle}/units/{code}/evidence/{evidence}/remove" => "reason=nham",
        "/cycles/{cycle}/units/{code}/submit" => "confirm=1",
        // Verification, return, explanation, the council: on the cycle `prepare` moves on.
        "/cycles/{cycle}/units/{code}/verify" => "criterion=A.1&decision=accepted&version=0",
        "/cycles/{cycle}/units/{code}/return" => "reason=Thieu+minh+chung&version=2",
        "/cycles/{cycle}/units/{code}/explain" => "criterion=A.1&text=Giai+trinh",
        "/cycles/{cycle}/council" => "decision=approve&version=2",
        // Publishing: version 1 of the approved cycle for the first user, a correction (with its
        // reason) for the second; `publication` prepares the cycle.
        "/cycles/{cycle}/publish" => {
            "decision_number=12%2FQ%C4%90-UBND&decision_date=15%2F01%2F2027&reason=%C4%90%C3%ADnh+ch%C3%ADnh"
        }
        _ => "",
    }
}

/// Moves the fixture's cycle to where the routes of verification, explanation and the council act
/// (the fixture is an open cycle in which nobody submitted): both units submit one value, then the
/// cycle goes to review, its explanation round or its council. Their categories become the
/// edition's, so that the engine can score them.
async fn prepare(store: &Store, fx: &Fixture, path: &str) {
    use egov_store::CycleState;
    let state = match path {
        "/cycles/{cycle}/units/{code}/verify" | "/cycles/{cycle}/units/{code}/return" => {
            CycleState::Review
        }
        "/cycles/{cycle}/units/{code}/explain" => CycleState::Explanation,
        "/cycles/{cycle}/council" => CycleState::Council,
        _ => return,
    };
    for code in ["A", "B"] {
        let mut unit = store.unit(code).await.unwrap();
        unit.category = "so-dvc".into();
        store
            .upsert_unit(
                "test",
                &egov_store::NewUnit {
                    code: unit.code,
                    name: unit.name,
                    category: unit.category,
                    ..egov_store::NewUnit::default()
                },
            )
            .await
            .unwrap();
        let sub = store.submission(fx.cycle, code).await.unwrap();
        let entry = egov_store::EntryWrite {
            submission_id: sub.id,
            key: "A.1",
            value: "5",
            expected_version: 0,
        };
        store.save_entry("test", &entry).await.unwrap();
        store
            .set_submission_status(
                "test",
                sub.id,
                sub.version,
                egov_store::SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
    }
    let c = store.cycle(fx.cycle).await.unwrap();
    store
        .set_cycle_state("test", c.id, c.version, state, None, None)
        .await
        .unwrap();
}

/// The publication routes act on a cycle the council approved (publish) or a published one (the
/// public results): both units submit their group points under the edition's category, the cycle is
/// closed as the council's approval leaves it, and for the results the admin's publishing path
/// publishes version 1, so that `/results/{cycle}/1/phu-luc.csv` exists.
async fn publication(store: &Store, fx: &Fixture, path: &str) {
    let publish = match path {
        "/cycles/{cycle}/publish" => false,
        "/results/{cycle}" | "/results/{cycle}/{version}/{file}" => true,
        _ => return,
    };
    for code in ["A", "B"] {
        let unit = store.unit(code).await.unwrap();
        store
            .upsert_unit(
                "test",
                &egov_store::NewUnit {
                    code: unit.code,
                    name: unit.name,
                    category: "so-dvc".into(),
                    ..egov_store::NewUnit::default()
                },
            )
            .await
            .unwrap();
        let sub = store.submission(fx.cycle, code).await.unwrap();
        let writes: Vec<egov_store::DraftWrite> = ["A.1", "A.2", "A.3", "B.1", "B.2", "B.3"]
            .into_iter()
            .map(|key| egov_store::DraftWrite {
                key: key.into(),
                value: "1".into(),
                expected_version: 0,
            })
            .collect();
        let saved = store.save_draft("test", sub.id, &writes).await.unwrap();
        store
            .set_submission_status(
                "test",
                sub.id,
                saved.submission.version,
                egov_store::SubmissionStatus::Submitted,
                None,
            )
            .await
            .unwrap();
    }
    let c = store.cycle(fx.cycle).await.unwrap();
    store
        .set_cycle_state(
            "test",
            c.id,
            c.version,
            egov_store::CycleState::Closed,
            None,
            None,
        )
        .await
        .unwrap();
    if publish {
        let request = egov_web::publish::PublishRequest {
            cycle_id: fx.cycle,
            decision_number: "12/QĐ-UBND",
            decision_date: egov_core::calendar::parse_date("15/01/2027").unwrap(),
            reason: None,
        };
        egov_web::publish::publish_cycle(store, "test", &request, egov_core::Lang::Vi)
            .await
            .unwrap();
    }
}

/// The objects of one cycle that the routes name: the cycle, a piece of evidence of each unit.
struct Fixture {
    cycle: i64,
    evidence_a: i64,
    evidence_b: i64,
}

async fn cycle_fixture(store: &Store) -> Fixture {
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
                units: vec!["A".into(), "B".into()],
            },
        )
        .await
        .unwrap();
    let mut evidence = Vec::new();
    for unit in ["A", "B"] {
        let sub = store.submission(cycle.id, unit).await.unwrap();
        let e = store
            .add_evidence(
                "test",
                sub.id,
                "1.1",
                &EvidenceSource::Document {
                    number: "12/QĐ-UBND".into(),
                    date: Some("2026-01-15".into()),
                    issuer: Some("UBND".into()),
                    link: None,
                },
            )
            .await
            .unwrap();
        evidence.push(e.id);
    }
    Fixture {
        cycle: cycle.id,
        evidence_a: evidence[0],
        evidence_b: evidence[1],
    }
}

#[tokio::test]
async fn every_route_every_role_own_and_other() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for route in ROUTES {
        // A fresh database per route: the allowed POSTs change it.
        let store = fresh_store("matrix").await;
        add_unit(&store, "A", "Đơn vị A").await;
        add_unit(&store, "B", "Đơn vị B").await;
        let officer = add_user(&store, "officer", &[(Role::UnitOfficer, Some("A"))]).await;
        let head = add_user(&store, "head", &[(Role::UnitHead, Some("A"))]).await;
        let reviewer = add_user(&store, "reviewer", &[(Role::Reviewer, None)]).await;
        let council = add_user(&store, "council", &[(Role::Council, None)]).await;
        // The admin's second grant is the one it revokes as "its own".
        let admin = add_user(
            &store,
            "admin",
            &[(Role::Admin, None), (Role::Reviewer, None)],
        )
        .await;
        let fx = cycle_fixture(&store).await;
        publication(&store, &fx, route.path).await;
        prepare(&store, &fx, route.path).await;
        let st = state(&store);
        let verb = route.verb.as_str();
        for who in WHO {
            let me = match who {
                Who::Anonymous | Who::Officer => officer,
                Who::Head => head,
                Who::Reviewer => reviewer,
                Who::Council => council,
                Who::Admin => admin,
            };
            let someone_else = if me == officer { head } else { officer };
            for own in [true, false] {
                let user_id = if own { me } else { someone_else };
                let grant = store.role_grants(user_id).await.unwrap().last().unwrap().id;
                let notice = store
                    .add_notice(Some(user_id), None, "test", "Thông báo")
                    .await
                    .unwrap()
                    .id;
                let evidence = if own { fx.evidence_a } else { fx.evidence_b };
                let path = route
                    .path
                    .replace("{code}", if own { "A" } else { "B" })
                    .replace("{id}", &user_id.to_string())
                    .replace("{grant}", &grant.to_string())
                    .replace("{cycle}", &fx.cycle.to_string())
                    .replace("{evidence}", &evidence.to_string())
                    .replace("{notice}", &notice.to_string())
                    .replace("{version}", "1")
                    .replace("{file}", "phu-luc.csv");
                let browser = match who {
                    Who::Anonymous => None,
                    _ => Some(sign_in(&store, me).await),
                };
                let form = (verb == "POST").then(|| {
                    let csrf = browser.as_ref().map(|b| b.csrf.as_str()).unwrap_or("");
                    format!("{}&_csrf={csrf}", form_of(route.path))
                });
                let res = send(&st, request(verb, &path, browser.as_ref(), form.as_deref())).await;
                let status = res.status();
                let want = expected(verb, route.path, who, own);
                if denied(&res) == want {
                    wrong.push(format!(
                        "{verb} {path} as {who:?} (own object: {own}): status {status}, expected {}",
                        if want { "allowed" } else { "denied" }
                    ));
                } else if want && matches!(status.as_u16(), 404 | 405 | 500) {
                    let body = body_text(res).await;
                    wrong.push(format!(
                        "{verb} {path} as {who:?}: {status} ({})",
                        egov_core::text::cut(&body, 300)
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} checks wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(checked, ROUTES.len() * WHO.len() * 2);
}
