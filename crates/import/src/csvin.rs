//! One table as CSV (comma, semicolon or tab separated), as offices export from Excel.
//!
//! The whole file is one grid; the builder finds the header and title rows in it. Positions are
//! `line:field` (the 1-based field number stands in the column place), since a CSV field has no
//! stable character column once quoting is involved.

use egov_core::table::Pos;

use std::borrow::Cow;

use crate::ImportError;
use crate::budget::Budget;
use crate::source::{Item, SrcCell, SrcRow, lines};

/// Reads a CSV text into one grid; every field is charged to `budget`.
pub(crate) fn read(name: &str, text: &str, budget: &mut Budget) -> Result<Vec<Item>, ImportError> {
    // Lines ending in a lone carriage return (old Mac files) are lines: the csv crate splits records
    // there too, but counts lines only at `\n`, so positions would all say line 1.
    let text: Cow<'_, str> = if has_lone_cr(text) {
        budget.scan(text.len() as u64);
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let text = &*text;
    // Title lines above the table have no separators: judge by the first lines together.
    let head: String = lines(text).take(20).map(|(_, l)| l).collect();
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
        let over = |e| ImportError::over_budget(name, e);
        let field_pos = |k: usize| Pos::line(line, u32::try_from(k).unwrap_or(u32::MAX));
        budget
            .charge_cells(record.len() as u64, || field_pos(record.len()))
            .map_err(over)?;
        budget
            .charge_text(record.as_slice().len() as u64, || field_pos(1))
            .map_err(over)?;
        let cells: Vec<SrcCell> = record
            .iter()
            .enumerate()
            .map(|(i, f)| SrcCell {
                typed: false,
                raw: f.to_string(),
                pos: field_pos(i + 1),
            })
            .collect();
        rows.push(SrcRow {
            cells,
            pos: Pos::line(line, 1),
        });
    }
    Ok(vec![Item::Grid(rows)])
}

/// Whether a text has a carriage return not followed by a line feed.
fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}
