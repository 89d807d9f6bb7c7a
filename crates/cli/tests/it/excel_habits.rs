//! Through the binary: data a province types in Excel, read right or refused clearly. Numbers in the
//! dataset's style, every unit accounted for (or marked as not submitted), CSV with `;` or tab separators
//! reported by `validate`, a byte-order mark and `\r\n`, UTF-16 and Windows-1258 files refused with the
//! "CSV UTF-8" advice, an unclosed quote at its line, a blank entry form refused, an edition without
//! annex tables refused by `annex`/`export` and warned about by `score`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::hostile::{Run, egov_limited, scratch};

pub(crate) const EDITION: &str = r#"
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
max = 100

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

pub(crate) const UNITS: &str =
    "code,name,category\nX1,Xã Một,xa\nX2,Xã Hai,xa\nX3,Xã Ba,xa\nX4,Xã Bốn,xa\n";

/// A scratch folder with `ed.toml` (the edition with `extra` after its year) and a dataset `d/`.
pub(crate) fn setup(
    name: &str,
    extra: &str,
    units: &[u8],
    values: &[u8],
    meta: Option<&str>,
) -> PathBuf {
    let dir = scratch(&format!("excel-{name}"));
    let ed = EDITION.replace("year = 2025\n", &format!("year = 2025\n{extra}\n"));
    std::fs::write(dir.join("ed.toml"), ed).unwrap();
    std::fs::create_dir_all(dir.join("d")).unwrap();
    std::fs::write(dir.join("d/units.csv"), units).unwrap();
    std::fs::write(dir.join("d/values.csv"), values).unwrap();
    if let Some(m) = meta {
        std::fs::write(dir.join("d/dataset.toml"), m).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> Run {
    egov_limited(dir, args, Duration::from_secs(60))
}

fn validate(dir: &Path) -> Run {
    run(dir, &["validate", "--edition", "ed.toml", "--data", "d"])
}

#[test]
fn a_lone_three_digit_group_is_read_by_the_style_or_refused_with_both_readings() {
    let values = b"unit,kinh_phi,A\nX1,1.500,5\nX2,2,5\nX3,3,5\nX4,4,5\n";
    let dir = setup("style-none", "", UNITS.as_bytes(), values, None);
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    for part in [
        "d/values.csv:2:4: đơn vị X1, cột 'kinh_phi': \"1.500\" đọc được hai cách: 1500",
        "hoặc 1,500 nếu dấu chấm là dấu thập phân",
        "number_style = \"decimal-comma\" hoặc \"decimal-point\" trong dataset.toml",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }
    // Read as one thousand five hundred it is above the input's maximum of 100; as one and a half, fine.
    for (style, code) in [("decimal-comma", 2), ("decimal-point", 0)] {
        let meta = format!("number_style = \"{style}\"\n");
        let dir = setup(style, "", UNITS.as_bytes(), values, Some(&meta));
        let r = validate(&dir);
        assert_eq!(r.code, Some(code), "{style}: {}", r.stderr);
        if code == 0 {
            assert!(
                r.stdout
                    .contains("dấu chấm thập phân (1.500 = một phẩy năm), khai báo"),
                "{}",
                r.stdout
            );
        } else {
            assert!(
                r.stderr.contains("giá trị 1.500 lớn hơn mức tối đa 100"),
                "{}",
                r.stderr
            );
        }
    }
    // A cell that shows the style decides it; validate says so.
    let values = b"unit,kinh_phi,A\nX1,1.500,5\nX2,0.25,5\nX3,3,5\nX4,4,5\n";
    let dir = setup("style-shown", "", UNITS.as_bytes(), values, None);
    let r = validate(&dir);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("số viết với dấu chấm thập phân (1.500 = một phẩy năm), suy ra từ các ô"),
        "{}",
        r.stdout
    );
    // A style that does not exist is refused at its line.
    let dir = setup(
        "style-bad",
        "",
        UNITS.as_bytes(),
        values,
        Some("title = \"x\"\nnumber_style = \"vn\"\n"),
    );
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("d/dataset.toml:2:1: number_style = \"vn\" không có"),
        "{}",
        r.stderr
    );
}

#[test]
fn one_unit_of_four_is_refused_naming_the_other_three() {
    let dir = setup("cover", "", UNITS.as_bytes(), b"unit,A,B\nX2,5,5\n", None);
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    for (line, unit) in [
        (2, "'X1' (Xã Một)"),
        (4, "'X3' (Xã Ba)"),
        (5, "'X4' (Xã Bốn)"),
    ] {
        let want =
            format!("d/units.csv:{line}:1: đơn vị {unit} không có giá trị nào trong d/values.csv");
        assert!(r.stderr.contains(&want), "{want:?} not in {}", r.stderr);
    }
    assert!(!r.stderr.contains("'X2'"), "{}", r.stderr);
}

