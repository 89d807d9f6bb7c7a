//! DOCX rendering: the annex as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP).
//!
//! The OOXML is written by hand (zip + escaped XML strings) rather than through a document crate, because
//! the annex needs exactly the features such crates make awkward: header rows repeated on every page
//! (`w:tblHeader`), vertical merges (`w:vMerge`) and horizontal spans (`w:gridSpan`) in a two-row
//! header, rows that never split across pages, and landscape sections only for the wide tables. The
//! package is minimal and valid: content types, relationships, styles (Times New Roman 13 pt, A4,
//! the decree's margins), two page headers (the page number centred, and an empty one for the first
//! page, which the decree leaves unnumbered) and the document. Given a robustness report
//! ([`crate::RenderOptions::robustness`]), the document ends with its section on pages of its own
//! after the annex's tables and before the signature, its tables drawn as the annex's are.

use std::io::{Cursor, Write};

use egov_core::table::Annex;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::layout::{self, Align, Line, Orientation, TableView};
use crate::{ExportError, RenderOptions};

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
/// A4 in twips.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
/// Margins of Nghị định 30/2020: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
const MARGIN_TOP_MM: f64 = 20.0;
const MARGIN_BOTTOM_MM: f64 = 20.0;
const MARGIN_LEFT_MM: f64 = 30.0;
const MARGIN_RIGHT_MM: f64 = 15.0;
/// Body text 13 pt, headings 14 pt (half-points).
const BODY_SIZE: u32 = 26;
const TITLE_SIZE: u32 = 28;

fn mm(v: f64) -> u32 {
    (v * TWIPS_PER_MM).round() as u32
}

impl Orientation {
    /// Width available to text, in twips.
    fn text_width(self) -> u32 {
        let page = match self {
            Orientation::Portrait => A4_SHORT,
            Orientation::Landscape => A4_LONG,
        };
        let (_, right, _, left) = self.margins_mm();
        page - mm(left) - mm(right)
    }

    /// Height available to text, in twips.
    fn text_height(self) -> u32 {
        let page = match self {
            Orientation::Portrait => A4_LONG,
            Orientation::Landscape => A4_SHORT,
        };
        let (top, _, bottom, _) = self.margins_mm();
        page - mm(top) - mm(bottom)
    }

    /// Margins in mm: top, right, bottom, left. A landscape page is bound along its top edge (turned a
    /// quarter clockwise in the portrait-bound volume), so it has the portrait margins turned with it:
    /// the 30 mm binding margin at the top (as the PDF, [`crate::pdf::Margins`]).
    fn margins_mm(self) -> (f64, f64, f64, f64) {
        match self {
            Orientation::Portrait => (
                MARGIN_TOP_MM,
                MARGIN_RIGHT_MM,
                MARGIN_BOTTOM_MM,
                MARGIN_LEFT_MM,
            ),
            Orientation::Landscape => (
                MARGIN_LEFT_MM,
                MARGIN_TOP_MM,
                MARGIN_RIGHT_MM,
                MARGIN_BOTTOM_MM,
            ),
        }
    }

    /// The section's properties. Page numbers follow Decree 30/2020/NĐ-CP: in the header, centred, and
    /// not on the document's first page (`titlePg` with an empty first-page header, in the first section
    /// only; numbering runs on through the landscape sections).
    fn sect_pr(self, first: bool) -> String {
        let (w, h, orient) = match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG, ""),
            Orientation::Landscape => (A4_LONG, A4_SHORT, " w:orient=\"landscape\""),
        };
        let (first_header, title_pg) = if first {
            (
                "<w:headerReference w:type=\"first\" r:id=\"rId4\"/>",
                "<w:titlePg/>",
            )
        } else {
            ("", "")
        };
        format!(
            "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/>{first_header}\
             <w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
             <w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
             {title_pg}</w:sectPr>",
            mm(self.margins_mm().0),
            mm(self.margins_mm().1),
            mm(self.margins_mm().2),
            mm(self.margins_mm().3)
        )
    }
}

