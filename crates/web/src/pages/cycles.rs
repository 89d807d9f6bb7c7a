//! Editions, holidays, cycles (opening with a deadline in working days), the submission board, deadline
//! extensions and cycle state changes: the admin's side of the cycle.
//!
//! An uploaded edition is checked by `Edition::from_toml`, the check of `egov validate`, and refused
//! with every problem that command prints (`file:line:column: where: what`), the text kept in the
//! form. Deadlines are a date or "N working days" from a day, counted by `egov_core::calendar` over
//! the holiday list of the database. The board reads a whole cycle in a fixed number of queries (the
//! cycle, the registry, the submissions, the latest extensions), whatever the number of units: a
//! province of 3,321 communes is one page. A state change names the version it was read at (a stale
//! one is refused with 409), moves one step along open → review → explanation → council → closed (or
//! one step back, with a reason), and opening the explanation round notifies every unit in the same
//! transaction; an extension notifies its unit likewise.

use std::collections::{BTreeMap, HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use egov_core::Lang;
use egov_core::calendar::{Date, Weekday, add_working_days, parse_date};
use egov_core::edition::Edition;
use egov_store::{Cycle, CycleState, Role, Store, StoreError, Submission, SubmissionStatus, Unit};
use serde::Deserialize;

use super::{Common, Page, common, me, render};
use crate::guard::Ctx;
use crate::text::{date, day_of_ms};
use crate::{AppState, WebError};

/// The file name an uploaded edition's messages give, as `egov validate edition.toml` would.
const EDITION_FILE: &str = "edition.toml";

/// The most working days a deadline may be counted in (a year's worth).
const MAX_WORKING_DAYS: u32 = 366;

/// The most refused codes of one form listed one by one.
const MAX_LISTED: usize = 10;

/// The most days one form adds as holidays (Tết is about nine).
const MAX_HOLIDAY_RUN: i64 = 31;

/// `vi` or `en` by the page's language.
fn tr(lang: Lang, vi: String, en: String) -> String {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// "Field: message", naming the field in the page's language.
fn field(lang: Lang, vi: &str, en: &str, message: &str) -> String {
    let name = match lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    format!("{name}: {message}")
}

/// Today in Vietnam.
fn today() -> Result<Date, WebError> {
    Date::in_vietnam_at(egov_store::now_ms())
        .ok_or_else(|| WebError::Internal("the clock is outside years 1 to 9999".into()))
}

/// The holidays of the database as dates (a stored date that does not read is skipped: the store
/// writes only what `parse_date` accepted).
async fn holiday_dates(store: &Store) -> Result<Vec<Date>, WebError> {
    Ok(store
        .holidays()
        .await?
        .iter()
        .filter_map(|h| parse_date(&h.date).ok())
        .collect())
}

fn weekday_name(lang: Lang, w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => lang.tr("Thứ Hai", "Monday"),
        Weekday::Tue => lang.tr("Thứ Ba", "Tuesday"),
        Weekday::Wed => lang.tr("Thứ Tư", "Wednesday"),
        Weekday::Thu => lang.tr("Thứ Năm", "Thursday"),
        Weekday::Fri => lang.tr("Thứ Sáu", "Friday"),
        Weekday::Sat => lang.tr("Thứ Bảy", "Saturday"),
        Weekday::Sun => lang.tr("Chủ nhật", "Sunday"),
    }
}

pub(crate) fn state_name(lang: Lang, s: CycleState) -> &'static str {
    match s {
        CycleState::Open => lang.tr("Tự đánh giá", "Self-assessment"),
        CycleState::Review => lang.tr("Thẩm định", "Review"),
        CycleState::Explanation => lang.tr("Giải trình", "Explanation"),
        CycleState::Council => lang.tr("Hội đồng", "Council"),
        CycleState::Closed => lang.tr("Đã thông qua, chờ công bố", "Approved, to be published"),
        CycleState::Published => lang.tr("Đã công bố", "Published"),
    }
}

/// A deadline as the forms give it: a date, or a number of working days from a day.
struct DeadlineInput<'a> {
    /// `"days"` or `"date"`.
    kind: &'a str,
    date: &'a str,
    days: &'a str,
}

/// The deadline a form asks for, counted from `from`; the error names the field.
fn deadline_of(
    lang: Lang,
    (vi, en): (&str, &str),
    input: &DeadlineInput<'_>,
    from: Date,
    holidays: &[Date],
) -> Result<Date, String> {
    let d = if input.kind == "days" {
        let n = input
            .days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_WORKING_DAYS).contains(n))
            .ok_or_else(|| {
                let why = tr(
                    lang,
                    format!("số ngày làm việc phải là số nguyên từ 1 đến {MAX_WORKING_DAYS}"),
                    format!("the working days must be a whole number from 1 to {MAX_WORKING_DAYS}"),
                );
                field(lang, vi, en, &why)
            })?;
        add_working_days(from, n, holidays).ok_or_else(|| {
            field(
                lang,
                vi,
                en,
                lang.tr("vượt quá năm 9999", "past the year 9999"),
            )
        })?
    } else {
        parse_date(input.date).map_err(|e| field(lang, vi, en, &e.message(lang)))?
    };
    if d < from {
        let why = tr(
            lang,
            format!("ngày {} đã qua so với ngày {}", d.dmy(), from.dmy()),
            format!("{} is before {}", d.dmy(), from.dmy()),
        );
        return Err(field(lang, vi, en, &why));
    }
    Ok(d)
}

