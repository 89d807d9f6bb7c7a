//! Tables read together: the overall table and its category tables, and units across all tables.
//!
//! An overall table's value columns are the totals of category tables ("Điều kiện sẵn sàng Chính quyền
//! điện tử" is the total of the table titled "1. Chỉ số và xếp hạng nhóm tiêu chí đánh giá điều kiện sẵn
//! sàng Chính quyền điện tử"). A column is linked to a table when the table's title contains the column
//! label (by name key), the two tables share at least half of their units, and at least half of the
//! shared units agree (exactly or by rounding) — so a stray title match cannot link unrelated tables,
//! and one wrong value (the very thing the audit looks for) cannot unlink them.

use std::collections::BTreeMap;

use super::checks::{printed_decimals, row_parts, shown, unit_pos};
use super::{Cx, FindingKind, Msg, NameMatch, Severity, Shown, TableRole, TotalIssue, nums};
use crate::names::{self, MatchKind};
use crate::num::RoundingMode;
use crate::table::{Cell, Entry, RankCell};

fn contains_tokens(haystack: &str, needle: &str) -> bool {
    !needle.is_empty() && format!(" {haystack} ").contains(&format!(" {needle} "))
}

/// Whether two printed numbers are equal, or one is the other rounded to its decimals.
fn agree(a: &Entry, b: &Entry, mode: RoundingMode) -> Option<bool> {
    let (x, y) = (a.cell.number()?, b.cell.number()?);
    if x == y {
        return Some(true);
    }
    let (dx, dy) = (printed_decimals(a)?, printed_decimals(b)?);
    Some(
        (dx > dy && super::checks::round(x, dy, mode) == y)
            || (dy > dx && super::checks::round(y, dx, mode) == x),
    )
}

fn key_map(keys: &[String]) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        m.entry(k.as_str()).or_insert(i);
    }
    m
}

pub(crate) fn run(cx: &mut Cx) {
    detect(cx);
    let links = cx.links.clone();
    for &(o, c, t) in &links {
        compare(cx, o, c, t);
    }
    propagate_sum_issues(cx, &links);
    name_variants(cx);
}

fn detect(cx: &mut Cx) {
    let tables = cx.tables;
    let title_keys: Vec<String> = tables.iter().map(|t| names::key(&t.title)).collect();
    for (o, ot) in tables.iter().enumerate() {
        for (c, col) in ot.columns.iter().enumerate() {
            let label = names::key(&col.label);
            if label.split(' ').count() < 2 {
                continue;
            }
            let mut best: Option<(usize, usize, usize)> = None;
            for (t, tt) in tables.iter().enumerate() {
                if t == o || !contains_tokens(&title_keys[t], &label) {
                    continue;
                }
                let tmap = key_map(&cx.keys[t]);
                let mut overlap = 0;
                let (mut compared, mut agreeing) = (0, 0);
                for (ri, k) in cx.keys[o].iter().enumerate() {
                    let Some(&tj) = tmap.get(k.as_str()) else {
                        continue;
                    };
                    overlap += 1;
                    if let Some(v) = ot.rows[ri].values.get(c)
                        && let Some(ok) = agree(v, &tt.rows[tj].total, cx.rounding)
                    {
                        compared += 1;
                        agreeing += usize::from(ok);
                    }
                }
                let smaller = ot.rows.len().min(tt.rows.len());
                if overlap == 0 || overlap * 2 < smaller || compared == 0 || agreeing * 2 < compared
                {
                    continue;
                }
                let distance = if t > o { t - o } else { tables.len() + o - t };
                if best.is_none_or(|(_, bo, bd)| {
                    (overlap, std::cmp::Reverse(distance)) > (bo, std::cmp::Reverse(bd))
                }) {
                    best = Some((t, overlap, distance));
                }
            }
            if let Some((t, ..)) = best {
                cx.links.push((o, c, t));
            }
        }
    }
    for &(o, c, t) in &cx.links {
        let label = tables[o].columns[c].label.clone();
        match &mut cx.summaries[o].role {
            TableRole::Overall { categories } => {
                categories.push((label.clone(), tables[t].id.clone()))
            }
            role => {
                *role = TableRole::Overall {
                    categories: vec![(label.clone(), tables[t].id.clone())],
                }
            }
        }
        if !matches!(cx.summaries[t].role, TableRole::Overall { .. }) {
            cx.summaries[t].role = TableRole::Category {
                overall: tables[o].id.clone(),
                column: label,
            };
        }
    }
}

