//! Rank columns recomputed: which convention each table follows and every row that breaks it.
//!
//! A published rank column can follow dense ranking (1, 2, 2, 3) or competition ranking (1, 2, 2, 4), on
//! the printed totals or on totals rounded further. The audit recomputes every candidate for every
//! ranked block, takes the document's convention from the edition when there is one and otherwise from
//! the tie rule that breaks the fewest rows over the whole document (on printed totals: a reader can
//! only check ranks against what is printed), and then reports each block that fits another
//! convention better and each row whose rank the document's convention contradicts. Hòa Bình 2019's
//! district readiness table is the motivating case: its ranks (1, 1, 1, 2, 2, 2, 3 …) are dense ranks
//! of the totals rounded to whole points, so 22,1, 21,8 and 21,6 all share rank 2.

use rust_decimal::Decimal;

use super::checks::{printed_decimals, round, unit_pos};
use super::{BlockConvention, Cx, FindingKind, Msg, Severity, Shown, nums};
use crate::edition::Ties;
use crate::num::RoundingMode;
use crate::table::{RankCell, Table};

/// Which totals ranks are computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    /// The totals as printed.
    Printed,
    /// The totals rounded to this many decimals (fewer than printed).
    Rounded(u32),
}

/// A ranking convention: tie rule and the totals it ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Convention {
    pub ties: Ties,
    pub basis: Basis,
}

impl Convention {
    pub fn label_vi(&self) -> String {
        let ties = match self.ties {
            Ties::Dense => "đồng hạng không bỏ hạng (1, 2, 2, 3)",
            Ties::Competition => "đồng hạng có bỏ hạng (1, 2, 2, 4)",
        };
        match self.basis {
            Basis::Printed => format!("{ties} trên tổng điểm in"),
            Basis::Rounded(0) => format!("{ties} trên tổng điểm làm tròn đến hàng đơn vị"),
            Basis::Rounded(d) => format!("{ties} trên tổng điểm làm tròn đến {d} chữ số thập phân"),
        }
    }
    pub fn label_en(&self) -> String {
        let ties = match self.ties {
            Ties::Dense => "dense ranking (1, 2, 2, 3)",
            Ties::Competition => "competition ranking (1, 2, 2, 4)",
        };
        match self.basis {
            Basis::Printed => format!("{ties} on the printed totals"),
            Basis::Rounded(0) => format!("{ties} on totals rounded to whole points"),
            Basis::Rounded(d) => format!("{ties} on totals rounded to {d} decimals"),
        }
    }
    pub fn as_str(&self) -> String {
        let ties = match self.ties {
            Ties::Dense => "dense",
            Ties::Competition => "competition",
        };
        match self.basis {
            Basis::Printed => format!("{ties}/printed"),
            Basis::Rounded(d) => format!("{ties}/rounded:{d}"),
        }
    }
}

pub(crate) use crate::rank::rank;

fn apply_basis(values: &[Decimal], basis: Basis, mode: RoundingMode) -> Vec<Decimal> {
    match basis {
        Basis::Printed => values.to_vec(),
        Basis::Rounded(d) => values.iter().map(|v| round(*v, d, mode)).collect(),
    }
}

/// Rows of a table grouped by block, in table order (rows without a block form their own group).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub block: Option<crate::table::Text>,
    pub rows: Vec<usize>,
}

pub(crate) fn groups(t: &Table) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        match out.iter_mut().find(|g| g.block == r.block) {
            Some(g) => g.rows.push(ri),
            None => out.push(Group {
                block: r.block.clone(),
                rows: vec![ri],
            }),
        }
    }
    out
}

/// The label a block is printed with ("I"), for messages; `None` for a table's implicit single block.
pub(crate) fn block_label(t: &Table, id: Option<&str>) -> Option<String> {
    let id = id?;
    match t.block(id) {
        Some(b) => b.label.clone(),
        None => Some(id.to_string()),
    }
}

/// The block named after a message, " (khối I)" and " (block I)"; empty for a table's implicit single block.
pub(crate) fn block_suffix(t: &Table, id: Option<&str>) -> (String, String) {
    match block_label(t, id) {
        Some(b) => (format!(" (khối {b})"), format!(" (block {b})")),
        None => (String::new(), String::new()),
    }
}

