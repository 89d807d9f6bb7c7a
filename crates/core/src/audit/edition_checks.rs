//! Checks that need the edition the tables claim to follow: maxima, complete blocks, totals by the rules.
//!
//! A printed table is matched to a table of the edition's annex layout by title (name key) and, when
//! two layouts share a title (the department and the district category tables do), by the enclosing
//! part heading; failing that, by position when the document has as many tables as the layout. Each
//! value column is then the layout's column at the same index, whose criteria node gives the maximum.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::checks::{SumClass, classify_sum, round, row_parts, shown_decimals, typed_decimals};
use super::{Cx, FindingKind, Msg, Severity, Shown, nums};
use crate::edition::{ColumnSource, Edition, Show, TableLayout};
use crate::names;
use crate::table::Table;

pub(crate) fn run(cx: &mut Cx) {
    let Some(edition) = cx.opts.edition else {
        return;
    };
    let tables = cx.tables;
    let layouts = match_layouts(tables, edition);
    for (ti, layout) in layouts.iter().enumerate() {
        let Some(li) = layout else { continue };
        let l = &edition.annex.tables[*li];
        above_max(cx, ti, edition, l);
        totals(cx, ti, edition, l);
        weighted_totals(cx, ti, edition, l);
    }
    missing_units(cx, &layouts, edition);
}

fn same_title(a: &str, b: &str) -> bool {
    let (a, b) = (names::key(a), names::key(b));
    !a.is_empty() && !b.is_empty() && (a == b || a.contains(&b) || b.contains(&a))
}

/// The layout table each printed table follows, if any.
pub(crate) fn match_layouts(tables: &[Table], edition: &Edition) -> Vec<Option<usize>> {
    let layouts = &edition.annex.tables;
    let mut used = BTreeSet::new();
    let mut out = vec![None; tables.len()];
    for (ti, t) in tables.iter().enumerate() {
        let candidates: Vec<usize> = (0..layouts.len())
            .filter(|li| !used.contains(li) && same_title(&t.title, &layouts[*li].title))
            .collect();
        let chosen = match candidates.len() {
            0 => None,
            1 => Some(candidates[0]),
            _ => candidates
                .iter()
                .copied()
                .find(|&li| match (&t.part, &layouts[li].part) {
                    (Some(a), Some(b)) => same_title(a, b),
                    _ => false,
                })
                .or(Some(candidates[0])),
        };
        if let Some(li) = chosen {
            used.insert(li);
            out[ti] = Some(li);
        }
    }
    if out.iter().all(Option::is_none) && tables.len() == layouts.len() {
        return (0..tables.len()).map(Some).collect();
    }
    // A page that titles its table otherwise ("Xếp hạng chi tiết") and prints other lists beside it: a
    // layout left unmatched takes the one unmatched table with its columns (all of them, or its criteria
    // columns without the inputs shown for information).
    for (li, l) in layouts.iter().enumerate() {
        if used.contains(&li) {
            continue;
        }
        let fits: Vec<usize> = (0..tables.len())
            .filter(|&ti| {
                out[ti].is_none()
                    && !tables[ti].columns.is_empty()
                    && (tables[ti].columns.len() == l.columns.len()
                        || tables[ti].columns.len() == l.node_columns().count())
            })
            .collect();
        if let [ti] = fits[..] {
            used.insert(li);
            out[ti] = Some(li);
        }
    }
    out
}

/// The criteria node of each printed column: the layout's column at the same index, or, when the table
/// prints only the criteria columns, the layout's criteria columns in order.
fn printed_nodes(t: &Table, l: &TableLayout) -> Option<Vec<Option<usize>>> {
    if t.columns.len() == l.columns.len() {
        return Some(
            l.columns
                .iter()
                .map(|c| match c.source {
                    ColumnSource::Node(n) => Some(n),
                    ColumnSource::Input(_) => None,
                })
                .collect(),
        );
    }
    let nodes: Vec<usize> = l.node_columns().collect();
    (t.columns.len() == nodes.len()).then(|| nodes.into_iter().map(Some).collect())
}

