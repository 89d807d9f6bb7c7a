//! Charts of an annex as SVG (and PNG rasterised from the same SVG): ranking bars per block with ties
//! visible, stacked group points, a unit's profile (radar) against its block's median and maximum, and a
//! slope chart of ranks between two editions.
//!
//! The SVG is written directly rather than through a plotting crate: the charts are simple shapes, and
//! writing them here keeps every label under our control (escaped, NFC, decimal comma, Vietnamese
//! wording) and the SVG small enough to inline in the HTML report. Geometry uses f64; every number
//! *printed* on a chart comes from the exact decimal through the same formatter as the annex.
//! PNG uses resvg with the system fonts (Debian `fonts-dejavu-core`), which cover Vietnamese.

use std::fmt::Write;
use std::sync::OnceLock;

use egov_core::table::{Annex, Cell, RankCell, Row, Table};
use egov_core::text;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::layout::format_number;
use crate::{ExportError, Format, Lang};

/// What [`charts`] draws and in which format.
#[derive(Debug, Clone, Default)]
pub struct ChartOptions<'a> {
    pub lang: Lang,
    /// `Format::Svg` (default when `None`) or `Format::Png`.
    pub format: Option<Format>,
    /// A unit (name or code) whose profile is drawn against its block.
    pub unit: Option<String>,
    /// The previous edition's annex, for slope charts of ranks between the two.
    pub previous: Option<&'a Annex>,
    /// A robustness analysis of the annex's edition: the HTML report ([`crate::report`]) then ends
    /// with its section ([`crate::robustness_html`]).
    pub robustness: Option<&'a egov_core::robustness::Report>,
}

pub(crate) const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
/// Okabe and Ito's palette, which readers with any common colour-vision deficiency tell apart. Each
/// colour has one meaning across the figures: blue is a unit's total (ranking bars) and the first
/// component, the others the next components; ties are marked by "=" and an outline, never by a
/// colour, so that no meaning rests on colour alone.
pub(crate) const BLUE: &str = "#0072b2";
const GREY: &str = "#999999";
const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
];
/// A ranking or stacked chart draws at most this many units; a longer block shows its first and last
/// [`SHOWN_EACH_END`] and one line summarising those between, so the image (and the memory and time
/// to rasterise it) is bounded whatever the number of units.
pub(crate) const MAX_DRAWN: usize = 60;
pub(crate) const SHOWN_EACH_END: usize = 25;

struct Words {
    rank: &'static str,
    tied: &'static str,
    not_evaluated: &'static str,
    unranked: &'static str,
    between: &'static str,
    scale: &'static str,
    median: &'static str,
    maximum: &'static str,
    profile: &'static str,
    slope: &'static str,
    points: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Vi => Words {
            rank: "Xếp hạng",
            tied: "Đồng hạng",
            not_evaluated: "có nhóm không đánh giá",
            unranked: "không xếp hạng",
            between: "đơn vị ở giữa",
            scale: "Thang đo: % so với điểm cao nhất của khối trên từng trục",
            median: "Trung vị của khối",
            maximum: "Cao nhất của khối",
            profile: "Hồ sơ điểm",
            slope: "Thay đổi thứ hạng",
            points: "Điểm thành phần",
        },
        Lang::En => Words {
            rank: "Rank",
            tied: "Tied",
            not_evaluated: "a group not evaluated",
            unranked: "not ranked",
            between: "units in between",
            scale: "Scale: % of the block's highest value on each axis",
            median: "Block median",
            maximum: "Block maximum",
            profile: "Score profile",
            slope: "Change of rank",
            points: "Component points",
        },
    }
}

/// One chart: its file stem and SVG document.
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// Every chart of the annex as files `(name.svg|name.png, bytes)`.
pub fn charts(
    annex: &Annex,
    opts: &ChartOptions<'_>,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    let list = svg_charts(annex, opts)?;
    match opts.format.unwrap_or(Format::Svg) {
        Format::Svg => Ok(list
            .into_iter()
            .map(|c| (format!("{}.svg", c.name), c.svg.into_bytes()))
            .collect()),
        Format::Png => list
            .into_iter()
            .map(|c| Ok((format!("{}.png", c.name), png(&c.name, &c.svg)?)))
            .collect(),
        other => Err(ExportError::Chart {
            chart: String::new(),
            message: egov_core::msg!(
                "biểu đồ chỉ xuất được SVG hoặc PNG, không phải {other:?}",
                "charts are exported only as SVG or PNG, not {other:?}"
            ),
        }),
    }
}

