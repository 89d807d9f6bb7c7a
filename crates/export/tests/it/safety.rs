//! Hostile text in an annex: spreadsheet formulas in names come out of every CSV neutralised (and come
//! back through `egov import`), and control characters anywhere never make an SVG, DOCX or XLSX part
//! ill-formed XML.

use std::io::Read;

use egov_core::table::{Annex, Cell, Entry, RankCell};
use egov_export::{ChartOptions, DecisionInfo, Format, RenderOptions, charts, render, report};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::fixture;

/// Names a spreadsheet would run as formulas.
pub const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1",
    "-cmd",
    "@SUM(A1)",
    "\tx",
    "\rx",
];

/// Every character XML 1.0 cannot hold or that is an invisible control: C0, DEL, C1, U+FFFE, U+FFFF.
fn controls() -> String {
    (0u32..0x20)
        .chain(0x7f..0xa0)
        .chain([0xfffe, 0xffff])
        .map(|c| char::from_u32(c).unwrap())
        .collect()
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Parses `xml` to the end with quick-xml and checks what quick-xml does not: every character, literal
/// or as a character reference, is one XML 1.0 allows.
#[track_caller]
fn assert_well_formed(what: &str, xml: &str) {
    // XML 1.0 allows DEL and the C1 controls; egov writes none of them (U+FFFD instead, see
    // egov_export::xml), so they are refused here too.
    let shown = |c: char| xml_char(c) && !('\u{7f}'..='\u{9f}').contains(&c);
    if let Some((at, c)) = xml.char_indices().find(|(_, c)| !shown(*c)) {
        panic!("{what}: character U+{:04X} at byte {at}", c as u32);
    }
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::GeneralRef(g)) => {
                if let Some(c) = g
                    .resolve_char_ref()
                    .unwrap_or_else(|e| panic!("{what}: {e}"))
                {
                    assert!(xml_char(c), "{what}: reference to U+{:04X}", c as u32);
                }
            }
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|e| panic!("{what}: {e}"));
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap_or_else(|e| panic!("{what}: attribute: {e}"));
                    assert!(v.chars().all(xml_char), "{what}: attribute {v:?}");
                }
            }
            Ok(_) => {}
            Err(e) => panic!("{what}: at {}: {e}", r.buffer_position()),
        }
    }
}

/// Every `.xml` and `.rels` part of an Office package, well-formed.
fn assert_package_well_formed(what: &str, bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = 0;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            assert_well_formed(&format!("{what}: {name}"), &s);
            parts += 1;
        }
    }
    assert!(parts > 3, "{what}: {parts} parts");
}

/// The fixture with control characters in every piece of text: titles, parts, headings, labels,
/// block titles, unit names and codes, row numbers, text cells and rank text.
fn hostile_annex() -> Annex {
    let bad = controls();
    let mut annex = fixture::annex();
    annex.title = format!("Tiêu đề{bad}");
    annex.subtitle = vec![format!("Phụ đề{bad}")];
    for (k, t) in annex.tables.iter_mut().enumerate() {
        t.id = format!("b{k}{bad}");
        t.title = format!("Bảng{bad}");
        t.part = Some(format!("Phần{bad}"));
        t.total_label = format!("Tổng{bad}");
        t.rank_label = format!("Hạng{bad}");
        for c in &mut t.columns {
            c.label = format!("{}{bad}", c.label);
            c.group = c.group.as_ref().map(|g| format!("{g}{bad}"));
        }
        for b in &mut t.blocks {
            b.title = Some(format!("Khối{bad}"));
            b.label = Some(format!("I{bad}"));
        }
        for (i, r) in t.rows.iter_mut().enumerate() {
            r.unit = format!("Đơn vị {i}{bad}").into();
            r.unit_code = Some(format!("M{i}{bad}").into());
            r.tt = Some(format!("{i}{bad}").into());
        }
        t.rows[0].values[0] = Entry::computed(Cell::Text(format!("chữ{bad}")));
        t.rows[1].rank = RankCell::Invalid(format!("x{bad}"));
    }
    annex
}

fn hostile_options() -> RenderOptions {
    RenderOptions {
        decision: Some(DecisionInfo {
            number: format!("12/QĐ{}", controls()),
            date: "01/02/2020".into(),
            issuer: None,
        }),
        ..Default::default()
    }
}

#[test]
fn docx_and_xlsx_parts_are_well_formed_with_control_characters() {
    let annex = hostile_annex();
    let opts = hostile_options();
    for format in [Format::Docx, Format::Xlsx] {
        let bytes = render(&annex, format, &opts).unwrap();
        assert_package_well_formed(&format!("{format:?}"), &bytes);
    }
}

#[test]
fn svg_charts_and_the_html_report_hold_no_control_characters() {
    let annex = hostile_annex();
    let mut previous = fixture::annex();
    previous.tables[0].rows[0].unit = format!("Trước{}", controls()).into();
    let chart_opts = ChartOptions {
        unit: Some(annex.tables[0].rows[0].unit.to_string()),
        previous: Some(&previous),
        ..Default::default()
    };
    let files = charts(&annex, &chart_opts).unwrap();
    assert!(!files.is_empty());
    for (name, bytes) in &files {
        assert_well_formed(name, std::str::from_utf8(bytes).unwrap());
    }
    let html = report(&annex, &hostile_options(), &chart_opts).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.chars().all(xml_char),
        "HTML report holds a control character"
    );
    let plain = render(&annex, Format::Html, &hostile_options()).unwrap();
    assert!(String::from_utf8(plain).unwrap().chars().all(xml_char));
}

