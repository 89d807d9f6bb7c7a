//! Nhật ký: the append-only, hash-chained audit log.
//!
//! Every change the store makes appends one entry in the same transaction: who (`actor`), when
//! (`at`, milliseconds UTC), what (`action`, `object_kind`, `object_id`), the object before and after
//! (JSON text, `None` for a creation or a deletion) and the reason given. Entries are numbered 1, 2, 3 …
//! without gaps; each holds the hash of the entry before it (`prev_hash`; 64 zeros before the first)
//! and its own `hash` = SHA-256(prev_hash ‖ [`canonical`] serialization of its fields). `audit_head`
//! holds the last entry's number and hash, updated in the same transaction, so that removing the newest
//! entries is found as well as removing one in the middle.
//!
//! [`Store::verify_log`] replays the chain and names the first broken entry: an edited entry (its hash
//! does not match its content), a deleted one (a number missing), a reordered or inserted one (it does
//! not follow the hash of the entry before it). What the chain cannot show is a log rewritten from the
//! edited entry on with freshly computed hashes: the head hash `egov verify-log` prints is meant to be
//! written down outside the database (in a decision, an e-mail) to anchor it.

use crate::{Store, StoreError};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change, as the store's write functions describe it before appending it.
#[derive(Clone, Debug)]
pub(crate) struct Change<'a> {
    pub actor: &'a str,
    pub action: &'static str,
    pub object_kind: &'static str,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<&'a str>,
}

/// An entry of the log as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}
from_row!(LogEntry {
    seq,
    at,
    actor,
    action,
    object_kind,
    object_id,
    before,
    after,
    reason,
    prev_hash,
    hash
});

/// The bytes an entry's hash covers: each field in a fixed order (seq, at, actor, action, object kind,
/// object id, before, after, reason), a number as its decimal digits, a text as its length in bytes,
/// `:` and the bytes, a missing value as `-`, each followed by `;`. The length prefix makes the form
/// unambiguous whatever the texts hold, and it depends on no serializer's version.
pub fn canonical(
    seq: i64,
    at: i64,
    fields: [Option<&str>; 7], // actor, action, object_kind, object_id, before, after, reason
) -> Vec<u8> {
    let mut out = format!("{seq};{at};").into_bytes();
    for f in fields {
        match f {
            Some(s) => {
                out.extend_from_slice(format!("{}:", s.len()).as_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            None => out.push(b'-'),
        }
        out.push(b';');
    }
    out
}

/// The hash of an entry: SHA-256 over the previous hash (as its 64 hexadecimal digits) and the
/// entry's [`canonical`] bytes.
pub fn entry_hash(prev_hash: &str, seq: i64, at: i64, fields: [Option<&str>; 7]) -> String {
    let mut bytes = prev_hash.as_bytes().to_vec();
    bytes.extend_from_slice(&canonical(seq, at, fields));
    crate::sha256_hex(&bytes)
}

impl LogEntry {
    fn fields(&self) -> [Option<&str>; 7] {
        [
            Some(&self.actor),
            Some(&self.action),
            Some(&self.object_kind),
            Some(&self.object_id),
            self.before.as_deref(),
            self.after.as_deref(),
            self.reason.as_deref(),
        ]
    }

    /// The hash this entry's content gives after `prev_hash`.
    pub fn computed_hash(&self, prev_hash: &str) -> String {
        entry_hash(prev_hash, self.seq, self.at, self.fields())
    }
}

impl Change<'_> {
    pub fn fields(&self) -> [Option<&str>; 7] {
        [
            Some(self.actor),
            Some(self.action),
            Some(self.object_kind),
            Some(&self.object_id),
            self.before.as_deref(),
            self.after.as_deref(),
            self.reason,
        ]
    }
}

/// Appends `$change` (a [`Change`]) to the log inside the open write transaction `$tx`, and evaluates
/// to its seq. The store's writes are serialized (`write_tx!`), so reading the head and writing after
/// it cannot interleave with another writer.
macro_rules! append_log {
    ($tx:ident, $change:expr) => {{
        let change: &$crate::log::Change = &$change;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let (seq, prev) = head.map_or((1, $crate::log::GENESIS.to_string()), |(s, h)| (s + 1, h));
        let at = $crate::now_ms();
        let hash = $crate::log::entry_hash(&prev, seq, at, change.fields());
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, object_kind, object_id, before, after, reason, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(at)
        .bind(change.actor)
        .bind(change.action)
        .bind(change.object_kind)
        .bind(&change.object_id)
        .bind(change.before.as_deref())
        .bind(change.after.as_deref())
        .bind(change.reason)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )
        .bind(seq)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
        seq
    }};
}

