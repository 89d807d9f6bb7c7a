//! egov's own long form read back: `table_id,table_title,block,tt,unit,unit_code,column,value,rank`, one
//! line per table × unit × column, as `egov export --format csv` writes it and as the `data` sheet of the
//! exported workbook holds it. Recognised by its header in any grid (CSV, a spreadsheet sheet), it is
//! turned back into the tables it encodes instead of being read as one wide grid.
//!
//! The long form has no separate total field: the exporter writes each unit's total as its last column,
//! so the last column of a table (in first-seen order) is its total. Block titles are not in the long
//! form; a block is ranked when any of its rows carries a rank.

use egov_core::num::parse_decimal;
use egov_core::table::{Block, Cell, Column, Entry, RankCell, Row, RowOrigin, Table};
use egov_core::text::clean;

use crate::ImportProblem;
use crate::csvout::text_back;
use crate::source::SrcRow;

/// The header of the long form, in order: what `egov export --format csv` and the workbook's `data` sheet
/// write (egov-export takes it from here), and what this module recognises.
pub const FIELDS: [&str; 9] = [
    "table_id",
    "table_title",
    "block",
    "tt",
    "unit",
    "unit_code",
    "column",
    "value",
    "rank",
];

/// An optional column after [`FIELDS`]: `not_submitted` for a unit that submitted nothing (the annex's
/// "không nộp" mark), empty otherwise. Files without it (written before it existed) read as before.
pub const STATUS: &str = "status";

/// Whether a grid's first row is the long-form header.
pub(crate) fn is_long_form(rows: &[SrcRow]) -> bool {
    rows.first().is_some_and(|r| {
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|c| clean(&c.raw).to_lowercase())
            .collect();
        cells.len() >= FIELDS.len() && cells.iter().zip(FIELDS).all(|(c, f)| c == f)
    })
}

