//! HTML rendering: the annex as one self-contained HTML5 page that prints like the published annex.
//!
//! No external resources (inline CSS, inline SVG charts), so the file can be mailed or archived alone.
//! Print rules: A4 landscape, the table header repeated on each page (`thead` with
//! `display: table-header-group`), rows never split. The header uses real `colspan`/`rowspan` cells, as the
//! Word annex does. Every piece of text is escaped.

use std::fmt::Write;

use egov_core::robustness::Report;
use egov_core::table::Annex;

use crate::layout::{self, Align, Line, TableView};
use crate::{Lang, RenderOptions};

const CSS: &str = "\
@page { size: A4 landscape; margin: 15mm 15mm 15mm 20mm; }
body { font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; font-size: 13pt; color: #000; margin: 1em; }
header.annex { text-align: center; margin-bottom: 1em; }
header.annex h1 { font-size: 14pt; font-weight: bold; margin: 0; }
header.annex p { font-style: italic; margin: 0.2em 0; }
h2 { font-size: 13pt; font-weight: bold; margin: 1.2em 0 0.4em; }
h3 { font-size: 13pt; font-weight: bold; text-align: center; margin: 1em 0 0.4em; }
table.annex { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
table.annex th, table.annex td { border: 1px solid #000; padding: 2px 5px; vertical-align: middle; }
table.annex th { font-weight: bold; text-align: center; }
table.annex thead { display: table-header-group; }
table.annex tr { page-break-inside: avoid; break-inside: avoid; }
table.annex tr.colnum td { text-align: center; font-style: italic; }
table.annex tr.block td { font-weight: bold; }
td.l { text-align: left; } td.c { text-align: center; } td.r { text-align: right; white-space: nowrap; }
figure.chart { break-inside: avoid; page-break-inside: avoid; margin: 1em 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { text-align: center; font-style: italic; }
div.band { display: flex; justify-content: space-between; margin-bottom: 1em; font-weight: bold; }
div.band div { text-align: center; } div.band .issuer { flex: 2; } div.band .nation { flex: 3; }
div.band span.rule { text-decoration: underline; }
header.annex p.label { font-style: normal; font-weight: bold; font-size: 14pt; }
@media print { body { margin: 0; } section.table { break-before: auto; } }
";

/// A chart embedded in the HTML report: its caption and its SVG document.
#[derive(Debug, Clone)]
pub struct EmbeddedChart {
    pub caption: String,
    pub svg: String,
}

/// The whole annex (and optional charts, after the tables) as a self-contained HTML page.
pub fn render(annex: &Annex, opts: &RenderOptions, charts: &[EmbeddedChart]) -> String {
    render_report(annex, opts, charts, None)
}

/// [`render`], followed by the robustness section of `robustness` when one is given.
pub fn render_report(
    annex: &Annex,
    opts: &RenderOptions,
    charts: &[EmbeddedChart],
    robustness: Option<&Report>,
) -> String {
    let (title, sub) = layout::heading(annex, opts);
    let lang = match opts.lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    };
    let mut o = String::with_capacity(64 * 1024);
    let page_title = if title.is_empty() {
        annex.edition.clone()
    } else {
        title.clone()
    };
    write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n<header class=\"annex\">\n",
        esc(&page_title),
        if robustness.is_some() {
            crate::robustness::CSS
        } else {
            ""
        }
    )
    .expect("writing to a String");
    // The Decree-30 heading band and "Phụ lục N", when the annex has its frame.
    if let Some(f) = opts.frame.as_ref().map(|f| f.text(opts.lang)) {
        let issuer: Vec<String> = f.issuer.iter().map(|l| esc(l)).collect();
        writeln!(
            o,
            "<div class=\"band\"><div class=\"issuer\">{}</div><div class=\"nation\">{}<br><span class=\"rule\">{}</span></div></div>",
            issuer.join("<br>"),
            esc(&f.national[0]),
            esc(&f.national[1])
        )
        .expect("writing to a String");
        writeln!(o, "<p class=\"label\">{}</p>", esc(&f.label)).expect("writing to a String");
    }
    if !title.is_empty() {
        writeln!(o, "<h1>{}</h1>", esc(&title)).expect("writing to a String");
    }
    for s in &sub {
        writeln!(o, "<p>{}</p>", esc(s)).expect("writing to a String");
    }
    o.push_str("</header>\n");
    let parts = layout::parts_to_print(annex);
    for (t, print_part) in annex.tables.iter().zip(parts) {
        let v = layout::view(t, opts.lang);
        if print_part && let Some(p) = &v.part {
            writeln!(o, "<h2>{}</h2>", esc(p)).expect("writing to a String");
        }
        table(&mut o, &v);
    }
    if let Some(errata) = opts
        .frame
        .as_ref()
        .and_then(|f| f.errata())
        .filter(|e| !e.is_empty())
    {
        let t = layout::errata_table(opts.lang);
        table(&mut o, &layout::errata_view(&t, errata, opts.lang));
    }
    for c in charts {
        // The SVG is our own output (chart module); its text is escaped there. Strip the XML prolog,
        // which is not allowed inside HTML.
        let svg = c.svg.trim_start_matches(|ch: char| ch.is_whitespace());
        let svg = match svg.strip_prefix("<?xml") {
            Some(rest) => rest.split_once("?>").map(|(_, r)| r).unwrap_or(rest),
            None => svg,
        };
        writeln!(
            o,
            "<figure class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            svg.trim(),
            esc(&c.caption)
        )
        .expect("writing to a String");
    }
    if let Some(r) = robustness {
        o.push_str(&crate::robustness::robustness_html(r, opts.lang));
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn table(o: &mut String, v: &TableView<'_>) {
    let w = v.width();
    writeln!(o, "<section class=\"table\" id=\"{}\">", esc(&v.table.id))
        .expect("writing to a String");
    writeln!(o, "<h3>{}</h3>", esc(&v.title)).expect("writing to a String");
    o.push_str("<table class=\"annex\">\n<thead>\n");
    for row in &v.header {
        o.push_str("<tr>");
        for h in row {
            o.push_str("<th");
            if h.colspan > 1 {
                write!(o, " colspan=\"{}\"", h.colspan).expect("writing to a String");
            }
            if h.rowspan > 1 {
                write!(o, " rowspan=\"{}\"", h.rowspan).expect("writing to a String");
            }
            write!(o, " scope=\"col\">{}</th>", esc(&h.text)).expect("writing to a String");
        }
        o.push_str("</tr>\n");
    }
    o.push_str("<tr class=\"colnum\">");
    for c in &v.column_numbers {
        write!(o, "<td>{}</td>", esc(c)).expect("writing to a String");
    }
    o.push_str("</tr>\n</thead>\n<tbody>\n");
    for line in &v.lines {
        match line {
            Line::Block { label, title } => {
                writeln!(
                    o,
                    "<tr class=\"block\"><td class=\"c\">{}</td><td class=\"l\" colspan=\"{}\">{}</td></tr>",
                    esc(label),
                    w - 1,
                    esc(title)
                )
                .expect("writing to a String");
            }
            Line::Unit { .. } => {
                o.push_str("<tr>");
                for (k, c) in line.cells(w).iter().enumerate() {
                    let class = match v.align(k) {
                        Align::Left => "l",
                        Align::Center => "c",
                        Align::Right => "r",
                    };
                    write!(o, "<td class=\"{class}\">{}</td>", esc(c))
                        .expect("writing to a String");
                }
                o.push_str("</tr>\n");
            }
        }
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

/// Escapes text for HTML element content and attribute values; characters no document may hold become
/// U+FFFD ([`crate::xml`]).
pub fn esc(s: &str) -> String {
    crate::xml::esc(s)
}
