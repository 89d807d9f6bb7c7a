//! Every rule kind on hand-checked numbers: ratio (clamp, constant and zero denominator), yes/no, step
//! table boundaries, choice, per item with a cap, sum of parts, best of, relative to the best unit of the
//! ranking block, points and manual points given in the data, and missing inputs.

use egov_core::engine::{self, Status};

use super::*;

const EDITION: &str = r#"
id = "rules"
title = "Mọi quy tắc tính điểm"
year = 2024

[[category]]
code = "x"
name = "Loại X"

[[category]]
code = "y"
name = "Loại Y"

[[block]]
code = "bx"
name = "Khối X"
categories = ["x"]

[[block]]
code = "by"
name = "Khối Y"
categories = ["y"]

[[input]]
id = "a"
name = "Tử số"
type = "number"

[[input]]
id = "b"
name = "Mẫu số"
type = "number"

[[input]]
id = "yn"
name = "Có hay không"
type = "yes-no"

[[input]]
id = "st"
name = "Số cuộc họp"
type = "number"

[[input]]
id = "ch"
name = "Mức độ"
type = "choice"
choices = ["Đầy đủ", "Một phần", "Không"]

[[input]]
id = "n"
name = "Số ứng dụng"
type = "count"

[[input]]
id = "p1"
name = "Phần 1"
type = "number"

[[input]]
id = "p2"
name = "Phần 2"
type = "number"

[[input]]
id = "p3"
name = "Phần 3"
type = "number"

[[input]]
id = "rel_v"
name = "Số hồ sơ trực tuyến"
type = "count"

[[criterion]]
code = "ratio"
name = "Tỷ lệ"
max = 10
rule = { kind = "ratio", numerator = "a", denominator = "b" }

[[criterion]]
code = "ratio-const"
name = "Tỷ lệ trên hằng số"
max = 5
rule = { kind = "ratio", numerator = "a", denominator_value = 200 }

[[criterion]]
code = "yes-no"
name = "Có/Không"
max = 4
rule = { kind = "yes-no", input = "yn", yes = 4, no = 1 }

[[criterion]]
code = "steps"
name = "Bậc"
max = 20
rule = { kind = "steps", input = "st", steps = [[1, 5], [4, 20], [3, 15]] }

[[criterion]]
code = "choice"
name = "Lựa chọn"
max = 6
rule = { kind = "choice", input = "ch", options = { "Đầy đủ" = 6, "Một phần" = 3, "Không" = 0 } }

[[criterion]]
code = "per-item"
name = "Theo số lượng"
max = 5
rule = { kind = "per-item", input = "n", per = 1.5, cap = 4 }

[[criterion]]
code = "sum"
name = "Tổng các phần"
max = 5
rule = { kind = "sum", inputs = ["p1", "p2", "p3"] }

[[criterion]]
code = "best-of"
name = "Trường hợp tốt nhất"
max = 8
rule = { kind = "best-of", cases = [
  { kind = "ratio", numerator = "a", denominator = "b" },
  { kind = "steps", input = "st", steps = [[2, 6], [1, 2]] },
] }

[[criterion]]
code = "rel"
name = "So với đơn vị tốt nhất"
max = 10
rule = { kind = "relative-to-best", input = "rel_v" }

[[criterion]]
code = "points"
name = "Điểm nhập"
max = 7
rule = { kind = "points" }

[[criterion]]
code = "manual"
name = "Điểm chuyên gia"
max = 3
rule = { kind = "manual" }
"#;

const UNITS: &str = "\
code,name,category,flags
U1,Đơn vị Một,x,
U2,Đơn vị Hai,x,
U3,Đơn vị Ba,x,
U4,Đơn vị Bốn,y,
U5,Đơn vị Năm,y,
";

// Steps are listed out of order in the edition on purpose: the highest threshold reached wins.
const VALUES: &str = "\
unit,a,b,yn,st,ch,n,p1,p2,p3,rel_v,points,manual
U1,3,4,có,4,một phần,2,2,\"1,5\",\"0,5\",50,\"6,5\",2
U2,5,4,Không,\"2,99\",Đầy đủ,7,2,2,2,100,,3
U3,1,0,,\"0,5\",Không,0,\"1,5\",,,25,không áp dụng,
U4,,,,1,,,,,,40,,
U5,2,8,,3,,,,,,10,,
";

