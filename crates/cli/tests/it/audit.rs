//! `egov audit` end to end: the seed's findings and exit codes, and egov's own annex audited in the
//! formats it publishes — clean except for what the data itself carries.

use std::collections::HashSet;

use serde_json::Value;

use super::cli::{HOABINH_JSON, egov};

#[test]
fn the_seed_has_findings_and_exit_status_1() {
    let (code, out, err) = egov(&[
        "audit",
        "tests/data/hoabinh-2870-QD-UBND-2019.txt",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 6);
    let findings = v["findings"].as_array().unwrap();
    for f in findings {
        for k in [
            "kind", "severity", "table", "unit", "line", "message", "expected", "found",
        ] {
            assert!(f.get(k).is_some(), "finding has {k}: {f}");
        }
    }
    let has = |kind: &str, unit: &str, line: u64| {
        findings
            .iter()
            .any(|f| f["kind"] == kind && f["unit"] == unit && f["line"] == line)
    };
    assert!(has("cross_table_mismatch", "Sở Nông nghiệp và PTNT", 99));
    assert!(has("sum_mismatch", "Sở Y tế", 427));
    assert!(has("rank_not_integer", "Sở Văn hóa, TT và DL", 266));
    // The report in Vietnamese, one line per finding, in document order.
    let (code, text, _) = egov(&["audit", "tests/data/hoabinh-2870-QD-UBND-2019.txt"]);
    assert_eq!(code, 1);
    let lines: Vec<u64> = text
        .lines()
        .filter(|l| l.starts_with('['))
        .filter_map(|l| l.split("dòng ").nth(1)?.split(',').next()?.parse().ok())
        .collect();
    assert!(
        lines.len() >= 40 && lines.windows(2).all(|w| w[0] <= w[1]),
        "document order: {lines:?}"
    );
    let (_, en, _) = egov(&[
        "audit",
        "tests/data/hoabinh-2870-QD-UBND-2019.txt",
        "--lang",
        "en",
    ]);
    assert!(en.contains("line 427"), "English report");
}

#[test]
fn unreadable_input_is_exit_status_2() {
    let dir = std::env::temp_dir().join(format!("egov-audit-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.docx");
    std::fs::write(&bad, b"PK\x03\x04 not really a zip").unwrap();
    let (code, _, err) = egov(&["audit", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.docx"), "{err}");
    let (code, _, err) = egov(&["audit", dir.join("missing.txt").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = egov(args);
    assert!(code == 0 || code == 1, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// egov's annex, written as Markdown and as HTML, imported back and audited with its edition. What the
/// audit may still say must come from the data: an aggregate the dataset gives directly that disagrees
/// with its children (the engine's own notes), the same value printed at two precisions, a value the
/// dataset leaves empty — or, for Hòa Bình, the decision's own choice (kept by the edition so that the
/// annex reproduces it) to rank the unranked block in the readiness table.
#[test]
fn our_own_annex_audits_clean_except_for_what_the_data_carries() {
    let shipped = [
        ("hoabinh-2019", "data/published/hoabinh-2019"),
        ("dti-2022-province", "data/examples/dti-2022"),
        ("commune-2392", "data/examples/commune-2392"),
    ];
    let dir = std::env::temp_dir().join(format!("egov-own-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (edition, data) in shipped {
        let scores = json(&[
            "score",
            "--edition",
            edition,
            "--data",
            data,
            "--format",
            "json",
        ]);
        let name_of = |code: &str| -> String {
            scores["units"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["code"] == code)
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // Units whose given aggregate disagrees with the sum of its children.
        let noted: HashSet<String> = scores["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| name_of(n["unit"].as_str().unwrap()))
            .collect();
        // Units with an empty value somewhere.
        let missing: HashSet<String> = scores["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| {
                u["nodes"]
                    .as_object()
                    .unwrap()
                    .values()
                    .any(|n| n["status"] == "missing")
            })
            .map(|u| u["name"].as_str().unwrap().to_string())
            .collect();
        // Units of Hòa Bình's block II (not ranked overall, ranked in the published readiness table).
        let unranked_block: HashSet<String> = scores["units"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["category"] == "so-khac")
            .map(|u| u["name"].as_str().unwrap().to_string())
            .collect();
        for format in ["markdown", "html", "csv", "xlsx"] {
            let file = dir.join(format!("{edition}.{format}"));
            let (code, _, err) = egov(&[
                "annex",
                "--edition",
                edition,
                "--data",
                data,
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
            let report = json(&[
                "audit",
                file.to_str().unwrap(),
                "--edition",
                edition,
                "--format",
                "json",
            ]);
            for f in report["findings"].as_array().unwrap() {
                let unit = f["unit"].as_str().unwrap_or_default().to_string();
                let inherited = match f["kind"].as_str().unwrap() {
                    "sum_mismatch" | "sum_rounding" | "edition_total" => noted.contains(&unit),
                    "cross_table_rounding" => f["severity"] == "info",
                    "blank_value" => missing.contains(&unit),
                    "ranked_inconsistently" => {
                        edition == "hoabinh-2019" && unranked_block.contains(&unit)
                    }
                    _ => false,
                };
                assert!(
                    inherited,
                    "{edition} as {format}: finding not explained by the data: {f}"
                );
            }
            if edition == "commune-2392" {
                assert_eq!(
                    report["findings"].as_array().unwrap().len(),
                    0,
                    "computed data audits clean"
                );
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// What `egov export` writes as open data (the long CSV, the workbook with its data sheet) comes back
/// through `egov import` as the same tables: same units, values, totals and ranks.
#[test]
fn exported_csv_and_workbook_import_back_to_the_annex() {
    let dir = std::env::temp_dir().join(format!("egov-longform-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, _, err) = egov(&[
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "csv,xlsx",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let annex = json(&HOABINH_JSON);
    let want = annex["tables"].as_array().unwrap();
    for file in ["hoabinh-2019.csv", "hoabinh-2019.xlsx"] {
        let got = json(&["import", dir.join(file).to_str().unwrap()]);
        let got = got["tables"].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{file}: six tables");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g["columns"], w["columns"], "{file}");
            let (gr, wr) = (g["rows"].as_array().unwrap(), w["rows"].as_array().unwrap());
            assert_eq!(gr.len(), wr.len(), "{file}: {}", w["id"]);
            for (a, b) in gr.iter().zip(wr) {
                for k in ["unit", "values", "total", "rank"] {
                    // Numbers compare as exact values (a spreadsheet keeps 27,0 as 27).
                    assert!(
                        same(&a[k], &b[k]),
                        "{file}: {} / {} / {k}: {} vs {}",
                        w["id"],
                        b["unit"],
                        a[k],
                        b[k]
                    );
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// JSON equality where numbers are compared as exact decimals, not by their text.
fn same(a: &Value, b: &Value) -> bool {
    use std::str::FromStr;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            rust_decimal::Decimal::from_str(&x.to_string()).ok()
                == rust_decimal::Decimal::from_str(&y.to_string()).ok()
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

#[test]
fn an_annex_with_units_not_submitted_audits_clean() {
    // Both policies mark the rank cell ("3 (không nộp)", "Không nộp"): the audit reads the marks, so
    // egov's own annex is not reported for rank cells that are not numbers or are blank.
    use super::excel_habits::{UNITS, setup};
    use super::hostile::egov_limited;
    let values = b"unit,A,B\nX1,5,5\nX2,1,1\n";
    for policy in ["zero", "unranked"] {
        let dir = setup(
            &format!("audit-not-submitted-{policy}"),
            &format!("[scoring]\nnot_submitted = \"{policy}\""),
            UNITS.as_bytes(),
            values,
            None,
        );
        let guard = std::time::Duration::from_secs(60);
        for (format, file) in [
            ("markdown", "a.md"),
            ("html", "a.html"),
            ("csv", "a.csv"),
            ("xlsx", "a.xlsx"),
            ("docx", "a.docx"),
        ] {
            let r = egov_limited(
                &dir,
                &[
                    "annex",
                    "--edition",
                    "ed.toml",
                    "--data",
                    "d",
                    "--format",
                    format,
                    "--out",
                    file,
                ],
                guard,
            );
            assert_eq!(r.code, Some(0), "{}", r.stderr);
            let r = egov_limited(&dir, &["audit", file], guard);
            assert_eq!(r.code, Some(0), "{policy} {format}: {}", r.stdout);
        }
    }
}

/// Numbered wards are different units. A table of "Phường 1", "Phường 2", "Phường 3" (with "Phường 11"
/// and "Phường I" beside them) and its category table audit clean: no duplicate unit, no name variant,
/// every row linked to its own row in the other table. If the name key lost digits or read a Roman
/// numeral as a number, the wards would merge and the audit would report duplicates and variants.
#[test]
fn numbered_wards_are_not_duplicates_or_variants() {
    const WARDS: [(&str, &str, &str, &str, &str, &str); 5] = [
        // unit, readiness = infrastructure + staff, results, total, rank
        ("Phường 1", "20,5", "10,0", "30,5", "40,0", "70,5"),
        ("Phường 2", "20,0", "10,0", "30,0", "38,5", "68,5"),
        ("Phường 3", "19,0", "10,0", "29,0", "35,0", "64,0"),
        ("Phường 11", "18,0", "9,0", "27,0", "33,0", "60,0"),
        ("Phường I", "15,0", "9,5", "24,5", "30,0", "54,5"),
    ];
    let mut md = String::from(
        "# Chỉ số và xếp hạng Chính quyền điện tử của các phường\n\n\
         | TT | Đơn vị | Điều kiện sẵn sàng | Kết quả đạt được | Tổng điểm | Xếp hạng |\n\
         |---|---|---|---|---|---|\n",
    );
    for (i, (unit, _, _, ready, results, total)) in WARDS.iter().enumerate() {
        let n = i + 1;
        md.push_str(&format!(
            "| {n} | {unit} | {ready} | {results} | {total} | {n} |\n"
        ));
    }
    md.push_str(
        "\n## 1. Chỉ số nhóm tiêu chí điều kiện sẵn sàng\n\n\
         | TT | Đơn vị | Hạ tầng | Nhân lực | Tổng điểm | Xếp hạng |\n\
         |---|---|---|---|---|---|\n",
    );
    for (i, (unit, infra, staff, ready, _, _)) in WARDS.iter().enumerate() {
        let n = i + 1;
        md.push_str(&format!(
            "| {n} | {unit} | {infra} | {staff} | {ready} | {n} |\n"
        ));
    }
    let dir = std::env::temp_dir().join(format!("egov-audit-wards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clean = dir.join("wards.md");
    std::fs::write(&clean, &md).unwrap();
    let (code, out, err) = egov(&["audit", clean.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "no findings: {out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{out}");
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2);
    for t in tables {
        let units: Vec<&str> = t["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["unit"].as_str().unwrap())
            .collect();
        assert_eq!(
            units,
            ["Phường 1", "Phường 2", "Phường 3", "Phường 11", "Phường I"]
        );
    }

    // The same check sees a real duplicate: "Phường 2" printed twice.
    let dup = dir.join("dup.md");
    std::fs::write(&dup, md.replace("| 3 | Phường 3 |", "| 3 | Phường 2 |")).unwrap();
    let (code, out, _) = egov(&["audit", dup.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "duplicate_unit" && f["unit"] == "Phường 2"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