/// The charts as SVG documents with their titles (for embedding in the HTML report).
pub fn svg_charts(annex: &Annex, opts: &ChartOptions<'_>) -> Result<Vec<Chart>, ExportError> {
    let w = words(opts.lang);
    let mut out = Vec::new();
    for t in &annex.tables {
        for b in &t.blocks {
            let rows: Vec<&Row> = t
                .rows
                .iter()
                .filter(|r| {
                    r.block.as_deref() == Some(b.id.as_str())
                        && matches!(r.rank, RankCell::Ranked(_))
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let title = match b
                .title
                .as_deref()
                .map(text::clean)
                .filter(|s| !s.is_empty())
            {
                Some(bt) => format!("{} — {}", text::clean(&t.title), bt),
                None => text::clean(&t.title),
            };
            out.push(Chart {
                name: format!(
                    "{}-{}-{}",
                    slug(&t.id),
                    slug(&b.id),
                    opts.lang.tr("xep-hang", "ranking")
                ),
                svg: ranking(&title, &rows, t, opts.lang, &w),
                title,
            });
        }
        if t.columns.len() >= 2 && !t.rows.is_empty() {
            let title = format!("{} — {}", text::clean(&t.title), w.points);
            out.push(Chart {
                name: format!(
                    "{}-{}",
                    slug(&t.id),
                    opts.lang.tr("diem-thanh-phan", "components")
                ),
                svg: stacked(&title, t, opts.lang, &w),
                title,
            });
        }
        if let Some(unit) = opts.unit.as_deref().map(text::clean)
            && t.columns.len() >= 3
            && let Some(row) = t
                .rows
                .iter()
                .find(|r| text::clean(&r.unit) == unit || r.unit_code.as_deref() == Some(&unit))
        {
            let title = format!(
                "{}: {} — {}",
                w.profile,
                text::clean(&row.unit),
                text::clean(&t.title)
            );
            out.push(Chart {
                name: format!(
                    "{}-{}-{}",
                    slug(&t.id),
                    opts.lang.tr("ho-so", "profile"),
                    slug(&row.unit)
                ),
                svg: radar(&title, t, row, opts.lang, &w),
                title,
            });
        }
        if let Some(prev) = opts.previous
            && let Some(pt) = prev.tables.iter().find(|p| p.id == t.id)
        {
            let (y0, y1) = (year_of(&prev.edition), year_of(&annex.edition));
            let title = format!("{} — {} ({y0} → {y1})", text::clean(&t.title), w.slope);
            if let Some(svg) = slope(&title, pt, t, &y0, &y1, &w) {
                out.push(Chart {
                    name: format!(
                        "{}-{}",
                        slug(&t.id),
                        opts.lang.tr("doi-chieu-hang", "slope")
                    ),
                    svg,
                    title,
                });
            }
        }
    }
    Ok(out)
}

/// A file-name-safe ASCII slug of a Vietnamese name ("Sở Y tế" → "so-y-te").
pub fn slug(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text::clean(s).replace(['đ', 'Đ'], "d").nfd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || "-_./".contains(c))
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
}

fn esc(s: &str) -> String {
    crate::html::esc(s)
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Approximate text width at `size` px (DejaVu Sans averages ~0.6 em per character).
pub(crate) fn text_px(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

struct Svg {
    out: String,
}

impl Svg {
    /// A chart canvas. A long title ("table — block") is split over two lines; the canvas widens to fit
    /// it and the drawing below moves down, so callers place content as for a one-line title.
    fn new(width: f64, height: f64, title: &str) -> Svg {
        let lines: Vec<&str> = title.splitn(2, " — ").collect();
        let width = lines
            .iter()
            .map(|l| text_px(l, 14.0) + 40.0)
            .fold(width, f64::max);
        let extra = 18.0 * (lines.len() as f64 - 1.0);
        let height = height + extra;
        let mut out = String::with_capacity(8192);
        write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\" font-size=\"12\">\
             <title>{}</title><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
            esc(title)
        )
        .expect("writing to a String");
        let mut s = Svg { out };
        for (i, l) in lines.iter().enumerate() {
            s.text(
                width / 2.0,
                22.0 + 18.0 * i as f64,
                l,
                "middle",
                14.0,
                true,
                "#000000",
            );
        }
        write!(s.out, "<g transform=\"translate(0 {extra:.0})\">").expect("writing to a String");
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, size: f64, bold: bool, fill: &str) {
        write!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{size}\"{} fill=\"{fill}\">{}</text>",
            if bold { " font-weight=\"bold\"" } else { "" },
            esc(s)
        )
        .expect("writing to a String");
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        write!(
            self.out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>",
            w.max(0.0)
        )
        .expect("writing to a String");
    }

    /// A dark outline around a bar (the tie mark, with the "=" before the rank).
    fn outline(&mut self, x: f64, y: f64, w: f64, h: f64) {
        write!(
            self.out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>",
            w.max(0.0)
        )
        .expect("writing to a String");
    }

    fn slope_line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, dashed: bool) {
        write!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"2\"{}/>",
            if dashed { " stroke-dasharray=\"6 3\"" } else { "" }
        )
        .expect("writing to a String");
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        write!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        )
        .expect("writing to a String");
    }

    fn dashed_polygon(&mut self, points: &[(f64, f64)]) {
        let p: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        write!(
            self.out,
            "<polygon points=\"{}\" stroke=\"#000000\" stroke-width=\"2\" stroke-dasharray=\"6 3\" fill=\"none\"/>",
            p.join(" ")
        )
        .expect("writing to a String");
    }

    fn polygon(&mut self, points: &[(f64, f64)], stroke: &str, fill: &str, opacity: f64) {
        let p: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        write!(
            self.out,
            "<polygon points=\"{}\" stroke=\"{stroke}\" stroke-width=\"2\" fill=\"{fill}\" fill-opacity=\"{opacity}\"/>",
            p.join(" ")
        )
        .expect("writing to a String");
    }

    fn finish(mut self) -> String {
        self.out.push_str("</g></svg>\n");
        self.out
    }
}

