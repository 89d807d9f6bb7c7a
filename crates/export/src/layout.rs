//! The shared view of an annex table that every document format draws.
//!
//! A published annex table has a fixed shape (Hòa Bình 2019 and the MIC tables alike): "TT" and "Đơn vị"
//! columns, the value columns under a merged group header ("Điểm"), the total, the rank; a second header
//! row with the value columns' own labels; the column-number row "(1) (2) …"; block rows ("I" + title)
//! before each labelled block; then one line per unit. [`TableView`] computes that shape once, with every
//! cell already formatted for the language (decimal comma in Vietnamese, the column's decimals, blank rank
//! for unranked units, "Không đánh giá"), so the text, Markdown, HTML, DOCX and PDF renderers only place
//! strings and can never disagree about a number.

use egov_core::num::{self, RoundingMode};
use egov_core::table::{Annex, Cell, RankCell, Row, Table};
use egov_core::text;
use rust_decimal::Decimal;

use crate::{Lang, RenderOptions};

/// Text as every format shows it: cleaned (NFC, spaces) and without characters no document may hold
/// (replaced by U+FFFD, see [`crate::xml`]), so no renderer has to think about them.
pub fn clean(s: &str) -> String {
    crate::xml::safe(&text::clean(s)).into_owned()
}

/// The fixed texts of an export in one language.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    pub tt: &'static str,
    pub unit: &'static str,
    pub not_evaluated: &'static str,
    pub decision_prefix: &'static str,
    pub decision_date: &'static str,
    pub decision_of: &'static str,
}

impl Labels {
    pub fn of(lang: Lang) -> Labels {
        match lang {
            Lang::Vi => Labels {
                tt: "TT",
                unit: "Đơn vị",
                not_evaluated: "Không đánh giá",
                decision_prefix: "Ban hành kèm theo Quyết định số",
                decision_date: "ngày",
                decision_of: "của",
            },
            Lang::En => Labels {
                tt: "No.",
                unit: "Unit",
                not_evaluated: "Not evaluated",
                decision_prefix: "Issued with Decision No.",
                decision_date: "dated",
                decision_of: "of",
            },
        }
    }
}

/// How a cell's text is aligned when a format aligns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One header cell: its text and how many grid columns/rows it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadCell {
    pub text: String,
    /// First grid column (0-based) the cell covers.
    pub col: usize,
    pub colspan: usize,
    pub rowspan: usize,
}

/// A printed value of a unit's row, with the exact number behind it when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCell {
    pub text: String,
    pub number: Option<Decimal>,
    /// Decimals the number is printed with.
    pub decimals: u32,
}

/// A body line of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// "I  Chỉ số và xếp hạng đối với …": the block's label in the TT column and its title across the rest.
    Block { label: String, title: String },
    /// A unit's row. `values` holds the value columns, then the total.
    Unit {
        tt: String,
        unit: String,
        values: Vec<ValueCell>,
        rank: String,
        rank_number: Option<u32>,
        /// Index of the row in `Table::rows`.
        row: usize,
    },
}

/// A table with more grid columns than this is laid out on a landscape page, in the DOCX and the PDF alike.
const PORTRAIT_MAX_COLUMNS: usize = 6;

/// Page orientation of a table: the DOCX's sections and the PDF's pages, one per run of tables of the
/// same orientation. The rule both documents use is measured with the annex's font
/// (`pdf::orientation`: portrait when the table fits a portrait page at the body size with every name
/// on one line); [`Orientation::of`], by column count, is its fallback when no font can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    pub fn of(v: &TableView<'_>) -> Orientation {
        if v.width() > PORTRAIT_MAX_COLUMNS {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }
}

/// A table laid out for printing. Grid columns: TT, unit, the value columns, total, rank.
#[derive(Debug, Clone)]
pub struct TableView<'a> {
    pub table: &'a Table,
    pub title: String,
    pub part: Option<String>,
    /// One or two header rows; `header[r]` holds the cells that *start* on row `r`.
    pub header: Vec<Vec<HeadCell>>,
    /// The header flattened to one label per grid column ("Điểm: Cơ sở hạ tầng thông tin").
    pub flat_header: Vec<String>,
    /// "(1)", "(2)", … one per grid column.
    pub column_numbers: Vec<String>,
    pub lines: Vec<Line>,
    /// Decimals of each value column and of the total (last), for formats that store numbers.
    pub decimals: Vec<Option<u32>>,
    /// Alignment of each grid column in the body: TT and rank centred, the unit left, numbers right
    /// (an errata table has text columns too, left-aligned and wrapping like the unit's).
    pub aligns: Vec<Align>,
}

