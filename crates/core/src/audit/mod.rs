//! Audit of published annex tables: every inconsistency a careful reader would catch before signing.
//!
//! [`audit`] takes the tables of one decision (as an importer read them, keeping raw text and source
//! positions) and returns findings as values: it never fails on odd input, because odd input is exactly
//! what it is for. The checks fall in four families, each in its own module:
//!
//! - [`checks`]: one table at a time: component sums against totals (exact / explained by the rounding of
//!   the printed parts / not explained), TT numbering, the column-number row, precision anomalies, text
//!   that is not NFC, mixed-case typos, duplicate units, cells that are not numbers;
//! - [`ranking`]: rank columns recomputed under dense and competition ranking, on printed and rounded
//!   totals: which convention each table follows, every row that breaks the document's convention,
//!   letters in rank cells, blank and unexpected ranks, rows out of order;
//! - [`link`]: the overall table linked to its category tables by column labels and unit names (see
//!   [`crate::names`]): a unit's value in one against its total in the other, units ranked in one table
//!   and not in another, the same unit spelled two ways;
//! - [`impact`]: for each inconsistency that touches a total, the block's ranking under each reading and
//!   which units' ranks change — what a decision-maker needs to judge whether an error matters;
//! - [`edition_checks`]: with an edition, values above their maximum, units missing from a block and
//!   totals the edition's rules would compute differently (sums, and the weighted aggregation of tables
//!   that print fractions: DTI's Σ(index × points) ÷ 1000);
//! - [`claims`]: what the prose around the tables claims — counts followed by names, stated ranks,
//!   classification counts — against itself and the tables.
//!
//! [`render`] turns the result into the readable report (Vietnamese by default), Markdown and the JSON
//! contract of design.md. Findings are sorted in document order so that a reader can follow the report
//! with the printed decision in hand.

mod checks;
mod claims;
mod edition_checks;
mod impact;
mod link;
mod ranking;
mod render;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::edition::Edition;
use crate::names::{Aliases, MatchKind};
use crate::num::{self, RoundingMode};
use crate::table::{Place, Pos, Table};

pub use ranking::{Basis, Convention};
pub use render::{finding_line, render_markdown, render_text, to_json};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A published number or rank is wrong or cannot be reproduced.
    Error,
    /// Probably wrong, or harmful to reuse of the data (matching, search), but the ranking stands.
    Warning,
    /// Worth knowing; explained (rounding) or cosmetic.
    Info,
}

