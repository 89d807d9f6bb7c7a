//! Security tests: CSRF and origin, cookie flags and session renewal, login throttling, escaping,
//! security headers on every response.

use axum::http::{StatusCode, header};
use egov_store::Role;
use egov_web::{Config, ROUTES};

use crate::*;

async fn admin_app(name: &str) -> (Store, AppState, Browser) {
    let store = fresh_store(name).await;
    let admin = add_user(&store, "admin", &[(Role::Admin, None)]).await;
    let b = sign_in(&store, admin).await;
    let st = state(&store);
    (store, st, b)
}

#[tokio::test]
async fn missing_or_wrong_csrf_or_foreign_origin_is_403() {
    let (store, st, b) = admin_app("csrf").await;
    let body = "code=X&name=X&category=so";
    for form in [
        body.to_string(),
        format!("{body}&_csrf="),
        format!("{body}&_csrf={}", "0".repeat(64)),
    ] {
        let res = send(&st, request("POST", "/units", Some(&b), Some(&form))).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{form}");
    }
    let good = format!("{body}&_csrf={}", b.csrf);
    let mut foreign = request("POST", "/units", Some(&b), Some(&good));
    foreign
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert_eq!(send(&st, foreign).await.status(), StatusCode::FORBIDDEN);
    let mut no_origin = request("POST", "/units", Some(&b), Some(&good));
    no_origin.headers_mut().remove(header::ORIGIN);
    assert_eq!(send(&st, no_origin).await.status(), StatusCode::FORBIDDEN);
    assert!(
        store.unit("X").await.is_err(),
        "nothing refused was written"
    );
    let res = send(&st, request("POST", "/units", Some(&b), Some(&good))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.unit("X").await.unwrap().name, "X");
}

fn login_form(password: &str) -> String {
    format!("login=admin&password={password}")
}

fn session_token(res: &axum::http::Response<Body>) -> (String, String) {
    let c = res
        .headers()
        .get(header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    let token = c
        .strip_prefix(&format!("{}=", session::SESSION_COOKIE))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (c, token)
}

#[tokio::test]
async fn login_sets_strict_cookie_and_renews_the_session() {
    let (store, st, _) = admin_app("cookie").await;
    let res = send(
        &st,
        request("POST", "/login", None, Some(&login_form(PASSWORD))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (cookie, first) = session_token(&res);
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    // Only the hash is stored.
    assert!(
        store
            .session(&first, egov_store::now_ms())
            .await
            .unwrap()
            .is_none()
    );
    let stored = store
        .session(&session::token_hash(&first), egov_store::now_ms())
        .await
        .unwrap();
    let held = Browser {
        token: first.clone(),
        csrf: stored.unwrap().csrf_token,
    };
    // Signed in, the login form carries the session's CSRF token like every form.
    let again = format!("{}&_csrf={}", login_form(PASSWORD), held.csrf);
    let res = send(&st, request("POST", "/login", Some(&held), Some(&again))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, second) = session_token(&res);
    assert_ne!(first, second, "a new session id at login");
    let old = send(&st, request("GET", "/", Some(&held), None)).await;
    assert!(denied(&old), "the session held before login has ended");
    let new = Browser {
        token: second,
        csrf: String::new(),
    };
    assert_eq!(
        send(&st, request("GET", "/", Some(&new), None))
            .await
            .status(),
        StatusCode::OK
    );

    // Only the explicit dev setting drops Secure.
    let dev = AppState {
        store: store.clone(),
        config: Config {
            secure_cookies: false,
            ..Config::default()
        },
    };
    let res = send(
        &dev,
        request("POST", "/login", None, Some(&login_form(PASSWORD))),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{:?}", res.headers());
    let (cookie, _) = session_token(&res);
    assert!(
        !cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn wrong_passwords_throttle_the_login() {
    let (_, st, _) = admin_app("throttle").await;
    for _ in 0..5 {
        let res = send(
            &st,
            request("POST", "/login", None, Some(&login_form("sai"))),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().get(header::SET_COOKIE).is_none());
    }
    let res = send(
        &st,
        request("POST", "/login", None, Some(&login_form(PASSWORD))),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(res.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_script_in_a_unit_name_is_shown_escaped() {
    let (store, st, b) = admin_app("escape").await;
    add_unit(&store, "XSS", "<script>alert(1)</script>").await;
    for path in ["/units", "/units/XSS", "/units/XSS/edit"] {
        let res = send(&st, request("GET", path, Some(&b), None)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = body_text(res).await;
        assert!(!html.contains("<script>"), "{path}: {html}");
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || html.contains("&lt;script&gt;"),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (_, st, b) = admin_app("headers").await;
    let mut paths: Vec<(&str, String)> = ROUTES
        .iter()
        .map(|r| {
            let p = r
                .path
                .replace("{code}", "NONE")
                .replace("{id}", "1")
                .replace("{grant}", "1");
            (r.verb.as_str(), p)
        })
        .collect();
    paths.push(("GET", "/no-such-page".into()));
    paths.push(("DELETE", "/units".into()));
    for who in [None, Some(&b)] {
        for (verb, path) in &paths {
            let form = (*verb == "POST").then_some("_csrf=x");
            let res = send(&st, request(verb, path, who, form)).await;
            let h = res.headers();
            let csp = h
                .get("content-security-policy")
                .map(|v| v.to_str().unwrap());
            assert!(
                csp.is_some_and(
                    |c| c.contains("default-src 'self'") && c.contains("frame-ancestors 'none'")
                ),
                "{verb} {path}: {csp:?}"
            );
            assert_eq!(
                h.get("x-content-type-options").unwrap(),
                "nosniff",
                "{verb} {path}"
            );
            assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{verb} {path}");
            assert!(h.get("referrer-policy").is_some(), "{verb} {path}");
            assert!(h.get("permissions-policy").is_some(), "{verb} {path}");
        }
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (_, st, b) = admin_app("limit").await;
    let big = format!("_csrf={}&name={}", b.csrf, "x".repeat(100 * 1024));
    let res = send(&st, request("POST", "/units", Some(&b), Some(&big))).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn english_on_request_and_remembered() {
    let (_, st, b) = admin_app("lang").await;
    let res = send(&st, request("GET", "/?lang=en", Some(&b), None)).await;
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(body_text(res).await.contains("Sign out"));
    let res = send(&st, request("GET", "/", Some(&b), None)).await;
    assert!(
        body_text(res).await.contains("Đăng xuất"),
        "Vietnamese first"
    );
}
