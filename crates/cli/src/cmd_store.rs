//! The database from the command line: `egov migrate` (create or update a database), `egov verify-log`
//! (replay the audit log's hash chain), `egov backup` and `egov restore` (the embedded SQLite database),
//! `egov add-user` (an account, such as a production database's first administrator, who has no one to
//! create it in the web application).
//!
//! The store is async (sqlx); the rest of the binary is not, so each command builds a single-threaded
//! tokio runtime for its own run and nothing else sees it. Exit status: 0 = done (the log intact),
//! 1 = `verify-log` found the log broken (the first broken entry is named), 2 = the database or the
//! backup cannot be used (cannot be opened, not an egov database, damaged, refused).
//!
//! A backup is made with `VACUUM INTO` (one consistent moment of a database in use), checked, and
//! written to its place through `output::write_atomic`. A restore checks the file first (SQLite's
//! integrity check, the schema, the whole log) on a copy beside the target, and only then puts the copy
//! in place; a database already there is kept under another name, never deleted, and only with
//! `--force`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use egov_core::msg;
use egov_store::{LogReport, Problem, Store, StoreError};

use crate::load::{InputError, read_error, write_error};
use crate::output;

#[derive(clap::Args)]
pub struct MigrateArgs {
    /// The database: an SQLite file (created if missing) or a postgres:// URL.
    #[arg(long)]
    database: String,
}

#[derive(clap::Args)]
pub struct VerifyLogArgs {
    /// The database: an SQLite file or a postgres:// URL.
    #[arg(long)]
    database: String,
}

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The SQLite database to back up (it may be in use).
    #[arg(long)]
    database: PathBuf,
    /// The backup file to write.
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup file (written by `egov backup`).
    path: PathBuf,
    /// The SQLite database to restore into.
    #[arg(long)]
    database: PathBuf,
    /// Replace an existing database (it is kept beside, renamed).
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
pub struct AddUserArgs {
    /// The database: an SQLite file (created if missing) or a postgres:// URL.
    #[arg(long)]
    database: String,
    /// The login name.
    #[arg(long)]
    login: String,
    /// The name shown in the application (default: the login).
    #[arg(long)]
    name: Option<String>,
    /// The role: admin, unit_officer, unit_head, reviewer or council.
    #[arg(long)]
    role: String,
    /// The unit of a unit officer or head (its code in the registry).
    #[arg(long)]
    unit: Option<String>,
}

/// Runs `f` to completion on a runtime of its own.
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(runtime_error)?;
    Ok(rt.block_on(f))
}

/// The async runtime could not start (threads or file descriptors refused by the system).
pub(crate) fn runtime_error(e: std::io::Error) -> anyhow::Error {
    let why = egov_core::lang::io_reason(&e);
    anyhow!(msg!(
        "không khởi động được bộ chạy bất đồng bộ: {why}",
        "cannot start the async runtime: {why}"
    ))
}

/// A store error as a message of its own: its Display is already in the message language, and the
/// sources under it (sqlx's English text) must not be printed after it.
pub(crate) fn unusable(e: StoreError) -> anyhow::Error {
    InputError(e.to_string()).into()
}

/// A store error about the database at `target`, which the message names (a missing file names itself).
fn unusable_at(target: &str, e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Missing(_) => unusable(e),
        e => InputError(format!("{}: {e}", shown(target))).into(),
    }
}

/// A database address as messages show it: a URL's password replaced by `***`.
fn shown(target: &str) -> String {
    let Some(scheme_end) = target.find("://") else {
        return target.to_string();
    };
    let rest = &target[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return target.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &target[..scheme_end + 3], &rest[at..]),
        None => target.to_string(),
    }
}

