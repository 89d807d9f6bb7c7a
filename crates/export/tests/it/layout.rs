//! The PDF's layout rules on synthetic annexes (issue #11): short and long unit names, 3 to 12 grid
//! columns, 1 to 3,321 rows, in blocks. For every page: no table has fewer than three of its rows on a
//! page unless it has fewer in all; no heading (part, table title) ends a page with no row after it;
//! no header cell wraps on more than three lines; a table keeps one orientation on all its pages.

use egov_core::table::{Annex, Block, Cell, Column, Entry, RankCell, Row, Table};
use egov_export::RenderOptions;
use egov_export::pdf::{self, Orientation};
use rust_decimal::Decimal;

/// A table with `values` value columns (grid width `values + 4`) and `rows` units in two blocks.
fn table(id: usize, values: usize, rows: usize, long_names: bool) -> Table {
    let columns = (0..values)
        .map(|c| Column {
            label: if c % 2 == 0 {
                format!("Mức độ cung cấp dịch vụ công trực tuyến toàn trình nhóm {c}")
            } else {
                format!("Nhóm {c}")
            },
            group: Some("Điểm thành phần".into()),
            decimals: Some(2),
            ..Column::default()
        })
        .collect();
    let split = rows.div_ceil(2);
    let rows = (0..rows)
        .map(|i| Row {
            tt: Some((i % split + 1).to_string().into()),
            unit: if long_names {
                format!(
                    "Ủy ban nhân dân xã Quảng Phú Cầu thuộc huyện Ứng Hòa thành phố Hà Nội số {}",
                    i + 1
                )
            } else {
                format!("Xã {}", i + 1)
            }
            .into(),
            unit_code: None,
            values: (0..values)
                .map(|c| {
                    Entry::computed(Cell::Number(Decimal::new(
                        (i * 7 + c * 13) as i64 % 1000,
                        2,
                    )))
                })
                .collect(),
            total: Entry::computed(Cell::Number(Decimal::new(100_000 - i as i64, 2))),
            rank: RankCell::Ranked(i as u32 + 1),
            block: Some(if i < split { "a" } else { "b" }.into()),
            origin: None,
            not_submitted: false,
        })
        .collect();
    Table {
        id: format!("t{id}"),
        title: format!("Bảng {id}. Kết quả đánh giá mức độ chính quyền số của các xã, phường"),
        part: Some(format!("PHẦN {id}. CÁC XÃ, PHƯỜNG, THỊ TRẤN")),
        columns,
        total_label: "Tổng điểm".into(),
        rank_label: "Xếp hạng".into(),
        blocks: vec![
            Block {
                id: "a".into(),
                label: Some("I".into()),
                title: Some("Khối xã".into()),
                ranked: true,
                pos: None,
            },
            Block {
                id: "b".into(),
                label: Some("II".into()),
                title: Some("Khối phường, thị trấn".into()),
                ranked: true,
                pos: None,
            },
        ],
        rows,
        column_numbers: Vec::new(),
        decimals: Some(2),
        pos: None,
    }
}

fn check(annex: &Annex) {
    let r = pdf::render_with_summary(annex, &RenderOptions::default()).unwrap();
    let rows_of = |t: usize| annex.tables[t].rows.len();
    let mut orientation: Vec<Option<Orientation>> = vec![None; annex.tables.len()];
    for p in &r.pages {
        for (t, seen) in orientation.iter_mut().enumerate() {
            let here = p.rows.iter().filter(|(tt, _)| *tt == t).count();
            if here > 0 {
                assert!(
                    here >= 3.min(rows_of(t)),
                    "page {}: {here} rows of table {t} ({} rows); pages {:?}",
                    p.number,
                    rows_of(t),
                    r.pages
                        .iter()
                        .map(|p| (p.orientation, p.rows.len(), p.headers.clone()))
                        .collect::<Vec<_>>()
                );
                let o = seen.get_or_insert(p.orientation);
                assert_eq!(*o, p.orientation, "table {t} changes orientation");
            }
        }
        if let Some((text, _)) = p.paragraphs.iter().find(|(_, followed)| !followed) {
            panic!("page {}: the heading {text:?} ends the page", p.number);
        }
        assert!(
            p.header_lines <= 3,
            "page {}: a header cell on {} lines",
            p.number,
            p.header_lines
        );
    }
    let drawn: usize = r.pages.iter().map(|p| p.rows.len()).sum();
    assert_eq!(
        drawn,
        annex.tables.iter().map(|t| t.rows.len()).sum::<usize>()
    );
}

#[test]
fn small_tables_of_every_width() {
    for values in [0, 1, 3, 5, 8] {
        for rows in [1, 2, 3, 4, 7] {
            for long in [false, true] {
                let annex = Annex {
                    title: "PHỤ LỤC".into(),
                    tables: (0..3).map(|i| table(i, values, rows + i, long)).collect(),
                    ..Annex::default()
                };
                check(&annex);
            }
        }
    }
}

#[test]
fn tables_that_break_across_pages() {
    // Lengths around a page's capacity, where a greedy break leaves one or two rows behind.
    for rows in [20, 25, 27, 29, 31, 33, 40, 45, 52, 58, 61, 64] {
        for values in [1, 4, 8] {
            let annex = Annex {
                title: "PHỤ LỤC".into(),
                tables: vec![
                    table(1, values, rows, false),
                    table(2, values, rows + 1, true),
                ],
                ..Annex::default()
            };
            check(&annex);
        }
    }
}

#[test]
fn a_national_table_of_3321_communes() {
    let annex = Annex {
        title: "PHỤ LỤC".into(),
        tables: vec![table(1, 8, 3321, true)],
        ..Annex::default()
    };
    check(&annex);
}

/// A row taller than a page (a unit name of thousands of words) is cut into pieces of whole lines
/// across pages instead of running off the page; the rows around it keep their places.
#[test]
fn a_row_taller_than_a_page_is_split() {
    let mut t = table(1, 3, 8, false);
    t.rows[4].unit = (0..3000)
        .map(|i| format!("từ{i}"))
        .collect::<Vec<_>>()
        .join(" ")
        .into();
    let annex = Annex {
        title: "PHỤ LỤC".into(),
        tables: vec![t],
        ..Annex::default()
    };
    let r = pdf::render_with_summary(&annex, &RenderOptions::default()).unwrap();
    let pages_with_row: Vec<usize> = r
        .pages
        .iter()
        .filter(|p| p.rows.contains(&(0, 4)))
        .map(|p| p.number)
        .collect();
    assert!(
        pages_with_row.len() >= 2,
        "the long row spans pages: {pages_with_row:?}"
    );
    assert!(
        pages_with_row.windows(2).all(|w| w[1] == w[0] + 1),
        "on consecutive pages"
    );
    let order: Vec<usize> = r
        .pages
        .iter()
        .flat_map(|p| p.rows.iter().map(|&(_, i)| i))
        .collect();
    let mut dedup = order.clone();
    dedup.dedup();
    assert_eq!(dedup, (0..8).collect::<Vec<_>>(), "every row in order");
    // Its whole text is recorded once, on the page where it starts.
    let name = &annex.tables[0].rows[4].unit;
    let times: usize = r
        .pages
        .iter()
        .map(|p| p.texts.iter().filter(|t| *t == name).count())
        .sum();
    assert_eq!(times, 1);
}
