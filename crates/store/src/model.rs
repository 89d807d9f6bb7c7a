//! The records the store reads back and the values written. Each record maps its columns by name
//! (`from_row!`, one `FromRow` for each backend's row type); kinds with a closed list of values (roles,
//! states, statuses, decisions) are enums stored as their `as_str` text, which the schema's `CHECK`s
//! also list.

use std::fmt;
use std::str::FromStr;

/// `FromRow` of a record for both backends: every field read from the column of its name, those
/// marked `parse` from text through `FromStr`.
macro_rules! from_row {
    ($t:ident { $($f:ident $(: $conv:ident)?),* $(,)? }) => {
        from_row!(@impl sqlx::sqlite::SqliteRow, $t { $($f $(: $conv)?),* });
        from_row!(@impl sqlx::postgres::PgRow, $t { $($f $(: $conv)?),* });
    };
    (@impl $row:ty, $t:ident { $($f:ident $(: $conv:ident)?),* }) => {
        impl<'r> sqlx::FromRow<'r, $row> for $t {
            fn from_row(row: &'r $row) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok($t { $($f: from_row!(@get row, $f $(, $conv)?),)* })
            }
        }
    };
    (@get $row:ident, $f:ident) => { $row.try_get(stringify!($f))? };
    (@get $row:ident, $f:ident, parse) => {
        $row.try_get::<String, _>(stringify!($f))?
            .parse()
            .map_err(|e: UnknownValue| sqlx::Error::Decode(Box::new(e)))?
    };
}

/// A text column holding a value outside an enum's list (the database was edited by hand).
#[derive(Debug, thiserror::Error)]
#[error("unknown value '{0}'")]
pub struct UnknownValue(pub String);

/// An enum stored as text: `as_str`, `FromStr` and `Display` from one list of (variant, text).
macro_rules! text_enum {
    ($(#[$m:meta])* $t:ident { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $t { $($(#[$vm])* $v),* }
        impl $t {
            /// Every value, in order.
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            /// The text stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),* }
            }
        }
        impl FromStr for $t {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s { $($s => Ok($t::$v),)* _ => Err(UnknownValue(s.to_string())) }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

text_enum! {
    /// What a user may do; unit roles are scoped to one unit.
    Role {
        /// Sở TT&TT / KH&CN: registry, users, cycles, publishing.
        Admin = "admin",
        /// Cán bộ đầu mối: fills the unit's form.
        UnitOfficer = "unit_officer",
        /// Thủ trưởng đơn vị: confirms and submits.
        UnitHead = "unit_head",
        /// Thẩm định viên.
        Reviewer = "reviewer",
        /// Hội đồng thẩm định.
        Council = "council",
    }
}

impl Role {
    /// Whether a grant of this role names a unit (and must).
    pub fn is_unit_scoped(self) -> bool {
        matches!(self, Role::UnitOfficer | Role::UnitHead)
    }
}

text_enum! {
    /// Where a cycle stands.
    CycleState {
        /// Units fill in and submit (tự đánh giá).
        Open = "open",
        /// Reviewers verify (thẩm định).
        Review = "review",
        /// Units answer the verified points (giải trình).
        Explanation = "explanation",
        /// The council decides.
        Council = "council",
        Closed = "closed",
        Published = "published",
    }
}

text_enum! {
    /// Where one unit's submission stands.
    SubmissionStatus {
        NotStarted = "not_started",
        Draft = "draft",
        /// The unit head confirmed the values (xác nhận).
        Confirmed = "confirmed",
        Submitted = "submitted",
        /// Sent back to the unit (trả lại).
        Returned = "returned",
        Verified = "verified",
    }
}

text_enum! {
    /// A reviewer's decision on one criterion.
    Decision {
        Accepted = "accepted",
        /// Points changed; a reason is required.
        Adjusted = "adjusted",
    }
}

/// Đơn vị: one unit of the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub category: String,
    /// The unit's flags as the dataset writes them (`units.csv`).
    pub flags: String,
    pub parent_code: Option<String>,
    /// First and last day of the unit (`YYYY-MM-DD`), for mergers and splits.
    pub active_from: Option<String>,
    pub active_to: Option<String>,
    pub version: i64,
}
from_row!(Unit {
    code,
    name,
    category,
    flags,
    parent_code,
    active_from,
    active_to,
    version
});

/// A unit as written by [`Store::upsert_unit`](crate::Store::upsert_unit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub category: String,
    pub flags: String,
    pub parent_code: Option<String>,
    pub active_from: Option<String>,
    pub active_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// A PHC string made by the web layer (argon2id); the store never sees a password.
    pub password_hash: String,
    pub active: bool,
    pub created_at: i64,
}
from_row!(User {
    id,
    login,
    display_name,
    password_hash,
    active,
    created_at
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrant {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    pub unit_code: Option<String>,
    pub granted_by: String,
    pub granted_at: i64,
}
from_row!(RoleGrant {
    id,
    user_id,
    role: parse,
    unit_code,
    granted_by,
    granted_at
});

/// Bộ chỉ số: the TOML text as uploaded and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edition {
    pub id: String,
    pub toml: String,
    pub content_hash: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}
from_row!(Edition {
    id,
    toml,
    content_hash,
    uploaded_by,
    uploaded_at
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: String,
    pub name: String,
}
from_row!(Holiday { date, name });

/// Kỳ đánh giá.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub id: i64,
    pub year: i64,
    pub edition_id: String,
    pub state: CycleState,
    /// The submission deadline (`YYYY-MM-DD`, the last day included).
    pub deadline: String,
    pub explanation_deadline: Option<String>,
    pub version: i64,
    pub created_at: i64,
}
from_row!(Cycle {
    id,
    year,
    edition_id,
    state: parse,
    deadline,
    explanation_deadline,
    version,
    created_at
});

/// What [`Store::open_cycle`](crate::Store::open_cycle) writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCycle {
    pub year: i64,
    pub edition_id: String,
    pub deadline: String,
    /// The units taking part (one submission each).
    pub units: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineExtension {
    pub id: i64,
    pub cycle_id: i64,
    pub unit_code: String,
    pub deadline: String,
    pub reason: String,
    pub granted_by: String,
    pub granted_at: i64,
}
from_row!(DeadlineExtension {
    id,
    cycle_id,
    unit_code,
    deadline,
    reason,
    granted_by,
    granted_at
});

/// Hồ sơ tự đánh giá: one unit's submission in one cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    pub cycle_id: i64,
    pub unit_code: String,
    pub status: SubmissionStatus,
    pub version: i64,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
}
from_row!(Submission {
    id,
    cycle_id,
    unit_code,
    status: parse,
    version,
    submitted_at,
    submitted_by
});

/// One value of a submission (the key is the edition's input or criterion code), as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub submission_id: i64,
    pub key: String,
    pub value: String,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: i64,
}
from_row!(Entry {
    submission_id,
    key,
    value,
    version,
    updated_by,
    updated_at
});

