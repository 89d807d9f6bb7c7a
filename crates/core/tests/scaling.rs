//! Work that must grow linearly, counted rather than timed: ordering the units of a ranking block by name
//! makes at most one collation key per unit, however many comparisons the sort needs (before, every
//! comparison of two tied units collated their names afresh: all the communes of a block tied at zero
//! cost n log n collations), and ordering rows into rank order takes n log n comparisons. Its own test
//! binary, so that no other test makes keys or sorts while it counts; its tests take turns ([`TURN`]).

use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_core::{Lang, annex, engine, text};

/// The counters are per process: one test counts at a time.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

const EDITION: &str = r#"
id = "keo"
title = "Đồng hạng"
year = 2025

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "cap-xa"
name = "Cấp xã"
categories = ["xa"]

[[criterion]]
code = "A"
name = "Điểm A"
max = 10

[[criterion]]
code = "B"
name = "Điểm B"
max = 10

[annex]

[[annex.table]]
id = "tong-hop"
title = "Tổng hợp"
columns = ["A", "B"]

[[annex.table.section]]
blocks = ["cap-xa"]

[[annex.table]]
id = "a"
title = "Điểm A"
columns = ["A"]

[[annex.table.section]]
blocks = ["cap-xa"]
"#;

/// The annex of the edition above for these units and values (scoring included: it makes no keys and
/// sorts nothing).
fn annex_of(units: &str, values: &str) -> egov_core::table::Annex {
    let edition = Edition::from_toml(EDITION, "keo.toml").expect("edition");
    let data = Dataset::from_csv(
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
    )
    .expect("dataset");
    let scores = engine::score(&edition, &data);
    annex::build(&edition, &data, &scores, Lang::Vi)
}

/// Collation work (keys made and pairwise collations) for the annex of `n` units that all score the same
/// (every unit tied with every other).
fn keys_for_tied(n: usize) -> u64 {
    let mut units = String::from("code,name,category\n");
    let mut values = String::from("unit,A,B\n");
    for i in 0..n {
        // Names in no particular order, so that the sort has work to do.
        let k = (i * 7919) % n;
        units.push_str(&format!("X{i},Xã Đồng Hạng {k},xa\n"));
        values.push_str(&format!("X{i},5,5\n"));
    }
    let before = text::sort_keys_made() + text::collations_made();
    let annex = annex_of(&units, &values);
    // Collation work: keys made, plus names collated pairwise (none, once keys are used).
    let made = text::sort_keys_made() + text::collations_made() - before;
    // The rows come out by name, as the collator orders them.
    let names: Vec<&str> = annex.tables[0]
        .rows
        .iter()
        .map(|r| r.unit.as_str())
        .collect();
    assert!(
        names
            .windows(2)
            .all(|w| text::compare_vi(w[0], w[1]).is_le()),
        "rows in Vietnamese name order"
    );
    assert_eq!(names.len(), n);
    made
}

#[test]
fn ordering_tied_units_by_name_makes_one_key_per_unit() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let n = 500;
    let small = keys_for_tied(n);
    let large = keys_for_tied(4 * n);
    // Two tables order the same units: still one key per unit, shared.
    assert!(small <= n as u64, "{small} collation steps for {n} units");
    assert!(
        large <= 4 * n as u64,
        "{large} collation steps for {} units",
        4 * n
    );
    // Linear: four times the units, four times the keys (not 4 × log 4 more).
    assert!(large <= 4 * small + 4, "{small} → {large}");
}

/// Comparisons made by the sorts of rows into rank order for an annex of `n` units with scattered
/// totals (and some ties, ordered by name).
fn comparisons_for(n: usize) -> u64 {
    let mut units = String::from("code,name,category\n");
    let mut values = String::from("unit,A,B\n");
    for i in 0..n {
        let k = (i * 7919) % n;
        units.push_str(&format!("X{i},Xã Số {k},xa\n"));
        // Points from a multiplicative scramble: every total from 0 to 20 in steps of 0.01 is possible.
        let a = (i * 104_729) % 1001;
        let b = (i * 7_907) % 1001;
        values.push_str(&format!(
            "X{i},{}.{:02},{}.{:02}\n",
            a / 100,
            a % 100,
            b / 100,
            b % 100
        ));
    }
    let before = annex::comparisons_made();
    let annex = annex_of(&units, &values);
    let made = annex::comparisons_made() - before;
    // The rows are in rank order.
    for t in &annex.tables {
        let ranks: Vec<u32> = t
            .rows
            .iter()
            .map(|r| match r.rank {
                egov_core::table::RankCell::Ranked(k) => k,
                _ => panic!("every unit is ranked"),
            })
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "rows in rank order");
        assert_eq!(ranks.len(), n);
    }
    made
}

#[test]
fn ordering_rows_by_rank_takes_n_log_n_comparisons() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (n, m) = (1_000usize, 8_000usize);
    let small = comparisons_for(n);
    let large = comparisons_for(m);
    let bound = |n: usize| 2.0 * 2.0 * n as f64 * (n as f64).log2();
    // Two tables, each sorted once: at most 2·n·log2(n) comparisons a table.
    assert!(
        (small as f64) <= bound(n),
        "{small} comparisons for {n} units"
    );
    assert!(
        (large as f64) <= bound(m),
        "{large} comparisons for {m} units"
    );
    // Eight times the units: n log n grows 10.4 times, a quadratic sort 64 times.
    let growth = large as f64 / small as f64;
    eprintln!("{small} comparisons for {n} units, {large} for {m}: ×{growth:.1}");
    assert!(growth < 16.0, "{small} → {large}: ×{growth:.1}");
}