fn has_rank(cell: &RankCell) -> bool {
    !matches!(cell, RankCell::Unranked)
}

/// Whether a group's units are meant to carry ranks: the block's flag (a block flagged ranked in which
/// no row has a rank is an importer's default, not a ranked block), and the majority for rows outside
/// any block.
pub(crate) fn expects_ranks(t: &Table, g: &Group) -> bool {
    let n = g.rows.len();
    let k = g
        .rows
        .iter()
        .filter(|&&ri| has_rank(&t.rows[ri].rank))
        .count();
    match g.block.as_deref().and_then(|b| t.block(b)) {
        Some(b) => b.ranked && k > 0,
        None => k > 0 && k * 2 >= n,
    }
}

/// The ranked rows of a group with a numeric total, and their totals.
fn ranked_rows(t: &Table, g: &Group) -> (Vec<usize>, Vec<Decimal>) {
    g.rows
        .iter()
        .filter(|&&ri| has_rank(&t.rows[ri].rank))
        .filter_map(|&ri| t.rows[ri].total.cell.number().map(|v| (ri, v)))
        .unzip()
}

/// The rows a group's ranks are computed over, and their totals: the ranked rows, and, when counting
/// them breaks fewer printed ranks under `ties`, also the rows of a ranked group whose rank cell is blank
/// but whose total is printed. A blank rank is either a unit left out of the ranking (the ranks after it
/// go on without it) or a rank the page failed to print ("(1) Sở A đạt 90,05%, Sở B đạt 90,02%, (3) …":
/// the ranks after it count it); each reading gives every other row a different expected rank, so the
/// one the printed ranks follow is taken, and on a tie the first (as the audit always read it).
fn counted_rows(t: &Table, g: &Group, judged: &[bool], ties: Ties) -> (Vec<usize>, Vec<Decimal>) {
    let (rows, values) = ranked_rows(t, g);
    if !expects_ranks(t, g) {
        return (rows, values);
    }
    let (all, all_values): (Vec<usize>, Vec<Decimal>) = g
        .rows
        .iter()
        .filter(|&&ri| has_rank(&t.rows[ri].rank) || !judged[ri])
        .filter_map(|&ri| t.rows[ri].total.cell.number().map(|v| (ri, v)))
        .unzip();
    if all.len() == rows.len() {
        return (rows, values);
    }
    let without = breaks(t, &rows, &rank(&values, ties));
    let with = breaks(t, &all, &rank(&all_values, ties));
    if with < without {
        (all, all_values)
    } else {
        (rows, values)
    }
}

fn breaks(t: &Table, rows: &[usize], computed: &[u32]) -> usize {
    rows.iter()
        .zip(computed)
        .filter(|(ri, c)| matches!(t.rows[**ri].rank, RankCell::Ranked(p) if p != **c))
        .count()
}

fn candidates(t: &Table, rows: &[usize]) -> Vec<Convention> {
    let max_dec = rows
        .iter()
        .filter_map(|&ri| printed_decimals(&t.rows[ri].total))
        .max()
        .unwrap_or(0);
    let mut out = vec![
        Convention {
            ties: Ties::Dense,
            basis: Basis::Printed,
        },
        Convention {
            ties: Ties::Competition,
            basis: Basis::Printed,
        },
    ];
    for d in (0..max_dec.min(6)).rev() {
        out.push(Convention {
            ties: Ties::Dense,
            basis: Basis::Rounded(d),
        });
        out.push(Convention {
            ties: Ties::Competition,
            basis: Basis::Rounded(d),
        });
    }
    out
}

