//! Fuzz target: the text importers (Word text, Markdown, HTML, CSV and sniffing) must never panic,
//! whatever the bytes; they return tables, problems or an error naming the place.

#![no_main]

use egov_import::{Format, import_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [
        Format::Auto,
        Format::WordText,
        Format::Markdown,
        Format::Html,
        Format::Csv,
    ] {
        if let Ok(imported) = import_bytes("fuzz.txt", data, format) {
            for table in &imported.tables {
                for row in &table.rows {
                    assert_eq!(row.values.len(), table.columns.len());
                }
            }
        }
    }
});
