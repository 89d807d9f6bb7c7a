//! A planted error of each kind — a wrong total, swapped ranks, a wrong weighted index, a count claim
//! that does not match its names, a stated rank the table contradicts — is found in each form of the
//! corpus (one cell per paragraph, combined "rank (index)" cells, space-separated rows with an edition,
//! ordered prose lists, pipes). Each fixture audits clean as published (its pin has no finding), so a
//! finding here is the planted error.

use egov_core::audit::{AuditOptions, FindingKind, audit};
use egov_core::edition::Edition;
use egov_import::{Format, import_bytes};

use super::corpus::edition;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

/// The (kind, unit) of every finding of the audit of `text`.
fn found(name: &str, text: &str, ed: Option<&Edition>) -> Vec<(FindingKind, String)> {
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).expect("imports");
    let a = audit(
        &imp.tables,
        &AuditOptions {
            edition: ed,
            prose: &imp.prose,
            source_text: imp.source_text.as_deref(),
            ..Default::default()
        },
    );
    a.findings
        .iter()
        .map(|f| (f.kind, f.unit.clone().unwrap_or_default()))
        .collect()
}

/// `text` with `from` replaced by `to` exactly once.
#[track_caller]
fn plant(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} once in the fixture"
    );
    text.replacen(from, to, 1)
}

#[track_caller]
fn has(found: &[(FindingKind, String)], kind: FindingKind, unit: &str) {
    assert!(
        found.iter().any(|(k, u)| *k == kind && u == unit),
        "expected {kind} for «{unit}», found {found:?}"
    );
}

#[test]
fn clean_as_published() {
    for name in [
        "hue-2021-cchc-so.txt",
        "vinhphuc-2017-cpdt-tinh.txt",
        "quangnam-2023-dti-so-huyen.txt",
    ] {
        assert_eq!(found(name, &fixture(name), None), [], "{name}");
    }
    let dti = edition("dti-2022-province");
    assert_eq!(
        found("dti.txt", &fixture("dti-2022-tinh.txt"), Some(&dti)),
        []
    );
}

#[test]
fn one_cell_per_paragraph() {
    let text = fixture("hue-2021-cchc-so.txt");
    // Wrong total: Sở Công Thương printed above Sở Tư pháp's score.
    let f = found("x.txt", &plant(&text, "85,804", "88,804"), None);
    has(&f, FindingKind::RankMismatch, "Sở Công Thương");
    // Swapped ranks of the 3rd and 4th.
    let swapped = plant(
        &plant(&text, "85,804\n\n3\n", "85,804\n\n4\n"),
        "85,584\n\n4\n",
        "85,584\n\n3\n",
    );
    let f = found("x.txt", &swapped, None);
    has(&f, FindingKind::RankMismatch, "Sở Công Thương");
    has(&f, FindingKind::RankMismatch, "Sở Y tế");
    // Count claims: 13 "Tốt" said where the table has 14; a unit's classification misstated.
    let f = found("x.txt", &plant(&text, "14 cơ quan", "13 cơ quan"), None);
    has(&f, FindingKind::ClaimCount, "");
    let f = found(
        "x.txt",
        &plant(
            &text,
            "tỉnh được xếp loại Xuất sắc",
            "tỉnh được xếp loại Tốt",
        ),
        None,
    );
    has(&f, FindingKind::ClaimRank, "Văn phòng UBND tỉnh");
}

#[test]
fn combined_rank_and_index_cells() {
    let text = fixture("vinhphuc-2017-cpdt-tinh.txt");
    let f = found("x.txt", &plant(&text, "03 (0,714)", "03 (0,614)"), None);
    has(&f, FindingKind::RankMismatch, "Lâm Đồng");
    let swapped = plant(
        &plant(&text, "04 (0,703)", "05 (0,703)"),
        "05 (0,688)",
        "04 (0,688)",
    );
    let f = found("x.txt", &swapped, None);
    has(&f, FindingKind::RankMismatch, "Quảng Ninh");
    has(&f, FindingKind::RankMismatch, "TP. Hồ Chí Minh");
    let claim = plant(
        &text,
        "05/07/2018\n",
        "05/07/2018\n\nCó 3 địa phương dẫn đầu gồm: Thừa Thiên - Huế, TP. Đà Nẵng, Lâm Đồng, Quảng Ninh.\n",
    );
    let f = found("x.txt", &claim, None);
    has(&f, FindingKind::ClaimCount, "");
    has(&f, FindingKind::ClaimRank, "Quảng Ninh");
}

