//! Publication (the admin's form; the logic is [`crate::publish`]), the public results pages, and
//! in-app notices.
//!
//! The results pages need no login and show only what was published: the annex of a version is read
//! back from its frozen snapshot, never recomputed, so a page shows what the decision says even after
//! the registry or the cycle's rows changed. A file is served only under a name stored with its
//! version; nothing in the URL is ever used as a path. A notice is read and marked only by the user it
//! is for, or a user of the unit it is for (403 otherwise: the route lets any signed-in user in).

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use egov_core::Lang;
use egov_core::calendar::parse_date;
use egov_store::{CycleState, PublicationInfo};
use serde::Deserialize;
use serde_json::Value;

use super::{Common, Page, common, me, render};
use crate::authz::{Action, Object, Who, allowed};
use crate::guard::Ctx;
use crate::publish::{PublishRequest, SNAPSHOT_FILE, publish_cycle};
use crate::text::{date, day_of_ms};
use crate::{AppState, WebError};

/// An id of the URL: anything but a number names nothing (404, as an unknown number does).
fn id_of(s: &str) -> Result<i64, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

/// Whether the signed-in user (if any) may publish: the same decision the route's guard takes.
fn may_publish(ctx: &Ctx) -> bool {
    ctx.user
        .as_ref()
        .is_some_and(|u| allowed(&Who::User(&u.grants), Action::Publish, &Object::None))
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    decision_date: String,
    #[serde(default)]
    reason: String,
}

/// POST /cycles/{cycle}/publish: publishes version 1 of an approved cycle, or a correction.
pub async fn publish(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(cycle): Path<String>,
    Form(f): Form<PublishForm>,
) -> Page {
    let cycle_id = id_of(&cycle)?;
    let actor = me(&ctx)?.user.login.clone();
    let lang = ctx.lang;
    // The cycle first: an unknown cycle is 404 whatever the form says.
    app.store.cycle(cycle_id).await?;
    let decision_date = parse_date(&f.decision_date).map_err(|e| {
        WebError::BadRequest(format!(
            "{}: {}",
            lang.tr("Ngày quyết định", "Decision date"),
            e.message(lang)
        ))
    })?;
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    publish_cycle(
        &app.store,
        &actor,
        &PublishRequest {
            cycle_id,
            decision_number: &f.decision_number,
            decision_date,
            reason,
        },
        lang,
    )
    .await?;
    Ok(Redirect::to(&format!("/results/{cycle_id}")).into_response())
}

/// One published cycle in the list.
struct Listed {
    cycle: i64,
    year: i64,
    edition: String,
    decision_number: String,
    decision_date: String,
    version: i64,
    published: String,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    p: Common,
    published: Vec<Listed>,
    /// Cycles the council approved that wait for publication (shown to those who may publish).
    waiting: Vec<(i64, i64, String)>,
}

/// GET /results: every published cycle with its latest version.
pub async fn results(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let mut published = Vec::new();
    for p in app.store.latest_publications().await? {
        let c = app.store.cycle(p.cycle_id).await?;
        published.push(Listed {
            cycle: c.id,
            year: c.year,
            edition: c.edition_id,
            decision_number: p.decision_number,
            decision_date: date(&p.decision_date),
            version: p.version,
            published: day_of_ms(p.published_at),
        });
    }
    published.sort_by(|a, b| b.year.cmp(&a.year).then(b.cycle.cmp(&a.cycle)));
    let waiting = if may_publish(&ctx) {
        app.store
            .cycles()
            .await?
            .into_iter()
            .filter(|c| c.state == CycleState::Closed)
            .map(|c| (c.id, c.year, c.edition_id))
            .collect()
    } else {
        Vec::new()
    };
    render(&ResultsPage {
        p: common(&ctx),
        published,
        waiting,
    })
}

/// A row of an annex table as shown: a block's heading, or a unit.
struct RowView {
    /// A block heading row ("I. Các cơ quan …") placed before this row.
    block: Option<String>,
    tt: String,
    unit: String,
    values: Vec<String>,
    total: String,
    rank: String,
}

struct TableView {
    part: Option<String>,
    title: String,
    columns: Vec<String>,
    total_label: String,
    rank_label: String,
    rows: Vec<RowView>,
}

struct VersionView {
    version: i64,
    decision_number: String,
    decision_date: String,
    published: String,
    reason: String,
    content_hash: String,
    current: bool,
}

struct FileView {
    name: String,
    size: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "results_cycle.html")]
