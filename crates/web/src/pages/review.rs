//! Verification (thẩm định), the explanation round (giải trình) and the council (hội đồng thẩm định).
//!
//! A reviewer works from a queue of submitted units to one unit's page, where every criterion of the
//! edition shows what the unit entered, its self-assessed points, its evidence, the current decision and
//! the unit's explanations, with a form to accept it or adjust it with a reason. Points are never computed
//! here: the self-assessed and verified points come from [`crate::scoring`] (the engine), and a decision
//! is written with the version of the decision it was made on, so two reviewers on one criterion cannot
//! overwrite each other (the second gets 409). The submission becomes verified when the last criterion
//! that needs a decision gets one (in the store, in the same transaction): the reviewer's last decision
//! is the act that completes it, so no separate step can be forgotten or disagree with the decisions.
//!
//! The council reads the preliminary ranking (the annex of the verified points), `egov audit` of it, and
//! what the reviewers changed since the self-assessment, and approves or sends back with a reason.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Redirect};
use egov_core::Lang;
use egov_core::audit::{self, AuditOptions};
use egov_core::edition::Edition;
use egov_core::engine::Status;
use egov_core::num::{RoundingMode, format_en, format_vi};
use egov_core::table::{Annex, Cell, RankCell};
use egov_store::{
    CouncilVerdict, Cycle, CycleState, Decision, EvidenceSource, Role, Store, Submission,
    SubmissionStatus, Verification, VerificationWrite,
};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Common, Page, common, me, render};
use crate::guard::Ctx;
use crate::scoring::{self, Scored, Stage, UnitPoints};
use crate::text::{date, day_of_ms};
use crate::{AppState, WebError};

/// A message in the page's language, with the names of the format string captured from the scope.
macro_rules! say {
    ($lang:expr, $vi:literal, $en:literal) => {
        match $lang {
            Lang::Vi => format!($vi),
            Lang::En => format!($en),
        }
    };
}

/// Points as a reader sees them: exact (trailing zeros dropped), with a decimal comma in Vietnamese;
/// a computed value with more than four decimals (a ratio) is shown rounded to four.
fn shown_points(lang: Lang, d: Decimal) -> String {
    let d = d.normalize();
    let decimals = d.scale().min(4);
    match lang {
        Lang::Vi => format_vi(d, decimals, RoundingMode::HalfUp),
        Lang::En => format_en(d, decimals, RoundingMode::HalfUp),
    }
}

/// Today's date in Vietnam (UTC+7), `YYYY-MM-DD`: the day the explanation deadline is compared with.
fn today_iso() -> String {
    let dmy = day_of_ms(egov_store::now_ms());
    format!("{}-{}-{}", &dmy[6..10], &dmy[3..5], &dmy[0..2])
}

/// The cycle stage's name.
fn state_name(lang: Lang, s: CycleState) -> &'static str {
    match s {
        CycleState::Open => lang.tr("Tự đánh giá", "Self-assessment"),
        CycleState::Review => lang.tr("Thẩm định", "Review"),
        CycleState::Explanation => lang.tr("Giải trình", "Explanation round"),
        CycleState::Council => lang.tr("Hội đồng thẩm định", "Council"),
        CycleState::Closed => lang.tr("Đã thông qua, chờ công bố", "Approved, to be published"),
        CycleState::Published => lang.tr("Đã công bố", "Published"),
    }
}

/// A submission status's name.
fn status_name(lang: Lang, s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::NotStarted => lang.tr("Chưa bắt đầu", "Not started"),
        SubmissionStatus::Draft => lang.tr("Đang nhập", "Draft"),
        SubmissionStatus::Confirmed => lang.tr("Đã xác nhận", "Confirmed"),
        SubmissionStatus::Submitted => lang.tr("Đã nộp", "Submitted"),
        SubmissionStatus::Returned => lang.tr("Đã trả lại", "Returned"),
        SubmissionStatus::Verified => lang.tr("Đã thẩm định", "Verified"),
    }
}

fn decision_name(lang: Lang, d: Decision) -> &'static str {
    match d {
        Decision::Accepted => lang.tr("Chấp nhận", "Accepted"),
        Decision::Adjusted => lang.tr("Điều chỉnh", "Adjusted"),
    }
}

/// Whether a criterion's status means it does not apply to the unit (nothing to decide).
fn not_applicable(status: Status) -> bool {
    matches!(
        status,
        Status::NotApplicable | Status::NotEvaluated | Status::Excluded
    )
}

fn submitted(s: SubmissionStatus) -> bool {
    matches!(s, SubmissionStatus::Submitted | SubmissionStatus::Verified)
}

/// Whether a decision counts for the current submission: made after the unit last submitted (decisions
/// before a resubmission were about values the unit may have changed since).
fn current(v: &Verification, sub: &Submission) -> bool {
    v.updated_at >= sub.submitted_at.unwrap_or(0)
}