#[test]
fn space_separated_rows_with_the_edition() {
    let dti = edition("dti-2022-province");
    let text = fixture("dti-2022-tinh.txt");
    // A wrong overall index: Σ(index × points) ÷ 1000 gives 0,7164 for TP. Hồ Chí Minh.
    let f = found(
        "x.txt",
        &plant(&text, " 0.3590 0.7163", " 0.3590 0.7263"),
        Some(&dti),
    );
    has(&f, FindingKind::EditionTotal, "TP. Hồ Chí Minh");
    // A wrong component makes the printed index wrong just the same.
    let f = found("x.txt", &plant(&text, " 0.8406 ", " 0.9406 "), Some(&dti));
    has(&f, FindingKind::EditionTotal, "TP. Hồ Chí Minh");
    // Without the edition nothing says how the index follows from its parts.
    let f = found(
        "x.txt",
        &plant(&text, " 0.3590 0.7163", " 0.3590 0.7263"),
        None,
    );
    assert!(
        !f.iter().any(|(k, _)| *k == FindingKind::EditionTotal),
        "{f:?}"
    );
    let swapped = plant(
        &plant(
            &text,
            "\n2 TP. Hồ Chí Minh 0.8917",
            "\n3 TP. Hồ Chí Minh 0.8917",
        ),
        "\n3 Quảng Ninh 0.9581",
        "\n2 Quảng Ninh 0.9581",
    );
    let f = found("x.txt", &swapped, Some(&dti));
    has(&f, FindingKind::RankMismatch, "Quảng Ninh");
    let claim = plant(
        &text,
        "Xếp hạng chi tiết\n",
        "Xếp hạng chi tiết\n\nTốp 3 các tỉnh, thành phố dẫn đầu gồm: TP. Đà Nẵng, TP. Hồ Chí Minh, Quảng Ninh và Thừa Thiên - Huế.\n",
    );
    let f = found("x.txt", &claim, Some(&dti));
    has(&f, FindingKind::ClaimCount, "");
    has(&f, FindingKind::ClaimRank, "Thừa Thiên - Huế");
}

#[test]
fn ordered_prose_lists() {
    let text = fixture("quangnam-2023-dti-so-huyen.txt");
    // The order swapped against the sentence naming the first and the last.
    let swapped = plant(
        &text,
        "như sau: Sở NN&PTNT, Sở TT-TT,",
        "như sau: Sở TT-TT, Sở NN&PTNT,",
    );
    let f = found("x.txt", &swapped, None);
    has(&f, FindingKind::ClaimRank, "Sở NN&PTNT");
    let last = plant(
        &text,
        "đứng cuối cùng là huyện Tây Giang",
        "đứng cuối cùng là huyện Đông Giang",
    );
    let f = found("x.txt", &last, None);
    has(&f, FindingKind::ClaimRank, "Đông Giang");
    let claim = plant(
        &text,
        "(chỉ số DTI).\n",
        "(chỉ số DTI).\n\nCó 2 địa phương dẫn đầu gồm: Quế Sơn, Tam Kỳ và Núi Thành.\n",
    );
    let f = found("x.txt", &claim, None);
    has(&f, FindingKind::ClaimCount, "");
    has(&f, FindingKind::ClaimRank, "Núi Thành");
}

