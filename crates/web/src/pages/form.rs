//! One unit's self-assessment (phiếu tự đánh giá): the form generated from the cycle's edition, drafts
//! saved all or nothing with the live points the engine gives them, the Excel entry workbook (down and
//! up), evidence (files and document references), and the head's submission before the deadline.
//!
//! The form says about every item what the Excel form says ([`egov_export::template::form_rows`]: the
//! same rows, rule texts, maxima and evidence flags), and accepts exactly what the dataset reader
//! accepts: a value is checked by reading the unit's values through the reader the engine uses
//! ([`scoring::score_rows`]), whose message is shown at the field with the indicator's name. Points
//! are never computed here: the live points are the engine's ([`scoring::score_cycle`] at the draft
//! stage).
//!
//! Every handler runs after the guard authorized the route's action on the unit of the URL; what else
//! a request names (an entry key, an evidence id) is checked here against that unit's submission in
//! that cycle, and anything else is 404. Dates are the calendar day in Vietnam (UTC+7, no daylight
//! time: [`Date::in_vietnam_at`]), whatever the server's time zone: a deadline is a day of the
//! province's calendar, the last day included.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect};
use bytes::Bytes;
use egov_core::Lang;
use egov_core::calendar::{Date, parse_date};
use egov_core::dataset::{Dataset, Value};
use egov_core::edition::{Edition, InputKind};
use egov_core::engine::{NodeScore, Status};
use egov_export::template::{self as workbook_form, FormRow, FormRowKind};
use egov_store::{
    Cycle, CycleState, Decision, DraftWrite, Entry, Evidence, EvidenceSource, Submission,
    SubmissionStatus, Unit, editable,
};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Common, Page, common, me, render};
use crate::authz::{Action, Object, Who, allowed};
use crate::files::{self, Files};
use crate::guard::{Ctx, is_multipart};
use crate::scoring::{self, Stage, UnitRows};
use crate::text::{date, day_of_ms};
use crate::{AppState, WebError};

/// What "not applicable" is written as in a value (the dataset reader's marker).
const NA: &str = "Không áp dụng";
/// The longest value a field takes (an answer, a number): longer is not a value but a mistake.
const MAX_VALUE_CHARS: usize = 200;

/// The objects of one unit's form, read together.
struct Loaded {
    cycle: Cycle,
    unit: Unit,
    submission: Submission,
    edition: Arc<Edition>,
    /// The deadline that holds for the unit (`YYYY-MM-DD`; its latest extension, else the cycle's).
    deadline: String,
    /// Whether the unit's deadline was extended.
    extended: bool,
}

async fn load(app: &AppState, cycle_id: i64, code: &str) -> Result<Loaded, WebError> {
    let cycle = app.store.cycle(cycle_id).await?;
    // A unit not in the cycle has no submission there: 404.
    let submission = app.store.submission(cycle.id, code).await?;
    let unit = app.store.unit(code).await?;
    let edition = scoring::edition_of(&app.store, &cycle).await?;
    let deadline = app.store.deadline_for(cycle.id, code).await?;
    let deadline = parse_date(&deadline).map_or(deadline, |d| d.iso());
    let extended = !app
        .store
        .deadline_extensions(cycle.id, code)
        .await?
        .is_empty();
    Ok(Loaded {
        cycle,
        unit,
        submission,
        edition,
        deadline,
        extended,
    })
}

/// Today in Vietnam, `YYYY-MM-DD`.
fn today() -> String {
    Date::in_vietnam_at(egov_store::now_ms()).map_or_else(String::new, |d| d.iso())
}

fn form_url(l: &Loaded) -> String {
    format!("/cycles/{}/units/{}", l.cycle.id, l.unit.code)
}

/// Whether the signed-in user is an officer or the head of the URL's unit (who may change its draft).
fn member(ctx: &Ctx, code: &str) -> bool {
    ctx.user.as_ref().is_some_and(|u| {
        allowed(
            &Who::User(&u.grants),
            Action::EditSubmission,
            &Object::Unit(code.to_string()),
        )
    })
}

fn head(ctx: &Ctx, code: &str) -> bool {
    ctx.user.as_ref().is_some_and(|u| {
        allowed(
            &Who::User(&u.grants),
            Action::SubmitSubmission,
            &Object::Unit(code.to_string()),
        )
    })
}

/// Why the unit cannot change its values now, or `None` when it can: before it submits (or after its
/// submission was returned), and only while the cycle takes values — open, or in review for a
/// returned submission or a unit whose extended deadline has not passed. An extension never reopens
/// a cycle past review: in explanation, council, closed or published the values are what the
/// reviewers verified and the council decided on. The form, the draft save, the workbook upload,
/// the evidence add/remove and the submission all ask this one function.
fn closed_reason(l: &Loaded, today: &str, lang: Lang) -> Option<String> {
    if !editable(l.submission.status) {
        return Some(
            lang.tr(
                "Hồ sơ đã nộp: số liệu không sửa được nữa.",
                "The submission has been sent: its values can no longer change.",
            )
            .to_string(),
        );
    }
    let open = match l.cycle.state {
        CycleState::Open => true,
        CycleState::Review => {
            l.submission.status == SubmissionStatus::Returned
                || (l.extended && today <= l.deadline.as_str())
        }
        _ => false,
    };
    if open {
        None
    } else {
        Some(
            lang.tr(
                "Kỳ đánh giá không còn nhận số liệu.",
                "The cycle no longer takes values.",
            )
            .to_string(),
        )
    }
}

/// The unit as the edition sees it (its category's index and its flags), `None` when the registry's
/// category is not one of the edition's.
fn edition_unit(edition: &Edition, unit: &Unit) -> Option<egov_core::dataset::Unit> {
    let category = edition
        .categories
        .iter()
        .position(|c| c.code == unit.category)?;
    Some(egov_core::dataset::Unit {
        code: unit.code.clone(),
        name: unit.name.clone(),
        category,
        flags: flags(&unit.flags),
    })
}

