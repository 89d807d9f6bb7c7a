//! Fuzz target: reading a filled entry form back (`egov import-values`). The form of the Hòa Bình 2019
//! edition is generated once; the input replaces its first block sheet (`xl/worksheets/sheet2.xml`),
//! or is the whole file when it is a zip. Whatever the bytes: a dataset or an error, never a panic.

#![no_main]

use std::sync::OnceLock;

use egov_core::edition::Edition;
use egov_export::Lang;
use egov_import_fuzz::replace_part;
use libfuzzer_sys::fuzz_target;

const EDITION: &str = include_str!("../../../../data/editions/hoabinh-2019.toml");

fn setup() -> &'static (Edition, Vec<u8>) {
    static SETUP: OnceLock<(Edition, Vec<u8>)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let edition = Edition::from_toml(EDITION, "hoabinh-2019.toml").expect("shipped edition");
        let form = egov_export::template::template(&edition, None, Lang::Vi).expect("template");
        (edition, form)
    })
}

fuzz_target!(|data: &[u8]| {
    let (edition, form) = setup();
    let bytes = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        replace_part(form, "xl/worksheets/sheet2.xml", data)
    };
    let _ = egov_export::template::read_values(edition, "fuzz.xlsx", &bytes);
});