impl TableView<'_> {
    /// Number of grid columns.
    pub fn width(&self) -> usize {
        self.table.columns.len() + 4
    }

    /// Alignment of a grid column in the body.
    pub fn align(&self, col: usize) -> Align {
        self.aligns.get(col).copied().unwrap_or(Align::Right)
    }

    /// A column of running text (wraps between words), rather than of numbers and short labels.
    pub fn is_text(&self, col: usize) -> bool {
        col > 0 && self.align(col) == Align::Left
    }
}

/// The alignments of an annex table's grid columns.
fn annex_aligns(width: usize) -> Vec<Align> {
    (0..width)
        .map(|col| {
            if col == 0 || col == width - 1 {
                Align::Center
            } else if col == 1 {
                Align::Left
            } else {
                Align::Right
            }
        })
        .collect()
}

/// The grid an errata table is laid out on: a table model with the errata's two middle columns, so
/// that [`errata_view`] has a [`Table`] to point to (its rows stay empty; the view holds the texts).
pub fn errata_table(lang: Lang) -> Table {
    Table {
        id: "errata".into(),
        title: crate::frame::errata_title(lang).into(),
        columns: vec![egov_core::table::Column::default(); 2],
        ..Table::default()
    }
}

/// The errata as a table view: a block line per table of the decision (its title), then TT, unit,
/// column, published, recomputed, reason. `table` is [`errata_table`].
pub fn errata_view<'a>(
    table: &'a Table,
    errata: &[crate::frame::Erratum],
    lang: Lang,
) -> TableView<'a> {
    let labels = Labels::of(lang);
    let header: Vec<String> = vec![
        labels.tt.into(),
        labels.unit.into(),
        lang.tr("Cột", "Column").into(),
        lang.tr("Đã công bố", "Published").into(),
        lang.tr("Tính lại", "Recomputed").into(),
        lang.tr("Lý do", "Reason").into(),
    ];
    let text = |t: &str| ValueCell {
        text: clean(t),
        number: None,
        decimals: 0,
    };
    let mut lines = Vec::with_capacity(errata.len() + 8);
    let mut current: Option<&str> = None;
    let mut groups = 0;
    for (i, e) in errata.iter().enumerate() {
        if current != Some(e.table.as_str()) {
            current = Some(e.table.as_str());
            groups += 1;
            lines.push(Line::Block {
                // The annex's own block-label scheme.
                label: egov_core::annex::roman(groups),
                title: clean(&e.table),
            });
        }
        lines.push(Line::Unit {
            tt: (i + 1).to_string(),
            unit: clean(&e.unit),
            values: vec![text(&e.column), text(&e.published), text(&e.recomputed)],
            rank: clean(&e.reason),
            rank_number: None,
            row: i,
        });
    }
    TableView {
        table,
        title: clean(&table.title),
        part: None,
        header: vec![
            header
                .iter()
                .enumerate()
                .map(|(col, h)| HeadCell {
                    text: h.clone(),
                    col,
                    colspan: 1,
                    rowspan: 1,
                })
                .collect(),
        ],
        column_numbers: (1..=header.len()).map(|k| format!("({k})")).collect(),
        flat_header: header,
        lines,
        decimals: vec![None; 3],
        aligns: vec![
            Align::Center,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
    }
}

/// The heading lines printed above the tables: the annex title, then the decision line (from the options
/// when given, else the annex's own subtitle lines).
pub fn heading(annex: &Annex, opts: &RenderOptions) -> (String, Vec<String>) {
    let labels = Labels::of(opts.lang);
    let mut lines = Vec::new();
    if let Some(f) = &opts.frame {
        // The frame says which decision the annex goes with, or that it is a recomputation: the
        // annex's own "(Ban hành kèm theo …)" line would claim what the frame does not.
        match (&f.provenance, &opts.decision) {
            (crate::frame::Provenance::Issued, Some(d)) => {
                lines.push(crate::frame::reference_line(d, opts.lang))
            }
            (crate::frame::Provenance::Issued, None) => {}
            (crate::frame::Provenance::Recomputed { .. }, _) => {
                lines.extend(f.text(opts.lang).note)
            }
        }
        lines.extend(annex.subtitle.iter().map(|s| clean(s)).filter(|s| {
            !s.is_empty() && !s.starts_with("(Ban hành kèm theo") && !s.starts_with("(Kèm theo")
        }));
        return (clean(&annex.title), lines);
    }
    if let Some(d) = &opts.decision {
        let mut line = format!(
            "({} {} {} {}",
            labels.decision_prefix,
            clean(&d.number),
            labels.decision_date,
            clean(&d.date)
        );
        if let Some(issuer) = d.issuer.as_deref().map(clean).filter(|s| !s.is_empty()) {
            line.push(' ');
            line.push_str(labels.decision_of);
            line.push(' ');
            line.push_str(&issuer);
        }
        line.push(')');
        lines.push(line);
        // The annex's own decision line would now say the same thing twice (or contradict it).
        lines.extend(
            annex
                .subtitle
                .iter()
                .map(|s| clean(s))
                .filter(|s| !s.is_empty() && !s.starts_with("(Ban hành kèm theo")),
        );
    } else {
        lines.extend(
            annex
                .subtitle
                .iter()
                .map(|s| clean(s))
                .filter(|s| !s.is_empty()),
        );
    }
    (clean(&annex.title), lines)
}

