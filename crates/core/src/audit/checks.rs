//! Checks that need one table only: sums, precision, numbering, the column-number row, Unicode form,
//! mixed-case typos, duplicates and cells that are not numbers.
//!
//! Rounding is judged from what is printed. A printed part stands for any value that rounds to it, so a
//! total that differs from the sum of its printed parts is *explained* when either the total is that sum
//! rounded to the total's decimals (3,68 + 27,8 + 9 = 40,48 printed 40,5), or the difference is
//! strictly smaller than the half-units the printed parts can hide (Σ 0,5·10^−dᵢ over the parts printed
//! with dᵢ ≥ 1 decimals). Parts printed without decimals are taken as exact whole points: tables print
//! criteria points such as 9 or 14 that way, and treating them as rounded would let any error of up to
//! half a point per part pass as rounding.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Cx, FindingKind, Msg, Severity, Shown, nums};
use crate::num;
use crate::table::{Cell, Entry, Pos, RankCell, Row, Table};
use crate::text;

pub(crate) fn run(cx: &mut Cx) {
    for ti in 0..cx.tables.len() {
        case_anomalies(cx, ti);
        column_numbers(cx, ti);
        not_nfc(cx, ti);
        duplicates(cx, ti);
        cells(cx, ti);
        precision(cx, ti);
        sums(cx, ti);
        tt_numbering(cx, ti);
    }
    source_text(cx);
    placed_text(cx);
}

/// Where a row's unit name stands. Importers give the row's start (its TT cell); in text with one cell
/// per line the name is the line after the TT when the first value sits two lines below it.
pub(crate) fn unit_pos(row: &Row) -> Option<Pos> {
    let rp = row.pos()?;
    if rp.cell.is_none() && rp.line > 0 && row.tt.is_some() {
        let first = row.values.first().and_then(|e| e.pos()).or(row.total.pos());
        if let Some(vp) = first
            && vp.cell.is_none()
            && vp.line == rp.line + 2
        {
            return Some(Pos::line(rp.line + 1, rp.column));
        }
    }
    Some(rp.clone())
}

/// Decimals a number was printed with.
pub(crate) fn printed_decimals(e: &Entry) -> Option<u32> {
    let d = e.cell.number()?;
    Some(match &e.raw() {
        Some(raw) if !text::is_blank(raw) => num::printed_decimals(raw),
        _ => d.scale(),
    })
}

/// The text of a cell as printed, for messages.
pub(crate) fn shown(e: &Entry) -> Shown {
    match (&e.cell, &e.raw()) {
        (Cell::Number(d), _) => Shown::Number(*d),
        (Cell::NotEvaluated, _) => Shown::NotEvaluated,
        (Cell::Blank, Some(raw)) if !raw.is_empty() && raw.chars().any(|c| c != ' ') => {
            Shown::Text(raw.trim_matches(['\t', '\n', '\r', ' ']).to_string())
        }
        (Cell::Blank, _) => Shown::Blank,
        (Cell::Text(t), _) => Shown::Text(t.clone()),
    }
}

pub(crate) fn half_unit(decimals: u32) -> Decimal {
    if decimals >= 28 {
        Decimal::ZERO
    } else {
        Decimal::new(5, decimals + 1)
    }
}

pub(crate) fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v))
}

pub(crate) fn round(v: Decimal, decimals: u32, mode: num::RoundingMode) -> Decimal {
    num::round(v, decimals.min(28), mode)
}

/// Decimal places a column prints, inferred from its cells unless the layout says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColPrecision {
    pub decimals: u32,
    /// Whether whole values are padded with zeros ("21,00"): then fewer decimals are an anomaly too.
    pub padded: bool,
}

