//! Excel workbooks (XLSX): each sheet is a grid, its single-cell rows are its headings.
//!
//! Read with calamine. Every sheet starts a [`Item::Section`], so a table takes its title from the
//! heading rows of its own sheet (or the sheet name). Merged cells keep their value in the top-left
//! cell and leave the others blank, which the builder reads as merged groups. Numbers stored as
//! numbers lose their printed scale in Excel ("27,0" is stored as 27); they are written here in the
//! shortest form Excel would show (15 significant digits), while numbers stored as text keep theirs.

use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use egov_core::table::Pos;
use rust_decimal::Decimal;

use crate::ImportError;
use crate::source::{Item, SrcCell, SrcRow};

/// Reads every sheet of a workbook into grids, keeping `Sheet!B7` positions.
pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    let err = |sheet: &str, e: calamine::XlsxError| ImportError::Spreadsheet {
        file: name.to_string(),
        sheet: sheet.to_string(),
        message: e.to_string(),
    };
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| err("", e))?;
    let mut items = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(|e| err(&sheet, e))?;
        items.push(Item::Section {
            name: sheet.clone(),
        });
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let rows = range
            .rows()
            .enumerate()
            .map(|(ri, row)| {
                let r = r0 as usize + ri;
                let cells: Vec<SrcCell> = row
                    .iter()
                    .enumerate()
                    .map(|(ci, d)| SrcCell {
                        raw: text(d),
                        pos: Pos::cell(&sheet, &a1(r, c0 as usize + ci)),
                    })
                    .collect();
                SrcRow {
                    pos: Pos::cell(&sheet, &a1(r, c0 as usize)),
                    cells,
                }
            })
            .collect();
        items.push(Item::Grid(rows));
    }
    Ok(items)
}

/// A cell's text as Excel would show it without formatting.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => Decimal::from_str(&f.to_string())
            .ok()
            .and_then(|d| d.round_sf(15))
            .map_or_else(|| f.to_string(), |d| d.normalize().to_string()),
        other => other.to_string(),
    }
}

/// `A1` reference of a 0-based row and column.
pub(crate) fn a1(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + u8::try_from(rem).unwrap_or(0));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_numbers() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 1), "B7");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(text(&Data::Float(74.4)), "74.4");
        assert_eq!(text(&Data::Float(69.63000000000001)), "69.63");
        assert_eq!(text(&Data::Float(27.0)), "27");
    }
}
