//! XLSX rendering: one sheet per annex table laid out like the printed annex, plus a flat `data` sheet.
//!
//! Scores are written as numeric cells (never numbers stored as text, which break sums and sorting in
//! Excel) with a number format showing the column's decimals; the header is merged as in the Word annex,
//! frozen, and repeated on every printed page. The `data` sheet holds the same long table as the CSV
//! (same field names, numbers as numbers) so that `egov import` and analysts read one stable shape.
//!
//! A spreadsheet cell is an IEEE double: a score like 74,4 is stored as the nearest double, as Excel itself
//! would store it. Digits up to 15 significant places survive the round trip exactly, far beyond the 1–4
//! decimals an annex prints.

use std::collections::{BTreeMap, HashSet};

use egov_core::table::{Annex, Cell, RankCell};
use egov_core::text;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format as XFormat, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::csv_out::{FIELDS, STATUS, long_cells, long_labels, long_row_fields, status};
use crate::layout::{self, Line, TableView};
use crate::{ExportError, RenderOptions};

/// Name of the flat data sheet.
pub const DATA_SHEET: &str = "data";

/// Fonts per Decree 30/2020/NĐ-CP; Excel substitutes a metric-compatible font where Times is missing.
const FONT: &str = "Times New Roman";

struct Formats {
    title: XFormat,
    subtitle: XFormat,
    head: XFormat,
    colnum: XFormat,
    block_label: XFormat,
    block_title: XFormat,
    text_left: XFormat,
    text_center: XFormat,
    text_right: XFormat,
    rank: XFormat,
    /// Number formats by decimals, created on demand.
    numbers: BTreeMap<u32, XFormat>,
    data_head: XFormat,
}

impl Formats {
    fn new() -> Formats {
        let base = XFormat::new().set_font_name(FONT).set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(13)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            subtitle: base
                .clone()
                .set_italic()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            head: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            colnum: cell.clone().set_italic().set_align(FormatAlign::Center),
            block_label: cell.clone().set_bold().set_align(FormatAlign::Center),
            block_title: cell.clone().set_bold().set_align(FormatAlign::Left),
            text_left: cell.clone().set_align(FormatAlign::Left),
            text_center: cell.clone().set_align(FormatAlign::Center),
            text_right: cell.clone().set_align(FormatAlign::Right),
            rank: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("0"),
            numbers: BTreeMap::new(),
            data_head: base.set_bold(),
        }
    }

    fn number(&mut self, decimals: u32) -> &XFormat {
        self.numbers.entry(decimals).or_insert_with(|| {
            let pattern = if decimals == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(decimals as usize))
            };
            XFormat::new()
                .set_font_name(FONT)
                .set_font_size(12)
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::VerticalCenter)
                .set_num_format(pattern)
        })
    }
}

/// Converts an exact score to the double a spreadsheet cell holds.
fn to_f64(d: Decimal) -> f64 {
    d.to_f64()
        .unwrap_or_else(|| d.to_string().parse().unwrap_or(f64::NAN))
}

/// A valid sheet name (≤ 31 characters, none of `[]:*?/\`) made from `base`: unique case-insensitively
/// among `used` (and added to it), never `reserved`, `fallback` when nothing usable is left. The base
/// keeps at most `keep` characters; on a clash a `~2`, `~3` … suffix is added and the base gives way to
/// it, however long it grows. Shared by the annex workbook and the entry form.
pub(crate) fn sheet_name(
    base: &str,
    fallback: &str,
    keep: usize,
    reserved: Option<&str>,
    used: &mut HashSet<String>,
) -> String {
    let cleaned: String = text::clean(base)
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || !crate::xml::allowed(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'');
    let base: String = if cleaned.is_empty() {
        fallback.into()
    } else {
        cleaned.chars().take(keep.min(31)).collect()
    };
    let taken = |name: &str| {
        used.contains(&name.to_lowercase())
            || reserved.is_some_and(|r| name.eq_ignore_ascii_case(r))
    };
    let mut name = base.clone();
    let mut k = 2;
    while taken(&name) {
        let suffix = format!("~{k}");
        let room = 31usize.saturating_sub(suffix.chars().count());
        name = base.chars().take(room).collect::<String>() + &suffix;
        k += 1;
    }
    used.insert(name.to_lowercase());
    name
}

/// The whole annex as an XLSX workbook.
pub fn render(annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let mut f = Formats::new();
    let footer = page_footer(opts.lang);
    let frame = opts.frame.as_ref().map(|f| f.text(opts.lang));
    let mut used = HashSet::new();
    let (annex_title, heading) = layout::heading(annex, opts);
    for t in &annex.tables {
        let v = layout::view(t, opts.lang);
        let mut ws = Worksheet::new();
        ws.set_name(sheet_name(&t.id, "bang", 31, Some(DATA_SHEET), &mut used))?;
        table_sheet(&mut ws, &v, frame.as_ref(), &annex_title, &heading, &mut f)?;
        print_setup(&mut ws, &footer);
        wb.push_worksheet(ws);
    }
    let mut ws = Worksheet::new();
    ws.set_name(DATA_SHEET)?;
    let rows = data_sheet(&mut ws, annex, &mut f)?;
    print_setup(&mut ws, &footer);
    // The data sheet prints with its header row on every page, across one page's width.
    ws.set_repeat_rows(0, 0)?;
    ws.set_print_area(0, 0, rows.max(1) - 1, FIELDS.len() as u16 - 1)?;
    wb.push_worksheet(ws);
    Ok(wb.save_to_buffer()?)
}