impl Severity {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Error => lang.tr("lỗi", "error"),
            Severity::Warning => lang.tr("cảnh báo", "warning"),
            Severity::Info => lang.tr("ghi chú", "note"),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What kind of inconsistency a finding is. The snake_case names are stable (JSON contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The parts do not add up to the printed total, and rounding cannot explain it.
    SumMismatch,
    /// The parts do not add up exactly, but the rounding of the printed numbers explains it.
    SumRounding,
    /// A unit's value in the overall table differs from its total in the category table.
    CrossTableMismatch,
    /// The same, but one is the other rounded to fewer decimals.
    CrossTableRounding,
    /// The table's ranks follow another convention than the document's (or the edition's).
    RankConvention,
    /// A printed rank differs from the rank the convention gives the printed total.
    RankMismatch,
    /// A rank cell holds something that is not a whole number ("I" for "1").
    RankNotInteger,
    /// A unit of a ranked block has a blank rank.
    RankMissing,
    /// A unit of an unranked block carries a rank.
    RankUnexpected,
    /// A unit is ranked in one table and unranked in another.
    RankedInconsistently,
    /// A row stands above a row with a higher total (or a better rank).
    RowOrder,
    /// TT numbers are not 1, 2, 3 … within the block.
    TtNumbering,
    /// The column-number row "(1) (2) …" is wrong or incomplete.
    ColumnNumbers,
    /// A number printed with more (or fewer) decimals than its column.
    Precision,
    /// Text stored in a Unicode form other than NFC (usually NFD from a Mac or a converter).
    NotNfc,
    /// The same unit spelled differently in different places.
    NameVariant,
    /// A capital letter inside a lower-case word ("đIện").
    CaseAnomaly,
    /// The same unit twice in one table.
    DuplicateUnit,
    /// A unit of one linked table is absent from the other.
    UnitNotFound,
    /// Text where a number is expected.
    NotANumber,
    /// A blank cell where the rest of the column has numbers.
    BlankValue,
    /// With an edition: a value above the maximum the edition gives its criterion.
    AboveMax,
    /// With an edition: a unit the edition's block requires is missing from a table.
    MissingUnit,
    /// With an edition: a total the edition's rules would compute differently (rounding, parts).
    EditionTotal,
    /// The prose announces a number of units and names another number ("4 đơn vị dẫn đầu" and five
    /// names), or counts a classification differently from the table.
    ClaimCount,
    /// The prose gives a unit another rank than the table ("xếp thứ 3" for the 4th).
    ClaimRank,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SumMismatch => "sum_mismatch",
            FindingKind::SumRounding => "sum_rounding",
            FindingKind::CrossTableMismatch => "cross_table_mismatch",
            FindingKind::CrossTableRounding => "cross_table_rounding",
            FindingKind::RankConvention => "rank_convention",
            FindingKind::RankMismatch => "rank_mismatch",
            FindingKind::RankNotInteger => "rank_not_integer",
            FindingKind::RankMissing => "rank_missing",
            FindingKind::RankUnexpected => "rank_unexpected",
            FindingKind::RankedInconsistently => "ranked_inconsistently",
            FindingKind::RowOrder => "row_order",
            FindingKind::TtNumbering => "tt_numbering",
            FindingKind::ColumnNumbers => "column_numbers",
            FindingKind::Precision => "precision",
            FindingKind::NotNfc => "not_nfc",
            FindingKind::NameVariant => "name_variant",
            FindingKind::CaseAnomaly => "case_anomaly",
            FindingKind::DuplicateUnit => "duplicate_unit",
            FindingKind::UnitNotFound => "unit_not_found",
            FindingKind::NotANumber => "not_a_number",
            FindingKind::BlankValue => "blank_value",
            FindingKind::AboveMax => "above_max",
            FindingKind::MissingUnit => "missing_unit",
            FindingKind::EditionTotal => "edition_total",
            FindingKind::ClaimCount => "claim_count",
            FindingKind::ClaimRank => "claim_rank",
        }
    }

    /// Whether the inconsistency changes a total that ranks are computed from (and so gets an impact).
    pub fn touches_total(self) -> bool {
        matches!(
            self,
            FindingKind::SumMismatch
                | FindingKind::SumRounding
                | FindingKind::CrossTableMismatch
                | FindingKind::CrossTableRounding
        )
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value shown in a finding (what was printed, what was expected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Number(Decimal),
    Rank(u32),
    Text(String),
    Blank,
    NotEvaluated,
}

impl Shown {
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Shown::Number(d) => fmt_num(*d, lang),
            Shown::Rank(r) => r.to_string(),
            Shown::Text(t) => visible(t),
            Shown::Blank => lang.tr("(trống)", "(blank)").to_string(),
            Shown::NotEvaluated => lang.tr("Không đánh giá", "not evaluated").to_string(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Shown::Number(d) => crate::table::decimal_json(*d),
            Shown::Rank(r) => serde_json::json!(r),
            Shown::Text(t) => serde_json::json!(t),
            Shown::Blank => serde_json::Value::Null,
            Shown::NotEvaluated => serde_json::json!("not_evaluated"),
        }
    }
}

/// Text with invisible characters made visible, so that a reader sees why "(7)" is "blank".
fn visible(t: &str) -> String {
    let mut out = String::new();
    for c in t.chars() {
        match c {
            '\u{a0}' => out.push_str("⟨U+00A0⟩"),
            '\u{200b}' => out.push_str("⟨U+200B⟩"),
            '\u{feff}' => out.push_str("⟨U+FEFF⟩"),
            '\t' => out.push_str("⟨tab⟩"),
            c => out.push(c),
        }
    }
    out
}

/// A message in both output languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    /// A message whose quoted parts («…» in Vietnamese, "…" in English) are each at most
    /// [`crate::text::QUOTE_CHARS`] characters: findings quote cells and names from the document, and
    /// a crafted cell of a megabyte must not make a megabyte of report line.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg {
            vi: crate::text::short_quotes(vi.into(), '«', '»'),
            en: crate::text::short_quotes(en.into(), '"', '"'),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// One inconsistency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// Id of the table ("" for text outside any table).
    pub table: String,
    pub table_title: String,
    /// The unit concerned, as printed (NFC), when the finding is about one row.
    pub unit: Option<String>,
    /// The line (text sources) or cell (spreadsheets) of the finding.
    pub pos: Option<Pos>,
    pub message: Msg,
    pub expected: Option<Shown>,
    pub found: Option<Shown>,
    /// What to change, in plain words.
    pub correction: Option<Msg>,
    /// Document order: section (table index + 1, 0 before the first table), then line or row/column.
    order: (usize, u64, u64),
}

