//! One unit's self-assessment: the form generated from the edition, drafts with live points, the entry
//! workbook, evidence, and the head's submission.
//! SKELETON: handlers to be written (issue #10); every one answers 404 until then.

use super::Page;
use crate::WebError;

pub async fn form() -> Page {
    Err(WebError::NotFound)
}
pub async fn save() -> Page {
    Err(WebError::NotFound)
}
pub async fn workbook() -> Page {
    Err(WebError::NotFound)
}
pub async fn workbook_upload() -> Page {
    Err(WebError::NotFound)
}
pub async fn evidence_add() -> Page {
    Err(WebError::NotFound)
}
pub async fn evidence_file() -> Page {
    Err(WebError::NotFound)
}
pub async fn evidence_remove() -> Page {
    Err(WebError::NotFound)
}
pub async fn submit() -> Page {
    Err(WebError::NotFound)
}