fn flags(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

fn unknown_category(l: &Loaded, lang: Lang) -> String {
    let (c, e) = (&l.unit.category, &l.edition.id);
    match lang {
        Lang::Vi => format!(
            "Loại đơn vị '{c}' trong danh mục không có trong bộ chỉ số {e}: không xác định được tiêu chí nào áp dụng cho đơn vị. Hãy báo quản trị sửa loại của đơn vị."
        ),
        Lang::En => format!(
            "The unit's category '{c}' in the registry is not one of edition {e}'s: which criteria apply cannot be told. Ask the administrator to correct the unit's category."
        ),
    }
}

/// The name of an entry row in messages: the criterion's code and name, or the input's name and id.
fn indicator(row: &FormRow) -> String {
    let key = row.key.as_deref().unwrap_or_default();
    if row.node.is_some() {
        format!("{} {}", row.code, row.label)
    } else {
        format!("{} ({key})", row.label)
    }
}

/// Milliseconds as `dd/mm/yyyy HH:MM` in Vietnam.
fn moment(ms: i64) -> String {
    let minutes = (ms + 7 * 3_600_000).rem_euclid(86_400_000) / 60_000;
    format!("{} {:02}:{:02}", day_of_ms(ms), minutes / 60, minutes % 60)
}

fn points_text(d: Decimal, edition: &Edition, lang: Lang) -> String {
    let decimals = edition.decimals.max(d.normalize().scale().min(4));
    match lang {
        Lang::Vi => egov_core::num::format_vi(d, decimals, edition.rounding),
        Lang::En => egov_core::num::format_en(d, decimals, edition.rounding),
    }
}

/// A node's live points in words: `7,5 / 12`, or what the engine says instead.
fn score_text(s: &NodeScore, edition: &Edition, lang: Lang) -> String {
    let of = |s: &NodeScore| {
        format!(
            "{} / {}",
            points_text(s.points, edition, lang),
            points_text(s.max, edition, lang)
        )
    };
    match s.status {
        Status::Scored | Status::Given => of(s),
        Status::Missing => format!("{} ({})", of(s), lang.tr("chưa có số liệu", "no value yet")),
        Status::NotApplicable => {
            format!("{} ({})", of(s), lang.tr("không áp dụng", "not applicable"))
        }
        Status::NotEvaluated => lang.tr("Không đánh giá", "Not evaluated").to_string(),
        Status::Excluded => lang
            .tr(
                "Không áp dụng, loại khỏi điểm tối đa",
                "Not applicable, excluded from the maximum",
            )
            .to_string(),
    }
}

pub(crate) fn status_text(s: SubmissionStatus, lang: Lang) -> &'static str {
    match s {
        SubmissionStatus::NotStarted => lang.tr("Chưa bắt đầu", "Not started"),
        SubmissionStatus::Draft => lang.tr("Đang nhập (bản nháp)", "Draft"),
        SubmissionStatus::Confirmed => lang.tr("Thủ trưởng đã xác nhận", "Confirmed"),
        SubmissionStatus::Submitted => lang.tr("Đã nộp", "Submitted"),
        SubmissionStatus::Returned => lang.tr("Bị trả lại để sửa", "Returned for correction"),
        SubmissionStatus::Verified => lang.tr("Đã thẩm định", "Verified"),
    }
}

// ---------------------------------------------------------------------------------------------
// The form page
// ---------------------------------------------------------------------------------------------

pub(crate) struct Opt {
    value: String,
    label: String,
    selected: bool,
}

pub(crate) struct EvidenceView {
    id: i64,
    text: String,
    /// Where the file is downloaded (or the reference shown).
    href: String,
    /// A document's own link (http or https only).
    link: String,
    added: String,
}

pub(crate) struct VerifiedView {
    decision: &'static str,
    points: String,
    reason: String,
    /// Whether the unit may answer it here (explanation round, adjusted points, a member).
    explain: bool,
    /// The unit's answers so far: the text, and who wrote it when.
    answers: Vec<(String, String)>,
}

/// One row of the form.
pub(crate) struct RowView {
    /// `group`, `criterion`, `entry` or `extra` (also the row's CSS class).
    kind: &'static str,
    depth: usize,
    code: String,
    label: String,
    unit: String,
    hint: String,
    scoring: String,
    evidence_required: bool,
    applies: bool,
    /// An entry row's key, field name (`v.KEY`) and version field (`ver.KEY`).
    key: String,
    field: String,
    ver_field: String,
    select: bool,
    options: Vec<Opt>,
    inputmode: &'static str,
    value: String,
    version: i64,
    saved: String,
    error: String,
    points: String,
    verified: Option<VerifiedView>,
    /// The key evidence of this row is attached to (empty: none here).
    evidence_key: String,
    evidence: Vec<EvidenceView>,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    p: Common,
    url: String,
    year: i64,
    unit_name: String,
    code: String,
    edition_title: String,
    status: &'static str,
    deadline: String,
    /// The explanation round's deadline, while the cycle is in that round.
    explanation_deadline: String,
    late: bool,
    extended: bool,
    submitted: String,
    editable: bool,
    closed: String,
    can_submit: bool,
    version: i64,
    total: String,
    notes: Vec<String>,
    errors: Vec<String>,
    rows: Vec<RowView>,
}

/// What a re-rendered form shows instead of the stored values: the values posted and their errors.
#[derive(Default)]
struct Posted {
    values: HashMap<String, (String, i64)>,
    errors: HashMap<String, String>,
    general: Vec<String>,
}

