//! The guard in front of every route (see `routes::build`): it finds the language, the session (in the
//! database), checks a state-changing request's origin and CSRF token, and asks [`crate::authz`] whether
//! this user may perform the route's action on the object named in the URL. Only then does the handler
//! run, with a [`Ctx`] in the request's extensions.

use axum::body::Body;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use egov_core::Lang;
use egov_store::{RoleGrant, Session, User};
use subtle::ConstantTimeEq;

use crate::authz::{Action, Object, Who, allowed};
use crate::session::{LANG_COOKIE, SESSION_COOKIE, cookie, set_cookie, token_hash};
use crate::{AppState, WebError};

/// The name of the hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// What the guard found out, for the handler.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<SignedIn>,
}

/// A valid session and its user's grants, read at the start of the request.
#[derive(Clone)]
pub struct SignedIn {
    pub user: User,
    pub grants: Vec<RoleGrant>,
    pub session: Session,
}

pub async fn guard(
    State((app, action)): State<(AppState, Action)>,
    params: RawPathParams,
    req: Request,
    next: Next,
) -> Response {
    let (lang, remember) = language(&req);
    let result = check(&app, action, &params, lang, req).await;
    let mut res = match result {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    if remember {
        let value = set_cookie(
            LANG_COOKIE,
            lang_code(lang),
            365 * 86_400,
            app.config.secure_cookies,
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}

/// `?lang=` (remembered in a cookie), else the cookie, else Vietnamese.
fn language(req: &Request) -> (Lang, bool) {
    let parse = |s: &str| match s {
        "en" => Some(Lang::En),
        "vi" => Some(Lang::Vi),
        _ => None,
    };
    let asked = req
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| parse(v));
    match asked {
        Some(l) => (l, true),
        None => (
            cookie(req.headers(), LANG_COOKIE)
                .and_then(parse)
                .unwrap_or_default(),
            false,
        ),
    }
}

async fn check(
    app: &AppState,
    action: Action,
    params: &RawPathParams,
    lang: Lang,
    req: Request,
) -> Result<Request, WebError> {
    let user = signed_in(app, req.headers()).await?;
    let object = object(params)?;
    let who = match &user {
        Some(u) => Who::User(&u.grants),
        None => Who::Anonymous,
    };
    if !allowed(&who, action, &object) {
        return Err(match user {
            None => WebError::SignIn,
            Some(_) => WebError::Forbidden,
        });
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD);
    let mut req = req;
    if unsafe_method {
        same_origin(req.headers())?;
        // The login form has no session yet: the origin check and SameSite=Strict stand for its token.
        if let Some(u) = &user {
            req = check_csrf(req, &u.session.csrf_token, &app.config).await?;
        }
    }
    req.extensions_mut().insert(Ctx { lang, user });
    Ok(req)
}

/// The session of the request's cookie, with its user and grants; `None` without a valid one.
async fn signed_in(app: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(session) = app
        .store
        .session(&token_hash(token), egov_store::now_ms())
        .await?
    else {
        return Ok(None);
    };
    let user = app.store.user(session.user_id).await?;
    let grants = app.store.role_grants(user.id).await?;
    Ok(Some(SignedIn {
        user,
        grants,
        session,
    }))
}

/// The object of the URL: `{code}` a unit, `{id}` a user.
fn object(params: &RawPathParams) -> Result<Object, WebError> {
    for (k, v) in params {
        match k {
            "code" => return Ok(Object::Unit(v.to_string())),
            "id" => return v.parse().map(Object::User).map_err(|_| WebError::NotFound),
            _ => {}
        }
    }
    Ok(Object::None)
}

/// A state-changing request must come from a page of this site: its `Origin` (or, when a browser sends
/// none, its `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> Result<(), WebError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or(WebError::Csrf)?;
    let ours = |url: &str| {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        rest.is_some_and(|r| r == host || r.strip_prefix(host).is_some_and(|p| p.starts_with('/')))
    };
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    match from {
        Some(url) if ours(url) => Ok(()),
        _ => Err(WebError::Csrf),
    }
}

/// Whether a request's body is `multipart/form-data` (an upload).
pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// The largest body of a request: an upload's file plus room for its other fields, or a form's.
pub(crate) fn body_limit(headers: &HeaderMap, config: &crate::Config) -> usize {
    if is_multipart(headers) {
        config.upload_limit.saturating_add(config.body_limit)
    } else {
        config.body_limit
    }
}

/// Reads the body (within the limit of its kind: [`body_limit`]), compares its `_csrf` field with
/// the session's token in constant time, and gives the request back with the same body for the
/// handler. A body declared or found larger than the limit is refused with 413 as soon as that is
/// known: before reading it when `Content-Length` says so, else when the bytes read pass the limit
/// (nothing more is buffered). The field is looked for in a urlencoded form, or among the parts of a
/// `multipart/form-data` body (an upload), whose other parts are skipped.
async fn check_csrf(
    req: Request,
    expected: &str,
    config: &crate::Config,
) -> Result<Request, WebError> {
    let limit = body_limit(req.headers(), config);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(WebError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| WebError::TooLarge)?;
    let sent = if is_multipart(&parts.headers) {
        multipart_field(&parts.headers, bytes.clone(), CSRF_FIELD)
            .await
            .unwrap_or_default()
            .into_bytes()
    } else {
        bytes
            .split(|b| *b == b'&')
            .find_map(|kv| kv.strip_prefix(CSRF_FIELD.as_bytes())?.strip_prefix(b"="))
            .unwrap_or_default()
            .to_vec()
    };
    if sent.is_empty() || !bool::from(sent.as_slice().ct_eq(expected.as_bytes())) {
        return Err(WebError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The text of the first part named `name` of a `multipart/form-data` body, if it has one (a broken
/// body has none: the CSRF check then refuses it).
async fn multipart_field(headers: &HeaderMap, body: bytes::Bytes, name: &str) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(ct).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}
