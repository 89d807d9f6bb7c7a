//! The table model every part of egov speaks: an annex table as published.
//!
//! A [`Table`] is what a decision annex prints: a title, value columns under a merged header, rows with
//! their TT number, unit name, values, total and rank, grouped in blocks ("I", "II"). The annex builder
//! produces tables from scores; importers produce them from published documents, keeping the raw text and
//! source position of each cell so that the audit can point at the line or cell; exporters render them.
//! The JSON shape of [`Table::to_json`] is the `annex`/`audit` contract of design.md and must not change.

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::Value;

/// Where something stands in a source document: a line and column of a text file, or a place in a
/// document without lines (a sheet cell, a cell of a Word or HTML table, a paragraph).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    /// 1-based line in a text source (0 when the source has no lines, as for XLSX; the row for a
    /// [`Place::Table`] cell).
    pub line: u32,
    /// 1-based column (characters) in a text source (the cell for a [`Place::Table`] cell).
    pub column: u32,
    /// The place in a source without lines; shown instead of `line:column` when present.
    pub cell: Option<Place>,
}

/// A place in a source without lines. Imported tables keep one per cell, blanks included, so a place
/// holds numbers and at most a shared name: a sheet's name is one `Arc<str>` for all its cells (a
/// crafted workbook with a 100,000-character sheet name must not cost that much per cell), and the
/// text is formatted only when shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// A spreadsheet cell, 0-based row and column, shown `Sheet1!B7`.
    Sheet { sheet: Arc<str>, row: u32, col: u32 },
    /// A cell of the `table`-th table of a document (all 1-based), shown "bảng 2, hàng 5, ô 3".
    Table { table: u32, row: u32, cell: u32 },
    /// The n-th paragraph (1-based) of a document without lines, shown "đoạn 3".
    Paragraph(u32),
    /// Anything else, shown as written.
    Named(Arc<str>),
}

impl Place {
    fn write_in(&self, f: &mut fmt::Formatter<'_>, lang: crate::lang::Lang) -> fmt::Result {
        use crate::lang::Lang;
        match (self, lang) {
            (Place::Sheet { sheet, row, col }, _) => {
                write!(f, "{sheet}!")?;
                write_a1(f, *row, *col)
            }
            (Place::Table { table, row, cell }, Lang::Vi) => {
                write!(f, "bảng {table}, hàng {row}, ô {cell}")
            }
            (Place::Table { table, row, cell }, Lang::En) => {
                write!(f, "table {table}, row {row}, cell {cell}")
            }
            (Place::Paragraph(n), Lang::Vi) => write!(f, "đoạn {n}"),
            (Place::Paragraph(n), Lang::En) => write!(f, "paragraph {n}"),
            (Place::Named(s), _) => f.write_str(s),
        }
    }
}

/// In messages, a place is written in the message language.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_in(f, crate::lang::messages())
    }
}

/// A place is written as it is shown in Vietnamese (`"Sheet1!B7"`, `"bảng 1, hàng 2, ô 3"`), as when
/// it was a string: the JSON contract does not change with the message language.
impl Serialize for Place {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Vi<'a>(&'a Place);
        impl fmt::Display for Vi<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write_in(f, crate::lang::Lang::Vi)
            }
        }
        s.collect_str(&Vi(self))
    }
}

/// The `A1` reference of a 0-based row and column (`B7` for row 6, column 1).
fn write_a1(f: &mut fmt::Formatter<'_>, row: u32, col: u32) -> fmt::Result {
    let mut letters = [0u8; 8];
    let mut at = letters.len();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        at -= 1;
        letters[at] = b'A' + u8::try_from((c - 1) % 26).unwrap_or(0);
        c = (c - 1) / 26;
    }
    for &b in &letters[at..] {
        write!(f, "{}", char::from(b))?;
    }
    write!(f, "{}", u64::from(row) + 1)
}

