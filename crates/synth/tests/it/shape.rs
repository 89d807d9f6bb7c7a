//! The generated edition and data have what the benchmark and demos rely on.

use std::collections::HashSet;

use egov_core::Lang;
use egov_core::dataset::Value;
use egov_core::edition::{NaPolicy, Rule};
use egov_core::engine::Status;
use egov_core::table::{Cell, RankCell};
use egov_synth::{Level, generate};

use super::{gen_load, opts};

fn kinds(rule: &Rule, out: &mut HashSet<&'static str>) {
    out.insert(rule.kind());
    if let Rule::BestOf { cases } = rule {
        for c in cases {
            kinds(c, out);
        }
    }
}

#[test]
fn every_rule_kind_and_policy_is_used() {
    let (_, edition, _) = gen_load(&opts(10, 100, 5, Level::Commune));
    let mut seen = HashSet::new();
    for n in &edition.nodes {
        if let Some(r) = &n.rule {
            kinds(r, &mut seen);
        }
    }
    for k in [
        "ratio",
        "yes-no",
        "steps",
        "choice",
        "per-item",
        "sum",
        "best-of",
        "relative-to-best",
        "points",
    ] {
        assert!(seen.contains(k), "rule kind {k} missing");
    }
    assert!(
        edition
            .nodes
            .iter()
            .any(|n| n.not_applicable == NaPolicy::Exclude)
    );
    assert!(
        edition
            .nodes
            .iter()
            .any(|n| n.not_applicable == NaPolicy::NotEvaluated && !n.is_leaf())
    );
    assert!(edition.nodes.iter().any(|n| n.rescale));
    assert!(edition.nodes.iter().any(|n| !n.requires_flags.is_empty()));
    // Two categories of three groups, under a root of 100 points.
    assert_eq!(edition.nodes[0].children.len(), 2);
    for &c in &edition.nodes[0].children {
        assert_eq!(edition.nodes[c].children.len(), 3);
    }
    assert!(edition.blocks.len() >= 2);
}

#[test]
fn names_are_unique_vietnamese_and_nfc() {
    for level in [Level::Commune, Level::Commune2025, Level::Agency] {
        let (s, _, data) = gen_load(&opts(2000, 30, 8, level));
        let names: HashSet<&str> = data.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names.len(),
            data.units.len(),
            "{level:?}: duplicate unit names"
        );
        let codes: HashSet<&str> = data.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes.len(), data.units.len());
        assert!(data.units.iter().filter(|u| !u.name.is_ascii()).count() > data.units.len() / 2);
        for text in [&s.edition_toml, &s.units_csv, &s.values_csv] {
            assert!(
                egov_core::text::is_nfc(text),
                "{level:?}: output is not NFC"
            );
        }
    }
    let (_, _, communes) = gen_load(&opts(50, 20, 8, Level::Commune));
    assert!(communes.units.iter().all(|u| {
        ["Xã ", "Phường ", "Thị trấn "]
            .iter()
            .any(|p| u.name.starts_with(p))
    }));
}

#[test]
fn data_has_missing_and_not_applicable_cells_at_about_the_rates_asked() {
    let o = egov_synth::SynthOptions {
        missing_rate: 0.05,
        na_rate: 0.2,
        ..opts(400, 100, 3, Level::Commune)
    };
    let (_, edition, data) = gen_load(&o);
    let (mut missing, mut na, mut total) = (0usize, 0usize, 0usize);
    for u in 0..data.units.len() {
        for i in 0..edition.inputs.len() {
            total += 1;
            match data.input(u, i) {
                Value::Missing => missing += 1,
                Value::NotApplicable => na += 1,
                _ => {}
            }
        }
    }
    let rate = missing as f64 / total as f64;
    assert!((0.035..0.065).contains(&rate), "missing rate {rate}");
    assert!(na > 0);
    let none = egov_synth::SynthOptions {
        missing_rate: 0.0,
        na_rate: 0.0,
        ..o
    };
    let (_, edition, data) = gen_load(&none);
    let scores = egov_core::engine::score(&edition, &data);
    for u in 0..data.units.len() {
        for i in 0..edition.inputs.len() {
            assert!(!matches!(
                data.input(u, i),
                Value::Missing | Value::NotApplicable
            ));
        }
        assert!(
            !edition
                .nodes
                .iter()
                .enumerate()
                .any(|(n, _)| scores.get(u, n).status == Status::Missing)
        );
    }
}

#[test]
fn annex_shows_not_evaluated_excluded_and_unranked_rows() {
    let (_, edition, data) = gen_load(&opts(300, 100, 21, Level::Commune2025));
    let scores = egov_core::engine::score(&edition, &data);
    let annex = egov_core::annex::build(&edition, &data, &scores, Lang::Vi);
    let a = annex.tables.iter().find(|t| t.id == "A").expect("table A");
    assert!(
        a.rows
            .iter()
            .any(|r| r.values.iter().any(|v| v.cell == Cell::NotEvaluated)),
        "rural units: smart city not evaluated"
    );
    assert!(
        a.rows
            .iter()
            .any(|r| r.values.iter().all(|v| matches!(v.cell, Cell::Number(_))))
    );
    let overall = &annex.tables[0];
    assert!(
        overall.rows.iter().any(|r| r.rank == RankCell::Unranked),
        "special zones are not ranked"
    );
    assert!(
        overall
            .rows
            .iter()
            .any(|r| matches!(r.rank, RankCell::Ranked(1)))
    );
    // Exclude-and-rescale happened for units outside the border.
    let b2 = edition.node("B.2").expect("B.2");
    assert!(
        (0..data.units.len()).any(|u| scores.get(u, b2).status == Status::Scored
            && scores.get(u, edition.node("B.2.1").unwrap()).status == Status::Excluded)
    );
    // The relative-to-best cohort pass found a best value per block.
    assert!(!scores.cohort_best.is_empty());
}

#[test]
fn scores_spread_like_a_real_ranking() {
    let s = generate(&opts(1000, 100, 77, Level::Commune));
    let (edition, data) = super::load(&s);
    let scores = egov_core::engine::score(&edition, &data);
    let mut totals: Vec<rust_decimal::Decimal> = (0..data.units.len())
        .map(|u| scores.total(u).points)
        .collect();
    totals.sort();
    let lo = totals[totals.len() / 10];
    let hi = totals[totals.len() * 9 / 10];
    assert!(
        hi - lo > rust_decimal::Decimal::from(8),
        "totals should spread: p10 {lo}, p90 {hi}"
    );
    assert!(
        totals[totals.len() / 2] > rust_decimal::Decimal::from(40)
            && totals[totals.len() / 2] < rust_decimal::Decimal::from(90)
    );
}
