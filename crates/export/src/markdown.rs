//! Markdown rendering: each table as a pipe table, for issues, wikis and reviews.
//!
//! Pipe tables have one header row and no merged cells, so the two-row header is flattened
//! ("Điểm: Cơ sở hạ tầng thông tin"); the column-number row and block rows (in bold) follow as body rows.

use egov_core::table::Annex;

use crate::RenderOptions;
use crate::layout::{self, Align, Line};

/// The whole annex as Markdown.
pub fn render(annex: &Annex, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let (title, sub) = layout::heading(annex, opts);
    if !title.is_empty() {
        out.push_str(&format!("# {}\n\n", escape(&title)));
    }
    for s in &sub {
        out.push_str(&format!("{}\n\n", escape(s)));
    }
    let parts = layout::parts_to_print(annex);
    for (t, print_part) in annex.tables.iter().zip(parts) {
        let v = layout::view(t, opts.lang);
        if print_part && let Some(p) = &v.part {
            out.push_str(&format!("## {}\n\n", escape(p)));
        }
        out.push_str(&format!("### {}\n\n", escape(&v.title)));
        let w = v.width();
        row(&mut out, v.flat_header.iter().map(|s| escape(s)));
        row(
            &mut out,
            (0..w).map(|k| {
                match v.align(k) {
                    Align::Left => ":---",
                    Align::Center => ":---:",
                    Align::Right => "---:",
                }
                .to_string()
            }),
        );
        row(&mut out, v.column_numbers.iter().map(|s| escape(s)));
        for line in &v.lines {
            match line {
                Line::Block { .. } => row(
                    &mut out,
                    line.cells(w).iter().map(|s| {
                        if s.is_empty() {
                            String::new()
                        } else {
                            format!("**{}**", escape(s))
                        }
                    }),
                ),
                Line::Unit { .. } => row(&mut out, line.cells(w).iter().map(|s| escape(s))),
            }
        }
        out.push('\n');
    }
    out
}

fn row(out: &mut String, cells: impl Iterator<Item = String>) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&c);
        out.push_str(" |");
    }
    out.push('\n');
}

/// Escapes the characters that would break a pipe table or start Markdown markup.
fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' => o.push(' '),
            _ => o.push(ch),
        }
    }
    o
}
