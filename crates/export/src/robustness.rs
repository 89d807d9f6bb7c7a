//! How sure each published rank is, drawn and tabled: the rank-interval chart of an
//! [`egov_core::robustness::Report`] (SVG, PNG through [`crate::png`]) and its HTML section, which the
//! HTML report of `egov export` carries when it is given a report ([`crate::ChartOptions::robustness`]).
//!
//! The chart shows one row per unit in published order: a bar over the ranks between the 5th and 95th
//! percentiles of the draws, a dot at the median and an open diamond at the published rank, so a reader
//! sees at once whether the published place sits inside what the uncertain choices allow and how wide
//! that is. Each bar covers whole places (from the left edge of rank p5 to the right edge of rank p95),
//! so a rank that never moves still shows as one place wide rather than vanishing. It is written as SVG
//! by hand in the style of [`crate::chart`] (same font list, Okabe–Ito colours, every label escaped, a
//! block of more than 60 units cut to its first and last 25); the statistics are f64 as the report
//! holds them, printed with the document's decimal sign. The DOCX and the PDF annex print the same
//! statistics as a section of tables (`printed`), drawn by their own table writers.

use std::fmt::Write;

use egov_core::robustness::{Report, SectionReport, TableReport, render};
use egov_core::table::Table;
use egov_core::text;

use crate::Lang;
use crate::chart::{BLUE, FONT, MAX_DRAWN, SHOWN_EACH_END, text_px};
use crate::layout::{Align, HeadCell, Line, TableView, ValueCell};
use crate::xml::esc;

/// Okabe–Ito sky blue for the 5–95 % bar (light, so the median and the published rank show over it)
/// and vermillion for the published rank: the three marks differ by shape too, never by colour alone.
const SKY: &str = "#56b4e9";
const VERMILLION: &str = "#d55e00";
const MUTED: &str = "#4a5568";
/// Width of the rank axis, whatever the number of units (a national block gets narrower places).
const PLOT_W: f64 = 560.0;
const ROW_H: f64 = 20.0;
/// The narrowest chart: room for the legend and a readable summary.
const MIN_W: f64 = 760.0;
/// Above this many drawn rows the tick labels are repeated above the rows.
const TOP_TICKS_FROM: usize = 20;

/// Style rules of [`robustness_html`]'s section, for a page that has the annex's style (the HTML
/// report adds them when it carries the section).
pub const CSS: &str = "\
section.robustness { break-before: page; page-break-before: always; }
section.robustness p.summary { font-weight: bold; }
section.robustness table.annex caption { font-style: italic; text-align: left; margin-bottom: 0.2em; }
";

struct Words {
    heading: &'static str,
    axis: &'static str,
    interval: &'static str,
    median: &'static str,
    nominal: &'static str,
    rank: &'static str,
    unit: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Vi => Words {
            heading: "Độ vững của xếp hạng",
            axis: "Thứ hạng (1 = cao nhất)",
            interval: "Khoảng 5–95 %",
            median: "Trung vị",
            nominal: "Hạng công bố",
            rank: "Hạng",
            unit: "Đơn vị",
        },
        Lang::En => Words {
            heading: "Robustness of the rankings",
            axis: "Rank (1 = best)",
            interval: "5–95 % interval",
            median: "Median",
            nominal: "Published rank",
            rank: "Rank",
            unit: "Unit",
        },
    }
}

/// "Table title — block title", or the table's title when the block has none.
fn block_title(t: &TableReport, s: &SectionReport) -> String {
    let bt = text::clean(&s.title);
    if bt.is_empty() {
        text::clean(&t.title)
    } else {
        format!("{} — {}", text::clean(&t.title), bt)
    }
}

/// A statistic with `decimals` places and the document's decimal sign; "—" when it is not a number
/// (an index of a block whose ranking never moves may be undefined).
fn num(x: f64, decimals: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let mut s = format!("{x:.decimals$}");
    // A tiny negative estimate prints as zero, not "-0,000".
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s.remove(0);
    }
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

fn pct(p: f64, lang: Lang) -> String {
    format!("{} %", num(100.0 * p, 1, lang))
}