/// Rebuilds the tables of a long-form grid (header included). Lines that cannot be read are reported and
/// skipped; everything else is kept in first-seen order.
pub(crate) fn tables(rows: &[SrcRow]) -> (Vec<Table>, Vec<ImportProblem>) {
    let mut tables: Vec<Table> = Vec::new();
    // Per table: its rows, each with its cells as (column label, entry).
    type RowCells = (Row, Vec<(String, Entry)>);
    let mut cells: Vec<Vec<RowCells>> = Vec::new();
    let mut problems = Vec::new();
    let has_status = rows
        .first()
        .and_then(|h| h.cells.get(FIELDS.len()))
        .is_some_and(|c| clean(&c.raw) == STATUS);
    for r in rows.iter().skip(1) {
        // Text fields come back as written before egov guarded them against spreadsheet formulas.
        let get = |i: usize| {
            r.cells
                .get(i)
                .map(|c| text_back(&clean(&c.raw)).to_string())
                .unwrap_or_default()
        };
        let pos_of = |i: usize| {
            r.cells
                .get(i)
                .map(|c| c.pos.clone())
                .unwrap_or_else(|| r.pos.clone())
        };
        let (id, unit, column) = (get(0), get(4), get(6));
        if id.is_empty() && unit.is_empty() && column.is_empty() {
            continue;
        }
        if id.is_empty() || unit.is_empty() || column.is_empty() {
            problems.push(ImportProblem {
                pos: r.pos.clone(),
                table: (!id.is_empty()).then(|| id.clone()),
                message: egov_core::msg!(
                    "dòng dữ liệu thiếu mã bảng, tên đơn vị hoặc tên cột; bỏ qua dòng này",
                    "the data line lacks a table id, a unit name or a column name; the line is left out"
                ),
            });
            continue;
        }
        let ti = match tables.iter().position(|t| t.id == id) {
            Some(i) => i,
            None => {
                tables.push(Table {
                    id: id.clone(),
                    title: get(1),
                    pos: Some(r.pos.clone()),
                    ..Table::default()
                });
                cells.push(Vec::new());
                tables.len() - 1
            }
        };
        let block = get(2);
        if !block.is_empty() && tables[ti].block(&block).is_none() {
            tables[ti].blocks.push(Block {
                id: block.clone(),
                label: Some(block.clone()),
                pos: Some(pos_of(2)),
                ..Block::default()
            });
        }
        let value_raw = r.cells.get(7).map(|c| c.raw.clone()).unwrap_or_default();
        let typed = r.cells.get(7).is_some_and(|c| c.typed);
        let value = match clean(&value_raw).as_str() {
            "" => Cell::Blank,
            "not_evaluated" => Cell::NotEvaluated,
            v => match parse_decimal(v) {
                Ok(d) => Cell::Number(d),
                Err(_) => Cell::Text(text_back(v).to_string()),
            },
        };
        let rank_raw = get(8);
        let rank = if rank_raw.is_empty() {
            RankCell::Unranked
        } else {
            rank_raw
                .parse::<u32>()
                .map(RankCell::Ranked)
                .unwrap_or_else(|_| RankCell::Invalid(rank_raw.clone()))
        };
        let tt = get(3);
        let entry = Entry::imported(value, (!typed).then_some(value_raw), Some(pos_of(7)));
        let rows_of = &mut cells[ti];
        let at = rows_of.iter().position(|(row, _)| {
            row.unit == unit
                && row.tt.as_deref() == Some(tt.as_str())
                && row.block.as_deref() == Some(block.as_str())
        });
        let i = match at {
            Some(i) => i,
            None => {
                let code = get(5);
                rows_of.push((
                    Row {
                        tt: (!tt.is_empty()).then(|| tt.as_str().into()),
                        unit: unit.as_str().into(),
                        unit_code: (!code.is_empty()).then(|| code.into()),
                        values: Vec::new(),
                        total: Entry::computed(Cell::Blank),
                        rank: rank.clone(),
                        block: (!block.is_empty()).then(|| block.as_str().into()),
                        origin: RowOrigin {
                            pos: Some(r.pos.clone()),
                            unit_raw: r.cells.get(4).map(|c| c.raw.clone()),
                            rank_raw: Some(rank_raw.clone()),
                            rank_pos: Some(pos_of(8)),
                        }
                        .boxed(),
                        not_submitted: has_status && get(FIELDS.len()) == "not_submitted",
                    },
                    Vec::new(),
                ));
                rows_of.len() - 1
            }
        };
        rows_of[i].1.push((column.clone(), entry));
        if !tables[ti].columns.iter().any(|c| c.label == column) {
            tables[ti].columns.push(Column {
                label: column,
                ..Column::default()
            });
        }
    }
    for (t, rows) in tables.iter_mut().zip(cells) {
        // The last column is the total.
        let total = t.columns.pop().map(|c| c.label).unwrap_or_default();
        t.total_label = total.clone();
        t.rank_label = "Xếp hạng".into();
        for (mut row, entries) in rows {
            let find = |label: &str| {
                entries
                    .iter()
                    .find(|(l, _)| l == label)
                    .map(|(_, e)| e.clone())
            };
            row.values = t
                .columns
                .iter()
                .map(|c| find(&c.label).unwrap_or_else(|| Entry::computed(Cell::Blank)))
                .collect();
            row.total = find(&total).unwrap_or_else(|| Entry::computed(Cell::Blank));
            t.rows.push(row);
        }
        if t.blocks.is_empty() {
            t.blocks.push(Block {
                id: "0".into(),
                ..Block::default()
            });
            for r in &mut t.rows {
                r.block = Some("0".into());
            }
        }
        for b in &mut t.blocks {
            b.ranked = t.rows.iter().any(|r| {
                r.block.as_deref() == Some(b.id.as_str()) && matches!(r.rank, RankCell::Ranked(_))
            });
        }
    }
    (tables, problems)
}
