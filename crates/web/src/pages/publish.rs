//! Publication (an immutable snapshot and its annex files, corrections as new versions), the public
//! results pages, and in-app notices.
//! SKELETON: handlers to be written (issue #10); every one answers 404 until then.

use super::Page;
use crate::WebError;

pub async fn publish() -> Page {
    Err(WebError::NotFound)
}
pub async fn results() -> Page {
    Err(WebError::NotFound)
}
pub async fn result() -> Page {
    Err(WebError::NotFound)
}
pub async fn file() -> Page {
    Err(WebError::NotFound)
}
pub async fn notices() -> Page {
    Err(WebError::NotFound)
}
pub async fn notice_read() -> Page {
    Err(WebError::NotFound)
}