/// The whole annex as a DOCX package.
pub fn render(annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    let document = document_xml(annex, opts);
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(document.len() / 4)));
    let o = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", &styles_xml()),
        ("word/settings.xml", SETTINGS),
        ("word/header1.xml", &header_xml(true)),
        ("word/header2.xml", &header_xml(false)),
        ("word/document.xml", &document),
    ] {
        zip.start_file(name, o)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn document_xml(annex: &Annex, opts: &RenderOptions) -> String {
    let (title, heading) = layout::heading(annex, opts);
    let views: Vec<TableView<'_>> = annex
        .tables
        .iter()
        .map(|t| layout::view(t, opts.lang))
        .collect();
    let parts = layout::parts_to_print(annex);
    let mut body = String::with_capacity(
        annex
            .tables
            .iter()
            .map(|t| t.rows.len() * 1500)
            .sum::<usize>()
            + 4096,
    );

    let frame = opts.frame.as_ref().map(|f| f.text(opts.lang));
    // The PDF's rule, measured with the annex's font (the column count when no font can be read).
    let orientation =
        |v: &TableView<'_>| crate::pdf::orientation(v).unwrap_or_else(|_| Orientation::of(v));
    let first_orientation = views
        .first()
        .map(orientation)
        .unwrap_or(Orientation::Portrait);
    if let Some(f) = &frame {
        frame_band(&mut body, f, first_orientation.text_width());
        para(
            &mut body,
            &f.label,
            ParaStyle {
                bold: true,
                italic: false,
                size: TITLE_SIZE,
                align: Align::Center,
            },
        );
    }
    if !title.is_empty() {
        para(
            &mut body,
            &title,
            ParaStyle {
                bold: true,
                italic: false,
                size: TITLE_SIZE,
                align: Align::Center,
            },
        );
    }
    for h in &heading {
        para(
            &mut body,
            h,
            ParaStyle {
                bold: false,
                italic: true,
                // Decree 30: the reference line is italic 14 pt.
                size: if frame.is_some() {
                    TITLE_SIZE
                } else {
                    BODY_SIZE
                },
                align: Align::Center,
            },
        );
    }

    let errata_table = layout::errata_table(opts.lang);
    let errata = opts
        .frame
        .as_ref()
        .and_then(|f| f.errata())
        .filter(|e| !e.is_empty())
        .map(|e| layout::errata_view(&errata_table, e, opts.lang));
    let n_views = views.len();
    let mut sections = Sections {
        current: first_orientation,
        first: true,
    };
    // After the annex's tables: the robustness section (an appendix, on pages of its own), then the
    // signature, then the errata.
    let closing = |body: &mut String, sections: &mut Sections| {
        if let Some(r) = &opts.robustness {
            robustness(body, sections, r, opts.lang);
        }
        if let Some(f) = &opts.frame
            && (f.signature.is_some() || !f.recipients.is_empty())
        {
            signature(body, f, opts.lang, sections.current.text_width());
        }
    };
    for (i, v) in views.iter().chain(errata.as_ref()).enumerate() {
        if i == n_views {
            closing(&mut body, &mut sections);
        }
        // The errata (after the annex's tables) are running text: landscape, as in the PDF.
        let o = if i < n_views {
            orientation(v)
        } else {
            Orientation::Landscape
        };
        if i > 0 && o != sections.current {
            sections.turn(&mut body, o);
        }
        if parts.get(i).copied().unwrap_or(false)
            && let Some(p) = &v.part
        {
            para(
                &mut body,
                p,
                ParaStyle {
                    bold: true,
                    italic: false,
                    size: BODY_SIZE,
                    align: Align::Left,
                },
            );
        }
        para(
            &mut body,
            &v.title,
            ParaStyle {
                bold: true,
                italic: false,
                size: BODY_SIZE,
                align: Align::Center,
            },
        );
        table(&mut body, v, o);
        // Word needs a paragraph between two tables, or it merges them.
        body.push_str("<w:p/>");
    }
    if errata.is_none() {
        closing(&mut body, &mut sections);
    }
    let (current, first_section) = (sections.current, sections.first);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <w:body>{body}{}</w:body></w:document>",
        current.sect_pr(first_section)
    )
}

