//! `egov serve` through the binary: the first start creates the database and prints the demo accounts
//! and the address once; the demo's 2019 results are published (public, ranked as the decision
//! ranks them); an admin signs in with the printed password; a second start seeds nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    /// Kept open while the server runs (a closed pipe is not what a server meets in use).
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
    addr: String,
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `egov serve` on a free port and reads what it prints up to its address.
fn start(db: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args([
            "serve",
            "--database",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .args(extra)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("egov serve printed its address")
            .unwrap();
        if let Some(url) = line.strip_prefix("egov serve: http://") {
            break url.trim_end_matches('/').to_string();
        }
        printed.push(line);
    };
    Server {
        child,
        _stdout: lines,
        addr,
        printed,
    }
}

fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// The body of a response, as bytes (a file may not be text).
fn http_body(addr: &str, request: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let at = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response with a body");
    assert!(out.starts_with(b"HTTP/1.1 200"), "{request}");
    out.split_off(at + 4)
}

#[test]
fn first_start_seeds_a_demo_whose_admin_signs_in() {
    let dir = crate::hostile::scratch("serve");
    let db = dir.join("egov.db");
    let server = start(&db, &[]);
    let admin = server
        .printed
        .iter()
        .find_map(|l| l.trim().strip_prefix("admin"))
        .unwrap_or_else(|| panic!("no admin account in {:?}", server.printed));
    let password = admin.split_whitespace().next().unwrap();
    let addr = &server.addr;
    let health = http(
        addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // The 2019 results as a published cycle: public, its ranking shown from the published snapshot.
    let results = server
        .printed
        .iter()
        .find_map(|l| {
            let at = l.find(&format!("http://{addr}/results/"))?;
            l[at + addr.len() + 7..].split([';', ' ']).next()
        })
        .unwrap_or_else(|| panic!("no published results in {:?}", server.printed))
        .to_string();
    let get = |path: &str| {
        http(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        )
    };
    let page = get(&results);
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains("2870/QĐ-UBND") && page.contains("18/12/2019"),
        "{page}"
    );
    // Sở Kế hoạch - Đầu tư first with 27,0 + 47,4 = 74,4, as the decision ranks it.
    let first = "<tr><td>1</td><td>Sở Kế hoạch - Đầu tư</td><td class=\"num\">27,0</td>\
                 <td class=\"num\">47,4</td><td class=\"num\">74,4</td><td class=\"num\">1</td></tr>";
    assert!(page.contains(first), "{page}");
    let csv = get(&format!("{results}/1/phu-luc.csv"));
    assert!(
        csv.starts_with("HTTP/1.1 200") && csv.contains("attachment; filename=\"phu-luc.csv\""),
        "{csv}"
    );
    let list = get("/results");
    assert!(list.contains(&format!("href=\"{results}\"")), "{list}");
    // The published files are what `egov export` makes of the same data under the same decision.
    let out = dir.join("export");
    let (code, _, err) = crate::cli::egov(&[
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "docx",
        "--format",
        "pdf",
        "--format",
        "csv",
        "--format",
        "json",
        "--decision-number",
        "2870/QĐ-UBND",
        "--decision-date",
        "18/12/2019",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for ext in ["docx", "pdf", "csv"] {
        let served = http_body(
            addr,
            &format!(
                "GET {results}/1/phu-luc.{ext} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            ),
        );
        let exported = std::fs::read(out.join(format!("hoabinh-2019.{ext}"))).unwrap();
        assert!(served == exported, "phu-luc.{ext} is not egov export's");
    }
    let body = format!("login=admin&password={password}");
    let login = http(
        addr,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(login.starts_with("HTTP/1.1 303"), "{login}");
    assert!(
        login.contains("HttpOnly; SameSite=Strict; Secure"),
        "{login}"
    );
    drop(server);

    // The demo is seeded once: the passwords are never printed again.
    let again = start(&db, &[]);
    assert!(
        !again.printed.iter().any(|l| l.contains("admin")),
        "{:?}",
        again.printed
    );
    drop(again);
    // Production: no demo account, the way to make the first administrator said, and the shipped
    // editions in the database all the same (they are data, not demo).
    let production = dir.join("production.db");
    let bare = start(&production, &["--no-demo"]);
    assert!(
        !bare
            .printed
            .iter()
            .any(|l| l.trim_start().starts_with("admin")),
        "{:?}",
        bare.printed
    );
    assert!(
        bare.printed
            .iter()
            .any(|l| l.contains("egov add-user --database") && l.contains("--role admin")),
        "{:?}",
        bare.printed
    );
    let editions = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let store = egov_store::Store::open_existing(production.to_str().unwrap())
                .await
                .unwrap();
            let e = store.editions().await.unwrap();
            store.close().await;
            e
        });
    let mut ids: Vec<&str> = editions.iter().map(|e| e.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["commune-2392", "dti-2022-province", "hoabinh-2019"]);
    drop(bare);
    std::fs::remove_dir_all(&dir).ok();
}