fn total_of(r: &Row) -> Option<Decimal> {
    r.total.cell.number()
}

fn rank_of(r: &Row) -> Option<u32> {
    match r.rank {
        RankCell::Ranked(n) => Some(n),
        _ => None,
    }
}

/// The units a chart draws: all of them up to [`MAX_DRAWN`], else the first and last
/// [`SHOWN_EACH_END`] with `None` standing for those between (how many, in the caller's words).
fn sample<'a>(rows: &[&'a Row]) -> Vec<Option<&'a Row>> {
    if rows.len() <= MAX_DRAWN {
        return rows.iter().map(|r| Some(*r)).collect();
    }
    let mut out: Vec<Option<&Row>> = rows[..SHOWN_EACH_END].iter().map(|r| Some(*r)).collect();
    out.push(None);
    out.extend(rows[rows.len() - SHOWN_EACH_END..].iter().map(|r| Some(*r)));
    out
}

/// A "nice" step for a value axis from 0 to `max` with about five ticks (1, 2 or 5 × 10ⁿ).
fn axis_step(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
}

/// The value axis under bars that start at `x0` and are `bar_w` long for `max`: ticks, grid lines
/// from `top` to `bottom`, labels in the document's number style.
#[allow(clippy::too_many_arguments)]
fn value_axis(s: &mut Svg, x0: f64, bar_w: f64, max: f64, top: f64, bottom: f64, lang: Lang) {
    let step = axis_step(max);
    let mut v = 0.0;
    while v <= max + step * 0.001 {
        let x = x0 + v / max * bar_w;
        s.line(x, top, x, bottom, "#d9d9d9", 1.0);
        let label = Decimal::from_f64_retain(v)
            .map(|d| {
                format_number(
                    d.round_dp(2).normalize(),
                    d.round_dp(2).normalize().scale(),
                    lang,
                )
            })
            .unwrap_or_default();
        s.text(x, bottom + 14.0, &label, "middle", 10.0, false, "#4a5568");
        v += step;
    }
    s.line(x0, bottom, x0 + bar_w, bottom, "#4a5568", 1.0);
}