fn check(rows: &[(&str, &str, &str, Status)]) {
    let ed = edition(EDITION);
    let data = dataset(&ed, UNITS, VALUES);
    let scores = engine::score(&ed, &data);
    for &(unit, code, points, status) in rows {
        let u = data.unit_index(unit).expect("unit");
        let n = ed.node(code).expect("node");
        let s = scores.get(u, n);
        assert_eq!((s.points, s.status), (d(points), status), "{unit} {code}");
        assert!(
            s.points >= Decimal::ZERO && s.points <= ed.nodes[n].max,
            "{unit} {code} within 0…max"
        );
    }
}

#[test]
fn ratio_clamps_and_handles_zero_and_missing_denominators() {
    use Status::*;
    check(&[
        ("U1", "ratio", "7.5", Scored),         // 3 / 4 × 10
        ("U2", "ratio", "10", Scored),          // 5 / 4 × 10 = 12,5 clamped to the maximum
        ("U3", "ratio", "0", Scored),           // denominator 0 → 0, not an error
        ("U4", "ratio", "0", Missing),          // inputs missing
        ("U5", "ratio", "2.5", Scored),         // 2 / 8 × 10
        ("U1", "ratio-const", "0.075", Scored), // 3 / 200 × 5
        ("U2", "ratio-const", "0.125", Scored),
    ]);
}

#[test]
fn yes_no_and_choice() {
    use Status::*;
    check(&[
        ("U1", "yes-no", "4", Scored),
        ("U2", "yes-no", "1", Scored), // "Không" gives the `no` points
        ("U3", "yes-no", "0", Missing),
        ("U1", "choice", "3", Scored), // answer matched case-insensitively
        ("U2", "choice", "6", Scored),
        ("U3", "choice", "0", Scored),
        ("U4", "choice", "0", Missing),
    ]);
}

#[test]
fn step_table_boundaries() {
    use Status::*;
    check(&[
        ("U1", "steps", "20", Scored), // exactly 4 reaches the top step
        ("U2", "steps", "5", Scored),  // 2,99: below 3, reaches 1
        ("U3", "steps", "0", Scored),  // 0,5: below the lowest step
        ("U4", "steps", "5", Scored),  // exactly 1
        ("U5", "steps", "15", Scored), // exactly 3
    ]);
}

#[test]
fn per_item_with_cap_and_sum_of_parts() {
    use Status::*;
    check(&[
        ("U1", "per-item", "3", Scored), // 2 × 1,5
        ("U2", "per-item", "4", Scored), // 7 × 1,5 = 10,5, capped at 4 (below the leaf's maximum 5)
        ("U3", "per-item", "0", Scored),
        ("U4", "per-item", "0", Missing),
        ("U1", "sum", "4", Scored),   // 2 + 1,5 + 0,5
        ("U2", "sum", "5", Scored),   // 2 + 2 + 2 = 6, capped at the maximum 5
        ("U3", "sum", "1.5", Scored), // missing parts count as nothing
        ("U4", "sum", "0", Missing),  // all parts missing
    ]);
}

#[test]
fn best_of_takes_the_highest_case() {
    use Status::*;
    check(&[
        ("U1", "best-of", "6", Scored), // ratio 3/4 × 8 = 6, steps 4 ≥ 2 → 6
        ("U2", "best-of", "8", Scored), // ratio 5/4 × 8 clamped to 8, steps → 6
        ("U3", "best-of", "0", Scored), // ratio 1/0 → 0, steps 0,5 → 0
        ("U4", "best-of", "2", Scored), // ratio missing, steps 1 → 2
        ("U5", "best-of", "6", Scored), // ratio 2/8 × 8 = 2, steps 3 → 6
    ]);
}

