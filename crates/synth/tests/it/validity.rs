//! The generated files pass egov-core's validation at every level and at awkward sizes.

use egov_core::Lang;
use egov_core::edition::Rule;

use super::{LEVELS, gen_load, opts};

#[test]
fn every_level_validates_and_scores() {
    for level in LEVELS {
        for (units, indicators) in [(40, 100), (7, 14), (120, 37)] {
            let (_, edition, data) = gen_load(&opts(units, indicators, 11, level));
            assert_eq!(data.units.len(), units, "{level:?}");
            let leaves = edition.nodes.iter().skip(1).filter(|n| n.is_leaf()).count();
            assert_eq!(leaves, indicators, "{level:?} {units}×{indicators}");
            let scores = egov_core::engine::score(&edition, &data);
            let annex = egov_core::annex::build(&edition, &data, &scores, Lang::Vi);
            assert_eq!(annex.tables.len(), 3);
            for t in &annex.tables {
                assert_eq!(
                    t.rows.len(),
                    units,
                    "every unit appears once in table {}",
                    t.id
                );
            }
            // Totals stay within the maximum of 100 points.
            for u in 0..units {
                let total = scores.total(u).points;
                assert!(
                    total >= rust_decimal::Decimal::ZERO
                        && total <= rust_decimal::Decimal::ONE_HUNDRED,
                    "{total}"
                );
            }
        }
    }
}

#[test]
fn indicator_count_is_clamped_to_what_the_format_supports() {
    let (_, small, _) = gen_load(&opts(5, 1, 3, Default::default()));
    assert_eq!(
        small.nodes.iter().skip(1).filter(|n| n.is_leaf()).count(),
        egov_synth::MIN_INDICATORS
    );
    let (_, big, _) = gen_load(&opts(3, 1500, 3, Default::default()));
    let leaves: Vec<_> = big.nodes.iter().skip(1).filter(|n| n.is_leaf()).collect();
    assert_eq!(leaves.len(), 1500);
    assert!(leaves.iter().all(|n| n.max > rust_decimal::Decimal::ZERO));
    // Group maxima stay as designed whatever the number of leaves.
    assert_eq!(big.nodes[0].max, rust_decimal::Decimal::ONE_HUNDRED);
    assert!(
        leaves
            .iter()
            .all(|n| n.rule.is_some() && n.rule != Some(Rule::Manual))
    );
}

#[test]
fn zero_units_give_an_empty_but_valid_dataset() {
    let (_, edition, data) = gen_load(&opts(0, 20, 1, Default::default()));
    assert!(data.units.is_empty());
    let scores = egov_core::engine::score(&edition, &data);
    let annex = egov_core::annex::build(&edition, &data, &scores, Lang::Vi);
    assert!(annex.tables.iter().all(|t| t.rows.is_empty()));
}
