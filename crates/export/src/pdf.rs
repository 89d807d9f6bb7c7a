//! PDF rendering: the annex typeset directly as PDF, laid out like the Word annex of [`crate::docx`].
//!
//! The annex's shape is fixed (title, decision line, then per table its part heading, title and a grid
//! with a two-row header, a column-number row, block rows and one row per unit), so a small purpose-built
//! typesetter does the job that LibreOffice used to do on the DOCX: it measures text with the embedded
//! font's advances, wraps cell text by words, paginates rows that never split, repeats the header rows on
//! every page, switches to landscape A4 for tables wider than six grid columns (as the DOCX does), and
//! numbers the pages as Decree 30/2020/NĐ-CP asks: at the top centre, from page 2 on. The nationwide annex (9,963 rows, 399 pages) takes about 0.16 s where LibreOffice
//! took 78 s (bench/export), and needs no external program: only a serif TrueType font covering
//! Vietnamese on the system ([`font`]), embedded as a subset. Page geometry follows Nghị định
//! 30/2020/NĐ-CP: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm, Times New Roman (or a
//! metric-compatible face) 13 pt, 14 pt for the title. PDF objects are written with `pdf-writer`;
//! content streams and fonts are deflated. Given a robustness report ([`crate::RenderOptions::robustness`]),
//! the annex ends with its section from a new page, after the tables and before the signature.

mod font;

use egov_core::table::Annex;
use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use self::font::{FaceUse, FontSet, Style, StyleFace};
use crate::layout::{self, Align, HeadCell, Line, TableView};
use crate::{ExportError, Lang, RenderOptions};

pub use self::font::{EMBEDDED_FAMILY, FAMILIES};
pub use crate::layout::Orientation;

const PT_PER_MM: f32 = 72.0 / 25.4;
/// A4 (210 × 297 mm) in points, rounded as PDF producers usually write it.
const A4_SHORT: f32 = 595.28;
const A4_LONG: f32 = 841.89;
/// Margins of Nghị định 30/2020 (the same as the DOCX) on a portrait page: top and bottom 20 mm, the
/// binding edge (left) 30 mm, right 15 mm. A landscape page is bound along its top edge (it is turned
/// a quarter clockwise in the portrait-bound volume), so its margins are the portrait ones turned:
/// top 30 mm, bottom 15 mm, left and right 20 mm ([`Orientation::margins`]).
const MARGIN_TOP: f32 = 20.0 * PT_PER_MM;
const MARGIN_BOTTOM: f32 = 20.0 * PT_PER_MM;
const MARGIN_LEFT: f32 = 30.0 * PT_PER_MM;
const MARGIN_RIGHT: f32 = 15.0 * PT_PER_MM;
/// A table page holds at least this many of a table's rows (unless the table has fewer): a page with
/// one or two rows of a table reads as a leftover.
const MIN_ROWS_PER_PAGE: usize = 3;
/// A header cell wraps on at most this many lines; its column widens (or the table's type shrinks) first.
const MAX_HEADER_LINES: usize = 3;
/// Baseline of the page number, from the top edge (inside the top margin): Decree 30/2020/NĐ-CP puts
/// page numbers at the top centre of the page, and none on the first page.
const PAGE_NUMBER_FROM_TOP: f32 = 12.0 * PT_PER_MM;
/// Body text 13 pt, the annex title 14 pt.
const BODY_PT: f32 = 13.0;
const TITLE_PT: f32 = 14.0;
/// A table whose columns cannot fit at 13 pt is set smaller, down to this size, before cells wrap.
const MIN_TABLE_PT: f32 = 9.0;
/// The robustness section's tables may be set this small to keep their rows on one line.
const SECTION_MIN_PT: f32 = 10.0;
/// Cell padding (the DOCX's 70-twip side margins and 20-twip spacing).
const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 1.5;
/// Space before and after a heading paragraph (the DOCX's 60 twips).
const PARA_SPACE: f32 = 3.0;
/// Width of the table rules.
const RULE: f32 = 0.5;
/// Stroke width of imitated bold, as a fraction of the font size.
const FAKE_BOLD_STROKE: f32 = 0.03;
/// Slant of imitated italic (tan of about 12°).
const FAKE_ITALIC_SLANT: f32 = 0.21;

/// Page margins in points: top, right, bottom, left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Orientation {
    /// The decree's margins on a page of this orientation, binding edge included (see [`MARGIN_TOP`]).
    pub fn margins(self) -> Margins {
        match self {
            Orientation::Portrait => Margins {
                top: MARGIN_TOP,
                right: MARGIN_RIGHT,
                bottom: MARGIN_BOTTOM,
                left: MARGIN_LEFT,
            },
            Orientation::Landscape => Margins {
                top: MARGIN_LEFT,
                right: MARGIN_TOP,
                bottom: MARGIN_RIGHT,
                left: MARGIN_BOTTOM,
            },
        }
    }

    /// Page width and height, in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        }
    }
}

/// What one page of the PDF holds, as the typesetter placed it: for checks and for callers that report
/// on the document (the PDF itself keeps this only as drawing operators).
#[derive(Debug, Clone, PartialEq)]
pub struct PageSummary {
    /// 1-based page number (printed at the top centre from page 2 on).
    pub number: usize,
    pub orientation: Orientation,
    /// Tables (index in `Annex::tables`) whose header rows are drawn on the page, in order; the errata
    /// table is numbered after the annex's, the robustness section's tables after that.
    pub headers: Vec<usize>,
    /// Unit rows drawn on the page: (table index, index in `Table::rows`).
    pub rows: Vec<(usize, usize)>,
    /// Every text drawn, one entry per paragraph or cell (whole, before wrapping), in drawing order;
    /// empty unless asked for with [`render_with_summary`].
    pub texts: Vec<String>,
    /// The most lines any header cell drawn on the page wraps on.
    pub header_lines: usize,
    /// Paragraphs drawn on the page (titles, part headings, notes) in order, each with whether a table
    /// row follows it on the page: a heading with none after it ends its page.
    pub paragraphs: Vec<(String, bool)>,
}

/// A rendered PDF with its page bookkeeping.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: Vec<PageSummary>,
    /// The font family the annex is set in (from [`FAMILIES`]).
    pub font_family: String,
}

/// The orientation of a table: portrait when it fits a portrait page at the body size with every unit
/// name on one line, landscape otherwise. One rule, measured with the annex's font, for the PDF and the
/// DOCX; a table keeps its orientation on all its pages.
pub fn orientation(v: &TableView<'_>) -> Result<Orientation, ExportError> {
    let fonts = font::system_fonts()?;
    let mut doc = Doc::new(&fonts, false)?;
    Ok(doc.orientation(v))
}

