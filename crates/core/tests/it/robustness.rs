//! `egov robustness` on known answers: a flip probability that follows from a uniform weight, a choice
//! that changes nothing, the Hòa Bình 2019 district readiness table (ranked by the province on whole
//! points), thread-count independence, and the spec's located problems. The Sobol estimators themselves
//! (Ishigami, a linear model) are tested in `robustness::sobol`.

use egov_core::Lang;
use egov_core::robustness::{self, Options, Plan, Report, Spec};

use super::*;

/// Two units and two criteria: P has X = 10, Q has Y = 9. X's points vary by a factor uniform on
/// [0,8; 1,2], so P's total is 10·m and Q is ahead exactly when m < 0,9: probability (0,9 − 0,8) ÷ 0,4
/// = 0,25. The tie convention cannot matter for two units that never tie.
const FLIP: &str = r#"
id = "flip"
title = "Hai đơn vị"
year = 2024

[[category]]
code = "so"
name = "Sở"

[[block]]
code = "s"
name = "Sở"
categories = ["so"]

[[criterion]]
code = "X"
name = "X"
max = 10
rule = { kind = "points" }

[[criterion]]
code = "Y"
name = "Y"
max = 10
rule = { kind = "points" }

[annex]
[[annex.table]]
id = "t"
title = "Bảng"
columns = ["X", "Y"]
decimals = 2
rank_on = "exact"
[[annex.table.section]]
blocks = ["s"]

[robustness]
runs = 12000
seed = 7
[[robustness.weights]]
nodes = ["X"]
spread = 0.2
[robustness.ties]
options = ["dense", "competition"]
"#;

fn report_of(src: &str, data: &Dataset) -> Report {
    let ed = edition(src);
    let spec = Spec::from_toml(src, "test.toml", &ed).unwrap_or_else(|e| panic!("{e:?}"));
    let plan = Plan::new(&ed, data, spec).unwrap_or_else(|e| panic!("{e}"));
    robustness::run(&plan, &Options::default())
}

#[test]
fn flip_probability_matches_the_uniform_weight_and_a_choice_that_changes_nothing_explains_nothing()
{
    let ed = edition(FLIP);
    let data = dataset(
        &ed,
        "code,name,category\nP,Sở P,so\nQ,Sở Q,so\n",
        "unit,X,Y\nP,10,0\nQ,0,9\n",
    );
    let r = report_of(FLIP, &data);
    assert_eq!(r.choices.len(), 2);
    // 12 000 evaluations = 3 000 base rows × (2 + 2): 6 000 independent draws.
    assert_eq!((r.base, r.draws), (3000, 6000));
    let s = &r.tables[0].sections[0];
    let q = s.units.iter().find(|u| u.code == "Q").expect("Q");
    let p = s.units.iter().find(|u| u.code == "P").expect("P");
    assert_eq!((p.nominal, q.nominal), (1, 2));
    let p_first = q.top[0];
    let sigma = (0.25f64 * 0.75 / r.draws as f64).sqrt();
    assert!(
        (p_first - 0.25).abs() < 4.0 * sigma,
        "P(Q first) = {p_first}, analytic 0,25 ± {}",
        4.0 * sigma
    );
    assert!(
        (p.top[0] + q.top[0] - 1.0).abs() < 1e-12,
        "exactly one is first"
    );
    // The weight explains all of Q's rank; the tie convention nothing, exactly.
    let (w_first, w_total) = q.sensitivity[0];
    assert!(
        (w_total - 1.0).abs() < 0.05 && (w_first - 1.0).abs() < 0.1,
        "{w_first} {w_total}"
    );
    assert_eq!(q.sensitivity[1], (0.0, 0.0));
    assert_eq!(s.sensitivity[1].total, 0.0);
    assert_eq!(q.dominant, Some(0));
}

fn hoabinh() -> (Edition, Dataset) {
    let ed = shipped("hoabinh-2019");
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/published/hoabinh-2019/"
    );
    let units = std::fs::read_to_string(format!("{dir}units.csv")).expect("units");
    let values = std::fs::read_to_string(format!("{dir}values.csv")).expect("values");
    let data = dataset(&ed, &units, &values);
    (ed, data)
}