fn compare(cx: &mut Cx, o: usize, c: usize, t: usize) {
    let tables = cx.tables;
    let (ot, tt) = (&tables[o], &tables[t]);
    let col = ot.columns[c].label.clone();
    let tmap: BTreeMap<String, usize> = key_map(&cx.keys[t])
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let omap: BTreeMap<String, usize> = key_map(&cx.keys[o])
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for (ri, orow) in ot.rows.iter().enumerate() {
        let k = cx.keys[o][ri].clone();
        let Some(&tj) = tmap.get(&k) else {
            let absent = Msg::new(
                format!("đơn vị không có trong bảng «{}»", tt.title),
                format!("unit is absent from table \"{}\"", tt.title),
            );
            unit_absent(cx, o, ri, absent, &tt.title);
            continue;
        };
        let trow = &tt.rows[tj];
        if let Some(kind) = names::compare(&orow.unit, &trow.unit, cx.opts.aliases)
            && kind != MatchKind::Exact
            && !cx
                .name_matches
                .iter()
                .any(|m| m.table == tt.id && m.unit == trow.unit)
        {
            cx.name_matches.push(NameMatch {
                table: tt.id.clone(),
                unit: trow.unit.to_string(),
                matched: orow.unit.to_string(),
                kind,
                pos: unit_pos(trow),
            });
        }
        if let Some(v) = orow.values.get(c) {
            cross_value(cx, o, c, ri, t, tj, v, &col);
        }
        ranked_status(cx, o, ri, t, tj);
    }
    for tj in 0..tt.rows.len() {
        if omap.contains_key(&cx.keys[t][tj]) {
            continue;
        }
        let absent = Msg::new(
            format!("đơn vị không có trong bảng tổng hợp «{}»", ot.title),
            format!("unit is absent from the overall table \"{}\"", ot.title),
        );
        unit_absent(cx, t, tj, absent, &ot.title);
    }
}

/// Records that row `ri` of table `ti` has no counterpart in the linked table titled `other`.
fn unit_absent(cx: &mut Cx, ti: usize, ri: usize, message: Msg, other: &str) {
    let row = &cx.tables[ti].rows[ri];
    cx.push(
        FindingKind::UnitNotFound,
        Severity::Warning,
        ti,
        Some(ri),
        1,
        unit_pos(row).as_ref(),
        message,
    )
    .fix(
        format!("bổ sung đơn vị vào bảng «{other}» hoặc thống nhất tên"),
        format!("add the unit to table \"{other}\" or use the same name"),
    );
}

