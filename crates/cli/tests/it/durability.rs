//! Durability of `egov serve` on SQLite: a burst of concurrent draft saves, the server killed with
//! SIGKILL in the middle of it, started again on the same file — and every save the server had
//! acknowledged (its 303 reached the client) is there. A save in flight when the server died may be
//! there or not (the client never learnt either way), but nothing acknowledged is lost and nothing is
//! half-written (a value always matches its version).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use egov_store::{NewCycle, NewUnit, Role, Store};

/// The Hòa Bình districts' criteria: each writer saves one, over and over.
const KEYS: [&str; 6] = ["A.1", "A.2", "A.3", "B.1", "B.2", "B.3"];
const PASSWORD: &str = "mat-khau-ben-vung-12";

/// The value the `n`-th save of a key writes (within every criterion's maximum): a stored value must
/// be the one of its stored version.
fn value(n: i64) -> String {
    format!("{},{}", n % 5, n % 10)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A database with the edition, one district, its officer and an open cycle; returns the cycle id.
fn prepare(db: &str) -> i64 {
    runtime().block_on(async {
        let store = Store::open(db).await.unwrap();
        store
            .put_edition(
                "test",
                "hoabinh-2019",
                include_str!("../../../../data/editions/hoabinh-2019.toml"),
            )
            .await
            .unwrap();
        store
            .upsert_unit(
                "test",
                &NewUnit {
                    code: "LS".into(),
                    name: "Huyện Lạc Sơn".into(),
                    category: "huyen".into(),
                    ..NewUnit::default()
                },
            )
            .await
            .unwrap();
        let hash = egov_web::session::hash_password(PASSWORD).unwrap();
        let user = store
            .create_user("test", "can-bo", "Cán bộ", &hash)
            .await
            .unwrap();
        store
            .grant_role("test", user.id, Role::UnitOfficer, Some("LS"))
            .await
            .unwrap();
        let cycle = store
            .open_cycle(
                "test",
                &NewCycle {
                    year: 2026,
                    edition_id: "hoabinh-2019".into(),
                    deadline: "2099-12-31".into(),
                    units: vec!["LS".into()],
                },
            )
            .await
            .unwrap();
        store.close().await;
        cycle.id
    })
}

struct Server {
    child: Child,
    addr: String,
}

fn start(db: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args([
            "serve",
            "--database",
            db,
            "--listen",
            "127.0.0.1:0",
            "--no-demo",
        ])
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("egov serve printed its address")
            .unwrap();
        if let Some(url) = line.strip_prefix("egov serve: http://") {
            break url.trim_end_matches('/').to_string();
        }
    };
    // Keep reading what it prints, so a full pipe never blocks it.
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr }
}

/// One HTTP/1.1 exchange on its own connection; `None` when the connection failed or was cut.
fn exchange(addr: &str, request: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    (!out.is_empty()).then_some(out)
}

fn post(addr: &str, path: &str, cookie: &str, body: &str) -> Option<String> {
    exchange(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// Signs in; returns the session cookie (`name=token`) and the session's CSRF token (read from the
/// database: the page's markup is not what this test is about).
fn sign_in(addr: &str, db: &str) -> (String, String) {
    let body = format!("login=can-bo&password={PASSWORD}");
    let res = post(addr, "/login", "", &body).expect("login answered");
    assert!(res.starts_with("HTTP/1.1 303"), "{res}");
    let cookie = res
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .filter(|c| c.starts_with(egov_web::session::SESSION_COOKIE))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = cookie.split_once('=').unwrap().1.to_string();
    let csrf = runtime().block_on(async {
        let store = Store::open_existing(db).await.unwrap();
        let s = store
            .session(&egov_web::session::token_hash(&token), egov_store::now_ms())
            .await
            .unwrap()
            .expect("the session is in the database");
        store.close().await;
        s.csrf_token
    });
    (cookie, csrf)
}

#[test]
fn sigkill_during_a_burst_of_saves_loses_no_acknowledged_save() {
    let dir = crate::hostile::scratch("durability");
    let db = dir.join("egov.db");
    let db = db.to_str().unwrap().to_string();
    let cycle = prepare(&db);
    let mut server = start(&db);
    let (cookie, csrf) = sign_in(&server.addr, &db);
    let path = format!("/cycles/{cycle}/units/LS");
    let stop = Arc::new(AtomicBool::new(false));
    // How many writers have had a save acknowledged: the kill waits for all of them.
    let started = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = KEYS
        .iter()
        .map(|key| {
            let (addr, cookie, csrf, path, stop, started) = (
                server.addr.clone(),
                cookie.clone(),
                csrf.clone(),
                path.clone(),
                stop.clone(),
                started.clone(),
            );
            std::thread::spawn(move || {
                // The number of saves of this key the server acknowledged.
                let mut acked: i64 = 0;
                while !stop.load(Ordering::Relaxed) {
                    let n = acked + 1;
                    let body = format!(
                        "_csrf={csrf}&v.{key}={}&ver.{key}={acked}",
                        value(n).replace(',', "%2C")
                    );
                    match post(&addr, &path, &cookie, &body) {
                        Some(res) if res.starts_with("HTTP/1.1 303") => {
                            if acked == 0 {
                                started.fetch_add(1, Ordering::Relaxed);
                            }
                            acked = n;
                        }
                        Some(res) => panic!("save {n} of {key} refused: {res}"),
                        // The server is gone: what was in flight is unknown to this client.
                        None => break,
                    }
                }
                (key.to_string(), acked)
            })
        })
        .collect();
    // Let the burst run until every writer has had saves acknowledged (on a loaded 2-core machine one
    // writer may wait its turn for the database well past a fixed pause), then a little longer, then
    // kill the server without warning (SIGKILL: no shutdown, no flush).
    let waited = std::time::Instant::now();
    while started.load(Ordering::Relaxed) < KEYS.len() {
        assert!(
            waited.elapsed() < Duration::from_secs(120),
            "only {} of {} writers had a save acknowledged in two minutes",
            started.load(Ordering::Relaxed),
            KEYS.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1000));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let acked: Vec<(String, i64)> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    assert!(
        acked.iter().all(|(_, n)| *n > 0),
        "every writer had saves acknowledged before the kill: {acked:?}"
    );

    eprintln!("saves acknowledged before SIGKILL: {acked:?}");
    // Started again on the same file (SQLite recovers its write-ahead log), the saves are there.
    let again = start(&db);
    let stored = runtime().block_on(async {
        let store = Store::open_existing(&db).await.unwrap();
        let sub = store.submission(cycle, "LS").await.unwrap();
        let entries = store.entries(sub.id).await.unwrap();
        store.close().await;
        entries
    });
    for (key, n) in &acked {
        let e = stored
            .iter()
            .find(|e| &e.key == key)
            .unwrap_or_else(|| panic!("{key}: {n} saves acknowledged, none stored"));
        assert!(
            e.version == *n || e.version == n + 1,
            "{key}: {n} saves acknowledged, version {} stored",
            e.version
        );
        assert_eq!(e.value, value(e.version), "{key}: value of another version");
    }
    drop(again);
    std::fs::remove_dir_all(&dir).ok();
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
