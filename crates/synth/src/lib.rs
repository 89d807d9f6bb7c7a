//! egov-synth: deterministic synthetic evaluations — an edition and a dataset that look like a real
//! province's, at any size — for demos, tests and benchmarks (`egov synth`, `bench/`).
//!
//! [`generate`] is pure: from [`SynthOptions`] it returns the text of three files, `edition.toml`,
//! `units.csv` and `values.csv`, which `egov_core::edition::Edition::from_toml` and
//! `egov_core::dataset::Dataset::from_csv` accept as they are. The same options give the same bytes on
//! every machine (a named, seeded ChaCha8 stream; no hash-map order, no clock, no floating-point text).
//!
//! What is generated:
//! - an edition with two categories (A "Chính quyền số", B "Phục vụ người dân và doanh nghiệp") of three
//!   groups each and `indicators` leaf criteria with every rule kind (ratio, ratio to a constant, yes-no,
//!   steps, choice, per-item, sum, best-of, relative-to-best, points entered directly), Vietnamese names
//!   and realistic inputs; a group evaluated only for urban units ("Không đánh giá" elsewhere), a group
//!   with exclude-and-rescale (one criterion only for border units, one that units may declare not
//!   applicable) nested in a category that rescales too; every rule kind under every not-applicable
//!   policy (the first leaf of a kind excluded, the next not evaluated, the rest zero) and excluded
//!   criteria rescaled at the root (A.1, and A.3 where A.3 is evaluated), at a category (B.1) and in
//!   the nested group (B.2); ranking blocks (one unranked where the level has one); bands; an annex of
//!   an overall table and one table per category (dense and competition ties, 2 and 1 decimals);
//! - `units` units with unique Vietnamese names (with diacritics, NFC), categories and flags;
//! - their values, with blank (missing) and "Không áp dụng" cells.

#![forbid(unsafe_code)]

mod bank;
mod data;
mod edition_toml;
mod names;
mod plan;
mod rng;

pub use data::NOT_APPLICABLE;
pub use plan::{MAX_INDICATORS, MIN_INDICATORS};

use rng::{Draw, Stream};

/// The kind of units evaluated, which sets the categories, ranking blocks and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Communes before the 2025 reorganisation: xã, phường, thị trấn; blocks "xã" and "phường, thị
    /// trấn", both ranked (a province had up to ~600 of them; the country ~10,000).
    #[default]
    Commune,
    /// Communes after 1 July 2025: xã, phường, đặc khu (3,321 in the country); special zones form an
    /// unranked block.
    Commune2025,
    /// Provincial departments (with public services: ranked; without: shown, not ranked) and district
    /// people's committees (ranked), as in Hòa Bình 2019.
    Agency,
}

impl Level {
    /// The name used on command lines (`xa`, `xa-2025`, `so-huyen`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Commune => "xa",
            Level::Commune2025 => "xa-2025",
            Level::Agency => "so-huyen",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s {
            "xa" | "commune" => Ok(Level::Commune),
            "xa-2025" | "commune-2025" => Ok(Level::Commune2025),
            "so-huyen" | "agency" => Ok(Level::Agency),
            other => Err(format!(
                "cấp đơn vị '{other}' không có (xa, xa-2025, so-huyen)"
            )),
        }
    }
}

/// What to generate. `SynthOptions { units, indicators, seed, ..Default::default() }` is the usual form.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Number of units (rows of `units.csv`). Any number, including 0.
    pub units: usize,
    /// Number of leaf criteria (indicators), clamped to [`MIN_INDICATORS`]..=[`MAX_INDICATORS`].
    /// The number of input columns is larger: a ratio reads two inputs, a sum two or three.
    pub indicators: usize,
    /// Seed: the same options give byte-identical files.
    pub seed: u64,
    /// Probability that an input cell is left blank (missing data, scored as 0). Default 0.02.
    pub missing_rate: f64,
    /// Probability that a unit declares the criterion prone to it "Không áp dụng" (excluded and
    /// rescaled); every other criterion is declared not applicable at a tenth of this rate (scored 0 on
    /// the full maximum). Default 0.05.
    pub na_rate: f64,
    /// The kind of units (categories, blocks, names).
    pub level: Level,
}

impl Default for SynthOptions {
    fn default() -> SynthOptions {
        SynthOptions {
            units: 100,
            indicators: 100,
            seed: 1,
            missing_rate: 0.02,
            na_rate: 0.05,
            level: Level::Commune,
        }
    }
}

/// The three generated files, as text (UTF-8; the CSV files start with a byte-order mark).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synth {
    /// The edition id written in `edition_toml` (`synth-xa-s42`).
    pub edition_id: String,
    /// `edition.toml`.
    pub edition_toml: String,
    /// `units.csv`: `code,name,category,flags` (flags separated by `;`).
    pub units_csv: String,
    /// `values.csv`: wide, `unit,<input id or criterion code>…`.
    pub values_csv: String,
}

/// Generates an edition and a dataset. Pure and deterministic; see the crate documentation.
pub fn generate(opts: &SynthOptions) -> Synth {
    let mut opts = opts.clone();
    opts.missing_rate = opts.missing_rate.clamp(0.0, 1.0);
    opts.na_rate = opts.na_rate.clamp(0.0, 1.0);
    let plan = plan::build(&opts, &mut Draw::new(opts.seed, Stream::Edition));
    let units = data::units(&plan, &opts, &mut Draw::new(opts.seed, Stream::Units));
    let values_csv = data::values_csv(
        &plan,
        &units,
        &opts,
        &mut Draw::new(opts.seed, Stream::Values),
    );
    Synth {
        edition_id: edition_toml::edition_id(&opts),
        edition_toml: edition_toml::write(&plan, &opts),
        units_csv: data::units_csv(&plan, &units),
        values_csv,
    }
}
