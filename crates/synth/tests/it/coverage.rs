//! The generated province reaches every path of the engine the benchmark's peer comparison is meant to
//! check: every rule kind under every not-applicable policy (zero, not evaluated, excluded) for some
//! unit, exclusion rescaled at each position (the root, a category, a group nested in a rescaling
//! category), and exclusion in the same unit as a group that is not evaluated. Checked on the engine's
//! statuses, so a path the edition declares but no unit reaches does not count.

use std::collections::HashSet;

use egov_core::edition::{Edition, NaPolicy, Rule};
use egov_core::engine::Status;
use egov_synth::Level;

use super::{gen_load, opts};

/// The nearest rescaling ancestor of `n` (the root, node 0, when none rescales).
fn rescaled_at(e: &Edition, n: usize) -> usize {
    let mut p = e.nodes[n].parent;
    while let Some(i) = p {
        if e.nodes[i].rescale || e.nodes[i].parent.is_none() {
            return i;
        }
        p = e.nodes[i].parent;
    }
    0
}

fn kind(rule: &Rule) -> &'static str {
    rule.kind()
}

#[test]
fn every_rule_kind_policy_and_rescale_position_is_reached() {
    for level in [Level::Commune, Level::Commune2025, Level::Agency] {
        // The benchmark's shape (100 indicators), fewer units.
        let (_, edition, data) = gen_load(&opts(2000, 100, 42, level));
        let scores = egov_core::engine::score(&edition, &data);
        let root = 0;
        let b = edition.node("B").unwrap();
        let b2 = edition.node("B.2").unwrap();
        let a3 = edition.node("A.3").unwrap();
        assert!(edition.nodes[b].rescale && edition.nodes[b2].rescale);

        let mut reached: HashSet<(&str, &str)> = HashSet::new();
        let mut positions: HashSet<&str> = HashSet::new();
        let mut mixed = false;
        for u in 0..data.units.len() {
            let mut root_excluded = false;
            for (n, node) in edition.nodes.iter().enumerate() {
                let Some(rule) = &node.rule else { continue };
                let st = scores.get(u, n).status;
                let policy = match st {
                    Status::NotApplicable => "zero",
                    Status::NotEvaluated => "not-evaluated",
                    Status::Excluded => "exclude",
                    _ => continue,
                };
                // Only what the leaf itself declared (not a whole group not evaluated above it).
                let own = match node.not_applicable {
                    NaPolicy::Zero => "zero",
                    NaPolicy::NotEvaluated => "not-evaluated",
                    NaPolicy::Exclude => "exclude",
                };
                if own == policy {
                    reached.insert((kind(rule), policy));
                }
                if st == Status::Excluded {
                    let at = rescaled_at(&edition, n);
                    positions.insert(if at == root {
                        "root"
                    } else if at == b2 {
                        "nested"
                    } else if at == b {
                        "category"
                    } else {
                        "other"
                    });
                    root_excluded |= at == root;
                }
            }
            mixed |= root_excluded && scores.get(u, a3).status == Status::NotEvaluated;
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
            for p in ["zero", "not-evaluated", "exclude"] {
                assert!(
                    reached.contains(&(k, p)),
                    "{level:?}: {k} × {p} not reached"
                );
            }
        }
        for p in ["root", "category", "nested"] {
            assert!(
                positions.contains(p),
                "{level:?}: no exclusion rescaled at {p}"
            );
        }
        assert!(!positions.contains("other"));
        assert!(
            mixed,
            "{level:?}: no unit with an exclusion at the root and a group not evaluated"
        );
        // Rescaled at the root: some unit's total is measured against less than 100 points.
        assert!(
            (0..data.units.len()).any(|u| scores.get(u, root).max < edition.nodes[root].max
                && scores.get(u, a3).status != Status::NotEvaluated),
            "{level:?}"
        );
    }
}

/// Exclusion rescaled at the root, checked in closed form on the generated units: where only leaves
/// rescaled at the root are excluded and nothing is not evaluated, the unit total is
/// (A + B) × 100 ÷ (100 − the excluded maxima). Written here from the statuses, not with the engine's
/// own rescaling.
#[test]
fn exclusion_at_the_root_rescales_the_total() {
    let (_, edition, data) = gen_load(&opts(2000, 100, 42, Level::Commune));
    let scores = egov_core::engine::score(&edition, &data);
    let (a, b) = (edition.node("A").unwrap(), edition.node("B").unwrap());
    let hundred = edition.nodes[0].max;
    let mut checked = 0;
    for u in 0..data.units.len() {
        let mut excluded = rust_decimal::Decimal::ZERO;
        let mut simple = true;
        for (n, node) in edition.nodes.iter().enumerate() {
            match scores.get(u, n).status {
                Status::NotEvaluated => simple = false,
                Status::Excluded if rescaled_at(&edition, n) == 0 => {
                    simple &= node.is_leaf();
                    excluded += node.max;
                }
                _ => {}
            }
        }
        if !simple || excluded.is_zero() {
            continue;
        }
        let sum = scores.get(u, a).points + scores.get(u, b).points;
        let want = sum * hundred / (hundred - excluded);
        let got = scores.get(u, 0).points;
        assert!(
            (got - want).abs() < rust_decimal::Decimal::new(1, 20),
            "unit {}: total {got}, expected ({sum}) × {hundred} ÷ ({hundred} − {excluded}) = {want}",
            data.units[u].code
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} units rescaled at the root");
}
