//! Hostile inputs that cost far more than their size, refused at the budget or read in linear time.
//!
//! Each reader charges one document budget (`egov_import::budget`) for the cells, text and merged
//! cells it lays out; a crafted document is refused at the place where it crosses a limit. The
//! quadratic cases (nested HTML, a Markdown line of bars, repeated labels) are measured by the work
//! the importer counts, at size n and 4n: linear work grows about fourfold, quadratic sixteenfold.
//! Nothing here is timed. The small limits of [`tight`] keep the refusals cheap in a debug build; the
//! document limits are checked once each where a small file can reach them.

use std::io::Write;

use egov_core::audit::{AuditOptions, FindingKind, audit};
use egov_core::text::is_nfc;
use egov_import::budget::{Limits, MAX_SPAN_CELLS, Work};
use egov_import::{Format, ImportError, Imported, import_bytes, import_within};
use rust_xlsxwriter::Workbook;

/// Limits small enough to cross with a file of a few kilobytes.
fn tight() -> Limits {
    Limits {
        cells: 1_000,
        text_bytes: 10_000,
        span_cells: 500,
        depth: 20,
    }
}

/// The message of an import that must be refused by the budget.
#[track_caller]
fn over_budget(name: &str, bytes: &[u8], format: Format, limits: Limits) -> String {
    match import_within(name, bytes, format, limits).0 {
        Err(e @ ImportError::OverBudget { .. }) => e.to_string(),
        Err(e) => panic!("{name}: refused, but not by the budget: {e}"),
        Ok(i) => panic!(
            "{name}: imported {} tables, must be refused",
            i.tables.len()
        ),
    }
}

/// The work counted importing `bytes` (which must import).
#[track_caller]
fn work(name: &str, bytes: &[u8], format: Format) -> Work {
    let (r, w) = import_within(name, bytes, format, Limits::DOCUMENT);
    if let Err(e) = r {
        panic!("{name}: {e}");
    }
    w
}

/// Asserts that the work at 4n is at most 4.5 times the work at n (linear), printing both.
#[track_caller]
fn linear(what: &str, make: impl Fn(usize) -> Vec<u8>, n: usize, format: Format) {
    let small = work(what, &make(n), format).total();
    let large = work(what, &make(4 * n), format).total();
    assert!(
        large * 2 <= small * 9,
        "{what}: work {small} at n = {n}, {large} at 4n: {:.1}× (linear is 4×)",
        large as f64 / small as f64
    );
}

/// A minimal DOCX around a `word/document.xml` body (stored, not deflated: tests stay fast).
pub(crate) fn docx(body: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>".to_string(),
        ),
        (
            "word/document.xml",
            format!(
                "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
            ),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).expect("entry");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

