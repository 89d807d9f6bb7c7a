//! Excel workbooks (XLSX): each sheet is a grid, its single-cell rows are its headings.
//!
//! Read through [`crate::package::Workbook`], which streams each sheet cell by cell within
//! [`Limits::TABLES`] (a crafted file naming cell XFD1048576 is refused at that cell, not allocated).
//! Every sheet starts a [`Item::Section`], so a table takes its title from the heading rows of its own
//! sheet (or the sheet name). A row with content is read across the sheet's whole used width, blanks
//! included, as calamine's dense range gave it; a run of empty rows becomes one empty row (the builder
//! only needs to see that rows are separated), so a stray cell far below a table costs nothing, and the
//! grids of a workbook hold at most [`MAX_GRID_CELLS`] cells. Merged cells keep their value in the
//! top-left cell and leave the others blank, which the builder reads as merged groups. Numbers stored
//! as numbers lose their printed scale in Excel ("27,0" is stored as 27); they are written here in the
//! shortest form Excel would show (15 significant digits), while numbers stored as text keep theirs.

use std::str::FromStr;
use std::sync::Arc;

use calamine::Data;
use egov_core::table::Pos;
use rust_decimal::Decimal;

use crate::ImportError;
use crate::budget::{Budget, Resource};
use crate::package::{Limits, PackageError, Workbook, a1, shown_name};
use crate::source::{Item, SrcCell, SrcRow};

/// Reads every sheet of a workbook into grids, keeping `Sheet!B7` positions; the cells laid out and
/// their text are charged to `budget`.
pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    budget: &mut Budget,
) -> Result<Vec<Item>, ImportError> {
    let err = |e: PackageError| ImportError::from_package(name, e);
    let mut book =
        Workbook::open_within(bytes, Limits::TABLES, std::mem::take(budget)).map_err(err)?;
    let items = sheets(&mut book).map_err(err);
    *budget = book.into_budget();
    items
}

fn sheets(book: &mut Workbook<'_>) -> Result<Vec<Item>, PackageError> {
    let mut items = Vec::new();
    for sheet_name in book.sheet_names() {
        let sheet = book.sheet(&sheet_name)?;
        // One name for every position of the sheet, cut to what Excel allows if a crafted workbook
        // names a sheet with more (the name is shown in every message about the sheet).
        let place: Arc<str> = shown_name(&sheet_name).into();
        items.push(Item::Section {
            name: place.to_string(),
        });
        let Some(((r0, c0), (_, c1))) = sheet.bounds() else {
            continue;
        };
        let width = (c1 - c0) as usize + 1;
        let mut rows: Vec<SrcRow> = Vec::new();
        let mut cells = sheet.cells().peekable();
        let mut next_row = r0;
        while let Some(&((r, _), _)) = cells.peek() {
            if r > next_row {
                // The empty rows in between, as one row without cells.
                rows.push(SrcRow {
                    pos: Pos::sheet(&place, next_row, c0),
                    cells: Vec::new(),
                });
            }
            // Charged before the row is laid out; crossing the cells limit here is the grid's own error,
            // which says what to delete.
            if let Err(e) = book
                .budget_mut()
                .charge_cells(width as u64, || Pos::sheet(&place, r, c1))
            {
                return Err(match e.resource {
                    Resource::Cells => PackageError::GridTooLarge {
                        sheet: place.to_string(),
                        cell: a1(r, c1),
                        max: usize::try_from(e.max).unwrap_or(usize::MAX),
                    },
                    _ => PackageError::Budget(e),
                });
            }
            let mut row: Vec<SrcCell> = (c0..=c1)
                .map(|c| SrcCell {
                    typed: false,
                    raw: String::new(),
                    pos: Pos::sheet(&place, r, c),
                })
                .collect();
            while let Some(((_, c), d)) = cells.next_if(|((rr, _), _)| *rr == r) {
                let cell = &mut row[(c - c0) as usize];
                cell.raw = text(d);
                cell.typed = matches!(d, Data::Int(_) | Data::Float(_));
            }
            rows.push(SrcRow {
                pos: Pos::sheet(&place, r, c0),
                cells: row,
            });
            next_row = r + 1;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(text(&Data::Float(74.4)), "74.4");
        assert_eq!(text(&Data::Float(69.63000000000001)), "69.63");
        assert_eq!(text(&Data::Float(27.0)), "27");
    }
}
