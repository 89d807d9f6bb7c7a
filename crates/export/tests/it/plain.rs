//! Text, Markdown, CSV, JSON and HTML: snapshots of the whole output plus checks that do not depend on
//! the snapshot (NFC names, decimal comma, alignment by characters, escaping, CSV read back).

use egov_core::text;
use egov_export::{DecisionInfo, Format, Lang, RenderOptions, render};
use insta::assert_snapshot;

use crate::fixture::{self, NFD_UNIT, NFD_UNRANKED};

fn string(format: Format, opts: &RenderOptions) -> String {
    String::from_utf8(render(&fixture::annex(), format, opts).unwrap()).unwrap()
}

#[test]
fn text_vi() {
    let out = string(Format::Text, &RenderOptions::default());
    assert_snapshot!(out);
}

#[test]
fn text_en_with_decision() {
    let opts = RenderOptions {
        lang: Lang::En,
        decision: Some(DecisionInfo {
            number: "12/QĐ-UBND".into(),
            date: "05/01/2020".into(),
            issuer: Some("Chủ tịch Ủy ban nhân dân tỉnh".into()),
        }),
        ..Default::default()
    };
    let out = string(Format::Text, &opts);
    assert!(out.contains(
        "(Issued with Decision No. 12/QĐ-UBND dated 05/01/2020 of Chủ tịch Ủy ban nhân dân tỉnh)"
    ));
    assert!(
        !out.contains("2870/QĐ-UBND"),
        "the annex's own decision line is replaced"
    );
    assert!(out.contains("Not evaluated") && !out.contains("Không đánh giá"));
    assert!(out.contains("1234.50") && !out.contains("1.234,50"));
    assert_snapshot!(out);
}

#[test]
fn text_columns_align_by_characters() {
    let out = string(Format::Text, &RenderOptions::default());
    // Every unit line of the first table puts its separators at the same character offsets, whatever the
    // byte length of the Vietnamese names.
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(" | Sở ") || l.contains(" | Văn phòng"))
        .collect();
    assert!(lines.len() >= 5, "{out}");
    let seps = |l: &str| -> Vec<usize> {
        let chars: Vec<char> = l.chars().collect();
        (0..chars.len().saturating_sub(2))
            .filter(|&i| chars[i..i + 3] == [' ', '|', ' '])
            .collect()
    };
    let first = seps(lines[0]);
    assert_eq!(first.len(), 5);
    for l in &lines[1..] {
        // An unranked row stops after its total: compare the separators it has.
        let s = seps(l);
        assert!(s.len() >= 4 && first.starts_with(&s), "{l}");
    }
}

#[test]
fn text_layout_of_the_seed() {
    let out = string(Format::Text, &RenderOptions::default());
    assert!(out.contains("(Ban hành kèm theo Quyết định số 2870/QĐ-UBND ngày 18/12/2019"));
    let numbers: Vec<&str> = out.lines().filter(|l| l.starts_with("(1) |")).collect();
    assert_eq!(numbers.len(), 2);
    assert!(
        numbers[0].ends_with("(6)") && numbers[1].ends_with("(7)"),
        "6 columns, then 7: {numbers:?}"
    );
    assert!(
        out.contains(" I  | Chỉ số và xếp hạng đối với"),
        "block row I"
    );
    assert!(out.contains("II  | Chỉ số đối với"), "block row II");
    assert!(out.contains("Không đánh giá"));
    assert!(
        out.contains("27,0") && out.contains("30,3") && out.contains("1.234,50"),
        "decimal comma, decimals"
    );
    // Column decimals fall back to the table's: 26 printed with 1 place.
    assert!(out.contains("26,0"));
    // The unranked row ends with its total: no rank.
    let vp = out
        .lines()
        .find(|l| l.contains("Văn phòng UBND tỉnh"))
        .unwrap();
    assert!(vp.trim_end().ends_with("55,8"), "{vp}");
}

