//! Integration tests of egov-synth: what it generates is accepted by egov-core as it is, is the same for
//! the same seed, and has the shape the benchmark relies on (every rule kind, missing and not-applicable
//! cells, "Không đánh giá" and unranked rows in the annex, unique Vietnamese names).

mod arith;
mod coverage;
mod determinism;
mod shape;
mod validity;

use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_synth::{Level, Synth, SynthOptions, generate};

pub fn opts(units: usize, indicators: usize, seed: u64, level: Level) -> SynthOptions {
    SynthOptions {
        units,
        indicators,
        seed,
        level,
        ..SynthOptions::default()
    }
}

/// Parses what was generated, failing the test with every problem listed.
pub fn load(s: &Synth) -> (Edition, Dataset) {
    let edition = Edition::from_toml(&s.edition_toml, "edition.toml")
        .unwrap_or_else(|e| panic!("edition rejected:\n{e}"));
    let data = Dataset::from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: &s.units_csv,
        },
        Source {
            name: "values.csv",
            text: &s.values_csv,
        },
        DatasetMeta::default(),
    )
    .unwrap_or_else(|e| panic!("dataset rejected:\n{e}"));
    (edition, data)
}

pub const LEVELS: [Level; 3] = [Level::Commune, Level::Commune2025, Level::Agency];

pub fn gen_load(o: &SynthOptions) -> (Synth, Edition, Dataset) {
    let s = generate(o);
    let (e, d) = load(&s);
    (s, e, d)
}
