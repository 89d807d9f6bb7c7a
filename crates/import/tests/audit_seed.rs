//! The audit of the Hòa Bình 2019 decision (the seed): every inconsistency it contains, pinned by kind,
//! table, unit and source line, and nothing else at error or warning level.

use std::collections::BTreeSet;

use egov_core::Lang;
use egov_core::audit::{
    Audit, AuditOptions, FindingKind, Shown, audit, render_markdown, render_text, to_json,
};
use egov_import::{Format, import_bytes};
use rust_decimal::Decimal;

const SEED: &[u8] = include_bytes!("../../../tests/data/hoabinh-2870-QD-UBND-2019.txt");

fn run() -> (Audit, Vec<egov_core::table::Table>) {
    let imported = import_bytes("hoabinh-2870-QD-UBND-2019.txt", SEED, Format::WordText)
        .expect("seed imports");
    let src = std::str::from_utf8(SEED).expect("UTF-8");
    let a = audit(
        &imported.tables,
        &AuditOptions {
            source_text: Some(src),
            ..Default::default()
        },
    );
    (a, imported.tables)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

type Pin = (FindingKind, &'static str, Option<&'static str>, u32);

/// Every finding of the seed except the NFC ones (checked line by line below).
const PINS: &[Pin] = &[
    // Overall table of departments: Sở NN&PTNT's results 40,5 vs 36,9 in the results table.
    (
        FindingKind::CrossTableMismatch,
        "I",
        Some("Sở Nông nghiệp và PTNT"),
        99,
    ),
    // Readiness table of departments: units of the unranked block II ranked 1 here.
    (
        FindingKind::RankedInconsistently,
        "I.1",
        Some("Văn phòng UBND tỉnh"),
        234,
    ),
    (
        FindingKind::RankedInconsistently,
        "I.1",
        Some("Thanh tra tỉnh"),
        242,
    ),
    (FindingKind::NameVariant, "I.1", Some("Sở xây dựng"), 253),
    (
        FindingKind::RankNotInteger,
        "I.1",
        Some("Sở Văn hóa, TT và DL"),
        266,
    ),
    (
        FindingKind::NameVariant,
        "I.1",
        Some("Sở Giao thông - Vận tải"),
        325,
    ),
    // Results table of departments.
    (FindingKind::ColumnNumbers, "I.2", None, 412),
    (FindingKind::SumMismatch, "I.2", Some("Sở Y tế"), 427),
    (
        FindingKind::Precision,
        "I.2",
        Some("Sở Thông tin và Truyền thông"),
        458,
    ),
    (
        FindingKind::SumRounding,
        "I.2",
        Some("Sở Thông tin và Truyền thông"),
        459,
    ),
    (FindingKind::NameVariant, "I.2", Some("Sở xây dựng"), 527),
    // Overall table of districts.
    (
        FindingKind::CrossTableMismatch,
        "II",
        Some("UBND huyện Lạc Sơn"),
        599,
    ),
    (
        FindingKind::Precision,
        "II",
        Some("UBND huyện Lạc Thủy"),
        606,
    ),
    (
        FindingKind::TtNumbering,
        "II",
        Some("UBND thành phố Hòa Bình"),
        611,
    ),
    (
        FindingKind::TtNumbering,
        "II",
        Some("UBND huyện Kỳ Sơn"),
        618,
    ),
    (
        FindingKind::CrossTableRounding,
        "II",
        Some("UBND huyện Đà Bắc"),
        641,
    ),
    (
        FindingKind::CrossTableRounding,
        "II",
        Some("UBND huyện Mai Châu"),
        662,
    ),
    (
        FindingKind::CrossTableRounding,
        "II",
        Some("UBND huyện Yên Thủy"),
        669,
    ),
    // Readiness table of districts: "đIện" in the title, ranks of totals rounded to whole points.
    (FindingKind::CaseAnomaly, "II.1", None, 676),
    (FindingKind::RankConvention, "II.1", None, 676),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Cao Phong"),
        738,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Đà Bắc"),
        746,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Kỳ Sơn"),
        754,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Lương Sơn"),
        762,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Kim Bôi"),
        770,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Mai Châu"),
        778,
    ),
    (
        FindingKind::RankMismatch,
        "II.1",
        Some("UBND huyện Yên Thủy"),
        786,
    ),
    // Results table of districts: 9,50 + 25,06 + 19,63 = 54,19 printed 54,18.
    (
        FindingKind::SumRounding,
        "II.2",
        Some("UBND huyện Lạc Sơn"),
        819,
    ),
];