impl Finding {
    /// The source line, or 0 when the source has no lines.
    pub fn line(&self) -> u32 {
        self.pos.as_ref().map_or(0, |p| p.line)
    }
}

/// A ranked unit under one reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedUnit {
    pub unit: String,
    pub total: Decimal,
    pub rank: u32,
}

/// A block's ranking under one reading of an inconsistency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub label: Msg,
    pub ranking: Vec<RankedUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankChange {
    pub unit: String,
    pub from: u32,
    pub to: u32,
}

/// What an inconsistency that touches a total does to a block's ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// Index of the finding in [`Audit::findings`].
    pub finding: usize,
    pub table: String,
    pub table_title: String,
    pub block: Option<String>,
    /// The unit whose total differs between the readings.
    pub unit: String,
    /// The convention the rankings are computed with.
    pub convention: Convention,
    /// As printed first, then the alternative reading.
    pub readings: Vec<Reading>,
    /// Units whose rank differs between the readings (first reading → second).
    pub changes: Vec<RankChange>,
}

/// A name matched to a unit of another table other than exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    pub table: String,
    pub unit: String,
    pub matched: String,
    pub kind: MatchKind,
    pub pos: Option<Pos>,
}

/// What the audit made of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableRole {
    /// Its value columns are the totals of the named category tables: (column label, table id).
    Overall {
        categories: Vec<(String, String)>,
    },
    /// Its total is a column of an overall table.
    Category {
        overall: String,
        column: String,
    },
    Standalone,
}

/// The ranking convention found for one block of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockConvention {
    pub block: Option<String>,
    /// The convention the printed ranks fit best (`None` when nothing is ranked).
    pub fits: Option<Convention>,
    /// Rows that break `fits`.
    pub breaks: usize,
    /// Whether the printed ranks fit dense and competition ranking equally (no ties).
    pub ambiguous: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub table: String,
    pub title: String,
    pub role: TableRole,
    pub conventions: Vec<BlockConvention>,
    /// Whether the total column is the sum of the value columns (checked row by row when true).
    pub total_is_sum: bool,
}

/// The result of an audit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audit {
    /// In document order.
    pub findings: Vec<Finding>,
    pub impacts: Vec<Impact>,
    pub name_matches: Vec<NameMatch>,
    pub tables: Vec<TableSummary>,
    /// The convention the document's rankings are checked against.
    pub convention: Option<Convention>,
}

impl Audit {
    pub fn has_findings(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The `egov audit` exit status: 0 without findings, 1 with.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.has_findings())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// What the audit may use besides the tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditOptions<'a> {
    /// Renames and mergers for matching units across tables and years.
    pub aliases: Option<&'a Aliases>,
    /// The edition the tables claim to follow: enables maximum, block and total checks, and fixes the
    /// tie convention and rounding instead of inferring them.
    pub edition: Option<&'a Edition>,
    /// The source text the tables were read from, when it was text: lets the audit check headings and
    /// headers for NFC, which the table model keeps only normalised.
    pub source_text: Option<&'a str>,
    /// For sources without lines (DOCX, XLSX), the paragraphs and cells whose raw text is not NFC,
    /// with their places: the same check as `source_text` gives a text file, so a heading or a header
    /// cell in NFD is found whatever the format.
    pub placed_text: &'a [(Pos, String)],
    /// How printed numbers were rounded (half-up unless the edition says otherwise).
    pub rounding: RoundingMode,
    /// The document's paragraphs outside tables with their places: what the prose claims ("4 đơn vị
    /// dẫn đầu" and the names after it, "xếp thứ 3", "14 cơ quan xếp loại Tốt") is checked against
    /// itself and the tables ([`claims`]).
    pub prose: &'a [(Pos, String)],
}

/// Audits published tables. Never fails: every oddity is a finding.
pub fn audit(tables: &[Table], opts: &AuditOptions) -> Audit {
    let mut cx = Cx::new(tables, opts);
    checks::run(&mut cx);
    link::run(&mut cx);
    ranking::run(&mut cx);
    edition_checks::run(&mut cx);
    claims::run(&mut cx);
    impact::run(&mut cx);
    cx.finish()
}