#[test]
fn pipes_with_components() {
    // The Huế table's first rows as a pasted pipe table with its parts (derived from the fixture, the
    // two parts invented so that they add up): a total that is not the sum of its parts, swapped ranks,
    // and a count claim.
    let text = "Kết quả năm 2021: 2 đơn vị dẫn đầu gồm: Văn phòng UBND tỉnh, Sở Tư pháp.\n\n|\n\n\
                | TT | Tên đơn vị | Điểm tự đánh giá | Điểm điều tra | Tổng điểm | Xếp hạng |\n\n\
                | 1 | Văn phòng UBND tỉnh | 60.685 | 37.000 | 97.685 | 1 |\n\n\
                | 2 | Sở Tư pháp | 50.187 | 37.000 | 87.187 | 2 |\n\n\
                | 3 | Sở Công Thương | 48.804 | 37.000 | 85.804 | 3 |\n";
    assert_eq!(found("x.md", text, None), []);
    let f = found("x.md", &plant(text, "| 85.804 |", "| 86.804 |"), None);
    has(&f, FindingKind::SumMismatch, "Sở Công Thương");
    let swapped = plant(
        &plant(text, "| 87.187 | 2 |", "| 87.187 | 3 |"),
        "| 85.804 | 3 |",
        "| 85.804 | 2 |",
    );
    let f = found("x.md", &swapped, None);
    has(&f, FindingKind::RankMismatch, "Sở Công Thương");
    let f = found(
        "x.md",
        &plant(text, "2 đơn vị dẫn đầu", "3 đơn vị dẫn đầu"),
        None,
    );
    has(&f, FindingKind::ClaimCount, "");
}

#[test]
fn band_lists() {
    // Invented names (no real band list was found for the corpus): classes listed in one paragraph,
    // their counts stated in the next.
    let text = "Kết quả xếp loại năm 2023.\n\n\
                Nhóm Tốt (từ 80% trở lên): Sở A, Sở B, Sở C; Nhóm Khá (từ 65% đến dưới 80%): Sở D và Sở E.\n\n\
                Có 3 đơn vị xếp loại Tốt, 2 đơn vị xếp loại Khá.\n";
    let imp = import_bytes("x.txt", text.as_bytes(), Format::Auto).unwrap();
    let t = &imp.tables[0];
    let rows: Vec<(&str, String)> = t
        .rows
        .iter()
        .map(|r| (r.unit.as_str(), format!("{:?}", r.values[0].cell)))
        .collect();
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(rows[3], ("Sở D", "Text(\"Khá\")".to_string()));
    assert_eq!(found("x.txt", text, None), []);
    let f = found(
        "x.txt",
        &plant(text, "3 đơn vị xếp loại Tốt", "4 đơn vị xếp loại Tốt"),
        None,
    );
    has(&f, FindingKind::ClaimCount, "");
}

#[test]
fn year_over_year_one_cell_per_paragraph_without_tt() {
    // Invented numbers: the previous and the current year side by side, only the current one ranked,
    // the rank column headed "Thứ hạng" and no TT column, a year on the paragraph after its label.
    let text = "Kết quả hai năm như sau.\n\nĐơn vị\n\nĐiểm năm\n\n2022\n\nĐiểm năm\n\n2023\n\nThứ hạng\n\n\
                Sở A\n\n70,5\n\n88,0\n\n1\n\nSở B\n\n90,1\n\n85,5\n\n2\n\nSở C\n\n60,0\n\n80,0\n\n3\n";
    let imp = import_bytes("x.txt", text.as_bytes(), Format::Auto).unwrap();
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);
    let t = &imp.tables[0];
    assert_eq!(t.total_label, "Điểm năm 2023");
    assert_eq!(t.rank_label, "Thứ hạng");
    assert_eq!(t.columns.len(), 1);
    assert_eq!(t.columns[0].label, "Điểm năm 2022");
    // No TT column: no "TT missing" per row; the ranks are checked against this year's column.
    assert_eq!(found("x.txt", text, None), []);
    // Swapped ranks of the first and the last (a swap that made last year's column fit the ranks would
    // make it the ranked year: which year is ranked is read from the ranks).
    let swapped = plant(
        &plant(text, "88,0\n\n1\n", "88,0\n\n3\n"),
        "80,0\n\n3\n",
        "80,0\n\n1\n",
    );
    let f = found("x.txt", &swapped, None);
    has(&f, FindingKind::RankMismatch, "Sở A");
    has(&f, FindingKind::RankMismatch, "Sở C");
    assert!(
        !f.iter().any(|(k, _)| *k == FindingKind::TtNumbering),
        "{f:?}"
    );
}

