//! The table model every part of egov speaks: an annex table as published.
//!
//! A [`Table`] is what a decision annex prints: a title, value columns under a merged header, rows with
//! their TT number, unit name, values, total and rank, grouped in blocks ("I", "II"). The annex builder
//! produces tables from scores; importers produce them from published documents, keeping the raw text and
//! source position of each cell so that the audit can point at the line or cell; exporters render them.
//! The JSON shape of [`Table::to_json`] is the `annex`/`audit` contract of design.md and must not change.

use std::fmt;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

/// Where something stands in a source document: a line and column of a text file, or a sheet cell.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line in a text source (0 when the source has no lines, as for XLSX).
    pub line: u32,
    /// 1-based column (characters) in a text source.
    pub column: u32,
    /// Sheet name and cell reference (`Sheet1!B7`) for spreadsheet sources.
    pub cell: Option<String>,
}

impl Pos {
    pub fn line(line: u32, column: u32) -> Pos {
        Pos {
            line,
            column,
            cell: None,
        }
    }
    pub fn cell(sheet: &str, cell: &str) -> Pos {
        Pos {
            line: 0,
            column: 0,
            cell: Some(format!("{sheet}!{cell}")),
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(c) => f.write_str(c),
            None => write!(f, "{}:{}", self.line, self.column),
        }
    }
}

/// The content of one value cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// A number, exact, at the scale it was printed or rounded to.
    Number(Decimal),
    /// "Không đánh giá": the criterion is not evaluated for this unit (not the same as zero).
    NotEvaluated,
    /// An empty cell (including one that holds only non-breaking spaces).
    Blank,
    /// Text where a number was expected (kept verbatim for the audit).
    Text(String),
}

impl Cell {
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Cell::Number(d) => Some(*d),
            _ => None,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Cell::Number(d) => decimal_json(*d),
            Cell::NotEvaluated => Value::String("not_evaluated".into()),
            Cell::Blank => Value::Null,
            Cell::Text(t) => Value::String(t.clone()),
        }
    }
}

/// A cell with where it came from. `raw` and `pos` are `None` for cells egov computed itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub cell: Cell,
    /// The text exactly as it stood in the source (not normalised), for precision and NFC checks.
    pub raw: Option<String>,
    pub pos: Option<Pos>,
}

impl Entry {
    pub fn computed(cell: Cell) -> Entry {
        Entry {
            cell,
            raw: None,
            pos: None,
        }
    }
}

/// The rank column of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankCell {
    Ranked(u32),
    /// Blank: the unit is shown but not ranked.
    Unranked,
    /// Something that is not a rank ("I" where "1" was meant); kept verbatim.
    Invalid(String),
}

/// One value column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Column {
    /// The column's own header (the lower header row), unique within the table.
    pub label: String,
    /// The merged header above it ("Điểm"), if any.
    pub group: Option<String>,
    /// The criteria node the column shows (`A.1`), when known.
    pub node: Option<String>,
    /// Decimals the column is printed with, when the layout says.
    pub decimals: Option<u32>,
}

/// A block of rows ("I. … có hạng mục cung cấp dịch vụ công").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    pub id: String,
    /// The label printed in the TT column of the block row ("I", "II"); `None` when no block row is shown.
    pub label: Option<String>,
    pub title: Option<String>,
    /// Whether the block's units carry ranks.
    pub ranked: bool,
    pub pos: Option<Pos>,
}

/// One unit's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The TT (số thứ tự) as printed ("1", "2"…).
    pub tt: Option<String>,
    /// The unit's name as printed, NFC.
    pub unit: String,
    /// The unit's code in a dataset, when known.
    pub unit_code: Option<String>,
    /// One entry per column of the table, in column order.
    pub values: Vec<Entry>,
    pub total: Entry,
    pub rank: RankCell,
    /// Raw rank text and position, for imported tables.
    pub rank_raw: Option<String>,
    pub rank_pos: Option<Pos>,
    /// Id of the block the row belongs to.
    pub block: Option<String>,
    /// Where the row starts in the source.
    pub pos: Option<Pos>,
    /// Raw unit text as printed (before NFC), for imported tables.
    pub unit_raw: Option<String>,
}