#[test]
fn hoabinh_district_readiness_is_most_uncertain_through_ranking_on_whole_or_exact_points() {
    let (ed, data) = hoabinh();
    let spec = Spec::defaults(&ed);
    assert!(!spec.declared);
    let plan = Plan::new(&ed, &data, spec).expect("the model reproduces the engine's ranks");
    let r = robustness::run(&plan, &Options::default());
    let t = r
        .tables
        .iter()
        .find(|t| t.id == "huyen-san-sang")
        .expect("district readiness");
    let s = &t.sections[0];
    let rank_on = r
        .choices
        .iter()
        .position(|c| c.id == "rank_on")
        .expect("a default choice");
    assert_eq!(s.dominant, Some(rank_on), "{:?}", s.sensitivity);
    for (i, x) in s.sensitivity.iter().enumerate() {
        if i != rank_on {
            assert!(x.total < s.sensitivity[rank_on].total / 2.0, "{i}: {x:?}");
        }
    }
    // Most districts' ranks move; the three tied at 22,5 never leave the top.
    assert!(s.stable < s.units.len() / 2, "{} stable", s.stable);
    for u in &s.units[..3] {
        assert_eq!((u.nominal, u.p5, u.p95), (1, 1, 1), "{}", u.name);
    }
    let moved = s
        .units
        .iter()
        .filter(|u| u.dominant == Some(rank_on))
        .count();
    assert!(
        moved >= 8,
        "{moved} districts whose rank is moved most by rank_on"
    );
    let text = egov_core::robustness::render::summary(&r, s, Lang::Vi);
    assert!(text.contains("điểm nguyên"), "{text}");
}

#[test]
fn the_same_seed_gives_the_same_report_on_one_thread_and_on_several() {
    let (ed, data) = hoabinh();
    let commune = shipped("commune-2392");
    let commune_data = example(&commune, "commune-2392");
    for (ed, data) in [(&ed, &data), (&commune, &commune_data)] {
        let mut spec = Spec::defaults(ed);
        spec.runs = 3000;
        let plan = Plan::new(ed, data, spec).expect("plan");
        let on = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| robustness::run(&plan, &Options::default()))
        };
        let one = on(1);
        assert_eq!(one, on(3), "{}", ed.id);
        let mut other = Spec::defaults(ed);
        other.runs = 3000;
        other.seed = 2;
        let plan2 = Plan::new(ed, data, other).expect("plan");
        assert_ne!(
            one,
            robustness::run(&plan2, &Options::default()),
            "the seed matters"
        );
    }
}

#[test]
fn spec_problems_are_located_and_every_one_reported() {
    let ed = edition(FLIP);
    let bad = FLIP.replace("nodes = [\"X\"]", "nodes = [\"Z\"]").replace(
        "options = [\"dense\", \"competition\"]",
        "options = [\"dense\", \"xếp-chung\"]",
    ) + "\n";
    let problems = Spec::from_toml(&bad, "e.toml", &ed).expect_err("two problems");
    assert_eq!(problems.len(), 3, "{problems:?}");
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).expect("line") + 1;
    assert_eq!(problems[0].line, line_of("nodes = [\"Z\"]"));
    assert!(
        problems[0].message.contains("\"Z\""),
        "{}",
        problems[0].message
    );
    assert_eq!(problems[1].line, line_of("xếp-chung"));
    assert!(problems[1].message.contains("dense, competition"));
    // With one option left, nothing is uncertain: said at the table.
    assert_eq!(problems[2].line, line_of("[robustness.ties]"));
    let spread = FLIP.replace("spread = 0.2", "spread = 1.5");
    let p = Spec::from_toml(&spread, "e.toml", &ed).expect_err("spread");
    assert_eq!((p.len(), p[0].line), (1, line_of("spread")));
    assert!(p[0].to_string().starts_with("e.toml:"));
}

#[test]
fn an_edition_without_robustness_gets_the_defaults_and_its_ranks_reproduced() {
    // Every shipped edition with its example: the model's nominal ranks are the engine's (Plan::new
    // checks it and fails otherwise), and the defaults vary weights, ranking precision and rounding.
    for (id, dir) in [
        ("commune-2392", "commune-2392"),
        ("dti-2022-province", "dti-2022"),
    ] {
        let ed = shipped(id);
        let data = example(&ed, dir);
        let spec = Spec::defaults(&ed);
        let ids: Vec<&str> = spec.choices.iter().map(|c| c.id.as_str()).collect();
        assert!(
            ids.contains(&"weights") && ids.contains(&"rank_on") && ids.contains(&"rounding"),
            "{ids:?}"
        );
        let mut spec = spec;
        spec.runs = 600;
        let plan = Plan::new(&ed, &data, spec).unwrap_or_else(|e| panic!("{id}: {e}"));
        let r = robustness::run(&plan, &Options::default());
        for t in &r.tables {
            for s in &t.sections {
                for u in &s.units {
                    assert!(u.p5 <= u.median && u.median <= u.p95, "{id} {}", u.code);
                    assert!(u.top.windows(2).all(|w| w[0] <= w[1]));
                }
            }
        }
    }
}
