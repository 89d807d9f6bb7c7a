//! The shipped editions load, validate and have the shape their provenance claims.

use super::*;

#[test]
fn every_shipped_edition_loads() {
    let mut n = 0;
    for entry in std::fs::read_dir(EDITIONS).expect("data/editions exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("readable edition");
        let name = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_string();
        let ed = Edition::from_toml(&src, &name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            format!("{}.toml", ed.id),
            name,
            "an edition's file is named after its id"
        );
        n += 1;
    }
    assert!(n >= 2, "expected the shipped editions, found {n}");
}

/// One block-label scheme in every table of an annex: a group table's sections are named like the
/// overall table's sections that hold the same units ("I", "II"), and a section printed without a
/// label by the Roman numeral of its place — never "I" in one table and "1" in another.
#[test]
fn block_ids_follow_one_scheme_in_every_table() {
    let e = shipped("hoabinh-2019");
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/published/hoabinh-2019/"
    );
    let units = std::fs::read_to_string(format!("{dir}units.csv")).unwrap();
    let values = std::fs::read_to_string(format!("{dir}values.csv")).unwrap();
    let data = dataset(&e, &units, &values);
    let scores = egov_core::engine::score(&e, &data);
    let annex = egov_core::annex::build(&e, &data, &scores, egov_core::Lang::Vi);
    let ids = |table: &str| -> Vec<String> {
        annex
            .tables
            .iter()
            .find(|t| t.id == table)
            .unwrap_or_else(|| panic!("no table {table}"))
            .blocks
            .iter()
            .map(|b| b.id.clone())
            .collect()
    };
    assert_eq!(ids("so-tong-the"), ["I", "II"]);
    // The results table splits the same two groups of departments: the same ids.
    assert_eq!(ids("so-ket-qua"), ["I", "II"]);
    // One section of all departments, and the districts' tables: the first place, in Roman.
    assert_eq!(ids("so-san-sang"), ["I"]);
    assert_eq!(ids("huyen-tong-the"), ["I"]);
    for t in &annex.tables {
        for b in &t.blocks {
            assert!(
                b.id.chars().all(|c| "IVXLCDM".contains(c)),
                "{}: block {}",
                t.id,
                b.id
            );
        }
    }
}
