//! Fuzz target: the text importers (Word text, Markdown, HTML, CSV and sniffing) must never panic,
//! whatever the bytes; they return tables, problems or an error naming the place.

#![no_main]

use egov_import::Format;
use egov_import_fuzz::import_checked;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [
        Format::Auto,
        Format::WordText,
        Format::Markdown,
        Format::Html,
        Format::Csv,
    ] {
        import_checked("fuzz.txt", data, format);
    }
});