/// Minh chứng: a stored file or a document reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub id: i64,
    pub submission_id: i64,
    pub key: String,
    pub source: EvidenceSource,
    pub added_by: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

/// What a piece of evidence is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceSource {
    /// A file in the object store, named by the SHA-256 of its content.
    File {
        content_hash: String,
        file_name: String,
        media_type: String,
        size: i64,
    },
    /// Văn bản: a document by its number, date, issuer and an optional link.
    Document {
        number: String,
        date: Option<String>,
        issuer: Option<String>,
        link: Option<String>,
    },
}

/// The evidence table's columns as stored, turned into [`Evidence`] by the store.
#[derive(Debug)]
pub(crate) struct EvidenceRow {
    pub id: i64,
    pub submission_id: i64,
    pub key: String,
    pub kind: String,
    pub content_hash: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    pub doc_number: Option<String>,
    pub doc_date: Option<String>,
    pub doc_issuer: Option<String>,
    pub doc_link: Option<String>,
    pub added_by: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}
from_row!(EvidenceRow {
    id,
    submission_id,
    key,
    kind,
    content_hash,
    file_name,
    media_type,
    size,
    doc_number,
    doc_date,
    doc_issuer,
    doc_link,
    added_by,
    added_at,
    removed_at
});

impl From<EvidenceRow> for Evidence {
    fn from(r: EvidenceRow) -> Evidence {
        let source = if r.kind == "file" {
            EvidenceSource::File {
                content_hash: r.content_hash.unwrap_or_default(),
                file_name: r.file_name.unwrap_or_default(),
                media_type: r.media_type.unwrap_or_default(),
                size: r.size.unwrap_or_default(),
            }
        } else {
            EvidenceSource::Document {
                number: r.doc_number.unwrap_or_default(),
                date: r.doc_date,
                issuer: r.doc_issuer,
                link: r.doc_link,
            }
        };
        Evidence {
            id: r.id,
            submission_id: r.submission_id,
            key: r.key,
            source,
            added_by: r.added_by,
            added_at: r.added_at,
            removed_at: r.removed_at,
        }
    }
}

/// Kết quả thẩm định of one criterion of one unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub cycle_id: i64,
    pub unit_code: String,
    pub criterion: String,
    pub decision: Decision,
    /// An exact decimal as text (`"2,5"` is the web layer's to parse; the store keeps `"2.5"`).
    pub points: String,
    pub reason: Option<String>,
    pub reviewer_id: i64,
    pub version: i64,
    pub updated_at: i64,
}
from_row!(Verification {
    cycle_id,
    unit_code,
    criterion,
    decision: parse,
    points,
    reason,
    reviewer_id,
    version,
    updated_at
});

/// A reviewer's write: `expected_version` is the version read (0: the criterion was not verified yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationWrite {
    pub cycle_id: i64,
    pub unit_code: String,
    pub criterion: String,
    pub decision: Decision,
    pub points: String,
    pub reason: Option<String>,
    pub reviewer_id: i64,
    pub expected_version: i64,
}

/// Công bố: one version of a cycle's published results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publication {
    pub id: i64,
    pub cycle_id: i64,
    pub version: i64,
    pub decision_number: String,
    pub decision_date: String,
    /// SHA-256 of `snapshot`.
    pub content_hash: String,
    /// The frozen inputs, points and results (JSON made by the web layer).
    pub snapshot: String,
    /// Why a correction was published (none for the first version).
    pub reason: Option<String>,
    pub published_by: String,
    pub published_at: i64,
}
from_row!(Publication {
    id,
    cycle_id,
    version,
    decision_number,
    decision_date,
    content_hash,
    snapshot,
    reason,
    published_by,
    published_at
});

/// A login session; the token itself is never stored, only its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}
from_row!(Session {
    token_hash,
    user_id,
    csrf_token,
    created_at,
    expires_at
});

/// Thông báo in the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: i64,
    pub user_id: Option<i64>,
    pub unit_code: Option<String>,
    pub kind: String,
    pub text: String,
    pub at: i64,
    pub read_at: Option<i64>,
}
from_row!(Notice {
    id,
    user_id,
    unit_code,
    kind,
    text,
    at,
    read_at
});
