//! Text saved from Word: one table cell per line behind a tab, rows separated by blank lines.
//!
//! This is how the seed decision reached us, and how most published decisions can be turned into text
//! without tools. A line starting with a tab is a cell, a blank line ends a row, any other line is a
//! paragraph (a heading, a title, a note) and ends the grid. Numbered lines such as
//! "1. Sở Y tế – 74,4" in runs of two or more are the ranked lists newspapers print; they become a
//! three-column grid (Hạng, Đơn vị, Điểm) so the shared builder reads them like any table.

use egov_core::num::parse_decimal;
use egov_core::table::Pos;
use egov_core::text::is_blank;

use crate::budget::{Budget, BudgetError};
use crate::source::{Item, SrcCell, SrcRow, lines};

/// Splits Word text into paragraphs and grids, keeping each cell's line and column; every cell and
/// line is charged to `budget`.
pub(crate) fn read(text: &str, budget: &mut Budget) -> Result<Vec<Item>, BudgetError> {
    let mut r = Reader::default();
    for (n, line) in lines(text) {
        budget.charge_text(line.len() as u64, || Pos::line(n, 1))?;
        if line.starts_with('\t') {
            r.flush_list();
            let tabs = line.len() - line.trim_start_matches('\t').len();
            let col = u32::try_from(tabs + 1).unwrap_or(u32::MAX);
            budget.charge_cells(1, || Pos::line(n, col))?;
            r.row.push(SrcCell {
                typed: false,
                raw: line[tabs..].to_string(),
                pos: Pos::line(n, col),
            });
        } else if is_blank(line) {
            r.end_row();
        } else {
            r.end_grid();
            match list_item(line, n) {
                Some(row) => {
                    budget.charge_cells(3, || Pos::line(n, 1))?;
                    r.list.push((row, line.to_string(), n));
                }
                None => {
                    r.flush_list();
                    r.items.push(Item::Text {
                        raw: line.to_string(),
                        pos: Pos::line(n, 1),
                    });
                }
            }
        }
    }
    r.end_grid();
    r.flush_list();
    Ok(r.items)
}

#[derive(Default)]
struct Reader {
    items: Vec<Item>,
    grid: Vec<SrcRow>,
    row: Vec<SrcCell>,
    /// Pending ranked-list lines: the row, the line as written and its number.
    list: Vec<(SrcRow, String, u32)>,
}

impl Reader {
    fn end_row(&mut self) {
        if !self.row.is_empty() {
            let cells = std::mem::take(&mut self.row);
            let pos = cells[0].pos.clone();
            self.grid.push(SrcRow { cells, pos });
        }
    }

    fn end_grid(&mut self) {
        self.end_row();
        if !self.grid.is_empty() {
            self.items.push(Item::Grid(std::mem::take(&mut self.grid)));
        }
    }

    fn flush_list(&mut self) {
        let list = std::mem::take(&mut self.list);
        if list.len() >= 2 {
            let first = list[0].0.pos.clone();
            let header = ["Hạng", "Đơn vị", "Điểm"]
                .iter()
                .map(|h| SrcCell {
                    typed: false,
                    raw: (*h).to_string(),
                    pos: first.clone(),
                })
                .collect();
            let mut rows = vec![SrcRow {
                cells: header,
                pos: first,
            }];
            rows.extend(list.into_iter().map(|(row, _, _)| row));
            self.items.push(Item::Grid(rows));
        } else {
            for (_, line, n) in list {
                self.items.push(Item::Text {
                    raw: line,
                    pos: Pos::line(n, 1),
                });
            }
        }
    }
}

/// "1. Sở Y tế – 74,4", "2) Sở Nội vụ: 63,2 điểm", "3. Quảng Ninh - 0.6270" → rank, name, score cells.
fn list_item(line: &str, n: u32) -> Option<SrcRow> {
    let col = |byte: usize| u32::try_from(line[..byte].chars().count() + 1).unwrap_or(u32::MAX);
    let start = line.len() - line.trim_start().len();
    let body = &line[start..];
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 4 {
        return None;
    }
    let after = &body[digits..];
    let after = after.strip_prefix(['.', ')', ':'])?;
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let name_start = line.len() - after.trim_start().len();
    let rest = &line[name_start..];
    let (sep_at, sep_len) = [" – ", " — ", " - ", ": ", "\t"]
        .iter()
        .filter_map(|s| rest.rfind(s).map(|i| (i, s.len())))
        .max_by_key(|(i, _)| *i)?;
    let name = &rest[..sep_at];
    let score_start = name_start + sep_at + sep_len;
    let score_text = line[score_start..].trim();
    let score = score_text
        .strip_suffix("điểm")
        .or_else(|| score_text.strip_suffix("Điểm"))
        .unwrap_or(score_text)
        .trim_end();
    if !name.chars().any(char::is_alphabetic) || parse_decimal(score).is_err() {
        return None;
    }
    let score_start =
        score_start + (line[score_start..].len() - line[score_start..].trim_start().len());
    let cells = vec![
        SrcCell {
            typed: false,
            raw: body[..digits].to_string(),
            pos: Pos::line(n, col(start)),
        },
        SrcCell {
            typed: false,
            raw: name.trim_end().to_string(),
            pos: Pos::line(n, col(name_start)),
        },
        SrcCell {
            typed: false,
            raw: score.to_string(),
            pos: Pos::line(n, col(score_start)),
        },
    ];
    Some(SrcRow {
        cells,
        pos: Pos::line(n, col(start)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_lines() {
        let row = list_item("1. Sở Y tế – 74,4", 3).expect("a list line");
        let raw: Vec<_> = row.cells.iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(raw, ["1", "Sở Y tế", "74,4"]);
        assert_eq!(row.cells[2].pos, Pos::line(3, 14));
        let row = list_item("  12) Sở Lao động - TB&XH: 58,0 điểm", 1).expect("a list line");
        let raw: Vec<_> = row.cells.iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(raw, ["12", "Sở Lao động - TB&XH", "58,0"]);
        assert!(list_item("1. Chỉ số và xếp hạng nhóm tiêu chí", 1).is_none());
        assert!(list_item("Điều 1. Công bố - 2019", 1).is_none());
        assert!(list_item("2019 - 2020", 1).is_none());
    }

    #[test]
    fn cells_rows_and_paragraphs() {
        let items = read(
            "Tiêu đề\r\n\tTT\n\tĐơn vị\n\n\t1\n\tSở Y tế\n\nCuối",
            &mut Budget::default(),
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        let Item::Grid(rows) = &items[1] else {
            panic!("a grid")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cells[1].raw, "Sở Y tế");
        assert_eq!(rows[1].cells[1].pos, Pos::line(6, 2));
    }
}