#[test]
fn not_submitted_units_are_shown_in_the_annex_as_the_policy_says() {
    let values = b"unit,A,B\nX1,5,5\nX2,1,1\n";
    let zero = setup(
        "zero",
        "[scoring]\nnot_submitted = \"zero\"",
        UNITS.as_bytes(),
        values,
        None,
    );
    let r = validate(&zero);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "2 đơn vị không nộp giá trị nào, tính 0 điểm và xếp cuối theo bộ chỉ số: X3, X4"
        ),
        "{}",
        r.stdout
    );
    let annex = |dir: &Path, format: &str| {
        let r = run(
            dir,
            &[
                "annex",
                "--edition",
                "ed.toml",
                "--data",
                "d",
                "--format",
                format,
            ],
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout
    };
    let text = annex(&zero, "text");
    let x3 = text
        .lines()
        .find(|l| l.contains("Xã Ba"))
        .expect("X3's row");
    assert!(
        x3.contains("0,00") && x3.contains("3 (không nộp)"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&annex(&zero, "json")).unwrap();
    let rows = json["tables"][0]["rows"].as_array().unwrap();
    let x3 = rows.iter().find(|r| r["unit_code"] == "X3").unwrap();
    assert_eq!(
        (x3["rank"].as_u64(), x3["status"].as_str()),
        (Some(3), Some("not_submitted"))
    );
    let x1 = rows.iter().find(|r| r["unit_code"] == "X1").unwrap();
    assert!(x1.get("status").is_none(), "{x1}");

    let unranked = setup(
        "unranked",
        "[scoring]\nnot_submitted = \"unranked\"",
        UNITS.as_bytes(),
        values,
        None,
    );
    let text = annex(&unranked, "text");
    let x4 = text
        .lines()
        .find(|l| l.contains("Xã Bốn"))
        .expect("X4's row");
    assert!(x4.contains("Không nộp") && !x4.contains("0,00"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&annex(&unranked, "json")).unwrap();
    let x4 = json["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_code"] == "X4")
        .unwrap()
        .clone();
    assert_eq!(
        (x4["rank"].clone(), x4["status"].as_str()),
        (serde_json::Value::Null, Some("not_submitted"))
    );
    // `egov rank` leaves them out of the ranking too.
    let r = run(&unranked, &["rank", "--edition", "ed.toml", "--data", "d"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("Xã Bốn"), "{}", r.stdout);
}

#[test]
fn a_blank_entry_form_is_refused() {
    let dir = setup(
        "blank-form",
        "",
        UNITS.as_bytes(),
        b"unit,A\nX1,1\nX2,1\nX3,1\nX4,1\n",
        None,
    );
    let r = run(
        &dir,
        &[
            "template",
            "--edition",
            "ed.toml",
            "--units",
            "d/units.csv",
            "--out",
            "mau.xlsx",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(
        &dir,
        &[
            "import-values",
            "mau.xlsx",
            "--edition",
            "ed.toml",
            "--out",
            "back",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("mau.xlsx: biểu mẫu chưa có giá trị nào"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("back").exists());
    let r = run(
        &dir,
        &["template", "--edition", "ed.toml", "--out", "trong.xlsx"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(
        &dir,
        &[
            "import-values",
            "trong.xlsx",
            "--edition",
            "ed.toml",
            "--out",
            "back",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("biểu mẫu chưa có giá trị nào"),
        "{}",
        r.stderr
    );
    // A filled form round-trips, its numbers exact (Excel's number cells are read as written).
    let r = run(
        &dir,
        &[
            "template",
            "--edition",
            "ed.toml",
            "--units",
            "d",
            "--out",
            "day.xlsx",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(
        &dir,
        &[
            "import-values",
            "day.xlsx",
            "--edition",
            "ed.toml",
            "--out",
            "back",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let meta = std::fs::read_to_string(dir.join("back/dataset.toml")).unwrap();
    assert!(meta.contains("number_style = \"decimal-comma\""), "{meta}");
}

#[test]
fn semicolon_and_tab_files_are_read_and_the_separator_reported() {
    for (sep, shown) in [(";", "';'"), ("\t", "tab")] {
        let units = UNITS.replace(',', sep);
        let values = format!(
            "unit{sep}kinh_phi{sep}A\nX1{sep}27,5{sep}7,5\nX2{sep}1{sep}2\nX3{sep}1{sep}2\nX4{sep}1{sep}2\n"
        );
        let dir = setup(
            &format!("sep-{}", sep.len() + sep.as_bytes()[0] as usize),
            "",
            units.as_bytes(),
            values.as_bytes(),
            None,
        );
        let r = validate(&dir);
        assert_eq!(r.code, Some(0), "{sep:?}: {}", r.stderr);
        assert!(
            r.stdout
                .contains(&format!("d: hợp lệ — 4 đơn vị; dấu phân cách cột {shown}")),
            "{}",
            r.stdout
        );
        let r = run(&dir, &["score", "--edition", "ed.toml", "--data", "d"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(
            r.stdout
                .lines()
                .any(|l| l.contains("Xã Một") && l.contains("7,50")),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn a_byte_order_mark_and_crlf_are_fine() {
    let units = format!("\u{feff}{}", UNITS.replace('\n', "\r\n"));
    let values = "\u{feff}unit;A\r\nX1;1\r\nX2;2\r\nX3;3\r\nX4;bốn\r\n";
    let dir = setup("bom", "", units.as_bytes(), values.as_bytes(), None);
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("d/values.csv:5:4: đơn vị X4, cột 'A'"),
        "{}",
        r.stderr
    );
    std::fs::write(dir.join("d/values.csv"), values.replace("bốn", "4")).unwrap();
    let r = validate(&dir);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn utf16_and_windows_1258_files_are_refused_with_the_advice() {
    // UTF-16 as Excel's "Unicode Text" writes it: a byte-order mark, then two bytes a character.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(UNITS.encode_utf16().flat_map(u16::to_le_bytes));
    // Without the mark too (zero bytes in every other place).
    let bare: Vec<u8> = "unit,A\nX1,1\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for (name, units, values) in [
        ("utf16-bom", utf16.as_slice(), b"unit,A\n".as_slice()),
        ("utf16-bare", UNITS.as_bytes(), bare.as_slice()),
    ] {
        let dir = setup(name, "", units, values, None);
        let r = validate(&dir);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("bảng mã UTF-16"), "{}", r.stderr);
        assert!(
            r.stderr.contains("\"CSV UTF-8 (Comma delimited)\""),
            "{}",
            r.stderr
        );
    }
    // "Xã Một" in Windows-1258: ã is 0xE3, Ộ is O (0x4F) with the combining dot below (0xF2) and â.
    let cp1258 = b"code,name,category\nX1,X\xE3 M\xD4\xF2t,xa\n";
    let dir = setup("cp1258", "", cp1258, b"unit,A\nX1,1\n", None);
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    for part in [
        "d/units.csv:2:5: tệp không phải văn bản UTF-8",
        "Windows-1258",
        "\"CSV UTF-8 (Comma delimited)\"",
    ] {
        assert!(r.stderr.contains(part), "{part:?} not in {}", r.stderr);
    }
}

#[test]
fn an_unclosed_quote_is_reported_at_its_line() {
    let dir = setup(
        "quote",
        "",
        UNITS.as_bytes(),
        b"unit,A,B\nX1,1,2\nX2,1,2\nX3,1,2\nX4,1,\"2\n",
        None,
    );
    let r = validate(&dir);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("d/values.csv:5:6: dấu ngoặc kép mở ô ở đây không được đóng"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_edition_without_annex_tables_cannot_publish() {
    let bare = &EDITION[..EDITION.find("[annex]").unwrap()];
    let dir = setup(
        "no-annex",
        "",
        UNITS.as_bytes(),
        b"unit,A\nX1,1\nX2,1\nX3,1\nX4,1\n",
        None,
    );
    std::fs::write(dir.join("ed.toml"), bare).unwrap();
    for args in [
        &["annex", "--edition", "ed.toml", "--data", "d"][..],
        &[
            "export",
            "--edition",
            "ed.toml",
            "--data",
            "d",
            "--format",
            "docx",
            "--out",
            "ra",
        ][..],
    ] {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("không có bảng phụ lục nào ([[annex.table]])"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{}", r.stdout);
    }
    assert!(!dir.join("ra").exists());
    for args in [
        &["score", "--edition", "ed.toml", "--data", "d"][..],
        &["validate", "--edition", "ed.toml"][..],
    ] {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("cảnh báo: bộ chỉ số thu-excel không có bảng phụ lục nào"),
            "{}",
            r.stderr
        );
    }
}
