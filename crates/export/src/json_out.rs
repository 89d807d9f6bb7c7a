//! The annex as JSON: exactly the `annex` contract of design.md (`Annex::to_json`), pretty-printed.
//!
//! The shape is owned by egov-core; this module only serialises it, so the CLI's `--format json` and the
//! exported file can never drift apart. Numbers stay exact decimals (serde_json's arbitrary precision).

use egov_core::table::Annex;

use crate::ExportError;

/// The annex JSON, pretty-printed, with a final newline.
pub fn render(annex: &Annex) -> Result<Vec<u8>, ExportError> {
    let mut out = serde_json::to_vec_pretty(annex)?;
    out.push(b'\n');
    Ok(out)
}
