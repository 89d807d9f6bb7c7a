//! Numbers and names that an exact decimal or a printed table cannot hold are refused where they are
//! written: maxima whose sums overflow, points per item beyond any maximum, `decimals = 1000`, `1e-300`,
//! a 200-digit fraction, control characters in names. Scoring never panics on large but valid values,
//! and a huge bad cell is quoted short.

use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::{Edition, EditionProblem, MAX_DECIMALS, MAX_POINTS};
use egov_core::engine;
use rust_decimal::Decimal;

use super::{d, dataset, edition};

const HEAD: &str = r#"id = "limits"
title = "Giới hạn"
year = 2024

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "k"
name = "Khối"
categories = ["xa"]

[[input]]
id = "n"
name = "Số lượng"
type = "count"
"#;

/// Line of the first line of a tail appended to [`HEAD`].
const TAIL_LINE: usize = 18;

fn problems(tail: &str) -> Vec<EditionProblem> {
    let src = format!("{HEAD}{tail}");
    match Edition::from_toml(&src, "limits.toml") {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(e) => e.problems,
    }
}

fn one_problem(tail: &str) -> EditionProblem {
    let ps = problems(tail);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    ps.into_iter().next().unwrap()
}

#[test]
fn the_points_limit_is_ten_to_the_fifteenth() {
    assert_eq!(MAX_POINTS, d("1000000000000000"));
    assert_eq!(MAX_DECIMALS, 10);
}

#[test]
fn maxima_whose_sum_overflows_are_refused_at_their_place() {
    let ps = problems(
        r#"
[[criterion]]
code = "A"
name = "Nhóm"

[[criterion]]
code = "A.1"
name = "Một"
max = 7.9e28

[[criterion]]
code = "A.2"
name = "Hai"
max = 7.9e28
"#,
    );
    let shown: Vec<String> = ps.iter().map(ToString::to_string).collect();
    assert!(
        shown.iter().any(|p| p.starts_with(&format!(
            "limits.toml:{}:7: criterion A.1 / max",
            TAIL_LINE + 8
        ))),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|p| p.starts_with(&format!(
            "limits.toml:{}:7: criterion A.2 / max",
            TAIL_LINE + 13
        ))),
        "{shown:#?}"
    );
    assert!(
        shown.iter().all(|p| p.contains("vượt giới hạn")),
        "{shown:#?}"
    );
}

#[test]
fn many_children_within_the_limit_are_summed_checked() {
    // Each maximum is valid; their sum is the parent's maximum and must itself stay within the limit.
    let mut tail = String::from("\n[[criterion]]\ncode = \"A\"\nname = \"Nhóm\"\n");
    for k in 0..3 {
        tail.push_str(&format!(
            "\n[[criterion]]\ncode = \"A.{k}\"\nname = \"Con {k}\"\nmax = 900000000000000\n"
        ));
    }
    let ps = problems(&tail);
    let p = ps
        .iter()
        .find(|p| p.path == "criterion A")
        .unwrap_or_else(|| panic!("{ps:#?}"));
    assert_eq!((p.line, p.column), (TAIL_LINE + 1, 1), "{p}");
    assert!(p.message.contains("vượt giới hạn"), "{p}");
}

#[test]
fn points_per_item_beyond_the_limit_are_refused() {
    let p = one_problem(
        r#"
[[criterion]]
code = "A"
name = "Một"
max = 10
rule = { kind = "per-item", input = "n", per = 7e28 }
"#,
    );
    assert_eq!(p.line, TAIL_LINE + 5, "{p}");
    assert!(p.path.starts_with("criterion A / rule"), "{p}");
    assert!(p.message.contains("per ="), "{p}");
}

#[test]
fn decimals_are_bounded() {
    let p = one_problem(
        "\n[scoring]\ndecimals = 1000\n\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n",
    );
    assert_eq!((p.line, p.column), (TAIL_LINE + 2, 12), "{p}");
    assert!(
        p.message.contains("1000") && p.message.contains("10"),
        "{p}"
    );
    // Ten is accepted.
    edition(&format!(
        "{HEAD}\n[scoring]\ndecimals = 10\n\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n"
    ));
}

#[test]
fn a_number_that_would_round_to_zero_is_refused() {
    let p = one_problem("\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 1e-300\n");
    assert_eq!((p.line, p.column), (TAIL_LINE + 4, 7), "{p}");
    assert!(p.message.contains("1e-300"), "{p}");
}