#[test]
fn relative_to_best_uses_the_best_unit_of_the_block() {
    use Status::*;
    check(&[
        // Block X: best is U2 with 100.
        ("U1", "rel", "5", Scored), // 50 / 100 × 10
        ("U2", "rel", "10", Scored),
        ("U3", "rel", "2.5", Scored), // 25 / 100 × 10
        // Block Y has its own best, U4 with 40, although U1 of block X is higher.
        ("U4", "rel", "10", Scored),
        ("U5", "rel", "2.5", Scored), // 10 / 40 × 10
    ]);
    let ed = edition(EDITION);
    let data = dataset(&ed, UNITS, VALUES);
    let scores = engine::score(&ed, &data);
    let rel = ed.node("rel").expect("node");
    let bx = ed
        .blocks
        .iter()
        .position(|b| b.code == "bx")
        .expect("block");
    let by = ed
        .blocks
        .iter()
        .position(|b| b.code == "by")
        .expect("block");
    let rel_v = ed.input("rel_v").expect("input");
    assert_eq!(scores.cohort_best.get(&(rel, rel_v, bx)), Some(&d("100")));
    assert_eq!(scores.cohort_best.get(&(rel, rel_v, by)), Some(&d("40")));
}

/// A best-of over two relative-to-best cases compares each input with the best of that same input in the
/// block, not with the best over both inputs.
#[test]
fn best_of_relative_cases_each_have_their_own_best() {
    let ed = edition(
        r#"
id = "rel2"
title = "Hai cách so với đơn vị tốt nhất"
year = 2024
[[category]]
code = "x"
name = "X"
[[block]]
code = "b"
name = "Khối"
categories = ["x"]
[[input]]
id = "online"
name = "Hồ sơ trực tuyến"
type = "number"
[[input]]
id = "paper"
name = "Hồ sơ giấy số hóa"
type = "number"
[[criterion]]
code = "r"
name = "Tốt nhất trong hai cách"
max = 10
rule = { kind = "best-of", cases = [ { kind = "relative-to-best", input = "online" }, { kind = "relative-to-best", input = "paper" } ] }
"#,
    );
    let data = dataset(
        &ed,
        "code,name,category,flags\nU1,Một,x,\nU2,Hai,x,\n",
        "unit,online,paper\nU1,1000,5\nU2,500,10\n",
    );
    let scores = engine::score(&ed, &data);
    let r = ed.node("r").unwrap();
    // U1: online 1000/1000 × 10 = 10. U2: online 500/1000 × 10 = 5, paper 10/10 × 10 = 10 → 10.
    // With one merged best (1000) U2's paper case would give 10/1000 × 10 = 0,1 and the best-of 5.
    assert_eq!(scores.get(0, r).points, d("10"));
    assert_eq!(scores.get(1, r).points, d("10"));
    let steps: Vec<String> = engine::explain(&ed, &data, &scores, 1, egov_core::Lang::Vi)
        .into_iter()
        .find(|l| l.code == "r")
        .unwrap()
        .steps;
    assert!(
        steps.iter().any(|s| s.contains("10 / 10 × 10 = 10")),
        "{steps:?}"
    );
}

#[test]
fn points_and_manual_come_from_the_data() {
    use Status::*;
    check(&[
        ("U1", "points", "6.5", Given),
        ("U2", "points", "0", Missing),
        ("U3", "points", "0", NotApplicable), // "không áp dụng" under the default zero policy
        ("U1", "manual", "2", Given),
        ("U2", "manual", "3", Given),
        ("U3", "manual", "0", Missing),
    ]);
    let ed = edition(EDITION);
    let data = dataset(&ed, UNITS, VALUES);
    let scores = engine::score(&ed, &data);
    // The zero policy keeps the maximum: the unit is measured against the full 7 points.
    let u3 = data.unit_index("U3").expect("U3");
    assert_eq!(scores.get(u3, ed.node("points").expect("node")).max, d("7"));
}