/// The column widths (points) and type size (points) the PDF gives a table on a page of `orientation`:
/// measured with the annex's font, so that the DOCX lays out its tables as the PDF does (names wide
/// enough not to wrap where the page allows, headers on at most three lines).
pub fn table_grid(
    v: &TableView<'_>,
    orientation: Orientation,
) -> Result<(Vec<f32>, f32), ExportError> {
    let fonts = font::system_fonts()?;
    let mut doc = Doc::new(&fonts, false)?;
    doc.new_page(orientation);
    let g = doc.grid(v, doc.text_width(), BODY_PT);
    Ok((g.x.windows(2).map(|e| e[1] - e[0]).collect(), g.size))
}

/// The column widths and type size of a table of the robustness section on a page of `orientation`:
/// the largest size (from the body size down to [`SECTION_MIN_PT`]) at which every row stays on one
/// line, since its rows repeat long choice labels that would otherwise double every row's height.
pub(crate) fn section_grid(
    v: &TableView<'_>,
    orientation: Orientation,
) -> Result<(Vec<f32>, f32), ExportError> {
    let fonts = font::system_fonts()?;
    let mut doc = Doc::new(&fonts, false)?;
    doc.new_page(orientation);
    let size = doc.one_line_size(v);
    let g = doc.grid(v, doc.text_width(), size);
    Ok((g.x.windows(2).map(|e| e[1] - e[0]).collect(), g.size))
}

/// The annex as PDF.
pub fn render(annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    Ok(typeset(annex, opts, false)?.pdf)
}

/// The annex as PDF, with what each page holds (including every text drawn).
pub fn render_with_summary(annex: &Annex, opts: &RenderOptions) -> Result<Rendered, ExportError> {
    typeset(annex, opts, true)
}

fn typeset(annex: &Annex, opts: &RenderOptions, record: bool) -> Result<Rendered, ExportError> {
    let fonts = font::system_fonts()?;
    typeset_with(&fonts, annex, opts, record)
}

fn typeset_with(
    fonts: &FontSet,
    annex: &Annex,
    opts: &RenderOptions,
    record: bool,
) -> Result<Rendered, ExportError> {
    let mut doc = Doc::new(fonts, record)?;
    let (title, heading) = layout::heading(annex, opts);
    let views: Vec<TableView<'_>> = annex
        .tables
        .iter()
        .map(|t| layout::view(t, opts.lang))
        .collect();
    let parts = layout::parts_to_print(annex);

    let heading_label = match opts.lang {
        Lang::Vi => "tiêu đề phụ lục",
        Lang::En => "annex heading",
    };
    doc.check(heading_label, Style::Bold, &title)?;
    for h in &heading {
        doc.check(heading_label, Style::Italic, h)?;
    }
    for v in &views {
        doc.check_table(v)?;
    }

    let orientations: Vec<Orientation> = views.iter().map(|v| doc.orientation(v)).collect();
    let first = orientations
        .first()
        .copied()
        .unwrap_or(Orientation::Portrait);
    let frame = opts.frame.as_ref().map(|f| f.text(opts.lang));
    if let Some(f) = &frame {
        for l in f.issuer.iter().chain(&f.national).chain([&f.label]) {
            doc.check(heading_label, Style::Bold, l)?;
        }
    }
    let errata_table = layout::errata_table(opts.lang);
    let errata = opts
        .frame
        .as_ref()
        .and_then(|f| f.errata())
        .filter(|e| !e.is_empty())
        .map(|e| layout::errata_view(&errata_table, e, opts.lang));
    if let Some(v) = &errata {
        doc.check_table(v)?;
    }
    doc.new_page(first);
    if let Some(f) = &frame {
        doc.frame_band(f);
        doc.paragraph(&f.label, Style::Bold, TITLE_PT, Align::Center);
    }
    if !title.is_empty() {
        doc.paragraph(&title, Style::Bold, TITLE_PT, Align::Center);
    }
    // Decree 30: the reference line is italic 14 pt; a plain annex keeps its lines at 13 pt.
    let heading_pt = if frame.is_some() { TITLE_PT } else { BODY_PT };
    for h in &heading {
        doc.paragraph(h, Style::Italic, heading_pt, Align::Center);
    }
    if frame.is_some() {
        doc.short_rule();
    }
    if !title.is_empty() || !heading.is_empty() {
        doc.y += BODY_PT * 0.5;
    }
    for (i, v) in views.iter().enumerate() {
        let o = orientations[i];
        if o != doc.page().orientation {
            doc.finish_page();
            doc.new_page(o);
        }
        doc.table(i, v, parts[i]);
    }
    if let Some(r) = &opts.robustness {
        doc.robustness(r, opts.lang, views.len() + 1)?;
    }
    if let Some(f) = &opts.frame
        && (f.signature.is_some() || !f.recipients.is_empty())
    {
        doc.signature(f, opts.lang);
    }
    if let Some(v) = &errata {
        // Four columns of running text: a landscape page gives the reasons room on one or two lines.
        let o = Orientation::Landscape;
        if o != doc.page().orientation {
            doc.finish_page();
            doc.new_page(o);
        }
        doc.table(views.len(), v, false);
    }
    doc.finish_page();
    let pdf = doc.write(annex, opts)?;
    Ok(Rendered {
        pdf,
        pages: doc.summaries,
        font_family: fonts.family().to_string(),
    })
}

/// A header or body cell placed in a row: its horizontal extent, vertical extent within the row,
/// and its text already wrapped.
struct Placed {
    x0: f32,
    x1: f32,
    y: f32,
    h: f32,
    lines: Vec<String>,
    text: String,
    style: Style,
    align: Align,
}

/// The header block of a table (its header rows and the column-number row), drawn on every page.
struct Header {
    cells: Vec<Placed>,
    height: f32,
}

/// Column edges of a table and the size its cells are set in.
struct Grid {
    /// Left edge of each grid column, then the right edge of the last.
    x: Vec<f32>,
    size: f32,
    /// Every unit name fits on one line at the body size.
    names_whole: bool,
}

/// The page being drawn.
struct Page {
    orientation: Orientation,
    graphics: Content,
    text: Content,
    /// Current text state, so that `Tf` and `Tr` are written only when they change.
    font: Option<(usize, u32)>,
    fake_bold: bool,
    summary: PageSummary,
}

struct Doc<'f> {
    fonts: &'f FontSet,
    faces: Vec<FaceUse<'f>>,
    /// Ascender and line height of the regular face, in ems (every style shares the line grid).
    ascent: f32,
    gap: f32,
    line: f32,
    record: bool,
    page: Option<Page>,
    /// Distance from the top edge of the page to where the next thing is drawn.
    y: f32,
    /// Finished pages: orientation and deflated content stream.
    done: Vec<(Orientation, Vec<u8>)>,
    summaries: Vec<PageSummary>,
}