/// `s` cut into lines of at most `max_px` at `size` px, at spaces (a word longer than a line stands
/// alone on its line).
fn wrap(s: &str, max_px: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_px(&candidate, size) > max_px {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The units drawn: all up to [`MAX_DRAWN`], else the first and last [`SHOWN_EACH_END`] with `None`
/// for those between.
fn drawn(s: &SectionReport) -> Vec<Option<usize>> {
    let n = s.units.len();
    if n <= MAX_DRAWN {
        return (0..n).map(Some).collect();
    }
    let mut out: Vec<Option<usize>> = (0..SHOWN_EACH_END).map(Some).collect();
    out.push(None);
    out.extend((n - SHOWN_EACH_END..n).map(Some));
    out
}

/// Rank ticks: 1, then multiples of a step of 1, 2 or 5 × 10ⁿ giving about eight ticks.
fn ticks(max: u32) -> Vec<u32> {
    let raw = (max as f64 / 8.0).max(1.0);
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
        .round()
        .max(1.0) as u32;
    let mut out = vec![1];
    out.extend((1..=max / step).map(|k| k * step).filter(|&r| r > 1));
    out
}

/// Geometry shared by every block of one chart, so the blocks line up.
struct Geometry {
    /// Left edge of the rank axis (after the rank numbers and names).
    x0: f64,
    width: f64,
}

impl Geometry {
    fn of<'a>(blocks: impl Iterator<Item = &'a SectionReport>) -> Geometry {
        let mut names = 80.0f64;
        let mut ranks = 0.0f64;
        for s in blocks {
            for u in drawn(s).into_iter().flatten().map(|i| &s.units[i]) {
                names = names.max(text_px(&text::clean(&u.name), 12.0));
                ranks = ranks.max(text_px(&u.nominal.to_string(), 12.0));
            }
        }
        let x0 = 10.0 + ranks.max(text_px("Hạng", 11.0)) + 12.0 + names + 14.0;
        Geometry {
            x0,
            width: (x0 + PLOT_W + 30.0).max(MIN_W),
        }
    }
}

/// SVG markup written into a String (writing to a String cannot fail).
struct Out(String);

impl Out {
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, size: f64, bold: bool, fill: &str) {
        self.text_class(x, y, s, anchor, size, bold, fill, "");
    }

    #[allow(clippy::too_many_arguments)]
    fn text_class(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        anchor: &str,
        size: f64,
        bold: bool,
        fill: &str,
        class: &str,
    ) {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        write!(
            self.0,
            "<text{class} x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{size}\"{} fill=\"{fill}\">{}</text>",
            if bold { " font-weight=\"bold\"" } else { "" },
            esc(s)
        )
        .expect("writing to a String");
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) {
        write!(
            self.0,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"1\"/>"
        )
        .expect("writing to a String");
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, class: &str) {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        write!(
            self.0,
            "<rect{class} x=\"{x:.2}\" y=\"{y:.1}\" width=\"{:.2}\" height=\"{h:.1}\" fill=\"{fill}\"/>",
            w.max(0.0)
        )
        .expect("writing to a String");
    }

    fn dot(&mut self, cx: f64, cy: f64) {
        write!(
            self.0,
            "<circle class=\"median\" cx=\"{cx:.2}\" cy=\"{cy:.1}\" r=\"3.5\" fill=\"{BLUE}\"/>"
        )
        .expect("writing to a String");
    }

    /// The published rank: an open diamond, so a median dot at the same place stays visible inside it.
    fn diamond(&mut self, cx: f64, cy: f64) {
        let h = 6.0;
        write!(
            self.0,
            "<polygon class=\"nominal\" points=\"{:.2},{:.1} {:.2},{:.1} {:.2},{:.1} {:.2},{:.1}\" fill=\"none\" stroke=\"{VERMILLION}\" stroke-width=\"1.6\"/>",
            cx,
            cy - h,
            cx + h,
            cy,
            cx,
            cy + h,
            cx - h,
            cy
        )
        .expect("writing to a String");
    }
}

