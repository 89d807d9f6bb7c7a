//! Hand-built tables for every finding kind, and the builder the property tests share.

use rust_decimal::Decimal;

use super::*;
use crate::num::parse_decimal;
use crate::table::{Block, Cell, Column, Entry, Pos, RankCell, Row, RowOrigin, Table};

/// Builds tables the way the Word-text importer lays them out: one cell per line, positions kept.
pub(super) struct Tb {
    pub t: Table,
    line: u32,
}

pub(super) fn entry(raw: &str, line: u32) -> Entry {
    let clean = crate::text::clean(raw);
    let cell = if clean.is_empty() {
        Cell::Blank
    } else if clean == "Không đánh giá" {
        Cell::NotEvaluated
    } else {
        match parse_decimal(&clean) {
            Ok(d) => Cell::Number(d),
            Err(_) => Cell::Text(clean),
        }
    };
    Entry::imported(cell, Some(raw.to_string()), Some(Pos::line(line, 2)))
}

pub(super) fn rank_cell(raw: &str) -> RankCell {
    let clean = crate::text::clean(raw);
    if clean.is_empty() {
        RankCell::Unranked
    } else {
        clean
            .parse()
            .map_or(RankCell::Invalid(clean), RankCell::Ranked)
    }
}

impl Tb {
    pub fn new(id: &str, title: &str, cols: &[&str], start_line: u32) -> Tb {
        let t = Table {
            id: id.into(),
            title: title.into(),
            columns: cols
                .iter()
                .map(|c| Column {
                    label: c.to_string(),
                    ..Default::default()
                })
                .collect(),
            total_label: "Tổng điểm".into(),
            rank_label: "Xếp hạng".into(),
            pos: Some(Pos::line(start_line, 1)),
            ..Default::default()
        };
        let mut tb = Tb {
            t,
            line: start_line + 1,
        };
        let n = cols.len() + 4;
        for i in 0..n {
            let e = entry(&format!("({})", i + 1), tb.line);
            tb.t.column_numbers.push(Entry {
                cell: Cell::Text(format!("({})", i + 1)),
                ..e
            });
            tb.line += 1;
        }
        tb
    }

    pub fn block(mut self, id: &str, label: Option<&str>, ranked: bool) -> Tb {
        self.t.blocks.push(Block {
            id: id.into(),
            label: label.map(str::to_string),
            title: None,
            ranked,
            pos: Some(Pos::line(self.line, 2)),
        });
        self.line += 1;
        self
    }

    pub fn row(
        mut self,
        block: Option<&str>,
        tt: &str,
        unit: &str,
        values: &[&str],
        total: &str,
        rank: &str,
    ) -> Tb {
        let start = self.line;
        let mut line = start + 2;
        let values = values
            .iter()
            .map(|v| {
                let e = entry(v, line);
                line += 1;
                e
            })
            .collect();
        let total = entry(total, line);
        self.t.rows.push(Row {
            tt: Some(tt.into()),
            unit: crate::text::clean(unit).into(),
            unit_code: None,
            values,
            total,
            rank: rank_cell(rank),
            block: block.map(Into::into),
            origin: RowOrigin {
                pos: Some(Pos::line(start, 2)),
                unit_raw: Some(unit.into()),
                rank_raw: Some(rank.into()),
                rank_pos: Some(Pos::line(line + 1, 2)),
            }
            .boxed(),
            not_submitted: false,
        });
        self.line = line + 3;
        self
    }

    pub fn next_line(&self) -> u32 {
        self.line + 2
    }
}

fn run(tables: &[Table]) -> Audit {
    audit(tables, &AuditOptions::default())
}

fn kinds(a: &Audit) -> Vec<(FindingKind, Option<String>)> {
    a.findings
        .iter()
        .map(|f| (f.kind, f.unit.clone()))
        .collect()
}

fn has(a: &Audit, kind: FindingKind, unit: Option<&str>) -> bool {
    a.findings
        .iter()
        .any(|f| f.kind == kind && f.unit.as_deref() == unit)
}