/// How a deadline in working days was counted, for the admin to check.
fn counted(lang: Lang, n: &str, from: Date, to: Date, holidays: &[Date]) -> String {
    let skipped = holidays
        .iter()
        .filter(|h| **h > from && **h <= to && !h.weekday().is_weekend())
        .count();
    tr(
        lang,
        format!(
            "{} ngày làm việc kể từ {} là {} ({}), không tính thứ Bảy, Chủ nhật và {skipped} ngày nghỉ lễ",
            n.trim(),
            from.dmy(),
            to.dmy(),
            weekday_name(lang, to.weekday())
        ),
        format!(
            "{} working days from {} is {} ({}), not counting Saturdays, Sundays and {skipped} holidays",
            n.trim(),
            from.dmy(),
            to.dmy(),
            weekday_name(lang, to.weekday())
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Editions
// ---------------------------------------------------------------------------------------------

struct EditionRow {
    id: String,
    hash: String,
    hash_short: String,
    by: String,
    at: String,
    /// (cycle id, year) of the cycles using it.
    cycles: Vec<(i64, i64)>,
}

#[derive(Template)]
#[template(path = "editions.html")]
struct EditionsPage {
    p: Common,
    editions: Vec<EditionRow>,
    text: String,
    /// `egov validate`'s messages for a refused upload, one per problem.
    problems: Vec<String>,
    error: Option<String>,
    /// The summary of the edition just stored, as `egov validate` prints it.
    uploaded: Option<String>,
    warning: Option<String>,
    limit_kib: usize,
}

/// What `egov validate` prints for a valid edition, in the page's language.
fn valid_summary(lang: Lang, e: &Edition) -> String {
    let leaves = e.nodes.iter().skip(1).filter(|n| n.is_leaf()).count();
    let (id, nodes, inputs) = (&e.id, e.nodes.len() - 1, e.inputs.len());
    let (categories, tables) = (e.categories.len(), e.annex.tables.len());
    tr(
        lang,
        format!(
            "{id}: hợp lệ — {nodes} tiêu chí ({leaves} tiêu chí lá), {inputs} chỉ tiêu đầu vào, {categories} loại đơn vị, {tables} bảng phụ lục"
        ),
        format!(
            "{id}: valid — {nodes} criteria ({leaves} leaves), {inputs} inputs, {categories} unit categories, {tables} annex tables"
        ),
    )
}

async fn editions_page(
    app: &AppState,
    ctx: &Ctx,
    text: String,
    problems: Vec<String>,
    error: Option<String>,
    uploaded: Option<&str>,
) -> Result<EditionsPage, WebError> {
    let mut used: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for c in app.store.cycles().await? {
        used.entry(c.edition_id).or_default().push((c.id, c.year));
    }
    let mut summary = None;
    let mut warning = None;
    let mut editions = Vec::new();
    for e in app.store.editions().await? {
        if uploaded == Some(e.id.as_str())
            && let Ok(parsed) = Edition::from_toml(&e.toml, EDITION_FILE)
        {
            summary = Some(valid_summary(ctx.lang, &parsed));
            warning = parsed.annex_missing();
        }
        editions.push(EditionRow {
            hash_short: e.content_hash.chars().take(12).collect(),
            cycles: used.remove(&e.id).unwrap_or_default(),
            hash: e.content_hash,
            by: e.uploaded_by,
            at: day_of_ms(e.uploaded_at),
            id: e.id,
        });
    }
    Ok(EditionsPage {
        p: common(ctx),
        editions,
        text,
        problems,
        error,
        uploaded: summary,
        warning,
        limit_kib: app.config.body_limit / 1024,
    })
}

#[derive(Deserialize, Default)]
pub struct UploadedQuery {
    #[serde(default)]
    uploaded: Option<String>,
}

pub async fn editions(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<UploadedQuery>,
) -> Page {
    let page = editions_page(
        &app,
        &ctx,
        String::new(),
        Vec::new(),
        None,
        q.uploaded.as_deref(),
    )
    .await?;
    render(&page)
}

#[derive(Deserialize, Default)]
pub struct EditionForm {
    #[serde(default)]
    toml: String,
}

/// A form shown again with what was typed and why it was refused.
fn refused(page: &impl Template) -> Page {
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

pub async fn edition_upload(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<EditionForm>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    if f.toml.trim().is_empty() {
        let error = field(
            lang,
            "Nội dung bộ chỉ số",
            "Edition text",
            lang.tr("chưa có nội dung TOML", "no TOML text was given"),
        );
        return refused(&editions_page(&app, &ctx, f.toml, Vec::new(), Some(error), None).await?);
    }
    let edition = match Edition::from_toml(&f.toml, EDITION_FILE) {
        Ok(e) => e,
        Err(e) => {
            // Exactly `egov validate`'s lines: one per problem, with its line and column.
            let problems = e.problems.iter().map(ToString::to_string).collect();
            return refused(&editions_page(&app, &ctx, f.toml, problems, None, None).await?);
        }
    };
    match app.store.put_edition(&actor, &edition.id, &f.toml).await {
        Ok(stored) => {
            Ok(Redirect::to(&format!("/editions?uploaded={}", stored.id)).into_response())
        }
        Err(StoreError::Duplicate { id, .. }) => {
            let error = tr(
                lang,
                format!(
                    "Mã bộ chỉ số: đã có bộ chỉ số '{id}' với nội dung khác; bộ chỉ số đã lưu không được thay đổi (các kỳ đánh giá dùng nó), hãy đặt mã mới cho bản sửa (id = \"...\")"
                ),
                format!(
                    "Edition id: an edition '{id}' with another text exists; a stored edition cannot change (cycles use it), give the corrected one a new id (id = \"...\")"
                ),
            );
            refused(&editions_page(&app, &ctx, f.toml, Vec::new(), Some(error), None).await?)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------------

struct HolidayRow {
    date: String,
    weekday: &'static str,
    weekend: bool,
    name: String,
}

struct HolidayYear {
    year: u16,
    rows: Vec<HolidayRow>,
}

#[derive(Deserialize, Default)]
pub struct HolidayForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    name: String,
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct HolidaysPage {
    p: Common,
    /// Every year with holidays, for the year links.
    years: Vec<u16>,
    /// The year shown, if one was chosen.
    year: Option<u16>,
    groups: Vec<HolidayYear>,
    errors: Vec<String>,
    f: HolidayForm,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<String>,
}

async fn holidays_page(
    app: &AppState,
    ctx: &Ctx,
    year: Option<u16>,
    errors: Vec<String>,
    f: HolidayForm,
) -> Result<HolidaysPage, WebError> {
    let mut by_year: BTreeMap<u16, Vec<HolidayRow>> = BTreeMap::new();
    for h in app.store.holidays().await? {
        let Ok(d) = parse_date(&h.date) else { continue };
        by_year.entry(d.year()).or_default().push(HolidayRow {
            date: d.dmy(),
            weekday: weekday_name(ctx.lang, d.weekday()),
            weekend: d.weekday().is_weekend(),
            name: h.name,
        });
    }
    let years: Vec<u16> = by_year.keys().rev().copied().collect();
    let groups = by_year
        .into_iter()
        .rev()
        .filter(|(y, _)| year.is_none_or(|want| want == *y))
        .map(|(year, rows)| HolidayYear { year, rows })
        .collect();
    Ok(HolidaysPage {
        p: common(ctx),
        years,
        year,
        groups,
        errors,
        f,
    })
}

pub async fn holidays(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearQuery>,
) -> Page {
    let year = q.year.and_then(|y| y.trim().parse().ok());
    render(&holidays_page(&app, &ctx, year, Vec::new(), HolidayForm::default()).await?)
}

/// The days and name a holiday form adds, or the problems, each naming its field.
fn holiday_days(lang: Lang, f: &HolidayForm) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut errors = Vec::new();
    let from = parse_date(&f.date)
        .map_err(|e| errors.push(field(lang, "Ngày", "Date", &e.message(lang))))
        .ok();
    let until = if f.until.trim().is_empty() {
        from
    } else {
        parse_date(&f.until)
            .map_err(|e| errors.push(field(lang, "Đến ngày", "Until", &e.message(lang))))
            .ok()
    };
    let name = egov_core::text::clean(&f.name);
    if name.is_empty() {
        errors.push(field(
            lang,
            "Tên ngày nghỉ",
            "Holiday name",
            lang.tr("chưa nhập tên", "no name was given"),
        ));
    } else if name.chars().count() > 200 || egov_core::text::control_char(&name).is_some() {
        errors.push(field(
            lang,
            "Tên ngày nghỉ",
            "Holiday name",
            lang.tr(
                "tối đa 200 ký tự, không có ký tự điều khiển",
                "at most 200 characters, no control characters",
            ),
        ));
    }
    let (Some(from), Some(until)) = (from, until) else {
        return Err(errors);
    };
    let span = until.epoch_days() - from.epoch_days();
    if span < 0 {
        errors.push(field(
            lang,
            "Đến ngày",
            "Until",
            &tr(
                lang,
                format!("{} trước ngày bắt đầu {}", until.dmy(), from.dmy()),
                format!("{} is before the first day {}", until.dmy(), from.dmy()),
            ),
        ));
    } else if span >= MAX_HOLIDAY_RUN {
        errors.push(field(
            lang,
            "Đến ngày",
            "Until",
            &tr(
                lang,
                format!("mỗi lần thêm tối đa {MAX_HOLIDAY_RUN} ngày liên tiếp"),
                format!("at most {MAX_HOLIDAY_RUN} days in a row at a time"),
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut days = Vec::new();
    let mut d = from;
    loop {
        days.push((d.iso(), name.clone()));
        if d >= until {
            break;
        }
        match d.next() {
            Some(n) => d = n,
            None => break,
        }
    }
    Ok(days)
}

pub async fn holiday_add(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<HolidayForm>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    match holiday_days(ctx.lang, &f) {
        Ok(days) => {
            app.store.put_holidays(&actor, &days).await?;
            let year = days.first().map_or("", |(d, _)| &d[..4]);
            Ok(Redirect::to(&format!("/holidays?year={year}")).into_response())
        }
        Err(errors) => refused(&holidays_page(&app, &ctx, None, errors, f).await?),
    }
}

// ---------------------------------------------------------------------------------------------
// The list of cycles
// ---------------------------------------------------------------------------------------------

/// A unit of the signed-in user's grants in one cycle.
struct OwnUnit {
    code: String,
    name: String,
    status: &'static str,
    deadline: String,
    extended: bool,
}

struct CycleRow {
    id: i64,
    year: i64,
    edition: String,
    state: &'static str,
    deadline: String,
    explanation_deadline: String,
    own: Vec<OwnUnit>,
}

#[derive(Template)]
#[template(path = "cycles.html")]
struct CyclesPage {
    p: Common,
    overseer: bool,
    rows: Vec<CycleRow>,
}

fn row_of(lang: Lang, c: &Cycle) -> CycleRow {
    CycleRow {
        id: c.id,
        year: c.year,
        edition: c.edition_id.clone(),
        state: state_name(lang, c.state),
        deadline: date(&c.deadline),
        explanation_deadline: c
            .explanation_deadline
            .as_deref()
            .map(date)
            .unwrap_or_default(),
        own: Vec::new(),
    }
}

fn submission_status_name(lang: Lang, s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::NotStarted => lang.tr("chưa bắt đầu", "not started"),
        SubmissionStatus::Draft => lang.tr("nháp", "draft"),
        SubmissionStatus::Confirmed => lang.tr("đã xác nhận, chưa nộp", "confirmed, not submitted"),
        SubmissionStatus::Submitted => lang.tr("đã nộp", "submitted"),
        SubmissionStatus::Returned => lang.tr("bị trả lại", "returned"),
        SubmissionStatus::Verified => lang.tr("đã thẩm định", "verified"),
    }
}

pub async fn cycles(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let u = me(&ctx)?;
    let lang = ctx.lang;
    let overseer = u
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::Admin | Role::Reviewer | Role::Council));
    let mut rows: Vec<CycleRow> = if overseer {
        app.store
            .cycles()
            .await?
            .iter()
            .map(|c| row_of(lang, c))
            .collect()
    } else {
        Vec::new()
    };
    // The units of the user's own grants, each once, with the cycles they take part in.
    let mut codes: Vec<&str> = u
        .grants
        .iter()
        .filter(|g| g.role.is_unit_scoped())
        .filter_map(|g| g.unit_code.as_deref())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        let unit = app.store.unit(code).await?;
        for c in app.store.cycles_of_unit(code).await? {
            let sub = app.store.submission(c.id, code).await?;
            let deadline = app.store.deadline_for(c.id, code).await?;
            let own = OwnUnit {
                code: code.to_string(),
                name: unit.name.clone(),
                status: submission_status_name(lang, sub.status),
                extended: deadline != c.deadline,
                deadline: date(&deadline),
            };
            match rows.iter_mut().find(|r| r.id == c.id) {
                Some(r) => r.own.push(own),
                None => {
                    let mut r = row_of(lang, &c);
                    r.own.push(own);
                    rows.push(r);
                }
            }
        }
    }
    rows.sort_by(|a, b| b.year.cmp(&a.year).then(b.id.cmp(&a.id)));
    render(&CyclesPage {
        p: common(&ctx),
        overseer,
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// Opening a cycle
// ---------------------------------------------------------------------------------------------

/// The new-cycle form. The units are checkboxes, so the body is read as pairs (a key repeats).
#[derive(Default)]
struct CycleForm {
    year: String,
    edition: String,
    /// `all` (every active unit), `categories` (the active units of the checked categories) or
    /// `units` (the checked units).
    scope: String,
    categories: Vec<String>,
    units: Vec<String>,
    opened_on: String,
    /// `days` or `date`.
    deadline_kind: String,
    deadline_date: String,
    deadline_days: String,
    /// `preview` shows the computed deadline without opening.
    preview: bool,
}

impl CycleForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> CycleForm {
        let mut f = CycleForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "year" => f.year = v,
                "edition" => f.edition = v,
                "scope" => f.scope = v,
                "category" => f.categories.push(v),
                "unit" => f.units.push(v),
                "opened_on" => f.opened_on = v,
                "deadline_kind" => f.deadline_kind = v,
                "deadline_date" => f.deadline_date = v,
                "deadline_days" => f.deadline_days = v,
                "preview" => f.preview = true,
                _ => {}
            }
        }
        f
    }
}

struct CategoryChoice {
    code: String,
    units: usize,
    checked: bool,
}

struct UnitChoice {
    code: String,
    name: String,
    category: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "cycle_new.html")]
struct CycleNewPage {
    p: Common,
    f: CycleForm,
    editions: Vec<String>,
    categories: Vec<CategoryChoice>,
    units: Vec<UnitChoice>,
    errors: Vec<String>,
    /// The deadline as computed, shown by a preview.
    computed: Option<String>,
}

/// Whether a unit exists on `day` (its active dates, when it has them, include the day).
fn active_on(u: &Unit, day: Date) -> bool {
    let from_ok = u
        .active_from
        .as_deref()
        .and_then(|s| parse_date(s).ok())
        .is_none_or(|d| d <= day);
    let to_ok = u
        .active_to
        .as_deref()
        .and_then(|s| parse_date(s).ok())
        .is_none_or(|d| d >= day);
    from_ok && to_ok
}

fn cycle_new_page(
    ctx: &Ctx,
    f: CycleForm,
    editions: Vec<String>,
    active: &[Unit],
    errors: Vec<String>,
    computed: Option<String>,
) -> CycleNewPage {
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for u in active {
        *categories.entry(&u.category).or_default() += 1;
    }
    let all = f.scope.is_empty() || f.scope == "all";
    let chosen: HashSet<&str> = f.units.iter().map(String::as_str).collect();
    let units = active
        .iter()
        .map(|u| UnitChoice {
            checked: all || chosen.contains(u.code.as_str()),
            code: u.code.clone(),
            name: u.name.clone(),
            category: u.category.clone(),
        })
        .collect();
    CycleNewPage {
        p: common(ctx),
        categories: categories
            .into_iter()
            .map(|(code, units)| CategoryChoice {
                checked: f.categories.iter().any(|c| c == code),
                code: code.to_string(),
                units,
            })
            .collect(),
        units,
        f,
        editions,
        errors,
        computed,
    }
}

pub async fn cycle_new(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let today = today()?;
    let editions: Vec<String> = app
        .store
        .editions()
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let active: Vec<Unit> = app
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| active_on(u, today))
        .collect();
    let f = CycleForm {
        year: today.year().to_string(),
        edition: editions.last().cloned().unwrap_or_default(),
        scope: "all".into(),
        opened_on: today.dmy(),
        deadline_kind: "days".into(),
        ..CycleForm::default()
    };
    render(&cycle_new_page(
        &ctx,
        f,
        editions,
        &active,
        Vec::new(),
        None,
    ))
}

pub async fn cycle_create(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let f = CycleForm::from_pairs(pairs);
    let today = today()?;
    let editions: Vec<String> = app
        .store
        .editions()
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let active: Vec<Unit> = app
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| active_on(u, today))
        .collect();
    let holidays = holiday_dates(&app.store).await?;
    let mut errors = Vec::new();
    let mut units_refused = false;

    let year = f
        .year
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.push(field(
            lang,
            "Năm đánh giá",
            "Year",
            lang.tr(
                "cần một năm từ 2000 đến 2100",
                "a year from 2000 to 2100 is needed",
            ),
        ));
    }
    if !editions.contains(&f.edition) {
        let why = if f.edition.is_empty() {
            lang.tr(
                "chưa chọn; hãy tải lên một bộ chỉ số trước",
                "none chosen; upload an edition first",
            )
            .to_string()
        } else {
            let e = egov_core::text::quote_short(&f.edition);
            tr(
                lang,
                format!("không có bộ chỉ số '{e}'"),
                format!("there is no edition '{e}'"),
            )
        };
        errors.push(field(lang, "Bộ chỉ số", "Edition", &why));
    }
    // The units taking part: codes of the form are checked against the active registry (sets: a
    // province's form names thousands).
    let part = |vi: String, en: String| {
        field(
            lang,
            "Đơn vị tham gia",
            "Units taking part",
            &tr(lang, vi, en),
        )
    };
    let units: Vec<String> = match f.scope.as_str() {
        "categories" => {
            let known: HashSet<&str> = active.iter().map(|u| u.category.as_str()).collect();
            let chosen: HashSet<&str> = f.categories.iter().map(String::as_str).collect();
            for c in chosen
                .iter()
                .filter(|c| !known.contains(**c))
                .take(MAX_LISTED)
            {
                let c = egov_core::text::quote_short(c);
                errors.push(part(
                    format!("không có đơn vị đang hoạt động thuộc nhóm '{c}'"),
                    format!("no active unit of category '{c}'"),
                ));
            }
            units_refused = chosen.iter().any(|c| !known.contains(c));
            active
                .iter()
                .filter(|u| chosen.contains(u.category.as_str()))
                .map(|u| u.code.clone())
                .collect()
        }
        "units" => {
            let known: HashSet<&str> = active.iter().map(|u| u.code.as_str()).collect();
            let mut refused: Vec<&str> = f
                .units
                .iter()
                .map(String::as_str)
                .filter(|c| !known.contains(c))
                .collect();
            refused.sort_unstable();
            refused.dedup();
            for code in refused.iter().take(MAX_LISTED) {
                let c = egov_core::text::quote_short(code);
                errors.push(part(
                    format!("không có đơn vị đang hoạt động mã '{c}'"),
                    format!("there is no active unit '{c}'"),
                ));
            }
            if refused.len() > MAX_LISTED {
                let more = refused.len() - MAX_LISTED;
                errors.push(part(
                    format!("và {more} mã khác"),
                    format!("and {more} more codes"),
                ));
            }
            units_refused = !refused.is_empty();
            let chosen: HashSet<&str> = f.units.iter().map(String::as_str).collect();
            active
                .iter()
                .filter(|u| chosen.contains(u.code.as_str()))
                .map(|u| u.code.clone())
                .collect()
        }
        _ => active.iter().map(|u| u.code.clone()).collect(),
    };
    if units.is_empty() && !units_refused {
        errors.push(field(
            lang,
            "Đơn vị tham gia",
            "Units taking part",
            lang.tr("chưa chọn đơn vị nào", "no unit was chosen"),
        ));
    }
    let opened_on = match parse_date(&f.opened_on) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(field(lang, "Ngày mở kỳ", "Opening date", &e.message(lang)));
            None
        }
    };
    let mut computed = None;
    let deadline = opened_on.and_then(|from| {
        let input = DeadlineInput {
            kind: &f.deadline_kind,
            date: &f.deadline_date,
            days: &f.deadline_days,
        };
        match deadline_of(lang, ("Hạn nộp", "Deadline"), &input, from, &holidays) {
            Ok(d) => {
                if f.deadline_kind == "days" {
                    computed = Some(counted(lang, &f.deadline_days, from, d, &holidays));
                }
                Some(d)
            }
            Err(e) => {
                errors.push(e);
                None
            }
        }
    });
    let (Some(year), Some(deadline), true, false) = (year, deadline, errors.is_empty(), f.preview)
    else {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        let page = cycle_new_page(&ctx, f, editions, &active, errors, computed);
        return Ok((status, Html(page.render()?)).into_response());
    };
    let cycle = app
        .store
        .open_cycle(
            &actor,
            &egov_store::NewCycle {
                year,
                edition_id: f.edition.clone(),
                deadline: deadline.iso(),
                units,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/cycles/{}", cycle.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The submission board
// ---------------------------------------------------------------------------------------------

/// Where one unit stands on the board: each unit is counted under exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    NotStarted,
    Draft,
    Submitted,
    /// Past its own deadline without submitting, or submitted after it.
    Late,
    Returned,
    Verified,
}

const STANDINGS: [Standing; 6] = [
    Standing::NotStarted,
    Standing::Draft,
    Standing::Submitted,
    Standing::Late,
    Standing::Returned,
    Standing::Verified,
];

impl Standing {
    fn key(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::Draft => "draft",
            Standing::Submitted => "submitted",
            Standing::Late => "late",
            Standing::Returned => "returned",
            Standing::Verified => "verified",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Standing::NotStarted => lang.tr("chưa bắt đầu", "not started"),
            Standing::Draft => lang.tr("nháp", "draft"),
            Standing::Submitted => lang.tr("đã nộp", "submitted"),
            Standing::Late => lang.tr("nộp muộn", "late"),
            Standing::Returned => lang.tr("bị trả lại", "returned"),
            Standing::Verified => lang.tr("đã thẩm định", "verified"),
        }
    }

    /// The standing of a submission whose deadline (the last day included) is `deadline`, on `today`.
    /// A returned or verified submission keeps that standing (what happens next depends on it), and
    /// its lateness is shown beside it.
    fn of(s: &Submission, deadline: &str, today: &str) -> (Standing, bool) {
        let submitted_day = s.submitted_at.and_then(Date::in_vietnam_at).map(Date::iso);
        let late = match &submitted_day {
            Some(day) => day.as_str() > deadline,
            None => today > deadline,
        };
        let standing = match s.status {
            SubmissionStatus::Returned => Standing::Returned,
            SubmissionStatus::Verified => Standing::Verified,
            _ if late => Standing::Late,
            SubmissionStatus::NotStarted => Standing::NotStarted,
            SubmissionStatus::Draft | SubmissionStatus::Confirmed => Standing::Draft,
            SubmissionStatus::Submitted => Standing::Submitted,
        };
        (standing, late)
    }
}

struct BoardRow {
    code: String,
    name: String,
    category: String,
    standing: &'static str,
    standing_key: &'static str,
    /// Late, shown beside a returned or verified standing.
    late_mark: bool,
    confirmed: bool,
    deadline: String,
    extended: bool,
    extension_reason: String,
    submitted: String,
}

struct StandingCount {
    key: &'static str,
    label: &'static str,
    n: usize,
}

/// A state the admin may move the cycle to from where it is.
struct Move {
    to: &'static str,
    label: &'static str,
    back: bool,
    explanation: bool,
}

/// The extension form of one unit (`?extend=CODE`).
struct ExtendForm {
    code: String,
    name: String,
    deadline: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    p: Common,
    id: i64,
    year: i64,
    edition: String,
    state: &'static str,
    version: i64,
    deadline: String,
    explanation_deadline: String,
    total: usize,
    counts: Vec<StandingCount>,
    /// The standing shown (`?status=`), empty for all.
    filter: String,
    rows: Vec<BoardRow>,
    reviewer: bool,
    moves: Vec<Move>,
    extend: Option<ExtendForm>,
    extensible: bool,
    /// At the council stage: the council's decision moves the cycle on.
    at_council: bool,
    /// Approved or published: the publication page (its form, its versions) is the next place.
    results: bool,
}

/// The steps of a cycle the admin takes from the board: one forward, or one back (with a reason).
/// The explanation round may be skipped (a cycle the council sent back to review goes to it again
/// without a second round, unless the admin opens one). The council's own decision moves a cycle
/// out of the council stage (approved: closed; sent back: review, on the council page), so the
/// admin does not close it; the admin may only take it back to explanation, or reopen a closed one
/// for the council before it is published. Publishing is the publication page's, from closed. A
/// published cycle may be taken back to verification (with a reason) to correct points: approved
/// again, it publishes its next version, and the earlier versions stay as they were.
fn moves_from(state: CycleState) -> &'static [(CycleState, bool)] {
    use CycleState::*;
    match state {
        Open => &[(Review, false)],
        Review => &[(Explanation, false), (Council, false), (Open, true)],
        Explanation => &[(Council, false), (Review, true)],
        Council => &[(Explanation, true)],
        Closed => &[(Council, true)],
        Published => &[(Review, true)],
    }
}

