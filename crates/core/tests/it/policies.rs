//! Not-applicable policies: zero keeps the maximum; not evaluated is shown as "Không đánh giá" and leaves
//! the maximum; exclude removes the maximum and rescales at the nearest `rescale = true` ancestor or the
//! root: converted = achieved ÷ (max − excluded max) × max, rounded once where the annex prints it.

use egov_core::Lang;
use egov_core::annex;
use egov_core::engine::{self, Status};
use egov_core::table::{Cell, RankCell};

use super::*;

const EDITION: &str = r#"
id = "policies"
title = "Chính sách không áp dụng"
year = 2024

[scoring]
decimals = 1

[[category]]
code = "xa"
name = "Xã"

[[category]]
code = "phuong"
name = "Phường"

[[block]]
code = "cap-xa"
name = "Cấp xã"
categories = ["xa", "phuong"]

[[input]]
id = "co_a1"
name = "A.1 có"
type = "yes-no"

[[input]]
id = "co_a2"
name = "A.2 có"
type = "yes-no"

[[criterion]]
code = "A"
name = "Hạng mục A (quy đổi tại đây)"
max = 40
rescale = true

[[criterion]]
code = "A.1"
name = "Chỉ tiêu A.1"
max = 10
rule = { kind = "yes-no", input = "co_a1" }

[[criterion]]
code = "A.2"
name = "Chỉ tiêu A.2 (chỉ phường)"
max = 10
rule = { kind = "yes-no", input = "co_a2" }
applies_to = ["phuong"]
not_applicable = "exclude"

[[criterion]]
code = "A.3"
name = "Chỉ tiêu A.3"
max = 20

[[criterion]]
code = "B"
name = "Hạng mục B (không quy đổi)"

[[criterion]]
code = "B.1"
name = "Chỉ tiêu B.1"
max = 10

[[criterion]]
code = "B.2"
name = "Chỉ tiêu B.2 (cần cờ f)"
max = 10
requires_flags = ["f"]
not_applicable = "exclude"

[[criterion]]
code = "C"
name = "Hạng mục C"

[[criterion]]
code = "C.1"
name = "Chỉ tiêu C.1 (không đánh giá đơn vị mới)"
max = 10
unless_flags = ["moi"]
not_applicable = "not-evaluated"

[[criterion]]
code = "C.2"
name = "Chỉ tiêu C.2"
max = 10

[[criterion]]
code = "D"
name = "Hạng mục D"

[[criterion]]
code = "D.1"
name = "Chỉ tiêu D.1 (chỉ phường, tính 0)"
max = 10
applies_to = ["phuong"]

[annex]

[[annex.table]]
id = "tong-hop"
title = "Tổng hợp"
columns = ["A", "A.2", "B", "C", "C.1", "D"]

[[annex.table.section]]
blocks = ["cap-xa"]
"#;

const UNITS: &str = "\
code,name,category,flags
X,Xã Một,xa,
P,Phường Hai,phuong,f;moi
";

const VALUES: &str = "\
unit,co_a1,co_a2,A.3,B.1,B.2,C.1,C.2,D.1
X,có,,14,7,,6,5,
P,không,có,20,10,4,9,8,5
";

pub(super) struct Fixture {
    pub ed: Edition,
    pub data: Dataset,
    pub scores: engine::Scores,
}

pub(super) fn fixture() -> Fixture {
    let ed = edition(EDITION);
    let data = dataset(&ed, UNITS, VALUES);
    let scores = engine::score(&ed, &data);
    Fixture { ed, data, scores }
}

impl Fixture {
    fn at(&self, unit: &str, code: &str) -> (Decimal, Decimal, Status) {
        let u = self.data.unit_index(unit).expect("unit");
        let s = if code.is_empty() {
            self.scores.total(u)
        } else {
            self.scores.get(u, self.ed.node(code).expect("node"))
        };
        (s.points, s.max, s.status)
    }
}

#[test]
fn exclude_rescales_at_the_nearest_rescaling_ancestor() {
    let f = fixture();
    // A.2 does not apply to a xã: A converts (10 + 14) ÷ (40 − 10) × 40 = 32 against its full 40.
    assert_eq!(f.at("X", "A.2"), (d("0"), d("0"), Status::Excluded));
    assert_eq!(f.at("X", "A"), (d("32"), d("40"), Status::Scored));
    // B does not rescale: its points stay 7, measured against 10; the exclusion travels up to the root.
    assert_eq!(f.at("X", "B.2"), (d("0"), d("0"), Status::Excluded));
    assert_eq!(f.at("X", "B"), (d("7"), d("10"), Status::Scored));
    // Root: (32 + 7 + 11 + 0) ÷ (90 − 10) × 90 = 56,25.
    assert_eq!(f.at("X", ""), (d("56.25"), d("90"), Status::Scored));
}