/// Draws one block from `top`; returns the height used.
fn block(
    o: &mut Out,
    top: f64,
    f: &Geometry,
    report: &Report,
    t: &TableReport,
    s: &SectionReport,
    lang: Lang,
) -> f64 {
    let w = words(lang);
    let mut y = top;
    for l in wrap(&block_title(t, s), f.width - 40.0, 14.0) {
        y += 18.0;
        o.text(20.0, y, &l, "start", 14.0, true, "#000000");
    }
    y += 4.0;
    for l in wrap(&render::summary(report, s, lang), f.width - 40.0, 12.0) {
        y += 16.0;
        o.text_class(20.0, y, &l, "start", 12.0, false, "#222222", "summary");
    }
    // The legend, above the rows so it is read before them.
    y += 24.0;
    let mut x = f.x0;
    o.rect(x, y - 9.0, 24.0, 10.0, SKY, "");
    o.text(x + 30.0, y, w.interval, "start", 11.0, false, "#000000");
    x += 30.0 + text_px(w.interval, 11.0) + 24.0;
    write!(
        o.0,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{BLUE}\"/>",
        x + 6.0,
        y - 4.0
    )
    .expect("writing to a String");
    o.text(x + 16.0, y, w.median, "start", 11.0, false, "#000000");
    x += 16.0 + text_px(w.median, 11.0) + 24.0;
    write!(
        o.0,
        "<polygon points=\"{0:.1},{1:.1} {2:.1},{3:.1} {0:.1},{4:.1} {5:.1},{3:.1}\" fill=\"none\" stroke=\"{VERMILLION}\" stroke-width=\"1.6\"/>",
        x + 6.0,
        y - 10.0,
        x + 12.0,
        y - 4.0,
        y + 2.0,
        x
    )
    .expect("writing to a String");
    o.text(x + 18.0, y, w.nominal, "start", 11.0, false, "#000000");

    let rows = drawn(s);
    let max = s
        .units
        .iter()
        .map(|u| u.p95.max(u.nominal).max(u.median))
        .max()
        .unwrap_or(1)
        .max(s.units.len() as u32)
        .max(1);
    let place = PLOT_W / max as f64;
    // Left edge of rank r's place; its centre is half a place on.
    let edge = |r: u32| f.x0 + (r.max(1) - 1) as f64 * place;
    let centre = |r: u32| edge(r) + place / 2.0;
    let tick_list = ticks(max);

    y += 22.0;
    o.text(10.0, y, w.rank, "start", 11.0, true, MUTED);
    o.text(f.x0 - 8.0, y, w.unit, "end", 11.0, true, MUTED);
    if rows.len() > TOP_TICKS_FROM {
        for &r in &tick_list {
            o.text(centre(r), y, &r.to_string(), "middle", 10.0, false, MUTED);
        }
    }
    y += 6.0;
    let body_top = y;
    let body = rows.len() as f64 * ROW_H;
    for i in (1..rows.len()).step_by(2) {
        o.rect(
            10.0,
            body_top + i as f64 * ROW_H,
            f.x0 + PLOT_W - 10.0,
            ROW_H,
            "#f3f4f6",
            "",
        );
    }
    for &r in &tick_list {
        o.line(centre(r), body_top, centre(r), body_top + body, "#d9d9d9");
    }
    for (i, row) in rows.iter().enumerate() {
        let cy = body_top + i as f64 * ROW_H + ROW_H / 2.0;
        let Some(k) = row else {
            let hidden = &s.units[SHOWN_EACH_END..s.units.len() - SHOWN_EACH_END];
            let (a, b) = (
                hidden.first().map_or(0, |u| u.nominal),
                hidden.last().map_or(0, |u| u.nominal),
            );
            // The grid stops at the gap: the ranks between are not on this chart.
            o.rect(
                10.0,
                cy - ROW_H / 2.0,
                f.x0 + PLOT_W - 10.0,
                ROW_H,
                "#ffffff",
                "",
            );
            let label = match lang {
                Lang::Vi => format!(
                    "⋯ {} đơn vị ở giữa (hạng {a}–{b}) không được vẽ ⋯",
                    hidden.len()
                ),
                Lang::En => format!(
                    "⋯ {} units in between (ranks {a}–{b}) not drawn ⋯",
                    hidden.len()
                ),
            };
            o.text_class(
                f.x0 + PLOT_W / 2.0,
                cy + 4.0,
                &label,
                "middle",
                12.0,
                false,
                MUTED,
                "gap",
            );
            continue;
        };
        let u = &s.units[*k];
        o.text(
            10.0,
            cy + 4.0,
            &u.nominal.to_string(),
            "start",
            12.0,
            true,
            "#000000",
        );
        o.text(
            f.x0 - 8.0,
            cy + 4.0,
            &text::clean(&u.name),
            "end",
            12.0,
            false,
            "#000000",
        );
        let (lo, hi) = (u.p5.min(u.p95), u.p95.max(u.p5));
        o.rect(
            edge(lo),
            cy - 5.0,
            edge(hi) + place - edge(lo),
            10.0,
            SKY,
            "interval",
        );
        o.dot(centre(u.median), cy);
        o.diamond(centre(u.nominal), cy);
    }
    y = body_top + body;
    o.line(f.x0, y, f.x0 + PLOT_W, y, MUTED);
    for &r in &tick_list {
        o.line(centre(r), y, centre(r), y + 4.0, MUTED);
        o.text(
            centre(r),
            y + 16.0,
            &r.to_string(),
            "middle",
            10.0,
            false,
            MUTED,
        );
    }
    y += 34.0;
    o.text(
        f.x0 + PLOT_W / 2.0,
        y,
        w.axis,
        "middle",
        12.0,
        false,
        "#222222",
    );
    y + 16.0 - top
}