/// Whether deadlines of a cycle in `state` may still be extended (not once closed or published).
fn extensible(state: CycleState) -> bool {
    !matches!(state, CycleState::Closed | CycleState::Published)
}

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    extend: Option<String>,
}

pub async fn board(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> Page {
    let u = me(&ctx)?;
    let lang = ctx.lang;
    let cycle = app.store.cycle(id).await?;
    // A fixed number of reads for any number of units.
    let subs = app.store.submissions(id).await?;
    let extensions = app.store.latest_extensions(id).await?;
    let units = app.store.units().await?;
    let units: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let extensions: HashMap<&str, _> = extensions
        .iter()
        .map(|e| (e.unit_code.as_str(), e))
        .collect();
    // Categories by their names in the edition (the edition is parsed once per content hash).
    let edition = crate::scoring::edition_of(&app.store, &cycle).await?;
    let category_names: HashMap<&str, &str> = edition
        .categories
        .iter()
        .map(|c| (c.code.as_str(), lang.pick(&c.name, c.name_en.as_deref())))
        .collect();
    let today = today()?.iso();
    let filter = q.status.unwrap_or_default();
    let mut counts = [0usize; STANDINGS.len()];
    let mut rows = Vec::with_capacity(subs.len());
    for s in &subs {
        let ext = extensions.get(s.unit_code.as_str());
        let deadline = ext.map_or(cycle.deadline.as_str(), |e| e.deadline.as_str());
        let (standing, late) = Standing::of(s, deadline, &today);
        counts[STANDINGS.iter().position(|x| *x == standing).unwrap_or(0)] += 1;
        if !filter.is_empty() && filter != standing.key() {
            continue;
        }
        let unit = units.get(s.unit_code.as_str());
        rows.push(BoardRow {
            name: unit.map(|u| u.name.clone()).unwrap_or_default(),
            category: unit
                .map(|u| {
                    category_names
                        .get(u.category.as_str())
                        .map_or_else(|| u.category.clone(), |n| n.to_string())
                })
                .unwrap_or_default(),
            code: s.unit_code.clone(),
            standing: standing.label(lang),
            standing_key: standing.key(),
            late_mark: late && matches!(standing, Standing::Returned | Standing::Verified),
            confirmed: s.status == SubmissionStatus::Confirmed,
            deadline: date(deadline),
            extended: ext.is_some(),
            extension_reason: ext.map(|e| e.reason.clone()).unwrap_or_default(),
            submitted: s.submitted_at.map(day_of_ms).unwrap_or_default(),
        });
    }
    let admin = u.grants.iter().any(|g| g.role == Role::Admin);
    let extend = match q.extend.as_deref().filter(|_| admin) {
        Some(code) => {
            // Only a unit of this cycle gets the form.
            subs.iter()
                .find(|s| s.unit_code == code)
                .map(|s| ExtendForm {
                    code: s.unit_code.clone(),
                    name: units.get(code).map(|u| u.name.clone()).unwrap_or_default(),
                    deadline: date(
                        extensions
                            .get(code)
                            .map_or(cycle.deadline.as_str(), |e| e.deadline.as_str()),
                    ),
                })
        }
        None => None,
    };
    let moves = if admin {
        moves_from(cycle.state)
            .iter()
            .map(|(to, back)| Move {
                to: to.as_str(),
                label: state_name(lang, *to),
                back: *back,
                explanation: *to == CycleState::Explanation,
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&BoardPage {
        p: common(&ctx),
        id,
        year: cycle.year,
        edition: cycle.edition_id.clone(),
        state: state_name(lang, cycle.state),
        version: cycle.version,
        deadline: date(&cycle.deadline),
        explanation_deadline: cycle
            .explanation_deadline
            .as_deref()
            .map(date)
            .unwrap_or_default(),
        total: subs.len(),
        counts: STANDINGS
            .iter()
            .zip(counts)
            .map(|(s, n)| StandingCount {
                key: s.key(),
                label: s.label(lang),
                n,
            })
            .collect(),
        filter,
        rows,
        reviewer: u.grants.iter().any(|g| g.role == Role::Reviewer),
        moves,
        extend,
        extensible: admin && extensible(cycle.state),
        at_council: cycle.state == CycleState::Council,
        results: matches!(cycle.state, CycleState::Closed | CycleState::Published),
    })
}

// ---------------------------------------------------------------------------------------------
// State changes and extensions
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct StateForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    /// The explanation deadline: `days` or `date`.
    #[serde(default)]
    explanation_kind: String,
    #[serde(default)]
    explanation_date: String,
    #[serde(default)]
    explanation_days: String,
}

pub async fn cycle_state(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(f): Form<StateForm>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let cycle = app.store.cycle(id).await?;
    let Ok(version) = f.version.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(field(
            lang,
            "Phiên bản",
            "Version",
            lang.tr(
                "thiếu phiên bản đã đọc; hãy tải lại trang",
                "the version read is missing; reload the page",
            ),
        )));
    };
    // A stale form is a conflict before anything else: what it asks was decided on an old state.
    if version != cycle.version {
        return Err(StoreError::Conflict {
            kind: "cycle",
            id: id.to_string(),
            expected: version,
            current: cycle.version,
        }
        .into());
    }
    let step =
        f.to.parse::<CycleState>()
            .ok()
            .and_then(|to| moves_from(cycle.state).iter().find(|(s, _)| *s == to));
    let Some(&(to, back)) = step else {
        let (from, to) = (
            state_name(lang, cycle.state),
            egov_core::text::quote_short(&f.to),
        );
        return Err(WebError::BadRequest(field(
            lang,
            "Bước tiếp theo",
            "Next step",
            &tr(
                lang,
                format!("không thể chuyển từ giai đoạn {from} sang '{to}'"),
                format!("cannot move from the {from} stage to '{to}'"),
            ),
        )));
    };
    let reason = egov_core::text::clean(&f.reason);
    if back && reason.is_empty() {
        return Err(WebError::BadRequest(field(
            lang,
            "Lý do",
            "Reason",
            lang.tr(
                "cần ghi lý do khi đưa kỳ đánh giá về bước trước",
                "a reason is needed to move a cycle back a step",
            ),
        )));
    }
    let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
    if to != CycleState::Explanation {
        app.store
            .set_cycle_state(&actor, id, version, to, None, reason)
            .await?;
        return Ok(Redirect::to(&format!("/cycles/{id}")).into_response());
    }
    // The explanation round: its deadline is required when it opens the first time, and may be
    // given again when the council sends the cycle back.
    let given = match f.explanation_kind.as_str() {
        "days" => !f.explanation_days.trim().is_empty(),
        _ => !f.explanation_date.trim().is_empty(),
    };
    let deadline = if given || cycle.explanation_deadline.is_none() {
        let today = today()?;
        let holidays = holiday_dates(&app.store).await?;
        let input = DeadlineInput {
            kind: &f.explanation_kind,
            date: &f.explanation_date,
            days: &f.explanation_days,
        };
        let d = deadline_of(
            lang,
            ("Hạn giải trình", "Explanation deadline"),
            &input,
            today,
            &holidays,
        )
        .map_err(WebError::BadRequest)?;
        Some(d.iso())
    } else {
        None
    };
    let shown = date(
        deadline
            .as_deref()
            .or(cycle.explanation_deadline.as_deref())
            .unwrap_or_default(),
    );
    let notice = format!(
        "Kỳ đánh giá năm {year}: vòng giải trình đã mở, hạn giải trình {shown}. / The {year} cycle's explanation round is open; explanations are due by {shown}.",
        year = cycle.year
    );
    app.store
        .open_explanation(&actor, id, version, deadline.as_deref(), reason, &notice)
        .await?;
    Ok(Redirect::to(&format!("/cycles/{id}")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ExtendRequest {
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    reason: String,
}

pub async fn extend(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, code)): Path<(i64, String)>,
    Form(f): Form<ExtendRequest>,
) -> Page {
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    let cycle = app.store.cycle(id).await?;
    // The unit of the URL must take part in this cycle: 404 otherwise, whatever the form says.
    app.store.submission(id, &code).await?;
    if !extensible(cycle.state) {
        return Err(WebError::BadRequest(
            lang.tr(
                "Kỳ đánh giá đã đóng: không gia hạn được nữa.",
                "The cycle is closed: deadlines can no longer be extended.",
            )
            .to_string(),
        ));
    }
    let mut errors = Vec::new();
    let general = parse_date(&cycle.deadline).ok();
    match parse_date(&f.deadline) {
        Ok(d) if general.is_some_and(|g| d <= g) => errors.push(field(
            lang,
            "Hạn mới",
            "New deadline",
            &tr(
                lang,
                format!("phải sau hạn chung của kỳ ({})", date(&cycle.deadline)),
                format!(
                    "must be after the cycle's deadline ({})",
                    date(&cycle.deadline)
                ),
            ),
        )),
        Ok(_) => {}
        Err(e) => errors.push(field(lang, "Hạn mới", "New deadline", &e.message(lang))),
    }
    let reason = egov_core::text::clean(&f.reason);
    if reason.is_empty() {
        errors.push(field(
            lang,
            "Lý do gia hạn",
            "Reason",
            lang.tr("cần ghi lý do", "a reason is required"),
        ));
    }
    let deadline = match parse_date(&f.deadline) {
        Ok(d) if errors.is_empty() => d,
        _ => return Err(WebError::BadRequest(errors.join("; "))),
    };
    let notice = format!(
        "Kỳ đánh giá năm {year}: hạn nộp hồ sơ của đơn vị được gia hạn đến {d}. Lý do: {reason} / The {year} cycle: the unit's deadline is extended to {d}. Reason: {reason}",
        year = cycle.year,
        d = deadline.dmy(),
    );
    app.store
        .extend_deadline_with_notice(&actor, id, &code, &deadline.iso(), &reason, &notice)
        .await?;
    Ok(Redirect::to(&format!("/cycles/{id}")).into_response())
}