#[test]
fn names_come_back_nfc() {
    let annex = fixture::annex();
    let names = fixture::unit_names(&annex);
    for format in [
        Format::Text,
        Format::Markdown,
        Format::Csv,
        Format::Json,
        Format::Html,
    ] {
        let out =
            String::from_utf8(render(&annex, format, &RenderOptions::default()).unwrap()).unwrap();
        assert!(text::is_nfc(&out), "{format:?} output is NFC");
        assert!(
            !out.contains(NFD_UNIT) && !out.contains(NFD_UNRANKED),
            "{format:?}"
        );
        for n in names.iter().filter(|n| !n.contains('|')) {
            assert!(out.contains(n.as_str()), "{format:?} has {n}");
        }
    }
}

#[test]
fn markdown() {
    let out = string(Format::Markdown, &RenderOptions::default());
    assert!(out.contains("| TT | Đơn vị | Điểm: Điều kiện sẵn sàng Chính quyền điện tử |"));
    assert!(out.contains("| (1) | (2) | (3) |"));
    assert!(out.contains("Huyện Lạc Sơn \\| Tân Lạc"), "pipes escaped");
    assert_snapshot!(out);
}

#[test]
fn csv_long_form_reads_back() {
    let bytes = render(&fixture::annex(), Format::Csv, &RenderOptions::default()).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let body = &bytes[3..];
    let mut r = csv::Reader::from_reader(body);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut want: Vec<&str> = egov_export::csv_out::FIELDS.to_vec();
    want.push(egov_export::csv_out::STATUS);
    assert_eq!(header, want);
    let recs: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    // (6 rows × (2 columns + total)) + (3 rows × (3 columns + total))
    assert_eq!(recs.len(), 6 * 3 + 3 * 4);
    let annex = fixture::annex();
    let mut i = 0;
    for t in &annex.tables {
        for row in &t.rows {
            let cells: Vec<_> = row
                .values
                .iter()
                .map(|e| &e.cell)
                .chain([&row.total.cell])
                .collect();
            for cell in cells {
                let rec = &recs[i];
                assert_eq!(&rec[0], t.id);
                assert_eq!(&rec[4], row.unit);
                match cell {
                    egov_core::table::Cell::Number(n) => {
                        assert_eq!(fixture::d(&rec[7]), *n, "{rec:?}");
                        assert!(!rec[7].contains(','), "decimal point");
                    }
                    egov_core::table::Cell::NotEvaluated => assert_eq!(&rec[7], "not_evaluated"),
                    egov_core::table::Cell::Blank => assert_eq!(&rec[7], ""),
                    egov_core::table::Cell::Text(s) => assert_eq!(&rec[7], s),
                }
                i += 1;
            }
        }
    }
    let s = String::from_utf8(bytes).unwrap();
    assert_snapshot!(s.trim_start_matches('\u{feff}'));
}

#[test]
fn json_is_the_contract() {
    let annex = fixture::annex();
    let bytes = render(&annex, Format::Json, &RenderOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // Written by hand from the fixture and the contract (ARCHITECTURE.md), not by the serializer under
    // test. Numbers keep the printed scale (`26` is not `26.0`: serde_json's arbitrary_precision
    // compares them as written); a blank is `null`, not evaluated is a string; an unranked rank is `null`.
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["edition", "title", "subtitle", "tables"]);
    let table_keys: Vec<&str> = v["tables"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        table_keys,
        [
            "id",
            "title",
            "part",
            "columns",
            "column_info",
            "total_label",
            "rank_label",
            "decimals",
            "blocks",
            "rows"
        ]
    );
    let expected = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap();
    assert_eq!(
        v["tables"][0]["rows"][3],
        expected(
            r#"{"tt": "4", "unit": "Sở Tư pháp", "unit_code": "U4",
                "values": {"Điều kiện sẵn sàng Chính quyền điện tử": 26,
                           "Kết quả Chính quyền điện tử đạt được": "not_evaluated"},
                "total": 26.0, "rank": 3, "block": "co-dvc"}"#
        )
    );
    assert_eq!(
        v["tables"][0]["rows"][5],
        expected(
            r#"{"tt": "2", "unit": "Thanh tra tỉnh", "unit_code": "U2",
                "values": {"Điều kiện sẵn sàng Chính quyền điện tử": 24.0,
                           "Kết quả Chính quyền điện tử đạt được": null},
                "total": 24.0, "rank": null, "block": "khong-dvc"}"#
        )
    );
    assert_eq!(
        v["tables"][1]["rows"][1],
        expected(
            r#"{"tt": "2", "unit": "Huyện Đà Bắc", "unit_code": "U2",
                "values": {"A.1": 10.00, "A.2": 9.05, "Điểm thưởng": 0},
                "total": 19.05, "rank": 2, "block": "huyen"}"#
        )
    );
    assert_eq!(
        v["tables"][1]["column_info"][2],
        expected(r#"{"label": "Điểm thưởng", "group": null, "node": null, "decimals": 0}"#)
    );
    assert_ne!(
        expected("26"),
        expected("26.0"),
        "scale is compared (serde_json arbitrary_precision)"
    );
    let s = String::from_utf8(bytes).unwrap();
    assert!(
        s.contains("\"total\": 74.4"),
        "exact decimals as JSON numbers"
    );
    assert_snapshot!(s);
}