#[test]
fn a_fraction_with_200_digits_is_refused_as_float_and_as_string() {
    let digits = "1".repeat(200);
    let p = one_problem(&format!(
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 0.{digits}\n"
    ));
    assert_eq!((p.line, p.column), (TAIL_LINE + 4, 7), "{p}");
    assert!(p.message.len() < 400, "quoted short: {p}");
    let p = one_problem(&format!(
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = \"0,{digits}\"\n"
    ));
    assert_eq!(p.line, TAIL_LINE + 4, "{p}");
    // A float with more digits than a double keeps is refused too (it would silently change).
    let p = one_problem(
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 0.12345678901234567891\n",
    );
    assert!(p.message.contains("chuỗi"), "{p}");
    // What a double keeps exactly is read as written.
    let ed = edition(&format!(
        "{HEAD}\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 0.1\n"
    ));
    assert_eq!(ed.nodes[1].max, d("0.1"));
}

#[test]
fn control_characters_in_edition_names_are_refused_where_they_are() {
    let p = one_problem("\n[[criterion]]\ncode = \"A\"\nname = \"Hạ\\u0001tầng\"\nmax = 10\n");
    assert_eq!((p.line, p.column), (TAIL_LINE + 3, 8), "{p}");
    assert!(p.message.contains("U+0001"), "{p}");
    let p = one_problem("\n[[criterion]]\ncode = \"A\"\nname = \"Hạ\\ttầng\"\nmax = 10\n");
    assert!(p.message.contains("U+0009"), "{p}");
    let src = HEAD.replace("title = \"Giới hạn\"", "title = \"Giới\\nhạn\"")
        + "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n";
    let e = Edition::from_toml(&src, "limits.toml").unwrap_err();
    assert_eq!((e.problems[0].line, e.problems[0].column), (2, 9), "{e}");
    let src = HEAD.replace("name = \"Xã\"", "name = \"X\\u0085ã\"")
        + "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n";
    let e = Edition::from_toml(&src, "limits.toml").unwrap_err();
    assert!(e.to_string().contains("U+0085"), "{e}");
}

const SIMPLE: &str = "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\nrule = { kind = \"per-item\", input = \"n\", per = 2 }\n";

#[test]
fn control_characters_in_unit_names_and_codes_are_refused_with_their_place() {
    let ed = edition(&format!("{HEAD}{SIMPLE}"));
    for (units, column) in [
        ("code,name,category\nX1,Xã\u{1}Một,xa\n", 4),
        ("code,name,category\nX\t1,Xã Một,xa\n", 1),
        ("code,name,category\nX1,\"Xã\nMột\",xa\n", 4),
    ] {
        let e = Dataset::from_csv(
            &ed,
            Source {
                name: "units.csv",
                text: units,
            },
            Source {
                name: "values.csv",
                text: "unit,n\n",
            },
            DatasetMeta::default(),
        )
        .unwrap_err();
        let p = &e.problems[0];
        assert_eq!(
            (p.file.as_str(), p.line, p.column),
            ("units.csv", 2, column),
            "{e}"
        );
        assert!(p.message.contains("ký tự điều khiển"), "{e}");
    }
    let json =
        r#"{"units": [{"code": "X1", "name": "Xã\u0002Một", "category": "xa"}], "values": {}}"#;
    let e = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: json,
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("U+0002"), "{e}");
}

#[test]
fn a_huge_bad_cell_is_quoted_short() {
    let ed = edition(&format!("{HEAD}{SIMPLE}"));
    let cell = "9".repeat(2_000_000) + "x";
    let values = format!("unit,n\nX1,{cell}\n");
    let e = Dataset::from_csv(
        &ed,
        Source {
            name: "units.csv",
            text: "code,name,category\nX1,Xã Một,xa\n",
        },
        Source {
            name: "values.csv",
            text: &values,
        },
        DatasetMeta::default(),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.len() < 400,
        "{} bytes: {}",
        msg.len(),
        &msg[..400.min(msg.len())]
    );
    assert!(
        msg.contains(&"9".repeat(100)) && msg.contains("2000001 ký tự"),
        "{msg}"
    );
}

#[test]
fn a_value_cell_with_200_digits_is_refused_not_cut() {
    let ed = edition(&format!("{HEAD}{SIMPLE}"));
    let values = format!("unit,n\nX1,{}\n", "1".repeat(200));
    let e = Dataset::from_csv(
        &ed,
        Source {
            name: "units.csv",
            text: "code,name,category\nX1,Xã Một,xa\n",
        },
        Source {
            name: "values.csv",
            text: &values,
        },
        DatasetMeta::default(),
    )
    .unwrap_err();
    let p = &e.problems[0];
    assert_eq!((p.line, p.column), (2, 4), "{e}");
    assert!(p.message.contains("28 chữ số"), "{e}");
}

