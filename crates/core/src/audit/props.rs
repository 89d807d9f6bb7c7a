//! Property tests: generated consistent documents give no findings; one planted error of each kind is
//! found at its table and unit; arbitrary tables never make the audit (or its renderers) panic.

use proptest::prelude::*;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::tests::{Tb, entry};
use super::*;
use crate::edition::Ties;
use crate::table::{Block, Cell, Column, Entry, Pos, RankCell, Row, Table};

const NAMES: &[&str] = &[
    "Sở Y tế",
    "Sở Tư pháp",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Công Thương",
    "Ban Dân tộc",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Văn phòng UBND tỉnh",
    "Sở Tài nguyên và Môi trường",
    "Sở Ngoại vụ",
];

/// A consistent document: per unit two categories of 2–3 parts in tenths, `ranked` units in block I.
#[derive(Debug, Clone)]
struct Doc {
    parts: Vec<[Vec<i64>; 2]>,
    ranked: usize,
    ties: Ties,
}

fn fmt1(tenths: i64) -> String {
    crate::num::format_vi(Decimal::new(tenths, 1), 1, RoundingMode::HalfUp)
}

fn ranks(values: &[i64], ties: Ties) -> Vec<u32> {
    let d: Vec<Decimal> = values.iter().map(|v| Decimal::new(*v, 1)).collect();
    crate::rank::rank(&d, ties)
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    (3usize..8, 2usize..4, prop::bool::ANY, 2usize..4, 2usize..4).prop_flat_map(
        |(ranked, unranked, comp, pa, pb)| {
            let n = ranked + unranked;
            // Few distinct values so that ties are common.
            let unit = (
                prop::collection::vec(0i64..6, pa),
                prop::collection::vec(0i64..6, pb),
            )
                .prop_map(|(a, b)| {
                    [
                        a.into_iter().map(|x| x * 5).collect(),
                        b.into_iter().map(|x| x * 5).collect(),
                    ]
                });
            prop::collection::vec(unit, n).prop_map(move |parts| Doc {
                parts,
                ranked,
                ties: if comp { Ties::Competition } else { Ties::Dense },
            })
        },
    )
}

const CATS: [&str; 2] = ["Điều kiện sẵn sàng", "Kết quả đạt được"];

// Units and categories are addressed by index across several parallel structures.
#[allow(clippy::needless_range_loop)]
fn build(doc: &Doc) -> Vec<Table> {
    let n = doc.parts.len();
    let cat_total = |u: usize, c: usize| doc.parts[u][c].iter().sum::<i64>();
    let total = |u: usize| cat_total(u, 0) + cat_total(u, 1);
    // Overall: block I sorted by total (stable), block II as generated.
    let mut order: Vec<usize> = (0..doc.ranked).collect();
    order.sort_by_key(|&u| std::cmp::Reverse(total(u)));
    let r = ranks(
        &order.iter().map(|&u| total(u)).collect::<Vec<_>>(),
        doc.ties,
    );
    let mut o = Tb::new("O", "I. CHỈ SỐ TỔNG THỂ", &CATS, 10).block("I", Some("I"), true);
    for (k, &u) in order.iter().enumerate() {
        let vals = [fmt1(cat_total(u, 0)), fmt1(cat_total(u, 1))];
        let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
        o = o.row(
            Some("I"),
            &(k + 1).to_string(),
            NAMES[u],
            &vals,
            &fmt1(total(u)),
            &r[k].to_string(),
        );
    }
    o = o.block("II", Some("II"), false);
    for (k, u) in (doc.ranked..n).enumerate() {
        let vals = [fmt1(cat_total(u, 0)), fmt1(cat_total(u, 1))];
        let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
        o = o.row(
            Some("II"),
            &(k + 1).to_string(),
            NAMES[u],
            &vals,
            &fmt1(total(u)),
            "",
        );
    }
    let mut line = o.next_line();
    let mut tables = vec![o.t];
    for c in 0..2 {
        let cols: Vec<String> = (0..doc.parts[0][c].len())
            .map(|i| format!("Nhóm {}", i + 1))
            .collect();
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        let title = format!("{}. Chỉ số nhóm tiêu chí {}", c + 1, CATS[c].to_lowercase());
        let mut t = Tb::new(&format!("C{c}"), &title, &cols, line);
        let mut order: Vec<usize> = (0..doc.ranked).collect();
        order.sort_by_key(|&u| std::cmp::Reverse(cat_total(u, c)));
        let r = ranks(
            &order.iter().map(|&u| cat_total(u, c)).collect::<Vec<_>>(),
            doc.ties,
        );
        let mut tt = 0;
        for (k, &u) in order.iter().enumerate() {
            tt += 1;
            let vals: Vec<String> = doc.parts[u][c].iter().map(|v| fmt1(*v)).collect();
            let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
            t = t.row(
                None,
                &tt.to_string(),
                NAMES[u],
                &vals,
                &fmt1(cat_total(u, c)),
                &r[k].to_string(),
            );
        }
        for u in doc.ranked..n {
            tt += 1;
            let vals: Vec<String> = doc.parts[u][c].iter().map(|v| fmt1(*v)).collect();
            let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
            t = t.row(
                None,
                &tt.to_string(),
                NAMES[u],
                &vals,
                &fmt1(cat_total(u, c)),
                "",
            );
        }
        line = t.next_line();
        tables.push(t.t);
    }
    tables
}