#[test]
fn data_dictionary_describes_every_table() {
    let annex = fixture::annex();
    let bytes = egov_export::csv_out::data_dictionary(&annex, &RenderOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["edition"], "hoabinh-2019");
    let fields: Vec<&str> = v["files"]["csv"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = egov_export::csv_out::FIELDS.to_vec();
    want.push(egov_export::csv_out::STATUS);
    assert_eq!(fields, want);
    assert_eq!(v["tables"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["tables"][0]["columns"][1]["decimals"], 1,
        "falls back to the table's decimals"
    );
    assert!(
        v["provenance"][0]
            .as_str()
            .unwrap()
            .contains("2870/QĐ-UBND")
    );
}

#[test]
fn html_page() {
    let out = string(Format::Html, &RenderOptions::default());
    assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
    assert!(out.contains("<meta charset=\"utf-8\">"));
    assert!(out.contains("@page { size: A4 landscape"));
    assert!(out.contains("display: table-header-group"));
    assert!(out.contains("<th colspan=\"2\" scope=\"col\">Điểm</th>"));
    assert!(out.contains("<th rowspan=\"2\" scope=\"col\">Tổng điểm</th>"));
    assert!(
        out.contains("<th rowspan=\"2\" scope=\"col\">Điểm thưởng</th>"),
        "ungrouped column spans both rows"
    );
    assert!(
        out.contains("Hạ tầng &amp; ứng dụng &lt;CNTT&gt;"),
        "escaped"
    );
    assert!(!out.contains("<CNTT>"));
    assert!(
        !out.contains("src=\"http") && !out.contains("href=\"http"),
        "self-contained"
    );
    assert_snapshot!(out);
}

#[test]
fn html_english() {
    let out = string(
        Format::Html,
        &RenderOptions {
            lang: Lang::En,
            ..Default::default()
        },
    );
    assert!(out.contains("<html lang=\"en\">"));
    assert!(out.contains("Not evaluated"));
}

#[test]
fn svg_and_png_are_not_single_files() {
    for f in [Format::Svg, Format::Png] {
        let e = render(&fixture::annex(), f, &RenderOptions::default()).unwrap_err();
        assert!(e.to_string().contains("charts"), "{e}");
    }
    for (name, format) in [
        ("text", Format::Text),
        ("txt", Format::Text),
        ("markdown", Format::Markdown),
        ("md", Format::Markdown),
        ("csv", Format::Csv),
        ("json", Format::Json),
        ("html", Format::Html),
        ("docx", Format::Docx),
        ("DOCX", Format::Docx),
        (" xlsx ", Format::Xlsx),
        ("pdf", Format::Pdf),
        ("svg", Format::Svg),
        ("png", Format::Png),
    ] {
        assert_eq!(name.parse::<Format>().unwrap(), format, "{name:?}");
    }
    assert!(
        "doc"
            .parse::<Format>()
            .unwrap_err()
            .to_string()
            .contains("\"doc\"")
    );
}
