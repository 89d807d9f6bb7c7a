//! The annex as JSON: exactly the `annex` contract of design.md (`Annex::to_json`), indented or compact.
//!
//! The shape is owned by egov-core; this module only serialises it, so the CLI's `--format json` and the
//! exported file can never drift apart. Numbers stay exact decimals (serde_json's arbitrary precision).

use std::io::Write;

use egov_core::table::{Annex, Table};

use crate::ExportError;

/// The annex JSON, indented unless `compact`, with a final newline.
pub fn render(annex: &Annex, compact: bool) -> Result<Vec<u8>, ExportError> {
    // Sized once from the table shapes: a province's annex is megabytes, and growing the buffer by
    // doubling would copy it several times over.
    let rows: usize = annex.tables.iter().map(|t| t.rows.len()).sum();
    let per_row = if compact { 256 } else { 512 };
    let mut out = Vec::with_capacity(8192 + rows * per_row);
    write(annex, compact, &mut out)?;
    Ok(out)
}

/// [`render`]'s bytes written to `w` as they are made, for a caller that sends them to a file or a pipe:
/// the compact JSON table by table ([`Annex::write_json_compact`]), so a province's annex (70 MB at
/// 100,000 units) is never in memory whole. `w` should be buffered: the indented JSON is written in
/// small pieces.
pub fn write(annex: &Annex, compact: bool, w: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
    if compact {
        annex.write_json_compact(w)?;
    } else {
        serde_json::to_writer_pretty(&mut *w, annex)?;
    }
    w.write_all(b"\n")
}

/// [`write`]'s compact bytes for an annex whose tables come one at a time: `head` is the annex without
/// its tables (`egov_core::annex::head`), `tables` its tables in order, each written as soon as it
/// comes — so that the disk is writing the first table while the next are made
/// (`egov_core::annex::build_each`). The same bytes as [`render`] of the whole annex, compact. Returns
/// the tables once written.
pub fn write_compact_as_made(
    head: &Annex,
    tables: impl IntoIterator<Item = Table, IntoIter: Send>,
    w: &mut (impl Write + ?Sized),
) -> std::io::Result<Vec<Table>> {
    let tables = head.write_json_compact_with(tables, w)?;
    w.write_all(b"\n")?;
    Ok(tables)
}
