//! Nothing panics on arbitrary input, and a seed cut anywhere imports what is whole.

use egov_import::{Format, import_bytes};
use proptest::prelude::*;

const FORMATS: [Format; 7] = [
    Format::Auto,
    Format::WordText,
    Format::Markdown,
    Format::Html,
    Format::Docx,
    Format::Xlsx,
    Format::Csv,
];

/// Pieces that make text look like an annex, so generated inputs reach deep into the builder.
fn annex_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("TT".to_string()),
        Just("Đơn vị".to_string()),
        Just("Điểm".to_string()),
        Just("Tổng điểm".to_string()),
        Just("Xếp hạng".to_string()),
        Just("Năm 2019".to_string()),
        Just("(1)".to_string()),
        Just("I".to_string()),
        Just("II. CHỈ SỐ".to_string()),
        Just("1. Sở Y tế – 74,4".to_string()),
        Just("Không đánh giá".to_string()),
        Just("\u{a0}".to_string()),
        Just("| ".to_string()),
        Just("<td colspan=3>".to_string()),
        Just("<tr>".to_string()),
        Just("<table>".to_string()),
        "[0-9]{1,3}(,[0-9]{1,2})?",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000), zip in any::<bool>()) {
        let mut input = bytes;
        if zip {
            input.splice(0..0, *b"PK\x03\x04");
        }
        for f in FORMATS {
            let _ = import_bytes("x", &input, f);
        }
    }

    #[test]
    fn annex_like_text_never_panics(text in annex_like()) {
        for f in [Format::Auto, Format::WordText, Format::Markdown, Format::Html, Format::Csv] {
            if let Ok(imp) = import_bytes("x", text.as_bytes(), f) {
                for t in &imp.tables {
                    for r in &t.rows {
                        prop_assert_eq!(r.values.len(), t.columns.len());
                    }
                }
            }
        }
    }

    #[test]
    fn tight_budgets_refuse_with_a_place_or_read(text in annex_like(), cells in 1u64..200, cr in any::<bool>()) {
        // Any text under small limits, with old-Mac line ends or not: read, or refused by the budget
        // naming the file and a place; never a panic; the work stays proportional to the input.
        let text = if cr { text.replace('\n', "\r") } else { text };
        let limits = egov_import::budget::Limits { cells, text_bytes: 2_000, span_cells: cells, depth: 8 };
        for f in [Format::WordText, Format::Markdown, Format::Html, Format::Csv] {
            let (r, work) = egov_import::import_within("x", text.as_bytes(), f, limits);
            if let Err(e) = r {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("x"), "{}", msg);
            }
            prop_assert!(work.total() <= 64 * (text.len() as u64 + 64), "{:?} for {} bytes", work, text.len());
        }
    }

    #[test]
    fn a_cut_seed_keeps_whole_rows(cut in 0usize..60_000) {
        let seed = std::fs::read_to_string(crate::seed::seed_path()).unwrap();
        let mut end = cut.min(seed.len());
        while !seed.is_char_boundary(end) {
            end -= 1;
        }
        cut_keeps_whole_rows(&seed, &crate::seed::seed(), end)?;
    }
}

/// Pieces of WordprocessingML tables (rows, cells, merges, nesting, paragraphs), unbalanced on
/// purpose, so that generated documents reach the DOCX reader's table logic, not only its XML parser.
fn docx_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<w:tbl>".to_string()),
        Just("</w:tbl>".to_string()),
        Just("<w:tr>".to_string()),
        Just("</w:tr>".to_string()),
        Just("<w:tc>".to_string()),
        Just("</w:tc>".to_string()),
        Just("<w:tc/>".to_string()),
        Just("<w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr>".to_string()),
        Just("<w:tcPr><w:gridSpan w:val=\"99999\"/></w:tcPr>".to_string()),
        Just("<w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>".to_string()),
        Just("<w:tcPr><w:vMerge/></w:tcPr>".to_string()),
        Just("<w:p><w:r><w:t>TT</w:t></w:r></w:p>".to_string()),
        Just("<w:p><w:r><w:t>Sở Y tế</w:t></w:r></w:p>".to_string()),
        Just("<w:p><w:r><w:t>74,4</w:t></w:r></w:p>".to_string()),
        Just("<w:p><w:r><w:tab/><w:t>Tổng điểm</w:t></w:r></w:p>".to_string()),
        Just("<w:p>".to_string()),
        Just("</w:p>".to_string()),
        "[0-9]{1,3}(,[0-9]{1,2})?",
    ];
    prop::collection::vec(piece, 0..150).prop_map(|v| v.concat())
}

