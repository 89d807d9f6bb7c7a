//! Same options, same bytes; a different seed, different data; more units, the same edition.

use egov_synth::generate;

use egov_synth::Level;

use super::{LEVELS, gen_load, opts};

#[test]
fn same_seed_gives_identical_bytes() {
    for level in LEVELS {
        let a = generate(&opts(300, 100, 42, level));
        let b = generate(&opts(300, 100, 42, level));
        assert_eq!(a.edition_toml.as_bytes(), b.edition_toml.as_bytes());
        assert_eq!(a.units_csv.as_bytes(), b.units_csv.as_bytes());
        assert_eq!(a.values_csv.as_bytes(), b.values_csv.as_bytes());
    }
}

#[test]
fn another_seed_gives_other_data() {
    let a = generate(&opts(50, 60, 1, Default::default()));
    let b = generate(&opts(50, 60, 2, Default::default()));
    assert_ne!(a.units_csv, b.units_csv);
    assert_ne!(a.values_csv, b.values_csv);
    assert_ne!(a.edition_toml, b.edition_toml);
}

#[test]
fn the_edition_does_not_depend_on_the_number_of_units() {
    let a = generate(&opts(10, 80, 9, Default::default()));
    let b = generate(&opts(500, 80, 9, Default::default()));
    assert_eq!(a.edition_toml, b.edition_toml);
    // The header of the values file follows the edition, not the units.
    assert_eq!(a.values_csv.lines().next(), b.values_csv.lines().next());
}

/// A fixed fingerprint of one small output, so that a change of the random stream or of the drawing
/// code (which would silently change every published benchmark dataset) is noticed.
#[test]
fn output_for_a_seed_is_stable_across_builds() {
    let s = generate(&opts(3, 14, 2024, Default::default()));
    let units: Vec<&str> = s.units_csv.lines().collect();
    assert_eq!(units.len(), 4);
    assert_eq!(units[0], "\u{feff}code,name,category,flags");
    let fnv = |t: &str| {
        t.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let fingerprint = (fnv(&s.edition_toml), fnv(&s.units_csv), fnv(&s.values_csv));
    assert_eq!(
        fingerprint, FINGERPRINT,
        "generator output changed: update FINGERPRINT only if the change is intended"
    );
}

// Changed on purpose for issue 15 (every rule kind × not-applicable policy × rescale position): the
// edition and the values differ, the units are the same.
const FINGERPRINT: (u64, u64, u64) = (
    16913675806588173965,
    5737816757542249428,
    1132569245659428504,
);

#[test]
fn compact_json_in_parallel_pieces_is_serdes_byte_for_byte() {
    // Tables of more than one piece (512 rows), with not-evaluated cells and unranked rows.
    let (_, edition, data) = gen_load(&opts(1500, 40, 11, Level::Commune));
    let scores = egov_core::engine::score(&edition, &data);
    let annex = egov_core::annex::build(&edition, &data, &scores, egov_core::Lang::Vi);
    assert!(annex.tables.iter().any(|t| t.rows.len() > 1024));
    let ours = annex.to_json_compact().expect("json");
    assert_eq!(ours, serde_json::to_vec(&annex).expect("json"));
}

/// The tables made in parallel and handed over one at a time, in order, as each and those before it
/// are made (`annex::build_each`), written as they come (`write_json_compact_with`): the bytes of the
/// whole annex, on every level (one to three tables, of more than one piece). The writer's stop stops
/// the handing over.
#[test]
fn tables_written_as_they_are_made_are_the_whole_annexs_bytes() {
    use egov_core::annex::{build, build_each, head};
    use egov_core::engine::{Keep, score_keeping};
    for level in LEVELS {
        let (_, edition, data) = gen_load(&opts(1500, 40, 5, level));
        let scores = score_keeping(&edition, &data, Keep::Printed);
        let whole = build(&edition, &data, &scores, egov_core::Lang::Vi);
        let head = head(&edition, egov_core::Lang::Vi);
        let mut out = Vec::new();
        let written = std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            let (e, d, sc) = (&edition, &data, &scores);
            s.spawn(move || {
                build_each(e, d, sc, egov_core::Lang::Vi, |t| tx.send(t).is_ok());
            });
            head.write_json_compact_with(rx, &mut out).expect("json")
        });
        assert_eq!(written, whole.tables, "{level:?}");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(serde_json::to_vec(&whole).unwrap()).unwrap(),
            "{level:?}"
        );
        let mut taken = 0;
        build_each(&edition, &data, &scores, egov_core::Lang::Vi, |t| {
            assert_eq!(t, whole.tables[taken]);
            taken += 1;
            false
        });
        assert_eq!(taken, 1, "{level:?}");
    }
}

#[test]
fn the_annex_needs_only_the_printed_nodes() {
    use egov_core::engine::{Keep, score, score_keeping};
    for level in LEVELS {
        let (_, edition, data) = gen_load(&opts(400, 60, 3, level));
        let all = score(&edition, &data);
        let printed = score_keeping(&edition, &data, Keep::Printed);
        let annex = |s| egov_core::annex::build(&edition, &data, s, egov_core::Lang::Vi);
        assert_eq!(annex(&all), annex(&printed), "{level:?}");
        assert_eq!(all.notes, printed.notes);
        // Every printed node's score whole, its maximum too (at its scale), also where a unit's
        // maximum is neither the node's own nor zero (an exclusion rescaled below a printed node).
        let mut other_maxima = 0;
        for t in &edition.annex.tables {
            for n in std::iter::once(t.node).chain(t.node_columns()) {
                let own = edition.nodes[n].max;
                for u in 0..data.units.len() {
                    let (a, p) = (all.get(u, n), printed.get(u, n));
                    assert_eq!(
                        (a.points.serialize(), a.max.serialize(), a.status),
                        (p.points.serialize(), p.max.serialize(), p.status),
                        "{level:?}: unit {u}, node {}",
                        edition.nodes[n].code
                    );
                    if a.max.serialize() != own.serialize() && !a.max.is_zero() {
                        other_maxima += 1;
                    }
                }
            }
        }
        if level == egov_synth::Level::Commune {
            assert!(
                other_maxima > 0,
                "no printed maximum other than the node's own or zero"
            );
        }
    }
}
