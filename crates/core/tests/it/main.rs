//! Integration tests of egov-core's engine: the shipped editions, the DTI formula, every rule kind, the
//! not-applicable policies, cohort rules, properties of the aggregation, rounding, validation messages
//! and explanations. One binary so that the crate is linked once (debug build, 2 cores).
//!
//! Expected numbers are computed by hand (in comments) or independently of the engine (the DTI formula
//! with plain `Decimal` arithmetic), never copied from the engine's own output.

mod commune;
mod dataset_json;
mod dti;
mod editions;
mod excel_habits;
mod explain;
mod limits;
mod policies;
mod robustness;
mod rounding;
mod rules;
mod validation;

use std::str::FromStr;

use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use rust_decimal::Decimal;

/// Directory of the shipped editions, relative to this crate.
pub const EDITIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/editions/");
/// Directory of the example datasets.
pub const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/examples/");

/// An exact decimal from its text (`"0.125"`).
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal literal {s}: {e}"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Loads a shipped edition by id, failing the test with every problem if it does not validate.
pub fn shipped(id: &str) -> Edition {
    let file = format!("{id}.toml");
    let src = read(&format!("{EDITIONS}{file}"));
    Edition::from_toml(&src, &file).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads an example dataset (`units.csv` + `values.csv`) for an edition.
pub fn example(edition: &Edition, dir: &str) -> Dataset {
    let units = read(&format!("{EXAMPLES}{dir}/units.csv"));
    let values = read(&format!("{EXAMPLES}{dir}/values.csv"));
    Dataset::from_csv(
        edition,
        Source {
            name: "units.csv",
            text: &units,
        },
        Source {
            name: "values.csv",
            text: &values,
        },
        DatasetMeta::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Parses an inline edition used by a test; panics with the problems if it is invalid.
pub fn edition(src: &str) -> Edition {
    Edition::from_toml(src, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Parses inline CSV units and values for an edition; panics with the problems if they are invalid.
pub fn dataset(edition: &Edition, units: &str, values: &str) -> Dataset {
    Dataset::from_csv(
        edition,
        Source {
            name: "units.csv",
            text: units,
        },
        Source {
            name: "values.csv",
            text: values,
        },
        DatasetMeta::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
