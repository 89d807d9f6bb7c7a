//! The provincial DTI of 922/QĐ-BTTTT: overall = Σ(index × points) ÷ 1000 from unrounded parts, rounded
//! half-up to 4 decimals once, smart city collected but worth 0, competition ranking on published values.

use egov_core::Lang;
use egov_core::annex;
use egov_core::edition::{ColumnSource, Operand, Rule, Ties};
use egov_core::engine::{self, Status};
use egov_core::num::{RoundingMode, round};
use egov_core::table::{Cell, RankCell, Table};
use proptest::prelude::*;

use super::*;

/// Input ids in the order of the main indices, with their points out of 1000.
const WEIGHTS: [(&str, i64); 9] = [
    ("nhan_thuc", 100),
    ("the_che", 100),
    ("ha_tang", 100),
    ("nhan_luc", 100),
    ("attt", 100),
    ("do_thi", 0),
    ("cqs", 200),
    ("kts", 150),
    ("xhs", 150),
];

/// The published overall value computed without the engine: Σ(index × points) ÷ 1000, half-up to 4.
fn formula(values: &[Option<Decimal>]) -> Decimal {
    let sum: Decimal = values
        .iter()
        .zip(WEIGHTS)
        .map(|(v, (_, w))| v.unwrap_or_default() * Decimal::from(w))
        .sum();
    (sum / Decimal::from(1000))
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Reads values.csv of the example without the dataset parser: `unit → [value per index]`.
fn raw_values(text: &str) -> Vec<(String, Vec<Option<Decimal>>)> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let order: Vec<usize> = WEIGHTS
        .iter()
        .map(|(id, _)| {
            header
                .iter()
                .position(|h| h == id)
                .expect("every index has a column")
        })
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                order
                    .iter()
                    .map(|&i| (!f[i].is_empty()).then(|| d(f[i])))
                    .collect(),
            )
        })
        .collect()
}

fn total_of(table: &Table, code: &str) -> Decimal {
    let row = table
        .rows
        .iter()
        .find(|r| r.unit_code.as_deref() == Some(code))
        .expect("unit row");
    row.total.cell.number().expect("a number")
}

fn rank_of(table: &Table, code: &str) -> RankCell {
    table
        .rows
        .iter()
        .find(|r| r.unit_code.as_deref() == Some(code))
        .expect("unit row")
        .rank
        .clone()
}

#[test]
fn edition_has_the_nine_main_indices_on_1000_points() {
    let ed = shipped("dti-2022-province");
    assert_eq!(ed.nodes[0].max, Decimal::from(1000));
    assert_eq!(ed.nodes[0].children.len(), 9);
    assert_eq!(ed.ranking.ties, Ties::Competition);
    for (k, &c) in ed.nodes[0].children.iter().enumerate() {
        let node = &ed.nodes[c];
        let (input, weight) = WEIGHTS[k];
        assert!(node.is_leaf());
        assert_eq!(node.max, Decimal::from(weight), "points of {}", node.code);
        assert_eq!(
            node.rule,
            Some(Rule::Ratio {
                numerator: ed.input(input).expect("input"),
                denominator: Operand::Constant(Decimal::ONE)
            })
        );
    }
    let table = &ed.annex.tables[0];
    assert_eq!(table.decimals, 4);
    assert_eq!(table.ranking.ties, Ties::Competition);
    // The smart-city column shows the collected value, since its points are always 0.
    assert_eq!(
        table.columns[5].source,
        ColumnSource::Input(ed.input("do_thi").expect("input"))
    );
    assert_eq!(ed.rounding, RoundingMode::HalfUp);
}

#[test]
fn example_overall_values_follow_the_formula() {
    let ed = shipped("dti-2022-province");
    let data = example(&ed, "dti-2022");
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let table = &annex.tables[0];
    let raw = raw_values(
        &std::fs::read_to_string(format!("{EXAMPLES}dti-2022/values.csv")).expect("values.csv"),
    );
    assert_eq!(raw.len(), 8);
    for (code, values) in &raw {
        assert_eq!(
            total_of(table, code),
            formula(values),
            "overall DTI of {code}"
        );
        let row = table
            .rows
            .iter()
            .find(|r| r.unit_code.as_deref() == Some(code.as_str()))
            .expect("row");
        // Main-index columns print the published value back, 4 decimals.
        for (k, v) in values.iter().enumerate() {
            let want = match v {
                Some(v) => Cell::Number(round(*v, 4, RoundingMode::HalfUp)),
                None => Cell::Blank,
            };
            assert_eq!(row.values[k].cell, want, "{code} column {}", k + 1);
        }
    }
    // Hand-computed: T06 = (45,11+39,87+50,12+31,05+44,20+80,06+43,14+53,10) ÷ 1000 = 0,38665 → 0,3867
    // (half-even would give 0,3866); T01 = 773,165 ÷ 1000 → 0,7732.
    assert_eq!(total_of(table, "T06"), d("0.3867"));
    assert_eq!(total_of(table, "T01"), d("0.7732"));
    assert_eq!(
        scores.total(data.unit_index("T06").expect("T06")).points,
        d("386.65")
    );
}

