//! The illustrative commune edition after 2392/QĐ-BTTTT: it uses every rule kind, input type and
//! not-applicable policy; its example dataset agrees with an independent computation (done with exact
//! fractions outside the engine, the results pinned here rounded as printed); and on random datasets
//! every aggregate is the sum of its children, capped or rescaled exactly as the edition says.

use std::collections::BTreeSet;

use egov_core::Lang;
use egov_core::annex;
use egov_core::edition::{InputKind, NaPolicy, Rule};
use egov_core::engine::{self, Scores, Status};
use egov_core::table::{Cell, RankCell, Table};
use proptest::prelude::*;

use super::*;

fn row<'a>(t: &'a Table, code: &str) -> &'a egov_core::table::Row {
    t.rows
        .iter()
        .find(|r| r.unit_code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("{code} in {}", t.id))
}

fn num(c: &Cell) -> String {
    match c {
        Cell::Number(d) => d.to_string(),
        Cell::NotEvaluated => "KĐG".into(),
        Cell::Blank => "".into(),
        Cell::Text(t) => t.clone(),
    }
}

#[test]
fn edition_uses_every_rule_kind_input_type_and_policy() {
    let ed = shipped("commune-2392");
    assert!(ed.provenance.illustrative);
    let mut kinds = BTreeSet::new();
    fn walk(r: &Rule, kinds: &mut BTreeSet<&'static str>) {
        kinds.insert(r.kind());
        if let Rule::BestOf { cases } = r {
            cases.iter().for_each(|c| walk(c, kinds));
        }
    }
    for n in &ed.nodes {
        if let Some(r) = &n.rule {
            walk(r, &mut kinds);
        }
    }
    let all = [
        "points",
        "manual",
        "ratio",
        "yes-no",
        "steps",
        "choice",
        "per-item",
        "sum",
        "best-of",
        "relative-to-best",
    ];
    assert_eq!(kinds, all.into_iter().collect());
    let types: BTreeSet<&str> = ed
        .inputs
        .iter()
        .map(|i| match i.kind {
            InputKind::Number => "number",
            InputKind::Count => "count",
            InputKind::YesNo => "yes-no",
            InputKind::Choice(_) => "choice",
        })
        .collect();
    assert_eq!(types.len(), 4);
    let policies: BTreeSet<String> = ed
        .nodes
        .iter()
        .map(|n| format!("{:?}", n.not_applicable))
        .collect();
    for p in [NaPolicy::Zero, NaPolicy::NotEvaluated, NaPolicy::Exclude] {
        assert!(policies.contains(&format!("{p:?}")));
    }
    assert!(ed.nodes.iter().any(|n| n.applies_to.is_some()));
    assert!(ed.nodes.iter().any(|n| !n.unless_flags.is_empty()));
    assert!(ed.nodes.iter().any(|n| n.rescale));
    assert!(ed.nodes.iter().any(|n| n.cap));
    assert_eq!(ed.nodes[0].max, d("100"));
    assert_eq!(ed.bands.len(), 4);
    assert_eq!(ed.blocks.len(), 2);
}