#[test]
fn one_cell_per_paragraph_as_an_html_page() {
    // The Huế page's paragraphs as the page's HTML holds them (<p> each, no <table>): the same rows,
    // placed by paragraph number, and the same planted claim found.
    let text = fixture("hue-2021-cchc-so.txt");
    let html = |t: &str| {
        let paras: String = t
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        format!("<html><body>\n{paras}</body></html>\n")
    };
    let from_text = import_bytes("x.txt", text.as_bytes(), Format::Auto).unwrap();
    let from_html = import_bytes("x.html", html(&text).as_bytes(), Format::Auto).unwrap();
    let rows = |imp: &egov_import::Imported| -> Vec<(String, String, String)> {
        imp.tables[0]
            .rows
            .iter()
            .map(|r| {
                (
                    r.unit.to_string(),
                    format!("{:?}", r.rank),
                    format!("{:?}", r.total.cell),
                )
            })
            .collect()
    };
    assert_eq!(rows(&from_html), rows(&from_text));
    assert_eq!(
        from_html.tables[0].rows[0]
            .pos()
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("đoạn 11")
    );
    assert_eq!(found("x.html", &html(&text), None), []);
    let f = found(
        "x.html",
        &html(&plant(&text, "14 cơ quan", "13 cơ quan")),
        None,
    );
    has(&f, FindingKind::ClaimCount, "");
}

#[test]
fn a_department_named_with_va_is_one_name_in_a_count_claim() {
    // "Bộ Tài nguyên và Môi trường" is one ministry: the list names four, as the sentence says (the
    // Người Hà Nội article of the corpus was read as five before); "Bộ Y tế và Bộ Tư pháp" is two.
    let text = "Năm 2023, 4 đơn vị dẫn đầu gồm: Bộ Tài chính, Bộ Công Thương, Bộ Tư pháp và Bộ Tài nguyên và Môi trường.\n\n\
                | TT | Đơn vị | Điểm | Xếp hạng |\n\n\
                | 1 | Bộ Tài chính | 0.81 | 1 |\n\n\
                | 2 | Bộ Công Thương | 0.80 | 2 |\n\n\
                | 3 | Bộ Tư pháp | 0.79 | 3 |\n\n\
                | 4 | Bộ Tài nguyên và Môi trường | 0.78 | 4 |\n\n\
                | 5 | Bộ Y tế | 0.70 | 5 |\n";
    assert_eq!(found("x.md", text, None), []);
    let f = found(
        "x.md",
        &plant(text, "4 đơn vị dẫn đầu", "5 đơn vị dẫn đầu"),
        None,
    );
    has(&f, FindingKind::ClaimCount, "");
    // Proper names (provinces) share no first word: "và" joins two of them.
    let provinces = "3 địa phương dẫn đầu gồm: Quảng Ninh, Hà Nội và Đà Nẵng.\n\n\
                     | TT | Tỉnh | Điểm | Xếp hạng |\n\n\
                     | 1 | Quảng Ninh | 0.81 | 1 |\n\n\
                     | 2 | Hà Nội | 0.80 | 2 |\n\n\
                     | 3 | Đà Nẵng | 0.79 | 3 |\n\n\
                     | 4 | Huế | 0.70 | 4 |\n";
    assert_eq!(found("x.md", provinces, None), []);
}