/// Horizontal bars of the totals in rank order, on a value axis; tied units are marked "=" with an
/// outlined bar (same colour: a tie is not another kind of value).
fn ranking(title: &str, rows: &[&Row], t: &Table, lang: Lang, w: &Words) -> String {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| {
        rank_of(a)
            .cmp(&rank_of(b))
            .then_with(|| text::compare_vi(&a.unit, &b.unit))
    });
    // Ties from the ranks' counts, not by scanning the rows for each row.
    let mut per_rank: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for r in &rows {
        if let Some(n) = rank_of(r) {
            *per_rank.entry(n).or_default() += 1;
        }
    }
    let tied = |r: &Row| rank_of(r).is_some_and(|n| per_rank.get(&n).copied().unwrap_or(0) > 1);
    let drawn = sample(&rows);
    let label_w = drawn
        .iter()
        .flatten()
        .map(|r| text_px(&text::clean(&r.unit), 12.0))
        .fold(80.0, f64::max)
        + 50.0;
    let bar_w = 420.0;
    let row_h = 22.0;
    let top = 60.0;
    let width = label_w + bar_w + 80.0;
    let body = drawn.len() as f64 * row_h;
    let height = top + body + 70.0;
    let max = rows
        .iter()
        .filter_map(|r| total_of(r))
        .map(f)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut s = Svg::new(width, height, title);
    s.text(10.0, 46.0, w.rank, "start", 11.0, true, "#4a5568");
    value_axis(&mut s, label_w, bar_w, max, top, top + body, lang);
    for (i, r) in drawn.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let Some(r) = r else {
            let first = SHOWN_EACH_END;
            let hidden = &rows[first..rows.len() - SHOWN_EACH_END];
            let ranks = (
                hidden.first().and_then(|r| rank_of(r)),
                hidden.last().and_then(|r| rank_of(r)),
            );
            let label = match ranks {
                (Some(a), Some(b)) => format!("⋯ {} {} ({a}–{b}) ⋯", hidden.len(), w.between),
                _ => format!("⋯ {} {} ⋯", hidden.len(), w.between),
            };
            s.text(
                label_w + bar_w / 2.0,
                y + 15.0,
                &label,
                "middle",
                12.0,
                false,
                "#4a5568",
            );
            continue;
        };
        let is_tied = tied(r);
        let rank = rank_of(r)
            .map(|n| {
                if is_tied {
                    format!("={n}")
                } else {
                    n.to_string()
                }
            })
            .unwrap_or_default();
        s.text(10.0, y + 15.0, &rank, "start", 12.0, true, "#000000");
        s.text(
            label_w - 8.0,
            y + 15.0,
            &text::clean(&r.unit),
            "end",
            12.0,
            false,
            "#000000",
        );
        if let Some(v) = total_of(r) {
            let len = f(v) / max * bar_w;
            s.rect(label_w, y + 3.0, len, row_h - 6.0, BLUE);
            if is_tied {
                s.outline(label_w, y + 3.0, len, row_h - 6.0);
            }
            let dp = t.decimals.unwrap_or(v.scale());
            s.text(
                label_w + len + 5.0,
                y + 15.0,
                &format_number(v, dp, lang),
                "start",
                11.0,
                false,
                "#000000",
            );
        }
    }
    if rows.iter().any(|r| tied(r)) {
        let y = height - 22.0;
        s.rect(label_w, y - 10.0, 12.0, 12.0, BLUE);
        s.outline(label_w, y - 10.0, 12.0, 12.0);
        s.text(
            label_w + 18.0,
            y,
            &format!("= {}", w.tied),
            "start",
            11.0,
            false,
            "#000000",
        );
    }
    s.finish()
}