/// The cycle of the URL (404 when there is none).
async fn cycle_of(store: &Store, id: i64) -> Result<Cycle, WebError> {
    Ok(store.cycle(id).await?)
}

/// A scored cycle of the submitted units only, at `stage`: the one unit's points and the totals shown to
/// a reviewer do not wait for every unit of the cycle to submit (the edition's not-submitted policy is
/// the preliminary ranking's concern, on the council page).
async fn score_submitted(store: &Store, cycle: &Cycle, stage: Stage) -> Result<Scored, WebError> {
    let edition = scoring::edition_of(store, cycle).await?;
    let rows: Vec<_> = scoring::cycle_rows(store, cycle, stage)
        .await?
        .into_iter()
        .filter(|r| r.with_values)
        .collect();
    scoring::score_rows(edition, &rows)
}

/// The leaf criteria of an edition (what a reviewer decides), in the edition's order.
fn leaves(edition: &Edition) -> impl Iterator<Item = (usize, &egov_core::edition::Node)> {
    edition
        .nodes
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, n)| n.is_leaf())
}

/// The codes of the unit's criteria that need a decision: the leaves that apply to it.
fn to_decide(points: &UnitPoints) -> Vec<String> {
    points
        .nodes
        .iter()
        .filter(|n| n.leaf && !not_applicable(n.score.status))
        .map(|n| n.code.clone())
        .collect()
}

/// A login's display name, looked up once per page.
struct Names<'a> {
    store: &'a Store,
    by_id: HashMap<i64, String>,
}

impl Names<'_> {
    async fn of(&mut self, id: i64) -> Result<String, WebError> {
        if let Some(n) = self.by_id.get(&id) {
            return Ok(n.clone());
        }
        let n = self.store.user(id).await?.display_name;
        self.by_id.insert(id, n.clone());
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------
// The queue
// ---------------------------------------------------------------------------------------------

struct QueueRow {
    code: String,
    name: String,
    submitted: String,
    resubmitted: bool,
    accepted: usize,
    adjusted: usize,
    pending: usize,
}

struct OtherRow {
    code: String,
    name: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "review_queue.html")]
struct QueuePage {
    p: Common,
    cycle_id: i64,
    year: i64,
    state: &'static str,
    reviewing: bool,
    waiting: Vec<QueueRow>,
    others: Vec<OtherRow>,
    problem: Option<String>,
}

/// GET /cycles/{cycle}/review: the submitted units awaiting verification, oldest submission first.
pub async fn queue(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(cycle_id): Path<i64>,
) -> Page {
    let lang = ctx.lang;
    let cycle = cycle_of(&app.store, cycle_id).await?;
    let edition = scoring::edition_of(&app.store, &cycle).await?;
    let names: HashMap<String, String> = app
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let mut subs = app.store.submissions(cycle_id).await?;
    subs.sort_by_key(|s| (s.submitted_at.unwrap_or(i64::MAX), s.unit_code.clone()));
    let returned: HashSet<String> = app
        .store
        .returned_units(cycle_id)
        .await?
        .into_iter()
        .collect();
    let mut decisions: HashMap<String, Vec<Verification>> = HashMap::new();
    for v in app.store.cycle_verifications(cycle_id).await? {
        decisions.entry(v.unit_code.clone()).or_default().push(v);
    }
    let waiting_subs: Vec<&Submission> = subs
        .iter()
        .filter(|s| s.status == SubmissionStatus::Submitted)
        .collect();
    // Which criteria apply to whom comes from the engine; without it, every leaf counts.
    let (scored, problem) = if waiting_subs.is_empty() {
        (None, None)
    } else {
        match score_submitted(&app.store, &cycle, Stage::SelfAssessed).await {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(scoring_problem(lang, e))),
        }
    };
    let all_leaves: Vec<String> = leaves(&edition).map(|(_, n)| n.code.clone()).collect();
    let mut waiting = Vec::new();
    for s in waiting_subs {
        let needed = scored
            .as_ref()
            .and_then(|sc| sc.unit(&s.unit_code, lang))
            .map_or_else(|| all_leaves.clone(), |p| to_decide(&p));
        let mine = decisions.remove(&s.unit_code).unwrap_or_default();
        let now: Vec<&Verification> = mine
            .iter()
            .filter(|v| current(v, s) && needed.contains(&v.criterion))
            .collect();
        let accepted = now
            .iter()
            .filter(|v| v.decision == Decision::Accepted)
            .count();
        let adjusted = now.len() - accepted;
        waiting.push(QueueRow {
            name: names.get(&s.unit_code).cloned().unwrap_or_default(),
            submitted: s.submitted_at.map(day_of_ms).unwrap_or_default(),
            resubmitted: returned.contains(&s.unit_code),
            accepted,
            adjusted,
            pending: needed.len() - now.len(),
            code: s.unit_code.clone(),
        });
    }
    let others = subs
        .iter()
        .filter(|s| s.status != SubmissionStatus::Submitted)
        .map(|s| OtherRow {
            name: names.get(&s.unit_code).cloned().unwrap_or_default(),
            status: status_name(lang, s.status),
            code: s.unit_code.clone(),
        })
        .collect();
    render(&QueuePage {
        p: common(&ctx),
        cycle_id,
        year: cycle.year,
        state: state_name(lang, cycle.state),
        reviewing: matches!(cycle.state, CycleState::Review | CycleState::Explanation),
        waiting,
        others,
        problem,
    })
}

