//! Fuzz target: the DOCX reader. An input that is a zip is read as the whole file; any other input is
//! `word/document.xml` inside a valid package, so that mutations reach the XML reader (tables, merges,
//! nesting, entities) rather than stopping at the zip's signature.

#![no_main]

use egov_import::Format;
use egov_import_fuzz::{docx, import_checked};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        import_checked("fuzz.docx", data, Format::Docx);
    } else {
        import_checked("fuzz.docx", &docx(data), Format::Docx);
    }
});
