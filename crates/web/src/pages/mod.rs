//! The handlers and the view models of their templates. Each handler runs after the guard has
//! authorized its action on the URL's object, and receives the guard's [`Ctx`]; a handler that reads
//! an object from a form (a unit of a grant, a grant to revoke) checks it belongs where the URL says.

pub mod cycles;
pub mod form;
pub mod publish;
pub mod review;

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use egov_core::Lang;
use egov_store::{NewUnit, Role, Session};
use serde::Deserialize;

use crate::guard::Ctx;
use crate::session::{self, SESSION_COOKIE};
use crate::text::{date, day_of_ms};
use crate::{AppState, WebError};

pub(crate) type Page = Result<Response, WebError>;

/// What the layout needs on every page.
struct Common {
    lang: Lang,
    en: bool,
    user_name: Option<String>,
    csrf: String,
    admin: bool,
}

fn common(ctx: &Ctx) -> Common {
    let u = ctx.user.as_ref();
    Common {
        lang: ctx.lang,
        en: ctx.lang == Lang::En,
        user_name: u.map(|u| u.user.display_name.clone()),
        csrf: u.map(|u| u.session.csrf_token.clone()).unwrap_or_default(),
        admin: u.is_some_and(|u| u.grants.iter().any(|g| g.role == Role::Admin)),
    }
}

fn render(t: &impl Template) -> Page {
    Ok(Html(t.render()?).into_response())
}

fn role_name(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.tr("Quản trị", "Administrator"),
        Role::UnitOfficer => lang.tr("Cán bộ đầu mối", "Unit officer"),
        Role::UnitHead => lang.tr("Thủ trưởng đơn vị", "Unit head"),
        Role::Reviewer => lang.tr("Thẩm định viên", "Reviewer"),
        Role::Council => lang.tr("Hội đồng thẩm định", "Council"),
    }
}

const ROLES: [Role; 5] = [
    Role::Admin,
    Role::UnitOfficer,
    Role::UnitHead,
    Role::Reviewer,
    Role::Council,
];

pub async fn healthz(State(app): State<AppState>) -> Page {
    app.store.check_schema().await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
        .into_response())
}

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Common,
    failed: bool,
}