/// Precision of the cells of one column; `entries` are the column's cells.
pub(crate) fn column_precision<'e>(
    entries: impl Iterator<Item = &'e Entry>,
    layout: Option<u32>,
) -> Option<ColPrecision> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    let mut nonzero: BTreeMap<u32, usize> = BTreeMap::new();
    let mut padded = false;
    let mut n = 0;
    for e in entries {
        let (Some(d), Some(value)) = (printed_decimals(e), e.cell.number()) else {
            continue;
        };
        if e.raw().is_none() {
            continue;
        }
        n += 1;
        if value.is_zero() && d == 0 {
            continue;
        }
        *counts.entry(d).or_default() += 1;
        if d > 0 {
            *nonzero.entry(d).or_default() += 1;
            if d > value.normalize().scale() {
                padded = true;
            }
        }
    }
    if let Some(d) = layout {
        return Some(ColPrecision {
            decimals: d,
            padded: true,
        });
    }
    if n < 3 {
        return None;
    }
    let pool = if padded { &counts } else { &nonzero };
    // The most common number of decimals; on a tie the larger, so that fewer cells are called too precise.
    let decimals = pool
        .iter()
        .max_by_key(|(d, c)| (**c, **d))
        .map_or(0, |(d, _)| *d);
    Some(ColPrecision { decimals, padded })
}

fn case_anomalies(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    let mut texts: Vec<(Option<usize>, String, Option<Pos>)> =
        vec![(None, t.title.clone(), t.pos.clone())];
    if let Some(p) = &t.part {
        texts.push((None, p.clone(), t.pos.clone()));
    }
    for c in &t.columns {
        texts.push((None, c.label.clone(), t.pos.clone()));
    }
    for b in &t.blocks {
        if let Some(title) = &b.title {
            texts.push((None, title.clone(), b.pos.clone().or_else(|| t.pos.clone())));
        }
    }
    for (ri, r) in t.rows.iter().enumerate() {
        texts.push((Some(ri), r.unit.to_string(), unit_pos(r)));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (ri, s, pos) in texts {
        for word in mixed_case_words(&s) {
            if !seen.insert((ri, word.clone())) {
                continue;
            }
            let fixed = fix_case(&word);
            cx.push(
                FindingKind::CaseAnomaly,
                Severity::Info,
                ti,
                ri,
                1,
                pos.as_ref(),
                Msg::new(
                    format!("chữ hoa giữa từ: «{word}» trong «{s}»"),
                    format!("capital letter inside a word: \"{word}\" in \"{s}\""),
                ),
            )
            .found(Shown::Text(word.clone()))
            .expected(Shown::Text(fixed.clone()))
            .fix(format!("viết «{fixed}»"), format!("write \"{fixed}\""));
        }
    }
}

/// Words with a capital letter after a lower-case one ("đIện"); all-capital abbreviations are fine.
pub(crate) fn mixed_case_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| {
            let mut seen_lower = false;
            for c in w.chars() {
                if c.is_lowercase() {
                    seen_lower = true;
                } else if c.is_uppercase() && seen_lower {
                    return true;
                }
            }
            false
        })
        .map(str::to_string)
        .collect()
}

fn fix_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }
}

/// Number of columns a table prints: TT, unit, values, total, and rank when there is one.
fn printed_columns(t: &Table) -> usize {
    let has_rank =
        !t.rank_label.is_empty() || t.rows.iter().any(|r| !matches!(r.rank, RankCell::Unranked));
    2 + t.columns.len() + 1 + usize::from(has_rank)
}

fn entry_text(e: &Entry) -> String {
    match e.raw() {
        Some(raw) => raw.to_string(),
        None => match &e.cell {
            Cell::Number(d) => d.to_string(),
            Cell::Text(t) => t.clone(),
            Cell::NotEvaluated => "Không đánh giá".into(),
            Cell::Blank => String::new(),
        },
    }
}

