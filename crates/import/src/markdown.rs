//! Markdown / pipe tables: `| TT | Đơn vị | … |` lines, as wikis, chat and newspapers' data desks paste them.
//!
//! Each run of lines starting with `|` is a grid; the `|---|` separator line is skipped; other lines
//! are paragraphs, with heading marks (`#`, `>`) removed. Markdown has one header row only, so a
//! two-row header is written as the header row plus a first body row with blank TT and unit cells —
//! the builder reads both as header rows, exactly as in Word text. A header flattened the other common
//! way, `Điểm: Cơ sở hạ tầng thông tin` (the merged group, a colon, the column), is unfolded into the same
//! two header rows, so the group and the column come back apart.

use egov_core::table::Pos;
use egov_core::text::is_blank;

use crate::source::{Item, SrcCell, SrcRow};

/// Splits Markdown into paragraphs and pipe-table grids, keeping each cell's line and column.
pub(crate) fn read(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut grid: Vec<SrcRow> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim_start().starts_with('|') {
            let cells = split_row(line, n);
            let separator = !cells.is_empty()
                && cells.iter().all(|c| {
                    let t = c.raw.trim_matches(':');
                    !t.is_empty() && t.bytes().all(|b| b == b'-')
                });
            if !separator {
                let pos = cells.first().map_or(Pos::line(n, 1), |c| c.pos.clone());
                if grid.is_empty() {
                    grid.extend(unfold_header(SrcRow { cells, pos }));
                } else {
                    grid.push(SrcRow { cells, pos });
                }
            }
            continue;
        }
        if !grid.is_empty() {
            items.push(Item::Grid(std::mem::take(&mut grid)));
        }
        if !is_blank(line) {
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
    items
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
/// blank cells) and loses only the ASCII padding and `**`/`__` emphasis around it.
fn split_row(line: &str, n: u32) -> Vec<SrcCell> {
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
                bounds.push((seg_start, at));
                seg_start = at + 1;
            }
            _ => escaped = false,
        }
    }
    let tail = &line[seg_start..];
    if !tail.trim_matches([' ', '\t']).is_empty() {
        bounds.push((seg_start, line.len()));
    }
    for (a, b) in bounds {
        let seg = &line[a..b];
        let lead = seg.len() - seg.trim_start_matches([' ', '\t']).len();
        let mut raw = seg.trim_matches([' ', '\t']);
        for mark in ["**", "__"] {
            if raw.len() >= 4 && raw.starts_with(mark) && raw.ends_with(mark) {
                raw = &raw[2..raw.len() - 2];
            }
        }
        let column = u32::try_from(line[..a + lead].chars().count() + 1).unwrap_or(u32::MAX);
        cells.push(SrcCell {
            typed: false,
            raw: unescape(raw),
            pos: Pos::line(n, column),
        });
    }
    cells
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
        );
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