/// The document's sections so far: the orientation of the one being written, and whether it is the
/// first (which leaves its first page unnumbered).
struct Sections {
    current: Orientation,
    first: bool,
}

impl Sections {
    /// Ends the current section (a section ends with the paragraph that carries its sectPr) and starts
    /// one of orientation `o` on a new page.
    fn turn(&mut self, body: &mut String, o: Orientation) {
        body.push_str("<w:p><w:pPr>");
        body.push_str(&self.current.sect_pr(self.first));
        self.first = false;
        body.push_str("</w:pPr></w:p>");
        self.current = o;
    }
}

/// The robustness section ([`crate::robustness`]) on pages of its own: its heading and what it is, then
/// per ranked block its title, summary, units' rank statistics and sensitivity indices, the tables
/// drawn by [`table`] as the annex's are. Landscape when a block's table needs it, as the annex's
/// tables are. The rank-interval chart is not embedded: this package carries no images.
fn robustness(
    body: &mut String,
    sections: &mut Sections,
    report: &egov_core::robustness::Report,
    lang: crate::Lang,
) {
    let p = crate::robustness::printed(report, lang);
    let o = if p.blocks.iter().any(|b| {
        let v = b.units.view();
        crate::pdf::orientation(&v).unwrap_or_else(|_| Orientation::of(&v))
            == Orientation::Landscape
    }) {
        Orientation::Landscape
    } else {
        Orientation::Portrait
    };
    sections.turn(body, o);
    let style = |bold: bool, italic: bool, size: u32, align: Align| ParaStyle {
        bold,
        italic,
        size,
        align,
    };
    para(
        body,
        &p.heading,
        style(true, false, TITLE_SIZE, Align::Center),
    );
    para(body, &p.intro, style(false, false, BODY_SIZE, Align::Left));
    for b in &p.blocks {
        para(body, &b.title, style(true, false, BODY_SIZE, Align::Left));
        para(body, &b.summary, style(false, true, BODY_SIZE, Align::Left));
        for (v, caption) in [
            (b.units.view(), None),
            (b.sensitivity.view(), Some(&b.caption)),
        ] {
            if let Some(c) = caption {
                para(body, c, style(false, true, BODY_SIZE, Align::Left));
            }
            let measured = crate::pdf::section_grid(&v, o);
            table_on(body, &v, o, measured);
            body.push_str("<w:p/>");
        }
    }
}

#[derive(Clone, Copy)]
struct ParaStyle {
    bold: bool,
    italic: bool,
    size: u32,
    align: Align,
}

fn jc(align: Align) -> &'static str {
    match align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

fn run(out: &mut String, text: &str, s: ParaStyle) {
    out.push_str("<w:r><w:rPr>");
    if s.bold {
        out.push_str("<w:b/>");
    }
    if s.italic {
        out.push_str("<w:i/>");
    }
    if s.size != BODY_SIZE {
        out.push_str(&format!(
            "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
            s.size
        ));
    }
    out.push_str("</w:rPr><w:t xml:space=\"preserve\">");
    out.push_str(&esc(text));
    out.push_str("</w:t></w:r>");
}

/// A heading paragraph, kept with the next one (Word's keep-with-next): no heading or table caption
/// ends a page apart from what it heads.
fn para(out: &mut String, text: &str, s: ParaStyle) {
    out.push_str(&format!(
        "<w:p><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"60\" w:after=\"60\"/><w:jc w:val=\"{}\"/></w:pPr>",
        jc(s.align)
    ));
    run(out, text, s);
    out.push_str("</w:p>");
}