#[derive(Debug, Clone, Copy)]
enum Plant {
    SumMismatch,
    CrossTable,
    RankMismatch,
    RankNotInteger,
    RankMissing,
    RankUnexpected,
    RankedInconsistently,
    RowOrder,
    TtNumbering,
    ColumnNumbers,
    Precision,
    NotNfc,
    NameVariant,
    CaseAnomaly,
    NotANumber,
    DuplicateUnit,
}

const PLANTS: &[Plant] = &[
    Plant::SumMismatch,
    Plant::CrossTable,
    Plant::RankMismatch,
    Plant::RankNotInteger,
    Plant::RankMissing,
    Plant::RankUnexpected,
    Plant::RankedInconsistently,
    Plant::RowOrder,
    Plant::TtNumbering,
    Plant::ColumnNumbers,
    Plant::Precision,
    Plant::NotNfc,
    Plant::NameVariant,
    Plant::CaseAnomaly,
    Plant::NotANumber,
    Plant::DuplicateUnit,
];

fn set_num(e: &mut Entry, d: Decimal) {
    let line = e.pos.as_ref().map_or(0, |p| p.line);
    *e = entry(
        &crate::num::format_vi(d, d.scale(), RoundingMode::HalfUp),
        line,
    );
}

/// Plants one error; returns what must be found: (kind, table id, unit), or `None` when the
/// generated document has no place for it.
fn plant(
    tables: &mut [Table],
    doc: &Doc,
    p: Plant,
    pick: usize,
) -> Option<(FindingKind, String, Option<String>)> {
    let ranked = doc.ranked;
    let unit_of = |t: &Table, r: usize| Some(t.rows[r].unit.clone());
    match p {
        Plant::SumMismatch => {
            let t = &mut tables[1 + pick % 2];
            let r = pick % t.rows.len();
            let v = t.rows[r].total.cell.number()? + Decimal::new(10, 1);
            set_num(&mut t.rows[r].total, v);
            Some((FindingKind::SumMismatch, t.id.clone(), unit_of(t, r)))
        }
        Plant::CrossTable => {
            let t = &mut tables[0];
            let r = pick % t.rows.len();
            let c = pick % 2;
            let v = t.rows[r].values[c].cell.number()? + Decimal::new(10, 1);
            set_num(&mut t.rows[r].values[c], v);
            let tot = t.rows[r].total.cell.number()? + Decimal::new(10, 1);
            set_num(&mut t.rows[r].total, tot);
            Some((FindingKind::CrossTableMismatch, "O".into(), unit_of(t, r)))
        }
        Plant::RankMismatch => {
            let t = &mut tables[0];
            let r = pick % ranked;
            t.rows[r].rank = RankCell::Ranked(ranked as u32 + 5);
            Some((FindingKind::RankMismatch, "O".into(), unit_of(t, r)))
        }
        Plant::RankNotInteger => {
            let t = &mut tables[pick % 3];
            let r = pick % ranked;
            t.rows[r].rank = RankCell::Invalid("I".into());
            Some((FindingKind::RankNotInteger, t.id.clone(), unit_of(t, r)))
        }
        Plant::RankMissing => {
            let t = &mut tables[0];
            let r = pick % ranked;
            t.rows[r].rank = RankCell::Unranked;
            Some((FindingKind::RankMissing, "O".into(), unit_of(t, r)))
        }
        Plant::RankUnexpected => {
            let t = &mut tables[0];
            let r = ranked + pick % (t.rows.len() - ranked);
            t.rows[r].rank = RankCell::Ranked(1);
            Some((FindingKind::RankUnexpected, "O".into(), unit_of(t, r)))
        }
        Plant::RankedInconsistently => {
            let t = &mut tables[1 + pick % 2];
            let r = ranked + pick % (t.rows.len() - ranked);
            t.rows[r].rank = RankCell::Ranked(1);
            Some((
                FindingKind::RankedInconsistently,
                t.id.clone(),
                unit_of(t, r),
            ))
        }
        Plant::RowOrder => {
            let t = &mut tables[0];
            let totals: Vec<Decimal> = t.rows[..ranked]
                .iter()
                .filter_map(|r| r.total.cell.number())
                .collect();
            let k = (0..ranked - 1)
                .map(|i| (i + pick) % (ranked - 1))
                .find(|&k| totals[k] > totals[k + 1])?;
            let unit = unit_of(t, k);
            let (a, b) = t.rows.split_at_mut(k + 1);
            let (x, y) = (&mut a[k], &mut b[0]);
            std::mem::swap(&mut x.unit, &mut y.unit);
            std::mem::swap(&mut x.unit_raw, &mut y.unit_raw);
            std::mem::swap(&mut x.values, &mut y.values);
            std::mem::swap(&mut x.total, &mut y.total);
            std::mem::swap(&mut x.rank, &mut y.rank);
            Some((FindingKind::RowOrder, "O".into(), unit))
        }
        Plant::TtNumbering => {
            let t = &mut tables[pick % 3];
            let r = pick % t.rows.len();
            t.rows[r].tt = Some("99".into());
            Some((FindingKind::TtNumbering, t.id.clone(), unit_of(t, r)))
        }
        Plant::ColumnNumbers => {
            let t = &mut tables[pick % 3];
            let i = pick % t.column_numbers.len();
            let line = t.column_numbers[i].pos.as_ref().map_or(0, |p| p.line);
            t.column_numbers[i] = Entry {
                cell: Cell::Blank,
                ..entry("\u{a0}", line)
            };
            Some((FindingKind::ColumnNumbers, t.id.clone(), None))
        }
        Plant::Precision => {
            let t = &mut tables[1 + pick % 2];
            let r = pick % t.rows.len();
            let v = t.rows[r].values[0].cell.number()? + Decimal::new(4, 2);
            set_num(&mut t.rows[r].values[0], v);
            Some((FindingKind::Precision, t.id.clone(), unit_of(t, r)))
        }
        Plant::NotNfc => {
            let t = &mut tables[pick % 3];
            let r = pick % t.rows.len();
            let nfd: String = t.rows[r].unit.nfd().collect();
            t.rows[r].unit_raw = Some(nfd);
            Some((FindingKind::NotNfc, t.id.clone(), unit_of(t, r)))
        }
        Plant::NameVariant => {
            let t = &mut tables[1 + pick % 2];
            let r = pick % t.rows.len();
            let name = t.rows[r].unit.clone();
            let mut chars = name.chars();
            let variant = chars.next()?.to_string() + &chars.as_str().to_lowercase();
            t.rows[r].unit = variant.clone();
            Some((FindingKind::NameVariant, t.id.clone(), Some(variant)))
        }
        Plant::CaseAnomaly => {
            let t = &mut tables[pick % 3];
            t.title.push_str(" đIện tử");
            Some((FindingKind::CaseAnomaly, t.id.clone(), None))
        }
        Plant::NotANumber => {
            let t = &mut tables[pick % 3];
            let r = pick % t.rows.len();
            let line = t.rows[r].values[0].pos.as_ref().map_or(0, |p| p.line);
            t.rows[r].values[0] = entry("x", line);
            Some((FindingKind::NotANumber, t.id.clone(), unit_of(t, r)))
        }
        Plant::DuplicateUnit => {
            let t = &mut tables[1 + pick % 2];
            let r = 1 + pick % (t.rows.len() - 1);
            t.rows[r].unit = t.rows[0].unit.clone();
            Some((FindingKind::DuplicateUnit, t.id.clone(), unit_of(t, r)))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn consistent_documents_give_no_findings(doc in doc_strategy()) {
        let tables = build(&doc);
        let a = audit(&tables, &AuditOptions::default());
        prop_assert!(a.findings.is_empty(), "{}", render_text(&a, Lang::En));
    }

    #[test]
    fn every_planted_error_is_found(doc in doc_strategy(), which in 0usize..16, pick in 0usize..64) {
        let mut tables = build(&doc);
        let p = PLANTS[which % PLANTS.len()];
        let Some((kind, table, unit)) = plant(&mut tables, &doc, p, pick) else {
            return Ok(());
        };
        let a = audit(&tables, &AuditOptions::default());
        prop_assert!(
            a.findings.iter().any(|f| f.kind == kind && f.table == table && f.unit == unit),
            "{p:?}: expected {kind} in {table} for {unit:?}\n{}",
            render_text(&a, Lang::En)
        );
    }

    #[test]
    fn arbitrary_tables_never_panic(tables in prop::collection::vec(arb_table(), 0..4), src in "(?s).{0,200}") {
        let a = audit(&tables, &AuditOptions { source_text: Some(&src), ..Default::default() });
        let _ = render_text(&a, Lang::Vi);
        let _ = render_text(&a, Lang::En);
        let _ = render_markdown(&a, Lang::En);
        let _ = to_json(&a, &tables);
        for im in &a.impacts {
            prop_assert!(im.finding < a.findings.len());
        }
    }
}

fn arb_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..2000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
    ]
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    let pos = prop_oneof![
        Just(None),
        (0u32..50).prop_map(|l| Some(Pos::line(l, 1))),
        Just(Some(Pos::cell("Sheet1", "B7"))),
    ];
    let cell = prop_oneof![
        arb_decimal().prop_map(Cell::Number),
        Just(Cell::NotEvaluated),
        Just(Cell::Blank),
        "[a-zI(),\u{a0} ]{0,6}".prop_map(Cell::Text),
    ];
    let raw = prop::option::of("[0-9,.\u{a0}a-z()\u{301}]{0,8}");
    (cell, raw, pos).prop_map(|(cell, raw, pos)| Entry { cell, raw, pos })
}