/// What to show when the engine cannot score the cycle (a unit whose category the edition does not
/// know, units that did not submit under an edition that refuses them): the reason goes on the page,
/// where the administrator can act on it, and to the server's log.
fn scoring_problem(lang: Lang, e: WebError) -> String {
    let detail = match e {
        WebError::Internal(d) | WebError::BadRequest(d) => d,
        other => format!("{other:?}"),
    };
    eprintln!("egov serve: scoring: {detail}");
    say!(
        lang,
        "Chưa tính được điểm của kỳ đánh giá: {detail}",
        "The cycle's points cannot be computed yet: {detail}"
    )
}

// ---------------------------------------------------------------------------------------------
// One unit
// ---------------------------------------------------------------------------------------------

struct EvidenceView {
    /// A stored file: its link; a document reference: none.
    href: Option<String>,
    text: String,
}

struct VerificationView {
    decision: &'static str,
    points: String,
    reason: String,
    reviewer: String,
    version: i64,
    day: String,
    /// Made before the unit last submitted: to be decided again.
    stale: bool,
}

struct ExplanationView {
    author: String,
    day: String,
    text: String,
}

struct CriterionView {
    code: String,
    label: String,
    leaf: bool,
    max: String,
    applicable: bool,
    self_points: String,
    verified_points: String,
    values: Vec<(String, String)>,
    evidence: Vec<EvidenceView>,
    verification: Option<VerificationView>,
    /// The version a new decision is made on (0: none yet).
    version: i64,
    explanations: Vec<ExplanationView>,
}

#[derive(Template)]
#[template(path = "review_unit.html")]
struct UnitReviewPage {
    p: Common,
    cycle_id: i64,
    year: i64,
    state: &'static str,
    code: String,
    name: String,
    status: &'static str,
    submitted_on: String,
    submission_version: i64,
    /// The submission can be verified now (cycle in review or explanation, unit submitted).
    can_verify: bool,
    /// The submission can be returned now (cycle in review, unit submitted).
    can_return: bool,
    self_total: String,
    verified_total: String,
    max_total: String,
    decimals: u32,
    pending: usize,
    criteria: Vec<CriterionView>,
    problem: Option<String>,
}