/// Page numbers in the footer, centred ("Trang 2/5").
fn page_footer(lang: crate::Lang) -> String {
    format!("&C{} &P/&N", lang.tr("Trang", "Page"))
}

/// The printed page of every sheet: A4 landscape, one page wide, the Decree-30 margins of a landscape
/// page (bound along its top edge, as the PDF and the DOCX: top 30 mm, bottom 15 mm, left and right
/// 20 mm), page numbers in the footer, centred across.
fn print_setup(ws: &mut Worksheet, footer: &str) {
    const INCH: f64 = 25.4;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_margins(
        20.0 / INCH,
        20.0 / INCH,
        30.0 / INCH,
        15.0 / INCH,
        12.0 / INCH,
        6.0 / INCH,
    );
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer(footer);
}

/// Height in points of a row whose text wraps in `chars` characters per line (12–13 pt type).
fn wrapped_height(text: &str, chars: f64) -> f64 {
    let lines = (text_width(text) as f64 / chars.max(1.0)).ceil().max(1.0);
    18.0 * lines
}

fn table_sheet(
    ws: &mut Worksheet,
    v: &TableView<'_>,
    frame: Option<&crate::frame::FrameText>,
    annex_title: &str,
    heading: &[String],
    f: &mut Formats,
) -> Result<(), ExportError> {
    let w = v.width() as u16;
    let last = w - 1;
    let mut r: u32 = 0;
    // The Decree-30 heading band: the issuing body over the left two fifths of the columns, the
    // national name and motto over the rest; then "Phụ lục I".
    if let Some(fr) = frame {
        let split = (w * 2 / 5).max(2);
        let band = f.title.clone().set_font_size(12);
        let motto = f
            .title
            .clone()
            .set_underline(rust_xlsxwriter::FormatUnderline::Single);
        for line in 0..2 {
            let left = fr.issuer.get(line).map(String::as_str).unwrap_or("");
            ws.merge_range(r, 0, r, split - 1, left, &band)?;
            let fmt = if line == 0 { &band } else { &motto };
            ws.merge_range(r, split, r, last, &fr.national[line], fmt)?;
            r += 1;
        }
        r += 1;
        ws.merge_range(r, 0, r, last, &fr.label, &f.title)?;
        r += 1;
    }
    // Above the table: the annex title and decision line, then the part and the table title.
    let mut top: Vec<(&str, &XFormat)> = Vec::new();
    if !annex_title.is_empty() {
        top.push((annex_title, &f.title));
    }
    for h in heading {
        top.push((h, &f.subtitle));
    }
    if let Some(p) = &v.part {
        top.push((p, &f.title));
    }
    top.push((&v.title, &f.title));
    // The merged title rows wrap; their height follows the text (Excel does not grow a merged row).
    let mut title_rows = Vec::new();
    for (s, fmt) in top {
        ws.merge_range(r, 0, r, last, s, fmt)?;
        title_rows.push((r, s.to_string()));
        r += 1;
    }
    r += 1;

    let head_top = r;
    for (hr, row) in v.header.iter().enumerate() {
        for h in row {
            let (r0, c0) = (head_top + hr as u32, h.col as u16);
            let (r1, c1) = (r0 + h.rowspan as u32 - 1, c0 + h.colspan as u16 - 1);
            if r0 == r1 && c0 == c1 {
                ws.write_string_with_format(r0, c0, &h.text, &f.head)?;
            } else {
                ws.merge_range(r0, c0, r1, c1, &h.text, &f.head)?;
            }
        }
    }
    r = head_top + v.header.len() as u32;
    for (c, s) in v.column_numbers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, s, &f.colnum)?;
    }
    let head_bottom = r;
    r += 1;
    ws.set_freeze_panes(r, 2)?;
    ws.set_repeat_rows(head_top, head_bottom)?;

    let mut unit_width = text_width(&v.flat_header[1]).max(12);
    let mut value_widths: Vec<usize> = vec![8; w as usize];
    for line in &v.lines {
        match line {
            Line::Block { label, title } => {
                ws.write_string_with_format(r, 0, label, &f.block_label)?;
                ws.merge_range(r, 1, r, last, title, &f.block_title)?;
            }
            Line::Unit {
                tt,
                unit,
                values,
                rank_number,
                rank,
                ..
            } => {
                // TT is a number where it is one (sorting and formulas see 1, 2, 10 in order).
                match tt.parse::<u32>() {
                    Ok(n) => ws.write_number_with_format(r, 0, n, &f.rank)?,
                    Err(_) => ws.write_string_with_format(r, 0, tt, &f.text_center)?,
                };
                ws.write_string_with_format(r, 1, unit, &f.text_left)?;
                unit_width = unit_width.max(text_width(unit));
                for (k, c) in values.iter().enumerate() {
                    let col = k as u16 + 2;
                    match c.number {
                        Some(d) => {
                            let fmt = f.number(c.decimals);
                            ws.write_number_with_format(r, col, to_f64(d), fmt)?;
                        }
                        None if c.text.is_empty() => {
                            ws.write_blank(r, col, &f.text_right)?;
                        }
                        None => {
                            ws.write_string_with_format(r, col, &c.text, &f.text_right)?;
                        }
                    }
                    value_widths[col as usize] =
                        value_widths[col as usize].max(text_width(&c.text));
                }
                match rank_number {
                    Some(n) => ws.write_number_with_format(r, last, *n, &f.rank)?,
                    None if rank.is_empty() => ws.write_blank(r, last, &f.rank)?,
                    None => ws.write_string_with_format(r, last, rank, &f.text_center)?,
                };
            }
        }
        r += 1;
    }

    let mut widths = vec![6.0, (unit_width as f64 * 1.1).clamp(16.0, 60.0)];
    for c in 2..w {
        // Headers wrap; the width is the widest value, and room for a short header word.
        widths.push((value_widths[c as usize] as f64 + 2.0).clamp(10.0, 18.0));
    }
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    // The header rows wrap: each is as tall as its most wrapped cell (a cell spanning rows shares its
    // lines among them), counted by words in the column's width (a width unit holds about one
    // character of the 12 pt type).
    let lines = |text: &str, chars: f64| -> f64 {
        let per_line = chars.floor().max(1.0) as usize;
        let (mut n, mut used) = (1usize, 0usize);
        for word in text.split_whitespace() {
            let l = word.chars().count();
            if used > 0 && used + 1 + l > per_line {
                n += 1;
                used = l;
            } else {
                used += l + usize::from(used > 0);
            }
        }
        n as f64
    };
    let mut heights = vec![1.0f64; v.header.len()];
    for (hr, row) in v.header.iter().enumerate() {
        for h in row {
            let chars: f64 = widths[h.col..h.col + h.colspan].iter().sum();
            let n = lines(&h.text, chars) / h.rowspan.max(1) as f64;
            heights[hr] = heights[hr].max(n.ceil());
        }
    }
    for (hr, n) in heights.iter().enumerate() {
        ws.set_row_height(head_top + hr as u32, (16.0 * n).max(18.0))?;
    }
    // Characters across the merged title: the columns' widths in Excel's character units.
    let across: f64 = widths.iter().sum();
    for (row, text) in &title_rows {
        ws.set_row_height(*row, wrapped_height(text, across * 0.9))?;
    }
    ws.set_print_area(0, 0, r.max(1) - 1, last)?;
    Ok(())
}