/// What is wrong with the first broken entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content does not give its hash: a field was edited.
    Edited,
    /// The entry is missing (deleted): the next one is `found`, or none when the log ends before the
    /// head's last entry.
    Missing { found: Option<i64> },
    /// The entry does not follow the hash of the one before it: entries were reordered, or one was
    /// inserted or replaced.
    OutOfChain,
    /// The entry is after the last one the head records (appended outside egov), or its hash is not
    /// the head's.
    NotInHead { head_seq: i64 },
    /// Entries exist but the head does not.
    NoHead,
}

/// The first broken entry of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub problem: Problem,
}

/// The result of [`Store::verify_log`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogReport {
    /// Entries read.
    pub entries: u64,
    /// The last entry's seq and hash (the stored ones), if any.
    pub last: Option<(i64, String)>,
    /// The first broken entry; `None` = the log is intact.
    pub broken: Option<Broken>,
}

/// How many entries are read at a time when verifying (the log of a province's cycle is large).
const PAGE: i64 = 5000;

impl Store {
    /// The log entries after `after_seq`, at most `limit`, in order.
    pub async fn log_entries(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<LogEntry>, StoreError> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as::<_, LogEntry>(
                "SELECT seq, at, actor, action, object_kind, object_id, before, after, reason, prev_hash, hash \
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after_seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Replays the whole chain (see the module documentation) and reports the first broken entry.
    pub async fn verify_log(&self) -> Result<LogReport, StoreError> {
        let head: Option<(i64, String)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_optional(pool)
                .await?
        });
        let mut report = LogReport {
            entries: 0,
            last: None,
            broken: None,
        };
        let mut expected_seq = 1;
        let mut prev = GENESIS.to_string();
        let mut after = 0;
        'pages: loop {
            let page = self.log_entries(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page {
                let problem = if e.seq != expected_seq {
                    Some((expected_seq, Problem::Missing { found: Some(e.seq) }))
                } else if e.prev_hash != prev {
                    Some((e.seq, Problem::OutOfChain))
                } else if e.computed_hash(&prev) != e.hash {
                    Some((e.seq, Problem::Edited))
                } else {
                    None
                };
                if let Some((seq, problem)) = problem {
                    report.broken = Some(Broken { seq, problem });
                    break 'pages;
                }
                report.entries += 1;
                expected_seq = e.seq + 1;
                prev = e.hash.clone();
                report.last = Some((e.seq, e.hash));
            }
        }
        if report.broken.is_none() {
            report.broken = check_head(report.last.as_ref(), head.as_ref());
        }
        Ok(report)
    }
}

/// The head against the last entry of an otherwise intact chain.
fn check_head(last: Option<&(i64, String)>, head: Option<&(i64, String)>) -> Option<Broken> {
    match (last, head) {
        (None, None) => None,
        (Some(_), None) => Some(Broken {
            seq: 1,
            problem: Problem::NoHead,
        }),
        (None, Some(_)) => Some(Broken {
            seq: 1,
            problem: Problem::Missing { found: None },
        }),
        (Some((seq, hash)), Some((head_seq, head_hash))) => {
            if seq < head_seq {
                Some(Broken {
                    seq: seq + 1,
                    problem: Problem::Missing { found: None },
                })
            } else if seq > head_seq {
                Some(Broken {
                    seq: head_seq + 1,
                    problem: Problem::NotInHead {
                        head_seq: *head_seq,
                    },
                })
            } else if hash != head_hash {
                Some(Broken {
                    seq: *seq,
                    problem: Problem::NotInHead {
                        head_seq: *head_seq,
                    },
                })
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_unambiguous() {
        let a = canonical(1, 2, [Some("a;b"), Some("c"), None, None, None, None, None]);
        let b = canonical(1, 2, [Some("a"), Some("b;c"), None, None, None, None, None]);
        assert_ne!(a, b);
        assert_eq!(String::from_utf8(a).unwrap(), "1;2;3:a;b;1:c;-;-;-;-;-;");
        // An empty text is not a missing one.
        assert_ne!(
            canonical(1, 2, [Some(""), None, None, None, None, None, None]),
            canonical(1, 2, [None, None, None, None, None, None, None])
        );
    }

    #[test]
    fn the_hash_depends_on_the_previous_one() {
        let f = [Some("x"), Some("y"), Some("z"), Some("1"), None, None, None];
        assert_ne!(
            entry_hash(GENESIS, 1, 0, f),
            entry_hash(&"1".repeat(64), 1, 0, f)
        );
        assert_eq!(entry_hash(GENESIS, 1, 0, f).len(), 64);
    }
}