/// One annex table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub id: String,
    pub title: String,
    /// The enclosing part heading, when the document groups tables under one
    /// ("I. CHỈ SỐ VÀ XẾP HẠNG … CỦA CÁC SỞ, BAN, NGÀNH"); it tells apart tables with the same title.
    pub part: Option<String>,
    pub columns: Vec<Column>,
    /// Label of the total column ("Tổng điểm").
    pub total_label: String,
    /// Label of the rank column ("Xếp hạng").
    pub rank_label: String,
    pub blocks: Vec<Block>,
    pub rows: Vec<Row>,
    /// The column-number row as printed ("(1)", "(2)" …), empty if the table has none.
    pub column_numbers: Vec<Entry>,
    /// Default decimals of the table's numbers, when the layout says.
    pub decimals: Option<u32>,
    pub pos: Option<Pos>,
}

/// A whole annex (the set of tables of one decision).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annex {
    pub edition: String,
    pub title: String,
    /// Lines under the title ("(Ban hành kèm theo Quyết định số …)").
    pub subtitle: Vec<String>,
    pub tables: Vec<Table>,
}

/// An exact decimal as a JSON number with its digits exactly as the decimal holds them.
pub fn decimal_json(d: Decimal) -> Value {
    // With serde_json's arbitrary_precision the number keeps every digit; no f64 is involved.
    let n: serde_json::Number = d
        .to_string()
        .parse()
        .expect("a decimal is a valid JSON number");
    Value::Number(n)
}

impl Table {
    /// Index of a column by its label (after NFC).
    pub fn column_index(&self, label: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.label == label)
    }

    pub fn block(&self, id: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.id == id)
    }

    /// The contract shape: `{"id","title","columns":[..],"rows":[{"tt","unit","values":{..},"total","rank","block"}]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut values = Map::new();
                for (c, e) in self.columns.iter().zip(&r.values) {
                    values.insert(c.label.clone(), e.cell.to_json());
                }
                let rank = match &r.rank {
                    RankCell::Ranked(n) => json!(n),
                    _ => Value::Null,
                };
                let mut row = Map::new();
                row.insert("tt".into(), json!(r.tt));
                row.insert("unit".into(), json!(r.unit));
                if let Some(code) = &r.unit_code {
                    row.insert("unit_code".into(), json!(code));
                }
                row.insert("values".into(), Value::Object(values));
                row.insert("total".into(), r.total.cell.to_json());
                row.insert("rank".into(), rank);
                if let RankCell::Invalid(t) = &r.rank {
                    row.insert("rank_text".into(), json!(t));
                }
                row.insert("block".into(), json!(r.block));
                if let Some(p) = &r.pos {
                    row.insert("source".into(), json!(p.to_string()));
                }
                Value::Object(row)
            })
            .collect();
        let blocks: Vec<Value> = self
            .blocks
            .iter()
            .map(|b| json!({"id": b.id, "label": b.label, "title": b.title, "ranked": b.ranked}))
            .collect();
        let columns: Vec<Value> = self.columns.iter().map(|c| json!(c.label)).collect();
        let info: Vec<Value> = self
            .columns
            .iter()
            .map(|c| json!({"label": c.label, "group": c.group, "node": c.node, "decimals": c.decimals}))
            .collect();
        let mut v = json!({
            "id": self.id,
            "title": self.title,
            "part": self.part,
            "columns": columns,
            "column_info": info,
            "total_label": self.total_label,
            "rank_label": self.rank_label,
            "decimals": self.decimals,
            "blocks": blocks,
        });
        // Moved in, not passed through `json!` (which would serialize a deep copy of every row).
        v["rows"] = Value::Array(rows);
        v
    }
}

impl Annex {
    /// `{"edition": ID, "title", "tables": [...]}` as in design.md "Contracts".
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "edition": self.edition,
            "title": self.title,
            "subtitle": self.subtitle,
        });
        v["tables"] = Value::Array(self.tables.iter().map(Table::to_json).collect());
        v
    }
}