fn w_p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A DOCX table: rows of cells (the header row first).
fn docx_table(heading: &str, rows: &[Vec<&str>]) -> String {
    let mut s = w_p(heading);
    s.push_str("<w:tbl>");
    for r in rows {
        s.push_str("<w:tr>");
        for c in r {
            s.push_str(&format!("<w:tc>{}</w:tc>", w_p(c)));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}

// ---------------------------------------------------------------------------------------------
// Refusals at the budget, located.

#[test]
fn a_markdown_line_of_bars_is_refused_at_its_column() {
    let line = format!("| TT | Đơn vị |\n{}\n", "|".repeat(5_000));
    let msg = over_budget("vach.md", line.as_bytes(), Format::Markdown, tight());
    assert!(msg.starts_with("vach.md:2:"), "{msg}");
    assert!(msg.contains("1.000 ô"), "{msg}");
}

#[test]
fn word_text_and_csv_cells_are_charged() {
    let text = "\tTT\n\tĐơn vị\n\n".to_string() + &"\tx\n".repeat(2_000);
    let msg = over_budget("van.txt", text.as_bytes(), Format::WordText, tight());
    assert!(msg.starts_with("van.txt:"), "{msg}");
    let csv = "TT;Đơn vị;Điểm\n".to_string() + &"1;a;2\n".repeat(500);
    let msg = over_budget("bang.csv", csv.as_bytes(), Format::Csv, tight());
    assert!(msg.starts_with("bang.csv:334:"), "{msg}");
    let long = format!("TT;Đơn vị\n1;{}\n", "x".repeat(20_000));
    let msg = over_budget("dai.csv", long.as_bytes(), Format::Csv, tight());
    assert!(
        msg.starts_with("dai.csv:2:1:") && msg.contains("MiB"),
        "{msg}"
    );
}

#[test]
fn html_rowspans_are_refused_at_the_blank_cell_they_lay_out() {
    // Each row opens a merge over the next 999 rows: row k holds k − 1 blanks, so the blanks grow
    // with the square of the rows while each span stays within its own cap.
    let row = "<tr><td rowspan=1000>a</td></tr>";
    let page = format!("<table>{}</table>", row.repeat(2_000));
    let msg = over_budget("gop.html", page.as_bytes(), Format::Html, Limits::DOCUMENT);
    assert!(msg.starts_with("gop.html: bảng 1, hàng "), "{msg}");
    assert!(msg.contains("rowspan"), "{msg}");
    // About 1.5 million blanks would be laid out; refused at the budget's million.
    assert_eq!(MAX_SPAN_CELLS, 1_000_000);
    assert!(msg.contains("1.000.000 ô"), "{msg}");
}

#[test]
fn a_docx_row_of_empty_cells_is_refused_at_its_cell() {
    let body = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", "<w:tc/>".repeat(5_000));
    let msg = over_budget("o.docx", &docx(&body), Format::Docx, tight());
    assert!(msg.contains("o.docx: bảng 1, hàng 1, ô 1001"), "{msg}");
}

#[test]
fn docx_tables_nested_past_the_depth_are_refused() {
    let mut body = String::new();
    for _ in 0..30 {
        body.push_str("<w:tbl><w:tr><w:tc>");
    }
    for _ in 0..30 {
        body.push_str("</w:tc></w:tr></w:tbl>");
    }
    let msg = over_budget("sau.docx", &docx(&body), Format::Docx, tight());
    assert!(
        msg.contains("sau.docx: bảng 1, hàng 1, ô 1") && msg.contains("20 tầng"),
        "{msg}"
    );
}

#[test]
fn workbook_text_is_charged_at_its_cell() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "TT").unwrap();
    ws.write_string(1, 1, "x".repeat(20_000)).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let msg = over_budget("chu.xlsx", &bytes, Format::Xlsx, tight());
    assert!(msg.contains("chu.xlsx: Sheet1!B2"), "{msg}");
}