fn node_max(edition: &Edition, l: &TableLayout, node: usize) -> Option<Decimal> {
    let n = edition.nodes.get(node)?;
    Some(match l.show {
        Show::Points => n.max,
        Show::Fraction => Decimal::ONE,
    })
}

fn above_max(cx: &mut Cx, ti: usize, edition: &Edition, l: &TableLayout) {
    let t = &cx.tables[ti];
    let mut hits = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        for (c, e) in r.values.iter().enumerate().take(t.columns.len()) {
            let Some(ColumnSource::Node(n)) = l.columns.get(c).map(|cl| &cl.source) else {
                continue;
            };
            if let (Some(v), Some(max)) = (e.cell.number(), node_max(edition, l, *n))
                && v > max
            {
                hits.push((ri, c, v, max, e.pos().cloned(), t.columns[c].label.clone()));
            }
        }
        if let (Some(v), Some(max)) = (r.total.cell.number(), node_max(edition, l, l.node))
            && v > max
        {
            hits.push((
                ri,
                t.columns.len(),
                v,
                max,
                r.total.pos().cloned(),
                t.total_label.clone(),
            ));
        }
    }
    for (ri, c, v, max, pos, label) in hits {
        let (vv, ve) = nums(v);
        let (mv, me) = nums(max);
        let pos = pos.or_else(|| cx.tables[ti].rows[ri].pos().cloned());
        cx.push(
            FindingKind::AboveMax,
            Severity::Error,
            ti,
            Some(ri),
            c + 2,
            pos.as_ref(),
            Msg::new(
                format!(
                    "«{label}» ghi {vv}, vượt điểm tối đa {mv} của bộ tiêu chí {}",
                    edition.id
                ),
                format!(
                    "\"{label}\" is {ve}, above the maximum {me} of edition {}",
                    edition.id
                ),
            ),
        )
        .found(Shown::Number(v))
        .expected(Shown::Number(max))
        .fix(
            format!("kiểm tra lại điểm; không được vượt {mv}"),
            format!("check the points; they cannot exceed {me}"),
        );
    }
}

/// Totals that the edition's decimals and rounding mode would print differently from the parts.
fn totals(cx: &mut Cx, ti: usize, edition: &Edition, l: &TableLayout) {
    let t = &cx.tables[ti];
    let Some(node) = edition.nodes.get(l.node) else {
        return;
    };
    let column_nodes: Vec<usize> = l.node_columns().collect();
    // Only when the columns are exactly the total's children is the total their sum by the rules.
    let mut children = node.children.clone();
    children.sort_unstable();
    let mut cols = column_nodes.clone();
    cols.sort_unstable();
    if children.is_empty()
        || children != cols
        || l.show != Show::Points
        || t.columns.len() != l.columns.len()
    {
        return;
    }
    let mut hits = Vec::new();
    let typed = typed_decimals(t);
    for (ri, r) in t.rows.iter().enumerate() {
        let (Some(parts), Some(total)) = (row_parts(t, r, typed), r.total.cell.number()) else {
            continue;
        };
        let td = shown_decimals(&r.total, typed);
        let Some((sum, class)) = classify_sum(&parts, total, td, cx.rounding) else {
            continue;
        };
        // Unexplained sums are already sum_mismatch findings.
        if matches!(class, SumClass::Exact | SumClass::Unexplained) {
            continue;
        }
        let by_rules = round(sum, l.decimals, edition.rounding);
        if by_rules != total {
            hits.push((ri, total, sum, by_rules, r.total.pos().cloned()));
        }
    }
    for (ri, total, sum, by_rules, pos) in hits {
        let (tv, te) = nums(total);
        let (sv, se) = nums(sum);
        let (bv, be) = nums(by_rules);
        let pos = pos.or_else(|| cx.tables[ti].rows[ri].pos().cloned());
        let d = l.decimals;
        cx.push(
            FindingKind::EditionTotal,
            Severity::Warning,
            ti,
            Some(ri),
            cx.tables[ti].columns.len() + 2,
            pos.as_ref(),
            Msg::new(
                format!("tổng điểm {tv}; theo quy tắc của bộ tiêu chí {} (cộng {sv}, làm tròn {d} chữ số thập phân) thì là {bv}", edition.id),
                format!("total {te}; edition {}'s rules (sum {se}, rounded to {d} decimals) give {be}", edition.id),
            ),
        )
        .found(Shown::Number(total))
        .expected(Shown::Number(by_rules))
        .fix(format!("ghi {bv}"), format!("print {be}"));
    }
}