fn column_numbers(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    if t.column_numbers.is_empty() {
        return;
    }
    let expected_n = printed_columns(t);
    let n = expected_n.max(t.column_numbers.len());
    for i in 0..n {
        let want = format!("({})", i + 1);
        match t.column_numbers.get(i) {
            Some(e) => {
                let raw = entry_text(e);
                let clean = text::clean(&raw);
                let digits = clean.trim_start_matches('(').trim_end_matches(')').trim();
                if i >= expected_n {
                    cx.push(
                        FindingKind::ColumnNumbers,
                        Severity::Warning,
                        ti,
                        None,
                        i,
                        e.pos().or(t.pos.as_ref()),
                        Msg::new(
                            format!("hàng số thứ tự cột có ô thừa thứ {}: «{clean}»; bảng chỉ có {expected_n} cột", i + 1),
                            format!("column-number row has an extra cell {}: \"{clean}\"; the table has {expected_n} columns", i + 1),
                        ),
                    )
                    .found(Shown::Text(raw.trim_matches(['\t', '\n', '\r']).to_string()))
                    .fix("bỏ ô thừa", "remove the extra cell");
                } else if digits.parse::<usize>().ok() != Some(i + 1) || !clean.starts_with('(') {
                    let what_vi = if text::is_blank(&raw) {
                        if raw.contains('\u{a0}') {
                            "để trống (chỉ có ký tự khoảng trắng không ngắt U+00A0)".to_string()
                        } else {
                            "để trống".to_string()
                        }
                    } else {
                        format!("ghi «{clean}»")
                    };
                    let what_en = if text::is_blank(&raw) {
                        if raw.contains('\u{a0}') {
                            "is blank (only a non-breaking space U+00A0)".to_string()
                        } else {
                            "is blank".to_string()
                        }
                    } else {
                        format!("reads \"{clean}\"")
                    };
                    let found = if text::is_blank(&raw) && !raw.contains('\u{a0}') {
                        Shown::Blank
                    } else {
                        Shown::Text(raw.trim_matches(['\t', '\n', '\r']).to_string())
                    };
                    cx.push(
                        FindingKind::ColumnNumbers,
                        Severity::Warning,
                        ti,
                        None,
                        i,
                        e.pos().or(t.pos.as_ref()),
                        Msg::new(
                            format!(
                                "hàng số thứ tự cột: ô thứ {} {what_vi} thay vì «{want}»",
                                i + 1
                            ),
                            format!(
                                "column-number row: cell {} {what_en} instead of \"{want}\"",
                                i + 1
                            ),
                        ),
                    )
                    .found(found)
                    .expected(Shown::Text(want.clone()))
                    .fix(format!("ghi «{want}»"), format!("write \"{want}\""));
                }
            }
            None => {
                let last = t
                    .column_numbers
                    .last()
                    .and_then(|e| e.pos())
                    .or(t.pos.as_ref())
                    .cloned();
                cx.push(
                    FindingKind::ColumnNumbers,
                    Severity::Warning,
                    ti,
                    None,
                    i,
                    last.as_ref(),
                    Msg::new(
                        format!("hàng số thứ tự cột thiếu ô «{want}»"),
                        format!("column-number row lacks \"{want}\""),
                    ),
                )
                .found(Shown::Blank)
                .expected(Shown::Text(want.clone()))
                .fix(format!("thêm «{want}»"), format!("add \"{want}\""));
            }
        }
    }
}

const NFC_FIX_VI: &str = "lưu lại văn bản ở dạng Unicode dựng sẵn (NFC)";
const NFC_FIX_EN: &str = "save the text in composed Unicode (NFC)";

