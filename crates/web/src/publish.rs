//! Publishing a cycle (công bố): the one code path the admin's form and the demo seeding both take.
//!
//! A publication freezes what the council approved into a snapshot — the edition (id, content hash,
//! TOML), every unit's entries, the reviewers' decisions with their reasons, every node's points as
//! the engine computed them, and the annex (ranks per block) in the JSON contract of `egov annex` —
//! as one compact JSON text whose SHA-256 is the version's content hash. The annex files are rendered
//! from the same annex by `egov_export`, as `egov export --decision-number … --decision-date …` renders
//! them, and stored in the database with the snapshot, in one transaction with the audit entry
//! (`Store::publish`). A correction is the same path at the next version, with a reason.
//!
//! The snapshot is canonical in the sense that matters for its hash: it is written in one fixed form
//! (keys in a fixed order, units by code, entries by key, verifications by criterion, no whitespace,
//! exact decimals as JSON numbers with their printed scale), so the same cycle publishes the same bytes.

use std::collections::HashMap;

use egov_core::Lang;
use egov_core::calendar::Date;
use egov_core::engine::Status;
use egov_core::table::{Annex, decimal_json};
use egov_export::{DecisionInfo, Format, RenderOptions};
use egov_store::{CycleState, NewFile, NewPublication, Publication, Store};
use serde::Serialize;
use serde_json::Value;

use crate::WebError;
use crate::scoring::{self, Stage};

/// The annex files of every version: (format, stored name, media type). The names are the only ones
/// the download route serves.
pub const FILES: [(Format, &str, &str); 5] = [
    (
        Format::Docx,
        "phu-luc.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (Format::Pdf, "phu-luc.pdf", "application/pdf"),
    (
        Format::Xlsx,
        "phu-luc.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (Format::Csv, "phu-luc.csv", "text/csv; charset=utf-8"),
    (Format::Json, "phu-luc.json", "application/json"),
];

/// The name under which a version's snapshot itself is offered for download (so that anyone can check
/// its SHA-256 against the published content hash).
pub const SNAPSHOT_FILE: &str = "ban-chot.json";

/// The longest decision number accepted (a decision number is short: "2870/QĐ-UBND").
const MAX_NUMBER_CHARS: usize = 100;
/// The longest correction reason accepted.
const MAX_REASON_CHARS: usize = 2000;

/// What the admin publishes with: the decision and, for a correction, why.
#[derive(Clone, Debug)]
pub struct PublishRequest<'a> {
    pub cycle_id: i64,
    /// Số quyết định, as printed.
    pub decision_number: &'a str,
    /// Ngày quyết định.
    pub decision_date: Date,
    /// Required from version 2 on (a correction).
    pub reason: Option<&'a str>,
}

/// Time per phase on standard error when `EGOV_TIMINGS` is set (as the CLI's commands do): how the
/// scale benchmark attributes publishing's time.
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn from_env() -> Timings {
        Timings(std::env::var_os("EGOV_TIMINGS").map(|_| std::time::Instant::now()))
    }
    fn mark(&mut self, phase: &str) {
        if let Some(t) = &mut self.0 {
            eprintln!(
                "egov publish: {phase:>10}: {:8.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
            *t = std::time::Instant::now();
        }
    }
}

fn bad(lang: Lang, vi: String, en: String) -> WebError {
    WebError::BadRequest(match lang {
        Lang::Vi => vi,
        Lang::En => en,
    })
}

/// The issuing body of the decision an edition's results are published with (its `[[legal_basis]]`
/// whose role says "công bố"), as `egov export` names it in the Decree-30 frame: "Chủ tịch Ủy ban nhân
/// dân tỉnh X" signs for "Ủy ban nhân dân tỉnh X".
pub fn issuing_body(edition: &egov_core::edition::Edition) -> Option<String> {
    let basis = egov_export::frame::published_basis(edition)?;
    Some(egov_export::frame::issuing_body(basis.issuer.as_deref()?))
}

/// The render options of a version's files, as `egov export --decision-number … --decision-date …`
/// makes them: Vietnamese, headed by the decision, in the Decree-30 frame of the issuing body when
/// the edition names one.
pub fn render_options(
    decision_number: &str,
    decision_date: Date,
    issuer: Option<String>,
) -> RenderOptions {
    RenderOptions {
        lang: Lang::Vi,
        decision: Some(DecisionInfo {
            number: decision_number.to_string(),
            date: decision_date.dmy(),
            issuer: None,
        }),
        compact_json: false,
        frame: issuer.map(|issuer| egov_export::Frame {
            issuer,
            annex_number: None,
            provenance: egov_export::Provenance::Issued,
            signature: None,
            recipients: Vec::new(),
        }),
        robustness: None,
    }
}

/// The annex as published under a decision: its decision line replaced by this decision's, so that
/// the JSON file and the snapshot (which print the annex's own lines) say what the documents say.
pub fn annex_for(mut annex: Annex, opts: &RenderOptions) -> Annex {
    let (_, lines) = egov_export::layout::heading(&annex, opts);
    annex.subtitle = lines;
    annex
}

/// Renders the annex files of [`FILES`]. A PDF needs a serif font covering Vietnamese on the server;
/// without one the other files are published and the PDF is left out (said on the server's log), rather
/// than refusing a decision over a font.
pub fn annex_files(annex: &Annex, opts: &RenderOptions) -> Result<Vec<NewFile>, WebError> {
    let mut files = Vec::new();
    let mut t = Timings::from_env();
    for (format, name, media_type) in FILES {
        let rendered = egov_export::render(annex, format, opts);
        t.mark(name);
        match rendered {
            Ok(bytes) => files.push(NewFile {
                name: name.to_string(),
                media_type: media_type.to_string(),
                bytes,
            }),
            Err(e) if format == Format::Pdf => {
                eprintln!("egov serve: the PDF of the annex is left out: {e}");
            }
            Err(e) => return Err(WebError::Internal(format!("export {name}: {e}"))),
        }
    }
    Ok(files)
}

/// A cycle's state in words (Vietnamese, English).
fn state_names(state: CycleState) -> (&'static str, &'static str) {
    match state {
        CycleState::Open => ("tự đánh giá", "self-assessment"),
        CycleState::Review => ("thẩm định", "verification"),
        CycleState::Explanation => ("giải trình", "explanation round"),
        CycleState::Council => ("hội đồng xem xét", "before the council"),
        CycleState::Closed => ("hội đồng đã thông qua", "approved by the council"),
        CycleState::Published => ("đã công bố", "published"),
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Scored => "scored",
        Status::Given => "given",
        Status::Missing => "missing",
        Status::NotApplicable => "not_applicable",
        Status::NotEvaluated => "not_evaluated",
        Status::Excluded => "excluded",
    }
}

/// The snapshot's format, its first key: a reader knows what the rest means.
pub const SNAPSHOT_FORMAT: &str = "egov-publication-1";

// The snapshot's parts, serialized in the order of their fields (serde writes a struct's fields in
// declaration order), which makes the text canonical without sorting keys.
#[derive(Serialize)]
struct CycleRef {
    id: i64,
    year: i64,
}

#[derive(Serialize)]
struct DecisionRef<'a> {
    number: &'a str,
    /// `YYYY-MM-DD`.
    date: String,
}