fn arb_table() -> impl Strategy<Value = Table> {
    let names = prop::sample::select(vec![
        "Sở Y tế",
        "Sở y tế",
        "Sở Y\u{301} tế",
        "",
        "UBND huyện A",
        "Ban A",
    ]);
    let rank = prop_oneof![
        (0u32..6).prop_map(RankCell::Ranked),
        Just(RankCell::Unranked),
        Just(RankCell::Invalid("I".into())),
    ];
    let row = (
        prop::option::of("[0-9I]{0,2}"),
        names,
        prop::collection::vec(arb_entry(), 0..4),
        arb_entry(),
        rank,
        prop::option::of(prop::sample::select(vec!["I", "II", "x"])),
    )
        .prop_map(|(tt, unit, values, total, rank, block)| Row {
            tt,
            unit: unit.to_string(),
            unit_code: None,
            values,
            total,
            rank,
            rank_raw: None,
            rank_pos: None,
            block: block.map(str::to_string),
            pos: None,
            unit_raw: Some(unit.to_string()),
            not_submitted: false,
        });
    let labels = prop::collection::vec(
        prop::sample::select(vec!["Điều kiện sẵn sàng", "Kết quả", "A B", ""]),
        0..4,
    );
    (
        labels,
        prop::sample::select(vec!["1. Chỉ số điều kiện sẵn sàng", "Kết quả đIện tử", ""]),
        prop::collection::vec(row, 0..8),
        prop::collection::vec(arb_entry(), 0..8),
        prop::collection::vec((prop::sample::select(vec!["I", "II"]), any::<bool>()), 0..3),
        prop::option::of(0u32..4),
    )
        .prop_map(
            |(labels, title, rows, column_numbers, blocks, decimals)| Table {
                id: title.chars().take(3).collect(),
                title: title.to_string(),
                part: None,
                columns: labels
                    .iter()
                    .map(|l| Column {
                        label: l.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                total_label: String::new(),
                rank_label: "Xếp hạng".into(),
                blocks: blocks
                    .into_iter()
                    .map(|(id, ranked)| Block {
                        id: id.into(),
                        label: Some(id.into()),
                        title: None,
                        ranked,
                        pos: None,
                    })
                    .collect(),
                rows,
                column_numbers,
                decimals,
                pos: Some(Pos::line(1, 1)),
            },
        )
}