fn not_nfc(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    // (row, column for ordering, position, cleaned text, whether it is the unit name)
    type Hit = (Option<usize>, usize, Option<Pos>, String, bool);
    let mut hits: Vec<Hit> = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        if let Some(raw) = &r.unit_raw()
            && !text::is_nfc(raw)
        {
            hits.push((Some(ri), 1, unit_pos(r), text::clean(raw), true));
        }
        for (ci, e) in r.values.iter().chain(std::iter::once(&r.total)).enumerate() {
            if let Some(raw) = &e.raw()
                && !text::is_nfc(raw)
            {
                hits.push((Some(ri), ci + 2, e.pos().cloned(), text::clean(raw), false));
            }
        }
        if let Some(raw) = &r.rank_raw()
            && !text::is_nfc(raw)
        {
            hits.push((Some(ri), 99, r.rank_pos().cloned(), text::clean(raw), false));
        }
    }
    for (ci, e) in t.column_numbers.iter().enumerate() {
        if let Some(raw) = &e.raw()
            && !text::is_nfc(raw)
        {
            hits.push((None, ci, e.pos().cloned(), text::clean(raw), false));
        }
    }
    for (ri, col, pos, clean, is_unit) in hits {
        let (vi, en) = if is_unit {
            (
                format!(
                    "tên đơn vị «{clean}» lưu ở dạng Unicode tổ hợp (NFD), không phải dạng dựng sẵn (NFC): tìm kiếm, sắp xếp và so khớp sẽ coi là một tên khác"
                ),
                format!(
                    "unit name \"{clean}\" is stored decomposed (NFD), not composed (NFC): search, sorting and matching will treat it as another name"
                ),
            )
        } else {
            (
                format!(
                    "ô «{clean}» lưu ở dạng Unicode tổ hợp (NFD), không phải dạng dựng sẵn (NFC)"
                ),
                format!("cell \"{clean}\" is stored decomposed (NFD), not composed (NFC)"),
            )
        };
        cx.push(
            FindingKind::NotNfc,
            Severity::Warning,
            ti,
            ri,
            col,
            pos.as_ref(),
            Msg::new(vi, en),
        )
        .fix(NFC_FIX_VI, NFC_FIX_EN);
    }
}

/// Paragraphs and cells of a source without lines that are not NFC and were not reported through a
/// cell of a table (headings, header cells, notes).
fn placed_text(cx: &mut Cx) {
    if cx.opts.placed_text.is_empty() {
        return;
    }
    let reported: std::collections::HashSet<Pos> = cx
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotNfc)
        .filter_map(|f| f.pos.clone())
        .collect();
    for (pos, raw) in cx.opts.placed_text {
        if reported.contains(pos) || text::is_nfc(raw) {
            continue;
        }
        let clean = text::clean(raw);
        let excerpt: String = if clean.chars().count() > 80 {
            clean.chars().take(77).collect::<String>() + "…"
        } else {
            clean.clone()
        };
        cx.push_placed(
            FindingKind::NotNfc,
            Severity::Warning,
            pos,
            Msg::new(
                format!(
                    "ô «{excerpt}» lưu ở dạng Unicode tổ hợp (NFD), không phải dạng dựng sẵn (NFC)"
                ),
                format!("cell \"{excerpt}\" is stored decomposed (NFD), not composed (NFC)"),
            ),
        )
        .fix(NFC_FIX_VI, NFC_FIX_EN);
    }
}

/// Lines of the source text that are not NFC and were not reported through a cell.
fn source_text(cx: &mut Cx) {
    let Some(src) = cx.opts.source_text else {
        return;
    };
    let reported: std::collections::BTreeSet<u32> = cx
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotNfc)
        .filter_map(|f| f.pos.as_ref().map(|p| p.line))
        .collect();
    for (i, line) in src.split('\n').enumerate() {
        let n = i as u32 + 1;
        if text::is_nfc(line) || reported.contains(&n) {
            continue;
        }
        let clean = text::clean(line);
        let excerpt: String = if clean.chars().count() > 80 {
            clean.chars().take(77).collect::<String>() + "…"
        } else {
            clean.clone()
        };
        cx.push_text(
            FindingKind::NotNfc,
            Severity::Warning,
            n,
            Msg::new(
                format!("dòng «{excerpt}» lưu ở dạng Unicode tổ hợp (NFD), không phải dạng dựng sẵn (NFC)"),
                format!("line \"{excerpt}\" is stored decomposed (NFD), not composed (NFC)"),
            ),
        )
        .fix(NFC_FIX_VI, NFC_FIX_EN);
    }
}