/// GET /cycles/{cycle}/units/{code}/review.
pub async fn unit_review(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle_id, code)): Path<(i64, String)>,
) -> Page {
    let lang = ctx.lang;
    let store = &app.store;
    let cycle = cycle_of(store, cycle_id).await?;
    let sub = store.submission(cycle_id, &code).await?;
    let unit = store.unit(&code).await?;
    let edition = scoring::edition_of(store, &cycle).await?;
    let is_submitted = submitted(sub.status);

    let mut problem = None;
    let mut self_points = None;
    let mut verified_points = None;
    if is_submitted {
        match score_submitted(store, &cycle, Stage::SelfAssessed).await {
            Ok(s) => self_points = s.unit(&code, lang),
            Err(e) => problem = Some(scoring_problem(lang, e)),
        }
        if problem.is_none() {
            match score_submitted(store, &cycle, Stage::Verified).await {
                Ok(s) => verified_points = s.unit(&code, lang),
                Err(e) => problem = Some(scoring_problem(lang, e)),
            }
        }
    }
    let entries: HashMap<String, String> = store
        .entries(sub.id)
        .await?
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect();
    let evidence = store.evidence(sub.id).await?;
    let verifications: HashMap<String, Verification> = store
        .verifications(cycle_id, &code)
        .await?
        .into_iter()
        .map(|v| (v.criterion.clone(), v))
        .collect();
    let mut explanations: HashMap<String, Vec<ExplanationView>> = HashMap::new();
    for e in store.explanations(cycle_id, &code).await? {
        explanations
            .entry(e.criterion.clone())
            .or_default()
            .push(ExplanationView {
                author: e.author,
                day: day_of_ms(e.at),
                text: e.text,
            });
    }
    let mut names = Names {
        store,
        by_id: HashMap::new(),
    };

    let node_points = |points: &Option<UnitPoints>, i: usize| {
        points
            .as_ref()
            .and_then(|p| p.nodes.iter().find(|n| n.node == i))
            .map(|n| n.score)
    };
    let mut criteria = Vec::new();
    let mut pending = 0;
    for (i, node) in edition.nodes.iter().enumerate().skip(1) {
        let own = node_points(&self_points, i);
        let checked = node_points(&verified_points, i);
        let applicable = own.is_none_or(|s| !not_applicable(s.status));
        let shown = |s: Option<egov_core::engine::NodeScore>| match s {
            Some(s) if not_applicable(s.status) => {
                lang.tr("Không áp dụng", "Not applicable").into()
            }
            Some(s) => shown_points(lang, s.points),
            None => String::new(),
        };
        let mut view = CriterionView {
            code: node.code.clone(),
            label: node.label(lang).to_string(),
            leaf: node.is_leaf(),
            max: shown_points(lang, node.max),
            applicable,
            self_points: shown(own),
            verified_points: shown(checked),
            values: Vec::new(),
            evidence: Vec::new(),
            verification: None,
            version: 0,
            explanations: explanations.remove(&node.code).unwrap_or_default(),
        };
        if node.is_leaf() {
            // What the unit entered for the criterion: the points given at it, or the inputs its rule reads.
            let keys: Vec<(String, String)> = std::iter::once((
                node.code.clone(),
                lang.tr("Điểm tự chấm", "Points given").to_string(),
            ))
            .chain(node.reads.iter().map(|&r| {
                let input = &edition.inputs[r];
                (
                    input.id.clone(),
                    lang.pick(&input.name, input.name_en.as_deref()).to_string(),
                )
            }))
            .collect();
            for (key, label) in &keys {
                if let Some(v) = entries.get(key) {
                    view.values.push((label.clone(), v.clone()));
                }
            }
            view.evidence = evidence
                .iter()
                .filter(|e| e.removed_at.is_none() && keys.iter().any(|(k, _)| *k == e.key))
                .map(|e| match &e.source {
                    EvidenceSource::File { file_name, .. } => EvidenceView {
                        href: Some(format!("/cycles/{cycle_id}/units/{code}/evidence/{}", e.id)),
                        text: file_name.clone(),
                    },
                    EvidenceSource::Document {
                        number,
                        date: day,
                        issuer,
                        link,
                    } => {
                        let mut text = number.clone();
                        if let Some(d) = day {
                            text.push_str(&format!(", {}", date(d)));
                        }
                        if let Some(i) = issuer {
                            text.push_str(&format!(", {i}"));
                        }
                        if let Some(l) = link {
                            text.push_str(&format!(" ({l})"));
                        }
                        EvidenceView { href: None, text }
                    }
                })
                .collect();
            if let Some(v) = verifications.get(&node.code) {
                let stale = !current(v, &sub);
                view.version = v.version;
                view.verification = Some(VerificationView {
                    decision: decision_name(lang, v.decision),
                    points: v
                        .points
                        .parse::<Decimal>()
                        .map_or_else(|_| v.points.clone(), |d| shown_points(lang, d)),
                    reason: v.reason.clone().unwrap_or_default(),
                    reviewer: names.of(v.reviewer_id).await?,
                    version: v.version,
                    day: day_of_ms(v.updated_at),
                    stale,
                });
                if stale && applicable && is_submitted {
                    pending += 1;
                }
            } else if applicable && is_submitted {
                pending += 1;
            }
        }
        criteria.push(view);
    }
    let total = |p: &Option<UnitPoints>| {
        p.as_ref()
            .map(|p| shown_points(lang, p.total.points))
            .unwrap_or_default()
    };
    render(&UnitReviewPage {
        p: common(&ctx),
        cycle_id,
        year: cycle.year,
        state: state_name(lang, cycle.state),
        name: unit.name,
        status: status_name(lang, sub.status),
        submitted_on: sub.submitted_at.map(day_of_ms).unwrap_or_default(),
        submission_version: sub.version,
        can_verify: is_submitted
            && matches!(cycle.state, CycleState::Review | CycleState::Explanation),
        can_return: is_submitted && cycle.state == CycleState::Review,
        self_total: total(&self_points),
        verified_total: total(&verified_points),
        max_total: shown_points(lang, edition.nodes[0].max),
        decimals: edition.decimals,
        pending,
        criteria,
        problem,
        code,
    })
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// The leaf criterion `code` of the edition, or a 400 naming the field.
fn leaf_criterion<'e>(
    lang: Lang,
    edition: &'e Edition,
    code: &str,
) -> Result<(usize, &'e egov_core::edition::Node), WebError> {
    let code = code.trim();
    leaves(edition)
        .find(|(_, n)| n.code == code)
        .ok_or_else(|| {
            let shown = egov_core::text::quote_short(code);
            WebError::BadRequest(say!(
                lang,
                "Trường «tiêu chí»: bộ chỉ số không có tiêu chí «{shown}» để chấm điểm",
                "Field \"criterion\": the edition has no scored criterion \"{shown}\""
            ))
        })
}

