//! The seed decision (Hòa Bình 2870/QĐ-UBND, 2019) imports into its six tables, pinned row by row.
//!
//! Each table is pinned as `tt|unit|values…|total|rank|block` lines, numbers printed back with a decimal
//! comma at the scale they were read with (so `22,50` stays `22,50`), `<KĐG>` for "Không đánh giá",
//! an empty field for a blank cell and `!X` for a rank cell that is not a number.

use std::path::PathBuf;

use egov_core::table::{Cell, Entry, Pos, RankCell, Table};
use egov_core::text::is_nfc;
use egov_import::{Format, Imported, import_bytes, import_path};

pub fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/hoabinh-2870-QD-UBND-2019.txt")
}

pub fn seed() -> Imported {
    import_path(&seed_path(), Format::Auto).expect("the seed imports")
}

pub fn show(c: &Cell) -> String {
    match c {
        Cell::Number(d) => d.to_string().replace('.', ","),
        Cell::NotEvaluated => "<KĐG>".into(),
        Cell::Blank => String::new(),
        Cell::Text(t) => format!("\"{t}\""),
    }
}

/// The pin lines of a table.
pub fn pins(t: &Table) -> String {
    t.rows
        .iter()
        .map(|r| {
            let mut f = vec![
                r.tt.as_deref().unwrap_or_default().to_string(),
                r.unit.to_string(),
            ];
            f.extend(r.values.iter().map(|e| show(&e.cell)));
            f.push(show(&r.total.cell));
            f.push(match &r.rank {
                RankCell::Ranked(n) => n.to_string(),
                RankCell::Unranked => String::new(),
                RankCell::Invalid(s) => format!("!{s}"),
            });
            f.push(r.block.as_deref().unwrap_or_default().to_string());
            f.join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn labels(t: &Table) -> Vec<(&str, Option<&str>)> {
    t.columns
        .iter()
        .map(|c| (c.label.as_str(), c.group.as_deref()))
        .collect()
}

const READINESS: [&str; 3] = [
    "Cơ sở hạ tầng thông tin",
    "Nhân lực CNTT",
    "Môi trường chính sách",
];
const OVERALL: [&str; 2] = [
    "Điều kiện sẵn sàng Chính quyền điện tử",
    "Kết quả Chính quyền điện tử đạt được",
];

fn check_frame(t: &Table, title_start: &str, part_start: &str, columns: &[&str]) {
    assert!(
        t.title.starts_with(title_start),
        "{}: title {}",
        t.id,
        t.title
    );
    assert!(
        t.part.as_deref().is_some_and(|p| p.starts_with(part_start)),
        "{}: part {:?}",
        t.id,
        t.part
    );
    let expected: Vec<(&str, Option<&str>)> = columns.iter().map(|c| (*c, Some("Điểm"))).collect();
    assert_eq!(labels(t), expected, "{}", t.id);
    assert_eq!(t.total_label, "Tổng điểm");
    assert_eq!(t.rank_label, "Xếp hạng");
}

fn numbers(t: &Table) -> Vec<String> {
    t.column_numbers.iter().map(|e| show(&e.cell)).collect()
}

#[test]
fn six_tables_and_headings() {
    let imp = seed();
    let ids: Vec<&str> = imp.tables.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["I", "I.1", "I.2", "II", "II.1", "II.2"]);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    assert!(
        imp.headings
            .iter()
            .any(|h| h.starts_with("CHỈ SỐ VÀ XẾP HẠNG MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ"))
    );
    assert!(
        imp.headings
            .iter()
            .any(|h| h.starts_with("(Ban hành kèm theo Quyết định số 2870/QĐ-UBND"))
    );
    assert!(imp.headings.iter().all(|h| is_nfc(h)));
}

#[test]
fn departments_overall() {
    let imp = seed();
    let t = &imp.tables[0];
    check_frame(t, "I. CHỈ SỐ VÀ XẾP HẠNG TỔNG THỂ", "I. CHỈ SỐ", &OVERALL);
    assert_eq!(t.title, t.part.clone().unwrap_or_default());
    assert_eq!(pins(t), DEPT_OVERALL);
    assert_eq!(t.blocks.len(), 2);
    let (b1, b2) = (&t.blocks[0], &t.blocks[1]);
    assert_eq!(
        (b1.id.as_str(), b1.label.as_deref(), b1.ranked),
        ("I", Some("I"), true)
    );
    assert_eq!(
        b1.title.as_deref(),
        Some("Chỉ số và xếp hạng đối với các cơ quan, đơn vị có hạng mục cung cấp dịch vụ công")
    );
    assert_eq!((b2.id.as_str(), b2.ranked), ("II", false));
    assert!(
        b2.title
            .as_deref()
            .is_some_and(|s| s.contains("không có hạng mục"))
    );
    assert_eq!(b1.pos, Some(Pos::line(58, 2)));
    assert_eq!(
        numbers(t),
        [
            "\"(1)\"", "\"(2)\"", "\"(3)\"", "\"(4)\"", "\"(5)\"", "\"(6)\""
        ]
    );
    // Row 1 and its sources.
    let r = &t.rows[0];
    assert_eq!(r.pos(), Some(&Pos::line(61, 2)));
    assert_eq!(
        r.values[0],
        Entry::imported(
            Cell::Number("27.0".parse().unwrap()),
            Some("27,0".into()),
            Some(Pos::line(63, 2))
        )
    );
    assert_eq!(r.total.pos(), Some(&Pos::line(65, 2)));
    assert_eq!(
        (r.rank_raw(), r.rank_pos().cloned()),
        (Some("1"), Some(Pos::line(66, 2)))
    );
    // The unranked block's rank cells are non-breaking spaces.
    let last = t.rows.last().unwrap();
    assert_eq!(
        (last.rank.clone(), last.rank_raw()),
        (RankCell::Unranked, Some("\u{a0}"))
    );
    // "Sở Xây dựng" (line 160) is stored in NFD: the name is NFC, the raw text keeps the source form.
    let r15 = &t.rows[14];
    assert_eq!(r15.unit, "Sở Xây dựng");
    assert!(is_nfc(&r15.unit));
    assert!(!is_nfc(r15.unit_raw().unwrap()));
}

#[test]
fn departments_readiness() {
    let imp = seed();
    let t = &imp.tables[1];
    check_frame(
        t,
        "1. Chỉ số và xếp hạng nhóm tiêu chí đánh giá điều kiện sẵn sàng",
        "I. CHỈ SỐ",
        &READINESS,
    );
    assert_eq!(t.id, "I.1");
    assert_eq!(pins(t), DEPT_READINESS);
    assert_eq!(t.blocks.len(), 1);
    assert_eq!(
        (t.blocks[0].label.clone(), t.blocks[0].ranked),
        (None, true)
    );
    // Row 5's rank is the letter I, kept as invalid.
    let r5 = &t.rows[4];
    assert_eq!(
        (r5.rank.clone(), r5.rank_pos().cloned()),
        (RankCell::Invalid("I".into()), Some(Pos::line(266, 2)))
    );
    assert_eq!(numbers(t).len(), 7);
    assert_eq!(t.pos, Some(Pos::line(206, 2)));
}

#[test]
fn departments_results() {
    let imp = seed();
    let t = &imp.tables[2];
    check_frame(
        t,
        "2. Chỉ số và xếp hạng nhóm tiêu chí đánh giá kết quả",
        "I. CHỈ SỐ",
        &[
            "Đánh giá mức độ hiện diện (tính minh bạch)",
            "Mức độ tương tác",
            "Đánh giá mức độ giao dịch",
        ],
    );
    assert_eq!(pins(t), DEPT_RESULTS);
    // Row 6 (Sở TTTT) has 27,8 for interaction and 3,68 — two decimals where the table prints one — in
    // the third score column, "Đánh giá mức độ giao dịch" (9 + 27,8 + 3,68 = 40,48, printed 40,5).
    let r6 = &t.rows[5];
    assert_eq!(
        r6.values[t.column_index("Mức độ tương tác").unwrap()].raw(),
        Some("27,8")
    );
    let col = t.column_index("Đánh giá mức độ giao dịch").unwrap();
    assert_eq!(r6.values[col].raw(), Some("3,68"));
    assert_eq!(r6.values[col].cell.number().map(|d| d.scale()), Some(2));
    assert_eq!(r6.values[col].pos(), Some(&Pos::line(458, 2)));
    // "Không đánh giá" is not evaluated, not zero; those rows are unranked.
    let r19 = &t.rows[18];
    assert_eq!(r19.values[2].cell, Cell::NotEvaluated);
    assert_eq!(r19.rank, RankCell::Unranked);
    // The column-number row ends with a non-breaking-space cell.
    let last = t.column_numbers.last().unwrap();
    assert_eq!(
        (last.cell.clone(), last.raw(), last.pos().cloned()),
        (Cell::Blank, Some("\u{a0}"), Some(Pos::line(412, 2)))
    );
    assert_eq!(
        numbers(t)[..6],
        [
            "\"(1)\"", "\"(2)\"", "\"(3)\"", "\"(4)\"", "\"(5)\"", "\"(6)\""
        ]
    );
}

#[test]
fn districts_overall() {
    let imp = seed();
    let t = &imp.tables[3];
    check_frame(t, "II. CHỈ SỐ VÀ XẾP HẠNG TỔNG THỂ", "II. CHỈ SỐ", &OVERALL);
    assert_eq!(pins(t), DISTRICT_OVERALL);
    // TT printed out of order: 1, 2, 4, 3, 5 …
    let tts: Vec<&str> = t.rows.iter().filter_map(|r| r.tt.as_deref()).collect();
    assert_eq!(
        tts,
        ["1", "2", "4", "3", "5", "6", "7", "8", "9", "10", "11"]
    );
    // 22,50 keeps its printed scale; 22,5 on the next row does not have it.
    assert_eq!(
        t.rows[0].values[0].cell.number().map(|d| d.scale()),
        Some(2)
    );
    assert_eq!(
        t.rows[1].values[0].cell.number().map(|d| d.scale()),
        Some(1)
    );
    assert_eq!(t.blocks.len(), 1);
}

#[test]
fn districts_readiness() {
    let imp = seed();
    let t = &imp.tables[4];
    // The title keeps its typo "đIện tử" (as printed, only NFC-normalised).
    check_frame(
        t,
        "1. Chỉ số và xếp hạng nhóm tiêu chí đánh giá điều kiện sẵn sàng Chính quyền đIện tử",
        "II. CHỈ SỐ",
        &READINESS,
    );
    assert_eq!(t.id, "II.1");
    assert_eq!(pins(t), DISTRICT_READINESS);
}

#[test]
fn districts_results() {
    let imp = seed();
    let t = &imp.tables[5];
    check_frame(
        t,
        "2. Chỉ số và xếp hạng nhóm tiêu chí đánh giá kết quả",
        "II. CHỈ SỐ",
        &[
            "Đánh giá mức độ hiện diện (tính minh bạch)",
            "Mức độ tương tác",
            "Mức độ giao dịch",
        ],
    );
    assert_eq!(pins(t), DISTRICT_RESULTS);
}

#[test]
fn same_tables_from_crlf_bom_and_explicit_format() {
    let bytes = std::fs::read(seed_path()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    // The decoded text differs by its line endings; everything read from it is the same.
    let read = |bytes: &[u8], format| Imported {
        source_text: None,
        ..import_bytes("seed.txt", bytes, format).unwrap()
    };
    let a = read(crlf.as_bytes(), Format::Auto);
    let b = read(&bytes, Format::WordText);
    assert_eq!(a, b);
    assert_eq!(
        a,
        Imported {
            source_text: None,
            ..seed()
        }
    );
}

const DEPT_OVERALL: &str = "\
1|Sở Kế hoạch - Đầu tư|27,0|47,4|74,4|1|I\n\
2|Sở Y tế|27,0|47,2|74,2|2|I\n\
3|Sở Giáo dục và Đào tạo|27,0|45,2|72,2|3|I\n\
4|Sở Khoa học và Công nghệ|27,0|41,3|68,3|4|I\n\
5|Sở Ngoại vụ|27,0|40,5|67,5|5|I\n\
6|Sở Nông nghiệp và PTNT|27,0|40,5|67,5|5|I\n\
7|Sở Thông tin và Truyền thông|27,0|40,5|67,5|5|I\n\
8|Sở Văn hóa, TT và DL|27,0|39,9|66,9|6|I\n\
9|Sở Tư pháp|27,0|38,4|65,4|7|I\n\
10|Sở Nội vụ|27,0|36,2|63,2|8|I\n\
11|Sở Tài chính|27,0|36,2|63,2|8|I\n\
12|Sở Công thương|26,0|36,8|62,8|9|I\n\
13|Ban Quản lý các KCN|27,0|34,6|61,6|10|I\n\
14|Ban Dân tộc|25,0|36,4|61,4|11|I\n\
15|Sở Xây dựng|27,0|34,1|61,1|12|I\n\
16|Sở Giao thông Vận tải|27,0|31,9|58,9|13|I\n\
17|Sở Lao động, TB&XH|25,0|33,0|58,0|14|I\n\
18|Sở Tài nguyên và Môi trường|25,0|32,8|57,8|15|I\n\
1|Văn phòng UBND tỉnh|27,0|36,3|63,3||II\n\
2|Thanh tra tỉnh|27,0|36,3|63,3||II";

const DEPT_READINESS: &str = "\
1|Văn phòng UBND tỉnh|9|4|14|27|1|0\n\
2|Thanh tra tỉnh|9|4|14|27|1|0\n\
3|Sở Y tế|9|4|14|27|1|0\n\
4|Sở xây dựng|9|4|14|27|1|0\n\
5|Sở Văn hóa, TT và DL|9|4|14|27|!I|0\n\
6|Sở Thông tin và Truyền thông|9|4|14|27|1|0\n\
7|Sở Tư pháp|9|4|14|27|1|0\n\
8|Sở Tài chính|9|4|14|27|1|0\n\
9|Sở Nông nghiệp và PTNT|9|4|14|27|1|0\n\
10|Sở Nội vụ|9|4|14|27|1|0\n\
11|Sở Khoa học và Công nghệ|9|4|14|27|1|0\n\
12|Sở Kế hoạch - Đầu tư|9|4|14|27|1|0\n\
13|Sở Giao thông - Vận tải|9|4|14|27|1|0\n\
14|Sở Giáo dục và Đào tạo|9|4|14|27|1|0\n\
15|Ban Quản lý các KCN|9|4|14|27|1|0\n\
16|Sở Ngoại vụ|9|4|14|27|1|0\n\
17|Sở Công thương|9|4|13|26|2|0\n\
18|Sở Tài nguyên và Môi trường|7|4|14|25|3|0\n\
19|Sở Lao động, TB&XH|9|4|12|25|3|0\n\
20|Ban Dân tộc|9|4|12|25|3|0";

const DEPT_RESULTS: &str = "\
1|Sở Kế hoạch - Đầu tư|9|26,8|11,6|47,4|1|0\n\
2|Sở Y tế|9|26,3|12,0|47,2|2|0\n\
3|Sở Giáo dục và Đào tạo|9|22,4|13,8|45,2|3|0\n\
4|Sở Khoa học và Công nghệ|9|26,9|5,4|41,3|4|0\n\
5|Sở Ngoại vụ|9|26,7|4,8|40,5|5|0\n\
6|Sở Thông tin và Truyền thông|9|27,8|3,68|40,5|5|0\n\
7|Sở Văn hóa, TT và DL|9|26,1|4,8|39,9|6|0\n\
8|Sở Tư pháp|9|26,4|3,0|38,4|7|0\n\
9|Sở Nông nghiệp và PTNT|9|27,1|0,8|36,9|8|0\n\
10|Sở Công thương|9|25,8|2,0|36,8|9|0\n\
11|Ban Dân tộc|9|27,4|0|36,4|10|0\n\
12|Sở Nội vụ|9|26,0|1,2|36,2|11|0\n\
13|Sở Tài chính|9|27,1|0,1|36,2|11|0\n\
14|Ban Quản lý các KCN|9|25,6|0|34,6|12|0\n\
15|Sở xây dựng|9|23,8|1,3|34,1|13|0\n\
16|Sở Lao động, TB&XH|9|22,1|1,9|33,0|14|0\n\
17|Sở Tài nguyên và Môi trường|9|23,2|0,6|32,8|15|0\n\
18|Sở Giao thông Vận tải|9|22,5|0,4|31,9|16|0\n\
19|Văn phòng UBND tỉnh|9|27,3|<KĐG>|36,3||0\n\
20|Thanh tra tỉnh|9|27,3|<KĐG>|36,3||0";

const DISTRICT_OVERALL: &str = "\
1|UBND huyện Lạc Sơn|22,50|54,18|76,68|1|0\n\
2|UBND huyện Lạc Thủy|22,5|52,78|75,28|2|0\n\
4|UBND thành phố Hòa Bình|22,50|50,88|73,38|3|0\n\
3|UBND huyện Kỳ Sơn|21,00|51,78|72,78|4|0\n\
5|UBND huyện Tân Lạc|22,50|49,53|72,03|5|0\n\
6|UBND huyện Cao Phong|21,80|48,60|70,40|6|0\n\
7|UBND huyện Đà Bắc|21,55|48,08|69,63|7|0\n\
8|UBND huyện Lương Sơn|21,00|44,17|65,17|8|0\n\
9|UBND huyện Kim Bôi|20,00|40,39|60,39|9|0\n\
10|UBND huyện Mai Châu|17,61|39,46|57,07|10|0\n\
11|UBND huyện Yên Thủy|10,65|20,50|31,15|11|0";

const DISTRICT_READINESS: &str = "\
1|UBND huyện Lạc Thủy|11|5,5|6|22,5|1|0\n\
2|UBND thành phố Hòa Bình|11|5,5|6|22,5|1|0\n\
3|UBND huyện Tân Lạc|11|5,5|6|22,5|1|0\n\
4|UBND huyện Lạc Sơn|10,6|5,5|6|22,1|2|0\n\
5|UBND huyện Cao Phong|10,3|5,5|6|21,8|2|0\n\
6|UBND huyện Đà Bắc|10,1|5,5|6|21,6|2|0\n\
7|UBND huyện Kỳ Sơn|9,5|5,5|6|21,0|3|0\n\
8|UBND huyện Lương Sơn|9,5|5,5|6|21,0|3|0\n\
9|UBND huyện Kim Bôi|9,5|5,5|5|20,0|4|0\n\
10|UBND huyện Mai Châu|7,7|5,2|4,7|17,6|5|0\n\
11|UBND huyện Yên Thủy|6,7|4|0|10,7|6|0";

const DISTRICT_RESULTS: &str = "\
1|UBND huyện Lạc Sơn|9,50|25,06|19,63|54,18|1|0\n\
2|UBND huyện Lạc Thủy|9,50|24,45|18,83|52,78|2|0\n\
3|UBND huyện Kỳ Sơn|8,50|23,86|19,42|51,78|3|0\n\
4|UBND thành phố Hòa Bình|8,50|22,90|19,48|50,88|4|0\n\
5|UBND huyện Tân Lạc|9,50|20,70|19,33|49,53|5|0\n\
6|UBND huyện Cao Phong|8,00|23,74|16,86|48,60|6|0\n\
7|UBND huyện Đà Bắc|8,25|20,40|19,43|48,08|7|0\n\
8|UBND huyện Lương Sơn|7,50|23,90|12,77|44,17|8|0\n\
9|UBND huyện Kim Bôi|8,00|19,06|13,33|40,39|9|0\n\
10|UBND huyện Mai Châu|5,36|20,33|13,77|39,46|10|0\n\
11|UBND huyện Yên Thủy|5,50|11,24|3,76|20,50|11|0";
