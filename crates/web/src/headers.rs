//! The security headers of every response, set by one layer around the whole router (so the 404 of an
//! unknown path, a 405 and every error carry them too). No page needs a script, a frame or anything
//! from another origin, so the policy allows only this origin and nothing embeds the pages.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// Each header and its value.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    // The Referer still goes to this origin: the CSRF check falls back on it when Origin is missing.
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

pub async fn add(mut res: Response) -> Response {
    let h = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    // Pages show who is signed in and their units: never kept by a shared cache or the browser's.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