fn options(input: Option<&InputKind>, na: bool, value: &str, lang: Lang) -> Vec<Opt> {
    let mut out = vec![Opt {
        value: String::new(),
        label: String::new(),
        selected: value.is_empty(),
    }];
    let mut push = |v: &str, label: &str| {
        out.push(Opt {
            value: v.to_string(),
            label: label.to_string(),
            selected: v == value,
        })
    };
    match input {
        Some(InputKind::YesNo) => {
            push("Có", lang.tr("Có", "Yes"));
            push("Không", lang.tr("Không", "No"));
        }
        Some(InputKind::Choice(choices)) => {
            for c in choices {
                push(c, c);
            }
        }
        _ => {}
    }
    if na {
        push(NA, lang.tr(NA, "Not applicable"));
    }
    // A stored value the list does not hold (saved under other rules) stays visible and selected.
    if !value.is_empty() && !out.iter().any(|o| o.selected) {
        out.push(Opt {
            value: value.to_string(),
            label: value.to_string(),
            selected: true,
        });
    }
    out
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    l: &Loaded,
    posted: Posted,
    status: StatusCode,
) -> Page {
    let lang = ctx.lang;
    let edition = &l.edition;
    let code = &l.unit.code;
    let today = today();
    let is_member = member(ctx, code);
    let closed = closed_reason(l, &today, lang);
    let can_edit = is_member && closed.is_none();
    // The submit button only while values may change (a late one is still offered: its refusal is
    // the audit log's record of the attempt).
    let can_submit = head(ctx, code) && closed.is_none();
    let eunit = edition_unit(edition, &l.unit);
    let mut notes = Vec::new();
    if eunit.is_none() {
        notes.push(unknown_category(l, lang));
    }
    let rows = workbook_form::form_rows(edition, eunit.as_ref(), lang);

    let entries: HashMap<String, Entry> = app
        .store
        .entries(l.submission.id)
        .await?
        .into_iter()
        .map(|e| (e.key.clone(), e))
        .collect();
    // Who saved, added, submitted or explained, by display name: one query for the whole page.
    let people = app.store.submission_people(l.submission.id).await?;
    let person = |login: &str| {
        people
            .get(login)
            .cloned()
            .unwrap_or_else(|| login.to_string())
    };
    let mut evidence: HashMap<String, Vec<EvidenceView>> = HashMap::new();
    for e in app.store.evidence(l.submission.id).await? {
        if e.removed_at.is_some() {
            continue;
        }
        let key = e.key.clone();
        evidence
            .entry(key)
            .or_default()
            .push(evidence_view(l, &e, &people, lang));
    }
    // The live points of the draft: the engine's, over the drafts of every unit that started (the
    // cohort's bests for relative rules). A cycle the engine cannot score yet is said, not fatal.
    let mut points: HashMap<usize, NodeScore> = HashMap::new();
    let mut total = String::new();
    match live_points(app, l, &entries).await {
        Ok(None) => {}
        Ok(Some(scored)) => {
            for p in scored.problems.iter().filter(|p| &p.unit == code) {
                notes.push(format!("{}: {}", p.key, p.message));
            }
            if let Some(u) = scored.unit(code, lang) {
                total = score_text(&u.total, edition, lang);
                for n in u.nodes {
                    points.insert(n.node, n.score);
                }
            }
        }
        Err(WebError::BadRequest(m)) => notes.push(format!(
            "{} {m}",
            lang.tr("Chưa tính được điểm:", "Points cannot be computed yet:")
        )),
        Err(e) => return Err(e),
    }
    let verified: HashMap<String, egov_store::Verification> = app
        .store
        .verifications(l.cycle.id, code)
        .await?
        .into_iter()
        .map(|v| (v.criterion.clone(), v))
        .collect();
    // The box is offered until the round's deadline (its day included); the store refuses later ones.
    let explanation_round = l.cycle.state == CycleState::Explanation
        && is_member
        && l.cycle
            .explanation_deadline
            .as_deref()
            .and_then(|d| parse_date(d).ok())
            .is_none_or(|d| today <= d.iso());
    let mut answers: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for x in app.store.explanations(l.cycle.id, code).await? {
        answers
            .entry(x.criterion)
            .or_default()
            .push((x.text, format!("{}, {}", person(&x.author), moment(x.at))));
    }

    let mut depth = 0;
    let mut views = Vec::with_capacity(rows.len());
    let mut errors = posted.general.clone();
    for row in rows {
        let node_depth = row.node.map(|n| edition.nodes[n].depth);
        let this_depth = match (row.kind, node_depth) {
            (FormRowKind::Entry, None) => depth + 1,
            (_, Some(d)) => d,
            (_, None) => 1,
        };
        if row.kind != FormRowKind::Entry || row.node.is_some() {
            depth = this_depth;
        }
        let key = row.key.clone().unwrap_or_default();
        let (value, version) = match posted.values.get(&key) {
            Some((v, ver)) => (v.clone(), *ver),
            None => entries
                .get(&key)
                .map_or((String::new(), 0), |e| (e.value.clone(), e.version)),
        };
        let saved = entries.get(&key).map_or_else(String::new, |e| {
            format!("{}, {}", person(&e.updated_by), moment(e.updated_at))
        });
        let input = row.input.map(|i| &edition.inputs[i].kind);
        let select = matches!(input, Some(InputKind::YesNo | InputKind::Choice(_)));
        let inputmode = match input {
            Some(InputKind::Count) => "numeric",
            _ => "decimal",
        };
        let node_code = row.node.map(|n| edition.nodes[n].code.clone());
        let verified = node_code
            .as_ref()
            .and_then(|c| verified.get(c))
            .map(|v| VerifiedView {
                decision: match v.decision {
                    Decision::Accepted => lang.tr("Chấp nhận", "Accepted"),
                    Decision::Adjusted => lang.tr("Điều chỉnh", "Adjusted"),
                },
                points: v
                    .points
                    .parse::<Decimal>()
                    .map_or_else(|_| v.points.clone(), |d| points_text(d, edition, lang)),
                reason: v.reason.clone().unwrap_or_default(),
                explain: explanation_round && v.decision == Decision::Adjusted,
                answers: answers.remove(&v.criterion).unwrap_or_default(),
            });
        let evidence_key = match row.kind {
            FormRowKind::Entry => key.clone(),
            FormRowKind::Criterion => node_code.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let kind = match row.kind {
            FormRowKind::Group => "group",
            FormRowKind::Criterion => "criterion",
            FormRowKind::Entry => "entry",
            FormRowKind::Extra => "extra",
        };
        views.push(RowView {
            kind,
            depth: this_depth.min(6),
            field: format!("v.{key}"),
            ver_field: format!("ver.{key}"),
            options: if select {
                options(input, row.na, &value, lang)
            } else {
                Vec::new()
            },
            select,
            inputmode,
            error: match posted.errors.get(&key) {
                Some(e) => {
                    errors.push(e.clone());
                    e.clone()
                }
                None => String::new(),
            },
            points: row
                .node
                .and_then(|n| points.get(&n))
                .map(|s| score_text(s, edition, lang))
                .unwrap_or_default(),
            verified,
            evidence: evidence.remove(&evidence_key).unwrap_or_default(),
            evidence_key,
            code: row.code,
            label: row.label,
            unit: row.unit,
            hint: row.hint,
            scoring: row.scoring,
            evidence_required: row.evidence,
            applies: row.applies,
            key,
            value,
            version,
            saved,
        });
    }
    let page = FormPage {
        p: common(ctx),
        url: form_url(l),
        year: l.cycle.year,
        unit_name: l.unit.name.clone(),
        code: code.clone(),
        edition_title: edition.title(lang).to_string(),
        status: status_text(l.submission.status, lang),
        deadline: date(&l.deadline),
        explanation_deadline: match (&l.cycle.state, &l.cycle.explanation_deadline) {
            (CycleState::Explanation, Some(d)) => {
                parse_date(d).map_or_else(|_| d.clone(), |d| d.dmy())
            }
            _ => String::new(),
        },
        late: editable(l.submission.status) && today.as_str() > l.deadline.as_str(),
        extended: l.extended,
        submitted: match (&l.submission.submitted_by, l.submission.submitted_at) {
            (Some(by), Some(at)) => format!("{}, {}", person(by), moment(at)),
            _ => String::new(),
        },
        editable: can_edit,
        closed: if is_member {
            closed.unwrap_or_default()
        } else {
            String::new()
        },
        can_submit,
        version: l.submission.version,
        total,
        notes,
        errors,
        rows: views,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The engine's points of the draft. A unit's points depend on other units' values only through
/// cohort rules (relative to the best of the block); without one, the unit is scored alone (one unit's
/// rows instead of every submission of a province's cycle on each page view), with one, the whole
/// cycle's drafts are scored as the cohort.
async fn live_points(
    app: &AppState,
    l: &Loaded,
    entries: &HashMap<String, Entry>,
) -> Result<Option<scoring::Scored>, WebError> {
    let cohort = l
        .edition
        .nodes
        .iter()
        .any(|n| n.rule.as_ref().is_some_and(|r| r.needs_cohort()));
    if cohort {
        return scoring::score_cycle(&app.store, &l.cycle, Stage::Draft)
            .await
            .map(Some);
    }
    let mut values: Vec<(String, String)> = entries
        .values()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    values.sort();
    if values.is_empty() {
        return Ok(None);
    }
    let row = UnitRows {
        code: l.unit.code.clone(),
        name: l.unit.name.clone(),
        category: l.unit.category.clone(),
        flags: l.unit.flags.clone(),
        with_values: true,
        entries: values,
        adjusted: Vec::new(),
    };
    scoring::score_rows(l.edition.clone(), &[row]).map(Some)
}

/// One piece of evidence as the form lists it; `people` maps logins to display names
/// ([`egov_store::Store::submission_people`]).
fn evidence_view(
    l: &Loaded,
    e: &Evidence,
    people: &HashMap<String, String>,
    lang: Lang,
) -> EvidenceView {
    let href = format!("{}/evidence/{}", form_url(l), e.id);
    let by = people.get(&e.added_by).unwrap_or(&e.added_by);
    let added = format!("{by}, {}", moment(e.added_at));
    match &e.source {
        EvidenceSource::File {
            file_name, size, ..
        } => EvidenceView {
            id: e.id,
            text: format!("{file_name} ({})", size_text(*size)),
            href,
            link: String::new(),
            added,
        },
        EvidenceSource::Document {
            number,
            date: day,
            issuer,
            link,
        } => EvidenceView {
            id: e.id,
            text: document_text(number, day.as_deref(), issuer.as_deref(), lang),
            href,
            link: link.clone().filter(|l| web_link(l)).unwrap_or_default(),
            added,
        },
    }
}

fn document_text(number: &str, day: Option<&str>, issuer: Option<&str>, lang: Lang) -> String {
    let mut s = format!("{} {number}", lang.tr("Văn bản số", "Document no."));
    if let Some(d) = day {
        s.push_str(&format!(" {} {}", lang.tr("ngày", "of"), date(d)));
    }
    if let Some(i) = issuer {
        s.push_str(&format!(" {} {i}", lang.tr("của", "by")));
    }
    s
}

fn size_text(size: i64) -> String {
    if size >= 1024 * 1024 {
        format!(
            "{},{} MB",
            size / (1024 * 1024),
            (size % (1024 * 1024)) * 10 / (1024 * 1024)
        )
    } else if size >= 1024 {
        format!("{} KB", (size + 1023) / 1024)
    } else {
        format!("{size} B")
    }
}

/// Whether a link is a web address (`http://` or `https://`, no spaces or control characters): no
/// `javascript:` or `data:` link is ever written into a page.
fn web_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && s.len() > "https://".len()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub async fn form(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
) -> Page {
    let l = load(&app, cycle, &code).await?;
    form_page(&app, &ctx, &l, Posted::default(), StatusCode::OK).await
}

// ---------------------------------------------------------------------------------------------
// Saving a draft
// ---------------------------------------------------------------------------------------------

/// The values of a draft as they change: the posted or uploaded `(key, value, version read)`, checked
/// against the edition and the unit. On success, the writes of the values that differ from the
/// stored ones; else the message of each refused key (and messages about the whole unit).
struct Checked {
    writes: Vec<DraftWrite>,
    errors: HashMap<String, String>,
    general: Vec<String>,
}

async fn check_values(
    app: &AppState,
    l: &Loaded,
    values: &[(String, String, i64)],
    lang: Lang,
) -> Result<Checked, WebError> {
    let stored: HashMap<String, Entry> = app
        .store
        .entries(l.submission.id)
        .await?
        .into_iter()
        .map(|e| (e.key.clone(), e))
        .collect();
    let eunit = edition_unit(&l.edition, &l.unit);
    let rows: HashMap<String, FormRow> = workbook_form::form_rows(&l.edition, eunit.as_ref(), lang)
        .into_iter()
        .filter_map(|r| r.key.clone().map(|k| (k, r)))
        .collect();
    let mut out = Checked {
        writes: Vec::new(),
        errors: HashMap::new(),
        general: Vec::new(),
    };
    for (key, value, version) in values {
        let current = stored.get(key).map_or("", |e| e.value.as_str());
        // Unchanged values are not written (and a value someone else changed meanwhile to what this
        // form also says is no conflict).
        if current == value {
            continue;
        }
        let Some(row) = rows.get(key) else {
            return Err(WebError::BadRequest(format!("'{key}'")));
        };
        if value.chars().count() > MAX_VALUE_CHARS {
            out.errors.insert(
                key.clone(),
                format!(
                    "{}: {}",
                    indicator(row),
                    lang.tr("giá trị quá dài", "the value is too long")
                ),
            );
        } else if !row.applies && !value.is_empty() && value != NA {
            out.errors.insert(
                key.clone(),
                format!(
                    "{}: {}",
                    indicator(row),
                    lang.tr(
                        "chỉ tiêu không áp dụng cho đơn vị này; hãy để trống",
                        "this item does not apply to the unit; leave it empty"
                    )
                ),
            );
        }
        out.writes.push(DraftWrite {
            key: key.clone(),
            value: value.clone(),
            expected_version: *version,
        });
    }
    if out.writes.is_empty() {
        return Ok(out);
    }
    if eunit.is_none() {
        out.general.push(unknown_category(l, lang));
        return Ok(out);
    }
    // The unit's values after this save, read by the dataset reader the engine uses: its message for
    // a changed key is shown at that key.
    let mut merged: HashMap<&str, &str> = stored
        .iter()
        .map(|(k, e)| (k.as_str(), e.value.as_str()))
        .collect();
    for w in &out.writes {
        merged.insert(&w.key, &w.value);
    }
    let mut entries: Vec<(String, String)> = merged
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Ok(out);
    }
    let row = UnitRows {
        code: l.unit.code.clone(),
        name: l.unit.name.clone(),
        category: l.unit.category.clone(),
        flags: l.unit.flags.clone(),
        with_values: true,
        entries,
        adjusted: Vec::new(),
    };
    match scoring::score_rows(l.edition.clone(), &[row]) {
        Ok(scored) => {
            let changed: HashSet<&str> = out.writes.iter().map(|w| w.key.as_str()).collect();
            for p in scored.problems {
                if changed.contains(p.key.as_str()) && !out.errors.contains_key(&p.key) {
                    let name = rows.get(&p.key).map_or(p.key.clone(), indicator);
                    // The reader places its message at "unit, 'key'"; the form names the indicator.
                    let at = format!("'{}': ", p.key);
                    let message = match p.message.find(&at) {
                        Some(i) if i < 200 => &p.message[i + at.len()..],
                        _ => p.message.as_str(),
                    };
                    out.errors.insert(p.key, format!("{name}: {message}"));
                }
            }
        }
        Err(WebError::BadRequest(m)) => out.general.push(m),
        Err(e) => return Err(e),
    }
    Ok(out)
}

pub async fn save(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let l = load(&app, cycle, &code).await?;
    if let Some(why) = closed_reason(&l, &today(), lang) {
        return Err(WebError::BadRequest(why));
    }
    let keys: HashSet<String> = workbook_form::entry_keys(&l.edition).into_iter().collect();
    let mut values: HashMap<String, String> = HashMap::new();
    let mut versions: HashMap<String, i64> = HashMap::new();
    for (name, value) in fields {
        if name == crate::guard::CSRF_FIELD {
            continue;
        }
        let (kind, key) = match name.split_once('.') {
            Some((k @ ("v" | "ver"), key)) => (k, key.to_string()),
            _ => continue,
        };
        // A key this cycle's edition does not have is not a field of this form.
        if !keys.contains(&key) {
            return Err(WebError::BadRequest(match lang {
                Lang::Vi => format!("Trường '{name}' không có trong phiếu của bộ chỉ số này."),
                Lang::En => format!("The field '{name}' is not in this edition's form."),
            }));
        }
        if kind == "v" {
            values.insert(key, egov_core::text::clean(&value));
        } else {
            let v = value.trim().parse::<i64>().map_err(|_| {
                WebError::BadRequest(format!(
                    "'{name}': {}",
                    lang.tr("phiên bản không hợp lệ", "not a version")
                ))
            })?;
            versions.insert(key, v);
        }
    }
    let mut list: Vec<(String, String, i64)> = values
        .into_iter()
        .map(|(k, v)| {
            let ver = versions.get(&k).copied().unwrap_or(0);
            (k, v, ver)
        })
        .collect();
    list.sort();
    let checked = check_values(&app, &l, &list, lang).await?;
    if !checked.errors.is_empty() || !checked.general.is_empty() {
        let posted = Posted {
            values: list.into_iter().map(|(k, v, ver)| (k, (v, ver))).collect(),
            errors: checked.errors,
            general: checked.general,
        };
        return form_page(&app, &ctx, &l, posted, StatusCode::BAD_REQUEST).await;
    }
    if !checked.writes.is_empty() {
        app.store
            .save_draft(&actor, l.submission.id, &checked.writes)
            .await?;
    }
    Ok(Redirect::to(&form_url(&l)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The Excel workbook
// ---------------------------------------------------------------------------------------------

/// A file name in ASCII letters, digits and `-` (for `Content-Disposition`'s plain `filename`).
fn ascii_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `attachment` with an ASCII-safe `filename` and the exact name as RFC 5987 `filename*`.
fn attachment(name: &str, fallback: &str) -> Result<HeaderValue, WebError> {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut ascii = ascii_name(stem);
    if ascii.is_empty() {
        ascii = fallback.to_string();
    }
    let ext = ascii_name(ext);
    if !ext.is_empty() {
        ascii = format!("{ascii}.{ext}");
    }
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .map_err(|e| WebError::Internal(format!("content-disposition: {e}")))
}

pub async fn workbook(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
) -> Page {
    let l = load(&app, cycle, &code).await?;
    let Some(unit) = edition_unit(&l.edition, &l.unit) else {
        return Err(WebError::BadRequest(unknown_category(&l, ctx.lang)));
    };
    let numbers = workbook_numbers(&l.edition);
    let mut prefilled = HashMap::new();
    for e in app.store.entries(l.submission.id).await? {
        if e.value.trim().is_empty() {
            continue;
        }
        // Numbers go in as numbers (the cell Excel validates as one); answers as the text saved.
        let number = numbers
            .contains(e.key.as_str())
            .then(|| {
                egov_core::num::parse_number(
                    &e.value,
                    Some(egov_core::num::NumberStyle::DecimalComma),
                )
                .ok()
            })
            .flatten();
        let value = match number {
            Some(r) => workbook_form::Entry::Number(r.value),
            None => workbook_form::Entry::Text(e.value),
        };
        prefilled.insert((l.unit.code.clone(), e.key), value);
    }
    let edition = l.edition.clone();
    let lang = ctx.lang;
    let bytes = tokio::task::spawn_blocking(move || {
        workbook_form::template_prefilled(&edition, &[unit], &prefilled, lang)
    })
    .await
    .map_err(|e| WebError::Internal(format!("join: {e}")))?
    .map_err(|e| WebError::Internal(format!("workbook: {e}")))?;
    let name = format!("phieu-tu-danh-gia-{}-{}.xlsx", l.cycle.year, l.unit.code);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(files::Kind::Xlsx.media_type()),
            ),
            (header::CONTENT_DISPOSITION, attachment(&name, "phieu")?),
        ],
        bytes,
    )
        .into_response())
}

/// The keys whose values are numbers: number and count inputs, points entered directly.
fn workbook_numbers(edition: &Edition) -> HashSet<&str> {
    let inputs = edition
        .inputs
        .iter()
        .filter(|i| matches!(i.kind, InputKind::Number | InputKind::Count))
        .map(|i| i.id.as_str());
    let nodes = edition
        .nodes
        .iter()
        .skip(1)
        .filter(|n| n.is_leaf())
        .map(|n| n.code.as_str());
    inputs.chain(nodes).collect()
}

/// One part of a `multipart/form-data` body.
struct Part {
    name: String,
    file_name: Option<String>,
    bytes: Bytes,
}

/// The parts of an upload's body (already read and bounded by the guard).
async fn multipart(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: usize,
) -> Result<Vec<Part>, WebError> {
    let bad = || {
        WebError::BadRequest(egov_core::msg!(
            "biểu mẫu tải lên không đọc được",
            "the upload form cannot be read"
        ))
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(bad)?;
    let boundary = multer::parse_boundary(ct).map_err(|_| bad())?;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| WebError::TooLarge)?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| bad())?;
        parts.push(Part {
            name,
            file_name,
            bytes,
        });
    }
    Ok(parts)
}