/// Overall table + two category tables, consistent, with a tie ranked densely.
fn clean_doc() -> Vec<Table> {
    let o = Tb::new(
        "O",
        "I. CHỈ SỐ TỔNG THỂ",
        &["Điều kiện sẵn sàng", "Kết quả đạt được"],
        10,
    )
    .block("I", Some("I"), true)
    .row(Some("I"), "1", "Sở Y tế", &["10,0", "20,5"], "30,5", "1")
    .row(Some("I"), "2", "Sở Tư pháp", &["10,0", "20,0"], "30,0", "2")
    .row(Some("I"), "3", "Sở Nội vụ", &["9,0", "21,0"], "30,0", "2")
    .row(
        Some("I"),
        "4",
        "Sở Tài chính",
        &["8,0", "12,0"],
        "20,0",
        "3",
    )
    .block("II", Some("II"), false)
    .row(
        Some("II"),
        "1",
        "Thanh tra tỉnh",
        &["7,0", "3,0"],
        "10,0",
        "",
    );
    let l = o.next_line();
    let o = o.t;
    let a = Tb::new(
        "A",
        "1. Chỉ số nhóm tiêu chí điều kiện sẵn sàng",
        &["Hạ tầng", "Nhân lực"],
        l,
    )
    .row(None, "1", "Sở Y tế", &["6,0", "4,0"], "10,0", "1")
    .row(None, "2", "Sở Tư pháp", &["5,5", "4,5"], "10,0", "1")
    .row(None, "3", "Sở Nội vụ", &["5,0", "4,0"], "9,0", "2")
    .row(None, "4", "Sở Tài chính", &["4,0", "4,0"], "8,0", "3")
    .row(None, "5", "Thanh tra tỉnh", &["3,0", "4,0"], "7,0", "");
    let l = a.next_line();
    let a = a.t;
    let b = Tb::new(
        "B",
        "2. Chỉ số nhóm tiêu chí kết quả đạt được",
        &["Hiện diện", "Tương tác"],
        l,
    )
    .row(None, "1", "Sở Nội vụ", &["11,0", "10,0"], "21,0", "1")
    .row(None, "2", "Sở Y tế", &["10,5", "10,0"], "20,5", "2")
    .row(None, "3", "Sở Tư pháp", &["10,0", "10,0"], "20,0", "3")
    .row(None, "4", "Sở Tài chính", &["6,0", "6,0"], "12,0", "4")
    .row(None, "5", "Thanh tra tỉnh", &["2,0", "1,0"], "3,0", "")
    .t;
    vec![o, a, b]
}

#[test]
fn clean_document_has_no_findings() {
    let a = run(&clean_doc());
    assert!(a.findings.is_empty(), "{}", render_text(&a, Lang::En));
    assert_eq!(a.exit_code(), 0);
    assert!(
        matches!(&a.tables[0].role, TableRole::Overall { categories } if categories.len() == 2)
    );
    assert!(matches!(&a.tables[1].role, TableRole::Category { overall, .. } if overall == "O"));
    assert_eq!(
        a.convention.map(|c| c.ties),
        Some(crate::edition::Ties::Dense)
    );
    assert!(render_text(&a, Lang::Vi).starts_with("Không phát hiện sai sót."));
}

#[test]
fn sums_are_classified() {
    let mut doc = clean_doc();
    // 6,0 + 4,0 = 10,0 printed 10,5: not explained.
    doc[1].rows[0].total = entry("10,5", 500);
    // 10,0 + 10,0 printed 20,0 → change a part to 10,04 so the total is the rounded sum.
    doc[2].rows[2].values[0] = entry("9,96", 501);
    let a = run(&doc);
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::SumMismatch)
        .expect("sum mismatch");
    assert_eq!(f.unit.as_deref(), Some("Sở Y tế"));
    assert_eq!(f.expected, Some(Shown::Number(Decimal::new(100, 1))));
    let r = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::SumRounding)
        .expect("rounding");
    assert_eq!(
        (r.unit.as_deref(), r.severity),
        (Some("Sở Tư pháp"), Severity::Info)
    );
    assert!(has(&a, FindingKind::Precision, Some("Sở Tư pháp")));
}