/// A form's `version` field (the version read; 0 when there was none), or a 400 naming the field.
fn version_field(lang: Lang, text: &str) -> Result<i64, WebError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| {
            WebError::BadRequest(say!(
                lang,
                "Trường «phiên bản»: thiếu hoặc không phải số; hãy tải lại trang",
                "Field \"version\": missing or not a number; reload the page"
            ))
        })
}

/// A reviewer's points for criterion `node`: a decimal with a comma or a point, between 0 and the
/// criterion's maximum, with at most the edition's decimals.
fn parse_points(
    lang: Lang,
    node: &egov_core::edition::Node,
    decimals: u32,
    text: &str,
) -> Result<Decimal, WebError> {
    let code = &node.code;
    let label = node.label(lang);
    let t = text.trim();
    let shown = egov_core::text::quote_short(t);
    let max = shown_points(lang, node.max);
    if t.is_empty() {
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {code} ({label}), trường «điểm»: cần nhập điểm điều chỉnh",
            "Criterion {code} ({label}), field \"points\": the adjusted points are missing"
        )));
    }
    // One separator at most: points are never written with thousands, and "1.500" must not read as 1500.
    let separators = t.matches([',', '.']).count();
    let value = (separators <= 1
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.'))
    .then(|| egov_core::num::parse_decimal(t).ok())
    .flatten();
    let Some(value) = value else {
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {code} ({label}), trường «điểm»: «{shown}» không phải là số điểm (ví dụ 7,5)",
            "Criterion {code} ({label}), field \"points\": \"{shown}\" is not a number of points (e.g. 7.5)"
        )));
    };
    if value > node.max {
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {code} ({label}), trường «điểm»: {shown} vượt điểm tối đa {max}",
            "Criterion {code} ({label}), field \"points\": {shown} is above the maximum {max}"
        )));
    }
    if value.normalize().scale() > decimals {
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {code} ({label}), trường «điểm»: {shown} có nhiều hơn {decimals} chữ số thập phân",
            "Criterion {code} ({label}), field \"points\": {shown} has more than {decimals} decimals"
        )));
    }
    Ok(value.normalize())
}

/// POST /cycles/{cycle}/units/{code}/verify: accept a criterion's self-assessed points, or adjust them
/// with a reason.
pub async fn verify(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle_id, code)): Path<(i64, String)>,
    Form(f): Form<VerifyForm>,
) -> Page {
    let lang = ctx.lang;
    let user = me(&ctx)?;
    let store = &app.store;
    let cycle = cycle_of(store, cycle_id).await?;
    let sub = store.submission(cycle_id, &code).await?;
    let edition = scoring::edition_of(store, &cycle).await?;
    let (_, node) = leaf_criterion(lang, &edition, &f.criterion)?;
    let version = version_field(lang, &f.version)?;
    let label = node.label(lang);
    let criterion = &node.code;
    let decision = match f.decision.trim() {
        "accepted" => Decision::Accepted,
        "adjusted" => Decision::Adjusted,
        _ => {
            return Err(WebError::BadRequest(say!(
                lang,
                "Tiêu chí {criterion} ({label}), trường «quyết định»: hãy chọn chấp nhận hoặc điều chỉnh",
                "Criterion {criterion} ({label}), field \"decision\": choose accept or adjust"
            )));
        }
    };
    let reason = Some(f.reason.trim().to_string()).filter(|r| !r.is_empty());
    if !submitted(sub.status) {
        let status = status_name(lang, sub.status);
        return Err(WebError::BadRequest(say!(
            lang,
            "Hồ sơ của đơn vị {code} đang ở trạng thái «{status}»: chưa thể thẩm định",
            "The submission of unit {code} is \"{status}\": it cannot be verified"
        )));
    }
    let scored = score_submitted(store, &cycle, Stage::SelfAssessed).await?;
    let own = scored.unit(&code, lang).ok_or(WebError::NotFound)?;
    let node_score = own
        .nodes
        .iter()
        .find(|n| n.code == *criterion)
        .map(|n| n.score)
        .ok_or(WebError::NotFound)?;
    if not_applicable(node_score.status) {
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {criterion} ({label}) không áp dụng cho đơn vị {code}: không có gì để thẩm định",
            "Criterion {criterion} ({label}) does not apply to unit {code}: there is nothing to verify"
        )));
    }
    let points = match decision {
        // Accepting records the self-assessed points as they are now, exactly.
        Decision::Accepted => node_score.points.normalize(),
        Decision::Adjusted => {
            if reason.is_none() {
                return Err(WebError::BadRequest(say!(
                    lang,
                    "Tiêu chí {criterion} ({label}), trường «lý do»: điều chỉnh điểm phải ghi lý do",
                    "Criterion {criterion} ({label}), field \"reason\": an adjustment needs a reason"
                )));
            }
            parse_points(lang, node, edition.decimals, &f.points)?
        }
    };
    let needed = to_decide(&own);
    let w = VerificationWrite {
        cycle_id,
        unit_code: code.clone(),
        criterion: criterion.clone(),
        decision,
        points: points.to_string(),
        reason,
        reviewer_id: user.user.id,
        expected_version: version,
    };
    store
        .verify_criterion(&user.user.login, &w, &needed)
        .await?;
    Ok(Redirect::to(&format!(
        "/cycles/{cycle_id}/units/{code}/review#c-{criterion}"
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// POST /cycles/{cycle}/units/{code}/return: the submission goes back to the unit with the reason.
pub async fn return_submission(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle_id, code)): Path<(i64, String)>,
    Form(f): Form<ReturnForm>,
) -> Page {
    let lang = ctx.lang;
    let user = me(&ctx)?;
    let store = &app.store;
    let cycle = cycle_of(store, cycle_id).await?;
    store.submission(cycle_id, &code).await?;
    let version = version_field(lang, &f.version)?;
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(WebError::BadRequest(say!(
            lang,
            "Trường «lý do»: trả lại hồ sơ phải ghi lý do",
            "Field \"reason\": returning a submission needs a reason"
        )));
    }
    let year = cycle.year;
    // Notices are stored in one language; the unit's pages are Vietnamese first.
    let notice = format!("Hồ sơ tự đánh giá năm {year} được trả lại để bổ sung. Lý do: {reason}");
    store
        .return_submission(&user.user.login, cycle_id, &code, version, reason, &notice)
        .await?;
    Ok(Redirect::to(&format!("/cycles/{cycle_id}/review")).into_response())
}