pub fn migrate(a: MigrateArgs) -> Result<ExitCode> {
    let versions = block_on(async {
        let store = Store::open(&a.database).await?;
        let v = store.applied_migrations().await;
        store.close().await;
        v
    })?
    .map_err(|e| unusable_at(&a.database, e))?;
    let db = shown(&a.database);
    let v = versions.last().copied().unwrap_or(0);
    println!(
        "{}",
        msg!(
            "{db}: cơ sở dữ liệu sẵn sàng, cấu trúc phiên bản {v}",
            "{db}: database ready, schema version {v}"
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// What is wrong with a broken entry, in words.
fn problem_text(p: &Problem) -> String {
    match p {
        Problem::Edited => msg!(
            "nội dung không khớp mã băm của mục (đã bị sửa)",
            "its content does not match its hash (edited)"
        ),
        Problem::Missing { found: Some(next) } => msg!(
            "mục bị thiếu (đã bị xóa): sau mục trước là mục {next}",
            "the entry is missing (deleted): the next one is {next}"
        ),
        Problem::Missing { found: None } => msg!(
            "mục bị thiếu (đã bị xóa): nhật ký dừng trước mục cuối đã ghi nhận",
            "the entry is missing (deleted): the log ends before the last recorded entry"
        ),
        Problem::OutOfChain => msg!(
            "mục không nối tiếp mã băm của mục trước (đã bị đổi chỗ, chèn hoặc thay)",
            "it does not follow the hash of the entry before it (reordered, inserted or replaced)"
        ),
        Problem::NotInHead { head_seq } => msg!(
            "mục không khớp mục cuối đã ghi nhận (mục {head_seq}): được thêm ngoài egov",
            "it does not match the last recorded entry ({head_seq}): added outside egov"
        ),
        Problem::NoHead => msg!(
            "thiếu bản ghi mục cuối của nhật ký",
            "the log's record of its last entry is missing"
        ),
    }
}

/// One line about a log: intact with its head, or its first broken entry.
fn report_text(r: &LogReport) -> String {
    let n = r.entries;
    match (&r.broken, &r.last) {
        (Some(b), _) => {
            let seq = b.seq;
            let what = problem_text(&b.problem);
            msg!(
                "nhật ký bị can thiệp: mục {seq}: {what}",
                "the log was tampered with: entry {seq}: {what}"
            )
        }
        (None, Some((seq, hash))) => msg!(
            "nhật ký nguyên vẹn: {n} mục; mục cuối {seq}, mã băm {hash}",
            "the log is intact: {n} entries; last entry {seq}, hash {hash}"
        ),
        (None, None) => msg!("nhật ký trống", "the log is empty"),
    }
}

pub fn verify_log(a: VerifyLogArgs) -> Result<ExitCode> {
    let report = block_on(async {
        let store = Store::open_existing(&a.database).await?;
        let r = store.verify_log().await;
        store.close().await;
        r
    })?
    .map_err(|e| unusable_at(&a.database, e))?;
    println!("{}: {}", shown(&a.database), report_text(&report));
    Ok(if report.broken.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A temporary name beside `path` that `output::sweep` recognises (and removes once this process is
/// gone): `.NAME.egov-tmp-PID-NONCE`.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("db");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.join(format!(".{name}.egov-tmp-{}-{nanos:x}", std::process::id()))
}

/// Removes an SQLite file and the journal files SQLite may have left beside it.
fn remove_db_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

/// `path` with `suffix` appended to its name (`egov.db` → `egov.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Checks an SQLite file as a restore would use it: an egov database this egov can read, sound pages,
/// an intact log. Returns the log's report.
async fn check_copy(path: &Path) -> Result<LogReport> {
    let target = path.to_string_lossy().into_owned();
    let store = Store::open_existing(&target).await.map_err(unusable)?;
    let checked = async {
        let problems = store.integrity_problems().await?;
        let report = store.verify_log().await?;
        Ok::<_, StoreError>((problems, report))
    }
    .await;
    store.close().await;
    let (problems, report) = checked.map_err(unusable)?;
    if let Some(first) = problems.first() {
        let first = egov_core::text::quote_short(first).into_owned();
        bail!(InputError(msg!(
            "tệp bị hỏng (kiểm tra toàn vẹn của SQLite: {first})",
            "the file is damaged (SQLite's integrity check: {first})"
        )));
    }
    Ok(report)
}

fn refuse_postgres(target: &Path) -> Result<()> {
    let t = target.to_string_lossy();
    if t.starts_with("postgres://") || t.starts_with("postgresql://") {
        bail!(InputError(msg!(
            "egov chỉ sao lưu và khôi phục cơ sở dữ liệu nhúng (tệp SQLite); với PostgreSQL hãy dùng pg_dump và pg_restore",
            "egov backs up and restores the embedded database (an SQLite file) only; for PostgreSQL use pg_dump and pg_restore"
        )));
    }
    Ok(())
}

pub fn backup(a: BackupArgs) -> Result<ExitCode> {
    refuse_postgres(&a.database)?;
    let tmp = temp_beside(&a.out);
    if let Some(dir) = tmp.parent() {
        fs::create_dir_all(dir).map_err(|e| crate::load::mkdir_error(dir, &e))?;
    }
    let made = block_on(async {
        let db = a.database.to_string_lossy().into_owned();
        let store = Store::open_existing(&db)
            .await
            .map_err(|e| unusable_at(&db, e))?;
        let copied = store.backup_into(&tmp).await;
        store.close().await;
        copied.map_err(unusable)?;
        check_copy(&tmp).await
    })
    .and_then(|r| r);
    let report = match made {
        Ok(r) => r,
        Err(e) => {
            remove_db_files(&tmp);
            return Err(e);
        }
    };
    let bytes = fs::read(&tmp).map_err(|e| read_error(&tmp, &e));
    remove_db_files(&tmp);
    output::write_atomic(&a.out, &bytes?)?;
    let (db, out) = (a.database.display(), a.out.display());
    println!(
        "{}",
        msg!("đã sao lưu {db} vào {out}", "backed up {db} into {out}")
    );
    println!("{out}: {}", report_text(&report));
    Ok(if report.broken.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn restore(a: RestoreArgs) -> Result<ExitCode> {
    refuse_postgres(&a.database)?;
    let (file, db) = (a.path.display(), a.database.display());
    if a.database.exists() && !a.force {
        bail!(InputError(msg!(
            "đã có cơ sở dữ liệu {db}; thêm --force để thay bằng bản sao lưu (bản cũ được giữ lại dưới tên khác)",
            "{db} already exists; add --force to replace it with the backup (the old one is kept under another name)"
        )));
    }
    if a.database.is_dir() {
        bail!(InputError(msg!("{db} là một thư mục", "{db} is a folder")));
    }
    if with_suffix(&a.path, "-wal").exists() {
        bail!(InputError(msg!(
            "{file} đang được dùng hoặc chưa được đóng (có tệp -wal bên cạnh); hãy tạo bản sao lưu bằng egov backup",
            "{file} is in use or was not closed (a -wal file is beside it); make a backup with egov backup"
        )));
    }
    let dir = a
        .database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    fs::create_dir_all(&dir).map_err(|e| crate::load::mkdir_error(&dir, &e))?;
    output::sweep(&dir);
    let tmp = temp_beside(&a.database);
    let copied = fs::copy(&a.path, &tmp)
        .and_then(|_| fs::File::open(&tmp)?.sync_all())
        .map_err(|e| read_error(&a.path, &e));
    let checked = copied.and_then(|()| block_on(check_copy(&tmp)).and_then(|r| r));
    let report = match checked {
        Ok(r) if r.broken.is_none() => r,
        Ok(r) => {
            remove_db_files(&tmp);
            bail!(InputError(format!(
                "{file}: {}; {}",
                report_text(&r),
                msg!("không khôi phục", "nothing restored")
            )));
        }
        Err(e) => {
            remove_db_files(&tmp);
            let e = crate::load::describe(&e);
            bail!(InputError(format!("{file}: {e}")));
        }
    };
    // The checked copy's journal files (if SQLite left any) belong to no database once it is renamed.
    for suffix in ["-wal", "-shm"] {
        let _ = fs::remove_file(with_suffix(&tmp, suffix));
    }
    let kept = if a.database.exists() {
        Some(keep_aside(&a.database)?)
    } else {
        None
    };
    fs::rename(&tmp, &a.database).map_err(|e| {
        remove_db_files(&tmp);
        write_error(&a.database, &e)
    })?;
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    println!(
        "{}",
        msg!("đã khôi phục {db} từ {file}", "restored {db} from {file}")
    );
    if let Some(k) = kept {
        let k = k.display();
        println!(
            "{}",
            msg!(
                "cơ sở dữ liệu cũ được giữ lại: {k}",
                "the previous database is kept as {k}"
            )
        );
    }
    println!("{db}: {}", report_text(&report));
    Ok(ExitCode::SUCCESS)
}

/// Renames an existing database and its WAL files to `NAME.before-restore-TIME` (together, so that
/// the old database stays whole and no old WAL is left beside the restored file). Returns the new name.
fn keep_aside(db: &Path) -> Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let kept = with_suffix(db, &format!(".before-restore-{secs}"));
    for suffix in ["-wal", "-shm"] {
        let from = with_suffix(db, suffix);
        if from.exists() {
            fs::rename(&from, with_suffix(&kept, suffix)).map_err(|e| write_error(&from, &e))?;
        }
    }
    fs::rename(db, &kept).map_err(|e| write_error(db, &e))?;
    Ok(kept)
}

/// The length of a login name or display name accepted here (the web form's limits).
const MAX_NAME_CHARS: usize = 100;

/// `egov add-user`: creates an account with one role grant and prints its password once. The password
/// is random (the web application's generator), never taken from the command line, where it would stay
/// in the shell's history and the process list; the user changes it after signing in.
pub fn add_user(a: AddUserArgs) -> Result<ExitCode> {
    let login = egov_core::text::clean(&a.login);
    let name = a
        .name
        .as_deref()
        .map(egov_core::text::clean)
        .unwrap_or_else(|| login.clone());
    for (what, value) in [
        (
            msg!("tên đăng nhập (--login)", "the login (--login)"),
            &login,
        ),
        (msg!("tên hiển thị (--name)", "the name (--name)"), &name),
    ] {
        if value.is_empty() || value.chars().count() > MAX_NAME_CHARS {
            bail!(InputError(msg!(
                "{what} phải có từ 1 đến {MAX_NAME_CHARS} ký tự",
                "{what} must have 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        if let Some(m) = egov_core::text::control_char_message(&what, value) {
            bail!(InputError(m));
        }
    }
    let role: egov_store::Role = a.role.parse().map_err(|_| {
        let given = egov_core::text::quote_short(&a.role);
        InputError(msg!(
            "vai trò '{given}' không có; các vai trò: admin, unit_officer, unit_head, reviewer, council",
            "there is no role '{given}'; the roles: admin, unit_officer, unit_head, reviewer, council"
        ))
    })?;
    // Checked before anything is written (the store checks it again at the grant), so that a refused
    // grant leaves no account without a role.
    match (role.is_unit_scoped(), &a.unit) {
        (true, None) => bail!(InputError(msg!(
            "vai trò {} cần một đơn vị (--unit MÃ)",
            "the role {} needs a unit (--unit CODE)",
            a.role
        ))),
        (false, Some(_)) => bail!(InputError(msg!(
            "vai trò {} không gắn với đơn vị nào: bỏ --unit",
            "the role {} is not tied to a unit: leave out --unit",
            a.role
        ))),
        _ => {}
    }
    let password = egov_web::session::new_password().map_err(|e| anyhow!("{e:?}"))?;
    let hash = egov_web::session::hash_password(&password).map_err(|e| anyhow!("{e:?}"))?;
    let actor = "egov add-user";
    block_on(async {
        let store = Store::open(&a.database).await?;
        if let Some(code) = &a.unit {
            store.unit(code).await?;
        }
        let user = store.create_user(actor, &login, &name, &hash).await?;
        let granted = store
            .grant_role(actor, user.id, role, a.unit.as_deref())
            .await;
        store.close().await;
        granted.map(|_| ())
    })?
    .map_err(|e| unusable_at(&a.database, e))?;
    let db = shown(&a.database);
    let role = match role {
        egov_store::Role::Admin => msg!("quản trị", "administrator"),
        egov_store::Role::UnitOfficer => msg!("cán bộ đầu mối", "unit officer"),
        egov_store::Role::UnitHead => msg!("thủ trưởng đơn vị", "unit head"),
        egov_store::Role::Reviewer => msg!("thẩm định viên", "reviewer"),
        egov_store::Role::Council => msg!("hội đồng thẩm định", "council"),
    };
    println!(
        "{}",
        msg!(
            "{db}: đã tạo tài khoản '{login}' ({role}). Mật khẩu (chỉ in một lần; đổi sau khi đăng nhập):",
            "{db}: account '{login}' ({role}) created. Password (printed only once; change it after signing in):"
        )
    );
    println!("  {password}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            shown("postgres://egov:secret@db.local/egov"),
            "postgres://egov:***@db.local/egov"
        );
        assert_eq!(shown("postgres://egov@db/egov"), "postgres://egov@db/egov");
        assert_eq!(shown("data/egov.db"), "data/egov.db");
    }
}
