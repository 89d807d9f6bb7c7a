//! Bad editions and bad data are rejected with every problem located: `file:line:column`, where in the
//! edition, and what is wrong, in Vietnamese.

use egov_core::dataset::{DataError, Dataset, DatasetMeta, Source};
use egov_core::edition::{Edition, EditionProblem};

use super::{d, edition};

/// A valid base that each case breaks in one place; line numbers below count from its first line.
const HEAD: &str = r#"id = "bad"
title = "Bộ chỉ số lỗi"
year = 2024

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "k"
name = "Khối"
categories = ["xa"]

[[input]]
id = "so_may"
name = "Số máy tính"
type = "count"
"#;

fn problems(tail: &str) -> Vec<EditionProblem> {
    let src = format!("{HEAD}{tail}");
    match Edition::from_toml(&src, "bad.toml") {
        Ok(_) => panic!("accepted an invalid edition:\n{src}"),
        Err(e) => e.problems,
    }
}

fn show(ps: &[EditionProblem]) -> Vec<String> {
    ps.iter().map(ToString::to_string).collect()
}

/// Asserts the single problem of a broken edition, as `file:line:column: path: message`.
fn rejected_with(tail: &str, expected: &str) {
    let ps = problems(tail);
    assert_eq!(show(&ps), [expected]);
}

#[test]
fn children_above_the_parent_maximum() {
    rejected_with(
        r#"
[[criterion]]
code = "A"
name = "Hạ tầng"
max = 10

[[criterion]]
code = "A.1"
name = "Máy tính"
max = 6

[[criterion]]
code = "A.2"
name = "Mạng"
max = 5
"#,
        // Line 22 is `max = 10` of A; column 7 is the value.
        "bad.toml:22:7: criterion A / max: tổng điểm tối đa của các tiêu chí con (11) vượt điểm tối đa 10 \
         (khai báo cap = true nếu điểm được chặn trên)",
    );
}