/// The fixture with the formula names as units (and codes), a formula as a table title and column
/// label, and a negative value.
fn formula_annex() -> Annex {
    let mut annex = fixture::annex();
    let t = &mut annex.tables[1];
    t.title = "=1+2".into();
    t.columns[2].label = "-Điểm trừ".into();
    for (i, r) in t.rows.iter_mut().enumerate() {
        r.unit = FORMULAS[i].into();
        r.unit_code = Some(format!("@C{i}").into());
    }
    t.rows[0].values[2] = Entry::computed(Cell::Number(fixture::d("-3")));
    t.rows[1].values[2] = Entry::computed(Cell::Number(fixture::d("-2")));
    let t0 = &mut annex.tables[0];
    for (i, r) in t0.rows.iter_mut().enumerate() {
        r.unit = FORMULAS[i % FORMULAS.len()].into();
    }
    annex
}

/// The fields of a CSV line (quotes, doubled quotes, commas inside quotes).
pub fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Whether a raw CSV field would start a formula in a spreadsheet.
pub fn dangerous(raw: &str) -> bool {
    raw.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn csv_neutralises_formulas_keeps_negative_numbers_and_reads_back() {
    let annex = formula_annex();
    let bytes = render(&annex, Format::Csv, &RenderOptions::default()).unwrap();
    let csv = String::from_utf8(bytes.clone()).unwrap();
    let mut negatives = 0;
    for line in csv.trim_start_matches('\u{feff}').split("\r\n").skip(1) {
        if line.is_empty() {
            continue;
        }
        let f = fields(line);
        assert_eq!(f.len(), 10, "{line}");
        for (i, field) in f.iter().enumerate() {
            if i == 7 && field.starts_with('-') {
                assert!(field.parse::<f64>().is_ok(), "{line}");
                negatives += 1;
                continue;
            }
            assert!(!dangerous(field), "field {i} of {line:?}");
        }
    }
    assert_eq!(negatives, 2, "the negative values stay numbers");
    // The guarded fields are quoted, as OWASP asks.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",\"'+1\","), "{csv}");
    assert!(csv.contains(",-3,"), "{csv}");

    let back = egov_import::import_bytes("annex.csv", &bytes, egov_import::Format::Auto).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    let original: Vec<(String, Option<String>)> = annex
        .tables
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(|r| {
                (
                    r.unit.to_string(),
                    r.unit_code.as_deref().map(str::to_string),
                )
            })
        })
        .collect();
    let read: Vec<(String, Option<String>)> = back
        .tables
        .iter()
        .flat_map(|t| {
            t.rows.iter().map(|r| {
                (
                    r.unit.to_string(),
                    r.unit_code.as_deref().map(str::to_string),
                )
            })
        })
        .collect();
    // Tab and carriage return at the start of a name are trimmed by cleaning before any writer sees
    // them; everything else comes back exactly.
    let cleaned: Vec<(String, Option<String>)> = original
        .into_iter()
        .map(|(u, c)| (egov_core::text::clean(&u), c))
        .collect();
    assert_eq!(read, cleaned);
    assert_eq!(back.tables[1].title, "=1+2");
    assert_eq!(back.tables[1].columns[2].label, "-Điểm trừ");
    assert_eq!(
        back.tables[1].rows[0].values[2].cell,
        Cell::Number(fixture::d("-3"))
    );
}

#[test]
fn the_workbook_data_sheet_is_guarded_and_reads_back() {
    let annex = formula_annex();
    let bytes = render(&annex, Format::Xlsx, &RenderOptions::default()).unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    use calamine::Reader as _;
    let data = wb.worksheet_range("data").unwrap();
    let units: Vec<String> = data.rows().skip(1).map(|r| r[4].to_string()).collect();
    assert!(units.iter().all(|u| !dangerous(u)), "{units:?}");
    assert!(units.contains(&"'=HYPERLINK(\"http://x\",\"y\")".to_string()));
    // The formatted sheets hold names as string cells (which run nothing) and are what `egov import`
    // reads when they are there.
    let back = egov_import::import_bytes("annex.xlsx", &bytes, egov_import::Format::Auto).unwrap();
    let names: Vec<&str> = back.tables[1]
        .rows
        .iter()
        .map(|r| r.unit.as_str())
        .collect();
    assert!(
        names.contains(&"=HYPERLINK(\"http://x\",\"y\")"),
        "{names:?}"
    );
}

#[test]
fn the_data_dictionary_documents_the_guard() {
    let annex = fixture::annex();
    let bytes = egov_export::csv_out::data_dictionary(&annex, &RenderOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let guard = &v["files"]["csv"]["spreadsheet_safety"];
    assert_eq!(guard["prefix"], "'");
    assert_eq!(
        guard["prefixed_when_starting_with"],
        serde_json::json!(["=", "+", "-", "@", "\t", "\r"])
    );
    assert!(
        guard["description_en"]
            .as_str()
            .unwrap()
            .contains("never prefixed")
    );
    // The dictionary's own text (titles, labels) is JSON: nothing in it is read as a formula.
    let hostile = formula_annex();
    let bytes = egov_export::csv_out::data_dictionary(&hostile, &RenderOptions::default()).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
}
