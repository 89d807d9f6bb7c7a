//! Verification (the reviewer's queue and decisions), the explanation round, and the council.
//! SKELETON: handlers to be written (issue #10); every one answers 404 until then.

use super::Page;
use crate::WebError;

pub async fn queue() -> Page {
    Err(WebError::NotFound)
}
pub async fn unit_review() -> Page {
    Err(WebError::NotFound)
}
pub async fn verify() -> Page {
    Err(WebError::NotFound)
}
pub async fn return_submission() -> Page {
    Err(WebError::NotFound)
}
pub async fn explain() -> Page {
    Err(WebError::NotFound)
}
pub async fn council() -> Page {
    Err(WebError::NotFound)
}
pub async fn council_decide() -> Page {
    Err(WebError::NotFound)
}