impl Pos {
    pub fn line(line: u32, column: u32) -> Pos {
        Pos {
            line,
            column,
            cell: None,
        }
    }
    /// A named place (`Pos::cell("Sheet1", "B7")` shows `Sheet1!B7`). Readers that make a position per
    /// cell use [`Pos::sheet`], which shares the sheet's name.
    pub fn cell(sheet: &str, cell: &str) -> Pos {
        Pos {
            line: 0,
            column: 0,
            cell: Some(Place::Named(format!("{sheet}!{cell}").into())),
        }
    }
    /// A spreadsheet cell at a 0-based row and column, sharing `sheet`.
    pub fn sheet(sheet: &Arc<str>, row: u32, col: u32) -> Pos {
        Pos {
            line: 0,
            column: 0,
            cell: Some(Place::Sheet {
                sheet: Arc::clone(sheet),
                row,
                col,
            }),
        }
    }
    /// A cell of a document's table (all 1-based): `line` is the row and `column` the cell.
    pub fn table(table: u32, row: u32, cell: u32) -> Pos {
        Pos {
            line: row,
            column: cell,
            cell: Some(Place::Table { table, row, cell }),
        }
    }
    /// The n-th paragraph (1-based) of a document without lines: `line` is `n`, `column` 1.
    pub fn paragraph(n: u32) -> Pos {
        Pos {
            line: n,
            column: 1,
            cell: Some(Place::Paragraph(n)),
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(c) => c.fmt(f),
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
}

/// A cell with where it came from: `raw()` and `pos()` are `None` for cells egov computed itself.
#[derive(Debug, Clone)]
pub struct Entry {
    pub cell: Cell,
    /// The source text and place of an imported cell. Boxed, and absent for computed cells: an annex
    /// computed for a province holds millions of entries, and the two fields inline would make each one
    /// nearly three times as large (memory the kernel must clear before it is first used).
    pub origin: Option<Box<Origin>>,
}

/// Where an imported cell came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The text exactly as it stood in the source (not normalised), for precision and NFC checks.
    pub raw: Option<String>,
    pub pos: Option<Pos>,
}

impl Entry {
    pub fn computed(cell: Cell) -> Entry {
        Entry { cell, origin: None }
    }

    /// A cell read from a document: its text as it stood there and its place, when known.
    pub fn imported(cell: Cell, raw: Option<String>, pos: Option<Pos>) -> Entry {
        Entry {
            cell,
            origin: Origin { raw, pos }.boxed(),
        }
    }

    /// The text exactly as it stood in the source, for an imported cell.
    pub fn raw(&self) -> Option<&str> {
        self.origin.as_ref()?.raw.as_deref()
    }

    /// Where an imported cell stood in its source.
    pub fn pos(&self) -> Option<&Pos> {
        self.origin.as_ref()?.pos.as_ref()
    }

    /// Changes what is known of the cell's origin (an emptied origin is dropped).
    pub fn edit_origin(&mut self, f: impl FnOnce(&mut Origin)) {
        let mut o = self.origin.take().map(|b| *b).unwrap_or_default();
        f(&mut o);
        self.origin = o.boxed();
    }
}

impl Origin {
    /// `None` when nothing is known, so that a computed cell and an imported one without text or place
    /// compare equal and cost no allocation.
    pub fn boxed(self) -> Option<Box<Origin>> {
        (self != Origin::default()).then(|| Box::new(self))
    }
}

/// Two entries are equal when their cells, texts and places are: an empty origin is no origin.
impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.cell == other.cell && self.raw() == other.raw() && self.pos() == other.pos()
    }
}

impl Eq for Entry {}

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

/// A row's short text (its TT, unit name and code, block id), held inline up to 24 bytes: an annex
/// computed for a province is hundreds of thousands of rows, and four heap strings each were a million
/// allocations, and a million places the rendering read at random.
pub type Text = compact_str::CompactString;

/// One unit's row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The TT (số thứ tự) as printed ("1", "2"…).
    pub tt: Option<Text>,
    /// The unit's name as printed, NFC.
    pub unit: Text,
    /// The unit's code in a dataset, when known.
    pub unit_code: Option<Text>,
    /// One entry per column of the table, in column order.
    pub values: Vec<Entry>,
    pub total: Entry,
    pub rank: RankCell,
    /// Id of the block the row belongs to.
    pub block: Option<Text>,
    /// Where an imported row, its unit and its rank came from. Boxed and absent for computed rows, for
    /// the reason [`Entry::origin`] is.
    pub origin: Option<Box<RowOrigin>>,
    /// The unit submitted nothing and the edition's policy let it through (`[scoring] not_submitted`):
    /// ranked with zero points, or unranked; the annex says so in its rank cell, the JSON with
    /// `"status": "not_submitted"`.
    pub not_submitted: bool,
}