fn duplicates(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dups = Vec::new();
    for (ri, k) in cx.keys[ti].iter().enumerate() {
        if k.is_empty() {
            continue;
        }
        match first.get(k.as_str()) {
            Some(&prev) => dups.push((ri, prev)),
            None => {
                first.insert(k, ri);
            }
        }
    }
    for (ri, prev) in dups {
        let where_prev = unit_pos(&t.rows[prev])
            .map(|p| p.to_string())
            .unwrap_or_else(|| format!("TT {}", t.rows[prev].tt.clone().unwrap_or_default()));
        let unit = t.rows[ri].unit.clone();
        cx.push(
            FindingKind::DuplicateUnit,
            Severity::Error,
            ti,
            Some(ri),
            1,
            unit_pos(&t.rows[ri]).as_ref(),
            Msg::new(
                format!("đơn vị «{unit}» xuất hiện hai lần trong bảng (lần trước: {where_prev})"),
                format!("unit \"{unit}\" appears twice in the table (first: {where_prev})"),
            ),
        )
        .fix(
            "bỏ dòng trùng hoặc sửa tên đơn vị",
            "remove the duplicate row or correct the unit name",
        );
    }
}

/// Value column `c` of a row, or its total when `c == ncols`.
fn cell_at(r: &Row, c: usize, ncols: usize) -> Option<&Entry> {
    if c < ncols {
        r.values.get(c)
    } else {
        Some(&r.total)
    }
}

/// Text in number cells, and blanks in columns of numbers.
fn cells(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    let ncols = t.columns.len();
    let mut hits = Vec::new();
    for c in 0..=ncols {
        let label = if c < ncols {
            t.columns[c].label.clone()
        } else {
            t.total_label.clone()
        };
        let numbers = t
            .rows
            .iter()
            .filter(|r| cell_at(r, c, ncols).is_some_and(|e| matches!(e.cell, Cell::Number(_))));
        let count = numbers.count();
        let is_numeric = count * 2 > t.rows.len();
        for (ri, r) in t.rows.iter().enumerate() {
            let Some(e) = cell_at(r, c, ncols) else {
                continue;
            };
            match &e.cell {
                // A column without a single number is a column of words (a classification such as
                // "Xếp loại": Tốt, Khá), not numbers written as text.
                Cell::Text(s) if count > 0 => {
                    hits.push((ri, c, e.pos().cloned(), label.clone(), Some(s.clone())))
                }
                Cell::Blank if is_numeric => {
                    hits.push((ri, c, e.pos().cloned(), label.clone(), None))
                }
                _ => {}
            }
        }
    }
    for (ri, c, pos, label, text) in hits {
        let pos = pos.or_else(|| t.rows[ri].pos().cloned());
        match text {
            Some(s) => {
                cx.push(
                    FindingKind::NotANumber,
                    Severity::Error,
                    ti,
                    Some(ri),
                    c + 2,
                    pos.as_ref(),
                    Msg::new(
                        format!("ô cột «{label}» ghi «{s}», không phải là số"),
                        format!("cell in column \"{label}\" reads \"{s}\", not a number"),
                    ),
                )
                .found(Shown::Text(s))
                .fix("ghi số điểm", "write the points as a number");
            }
            None => {
                cx.push(
                    FindingKind::BlankValue,
                    Severity::Warning,
                    ti,
                    Some(ri),
                    c + 2,
                    pos.as_ref(),
                    Msg::new(
                        format!("ô cột «{label}» để trống trong khi các đơn vị khác có điểm"),
                        format!(
                            "cell in column \"{label}\" is blank while other units have points"
                        ),
                    ),
                )
                .found(Shown::Blank)
                .fix(
                    "ghi số điểm, hoặc «Không đánh giá» nếu tiêu chí không áp dụng",
                    "write the points, or \"Không đánh giá\" if the criterion does not apply",
                );
            }
        }
    }
}

