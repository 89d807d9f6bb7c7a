//! The simpler forms newspapers and portals print: ranked lists, Hạng/Đơn vị/Điểm tables,
//! year-over-year tables, national lists with a decimal point, and tables cut off mid-row.

use egov_core::table::{Cell, Pos, RankCell};
use egov_import::{Format, import_bytes, tables_to_csv};

fn num(s: &str) -> Cell {
    Cell::Number(s.parse().unwrap())
}

#[test]
fn ranked_list_lines() {
    let text = "Báo Hòa Bình, 20/12/2019\nKết quả xếp hạng các sở có dịch vụ công\n\
                1. Sở Kế hoạch - Đầu tư – 74,4\n2. Sở Y tế – 74,2\n3) Sở Giáo dục và Đào tạo: 72.2 điểm\n\nHết.";
    let imp = import_bytes("bao.txt", text.as_bytes(), Format::Auto).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let t = &imp.tables[0];
    assert_eq!(t.title, "Kết quả xếp hạng các sở có dịch vụ công");
    assert_eq!(
        (t.total_label.as_str(), t.rank_label.as_str()),
        ("Điểm", "Hạng")
    );
    assert!(t.columns.is_empty());
    let got: Vec<(&str, Cell, RankCell)> = t
        .rows
        .iter()
        .map(|r| (r.unit.as_str(), r.total.cell.clone(), r.rank.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("Sở Kế hoạch - Đầu tư", num("74.4"), RankCell::Ranked(1)),
            ("Sở Y tế", num("74.2"), RankCell::Ranked(2)),
            ("Sở Giáo dục và Đào tạo", num("72.2"), RankCell::Ranked(3)),
        ]
    );
    assert_eq!(t.rows[1].total.pos(), Some(&Pos::line(4, 14)));
    assert_eq!(
        imp.headings,
        [
            "Báo Hòa Bình, 20/12/2019",
            "Kết quả xếp hạng các sở có dịch vụ công",
            "Hết."
        ]
    );
}

#[test]
fn rank_unit_score_table_with_decimal_point() {
    let md = "### Chỉ số DTI cấp tỉnh năm 2022\n\n| Xếp hạng | Tỉnh/thành phố | Chỉ số DTI |\n|---:|---|---:|\n\
              | 1 | Đà Nẵng | 0.6270 |\n| 2 | Thừa Thiên Huế | 0.5690 |\n| 2 | Quảng Ninh | 0.5690 |\n| 4 | Bình Dương | 0.5500 |\n";
    let imp = import_bytes("dti.md", md.as_bytes(), Format::Auto).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let t = &imp.tables[0];
    assert_eq!(t.title, "Chỉ số DTI cấp tỉnh năm 2022");
    assert_eq!(t.total_label, "Chỉ số DTI");
    assert_eq!(t.rows.len(), 4);
    assert_eq!(t.rows[0].total.cell, num("0.6270"));
    assert_eq!(t.rows[0].total.cell.number().map(|d| d.scale()), Some(4));
    assert_eq!(t.rows[2].rank, RankCell::Ranked(2));
    assert_eq!(t.rows[3].unit, "Bình Dương");
}

#[test]
fn year_over_year_columns_named_by_year() {
    // The ranks follow 2019; the 2018 column orders the units differently.
    let html = "<h3>Xếp hạng Chính quyền điện tử các huyện</h3><table>\
                <tr><th>TT</th><th>Đơn vị</th><th>Năm 2018</th><th>Năm 2019</th><th>Xếp hạng</th></tr>\
                <tr><td>1</td><td>Lạc Sơn</td><td>60,1</td><td>76,68</td><td>1</td></tr>\
                <tr><td>2</td><td>Lạc Thủy</td><td>65,3</td><td>75,28</td><td>2</td></tr>\
                <tr><td>3</td><td>Hòa Bình</td><td>70,0</td><td>73,38</td><td>3</td></tr></table>";
    let imp = import_bytes("portal.html", html.as_bytes(), Format::Auto).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let t = &imp.tables[0];
    assert_eq!(t.total_label, "Năm 2019");
    assert_eq!(
        t.columns
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>(),
        ["Năm 2018"]
    );
    assert_eq!(t.rows[2].total.cell, num("73.38"));
    assert_eq!(t.rows[2].values[0].cell, num("70.0"));
}

