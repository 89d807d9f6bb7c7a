//! Editions, holidays, cycles (opening with a deadline in working days), the submission board, deadline
//! extensions and cycle state changes: the admin's side of the cycle.
//! SKELETON: handlers to be written (issue #10); every one answers 404 until then.

use super::Page;
use crate::WebError;

pub async fn editions() -> Page {
    Err(WebError::NotFound)
}
pub async fn edition_upload() -> Page {
    Err(WebError::NotFound)
}
pub async fn holidays() -> Page {
    Err(WebError::NotFound)
}
pub async fn holiday_add() -> Page {
    Err(WebError::NotFound)
}
pub async fn cycles() -> Page {
    Err(WebError::NotFound)
}
pub async fn cycle_new() -> Page {
    Err(WebError::NotFound)
}
pub async fn cycle_create() -> Page {
    Err(WebError::NotFound)
}
pub async fn board() -> Page {
    Err(WebError::NotFound)
}
pub async fn cycle_state() -> Page {
    Err(WebError::NotFound)
}
pub async fn extend() -> Page {
    Err(WebError::NotFound)
}
