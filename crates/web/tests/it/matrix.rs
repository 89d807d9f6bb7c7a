//! The authorization matrix: every route of `ROUTES` × every role and anonymous × an object of one's
//! own and another's, each asserted allowed or denied. The expectations are written here, apart from
//! `authz`; a route added without one fails the test.

use egov_store::Role;
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
        ("GET", "/units") => overseer,
        ("GET", "/units/{code}") => overseer || (own && matches!(who, Officer | Head)),
        ("GET", "/units/new" | "/units/{code}/edit")
        | ("POST", "/units" | "/units/{code}")
        | ("GET", "/users" | "/users/{id}")
        | ("POST", "/users" | "/users/{id}/roles" | "/users/{id}/roles/{grant}/revoke") => {
            who == Admin
        }
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
        _ => "",
    }
}

#[tokio::test]
async fn every_route_every_role_own_and_other() {
    let mut checked = 0;
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
                let path = route
                    .path
                    .replace("{code}", if own { "A" } else { "B" })
                    .replace("{id}", &user_id.to_string())
                    .replace("{grant}", &grant.to_string());
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
                assert_eq!(
                    !denied(&res),
                    want,
                    "{verb} {path} as {who:?} (own object: {own}): status {status}"
                );
                if want {
                    assert!(
                        !matches!(status.as_u16(), 404 | 405 | 500),
                        "{verb} {path} as {who:?}: {status} ({})",
                        body_text(res).await
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, ROUTES.len() * WHO.len() * 2);
}