/// Stacked horizontal bars: each unit's value columns side by side, in the table's row order, on a
/// value axis. A unit with a group not evaluated, or not ranked, says so in words after its bar (an
/// empty segment would read as zero).
fn stacked(title: &str, t: &Table, lang: Lang, w: &Words) -> String {
    let all: Vec<&Row> = t.rows.iter().collect();
    let drawn = sample(&all);
    let label_w = drawn
        .iter()
        .flatten()
        .map(|r| text_px(&text::clean(&r.unit), 12.0))
        .fold(80.0, f64::max)
        + 20.0;
    let bar_w = 460.0;
    let row_h = 22.0;
    let top = 50.0;
    let legend_h = 20.0 * t.columns.len() as f64 + 40.0;
    let width = label_w + bar_w + 260.0;
    let body = drawn.len() as f64 * row_h;
    let height = top + body + legend_h;
    let sum = |r: &Row| -> f64 {
        r.values
            .iter()
            .filter_map(|e| e.cell.number())
            .map(f)
            .filter(|v| *v > 0.0)
            .sum()
    };
    let max = all
        .iter()
        .map(|r| sum(r))
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut s = Svg::new(width, height, title);
    value_axis(&mut s, label_w, bar_w, max, top, top + body, lang);
    for (i, r) in drawn.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let Some(r) = r else {
            let hidden = all.len() - 2 * SHOWN_EACH_END;
            s.text(
                label_w + bar_w / 2.0,
                y + 15.0,
                &format!("⋯ {hidden} {} ⋯", w.between),
                "middle",
                12.0,
                false,
                "#4a5568",
            );
            continue;
        };
        s.text(
            label_w - 8.0,
            y + 15.0,
            &text::clean(&r.unit),
            "end",
            12.0,
            false,
            "#000000",
        );
        let mut x = label_w;
        for (k, e) in r.values.iter().enumerate() {
            if let Some(v) = e.cell.number().map(f).filter(|v| *v > 0.0) {
                let len = v / max * bar_w;
                s.rect(x, y + 3.0, len, row_h - 6.0, PALETTE[k % PALETTE.len()]);
                x += len;
            }
        }
        let mut note = match total_of(r) {
            Some(v) => format_number(v, t.decimals.unwrap_or(v.scale()), lang),
            None => String::new(),
        };
        let mut marks = Vec::new();
        if r.values
            .iter()
            .any(|e| matches!(e.cell, Cell::NotEvaluated))
        {
            marks.push(w.not_evaluated);
        }
        if matches!(r.rank, RankCell::Unranked) {
            marks.push(w.unranked);
        }
        if !marks.is_empty() {
            note.push_str(&format!(" ({})", marks.join("; ")));
        }
        s.text(x + 5.0, y + 15.0, &note, "start", 11.0, false, "#000000");
    }
    let mut y = top + body + 36.0;
    for (k, c) in t.columns.iter().enumerate() {
        s.rect(label_w, y - 10.0, 12.0, 12.0, PALETTE[k % PALETTE.len()]);
        s.text(
            label_w + 18.0,
            y,
            &text::clean(&c.label),
            "start",
            11.0,
            false,
            "#000000",
        );
        y += 20.0;
    }
    s.finish()
}

fn median(mut v: Vec<Decimal>) -> Option<Decimal> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO
    })
}

