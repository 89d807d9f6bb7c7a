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