fn precision(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    let ncols = t.columns.len();
    let mut hits = Vec::new();
    for c in 0..=ncols {
        let layout = if c < ncols {
            t.columns[c].decimals.or(t.decimals)
        } else {
            t.decimals
        };
        let entries: Vec<Option<Entry>> = t
            .rows
            .iter()
            .map(|r| cell_at(r, c, ncols).cloned())
            .collect();
        let Some(prec) = column_precision(entries.iter().flatten(), layout) else {
            continue;
        };
        let label = if c < ncols {
            t.columns[c].label.clone()
        } else {
            t.total_label.clone()
        };
        for (ri, e) in entries.iter().enumerate() {
            let Some(e) = e else { continue };
            let (Some(d), Some(v)) = (printed_decimals(e), e.cell.number()) else {
                continue;
            };
            if e.raw().is_none() {
                continue;
            }
            let more = d > prec.decimals;
            let fewer = prec.padded && d < prec.decimals && !(v.is_zero() && d == 0);
            if more || fewer {
                hits.push((ri, c, e.clone(), label.clone(), d, v, prec.decimals, more));
            }
        }
    }
    for (ri, c, e, label, d, v, want, more) in hits {
        let raw = text::clean(e.raw().unwrap_or_default());
        let fixed = round(v, want, cx.rounding);
        let (fv, fe) = nums(fixed);
        let pos = e.pos().cloned().or_else(|| t.rows[ri].pos().cloned());
        let f = if more {
            cx.push(
                FindingKind::Precision,
                Severity::Warning,
                ti,
                Some(ri),
                c + 2,
                pos.as_ref(),
                Msg::new(
                    format!("số {raw} có {d} chữ số thập phân, trong khi cột «{label}» ghi {want} chữ số"),
                    format!("{raw} has {d} decimals while column \"{label}\" prints {want}"),
                ),
            )
        } else {
            cx.push(
                FindingKind::Precision,
                Severity::Info,
                ti,
                Some(ri),
                c + 2,
                pos.as_ref(),
                Msg::new(
                    format!("số {raw} ghi {d} chữ số thập phân, trong khi cột «{label}» ghi {want} chữ số"),
                    format!("{raw} is printed with {d} decimals while column \"{label}\" prints {want}"),
                ),
            )
        };
        f.found(Shown::Number(v)).expected(Shown::Number(fixed));
        if more {
            f.fix(
                format!("ghi {fv} (làm tròn như cả cột) và kiểm tra lại tổng"),
                format!("print {fe} (rounded like the rest of the column) and check the total"),
            );
        } else {
            f.fix(format!("ghi {fv}"), format!("print {fe}"));
        }
    }
}

/// How a row's printed total relates to the sum of its printed parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SumClass {
    Exact,
    /// The total is the exact sum rounded to the total's decimals.
    RoundedSum,
    /// The difference is within the half-units the printed parts can hide.
    WithinParts(Decimal),
    Unexplained,
}

pub(crate) fn classify_sum(
    parts: &[(Decimal, u32)],
    total: Decimal,
    total_decimals: u32,
    mode: num::RoundingMode,
) -> Option<(Decimal, SumClass)> {
    let sum = checked_sum(parts.iter().map(|(v, _)| *v))?;
    if sum == total {
        return Some((sum, SumClass::Exact));
    }
    if round(sum, total_decimals, mode) == total {
        return Some((sum, SumClass::RoundedSum));
    }
    let tolerance = checked_sum(
        parts
            .iter()
            .filter(|(_, d)| *d > 0)
            .map(|(_, d)| half_unit(*d)),
    )?;
    let diff = total.checked_sub(sum)?.abs();
    Some((
        sum,
        if diff < tolerance {
            SumClass::WithinParts(tolerance)
        } else {
            SumClass::Unexplained
        },
    ))
}

