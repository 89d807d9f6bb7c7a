//! XLSX read back with calamine: every name and number of the annex in the table sheets and in the flat
//! data sheet, numbers as numeric cells, merged header cells, the number formats of the decimals.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use egov_core::table::{Cell, RankCell};
use egov_export::{Format, RenderOptions, render};
use rust_decimal::prelude::ToPrimitive;

use crate::fixture;

fn workbook() -> (Vec<u8>, Xlsx<Cursor<Vec<u8>>>) {
    let bytes = render(&fixture::annex(), Format::Xlsx, &RenderOptions::default()).unwrap();
    let wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    (bytes, wb)
}

fn f64_of(d: rust_decimal::Decimal) -> f64 {
    d.to_f64().unwrap()
}

fn row_of(range: &Range<Data>, unit: &str) -> Vec<Data> {
    let matches: Vec<Vec<Data>> = range
        .rows()
        .filter(|r| r.get(1) == Some(&Data::String(unit.into())))
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(matches.len(), 1, "{unit} appears once");
    matches.into_iter().next().unwrap()
}

#[test]
fn table_sheets_hold_every_number_and_name() {
    let annex = fixture::annex();
    let (_, mut wb) = workbook();
    let names = wb.sheet_names();
    assert_eq!(names, vec!["so-tong-the", "huyen-hang-muc-a", "data"]);
    for t in &annex.tables {
        let range = wb.worksheet_range(&t.id).unwrap();
        for row in &t.rows {
            let cells = row_of(&range, &row.unit);
            // TT is stored as a number (issue #11), so that it sorts and counts.
            let tt: f64 = row.tt.as_deref().unwrap().parse().unwrap();
            assert_eq!(cells[0], Data::Float(tt));
            let expected = row.values.iter().map(|e| &e.cell).chain([&row.total.cell]);
            for (k, cell) in expected.enumerate() {
                let got = &cells[k + 2];
                match cell {
                    Cell::Number(d) => {
                        assert_eq!(got, &Data::Float(f64_of(*d)), "{} col {k}", row.unit)
                    }
                    Cell::NotEvaluated => assert_eq!(got, &Data::String("Không đánh giá".into())),
                    Cell::Blank => assert_eq!(got, &Data::Empty),
                    Cell::Text(s) => assert_eq!(got, &Data::String(s.clone())),
                }
            }
            let rank = &cells[t.columns.len() + 3];
            match row.rank {
                RankCell::Ranked(n) => assert_eq!(rank, &Data::Float(n as f64)),
                _ => assert_eq!(rank, &Data::Empty, "unranked: blank rank"),
            }
        }
        // No number stored as text anywhere in the value and rank columns.
        for r in range.rows() {
            for c in r.iter().skip(2) {
                if let Data::String(s) = c {
                    assert!(
                        egov_core::num::parse_decimal(s).is_err(),
                        "number stored as text: {s}"
                    );
                }
            }
        }
    }
}

#[test]
fn header_is_merged_and_formats_show_decimals() {
    let (bytes, mut wb) = workbook();
    let range = wb.worksheet_range("so-tong-the").unwrap();
    let merges = wb.merge_cells_by_sheet_name("so-tong-the").unwrap();
    // Find the header row holding "Điểm" and check it is merged over the two value columns.
    let (r, _) = range
        .cells()
        .find(|(_, _, v)| **v == Data::String("Điểm".into()))
        .map(|(r, c, _)| (r as u32, c as u32))
        .unwrap();
    assert!(
        merges.iter().any(|m| m.start == (r, 2) && m.end == (r, 3)),
        "{merges:?}"
    );
    assert!(
        merges
            .iter()
            .any(|m| m.start == (r, 0) && m.end == (r + 1, 0)),
        "TT spans two rows"
    );
    assert_eq!(
        range.get_value((r + 2, 0)),
        Some(&Data::String("(1)".into()))
    );
    // Block row: label and merged title.
    assert!(range.rows().any(|row| row[0] == Data::String("II".into())));

    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    for code in ["formatCode=\"0.0\"", "formatCode=\"0.00\""] {
        assert!(styles.contains(code), "{code}");
    }
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    assert!(
        sheet.contains("<pane ") && sheet.contains("state=\"frozen\""),
        "frozen header"
    );
    assert!(sheet.contains("orientation=\"landscape\""));
}

#[test]
fn data_sheet_reads_back_as_the_csv_shape() {
    let annex = fixture::annex();
    let (_, mut wb) = workbook();
    let range = wb.worksheet_range("data").unwrap();
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let mut want: Vec<&str> = egov_export::csv_out::FIELDS.to_vec();
    want.push(egov_export::csv_out::STATUS);
    assert_eq!(header, want);
    let mut n = 0;
    for t in &annex.tables {
        for row in &t.rows {
            for cell in row.values.iter().map(|e| &e.cell).chain([&row.total.cell]) {
                let rec = rows.next().unwrap();
                assert_eq!(rec[0], Data::String(t.id.clone()));
                assert_eq!(rec[4], Data::String(row.unit.to_string()));
                match cell {
                    Cell::Number(d) => assert_eq!(rec[7], Data::Float(f64_of(*d))),
                    Cell::NotEvaluated => assert_eq!(rec[7], Data::String("not_evaluated".into())),
                    Cell::Blank => assert_eq!(rec[7], Data::Empty),
                    Cell::Text(s) => assert_eq!(rec[7], Data::String(s.clone())),
                }
                match row.rank {
                    RankCell::Ranked(r) => assert_eq!(rec[8], Data::Float(r as f64)),
                    _ => assert_eq!(rec[8], Data::Empty),
                }
                n += 1;
            }
        }
    }
    assert_eq!(n, 30);
    assert!(rows.next().is_none());
}

