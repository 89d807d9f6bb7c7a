//! The store's errors, each naming the object it is about, in the process's message language
//! (`egov_core::msg!`): the web layer and the CLI show them as they are. The database libraries' own
//! English text appears only in English messages; a Vietnamese one says what kind of failure it was
//! (and the SQLSTATE/SQLite code), since the binary's messages are in one language.

use std::path::PathBuf;

use egov_core::lang::io_reason;
use egov_core::msg;

/// `row`, or [`StoreError::NotFound`] naming the `kind` and `id` looked for (the id is written out only
/// when the row is missing).
pub(crate) fn found<T>(
    row: Option<T>,
    kind: &'static str,
    id: impl std::fmt::Display,
) -> Result<T, StoreError> {
    row.ok_or_else(|| StoreError::NotFound {
        kind,
        id: id.to_string(),
    })
}

/// The version a writer read must still be the current one (optimistic versions): otherwise
/// [`StoreError::Conflict`], naming what was changed in between — the id is formatted only then.
pub(crate) fn current(
    kind: &'static str,
    id: impl std::fmt::Display,
    expected: i64,
    current: i64,
) -> Result<(), StoreError> {
    if expected == current {
        return Ok(());
    }
    Err(StoreError::Conflict {
        kind,
        id: id.to_string(),
        expected,
        current,
    })
}

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An optimistic-version mismatch: the object changed since it was read (`expected` is the version
    /// the writer read, `current` the one in the database). Nothing was written.
    #[error("{}", conflict(kind, id, *expected, *current))]
    Conflict {
        kind: &'static str,
        id: String,
        expected: i64,
        current: i64,
    },
    /// No such object.
    #[error("{}", not_found(kind, id))]
    NotFound { kind: &'static str, id: String },
    /// An object with this key already exists (a login, a unit code, an edition id with other text).
    #[error("{}", duplicate(kind, id))]
    Duplicate { kind: &'static str, id: String },
    /// A value the schema does not accept (a reason missing where one is required, an unknown role).
    #[error("{0}")]
    Invalid(String),
    /// The SQLite file to open is not there.
    #[error("{}", missing(.0))]
    Missing(PathBuf),
    /// The database is not an egov database, or was written by a newer egov.
    #[error("{0}")]
    NotEgov(String),
    /// A file operation of the store (a folder for the database, a backup) failed.
    #[error("{}", io(.0, .1))]
    Io(PathBuf, #[source] std::io::Error),
    /// The database or the connection failed.
    #[error("{}", database(.0))]
    Database(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("{}", migration(.0))]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The name of a kind of object in the message language.
fn kind_name(kind: &str) -> String {
    let (vi, en) = match kind {
        "unit" => ("đơn vị", "unit"),
        "user" => ("người dùng", "user"),
        "role" => ("quyền", "role"),
        "edition" => ("bộ chỉ số", "edition"),
        "cycle" => ("kỳ đánh giá", "cycle"),
        "submission" => ("hồ sơ", "submission"),
        "entry" => ("giá trị", "entry"),
        "evidence" => ("minh chứng", "evidence"),
        "verification" => ("kết quả thẩm định", "verification"),
        "publication" => ("bản công bố", "publication"),
        "session" => ("phiên đăng nhập", "session"),
        "holiday" => ("ngày nghỉ", "holiday"),
        other => (other, other),
    };
    msg!("{vi}", "{en}")
}

fn conflict(kind: &str, id: &str, expected: i64, current: i64) -> String {
    let k = kind_name(kind);
    msg!(
        "{k} {id} vừa được người khác thay đổi (phiên bản {current}, bạn sửa từ phiên bản {expected}); hãy tải lại và sửa lại",
        "{k} {id} was changed by someone else meanwhile (version {current}, you edited version {expected}); reload and edit again"
    )
}

fn not_found(kind: &str, id: &str) -> String {
    let k = kind_name(kind);
    msg!("không có {k} {id}", "no {k} {id}")
}

fn duplicate(kind: &str, id: &str) -> String {
    let k = kind_name(kind);
    msg!("đã có {k} {id}", "{k} {id} already exists")
}

fn missing(path: &std::path::Path) -> String {
    let p = path.display();
    msg!("{p}: không có cơ sở dữ liệu này", "{p}: no such database")
}

fn io(path: &std::path::Path, e: &std::io::Error) -> String {
    let p = path.display();
    let why = io_reason(e);
    msg!("{p}: {why}", "{p}: {why}")
}

fn database(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => {
            let why = io_reason(io);
            msg!(
                "không kết nối được cơ sở dữ liệu: {why}",
                "cannot reach the database: {why}"
            )
        }
        sqlx::Error::PoolTimedOut => msg!(
            "cơ sở dữ liệu không trả lời kịp",
            "the database did not answer in time"
        ),
        sqlx::Error::Configuration(_) => msg!(
            "địa chỉ cơ sở dữ liệu không hợp lệ: {e}",
            "invalid database address: {e}"
        ),
        // SQLite's "not a database" and "cannot open": what people meet when they name a wrong file.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("26") => msg!(
            "đây không phải tệp cơ sở dữ liệu SQLite",
            "this is not an SQLite database file"
        ),
        sqlx::Error::Database(db) if db.code().as_deref() == Some("14") => msg!(
            "không mở được tệp cơ sở dữ liệu",
            "cannot open the database file"
        ),
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            msg!(
                "cơ sở dữ liệu báo lỗi (mã {code})",
                "the database reported an error: {db} (code {code})"
            )
        }
        other => {
            let kind = kind_of(other);
            msg!("lỗi cơ sở dữ liệu ({kind})", "database error: {other}")
        }
    }
}

/// A short, language-neutral name of a failure kind, for Vietnamese messages.
fn kind_of(e: &sqlx::Error) -> &'static str {
    match e {
        sqlx::Error::Tls(_) => "TLS",
        sqlx::Error::Protocol(_) => "protocol",
        sqlx::Error::RowNotFound => "row",
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => "decode",
        sqlx::Error::PoolClosed => "pool",
        _ => "sqlx",
    }
}

fn migration(e: &sqlx::migrate::MigrateError) -> String {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::VersionMissing(v) => msg!(
            "cơ sở dữ liệu đã được một phiên bản egov mới hơn cập nhật (bước {v}); hãy dùng phiên bản đó",
            "the database was migrated by a newer egov (migration {v}); use that version"
        ),
        M::VersionMismatch(v) => msg!(
            "bước cập nhật {v} của cơ sở dữ liệu khác với bước egov biết (một tệp migration đã bị sửa)",
            "migration {v} of the database differs from egov's (a migration file was edited)"
        ),
        M::Execute(inner) => database(inner),
        other => msg!(
            "không cập nhật được cấu trúc cơ sở dữ liệu",
            "cannot migrate the database: {other}"
        ),
    }
}

impl StoreError {
    /// Whether this is an optimistic-version conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// A unique-key violation as [`StoreError::Duplicate`]; other errors as they are.
pub(crate) fn unique(kind: &'static str, id: &str) -> impl FnOnce(sqlx::Error) -> StoreError {
    let id = id.to_string();
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { kind, id },
        _ => StoreError::Database(e),
    }
}
