//! Fuzz target: the forms of #12 — tables pasted one cell per paragraph, rank–name and space-separated
//! lines, ordered prose lists, band lists (named or labelled in quotes) and ordinal sentences ("thứ hai là
//! …") — and the audit of what the prose claims. Any bytes are read as Word text,
//! Markdown and HTML (whose paragraphs go through the same regrouping), and every import is audited
//! with its paragraphs: neither may panic, and tables stay well formed.

#![no_main]

use egov_core::audit::{AuditOptions, audit};
use egov_import::{Format, import_bytes};
use egov_import_fuzz::check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::WordText, Format::Markdown, Format::Html] {
        if let Ok(imported) = import_bytes("fuzz.txt", data, format) {
            check(&imported);
            let _ = imported.nothing_found();
            let _ = audit(
                &imported.tables,
                &AuditOptions {
                    prose: &imported.prose,
                    source_text: imported.source_text.as_deref(),
                    ..Default::default()
                },
            );
        }
    }
});