#[test]
fn parenthesised_prose_list_with_an_unnumbered_unit_continued_after_a_caption() {
    // Thanh Hóa 2024 (real): "(1) Sở Tài chính đạt 90,05%, Sở Nội vụ đạt 90,02%, (3) …" then, after a
    // photo caption, "Các vị trí tiếp theo lần lượt là: (11) …". One table of 20 rows; the audit reports
    // what the page prints (Sở Nội vụ without a rank, two pairs of equal printed scores with different
    // ranks) and nothing else: no cascade of ranks one off after the blank, no claim read from another
    // province's headline ("Thái Nguyên: Sở Công Thương tiếp tục dẫn đầu …").
    let name = "thanhhoa-2024-cchc-so.txt";
    let text = fixture(name);
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).unwrap();
    assert_eq!(imp.tables.len(), 1);
    let units: Vec<&str> = imp.tables[0].rows.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(units.len(), 20, "{units:?}");
    assert_eq!(units[1], "Sở Nội vụ");
    assert_eq!(units[11], "Sở Lao động, Thương binh và Xã hội");
    let mut f = found(name, &text, None);
    f.sort();
    let mut want = vec![
        (FindingKind::RankMissing, "Sở Nội vụ".to_string()),
        (FindingKind::RankMismatch, "Văn phòng UBND tỉnh".to_string()),
        (FindingKind::RankMismatch, "Sở Y tế".to_string()),
    ];
    want.sort();
    assert_eq!(f, want);
    // A planted wrong score is found in this form.
    let f = found(
        name,
        &plant(&text, "Sở Xây dựng đạt 85,91%", "Sở Xây dựng đạt 86,91%"),
        None,
    );
    has(&f, FindingKind::RankMismatch, "Sở Xây dựng");
}

#[test]
fn band_sentences_with_district_names() {
    // Bắc Ninh DTI 2023 (real): "Sở A, Sở B, Sở C và thị xã Quế Võ đạt loại xuất sắc. Sở D, …, thành
    // phố Bắc Ninh đạt loại tốt." — nine units in two classes, "và" splitting only before a name.
    let name = "bacninh-dti-2023-so-huyen.txt";
    let text = fixture(name);
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).unwrap();
    let t = &imp.tables[0];
    let rows: Vec<(&str, String)> = t
        .rows
        .iter()
        .map(|r| (r.unit.as_str(), format!("{:?}", r.values[0].cell)))
        .collect();
    assert_eq!(rows.len(), 9, "{rows:?}");
    assert_eq!(rows[0].0, "Sở Thông tin và Truyền thông");
    assert_eq!(rows[3], ("thị xã Quế Võ", "Text(\"xuất sắc\")".to_string()));
    assert_eq!(rows[8], ("thành phố Bắc Ninh", "Text(\"tốt\")".to_string()));
    assert_eq!(found(name, &text, None), []);
    // A planted classification claim the list contradicts is found.
    let planted = format!("{text}\nCó 5 đơn vị xếp loại xuất sắc.\n");
    let f = found(name, &planted, None);
    has(&f, FindingKind::ClaimCount, "");
}

#[test]
fn labelled_bands_in_an_order() {
    // Đồng Tháp DDCI 2019 (real): "A đứng đầu …, thuộc nhóm “rất tốt”, kế đến lần lượt là các đơn vị:
    // B, …, Sở Văn hóa, Thể thao và Du lịch thuộc nhóm “tốt”; …; nhóm “khá” gồm: …, Sở Giao thông vận
    // tải và Sở Nông nghiệp và Phát triển nông thôn." — 14 units in four classes, ranked in turn.
    let name = "dongthap-ddci-2019-so.txt";
    let text = fixture(name);
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).unwrap();
    assert_eq!(imp.tables.len(), 1);
    let t = &imp.tables[0];
    let rows: Vec<(String, &str, String)> = t
        .rows
        .iter()
        .map(|r| {
            (
                format!("{:?}", r.rank),
                r.unit.as_str(),
                format!("{:?}", r.values[0].cell),
            )
        })
        .collect();
    assert_eq!(rows.len(), 14, "{rows:?}");
    assert_eq!(rows[0].1, "Cục Hải quan Đồng Tháp");
    assert_eq!(rows[0].2, "Text(\"rất tốt\")");
    assert_eq!(rows[4].1, "Sở Văn hóa, Thể thao và Du lịch");
    assert_eq!(rows[12].1, "Sở Giao thông vận tải");
    assert_eq!(
        rows[13],
        (
            "Ranked(14)".to_string(),
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Text(\"khá\")".to_string()
        )
    );
    // The page's own claims ("đứng đầu", "đứng cuối") agree with the order.
    assert_eq!(found(name, &text, None), []);
    // A planted "đứng cuối" naming a unit the order ranks 8th is found.
    let f = found(
        name,
        &plant(
            &text,
            "đứng cuối là Sở Nông nghiệp và Phát triển nông thôn",
            "đứng cuối là Sở Xây dựng",
        ),
        None,
    );
    has(&f, FindingKind::ClaimRank, "Sở Xây dựng");
    // A planted count of a class the list contradicts is found.
    let f = found(name, &format!("{text}Có 4 đơn vị xếp loại khá.\n"), None);
    has(&f, FindingKind::ClaimCount, "");
}

