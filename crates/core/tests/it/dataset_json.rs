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

/// A wide file large enough to be read in several pieces in parallel: values land on the right units and
/// problems carry the line and column they have in the whole file, also after a quoted cell that holds a
/// newline (which must not cut a record).
#[test]
fn large_wide_files_keep_exact_positions() {
    let ed = edition(
        r#"
id = "big"
title = "Tệp lớn"
year = 2024
[[category]]
code = "x"
name = "X"
[[block]]
code = "b"
name = "Khối"
categories = ["x"]
[[input]]
id = "a"
name = "Số A"
type = "number"
[[input]]
id = "note"
name = "Ghi chú"
type = "choice"
choices = ["Có", "Dòng một\ndòng hai"]
[[criterion]]
code = "c"
name = "C"
max = 100
rule = { kind = "ratio", numerator = "a", denominator_value = 100 }
[[criterion]]
code = "d"
name = "D"
max = 1
rule = { kind = "choice", input = "note", options = { "Có" = 1, "Dòng một\ndòng hai" = 0 } }
"#,
    );
    let n = 30_000;
    let mut units = String::from("code,name,category,flags\n");
    let mut values = String::from("unit,a,note\n");
    let mut bad_lines = Vec::new();
    let mut line = 2; // the first record's line
    for i in 0..n {
        units.push_str(&format!("U{i},Đơn vị {i},x,\n"));
        if i == 5000 {
            values.push_str(&format!("U{i},50,\"Dòng một\ndòng hai\"\n"));
            line += 2;
        } else if i == 9000 || i == n - 1 {
            values.push_str(&format!("U{i},abc,Có\n"));
            bad_lines.push(line);
            line += 1;
        } else {
            values.push_str(&format!("U{i},{},Có\n", i % 100));
            line += 1;
        }
    }
    assert!(values.len() > 4 * 64 * 1024, "several pieces");
    let err = Dataset::from_csv(
        &ed,
        Source {
            name: "units.csv",
            text: &units,
        },
        Source {
            name: "values.csv",
            text: &values,
        },
        Default::default(),
    )
    .unwrap_err();
    let got: Vec<String> = err
        .problems
        .iter()
        .map(|p| format!("{}:{}:{}", p.file, p.line, p.column))
        .collect();
    let want: Vec<String> = bad_lines
        .iter()
        .map(|l| {
            format!(
                "values.csv:{l}:{}",
                format!("U{},", if *l == bad_lines[0] { 9000 } else { n - 1 }).len() + 1
            )
        })
        .collect();
    assert_eq!(got, want, "{err}");
    // Without the bad cells, every unit gets its own values.
    let fixed = values.replace(",abc,", ",7,");
    let data = dataset(&ed, &units, &fixed);
    let scores = engine::score(&ed, &data);
    let c = ed.node("c").unwrap();
    let dn = ed.node("d").unwrap();
    assert_eq!(scores.get(0, c).points, d("0"));
    assert_eq!(scores.get(1234, c).points, d("34"));
    assert_eq!(scores.get(5000, dn).points, d("0"), "the multi-line answer");
    assert_eq!(scores.get(5001, dn).points, d("1"));
    assert_eq!(scores.get(9000, c).points, d("7"));
    assert_eq!(scores.get(n - 1, c).points, d("7"));
}
