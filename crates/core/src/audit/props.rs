//! Property tests: generated consistent documents give no findings; one planted error of each kind is
//! found at its table and unit; arbitrary tables never make the audit (or its renderers) panic.
//!
//! The generated documents are built with oracles written here, independent of the code under test:
//! ranks by counting (dense: 1 + distinct higher values; competition: 1 + higher values), half-up
//! rounding and decimal-comma printing on integers. Built with the crate's own `rank`, `round` or
//! `format_vi`, a bug there would make the document and the audit agree on a wrong number.

use proptest::prelude::*;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::tests::{Tb, entry};
use super::*;
use crate::edition::Ties;
use crate::table::{Block, Cell, Column, Entry, Pos, RankCell, Row, RowOrigin, Table};

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

/// A consistent document: per unit two categories of 2–3 parts, `ranked` units in block I. Parts are
/// in tenths, or (`hundredths`) in hundredths printed with two decimals under category totals printed
/// with one, rounded half-up — the totals are then explained only by rounding.
#[derive(Debug, Clone)]
struct Doc {
    /// Per unit and category, the parts in units of the last printed decimal (tenths or hundredths).
    parts: Vec<[Vec<i64>; 2]>,
    ranked: usize,
    ties: Ties,
    hundredths: bool,
}

impl Doc {
    fn part_decimals(&self) -> u32 {
        if self.hundredths { 2 } else { 1 }
    }

    /// A category total as printed, in tenths: the exact sum, rounded half-up when parts are hundredths.
    fn cat_total(&self, u: usize, c: usize) -> i64 {
        let sum: i64 = self.parts[u][c].iter().sum();
        if self.hundredths {
            half_up_tenths(sum)
        } else {
            sum
        }
    }

    /// The unit total, in tenths: the sum of the two printed category totals.
    fn total(&self, u: usize) -> i64 {
        self.cat_total(u, 0) + self.cat_total(u, 1)
    }
}

/// Oracle: `units` × 10^-`decimals` printed with a decimal comma and exactly `decimals` places.
fn fixed(units: i64, decimals: u32) -> String {
    let p = 10i64.pow(decimals);
    let sign = if units < 0 { "-" } else { "" };
    let a = units.abs();
    if decimals == 0 {
        format!("{sign}{a}")
    } else {
        format!("{sign}{},{:0w$}", a / p, a % p, w = decimals as usize)
    }
}

fn fmt1(tenths: i64) -> String {
    fixed(tenths, 1)
}

/// Oracle: hundredths (≥ 0) rounded half-up to tenths — a half goes up.
fn half_up_tenths(hundredths: i64) -> i64 {
    assert!(hundredths >= 0);
    (hundredths + 5) / 10
}

/// Oracle: ranks by counting, highest first. Dense: 1 + the number of distinct higher values;
/// competition: 1 + the number of higher values.
fn ranks(values: &[i64], ties: Ties) -> Vec<u32> {
    values
        .iter()
        .map(|v| {
            let higher: Vec<i64> = values.iter().copied().filter(|w| w > v).collect();
            let n = match ties {
                Ties::Dense => higher
                    .iter()
                    .enumerate()
                    .filter(|(i, w)| !higher[..*i].contains(w))
                    .count(),
                Ties::Competition => higher.len(),
            };
            1 + n as u32
        })
        .collect()
}

#[test]
fn the_oracles_on_closed_form_cases() {
    assert_eq!(ranks(&[30, 20, 20, 10], Ties::Dense), [1, 2, 2, 3]);
    assert_eq!(ranks(&[30, 20, 20, 10], Ties::Competition), [1, 2, 2, 4]);
    assert_eq!(ranks(&[10, 30, 10, 30, 5], Ties::Dense), [2, 1, 2, 1, 3]);
    assert_eq!(
        ranks(&[10, 30, 10, 30, 5], Ties::Competition),
        [3, 1, 3, 1, 5]
    );
    assert_eq!(ranks(&[7, 7, 7], Ties::Competition), [1, 1, 1]);
    assert_eq!(
        [0, 4, 5, 14, 15, 25, 35, 995].map(half_up_tenths),
        [0, 0, 1, 1, 2, 3, 4, 100]
    );
    assert_eq!(fixed(0, 1), "0,0");
    assert_eq!(fixed(5, 1), "0,5");
    assert_eq!(fixed(705, 1), "70,5");
    assert_eq!(fixed(5, 2), "0,05");
    assert_eq!(fixed(-1205, 2), "-12,05");
    assert_eq!(fixed(27, 0), "27");
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    (
        3usize..8,
        2usize..4,
        prop::bool::ANY,
        2usize..4,
        2usize..4,
        prop::bool::ANY,
    )
        .prop_flat_map(|(ranked, unranked, comp, pa, pb, hundredths)| {
            let n = ranked + unranked;
            // Few distinct values so that ties are common; in hundredths, many sums end in a half.
            let part = if hundredths {
                (0i64..6, 0i64..3).prop_map(|(x, y)| x * 50 + y * 5).boxed()
            } else {
                (0i64..6).prop_map(|x| x * 5).boxed()
            };
            let unit = (
                prop::collection::vec(part.clone(), pa),
                prop::collection::vec(part, pb),
            )
                .prop_map(|(a, b)| [a, b]);
            prop::collection::vec(unit, n).prop_map(move |parts| Doc {
                parts,
                ranked,
                ties: if comp { Ties::Competition } else { Ties::Dense },
                hundredths,
            })
        })
}

