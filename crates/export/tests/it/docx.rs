//! DOCX read back: the package is unzipped, `word/document.xml` parsed with quick-xml into tables of cell
//! texts, and every name and number compared with the annex; layout features (repeated header rows,
//! merges, landscape section, fonts) are checked in the XML.

use std::io::{Cursor, Read};

use egov_core::num::parse_decimal;
use egov_core::table::{Cell, RankCell};
use egov_export::{Format, RenderOptions, render};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::fixture;

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Tables → rows → cell texts, as a reader of the document sees them.
fn tables(xml: &str) -> Vec<Vec<Vec<String>>> {
    let mut r = Reader::from_str(xml);
    let mut out: Vec<Vec<Vec<String>>> = Vec::new();
    let mut in_t = false;
    let mut in_tc = false;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => match e.name().as_ref() {
                "w:tbl" => out.push(Vec::new()),
                "w:tr" => out.last_mut().unwrap().push(Vec::new()),
                "w:tc" => {
                    in_tc = true;
                    out.last_mut()
                        .unwrap()
                        .last_mut()
                        .unwrap()
                        .push(String::new())
                }
                "w:t" => in_t = true,
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "w:t" => in_t = false,
            Event::End(e) if e.name().as_ref() == "w:tc" => in_tc = false,
            Event::Text(t) if in_t && in_tc => {
                out.last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) if in_t && in_tc => {
                let name = g.xml10_content();
                let ch = quick_xml::escape::resolve_predefined_entity(&name).unwrap();
                out.last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push_str(ch);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn every_name_and_number_reads_back() {
    let annex = fixture::annex();
    let bytes = render(&annex, Format::Docx, &RenderOptions::default()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    let tables = tables(&xml);
    assert_eq!(tables.len(), annex.tables.len());
    for (t, doc) in annex.tables.iter().zip(&tables) {
        for row in &t.rows {
            let found: Vec<&Vec<String>> = doc
                .iter()
                .filter(|r| r.len() > 1 && r[1] == row.unit)
                .collect();
            assert_eq!(found.len(), 1, "{} once in {}", row.unit, t.id);
            let cells = found[0];
            assert_eq!(cells.len(), t.columns.len() + 4);
            assert_eq!(&cells[0], row.tt.as_ref().unwrap());
            let expected = row.values.iter().map(|e| &e.cell).chain([&row.total.cell]);
            for (k, cell) in expected.enumerate() {
                let got = &cells[k + 2];
                match cell {
                    Cell::Number(d) => {
                        assert!(
                            !got.contains('.') || got.contains(','),
                            "decimal comma: {got}"
                        );
                        assert_eq!(parse_decimal(got).unwrap(), *d, "{} col {k}", row.unit);
                    }
                    Cell::NotEvaluated => assert_eq!(got, "Không đánh giá"),
                    Cell::Blank => assert_eq!(got, ""),
                    Cell::Text(s) => assert_eq!(got, s),
                }
            }
            let rank = cells.last().unwrap();
            match row.rank {
                RankCell::Ranked(n) => assert_eq!(rank, &n.to_string()),
                _ => assert_eq!(rank, "", "unranked: blank rank"),
            }
        }
    }
    assert!(xml.contains("(Ban hành kèm theo Quyết định số 2870/QĐ-UBND ngày 18/12/2019"));
    assert!(xml.contains("Hạ tầng &amp; ứng dụng &lt;CNTT&gt;"));
    assert!(egov_core::text::is_nfc(&xml));
}

#[test]
fn layout_of_an_administrative_annex() {
    let annex = fixture::annex();
    let bytes = render(&annex, Format::Docx, &RenderOptions::default()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    let t = tables(&xml);
    // Header rows: two-row header + column numbers, all repeated on each page.
    assert_eq!(xml.matches("<w:tblHeader/>").count(), 3 + 3);
    assert_eq!(t[0][2], vec!["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]);
    assert_eq!(
        t[0][0],
        vec!["TT", "Đơn vị", "Điểm", "Tổng điểm", "Xếp hạng"]
    );
    assert_eq!(
        t[0][1],
        vec![
            "",
            "",
            "Điều kiện sẵn sàng Chính quyền điện tử",
            "Kết quả Chính quyền điện tử đạt được",
            "",
            ""
        ]
    );
    assert!(xml.contains("<w:gridSpan w:val=\"2\"/>"));
    assert!(xml.contains("<w:vMerge w:val=\"restart\"/>") && xml.contains("<w:vMerge/>"));
    // Block rows.
    assert_eq!(t[0][3][0], "I");
    assert!(t[0].iter().any(|r| r[0] == "II" && r.len() == 2));
    // Both tables fit a portrait page with their names whole (as the PDF measures them): one section.
    assert_eq!(xml.matches("<w:sectPr>").count(), 1);
    assert_eq!(xml.matches("w:orient=\"landscape\"").count(), 0);
    assert!(xml.contains("w:w=\"11906\" w:h=\"16838\""), "A4 portrait");
    let styles = part(&bytes, "word/styles.xml");
    assert!(
        styles.contains("w:ascii=\"Times New Roman\"") && styles.contains("<w:sz w:val=\"26\"/>")
    );
    // Every part is well-formed XML.
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/document.xml",
    ] {
        let s = part(&bytes, name);
        let mut r = Reader::from_str(&s);
        r.config_mut().check_end_names = true;
        while !matches!(r.read_event().unwrap(), Event::Eof) {}
    }
}

/// Decree 30/2020/NĐ-CP: page numbers in the header, centred, none on the first page; the numbering runs on
/// through the landscape sections, so only the first section has a distinct (empty) first-page header.
#[test]
fn page_numbers_in_the_header_from_page_two() {
    // The second table made too wide for a portrait page (its values three times over): a landscape
    // section after the portrait one.
    let mut annex = fixture::annex();
    let t = &mut annex.tables[1];
    let columns = t.columns.clone();
    for k in 1..3 {
        t.columns
            .extend(columns.iter().map(|c| egov_core::table::Column {
                label: format!("{} ({k})", c.label),
                ..c.clone()
            }));
    }
    for row in &mut t.rows {
        let values = row.values.clone();
        row.values.extend(values.iter().cloned());
        row.values.extend(values);
    }
    let bytes = render(&annex, Format::Docx, &RenderOptions::default()).unwrap();
    let numbered = part(&bytes, "word/header1.xml");
    assert!(
        numbered.contains("<w:jc w:val=\"center\"/>") && numbered.contains(" PAGE "),
        "{numbered}"
    );
    let first = part(&bytes, "word/header2.xml");
    assert!(!first.contains("PAGE"), "the first page's header is empty");
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"header1.xml\"") && rels.contains("Target=\"header2.xml\""));
    let types = part(&bytes, "[Content_Types].xml");
    assert_eq!(types.matches("wordprocessingml.header+xml").count(), 2);
    let doc = part(&bytes, "word/document.xml");
    let sections: Vec<&str> = doc.split("<w:sectPr>").skip(1).collect();
    assert!(sections.len() >= 2, "portrait and landscape sections");
    for (k, s) in sections.iter().enumerate() {
        assert!(
            s.contains("<w:headerReference w:type=\"default\" r:id=\"rId3\"/>"),
            "section {k}"
        );
        assert_eq!(
            s.contains("<w:titlePg/>"),
            k == 0,
            "titlePg only in the first section ({k})"
        );
        assert_eq!(
            s.contains("w:type=\"first\""),
            k == 0,
            "first-page header only in the first section ({k})"
        );
    }
}

/// Rows stay whole on their page (`cantSplit`), but a row taller than a page — a name of thousands of
/// characters — is left free to break, or it would run past the page's foot.
#[test]
fn a_row_taller_than_a_page_may_break() {
    let mut annex = fixture::annex();
    let long = "Ủy ban nhân dân xã ".repeat(1500);
    annex.tables[0].rows[0].unit = long.trim().into();
    let bytes = render(&annex, Format::Docx, &RenderOptions::default()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    let rows: Vec<&str> = xml
        .split("<w:tr>")
        .skip(1)
        .chain(xml.split("<w:tr ").skip(1))
        .collect();
    let tall: Vec<&&str> = rows
        .iter()
        .filter(|r| r.contains("Ủy ban nhân dân xã Ủy ban"))
        .collect();
    assert_eq!(tall.len(), 1, "one row holds the long name");
    assert!(
        !tall[0].starts_with("<w:trPr><w:cantSplit/>"),
        "the tall row may break"
    );
    let others = rows
        .iter()
        .filter(|r| !r.contains("Ủy ban nhân dân xã Ủy ban") && r.contains("<w:tc>"))
        .count();
    let whole = rows
        .iter()
        .filter(|r| r.starts_with("<w:trPr><w:cantSplit/>"))
        .count();
    assert!(
        others > 3 && whole >= others,
        "every other row stays whole ({whole} of {others})"
    );
}