pub(crate) fn run(cx: &mut Cx) {
    let tables = cx.tables;
    let mode = cx.rounding;
    // The document's tie rule: the edition's, else the one that breaks fewest rows on printed totals.
    let ties = match cx.opts.edition {
        Some(e) => e.ranking.ties,
        None => {
            let (mut dense, mut comp) = (0, 0);
            for (ti, t) in tables.iter().enumerate() {
                let judged = &cx.rank_status_judged[ti];
                for g in groups(t) {
                    for (ties, sum) in [(Ties::Dense, &mut dense), (Ties::Competition, &mut comp)] {
                        let (rows, values) = counted_rows(t, &g, judged, ties);
                        if excerpt(t, &g, &rows) {
                            continue;
                        }
                        *sum += breaks(t, &rows, &rank(&values, ties));
                    }
                }
            }
            if comp < dense {
                Ties::Competition
            } else {
                Ties::Dense
            }
        }
    };
    let any_ranked = tables
        .iter()
        .any(|t| t.rows.iter().any(|r| has_rank(&r.rank)));
    let doc = Convention {
        ties,
        basis: Basis::Printed,
    };
    cx.convention = any_ranked.then_some(doc);
    let from_edition = cx.opts.edition.is_some();

    for (ti, t) in tables.iter().enumerate() {
        for g in groups(t) {
            let (rows, values) = counted_rows(t, &g, &cx.rank_status_judged[ti], doc.ties);
            let expected = if excerpt(t, &g, &rows) {
                excerpt_ranks(t, &rows, &values)
            } else {
                rank(&values, doc.ties)
            };
            for (ri, e) in rows.iter().zip(&expected) {
                cx.expected_ranks[ti][*ri] = Some(*e);
            }
            let summary = if rows.is_empty() {
                BlockConvention {
                    block: g.block.as_deref().map(str::to_string),
                    fits: None,
                    breaks: 0,
                    ambiguous: false,
                }
            } else {
                let cands = candidates(t, &rows);
                let scored: Vec<(Convention, usize)> = cands
                    .iter()
                    .map(|c| {
                        (
                            *c,
                            breaks(
                                t,
                                &rows,
                                &rank(&apply_basis(&values, c.basis, mode), c.ties),
                            ),
                        )
                    })
                    .collect();
                let doc_breaks = breaks(t, &rows, &expected);
                // Fewest breaks; on a tie the document's convention, then printed before rounded.
                let best = scored
                    .iter()
                    .min_by_key(|(c, b)| (*b, *c != doc, c.basis != Basis::Printed))
                    .copied()
                    .unwrap_or((doc, doc_breaks));
                let ambiguous = rank(&values, Ties::Dense) == rank(&values, Ties::Competition);
                if doc_breaks > 0 && best.1 < doc_breaks && best.0 != doc {
                    let (b, bb) = best;
                    let source_vi = if from_edition {
                        "của bộ tiêu chí"
                    } else {
                        "mà các bảng khác của văn bản dùng"
                    };
                    let source_en = if from_edition {
                        "the edition's"
                    } else {
                        "the one the rest of the document uses"
                    };
                    let (block_vi, block_en) = block_suffix(t, g.block.as_deref());
                    cx.push(
                        FindingKind::RankConvention,
                        Severity::Warning,
                        ti,
                        None,
                        0,
                        t.pos.as_ref(),
                        Msg::new(
                            format!(
                                "cột xếp hạng{block_vi} khớp với cách xếp {} ({bb} dòng lệch), không theo cách {} {source_vi} ({doc_breaks} dòng lệch)",
                                b.label_vi(),
                                doc.label_vi()
                            ),
                            format!(
                                "the rank column{block_en} fits {} ({bb} rows off), not {}, {source_en} ({doc_breaks} rows off)",
                                b.label_en(),
                                doc.label_en()
                            ),
                        ),
                    )
                    .found(Shown::Text(b.as_str()))
                    .expected(Shown::Text(doc.as_str()))
                    .fix(
                        format!("xếp hạng lại theo cách {}", doc.label_vi()),
                        format!("re-rank with {}", doc.label_en()),
                    );
                }
                BlockConvention {
                    block: g.block.as_deref().map(str::to_string),
                    fits: Some(best.0),
                    breaks: best.1,
                    ambiguous,
                }
            };
            cx.summaries[ti].conventions.push(summary);

            for (k, &ri) in rows.iter().enumerate() {
                let r = &t.rows[ri];
                let want = expected[k];
                let pos = r.rank_pos().or(r.pos());
                let (tv, te) = nums(values[k]);
                match &r.rank {
                    RankCell::Ranked(p) if *p != want => {
                        cx.push(
                            FindingKind::RankMismatch,
                            Severity::Error,
                            ti,
                            Some(ri),
                            90,
                            pos,
                            Msg::new(
                                format!("xếp hạng {p}, nhưng với tổng điểm {tv} và cách xếp {} thì phải là {want}", doc.label_vi()),
                                format!("rank {p}, but with total {te} and {} it should be {want}", doc.label_en()),
                            ),
                        )
                        .found(Shown::Rank(*p))
                        .expected(Shown::Rank(want))
                        .fix(format!("sửa xếp hạng thành {want}"), format!("change the rank to {want}"));
                    }
                    RankCell::Invalid(s) => {
                        cx.push(
                            FindingKind::RankNotInteger,
                            Severity::Error,
                            ti,
                            Some(ri),
                            90,
                            pos,
                            Msg::new(
                                format!("ô xếp hạng ghi «{s}», không phải là số; theo tổng điểm {tv} thì hạng là {want}"),
                                format!("rank cell reads \"{s}\", not a number; total {te} gives rank {want}"),
                            ),
                        )
                        .found(Shown::Text(s.clone()))
                        .expected(Shown::Rank(want))
                        .fix(format!("sửa thành {want}"), format!("write {want}"));
                    }
                    _ => {}
                }
            }
            // Invalid ranks on rows without a numeric total still need reporting.
            for &ri in &g.rows {
                let r = &t.rows[ri];
                if let RankCell::Invalid(s) = &r.rank
                    && r.total.cell.number().is_none()
                {
                    cx.push(
                        FindingKind::RankNotInteger,
                        Severity::Error,
                        ti,
                        Some(ri),
                        90,
                        r.rank_pos().or(r.pos()),
                        Msg::new(
                            format!("ô xếp hạng ghi «{s}», không phải là số"),
                            format!("rank cell reads \"{s}\", not a number"),
                        ),
                    )
                    .found(Shown::Text(s.clone()))
                    .fix("ghi thứ hạng bằng chữ số", "write the rank in digits");
                }
            }
            blank_and_unexpected(cx, ti, &g, &values, doc.ties);
            row_order(cx, ti, &rows, &values);
        }
    }
}