fn document(width: f64, height: f64, title: &str, body: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\" font-size=\"12\">\
         <title>{}</title><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{body}</svg>\n",
        esc(title)
    )
}

/// The rank-interval chart of every ranked block of every table of `report`, stacked in one SVG.
pub fn robustness_chart(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    let f = Geometry::of(report.tables.iter().flat_map(|t| &t.sections));
    let title = format!("{} — {}", w.heading, text::clean(&report.edition));
    let mut o = Out(String::with_capacity(64 * 1024));
    o.text(f.width / 2.0, 24.0, &title, "middle", 15.0, true, "#000000");
    let note = match lang {
        Lang::Vi => format!(
            "{} lượt tính, {} lượt rút độc lập cho khoảng thứ hạng, hạt giống {}",
            report.evaluations, report.draws, report.seed
        ),
        Lang::En => format!(
            "{} evaluations, {} independent draws for the rank intervals, seed {}",
            report.evaluations, report.draws, report.seed
        ),
    };
    o.text(f.width / 2.0, 42.0, &note, "middle", 11.0, false, MUTED);
    let mut y = 52.0;
    for t in &report.tables {
        for s in &t.sections {
            o.line(10.0, y + 6.0, f.width - 10.0, y + 6.0, "#bfbfbf");
            y += 12.0;
            y += block(&mut o, y, &f, report, t, s, lang);
        }
    }
    document(f.width, y + 10.0, &title, &o.0)
}

/// One block's chart alone (for the HTML section, which puts each block's chart by its tables).
fn block_chart(report: &Report, t: &TableReport, s: &SectionReport, lang: Lang) -> String {
    let f = Geometry::of(std::iter::once(s));
    let mut o = Out(String::with_capacity(16 * 1024));
    let h = block(&mut o, 4.0, &f, report, t, s, lang);
    document(f.width, h + 14.0, &block_title(t, s), &o.0)
}