#[test]
fn nothing_is_rescaled_when_everything_applies() {
    let f = fixture();
    assert_eq!(f.at("P", "A"), (d("30"), d("40"), Status::Scored)); // 0 + 10 + 20
    assert_eq!(f.at("P", "B"), (d("14"), d("20"), Status::Scored));
    // C.1 is not evaluated for a unit flagged `moi`: C is 8 out of 10, and the root out of 80, not rescaled.
    assert_eq!(f.at("P", "C.1"), (d("0"), d("0"), Status::NotEvaluated));
    assert_eq!(f.at("P", "C"), (d("8"), d("10"), Status::Scored));
    assert_eq!(f.at("P", ""), (d("57"), d("80"), Status::Scored)); // 30 + 14 + 8 + 5
}

#[test]
fn zero_policy_keeps_the_maximum() {
    let f = fixture();
    assert_eq!(f.at("X", "D.1"), (d("0"), d("10"), Status::NotApplicable));
    assert_eq!(f.at("X", "D"), (d("0"), d("10"), Status::Scored));
    assert_eq!(f.at("P", "D.1"), (d("5"), d("10"), Status::Given));
}

#[test]
fn annex_shows_not_evaluated_and_rounds_the_rescaled_total_once() {
    let f = fixture();
    let annex = annex::build(&f.ed, &f.data, &f.scores, Lang::Vi);
    let t = &annex.tables[0];
    let row = |code: &str| {
        t.rows
            .iter()
            .find(|r| r.unit_code.as_deref() == Some(code))
            .expect("row")
    };
    let cells = |code: &str| {
        row(code)
            .values
            .iter()
            .map(|e| e.cell.clone())
            .collect::<Vec<_>>()
    };
    let n = |s: &str| Cell::Number(d(s));
    // Columns A, A.2, B, C, C.1, D with the edition's 1 decimal.
    assert_eq!(
        cells("X"),
        [
            n("32.0"),
            Cell::Blank,
            n("7.0"),
            n("11.0"),
            n("6.0"),
            n("0.0")
        ]
    );
    assert_eq!(
        cells("P"),
        [
            n("30.0"),
            n("10.0"),
            n("14.0"),
            n("8.0"),
            Cell::NotEvaluated,
            n("5.0")
        ]
    );
    // 56,25 → 56,3 half-up, once, at the printed total.
    assert_eq!(row("X").total.cell, n("56.3"));
    assert_eq!(row("P").total.cell, n("57.0"));
    assert_eq!(row("P").rank, RankCell::Ranked(1));
    assert_eq!(row("X").rank, RankCell::Ranked(2));
    let json = t.to_json().to_string();
    assert!(json.contains("\"not_evaluated\""), "{json}");
}

#[test]
fn a_unit_can_declare_a_leaf_not_applicable() {
    let ed = edition(EDITION);
    // The unit marks A.1's input "không áp dụng": A.1 keeps the zero policy (the edition's default).
    let data = dataset(&ed, UNITS, "unit,co_a1,A.3\nX,Không áp dụng,14\nP,có,\n");
    let scores = engine::score(&ed, &data);
    let x = data.unit_index("X").expect("X");
    let a1 = scores.get(x, ed.node("A.1").expect("A.1"));
    assert_eq!(
        (a1.points, a1.max, a1.status),
        (d("0"), d("10"), Status::NotApplicable)
    );
    // A: 14 ÷ (40 − 10) × 40 = 18,666…, exact until printed.
    let a = scores.get(x, ed.node("A").expect("A"));
    assert_eq!(a.points, d("14") * d("40") / d("30"));
}

#[test]
fn given_aggregate_that_disagrees_with_children_is_noted() {
    let ed = edition(EDITION);
    let data = dataset(
        &ed,
        UNITS,
        "unit,co_a1,co_a2,A.3,A\nP,có,có,20,35\nX,có,,,\n",
    );
    let scores = engine::score(&ed, &data);
    let p = data.unit_index("P").expect("P");
    let a = ed.node("A").expect("A");
    // Published points win; the mismatch with 10 + 10 + 20 = 40 is reported.
    assert_eq!(scores.get(p, a).points, d("35"));
    assert_eq!(scores.get(p, a).status, Status::Given);
    assert_eq!(scores.notes.len(), 1);
    assert_eq!(
        (scores.notes[0].given, scores.notes[0].children_sum),
        (d("35"), d("40"))
    );
}
