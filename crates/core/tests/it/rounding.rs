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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// The annex's ranks are those of `rank::rank` on the value ranked on (the rounded total or the
    /// exact one, dense or competition ties), and its rows are in rank order, the higher exact total
    /// first among equal ranks: the ranks are read off the sorted rows, so both must agree with ranking
    /// the values on their own — totals that tie once rounded, equal totals at other scales, and a
    /// rounding mode that is not half-up included.
    #[test]
    fn annex_ranks_are_the_ranks_of_the_values(
        points in proptest::collection::vec((0i64..3000, 0u32..3), 1..80),
        decimals in 0u32..2,
        exact: bool,
        competition: bool,
        half_even: bool,
    ) {
        let ed = edition(&format!(
            r#"
id = "hang"
title = "Xếp hạng"
year = 2024
[scoring]
decimals = {decimals}
rounding = "{}"
[ranking]
ties = "{}"
on = "{}"
[[category]]
code = "xa"
name = "Xã"
[[block]]
code = "k"
name = "Khối"
categories = ["xa"]
[[criterion]]
code = "A"
name = "A"
max = 100
[annex]
[[annex.table]]
id = "t"
title = "Bảng"
columns = ["A"]
[[annex.table.section]]
blocks = ["k"]
"#,
            if half_even { "half-even" } else { "half-up" },
            if competition { "competition" } else { "dense" },
            if exact { "exact" } else { "rounded" },
        ));
        let mut units = String::from("code,name,category\n");
        let mut values = String::from("unit,A\n");
        let mut totals = Vec::new();
        for (u, &(m, extra)) in points.iter().enumerate() {
            // Hundredths of a point, now and then written with more decimals (the same value; never
            // three, which a file whose every cell has three would leave ambiguous: `1.500`).
            let mut x = Decimal::new(m, 2);
            x.rescale(2 + [0, 2, 3][extra as usize]);
            units.push_str(&format!("X{u},Xã {},xa\n", u % 7));
            values.push_str(&format!("X{u},{x}\n"));
            totals.push(x);
        }
        let data = dataset(&ed, &units, &values);
        let scores = engine::score(&ed, &data);
        let annex = annex::build(&ed, &data, &scores, Lang::Vi);
        let mode = if half_even { RoundingMode::HalfEven } else { RoundingMode::HalfUp };
        let keys: Vec<Decimal> = totals
            .iter()
            .map(|&x| if exact { x } else { round(x, decimals, mode) })
            .collect();
        let ties = if competition { egov_core::rank::Ties::Competition } else { egov_core::rank::Ties::Dense };
        let want = egov_core::rank::rank(&keys, ties);
        let rows = &annex.tables[0].rows;
        prop_assert_eq!(rows.len(), totals.len());
        let mut prev: Option<(u32, Decimal)> = None;
        for r in rows {
            let u: usize = r.unit_code.as_deref().expect("code")[1..].parse().expect("index");
            let got = match r.rank {
                egov_core::table::RankCell::Ranked(k) => k,
                ref other => panic!("unranked row {other:?}"),
            };
            prop_assert_eq!(got, want[u], "unit {}", u);
            if let Some((pr, px)) = prev {
                prop_assert!(pr < got || (pr == got && px >= totals[u]), "rows out of rank order");
            }
            prev = Some((got, totals[u]));
        }
    }
}