/// Where an imported row came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowOrigin {
    /// Where the row starts in the source.
    pub pos: Option<Pos>,
    /// Raw unit text as printed (before NFC).
    pub unit_raw: Option<String>,
    /// Raw rank text and position.
    pub rank_raw: Option<String>,
    pub rank_pos: Option<Pos>,
}

impl RowOrigin {
    /// `None` when nothing is known, so that a computed row and an imported one without places compare
    /// equal and cost no allocation.
    pub fn boxed(self) -> Option<Box<RowOrigin>> {
        (self != RowOrigin::default()).then(|| Box::new(self))
    }
}

impl Row {
    /// Where the row starts in its source, for an imported row.
    pub fn pos(&self) -> Option<&Pos> {
        self.origin.as_ref()?.pos.as_ref()
    }

    /// The unit's name exactly as printed (before NFC), for an imported row.
    pub fn unit_raw(&self) -> Option<&str> {
        self.origin.as_ref()?.unit_raw.as_deref()
    }

    /// The rank's text as printed, for an imported row.
    pub fn rank_raw(&self) -> Option<&str> {
        self.origin.as_ref()?.rank_raw.as_deref()
    }

    /// Where the rank stood in the source, for an imported row.
    pub fn rank_pos(&self) -> Option<&Pos> {
        self.origin.as_ref()?.rank_pos.as_ref()
    }

    /// Changes what is known of the row's origin (an emptied origin is dropped).
    pub fn edit_origin(&mut self, f: impl FnOnce(&mut RowOrigin)) {
        let mut o = self.origin.take().map(|b| *b).unwrap_or_default();
        f(&mut o);
        self.origin = o.boxed();
    }
}

/// Two rows are equal when everything printed and everything known of their origin is: an empty
/// origin is no origin.
impl PartialEq for Row {
    fn eq(&self, o: &Row) -> bool {
        self.tt == o.tt
            && self.unit == o.unit
            && self.unit_code == o.unit_code
            && self.values == o.values
            && self.total == o.total
            && self.rank == o.rank
            && self.block == o.block
            && self.not_submitted == o.not_submitted
            && self.pos() == o.pos()
            && self.unit_raw() == o.unit_raw()
            && self.rank_raw() == o.rank_raw()
            && self.rank_pos() == o.rank_pos()
    }
}

impl Eq for Row {}

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
        serde_json::to_value(self).expect("a table always serialises")
    }
}

impl Annex {
    /// `{"edition": ID, "title", "tables": [...]}` as in design.md "Contracts".
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("an annex always serialises")
    }
}

// The contract is written by these `Serialize` impls, streamed straight to the output: building a
// `serde_json::Value` tree first costs more than the rest of the annex for a large province. Key order is
// part of the contract (it is what people diff), so it is spelled out here once.

/// A decimal as a JSON number with exactly its digits (serde_json's `arbitrary_precision`).
struct Num(Decimal);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n: serde_json::Number = self.0.to_string().parse().map_err(S::Error::custom)?;
        n.serialize(s)
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Number(d) => Num(*d).serialize(s),
            Cell::NotEvaluated => s.serialize_str("not_evaluated"),
            Cell::Blank => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
        }
    }
}

/// A row's values keyed by column label; a label that appears twice keeps its first place and its last value
/// (as a JSON object would).
struct RowValues<'a>(&'a [Column], &'a [Entry]);

impl Serialize for RowValues<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&str, &Cell)> = Vec::with_capacity(self.0.len());
        for (c, e) in self.0.iter().zip(self.1) {
            match entries.iter_mut().find(|(l, _)| *l == c.label) {
                Some(slot) => slot.1 = &e.cell,
                None => entries.push((&c.label, &e.cell)),
            }
        }
        let mut m = s.serialize_map(Some(entries.len()))?;
        for (l, c) in entries {
            m.serialize_entry(l, c)?;
        }
        m.end()
    }
}

struct RowJson<'a>(&'a [Column], &'a Row);

impl Serialize for RowJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.1;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("tt", &r.tt)?;
        m.serialize_entry("unit", &r.unit)?;
        if let Some(code) = &r.unit_code {
            m.serialize_entry("unit_code", code)?;
        }
        m.serialize_entry("values", &RowValues(self.0, &r.values))?;
        m.serialize_entry("total", &r.total.cell)?;
        match &r.rank {
            RankCell::Ranked(n) => m.serialize_entry("rank", n)?,
            _ => m.serialize_entry("rank", &None::<u32>)?,
        }
        if let RankCell::Invalid(t) = &r.rank {
            m.serialize_entry("rank_text", t)?;
        }
        if r.not_submitted {
            m.serialize_entry("status", "not_submitted")?;
        }
        m.serialize_entry("block", &r.block)?;
        if let Some(p) = r.pos() {
            m.serialize_entry("source", &p.to_string())?;
        }
        m.end()
    }
}