/// The workbook prints (issue #11): every sheet A4 landscape one page wide, the Decree-30 margins of a
/// landscape page, page numbers in the footer, a print area; the table sheets repeat their header
/// rows, the data sheet its header row; titles wrap with rows as tall as their text.
#[test]
fn every_sheet_prints_with_the_decree_margins_and_page_numbers() {
    let annex = fixture::annex();
    let bytes = egov_export::render(
        &annex,
        egov_export::Format::Xlsx,
        &egov_export::RenderOptions::default(),
    )
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let workbook = part("xl/workbook.xml");
    for (i, sheet) in ["so-tong-the", "huyen-hang-muc-a", "data"]
        .iter()
        .enumerate()
    {
        let xml = part(&format!("xl/worksheets/sheet{}.xml", i + 1));
        // 20 mm left and right, 30 mm at the top (the binding edge of a landscape page), 15 mm below.
        assert!(
            xml.contains(r#"<pageMargins left="0.787"#)
                && xml.contains(r#" right="0.787"#)
                && xml.contains(r#" top="1.181"#)
                && xml.contains(r#" bottom="0.590"#),
            "{sheet}: margins"
        );
        assert!(xml.contains("orientation=\"landscape\""), "{sheet}");
        assert!(xml.contains("paperSize=\"9\""), "{sheet}: A4");
        assert!(xml.contains("fitToHeight=\"0\""), "{sheet}: one page wide");
        assert!(xml.contains("fitToPage=\"1\""), "{sheet}");
        assert!(
            xml.contains("<oddFooter>&amp;CTrang &amp;P/&amp;N</oddFooter>"),
            "{sheet}: page numbers"
        );
        assert!(
            workbook.contains(&format!(
                "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"{i}\">"
            )),
            "{sheet}: print area"
        );
        assert!(
            workbook.contains(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">"
            )),
            "{sheet}: repeated header rows"
        );
    }
    // The first table sheet's title rows wrap and are as tall as their text.
    let xml = part("xl/worksheets/sheet1.xml");
    assert!(xml.contains("<row r=\"1\"") && xml.contains("customHeight=\"1\""));
}

/// The Decree-30 frame on every table sheet (issue #11): the issuing body and the national heading side
/// by side, "Phụ lục I", the annex's name and the reference line; the tables still read back.
#[test]
fn table_sheets_carry_the_decree_heading() {
    let opts = RenderOptions {
        decision: Some(egov_export::DecisionInfo {
            number: "2870/QĐ-UBND".into(),
            date: "18/12/2019".into(),
            issuer: Some("Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình".into()),
        }),
        frame: Some(egov_export::Frame {
            issuer: "Ủy ban nhân dân tỉnh Hòa Bình".into(),
            annex_number: Some("I".into()),
            ..Default::default()
        }),
        ..RenderOptions::default()
    };
    let annex = fixture::annex();
    let bytes = render(&annex, Format::Xlsx, &opts).unwrap();
    let mut wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    for t in &annex.tables {
        let range = wb.worksheet_range(&t.id).unwrap();
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        let s = |x: &str| Data::String(x.to_string());
        assert_eq!(cell(0, 0), s("ỦY BAN NHÂN DÂN"), "{}", t.id);
        assert_eq!(cell(1, 0), s("TỈNH HÒA BÌNH"));
        let right = (0..8)
            .map(|c| cell(0, c))
            .find(|d| *d == s("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(right.is_some(), "the national name on the first row");
        assert!((0..8).any(|c| cell(1, c) == s("Độc lập - Tự do - Hạnh phúc")));
        assert_eq!(cell(3, 0), s("Phụ lục I"));
        assert_eq!(cell(4, 0), s(&annex.title));
        assert_eq!(
            cell(5, 0),
            s(
                "(Kèm theo Quyết định số 2870/QĐ-UBND ngày 18 tháng 12 năm 2019 của Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình)"
            )
        );
    }
    // The tables are still what `egov import` reads back.
    let back = egov_import::import_bytes("annex.xlsx", &bytes, egov_import::Format::Auto).unwrap();
    let units = |ts: &[egov_core::table::Table]| -> Vec<String> {
        ts.iter()
            .flat_map(|t| t.rows.iter().map(|r| r.unit.to_string()))
            .collect()
    };
    assert_eq!(units(&back.tables), units(&annex.tables));
}