/// Formats a number for the language with `decimals` places (the value is already rounded by the annex
/// builder; formatting at the same scale changes no digit).
pub fn format_number(value: Decimal, decimals: u32, lang: Lang) -> String {
    match lang {
        Lang::Vi => num::format_vi(value, decimals, RoundingMode::HalfUp),
        Lang::En => num::format_en(value, decimals, RoundingMode::HalfUp),
    }
}

fn value_cell(cell: &Cell, decimals: Option<u32>, labels: &Labels, lang: Lang) -> ValueCell {
    match cell {
        Cell::Number(d) => {
            let dp = decimals.unwrap_or(d.scale());
            ValueCell {
                text: format_number(*d, dp, lang),
                number: Some(*d),
                decimals: dp,
            }
        }
        Cell::NotEvaluated => ValueCell {
            text: labels.not_evaluated.to_string(),
            number: None,
            decimals: 0,
        },
        Cell::Blank => ValueCell {
            text: String::new(),
            number: None,
            decimals: 0,
        },
        Cell::Text(t) => ValueCell {
            text: clean(t),
            number: None,
            decimals: 0,
        },
    }
}

/// The rank as printed: the number, blank when unranked, the verbatim text when invalid.
pub fn rank_text(rank: &RankCell) -> String {
    match rank {
        RankCell::Ranked(n) => n.to_string(),
        RankCell::Unranked => String::new(),
        RankCell::Invalid(t) => clean(t),
    }
}

/// Lays out one table.
pub fn view<'a>(table: &'a Table, lang: Lang) -> TableView<'a> {
    let labels = Labels::of(lang);
    let n = table.columns.len();
    let width = n + 4;
    let two_rows = table.columns.iter().any(|c| c.group.is_some());
    let span = if two_rows { 2 } else { 1 };

    let mut top = vec![
        HeadCell {
            text: labels.tt.into(),
            col: 0,
            colspan: 1,
            rowspan: span,
        },
        HeadCell {
            text: labels.unit.into(),
            col: 1,
            colspan: 1,
            rowspan: span,
        },
    ];
    let mut second = Vec::new();
    let mut flat = vec![labels.tt.to_string(), labels.unit.to_string()];
    let mut i = 0;
    while i < n {
        let group = table.columns[i].group.as_deref().map(clean);
        let mut j = i + 1;
        while j < n && table.columns[j].group.as_deref().map(clean) == group {
            j += 1;
        }
        match group {
            Some(g) => {
                top.push(HeadCell {
                    text: g.clone(),
                    col: i + 2,
                    colspan: j - i,
                    rowspan: 1,
                });
                for (k, c) in table.columns[i..j].iter().enumerate() {
                    let label = clean(&c.label);
                    second.push(HeadCell {
                        text: label.clone(),
                        col: i + k + 2,
                        colspan: 1,
                        rowspan: 1,
                    });
                    flat.push(format!("{g}: {label}"));
                }
            }
            None => {
                for (k, c) in table.columns[i..j].iter().enumerate() {
                    let label = clean(&c.label);
                    top.push(HeadCell {
                        text: label.clone(),
                        col: i + k + 2,
                        colspan: 1,
                        rowspan: span,
                    });
                    flat.push(label);
                }
            }
        }
        i = j;
    }
    let total_label = clean(&table.total_label);
    let rank_label = clean(&table.rank_label);
    top.push(HeadCell {
        text: total_label.clone(),
        col: n + 2,
        colspan: 1,
        rowspan: span,
    });
    top.push(HeadCell {
        text: rank_label.clone(),
        col: n + 3,
        colspan: 1,
        rowspan: span,
    });
    flat.push(total_label);
    flat.push(rank_label);
    let header = if two_rows {
        vec![top, second]
    } else {
        vec![top]
    };

    // The printed column-number row when the table carries one of the right width, else (1)…(n).
    let column_numbers = if table.column_numbers.len() == width {
        table
            .column_numbers
            .iter()
            .map(|e| value_cell(&e.cell, Some(0), &labels, lang).text)
            .collect()
    } else {
        (1..=width).map(|k| format!("({k})")).collect()
    };

    let mut decimals: Vec<Option<u32>> = table
        .columns
        .iter()
        .map(|c| c.decimals.or(table.decimals))
        .collect();
    decimals.push(table.decimals);

    let mut lines = Vec::with_capacity(table.rows.len() + table.blocks.len());
    let mut current_block: Option<&str> = None;
    for (idx, row) in table.rows.iter().enumerate() {
        if row.block.as_deref() != current_block {
            current_block = row.block.as_deref();
            if let Some(b) = current_block.and_then(|id| table.block(id))
                && let Some(label) = &b.label
            {
                lines.push(Line::Block {
                    label: clean(label),
                    title: b.title.as_deref().map(clean).unwrap_or_default(),
                });
            }
        }
        lines.push(unit_line(row, idx, &decimals, &labels, lang));
    }

    TableView {
        table,
        title: clean(&table.title),
        // A document that titles a table with its part heading (as the overall tables of Hòa Bình
        // 2019 do, read back by `--as-published`) prints it once.
        part: table
            .part
            .as_deref()
            .map(clean)
            .filter(|p| !p.is_empty() && *p != clean(&table.title)),
        header,
        flat_header: flat,
        column_numbers,
        lines,
        decimals,
        aligns: annex_aligns(width),
    }
}

