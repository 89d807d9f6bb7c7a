//! A small annex built by hand: two tables, two blocks (one unranked), a tie, a "Không đánh giá" cell,
//! a table without block rows, names given in NFD and cleaned to NFC as every importer does.

use std::str::FromStr;

use egov_core::table::{Annex, Block, Cell, Column, Entry, RankCell, Row, RowOrigin, Table};
use egov_core::text;
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn num(s: &str) -> Entry {
    Entry::computed(Cell::Number(d(s)))
}

fn row(tt: &str, unit: &str, values: Vec<Entry>, total: &str, rank: RankCell, block: &str) -> Row {
    Row {
        tt: Some(tt.into()),
        unit: text::clean(unit).into(),
        unit_code: Some(format!("U{tt}").into()),
        values,
        total: num(total),
        rank,
        block: Some(block.into()),
        origin: RowOrigin {
            unit_raw: Some(unit.into()),
            ..RowOrigin::default()
        }
        .boxed(),
        not_submitted: false,
    }
}

/// NFD spellings of names, as the seed has them.
pub const NFD_UNIT: &str = "Sơ\u{309} Giáo dục và Đào tạo";
pub const NFD_UNRANKED: &str = "Thanh tra ti\u{309}nh";

pub fn annex() -> Annex {
    let group = Some("Điểm".to_string());
    let t1 = Table {
        id: "so-tong-the".into(),
        title: "Chỉ số và xếp hạng tổng thể của các sở, ban, ngành".into(),
        part: Some("I. CHỈ SỐ VÀ XẾP HẠNG TỔNG THỂ MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ".into()),
        columns: vec![
            Column {
                label: "Điều kiện sẵn sàng Chính quyền điện tử".into(),
                group: group.clone(),
                node: Some("A".into()),
                decimals: Some(1),
            },
            Column {
                label: "Kết quả Chính quyền điện tử đạt được".into(),
                group: group.clone(),
                node: Some("B".into()),
                decimals: None,
            },
        ],
        total_label: "Tổng điểm".into(),
        rank_label: "Xếp hạng".into(),
        blocks: vec![
            Block {
                id: "co-dvc".into(),
                label: Some("I".into()),
                title: Some("Chỉ số và xếp hạng đối với các cơ quan, đơn vị có hạng mục cung cấp dịch vụ công".into()),
                ranked: true,
                pos: None,
            },
            Block {
                id: "khong-dvc".into(),
                label: Some("II".into()),
                title: Some("Chỉ số đối với các cơ quan, đơn vị không có hạng mục cung cấp dịch vụ công".into()),
                ranked: false,
                pos: None,
            },
        ],
        rows: vec![
            row("1", "Sở Kế hoạch - Đầu tư", vec![num("27.0"), num("47.4")], "74.4", RankCell::Ranked(1), "co-dvc"),
            row("2", NFD_UNIT, vec![num("27.0"), num("40.5")], "67.5", RankCell::Ranked(2), "co-dvc"),
            row("3", "Sở Ngoại vụ", vec![num("27.0"), num("40.5")], "67.5", RankCell::Ranked(2), "co-dvc"),
            row(
                "4",
                "Sở Tư pháp",
                vec![num("26"), Entry::computed(Cell::NotEvaluated)],
                "26.0",
                RankCell::Ranked(3),
                "co-dvc",
            ),
            row("1", "Văn phòng UBND tỉnh", vec![num("25.5"), num("30.3")], "55.8", RankCell::Unranked, "khong-dvc"),
            row("2", NFD_UNRANKED, vec![num("24.0"), Entry::computed(Cell::Blank)], "24.0", RankCell::Unranked, "khong-dvc"),
        ],
        column_numbers: vec![],
        decimals: Some(1),
        pos: None,
    };
    let t2 = Table {
        id: "huyen-hang-muc-a".into(),
        title: "Hạng mục A: Hạ tầng & ứng dụng <CNTT> của UBND các huyện, thành phố".into(),
        part: Some("II. CHỈ SỐ VÀ XẾP HẠNG CỦA ỦY BAN NHÂN DÂN CÁC HUYỆN, THÀNH PHỐ".into()),
        columns: vec![
            Column {
                label: "A.1".into(),
                group: Some("Nhóm tiêu chí".into()),
                node: Some("A.1".into()),
                decimals: None,
            },
            Column {
                label: "A.2".into(),
                group: Some("Nhóm tiêu chí".into()),
                node: Some("A.2".into()),
                decimals: None,
            },
            Column {
                label: "Điểm thưởng".into(),
                group: None,
                node: None,
                decimals: Some(0),
            },
        ],
        total_label: "Tổng điểm hạng mục A".into(),
        rank_label: "Xếp hạng".into(),
        blocks: vec![Block {
            id: "huyen".into(),
            label: None,
            title: None,
            ranked: true,
            pos: None,
        }],
        rows: vec![
            row(
                "1",
                "Thành phố Hòa Bình",
                vec![num("12.25"), num("8.10"), num("2")],
                "22.35",
                RankCell::Ranked(1),
                "huyen",
            ),
            row(
                "2",
                "Huyện Đà Bắc",
                vec![num("10.00"), num("9.05"), num("0")],
                "19.05",
                RankCell::Ranked(2),
                "huyen",
            ),
            row(
                "3",
                "Huyện Lạc Sơn | Tân Lạc",
                vec![num("1234.50"), num("0.00"), num("1")],
                "1235.50",
                RankCell::Ranked(3),
                "huyen",
            ),
        ],
        column_numbers: vec![],
        decimals: Some(2),
        pos: None,
    };
    Annex {
        edition: "hoabinh-2019".into(),
        title: "CHỈ SỐ VÀ XẾP HẠNG MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ".into(),
        subtitle: vec!["(Ban hành kèm theo Quyết định số 2870/QĐ-UBND ngày 18/12/2019 của Chủ tịch Ủy ban nhân dân tỉnh)".into()],
        tables: vec![t1, t2],
    }
}

/// Every unit name of the fixture, NFC, in table order.
pub fn unit_names(annex: &Annex) -> Vec<String> {
    annex
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|r| r.unit.to_string()))
        .collect()
}