/// A table cell paragraph (no spacing, so that rows stay compact).
/// A table cell; `keep` keeps its row on the page of the next row (keep-with-next in the cell's
/// paragraph, as Word keeps table rows together).
fn cell(
    out: &mut String,
    text: &str,
    width: u32,
    span: usize,
    vmerge: Option<bool>,
    s: ParaStyle,
    keep: bool,
) {
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
    ));
    if span > 1 {
        out.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    match vmerge {
        Some(true) => out.push_str("<w:vMerge w:val=\"restart\"/>"),
        Some(false) => out.push_str("<w:vMerge/>"),
        None => {}
    }
    out.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
    out.push_str(&format!(
        "<w:p><w:pPr>{}<w:spacing w:before=\"20\" w:after=\"20\"/><w:jc w:val=\"{}\"/></w:pPr>",
        if keep { "<w:keepNext/>" } else { "" },
        jc(s.align)
    ));
    if !text.is_empty() {
        run(out, text, s);
    }
    out.push_str("</w:p></w:tc>");
}

/// Column widths (twips): narrow TT and rank, the unit name wide, the rest shared by the values.
fn grid(v: &TableView<'_>, total: u32) -> Vec<u32> {
    let w = v.width();
    if (2..w).any(|c| v.is_text(c)) {
        return text_grid(v, total);
    }
    let tt = 650;
    let rank = 1000;
    let longest_unit = v
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Unit { unit, .. } => Some(unit.chars().count()),
            Line::Block { .. } => None,
        })
        .max()
        .unwrap_or(10) as u32;
    // ~120 twips per character of 13 pt Times. Value cells ("Không đánh giá", "1.234,50") should not
    // wrap, so they get their width first; the unit name, which wraps gracefully, takes what is left
    // (at most 40 % of the line).
    let values = w - 3;
    let mut value_min = vec![700u32; values];
    // A header wraps on at most three lines: its column is at least a third of its text wide (and its
    // longest word), ~125 twips per bold character.
    for h in v.header.iter().flatten() {
        if h.colspan == 1 && h.col >= 2 && h.col < w - 1 {
            let chars = h.text.chars().count() as u32;
            let word = h
                .text
                .split_whitespace()
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(1) as u32;
            let need = (chars.div_ceil(3) + 2).max(word + 1) * 125 + 200;
            value_min[h.col - 2] = value_min[h.col - 2].max(need.min(total / 4));
        }
    }
    for l in &v.lines {
        if let Line::Unit { values: cells, .. } = l {
            for (k, c) in cells.iter().enumerate().take(values) {
                value_min[k] = value_min[k].max(c.text.chars().count() as u32 * 115 + 200);
            }
        }
    }
    let needed: u32 = value_min.iter().sum();
    let room_for_unit = total.saturating_sub(tt + rank + needed);
    let unit = (longest_unit * 120 + 200)
        .min(total * 2 / 5)
        .min(room_for_unit)
        .max(1800);
    let extra = total.saturating_sub(tt + rank + unit + needed) / values as u32;
    let mut cols = vec![tt, unit];
    cols.extend(value_min.iter().map(|m| m + extra));
    cols.push(rank);
    cols
}

/// Widths of a table with several running-text columns (the errata): each column's share follows its
/// longest text, capped at 40 characters (longer texts wrap), with the header's longest word as floor.
fn text_grid(v: &TableView<'_>, total: u32) -> Vec<u32> {
    let w = v.width();
    let mut chars = vec![2u32; w];
    for l in &v.lines {
        for (c, t) in l.cells(w).iter().enumerate() {
            chars[c] = chars[c].max(t.chars().count().min(40) as u32);
        }
    }
    for h in v.header.iter().flatten() {
        let word = h
            .text
            .split_whitespace()
            .map(|x| x.chars().count())
            .max()
            .unwrap_or(1) as u32;
        chars[h.col] = chars[h.col].max(word);
    }
    let sum: u32 = chars.iter().map(|c| c + 2).sum();
    chars.iter().map(|c| total * (c + 2) / sum).collect()
}