#[test]
fn total_is_the_sum_of_every_rule() {
    let ed = edition(EDITION);
    let data = dataset(&ed, UNITS, VALUES);
    let scores = engine::score(&ed, &data);
    // U1: 7,5 + 0,075 + 4 + 20 + 3 + 3 + 4 + 6 + 5 + 6,5 + 2
    let u1 = data.unit_index("U1").expect("U1");
    assert_eq!(scores.total(u1).points, d("61.075"));
    assert_eq!(scores.total(u1).max, d("83")); // 10 + 5 + 4 + 20 + 6 + 5 + 5 + 8 + 10 + 7 + 3
    // U3: 0 + 0,025 + 0 + 0 + 0 + 0 + 1,5 + 0 + 2,5 + 0 + 0
    let u3 = data.unit_index("U3").expect("U3");
    assert_eq!(scores.total(u3).points, d("4.025"));
    assert!(scores.notes.is_empty());
}

/// The best of a relative-to-best leaf is taken among the units it applies to: not a unit whose group
/// does not apply to its category, nor one that marks the group or the input not applicable — the
/// group's policy reaches the leaf through its ancestors, as when each unit is scored.
#[test]
fn the_best_ignores_units_a_group_does_not_apply_to() {
    let ed = edition(
        r#"
id = "rel-na"
title = "So với đơn vị tốt nhất, nhóm không áp dụng"
year = 2024
[[category]]
code = "xa"
name = "Xã"
[[category]]
code = "phuong"
name = "Phường"
[[block]]
code = "b"
name = "Khối"
categories = ["xa", "phuong"]
[[input]]
id = "v"
name = "Giá trị"
type = "number"
min = 0
[[criterion]]
code = "G"
name = "Nhóm chỉ cho xã"
applies_to = ["xa"]
not_applicable = "exclude"
[[criterion]]
code = "G.1"
name = "Nhóm con"
[[criterion]]
code = "G.1.a"
name = "So với tốt nhất"
max = 10
rule = { kind = "relative-to-best", input = "v" }
"#,
    );
    let units =
        "code,name,category\nX1,Xã 1,xa\nX2,Xã 2,xa\nX3,Xã 3,xa\nX4,Xã 4,xa\nP1,Phường 1,phuong\n";
    // P1 (the group is not for wards), X3 (the group marked not applicable) and X4 (the input marked
    // not applicable) have higher values than X2, the best of the units the leaf applies to.
    let values = "unit,v,G\nX1,20,\nX2,40,\nX3,90,Không áp dụng\nX4,Không áp dụng,\nP1,100,\n";
    let data = dataset(&ed, units, values);
    let scores = engine::score(&ed, &data);
    let leaf = ed.node("G.1.a").expect("node");
    let v = ed.input("v").expect("input");
    assert_eq!(scores.cohort_best.get(&(leaf, v, 0)), Some(&d("40")));
    let x1 = data.units.iter().position(|u| u.code == "X1").expect("X1");
    assert_eq!(scores.get(x1, leaf).points, d("5"));
}

/// The best of a relative-to-best leaf is the first unit's (in unit order) among those with the
/// highest value, with that unit's scale (`40.0`, not a later `40.00`), however many units there are:
/// the cohort is found in pieces of units, in parallel, and the pieces must not reorder the ties.
#[test]
fn the_best_is_the_first_of_equals_among_many_units() {
    let ed = edition(
        r#"
id = "rel-many"
title = "So với đơn vị tốt nhất, nhiều đơn vị"
year = 2024
[[category]]
code = "xa"
name = "Xã"
[[block]]
code = "b"
name = "Khối"
categories = ["xa"]
[[input]]
id = "v"
name = "Giá trị"
type = "number"
min = 0
[[criterion]]
code = "R"
name = "So với tốt nhất"
max = 10
rule = { kind = "relative-to-best", input = "v" }
"#,
    );
    let leaf = ed.node("R").expect("node");
    let v = ed.input("v").expect("input");
    let n = 20_000;
    // (unit holding the first highest value, its spelling, a later unit with the same value).
    for (first, spelled, later) in [
        (3, "40.0", n - 5),
        (n - 7, "40.00", n - 2),
        (9_000, "40", 15_000),
    ] {
        let mut units = String::from("code,name,category\n");
        let mut values = String::from("unit,v\n");
        for u in 0..n {
            units.push_str(&format!("X{u},Xã {u},xa\n"));
            let cell = if u == first {
                spelled.to_string()
            } else if u == later {
                "40.0000".to_string()
            } else {
                format!("{}", u % 39)
            };
            values.push_str(&format!("X{u},{cell}\n"));
        }
        let data = dataset(&ed, &units, &values);
        let scores = engine::score(&ed, &data);
        let best = scores.cohort_best.get(&(leaf, v, 0)).expect("a best");
        assert_eq!(best.to_string(), spelled, "first highest at unit {first}");
    }
}