fn unit_line(row: &Row, idx: usize, decimals: &[Option<u32>], labels: &Labels, lang: Lang) -> Line {
    let mut values: Vec<ValueCell> = row
        .values
        .iter()
        .enumerate()
        .map(|(k, e)| value_cell(&e.cell, decimals.get(k).copied().flatten(), labels, lang))
        .collect();
    // A short row (fewer entries than columns) prints blanks rather than shifting the total left.
    let n = decimals.len() - 1;
    values.resize(
        n,
        ValueCell {
            text: String::new(),
            number: None,
            decimals: 0,
        },
    );
    values.push(value_cell(&row.total.cell, decimals[n], labels, lang));
    Line::Unit {
        tt: row.tt.as_deref().map(clean).unwrap_or_default(),
        unit: clean(&row.unit),
        values,
        // A unit that submitted nothing says so where its rank is (the edition's policy let it in).
        rank: match (row.not_submitted, &row.rank) {
            (false, rank) => rank_text(rank),
            (true, RankCell::Ranked(n)) => {
                format!("{n} ({})", lang.tr("không nộp", "not submitted"))
            }
            (true, _) => lang.tr("Không nộp", "Not submitted").to_string(),
        },
        // A not-submitted mark makes the cell text ("3 (không nộp)"): a bare number would hide it.
        rank_number: match row.rank {
            RankCell::Ranked(r) if !row.not_submitted => Some(r),
            _ => None,
        },
        row: idx,
    }
}

impl Line {
    /// The line's cells, one per grid column (a block line puts its title in the unit column).
    pub fn cells(&self, width: usize) -> Vec<String> {
        match self {
            Line::Block { label, title } => {
                let mut v = vec![label.clone(), title.clone()];
                v.resize(width, String::new());
                v
            }
            Line::Unit {
                tt,
                unit,
                values,
                rank,
                ..
            } => {
                let mut v = Vec::with_capacity(width);
                v.push(tt.clone());
                v.push(unit.clone());
                v.extend(values.iter().map(|c| c.text.clone()));
                v.push(rank.clone());
                v
            }
        }
    }
}

/// Whether a table's part heading must be printed before it (the first table of each part).
pub fn parts_to_print(annex: &Annex) -> Vec<bool> {
    let mut prev: Option<String> = None;
    annex
        .tables
        .iter()
        .map(|t| {
            let p = t.part.as_deref().map(clean).filter(|p| !p.is_empty());
            let print = p.is_some() && p != prev;
            prev = p;
            print
        })
        .collect()
}
