//! Writers used by the round-trip tests: the seed's imported tables rendered back as Markdown, HTML,
//! DOCX and XLSX files, laid out as a decision annex is (two-row header with the merged "Điểm" group,
//! column-number row, block rows, then units), from the raw text each cell was read with.

use std::io::Write;

use egov_core::table::{Cell, Entry, Table};
use rust_xlsxwriter::{Format as XFormat, Workbook};

const TT: &str = "TT";
const UNIT: &str = "Đơn vị";

/// One line of a rendered table.
pub enum Line {
    /// Upper header: (text, columns spanned); a span > 1 is the merged group.
    Upper(Vec<(String, usize)>),
    /// Lower header: one entry per column ("" under vertically merged cells).
    Lower(Vec<String>),
    /// Column numbers, block rows and data rows: one raw text per column, or a label + title.
    Cells(Vec<String>),
    Block(String, String),
}

/// The headings that precede each table: the part when it changes, then the title if it differs.
pub fn headings(tables: &[Table]) -> Vec<Vec<String>> {
    let mut last_part: Option<String> = None;
    tables
        .iter()
        .map(|t| {
            let mut h = Vec::new();
            if t.part != last_part {
                if let Some(p) = &t.part {
                    h.push(p.clone());
                }
                last_part = t.part.clone();
            }
            if Some(&t.title) != t.part.as_ref() || h.is_empty() {
                h.push(t.title.clone());
            }
            h
        })
        .collect()
}

fn raw(e: &Entry) -> String {
    e.raw().map(str::to_owned).unwrap_or_else(|| match &e.cell {
        Cell::Number(d) => d.to_string().replace('.', ","),
        Cell::NotEvaluated => "Không đánh giá".into(),
        Cell::Blank => String::new(),
        Cell::Text(t) => t.clone(),
    })
}

/// The table as lines, in the layout of the seed.
pub fn lines(t: &Table) -> Vec<Line> {
    let mut upper = vec![(TT.to_string(), 1), (UNIT.to_string(), 1)];
    let mut lower = vec![String::new(), String::new()];
    for c in &t.columns {
        match (&c.group, upper.last_mut()) {
            (Some(g), Some((last, span))) if last == g && *span >= 1 && lower.len() > 2 => {
                *span += 1
            }
            (Some(g), _) => upper.push((g.clone(), 1)),
            (None, _) => upper.push((c.label.clone(), 1)),
        }
        lower.push(if c.group.is_some() {
            c.label.clone()
        } else {
            String::new()
        });
    }
    upper.push((t.total_label.clone(), 1));
    upper.push((t.rank_label.clone(), 1));
    lower.push(String::new());
    lower.push(String::new());
    let mut out = vec![Line::Upper(upper), Line::Lower(lower)];
    if !t.column_numbers.is_empty() {
        out.push(Line::Cells(t.column_numbers.iter().map(raw).collect()));
    }
    let mut block: Option<&str> = None;
    for r in &t.rows {
        if r.block.as_deref() != block {
            block = r.block.as_deref();
            if let Some(b) = block.and_then(|id| t.block(id))
                && let Some(label) = &b.label
            {
                out.push(Line::Block(
                    label.clone(),
                    b.title.clone().unwrap_or_default(),
                ));
            }
        }
        let mut cells = vec![
            r.tt.as_deref().unwrap_or_default().to_string(),
            r.unit_raw()
                .map(str::to_owned)
                .unwrap_or(r.unit.to_string()),
        ];
        cells.extend(r.values.iter().map(raw));
        cells.push(raw(&r.total));
        cells.push(r.rank_raw().map(str::to_owned).unwrap_or_default());
        out.push(Line::Cells(cells));
    }
    out
}

pub fn markdown(tables: &[Table]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let row = |cells: &[String]| {
        format!(
            "| {} |\n",
            cells.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        )
    };
    let mut s = String::from("# Phụ lục\n\n");
    for (t, hs) in tables.iter().zip(headings(tables)) {
        for h in hs {
            s.push_str(&format!("## {h}\n\n"));
        }
        let width = t.columns.len() + 4;
        for line in lines(t) {
            match line {
                Line::Upper(u) => {
                    let expanded: Vec<String> = u
                        .iter()
                        .flat_map(|(x, n)| std::iter::repeat_n(x.clone(), *n))
                        .collect();
                    s.push_str(&row(&expanded));
                    s.push_str(&row(&vec!["---".to_string(); width]));
                }
                Line::Lower(cells) | Line::Cells(cells) => s.push_str(&row(&cells)),
                Line::Block(l, title) => {
                    let mut cells = vec![l, title];
                    cells.resize(width, String::new());
                    s.push_str(&row(&cells));
                }
            }
        }
        s.push('\n');
    }
    s
}

fn html_esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

