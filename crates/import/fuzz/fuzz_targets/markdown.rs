//! Fuzz target: the Markdown/pipe reader alone (deeper than the `text` target, which spends its time on every
//! text form): never a panic, and within the reader's budget whatever the bytes.

#![no_main]

use egov_import::Format;
use egov_import_fuzz::import_checked;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    import_checked("fuzz.markdown", data, Format::Markdown);
});