/// A table that shows each criterion as a fraction of its maximum (DTI's 0–1 indices) has a total the
/// edition aggregates with its weights: Σ(value × points) ÷ the total's points (DTI: ÷ 1000). A printed
/// total that the printed parts cannot give, whatever their rounding, is an error; one they give only
/// unrounded is explained (no finding); one the rules would round to another last digit is a warning,
/// as for a plain sum.
fn weighted_totals(cx: &mut Cx, ti: usize, edition: &Edition, l: &TableLayout) {
    let t = &cx.tables[ti];
    if l.show != Show::Fraction {
        return;
    }
    let (Some(root), Some(nodes)) = (edition.nodes.get(l.node), printed_nodes(t, l)) else {
        return;
    };
    if root.max.is_zero() {
        return;
    }
    // Every weighted child of the total must be printed, or the total cannot be recomputed.
    let printed: BTreeSet<usize> = nodes.iter().flatten().copied().collect();
    let weighted = root
        .children
        .iter()
        .filter(|&&c| edition.nodes.get(c).is_some_and(|n| !n.max.is_zero()));
    if weighted.clone().any(|c| !printed.contains(c)) || weighted.count() == 0 {
        return;
    }
    let half = |d: u32| Decimal::new(5, d.saturating_add(1).min(28));
    let typed = typed_decimals(t);
    let mut hits = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        let Some(total) = r.total.cell.number() else {
            continue;
        };
        let mut sum = Decimal::ZERO;
        let mut slack = Decimal::ZERO;
        let mut whole = true;
        let mut shown_parts = Vec::new();
        for (c, node) in nodes.iter().enumerate() {
            let Some(n) = node.and_then(|n| edition.nodes.get(n)) else {
                continue;
            };
            let Some(e) = r.values.get(c) else {
                whole = false;
                break;
            };
            match e.cell.number() {
                Some(v) => {
                    let d = shown_decimals(e, typed);
                    sum += v * n.max;
                    slack += half(d) * n.max;
                    shown_parts.push((v, n.max));
                }
                None if n.max.is_zero() => {}
                None => {
                    whole = false;
                    break;
                }
            }
        }
        if !whole {
            continue;
        }
        let exact = sum / root.max;
        let td = shown_decimals(&r.total, typed);
        let tolerance = half(td) + slack / root.max;
        let by_rules = round(exact, l.decimals, edition.rounding);
        if (total - exact).abs() > tolerance {
            hits.push((
                ri,
                total,
                exact,
                by_rules,
                true,
                shown_parts,
                r.total.pos().cloned(),
            ));
        } else if by_rules != total && td == l.decimals && slack.is_zero() {
            hits.push((
                ri,
                total,
                exact,
                by_rules,
                false,
                shown_parts,
                r.total.pos().cloned(),
            ));
        }
    }
    let id = &edition.id;
    let (mv, me) = nums(root.max.normalize());
    for (ri, total, exact, by_rules, wrong, parts, pos) in hits {
        let expr = |vi: bool| {
            parts
                .iter()
                .map(|(v, w)| {
                    let (a, b) = if vi {
                        (nums(*v).0, nums(w.normalize()).0)
                    } else {
                        (nums(*v).1, nums(w.normalize()).1)
                    };
                    format!("{a} × {b}")
                })
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let (tv, te) = nums(total);
        let (bv, be) = nums(by_rules);
        let exact4 = round(exact, l.decimals + 2, edition.rounding);
        let (xv, xe) = nums(exact4);
        let pos = pos.or_else(|| cx.tables[ti].rows[ri].pos().cloned());
        let label = cx.tables[ti].total_label.clone();
        let (severity, vi, en) = if wrong {
            (
                Severity::Error,
                format!(
                    "«{label}» ghi {tv}, nhưng theo bộ tiêu chí {id} chỉ số chung = ({}) ÷ {mv} = {xv}, làm tròn là {bv}; sai lệch vượt quá mức làm tròn của các số in",
                    expr(true)
                ),
                format!(
                    "\"{label}\" is {te}, but edition {id} aggregates ({}) ÷ {me} = {xe}, rounded {be}; the difference is more than the rounding of the printed numbers allows",
                    expr(false)
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "«{label}» ghi {tv}; theo quy tắc của bộ tiêu chí {id} (({}) ÷ {mv} = {xv}, làm tròn {} chữ số thập phân) thì là {bv}",
                    expr(true),
                    l.decimals
                ),
                format!(
                    "\"{label}\" is {te}; edition {id}'s rules (({}) ÷ {me} = {xe}, rounded to {} decimals) give {be}",
                    expr(false),
                    l.decimals
                ),
            )
        };
        cx.push(
            FindingKind::EditionTotal,
            severity,
            ti,
            Some(ri),
            cx.tables[ti].columns.len() + 2,
            pos.as_ref(),
            Msg::new(vi, en),
        )
        .found(Shown::Number(total))
        .expected(Shown::Number(by_rules))
        .fix(
            format!("ghi {bv}, hoặc kiểm tra lại các chỉ số thành phần"),
            format!("print {be}, or check the component indices"),
        );
    }
}