struct Labels<'a>(&'a [Column]);

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| &c.label))
    }
}

struct ColumnInfo<'a>(&'a Column);

impl Serialize for ColumnInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("label", &c.label)?;
        m.serialize_entry("group", &c.group)?;
        m.serialize_entry("node", &c.node)?;
        m.serialize_entry("decimals", &c.decimals)?;
        m.end()
    }
}

impl Serialize for Block {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("label", &self.label)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("ranked", &self.ranked)?;
        m.end()
    }
}

/// A table with the rows to write: its own, or none (see [`Annex::to_json_compact`]).
struct TableJson<'a>(&'a Table, &'a [Row]);

impl Serialize for TableJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("id", &t.id)?;
        m.serialize_entry("title", &t.title)?;
        m.serialize_entry("part", &t.part)?;
        m.serialize_entry("columns", &Labels(&t.columns))?;
        m.serialize_entry(
            "column_info",
            &t.columns.iter().map(ColumnInfo).collect::<Vec<_>>(),
        )?;
        m.serialize_entry("total_label", &t.total_label)?;
        m.serialize_entry("rank_label", &t.rank_label)?;
        m.serialize_entry("decimals", &t.decimals)?;
        m.serialize_entry("blocks", &t.blocks)?;
        // Last, so that the rows can be written separately after the rest (to_json_compact).
        m.serialize_entry(
            "rows",
            &self
                .1
                .iter()
                .map(|r| RowJson(&t.columns, r))
                .collect::<Vec<_>>(),
        )?;
        m.end()
    }
}

impl Serialize for Table {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TableJson(self, &self.rows).serialize(s)
    }
}

/// An annex with the tables to write: its own, or none (see [`Annex::to_json_compact`]).
struct AnnexJson<'a>(&'a Annex, &'a [Table]);

impl Serialize for AnnexJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("edition", &a.edition)?;
        m.serialize_entry("title", &a.title)?;
        m.serialize_entry("subtitle", &a.subtitle)?;
        // Last, as the rows of a table.
        m.serialize_entry("tables", self.1)?;
        m.end()
    }
}

impl Serialize for Annex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AnnexJson(self, &self.tables).serialize(s)
    }
}

/// A decimal as `Display` writes it (every place of its scale: `0.50`, `12`, `0.0000`), written straight
/// into the buffer: a non-negative one whose mantissa fits 64 bits (every rounded cell of an annex) by
/// hand, any other through `Display`.
fn write_decimal(out: &mut Vec<u8>, d: &Decimal) {
    let (Ok(m), false) = (u64::try_from(d.mantissa()), d.is_sign_negative()) else {
        use std::io::Write as _;
        let _ = write!(out, "{d}");
        return;
    };
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = m;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let digits = &digits[at..];
    let scale = d.scale() as usize;
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits);
    }
}

/// Writes rows as compact JSON by hand, byte for byte what `serde_json::to_writer(RowJson)` writes
/// (a test compares the two on every kind of cell): the labels of a table's value columns are escaped
/// once instead of on every row, and numbers are written straight into the buffer instead of through
/// a string and a `serde_json::Number` each — a province's annex is a million numbers.
struct CompactRows<'a> {
    columns: &'a [Column],
    /// Per distinct label, in first-appearance order: the escaped key with its colon (`"A":`) and the
    /// column whose value it shows (the last with that label, as [`RowValues`]).
    values: Vec<(Vec<u8>, usize)>,
}