/// How many lines from the start hold the first `n` unit rows (or every line).
fn first_unit_lines(lines: &[Line], n: usize) -> usize {
    let mut units = 0;
    for (i, l) in lines.iter().enumerate() {
        if matches!(l, Line::Unit { .. }) {
            units += 1;
            if units == n {
                return i + 1;
            }
        }
    }
    lines.len()
}

/// A table without borders (the heading band, the signature block).
fn borderless(out: &mut String, cols: &[u32]) {
    out.push_str(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/>\
         <w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>\
         <w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
    );
    for c in cols {
        out.push_str(&format!("<w:gridCol w:w=\"{c}\"/>"));
    }
    out.push_str("</w:tblGrid>");
}

/// Paragraphs in one cell of a borderless table; `underline` draws the decree's rule under the last
/// paragraph (a bottom border on it).
fn band_cell(out: &mut String, width: u32, paras: &[(&str, ParaStyle)], rule: bool) {
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>"
    ));
    if paras.is_empty() {
        out.push_str("<w:p/>");
    }
    for (i, (text, s)) in paras.iter().enumerate() {
        let last = i + 1 == paras.len();
        out.push_str(&format!(
            "<w:p><w:pPr><w:keepNext/><w:jc w:val=\"{}\"/></w:pPr>",
            jc(s.align)
        ));
        // The rule under the motto (and under the issuing body) is the text underlined: Word draws a
        // paragraph border across the whole cell, the decree a line as long as the text.
        let s = *s;
        if last && rule && !text.is_empty() {
            out.push_str("<w:r><w:rPr>");
            if s.bold {
                out.push_str("<w:b/>");
            }
            if s.size != BODY_SIZE {
                out.push_str(&format!(
                    "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>",
                    s.size
                ));
            }
            out.push_str("<w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\">");
            out.push_str(&esc(text));
            out.push_str("</w:t></w:r>");
        } else if !text.is_empty() {
            run(out, text, s);
        }
        out.push_str("</w:p>");
    }
    out.push_str("</w:tc>");
}

/// The decree's heading band: the issuing body (capitals, bold) at the left, the national name and the
/// motto (bold, the motto 14 pt and underlined) at the right.
fn frame_band(out: &mut String, f: &crate::frame::FrameText, total: u32) {
    let left = total * 2 / 5;
    let cols = [left, total - left];
    borderless(out, &cols);
    let bold = ParaStyle {
        bold: true,
        italic: false,
        size: BODY_SIZE,
        align: Align::Center,
    };
    out.push_str("<w:tr>");
    let issuer: Vec<(&str, ParaStyle)> = f.issuer.iter().map(|l| (l.as_str(), bold)).collect();
    band_cell(out, cols[0], &issuer, true);
    // Decree 30 allows 12 to 13 pt for the national name: 12 keeps it on one line in the column.
    let national = ParaStyle { size: 24, ..bold };
    band_cell(
        out,
        cols[1],
        &[
            (&f.national[0], national),
            (
                &f.national[1],
                ParaStyle {
                    size: TITLE_SIZE,
                    ..bold
                },
            ),
        ],
        true,
    );
    out.push_str("</w:tr></w:tbl><w:p/>");
}