/// The printed parts of a row (number cells; "not evaluated" adds nothing), or `None` when a part is
/// missing or not a number. A number without printed text (a spreadsheet's typed cell) counts with the
/// decimals its table prints (`typed`, from [`typed_decimals`]): "27" typed in a table printed "47,4" is
/// 27,0 as a reader sees it, so the same table gives the same finding from a workbook as from text.
pub(crate) fn row_parts(t: &Table, r: &Row, typed: Option<u32>) -> Option<Vec<(Decimal, u32)>> {
    if t.columns.is_empty() || r.values.len() < t.columns.len() {
        return None;
    }
    let mut parts = Vec::new();
    for e in r.values.iter().take(t.columns.len()) {
        match &e.cell {
            Cell::Number(v) => parts.push((*v, shown_decimals(e, typed))),
            Cell::NotEvaluated => {}
            _ => return None,
        }
    }
    Some(parts)
}

/// The decimals a reader sees in a cell: as printed, or, for a typed number, its table's.
pub(crate) fn shown_decimals(e: &Entry, typed: Option<u32>) -> u32 {
    let own = printed_decimals(e).unwrap_or(0);
    match (&e.raw(), typed) {
        (None, Some(t)) => own.max(t),
        _ => own,
    }
}

/// The decimals a table prints (the most any of its numbers shows): what a typed number, whose format
/// the reader does not know, is taken to show. A table prints its numbers with one precision.
pub(crate) fn typed_decimals(t: &Table) -> Option<u32> {
    t.rows
        .iter()
        .flat_map(|r| r.values.iter().chain(std::iter::once(&r.total)))
        .filter_map(printed_decimals)
        .max()
}

fn sums(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    let mut rows = Vec::new();
    let typed = typed_decimals(t);
    for (ri, r) in t.rows.iter().enumerate() {
        let (Some(parts), Some(total)) = (row_parts(t, r, typed), r.total.cell.number()) else {
            continue;
        };
        if parts.is_empty() {
            continue;
        }
        let td = shown_decimals(&r.total, typed);
        if let Some((sum, class)) = classify_sum(&parts, total, td, cx.rounding) {
            rows.push((ri, parts, total, sum, class));
        }
    }
    let fits = rows
        .iter()
        .filter(|(.., c)| *c != SumClass::Unexplained)
        .count();
    // A total column that is not the sum of the value columns (a year-over-year table, a percentage)
    // would make every row a "mismatch"; judge the table's own intent first.
    let is_sum = !rows.is_empty() && (fits * 2 >= rows.len() || rows.len() <= 2);
    cx.total_is_sum[ti] = is_sum;
    if !is_sum {
        return;
    }
    for (ri, parts, total, sum, class) in rows {
        let r = &t.rows[ri];
        let expr_vi = parts
            .iter()
            .map(|(v, _)| nums(*v).0)
            .collect::<Vec<_>>()
            .join(" + ");
        let expr_en = parts
            .iter()
            .map(|(v, _)| nums(*v).1)
            .collect::<Vec<_>>()
            .join(" + ");
        let (tv, te) = nums(total);
        let (sv, se) = nums(sum);
        let label = if t.total_label.is_empty() {
            "Tổng điểm".to_string()
        } else {
            t.total_label.clone()
        };
        let pos = r.total.pos().cloned().or_else(|| r.pos().cloned());
        let (kind, severity, vi, en, fix_vi, fix_en) = match class {
            SumClass::Exact => continue,
            SumClass::Unexplained => (
                FindingKind::SumMismatch,
                Severity::Error,
                format!("{label} {tv} khác tổng các thành phần {expr_vi} = {sv}"),
                format!("total {te} differs from the sum of its parts {expr_en} = {se}"),
                format!("sửa {label} thành {sv}, hoặc kiểm tra lại các điểm thành phần"),
                format!("correct the total to {se}, or check the parts"),
            ),
            SumClass::RoundedSum => {
                let d = printed_decimals(&r.total).unwrap_or(0);
                (
                    FindingKind::SumRounding,
                    Severity::Info,
                    format!(
                        "{label} {tv} là tổng {expr_vi} = {sv} làm tròn đến {d} chữ số thập phân; người đọc cộng các số in sẽ không ra {tv}"
                    ),
                    format!(
                        "total {te} is {expr_en} = {se} rounded to {d} decimals; a reader adding the printed parts will not get {te}"
                    ),
                    format!(
                        "không phải sửa số; nên in mọi thành phần với {d} chữ số thập phân để cộng khớp"
                    ),
                    format!(
                        "no number is wrong; print every part with {d} decimals so that the sum matches"
                    ),
                )
            }
            SumClass::WithinParts(tol) => {
                let diff = total - sum;
                let (dv, de) = nums(diff.abs());
                let (lv, le) = nums(tol);
                (
                    FindingKind::SumRounding,
                    Severity::Warning,
                    format!("{label} {tv} khác tổng các thành phần {expr_vi} = {sv} là {dv}, nằm trong sai số làm tròn của các thành phần in (dưới {lv})"),
                    format!("total {te} differs from the sum of its parts {expr_en} = {se} by {de}, within the rounding of the printed parts (below {le})"),
                    "đối chiếu với số liệu chưa làm tròn; nếu tổng tính từ số chưa làm tròn thì ghi chú cách làm tròn".to_string(),
                    "check against the unrounded data; if the total comes from unrounded parts, say how values are rounded".to_string(),
                )
            }
        };
        let fid = cx.findings.len();
        cx.push(
            kind,
            severity,
            ti,
            Some(ri),
            t.columns.len() + 2,
            pos.as_ref(),
            Msg::new(vi, en),
        )
        .found(Shown::Number(total))
        .expected(Shown::Number(sum))
        .fix(fix_vi, fix_en);
        cx.issues.push(super::TotalIssue {
            finding: fid,
            table: ti,
            row: ri,
            alt_total: sum,
            label_printed: Msg::new(format!("theo tổng in {tv}"), format!("printed total {te}")),
            label_alt: Msg::new(
                format!("theo tổng các thành phần {sv}"),
                format!("sum of the parts {se}"),
            ),
        });
    }
}