#[test]
fn smart_city_is_collected_but_worth_nothing() {
    let ed = shipped("dti-2022-province");
    let data = example(&ed, "dti-2022");
    let scores = engine::score(&ed, &data);
    let smart = ed.node("6").expect("node 6");
    // T03 and T04 differ only by a swap of two 100-point indices and by the smart-city value.
    let (t03, t04) = (
        data.unit_index("T03").expect("T03"),
        data.unit_index("T04").expect("T04"),
    );
    assert_eq!(scores.total(t03).points, scores.total(t04).points);
    for u in [t03, t04] {
        let s = scores.get(u, smart);
        assert_eq!(
            (s.points, s.max, s.status),
            (Decimal::ZERO, Decimal::ZERO, Status::Scored)
        );
    }
    // A province that did not report it has the leaf missing, and still the same formula.
    let t07 = data.unit_index("T07").expect("T07");
    assert_eq!(scores.get(t07, smart).status, Status::Missing);
}

#[test]
fn competition_ranking_skips_after_ties() {
    let ed = shipped("dti-2022-province");
    let data = example(&ed, "dti-2022");
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let table = &annex.tables[0];
    // T03 = T04 = 0,610015 exactly, T05 = 0,610025: all print 0,6100 and share rank 3; next is 6.
    let expected = [
        ("T08", 1),
        ("T01", 2),
        ("T03", 3),
        ("T04", 3),
        ("T05", 3),
        ("T02", 6),
        ("T06", 7),
        ("T07", 8),
    ];
    for (code, r) in expected {
        assert_eq!(rank_of(table, code), RankCell::Ranked(r), "rank of {code}");
    }
    // Rows follow the rank; within a tie the higher exact value first, then Vietnamese name order.
    let order: Vec<&str> = table
        .rows
        .iter()
        .filter_map(|r| r.unit_code.as_deref())
        .collect();
    assert_eq!(
        order,
        ["T08", "T01", "T05", "T03", "T04", "T02", "T06", "T07"]
    );
    let tt: Vec<&str> = table.rows.iter().filter_map(|r| r.tt.as_deref()).collect();
    assert_eq!(tt, ["1", "2", "3", "4", "5", "6", "7", "8"]);
}

#[test]
fn level_bands_by_percent_of_1000() {
    let ed = shipped("dti-2022-province");
    let data = example(&ed, "dti-2022");
    let scores = engine::score(&ed, &data);
    let band = |code: &str| {
        let u = data.unit_index(code).expect("unit");
        engine::band(&ed, &scores.total(u)).map(|b| b.name.clone())
    };
    assert_eq!(band("T08").as_deref(), Some("Dẫn dắt")); // 87,7 %
    assert_eq!(band("T01").as_deref(), Some("Dẫn dắt")); // 77,3 %
    assert_eq!(band("T02").as_deref(), Some("Nâng cao")); // 60,0 %
    assert_eq!(band("T06").as_deref(), Some("Hình thành")); // 38,7 %
    assert_eq!(band("T07").as_deref(), Some("Khởi động")); // 21,3 %
}

/// Index values 0–1 with 4 decimals, as published.
fn index_value() -> impl Strategy<Value = Decimal> {
    (0i64..=10_000).prop_map(|v| Decimal::new(v, 4))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn overall_equals_formula_and_ranks_are_competition(
        units in proptest::collection::vec(proptest::collection::vec(index_value(), 9), 1..12),
        dup in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        // Copy some units onto others so that exact ties occur.
        let mut units = units;
        for (k, ix) in dup.iter().enumerate() {
            let from = ix.index(units.len());
            let to = (from + k + 1) % units.len();
            units[to] = units[from].clone();
        }
        let ed = shipped("dti-2022-province");
        let mut unit_csv = String::from("code,name,category\n");
        let mut values_csv = String::from("unit");
        for (id, _) in WEIGHTS {
            values_csv.push(',');
            values_csv.push_str(id);
        }
        values_csv.push('\n');
        for (i, vals) in units.iter().enumerate() {
            unit_csv.push_str(&format!("P{i:02},Tỉnh số {i:02},tinh\n"));
            values_csv.push_str(&format!("P{i:02}"));
            for v in vals {
                values_csv.push_str(&format!(",{v}"));
            }
            values_csv.push('\n');
        }
        let data = dataset(&ed, &unit_csv, &values_csv);
        let scores = engine::score(&ed, &data);
        let annex = annex::build(&ed, &data, &scores, Lang::Vi);
        let table = &annex.tables[0];
        let expected: Vec<Decimal> =
            units.iter().map(|vals| formula(&vals.iter().copied().map(Some).collect::<Vec<_>>())).collect();
        for (i, want) in expected.iter().enumerate() {
            let code = format!("P{i:02}");
            prop_assert_eq!(total_of(table, &code), *want);
            let better = expected.iter().filter(|x| *x > want).count() as u32;
            prop_assert_eq!(rank_of(table, &code), RankCell::Ranked(better + 1));
        }
    }
}