#[test]
fn example_matches_the_independent_computation() {
    let ed = shipped("commune-2392");
    let data = example(&ed, "commune-2392");
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let table = |id: &str| {
        annex
            .tables
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("table {id}"))
    };
    // (unit, A, B, total, dense rank within its block), totals after the root's rescaling for xã.
    let overall = [
        ("xa-tong-hop", "X01", "38.58", "52.96", "94.37", 1),
        ("xa-tong-hop", "X03", "40.00", "42.81", "85.37", 2),
        ("xa-tong-hop", "X05", "35.55", "43.03", "81.00", 3),
        ("xa-tong-hop", "X02", "23.36", "25.46", "50.34", 4),
        ("xa-tong-hop", "X04", "8.65", "12.82", "22.13", 5),
        ("do-thi-tong-hop", "P01", "40.00", "58.71", "98.71", 1),
        ("do-thi-tong-hop", "T01", "39.20", "54.83", "94.03", 2),
        ("do-thi-tong-hop", "P02", "38.62", "44.49", "83.11", 3),
        ("do-thi-tong-hop", "T02", "27.12", "38.43", "65.55", 4),
    ];
    for (t, code, a, b, total, rank) in overall {
        let r = row(table(t), code);
        let got: Vec<String> = r.values.iter().map(|e| num(&e.cell)).collect();
        assert_eq!(got, [a, b], "{code} A, B");
        assert_eq!(num(&r.total.cell), total, "{code} total");
        assert_eq!(r.rank, RankCell::Ranked(rank), "{code} rank");
    }
    // B.1, B.2, B.2.4, B.3, B.4: units formed by the reorganisation are "Không đánh giá" on B.2.4.
    let results = [
        (
            "xa-ket-qua",
            "X01",
            ["14.00", "17.61", "3.90", "13.85", "7.50"],
        ),
        (
            "xa-ket-qua",
            "X02",
            ["6.00", "8.96", "3.64", "8.50", "2.00"],
        ),
        (
            "xa-ket-qua",
            "X03",
            ["10.00", "10.97", "KĐG", "14.84", "7.00"],
        ),
        (
            "do-thi-ket-qua",
            "P02",
            ["12.00", "11.37", "KĐG", "13.63", "7.50"],
        ),
        (
            "do-thi-ket-qua",
            "T02",
            ["7.50", "11.77", "3.74", "12.15", "7.00"],
        ),
    ];
    for (t, code, want) in results {
        let got: Vec<String> = row(table(t), code)
            .values
            .iter()
            .map(|e| num(&e.cell))
            .collect();
        assert_eq!(got, want, "{code} in {t}");
    }
}

#[test]
fn example_policies_and_bands() {
    let ed = shipped("commune-2392");
    let data = example(&ed, "commune-2392");
    let scores = engine::score(&ed, &data);
    let at = |unit: &str, code: &str| {
        let u = data.unit_index(unit).expect("unit");
        scores.get(u, ed.node(code).expect("node"))
    };
    // X02 is flagged đặc biệt khó khăn: A.1.4 excluded, A converts (389/18) ÷ 37 × 40.
    assert_eq!(at("X02", "A.1.4").status, Status::Excluded);
    assert_eq!(at("X02", "A").max, d("40"));
    // The A.1.4 exclusion is absorbed by A; only B.4.2 (3 points, xã) reaches the root.
    assert_eq!(at("X02", "B").max, d("57"));
    // X03 is formed by the reorganisation: B.2.4 not evaluated, so the maximum drops and is not rescaled.
    assert_eq!(at("X03", "B.2.4").status, Status::NotEvaluated);
    assert_eq!(at("X03", "B").max, d("53")); // 60 − 3 excluded − 4 not evaluated
    let x03 = data.unit_index("X03").expect("X03");
    assert_eq!(scores.total(x03).max, d("96")); // rescaled for the exclusion, not for B.2.4
    // A.2 is capped at 15 although its indicators reach 4 + 7 + 6.
    assert_eq!(at("X03", "A.2").points, d("15"));
    assert_eq!(at("X05", "B.2.3").points, d("1")); // zero denominator → ratio 0, payment platform → 1
    assert_eq!(at("X05", "B.3.3").status, Status::Missing);
    let band = |unit: &str| {
        let u = data.unit_index(unit).expect("unit");
        engine::band(&ed, &scores.total(u))
            .map(|b| b.name.clone())
            .unwrap_or_default()
    };
    assert_eq!(band("X01"), "Tốt");
    assert_eq!(band("T02"), "Khá"); // 65,55 %
    assert_eq!(band("X02"), "Trung bình");
    assert_eq!(band("X04"), "Yếu");
}

/// Maximum excluded below `n` and not yet rescaled by a descendant, from statuses alone.
fn excluded_below(ed: &Edition, scores: &Scores, u: usize, n: usize) -> Decimal {
    ed.nodes[n]
        .children
        .iter()
        .map(|&c| {
            let node = &ed.nodes[c];
            match scores.get(u, c).status {
                Status::Excluded => node.max,
                // A given or not-evaluated aggregate does not pass exclusions up.
                Status::Given | Status::NotEvaluated => Decimal::ZERO,
                _ if node.is_leaf() || node.rescale => Decimal::ZERO,
                _ => excluded_below(ed, scores, u, c),
            }
        })
        .sum()
}