#[test]
fn a_declared_cap_allows_children_above_the_maximum() {
    let src = format!(
        "{HEAD}\n[[criterion]]\ncode = \"A\"\nname = \"A\"\nmax = 10\ncap = true\n\n[[criterion]]\ncode = \"A.1\"\n\
         name = \"A.1\"\nmax = 6\n\n[[criterion]]\ncode = \"A.2\"\nname = \"A.2\"\nmax = 5\n"
    );
    let ed = Edition::from_toml(&src, "cap.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ed.nodes[ed.node("A").expect("A")].max, d("10"));
}

#[test]
fn unknown_rule_kind() {
    rejected_with(
        r#"
[[criterion]]
code = "A"
name = "Hạ tầng"
max = 10
rule = { kind = "fraction", input = "so_may" }
"#,
        // Line 23 holds the rule; column 8 is its opening brace.
        "bad.toml:23:8: criterion A / rule: quy tắc 'fraction' không có \
         (points, manual, ratio, yes-no, steps, choice, per-item, sum, best-of, relative-to-best)",
    );
}

#[test]
fn duplicate_criterion_code() {
    rejected_with(
        r#"
[[criterion]]
code = "A"
name = "Hạ tầng"
max = 10

[[criterion]]
code = "A"
name = "Hạ tầng lần hai"
max = 5
"#,
        // The second `code = "A"` is on line 25.
        "bad.toml:25:8: criterion A: mã tiêu chí bị trùng",
    );
}

#[test]
fn rule_naming_a_missing_input() {
    rejected_with(
        r#"
[[criterion]]
code = "A"
name = "Ứng dụng"
max = 10
rule = { kind = "per-item", input = "so_ung_dung", per = 1 }
"#,
        "bad.toml:23:8: criterion A / rule: quy tắc 'per-item' dùng chỉ tiêu 'so_ung_dung' chưa được khai báo ([[input]])",
    );
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let ps = problems(
        r#"
[[criterion]]
code = "A"
name = "A"
max = 10
rule = { kind = "yes-no", input = "so_may" }
applies_to = ["huyen"]

[[criterion]]
code = "B.1"
name = "B.1"
max = 2
"#,
    );
    assert_eq!(
        show(&ps),
        [
            "bad.toml:23:8: criterion A / rule: quy tắc 'yes-no' cần chỉ tiêu kiểu yes-no, 'so_may' là kiểu count",
            "bad.toml:24:15: criterion A / applies_to: loại đơn vị 'huyen' không được khai báo",
            "bad.toml:27:8: criterion B.1: tiêu chí cha 'B' không được khai báo",
        ]
    );
}

#[test]
fn toml_syntax_error_is_located() {
    let ps = problems("\n[[criterion]]\ncode = \"A\nname = \"A\"\n");
    assert_eq!(ps.len(), 1);
    assert_eq!(
        (ps[0].file.as_str(), ps[0].line),
        ("bad.toml", 20),
        "{}",
        ps[0]
    );
}

/// A valid edition for the data tests.
fn data_edition() -> Edition {
    edition(&format!(
        "{HEAD}\n[[criterion]]\ncode = \"A\"\nname = \"Máy tính\"\nmax = 10\nrule = {{ kind = \"per-item\", input = \"so_may\", per = 1 }}\n"
    ))
}

fn data_problems(units: &str, values: &str) -> Vec<String> {
    let ed = data_edition();
    let r = Dataset::from_csv(
        &ed,
        Source {
            name: "units.csv",
            text: units,
        },
        Source {
            name: "values.csv",
            text: values,
        },
        DatasetMeta::default(),
    );
    match r {
        Ok(_) => panic!("accepted invalid data"),
        Err(DataError { problems, .. }) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn unit_in_an_unknown_category() {
    let ps = data_problems(
        "code,name,category\nX1,Xã Một,xa\nX2,Xã Hai,huyen\n",
        "unit,so_may\nX1,3\n",
    );
    // Line 3, column 11 is where `huyen` starts.
    assert_eq!(
        ps,
        ["units.csv:3:11: loại đơn vị 'huyen' không có trong bộ chỉ số bad (xa)"]
    );
}

#[test]
fn malformed_number_in_data() {
    let ps = data_problems(
        "code,name,category\nX1,Xã Một,xa\nX2,Xã Hai,xa\n",
        "unit,so_may\nX1,3\nX2,12a\n",
    );
    assert_eq!(
        ps,
        ["values.csv:3:4: đơn vị X2, cột 'so_may': \"12a\" không phải là số"]
    );
}

#[test]
fn data_values_are_checked_against_the_edition() {
    let ps = data_problems(
        "code,name,category\nX1,Xã Một,xa\n",
        "unit,so_may,A,so_khac\nX1,\"2,5\",11,1\nX9,1,1,1\n",
    );
    assert_eq!(
        ps,
        [
            "values.csv:1:15: cột 'so_khac' không phải chỉ tiêu hay tiêu chí của bộ chỉ số bad",
            "values.csv:2:4: đơn vị X1, cột 'so_may': \"2,5\" phải là số nguyên (số lượng)",
            "values.csv:2:10: đơn vị X1, cột 'A': điểm 11 vượt điểm tối đa 10 của tiêu chí A",
            "values.csv:3:1: đơn vị 'X9' không có trong danh sách đơn vị",
        ]
    );
}

/// A province's units file, read in parallel pieces: every problem is where it was, in file order, and a
/// repeated code is reported against the last line before it with that code (not the first), whichever
/// piece each line falls in.
#[test]
fn units_file_problems_keep_their_lines_and_order() {
    let edition = Edition::from_toml(
        &format!("{HEAD}\n[[criterion]]\ncode = \"A\"\nname = \"Tiêu chí A\"\nmax = 10\n"),
        "bad.toml",
    )
    .expect("valid edition");
    let mut units = String::from("\u{feff}code,name,category,flags\n");
    // (line in the file, text): the problems planted among 3,000 good units.
    let planted: [(usize, &str); 8] = [
        (10, "X5,Xã lặp,xa,"),
        (900, ",Xã không mã,xa,"),
        (1500, "X9001,Xã lạ,thanh-pho,mien-nui"),
        (1800, "X9002,\"Xã\tCó tab\",xa,"),
        (2000, ",,,"),
        (2500, "X5,Xã lặp lần hai,xa,"),
        (2700, "\"X9003\",\"Xã \"\"Ngoặc\"\"\",xa,bien-gioi"),
        (2900, "X9004,,xa,"),
    ];
    let mut good = 0;
    for line in 2..3_000 {
        match planted.iter().find(|(l, _)| *l == line) {
            Some((_, text)) => units.push_str(text),
            None => {
                units.push_str(&format!("X{good},Xã {good},xa,\n"));
                good += 1;
                continue;
            }
        }
        units.push('\n');
    }
    let err = Dataset::units_from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: &units,
        },
    )
    .expect_err("problems");
    let got: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            // X5 is on line 7 (lines 2–9 hold X0–X7).
            "units.csv:10:1: mã đơn vị 'X5' bị trùng (đã có ở dòng 7)",
            "units.csv:900:1: thiếu mã đơn vị",
            "units.csv:1500:13: loại đơn vị 'thanh-pho' không có trong bộ chỉ số bad (xa)",
            "units.csv:1800:7: tên đơn vị chứa ký tự điều khiển U+0009 ở ký tự thứ 3 (\"Xã\\tCó tab\"); hãy xóa ký tự này",
            "units.csv:2500:1: mã đơn vị 'X5' bị trùng (đã có ở dòng 10)",
            "units.csv:2900:1: đơn vị 'X9004' thiếu tên",
        ]
    );
}

/// A province's values file: every record's unit is found (in parallel for the usual codes), and the
/// problems keep their lines and order — an unknown unit, a unit given twice (by the same code, and by
/// a code written with spaces around it, which reads as the same unit), each against its earlier line.
#[test]
fn values_file_units_keep_their_lines_and_order() {
    let n = 5_000;
    let mut units = String::from("code,name,category\n");
    let mut values = String::from("unit,so_may\n");
    for u in 0..n {
        units.push_str(&format!("X{u},Xã {u},xa\n"));
    }
    // Values file line k + 2 holds unit k, except for the lines planted below.
    let planted = [
        (1_200, "X99999,1"),
        (2_600, "X5,2"),
        (3_100, "\" X7 \",3"),
        (4_400, "X3100,4"),
    ];
    let mut next = 0;
    for line in 2..n + 2 + planted.len() {
        match planted.iter().find(|(l, _)| *l == line) {
            Some((_, text)) => values.push_str(text),
            None => {
                values.push_str(&format!("X{next},{}", next % 7));
                next += 1;
            }
        }
        values.push('\n');
    }
    let ps = data_problems(&units, &values);
    assert_eq!(
        ps,
        [
            "values.csv:1200:1: đơn vị 'X99999' không có trong danh sách đơn vị",
            "values.csv:2600:1: đơn vị 'X5' đã có ở dòng 7",
            "values.csv:3100:1: đơn vị 'X7' đã có ở dòng 9",
            "values.csv:4400:1: đơn vị 'X3100' đã có ở dòng 3105",
        ]
    );
}