/// A change to a total that an impact must rank under.
#[derive(Debug, Clone)]
pub(crate) struct TotalIssue {
    /// Id of the finding (index in creation order).
    pub finding: usize,
    pub table: usize,
    pub row: usize,
    /// The total the alternative reading gives the row.
    pub alt_total: Decimal,
    pub label_printed: Msg,
    pub label_alt: Msg,
}

/// Shared state of one audit run.
pub(crate) struct Cx<'a> {
    pub tables: &'a [Table],
    pub opts: &'a AuditOptions<'a>,
    pub rounding: RoundingMode,
    pub findings: Vec<Finding>,
    pub issues: Vec<TotalIssue>,
    pub impacts: Vec<Impact>,
    pub name_matches: Vec<NameMatch>,
    pub summaries: Vec<TableSummary>,
    /// Resolved name key of every row, per table.
    pub keys: Vec<Vec<String>>,
    /// (overall table, column index, category table).
    pub links: Vec<(usize, usize, usize)>,
    /// Rows whose ranked/unranked status was already judged against another table.
    pub rank_status_judged: Vec<Vec<bool>>,
    /// Whether the row sums were checked (total is a sum of the columns), per table.
    pub total_is_sum: Vec<bool>,
    pub convention: Option<Convention>,
    /// The rank each ranked row should have under the document convention, per table and row.
    pub expected_ranks: Vec<Vec<Option<u32>>>,
}