#[test]
fn within_rounding_of_printed_parts() {
    use checks::{SumClass, classify_sum};
    let p = |s: &str| (parse_decimal(s).unwrap(), crate::num::printed_decimals(s));
    let parts = [p("9,50"), p("25,06"), p("19,63")];
    let got = classify_sum(
        &parts,
        parse_decimal("54,18").unwrap(),
        2,
        RoundingMode::HalfUp,
    );
    assert!(
        matches!(got, Some((_, SumClass::WithinParts(_)))),
        "{got:?}"
    );
    // Whole-point parts are exact: 9 + 26,3 + 12,0 = 47,3 is not 47,2.
    let parts = [p("9"), p("26,3"), p("12,0")];
    let got = classify_sum(
        &parts,
        parse_decimal("47,2").unwrap(),
        1,
        RoundingMode::HalfUp,
    );
    assert!(matches!(got, Some((_, SumClass::Unexplained))), "{got:?}");
    let parts = [p("9"), p("27,8"), p("3,68")];
    let got = classify_sum(
        &parts,
        parse_decimal("40,5").unwrap(),
        1,
        RoundingMode::HalfUp,
    );
    assert!(matches!(got, Some((_, SumClass::RoundedSum))), "{got:?}");
}

#[test]
fn cross_table_mismatch_has_an_impact() {
    let mut doc = clean_doc();
    // Sở Tài chính's readiness 8,0 → 11,0 in the overall table, total 23,0: not what table A says.
    doc[0].rows[3].values[0] = entry("11,0", 600);
    doc[0].rows[3].total = entry("23,0", 601);
    let a = run(&doc);
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::CrossTableMismatch)
        .expect("cross");
    assert_eq!(f.unit.as_deref(), Some("Sở Tài chính"));
    assert_eq!(f.expected, Some(Shown::Number(Decimal::new(80, 1))));
    let im = a.impacts.iter().find(|im| im.table == "O").expect("impact");
    assert_eq!(im.finding, a.findings.iter().position(|x| x == f).unwrap());
    assert!(im.changes.is_empty(), "23,0 and 20,0 are both last");
}

#[test]
fn ranks_breaks_letters_blanks_and_order() {
    let mut doc = clean_doc();
    doc[0].rows[3].rank = RankCell::Ranked(4); // dense gives 3
    doc[2].rows[1].rank = RankCell::Invalid("II".into());
    doc[0].rows[0].rank = RankCell::Unranked;
    doc[0].rows[4].rank = RankCell::Ranked(1); // block II is unranked
    let a = run(&doc);
    assert!(
        has(&a, FindingKind::RankMismatch, Some("Sở Tài chính")),
        "{:?}",
        kinds(&a)
    );
    assert!(has(&a, FindingKind::RankNotInteger, Some("Sở Y tế")));
    assert!(has(&a, FindingKind::RankMissing, Some("Sở Y tế")));
    assert!(has(&a, FindingKind::RankUnexpected, Some("Thanh tra tỉnh")));
    let mut doc = clean_doc();
    doc[1].rows[4].rank = RankCell::Ranked(4); // Thanh tra ranked in a category table only
    let a = run(&doc);
    assert!(
        a.findings
            .iter()
            .any(|f| f.kind == FindingKind::RankedInconsistently
                && f.table == "A"
                && f.unit.as_deref() == Some("Thanh tra tỉnh"))
    );
    let mut doc = clean_doc();
    doc[2].rows.swap(2, 3);
    let a = run(&doc);
    assert!(
        has(&a, FindingKind::RowOrder, Some("Sở Tư pháp")),
        "{:?}",
        kinds(&a)
    );
}

