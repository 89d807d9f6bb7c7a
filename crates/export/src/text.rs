//! Plain-text rendering: each table as aligned columns, for terminals, e-mails and diffs.
//!
//! Widths are counted in characters (NFC), not bytes, so Vietnamese names line up. Merged header cells
//! (the group "Điểm" over the value columns) are centred over the columns they cover; cells covered by a
//! two-row header cell are left blank on the second row.

use std::fmt::Write;

use egov_core::table::Annex;

use crate::RenderOptions;
use crate::layout::{self, Align, TableView};

const SEP: &str = " | ";

/// The whole annex as plain text.
pub fn render(annex: &Annex, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let (title, sub) = layout::heading(annex, opts);
    if !title.is_empty() {
        out.push_str(&title);
        out.push('\n');
    }
    for s in &sub {
        out.push_str(s);
        out.push('\n');
    }
    let parts = layout::parts_to_print(annex);
    for (t, print_part) in annex.tables.iter().zip(parts) {
        let v = layout::view(t, opts.lang);
        out.push('\n');
        if print_part && let Some(p) = &v.part {
            out.push_str(p);
            out.push_str("\n\n");
        }
        table(&mut out, &v);
    }
    out
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = width.saturating_sub(chars(s));
    match align {
        Align::Left => format!("{s}{}", " ".repeat(fill)),
        Align::Right => format!("{}{s}", " ".repeat(fill)),
        Align::Center => {
            let left = fill / 2;
            format!("{}{s}{}", " ".repeat(left), " ".repeat(fill - left))
        }
    }
}

/// Drops trailing blanks and the separators of trailing empty cells (a blank rank), so lines carry no
/// trailing whitespace.
fn finish(line: &str) -> &str {
    let mut l = line.trim_end();
    while let Some(rest) = l.strip_suffix('|') {
        l = rest.trim_end();
    }
    l
}

/// Width of a span of grid columns including the separators between them.
fn span_width(widths: &[usize], col: usize, colspan: usize) -> usize {
    widths[col..col + colspan].iter().sum::<usize>() + SEP.len() * (colspan - 1)
}

fn table(out: &mut String, v: &TableView<'_>) {
    let w = v.width();
    let body: Vec<Vec<String>> = v
        .lines
        .iter()
        .map(|l| match l {
            layout::Line::Block { .. } => {
                // The block title spans the whole row; it must not widen the unit column.
                let mut c = l.cells(w);
                c[1].clear();
                c
            }
            _ => l.cells(w),
        })
        .collect();

    let mut widths = vec![0usize; w];
    for row in body.iter().chain(std::iter::once(&v.column_numbers)) {
        for (k, c) in row.iter().enumerate() {
            widths[k] = widths[k].max(chars(c));
        }
    }
    for row in &v.header {
        for h in row.iter().filter(|h| h.colspan == 1) {
            widths[h.col] = widths[h.col].max(chars(&h.text));
        }
    }
    // A merged cell wider than the columns under it widens the last of them.
    for row in &v.header {
        for h in row.iter().filter(|h| h.colspan > 1) {
            let have = span_width(&widths, h.col, h.colspan);
            if chars(&h.text) > have {
                widths[h.col + h.colspan - 1] += chars(&h.text) - have;
            }
        }
    }

    let total_width = span_width(&widths, 0, w);
    out.push_str(&v.title);
    out.push('\n');
    let rule = "-".repeat(total_width);
    writeln!(out, "{rule}").expect("writing to a String");

    for (r, row) in v.header.iter().enumerate() {
        let mut col = 0;
        let mut pieces = Vec::new();
        let mut cells = row.iter().peekable();
        while col < w {
            match cells.peek() {
                Some(h) if h.col == col => {
                    pieces.push(pad(
                        &h.text,
                        span_width(&widths, col, h.colspan),
                        Align::Center,
                    ));
                    col += h.colspan;
                    cells.next();
                }
                // Covered by a cell of an earlier header row (rowspan) or not started here.
                _ => {
                    debug_assert!(r > 0, "the first header row covers every grid column");
                    pieces.push(" ".repeat(widths[col]));
                    col += 1;
                }
            }
        }
        writeln!(out, "{}", finish(&pieces.join(SEP))).expect("writing to a String");
    }
    writeln!(out, "{rule}").expect("writing to a String");
    let numbers: Vec<String> = v
        .column_numbers
        .iter()
        .enumerate()
        .map(|(k, c)| pad(c, widths[k], Align::Center))
        .collect();
    writeln!(out, "{}", finish(&numbers.join(SEP))).expect("writing to a String");
    writeln!(out, "{rule}").expect("writing to a String");

    for line in &v.lines {
        match line {
            layout::Line::Block { label, title } => {
                let first = pad(label, widths[0], Align::Center);
                writeln!(out, "{first}{SEP}{title}").expect("writing to a String");
            }
            layout::Line::Unit { .. } => {
                let cells = line.cells(w);
                let pieces: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(k, c)| pad(c, widths[k], v.align(k)))
                    .collect();
                writeln!(out, "{}", finish(&pieces.join(SEP))).expect("writing to a String");
            }
        }
    }
    writeln!(out, "{rule}").expect("writing to a String");
}