#[allow(clippy::too_many_arguments)]
fn cross_value(
    cx: &mut Cx,
    o: usize,
    c: usize,
    ri: usize,
    t: usize,
    tj: usize,
    v: &Entry,
    col: &str,
) {
    let tables = cx.tables;
    let (ot, tt) = (&tables[o], &tables[t]);
    let (orow, trow) = (&ot.rows[ri], &tt.rows[tj]);
    let w = &trow.total;
    let pos = v.pos().or(orow.pos());
    match (&v.cell, &w.cell) {
        (Cell::Number(a), Cell::Number(b)) => {
            let (a, b) = (*a, *b);
            if a == b {
                return;
            }
            let (av, ae) = nums(a);
            let (bv, be) = nums(b);
            let fid = cx.findings.len();
            if agree(v, w, cx.rounding) == Some(true) {
                cx.push(
                    FindingKind::CrossTableRounding,
                    Severity::Info,
                    o,
                    Some(ri),
                    c + 2,
                    pos,
                    Msg::new(
                        format!("«{col}» ghi {av}, bảng «{}» ghi {bv}: chỉ khác nhau do làm tròn", tt.title),
                        format!("\"{col}\" is {ae} here and {be} in table \"{}\": they differ only by rounding", tt.title),
                    ),
                )
                .found(Shown::Number(a))
                .expected(Shown::Number(b))
                .fix(
                    "thống nhất số chữ số thập phân giữa các bảng",
                    "print the same number of decimals in both tables",
                );
            } else {
                let parts_note = row_parts(tt, trow, None)
                    .and_then(|p| super::checks::checked_sum(p.iter().map(|(x, _)| *x)))
                    .filter(|s| *s == b)
                    .map(|_| {
                        let expr_vi = row_parts(tt, trow, None)
                            .unwrap_or_default()
                            .iter()
                            .map(|(x, _)| nums(*x).0)
                            .collect::<Vec<_>>()
                            .join(" + ");
                        let expr_en = expr_vi.replace(',', ".");
                        (format!(" (= {expr_vi})"), format!(" (= {expr_en})"))
                    })
                    .unwrap_or_default();
                let new_total = orow
                    .total
                    .cell
                    .number()
                    .and_then(|tot| tot.checked_sub(a)?.checked_add(b));
                let (fix_vi, fix_en) = match new_total {
                    Some(nt) => {
                        let (nv, ne) = nums(nt);
                        (
                            format!(
                                "nếu bảng «{}» đúng: sửa thành {bv} và tổng điểm thành {nv}; nếu không, sửa bảng «{}»",
                                tt.title, tt.title
                            ),
                            format!(
                                "if table \"{}\" is right: change to {be} and the total to {ne}; otherwise correct that table",
                                tt.title
                            ),
                        )
                    }
                    None => (
                        format!("thống nhất với bảng «{}»", tt.title),
                        format!("make it agree with table \"{}\"", tt.title),
                    ),
                };
                cx.push(
                    FindingKind::CrossTableMismatch,
                    Severity::Error,
                    o,
                    Some(ri),
                    c + 2,
                    pos,
                    Msg::new(
                        format!(
                            "«{col}» ghi {av}, nhưng bảng «{}» ghi tổng điểm {bv}{}",
                            tt.title, parts_note.0
                        ),
                        format!(
                            "\"{col}\" is {ae}, but table \"{}\" gives the total {be}{}",
                            tt.title, parts_note.1
                        ),
                    ),
                )
                .found(Shown::Number(a))
                .expected(Shown::Number(b))
                .fix(fix_vi, fix_en);
            }
            if let Some(tot) = orow.total.cell.number()
                && let Some(alt) = tot.checked_sub(a).and_then(|x| x.checked_add(b))
            {
                cx.issues.push(TotalIssue {
                    finding: fid,
                    table: o,
                    row: ri,
                    alt_total: alt,
                    label_printed: Msg::new(
                        format!("theo bảng tổng hợp ({col} = {av})"),
                        format!("as in the overall table ({col} = {ae})"),
                    ),
                    label_alt: Msg::new(
                        format!("theo bảng «{}» ({col} = {bv})", tt.title),
                        format!("as in table \"{}\" ({col} = {be})", tt.title),
                    ),
                });
            }
            cx.issues.push(TotalIssue {
                finding: fid,
                table: t,
                row: tj,
                alt_total: a,
                label_printed: Msg::new(
                    format!("theo bảng này (tổng điểm {bv})"),
                    format!("as in this table (total {be})"),
                ),
                label_alt: Msg::new(
                    format!("theo bảng «{}» ({av})", ot.title),
                    format!("as in table \"{}\" ({ae})", ot.title),
                ),
            });
        }
        (Cell::Text(_), _) | (_, Cell::Text(_)) => {}
        (a, b) if a == b => {}
        _ => {
            let (found, expected) = (shown(v), shown(w));
            let (fv, fe) = (
                found.display(crate::Lang::Vi),
                found.display(crate::Lang::En),
            );
            let (ev, ee) = (
                expected.display(crate::Lang::Vi),
                expected.display(crate::Lang::En),
            );
            cx.push(
                FindingKind::CrossTableMismatch,
                Severity::Error,
                o,
                Some(ri),
                c + 2,
                pos,
                Msg::new(
                    format!("«{col}» ghi {fv}, nhưng bảng «{}» ghi {ev}", tt.title),
                    format!("\"{col}\" is {fe}, but table \"{}\" gives {ee}", tt.title),
                ),
            )
            .found(found)
            .expected(expected)
            .fix(
                format!("thống nhất với bảng «{}»", tt.title),
                format!("make it agree with table \"{}\"", tt.title),
            );
        }
    }
}

