//! The web layer's one error type and the one place it becomes an HTTP response. The response says only
//! what kind of failure it was (in both languages: the error may come before the language is known);
//! the details (a store error, a template error) go to the server's log, never to the browser.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use egov_store::StoreError;

/// Where a request that needs a session is sent (the query tells it apart from a logout's redirect).
pub const SIGN_IN: &str = "/login?required";

/// Why a request was not served.
#[derive(Debug)]
pub enum WebError {
    /// No valid session where one is needed: sent to the login page.
    SignIn,
    /// Signed in, but the role grants do not allow this action on this object.
    Forbidden,
    /// A state-changing request without the session's CSRF token, or from another origin.
    Csrf,
    NotFound,
    /// A form the handler cannot use; the message is the user's to read (no internal detail).
    BadRequest(String),
    /// Someone else changed the object since this form was read (optimistic versions): 409, never a
    /// lost update; the message says what to do.
    Conflict(String),
    /// Too many failed logins for one login name.
    Throttled,
    /// The body exceeds `Config::body_limit`.
    TooLarge,
    /// Anything else; logged, shown as 500.
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            StoreError::Invalid(m) => WebError::BadRequest(m),
            e @ StoreError::Duplicate { .. } => WebError::BadRequest(e.to_string()),
            e @ StoreError::Conflict { .. } => WebError::Conflict(e.to_string()),
            e => WebError::Internal(format!("store: {e}")),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> WebError {
        WebError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, vi, en) = match &self {
            WebError::SignIn => {
                return (StatusCode::SEE_OTHER, [(header::LOCATION, SIGN_IN)]).into_response();
            }
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Bạn không có quyền truy cập trang này.",
                "You may not open this page.",
            ),
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "Yêu cầu bị từ chối: biểu mẫu đã cũ hoặc không đến từ trang này. Hãy tải lại trang.",
                "Request refused: the form is stale or did not come from this site. Reload the page.",
            ),
            WebError::NotFound => (StatusCode::NOT_FOUND, "Không tìm thấy.", "Not found."),
            WebError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "Dữ liệu gửi lên không hợp lệ.",
                "The submitted data is not valid.",
            ),
            WebError::Conflict(_) => (
                StatusCode::CONFLICT,
                "Dữ liệu này vừa được người khác thay đổi; thay đổi của bạn chưa được lưu. Hãy tải lại trang, xem thay đổi mới rồi làm lại.",
                "Someone else has just changed this; your change was not saved. Reload the page, look at their change and try again.",
            ),
            WebError::Throttled => (
                StatusCode::TOO_MANY_REQUESTS,
                "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút.",
                "Too many failed logins; try again in 15 minutes.",
            ),
            WebError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Dữ liệu gửi lên quá lớn.",
                "The request is too large.",
            ),
            WebError::Internal(detail) => {
                eprintln!("egov serve: internal error: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi máy chủ; đã được ghi lại.",
                    "Server error; it has been logged.",
                )
            }
        };
        let detail = match &self {
            WebError::BadRequest(m) | WebError::Conflict(m) => {
                format!("<p>{}</p>", crate::text::escape(m))
            }
            _ => String::new(),
        };
        let body = format!(
            "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{code}</title>\
             <link rel=\"stylesheet\" href=\"/style.css\"></head><body><main><h1>{code}</h1>\
             <p>{vi}</p><p lang=\"en\">{en}</p>{detail}<p><a href=\"/\">egov</a></p></main></body></html>",
            code = status.as_u16()
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}