#[test]
fn scoring_large_valid_values_does_not_panic() {
    let ed = edition(&format!(
        "{HEAD}
[[input]]
id = \"a\"
name = \"Tử\"
type = \"number\"

[[input]]
id = \"b\"
name = \"Mẫu\"
type = \"number\"

[[input]]
id = \"s1\"
name = \"Điểm 1\"
type = \"number\"
min = \"-79000000000000000000000000000\"

[[input]]
id = \"s2\"
name = \"Điểm 2\"
type = \"number\"
min = \"-79000000000000000000000000000\"

[[input]]
id = \"s3\"
name = \"Điểm 3\"
type = \"number\"
min = \"-79000000000000000000000000000\"

[[criterion]]
code = \"A\"
name = \"Theo đầu mục\"
max = 100000000000000
rule = {{ kind = \"per-item\", input = \"n\", per = 1000000000000000 }}

[[criterion]]
code = \"B\"
name = \"Tỷ lệ\"
max = 100000000000000
rule = {{ kind = \"ratio\", numerator = \"a\", denominator = \"b\" }}

[[criterion]]
code = \"C\"
name = \"Tổng\"
max = 100000000000000
rule = {{ kind = \"sum\", inputs = [\"s1\", \"s2\", \"s3\"] }}

[[criterion]]
code = \"D\"
name = \"So với tốt nhất\"
max = 100000000000000
rule = {{ kind = \"relative-to-best\", input = \"a\" }}
"
    ));
    let big = "79000000000000000000000000000";
    let values = format!(
        "unit,n,a,b,s1,s2,s3\nX1,{big},{big},79000000000000000000000000001,{big},{big},-{big}\nX2,3,0.0000000000000000000000000001,{big},-{big},-{big},{big}\n"
    );
    let ds = dataset(
        &ed,
        "code,name,category\nX1,Xã Một,xa\nX2,Xã Hai,xa\n",
        &values,
    );
    let scores = engine::score(&ed, &ds);
    let max = d("100000000000000");
    let a = ed.node("A").unwrap();
    let b = ed.node("B").unwrap();
    let c = ed.node("C").unwrap();
    assert_eq!(scores.get(0, a).points, max);
    assert_eq!(
        scores.get(0, c).points,
        max,
        "79e27 + 79e27 − 79e27 is above the maximum"
    );
    assert_eq!(scores.get(1, c).points, Decimal::ZERO, "below zero is zero");
    assert!(scores.get(0, b).points <= max);
    assert_eq!(scores.get(1, a).points, max);
    assert!(scores.total(0).points <= d("400000000000000"));
    let _ = engine::band(&ed, &scores.total(0));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever the values within the inputs' ranges, scoring finishes and stays within the maxima.
    #[test]
    fn scoring_never_panics_on_large_decimals(
        vals in proptest::collection::vec((0u128..79_000_000_000_000_000_000_000_000_000u128, 0u32..=28), 12)
    ) {
        let ed = edition(&format!(
            "{HEAD}
[[input]]
id = \"a\"
name = \"Tử\"
type = \"number\"

[[input]]
id = \"b\"
name = \"Mẫu\"
type = \"number\"

[[criterion]]
code = \"A\"
name = \"Theo đầu mục\"
max = 100000000000000
rule = {{ kind = \"per-item\", input = \"a\", per = \"99999999999999,999\" }}

[[criterion]]
code = \"B\"
name = \"Tỷ lệ\"
max = 100000000000000
rule = {{ kind = \"ratio\", numerator = \"a\", denominator = \"b\" }}

[[criterion]]
code = \"C\"
name = \"Tổng\"
max = 100000000000000
rule = {{ kind = \"sum\", inputs = [\"a\", \"b\"] }}

[[criterion]]
code = \"D\"
name = \"So với tốt nhất\"
max = 100000000000000
rule = {{ kind = \"relative-to-best\", input = \"b\" }}
"
        ));
        let mut values = String::from("unit,a,b\n");
        let mut units = String::from("code,name,category\n");
        for (k, pair) in vals.chunks(2).enumerate() {
            let num = |(m, s): (u128, u32)| {
                Decimal::try_from_i128_with_scale(m as i128, s).unwrap().to_string()
            };
            units.push_str(&format!("X{k},Xã {k},xa\n"));
            values.push_str(&format!("X{k},{},{}\n", num(pair[0]), num(pair[1])));
        }
        let ds = dataset(&ed, &units, &values);
        let scores = engine::score(&ed, &ds);
        for u in 0..ds.units.len() {
            proptest::prop_assert!(scores.total(u).points <= d("400000000000000"));
            let _ = engine::band(&ed, &scores.total(u));
        }
    }
}