/// Whether a group prints only some of a ranking's units: its printed ranks rise along its rows and
/// reach past its number of rows ("thứ nhất …, thứ hai …, thứ sáu …, thứ cuối bảng trong tổng số 20"),
/// so the units between were left out and a rank cannot be recomputed from the totals printed. Only a
/// group that numbers no row: a table printing TT numbers its rows one by one, so a rank past their count
/// there is a wrong rank (the planted-error property test plants exactly that), while the excerpts are
/// sentences that name a few places of a ranking.
fn excerpt(t: &Table, g: &Group, rows: &[usize]) -> bool {
    if rows.iter().any(|&ri| t.rows[ri].tt.is_some()) {
        return false;
    }
    let printed: Vec<u32> = rows
        .iter()
        .filter_map(|&ri| match t.rows[ri].rank {
            RankCell::Ranked(p) => Some(p),
            _ => None,
        })
        .collect();
    printed.len() == rows.len()
        && printed.windows(2).all(|w| w[0] < w[1])
        && printed
            .last()
            .is_some_and(|&last| last as usize > g.rows.len())
}

/// The ranks an excerpt's totals allow: its printed rank when no unit with a better rank has a lower
/// total, else the best printed rank among the units it outscores (it must rank at least as well).
fn excerpt_ranks(t: &Table, rows: &[usize], values: &[Decimal]) -> Vec<u32> {
    let printed: Vec<u32> = rows
        .iter()
        .map(|&ri| match t.rows[ri].rank {
            RankCell::Ranked(p) => p,
            _ => 0,
        })
        .collect();
    (0..rows.len())
        .map(|k| {
            (0..rows.len())
                .filter(|&j| values[j] < values[k] && printed[j] < printed[k])
                .map(|j| printed[j])
                .min()
                .unwrap_or(printed[k])
        })
        .collect()
}