impl<'a> CompactRows<'a> {
    fn new(columns: &'a [Column]) -> serde_json::Result<CompactRows<'a>> {
        let mut values: Vec<(Vec<u8>, usize)> = Vec::new();
        let mut labels: Vec<&str> = Vec::new();
        for (k, c) in columns.iter().enumerate() {
            match labels.iter().position(|l| *l == c.label) {
                Some(at) => values[at].1 = k,
                None => {
                    let mut key = serde_json::to_vec(&c.label)?;
                    key.push(b':');
                    values.push((key, k));
                    labels.push(&c.label);
                }
            }
        }
        Ok(CompactRows { columns, values })
    }

    fn cell(out: &mut Vec<u8>, cell: &Cell) -> serde_json::Result<()> {
        match cell {
            Cell::Number(d) => {
                write_decimal(out, d);
                Ok(())
            }
            Cell::NotEvaluated => {
                out.extend_from_slice(b"\"not_evaluated\"");
                Ok(())
            }
            Cell::Blank => {
                out.extend_from_slice(b"null");
                Ok(())
            }
            Cell::Text(t) => serde_json::to_writer(&mut *out, t),
        }
    }

    fn row(&self, out: &mut Vec<u8>, r: &Row) -> serde_json::Result<()> {
        // A row with fewer entries than columns (an imported table) shows only the columns it has
        // entries for, as `RowValues` zips the two: written the general way.
        if r.values.len() < self.columns.len() {
            return serde_json::to_writer(out, &RowJson(self.columns, r));
        }
        out.extend_from_slice(b"{\"tt\":");
        serde_json::to_writer(&mut *out, &r.tt)?;
        out.extend_from_slice(b",\"unit\":");
        serde_json::to_writer(&mut *out, &r.unit)?;
        if let Some(code) = &r.unit_code {
            out.extend_from_slice(b",\"unit_code\":");
            serde_json::to_writer(&mut *out, code)?;
        }
        out.extend_from_slice(b",\"values\":{");
        for (j, (key, k)) in self.values.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            Self::cell(out, &r.values[*k].cell)?;
        }
        out.extend_from_slice(b"},\"total\":");
        Self::cell(out, &r.total.cell)?;
        out.extend_from_slice(b",\"rank\":");
        match &r.rank {
            RankCell::Ranked(n) => serde_json::to_writer(&mut *out, n)?,
            _ => out.extend_from_slice(b"null"),
        }
        if let RankCell::Invalid(t) = &r.rank {
            out.extend_from_slice(b",\"rank_text\":");
            serde_json::to_writer(&mut *out, t)?;
        }
        if r.not_submitted {
            out.extend_from_slice(b",\"status\":\"not_submitted\"");
        }
        out.extend_from_slice(b",\"block\":");
        serde_json::to_writer(&mut *out, &r.block)?;
        if let Some(p) = r.pos() {
            out.extend_from_slice(b",\"source\":");
            serde_json::to_writer(&mut *out, &p.to_string())?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// `value` as compact JSON without its last field's empty array and the closing brace: the object
/// ends with `…,"<last>":[]}` and the caller writes the array's items and closes it.
fn json_open_last_array(value: &impl Serialize, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let start = out.len();
    serde_json::to_writer(&mut *out, value)?;
    assert!(
        out[start..].ends_with(b":[]}"),
        "the array is the last field"
    );
    out.truncate(out.len() - 2);
    Ok(())
}

impl Annex {
    /// The contract JSON without indentation — byte for byte what `serde_json::to_vec` gives — with the
    /// rows of each table serialised in parallel pieces: a province's annex is megabytes of rows, and
    /// this is the format machines read.
    pub fn to_json_compact(&self) -> serde_json::Result<Vec<u8>> {
        let rows: usize = self.tables.iter().map(|t| t.rows.len()).sum();
        let mut out = Vec::with_capacity(4096 + rows * 256);
        self.write_json_compact(&mut out)
            .map_err(serde_json::Error::io)?;
        Ok(out)
    }

    /// [`Annex::to_json_compact`] written to `w` as it is made, so that the whole document (70 MB for
    /// 100,000 units) is never in memory at once: another thread serialises the rows a window at a time
    /// (each window in parallel pieces) while this one writes the window before — the writing (the
    /// kernel copying tens of megabytes) was otherwise time in which no row was made.
    pub fn write_json_compact(
        &self,
        w: &mut (impl std::io::Write + ?Sized),
    ) -> std::io::Result<()> {
        self.write_json_compact_with(&self.tables, w).map(drop)
    }

    /// [`Annex::write_json_compact`] of this annex with `tables` in place of its own (which are not
    /// written): the tables may still be in the making when the writing starts (`annex::build_each`
    /// sending them through a channel), and each is written as soon as it comes. Returns the tables it
    /// was given, once written, for a caller that would rather leave their freeing to the exit.
    pub fn write_json_compact_with<T, I>(
        &self,
        tables: I,
        w: &mut (impl std::io::Write + ?Sized),
    ) -> std::io::Result<Vec<T>>
    where
        T: std::borrow::Borrow<Table> + Send,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send,
    {
        /// Rows a window: a few megabytes of JSON, many pieces for the cores to share.
        const WINDOW: usize = 8192;
        /// Rows a piece (one task).
        const PIECE: usize = 512;
        let mut head = Vec::with_capacity(4096);
        json_open_last_array(&AnnexJson(self, &[]), &mut head)?;
        w.write_all(&head)?;
        let tables = tables.into_iter();
        std::thread::scope(|s| {
            // One window ahead at most: the memory stays a few megabytes however large the annex. The
            // serialiser sends every byte but the annex's head and end (a table's head, its rows with
            // their commas, its end), so this thread only writes what comes, in order.
            let (tx, rx) = std::sync::mpsc::sync_channel::<serde_json::Result<Vec<Vec<u8>>>>(1);
            let serialiser = s.spawn(move || {
                let mut written = Vec::new();
                for (i, t) in tables.enumerate() {
                    let table: &Table = t.borrow();
                    let mut head = Vec::with_capacity(4096);
                    if i > 0 {
                        head.push(b',');
                    }
                    let opened = json_open_last_array(&TableJson(table, &[]), &mut head)
                        .and_then(|()| CompactRows::new(&table.columns));
                    let writer = match opened {
                        Ok(wr) => wr,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return written;
                        }
                    };
                    // A closed channel: the writer stopped on an error, which it returns.
                    if tx.send(Ok(vec![head])).is_err() {
                        return written;
                    }
                    // Bytes a row, learnt from the rows written so far: a piece sized too small is
                    // copied when it grows (room left unused is never touched and costs nothing).
                    let mut per_row = 256;
                    for (k, window) in table.rows.chunks(WINDOW).enumerate() {
                        let pieces = window
                            .par_chunks(PIECE)
                            .enumerate()
                            .map(|(j, chunk)| {
                                let mut buf = Vec::with_capacity(chunk.len() * per_row + 1);
                                for (n, r) in chunk.iter().enumerate() {
                                    if k > 0 || j > 0 || n > 0 {
                                        buf.push(b',');
                                    }
                                    writer.row(&mut buf, r)?;
                                }
                                Ok(buf)
                            })
                            .collect::<serde_json::Result<Vec<_>>>();
                        if let Ok(pieces) = &pieces {
                            let most = pieces.iter().map(Vec::len).max().unwrap_or(0);
                            per_row = per_row.max(most.div_ceil(PIECE) + 16);
                        }
                        if tx.send(pieces).is_err() {
                            return written;
                        }
                    }
                    if tx.send(Ok(vec![b"]}".to_vec()])).is_err() {
                        return written;
                    }
                    written.push(t);
                }
                written
            });
            for pieces in rx {
                for p in pieces? {
                    w.write_all(&p)?;
                }
            }
            w.write_all(b"]}")?;
            Ok(serialiser
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }
}

#[cfg(test)]
mod pos_tests {
    use super::*;

    /// An origin that knows nothing is no origin: equal to none, dropped when emptied; what it knows
    /// is read back through the accessors.
    #[test]
    fn an_empty_origin_is_no_origin() {
        let n = Cell::Number(Decimal::new(275, 1));
        let computed = Entry::computed(n.clone());
        let empty = Entry {
            cell: n.clone(),
            origin: Some(Box::default()),
        };
        assert_eq!(computed, empty);
        assert!(Entry::imported(n.clone(), None, None).origin.is_none());
        let mut e = Entry::imported(n.clone(), Some("27,5".into()), Some(Pos::line(3, 4)));
        assert_eq!((e.raw(), e.pos()), (Some("27,5"), Some(&Pos::line(3, 4))));
        assert_ne!(e, computed);
        e.edit_origin(|o| o.raw = None);
        assert_eq!((e.raw(), e.pos()), (None, Some(&Pos::line(3, 4))));
        e.edit_origin(|o| o.pos = None);
        assert!(e.origin.is_none());
        assert_eq!(e, computed);

        let row = |origin| Row {
            tt: Some("1".into()),
            unit: "Sở Y tế".into(),
            unit_code: None,
            values: vec![computed.clone()],
            total: computed.clone(),
            rank: RankCell::Ranked(1),
            block: None,
            origin,
            not_submitted: false,
        };
        assert_eq!(row(None), row(Some(Box::default())));
        let mut r = row(RowOrigin {
            unit_raw: Some("So\u{302} Y tế".into()),
            rank_raw: Some("1".into()),
            ..RowOrigin::default()
        }
        .boxed());
        assert_eq!(
            (r.unit_raw(), r.rank_raw(), r.pos()),
            (Some("So\u{302} Y tế"), Some("1"), None)
        );
        assert_ne!(r, row(None));
        r.edit_origin(|o| {
            o.unit_raw = None;
            o.rank_raw = None;
        });
        assert!(r.origin.is_none());
        assert_eq!(r, row(None));
    }

    #[test]
    fn places_show_as_before() {
        let sheet: Arc<str> = "Sheet1".into();
        assert_eq!(Pos::sheet(&sheet, 6, 1).to_string(), "Sheet1!B7");
        assert_eq!(
            Pos::sheet(&sheet, 1_048_575, 16_383).to_string(),
            "Sheet1!XFD1048576"
        );
        assert_eq!(Pos::sheet(&sheet, 0, 26).to_string(), "Sheet1!AA1");
        assert_eq!(Pos::cell("Sheet1", "B7").to_string(), "Sheet1!B7");
        assert_eq!(Pos::table(2, 5, 3).to_string(), "bảng 2, hàng 5, ô 3");
        assert_eq!(Pos::paragraph(4).to_string(), "đoạn 4");
        assert_eq!(Pos::line(3, 9).to_string(), "3:9");
        assert_eq!(
            serde_json::to_string(&Place::Table {
                table: 1,
                row: 2,
                cell: 3
            })
            .unwrap(),
            "\"bảng 1, hàng 2, ô 3\""
        );
    }
}

#[cfg(test)]
mod compact_json_tests {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = Cell> {
        prop_oneof![
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Cell::Number(Decimal::new(m, s))),
            // Mantissas past 64 bits, and at the 64-bit boundary.
            (any::<u128>(), 0u32..=28, any::<bool>()).prop_map(|(m, s, neg)| {
                let m = (m % (1u128 << 96)) as i128;
                let d = Decimal::from_i128_with_scale(if neg { -m } else { m }, s);
                Cell::Number(d)
            }),
            (0u64..3, 0u32..=28).prop_map(|(k, s)| {
                let m = i128::from(u64::MAX) - 1 + i128::from(k);
                Cell::Number(Decimal::from_i128_with_scale(m, s))
            }),
            (any::<u32>(), 0u32..=4)
                .prop_map(|(m, s)| Cell::Number(Decimal::new(-i64::from(m), s))),
            Just(Cell::Number(Decimal::NEGATIVE_ONE * Decimal::ZERO)),
            Just(Cell::NotEvaluated),
            Just(Cell::Blank),
            "[a-zA-Zà-ỹ\"\\\\\u{0}-\u{1f}\u{7f} ]{0,8}".prop_map(Cell::Text),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        "[a-zA-ZĐđà-ỹ0-9\"\\\\\u{0}-\u{1f}\u{2028} /]{0,10}"
    }

    fn row(n_columns: usize) -> impl Strategy<Value = Row> {
        (
            proptest::option::of(text()),
            text(),
            proptest::option::of(text()),
            proptest::collection::vec(cell(), 0..=n_columns),
            cell(),
            prop_oneof![
                any::<u32>().prop_map(RankCell::Ranked),
                Just(RankCell::Unranked),
                text().prop_map(RankCell::Invalid),
            ],
            proptest::option::of(text()),
            proptest::option::of((1u32..1000, 1u32..100)),
            any::<bool>(),
        )
            .prop_map(
                move |(tt, unit, unit_code, values, total, rank, block, pos, not_submitted)| Row {
                    tt: tt.map(Into::into),
                    unit: unit.into(),
                    unit_code: unit_code.map(Into::into),
                    values: values.into_iter().map(Entry::computed).collect(),
                    total: Entry::computed(total),
                    rank,
                    block: block.map(Into::into),
                    origin: RowOrigin {
                        pos: pos.map(|(l, c)| Pos::line(l, c)),
                        ..RowOrigin::default()
                    }
                    .boxed(),
                    not_submitted,
                },
            )
    }

    fn table() -> impl Strategy<Value = Table> {
        // Labels from a small set, so that some repeat (a repeated label shows its last column).
        proptest::collection::vec(
            prop_oneof![
                Just("A".to_string()),
                Just("Điểm \"B\"".to_string()),
                text()
            ],
            0..4,
        )
        .prop_flat_map(|labels| {
            let n = labels.len();
            (Just(labels), proptest::collection::vec(row(n), 0..6))
        })
        .prop_map(|(labels, rows)| Table {
            id: "t".into(),
            title: "Bảng".into(),
            part: None,
            columns: labels
                .into_iter()
                .map(|label| Column {
                    label,
                    ..Default::default()
                })
                .collect(),
            total_label: "Tổng điểm".into(),
            rank_label: "Xếp hạng".into(),
            blocks: Vec::new(),
            rows,
            column_numbers: Vec::new(),
            decimals: Some(2),
            pos: None,
        })
    }

    /// Tables of 16,897, 0, 1 and 8,192 rows: several windows of rows, an empty table between.
    fn large_annex() -> Annex {
        let table = |n: usize| Table {
            id: format!("t{n}"),
            title: "Bảng".into(),
            part: None,
            columns: vec![Column {
                label: "Điểm".into(),
                ..Default::default()
            }],
            total_label: "Tổng điểm".into(),
            rank_label: "Xếp hạng".into(),
            blocks: Vec::new(),
            rows: (0..n)
                .map(|i| Row {
                    tt: Some((i + 1).to_string().into()),
                    unit: format!("Xã {i}").into(),
                    unit_code: Some(format!("X{i}").into()),
                    values: vec![Entry::computed(Cell::Number(Decimal::new(i as i64, 2)))],
                    total: Entry::computed(Cell::Number(Decimal::new(7 * i as i64, 1))),
                    rank: RankCell::Ranked(i as u32 + 1),
                    block: None,
                    origin: None,
                    not_submitted: false,
                })
                .collect(),
            column_numbers: Vec::new(),
            decimals: Some(2),
            pos: None,
        };
        Annex {
            edition: "e".into(),
            title: "Phụ lục".into(),
            subtitle: Vec::new(),
            tables: vec![table(2 * 8192 + 513), table(0), table(1), table(8192)],
        }
    }

    /// Tables of many windows of rows (and an empty one between) are written as serde_json writes
    /// them: the commas between pieces and between windows, the tables' order.
    #[test]
    fn windows_of_rows_are_serde_json_bytes() {
        let annex = large_annex();
        let ours = annex.to_json_compact().expect("json");
        let serde = serde_json::to_vec(&annex).expect("json");
        assert!(
            ours == serde,
            "the compact JSON of many windows differs from serde_json's"
        );
        // The same tables handed over one by one (as `annex::build_each` sends them) after the head:
        // the same bytes, and the tables back.
        let head = Annex {
            tables: Vec::new(),
            ..annex.clone()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        for t in annex.tables.clone() {
            tx.send(t).unwrap();
        }
        drop(tx);
        let mut streamed = Vec::new();
        let back = head
            .write_json_compact_with(rx, &mut streamed)
            .expect("json");
        assert!(
            streamed == serde,
            "the tables handed over one by one differ"
        );
        assert_eq!(back, annex.tables);
    }

    /// A writer that fails part way stops the writing with its error (the thread that makes the rows
    /// is not left waiting).
    #[test]
    fn a_failing_writer_stops_the_writing() {
        struct Full(usize);
        impl std::io::Write for Full {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let annex = large_annex();
        let e = annex
            .write_json_compact(&mut Full(1 << 20))
            .expect_err("the disk is full");
        assert_eq!(e.to_string(), "disk full");
    }

    proptest! {
        /// The hand-written rows of the compact JSON are byte for byte serde_json's, for every kind of
        /// cell, label (repeated, with quotes and control characters), rank and optional field.
        #[test]
        fn compact_rows_are_serde_json_bytes(tables in proptest::collection::vec(table(), 0..3)) {
            let annex = Annex {
                edition: "e".into(),
                title: "Phụ lục".into(),
                subtitle: vec!["(kèm theo)".into()],
                tables,
            };
            let ours = annex.to_json_compact().expect("json");
            let serde = serde_json::to_vec(&annex).expect("json");
            prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(serde).unwrap());
        }
    }
}