#[test]
fn ordinal_sentences_one_table_per_block() {
    // Quảng Bình CCHC 2022 (real): "Sở A dẫn đầu … với 95,73 điểm; thứ hai  là B 95,43 điểm; thứ ba là
    // C 95,39 điểm." for the departments, then the same for the districts in the next paragraph.
    let name = "quangbinh-2022-cchc-so-huyen.txt";
    let text = fixture(name);
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).unwrap();
    let got: Vec<Vec<(String, &str, String)>> = imp
        .tables
        .iter()
        .map(|t| {
            t.rows
                .iter()
                .map(|r| {
                    (
                        format!("{:?}", r.rank),
                        r.unit.as_str(),
                        r.total
                            .cell
                            .number()
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0][1],
        (
            "Ranked(2)".to_string(),
            "Văn phòng UBND tỉnh",
            "95.43".to_string()
        )
    );
    assert_eq!(
        got[1][0],
        (
            "Ranked(1)".to_string(),
            "UBND huyện Lệ Thủy",
            "88.94".to_string()
        )
    );
    assert_eq!(found(name, &text, None), []);
    // A planted score above the first's contradicts the stated "thứ hai".
    let f = found(
        name,
        &plant(
            &text,
            "Văn phòng UBND tỉnh 95,43",
            "Văn phòng UBND tỉnh 95,83",
        ),
        None,
    );
    assert!(
        f.iter().any(|(k, _)| *k == FindingKind::RankMismatch),
        "{f:?}"
    );
}

#[test]
fn ordinal_sentences_of_an_excerpt_with_a_counted_last() {
    // Thanh Hóa CCHC 2023 (real): first, second, sixth and "thứ cuối bảng trong tổng số 20" of the
    // departments; first, second, third and "cuối bảng trong tổng số 27" of the districts. The ranks
    // left out are not recomputed from the four totals printed: the audit finds only the page's 91.651.
    let name = "thanhhoa-2023-cchc-so-huyen.txt";
    let text = fixture(name);
    let imp = import_bytes(name, text.as_bytes(), Format::Auto).unwrap();
    let ranks: Vec<Vec<String>> = imp
        .tables
        .iter()
        .map(|t| t.rows.iter().map(|r| format!("{:?}", r.rank)).collect())
        .collect();
    assert_eq!(
        ranks,
        [
            ["Ranked(1)", "Ranked(2)", "Ranked(6)", "Ranked(20)"],
            ["Ranked(1)", "Ranked(2)", "Ranked(3)", "Ranked(27)"]
        ]
    );
    assert_eq!(imp.tables[0].rows[3].unit, "Ban Dân tộc tỉnh");
    assert_eq!(imp.tables[1].rows[1].unit, "huyện Hoằng Hóa");
    assert_eq!(
        found(name, &text, None),
        [(
            FindingKind::Precision,
            "Ban Quản lý Khu kinh tế Nghi Sơn".to_string()
        )]
    );
    // A planted index above the second's contradicts the stated "thứ sáu".
    let f = found(
        name,
        &plant(&text, "đạt 91.651% đứng", "đạt 91.951% đứng"),
        None,
    );
    has(
        &f,
        FindingKind::RankMismatch,
        "Ban Quản lý Khu kinh tế Nghi Sơn",
    );
    // Without the count, the last is printed without a rank.
    let uncounted = plant(&text, " trong tổng số 27 huyện thị, thành phố", "");
    let imp = import_bytes(name, uncounted.as_bytes(), Format::Auto).unwrap();
    assert_eq!(
        format!("{:?}", imp.tables[1].rows[3].rank),
        "Unranked",
        "{:?}",
        imp.tables[1].rows[3]
    );
}