#[test]
fn rank_convention_on_rounded_totals() {
    // 22,5 ×2 → 1; 22,1, 21,8 → "2" (dense on whole points); 21,0 → "3".
    let t = Tb::new("R", "Bảng", &["Điểm"], 1)
        .row(None, "1", "UBND huyện A", &["22,5"], "22,5", "1")
        .row(None, "2", "UBND huyện B", &["22,5"], "22,5", "1")
        .row(None, "3", "UBND huyện C", &["22,1"], "22,1", "2")
        .row(None, "4", "UBND huyện D", &["21,8"], "21,8", "2")
        .row(None, "5", "UBND huyện E", &["21,0"], "21,0", "3")
        .t;
    let a = run(&[t]);
    let conv = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::RankConvention)
        .expect("convention");
    assert_eq!(conv.found, Some(Shown::Text("dense/rounded:0".into())));
    assert!(has(&a, FindingKind::RankMismatch, Some("UBND huyện D")));
    assert!(has(&a, FindingKind::RankMismatch, Some("UBND huyện E")));
    assert!(!has(&a, FindingKind::RankMismatch, Some("UBND huyện C")));
}

#[test]
fn numbering_columns_precision_text_and_names() {
    let mut doc = clean_doc();
    doc[0].rows[1].tt = Some("3".into());
    doc[0].rows[2].tt = Some("2".into());
    doc[1].column_numbers[5] = Entry {
        cell: Cell::Blank,
        ..entry("\u{a0}", 700)
    };
    doc[2].rows[0].values[1] = entry("10,04", 701);
    doc[1].rows[2].edit_origin(|o| o.unit_raw = Some("Sơ\u{309} Nội vụ".into()));
    doc[2].rows[3].unit = "Sở tài chính".into();
    doc[1].title = "1. Chỉ số nhóm tiêu chí điều kiện sẵn sàng đIện tử".into();
    doc[2].rows[4].values[0] = entry("hai", 702);
    let a = run(&doc);
    assert!(
        has(&a, FindingKind::TtNumbering, Some("Sở Tư pháp")),
        "{:?}",
        kinds(&a)
    );
    assert!(has(&a, FindingKind::TtNumbering, Some("Sở Nội vụ")));
    let c = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ColumnNumbers)
        .expect("column numbers");
    assert_eq!(c.line(), 700);
    assert!(has(&a, FindingKind::Precision, Some("Sở Nội vụ")));
    assert!(has(&a, FindingKind::NotNfc, Some("Sở Nội vụ")));
    assert!(has(&a, FindingKind::NameVariant, Some("Sở tài chính")));
    assert!(has(&a, FindingKind::CaseAnomaly, None));
    assert!(has(&a, FindingKind::NotANumber, Some("Thanh tra tỉnh")));
    assert!(
        a.name_matches
            .iter()
            .any(|m| m.unit == "Sở tài chính" && m.matched == "Sở Tài chính")
    );
    // Document order.
    let orders: Vec<_> = a.findings.iter().map(|f| f.order).collect();
    let mut sorted = orders.clone();
    sorted.sort();
    assert_eq!(orders, sorted);
}

#[test]
fn duplicates_and_units_missing_from_a_linked_table() {
    let mut doc = clean_doc();
    doc[2].rows.remove(3);
    doc[1].rows[1].unit = "Sở Y tế".into();
    let a = run(&doc);
    assert!(
        has(&a, FindingKind::DuplicateUnit, Some("Sở Y tế")),
        "{:?}",
        kinds(&a)
    );
    assert!(
        a.findings
            .iter()
            .any(|f| f.kind == FindingKind::UnitNotFound
                && f.table == "O"
                && f.unit.as_deref() == Some("Sở Tài chính"))
    );
}

