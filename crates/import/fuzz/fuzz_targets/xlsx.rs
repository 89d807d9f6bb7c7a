//! Fuzz target: the XLSX reader. An input that is a zip is read as the whole file; any other input is
//! split at its first NUL byte into a worksheet and a shared-string table inside a valid package, so
//! that mutations reach the cell streaming, the limits and calamine's XML reading.

#![no_main]

use egov_import::Format;
use egov_import_fuzz::{import_checked, xlsx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        import_checked("fuzz.xlsx", data, Format::Xlsx);
        return;
    }
    let (sheet, shared) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>"[..]),
    };
    import_checked("fuzz.xlsx", &xlsx(sheet, shared), Format::Xlsx);
});