#[test]
fn a_sheet_name_past_excel_limit_is_shown_cut_and_shared() {
    // Excel allows 31 characters; rust_xlsxwriter refuses more, so the name is patched into the
    // workbook part afterwards.
    let long = "S".repeat(100_000);
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("PLACEHOLDER").unwrap();
    for (r, row) in [
        ["TT", "Đơn vị", "Điểm"],
        ["1", "Sở Y tế", "7,5"],
        ["2", "Sở Nội vụ", "6,5"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let bytes = repack(&book.save_to_buffer().unwrap(), |name, data| {
        if name == "xl/workbook.xml" {
            String::from_utf8(data.to_vec())
                .unwrap()
                .replace("PLACEHOLDER", &long)
                .into_bytes()
        } else {
            data.to_vec()
        }
    });
    let imp = import_bytes("ten.xlsx", &bytes, Format::Xlsx).unwrap_or_else(|e| panic!("{e}"));
    let pos = imp.tables[0].rows[0]
        .total
        .pos()
        .cloned()
        .unwrap()
        .to_string();
    assert_eq!(pos, format!("{}…!C2", "S".repeat(31)));
}

/// A zip with every entry passed through `f` (stored).
fn repack(bytes: &[u8], f: impl Fn(&str, &[u8]) -> Vec<u8>) -> Vec<u8> {
    use std::io::Read;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(&f(&name, &data)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_shared_string_entity_bomb_names_its_part() {
    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "TT").unwrap();
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"hahahahahaha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>&i;</t></si></sst>";
    let bytes = repack(&book.save_to_buffer().unwrap(), |name, data| {
        if name == "xl/sharedStrings.xml" {
            laughs.as_bytes().to_vec()
        } else {
            data.to_vec()
        }
    });
    let err = import_bytes("cuoi.xlsx", &bytes, Format::Xlsx).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("cuoi.xlsx") && msg.contains("xl/sharedStrings.xml"),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------
// Linear work.

#[test]
fn nested_html_with_text_at_each_level_is_linear() {
    linear(
        "div.html",
        |n| format!("<p>Tiêu đề</p>{}", "<div>x".repeat(n)).into_bytes(),
        2_000,
        Format::Html,
    );
}

#[test]
fn nested_html_table_cells_are_linear() {
    linear(
        "td.html",
        |n| "<table><tr><td>x".repeat(n).into_bytes(),
        1_000,
        Format::Html,
    );
}

#[test]
fn html_rowspans_within_the_budget_are_linear() {
    // Spans of three rows, each row opening a new one: every row has one or two blanks.
    linear(
        "span.html",
        |n| {
            format!(
                "<table>{}</table>",
                "<tr><td rowspan=3>a</td><td>b</td></tr>".repeat(n)
            )
            .into_bytes()
        },
        1_000,
        Format::Html,
    );
}

#[test]
fn a_markdown_line_of_bars_is_linear() {
    linear(
        "bars.md",
        |n| format!("| TT | Đơn vị |\n{}\n", "|".repeat(n)).into_bytes(),
        20_000,
        Format::Markdown,
    );
}

#[test]
fn repeated_labels_blocks_and_titles_are_linear() {
    // One header of n identical column labels (each made unique with a number).
    linear(
        "nhan.md",
        |n| {
            format!(
                "| TT | Đơn vị |{}Tổng điểm |\n|---|---|\n| 1 | Sở A |{}9 |\n",
                " Điểm |".repeat(n),
                " 1 |".repeat(n)
            )
            .into_bytes()
        },
        500,
        Format::Markdown,
    );
    // n block rows with the same label.
    linear(
        "khoi.md",
        |n| {
            format!(
                "| TT | Đơn vị | Tổng điểm |\n|---|---|---|\n{}",
                "| I | Khối |  |\n| 1 | Sở A | 9 |\n".repeat(n)
            )
            .into_bytes()
        },
        300,
        Format::Markdown,
    );
    // n tables with the same title.
    linear(
        "bang.md",
        |n| {
            "Bảng\n\n| TT | Đơn vị | Tổng điểm |\n|---|---|---|\n| 1 | Sở A | 9 |\n\n"
                .repeat(n)
                .into_bytes()
        },
        200,
        Format::Markdown,
    );
}

#[test]
fn a_docx_row_of_empty_cells_is_linear() {
    linear(
        "tc.docx",
        |n| {
            docx(&format!(
                "<w:tbl><w:tr>{}</w:tr></w:tbl>",
                "<w:tc/>".repeat(n)
            ))
        },
        5_000,
        Format::Docx,
    );
}

// ---------------------------------------------------------------------------------------------
// Line endings and NFC.

const TABLE_LINES: [&str; 4] = [
    "| TT | Đơn vị | Điểm |",
    "|---|---|---|",
    "| 1 | Sở Y tế | 7,5 |",
    "| 2 | Sở Nội vụ | 6,5 |",
];

fn one_table(imp: &Imported) {
    assert_eq!(imp.tables.len(), 1, "{imp:?}");
    assert_eq!(imp.tables[0].rows.len(), 2);
    assert_eq!(imp.tables[0].rows[1].unit, "Sở Nội vụ");
}

#[test]
fn carriage_returns_alone_end_lines() {
    let md = format!("Bảng 1\r{}\r", TABLE_LINES.join("\r"));
    let imp = import_bytes("cr.md", md.as_bytes(), Format::Auto).unwrap();
    one_table(&imp);
    assert_eq!(imp.tables[0].rows[1].pos().unwrap().line, 5);
    let text =
        "Bảng 1\r\tTT\r\tĐơn vị\r\tĐiểm\r\r\t1\r\tSở Y tế\r\t7,5\r\r\t2\r\tSở Nội vụ\r\t6,5\r";
    let imp = import_bytes("cr.txt", text.as_bytes(), Format::Auto).unwrap();
    one_table(&imp);
    let csv = "TT;Đơn vị;Điểm\r1;Sở Y tế;7,5\r2;Sở Nội vụ;6,5\r";
    let imp = import_bytes("cr.csv", csv.as_bytes(), Format::Auto).unwrap();
    one_table(&imp);
    assert_eq!(imp.tables[0].rows[1].pos().unwrap().line, 3);
}

/// "Điểm" and "Đơn vị" decomposed (NFD): the header and a unit name of the same table.
fn nfd(s: &str) -> String {
    // ể = ê + hook above; ị, ụ = i, u + dot below.
    s.replace('ể', "e\u{302}\u{309}")
        .replace('ị', "i\u{323}")
        .replace('ụ', "u\u{323}")
}

#[test]
fn text_not_in_nfc_reaches_the_audit_in_every_format() {
    let title = nfd("Bảng điểm");
    let rows = [
        vec![nfd("TT"), nfd("Đơn vị"), nfd("Điểm")],
        vec!["1".into(), "Sở Y tế".into(), "7,5".into()],
        vec!["2".into(), nfd("Sở Nội vụ"), "6,5".into()],
    ];
    assert!(!is_nfc(&title));
    let text = format!(
        "{title}\n{}",
        rows.iter()
            .map(|r| r.iter().map(|c| format!("\t{c}\n")).collect::<String>() + "\n")
            .collect::<String>()
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let docx = docx(&docx_table(&title, &cells));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, &title).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    for (name, bytes) in [
        ("nfd.txt", text.clone().into_bytes()),
        ("nfd16.txt", utf16),
        ("nfd.docx", docx),
        ("nfd.xlsx", xlsx),
    ] {
        let imp =
            import_bytes(name, &bytes, Format::Auto).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(imp.tables.len(), 1, "{name}");
        // The title and the header, which the table keeps only normalised, at their places.
        let raw: Vec<&str> = imp.not_nfc.iter().map(|(_, r)| r.as_str()).collect();
        assert!(raw.contains(&title.as_str()), "{name}: {raw:?}");
        assert!(raw.contains(&rows[0][2].as_str()), "{name}: {raw:?}");
        // The unit name through the table's raw text, the same finding in every format.
        let found = audit(
            &imp.tables,
            &AuditOptions {
                source_text: imp.source_text.as_deref(),
                // As `egov audit` passes them: the placed texts where there are no lines.
                placed_text: if imp.source_text.is_some() {
                    &[]
                } else {
                    &imp.not_nfc
                },
                ..AuditOptions::default()
            },
        );
        // The title and the header cell are findings too, whatever the format (a line of a text
        // file, a paragraph or cell of a DOCX, a cell of a sheet).
        let messages: Vec<String> = found
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::NotNfc)
            .map(|f| f.message.vi.clone())
            .collect();
        for shown in ["Bảng điểm", "Điểm"] {
            assert!(
                messages.iter().any(|m| m.contains(shown)),
                "{name}: no NFC finding for {shown}: {messages:?}"
            );
        }
        let units: Vec<_> = found
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::NotNfc)
            .filter_map(|f| f.unit.clone())
            .collect();
        assert!(units.iter().any(|u| u == "Sở Nội vụ"), "{name}: {units:?}");
        if let Some(src) = &imp.source_text {
            // The decoded text, UTF-16 or not, is the file's text, so line-level findings match.
            assert_eq!(src, &text, "{name}");
        }
    }
}