fn blank_and_unexpected(
    cx: &mut Cx,
    ti: usize,
    g: &super::ranking::Group,
    values: &[Decimal],
    ties: Ties,
) {
    let t = &cx.tables[ti];
    let expect = expects_ranks(t, g);
    let label = block_label(t, g.block.as_deref());
    let block_vi = label
        .as_deref()
        .map(|b| format!("khối {b}"))
        .unwrap_or_else(|| "bảng".into());
    let block_en = label
        .as_deref()
        .map(|b| format!("block {b}"))
        .unwrap_or_else(|| "the table".into());
    for &ri in &g.rows {
        if cx.rank_status_judged[ti][ri] {
            continue;
        }
        let r = &t.rows[ri];
        let pos = r.rank_pos().or(r.pos());
        match (&r.rank, expect) {
            // Marked as not submitted, with nothing to rank: the annex says why it has no rank.
            (RankCell::Unranked, true) if r.not_submitted && r.total.cell.number().is_none() => {}
            (RankCell::Unranked, true) => {
                let would = r.total.cell.number().map(|v| {
                    let mut all = values.to_vec();
                    all.push(v);
                    *rank(&all, ties).last().expect("non-empty")
                });
                let f = cx.push(
                    FindingKind::RankMissing,
                    Severity::Error,
                    ti,
                    Some(ri),
                    90,
                    pos,
                    Msg::new(
                        format!("đơn vị thuộc {block_vi} có xếp hạng nhưng ô xếp hạng để trống"),
                        format!(
                            "the unit belongs to {block_en}, which is ranked, but its rank is blank"
                        ),
                    ),
                );
                f.found(Shown::Blank);
                match would {
                    Some(w) => {
                        f.expected(Shown::Rank(w)).fix(
                            format!(
                                "ghi xếp hạng {w}, hoặc chuyển đơn vị sang khối không xếp hạng"
                            ),
                            format!("write rank {w}, or move the unit to an unranked block"),
                        );
                    }
                    None => {
                        f.fix("ghi xếp hạng", "write the rank");
                    }
                }
            }
            (RankCell::Ranked(p), false) => {
                let p = *p;
                cx.push(
                    FindingKind::RankUnexpected,
                    Severity::Warning,
                    ti,
                    Some(ri),
                    90,
                    pos,
                    Msg::new(
                        format!("đơn vị thuộc {block_vi} không xếp hạng nhưng lại ghi hạng {p}"),
                        format!("the unit belongs to {block_en}, which is not ranked, but carries rank {p}"),
                    ),
                )
                .found(Shown::Rank(p))
                .expected(Shown::Blank)
                .fix("để trống ô xếp hạng", "leave the rank blank");
            }
            _ => {}
        }
    }
}

fn row_order(cx: &mut Cx, ti: usize, rows: &[usize], values: &[Decimal]) {
    let t = &cx.tables[ti];
    let inversions: Vec<usize> = (1..rows.len())
        .filter(|&k| values[k] > values[k - 1])
        .collect();
    // A table sorted by name with a rank column is a legitimate layout; only a table that is sorted by
    // total except for a few rows has rows out of order.
    let threshold = ((rows.len().saturating_sub(1)) / 3).max(1);
    if inversions.is_empty() || inversions.len() > threshold {
        return;
    }
    for k in inversions {
        let (ri, prev) = (rows[k], rows[k - 1]);
        let (tv, te) = nums(values[k]);
        let (pv, pe) = nums(values[k - 1]);
        let prev_unit = t.rows[prev].unit.clone();
        cx.push(
            FindingKind::RowOrder,
            Severity::Warning,
            ti,
            Some(ri),
            0,
            t.rows[ri].pos().cloned().or_else(|| unit_pos(&t.rows[ri])).as_ref(),
            Msg::new(
                format!("dòng sai thứ tự: tổng điểm {tv} nhưng đứng sau «{prev_unit}» có tổng điểm thấp hơn ({pv})"),
                format!("row out of order: total {te} stands below \"{prev_unit}\" with a lower total ({pe})"),
            ),
        )
        .found(Shown::Number(values[k]))
        .fix(format!("đưa dòng lên trên «{prev_unit}»"), format!("move the row above \"{prev_unit}\""));
    }
}