/// "Nơi nhận" at the left and the signature block at the right.
fn signature(out: &mut String, f: &crate::frame::Frame, lang: crate::Lang, total: u32) {
    let half = total / 2;
    let cols = [half, total - half];
    borderless(out, &cols);
    out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
    let label = ParaStyle {
        bold: true,
        italic: true,
        size: 24,
        align: Align::Left,
    };
    let item = ParaStyle {
        bold: false,
        italic: false,
        size: 22,
        align: Align::Left,
    };
    let n = f.recipients.len();
    let items: Vec<String> = f
        .recipients
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "- {}{}",
                layout::clean(r),
                if i + 1 == n { "." } else { ";" }
            )
        })
        .collect();
    let mut left: Vec<(&str, ParaStyle)> = Vec::new();
    if n > 0 {
        left.push((lang.tr("Nơi nhận:", "Recipients:"), label));
        left.extend(items.iter().map(|t| (t.as_str(), item)));
    }
    band_cell(out, cols[0], &left, false);
    let bold = ParaStyle {
        bold: true,
        italic: false,
        size: BODY_SIZE,
        align: Align::Center,
    };
    let (authority, position, name) = f.signature.as_ref().map_or_else(Default::default, |s| {
        (
            layout::clean(&s.authority).to_uppercase(),
            layout::clean(&s.position).to_uppercase(),
            layout::clean(&s.name),
        )
    });
    let mut right: Vec<(&str, ParaStyle)> = Vec::new();
    if f.signature.is_some() {
        for l in [authority.as_str(), position.as_str()] {
            if !l.is_empty() {
                right.push((l, bold));
            }
        }
        for _ in 0..4 {
            right.push(("", bold));
        }
        right.push((name.as_str(), bold));
    }
    band_cell(out, cols[1], &right, false);
    out.push_str("</w:tr></w:tbl><w:p/>");
}

fn table(out: &mut String, v: &TableView<'_>, o: Orientation) {
    table_on(out, v, o, crate::pdf::table_grid(v, o));
}