#[derive(Serialize)]
struct EditionRef<'a> {
    id: &'a str,
    content_hash: &'a str,
    toml: &'a str,
}

#[derive(Serialize)]
struct SnapshotHead<'a> {
    format: &'static str,
    cycle: CycleRef,
    version: i64,
    decision: DecisionRef<'a>,
    reason: Option<&'a str>,
    edition: EditionRef<'a>,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct VerificationRef<'a> {
    criterion: &'a str,
    decision: &'static str,
    points: &'a str,
    reason: Option<&'a str>,
}

/// One unit in the snapshot: who it is, what it entered (the values that counted), what the reviewers
/// decided, and the points of every node of the edition (in the order of `nodes` at the top), as the
/// engine computed them.
#[derive(Serialize)]
struct UnitSnapshot<'a> {
    code: &'a str,
    name: &'a str,
    category: &'a str,
    flags: &'a str,
    status: &'static str,
    entries: Vec<EntryRef<'a>>,
    verifications: Vec<VerificationRef<'a>>,
    points: Vec<Value>,
    max: Vec<Value>,
    point_status: Vec<&'static str>,
}

#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    head: &'a SnapshotHead<'a>,
    /// The edition's node codes in order; the root (the unit's total) is "".
    nodes: Vec<&'a str>,
    units: Vec<UnitSnapshot<'a>>,
    /// The annex in the JSON contract of `egov annex --format json`.
    results: Value,
}