fn text_part(parts: &[Part], name: &str) -> String {
    parts
        .iter()
        .find(|p| p.name == name)
        .map(|p| egov_core::text::clean(&String::from_utf8_lossy(&p.bytes)))
        .unwrap_or_default()
}

/// The value of a dataset cell as the form saves it (what the reader gives back the same value for).
fn value_text(edition: &Edition, input: Option<usize>, v: &Value) -> Option<String> {
    Some(match v {
        Value::Missing => return None,
        Value::Number(d) => d.to_string().replace('.', ","),
        Value::Bool(true) => "Có".to_string(),
        Value::Bool(false) => "Không".to_string(),
        Value::Choice(k) => match input.map(|i| &edition.inputs[i].kind) {
            Some(InputKind::Choice(c)) => c.get(*k as usize)?.clone(),
            _ => return None,
        },
        Value::NotApplicable => NA.to_string(),
    })
}

/// The cell of the unit code `code` in a filled workbook (row 6 of a block sheet), for a refusal
/// that names it.
fn code_cell(bytes: &[u8], code: &str) -> Option<String> {
    let mut book =
        egov_import::package::Workbook::open(bytes, egov_import::package::Limits::FORMS).ok()?;
    for name in book.sheet_names() {
        if name == workbook_form::META_SHEET {
            continue;
        }
        let Ok(sheet) = book.sheet(&name) else {
            continue;
        };
        for (col, d) in sheet.row(5) {
            if d.to_string().trim() == code {
                return Some(format!("{name}!{}", egov_import::package::a1(5, col)));
            }
        }
    }
    None
}