/// A table on the grid `measured` (column widths and type size in points, from the PDF's
/// typesetter).
fn table_on(
    out: &mut String,
    v: &TableView<'_>,
    o: Orientation,
    measured: Result<(Vec<f32>, f32), crate::ExportError>,
) {
    let w = v.width();
    // The PDF's measured grid and type size when its font is at hand (always: one is embedded), so
    // that both documents wrap the same cells; the character-count estimate otherwise.
    let (cols, size) = match measured {
        Ok((widths, pt)) => (
            widths
                .iter()
                .map(|p| (p * 20.0).round() as u32)
                .collect::<Vec<u32>>(),
            (pt * 2.0).round() as u32,
        ),
        Err(_) => (grid(v, o.text_width()), BODY_SIZE),
    };
    let span_width = |c: usize, n: usize| cols[c..c + n].iter().sum::<u32>();
    out.push_str(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
         <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/>\
         <w:tblCellMar><w:left w:w=\"70\" w:type=\"dxa\"/><w:right w:w=\"70\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/>\
         </w:tblPr><w:tblGrid>",
    );
    for c in &cols {
        out.push_str(&format!("<w:gridCol w:w=\"{c}\"/>"));
    }
    out.push_str("</w:tblGrid>");

    let head = ParaStyle {
        bold: true,
        italic: false,
        size,
        align: Align::Center,
    };
    let header_row = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>";
    for (r, row) in v.header.iter().enumerate() {
        out.push_str(header_row);
        let mut col = 0;
        let mut cells = row.iter().peekable();
        while col < w {
            match cells.peek() {
                Some(h) if h.col == col => {
                    let vm = (v.header.len() > 1 && h.rowspan > 1).then_some(true);
                    cell(
                        out,
                        &h.text,
                        span_width(col, h.colspan),
                        h.colspan,
                        vm,
                        head,
                        true,
                    );
                    col += h.colspan;
                    cells.next();
                }
                _ => {
                    // Covered by a cell of the row above that spans down.
                    let above = v.header[..r]
                        .iter()
                        .flatten()
                        .find(|h| h.col <= col && col < h.col + h.colspan && h.rowspan > 1)
                        .map(|h| h.colspan)
                        .unwrap_or(1);
                    cell(
                        out,
                        "",
                        span_width(col, above),
                        above,
                        Some(false),
                        head,
                        true,
                    );
                    col += above;
                }
            }
        }
        out.push_str("</w:tr>");
    }
    // A table without column numbers (the robustness section's) has no row for them.
    if !v.column_numbers.is_empty() {
        out.push_str(header_row);
        let colnum = ParaStyle {
            bold: false,
            italic: true,
            size,
            align: Align::Center,
        };
        for (c, n) in v.column_numbers.iter().enumerate() {
            cell(out, n, cols[c], 1, None, colnum, true);
        }
        out.push_str("</w:tr>");
    }

    // The first and the last rows of a table stay together in threes (so no page holds one or two
    // rows of a table), and a block line stays with its first row.
    let n = v.lines.len();
    let keep_first = first_unit_lines(&v.lines, 3);
    // The line of the third unit row from the end: it and every line after it stay together.
    let keep_last = {
        let mut units = 0;
        let mut at = 0;
        for (i, l) in v.lines.iter().enumerate().rev() {
            if matches!(l, Line::Unit { .. }) {
                units += 1;
                at = i;
                if units == 3 {
                    break;
                }
            }
        }
        at
    };
    for (i, line) in v.lines.iter().enumerate() {
        let keep = i + 1 < n
            && (i + 1 < keep_first || i >= keep_last || matches!(line, Line::Block { .. }));
        // A row is kept whole on its page, unless it is taller than a page: then the word processor
        // must be free to break it (it would otherwise run past the page's foot).
        let whole = line
            .cells(w)
            .iter()
            .zip(&cols)
            .all(|(text, width)| fits_a_page(text, *width, size, o.text_height()));
        out.push_str(if whole {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        } else {
            "<w:tr>"
        });
        match line {
            Line::Block { label, title } => {
                let s = ParaStyle {
                    bold: true,
                    italic: false,
                    size,
                    align: Align::Center,
                };
                cell(out, label, cols[0], 1, None, s, true);
                cell(
                    out,
                    title,
                    span_width(1, w - 1),
                    w - 1,
                    None,
                    ParaStyle {
                        align: Align::Left,
                        ..s
                    },
                    true,
                );
            }
            Line::Unit { .. } => {
                for (c, text) in line.cells(w).iter().enumerate() {
                    let s = ParaStyle {
                        bold: false,
                        italic: false,
                        size,
                        align: v.align(c),
                    };
                    cell(out, text, cols[c], 1, None, s, keep);
                }
            }
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// Whether a cell of `text` in a column `width` twips wide, set at `size` half-points, stays within a
/// page `height` twips tall. An estimate on the safe side: characters half an em wide on average,
/// lines 1.2 em apart, the cell's margins taken off its width.
fn fits_a_page(text: &str, width: u32, size: u32, height: u32) -> bool {
    let em = f64::from(size) * 10.0;
    let per_line = ((f64::from(width.saturating_sub(140)) / (em * 0.5)).floor()).max(1.0);
    let lines = (text.chars().count() as f64 / per_line).ceil().max(1.0);
    lines * em * 1.2 <= f64::from(height) * 0.9
}

/// Escapes text for XML element content: tab and line breaks become spaces (a run is one line), and
/// characters no document may hold become U+FFFD ([`crate::xml`]).
fn esc(s: &str) -> String {
    crate::xml::esc(&s.replace(['\t', '\n', '\r'], " "))
}

fn styles_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
         <w:sz w:val=\"{BODY_SIZE}\"/><w:szCs w:val=\"{BODY_SIZE}\"/><w:lang w:val=\"vi-VN\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>\
         </w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
         <w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
         </w:tblCellMar></w:tblPr></w:style>\
         </w:styles>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>\
</Relationships>";

/// A page header: the page number centred (a `PAGE` field), or nothing (the first page's header).
fn header_xml(numbered: bool) -> String {
    let body = if numbered {
        format!(
            "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>\
             <w:r><w:rPr><w:sz w:val=\"{BODY_SIZE}\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r>\
             <w:r><w:rPr><w:sz w:val=\"{BODY_SIZE}\"/></w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
             <w:r><w:rPr><w:sz w:val=\"{BODY_SIZE}\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r>\
             <w:r><w:rPr><w:sz w:val=\"{BODY_SIZE}\"/></w:rPr><w:t>2</w:t></w:r>\
             <w:r><w:rPr><w:sz w:val=\"{BODY_SIZE}\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        )
    } else {
        "<w:p/>".to_string()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">{body}</w:hdr>"
    )
}

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";