#[test]
fn every_inconsistency_of_the_seed_is_found_and_nothing_else() {
    let (a, _) = run();
    let got: BTreeSet<(FindingKind, String, Option<String>, u32)> = a
        .findings
        .iter()
        .filter(|f| f.kind != FindingKind::NotNfc)
        .map(|f| (f.kind, f.table.clone(), f.unit.clone(), f.line()))
        .collect();
    let want: BTreeSet<(FindingKind, String, Option<String>, u32)> = PINS
        .iter()
        .map(|(k, t, u, l)| (*k, t.to_string(), u.map(str::to_string), *l))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
    assert_eq!(a.exit_code(), 1);
}

#[test]
fn findings_carry_expected_and_found_values() {
    let (a, _) = run();
    let find = |kind, unit: &str, line| {
        a.findings
            .iter()
            .find(|f| f.kind == kind && f.unit.as_deref() == Some(unit) && f.line() == line)
            .unwrap_or_else(|| panic!("{kind} {unit} {line}"))
    };
    let nn = find(
        FindingKind::CrossTableMismatch,
        "Sở Nông nghiệp và PTNT",
        99,
    );
    assert_eq!(nn.found, Some(Shown::Number(d("40.5"))));
    assert_eq!(nn.expected, Some(Shown::Number(d("36.9"))));
    assert!(
        nn.correction.as_ref().unwrap().vi.contains("63,9"),
        "{:?}",
        nn.correction
    );
    let yte = find(FindingKind::SumMismatch, "Sở Y tế", 427);
    assert_eq!(yte.expected, Some(Shown::Number(d("47.3"))));
    assert_eq!(yte.found, Some(Shown::Number(d("47.2"))));
    let vh = find(FindingKind::RankNotInteger, "Sở Văn hóa, TT và DL", 266);
    assert_eq!(vh.found, Some(Shown::Text("I".into())));
    assert_eq!(vh.expected, Some(Shown::Rank(1)));
    let cp = find(FindingKind::RankMismatch, "UBND huyện Cao Phong", 738);
    assert_eq!(
        (cp.found.clone(), cp.expected.clone()),
        (Some(Shown::Rank(2)), Some(Shown::Rank(3)))
    );
    let yt = find(FindingKind::RankMismatch, "UBND huyện Yên Thủy", 786);
    assert_eq!(yt.expected, Some(Shown::Rank(8)));
    let ls = find(FindingKind::CrossTableMismatch, "UBND huyện Lạc Sơn", 599);
    assert_eq!(ls.expected, Some(Shown::Number(d("22.1"))));
    let hb = find(FindingKind::TtNumbering, "UBND thành phố Hòa Bình", 611);
    assert_eq!(hb.expected, Some(Shown::Rank(3)));
    let tttt = find(FindingKind::Precision, "Sở Thông tin và Truyền thông", 458);
    assert_eq!(tttt.expected, Some(Shown::Number(d("3.7"))));
    let col = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ColumnNumbers)
        .unwrap();
    assert_eq!(col.found, Some(Shown::Text("\u{a0}".into())));
    assert_eq!(col.expected, Some(Shown::Text("(7)".into())));
    assert_eq!(
        a.convention.map(|c| c.as_str()),
        Some("dense/printed".to_string())
    );
}

#[test]
fn every_non_nfc_line_is_reported_once() {
    let (a, _) = run();
    let src = std::str::from_utf8(SEED).unwrap();
    let nfd: BTreeSet<u32> = src
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !egov_core::text::is_nfc(l))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    // The ones the lead listed are among them: unit names, headers, titles and "Không đánh giá".
    for line in [
        35, 36, 37, 41, 76, 160, 174, 198, 209, 216, 395, 562, 570, 575, 580, 677, 681, 686, 795,
        800,
    ] {
        assert!(nfd.contains(&line), "line {line}");
    }
    let reported: Vec<u32> = a
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotNfc)
        .map(|f| f.line())
        .collect();
    let unique: BTreeSet<u32> = reported.iter().copied().collect();
    assert_eq!(reported.len(), unique.len(), "a line reported twice");
    assert_eq!(unique, nfd);
    let gd = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NotNfc && f.line() == 76)
        .unwrap();
    assert_eq!(gd.unit.as_deref(), Some("Sở Giáo dục và Đào tạo"));
    assert_eq!(gd.table, "I");
}