fn tt_numbering(cx: &mut Cx, ti: usize) {
    let t = &cx.tables[ti];
    // A table printed without a TT column (the rank column numbers the rows, as many portals print it)
    // has nothing to number: one "TT missing" per row would be noise, not a finding.
    if t.rows.iter().all(|r| r.tt.is_none()) {
        return;
    }
    let mut hits = Vec::new();
    let mut prev_end: Option<u64> = None;
    for group in super::ranking::groups(t) {
        let first = group
            .rows
            .first()
            .and_then(|&ri| parse_tt(t.rows[ri].tt.as_deref()));
        let start = match (first, prev_end) {
            (Some(f), Some(p)) if f == p + 1 => f,
            _ => 1,
        };
        for (k, &ri) in group.rows.iter().enumerate() {
            let want = start + k as u64;
            let got = parse_tt(t.rows[ri].tt.as_deref());
            if got != Some(want) {
                hits.push((ri, want, t.rows[ri].tt.clone()));
            }
        }
        prev_end = Some(start + group.rows.len() as u64 - 1);
    }
    for (ri, want, got) in hits {
        let r = &t.rows[ri];
        let got_text = got.as_deref().map(text::clean).unwrap_or_default();
        let (vi, en) = if got_text.is_empty() {
            (
                "thiếu số thứ tự (TT)".to_string(),
                "TT number is missing".to_string(),
            )
        } else {
            (
                format!("số thứ tự TT {got_text} không đúng trình tự (phải là {want})"),
                format!("TT number {got_text} is out of sequence (should be {want})"),
            )
        };
        cx.push(
            FindingKind::TtNumbering,
            Severity::Warning,
            ti,
            Some(ri),
            0,
            r.pos(),
            Msg::new(vi, en),
        )
        .found(if got_text.is_empty() {
            Shown::Blank
        } else {
            Shown::Text(got_text)
        })
        .expected(Shown::Rank(want as u32))
        .fix(
            format!("sửa TT thành {want}"),
            format!("renumber TT to {want}"),
        );
    }
}

fn parse_tt(tt: Option<&str>) -> Option<u64> {
    text::clean(tt?).trim_end_matches('.').parse().ok()
}