#[test]
fn aliases_link_renamed_units() {
    let mut doc = clean_doc();
    doc[2].rows[3].unit = "Sở Tài chánh".into();
    let plain = run(&doc);
    assert!(
        plain
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::UnitNotFound)
    );
    let aliases = crate::names::Aliases::parse_csv("Sở Tài chánh,Sở Tài chính\n", "a.csv").unwrap();
    let a = audit(
        &doc,
        &AuditOptions {
            aliases: Some(&aliases),
            ..Default::default()
        },
    );
    assert!(
        !a.findings
            .iter()
            .any(|f| f.kind == FindingKind::UnitNotFound),
        "{:?}",
        kinds(&a)
    );
    assert!(
        a.name_matches
            .iter()
            .any(|m| m.unit == "Sở Tài chánh" && m.kind == crate::names::MatchKind::Alias)
    );
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NameVariant)
        .unwrap();
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn renders_in_both_languages_and_json() {
    let mut doc = clean_doc();
    doc[1].rows[0].total = entry("10,5", 500);
    let a = run(&doc);
    let vi = render_text(&a, Lang::Vi);
    let en = render_text(&a, Lang::En);
    assert!(vi.contains("dòng 500") && vi.contains("đề xuất"), "{vi}");
    assert!(en.contains("line 500") && en.contains("proposed"), "{en}");
    let md = render_markdown(&a, Lang::Vi);
    assert!(md.contains("| dòng 500 |"), "{md}");
    let j = to_json(&a, &doc);
    let f = &j["findings"][0];
    for key in [
        "kind", "severity", "table", "unit", "line", "message", "expected", "found",
    ] {
        assert!(f.get(key).is_some(), "{key}");
    }
    assert_eq!(j["findings"].as_array().unwrap().len(), a.findings.len());
}

#[test]
fn a_blank_rank_is_read_as_the_printed_ranks_count_it() {
    // Ranks printed 1, –, 3, 4: the page counted the unit whose rank it did not print, so only the blank
    // is reported (the rows after it are not all one off).
    let counted = Tb::new("R", "Bảng", &[], 1)
        .row(None, "1", "Sở A", &[], "90,05", "1")
        .row(None, "2", "Sở B", &[], "89,02", "")
        .row(None, "3", "Sở C", &[], "88,00", "3")
        .row(None, "4", "Sở D", &[], "87,00", "4")
        .row(None, "5", "Sở E", &[], "86,00", "5")
        .t;
    let a = run(std::slice::from_ref(&counted));
    assert_eq!(
        kinds(&a),
        [(FindingKind::RankMissing, Some("Sở B".to_string()))],
        "{:?}",
        a.findings
    );
    // Ranks printed 1, –, 2, 3: the unit was left out of the ranking; still only the blank.
    let mut left_out = counted.clone();
    for (k, r) in left_out.rows.iter_mut().enumerate().skip(2) {
        r.rank = RankCell::Ranked(k as u32);
    }
    let a = run(&[left_out]);
    assert_eq!(
        kinds(&a),
        [(FindingKind::RankMissing, Some("Sở B".to_string()))]
    );
}

#[test]
fn a_claim_under_another_place_heading_is_not_about_the_table() {
    let t = Tb::new("R", "Bảng", &[], 1)
        .row(None, "1", "Sở Tài chính", &[], "90", "1")
        .row(None, "2", "Sở Công Thương", &[], "80", "2")
        .t;
    let tables = [t];
    let audit_with = |text: &str| {
        let prose = vec![(Pos::line(1, 1), text.to_string())];
        audit(
            &tables,
            &AuditOptions {
                prose: &prose,
                ..Default::default()
            },
        )
    };
    // A related article's headline copied with the page: Thái Nguyên's Sở Công Thương.
    let a = audit_with(
        "Bộ Quốc phòng ban hành Chỉ số cải cách hành chính Thái Nguyên: Sở Công Thương tiếp tục dẫn đầu về Chỉ số cải cách hành chính |",
    );
    assert!(a.findings.is_empty(), "{:?}", kinds(&a));
    // The same words about this table's units are checked.
    let a = audit_with(
        "Kết quả cụ thể: Sở Công Thương tiếp tục dẫn đầu về Chỉ số cải cách hành chính.",
    );
    assert!(
        has(&a, FindingKind::ClaimRank, Some("Sở Công Thương")),
        "{:?}",
        kinds(&a)
    );
}