fn text_width(s: &str) -> usize {
    s.chars().count()
}

/// A text field of the data sheet: the long form is one format wherever it is written, so its text is
/// guarded against formulas exactly as in the CSV (`egov import` takes the guard off again), and holds
/// only characters a document may hold.
fn data_text(s: &str) -> String {
    egov_import::spreadsheet_text(&crate::xml::safe(s)).into_owned()
}

/// The flat data sheet; returns the number of rows written (the header included).
fn data_sheet(ws: &mut Worksheet, annex: &Annex, f: &mut Formats) -> Result<u32, ExportError> {
    for (c, name) in FIELDS.iter().chain([&STATUS]).enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &f.data_head)?;
    }
    let mut r = 1u32;
    for t in &annex.tables {
        let title = text::clean(&t.title);
        let labels = long_labels(t);
        for row in &t.rows {
            let [tt, unit, code] = long_row_fields(row);
            let block = row.block.as_deref().unwrap_or("");
            for (label, cell) in labels.iter().zip(long_cells(row)) {
                for (c, field) in [t.id.as_str(), &title, block, &tt, &unit, &code, label]
                    .into_iter()
                    .enumerate()
                {
                    ws.write_string(r, c as u16, data_text(field))?;
                }
                match cell {
                    Cell::Number(d) => {
                        ws.write_number(r, 7, to_f64(*d))?;
                    }
                    Cell::NotEvaluated => {
                        ws.write_string(r, 7, "not_evaluated")?;
                    }
                    Cell::Blank => {}
                    Cell::Text(s) => {
                        ws.write_string(r, 7, data_text(&text::clean(s)))?;
                    }
                }
                match &row.rank {
                    RankCell::Ranked(n) => {
                        ws.write_number(r, 8, *n)?;
                    }
                    RankCell::Unranked => {}
                    RankCell::Invalid(s) => {
                        ws.write_string(r, 8, data_text(&text::clean(s)))?;
                    }
                }
                if row.not_submitted {
                    ws.write_string(r, 9, status(row))?;
                }
                r += 1;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if r > 1 {
        ws.autofilter(0, 0, r - 1, FIELDS.len() as u16)?;
    }
    for (c, width) in [12.0, 40.0, 12.0, 5.0, 32.0, 10.0, 32.0, 10.0, 8.0, 14.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, width)?;
    }
    Ok(r)
}