#[test]
fn impacts_show_who_moves() {
    let (a, _) = run();
    let nn = a
        .impacts
        .iter()
        .find(|im| im.table == "I" && im.unit == "Sở Nông nghiệp và PTNT")
        .expect("impact of the Sở NN&PTNT inconsistency on the overall ranking");
    assert_eq!(a.findings[nn.finding].kind, FindingKind::CrossTableMismatch);
    let moved: Vec<(&str, u32, u32)> = nn
        .changes
        .iter()
        .map(|c| (c.unit.as_str(), c.from, c.to))
        .collect();
    assert!(
        moved.contains(&("Sở Nông nghiệp và PTNT", 5, 8)),
        "{moved:?}"
    );
    assert!(moved.contains(&("Sở Nội vụ", 8, 9)));
    assert!(moved.contains(&("Sở Tài nguyên và Môi trường", 15, 16)));
    assert!(
        !moved.iter().any(|(u, ..)| *u == "Sở Ngoại vụ"),
        "units above keep their rank"
    );
    let yte = a
        .impacts
        .iter()
        .find(|im| im.table == "I" && im.unit == "Sở Y tế")
        .unwrap();
    assert!(yte.changes.is_empty(), "47,3 instead of 47,2 moves nobody");
    let tttt = a
        .impacts
        .iter()
        .find(|im| im.table == "I.2" && im.unit == "Sở Thông tin và Truyền thông")
        .unwrap();
    assert!(
        tttt.changes
            .iter()
            .any(|c| c.unit == "Sở Thông tin và Truyền thông" && c.from == 5 && c.to == 6)
    );
    let ls = a
        .impacts
        .iter()
        .find(|im| im.table == "II" && im.unit == "UBND huyện Lạc Sơn")
        .unwrap();
    assert!(ls.changes.is_empty(), "Lạc Sơn stays first with 76,28");
}

#[test]
fn reports_are_readable_and_json_follows_the_contract() {
    let (a, tables) = run();
    let vi = render_text(&a, Lang::Vi);
    let line = vi
        .lines()
        .find(|l| l.contains("dòng 427"))
        .expect("Y tế line");
    assert!(
        line.contains("Sở Y tế") && line.contains("47,3") && line.contains("đề xuất"),
        "{line}"
    );
    let en = render_text(&a, Lang::En);
    assert!(
        en.lines()
            .any(|l| l.contains("line 427") && l.contains("47.3")),
        "{en}"
    );
    // One line per finding, in document order.
    let lines: Vec<u32> = a.findings.iter().map(|f| f.line()).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
    let md = render_markdown(&a, Lang::Vi);
    assert!(md.contains("| dòng 427 |"));
    let json = to_json(&a, &tables);
    assert_eq!(json["tables"].as_array().unwrap().len(), 6);
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 427)
        .unwrap();
    assert_eq!(f["kind"], "sum_mismatch");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["table"], "I.2");
    assert_eq!(f["unit"], "Sở Y tế");
    assert_eq!(f["expected"].to_string(), "47.3");
    assert_eq!(f["found"].to_string(), "47.2");
    assert!(f["message"].as_str().unwrap().contains("47,3"));
}

#[test]
fn with_the_edition_maxima_and_totals_by_the_rules() {
    let src = include_str!("../../../data/editions/hoabinh-2019.toml");
    let edition =
        egov_core::edition::Edition::from_toml(src, "hoabinh-2019.toml").expect("edition loads");
    let mut tables = import_bytes("hoabinh.txt", SEED, Format::WordText)
        .unwrap()
        .tables;
    let opts = AuditOptions {
        edition: Some(&edition),
        ..Default::default()
    };
    let edition_only = |a: &Audit| -> Vec<(FindingKind, String, Option<String>, u32)> {
        a.findings
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FindingKind::AboveMax | FindingKind::MissingUnit | FindingKind::EditionTotal
                )
            })
            .map(|f| (f.kind, f.table.clone(), f.unit.clone(), f.line()))
            .collect()
    };
    let a = audit(&tables, &opts);
    // The edition prints district totals with 2 decimals as the sum of the parts: 54,19, not 54,18.
    assert_eq!(
        edition_only(&a),
        vec![(
            FindingKind::EditionTotal,
            "II.2".to_string(),
            Some("UBND huyện Lạc Sơn".to_string()),
            819
        )]
    );
    assert_eq!(
        a.convention.map(|c| c.as_str()),
        Some("dense/printed".to_string())
    );
    // A presence score far above its maximum is caught.
    let yte = tables[2]
        .rows
        .iter_mut()
        .find(|r| r.unit == "Sở Y tế")
        .unwrap();
    yte.values[0].cell = egov_core::table::Cell::Number(d("99"));
    let a = audit(&tables, &opts);
    assert!(
        a.findings.iter().any(|f| f.kind == FindingKind::AboveMax
            && f.table == "I.2"
            && f.unit.as_deref() == Some("Sở Y tế")),
        "{}",
        render_text(&a, Lang::En)
    );
}
