//! The fast arithmetic of scoring (`Arith::Fast`, the default) against the decimal engine
//! (`Arith::Decimal`): on random generated editions and data — and on the same data with hostile
//! numbers planted in them (negative values, negative zeros, long mantissas, 28 decimals, trailing zeros,
//! sums past 96 bits) — every unit's result at every node is the same decimal bit for bit (value and
//! scale), the notes are the same, and the annex JSON is the same bytes.

use egov_core::annex;
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_core::engine::{Arith, Keep, Scores, score_keeping_with};
use egov_core::lang::Lang;
use egov_core::num::NumberStyle;
use egov_synth::{Level, SynthOptions, generate};
use proptest::prelude::*;

/// Numbers an officer or an attacker may type, each valid for a numeric input.
const HOSTILE: &[&str] = &[
    "-0",
    "-0.00",
    "-1.5",
    "-1000000",
    "0.000",
    "00012.3400",
    "7.0000000000000000000000000001",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "7922816251426433759354395033.5",
    "39614081257132168796771975168",
    "12345678901234567.89",
    "1.1000000000000000000000000000",
    "3",
    "0",
    "",
];

/// Scores both ways and checks that they agree on everything.
fn agree(edition: &Edition, data: &Dataset) -> Result<(), TestCaseError> {
    let fast = score_keeping_with(edition, data, Keep::All, Arith::Fast);
    let dec = score_keeping_with(edition, data, Keep::All, Arith::Decimal);
    same_scores(edition, data, &fast, &dec)?;
    let printed_fast = score_keeping_with(edition, data, Keep::Printed, Arith::Fast);
    let a = annex::build(edition, data, &printed_fast, Lang::Vi).to_json_compact();
    let b = annex::build(edition, data, &dec, Lang::Vi).to_json_compact();
    prop_assert_eq!(a.expect("annex JSON"), b.expect("annex JSON"));
    Ok(())
}

fn same_scores(
    edition: &Edition,
    data: &Dataset,
    fast: &Scores,
    dec: &Scores,
) -> Result<(), TestCaseError> {
    for u in 0..data.units.len() {
        for n in 0..edition.nodes.len() {
            let (f, d) = (fast.get(u, n), dec.get(u, n));
            prop_assert_eq!(
                (f.points.serialize(), f.max.serialize(), f.status),
                (d.points.serialize(), d.max.serialize(), d.status),
                "unit {} node {}: fast {} / {}, decimal {} / {}",
                u,
                edition.nodes[n].code,
                f.points,
                f.max,
                d.points,
                d.max
            );
        }
    }
    prop_assert_eq!(&fast.notes, &dec.notes);
    prop_assert_eq!(&fast.cohort_best, &dec.cohort_best);
    Ok(())
}

fn load(
    edition_toml: &str,
    units_csv: &str,
    values_csv: &str,
) -> Result<(Edition, Dataset), String> {
    let edition = Edition::from_toml(edition_toml, "edition.toml").expect("generated edition");
    let data = Dataset::from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: units_csv,
        },
        Source {
            name: "values.csv",
            text: values_csv,
        },
        DatasetMeta {
            number_style: Some(NumberStyle::DecimalPoint),
            ..DatasetMeta::default()
        },
    )
    .map_err(|e| e.to_string())?;
    Ok((edition, data))
}

/// The edition with its numeric inputs unbounded: counts become numbers and no input keeps a minimum
/// but a very negative minimum, so that the planted values reach the engine instead of being refused by the dataset's
/// checks (the engine must score whatever a looser edition lets through).
fn unbounded(edition_toml: &str) -> String {
    let mut out = String::with_capacity(edition_toml.len());
    let mut in_input = false;
    for line in edition_toml.lines() {
        if line.starts_with('[') {
            in_input = line == "[[input]]";
        }
        if in_input && (line.starts_with("min = ") || line.starts_with("max = ")) {
            continue;
        }
        if in_input && (line == "type = \"count\"" || line == "type = \"number\"") {
            // A number's minimum is 0 unless declared.
            out.push_str("type = \"number\"\nmin = -9000000000000000000\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `values_csv` with the numeric cells picked by `picks` (cell index, hostile value) replaced.
fn plant(values_csv: &str, picks: &[(usize, usize)]) -> String {
    let body = values_csv.trim_start_matches('\u{feff}');
    let mut lines: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| {
            r.expect("generated CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    let numeric: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .skip(1)
        .flat_map(|(r, row)| {
            row.iter()
                .enumerate()
                .skip(1)
                .filter(|(_, c)| {
                    !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                })
                .map(move |(c, _)| (r, c))
        })
        .collect();
    if numeric.is_empty() {
        return values_csv.to_string();
    }
    for &(k, h) in picks {
        let (r, c) = numeric[k % numeric.len()];
        // Points given at a criterion (a code like `A.2.5`) must stay within its maximum: they get
        // trailing zeros instead, which change their scale and not their value.
        let given = lines[0][c].contains('.');
        let cell = &mut lines[r][c];
        if given {
            if !cell.contains('.') {
                cell.push('.');
            }
            cell.push_str(&"0".repeat(1 + h % 20));
        } else {
            *cell = HOSTILE[h % HOSTILE.len()].to_string();
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in &lines {
        w.write_record(row).expect("CSV in memory");
    }
    String::from_utf8(w.into_inner().expect("CSV in memory")).expect("UTF-8")
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![
        Just(Level::Commune),
        Just(Level::Commune2025),
        Just(Level::Agency)
    ]
}

fn options() -> impl Strategy<Value = SynthOptions> {
    (
        0usize..40,
        10usize..120,
        any::<u64>(),
        level(),
        0.0f64..0.3,
        0.0f64..0.3,
    )
        .prop_map(
            |(units, indicators, seed, level, missing_rate, na_rate)| SynthOptions {
                units,
                indicators,
                seed,
                missing_rate,
                na_rate,
                level,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Generated editions and data as they are.
    #[test]
    fn the_fast_path_scores_as_the_decimal_engine(o in options()) {
        let s = generate(&o);
        let (edition, data) = load(&s.edition_toml, &s.units_csv, &s.values_csv)
            .map_err(|e| TestCaseError::fail(format!("generated data refused: {e}")))?;
        agree(&edition, &data)?;
    }

    /// The same with hostile numbers planted in up to forty cells.
    #[test]
    fn the_fast_path_scores_hostile_numbers_as_the_decimal_engine(
        o in options(),
        picks in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..40),
    ) {
        let s = generate(&o);
        let values = plant(&s.values_csv, &picks);
        let (edition, data) = load(&unbounded(&s.edition_toml), &s.units_csv, &values)
            .map_err(|e| TestCaseError::fail(format!("a planted number refused: {e}")))?;
        agree(&edition, &data)?;
    }
}

/// Each hostile value is planted and read, not refused: otherwise the property above would test nothing.
#[test]
fn hostile_numbers_reach_the_engine() {
    let s = generate(&SynthOptions {
        units: 30,
        indicators: 100,
        seed: 7,
        ..SynthOptions::default()
    });
    let edition_toml = unbounded(&s.edition_toml);
    for (h, hostile) in HOSTILE.iter().enumerate() {
        let picks: Vec<(usize, usize)> = (0..20).map(|k| (k * 97, h)).collect();
        let values = plant(&s.values_csv, &picks);
        assert_ne!(values, s.values_csv, "{hostile} planted nowhere");
        let (edition, data) = load(&edition_toml, &s.units_csv, &values)
            .unwrap_or_else(|e| panic!("{hostile} refused: {e}"));
        agree(&edition, &data).unwrap();
    }
}