struct ResultPage {
    p: Common,
    cycle: i64,
    year: i64,
    /// The version shown, and whether it is the latest.
    version: i64,
    latest: bool,
    decision_number: String,
    decision_date: String,
    title: String,
    subtitle: Vec<String>,
    tables: Vec<TableView>,
    history: Vec<VersionView>,
    files: Vec<FileView>,
    content_hash: String,
    /// The publish form: for an admin, a correction of the latest version (or the first version of an
    /// approved cycle, on a cycle not published yet).
    form: Option<PublishFormView>,
}

/// The admin's publish form, prefilled.
pub(crate) struct PublishFormView {
    pub cycle: i64,
    pub correction: bool,
    pub decision_number: String,
    pub decision_date: String,
}

#[derive(Template)]
#[template(path = "publish_pending.html")]
struct PendingPage {
    p: Common,
    year: i64,
    edition: String,
    form: PublishFormView,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// A number of the annex JSON (digits at their printed scale) in the page's language: decimal comma
/// in Vietnamese, point in English; "not_evaluated" and a missing value in words or blank.
fn cell(v: &Value, lang: Lang) -> String {
    match v {
        Value::Number(n) => {
            let s = n.to_string();
            match lang {
                Lang::Vi => s.replace('.', ","),
                Lang::En => s,
            }
        }
        Value::String(s) if s == "not_evaluated" => {
            lang.tr("Không đánh giá", "Not evaluated").to_string()
        }
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The tables of an annex in the JSON contract (`results` of a snapshot).
fn tables_of(annex: &Value, lang: Lang) -> Vec<TableView> {
    let empty = Vec::new();
    let mut out = Vec::new();
    for t in annex["tables"].as_array().unwrap_or(&empty) {
        let columns: Vec<String> = t["columns"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .map(text)
            .collect();
        let blocks = t["blocks"].as_array().unwrap_or(&empty);
        let mut last_block: Option<String> = None;
        let mut rows = Vec::new();
        for r in t["rows"].as_array().unwrap_or(&empty) {
            let block = r["block"].as_str().map(str::to_string);
            let heading = if block.is_some() && block != last_block {
                blocks
                    .iter()
                    .find(|b| b["id"].as_str() == block.as_deref())
                    .map(|b| {
                        let label = text(&b["label"]);
                        let title = text(&b["title"]);
                        if label.is_empty() {
                            title
                        } else {
                            format!("{label}. {title}")
                        }
                    })
                    .filter(|h| !h.is_empty())
            } else {
                None
            };
            last_block = block;
            let rank = if r["status"].as_str() == Some("not_submitted") {
                match &r["rank"] {
                    Value::Number(n) => format!("{n} ({})", lang.tr("không nộp", "not submitted")),
                    _ => lang.tr("Không nộp", "Not submitted").to_string(),
                }
            } else {
                cell(&r["rank"], Lang::En)
            };
            rows.push(RowView {
                block: heading,
                tt: text(&r["tt"]),
                unit: text(&r["unit"]),
                values: columns
                    .iter()
                    .map(|c| cell(&r["values"][c], lang))
                    .collect(),
                total: cell(&r["total"], lang),
                rank,
            });
        }
        out.push(TableView {
            part: t["part"].as_str().map(str::to_string),
            title: text(&t["title"]),
            columns,
            total_label: text(&t["total_label"]),
            rank_label: text(&t["rank_label"]),
            rows,
        });
    }
    // A table no unit of the cycle belongs to is left out; a part heading is printed once, above the
    // first of its tables that remain.
    out.retain(|t| !t.rows.is_empty());
    let mut previous: Option<String> = None;
    for t in &mut out {
        if t.part.is_some() && t.part == previous {
            t.part = None;
        } else {
            previous.clone_from(&t.part);
        }
    }
    out
}

/// A file size in whole kilobytes, rounded up (a 10-byte file is "1 KB", not "0 KB").
fn size_text(bytes: i64) -> String {
    format!("{} KB", (bytes + 1023) / 1024)
}

/// GET /results/{cycle}[?version=N]: a published version's annex, its history and its files.
pub async fn result(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(cycle): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Page {
    let cycle = app.store.cycle(id_of(&cycle)?).await?;
    let history: Vec<PublicationInfo> = app.store.publication_history(cycle.id).await?;
    let Some(latest) = history.last() else {
        // Not published: nothing public here; an admin finds the form of an approved cycle.
        if may_publish(&ctx) && cycle.state == CycleState::Closed {
            return render(&PendingPage {
                p: common(&ctx),
                year: cycle.year,
                edition: cycle.edition_id,
                form: PublishFormView {
                    cycle: cycle.id,
                    correction: false,
                    decision_number: String::new(),
                    decision_date: String::new(),
                },
            });
        }
        return Err(WebError::NotFound);
    };
    let version = match q.version.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => id_of(v)?,
        None => latest.version,
    };
    let publication = app.store.publication(cycle.id, version).await?;
    let snapshot: Value = serde_json::from_str(&publication.snapshot)
        .map_err(|e| WebError::Internal(format!("snapshot {}/{version}: {e}", cycle.id)))?;
    let annex = &snapshot["results"];
    let lang = ctx.lang;
    let mut files: Vec<FileView> = app
        .store
        .publication_files(publication.id)
        .await?
        .into_iter()
        .map(|f| FileView {
            name: f.name,
            size: size_text(f.size),
            sha256: f.sha256,
        })
        .collect();
    files.push(FileView {
        name: SNAPSHOT_FILE.to_string(),
        size: size_text(i64::try_from(publication.snapshot.len()).unwrap_or(i64::MAX)),
        sha256: publication.content_hash.clone(),
    });
    let form = may_publish(&ctx).then(|| PublishFormView {
        cycle: cycle.id,
        correction: true,
        decision_number: latest.decision_number.clone(),
        decision_date: date(&latest.decision_date),
    });
    render(&ResultPage {
        p: common(&ctx),
        cycle: cycle.id,
        year: cycle.year,
        version,
        latest: version == latest.version,
        decision_number: publication.decision_number.clone(),
        decision_date: date(&publication.decision_date),
        title: text(&annex["title"]),
        subtitle: annex["subtitle"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default(),
        tables: tables_of(annex, lang),
        history: history
            .iter()
            .rev()
            .map(|h| VersionView {
                version: h.version,
                decision_number: h.decision_number.clone(),
                decision_date: date(&h.decision_date),
                published: day_of_ms(h.published_at),
                reason: h.reason.clone().unwrap_or_default(),
                content_hash: h.content_hash.clone(),
                current: h.version == version,
            })
            .collect(),
        files,
        content_hash: publication.content_hash,
        form,
    })
}

/// GET /results/{cycle}/{version}/{file}: a stored file of a version, as an attachment. The name is
/// looked up among the version's stored names (the snapshot has its own); anything else is 404.
pub async fn file(
    State(app): State<AppState>,
    Path((cycle, version, name)): Path<(String, String, String)>,
) -> Page {
    let publication = app
        .store
        .publication(id_of(&cycle)?, id_of(&version)?)
        .await?;
    let (name, media_type, bytes) = if name == SNAPSHOT_FILE {
        (
            SNAPSHOT_FILE.to_string(),
            "application/json".to_string(),
            publication.snapshot.into_bytes(),
        )
    } else {
        let (meta, bytes) = app.store.publication_file(publication.id, &name).await?;
        (meta.name, meta.media_type, bytes)
    };
    // Stored names are ours (ASCII letters, digits, '-' and '.'), so they need no quoting rules.
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

struct NoticeView {
    id: i64,
    kind: String,
    text: String,
    at: String,
    unit: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    p: Common,
    notices: Vec<NoticeView>,
}

fn kind_text(kind: &str, lang: Lang) -> String {
    match kind {
        "returned" => lang.tr("Hồ sơ bị trả lại", "Submission returned"),
        "explanation" => lang.tr("Giải trình", "Explanation round"),
        "deadline" => lang.tr("Hạn nộp", "Deadline"),
        crate::reminders::KIND => lang.tr("Sắp hết hạn nộp", "Deadline near"),
        "published" => lang.tr("Công bố kết quả", "Results published"),
        other => other,
    }
    .to_string()
}

/// GET /notices: the signed-in user's notices and their units', unread first, newest first.
pub async fn notices(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let u = me(&ctx)?;
    let mut list = app.store.notices(u.user.id).await?;
    // The store gives newest first; a stable sort keeps that order within read and unread.
    list.sort_by_key(|n| n.read_at.is_some());
    let notices = list
        .into_iter()
        .map(|n| NoticeView {
            id: n.id,
            kind: kind_text(&n.kind, ctx.lang),
            text: n.text,
            at: day_of_ms(n.at),
            unit: n.unit_code.unwrap_or_default(),
            read: n.read_at.is_some(),
        })
        .collect();
    render(&NoticesPage {
        p: common(&ctx),
        notices,
    })
}

/// POST /notices/{notice}/read: marks a notice read — one of the user's own or of one of their units.
pub async fn notice_read(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(notice): Path<String>,
) -> Page {
    let u = me(&ctx)?;
    let notice = app.store.notice(id_of(&notice)?).await?;
    let own = notice.user_id == Some(u.user.id)
        || notice.unit_code.as_deref().is_some_and(|code| {
            u.grants
                .iter()
                .any(|g| g.unit_code.as_deref() == Some(code))
        });
    if !own {
        return Err(WebError::Forbidden);
    }
    app.store.mark_notice_read(&u.user.login, notice.id).await?;
    Ok(Redirect::to("/notices").into_response())
}