/// One generated cell for an input, or for a criterion that takes points directly.
fn cell(ed: &Edition, column: &str, r: u32) -> String {
    if r.is_multiple_of(11) {
        return String::new();
    }
    if r % 23 == 1 {
        return "không áp dụng".into();
    }
    let r = r / 23;
    if let Some(n) = ed.node(column) {
        // Points given directly: 0 … max in halves.
        let halves = (ed.nodes[n].max * Decimal::TWO)
            .trunc()
            .to_string()
            .parse::<u32>()
            .expect("small max");
        return (Decimal::from(r % (halves + 1)) / Decimal::TWO).to_string();
    }
    let input = &ed.inputs[ed.input(column).expect("input")];
    match &input.kind {
        InputKind::Count => (r % 60).to_string(),
        InputKind::Number => {
            let max = input.max.unwrap_or(Decimal::from(100));
            let tenths = (max * Decimal::TEN)
                .trunc()
                .to_string()
                .parse::<u32>()
                .expect("small max");
            (Decimal::from(r % (tenths + 1)) / Decimal::TEN).to_string()
        }
        InputKind::YesNo => if r.is_multiple_of(2) { "có" } else { "không" }.into(),
        InputKind::Choice(c) => c[r as usize % c.len()].clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn parents_are_the_sum_of_their_children(
        units in proptest::collection::vec((0usize..3, 0u8..4, proptest::collection::vec(any::<u32>(), 40)), 1..8),
    ) {
        let ed = shipped("commune-2392");
        let given: Vec<&str> = ed
            .nodes
            .iter()
            .filter(|n| matches!(n.rule, Some(Rule::Points | Rule::Manual)))
            .map(|n| n.code.as_str())
            .collect();
        let columns: Vec<&str> = ed.inputs.iter().map(|i| i.id.as_str()).chain(given).collect();
        prop_assert!(columns.len() <= 40);
        let cats = ["xa", "phuong", "thi-tran"];
        let mut units_csv = String::from("code,name,category,flags\n");
        let mut values_csv = format!("unit,{}\n", columns.join(","));
        for (i, (cat, flags, rs)) in units.iter().enumerate() {
            let mut f = Vec::new();
            if flags & 1 != 0 { f.push("dac-biet-kho-khan"); }
            if flags & 2 != 0 { f.push("moi-sap-xep"); }
            units_csv.push_str(&format!("U{i},Đơn vị {i},{},{}\n", cats[*cat], f.join(";")));
            let cells: Vec<String> = columns.iter().zip(rs).map(|(c, r)| {
                let v = cell(&ed, c, *r);
                if v.contains(',') { format!("\"{v}\"") } else { v }
            }).collect();
            values_csv.push_str(&format!("U{i},{}\n", cells.join(",")));
        }
        let data = dataset(&ed, &units_csv, &values_csv);
        let scores = engine::score(&ed, &data);
        for u in 0..data.units.len() {
            for (n, node) in ed.nodes.iter().enumerate() {
                let s = scores.get(u, n);
                prop_assert!(s.points >= Decimal::ZERO && s.points <= node.max, "{} of U{u} = {} > {}", node.code, s.points, node.max);
                prop_assert!(s.max <= node.max);
                if matches!(s.status, Status::Excluded | Status::NotEvaluated) {
                    prop_assert_eq!(s.points, Decimal::ZERO);
                    continue;
                }
                if node.is_leaf() && n > 0 {
                    continue;
                }
                let sum: Decimal = node
                    .children
                    .iter()
                    .filter(|&&c| !matches!(scores.get(u, c).status, Status::Excluded | Status::NotEvaluated))
                    .map(|&c| scores.get(u, c).points)
                    .sum();
                let achieved = if node.cap { sum.min(node.max) } else { sum };
                let excluded = excluded_below(&ed, &scores, u, n);
                let expected = if excluded > Decimal::ZERO && (node.rescale || n == 0) {
                    achieved * node.max / (node.max - excluded)
                } else {
                    achieved
                };
                prop_assert_eq!(s.points, expected, "{} of U{}", node.code, u);
            }
        }
    }
}