/// The robustness section of an HTML report: the analysis in a sentence, then per ranked block its
/// summary, its chart (inline SVG), the units' rank statistics and the block's sensitivity indices.
/// Every text is escaped; numbers carry the document's decimal sign.
pub fn robustness_html(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    let vi = lang == Lang::Vi;
    let mut o = String::with_capacity(32 * 1024);
    let label = |i: usize| {
        let c = &report.choices[i];
        lang.pick(&c.label, Some(&c.label_en)).to_string()
    };
    writeln!(
        o,
        "<section class=\"robustness\" id=\"robustness\">\n<h2>{}</h2>",
        esc(w.heading)
    )
    .expect("writing to a String");
    let intro = if vi {
        format!(
            "Phân tích Monte-Carlo các lựa chọn bất định của bộ tiêu chí {}: {} lượt tính = {} lượt gốc × ({} lựa chọn + 2); {} lượt rút độc lập cho khoảng thứ hạng; hạt giống {}; khoảng tin cậy của chỉ số độ nhạy từ {} lần lấy mẫu lại. {}",
            text::clean(&report.edition),
            report.evaluations,
            report.base,
            report.choices.len(),
            report.draws,
            report.seed,
            report.bootstrap,
            if report.declared {
                "Các lựa chọn được khai báo trong [robustness]:"
            } else {
                "Các lựa chọn là mặc định (khai báo [robustness] để đổi):"
            }
        )
    } else {
        format!(
            "A Monte-Carlo analysis of the uncertain choices of edition {}: {} evaluations = {} base rows × ({} choices + 2); {} independent draws for the rank intervals; seed {}; intervals of the sensitivity indices from {} bootstrap resamples. {}",
            text::clean(&report.edition),
            report.evaluations,
            report.base,
            report.choices.len(),
            report.draws,
            report.seed,
            report.bootstrap,
            if report.declared {
                "The choices are declared in [robustness]:"
            } else {
                "The choices are the defaults (declare [robustness] to change them):"
            }
        )
    };
    writeln!(o, "<p>{}</p>\n<ul>", esc(&intro)).expect("writing to a String");
    for (i, c) in report.choices.iter().enumerate() {
        let opts = if c.options.is_empty() {
            String::new()
        } else {
            format!(": {}", c.options.join(", "))
        };
        writeln!(o, "<li>{}{}</li>", esc(&label(i)), esc(&opts)).expect("writing to a String");
    }
    o.push_str("</ul>\n");
    for t in &report.tables {
        for s in &t.sections {
            let title = block_title(t, s);
            writeln!(
                o,
                "<h3>{}</h3>\n<p class=\"summary\">{}</p>",
                esc(&title),
                esc(&render::summary(report, s, lang))
            )
            .expect("writing to a String");
            writeln!(
                o,
                "<figure class=\"chart\">\n{}</figure>",
                block_chart(report, t, s, lang)
            )
            .expect("writing to a String");
            let corr = if vi {
                format!(
                    "Tương quan Spearman với xếp hạng công bố: trung bình {}; phân vị 5 %: {}; trung vị {}.",
                    num(s.correlation.0, 3, lang),
                    num(s.correlation.1, 3, lang),
                    num(s.correlation.2, 3, lang)
                )
            } else {
                format!(
                    "Spearman correlation with the published ranking: mean {}; 5th percentile {}; median {}.",
                    num(s.correlation.0, 3, lang),
                    num(s.correlation.1, 3, lang),
                    num(s.correlation.2, 3, lang)
                )
            };
            writeln!(o, "<p>{}</p>", esc(&corr)).expect("writing to a String");
            units_table(&mut o, report, s, lang, &label);
            sensitivity_table(&mut o, s, lang, &label);
        }
    }
    o.push_str("</section>\n");
    o
}

