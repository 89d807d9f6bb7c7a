//! egov-web's tests, through the router as a tower service (`oneshot`) on a fresh SQLite store per
//! test, and a few on a real listener (`127.0.0.1:0`).

mod cycles;
mod fixes;
mod form;
mod home;
mod listener;
mod matrix;
mod publish;
mod reminders;
mod review;
mod scoring;
mod security;
mod uploads;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use egov_store::{NewUnit, Role, Session, Store};
use egov_web::{AppState, Config, router, session};
use tower::ServiceExt;

/// The shipped Hòa Bình 2019 edition, the edition of the tests' cycles.
pub const HOABINH_2019: &str = include_str!("../../../../data/editions/hoabinh-2019.toml");

/// The password of every test user (hashed once: argon2 is the slow part of a user).
pub const PASSWORD: &str = "mat-khau-thu-nghiem-12";

fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| session::hash_password(PASSWORD).unwrap())
}

/// A fresh folder for one test (`what` names it): in this process's own folder of the temporary
/// folder, `egov-web-tests/<pid>`. There is no hook after the last test to remove it, so the first
/// call removes instead the folders of the runs before whose process is gone — a run leaves about a
/// hundred databases, which otherwise piled up run after run.
pub fn test_dir(what: &str) -> std::path::PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    static SWEPT: OnceLock<()> = OnceLock::new();
    let root = std::env::temp_dir().join("egov-web-tests");
    SWEPT.get_or_init(|| sweep_dead(&root));
    let dir = root
        .join(std::process::id().to_string())
        .join(format!("{}-{what}", N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Removes the folders under `root` named by the id of a process that is gone. Whether a process
/// lives is read from /proc; without it, nothing is removed.
fn sweep_dead(root: &std::path::Path) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let pid = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok());
        if pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The folders of a run whose process is gone are removed, this process's and other names are not
/// (pid 999999999 is past Linux's largest, so no process has it).
#[test]
fn test_folders_of_gone_runs_are_removed() {
    let root = test_dir("sweep");
    let own = root.join(std::process::id().to_string());
    let gone = root.join("999999999");
    let other = root.join("notes");
    for d in [&own, &gone, &other] {
        std::fs::create_dir_all(d.join("egov.db-folder")).unwrap();
    }
    sweep_dead(&root);
    assert!(own.exists() && other.exists());
    assert!(!gone.exists());
    std::fs::remove_dir_all(&root).unwrap();
}

/// A fresh database in its own folder.
pub async fn fresh_store(name: &str) -> Store {
    let dir = test_dir(name);
    Store::open(dir.join("egov.db").to_str().unwrap())
        .await
        .unwrap()
}

pub fn state(store: &Store) -> AppState {
    AppState {
        store: store.clone(),
        config: Config::default(),
    }
}

pub async fn add_unit(store: &Store, code: &str, name: &str) {
    store
        .upsert_unit(
            "test",
            &NewUnit {
                code: code.into(),
                name: name.into(),
                category: "so".into(),
                ..NewUnit::default()
            },
        )
        .await
        .unwrap();
}

/// A user with these grants; returns its id.
pub async fn add_user(store: &Store, login: &str, grants: &[(Role, Option<&str>)]) -> i64 {
    let u = store
        .create_user("test", login, login, password_hash())
        .await
        .unwrap();
    for (role, unit) in grants {
        store.grant_role("test", u.id, *role, *unit).await.unwrap();
    }
    u.id
}

/// A signed-in browser: the session cookie's token and the session's CSRF token.
#[derive(Clone)]
pub struct Browser {
    pub token: String,
    pub csrf: String,
}

/// A new session for a user, as a login would make it.
pub async fn sign_in(store: &Store, user_id: i64) -> Browser {
    let token = session::new_token().unwrap();
    let csrf = session::new_token().unwrap();
    let now = egov_store::now_ms();
    store
        .create_session(&Session {
            token_hash: session::token_hash(&token),
            user_id,
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: now + 3_600_000,
        })
        .await
        .unwrap();
    Browser { token, csrf }
}

/// A request as a browser on this site sends it: Host, and for a POST a form body and Origin.
pub fn request(
    method: &str,
    path: &str,
    who: Option<&Browser>,
    form: Option<&str>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost");
    if let Some(w) = who {
        b = b.header(
            header::COOKIE,
            format!("{}={}", session::SESSION_COOKIE, w.token),
        );
    }
    match form {
        Some(f) => b
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(f.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

pub async fn send(state: &AppState, req: Request<Body>) -> Response<Body> {
    router(state.clone()).oneshot(req).await.unwrap()
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Whether a response is the guard's refusal: 403, or the redirect to sign in.
pub fn denied(res: &Response<Body>) -> bool {
    res.status() == StatusCode::FORBIDDEN
        || (res.status() == StatusCode::SEE_OTHER
            && res.headers().get(header::LOCATION).unwrap() == egov_web::error::SIGN_IN)
}
