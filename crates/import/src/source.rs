//! The layout every reader produces: a stream of text lines and cell grids, before any meaning is given.
//!
//! Each format reader (Word text, Markdown, HTML, DOCX, XLSX, CSV) only has to turn its bytes into this
//! stream, keeping every cell's raw text and source position; [`crate::build`] then finds headers,
//! blocks, ranks and totals once for all formats. Grids are in the shape Word's "save as text" gives:
//! a horizontally merged cell appears once, a vertically merged continuation appears as a blank cell.
//! Keeping one shape is what lets a table read from DOCX, HTML or a spreadsheet come out identical to
//! the same table read from text.

use egov_core::table::Pos;
use egov_core::text::is_nfc;

use crate::budget::Budget;

/// One cell as it stood in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SrcCell {
    /// Text exactly as in the source, without the format's own markup (not normalised).
    pub raw: String,
    pub pos: Pos,
    /// The value came typed from a spreadsheet (a number cell): `raw` is its value, not what a reader
    /// saw printed (the number format is not known), so precision checks must not read it.
    pub typed: bool,
}

/// One row of cells, with the position where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SrcRow {
    pub cells: Vec<SrcCell>,
    pub pos: Pos,
}

/// One piece of a document in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A paragraph or heading outside any table (raw text).
    Text { raw: String, pos: Pos },
    /// Rows of a table-like grid; it may hold no table at all (a signature block) or several.
    Grid(Vec<SrcRow>),
    /// A new sheet begins: headings of earlier sheets no longer title its tables; `name` is the
    /// fallback title when the sheet has no heading row of its own.
    Section { name: String },
}

/// Position convention for sources without lines (DOCX and HTML tables): `line` is the 1-based row
/// and `column` the 1-based cell within the table, and `cell` reads "bảng 2, hàng 5, ô 3" so that a
/// message shows the officer where to look.
pub(crate) fn table_pos(table: usize, row: usize, cell: usize) -> Pos {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Pos::table(n(table), n(row), n(cell))
}

/// The paragraphs and cells whose raw text is not in NFC, with their places (see
/// [`crate::Imported::not_nfc`]).
pub(crate) fn not_nfc(items: &[Item], budget: &mut Budget) -> Vec<(Pos, String)> {
    let mut out = Vec::new();
    let mut check = |raw: &String, pos: &Pos| {
        budget.scan(raw.len() as u64);
        if !is_nfc(raw) {
            out.push((pos.clone(), raw.clone()));
        }
    };
    for item in items {
        match item {
            Item::Text { raw, pos } => check(raw, pos),
            Item::Grid(rows) => rows
                .iter()
                .flat_map(|r| &r.cells)
                .for_each(|c| check(&c.raw, &c.pos)),
            Item::Section { .. } => {}
        }
    }
    out
}

/// What a document's items hold, counted before any table is built ([`crate::Seen`]).
pub(crate) fn seen(items: &[Item]) -> crate::Seen {
    let mut seen = crate::Seen::default();
    for item in items {
        match item {
            Item::Text { raw, .. } if !egov_core::text::is_blank(raw) => seen.paragraphs += 1,
            Item::Grid(rows) => {
                seen.grids += 1;
                seen.grid_rows += rows.len();
            }
            _ => {}
        }
    }
    seen
}

/// The lines of a text with their 1-based numbers. A line ends at `\n`, `\r\n` or a lone `\r`: text
/// saved on an old Mac, or pasted through some mail clients, has only carriage returns, and a reader
/// must see its lines as lines. One pass, no copy.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let mut rest = Some(text);
    let mut n: u32 = 0;
    std::iter::from_fn(move || {
        let t = rest?;
        n = n.saturating_add(1);
        match t.find(['\n', '\r']) {
            None => {
                rest = None;
                Some((n, t))
            }
            Some(i) => {
                let next = if t[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                rest = Some(&t[next..]);
                Some((n, &t[..i]))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_any_break() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(got, [(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]);
        assert_eq!(lines("").collect::<Vec<_>>(), [(1, "")]);
        assert_eq!(lines("x\n").collect::<Vec<_>>(), [(1, "x"), (2, "")]);
    }
}
