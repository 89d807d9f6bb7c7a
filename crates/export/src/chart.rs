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
}

const FONT: &str = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
const BLUE: &str = "#2b6cb0";
const ORANGE: &str = "#dd6b20";
const GREY: &str = "#a0aec0";
const PALETTE: [&str; 8] = [
    "#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096",
];

struct Words {
    rank: &'static str,
    tied: &'static str,
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
            median: "Trung vị của khối",
            maximum: "Cao nhất của khối",
            profile: "Hồ sơ điểm",
            slope: "Thay đổi thứ hạng",
            points: "Điểm thành phần",
        },
        Lang::En => Words {
            rank: "Rank",
            tied: "Tied",
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
                svg: stacked(&title, t, opts.lang),
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
            let title = format!(
                "{} — {} ({} → {})",
                text::clean(&t.title),
                w.slope,
                prev.edition,
                annex.edition
            );
            if let Some(svg) = slope(&title, pt, t, &prev.edition, &annex.edition, &w) {
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
fn text_px(s: &str, size: f64) -> f64 {
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

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        write!(
            self.out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
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

/// Horizontal bars of the totals in rank order; tied units share the orange colour and an "=" mark.
fn ranking(title: &str, rows: &[&Row], t: &Table, lang: Lang, w: &Words) -> String {
    let mut rows = rows.to_vec();
    rows.sort_by(|a, b| {
        rank_of(a)
            .cmp(&rank_of(b))
            .then_with(|| text::compare_vi(&a.unit, &b.unit))
    });
    let tied = |r: &Row| rows.iter().filter(|o| rank_of(o) == rank_of(r)).count() > 1;
    let label_w = rows
        .iter()
        .map(|r| text_px(&text::clean(&r.unit), 12.0))
        .fold(80.0, f64::max)
        + 50.0;
    let bar_w = 420.0;
    let row_h = 22.0;
    let top = 60.0;
    let width = label_w + bar_w + 80.0;
    let height = top + rows.len() as f64 * row_h + 50.0;
    let max = rows
        .iter()
        .filter_map(|r| total_of(r))
        .map(f)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut s = Svg::new(width, height, title);
    s.text(10.0, 46.0, w.rank, "start", 11.0, true, "#4a5568");
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
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
        s.text(
            10.0,
            y + 15.0,
            &rank,
            "start",
            12.0,
            true,
            if is_tied { ORANGE } else { "#000000" },
        );
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
            s.rect(
                label_w,
                y + 3.0,
                len,
                row_h - 6.0,
                if is_tied { ORANGE } else { BLUE },
            );
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
        s.rect(label_w, y - 10.0, 12.0, 12.0, ORANGE);
        s.text(label_w + 18.0, y, w.tied, "start", 11.0, false, "#000000");
    }
    s.finish()
}

/// Stacked horizontal bars: each unit's value columns side by side, in the table's row order.
fn stacked(title: &str, t: &Table, lang: Lang) -> String {
    let label_w = t
        .rows
        .iter()
        .map(|r| text_px(&text::clean(&r.unit), 12.0))
        .fold(80.0, f64::max)
        + 20.0;
    let bar_w = 460.0;
    let row_h = 22.0;
    let top = 50.0;
    let legend_h = 20.0 * t.columns.len() as f64 + 20.0;
    let width = label_w + bar_w + 90.0;
    let height = top + t.rows.len() as f64 * row_h + legend_h;
    let sums: Vec<f64> = t
        .rows
        .iter()
        .map(|r| {
            r.values
                .iter()
                .filter_map(|e| e.cell.number())
                .map(f)
                .filter(|v| *v > 0.0)
                .sum()
        })
        .collect();
    let max = sums
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut s = Svg::new(width, height, title);
    for (i, r) in t.rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
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
        if let Some(v) = total_of(r) {
            s.text(
                x + 5.0,
                y + 15.0,
                &format_number(v, t.decimals.unwrap_or(v.scale()), lang),
                "start",
                11.0,
                false,
                "#000000",
            );
        }
    }
    let mut y = top + t.rows.len() as f64 * row_h + 16.0;
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
    for ring in [0.25, 0.5, 0.75, 1.0] {
        let pts: Vec<_> = (0..n).map(|k| point(k, ring)).collect();
        s.polygon(&pts, "#e2e8f0", "none", 0.0);
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
    let med_pts: Vec<_> = (0..n).map(|k| point(k, frac(k, medians[k]))).collect();
    s.polygon(&med_pts, ORANGE, ORANGE, 0.15);
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
        (ORANGE, w.median.to_string()),
        (GREY, w.maximum.to_string()),
    ];
    for (i, (color, label)) in legend.iter().enumerate() {
        let y = 540.0 + i as f64 * 18.0;
        s.rect(20.0, y - 10.0, 12.0, 12.0, color);
        s.text(38.0, y, label, "start", 11.0, false, "#000000");
    }
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
    let pairs: Vec<(&Row, u32, u32)> = after
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
    let max_rank = pairs
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(1) as f64;
    let label_w = pairs
        .iter()
        .map(|(r, _, _)| text_px(&text::clean(&r.unit), 12.0))
        .fold(80.0, f64::max)
        + 40.0;
    let (x0, x1) = (label_w + 20.0, label_w + 320.0);
    let top = 70.0;
    let step = 24.0;
    let width = x1 + label_w + 20.0;
    let height = top + max_rank * step + 30.0;
    let y = |rank: u32| top + (rank as f64 - 1.0) * step;
    let mut s = Svg::new(width, height, title);
    s.text(
        x0,
        48.0,
        &format!("{} {y0}", w.rank),
        "middle",
        12.0,
        true,
        "#000000",
    );
    s.text(
        x1,
        48.0,
        &format!("{} {y1}", w.rank),
        "middle",
        12.0,
        true,
        "#000000",
    );
    for (r, then, now) in &pairs {
        let color = match now.cmp(then) {
            std::cmp::Ordering::Less => "#38a169",
            std::cmp::Ordering::Greater => "#e53e3e",
            std::cmp::Ordering::Equal => "#718096",
        };
        s.line(x0, y(*then), x1, y(*now), color, 2.0);
        let name = text::clean(&r.unit);
        s.text(
            x0 - 8.0,
            y(*then) + 4.0,
            &format!("{name} {then}"),
            "end",
            12.0,
            false,
            "#000000",
        );
        s.text(
            x1 + 8.0,
            y(*now) + 4.0,
            &format!("{now} {name}"),
            "start",
            12.0,
            false,
            "#000000",
        );
    }
    Some(s.finish())
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