#[derive(Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    text: String,
}

/// POST /cycles/{cycle}/units/{code}/explain: the unit answers one criterion's verified points, in the
/// explanation round and by its deadline.
pub async fn explain(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((cycle_id, code)): Path<(i64, String)>,
    Form(f): Form<ExplainForm>,
) -> Page {
    let lang = ctx.lang;
    let user = me(&ctx)?;
    let store = &app.store;
    let cycle = cycle_of(store, cycle_id).await?;
    store.submission(cycle_id, &code).await?;
    let edition = scoring::edition_of(store, &cycle).await?;
    let (_, node) = leaf_criterion(lang, &edition, &f.criterion)?;
    if f.text.trim().is_empty() {
        let criterion = &node.code;
        return Err(WebError::BadRequest(say!(
            lang,
            "Tiêu chí {criterion}, trường «nội dung giải trình»: chưa có nội dung",
            "Criterion {criterion}, field \"explanation\": it is empty"
        )));
    }
    if cycle.state != CycleState::Explanation {
        let state = state_name(lang, cycle.state);
        return Err(WebError::BadRequest(say!(
            lang,
            "Kỳ đánh giá đang ở giai đoạn «{state}», không phải vòng giải trình: chưa nhận giải trình",
            "The cycle is at stage \"{state}\", not in its explanation round: explanations are not accepted"
        )));
    }
    // The store checks the round and its deadline again in the transaction that writes.
    store
        .add_explanation(
            &user.user.login,
            cycle_id,
            &code,
            &node.code,
            &f.text,
            &today_iso(),
        )
        .await?;
    // Back to the unit's form, at the criterion's row (pages/form.rs names rows by their key).
    Ok(Redirect::to(&format!(
        "/cycles/{cycle_id}/units/{code}#row-{}",
        node.code
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// The council
// ---------------------------------------------------------------------------------------------

struct AnnexRowView {
    /// A block heading row (its label in `tt`, its title in `unit`).
    block: bool,
    tt: String,
    unit: String,
    values: Vec<String>,
    total: String,
    rank: String,
}

struct AnnexTableView {
    part: String,
    title: String,
    columns: Vec<String>,
    total_label: String,
    rank_label: String,
    rows: Vec<AnnexRowView>,
}

struct ChangeView {
    unit: String,
    code: String,
    criterion: String,
    label: String,
    self_points: String,
    verified_points: String,
    reason: String,
    reviewer: String,
}

struct UnitTotalView {
    unit: String,
    code: String,
    self_total: String,
    verified_total: String,
    changed: bool,
}

struct DecisionView {
    approved: bool,
    reason: String,
    author: String,
    day: String,
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    p: Common,
    cycle_id: i64,
    year: i64,
    state: &'static str,
    version: i64,
    /// The signed-in user may decide, and the cycle is at the council stage.
    can_decide: bool,
    at_council: bool,
    tables: Vec<AnnexTableView>,
    /// `egov audit` of the preliminary annex, one line per finding.
    findings: Vec<String>,
    audited: bool,
    totals: Vec<UnitTotalView>,
    /// Units whose verification is not finished (submitted, not every criterion decided), by name.
    unverified: Vec<String>,
    changes: Vec<ChangeView>,
    /// Whether `changes` was computed (an empty list then means no criterion was adjusted).
    changes_known: bool,
    decisions: Vec<DecisionView>,
    problem: Option<String>,
}

/// The annex's tables for the page: block rows where a block has a label or title, numbers with
/// their table's decimals and the page's decimal separator.
fn annex_views(lang: Lang, annex: &Annex) -> Vec<AnnexTableView> {
    let number = |d: Decimal, decimals: Option<u32>| {
        let decimals = decimals.unwrap_or(d.scale());
        match lang {
            Lang::Vi => format_vi(d, decimals, RoundingMode::HalfUp),
            Lang::En => format_en(d, decimals, RoundingMode::HalfUp),
        }
    };
    let cell = |c: &Cell, decimals: Option<u32>| match c {
        Cell::Number(d) => number(*d, decimals),
        Cell::NotEvaluated => lang.tr("Không đánh giá", "Not evaluated").to_string(),
        Cell::Blank => String::new(),
        Cell::Text(t) => t.clone(),
    };
    // A part heading is printed once, above the first of its tables (as the annex prints it), and a
    // table no unit of the cycle belongs to is left out.
    let mut last_part: Option<&str> = None;
    annex
        .tables
        .iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| {
            let part = t.part.as_deref().filter(|p| Some(*p) != last_part);
            last_part = t.part.as_deref().or(last_part);
            let mut rows = Vec::new();
            let mut block: Option<&str> = None;
            for r in &t.rows {
                if r.block.as_deref() != block {
                    block = r.block.as_deref();
                    if let Some(b) = block.and_then(|id| t.block(id))
                        && (b.label.is_some() || b.title.is_some())
                    {
                        rows.push(AnnexRowView {
                            block: true,
                            tt: b.label.clone().unwrap_or_default(),
                            unit: b.title.clone().unwrap_or_default(),
                            values: Vec::new(),
                            total: String::new(),
                            rank: String::new(),
                        });
                    }
                }
                rows.push(AnnexRowView {
                    block: false,
                    tt: r.tt.as_deref().unwrap_or_default().to_string(),
                    unit: r.unit.to_string(),
                    values: r
                        .values
                        .iter()
                        .zip(&t.columns)
                        .map(|(e, c)| cell(&e.cell, c.decimals.or(t.decimals)))
                        .collect(),
                    total: cell(&r.total.cell, t.decimals),
                    rank: match &r.rank {
                        RankCell::Ranked(n) => n.to_string(),
                        RankCell::Unranked if r.not_submitted => {
                            lang.tr("Không nộp", "Not submitted").to_string()
                        }
                        RankCell::Unranked => String::new(),
                        RankCell::Invalid(s) => s.clone(),
                    },
                });
            }
            AnnexTableView {
                part: part.unwrap_or_default().to_string(),
                title: t.title.clone(),
                columns: t.columns.iter().map(|c| c.label.clone()).collect(),
                total_label: t.total_label.clone(),
                rank_label: t.rank_label.clone(),
                rows,
            }
        })
        .collect()
}

/// GET /cycles/{cycle}/council: the preliminary ranking, its audit, and what verification changed.
pub async fn council(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(cycle_id): Path<i64>,
) -> Page {
    let lang = ctx.lang;
    let store = &app.store;
    let cycle = cycle_of(store, cycle_id).await?;
    let edition = scoring::edition_of(store, &cycle).await?;
    let council_member = me(&ctx)?.grants.iter().any(|g| g.role == Role::Council);
    let at_council = cycle.state == CycleState::Council;

    let mut problem = None;
    let mut tables = Vec::new();
    let mut findings = Vec::new();
    let mut audited = false;
    match scoring::score_cycle(store, &cycle, Stage::Verified).await {
        Ok(scored) => {
            let annex = scored.annex(lang);
            let result = audit::audit(
                &annex.tables,
                &AuditOptions {
                    edition: Some(&edition),
                    rounding: edition.rounding,
                    ..AuditOptions::default()
                },
            );
            findings = result
                .findings
                .iter()
                .map(|f| audit::finding_line(f, lang))
                .collect();
            audited = true;
            tables = annex_views(lang, &annex);
        }
        Err(e) => problem = Some(scoring_problem(lang, e)),
    }

    // What verification changed: per unit, the totals, and every adjusted criterion with its reason.
    // It does not wait for the ranking: the submitted units are scored alone, as submitted and as
    // verified (`score_submitted`), so a cycle whose ranking cannot be computed yet (units that did
    // not submit under a `not_submitted = "error"` edition) still shows the council what the
    // reviewers changed. With a cohort rule the points are relative to the submitted units.
    let names: HashMap<String, String> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let mut totals = Vec::new();
    let mut changes = Vec::new();
    let mut changes_known = true;
    let subs: Vec<Submission> = store
        .submissions(cycle_id)
        .await?
        .into_iter()
        .filter(|s| submitted(s.status))
        .collect();
    // The council should know when it is asked to approve points some reviewer has not finished.
    let unverified = subs
        .iter()
        .filter(|s| s.status == SubmissionStatus::Submitted)
        .map(|s| names.get(&s.unit_code).cloned().unwrap_or_default())
        .collect();
    if !subs.is_empty() {
        let both = (
            score_submitted(store, &cycle, Stage::SelfAssessed).await,
            score_submitted(store, &cycle, Stage::Verified).await,
        );
        match both {
            (Ok(own), Ok(checked)) => {
                let mut people = Names {
                    store,
                    by_id: HashMap::new(),
                };
                let verifications = store.cycle_verifications(cycle_id).await?;
                for s in &subs {
                    let name = names.get(&s.unit_code).cloned().unwrap_or_default();
                    let (Some(a), Some(b)) = (
                        own.unit(&s.unit_code, lang),
                        checked.unit(&s.unit_code, lang),
                    ) else {
                        continue;
                    };
                    totals.push(UnitTotalView {
                        unit: name.clone(),
                        code: s.unit_code.clone(),
                        self_total: shown_points(lang, a.total.points),
                        verified_total: shown_points(lang, b.total.points),
                        changed: a.total.points != b.total.points,
                    });
                    for v in verifications
                        .iter()
                        .filter(|v| v.unit_code == s.unit_code && v.decision == Decision::Adjusted)
                    {
                        let Some(i) = edition.node(&v.criterion) else {
                            continue;
                        };
                        let at = |p: &UnitPoints| {
                            p.nodes
                                .iter()
                                .find(|n| n.node == i)
                                .map(|n| shown_points(lang, n.score.points))
                                .unwrap_or_default()
                        };
                        changes.push(ChangeView {
                            unit: name.clone(),
                            code: s.unit_code.clone(),
                            criterion: v.criterion.clone(),
                            label: edition.nodes[i].label(lang).to_string(),
                            self_points: at(&a),
                            verified_points: at(&b),
                            reason: v.reason.clone().unwrap_or_default(),
                            reviewer: people.of(v.reviewer_id).await?,
                        });
                    }
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                changes_known = false;
                let why = scoring_problem(lang, e);
                problem.get_or_insert(why);
            }
        }
    }
    let mut decisions = Vec::new();
    for d in store.council_decisions(cycle_id).await? {
        decisions.push(DecisionView {
            approved: d.decision == CouncilVerdict::Approved,
            reason: d.reason.unwrap_or_default(),
            author: d.author,
            day: day_of_ms(d.at),
        });
    }
    render(&CouncilPage {
        p: common(&ctx),
        cycle_id,
        year: cycle.year,
        state: state_name(lang, cycle.state),
        version: cycle.version,
        can_decide: council_member && at_council,
        at_council,
        tables,
        findings,
        audited,
        totals,
        unverified,
        changes,
        changes_known,
        decisions,
        problem,
    })
}

#[derive(Deserialize)]
pub struct CouncilForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// POST /cycles/{cycle}/council: approve (the cycle closes, ready to publish) or send back to the
/// reviewers with a reason.
pub async fn council_decide(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(cycle_id): Path<i64>,
    Form(f): Form<CouncilForm>,
) -> Page {
    let lang = ctx.lang;
    let user = me(&ctx)?;
    cycle_of(&app.store, cycle_id).await?;
    let version = version_field(lang, &f.version)?;
    let verdict = match f.decision.trim() {
        "approve" | "approved" => CouncilVerdict::Approved,
        "send_back" | "sent_back" => CouncilVerdict::SentBack,
        _ => {
            return Err(WebError::BadRequest(say!(
                lang,
                "Trường «quyết định»: hãy chọn thông qua hoặc trả lại",
                "Field \"decision\": choose approve or send back"
            )));
        }
    };
    let reason = f.reason.trim();
    if verdict == CouncilVerdict::SentBack && reason.is_empty() {
        return Err(WebError::BadRequest(say!(
            lang,
            "Trường «lý do»: trả lại kết quả thẩm định phải ghi lý do",
            "Field \"reason\": sending the results back needs a reason"
        )));
    }
    app.store
        .council_decide(
            &user.user.login,
            cycle_id,
            version,
            verdict,
            Some(reason).filter(|r| !r.is_empty()),
        )
        .await?;
    Ok(Redirect::to(&format!("/cycles/{cycle_id}/council")).into_response())
}