/// A step's threshold below zero (the one constant an edition may write negative: points, rates and
/// constant denominators are refused) and every rule kind on values from negative to large: the fast
/// arithmetic (which compiles each leaf's constants once and declines what it does not copy) scores
/// every unit at every node as the decimal engine does, bit for bit.
#[test]
fn negative_constants_score_as_the_decimal_engine_does() {
    use egov_core::engine::{Arith, Keep, score_keeping_with};
    let ed = edition(
        r#"
id = "am"
title = "Hằng số âm"
year = 2024
[[category]]
code = "xa"
name = "Xã"
[[block]]
code = "b"
name = "Khối"
categories = ["xa"]
[[input]]
id = "v"
name = "Giá trị"
type = "number"
min = -100
[[input]]
id = "w"
name = "Giá trị khác"
type = "number"
min = -100
[[input]]
id = "c"
name = "Có không"
type = "yes-no"
[[input]]
id = "k"
name = "Chọn"
type = "choice"
choices = ["Tốt", "Kém"]
[[criterion]]
code = "S"
name = "Bậc có ngưỡng âm"
max = 3
rule = { kind = "steps", input = "v", steps = [[10, 3], [0, 2], [-5, 1]] }
[[criterion]]
code = "Y"
name = "Có không"
max = 2
rule = { kind = "yes-no", input = "c", yes = 2, no = 0.5 }
[[criterion]]
code = "K"
name = "Chọn"
max = 2
rule = { kind = "choice", input = "k", options = { "Tốt" = 2, "Kém" = 0.25 } }
[[criterion]]
code = "P"
name = "Mỗi mục"
max = 4
rule = { kind = "per-item", input = "w", per = 0.5 }
[[criterion]]
code = "R"
name = "Tỷ lệ"
max = 2
rule = { kind = "ratio", numerator = "v", denominator_value = 4 }
[[criterion]]
code = "B"
name = "Tốt nhất của các trường hợp"
max = 2
rule = { kind = "best-of", cases = [{ kind = "yes-no", input = "c", yes = 1 }, { kind = "steps", input = "w", steps = [[-10, 0.5], [5, 2]] }] }
"#,
    );
    let cells = ["-7", "-0", "0", "0.00", "3", "12.5", "-10", "", "1000000"];
    let answers = ["Có", "Không", ""];
    let choices = ["Tốt", "Kém", ""];
    let mut units = String::from("code,name,category\n");
    let mut values = String::from("unit,v,w,c,k\n");
    let mut u = 0;
    for v in cells {
        for w in cells.iter().rev() {
            let (c, k) = (answers[u % 3], choices[(u / 3) % 3]);
            units.push_str(&format!("X{u},Xã {u},xa\n"));
            values.push_str(&format!("X{u},{v},{w},{c},{k}\n"));
            u += 1;
        }
    }
    let data = dataset(&ed, &units, &values);
    let fast = score_keeping_with(&ed, &data, Keep::All, Arith::Fast);
    let dec = score_keeping_with(&ed, &data, Keep::All, Arith::Decimal);
    for u in 0..data.units.len() {
        for n in 0..ed.nodes.len() {
            let (f, x) = (fast.get(u, n), dec.get(u, n));
            assert_eq!(
                (f.points.serialize(), f.max.serialize(), f.status),
                (x.points.serialize(), x.max.serialize(), x.status),
                "unit {u} ({}), node {}: fast {} / decimal {}",
                values.lines().nth(u + 1).unwrap_or(""),
                ed.nodes[n].code,
                f.points,
                x.points
            );
        }
    }
}