impl<'a> Cx<'a> {
    fn new(tables: &'a [Table], opts: &'a AuditOptions<'a>) -> Cx<'a> {
        let keys = tables
            .iter()
            .map(|t| {
                t.rows
                    .iter()
                    .map(|r| crate::names::resolved_key(&r.unit, opts.aliases))
                    .collect()
            })
            .collect();
        let summaries = tables
            .iter()
            .map(|t| TableSummary {
                table: t.id.clone(),
                title: t.title.clone(),
                role: TableRole::Standalone,
                conventions: Vec::new(),
                total_is_sum: false,
            })
            .collect();
        Cx {
            tables,
            opts,
            rounding: opts.edition.map_or(opts.rounding, |e| e.rounding),
            findings: Vec::new(),
            issues: Vec::new(),
            impacts: Vec::new(),
            name_matches: Vec::new(),
            summaries,
            keys,
            links: Vec::new(),
            rank_status_judged: tables.iter().map(|t| vec![false; t.rows.len()]).collect(),
            total_is_sum: vec![false; tables.len()],
            convention: None,
            expected_ranks: tables.iter().map(|t| vec![None; t.rows.len()]).collect(),
        }
    }

    /// Records a finding about table `ti` (row `ri`, column `col` for ordering: 0 = header, then cells).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        ti: usize,
        ri: Option<usize>,
        col: usize,
        pos: Option<&Pos>,
        message: Msg,
    ) -> &mut Finding {
        let t = &self.tables[ti];
        let unit = ri.and_then(|r| t.rows.get(r)).map(|r| r.unit.to_string());
        let sub = match pos {
            Some(p) if p.line > 0 => u64::from(p.line) * 1000 + u64::from(p.column.min(999)),
            _ => ri.map_or(0, |r| (r as u64 + 1) * 1000) + col as u64,
        };
        self.findings.push(Finding {
            kind,
            severity,
            table: t.id.clone(),
            table_title: t.title.clone(),
            unit,
            pos: pos.cloned(),
            message,
            expected: None,
            found: None,
            correction: None,
            order: (ti + 1, sub, self.findings.len() as u64),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Records a finding about text at a place of a source without lines (`Sheet1!B2`, "bảng 1,
    /// hàng 2, ô 3"): it belongs to the first table read from the same sheet or document table, and
    /// comes before that table's own findings (headings and headers are above its rows).
    pub fn push_placed(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        pos: &Pos,
        message: Msg,
    ) -> &mut Finding {
        let same_container = |p: &Pos| match (&p.cell, &pos.cell) {
            (Some(Place::Sheet { sheet: a, .. }), Some(Place::Sheet { sheet: b, .. })) => a == b,
            (Some(Place::Table { table: a, .. }), Some(Place::Table { table: b, .. })) => a == b,
            _ => false,
        };
        let ti = self.tables.iter().position(|t| {
            t.pos.as_ref().is_some_and(same_container)
                || t.rows.iter().filter_map(|r| r.pos()).any(same_container)
        });
        let section = ti.map_or(self.tables.len() + 1, |i| i + 1);
        self.push_outside(kind, severity, ti, pos.clone(), message, (section, 0))
    }

    /// A finding outside the rows of a table (no unit), belonging to table `ti` if any, in document
    /// order `(section, place in it)`.
    fn push_outside(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        ti: Option<usize>,
        pos: Pos,
        message: Msg,
        (section, sub): (usize, u64),
    ) -> &mut Finding {
        let (table, table_title) = ti
            .map(|i| (self.tables[i].id.clone(), self.tables[i].title.clone()))
            .unwrap_or_default();
        self.findings.push(Finding {
            kind,
            severity,
            table,
            table_title,
            unit: None,
            pos: Some(pos),
            message,
            expected: None,
            found: None,
            correction: None,
            order: (section, sub, self.findings.len() as u64),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Records a finding about source text outside the table model (a heading, a header cell).
    pub fn push_text(
        &mut self,
        kind: FindingKind,
        severity: Severity,
        line: u32,
        message: Msg,
    ) -> &mut Finding {
        // A line belongs to the first table that ends at or after it: inside that table, or a heading
        // printed above it.
        let end = |t: &Table| {
            t.rows
                .iter()
                .flat_map(|r| [r.pos(), r.rank_pos(), r.total.pos()])
                .flatten()
                .map(|p| p.line)
                .chain(t.pos.as_ref().map(|p| p.line))
                .max()
                .unwrap_or(0)
        };
        let section = self
            .tables
            .iter()
            .position(|t| end(t) >= line)
            .map_or(self.tables.len() + 1, |i| i + 1);
        let before_first = self
            .tables
            .first()
            .and_then(|t| t.pos.as_ref())
            .is_some_and(|p| line < p.line);
        let ti = match self.tables.get(section.wrapping_sub(1)) {
            Some(_) if !before_first => Some(section - 1),
            _ => None,
        };
        self.push_outside(
            kind,
            severity,
            ti,
            Pos::line(line, 1),
            message,
            (section, u64::from(line) * 1000 + 1),
        )
    }

    fn finish(mut self) -> Audit {
        for (i, s) in self.summaries.iter_mut().enumerate() {
            s.total_is_sum = self.total_is_sum[i];
        }
        let mut order: Vec<usize> = (0..self.findings.len()).collect();
        order.sort_by_key(|&i| self.findings[i].order);
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Finding>> = self.findings.into_iter().map(Some).collect();
        let findings: Vec<Finding> = order
            .iter()
            .map(|&i| slots[i].take().expect("each once"))
            .collect();
        let mut impacts = self.impacts;
        for im in &mut impacts {
            im.finding = new_index[im.finding];
        }
        impacts.sort_by_key(|im| im.finding);
        Audit {
            findings,
            impacts,
            name_matches: self.name_matches,
            tables: self.summaries,
            convention: self.convention,
        }
    }
}

impl Finding {
    pub(crate) fn expected(&mut self, v: Shown) -> &mut Finding {
        self.expected = Some(v);
        self
    }
    pub(crate) fn found(&mut self, v: Shown) -> &mut Finding {
        self.found = Some(v);
        self
    }
    pub(crate) fn fix(&mut self, vi: impl Into<String>, en: impl Into<String>) -> &mut Finding {
        self.correction = Some(Msg::new(vi, en));
        self
    }
}

/// A number as the reader's language writes it, with the decimals it carries.
pub fn fmt_num(d: Decimal, lang: Lang) -> String {
    let scale = d.scale();
    match lang {
        Lang::Vi => num::format_vi(d, scale, RoundingMode::HalfUp),
        Lang::En => num::format_en(d, scale, RoundingMode::HalfUp),
    }
}

/// Both language forms of a number, for building messages.
pub(crate) fn nums(d: Decimal) -> (String, String) {
    (fmt_num(d, Lang::Vi), fmt_num(d, Lang::En))
}

#[cfg(test)]
mod quote_tests {
    use super::*;

    #[test]
    fn long_quotes_in_messages_are_cut() {
        let long = "x".repeat(5000);
        let m = Msg::new(
            format!("ô «{long}» và «ngắn»"),
            format!("cell \"{long}\" and \"short\""),
        );
        let want_x = "x".repeat(crate::text::QUOTE_CHARS);
        assert_eq!(m.vi, format!("ô «{want_x}…» và «ngắn»"));
        assert_eq!(m.en, format!("cell \"{want_x}…\" and \"short\""));
        let plain = Msg::new("«a» b", "\"a\" b");
        assert_eq!((plain.vi.as_str(), plain.en.as_str()), ("«a» b", "\"a\" b"));
    }
}