/// Units present in some table of a part but absent from another table of the same part.
fn missing_units(cx: &mut Cx, layouts: &[Option<usize>], edition: &Edition) {
    let tables = cx.tables;
    let mut parts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ti, l) in layouts.iter().enumerate() {
        let Some(li) = l else { continue };
        let part = edition.annex.tables[*li]
            .part
            .as_deref()
            .map(names::key)
            .unwrap_or_default();
        parts.entry(part).or_default().push(ti);
    }
    for members in parts.values() {
        if members.len() < 2 {
            continue;
        }
        let mut all: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for &ti in members {
            for (ri, k) in cx.keys[ti].iter().enumerate() {
                if !k.is_empty() {
                    all.entry(k.clone()).or_insert((ti, ri));
                }
            }
        }
        for &ti in members {
            let have: BTreeSet<&String> = cx.keys[ti].iter().collect();
            let missing: Vec<(String, String)> = all
                .iter()
                .filter(|(k, _)| !have.contains(k))
                .map(|(_, &(oti, ori))| {
                    (
                        tables[oti].rows[ori].unit.to_string(),
                        tables[oti].title.clone(),
                    )
                })
                .collect();
            for (unit, other) in missing {
                let already = cx.findings.iter().any(|f| {
                    f.kind == FindingKind::UnitNotFound
                        && f.unit.as_deref() == Some(unit.as_str())
                        && f.message.vi.contains(&tables[ti].title)
                });
                if already {
                    continue;
                }
                cx.push(
                    FindingKind::MissingUnit,
                    Severity::Error,
                    ti,
                    None,
                    0,
                    tables[ti].pos.as_ref(),
                    Msg::new(
                        format!("thiếu đơn vị «{unit}» (có trong bảng «{other}» cùng phần của bộ tiêu chí {})", edition.id),
                        format!("unit \"{unit}\" is missing (it is in table \"{other}\" of the same part of edition {})", edition.id),
                    ),
                )
                .found(Shown::Blank)
                .expected(Shown::Text(unit.clone()))
                .fix(format!("bổ sung dòng «{unit}»"), format!("add the row \"{unit}\""));
            }
        }
    }
}