const CATS: [&str; 2] = ["Điều kiện sẵn sàng", "Kết quả đạt được"];

// Units and categories are addressed by index across several parallel structures.
#[allow(clippy::needless_range_loop)]
fn build(doc: &Doc) -> Vec<Table> {
    let n = doc.parts.len();
    let cat_total = |u: usize, c: usize| doc.cat_total(u, c);
    let total = |u: usize| doc.total(u);
    let part = |v: &i64| fixed(*v, doc.part_decimals());
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
            let vals: Vec<String> = doc.parts[u][c].iter().map(part).collect();
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
            let vals: Vec<String> = doc.parts[u][c].iter().map(part).collect();
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

/// Prints `d` at its own scale with a decimal comma (no rounding involved).
fn set_num(e: &mut Entry, d: Decimal) {
    let line = e.pos().map_or(0, |p| p.line);
    *e = entry(&d.to_string().replace('.', ","), line);
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
    let unit_of = |t: &Table, r: usize| Some(t.rows[r].unit.to_string());
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
            let (ux, uy) = (
                x.unit_raw().map(str::to_owned),
                y.unit_raw().map(str::to_owned),
            );
            x.edit_origin(|o| o.unit_raw = uy);
            y.edit_origin(|o| o.unit_raw = ux);
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
            let line = t.column_numbers[i].pos().map_or(0, |p| p.line);
            t.column_numbers[i] = Entry {
                cell: Cell::Blank,
                ..entry("\u{a0}", line)
            };
            Some((FindingKind::ColumnNumbers, t.id.clone(), None))
        }
        Plant::Precision => {
            let t = &mut tables[1 + pick % 2];
            let r = pick % t.rows.len();
            // One decimal more than the parts print.
            let v = t.rows[r].values[0].cell.number()? + Decimal::new(4, doc.part_decimals() + 1);
            set_num(&mut t.rows[r].values[0], v);
            Some((FindingKind::Precision, t.id.clone(), unit_of(t, r)))
        }
        Plant::NotNfc => {
            let t = &mut tables[pick % 3];
            let r = pick % t.rows.len();
            let nfd: String = t.rows[r].unit.nfd().collect();
            t.rows[r].edit_origin(|o| o.unit_raw = Some(nfd));
            Some((FindingKind::NotNfc, t.id.clone(), unit_of(t, r)))
        }
        Plant::NameVariant => {
            let t = &mut tables[1 + pick % 2];
            let r = pick % t.rows.len();
            let name = t.rows[r].unit.clone();
            let mut chars = name.chars();
            let variant = chars.next()?.to_string() + &chars.as_str().to_lowercase();
            t.rows[r].unit = variant.as_str().into();
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
            let line = t.rows[r].values[0].pos().map_or(0, |p| p.line);
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
    fn consistent_documents_give_only_the_rounding_notes(doc in doc_strategy()) {
        let tables = build(&doc);
        let a = audit(&tables, &AuditOptions::default());
        // Only the notes that a category total is its exact sum rounded (half-up, by the oracle), where
        // the printed hundredths do not add up to it; nothing at all in tenths.
        let mut expected = Vec::new();
        for c in 0..2 {
            for (parts, name) in doc.parts.iter().zip(NAMES) {
                if doc.hundredths && parts[c].iter().sum::<i64>() % 10 != 0 {
                    expected.push((format!("C{c}"), name.to_string()));
                }
            }
        }
        expected.sort();
        let mut got: Vec<(String, String)> = a
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::SumRounding && f.severity == Severity::Info)
            .map(|f| (f.table.clone(), f.unit.clone().unwrap_or_default()))
            .collect();
        got.sort();
        prop_assert_eq!(a.findings.len(), got.len(), "{}", render_text(&a, Lang::En));
        prop_assert_eq!(got, expected, "{}", render_text(&a, Lang::En));
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
    (cell, raw, pos).prop_map(|(cell, raw, pos)| Entry::imported(cell, raw, pos))
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
            tt: tt.map(Into::into),
            unit: unit.into(),
            unit_code: None,
            values,
            total,
            rank,
            block: block.map(Into::into),
            origin: RowOrigin {
                unit_raw: Some(unit.to_string()),
                ..RowOrigin::default()
            }
            .boxed(),
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