/// Pieces of a worksheet's XML: rows and cells with shared, inline, number and formula values,
/// merges, references far away and out of order.
fn sheet_like() -> impl Strategy<Value = String> {
    let cell_ref = ("[A-D]|XFD|AA", 1u32..30).prop_map(|(c, r)| format!("{c}{r}"));
    let piece = prop_oneof![
        Just("<row r=\"1\">".to_string()),
        Just("<row r=\"1048576\">".to_string()),
        Just("<row>".to_string()),
        Just("</row>".to_string()),
        cell_ref
            .clone()
            .prop_map(|r| format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>Sở Y tế</t></is></c>")),
        cell_ref
            .clone()
            .prop_map(|r| format!("<c r=\"{r}\"><v>74.4</v></c>")),
        cell_ref
            .clone()
            .prop_map(|r| format!("<c r=\"{r}\" t=\"s\"><v>0</v></c>")),
        cell_ref
            .clone()
            .prop_map(|r| format!("<c r=\"{r}\" t=\"s\"><v>99</v></c>")),
        cell_ref
            .clone()
            .prop_map(|r| format!("<c r=\"{r}\"><f>1+1</f></c>")),
        cell_ref.prop_map(|r| format!("<c r=\"{r}\"/>")),
        Just("<c><v>1</v></c>".to_string()),
        Just(
            "</sheetData><mergeCells><mergeCell ref=\"A1:C1\"/></mergeCells><sheetData>"
                .to_string()
        ),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

/// A workbook of one sheet whose `<sheetData>` holds `data`, with a shared string "TT".
fn xlsx_with(data: &str) -> Vec<u8> {
    use std::io::Write;
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string(),
        ),
        (
            "_rels/.rels",
            format!(
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<?xml version=\"1.0\"?><workbook xmlns=\"{ns}\" xmlns:r=\"{rel}\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{rel}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "<?xml version=\"1.0\"?><worksheet xmlns=\"{ns}\"><sheetData>{data}</sheetData></worksheet>"
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                "<?xml version=\"1.0\"?><sst xmlns=\"{ns}\" count=\"1\" uniqueCount=\"1\"><si><t>TT</t></si></sst>"
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, opts).expect("entry");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// The fuzz targets' property on stable: DOCX and XLSX packages whose XML is generated from table
    /// pieces are imported or refused with a place, never a panic, and rows are as wide as their table.
    #[test]
    fn generated_docx_and_xlsx_never_panic(body in docx_like(), sheet in sheet_like()) {
        for (name, bytes, format) in [
            ("x.docx", super::hostile::docx(&body), Format::Docx),
            ("x.xlsx", xlsx_with(&sheet), Format::Xlsx),
        ] {
            if let Ok(imp) = import_bytes(name, &bytes, format) {
                for t in &imp.tables {
                    for r in &t.rows {
                        prop_assert_eq!(r.values.len(), t.columns.len());
                    }
                }
            }
        }
    }
}

#[test]
fn the_generated_packages_are_read() {
    // The property above is only worth something if the packages it builds are read at all.
    let sheet = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>Đơn vị</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>Điểm</t></is></c></row>\
        <row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>Sở Y tế</t></is></c><c r=\"C2\"><v>74.4</v></c></row>\
        <row r=\"3\"><c r=\"A3\"><v>2</v></c><c r=\"B3\" t=\"inlineStr\"><is><t>Sở Nội vụ</t></is></c><c r=\"C3\"><v>70.1</v></c></row>";
    let imp = import_bytes("x.xlsx", &xlsx_with(sheet), Format::Xlsx).expect("workbook");
    assert_eq!(imp.tables.len(), 1, "{imp:?}");
    assert_eq!(imp.tables[0].rows.len(), 2);
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let row = |cells: [&str; 3]| format!("<w:tr>{}</w:tr>", cells.map(cell).concat());
    let body = format!(
        "<w:tbl>{}{}{}</w:tbl>",
        row(["TT", "Đơn vị", "Điểm"]),
        row(["1", "Sở Y tế", "74,4"]),
        row(["2", "Sở Nội vụ", "70,1"])
    );
    let imp = import_bytes("x.docx", &super::hostile::docx(&body), Format::Docx).expect("docx");
    assert_eq!(imp.tables.len(), 1, "{imp:?}");
    assert_eq!(imp.tables[0].rows.len(), 2);
}

/// The seed cut at every byte of its rows of column numbers ("(1)", "(2)", … under each table's header):
/// the row cut short is still column numbers, never a unit named "(2)" (the cut at byte 6,865, inside
/// the second table's row, made one: `a_cut_seed_keeps_whole_rows` drew it).
#[test]
fn a_seed_cut_inside_its_column_numbers_keeps_whole_rows() {
    let seed = std::fs::read_to_string(crate::seed::seed_path()).unwrap();
    let full = crate::seed::seed();
    let starts: Vec<usize> = seed.match_indices("(1)").map(|(i, _)| i).collect();
    assert!(starts.len() >= 2, "the seed's tables number their columns");
    for start in starts {
        for end in start..(start + 40).min(seed.len()) {
            if !seed.is_char_boundary(end) {
                continue;
            }
            if let Err(e) = cut_keeps_whole_rows(&seed, &full, end) {
                panic!("cut at byte {end}: {e}");
            }
        }
    }
}

/// The seed's text cut at byte `end` (a character boundary), imported: every imported row is one of
/// the seed's rows, whole, in the same table, and no table has more rows than the seed's (`full`).
fn cut_keeps_whole_rows(
    seed: &str,
    full: &egov_import::Imported,
    end: usize,
) -> Result<(), TestCaseError> {
    let imp = import_bytes("cut.txt", &seed.as_bytes()[..end], Format::WordText).unwrap();
    for t in &imp.tables {
        let original = full
            .tables
            .iter()
            .find(|o| o.id == t.id)
            .expect("a seed table");
        for (r, o) in t.rows.iter().zip(&original.rows) {
            prop_assert_eq!(&r.unit, &o.unit);
            prop_assert_eq!(r.values.len(), o.values.len());
            if r.rank_raw().is_some() && r.rank_raw() == o.rank_raw() {
                prop_assert_eq!(&r.rank, &o.rank);
            }
        }
        prop_assert!(t.rows.len() <= original.rows.len());
    }
    let rows: usize = imp.tables.iter().map(|t| t.rows.len()).sum();
    prop_assert!(rows <= 93);
    prop_assert!(imp.problems.len() <= 2, "{:?}", imp.problems);
    Ok(())
}