/// The unit's values on one axis per column, each axis scaled to the block's maximum; the block's
/// median and maximum drawn as reference polygons.
fn radar(title: &str, t: &Table, row: &Row, lang: Lang, w: &Words) -> String {
    let peers: Vec<&Row> = t.rows.iter().filter(|r| r.block == row.block).collect();
    let n = t.columns.len();
    let (cx, cy, radius) = (360.0, 300.0, 190.0);
    let mut s = Svg::new(720.0, 600.0, title);
    let column = |k: usize| -> Vec<Decimal> {
        peers
            .iter()
            .filter_map(|r| r.values.get(k)?.cell.number())
            .collect()
    };
    let maxes: Vec<Decimal> = (0..n)
        .map(|k| column(k).into_iter().max().unwrap_or(Decimal::ZERO))
        .collect();
    let medians: Vec<Decimal> = (0..n)
        .map(|k| median(column(k)).unwrap_or(Decimal::ZERO))
        .collect();
    let point = |k: usize, frac: f64| {
        let a = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::TAU / n as f64;
        (cx + radius * frac * a.cos(), cy + radius * frac * a.sin())
    };
    let frac = |k: usize, v: Decimal| {
        if maxes[k] > Decimal::ZERO {
            (f(v) / f(maxes[k])).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    // The scale: each axis runs from 0 to the block's highest value on it; the rings are quarters of
    // that, labelled on the first axis.
    for ring in [0.25, 0.5, 0.75, 1.0] {
        let pts: Vec<_> = (0..n).map(|k| point(k, ring)).collect();
        s.polygon(&pts, "#cccccc", "none", 0.0);
        let (x, y) = point(0, ring);
        s.text(
            x + 4.0,
            y + 12.0,
            &format!("{:.0} %", ring * 100.0),
            "start",
            9.0,
            false,
            "#4a5568",
        );
    }
    for k in 0..n {
        let (x, y) = point(k, 1.0);
        s.line(cx, cy, x, y, "#cbd5e0", 1.0);
        let (lx, ly) = point(k, 1.14);
        let anchor = if (lx - cx).abs() < 10.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        s.text(
            lx,
            ly,
            &text::clean(&t.columns[k].label),
            anchor,
            11.0,
            true,
            "#000000",
        );
        let value = match row.values.get(k).map(|e| &e.cell) {
            Some(Cell::Number(d)) => format_number(
                *d,
                t.columns[k].decimals.or(t.decimals).unwrap_or(d.scale()),
                lang,
            ),
            Some(Cell::NotEvaluated) => crate::layout::Labels::of(lang).not_evaluated.to_string(),
            _ => String::new(),
        };
        s.text(lx, ly + 14.0, &value, anchor, 11.0, false, BLUE);
    }
    let max_pts: Vec<_> = (0..n)
        .map(|k| point(k, if maxes[k] > Decimal::ZERO { 1.0 } else { 0.0 }))
        .collect();
    s.polygon(&max_pts, GREY, GREY, 0.15);
    // The median as a dashed outline (no colour of its own: orange is a component in the stacked
    // chart), the unit in blue.
    let med_pts: Vec<_> = (0..n).map(|k| point(k, frac(k, medians[k]))).collect();
    s.dashed_polygon(&med_pts);
    let unit_pts: Vec<_> = (0..n)
        .map(|k| {
            point(
                k,
                row.values
                    .get(k)
                    .and_then(|e| e.cell.number())
                    .map(|v| frac(k, v))
                    .unwrap_or(0.0),
            )
        })
        .collect();
    s.polygon(&unit_pts, BLUE, BLUE, 0.25);
    let legend = [
        (BLUE, text::clean(&row.unit)),
        ("none", w.median.to_string()),
        (GREY, w.maximum.to_string()),
    ];
    for (i, (color, label)) in legend.iter().enumerate() {
        let y = 530.0 + i as f64 * 18.0;
        if *color == "none" {
            s.dashed_polygon(&[(20.0, y - 4.0), (32.0, y - 4.0)]);
        } else {
            s.rect(20.0, y - 10.0, 12.0, 12.0, color);
        }
        s.text(38.0, y, label, "start", 11.0, false, "#000000");
    }
    s.text(20.0, 584.0, w.scale, "start", 10.0, false, "#4a5568");
    s.finish()
}

fn same_unit(a: &Row, b: &Row) -> bool {
    match (&a.unit_code, &b.unit_code) {
        (Some(x), Some(y)) => x == y,
        _ => text::clean(&a.unit) == text::clean(&b.unit),
    }
}

/// Ranks in the previous and the current edition joined by lines; `None` when no unit is ranked in both.
fn slope(
    title: &str,
    before: &Table,
    after: &Table,
    y0: &str,
    y1: &str,
    w: &Words,
) -> Option<String> {
    let mut pairs: Vec<(&Row, u32, u32)> = after
        .rows
        .iter()
        .filter_map(|r| {
            let now = rank_of(r)?;
            let then = before
                .rows
                .iter()
                .find(|p| same_unit(p, r))
                .and_then(rank_of)?;
            Some((r, then, now))
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    // At national scale only the first ranks are drawn (both years' positions of those units); the
    // rest is counted under the chart, so the image stays the same size for any number of units.
    pairs.sort_by_key(|(_, _, now)| *now);
    let hidden = pairs.len().saturating_sub(MAX_DRAWN / 2);
    pairs.truncate(MAX_DRAWN / 2);
    // Ranks are laid out by their order among the drawn ones, so a gap in ranks costs no space.
    let mut ranks: Vec<u32> = pairs.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let pos = |rank: u32| ranks.binary_search(&rank).unwrap_or(0) as f64;
    // Tied units share one label per side: "5 = Sở Ngoại vụ, Sở TT&TT".
    let group = |side: &dyn Fn(&(&Row, u32, u32)) -> u32| -> Vec<(u32, Vec<String>)> {
        let mut g: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
        for p in &pairs {
            g.entry(side(p)).or_default().push(text::clean(&p.0.unit));
        }
        g.into_iter().collect()
    };
    let left = group(&|p| p.1);
    let right = group(&|p| p.2);
    let label = |rank: u32, names: &[String]| {
        if names.len() > 1 {
            format!("{rank} = {}", names.join(", "))
        } else {
            format!("{rank} {}", names.join(""))
        }
    };
    let label_w = left
        .iter()
        .chain(&right)
        .map(|(r, n)| text_px(&label(*r, n), 12.0))
        .fold(80.0, f64::max)
        + 30.0;
    let (x0, x1) = (label_w + 20.0, label_w + 320.0);
    let top = 70.0;
    let step = 24.0;
    let width = x1 + label_w + 20.0;
    let height = top + ranks.len() as f64 * step + 60.0;
    let y = |rank: u32| top + pos(rank) * step;
    let mut s = Svg::new(width, height, title);
    s.text(x0, 48.0, y0, "middle", 13.0, true, "#000000");
    s.text(x1, 48.0, y1, "middle", 13.0, true, "#000000");
    for (_, then, now) in &pairs {
        // Up blue and solid, down vermillion and dashed, unchanged grey: the dash tells them apart
        // without colour.
        let (color, dash) = match now.cmp(then) {
            std::cmp::Ordering::Less => (BLUE, false),
            std::cmp::Ordering::Greater => ("#d55e00", true),
            std::cmp::Ordering::Equal => (GREY, false),
        };
        s.slope_line(x0, y(*then), x1, y(*now), color, dash);
    }
    for (rank, names) in &left {
        s.text(
            x0 - 8.0,
            y(*rank) + 4.0,
            &label(*rank, names),
            "end",
            12.0,
            false,
            "#000000",
        );
    }
    for (rank, names) in &right {
        s.text(
            x1 + 8.0,
            y(*rank) + 4.0,
            &label(*rank, names),
            "start",
            12.0,
            false,
            "#000000",
        );
    }
    if hidden > 0 {
        s.text(
            width / 2.0,
            height - 30.0,
            &format!("⋯ {hidden} {} ⋯", w.between),
            "middle",
            12.0,
            false,
            "#4a5568",
        );
    }
    Some(s.finish())
}

/// The year of an edition id ("hoabinh-2019" → "2019"), for the columns of a slope chart; the id when
/// it ends in no year.
fn year_of(edition: &str) -> String {
    let tail: String = edition
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if tail.len() == 4 {
        tail
    } else {
        edition.to_string()
    }
}

/// Rasterises an SVG chart to PNG at twice its size (sharp when printed).
pub fn png(name: &str, svg: &str) -> Result<Vec<u8>, ExportError> {
    use resvg::{tiny_skia, usvg};
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    let opt = OPTIONS.get_or_init(|| {
        let mut o = usvg::Options {
            font_family: "DejaVu Sans".into(),
            ..usvg::Options::default()
        };
        o.fontdb_mut().load_system_fonts();
        o
    });
    let err = |message: String| ExportError::Chart {
        chart: name.to_string(),
        message,
    };
    if opt.fontdb.is_empty() {
        return Err(err(egov_core::msg!(
            "không tìm thấy phông chữ hệ thống để vẽ PNG (cần gói fonts-dejavu-core)",
            "no system font to draw the PNG (the package fonts-dejavu-core is needed)"
        )));
    }
    let tree = usvg::Tree::from_str(svg, opt).map_err(|e| {
        err(egov_core::msg!(
            "SVG không vẽ được (SVG hỏng)",
            "cannot draw the SVG ({e})"
        ))
    })?;
    let scale = 2.0;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| err("kích thước ảnh không hợp lệ".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| err("không tạo được ảnh PNG".into()))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| err(format!("không mã hoá được PNG: {e}")))
}