impl<'f> Doc<'f> {
    fn new(fonts: &'f FontSet, record: bool) -> Result<Doc<'f>, ExportError> {
        let faces = fonts
            .faces
            .iter()
            .map(FaceUse::new)
            .collect::<Result<Vec<_>, _>>()?;
        let (asc, desc, gap) = faces[fonts.regular.face].vertical_metrics();
        Ok(Doc {
            fonts,
            faces,
            ascent: asc,
            gap,
            line: asc - desc + gap,
            record,
            page: None,
            y: 0.0,
            done: Vec::new(),
            summaries: Vec::new(),
        })
    }

    fn page(&mut self) -> &mut Page {
        self.page.as_mut().expect("a page is open while drawing")
    }

    fn width(&mut self, style: Style, size: f32, text: &str) -> f32 {
        let face = self.fonts.style(style).face;
        self.faces[face].width_em(text) * size
    }

    fn line_height(&self, size: f32) -> f32 {
        self.line * size
    }

    fn bottom(&self) -> f32 {
        self.page.as_ref().map_or(A4_LONG - MARGIN_BOTTOM, |p| {
            p.orientation.size().1 - p.orientation.margins().bottom
        })
    }

    fn orientation(&mut self, v: &TableView<'_>) -> Orientation {
        let portrait = A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT;
        if self.grid(v, portrait, BODY_PT).names_whole {
            Orientation::Portrait
        } else {
            Orientation::Landscape
        }
    }

    /// Left edge of the text area of the current page.
    fn left(&self) -> f32 {
        self.page
            .as_ref()
            .map_or(MARGIN_LEFT, |p| p.orientation.margins().left)
    }

    /// Top edge of the text area of the current page.
    fn top(&self) -> f32 {
        self.page
            .as_ref()
            .map_or(MARGIN_TOP, |p| p.orientation.margins().top)
    }

    fn text_width(&self) -> f32 {
        self.page
            .as_ref()
            .map_or(A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT, |p| {
                let m = p.orientation.margins();
                p.orientation.size().0 - m.left - m.right
            })
    }

    /// Fails, naming the text, when a char of it has no glyph in the face of `style`.
    fn check(&mut self, place: &str, style: Style, text: &str) -> Result<(), ExportError> {
        let face = self.fonts.style(style).face;
        match self.faces[face].missing(text) {
            None => Ok(()),
            Some(c) => Err(ExportError::Table {
                table: place.to_string(),
                message: egov_core::msg!(
                    "\"{text}\" có ký tự '{c}' (U+{:04X}) mà phông {} không có, kể cả khi tách dấu; \
                     hãy sửa văn bản hoặc cài phông đủ bộ chữ",
                    "\"{text}\" holds the character '{c}' (U+{:04X}), which the font {} lacks, even with \
                     its marks apart; correct the text or install a font with every character",
                    u32::from(c),
                    self.fonts.faces[face].family
                ),
            }),
        }
    }

    fn check_table(&mut self, v: &TableView<'_>) -> Result<(), ExportError> {
        let place = v.title.clone();
        if let Some(p) = &v.part {
            self.check(&place, Style::Bold, p)?;
        }
        self.check(&place, Style::Bold, &v.title)?;
        for h in v.header.iter().flatten() {
            self.check(&place, Style::Bold, &h.text)?;
        }
        for n in &v.column_numbers {
            self.check(&place, Style::Italic, n)?;
        }
        for l in &v.lines {
            match l {
                Line::Block { label, title } => {
                    self.check(&place, Style::Bold, label)?;
                    self.check(&place, Style::Bold, title)?;
                }
                Line::Unit { .. } => {
                    for c in l.cells(v.width()) {
                        self.check(&place, Style::Regular, &c)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Greedy word wrap to `max` points; a word longer than a line is broken between chars.
    fn wrap(&mut self, style: Style, size: f32, text: &str, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        let mut cur_w = 0.0;
        let space = self.width(style, size, " ");
        let fits = |w: f32| w <= max + 0.01;
        for word in text.split_whitespace() {
            let w = self.width(style, size, word);
            if !cur.is_empty() && fits(cur_w + space + w) {
                cur.push(' ');
                cur.push_str(word);
                cur_w += space + w;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            if fits(w) {
                cur.push_str(word);
                cur_w = w;
                continue;
            }
            cur_w = 0.0;
            for c in word.chars() {
                let cw = self.width(style, size, c.encode_utf8(&mut [0; 4]));
                if !cur.is_empty() && !fits(cur_w + cw) {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }

    fn new_page(&mut self, orientation: Orientation) {
        debug_assert!(self.page.is_none());
        let mut graphics = Content::new();
        graphics.set_line_width(RULE);
        let mut text = Content::new();
        text.begin_text();
        self.page = Some(Page {
            orientation,
            graphics,
            text,
            font: None,
            fake_bold: false,
            summary: PageSummary {
                number: self.summaries.len() + 1,
                orientation,
                headers: Vec::new(),
                rows: Vec::new(),
                texts: Vec::new(),
                header_lines: 0,
                paragraphs: Vec::new(),
            },
        });
        self.y = orientation.margins().top;
    }

    fn finish_page(&mut self) {
        let number = self.summaries.len() + 1;
        if number > 1 {
            let label = number.to_string();
            let o = self.page().orientation;
            let ((w, h), m) = (o.size(), o.margins());
            let lw = self.width(Style::Regular, BODY_PT, &label);
            let x = m.left + (w - m.left - m.right - lw) / 2.0;
            self.show(Style::Regular, BODY_PT, x, h - PAGE_NUMBER_FROM_TOP, &label);
        }
        let mut page = self.page.take().expect("a page is open");
        page.text.end_text();
        let mut bytes = page.graphics.finish().into_vec();
        // The operator streams end without a separator: "S" then "BT" would read as "SBT".
        bytes.push(b'\n');
        bytes.extend_from_slice(&page.text.finish());
        self.done.push((page.orientation, font::deflate(&bytes)));
        self.summaries.push(page.summary);
    }

    /// Draws one line of text with its baseline at `baseline` (PDF coordinates, from the bottom).
    fn show(&mut self, style: Style, size: f32, x: f32, baseline: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let StyleFace {
            face,
            fake_bold,
            fake_italic,
        } = self.fonts.style(style);
        let mut encoded = Vec::with_capacity(text.len() * 2);
        self.faces[face].encode(text, &mut encoded);
        let page = self.page.as_mut().expect("a page is open while drawing");
        let key = (face, size.to_bits());
        if page.font != Some(key) {
            page.text.set_font(font_name(face), size);
            page.font = Some(key);
        }
        if page.fake_bold != fake_bold {
            if fake_bold {
                page.text
                    .set_line_width(size * FAKE_BOLD_STROKE)
                    .set_text_rendering_mode(TextRenderingMode::FillStroke);
            } else {
                page.text.set_text_rendering_mode(TextRenderingMode::Fill);
            }
            page.fake_bold = fake_bold;
        }
        let slant = if fake_italic { FAKE_ITALIC_SLANT } else { 0.0 };
        page.text
            .set_text_matrix([1.0, 0.0, slant, 1.0, x, baseline])
            .show(Str(&encoded));
    }

    fn record(&mut self, text: &str) {
        if self.record && !text.is_empty() {
            self.page().summary.texts.push(text.to_string());
        }
    }

    /// Draws wrapped lines in a box, vertically centred, aligned within the padding.
    fn draw_lines(&mut self, cell: &Placed, top: f32, size: f32) {
        let lh = self.line_height(size);
        let page_h = self.page().orientation.size().1;
        let block = lh * cell.lines.len() as f32;
        let mut y = top + cell.y + (cell.h - block) / 2.0;
        for l in &cell.lines {
            let w = self.width(cell.style, size, l);
            let x = match cell.align {
                Align::Left => cell.x0 + PAD_X,
                Align::Right => cell.x1 - PAD_X - w,
                Align::Center => (cell.x0 + cell.x1 - w) / 2.0,
            };
            let baseline = y + (self.gap / 2.0 + self.ascent) * size;
            self.show(cell.style, size, x, page_h - baseline, l);
            y += lh;
        }
        let text = cell.text.clone();
        self.record(&text);
    }

    fn draw_cells(&mut self, cells: &[Placed], top: f32, size: f32) {
        let page_h = self.page().orientation.size().1;
        for c in cells {
            self.page()
                .graphics
                .rect(c.x0, page_h - top - c.y - c.h, c.x1 - c.x0, c.h);
        }
        self.page().graphics.stroke();
        for c in cells {
            self.draw_lines(c, top, size);
        }
    }

    /// A heading paragraph across the text width; moves to a new page if it does not fit.
    fn paragraph(&mut self, text: &str, style: Style, size: f32, align: Align) {
        let w = self.text_width();
        let lines = self.wrap(style, size, text, w);
        let h = self.line_height(size) * lines.len() as f32 + 2.0 * PARA_SPACE;
        if self.y + h > self.bottom() {
            let o = self.page().orientation;
            self.finish_page();
            self.new_page(o);
        }
        let cell = Placed {
            x0: self.left() - PAD_X,
            x1: self.left() + w + PAD_X,
            y: PARA_SPACE,
            h: h - 2.0 * PARA_SPACE,
            lines,
            text: text.to_string(),
            style,
            align,
        };
        let top = self.y;
        self.draw_lines(&cell, top, size);
        self.y += h;
        self.page()
            .summary
            .paragraphs
            .push((text.to_string(), false));
    }

    /// Column widths. TT, the values, total and rank are at least as wide as their longest single-line
    /// text (values never wrap when avoidable) and their longest header word. The unit name then gets
    /// its longest name if it can: a wrapped name doubles the height of every row, a wrapped header costs
    /// one taller header per page. What is left widens the narrowest value columns first, so that
    /// long headers wrap on fewer lines. A table that cannot fit is set smaller, down to
    /// [`MIN_TABLE_PT`], then every column shrinks alike and cells wrap.
    fn grid(&mut self, v: &TableView<'_>, text_w: f32, max_size: f32) -> Grid {
        let w = v.width();
        let mut size = max_size;
        loop {
            let mut min = vec![0.0f32; w];
            let mut unit_desired = 0.0f32;
            let mut unit_word = 0.0f32;
            for l in &v.lines {
                match l {
                    Line::Unit { .. } => {
                        for (c, t) in l.cells(w).iter().enumerate() {
                            let tw = self.width(Style::Regular, size, t);
                            if c == 1 {
                                unit_desired = unit_desired.max(tw);
                                for word in t.split_whitespace() {
                                    unit_word =
                                        unit_word.max(self.width(Style::Regular, size, word));
                                }
                            } else {
                                min[c] = min[c].max(tw);
                            }
                        }
                    }
                    Line::Block { label, .. } => {
                        min[0] = min[0].max(self.width(Style::Bold, size, label));
                    }
                }
            }
            // Running-text columns other than the unit's (an errata table's) wrap like it, up to a
            // share of the line.
            for (c, m) in min.iter_mut().enumerate() {
                if c != 1 && v.is_text(c) {
                    let word = v
                        .lines
                        .iter()
                        .filter_map(|l| l.cells(w).get(c).cloned())
                        .flat_map(|t| t.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                        .map(|word| self.width(Style::Regular, size, &word))
                        .fold(0.0, f32::max);
                    *m = m.min(text_w * 0.22).max(word);
                }
            }
            let mut header_floor = vec![0.0f32; w];
            for h in v.header.iter().flatten() {
                if h.colspan == 1 {
                    let need = self.header_width(&h.text, size);
                    header_floor[h.col] = header_floor[h.col].max(need);
                    if h.col != 1 {
                        min[h.col] = min[h.col].max(need);
                    }
                }
            }
            for (c, n) in v.column_numbers.iter().enumerate() {
                min[c] = min[c].max(self.width(Style::Italic, size, n));
            }
            // The padding, and a point of slack: a word processor measuring the same font rounds
            // differently and would wrap a cell cut to the exact width.
            for m in &mut min {
                *m += 2.0 * PAD_X + 1.0;
            }
            // The same slack as the other columns, and 2 %: Word and LibreOffice break a name a little
            // before the width our metrics give it.
            let unit_desired = unit_desired * 1.02 + 2.0 * PAD_X + 1.0;
            // A unit column narrower than this wraps most names onto three lines or more.
            let unit_floor = (unit_word + 2.0 * PAD_X)
                .max(text_w * 0.2)
                .min(unit_desired.max(min[1]))
                .max(header_floor[1] + 2.0 * PAD_X);
            let fixed: f32 = min
                .iter()
                .enumerate()
                .filter(|&(c, _)| c != 1)
                .map(|(_, m)| m)
                .sum();
            if fixed + unit_floor > text_w && size > MIN_TABLE_PT {
                size -= 1.0;
                continue;
            }
            let mut cols = min;
            if fixed + unit_floor > text_w {
                let k = text_w / (fixed + unit_floor);
                for (c, m) in cols.iter_mut().enumerate() {
                    *m = if c == 1 { unit_floor * k } else { *m * k };
                }
            } else {
                let unit = unit_desired.min(text_w - fixed).max(unit_floor);
                cols[1] = unit;
                let extra = text_w - fixed - unit;
                let text_cols: Vec<usize> = (2..w).filter(|&c| v.is_text(c)).collect();
                if text_cols.is_empty() {
                    water_fill(&mut cols[2..w - 1], extra);
                } else {
                    // Running-text columns (an errata table's) take the room, so that they wrap less.
                    let mut widths: Vec<f32> = text_cols.iter().map(|&c| cols[c]).collect();
                    water_fill(&mut widths, extra);
                    for (&c, wd) in text_cols.iter().zip(widths) {
                        cols[c] = wd;
                    }
                }
            }
            let total: f32 = cols.iter().sum();
            let mut x = self.left() + (text_w - total) / 2.0;
            let mut edges = Vec::with_capacity(w + 1);
            edges.push(x);
            for c in &cols {
                x += c;
                edges.push(x);
            }
            let names_whole = size >= BODY_PT && cols[1] + 0.01 >= unit_desired;
            return Grid {
                x: edges,
                size,
                names_whole,
            };
        }
    }

    /// The narrowest content width at which a header text wraps on at most [`MAX_HEADER_LINES`] lines
    /// (never below its longest word).
    fn header_width(&mut self, text: &str, size: f32) -> f32 {
        let longest = text
            .split_whitespace()
            .map(|word| self.width(Style::Bold, size, word))
            .fold(0.0, f32::max);
        let whole = self.width(Style::Bold, size, text);
        if self.wrap(Style::Bold, size, text, longest).len() <= MAX_HEADER_LINES {
            return longest;
        }
        let (mut lo, mut hi) = (longest, whole);
        for _ in 0..20 {
            let mid = (lo + hi) / 2.0;
            if self.wrap(Style::Bold, size, text, mid).len() <= MAX_HEADER_LINES {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }

    /// One line of text centred between `x0` and `x1`, its top at `top` (from the page's top edge);
    /// returns its width.
    fn centred(&mut self, text: &str, style: Style, size: f32, x0: f32, x1: f32, top: f32) -> f32 {
        let w = self.width(style, size, text);
        let page_h = self.page().orientation.size().1;
        let baseline = top + (self.gap / 2.0 + self.ascent) * size;
        self.show(style, size, (x0 + x1 - w) / 2.0, page_h - baseline, text);
        self.record(text);
        w
    }

    /// A horizontal rule of length `len` centred between `x0` and `x1`, `y` from the top edge.
    fn rule(&mut self, x0: f32, x1: f32, len: f32, y: f32) {
        let page_h = self.page().orientation.size().1;
        let x = (x0 + x1 - len) / 2.0;
        let g = &mut self.page().graphics;
        g.move_to(x, page_h - y);
        g.line_to(x + len, page_h - y);
        g.stroke();
    }

    /// The decree's heading band: the issuing body at the left (capitals, bold, a short rule under
    /// it), the national name and motto at the right (bold; the motto 14 pt and underlined by a rule as
    /// long as itself). The national name is set smaller when the column is too narrow for it.
    fn frame_band(&mut self, f: &crate::frame::FrameText) {
        let (x0, w) = (self.left(), self.text_width());
        let split = x0 + w * 0.4;
        let x1 = x0 + w;
        let top = self.y;
        let lh = |doc: &Doc<'_>, size: f32| doc.line_height(size);
        let mut y = top;
        let mut widest: f32 = 0.0;
        for l in &f.issuer {
            let size = fit_size(self, l, BODY_PT, split - x0);
            widest = widest.max(self.centred(l, Style::Bold, size, x0, split, y));
            y += lh(self, size);
        }
        if !f.issuer.is_empty() {
            self.rule(x0, split, widest / 3.0, y + 2.0);
        }
        let left_h = y - top;
        let mut y = top;
        let size = fit_size(self, &f.national[0], BODY_PT, x1 - split);
        self.centred(&f.national[0], Style::Bold, size, split, x1, y);
        y += lh(self, size);
        let size = fit_size(self, &f.national[1], TITLE_PT, x1 - split);
        let mw = self.centred(&f.national[1], Style::Bold, size, split, x1, y);
        y += lh(self, size);
        self.rule(split, x1, mw, y + 2.0);
        self.y = top + left_h.max(y - top) + self.line_height(BODY_PT);
    }

    /// A short rule under the annex's heading (a third of the text width), as the decree draws one.
    fn short_rule(&mut self) {
        let (x0, w) = (self.left(), self.text_width());
        let y = self.y + 2.0;
        self.rule(x0, x0 + w, w / 6.0, y);
        self.y += PARA_SPACE * 2.0;
    }

    /// The robustness section ([`crate::robustness`]) from a new page: its heading and what it is, then
    /// per ranked block its tables under their title, summary and caption, drawn as the annex's tables
    /// are; landscape when a block's table needs it. Its tables are numbered from `index` in the page
    /// summaries. The rank-interval chart is not drawn (this typesetter draws text and rules only).
    fn robustness(
        &mut self,
        report: &egov_core::robustness::Report,
        lang: Lang,
        index: usize,
    ) -> Result<(), ExportError> {
        let p = crate::robustness::printed(report, lang);
        let place = p.heading.clone();
        self.check(&place, Style::Bold, &p.heading)?;
        self.check(&place, Style::Regular, &p.intro)?;
        let mut o = Orientation::Portrait;
        for b in &p.blocks {
            self.check(&place, Style::Bold, &b.title)?;
            self.check(&place, Style::Italic, &b.summary)?;
            self.check(&place, Style::Italic, &b.caption)?;
            let (units, sensitivity) = (b.units.view(), b.sensitivity.view());
            self.check_table(&units)?;
            self.check_table(&sensitivity)?;
            if self.orientation(&units) == Orientation::Landscape {
                o = Orientation::Landscape;
            }
        }
        self.finish_page();
        self.new_page(o);
        self.paragraph(&p.heading, Style::Bold, TITLE_PT, Align::Center);
        self.paragraph(&p.intro, Style::Regular, BODY_PT, Align::Left);
        self.y += BODY_PT * 0.5;
        for (k, b) in p.blocks.iter().enumerate() {
            let (units, sensitivity) = (b.units.view(), b.sensitivity.view());
            let size = self.one_line_size(&units);
            self.table_under(
                index + 2 * k,
                &units,
                &[
                    (b.title.clone(), Style::Bold, Align::Left),
                    (b.summary.clone(), Style::Italic, Align::Left),
                ],
                size,
            );
            let size = self.one_line_size(&sensitivity);
            self.table_under(
                index + 2 * k + 1,
                &sensitivity,
                &[(b.caption.clone(), Style::Italic, Align::Left)],
                size,
            );
        }
        Ok(())
    }

    /// The signature block at the right and "Nơi nhận" at the left, kept on one page.
    fn signature(&mut self, f: &crate::frame::Frame, lang: Lang) {
        let small = BODY_PT - 1.0;
        let rec_lines = if f.recipients.is_empty() {
            0
        } else {
            1 + f.recipients.len()
        };
        let sig_lines = f.signature.as_ref().map_or(0, |_| 7);
        let need = self.line_height(BODY_PT) * (rec_lines.max(sig_lines) as f32 + 1.0);
        if self.y + need > self.bottom() {
            let o = self.page().orientation;
            self.finish_page();
            self.new_page(o);
        }
        let (x0, w) = (self.left(), self.text_width());
        let split = x0 + w * 0.5;
        let top = self.y;
        let page_h = self.page().orientation.size().1;
        if !f.recipients.is_empty() {
            let mut y = top;
            let label = lang.tr("Nơi nhận:", "Recipients:");
            let baseline = y + (self.gap / 2.0 + self.ascent) * small;
            self.show(Style::Bold, small, x0, page_h - baseline, label);
            self.record(label);
            y += self.line_height(small);
            let n = f.recipients.len();
            for (i, r) in f.recipients.iter().enumerate() {
                let end = if i + 1 == n { "." } else { ";" };
                let t = format!("- {}{end}", layout::clean(r));
                let baseline = y + (self.gap / 2.0 + self.ascent) * (small - 1.0);
                self.show(Style::Regular, small - 1.0, x0, page_h - baseline, &t);
                self.record(&t);
                y += self.line_height(small - 1.0);
            }
            self.y = self.y.max(y);
        }
        if let Some(s) = &f.signature {
            let mut y = top;
            for l in [&s.authority, &s.position] {
                let l = layout::clean(l).to_uppercase();
                if !l.is_empty() {
                    self.centred(&l, Style::Bold, BODY_PT, split, x0 + w, y);
                    y += self.line_height(BODY_PT);
                }
            }
            y += self.line_height(BODY_PT) * 4.0;
            let name = layout::clean(&s.name);
            self.centred(&name, Style::Bold, BODY_PT, split, x0 + w, y);
            y += self.line_height(BODY_PT);
            self.y = self.y.max(y);
        }
        self.y += self.line_height(BODY_PT);
    }

    fn place(
        &mut self,
        g: &Grid,
        col: usize,
        span: usize,
        text: &str,
        style: Style,
        align: Align,
    ) -> Placed {
        let (x0, x1) = (g.x[col], g.x[col + span]);
        let lines = self.wrap(style, g.size, text, x1 - x0 - 2.0 * PAD_X);
        Placed {
            x0,
            x1,
            y: 0.0,
            h: 0.0,
            lines,
            text: text.to_string(),
            style,
            align,
        }
    }

    fn cells_height(&self, cells: &[Placed], size: f32) -> f32 {
        let n = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(0)
            .max(1);
        self.line_height(size) * n as f32 + 2.0 * PAD_Y
    }

    fn header(&mut self, v: &TableView<'_>, g: &Grid) -> Header {
        let place_row = |doc: &mut Doc<'_>, row: &[HeadCell]| -> Vec<(Placed, usize)> {
            row.iter()
                .map(|h| {
                    (
                        doc.place(g, h.col, h.colspan, &h.text, Style::Bold, Align::Center),
                        h.rowspan,
                    )
                })
                .collect()
        };
        let rows: Vec<Vec<(Placed, usize)>> = v.header.iter().map(|r| place_row(self, r)).collect();
        let mut heights = Vec::with_capacity(rows.len());
        for r in &rows {
            let own: Vec<&Placed> = r.iter().filter(|(_, s)| *s == 1).map(|(p, _)| p).collect();
            let n = own.iter().map(|c| c.lines.len()).max().unwrap_or(1).max(1);
            heights.push(self.line_height(g.size) * n as f32 + 2.0 * PAD_Y);
        }
        // A cell spanning every header row must fit in their sum: the last row grows if not.
        let all: f32 = heights.iter().sum();
        let spanning = rows
            .iter()
            .flatten()
            .filter(|(_, s)| *s > 1)
            .map(|(p, _)| self.line_height(g.size) * p.lines.len() as f32 + 2.0 * PAD_Y)
            .fold(0.0, f32::max);
        if spanning > all
            && let Some(last) = heights.last_mut()
        {
            *last += spanning - all;
        }
        let mut cells = Vec::new();
        let mut y = 0.0;
        for (r, row) in rows.into_iter().enumerate() {
            for (mut p, span) in row {
                p.y = y;
                p.h = heights[r..(r + span).min(heights.len())].iter().sum();
                cells.push(p);
            }
            y += heights[r];
        }
        let numbers: Vec<Placed> = v
            .column_numbers
            .iter()
            .enumerate()
            .map(|(c, n)| self.place(g, c, 1, n, Style::Italic, Align::Center))
            .collect();
        // A table without column numbers (the robustness section's) has no row for them.
        let h = if numbers.is_empty() {
            0.0
        } else {
            self.cells_height(&numbers, g.size)
        };
        for mut p in numbers {
            p.y = y;
            p.h = h;
            cells.push(p);
        }
        Header {
            cells,
            height: y + h,
        }
    }

    fn body_row(&mut self, v: &TableView<'_>, g: &Grid, line: &Line) -> (Vec<Placed>, f32) {
        let w = v.width();
        let mut cells = match line {
            Line::Block { label, title } => vec![
                self.place(g, 0, 1, label, Style::Bold, Align::Center),
                self.place(g, 1, w - 1, title, Style::Bold, Align::Left),
            ],
            Line::Unit { .. } => line
                .cells(w)
                .iter()
                .enumerate()
                .map(|(c, t)| self.place(g, c, 1, t, Style::Regular, v.align(c)))
                .collect(),
        };
        let h = self.cells_height(&cells, g.size);
        for c in &mut cells {
            c.h = h;
        }
        (cells, h)
    }

    /// Cuts a row taller than `room` into pieces of whole lines, each at most `room` high; the first
    /// piece records the cells' whole texts (for the summary), the others none.
    fn split_row(&self, cells: Vec<Placed>, size: f32, room: f32) -> Vec<(Vec<Placed>, f32)> {
        let lh = self.line_height(size);
        let per = (((room - 2.0 * PAD_Y) / lh).floor() as usize).max(1);
        let most = cells.iter().map(|c| c.lines.len()).max().unwrap_or(1);
        let n = most.div_ceil(per);
        (0..n)
            .map(|k| {
                let part: Vec<Placed> = cells
                    .iter()
                    .map(|c| Placed {
                        x0: c.x0,
                        x1: c.x1,
                        y: 0.0,
                        h: 0.0,
                        lines: c.lines.iter().skip(k * per).take(per).cloned().collect(),
                        text: if k == 0 {
                            c.text.clone()
                        } else {
                            String::new()
                        },
                        style: c.style,
                        align: c.align,
                    })
                    .collect();
                let lines = part.iter().map(|c| c.lines.len()).max().unwrap_or(1).max(1);
                let h = lh * lines as f32 + 2.0 * PAD_Y;
                let part = part.into_iter().map(|c| Placed { h, ..c }).collect();
                (part, h)
            })
            .collect()
    }

    fn draw_header(&mut self, table: usize, header: &Header, size: f32) {
        let lines = header
            .cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(0);
        let page = self.page();
        page.summary.header_lines = page.summary.header_lines.max(lines);
        let top = self.y;
        self.draw_cells(&header.cells, top, size);
        self.y += header.height;
        self.page().summary.headers.push(table);
    }

    /// See [`section_grid`].
    fn one_line_size(&mut self, v: &TableView<'_>) -> f32 {
        let text_w = self.text_width();
        let mut size = BODY_PT;
        while size > SECTION_MIN_PT {
            let g = self.grid(v, text_w, size);
            let one_line = v.lines.iter().all(|l| {
                let (cells, _) = self.body_row(v, &g, l);
                cells.iter().all(|c| c.lines.len() <= 1)
            });
            if one_line {
                return g.size;
            }
            size -= 1.0;
        }
        SECTION_MIN_PT
    }

    fn table(&mut self, index: usize, v: &TableView<'_>, print_part: bool) {
        let mut heads = Vec::with_capacity(2);
        if let Some(p) = &v.part
            && print_part
        {
            heads.push((p.clone(), Style::Bold, Align::Left));
        }
        heads.push((v.title.clone(), Style::Bold, Align::Center));
        self.table_under(index, v, &heads, BODY_PT);
    }

    /// A table under its heading paragraphs (body size), which stay on the page of its header and
    /// first rows; its cells set at `max_size` at most.
    fn table_under(
        &mut self,
        index: usize,
        v: &TableView<'_>,
        heads: &[(String, Style, Align)],
        max_size: f32,
    ) {
        let text_w = self.text_width();
        let units = v
            .lines
            .iter()
            .filter(|l| matches!(l, Line::Unit { .. }))
            .count();
        // A table too short to leave three rows on each of two pages must fit on one: its type is
        // set smaller (down to the table minimum) until it does.
        let page_room = self.bottom() - self.top();
        let mut size = max_size;
        let (g, header) = loop {
            let g = self.grid(v, text_w, size);
            let header = self.header(v, &g);
            if units >= 2 * MIN_ROWS_PER_PAGE || size <= MIN_TABLE_PT {
                break (g, header);
            }
            let body: f32 = v.lines.iter().map(|l| self.body_row(v, &g, l).1).sum();
            let headings = self.line_height(BODY_PT) * 4.0 + 4.0 * PARA_SPACE;
            if headings + header.height + body <= page_room {
                break (g, header);
            }
            size = g.size.min(size) - 1.0;
        };
        let head_lines: Vec<usize> = heads
            .iter()
            .map(|(t, style, _)| self.wrap(*style, BODY_PT, t, text_w).len())
            .collect();
        let para = |n: usize, doc: &Doc<'_>| doc.line_height(BODY_PT) * n as f32 + 2.0 * PARA_SPACE;
        // A row taller than a page below the header is cut into pieces of whole lines that fit, each
        // drawn as a row of its own (`pieces`: the line each piece belongs to).
        let room = self.bottom() - self.top() - header.height;
        let mut rows: Vec<(Vec<Placed>, f32)> = Vec::with_capacity(v.lines.len());
        let mut pieces: Vec<usize> = Vec::with_capacity(v.lines.len());
        for (i, l) in v.lines.iter().enumerate() {
            let (cells, h) = self.body_row(v, &g, l);
            if h <= room {
                rows.push((cells, h));
                pieces.push(i);
                continue;
            }
            for part in self.split_row(cells, g.size, room) {
                rows.push(part);
                pieces.push(i);
            }
        }
        let piece_lines: Vec<Line> = pieces.iter().map(|&i| v.lines[i].clone()).collect();
        let heights: Vec<f32> = rows.iter().map(|r| r.1).collect();
        // Keep the headings with the header and the first rows a page must hold; a table too short
        // to leave that many rows on each of two pages is kept whole.
        let first = if units < 2 * MIN_ROWS_PER_PAGE {
            v.lines.len()
        } else {
            first_lines(&piece_lines, MIN_ROWS_PER_PAGE)
        };
        let need = head_lines.iter().map(|&n| para(n, self)).sum::<f32>()
            + header.height
            + heights[..first].iter().sum::<f32>();
        let page_started = self.y <= self.top() + 0.01;
        if self.y + need > self.bottom() && !page_started {
            let o = self.page().orientation;
            self.finish_page();
            self.new_page(o);
        }
        for (t, style, align) in heads {
            self.paragraph(t, *style, BODY_PT, *align);
        }
        self.draw_header(index, &header, g.size);
        let breaks = plan_breaks(&piece_lines, &heights, self.bottom() - self.y, room);
        let mut next_break = breaks.iter().peekable();
        for (i, (cells, h)) in rows.into_iter().enumerate() {
            if next_break.peek() == Some(&&i) {
                next_break.next();
                let o = self.page().orientation;
                self.finish_page();
                self.new_page(o);
                self.draw_header(index, &header, g.size);
            }
            let top = self.y;
            self.draw_cells(&cells, top, g.size);
            self.y += h;
            if let Line::Unit { row, .. } = &piece_lines[i] {
                let summary = &mut self.page().summary;
                summary.rows.push((index, *row));
                for p in &mut summary.paragraphs {
                    p.1 = true;
                }
            }
        }
        // The DOCX's empty paragraph after each table.
        self.y += self.line_height(BODY_PT);
    }

    /// Assembles the document: catalog, info, pages, their contents and the embedded fonts.
    fn write(&mut self, annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
        let mut pdf = Pdf::new();
        let mut next_id = 1;
        let mut next = || {
            let r = Ref::new(next_id);
            next_id += 1;
            r
        };
        let catalog = next();
        let tree = next();
        let info = next();
        let used: Vec<usize> = (0..self.faces.len())
            .filter(|&f| self.faces[f].used())
            .collect();
        let font_refs: Vec<(usize, Ref)> = used.iter().map(|&f| (f, next())).collect();
        let pages: Vec<(Ref, Ref)> = self.done.iter().map(|_| (next(), next())).collect();

        let lang = match opts.lang {
            Lang::Vi => "vi",
            Lang::En => "en",
        };
        pdf.catalog(catalog).pages(tree).lang(TextStr(lang));
        let title = egov_core::text::clean(&annex.title);
        let mut doc_info = pdf.document_info(info);
        if !title.is_empty() {
            doc_info.title(TextStr(&title));
        }
        doc_info
            .creator(TextStr("egov"))
            .producer(TextStr("egov-export"));
        doc_info.finish();
        pdf.pages(tree)
            .kids(pages.iter().map(|(p, _)| *p))
            .count(pages.len() as i32);
        for ((page_ref, content_ref), (orientation, content)) in pages.iter().zip(&self.done) {
            let (w, h) = orientation.size();
            let mut page = pdf.page(*page_ref);
            page.media_box(Rect::new(0.0, 0.0, w, h))
                .parent(tree)
                .contents(*content_ref);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (f, r) in &font_refs {
                fonts.pair(font_name(*f), *r);
            }
            fonts.finish();
            resources.finish();
            page.finish();
            pdf.stream(*content_ref, content)
                .filter(Filter::FlateDecode);
        }
        for (f, r) in &font_refs {
            self.faces[*f].embed(&mut pdf, *r, &mut next)?;
        }
        Ok(pdf.finish())
    }
}

/// The size (at most `size`, at least [`MIN_TABLE_PT`]) at which `text` fits in `width` on one line.
fn fit_size(doc: &mut Doc<'_>, text: &str, size: f32, width: f32) -> f32 {
    let w = doc.width(Style::Bold, size, text);
    if w <= width || w <= 0.0 {
        size
    } else {
        (size * width / w).max(MIN_TABLE_PT)
    }
}

/// How many lines from the start hold the first `n` unit rows (or every line, when there are fewer).
fn first_lines(lines: &[Line], n: usize) -> usize {
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

/// Where a table's body breaks to a new page: the indices of the lines that start a page. Rows are
/// placed greedily, then each break moves up so that the page after it holds at least
/// [`MIN_ROWS_PER_PAGE`] unit rows (when the table has that many left and the page before keeps as
/// many), and so that a block line never ends a page (it goes with its first row). `first` is the
/// room on the page where the table starts, `room` that of a page holding only the header.
fn plan_breaks(lines: &[Line], heights: &[f32], first: f32, room: f32) -> Vec<usize> {
    let units = |r: std::ops::Range<usize>| {
        lines[r]
            .iter()
            .filter(|l| matches!(l, Line::Unit { .. }))
            .count()
    };
    let mut breaks = Vec::new();
    let (mut start, mut used, mut cap) = (0usize, 0.0f32, first);
    let mut i = 0;
    while i < lines.len() {
        let h = heights[i];
        // A row taller than a whole page is drawn on a page of its own rather than looping.
        if used + h > cap + 0.01 && i > start {
            let mut b = i;
            while units(b..lines.len()) < MIN_ROWS_PER_PAGE
                && b > start + 1
                && units(start..b - 1) >= MIN_ROWS_PER_PAGE
            {
                b -= 1;
            }
            while b > start + 1 && matches!(lines[b - 1], Line::Block { .. }) {
                b -= 1;
            }
            breaks.push(b);
            start = b;
            used = 0.0;
            cap = room;
            i = b;
            continue;
        }
        used += h;
        i += 1;
    }
    breaks
}

/// Shares `extra` among `cols` by raising the narrowest first: every column ends at least as wide as
/// it was, and those that grew end equally wide.
fn water_fill(cols: &mut [f32], extra: f32) {
    if cols.is_empty() || extra <= 0.0 {
        return;
    }
    let mut sorted = cols.to_vec();
    sorted.sort_by(f32::total_cmp);
    // Find the level L with sum(max(c, L) - c) = extra.
    let mut below = 0.0;
    let mut level = sorted[0] + extra;
    for (i, &c) in sorted.iter().enumerate() {
        below += c;
        let candidate = (below + extra) / (i + 1) as f32;
        let next = sorted.get(i + 1).copied().unwrap_or(f32::INFINITY);
        if candidate <= next {
            level = candidate;
            break;
        }
    }
    for c in cols {
        *c = c.max(level);
    }
}

/// Resource name of a face: `/F0`, `/F1`, …
fn font_name(face: usize) -> Name<'static> {
    const NAMES: [&[u8]; 4] = [b"F0", b"F1", b"F2", b"F3"];
    Name(NAMES[face])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A family with only its regular face installed: bold is imitated by stroking the outlines (text
    /// rendering mode 2), italic by slanting the text matrix, and one font is embedded.
    #[test]
    #[cfg_attr(
        not(egov_test_tools),
        ignore = "needs the system fonts CI installs: set EGOV_TEST_TOOLS=1"
    )]
    fn bold_and_italic_are_imitated_without_their_faces() {
        let system =
            font::system_fonts().expect("EGOV_TEST_TOOLS=1 needs a serif font (fonts-liberation2)");
        let regular = &system.faces[system.regular.face];
        let mut db = fontdb::Database::new();
        db.load_font_data(regular.data.clone());
        let fonts = font::find(&db).unwrap();
        assert_eq!(fonts.faces.len(), 1);
        assert!(fonts.bold.fake_bold && !fonts.bold.fake_italic);
        assert!(fonts.italic.fake_italic && !fonts.italic.fake_bold);

        let mut annex = Annex {
            title: "PHỤ LỤC".into(),
            subtitle: vec!["(Ban hành kèm theo Quyết định số 1/QĐ-UBND)".into()],
            ..Annex::default()
        };
        annex.tables.push(egov_core::table::Table {
            title: "Bảng".into(),
            total_label: "Tổng điểm".into(),
            rank_label: "Xếp hạng".into(),
            ..Default::default()
        });
        let r = typeset_with(&fonts, &annex, &RenderOptions::default(), true).unwrap();
        assert_eq!(r.pdf.windows(10).filter(|w| w == b"/FontFile2").count(), 1);
        let mut content = Vec::new();
        let start = r.pdf.windows(6).position(|w| w == b"stream").unwrap() + 7;
        let end = start
            + r.pdf[start..]
                .windows(9)
                .position(|w| w == b"endstream")
                .unwrap();
        let mut z = flate2::read::ZlibDecoder::new(&r.pdf[start..end]);
        std::io::Read::read_to_end(&mut z, &mut content).unwrap();
        let content = String::from_utf8_lossy(&content);
        assert!(content.contains("2 Tr"), "imitated bold strokes the text");
        assert!(content.contains("0 Tr"), "and goes back to filling");
        assert!(
            content.contains("1 0 0.21 1 "),
            "imitated italic slants the text"
        );
        assert!(r.pages[0].texts.iter().any(|t| t == "PHỤ LỤC"));
    }

    #[test]
    fn water_fill_raises_the_narrowest_first() {
        let mut cols = [10.0, 40.0, 20.0];
        water_fill(&mut cols, 20.0);
        assert_eq!(cols, [25.0, 40.0, 25.0]);
        let mut cols = [10.0, 40.0, 20.0];
        water_fill(&mut cols, 80.0);
        assert_eq!(cols, [50.0, 50.0, 50.0]);
        let mut cols = [10.0, 40.0];
        water_fill(&mut cols, 0.0);
        assert_eq!(cols, [10.0, 40.0]);
    }
}
