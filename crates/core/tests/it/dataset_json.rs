//! The JSON form of a dataset: the same data as CSV scores identically, and problems point at the line
//! and column of the offending key.

use egov_core::dataset::{Dataset, Source};
use egov_core::engine;

use super::*;

/// The Hòa Bình published dataset converted to JSON by hand from its CSV (a few units), with numbers
/// written both as JSON numbers and as printed text.
const JSON: &str = r#"{
  "edition": "hoabinh-2019",
  "units": [
    {"code": "SYT", "name": "Sở Y tế", "category": "so-dvc"},
    {"code": "VPUBND", "name": "Văn phòng UBND tỉnh", "category": "so-khac"},
    {"code": "DABAC", "name": "UBND huyện Đà Bắc", "category": "huyen", "flags": []}
  ],
  "values": {
    "SYT": {"A.1": 9, "A.2": 4, "A.3": 14, "A": 27, "B.1": 9, "B.2": "26,3", "B.3": 12.0, "B": "47,2"},
    "VPUBND": {"A.1": 9, "A.2": 4, "A.3": 14, "A": 27, "B.1": 9, "B.2": "27,3", "B.3": "Không đánh giá", "B": "36,3"},
    "DABAC": {"A.1": "10,1", "A.2": "5,5", "A.3": 6, "A": "21,55", "B.1": "8,25", "B.2": "20,40", "B.3": "19,43", "B": "48,08"}
  }
}"#;

const UNITS: &str = "code,name,category,flags
SYT,Sở Y tế,so-dvc,
VPUBND,Văn phòng UBND tỉnh,so-khac,
DABAC,UBND huyện Đà Bắc,huyen,
";

const VALUES: &str = "unit,A.1,A.2,A.3,A,B.1,B.2,B.3,B
SYT,9,4,14,27,9,\"26,3\",\"12,0\",\"47,2\"
VPUBND,9,4,14,27,9,\"27,3\",Không đánh giá,\"36,3\"
DABAC,\"10,1\",\"5,5\",6,\"21,55\",\"8,25\",\"20,40\",\"19,43\",\"48,08\"
";

#[test]
fn json_and_csv_give_the_same_scores() {
    let ed = shipped("hoabinh-2019");
    let from_json = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: JSON,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let from_csv = dataset(&ed, UNITS, VALUES);
    assert_eq!(from_json.units, from_csv.units);
    assert_eq!(from_json.meta.edition.as_deref(), Some("hoabinh-2019"));
    let (a, b) = (
        engine::score(&ed, &from_json),
        engine::score(&ed, &from_csv),
    );
    for u in 0..3 {
        for n in 0..ed.nodes.len() {
            assert_eq!(
                a.get(u, n),
                b.get(u, n),
                "unit {u} node {}",
                ed.nodes[n].code
            );
        }
    }
    assert_eq!(a.total(0).points, d("74.2"));
    assert_eq!(a.total(2).points, d("69.63"));
    assert_eq!(a.notes, b.notes, "the same reconciliation notes");
}

#[test]
fn json_problems_are_located() {
    let ed = shipped("hoabinh-2019");
    let bad = JSON
        .replace("\"B.2\": \"26,3\"", "\"B.9\": \"26,3\"")
        .replace("\"A.3\": 6", "\"A.3\": \"sáu\"");
    let err = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: &bad,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("d.json:9:63: "),
        "unknown key at its line and column: {err}"
    );
    assert!(
        err.contains("'B.9' không phải chỉ tiêu hay tiêu chí"),
        "{err}"
    );
    assert!(
        err.contains("d.json:11:44: "),
        "bad number at its key: {err}"
    );
    assert!(err.contains("\"sáu\" không phải là số"), "{err}");
    let syntax = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: "{\"units\": [",
        },
    )
    .unwrap_err()
    .to_string();
    assert!(syntax.starts_with("d.json:1:"), "{syntax}");
}