#[test]
fn year_over_year_under_a_merged_total() {
    // Word text: "Tổng điểm" merged over the years 2018 and 2019; ranks follow 2018 this time
    // (a table ranked on last year's total, which the audit will flag); the importer reads it as printed.
    let text = "Bảng so sánh\n\tTT\n\tĐơn vị\n\tTổng điểm\n\tXếp hạng\n\n\t\n\t\n\t2018\n\t2019\n\t\n\n\
                \t1\n\tA\n\t70,0\n\t60,0\n\t1\n\n\t2\n\tB\n\t65,0\n\t66,0\n\t2\n\n\t3\n\tC\n\t50,0\n\t70,0\n\t3\n";
    let imp = import_bytes("yoy.txt", text.as_bytes(), Format::WordText).unwrap();
    let t = &imp.tables[0];
    assert_eq!(t.total_label, "Tổng điểm (2018)");
    assert_eq!(t.columns.len(), 1);
    assert_eq!(
        (t.columns[0].label.as_str(), t.columns[0].group.as_deref()),
        ("2019", Some("Tổng điểm"))
    );
    assert_eq!(t.rows[1].total.cell, num("65.0"));
}

#[test]
fn unnamed_total_is_reported() {
    let md = "| Hạng | Đơn vị | A | B |\n|---|---|---|---|\n| 1 | X | 5 | 9 |\n| 2 | Y | 6 | 8 |\n";
    let imp = import_bytes("t.md", md.as_bytes(), Format::Markdown).unwrap();
    let t = &imp.tables[0];
    assert_eq!(t.total_label, "B");
    assert_eq!(imp.problems.len(), 1);
    assert!(
        imp.problems[0].message.contains("«B»"),
        "{}",
        imp.problems[0].message
    );
    assert_eq!(imp.problems[0].table.as_deref(), Some("t1"));
}

#[test]
fn cut_off_mid_row() {
    let text = "1. Bảng\n\tTT\n\tĐơn vị\n\tĐiểm A\n\tTổng điểm\n\tXếp hạng\n\n\
                \t1\n\tSở Y tế\n\t27,0\n\t74,2\n\t1\n\n\t2\n\tSở Nội vụ\n\t25,0\n\t63,2\n\t2\n\n\t3\n\tSở Tư pháp\n\t27,0";
    let imp = import_bytes("cut.txt", text.as_bytes(), Format::Auto).unwrap();
    let t = &imp.tables[0];
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].unit, "Sở Nội vụ");
    assert_eq!(imp.problems.len(), 1);
    let p = &imp.problems[0];
    assert_eq!(p.pos, Pos::line(20, 2));
    assert!(
        p.message.contains("bị cắt") && p.message.contains("Sở Tư pháp"),
        "{}",
        p.message
    );
    assert!(p.to_string().starts_with("20:2: "));
}

#[test]
fn long_csv_of_the_seed() {
    let imp = crate::seed::seed();
    let csv = tables_to_csv(&imp.tables);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_end().lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}table_id,table_title,block,tt,unit,column,value,rank,source"
    );
    // One line per value and total: 20×3 + 20×4 + 20×4 + 11×3 + 11×4 + 11×4.
    assert_eq!(lines.len() - 1, 60 + 80 + 80 + 33 + 44 + 44);
    assert!(lines.iter().any(|l| l.starts_with("I.2,")
        && l.contains(",Sở Thông tin và Truyền thông,Đánh giá mức độ giao dịch,3.68,5,458:2")));
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains("Văn phòng UBND tỉnh,Đánh giá mức độ giao dịch,not_evaluated,,562:2"))
    );
    assert!(
        lines.iter().any(|l| l.starts_with("I.1,")
            && l.contains(",\"Sở Văn hóa, TT và DL\",Tổng điểm,27,I,265:2"))
    );
    // It parses back as CSV with nine fields per record.
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    assert!(reader.records().all(|r| r.is_ok_and(|r| r.len() == 9)));
}

#[test]
fn csv_input() {
    let csv = "Bảng 1\nTT;Đơn vị;Điểm;Xếp hạng\n1;Sở A;\"74,4\";1\n2;Sở B;\"70,0\";2\n";
    let imp = import_bytes("a.csv", csv.as_bytes(), Format::Auto).unwrap();
    let t = &imp.tables[0];
    assert_eq!(t.title, "Bảng 1");
    assert_eq!(t.rows[1].total.cell, num("70.0"));
    assert_eq!(t.rows[1].total.pos(), Some(&Pos::line(4, 3)));
}