pub async fn workbook_upload(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
    req: Request,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let l = load(&app, cycle, &code).await?;
    if let Some(why) = closed_reason(&l, &today(), lang) {
        return Err(WebError::BadRequest(why));
    }
    let limit = crate::guard::body_limit(req.headers(), &app.config);
    if !is_multipart(req.headers()) {
        return Err(WebError::BadRequest(
            lang.tr(
                "Hãy chọn tệp Excel (.xlsx) để tải lên.",
                "Choose an Excel file (.xlsx) to upload.",
            )
            .to_string(),
        ));
    }
    let (parts, body) = req.into_parts();
    let parts = multipart(&parts.headers, body, limit).await?;
    let Some(file) = parts
        .iter()
        .find(|p| p.name == "file" && !p.bytes.is_empty())
    else {
        return Err(WebError::BadRequest(
            lang.tr(
                "Hãy chọn tệp Excel (.xlsx) để tải lên.",
                "Choose an Excel file (.xlsx) to upload.",
            )
            .to_string(),
        ));
    };
    if file.bytes.len() > app.config.upload_limit {
        return Err(WebError::TooLarge);
    }
    let name = files::display_name(file.file_name.as_deref().unwrap_or("phieu.xlsx"));
    let (edition, bytes, file_name) = (l.edition.clone(), file.bytes.clone(), name.clone());
    let read = tokio::task::spawn_blocking(move || {
        workbook_form::read_values(&edition, &file_name, &bytes)
    })
    .await
    .map_err(|e| WebError::Internal(format!("join: {e}")))?;
    let data: Dataset = match read {
        Ok(d) => d,
        Err(e) => {
            let general = e.to_string().lines().map(str::to_string).collect();
            let posted = Posted {
                general,
                ..Posted::default()
            };
            return form_page(&app, &ctx, &l, posted, StatusCode::BAD_REQUEST).await;
        }
    };
    // Only this unit's values: a workbook holding another unit's column is refused, naming its cell.
    if let Some(other) = data.units.iter().find(|u| u.code != l.unit.code) {
        let cell = code_cell(&file.bytes, &other.code).unwrap_or_else(|| name.clone());
        let q = egov_core::text::quote_short(&other.code);
        let message = match lang {
            Lang::Vi => format!(
                "{name}: {cell}: tệp có số liệu của đơn vị '{q}', không phải của đơn vị {code}; chỉ nhận phiếu của chính đơn vị (tải mẫu ở trang này)."
            ),
            Lang::En => format!(
                "{name}: {cell}: the file holds values of unit '{q}', not of unit {code}; only the unit's own form is accepted (download it from this page)."
            ),
        };
        let posted = Posted {
            general: vec![message],
            ..Posted::default()
        };
        return form_page(&app, &ctx, &l, posted, StatusCode::BAD_REQUEST).await;
    }
    let Some(u) = data.unit_index(&l.unit.code) else {
        let posted = Posted {
            general: vec![match lang {
                Lang::Vi => format!("{name}: tệp không có cột số liệu của đơn vị {code}."),
                Lang::En => format!("{name}: the file has no column for unit {code}."),
            }],
            ..Posted::default()
        };
        return form_page(&app, &ctx, &l, posted, StatusCode::BAD_REQUEST).await;
    };
    // The workbook is the whole form: every entry key takes the workbook's value (an empty cell
    // clears a saved value), each written over the version stored now.
    let stored: HashMap<String, Entry> = app
        .store
        .entries(l.submission.id)
        .await?
        .into_iter()
        .map(|e| (e.key.clone(), e))
        .collect();
    let edition = &l.edition;
    let mut values = Vec::new();
    for key in workbook_form::entry_keys(edition) {
        let v = if let Some(i) = edition.inputs.iter().position(|i| i.id == key) {
            value_text(edition, Some(i), &data.input(u, i))
        } else if let Some(n) = edition.nodes.iter().position(|n| n.code == key) {
            data.given(u, n).and_then(|v| value_text(edition, None, v))
        } else {
            None
        };
        let version = stored.get(&key).map_or(0, |e| e.version);
        match v {
            Some(v) => values.push((key, v, version)),
            None if stored.contains_key(&key) => values.push((key, String::new(), version)),
            None => {}
        }
    }
    let checked = check_values(&app, &l, &values, lang).await?;
    if !checked.errors.is_empty() || !checked.general.is_empty() {
        let mut general = checked.general;
        general.extend(checked.errors.into_values());
        general.sort();
        let posted = Posted {
            general,
            ..Posted::default()
        };
        return form_page(&app, &ctx, &l, posted, StatusCode::BAD_REQUEST).await;
    }
    if !checked.writes.is_empty() {
        app.store
            .save_draft(&actor, l.submission.id, &checked.writes)
            .await?;
    }
    Ok(Redirect::to(&form_url(&l)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

/// The keys evidence may be attached to: the form's entry keys and the edition's criteria.
fn evidence_key_ok(edition: &Edition, key: &str) -> bool {
    edition.nodes.iter().skip(1).any(|n| n.code == key)
        || workbook_form::entry_keys(edition).iter().any(|k| k == key)
}

#[derive(Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    link: String,
}

fn field_error(
    lang: Lang,
    field_vi: &str,
    field_en: &str,
    what_vi: &str,
    what_en: &str,
) -> WebError {
    WebError::BadRequest(match lang {
        Lang::Vi => format!("{field_vi}: {what_vi}"),
        Lang::En => format!("{field_en}: {what_en}"),
    })
}

/// A document reference from its form fields, checked: a number, a date that is one, a web link.
fn document(f: &DocumentForm, lang: Lang) -> Result<EvidenceSource, WebError> {
    let clean = |s: &str| egov_core::text::clean(s);
    let number = clean(&f.number);
    if number.is_empty() || number.chars().count() > 100 {
        return Err(field_error(
            lang,
            "Số văn bản",
            "Document number",
            "cần ghi số văn bản (tối đa 100 ký tự)",
            "a number is required (at most 100 characters)",
        ));
    }
    let day = match clean(&f.date) {
        d if d.is_empty() => None,
        d => Some(
            parse_date(&d)
                .map_err(|e| {
                    WebError::BadRequest(format!(
                        "{}: {}",
                        lang.tr("Ngày văn bản", "Document date"),
                        e.message(lang)
                    ))
                })?
                .iso(),
        ),
    };
    let issuer = Some(clean(&f.issuer)).filter(|s| !s.is_empty());
    if issuer.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(field_error(
            lang,
            "Cơ quan ban hành",
            "Issuer",
            "tối đa 200 ký tự",
            "at most 200 characters",
        ));
    }
    let link = Some(f.link.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(l) = &link
        && (!web_link(l) || l.len() > 2000)
    {
        return Err(field_error(
            lang,
            "Đường dẫn",
            "Link",
            "phải là địa chỉ web bắt đầu bằng http:// hoặc https://",
            "must be a web address beginning with http:// or https://",
        ));
    }
    Ok(EvidenceSource::Document {
        number,
        date: day,
        issuer,
        link,
    })
}

pub async fn evidence_add(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
    req: Request,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let l = load(&app, cycle, &code).await?;
    if let Some(why) = closed_reason(&l, &today(), lang) {
        return Err(WebError::BadRequest(why));
    }
    let limit = crate::guard::body_limit(req.headers(), &app.config);
    let (key, source) = if is_multipart(req.headers()) {
        let (head, body) = req.into_parts();
        let parts = multipart(&head.headers, body, limit).await?;
        let key = text_part(&parts, "key");
        let Some(file) = parts
            .iter()
            .find(|p| p.name == "file" && p.file_name.is_some())
        else {
            return Err(field_error(
                lang,
                "Tệp",
                "File",
                "hãy chọn tệp minh chứng",
                "choose a file",
            ));
        };
        if file.bytes.len() > app.config.upload_limit {
            return Err(WebError::TooLarge);
        }
        let name = files::display_name(file.file_name.as_deref().unwrap_or_default());
        let kind = files::check_upload(&name, &file.bytes, lang).map_err(WebError::BadRequest)?;
        if !evidence_key_ok(&l.edition, &key) {
            return Err(unknown_key(&key, lang));
        }
        let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
        let hash = Files::open(&app.config)?.put(file.bytes.clone()).await?;
        (
            key,
            EvidenceSource::File {
                content_hash: hash,
                file_name: name,
                media_type: kind.media_type().to_string(),
                size,
            },
        )
    } else {
        let Form(f) = Form::<DocumentForm>::from_request(req, &app)
            .await
            .map_err(|e| WebError::BadRequest(e.body_text()))?;
        let source = document(&f, lang)?;
        (egov_core::text::clean(&f.key), source)
    };
    if !evidence_key_ok(&l.edition, &key) {
        return Err(unknown_key(&key, lang));
    }
    app.store
        .add_evidence(&actor, l.submission.id, &key, &source)
        .await?;
    Ok(Redirect::to(&form_url(&l)).into_response())
}

fn unknown_key(key: &str, lang: Lang) -> WebError {
    let q = egov_core::text::quote_short(key);
    WebError::BadRequest(match lang {
        Lang::Vi => format!("Chỉ tiêu: '{q}' không có trong bộ chỉ số của kỳ đánh giá này."),
        Lang::En => format!("Indicator: '{q}' is not in this cycle's edition."),
    })
}

/// The evidence `id` of the URL's unit's submission in the URL's cycle, not removed; 404 otherwise
/// (an id of another unit typed into this unit's URL included).
async fn own_evidence(app: &AppState, l: &Loaded, id: i64) -> Result<Evidence, WebError> {
    app.store
        .evidence(l.submission.id)
        .await?
        .into_iter()
        .find(|e| e.id == id && e.removed_at.is_none())
        .ok_or(WebError::NotFound)
}

#[derive(Template)]
#[template(path = "form_evidence.html")]
struct DocumentPage {
    p: Common,
    back: String,
    unit_name: String,
    key: String,
    text: String,
    link: String,
    added: String,
}

pub async fn evidence_file(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code, id)): Path<(i64, String, i64)>,
) -> Page {
    let l = load(&app, cycle, &code).await?;
    let e = own_evidence(&app, &l, id).await?;
    match &e.source {
        EvidenceSource::File {
            content_hash,
            file_name,
            media_type,
            ..
        } => {
            let bytes = Files::open(&app.config)?.get(content_hash).await?;
            // Only the types this application stored are sent as such; the browser is told not to
            // guess and to save the file rather than open it in the application's origin.
            let media = if files::Kind::known_media(media_type) {
                media_type.as_str()
            } else {
                "application/octet-stream"
            };
            let media = HeaderValue::from_str(media)
                .map_err(|e| WebError::Internal(format!("media type: {e}")))?;
            Ok((
                [
                    (header::CONTENT_TYPE, media),
                    (
                        header::CONTENT_DISPOSITION,
                        attachment(file_name, "minh-chung")?,
                    ),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        EvidenceSource::Document { .. } => {
            let people = app.store.submission_people(l.submission.id).await?;
            let v = evidence_view(&l, &e, &people, ctx.lang);
            render(&DocumentPage {
                p: common(&ctx),
                back: form_url(&l),
                unit_name: l.unit.name.clone(),
                key: e.key.clone(),
                text: v.text,
                link: v.link,
                added: v.added,
            })
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    reason: String,
}

pub async fn evidence_remove(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code, id)): Path<(i64, String, i64)>,
    Form(f): Form<RemoveForm>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let l = load(&app, cycle, &code).await?;
    // The evidence must be this submission's; one removed already stays removed (a second click).
    let Some(e) = app
        .store
        .evidence(l.submission.id)
        .await?
        .into_iter()
        .find(|e| e.id == id)
    else {
        return Err(WebError::NotFound);
    };
    if let Some(why) = closed_reason(&l, &today(), ctx.lang) {
        return Err(WebError::BadRequest(why));
    }
    if e.removed_at.is_some() {
        return Ok(Redirect::to(&form_url(&l)).into_response());
    }
    let reason = egov_core::text::clean(&f.reason);
    let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
    app.store.remove_evidence(&actor, e.id, reason).await?;
    Ok(Redirect::to(&form_url(&l)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Submission
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    confirm: String,
    /// The submission's version on the page the head confirmed (none: the current one).
    #[serde(default)]
    version: Option<i64>,
}

pub async fn submit(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle, code)): Path<(i64, String)>,
    Form(f): Form<SubmitForm>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let l = load(&app, cycle, &code).await?;
    if f.confirm.is_empty() {
        return Err(field_error(
            lang,
            "Xác nhận",
            "Confirmation",
            "hãy đánh dấu xác nhận số liệu trước khi nộp",
            "tick the confirmation before submitting",
        ));
    }
    let today = today();
    let refusal = if !editable(l.submission.status) {
        Some(status_text(l.submission.status, lang).to_string())
    } else if l.submission.status != SubmissionStatus::Returned
        && today.as_str() > l.deadline.as_str()
    {
        // A submission the reviewer returned is corrected after the deadline by design: it is
        // resubmitted while the cycle is in review ([`closed_reason`]).
        let (d, t) = (date(&l.deadline), date(&today));
        Some(match lang {
            Lang::Vi => format!("quá hạn nộp: hạn của đơn vị là {d}, hôm nay là {t}"),
            Lang::En => format!("past the deadline: the unit's deadline is {d}, today is {t}"),
        })
    } else if let Some(why) = closed_reason(&l, &today, lang) {
        Some(why)
    } else if app
        .store
        .entries(l.submission.id)
        .await?
        .iter()
        .all(|e| e.value.trim().is_empty())
    {
        Some(
            lang.tr("phiếu chưa có số liệu nào", "the form has no value yet")
                .to_string(),
        )
    } else {
        None
    };
    if let Some(why) = refusal {
        // Every refusal is kept in the audit log, with the reason the head was shown.
        app.store
            .record_refused_submission(&actor, l.submission.id, &why)
            .await?;
        return Err(WebError::BadRequest(format!(
            "{} {why}",
            lang.tr("Không nộp được:", "Cannot submit:")
        )));
    }
    let version = f.version.unwrap_or(l.submission.version);
    app.store
        .set_submission_status(
            &actor,
            l.submission.id,
            version,
            SubmissionStatus::Submitted,
            None,
        )
        .await?;
    Ok(Redirect::to(&form_url(&l)).into_response())
}
