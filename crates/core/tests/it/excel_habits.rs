//! Data as a province types it in Excel, read right or refused clearly: numbers in the dataset's style
//! (`1.500` is one thousand five hundred with a decimal comma, one and a half with a decimal point, and
//! an error naming both readings when nothing says which), every unit accounted for (or marked as not
//! submitted when the edition's policy says so), CSV with `;` or tab separators, a byte-order mark,
//! `\r\n` line ends, and an unclosed quote reported where it opens.

use egov_core::Lang;
use egov_core::annex;
use egov_core::dataset::DataError;
use egov_core::engine;
use egov_core::num::NumberStyle;
use egov_core::table::RankCell;

use super::*;

const EDITION: &str = r#"
id = "thu-excel"
title = "Thử thói quen Excel"
year = 2025

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "cap-xa"
name = "Cấp xã"
categories = ["xa"]

[[input]]
id = "kinh_phi"
name = "Kinh phí (triệu đồng)"
type = "number"
min = 0

[[criterion]]
code = "A"
name = "Điểm A"
max = 10

[[criterion]]
code = "B"
name = "Điểm B"
max = 10

[annex]

[[annex.table]]
id = "tong-hop"
title = "Tổng hợp"
columns = ["A", "B"]

[[annex.table.section]]
blocks = ["cap-xa"]
"#;

const UNITS: &str = "code,name,category\nX1,Xã Một,xa\nX2,Xã Hai,xa\nX3,Xã Ba,xa\nX4,Xã Bốn,xa\n";

fn read(units: &str, values: &str, style: Option<NumberStyle>) -> Result<Dataset, DataError> {
    read_with(&edition(EDITION), units, values, style)
}

fn read_with(
    ed: &Edition,
    units: &str,
    values: &str,
    style: Option<NumberStyle>,
) -> Result<Dataset, DataError> {
    Dataset::from_csv(
        ed,
        Source {
            name: "units.csv",
            text: units,
        },
        Source {
            name: "values.csv",
            text: values,
        },
        DatasetMeta {
            number_style: style,
            ..DatasetMeta::default()
        },
    )
}

fn kinh_phi(data: &Dataset, unit: &str) -> Decimal {
    let ed = edition(EDITION);
    let i = ed.input("kinh_phi").expect("input");
    data.input(data.unit_index(unit).expect("unit"), i)
        .number()
        .expect("a number")
}

#[test]
fn a_lone_three_digit_group_follows_the_declared_style() {
    let values = "unit,kinh_phi\nX1,1.500\nX2,\"2,500\"\nX3,1.500.000\nX4,7\n";
    let comma = read(UNITS, values, Some(NumberStyle::DecimalComma)).unwrap();
    assert_eq!(kinh_phi(&comma, "X1"), d("1500"));
    assert_eq!(kinh_phi(&comma, "X2"), d("2.500"));
    assert_eq!(kinh_phi(&comma, "X3"), d("1500000"));
    let point = read(UNITS, values, Some(NumberStyle::DecimalPoint)).unwrap();
    assert_eq!(kinh_phi(&point, "X1"), d("1.500"));
    assert_eq!(kinh_phi(&point, "X2"), d("2500"));
    assert_eq!(kinh_phi(&point, "X3"), d("1500000"));
    assert_eq!(point.read_as.number_style, Some(NumberStyle::DecimalPoint));
    assert!(point.read_as.style_declared);
}

#[test]
fn the_style_is_shown_by_the_other_cells() {
    // `7,5` can only be a decimal comma: `1.500` is then one thousand five hundred.
    let data = read(
        UNITS,
        "unit,kinh_phi,A\nX1,1.500,\"7,5\"\nX2,1,2\nX3,1,2\nX4,1,2\n",
        None,
    )
    .unwrap();
    assert_eq!(kinh_phi(&data, "X1"), d("1500"));
    assert_eq!(data.read_as.number_style, Some(NumberStyle::DecimalComma));
    assert!(!data.read_as.style_declared);
    // `0.25` can only be a decimal point: `1.500` is one and a half, wherever the showing cell is.
    let data = read(
        UNITS,
        "unit,kinh_phi\nX1,1.500\nX2,1\nX3,1\nX4,0.25\n",
        None,
    )
    .unwrap();
    assert_eq!(kinh_phi(&data, "X1"), d("1.500"));
    // The long form and the wide form read alike.
    let long = "unit,key,value\nX1,kinh_phi,1.500\nX2,kinh_phi,0.25\nX3,A,1\nX4,A,1\n";
    assert_eq!(
        kinh_phi(&read(UNITS, long, None).unwrap(), "X1"),
        d("1.500")
    );
}