pub fn html(tables: &[Table]) -> String {
    let mut s = String::from("<!DOCTYPE html><html><head><title>Phụ lục</title></head><body>\n");
    for (t, hs) in tables.iter().zip(headings(tables)) {
        for h in hs {
            s.push_str(&format!("<h2>{}</h2>\n", html_esc(&h)));
        }
        s.push_str("<table border=\"1\">\n");
        let width = t.columns.len() + 4;
        for line in lines(t) {
            s.push_str("  <tr>");
            match line {
                Line::Upper(u) => {
                    for (text, n) in u {
                        let span = if n > 1 {
                            format!(" colspan=\"{n}\"")
                        } else {
                            " rowspan=\"2\"".into()
                        };
                        s.push_str(&format!("<th{span}>{}</th>", html_esc(&text)));
                    }
                }
                Line::Lower(cells) => {
                    for c in cells.iter().filter(|c| !c.is_empty()) {
                        s.push_str(&format!("<th>{}</th>", html_esc(c)));
                    }
                }
                Line::Cells(cells) => {
                    for c in cells {
                        s.push_str(&format!("<td>\n      {}\n    </td>", html_esc(&c)));
                    }
                }
                Line::Block(l, title) => {
                    s.push_str(&format!(
                        "<td><b>{}</b></td><td colspan=\"{}\"><b>{}</b></td>",
                        html_esc(&l),
                        width - 1,
                        html_esc(&title)
                    ));
                }
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table>\n");
    }
    s.push_str("</body></html>\n");
    s
}

fn xml_esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(text: &str) -> String {
    if text.is_empty() {
        "<w:p/>".into()
    } else {
        format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_esc(text)
        )
    }
}

/// A minimal DOCX (content types, relationships, document part), tables with gridSpan and vMerge.
pub fn docx(tables: &[Table]) -> Vec<u8> {
    let mut body = String::new();
    body.push_str(&para("CHỈ SỐ VÀ XẾP HẠNG"));
    for (t, hs) in tables.iter().zip(headings(tables)) {
        for h in hs {
            body.push_str(&para(&h));
        }
        let width = t.columns.len() + 4;
        body.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
        body.push_str(&"<w:gridCol w:w=\"1000\"/>".repeat(width));
        body.push_str("</w:tblGrid>");
        let tc = |props: &str, text: &str| {
            format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", para(text))
        };
        for line in lines(t) {
            body.push_str("<w:tr>");
            match line {
                Line::Upper(u) => {
                    for (text, n) in u {
                        let props = if n > 1 {
                            format!("<w:gridSpan w:val=\"{n}\"/>")
                        } else {
                            "<w:vMerge w:val=\"restart\"/>".into()
                        };
                        body.push_str(&tc(&props, &text));
                    }
                }
                Line::Lower(cells) => {
                    for c in cells {
                        let props = if c.is_empty() { "<w:vMerge/>" } else { "" };
                        body.push_str(&tc(props, &c));
                    }
                }
                Line::Cells(cells) => {
                    for c in cells {
                        body.push_str(&tc("", &c));
                    }
                }
                Line::Block(l, title) => {
                    body.push_str(&tc("", &l));
                    body.push_str(&tc(
                        &format!("<w:gridSpan w:val=\"{}\"/>", width - 1),
                        &title,
                    ));
                }
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name, opts).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// One sheet per table: headings, merged header, numbers stored as numbers (with a format showing the
/// printed decimals), everything else as text.
pub fn xlsx(tables: &[Table]) -> Vec<u8> {
    let mut book = Workbook::new();
    let bold = XFormat::new().set_bold();
    for (t, hs) in tables.iter().zip(headings(tables)) {
        let sheet = book.add_worksheet();
        sheet.set_name(t.id.as_str()).expect("sheet name");
        let mut r: u32 = 0;
        // Each sheet names its part again: a reader of one sheet must not need the others.
        let mut hs = hs;
        if let Some(p) = &t.part
            && !hs.contains(p)
        {
            hs.insert(0, p.clone());
        }
        for h in hs {
            sheet.write_string(r, 0, h).expect("write");
            r += 1;
        }
        for line in lines(t) {
            match line {
                Line::Upper(u) => {
                    let mut c: u16 = 0;
                    for (text, n) in u {
                        let n = u16::try_from(n).expect("span");
                        if n > 1 {
                            sheet
                                .merge_range(r, c, r, c + n - 1, &text, &bold)
                                .expect("merge");
                        } else {
                            sheet
                                .merge_range(r, c, r + 1, c, &text, &bold)
                                .expect("merge");
                        }
                        c += n;
                    }
                }
                Line::Lower(cells) => {
                    for (c, text) in cells.iter().enumerate() {
                        if !text.is_empty() {
                            sheet
                                .write_string_with_format(r, c as u16, text, &bold)
                                .expect("write");
                        }
                    }
                }
                Line::Cells(cells) => {
                    for (c, text) in cells.iter().enumerate() {
                        write_value(sheet, r, c as u16, text);
                    }
                }
                Line::Block(l, title) => {
                    sheet.write_string(r, 0, l).expect("write");
                    sheet.write_string(r, 1, title).expect("write");
                }
            }
            r += 1;
        }
    }
    book.save_to_buffer().expect("xlsx")
}

fn write_value(sheet: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, text: &str) {
    if text.is_empty() {
        return;
    }
    let plain = text.replace(',', ".");
    let is_number = !text.starts_with('(')
        && plain.parse::<f64>().is_ok()
        && text.chars().all(|ch| ch.is_ascii_digit() || ch == ',');
    if is_number {
        let decimals = text.split_once(',').map_or(0, |(_, f)| f.len());
        let pattern = if decimals == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(decimals))
        };
        let fmt = XFormat::new().set_num_format(pattern);
        sheet
            .write_number_with_format(r, c, plain.parse::<f64>().expect("number"), &fmt)
            .expect("write");
    } else {
        sheet.write_string(r, c, text).expect("write");
    }
}
