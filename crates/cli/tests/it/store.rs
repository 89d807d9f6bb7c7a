//! `egov migrate`, `verify-log`, `backup` and `restore` through the binary, on SQLite files made with
//! the store library (and `migrate`/`verify-log` on PostgreSQL when `EGOV_TEST_POSTGRES` is set).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use egov_store::{EntryWrite, NewCycle, NewUnit, Store};
use sqlx::Connection;

/// `egov args…` in `dir`, messages in Vietnamese unless `--lang en` is given.
fn egov_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(args)
        .current_dir(dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-store-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn unit(code: &str, name: &str) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: name.into(),
        category: "so".into(),
        ..NewUnit::default()
    }
}

/// A database with a unit registry, a cycle and saved entries: 7 log entries.
async fn filled(path: &Path) -> Store {
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    s.upsert_unit("admin", &unit("SYT", "Sở Y tế"))
        .await
        .unwrap();
    s.upsert_unit("admin", &unit("STC", "Sở Tài chính"))
        .await
        .unwrap();
    s.put_edition("admin", "hb", "id = \"hb\"\n").await.unwrap();
    let c = s
        .open_cycle(
            "admin",
            &NewCycle {
                year: 2019,
                edition_id: "hb".into(),
                deadline: "2019-11-30".into(),
                units: vec!["SYT".into(), "STC".into()],
            },
        )
        .await
        .unwrap();
    let sub = s.submission(c.id, "SYT").await.unwrap();
    for (key, value) in [("A.1", "27,5"), ("A.2", "Có"), ("B.1", "3")] {
        let w = EntryWrite {
            submission_id: sub.id,
            key,
            value,
            expected_version: 0,
        };
        s.save_entry("lan", &w).await.unwrap();
    }
    s
}

/// Runs SQL on the file behind egov's back.
async fn tamper(path: &Path, sql: &'static str) {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    c.close().await.unwrap();
}