#[test]
fn an_undecidable_cell_is_an_error_giving_both_readings_and_how_to_declare() {
    for (values, why) in [
        (
            "unit,kinh_phi\nX1,1.500\nX2,1\nX3,1\nX4,1\n",
            "không ô số nào khác",
        ),
        // Both styles shown by other cells: still undecided.
        (
            "unit,kinh_phi,A\nX1,1.500,\"7,5\"\nX2,0.25,1\nX3,1,1\nX4,1,1\n",
            "có ô dùng dấu phẩy thập phân, có ô dùng dấu chấm",
        ),
    ] {
        let e = read(UNITS, values, None).unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        let p = &e.problems[0];
        assert_eq!(
            (p.file.as_str(), p.line, p.column),
            ("values.csv", 2, 4),
            "{e}"
        );
        for part in [
            "đơn vị X1, cột 'kinh_phi'",
            "\"1.500\" đọc được hai cách: 1500 nếu dấu phẩy là dấu thập phân",
            "hoặc 1,500 nếu dấu chấm là dấu thập phân",
            why,
            "number_style = \"decimal-comma\" hoặc \"decimal-point\" trong dataset.toml",
        ] {
            assert!(p.message.contains(part), "{part:?} not in {}", p.message);
        }
    }
}

#[test]
fn json_numbers_are_exact_and_text_follows_the_declared_style() {
    let ed = edition(EDITION);
    let json = r#"{"number_style": "decimal-comma",
        "units": [{"code": "X1", "name": "Xã Một", "category": "xa"}, {"code": "X2", "name": "Xã Hai", "category": "xa"}],
        "values": {"X1": {"kinh_phi": 1.500}, "X2": {"kinh_phi": "1.500"}}}"#;
    let data = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: json,
        },
    )
    .unwrap();
    assert_eq!(kinh_phi(&data, "X1"), d("1.500"));
    assert_eq!(kinh_phi(&data, "X2"), d("1500"));
    let bad = json.replace("decimal-comma", "vietnam");
    let e = Dataset::from_json(
        &ed,
        Source {
            name: "d.json",
            text: &bad,
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("d.json:1:2: \"number_style\" \"vietnam\" không có"),
        "{e}"
    );
}

#[test]
fn a_values_file_covering_one_unit_of_four_is_refused_naming_the_other_three() {
    let e = read(UNITS, "unit,A\nX2,5\nX3,\n", None).unwrap_err();
    let places: Vec<(&str, usize, usize)> = e
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.line, p.column))
        .collect();
    assert_eq!(
        places,
        [
            ("units.csv", 2, 1),
            ("units.csv", 4, 1),
            ("units.csv", 5, 1)
        ],
        "{e}"
    );
    for (p, unit) in e
        .problems
        .iter()
        .zip(["'X1' (Xã Một)", "'X3' (Xã Ba)", "'X4' (Xã Bốn)"])
    {
        assert!(
            p.message.contains(&format!(
                "đơn vị {unit} không có giá trị nào trong values.csv"
            )),
            "{p}"
        );
        assert!(p.message.contains("not_submitted = \"zero\""), "{p}");
    }
    // "Không áp dụng" is a value: the unit said something.
    read(
        UNITS,
        "unit,A,B\nX1,Không áp dụng,\nX2,1,\nX3,1,\nX4,1,\n",
        None,
    )
    .unwrap();
}

fn with_policy(policy: &str) -> Edition {
    edition(&EDITION.replace(
        "year = 2025\n",
        &format!("year = 2025\n\n[scoring]\nnot_submitted = \"{policy}\"\n"),
    ))
}

#[test]
fn not_submitted_zero_scores_zero_ranked_last_and_the_annex_says_so() {
    let ed = with_policy("zero");
    let data = read_with(&ed, UNITS, "unit,A,B\nX1,5,5\nX2,1,1\n", None).unwrap();
    assert_eq!(data.not_submitted().collect::<Vec<_>>(), [2, 3]);
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let rows = &annex.tables[0].rows;
    let shown: Vec<(&str, RankCell, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.unit_code.as_deref().unwrap(),
                r.rank.clone(),
                r.not_submitted,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("X1", RankCell::Ranked(1), false),
            ("X2", RankCell::Ranked(2), false),
            ("X3", RankCell::Ranked(3), true),
            ("X4", RankCell::Ranked(3), true),
        ]
    );
    assert_eq!(rows[2].total.cell.number(), Some(d("0.00")));
    let json = annex.to_json().to_string();
    assert_eq!(
        json.matches("\"status\":\"not_submitted\"").count(),
        2,
        "{json}"
    );
    // The compact writer, which serialises rows separately, says the same.
    let compact = String::from_utf8(annex.to_json_compact().unwrap()).unwrap();
    assert_eq!(
        compact.matches("\"status\":\"not_submitted\"").count(),
        2,
        "{compact}"
    );
}