fn ranked_status(cx: &mut Cx, o: usize, ri: usize, t: usize, tj: usize) {
    let tables = cx.tables;
    let (ot, tt) = (&tables[o], &tables[t]);
    let (orow, trow) = (&ot.rows[ri], &tt.rows[tj]);
    cx.rank_status_judged[t][tj] = true;
    let ranked = |r: &RankCell| !matches!(r, RankCell::Unranked);
    let pos = trow.rank_pos().or(trow.pos());
    match (ranked(&orow.rank), ranked(&trow.rank)) {
        (false, true) => {
            let shown = match &trow.rank {
                RankCell::Ranked(n) => Shown::Rank(*n),
                RankCell::Invalid(s) => Shown::Text(s.clone()),
                RankCell::Unranked => Shown::Blank,
            };
            let r = shown.display(crate::Lang::Vi);
            let (block_vi, block_en) = super::ranking::block_suffix(ot, orow.block.as_deref());
            cx.push(
                FindingKind::RankedInconsistently,
                Severity::Error,
                t,
                Some(tj),
                90,
                pos,
                Msg::new(
                    format!("đơn vị được xếp hạng {r} ở bảng này nhưng không được xếp hạng ở bảng «{}»{block_vi}", ot.title),
                    format!("the unit is ranked {r} here but unranked in table \"{}\"{block_en}", ot.title),
                ),
            )
            .found(shown)
            .expected(Shown::Blank)
            .fix(
                "để trống ô xếp hạng như bảng tổng hợp (đơn vị không thuộc khối xếp hạng)",
                "leave the rank blank as in the overall table (the unit is not in a ranked block)",
            );
        }
        (true, false) => {
            let r = match &orow.rank {
                RankCell::Ranked(n) => n.to_string(),
                RankCell::Invalid(s) => s.clone(),
                RankCell::Unranked => String::new(),
            };
            cx.push(
                FindingKind::RankedInconsistently,
                Severity::Error,
                t,
                Some(tj),
                90,
                pos,
                Msg::new(
                    format!(
                        "đơn vị không được xếp hạng ở bảng này nhưng được xếp hạng {r} ở bảng «{}»",
                        ot.title
                    ),
                    format!(
                        "the unit is unranked here but ranked {r} in table \"{}\"",
                        ot.title
                    ),
                ),
            )
            .found(Shown::Blank)
            .fix(
                "ghi xếp hạng của đơn vị trong bảng này",
                "write the unit's rank in this table",
            );
        }
        _ => {}
    }
}

