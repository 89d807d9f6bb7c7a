//! Markdown / pipe tables: `| TT | Đơn vị | … |` lines, as wikis, chat and newspapers' data desks paste them.
//!
//! Each run of lines starting with `|` is a grid (blank lines between its rows, as pages copied from the
//! web have them, and stray lines of bars do not break it); the `|---|` separator line is skipped; other
//! lines are paragraphs, with heading marks (`#`, `>`) removed. Markdown has one header row only, so a
//! two-row header is written as the header row plus a first body row with blank TT and unit cells —
//! the builder reads both as header rows, exactly as in Word text. A header flattened the other common
//! way, `Điểm: Cơ sở hạ tầng thông tin` (the merged group, a colon, the column), is unfolded into the same
//! two header rows, so the group and the column come back apart.

use egov_core::table::Pos;
use egov_core::text::is_blank;

use crate::budget::{Budget, BudgetError};
use crate::source::{Item, SrcCell, SrcRow, lines};

/// Splits Markdown into paragraphs and pipe-table grids, keeping each cell's line and column; every
/// cell and line is charged to `budget`.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Result<Vec<Item>, BudgetError> {
    let mut items = Vec::new();
    let mut grid: Vec<SrcRow> = Vec::new();
    // Whether a row of the open grid has text yet (a flag, not a look back: linear in the rows).
    let mut has_text = false;
    for (n, line) in lines(text) {
        budget.charge_text(line.len() as u64, || Pos::line(n, 1))?;
        if line.trim_start().starts_with('|') {
            let cells = split_row(line, n, budget)?;
            let separator = !cells.is_empty()
                && cells.iter().all(|c| {
                    let t = c.raw.trim_matches(':');
                    !t.is_empty() && t.bytes().all(|b| b == b'-')
                });
            if !separator {
                let pos = cells.first().map_or(Pos::line(n, 1), |c| c.pos.clone());
                // The first row with text is the header (a lone `|` before it is a stray line).
                if !has_text {
                    has_text = cells.iter().any(|c| !is_blank(&c.raw));
                    grid.extend(unfold_header(SrcRow { cells, pos }));
                } else {
                    grid.push(SrcRow { cells, pos });
                }
            }
            continue;
        }
        // Blank lines do not end a pipe table: pages copied from the web put one between rows.
        if is_blank(line) {
            continue;
        }
        if !grid.is_empty() {
            items.push(Item::Grid(std::mem::take(&mut grid)));
        }
        has_text = false;
        {
            let raw = line
                .trim_start()
                .trim_start_matches(['#', '>'])
                .trim_start();
            items.push(Item::Text {
                raw: unescape(raw),
                pos: Pos::line(n, 1),
            });
        }
    }
    if !grid.is_empty() {
        items.push(Item::Grid(grid));
    }
    Ok(items)
}

/// A header row whose cells read `Group: column` becomes two rows: the groups (cells without a colon
/// keep their text, as merged headers do in Word) and the columns (blank under those cells).
fn unfold_header(row: SrcRow) -> Vec<SrcRow> {
    let split: Vec<Option<(String, String)>> = row
        .cells
        .iter()
        .map(|c| {
            let (group, column) = c.raw.split_once(": ")?;
            let (group, column) = (group.trim(), column.trim());
            (!group.is_empty() && !column.is_empty() && group.chars().count() <= 40)
                .then(|| (group.to_string(), column.to_string()))
        })
        .collect();
    if split.iter().all(Option::is_none) {
        return vec![row];
    }
    let mut top = row.clone();
    let mut bottom = row;
    for ((t, b), sp) in top
        .cells
        .iter_mut()
        .zip(bottom.cells.iter_mut())
        .zip(&split)
    {
        match sp {
            Some((group, column)) => {
                t.raw = group.clone();
                b.raw = column.clone();
            }
            None => b.raw = String::new(),
        }
    }
    vec![top, bottom]
}

/// Cells of one `| a | b |` line; `\|` is a literal bar. Cell text keeps non-breaking spaces (they mark
/// blank cells) and loses only the ASCII padding and `**`/`__` emphasis around it. One pass over the
/// line: the character column of each cell is counted on from the previous one (a line of bars is a
/// cell per byte, and counting each column from the line's start would be quadratic).
fn split_row(line: &str, n: u32, budget: &mut Budget) -> Result<Vec<SrcCell>, BudgetError> {
    let start = line.find('|').map_or(0, |i| i + 1);
    let mut cells = Vec::new();
    let mut seg_start = start;
    let mut escaped = false;
    let mut bounds = Vec::new();
    for (i, ch) in line[start..].char_indices() {
        let at = start + i;
        match ch {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => {
                budget.charge_cells(1, || Pos::line(n, col_at(line, at)))?;
                bounds.push((seg_start, at));
                seg_start = at + 1;
            }
            _ => escaped = false,
        }
    }
    budget.scan(line.len() as u64);
    let tail = &line[seg_start..];
    if !tail.trim_matches([' ', '\t']).is_empty() {
        budget.charge_cells(1, || Pos::line(n, col_at(line, seg_start)))?;
        bounds.push((seg_start, line.len()));
    }
    // (byte, character column) of the last cell start counted.
    let mut counted = (0usize, 1u32);
    for (a, b) in bounds {
        let seg = &line[a..b];
        let lead = seg.len() - seg.trim_start_matches([' ', '\t']).len();
        let mut raw = seg.trim_matches([' ', '\t']);
        for mark in ["**", "__"] {
            if raw.len() >= 4 && raw.starts_with(mark) && raw.ends_with(mark) {
                raw = &raw[2..raw.len() - 2];
            }
        }
        let to = a + lead;
        let skipped = &line[counted.0..to];
        budget.scan(skipped.len() as u64);
        let column = counted
            .1
            .saturating_add(u32::try_from(skipped.chars().count()).unwrap_or(u32::MAX));
        counted = (to, column);
        cells.push(SrcCell {
            typed: false,
            raw: unescape(raw),
            pos: Pos::line(n, column),
        });
    }
    Ok(cells)
}

/// The 1-based character column of a byte offset of a line (only for a refusal's message).
fn col_at(line: &str, byte: usize) -> u32 {
    u32::try_from(line[..byte].chars().count() + 1).unwrap_or(u32::MAX)
}

/// The few escapes Markdown writers use inside cells.
fn unescape(s: &str) -> String {
    s.replace("\\|", "|")
        .replace("<br>", " ")
        .replace("<br/>", " ")
        .replace("&nbsp;", "\u{a0}")
        .replace("&#124;", "|")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_separator_and_headings() {
        let items = read(
            "## Bảng 1\n| TT | Đơn vị |\n|---|:--:|\n| 1 | **Sở A \\| B** |\n|\u{a0}| x |\ntext",
            &mut Budget::default(),
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            Item::Text {
                raw: "Bảng 1".into(),
                pos: Pos::line(1, 1)
            }
        );
        let Item::Grid(rows) = &items[1] else {
            panic!("a grid")
        };
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells[1].raw, "Sở A | B");
        assert_eq!(rows[1].cells[1].pos, Pos::line(4, 7));
        assert_eq!(rows[2].cells[0].raw, "\u{a0}");
    }
}