#[test]
fn not_submitted_unranked_is_listed_without_points_or_rank() {
    let ed = with_policy("unranked");
    let data = read_with(&ed, UNITS, "unit,A,B\nX1,5,5\nX2,1,1\n", None).unwrap();
    let scores = engine::score(&ed, &data);
    let annex = annex::build(&ed, &data, &scores, Lang::Vi);
    let rows = &annex.tables[0].rows;
    let x3 = rows
        .iter()
        .find(|r| r.unit_code.as_deref() == Some("X3"))
        .unwrap();
    assert_eq!(x3.rank, RankCell::Unranked);
    assert!(x3.not_submitted);
    assert_eq!(x3.total.cell.number(), None);
    assert!(x3.values.iter().all(|v| v.cell.number().is_none()));
    assert_eq!(rows[1].rank, RankCell::Ranked(2));
    let v = annex.to_json();
    let x3 = v["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_code"] == "X3")
        .unwrap();
    assert_eq!(
        (&x3["rank"], &x3["status"]),
        (
            &serde_json::Value::Null,
            &serde_json::json!("not_submitted")
        )
    );
}

#[test]
fn an_unknown_policy_is_refused_at_its_place() {
    let e = Edition::from_toml(
        &EDITION.replace(
            "year = 2025\n",
            "year = 2025\n[scoring]\nnot_submitted = \"skip\"\n",
        ),
        "t.toml",
    )
    .unwrap_err();
    assert!(e.to_string().contains("t.toml:6:17"), "{e}");
    assert!(
        e.to_string()
            .contains("'skip' không có (error, zero, unranked)"),
        "{e}"
    );
}

#[test]
fn semicolon_and_tab_files_are_read_as_excel_writes_them() {
    let comma = read(
        UNITS,
        "unit,kinh_phi,A\nX1,\"27,5\",\"8,5\"\nX2,1,2\nX3,1,2\nX4,1,2\n",
        None,
    )
    .unwrap();
    for sep in [";", "\t"] {
        let units = UNITS.replace(',', sep);
        let values = format!(
            "unit{sep}kinh_phi{sep}A\nX1{sep}27,5{sep}8,5\nX2{sep}1{sep}2\nX3{sep}1{sep}2\nX4{sep}1{sep}2\n"
        );
        let data = read(&units, &values, None).unwrap_or_else(|e| panic!("{sep:?}: {e}"));
        assert_eq!(kinh_phi(&data, "X1"), d("27.5"));
        assert_eq!(data.given(0, 1), comma.given(0, 1));
        let sep = sep.chars().next();
        assert_eq!(
            (data.read_as.units_separator, data.read_as.values_separator),
            (sep, sep)
        );
        // Columns in messages count the separator's cells.
        let bad = values.replace("X3", "X9");
        let e = read(&units, &bad, None).unwrap_err();
        assert!(
            e.to_string()
                .contains("values.csv:4:1: đơn vị 'X9' không có trong danh sách"),
            "{e}"
        );
        let bad = values.replace("8,5", "abc");
        let e = read(&units, &bad, None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("values.csv:2:9: đơn vị X1, cột 'A'"),
            "{e}"
        );
    }
}

#[test]
fn a_byte_order_mark_and_crlf_are_fine() {
    let units = format!("\u{feff}{}", UNITS.replace('\n', "\r\n"));
    let values = "\u{feff}unit;A\r\nX1;1\r\nX2;2\r\nX3;3\r\nX4;bốn\r\n";
    let e = read(&units, values, None).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("values.csv:5:4: đơn vị X4, cột 'A'"),
        "{e}"
    );
    let data = read(&units, &values.replace("bốn", "4"), None).unwrap();
    assert_eq!(data.units.len(), 4);
    assert_eq!(data.read_as.values_separator, Some(';'));
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    // At the end of the file, the csv reader would take the rest silently as one cell.
    let e = read(UNITS, "unit,A,B\nX1,1,2\nX2,1,2\nX3,1,2\nX4,1,\"2\n", None).unwrap_err();
    assert_eq!((e.problems[0].line, e.problems[0].column), (5, 6), "{e}");
    assert!(
        e.problems[0]
            .message
            .contains("dấu ngoặc kép mở ô ở đây không được đóng"),
        "{e}"
    );
    // In the middle of a file, in the long form, in the units file.
    let e = read(UNITS, "unit,key,value\nX1,A,\"1\nX2,A,1\n", None).unwrap_err();
    assert_eq!(
        (
            e.problems[0].file.as_str(),
            e.problems[0].line,
            e.problems[0].column
        ),
        ("values.csv", 2, 6),
        "{e}"
    );
    let units = "code,name,category\nX1,\"Xã Một,xa\nX2,Xã Hai,xa\n";
    let e = read(units, "unit,A\nX1,1\nX2,1\n", None).unwrap_err();
    assert_eq!(
        (
            e.problems[0].file.as_str(),
            e.problems[0].line,
            e.problems[0].column
        ),
        ("units.csv", 2, 4),
        "{e}"
    );
}

#[test]
fn an_edition_without_annex_tables_says_it_cannot_publish() {
    let ed = edition(EDITION);
    assert_eq!(ed.annex_missing(), None);
    let bare = edition(&EDITION[..EDITION.find("[annex]").unwrap()]);
    let m = bare.annex_missing().expect("a message");
    assert!(
        m.contains("bộ chỉ số thu-excel không có bảng phụ lục nào ([[annex.table]])"),
        "{m}"
    );
}
