//! What the fuzz targets share: the property every import must keep (rows as wide as their table),
//! and the Office packages a target builds around the XML part it fuzzes, so that libFuzzer's
//! mutations reach the XML readers instead of being rejected by the zip reader.

use std::io::{Cursor, Write};

use egov_import::{Format, Imported, import_bytes};
use zip::write::SimpleFileOptions;

/// Imports `data` in `format`; any outcome but a panic is allowed, and imported tables must be well
/// formed (every row has a value per column).
pub fn import_checked(name: &str, data: &[u8], format: Format) {
    if let Ok(imported) = import_bytes(name, data, format) {
        check(&imported);
    }
}

/// Rows as wide as their table's columns.
pub fn check(imported: &Imported) {
    for table in &imported.tables {
        for row in &table.rows {
            assert_eq!(row.values.len(), table.columns.len());
        }
    }
}

/// A zip holding `parts` (name, bytes), stored without compression (the reader's limits are checked
/// on the declared sizes either way).
pub fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        zip.start_file(*name, opts).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// The parts of a minimal DOCX around `document` (`word/document.xml`).
pub fn docx(document: &[u8]) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES_DOCX.as_bytes()),
        ("_rels/.rels", RELS_DOCX.as_bytes()),
        ("word/document.xml", document),
    ])
}

/// A minimal XLSX of one sheet, `sheet` being `xl/worksheets/sheet1.xml` and `shared` the shared
/// strings.
pub fn xlsx(sheet: &[u8], shared: &[u8]) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES_XLSX.as_bytes()),
        ("_rels/.rels", RELS_XLSX.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ])
}

/// Replaces (or adds) the part `name` of the package `zip_bytes`, keeping every other part.
pub fn replace_part(zip_bytes: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).expect("seed package");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let n = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if n == name {
            continue;
        }
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut b).expect("read entry");
        parts.push((n, b));
    }
    parts.push((name.to_string(), bytes.to_vec()));
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    package(&refs)
}

const CONTENT_TYPES_DOCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS_DOCX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const CONTENT_TYPES_XLSX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS_XLSX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