#[test]
fn verify_log_exit_codes_and_the_first_broken_entry() {
    let dir = scratch("verify");
    let db = dir.join("egov.db");
    rt().block_on(async { filled(&db).await.close().await });
    let (code, out, err) = egov_in(&dir, &["verify-log", "--database", "egov.db"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("nhật ký nguyên vẹn: 7 mục; mục cuối 7, mã băm "),
        "{out}"
    );

    rt().block_on(tamper(
        &db,
        "UPDATE audit_log SET after = '{\"value\":\"30\"}' WHERE seq = 6",
    ));
    let (code, out, _) = egov_in(&dir, &["verify-log", "--database", "egov.db"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("mục 6: nội dung không khớp mã băm của mục (đã bị sửa)"),
        "{out}"
    );
    let (code, out, _) = egov_in(
        &dir,
        &["--lang", "en", "verify-log", "--database", "egov.db"],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("entry 6: its content does not match its hash (edited)"),
        "{out}"
    );

    rt().block_on(tamper(&db, "DELETE FROM audit_log WHERE seq = 2"));
    let (code, out, _) = egov_in(&dir, &["verify-log", "--database", "egov.db"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("mục 2: mục bị thiếu (đã bị xóa): sau mục trước là mục 3"),
        "{out}"
    );

    // Cannot open: a missing file (not created), a file that is not a database.
    let (code, _, err) = egov_in(&dir, &["verify-log", "--database", "none.db"]);
    assert_eq!(code, 2);
    assert!(err.contains("none.db: không có cơ sở dữ liệu này"), "{err}");
    assert!(!dir.join("none.db").exists());
    std::fs::write(dir.join("text.db"), "not a database").unwrap();
    let (code, _, err) = egov_in(&dir, &["verify-log", "--database", "text.db"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("text.db: đây không phải tệp cơ sở dữ liệu SQLite"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn swapped_log_rows_are_found_through_the_binary() {
    let dir = scratch("swap");
    let db = dir.join("egov.db");
    rt().block_on(async {
        filled(&db).await.close().await;
        tamper(
            &db,
            "UPDATE audit_log SET seq = -1 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; \
             UPDATE audit_log SET seq = 5 WHERE seq = -1;",
        )
        .await;
    });
    let (code, out, _) = egov_in(
        &dir,
        &["--lang", "en", "verify-log", "--database", "egov.db"],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("entry 4: it does not follow the hash of the entry before it"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn backup_of_a_database_in_use_and_restore_round_trip() {
    let dir = scratch("roundtrip");
    let db = dir.join("egov.db");
    let rt = rt();
    // The store stays open (its last writes may still be in the WAL) while the backup is made.
    let store = rt.block_on(filled(&db));
    let (code, out, err) = egov_in(
        &dir,
        &["backup", "--database", "egov.db", "--out", "bk/sao-luu.db"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("đã sao lưu egov.db vào bk/sao-luu.db"),
        "{out}"
    );
    assert!(out.contains("nhật ký nguyên vẹn: 7 mục"), "{out}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("bk"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        ["sao-luu.db"],
        "no temporary or journal file left"
    );
    // Checking a backup does not change it.
    let bytes = std::fs::read(dir.join("bk/sao-luu.db")).unwrap();
    assert_eq!(
        egov_in(&dir, &["verify-log", "--database", "bk/sao-luu.db"]).0,
        0
    );
    assert_eq!(std::fs::read(dir.join("bk/sao-luu.db")).unwrap(), bytes);
    assert!(!dir.join("bk/sao-luu.db-wal").exists());

    let (code, out, err) = egov_in(
        &dir,
        &["restore", "bk/sao-luu.db", "--database", "new/egov.db"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("đã khôi phục new/egov.db từ bk/sao-luu.db"),
        "{out}"
    );
    rt.block_on(async {
        let restored = Store::open(dir.join("new/egov.db").to_str().unwrap())
            .await
            .unwrap();
        assert_eq!(
            restored.units().await.unwrap(),
            store.units().await.unwrap()
        );
        let (a, b) = (
            restored.submission(1, "SYT").await.unwrap(),
            store.submission(1, "SYT").await.unwrap(),
        );
        assert_eq!(a, b);
        assert_eq!(
            restored.entries(a.id).await.unwrap(),
            store.entries(b.id).await.unwrap()
        );
        assert_eq!(
            restored.log_entries(0, 100).await.unwrap(),
            store.log_entries(0, 100).await.unwrap()
        );
        restored.close().await;
        store.close().await;
    });
    let (code, _, _) = egov_in(&dir, &["verify-log", "--database", "new/egov.db"]);
    assert_eq!(code, 0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn restore_never_replaces_without_force_and_keeps_the_old_database() {
    let dir = scratch("force");
    rt().block_on(async {
        filled(&dir.join("a.db")).await.close().await;
        let b = Store::open(dir.join("b.db").to_str().unwrap())
            .await
            .unwrap();
        b.upsert_unit("admin", &unit("X", "Chỉ ở b")).await.unwrap();
        b.close().await;
    });
    assert_eq!(
        egov_in(&dir, &["backup", "--database", "a.db", "--out", "a.bak"]).0,
        0
    );
    let before = std::fs::read(dir.join("b.db")).unwrap();
    let (code, _, err) = egov_in(&dir, &["restore", "a.bak", "--database", "b.db"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("đã có cơ sở dữ liệu b.db; thêm --force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.join("b.db")).unwrap(),
        before,
        "untouched"
    );

    let (code, out, err) = egov_in(
        &dir,
        &[
            "--lang",
            "en",
            "restore",
            "a.bak",
            "--database",
            "b.db",
            "--force",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let kept = out
        .lines()
        .find_map(|l| l.strip_prefix("the previous database is kept as "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    rt().block_on(async {
        let now = Store::open_existing(dir.join("b.db").to_str().unwrap())
            .await
            .unwrap();
        assert_eq!(now.units().await.unwrap().len(), 2, "a's units");
        now.close().await;
        let old = Store::open_existing(dir.join(&kept).to_str().unwrap())
            .await
            .unwrap();
        assert_eq!(old.units().await.unwrap()[0].name, "Chỉ ở b");
        old.close().await;
    });
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn restore_refuses_a_tampered_or_damaged_backup_before_touching_anything() {
    let dir = scratch("refuse");
    let db = dir.join("egov.db");
    rt().block_on(async { filled(&db).await.close().await });
    assert_eq!(
        egov_in(&dir, &["backup", "--database", "egov.db", "--out", "b.db"]).0,
        0
    );
    rt().block_on(tamper(
        &dir.join("b.db"),
        "DELETE FROM audit_log WHERE seq = 5",
    ));
    let (code, _, err) = egov_in(&dir, &["restore", "b.db", "--database", "new.db"]);
    assert_eq!(code, 2);
    assert!(err.contains("b.db: nhật ký bị can thiệp: mục 5"), "{err}");
    assert!(err.contains("không khôi phục"), "{err}");
    assert!(!dir.join("new.db").exists());

    std::fs::write(dir.join("junk.db"), vec![7u8; 8192]).unwrap();
    let (code, _, err) = egov_in(
        &dir,
        &[
            "--lang",
            "en",
            "restore",
            "junk.db",
            "--database",
            "egov.db",
            "--force",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("junk.db: this is not an SQLite database file"),
        "{err}"
    );
    // The existing database was not moved aside for a backup that cannot be used.
    let (code, _, _) = egov_in(&dir, &["verify-log", "--database", "egov.db"]);
    assert_eq!(code, 0);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("egov-tmp") && !n.contains("before-restore")),
        "{names:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn backup_and_restore_are_for_the_embedded_database() {
    let dir = scratch("pgrefuse");
    let (code, _, err) = egov_in(
        &dir,
        &[
            "--lang",
            "en",
            "backup",
            "--database",
            "postgres://u@127.0.0.1/x",
            "--out",
            "x.db",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("for PostgreSQL use pg_dump"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// On PostgreSQL (when CI provides it): `migrate` creates the schema, `verify-log` reads the log, and
/// the password never appears in a message.
#[test]
fn migrate_and_verify_log_on_postgres() {
    let Ok(url) = std::env::var("EGOV_TEST_POSTGRES") else {
        return;
    };
    let dir = scratch("pg");
    let (code, out, err) = egov_in(&dir, &["migrate", "--database", &url]);
    assert_eq!(code, 0, "{err}");
    let latest = egov_store::migrate::latest();
    assert!(
        out.contains(&format!("cấu trúc phiên bản {latest}")),
        "{out}"
    );
    let (code, out, err) = egov_in(&dir, &["verify-log", "--database", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("nhật ký"), "{out}");
    if let Some(password) = url
        .split_once("://")
        .and_then(|(_, r)| r.split_once('@'))
        .and_then(|(u, _)| u.split_once(':'))
        .map(|(_, p)| p)
    {
        assert!(!out.contains(&format!(":{password}@")), "{out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A production database starts without users (`egov serve --no-demo`): `egov add-user` makes its first
/// administrator, whose printed password signs in; a unit role needs a unit of the registry; nothing is
/// half-created when the grant is refused.
#[test]
fn add_user_makes_the_first_administrator() {
    let dir = scratch("add-user");
    let (code, out, err) = egov_in(
        &dir,
        &[
            "add-user",
            "--database",
            "egov.db",
            "--login",
            "quan-tri",
            "--name",
            "Nguyễn Văn An",
            "--role",
            "admin",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("'quan-tri' (quản trị)"), "{out}");
    let password = out.lines().nth(1).unwrap().trim().to_string();
    assert_eq!(password.len(), 16, "{out}");
    let db = dir.join("egov.db");
    let (user, grants) = rt().block_on(async {
        let store = Store::open_existing(db.to_str().unwrap()).await.unwrap();
        let user = store.user_by_login("quan-tri").await.unwrap();
        let grants = store.role_grants(user.id).await.unwrap();
        store.close().await;
        (user, grants)
    });
    assert_eq!(user.display_name, "Nguyễn Văn An");
    assert!(egov_web::session::verify_password(
        &password,
        &user.password_hash
    ));
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].role, egov_store::Role::Admin);

    // Refusals: the same login again, an unknown role, a unit role without a unit or with an unknown one.
    for (args, says) in [
        (vec!["--login", "quan-tri", "--role", "admin"], "quan-tri"),
        (vec!["--login", "b", "--role", "boss"], "'boss'"),
        (
            vec!["--login", "c", "--role", "unit_officer"],
            "unit_officer",
        ),
        (
            vec!["--login", "d", "--role", "unit_head", "--unit", "KHONG-CO"],
            "KHONG-CO",
        ),
    ] {
        let mut all = vec!["add-user", "--database", "egov.db"];
        all.extend(args);
        let (code, out, err) = egov_in(&dir, &all);
        assert_eq!(code, 2, "{all:?}: {out}{err}");
        assert!(err.contains(says), "{all:?}: {err}");
    }
    let logins = rt().block_on(async {
        let store = Store::open_existing(db.to_str().unwrap()).await.unwrap();
        let users = store.users().await.unwrap();
        store.close().await;
        users.into_iter().map(|u| u.login).collect::<Vec<_>>()
    });
    assert_eq!(logins, vec!["quan-tri"], "no account left half-created");
    std::fs::remove_dir_all(&dir).ok();
}
