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

use egov_core::Lang;
use egov_core::calendar::Date;
use egov_core::engine::Status;
use egov_core::table::{Annex, decimal_json};
use egov_export::{DecisionInfo, Format, RenderOptions};
use egov_store::{CycleState, NewFile, NewPublication, Publication, Store, SubmissionStatus};
use serde_json::{Value, json};

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

fn bad(lang: Lang, vi: String, en: String) -> WebError {
    WebError::BadRequest(match lang {
        Lang::Vi => vi,
        Lang::En => en,
    })
}

/// The render options of a version's files: Vietnamese, headed by the decision.
pub fn render_options(decision_number: &str, decision_date: Date) -> RenderOptions {
    RenderOptions {
        lang: Lang::Vi,
        decision: Some(DecisionInfo {
            number: decision_number.to_string(),
            date: decision_date.dmy(),
            issuer: None,
        }),
        compact_json: false,
        ..Default::default()
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
    for (format, name, media_type) in FILES {
        match egov_export::render(annex, format, opts) {
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

/// Publishes the next version of a cycle: version 1 of a cycle the council approved (`closed`), or a
/// correction of a published one (with a reason). Messages of refusals are in `lang`.
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
        CycleState::Published if !history.is_empty() => {
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

    let edition = scoring::edition_of(store, &cycle).await?;
    let stored_edition = store.edition(&cycle.edition_id).await?;
    let submissions = store.submissions(cycle.id).await?;
    let not_submitted: Vec<&str> = submissions
        .iter()
        .filter(|s| {
            !matches!(
                s.status,
                SubmissionStatus::Submitted | SubmissionStatus::Verified
            )
        })
        .map(|s| s.unit_code.as_str())
        .collect();
    if !not_submitted.is_empty() && edition.not_submitted == egov_core::edition::NotSubmitted::Error
    {
        let joined = not_submitted.join(", ");
        let list = egov_core::text::cut(&joined, 300);
        return Err(bad(
            lang,
            format!(
                "Bộ chỉ số không cho phép đơn vị chưa nộp hồ sơ, nhưng các đơn vị sau chưa nộp: {list}."
            ),
            format!(
                "The edition does not allow units that submitted nothing, but these did not submit: {list}."
            ),
        ));
    }
    let scored = scoring::score_cycle(store, &cycle, Stage::Verified).await?;
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
    let opts = render_options(number, req.decision_date);
    let annex = annex_for(scored.annex(Lang::Vi), &opts);

    let registry: std::collections::HashMap<String, egov_store::Unit> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let mut units = Vec::with_capacity(submissions.len());
    for s in &submissions {
        let unit = registry
            .get(&s.unit_code)
            .ok_or_else(|| WebError::Internal(format!("unit {} not in registry", s.unit_code)))?;
        let mut entries = store.entries(s.id).await?;
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let mut verifications = store.verifications(cycle.id, &s.unit_code).await?;
        verifications.sort_by(|a, b| a.criterion.cmp(&b.criterion));
        let points: Vec<Value> = match scored.dataset.unit_index(&s.unit_code) {
            Some(u) => scored
                .edition
                .nodes
                .iter()
                .enumerate()
                .map(|(n, node)| {
                    let score = scored.scores.get(u, n);
                    json!({
                        "node": if n == 0 { "" } else { node.code.as_str() },
                        "points": decimal_json(score.points),
                        "max": decimal_json(score.max),
                        "status": status_text(score.status),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        units.push(json!({
            "code": unit.code,
            "name": unit.name,
            "category": unit.category,
            "flags": unit.flags,
            "status": s.status.as_str(),
            "entries": entries.iter().map(|e| json!({"key": e.key, "value": e.value})).collect::<Vec<_>>(),
            "verifications": verifications.iter().map(|v| json!({
                "criterion": v.criterion,
                "decision": v.decision.as_str(),
                "points": v.points,
                "reason": v.reason,
            })).collect::<Vec<_>>(),
            "points": points,
        }));
    }
    units.sort_by(|a, b| a["code"].as_str().cmp(&b["code"].as_str()));
    let snapshot = json!({
        "format": "egov-publication-1",
        "cycle": {"id": cycle.id, "year": cycle.year},
        "version": version,
        "decision": {"number": number, "date": req.decision_date.iso()},
        "reason": reason,
        "edition": {
            "id": stored_edition.id,
            "content_hash": stored_edition.content_hash,
            "toml": stored_edition.toml,
        },
        "units": units,
        "results": annex.to_json(),
    })
    .to_string();
    // Rendering a province's PDF and workbook is CPU work of seconds: off the async workers.
    let files = tokio::task::spawn_blocking(move || annex_files(&annex, &opts))
        .await
        .map_err(|e| WebError::Internal(format!("join: {e}")))??;
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
    Ok(publication)
}
