//! Fuzz target: editions and datasets. The input is split at NUL bytes into an edition (TOML), a
//! units file and a values file; a valid edition and dataset are scored and their annex built.
//! Whatever the numbers (maxima near the decimal's limits, huge per-item values): a located error or
//! a result, never a panic.

#![no_main]

use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let toml = parts.next().unwrap_or_default();
    let units = parts.next().unwrap_or_default();
    let values = parts.next().unwrap_or_default();
    let Ok(edition) = Edition::from_toml(toml, "fuzz.toml") else {
        return;
    };
    let Ok(data) = Dataset::from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: units,
        },
        Source {
            name: "values.csv",
            text: values,
        },
        DatasetMeta::default(),
    ) else {
        return;
    };
    let scores = egov_core::engine::score(&edition, &data);
    let _ = egov_core::annex::build(&edition, &data, &scores, egov_core::Lang::Vi);
});