/// A sum error in a category table also changes the overall table's total of that unit.
fn propagate_sum_issues(cx: &mut Cx, links: &[(usize, usize, usize)]) {
    let tables = cx.tables;
    let mut extra = Vec::new();
    for issue in &cx.issues {
        let kind = cx.findings[issue.finding].kind;
        if !matches!(kind, FindingKind::SumMismatch | FindingKind::SumRounding) {
            continue;
        }
        for &(o, c, t) in links {
            if t != issue.table {
                continue;
            }
            let trow = &tables[t].rows[issue.row];
            let k = &cx.keys[t][issue.row];
            let Some(ri) = cx.keys[o].iter().position(|x| x == k) else {
                continue;
            };
            let orow = &tables[o].rows[ri];
            let (Some(v), Some(printed), Some(tot)) = (
                orow.values.get(c).and_then(|e| e.cell.number()),
                trow.total.cell.number(),
                orow.total.cell.number(),
            ) else {
                continue;
            };
            if v != printed {
                continue;
            }
            let Some(alt) = tot
                .checked_sub(v)
                .and_then(|x| x.checked_add(issue.alt_total))
            else {
                continue;
            };
            let col = &tables[o].columns[c].label;
            let (vv, ve) = nums(v);
            let (av, ae) = nums(issue.alt_total);
            extra.push(TotalIssue {
                finding: issue.finding,
                table: o,
                row: ri,
                alt_total: alt,
                label_printed: Msg::new(
                    format!("theo số in ({col} = {vv})"),
                    format!("as printed ({col} = {ve})"),
                ),
                label_alt: Msg::new(
                    format!("nếu {col} = {av} (tổng các thành phần)"),
                    format!("if {col} = {ae} (sum of the parts)"),
                ),
            });
        }
    }
    cx.issues.extend(extra);
}

/// The same unit spelled differently across the tables of the document.
fn name_variants(cx: &mut Cx) {
    let tables = cx.tables;
    let mut by_key: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (ti, keys) in cx.keys.iter().enumerate() {
        for (ri, k) in keys.iter().enumerate() {
            if !k.is_empty() {
                by_key.entry(k.clone()).or_default().push((ti, ri));
            }
        }
    }
    for occurrences in by_key.values() {
        let spell = |&(ti, ri): &(usize, usize)| crate::text::clean(&tables[ti].rows[ri].unit);
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, occ) in occurrences.iter().enumerate() {
            counts.entry(spell(occ)).or_insert((0, i)).0 += 1;
        }
        if counts.len() < 2 {
            continue;
        }
        let overall_first = occurrences
            .iter()
            .find(|(ti, _)| matches!(cx.summaries[*ti].role, super::TableRole::Overall { .. }));
        let canonical_occ = match overall_first {
            Some(o) => *o,
            None => {
                let (_, (_, first)) = counts
                    .iter()
                    .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
                    .expect("at least two spellings");
                occurrences[*first]
            }
        };
        let canonical = spell(&canonical_occ);
        let where_canon = unit_pos(&tables[canonical_occ.0].rows[canonical_occ.1])
            .map(|p| format!("dòng {}", p.line))
            .filter(|_| {
                unit_pos(&tables[canonical_occ.0].rows[canonical_occ.1]).is_some_and(|p| p.line > 0)
            })
            .unwrap_or_else(|| format!("bảng «{}»", tables[canonical_occ.0].title));
        for &(ti, ri) in occurrences {
            let s = spell(&(ti, ri));
            if s == canonical {
                continue;
            }
            let kind = names::compare(&s, &canonical, cx.opts.aliases).unwrap_or(MatchKind::Alias);
            let row = &tables[ti].rows[ri];
            if !cx
                .name_matches
                .iter()
                .any(|m| m.table == tables[ti].id && m.unit == row.unit)
            {
                cx.name_matches.push(NameMatch {
                    table: tables[ti].id.clone(),
                    unit: row.unit.to_string(),
                    matched: canonical.clone(),
                    kind,
                    pos: unit_pos(row),
                });
            }
            let severity = if kind == MatchKind::Alias {
                Severity::Info
            } else {
                Severity::Warning
            };
            let where_en = where_canon.replace("dòng", "line").replace("bảng", "table");
            cx.push(
                FindingKind::NameVariant,
                severity,
                ti,
                Some(ri),
                1,
                unit_pos(row).as_ref(),
                Msg::new(
                    format!("tên «{s}» viết khác «{canonical}» ({where_canon}); được coi là cùng một đơn vị ({})", kind.label_vi()),
                    format!("name \"{s}\" is spelled differently from \"{canonical}\" ({where_en}); treated as the same unit ({})", kind.label_en()),
                ),
            )
            .found(Shown::Text(s.clone()))
            .expected(Shown::Text(canonical.clone()))
            .fix(format!("viết thống nhất «{canonical}»"), format!("spell it \"{canonical}\" everywhere"));
        }
    }
}
