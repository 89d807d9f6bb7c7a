//! One table as CSV (comma, semicolon or tab separated), as offices export from Excel.
//!
//! The whole file is one grid; the builder finds the header and title rows in it. Positions are
//! `line:field` (the 1-based field number stands in the column place), since a CSV field has no
//! stable character column once quoting is involved.

use egov_core::table::Pos;

use crate::ImportError;
use crate::source::{Item, SrcCell, SrcRow};

/// Reads a CSV text into one grid.
pub(crate) fn read(name: &str, text: &str) -> Result<Vec<Item>, ImportError> {
    // Title lines above the table have no separators: judge by the first lines together.
    let head: String = text.lines().take(20).collect();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| head.bytes().filter(|b| b == d).count())
        .filter(|d| head.as_bytes().contains(d))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Csv {
            file: name.to_string(),
            line: e
                .position()
                .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX)),
            message: e.to_string(),
        })?;
        let line = record
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let cells: Vec<SrcCell> = record
            .iter()
            .enumerate()
            .map(|(i, f)| SrcCell {
                typed: false,
                raw: f.to_string(),
                pos: Pos::line(line, u32::try_from(i + 1).unwrap_or(u32::MAX)),
            })
            .collect();
        rows.push(SrcRow {
            cells,
            pos: Pos::line(line, 1),
        });
    }
    Ok(vec![Item::Grid(rows)])
}
