//! Half-up rounding on exact decimals, as Vietnamese decisions print (21,55 → 21,6), both in `num` and
//! where the annex prints a score.

use egov_core::Lang;
use egov_core::annex;
use egov_core::engine;
use egov_core::num::{RoundingMode, format_vi, round};
use egov_core::table::Cell;
use proptest::prelude::*;

use super::*;

#[test]
fn half_up_on_exact_decimals() {
    for (value, places, want, printed) in [
        ("21.55", 1, "21.6", "21,6"),
        ("10.65", 1, "10.7", "10,7"),
        ("0.125", 2, "0.13", "0,13"),
        ("67.45", 1, "67.5", "67,5"),
        ("0.38665", 4, "0.3867", "0,3867"),
        ("27", 1, "27.0", "27,0"),
        ("-0.125", 2, "-0.13", "-0,13"),
    ] {
        assert_eq!(
            round(d(value), places, RoundingMode::HalfUp),
            d(want),
            "{value}"
        );
        assert_eq!(
            round(d(value), places, RoundingMode::HalfUp).to_string(),
            want,
            "scale of {value}"
        );
        assert_eq!(format_vi(d(value), places, RoundingMode::HalfUp), printed);
    }
    // The other modes an edition may name.
    assert_eq!(round(d("0.125"), 2, RoundingMode::HalfEven), d("0.12"));
    assert_eq!(round(d("21.59"), 1, RoundingMode::Down), d("21.5"));
}

#[test]
fn the_annex_rounds_given_points_half_up() {
    let ed = edition(
        r#"
id = "tron"
title = "Làm tròn"
year = 2019

[scoring]
decimals = 1

[[category]]
code = "so"
name = "Sở"

[[block]]
code = "k"
name = "Khối"
categories = ["so"]

[[criterion]]
code = "A"
name = "A"
max = 50

[[criterion]]
code = "B"
name = "B"
max = 50

[annex]

[[annex.table]]
id = "t"
title = "Bảng"
columns = ["A", "B"]
column_decimals = { "B" = 2 }

[[annex.table.section]]
blocks = ["k"]
"#,
    );
    let data = dataset(
        &ed,
        "code,name,category\nS1,Sở Một,so\nS2,Sở Hai,so\n",
        "unit,A,B\nS1,\"21,55\",\"0,125\"\nS2,\"10,65\",\"10,9\"\n",
    );
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let t = &annex.tables[0];
    let cells = |code: &str| {
        let r = t
            .rows
            .iter()
            .find(|r| r.unit_code.as_deref() == Some(code))
            .expect("row");
        (
            r.values.iter().map(|e| e.cell.clone()).collect::<Vec<_>>(),
            r.total.cell.clone(),
        )
    };
    let n = |s: &str| Cell::Number(d(s));
    // Each printed value is rounded once from the exact one: 21,55 + 0,125 = 21,675 → 21,7.
    assert_eq!(cells("S1"), (vec![n("21.6"), n("0.13")], n("21.7")));
    assert_eq!(cells("S2"), (vec![n("10.7"), n("10.90")], n("21.6"))); // 21,55 → 21,6
}

proptest! {
    /// Half-up against integer arithmetic: n ÷ 10^k rounded to r < k places.
    #[test]
    fn half_up_matches_integer_arithmetic(n in -10_000_000i64..10_000_000, k in 1u32..7, r in 0u32..6) {
        prop_assume!(r < k);
        let value = Decimal::new(n, k);
        let unit = 10i64.pow(k - r);
        let (q, rem) = (n.abs() / unit, n.abs() % unit);
        let mag = if 2 * rem >= unit { q + 1 } else { q };
        let want = Decimal::new(if n < 0 { -mag } else { mag }, r);
        prop_assert_eq!(round(value, r, RoundingMode::HalfUp), want);
        prop_assert_eq!(round(value, r, RoundingMode::HalfUp).scale(), r);
    }
}