pub async fn login_form(Extension(ctx): Extension<Ctx>) -> Page {
    render(&LoginPage {
        p: common(&ctx),
        failed: false,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

/// A hash to verify against when the login is unknown, so that an unknown login costs as much time
/// as a wrong password (no user enumeration by timing).
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| session::hash_password("egov-dummy-password").unwrap_or_default())
}

pub async fn login(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Page {
    let now = egov_store::now_ms();
    let cfg = &app.config;
    let failures = app
        .store
        .failed_logins_since(&f.login, now - cfg.throttle_window_ms)
        .await?;
    if failures >= cfg.throttle_failures {
        return Err(WebError::Throttled);
    }
    let user = match app.store.user_by_login(&f.login).await {
        Ok(u) => Some(u),
        Err(egov_store::StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
    let password = f.password;
    let matches = tokio::task::spawn_blocking(move || session::verify_password(&password, &hash))
        .await
        .map_err(|e| WebError::Internal(format!("join: {e}")))?;
    let user = user.filter(|u| matches && u.active);
    app.store
        .record_login_attempt(&f.login, now, user.is_some())
        .await?;
    let Some(user) = user else {
        let page = LoginPage {
            p: common(&ctx),
            failed: true,
        };
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    };
    // A new session id at every login; the one the browser held (if any) ends here.
    if let Some(old) = session::cookie(&headers, SESSION_COOKIE) {
        app.store.delete_session(&session::token_hash(old)).await?;
    }
    let token = session::new_token()?;
    app.store
        .create_session(&Session {
            token_hash: session::token_hash(&token),
            user_id: user.id,
            csrf_token: session::new_token()?,
            created_at: now,
            expires_at: now + cfg.session_ttl_ms,
        })
        .await?;
    let cookie = session::set_cookie(
        SESSION_COOKIE,
        &token,
        cfg.session_ttl_ms / 1000,
        cfg.secure_cookies,
    );
    see_other_with_cookie("/", &cookie)
}

fn see_other_with_cookie(to: &str, cookie: &str) -> Page {
    let mut res = Redirect::to(to).into_response();
    let v =
        HeaderValue::from_str(cookie).map_err(|e| WebError::Internal(format!("cookie: {e}")))?;
    res.headers_mut().append(header::SET_COOKIE, v);
    Ok(res)
}

pub async fn logout(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    if let Some(u) = &ctx.user {
        app.store.delete_session(&u.session.token_hash).await?;
    }
    let cookie = session::set_cookie(SESSION_COOKIE, "", 0, app.config.secure_cookies);
    see_other_with_cookie("/login", &cookie)
}

/// The signed-in user of a route the guard only lets signed-in users reach.
fn me(ctx: &Ctx) -> Result<&crate::guard::SignedIn, WebError> {
    ctx.user.as_ref().ok_or(WebError::SignIn)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    p: Common,
    display_name: String,
    roles: Vec<String>,
    registry: bool,
    own_units: Vec<(String, String)>,
    forms: Vec<FormTodo>,
    in_progress: Vec<CycleTodo>,
    unread: usize,
}

pub async fn home(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let u = me(&ctx)?;
    let mut own_units = Vec::new();
    let mut roles = Vec::new();
    for g in &u.grants {
        let name = role_name(ctx.lang, g.role);
        match &g.unit_code {
            Some(code) => {
                let unit = app.store.unit(code).await?;
                roles.push(format!("{name}: {}", unit.name));
                own_units.push((unit.code, unit.name));
            }
            None => roles.push(name.to_string()),
        }
    }
    let registry = u
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::Admin | Role::Reviewer | Role::Council));
    let lang = ctx.lang;
    // What is to be done now: the unit's forms in cycles not yet published, and for the overseers the
    // cycles in progress with the page each stage is worked on.
    let mut forms = Vec::new();
    for (code, name) in &own_units {
        for c in app.store.cycles_of_unit(code).await? {
            if c.state == egov_store::CycleState::Published {
                continue;
            }
            let sub = app.store.submission(c.id, code).await?;
            forms.push(FormTodo {
                year: c.year,
                unit: name.clone(),
                status: form::status_text(sub.status, lang).to_string(),
                deadline: date(&app.store.deadline_for(c.id, code).await?),
                stage: cycles::state_name(lang, c.state).to_string(),
                href: format!("/cycles/{}/units/{code}", c.id),
            });
        }
    }
    let mut in_progress = Vec::new();
    if registry {
        let reviewer = u.grants.iter().any(|g| g.role == Role::Reviewer);
        for c in app.store.cycles().await? {
            use egov_store::CycleState as S;
            if c.state == S::Published {
                continue;
            }
            let next = match c.state {
                S::Review | S::Explanation if reviewer => Some((
                    format!("/cycles/{}/review", c.id),
                    lang.tr("Hàng đợi thẩm định", "Review queue"),
                )),
                S::Council => Some((
                    format!("/cycles/{}/council", c.id),
                    lang.tr("Xếp hạng sơ bộ", "Preliminary ranking"),
                )),
                S::Closed => Some((
                    format!("/results/{}", c.id),
                    lang.tr("Công bố", "Publication"),
                )),
                _ => None,
            };
            in_progress.push(CycleTodo {
                year: c.year,
                stage: cycles::state_name(lang, c.state).to_string(),
                deadline: date(&c.deadline),
                board: format!("/cycles/{}", c.id),
                next,
            });
        }
    }
    let unread = app
        .store
        .notices(u.user.id)
        .await?
        .iter()
        .filter(|n| n.read_at.is_none())
        .count();
    render(&HomePage {
        p: common(&ctx),
        display_name: u.user.display_name.clone(),
        roles,
        registry,
        own_units,
        forms,
        in_progress,
        unread,
    })
}

/// A unit's form to fill or follow, on the home page.
struct FormTodo {
    year: i64,
    unit: String,
    status: String,
    deadline: String,
    stage: String,
    href: String,
}

/// A cycle in progress, on an overseer's home page: its board, and the page its stage is worked on.
struct CycleTodo {
    year: i64,
    stage: String,
    deadline: String,
    board: String,
    next: Option<(String, &'static str)>,
}

struct UnitView {
    code: String,
    name: String,
    category: String,
    flags: String,
    parent: String,
    active_from: String,
    active_to: String,
}

impl From<egov_store::Unit> for UnitView {
    fn from(u: egov_store::Unit) -> UnitView {
        UnitView {
            active_from: u.active_from.as_deref().map(date).unwrap_or_default(),
            active_to: u.active_to.as_deref().map(date).unwrap_or_default(),
            parent: u.parent_code.unwrap_or_default(),
            code: u.code,
            name: u.name,
            category: u.category,
            flags: u.flags,
        }
    }
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    p: Common,
    units: Vec<UnitView>,
}

pub async fn units(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let units = app.store.units().await?;
    render(&UnitsPage {
        p: common(&ctx),
        units: units.into_iter().map(UnitView::from).collect(),
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    p: Common,
    u: UnitView,
}

pub async fn unit(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
) -> Page {
    let u = app.store.unit(&code).await?;
    render(&UnitPage {
        p: common(&ctx),
        u: u.into(),
    })
}

#[derive(Deserialize, Default)]
pub struct UnitForm {
    #[serde(default)]
    code: String,
    name: String,
    category: String,
    #[serde(default)]
    flags: String,
    #[serde(default)]
    parent_code: String,
    #[serde(default)]
    active_from: String,
    #[serde(default)]
    active_to: String,
}

impl UnitForm {
    fn into_new(self, code: String) -> Result<NewUnit, WebError> {
        let code = code.trim().to_string();
        let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        if code.is_empty() || self.name.trim().is_empty() || self.category.trim().is_empty() {
            return Err(WebError::BadRequest(egov_core::msg!(
                "cần mã, tên và nhóm của đơn vị",
                "a unit needs a code, a name and a category"
            )));
        }
        Ok(NewUnit {
            code,
            name: self.name.trim().to_string(),
            category: self.category.trim().to_string(),
            flags: self.flags.trim().to_string(),
            parent_code: opt(self.parent_code),
            active_from: opt(self.active_from),
            active_to: opt(self.active_to),
        })
    }
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitFormPage {
    p: Common,
    new: bool,
    f: UnitForm,
}

pub async fn unit_new(Extension(ctx): Extension<Ctx>) -> Page {
    render(&UnitFormPage {
        p: common(&ctx),
        new: true,
        f: UnitForm::default(),
    })
}

pub async fn unit_edit(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
) -> Page {
    let u = app.store.unit(&code).await?;
    render(&UnitFormPage {
        p: common(&ctx),
        new: false,
        f: UnitForm {
            code: u.code,
            name: u.name,
            category: u.category,
            flags: u.flags,
            parent_code: u.parent_code.unwrap_or_default(),
            active_from: u.active_from.unwrap_or_default(),
            active_to: u.active_to.unwrap_or_default(),
        },
    })
}

pub async fn unit_create(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<UnitForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    let code = f.code.clone();
    let new = f.into_new(code)?;
    // Creating must not silently change an existing unit (upsert would).
    match app.store.unit(&new.code).await {
        Ok(_) => {
            return Err(egov_store::StoreError::Duplicate {
                kind: "unit",
                id: new.code,
            }
            .into());
        }
        Err(egov_store::StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let u = app.store.upsert_unit(actor, &new).await?;
    Ok(Redirect::to(&format!("/units/{}", u.code)).into_response())
}

pub async fn unit_update(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
    Form(f): Form<UnitForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    // The code comes from the URL the guard authorized, never from the form.
    app.store.unit(&code).await?;
    let new = f.into_new(code)?;
    let u = app.store.upsert_unit(actor, &new).await?;
    Ok(Redirect::to(&format!("/units/{}", u.code)).into_response())
}

struct UserRow {
    id: i64,
    login: String,
    name: String,
    created: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    p: Common,
    users: Vec<UserRow>,
}

pub async fn users(State(app): State<AppState>, Extension(ctx): Extension<Ctx>) -> Page {
    let users = app.store.users().await?;
    render(&UsersPage {
        p: common(&ctx),
        users: users
            .into_iter()
            .map(|u| UserRow {
                id: u.id,
                created: day_of_ms(u.created_at),
                login: u.login,
                name: u.display_name,
                active: u.active,
            })
            .collect(),
    })
}

/// The shortest password accepted: a new user's, and one's own new password.
const MIN_PASSWORD: usize = 12;

#[derive(Deserialize)]
pub struct NewUserForm {
    login: String,
    display_name: String,
    password: String,
}

pub async fn user_create(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<NewUserForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    let login = f.login.trim();
    if login.is_empty() || f.password.chars().count() < MIN_PASSWORD {
        return Err(WebError::BadRequest(egov_core::msg!(
            "cần tên đăng nhập và mật khẩu ít nhất 12 ký tự",
            "a login and a password of at least 12 characters are needed"
        )));
    }
    let password = f.password;
    let hash = tokio::task::spawn_blocking(move || session::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(format!("join: {e}")))??;
    let u = app
        .store
        .create_user(actor, login, f.display_name.trim(), &hash)
        .await?;
    Ok(Redirect::to(&format!("/users/{}", u.id)).into_response())
}

struct GrantRow {
    id: i64,
    role: &'static str,
    unit: String,
    granted: String,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    p: Common,
    id: i64,
    login: String,
    display_name: String,
    active: bool,
    /// The password a reset just made, shown on this one response and never again (empty otherwise).
    new_password: String,
    grants: Vec<GrantRow>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<(String, String)>,
}

pub async fn user(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Page {
    render(&user_page(&app, &ctx, id, String::new()).await?)
}

/// The user page of `id` (404 when there is none), with a password just made by a reset.
async fn user_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    new_password: String,
) -> Result<UserPage, WebError> {
    let u = app.store.user(id).await?;
    let grants = app.store.role_grants(id).await?;
    let units = app.store.units().await?;
    Ok(UserPage {
        p: common(ctx),
        id,
        login: u.login,
        display_name: u.display_name,
        active: u.active,
        new_password,
        grants: grants
            .into_iter()
            .map(|g| GrantRow {
                id: g.id,
                role: role_name(ctx.lang, g.role),
                unit: g.unit_code.unwrap_or_default(),
                granted: day_of_ms(g.granted_at),
            })
            .collect(),
        roles: ROLES
            .iter()
            .map(|r| (r.as_str(), role_name(ctx.lang, *r)))
            .collect(),
        units: units.into_iter().map(|u| (u.code, u.name)).collect(),
    })
}

/// An administrator's password reset: a new random password, shown once on the response (which no
/// cache keeps) and stored only as its hash; the user's sessions end (an administrator resetting
/// their own keeps the session doing it).
pub async fn user_password_reset(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Page {
    let me = me(&ctx)?;
    app.store.user(id).await?;
    let password = session::new_password()?;
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || session::hash_password(&password))
            .await
            .map_err(|e| WebError::Internal(format!("join: {e}")))??
    };
    let keep = (me.user.id == id).then_some(me.session.token_hash.as_str());
    app.store
        .reset_password(&me.user.login, id, &hash, keep)
        .await?;
    let page = user_page(&app, &ctx, id, password).await?;
    let mut res = Html(page.render()?).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Deserialize)]
pub struct DeactivateForm {
    #[serde(default)]
    reason: String,
}

/// Deactivates a user (with the reason): they can no longer sign in and their sessions end. The store
/// refuses the last active administrator.
pub async fn user_deactivate(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(f): Form<DeactivateForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    app.store.user(id).await?;
    let reason = egov_core::text::clean(&f.reason);
    if reason.is_empty() {
        return Err(WebError::BadRequest(
            ctx.lang
                .tr(
                    "Trường «lý do»: cần ghi lý do ngừng kích hoạt",
                    "Field \"reason\": a reason for the deactivation is required",
                )
                .to_string(),
        ));
    }
    app.store
        .set_user_active(actor, id, false, Some(&reason))
        .await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

/// Reactivates a user: they may sign in again (with their password as it was, or a reset one).
pub async fn user_reactivate(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    app.store.set_user_active(actor, id, true, None).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "user_password.html")]
struct PasswordPage {
    p: Common,
    login: String,
    error: String,
    done: bool,
}

pub async fn account_password_form(Extension(ctx): Extension<Ctx>) -> Page {
    render(&PasswordPage {
        p: common(&ctx),
        login: me(&ctx)?.user.login.clone(),
        error: String::new(),
        done: false,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// One's own password: the current one is required (and a wrong one counts as a failed sign-in, so
/// a stolen session cannot guess it faster than the login form could), the new one as long as a new
/// user's; the user's other sessions end, this one stays.
pub async fn account_password(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Form(f): Form<PasswordForm>,
) -> Page {
    let me = me(&ctx)?;
    let lang = ctx.lang;
    let refuse = |error: &str| -> Page {
        let page = PasswordPage {
            p: common(&ctx),
            login: me.user.login.clone(),
            error: error.to_string(),
            done: false,
        };
        Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let now = egov_store::now_ms();
    let cfg = &app.config;
    let failures = app
        .store
        .failed_logins_since(&me.user.login, now - cfg.throttle_window_ms)
        .await?;
    if failures >= cfg.throttle_failures {
        return Err(WebError::Throttled);
    }
    // The hash as stored now (not the session's copy), which the store checks again when writing.
    let stored = app.store.user(me.user.id).await?.password_hash;
    let matches = {
        let (current, stored) = (f.current.clone(), stored.clone());
        tokio::task::spawn_blocking(move || session::verify_password(&current, &stored))
            .await
            .map_err(|e| WebError::Internal(format!("join: {e}")))?
    };
    if !matches {
        app.store
            .record_login_attempt(&me.user.login, now, false)
            .await?;
        return refuse(lang.tr(
            "Trường «mật khẩu hiện tại»: không đúng",
            "Field \"current password\": incorrect",
        ));
    }
    if f.password.chars().count() < MIN_PASSWORD {
        return refuse(&match lang {
            Lang::Vi => format!("Trường «mật khẩu mới»: cần ít nhất {MIN_PASSWORD} ký tự"),
            Lang::En => {
                format!("Field \"new password\": at least {MIN_PASSWORD} characters are needed")
            }
        });
    }
    if f.password != f.confirm {
        return refuse(lang.tr(
            "Trường «nhập lại mật khẩu mới»: không khớp với mật khẩu mới",
            "Field \"repeat the new password\": does not match the new password",
        ));
    }
    if f.password == f.current {
        return refuse(lang.tr(
            "Trường «mật khẩu mới»: phải khác mật khẩu hiện tại",
            "Field \"new password\": must differ from the current one",
        ));
    }
    let hash = {
        let password = f.password;
        tokio::task::spawn_blocking(move || session::hash_password(&password))
            .await
            .map_err(|e| WebError::Internal(format!("join: {e}")))??
    };
    app.store
        .change_password(me.user.id, &stored, &hash, &me.session.token_hash)
        .await?;
    render(&PasswordPage {
        p: common(&ctx),
        login: me.user.login.clone(),
        error: String::new(),
        done: true,
    })
}

#[derive(Deserialize)]
pub struct GrantForm {
    role: String,
    #[serde(default)]
    unit: String,
}

pub async fn role_grant(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    let lang = ctx.lang;
    let role: Role = f.role.parse().map_err(|_| {
        WebError::BadRequest(match lang {
            Lang::Vi => format!("Trường «quyền»: không có quyền «{}»", f.role),
            Lang::En => format!("Field \"role\": there is no role \"{}\"", f.role),
        })
    })?;
    let unit = Some(f.unit.trim()).filter(|u| !u.is_empty());
    // Said here, with the role's name as the page shows it; the store's own refusal names the
    // internal role (unit_head), which is the command line's word, not the admin's.
    if role.is_unit_scoped() != unit.is_some() {
        let name = role_name(lang, role);
        return Err(WebError::BadRequest(match (lang, role.is_unit_scoped()) {
            (Lang::Vi, true) => format!("Trường «đơn vị»: quyền «{name}» cần chọn một đơn vị"),
            (Lang::Vi, false) => {
                format!("Trường «đơn vị»: quyền «{name}» không gắn với đơn vị nào, hãy để trống")
            }
            (Lang::En, true) => format!("Field \"unit\": the role \"{name}\" needs a unit"),
            (Lang::En, false) => {
                format!("Field \"unit\": the role \"{name}\" takes no unit; leave it empty")
            }
        }));
    }
    if let Some(code) = unit {
        app.store.unit(code).await?;
    }
    app.store.grant_role(actor, id, role, unit).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    reason: String,
}

pub async fn role_revoke(
    State(app): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, grant)): Path<(i64, i64)>,
    Form(f): Form<RevokeForm>,
) -> Page {
    let actor = &me(&ctx)?.user.login;
    // The grant must be one of this user's: the URL's user is what the guard authorized.
    if !app
        .store
        .role_grants(id)
        .await?
        .iter()
        .any(|g| g.id == grant)
    {
        return Err(WebError::NotFound);
    }
    if f.reason.trim().is_empty() {
        return Err(WebError::BadRequest(egov_core::msg!(
            "cần lý do thu hồi",
            "a reason is needed"
        )));
    }
    app.store.revoke_role(actor, grant, f.reason.trim()).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
