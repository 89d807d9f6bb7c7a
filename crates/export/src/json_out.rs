//! The annex as JSON: exactly the `annex` contract of design.md (`Annex::to_json`), indented or compact.
//!
//! The shape is owned by egov-core; this module only serialises it, so the CLI's `--format json` and the
//! exported file can never drift apart. Numbers stay exact decimals (serde_json's arbitrary precision).

use egov_core::table::Annex;

use crate::ExportError;

/// The annex JSON, indented unless `compact`, with a final newline.
pub fn render(annex: &Annex, compact: bool) -> Result<Vec<u8>, ExportError> {
    let mut out = if compact {
        annex.to_json_compact()?
    } else {
        // Sized once from the table shapes: a province's annex is megabytes, and growing the buffer by
        // doubling would copy it several times over.
        let rows: usize = annex.tables.iter().map(|t| t.rows.len()).sum();
        let mut out = Vec::with_capacity(8192 + rows * 512);
        serde_json::to_writer_pretty(&mut out, annex)?;
        out
    };
    out.push(b'\n');
    Ok(out)
}