/// The snapshot's text: compact JSON, units by code, entries by key, verifications by criterion.
/// The entries are the rows scored (a unit that did not submit has none that count); the reviewers'
/// decisions, with their reasons, are read in one query (not one per unit: a province has thousands).
async fn snapshot_json(
    store: &Store,
    head: &SnapshotHead<'_>,
    submissions: &[egov_store::Submission],
    rows: &[scoring::UnitRows],
    scored: &scoring::Scored,
    annex: &Annex,
) -> Result<String, WebError> {
    let registry: HashMap<String, egov_store::Unit> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let entries: HashMap<&str, &[(String, String)]> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.entries.as_slice()))
        .collect();
    let mut verifications: HashMap<String, Vec<egov_store::Verification>> = HashMap::new();
    for v in store.cycle_verifications(head.cycle.id).await? {
        verifications
            .entry(v.unit_code.clone())
            .or_default()
            .push(v);
    }
    let nodes = &scored.edition.nodes;
    let mut subs: Vec<&egov_store::Submission> = submissions.iter().collect();
    subs.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    let mut units = Vec::with_capacity(subs.len());
    for s in subs {
        let unit = registry
            .get(&s.unit_code)
            .ok_or_else(|| WebError::Internal(format!("unit {} not in registry", s.unit_code)))?;
        let mut unit_entries: Vec<EntryRef<'_>> = entries
            .get(s.unit_code.as_str())
            .map(|list| {
                list.iter()
                    .map(|(key, value)| EntryRef { key, value })
                    .collect()
            })
            .unwrap_or_default();
        unit_entries.sort_by(|a, b| a.key.cmp(b.key));
        let mut unit_verifications: Vec<VerificationRef<'_>> = verifications
            .get(&s.unit_code)
            .map(|list| {
                list.iter()
                    .map(|v| VerificationRef {
                        criterion: &v.criterion,
                        decision: v.decision.as_str(),
                        points: &v.points,
                        reason: v.reason.as_deref(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        unit_verifications.sort_by(|a, b| a.criterion.cmp(b.criterion));
        let (mut points, mut max, mut point_status) = (Vec::new(), Vec::new(), Vec::new());
        if let Some(u) = scored.dataset.unit_index(&s.unit_code) {
            for n in 0..nodes.len() {
                let score = scored.scores.get(u, n);
                points.push(decimal_json(score.points));
                max.push(decimal_json(score.max));
                point_status.push(status_text(score.status));
            }
        }
        units.push(UnitSnapshot {
            code: &unit.code,
            name: &unit.name,
            category: &unit.category,
            flags: &unit.flags,
            status: s.status.as_str(),
            entries: unit_entries,
            verifications: unit_verifications,
            points,
            max,
            point_status,
        });
    }
    let snapshot = Snapshot {
        head,
        nodes: nodes
            .iter()
            .enumerate()
            .map(|(n, node)| if n == 0 { "" } else { node.code.as_str() })
            .collect(),
        units,
        results: annex.to_json(),
    };
    serde_json::to_string(&snapshot).map_err(|e| WebError::Internal(format!("snapshot: {e}")))
}

/// Publishes the next version of a cycle: version 1 of a cycle the council approved (`closed`), or a
/// correction (with a reason) of a published one, or of one taken back to verification and approved
/// again. Messages of refusals are in `lang`.
pub async fn publish_cycle(
    store: &Store,
    actor: &str,
    req: &PublishRequest<'_>,
    lang: Lang,
) -> Result<Publication, WebError> {
    let number = req.decision_number.trim();
    if number.is_empty() {
        return Err(bad(
            lang,
            "Chưa nhập số quyết định (ô \"Số quyết định\").".into(),
            "The decision number is missing (field \"Decision number\").".into(),
        ));
    }
    if number.chars().count() > MAX_NUMBER_CHARS || number.chars().any(char::is_control) {
        return Err(bad(
            lang,
            format!(
                "Số quyết định quá dài (tối đa {MAX_NUMBER_CHARS} ký tự) hoặc có ký tự điều khiển."
            ),
            format!(
                "The decision number is too long (at most {MAX_NUMBER_CHARS} characters) or holds a control character."
            ),
        ));
    }
    let reason = req.reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(bad(
            lang,
            format!("Lý do đính chính quá dài (tối đa {MAX_REASON_CHARS} ký tự)."),
            format!(
                "The reason of the correction is too long (at most {MAX_REASON_CHARS} characters)."
            ),
        ));
    }
    let cycle = store.cycle(req.cycle_id).await?;
    let history = store.publication_history(cycle.id).await?;
    let version = history.last().map_or(1, |p| p.version + 1);
    // A reason says why a version corrects the one before; the first version corrects nothing.
    let reason = reason.filter(|_| version > 1);
    match cycle.state {
        CycleState::Closed if history.is_empty() => {}
        CycleState::Published | CycleState::Closed if !history.is_empty() => {
            if reason.is_none() {
                return Err(bad(
                    lang,
                    "Đính chính (công bố lại) cần lý do (ô \"Lý do đính chính\").".into(),
                    "A correction (publishing again) needs a reason (field \"Reason for the correction\").".into(),
                ));
            }
        }
        state => {
            let (vi, en) = state_names(state);
            return Err(bad(
                lang,
                format!(
                    "Kỳ đánh giá này chưa được hội đồng thông qua (đang ở bước: {vi}); chỉ công bố sau khi hội đồng thông qua."
                ),
                format!(
                    "The council has not approved this cycle (it is at: {en}); it can be published only after approval."
                ),
            ));
        }
    }

    let mut t = Timings::from_env();
    let edition = scoring::edition_of(store, &cycle).await?;
    let stored_edition = store.edition(&cycle.edition_id).await?;
    let submissions = store.submissions(cycle.id).await?;
    t.mark("checks");
    // `score_cycle`'s two steps, kept apart so that the snapshot freezes the very rows scored (the
    // entries that counted) without reading a province's entries a second time. Units that did not
    // submit under `not_submitted = "error"` are refused there, by name.
    let rows = scoring::cycle_rows(store, &cycle, Stage::Verified).await?;
    let scored = scoring::score_rows(edition.clone(), &rows)?;
    if let Some(p) = scored.problems.first() {
        return Err(bad(
            lang,
            format!(
                "Không công bố được: giá trị {} của đơn vị {} không hợp lệ ({}); {} giá trị có vấn đề.",
                p.key,
                p.unit,
                p.message,
                scored.problems.len()
            ),
            format!(
                "Cannot publish: the value {} of unit {} is not valid ({}); {} values have problems.",
                p.key,
                p.unit,
                p.message,
                scored.problems.len()
            ),
        ));
    }
    t.mark("score");
    let opts = render_options(number, req.decision_date, issuing_body(&edition));
    let annex = annex_for(scored.annex(Lang::Vi), &opts);
    if annex.tables.is_empty() {
        return Err(bad(
            lang,
            format!(
                "Bộ chỉ số {} không có bảng phụ lục nào ([[annex.table]]): không có gì để công bố.",
                cycle.edition_id
            ),
            format!(
                "The edition {} has no annex table ([[annex.table]]): there is nothing to publish.",
                cycle.edition_id
            ),
        ));
    }
    t.mark("annex");
    let snapshot = snapshot_json(
        store,
        &SnapshotHead {
            format: SNAPSHOT_FORMAT,
            cycle: CycleRef {
                id: cycle.id,
                year: cycle.year,
            },
            version,
            decision: DecisionRef {
                number,
                date: req.decision_date.iso(),
            },
            reason,
            edition: EditionRef {
                id: &stored_edition.id,
                content_hash: &stored_edition.content_hash,
                toml: &stored_edition.toml,
            },
        },
        &submissions,
        &rows,
        &scored,
        &annex,
    )
    .await?;
    t.mark("snapshot");
    // Rendering a province's PDF and workbook is CPU work of seconds: off the async workers.
    let files = tokio::task::spawn_blocking(move || annex_files(&annex, &opts))
        .await
        .map_err(|e| WebError::Internal(format!("join: {e}")))??;
    t.mark("files");
    let date = req.decision_date.iso();
    // The units' notice, in Vietnamese like the decision (the notices page names its kind in either
    // language).
    let notice = if version == 1 {
        format!(
            "Kết quả đánh giá năm {} đã được công bố theo Quyết định số {number} ngày {}.",
            cycle.year,
            req.decision_date.dmy()
        )
    } else {
        format!(
            "Kết quả đánh giá năm {} được đính chính (phiên bản {version}, Quyết định số {number} ngày {}): {}",
            cycle.year,
            req.decision_date.dmy(),
            reason.unwrap_or_default()
        )
    };
    let publication = store
        .publish(
            actor,
            &NewPublication {
                cycle_id: cycle.id,
                version,
                decision_number: number,
                decision_date: &date,
                snapshot: &snapshot,
                reason,
                files: &files,
                notice: Some(&notice),
            },
        )
        .await?;
    t.mark("store");
    Ok(publication)
}