fn units_table(
    o: &mut String,
    report: &Report,
    s: &SectionReport,
    lang: Lang,
    label: &dyn Fn(usize) -> String,
) {
    let w = words(lang);
    let mut head: Vec<String> = vec![
        w.unit.into(),
        w.nominal.into(),
        w.median.into(),
        w.interval.into(),
    ];
    head.extend(
        report
            .top
            .iter()
            .map(|k| format!("{} {k})", lang.tr("P(hạng ≤", "P(rank ≤"))),
    );
    let banded = s.units.iter().any(|u| !u.bands.is_empty());
    if banded {
        head.extend(
            report
                .bands
                .iter()
                .map(|b| format!("P({})", text::clean(b))),
        );
    }
    head.push(lang.tr("Yếu tố chính", "Main source").into());
    o.push_str("<table class=\"annex robustness-units\">\n<thead><tr>");
    for h in &head {
        write!(o, "<th scope=\"col\">{}</th>", esc(h)).expect("writing to a String");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for u in &s.units {
        write!(
            o,
            "<tr><td class=\"l\">{}</td><td class=\"c\">{}</td><td class=\"c\">{}</td><td class=\"c\">{}–{}</td>",
            esc(&text::clean(&u.name)),
            u.nominal,
            u.median,
            u.p5,
            u.p95
        )
        .expect("writing to a String");
        for p in &u.top {
            write!(o, "<td class=\"r\">{}</td>", esc(&pct(*p, lang))).expect("writing to a String");
        }
        if banded {
            for b in 0..report.bands.len() {
                let cell = u.bands.get(b).map_or(String::new(), |p| pct(*p, lang));
                write!(o, "<td class=\"r\">{}</td>", esc(&cell)).expect("writing to a String");
            }
        }
        let main = u.dominant.map_or("—".to_string(), label);
        writeln!(o, "<td class=\"l\">{}</td></tr>", esc(&main)).expect("writing to a String");
    }
    o.push_str("</tbody>\n</table>\n");
}

fn sensitivity_table(
    o: &mut String,
    s: &SectionReport,
    lang: Lang,
    label: &dyn Fn(usize) -> String,
) {
    let head = match lang {
        Lang::Vi => [
            "Lựa chọn bất định",
            "Chỉ số bậc nhất",
            "Khoảng tin cậy 95 %",
            "Chỉ số tổng",
            "Khoảng tin cậy 95 %",
        ],
        Lang::En => [
            "Uncertain choice",
            "First-order index",
            "95 % interval",
            "Total-effect index",
            "95 % interval",
        ],
    };
    write!(
        o,
        "<table class=\"annex robustness-sensitivity\">\n<caption>{}</caption>\n<thead><tr>",
        esc(lang.tr(
            "Độ nhạy của tương quan thứ hạng với từng lựa chọn",
            "Sensitivity of the rank correlation to each choice"
        ))
    )
    .expect("writing to a String");
    for h in head {
        write!(o, "<th scope=\"col\">{}</th>", esc(h)).expect("writing to a String");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let interval = |(a, b): (f64, f64)| format!("[{}; {}]", num(a, 3, lang), num(b, 3, lang));
    for (i, x) in s.sensitivity.iter().enumerate() {
        writeln!(
            o,
            "<tr><td class=\"l\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td><td class=\"r\">{}</td></tr>",
            esc(&label(i)),
            esc(&num(x.first, 3, lang)),
            esc(&interval(x.first_ci)),
            esc(&num(x.total, 3, lang)),
            esc(&interval(x.total_ci))
        )
        .expect("writing to a String");
    }
    o.push_str("</tbody>\n</table>\n");
}

/// The robustness section as the DOCX and the PDF annex print it, after the annex's tables: a heading,
/// a paragraph saying what the analysis is, then per ranked block its title, its summary sentence, the
/// units' rank statistics and the block's sensitivity indices. The two tables of a block are laid out
/// as [`TableView`]s so that both documents draw them with the annex's own table writer (its fonts,
/// rules, repeated header rows and page breaks) rather than a second one; a block of more than
/// [`MAX_DRAWN`] units prints its first and last [`SHOWN_EACH_END`], as the chart draws them.
pub(crate) struct Printed {
    pub heading: String,
    pub intro: String,
    pub blocks: Vec<PrintedBlock>,
}

pub(crate) struct PrintedBlock {
    pub title: String,
    pub summary: String,
    pub units: PrintedTable,
    /// The line above the sensitivity table.
    pub caption: String,
    pub sensitivity: PrintedTable,
}

/// One table of the section: the table model its view points to (only its column count matters: the
/// view holds every text) and the view's parts.
pub(crate) struct PrintedTable {
    grid: Table,
    title: String,
    header: Vec<String>,
    lines: Vec<Line>,
    aligns: Vec<Align>,
}

impl PrintedTable {
    fn new(
        title: String,
        header: Vec<String>,
        lines: Vec<Line>,
        aligns: Vec<Align>,
    ) -> PrintedTable {
        debug_assert!(header.len() >= 4 && aligns.len() == header.len());
        PrintedTable {
            grid: Table {
                id: "robustness".into(),
                title: title.clone(),
                columns: vec![egov_core::table::Column::default(); header.len() - 4],
                ..Table::default()
            },
            title,
            header,
            lines,
            aligns,
        }
    }

    /// The table as the annex's writers take it: one header row, no column-number row (the section's
    /// columns are not referred to by number).
    pub fn view(&self) -> TableView<'_> {
        TableView {
            table: &self.grid,
            title: self.title.clone(),
            part: None,
            header: vec![
                self.header
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
            flat_header: self.header.clone(),
            column_numbers: Vec::new(),
            lines: self.lines.clone(),
            decimals: vec![None; self.header.len() - 3],
            aligns: self.aligns.clone(),
        }
    }
}

/// A count as the document prints it: "2.000" in Vietnamese, "2000" in English (as the annex's
/// numbers).
fn count(n: usize, lang: Lang) -> String {
    crate::layout::format_number(rust_decimal::Decimal::from(n as u64), 0, lang)
}

/// The section of `report` in `lang`, every text cleaned for a document ([`crate::layout::clean`]).
pub(crate) fn printed(report: &Report, lang: Lang) -> Printed {
    let clean = crate::layout::clean;
    let w = words(lang);
    let label = |i: usize| {
        let c = &report.choices[i];
        clean(lang.pick(&c.label, Some(&c.label_en)))
    };
    let choices: Vec<String> = (0..report.choices.len()).map(label).collect();
    let intro = match lang {
        Lang::Vi => format!(
            "Phân tích Monte-Carlo các lựa chọn bất định của bộ chỉ số {}: {} lượt tính ({} lượt gốc × ({} lựa chọn + 2)), {} lượt rút độc lập cho khoảng thứ hạng, hạt giống {}. Các lựa chọn {}: {}. Mỗi khối xếp hạng có bảng thứ hạng của từng đơn vị qua các lượt tính (trung vị, khoảng 5–95 %, xác suất đạt hạng ≤ k, lựa chọn ảnh hưởng nhiều nhất đến thứ hạng) và bảng chỉ số độ nhạy của xếp hạng với từng lựa chọn.",
            clean(&report.edition),
            count(report.evaluations, lang),
            count(report.base, lang),
            report.choices.len(),
            count(report.draws, lang),
            report.seed,
            if report.declared {
                "(khai báo trong [robustness])"
            } else {
                "(mặc định)"
            },
            choices.join("; ")
        ),
        Lang::En => format!(
            "A Monte-Carlo analysis of the uncertain choices of edition {}: {} evaluations ({} base rows × ({} choices + 2)), {} independent draws for the rank intervals, seed {}. The choices {}: {}. Each ranked block has a table of every unit's rank over the evaluations (median, 5–95 % interval, probability of a rank ≤ k, the choice that moves the rank most) and a table of the ranking's sensitivity to each choice.",
            clean(&report.edition),
            count(report.evaluations, lang),
            count(report.base, lang),
            report.choices.len(),
            count(report.draws, lang),
            report.seed,
            if report.declared {
                "(declared in [robustness])"
            } else {
                "(the defaults)"
            },
            choices.join("; ")
        ),
    };
    let labels = crate::layout::Labels::of(lang);
    let mut blocks = Vec::new();
    for t in &report.tables {
        for s in &t.sections {
            let title = clean(&block_title(t, s));
            let banded = s.units.iter().any(|u| !u.bands.is_empty());
            let mut header: Vec<String> = vec![
                labels.tt.into(),
                labels.unit.into(),
                w.nominal.into(),
                w.median.into(),
                w.interval.into(),
            ];
            header.extend(
                report
                    .top
                    .iter()
                    .map(|k| format!("{} {k})", lang.tr("P(hạng ≤", "P(rank ≤"))),
            );
            if banded {
                header.extend(report.bands.iter().map(|b| format!("P({})", clean(b))));
            }
            header.push(lang.tr("Yếu tố chính", "Main source").into());
            let text = |t: String| ValueCell {
                text: t,
                number: None,
                decimals: 0,
            };
            let mut lines = Vec::with_capacity(s.units.len().min(MAX_DRAWN + 1));
            for row in drawn(s) {
                let Some(k) = row else {
                    let hidden = &s.units[SHOWN_EACH_END..s.units.len() - SHOWN_EACH_END];
                    let (a, b) = (
                        hidden.first().map_or(0, |u| u.nominal),
                        hidden.last().map_or(0, |u| u.nominal),
                    );
                    lines.push(Line::Block {
                        label: String::new(),
                        title: match lang {
                            Lang::Vi => format!(
                                "… {} đơn vị ở giữa (hạng công bố {a}–{b}) không in; bảng đầy đủ trong tệp JSON hoặc CSV của egov robustness …",
                                hidden.len()
                            ),
                            Lang::En => format!(
                                "… {} units in between (published ranks {a}–{b}) not printed; the full table is in egov robustness's JSON or CSV …",
                                hidden.len()
                            ),
                        },
                    });
                    continue;
                };
                let u = &s.units[k];
                let mut values = vec![
                    text(u.nominal.to_string()),
                    text(u.median.to_string()),
                    text(format!("{}–{}", u.p5.min(u.p95), u.p95.max(u.p5))),
                ];
                values.extend(u.top.iter().map(|p| text(pct(*p, lang))));
                if banded {
                    values
                        .extend((0..report.bands.len()).map(|b| {
                            text(u.bands.get(b).map_or(String::new(), |p| pct(*p, lang)))
                        }));
                }
                lines.push(Line::Unit {
                    tt: (k + 1).to_string(),
                    unit: clean(&u.name),
                    values,
                    rank: u.dominant.map_or_else(|| "—".to_string(), label),
                    rank_number: None,
                    row: k,
                });
            }
            let mut aligns = vec![Align::Center, Align::Left];
            aligns.extend(std::iter::repeat_n(Align::Center, 3));
            aligns.extend(std::iter::repeat_n(Align::Right, header.len() - 6));
            aligns.push(Align::Left);
            let units = PrintedTable::new(title.clone(), header, lines, aligns);

            let interval =
                |(a, b): (f64, f64)| format!("[{}; {}]", num(a, 3, lang), num(b, 3, lang));
            let lines = s
                .sensitivity
                .iter()
                .enumerate()
                .map(|(i, x)| Line::Unit {
                    tt: (i + 1).to_string(),
                    unit: label(i),
                    values: vec![text(format!(
                        "{} {}",
                        num(x.first, 3, lang),
                        interval(x.first_ci)
                    ))],
                    rank: format!("{} {}", num(x.total, 3, lang), interval(x.total_ci)),
                    rank_number: None,
                    row: i,
                })
                .collect();
            let header = match lang {
                Lang::Vi => [
                    "TT",
                    "Lựa chọn",
                    "Chỉ số bậc 1 [95 %]",
                    "Chỉ số tổng [95 %]",
                ],
                Lang::En => [
                    "No.",
                    "Choice",
                    "First-order index [95 %]",
                    "Total-effect index [95 %]",
                ],
            };
            let sensitivity = PrintedTable::new(
                title.clone(),
                header.iter().map(|h| h.to_string()).collect(),
                lines,
                // Centred: the table spans the line, and a right-aligned index would sit far from its label.
                vec![Align::Center, Align::Left, Align::Center, Align::Center],
            );
            blocks.push(PrintedBlock {
                summary: clean(&render::summary(report, s, lang)),
                title,
                units,
                caption: lang
                    .tr(
                        "Độ nhạy của tương quan thứ hạng với từng lựa chọn (chỉ số Sobol, khoảng tin cậy 95 %)",
                        "Sensitivity of the rank correlation to each choice (Sobol indices, 95 % intervals)",
                    )
                    .into(),
                sensitivity,
            });
        }
    }
    Printed {
        heading: lang
            .tr("ĐỘ VỮNG CỦA XẾP HẠNG", "HOW SURE THE RANKS ARE")
            .into(),
        intro,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_start_at_one_and_step_evenly() {
        assert_eq!(ticks(5), [1, 2, 3, 4, 5]);
        assert_eq!(ticks(11), [1, 2, 4, 6, 8, 10]);
        assert_eq!(ticks(70), [1, 10, 20, 30, 40, 50, 60, 70]);
        assert_eq!(ticks(1), [1]);
    }

    #[test]
    fn numbers_take_the_decimal_comma_in_vietnamese() {
        assert_eq!(num(0.1234, 3, Lang::Vi), "0,123");
        assert_eq!(num(0.1234, 3, Lang::En), "0.123");
        assert_eq!(num(-0.0001, 3, Lang::Vi), "0,000");
        assert_eq!(num(f64::NAN, 3, Lang::Vi), "—");
        assert_eq!(pct(0.2734, Lang::Vi), "27,3 %");
    }

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let s = "Thứ hạng của 4/18 đơn vị ổn định trong ±1 bậc (khoảng 5–95 %); 1 đơn vị có khoảng rộng hơn 5 bậc";
        let lines = wrap(s, 300.0, 12.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_px(l, 12.0) <= 300.0));
        assert_eq!(lines.join(" "), s);
    }
}
