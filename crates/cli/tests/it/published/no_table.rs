//! Never a silent nothing (#12): `egov import` and `egov audit` on a document in which no table is found
//! exit 2 saying what they saw, `audit --format json` still writes its document with the reason, and no
//! file on which import finds no table exits 0.

use crate::cli::egov;

/// Documents of every text form, some with a readable table and some without.
const CASES: &[(&str, &str)] = &[
    ("empty.txt", ""),
    (
        "prose.txt",
        "Quyết định\n\nCông bố kết quả.\n\nNơi nhận: như trên.\n",
    ),
    ("cells-no-unit.txt", "\tA\n\tB\n\n\t1\n\t2\n"),
    (
        "heading-only.txt",
        "Bảng 1\n\tTT\n\tĐơn vị\n\tTổng điểm\n\tXếp hạng\n\n",
    ),
    (
        "cut-first-row.txt",
        "Bảng 1\n\tTT\n\tĐơn vị\n\tTổng điểm\n\tXếp hạng\n\n\t1\n\tSở Y\n",
    ),
    (
        "no-table.html",
        "<html><body><p>Không có bảng</p><table></table></body></html>",
    ),
    ("words.html", "<table><tr><td>a</td><td>b</td></tr></table>"),
    ("pipes.md", "| a | b |\n|---|---|\n| x | y |\n"),
    ("bars.md", "|\n|\n||\n"),
    ("numbers.csv", "1,2,3\n4,5,6\n"),
    ("one-list-line.txt", "1. Sở Y tế – 74,4\n"),
    (
        "table.txt",
        "Bảng 1\n\tTT\n\tĐơn vị\n\tTổng điểm\n\tXếp hạng\n\n\t1\n\tSở Y tế\n\t74,4\n\t1\n\n",
    ),
    (
        "table.md",
        "| TT | Đơn vị | Tổng điểm | Xếp hạng |\n|---|---|---|---|\n| 1 | Sở Y tế | 74,4 | 1 |\n",
    ),
    ("list.txt", "1. Sở Y tế – 74,4\n2. Sở Nội vụ – 63,2\n"),
];

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-no-table-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether an import's JSON holds a table with at least one row.
fn has_rows(json: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(json).expect("import writes JSON");
    v["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .any(|t| t["rows"].as_array().is_some_and(|r| !r.is_empty()))
}

#[test]
fn import_exits_0_only_with_a_table() {
    let dir = scratch();
    let mut with = 0;
    for (name, text) in CASES {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let p = path.to_str().unwrap();
        let (code, out, err) = egov(&["import", p]);
        match code {
            0 => {
                assert!(has_rows(&out), "{name}: exit 0 without a table:\n{out}");
                with += 1;
            }
            2 => {
                assert!(out.is_empty(), "{name}: nothing on stdout on exit 2: {out}");
                assert!(
                    err.contains("thấy ") || err.contains("không có đoạn văn"),
                    "{name}: the message says what was seen: {err}"
                );
            }
            c => panic!("{name}: exit {c}: {err}"),
        }
    }
    assert_eq!(with, 3, "the three documents with a table import");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audit_says_what_it_saw_and_json_keeps_its_document() {
    let dir = scratch().join("audit");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("prose.txt");
    std::fs::write(&path, "Đoạn một.\n\nĐoạn hai.\n\n1. Chỉ một dòng – 5\n").unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = egov(&["audit", p]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("thấy 3 đoạn văn và 0 bảng ô"), "{err}");
    let (code, out, err) = egov(&["audit", p, "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("the JSON document on exit 2");
    assert_eq!(v["tables"], serde_json::json!([]));
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["error"]["kind"], "no_table");
    assert_eq!(v["error"]["seen"]["paragraphs"], 3);
    let en = v["error"]["message_en"].as_str().unwrap();
    assert!(
        en.starts_with("found 3 paragraphs and 0 cell grids"),
        "{en}"
    );
    let (code, _, err) = egov(&["--lang", "en", "audit", p]);
    assert_eq!(code, 2);
    assert!(err.contains("found 3 paragraphs"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audit_json_is_written_for_any_input_it_cannot_use() {
    let (code, out, err) = egov(&["audit", "no/such/file.txt", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("the JSON document on exit 2");
    assert_eq!(v["error"]["kind"], "input");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/file.txt"),
        "{v}"
    );
    assert!(err.contains("no/such/file.txt"), "{err}");
    let (code, out, _) = egov(&[
        "audit",
        "crates/import/tests/corpus/hue-2021-cchc-so.txt",
        "--edition",
        "no-such-edition",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["error"]["kind"], "input");
}
