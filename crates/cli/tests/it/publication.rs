//! The published document a clerk would sign (issue #11), through the binary: the Decree-30 frame read
//! back from the DOCX, the PDF and the workbook; the Hòa Bình 2019 recomputation marked as such with its
//! errata against the signed decision; `--as-published` equal to the seed's printed tables cell for cell.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use egov_core::table::{Cell, Table};

use crate::cli::egov;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
const SEED: &str = "tests/data/hoabinh-2870-QD-UBND-2019.txt";

/// Where a test's export goes, under the target directory: removed when the test starts again and
/// kept after it (to look at after a failure), so that runs do not pile folders up in `/tmp`.
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("publication")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn export(name: &str, extra: &[&str]) -> PathBuf {
    let out = scratch(name);
    let mut args = vec![
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "docx,pdf,xlsx,html",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = egov(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    out
}

fn document_xml(docx: &Path) -> String {
    let bytes = std::fs::read(docx).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The texts of the DOCX's runs, in order.
fn runs(xml: &str) -> Vec<String> {
    xml.split("<w:t xml:space=\"preserve\">")
        .skip(1)
        .map(|p| p.split("</w:t>").next().unwrap().replace("&amp;", "&"))
        .collect()
}

fn pdf_texts(pdf: &Path) -> String {
    // The PDF's text through the crate's own reader of what it drew is in egov-export's tests; here
    // the bytes are checked for the embedded font's name and the text by the importer of the DOCX.
    String::from_utf8_lossy(&std::fs::read(pdf).unwrap()).into_owned()
}

fn seed_tables() -> Vec<Table> {
    let bytes = std::fs::read(format!("{ROOT}{SEED}")).unwrap();
    egov_import::import_bytes(SEED, &bytes, egov_import::Format::WordText)
        .unwrap()
        .tables
}

fn import(path: &Path) -> Vec<Table> {
    let bytes = std::fs::read(path).unwrap();
    egov_import::import_bytes(
        &path.display().to_string(),
        &bytes,
        egov_import::Format::Auto,
    )
    .unwrap()
    .tables
}

#[test]
fn the_frame_of_decree_30_is_read_back_from_every_document() {
    let out = export(
        "frame",
        &[
            "--annex-number",
            "I",
            "--signer",
            "KT. CHỦ TỊCH; PHÓ CHỦ TỊCH; Nguyễn Văn A",
            "--recipient",
            "Các Sở, Ban, ngành tỉnh",
            "--recipient",
            "Lưu: VT",
        ],
    );
    let xml = document_xml(&out.join("hoabinh-2019.docx"));
    let r = runs(&xml);
    let at = |t: &str| {
        r.iter()
            .position(|x| x == t)
            .unwrap_or_else(|| panic!("{t:?} not in the DOCX: {:?}", &r[..12.min(r.len())]))
    };
    // The issuing body from the edition's decision (not written anywhere in egov), then the national
    // heading, "Phụ lục I", the annex's name, and the recomputation note in place of "Kèm theo".
    assert!(at("ỦY BAN NHÂN DÂN") < at("TỈNH HÒA BÌNH"));
    assert!(at("TỈNH HÒA BÌNH") < at("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(at("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < at("Độc lập - Tự do - Hạnh phúc"));
    assert!(at("Độc lập - Tự do - Hạnh phúc") < at("Phụ lục I"));
    let note = r
        .iter()
        .find(|t| t.starts_with("(Bản tính lại từ dữ liệu"))
        .expect("the recomputation note");
    assert!(
        note.contains("Quyết định số 2870/QĐ-UBND ngày 18 tháng 12 năm 2019"),
        "{note}"
    );
    assert!(
        !r.iter().any(|t| t.starts_with("(Ban hành kèm theo")),
        "a recomputation does not claim to be issued with the decision"
    );
    assert!(at("Nơi nhận:") < at("- Lưu: VT."));
    assert!(at("KT. CHỦ TỊCH") < at("Nguyễn Văn A"));
    // Headings stay with what they head.
    assert!(xml.contains("<w:keepNext/><w:keepLines/>"));
    // Landscape sections bound on the top edge: the 30 mm margin at the top.
    assert!(
        xml.contains("w:orient=\"landscape\"/><w:pgMar w:top=\"1701\" w:right=\"1134\" w:bottom=\"850\" w:left=\"1134\""),
        "landscape margins"
    );

    let pdf = pdf_texts(&out.join("hoabinh-2019.pdf"));
    assert!(
        pdf.contains("LiberationSerif") || pdf.contains("TimesNewRoman"),
        "the PDF embeds the decree's font or the one shipped in the binary"
    );
    assert!(!pdf.contains("DejaVu"), "never a system fallback face");
}

#[test]
fn the_hoa_binh_recomputation_carries_its_errata() {
    let out = export("errata", &["--published", SEED]);
    let xml = document_xml(&out.join("hoabinh-2019.docx"));
    let r = runs(&xml);
    let note = r
        .iter()
        .find(|t| t.starts_with("(Bản tính lại"))
        .expect("note");
    let start = r
        .iter()
        .position(|t| t.starts_with("Bảng đính chính"))
        .expect("the errata table");
    // The rows of the errata table: TT, unit, table, column, published, recomputed, reason.
    let cells = &r[start + 1..];
    let header = ["TT", "Đơn vị", "Cột", "Đã công bố", "Tính lại", "Lý do"];
    assert_eq!(&cells[..6], header);
    // Each table of the decision is a block line ("I" and its title), then its rows of six cells:
    // (table, TT, unit, column, published, recomputed, reason).
    let mut body: Vec<Vec<String>> = Vec::new();
    let mut table = String::new();
    let mut k = 12;
    while k < cells.len() {
        let roman = !cells[k].is_empty() && cells[k].chars().all(|c| "IVXLC".contains(c));
        if roman {
            table = cells[k + 1].clone();
            k += 2;
        } else if k + 6 <= cells.len() && cells[k].chars().all(|c| c.is_ascii_digit()) {
            let mut row = vec![table.clone()];
            row.extend(cells[k..k + 6].iter().cloned());
            body.push(row);
            k += 6;
        } else {
            break;
        }
    }
    let body: Vec<Vec<String>> = body
        .into_iter()
        .map(|r| {
            vec![
                r[1].clone(),
                r[2].clone(),
                r[0].clone(),
                r[3].clone(),
                r[4].clone(),
                r[5].clone(),
                r[6].clone(),
            ]
        })
        .collect();
    let find = |unit: &str, column: &str, table_starts: &str| -> &Vec<String> {
        body.iter()
            .find(|row| row[1] == unit && row[3] == column && row[2].starts_with(table_starts))
            .unwrap_or_else(|| panic!("no erratum {unit} / {column}: {body:?}"))
    };
    // 1. Sở Nông nghiệp và PTNT: the overall table's results 40,5 contradict the results table (36,9),
    // so its total and rank change, and every department below moves down one rank.
    let nn = find(
        "Sở Nông nghiệp và PTNT",
        "Kết quả Chính quyền điện tử đạt được",
        "I. CHỈ SỐ",
    );
    assert_eq!((nn[4].as_str(), nn[5].as_str()), ("40,5", "36,9"));
    assert!(
        nn[6].contains("mâu thuẫn với bảng thành phần (dòng 99)"),
        "{nn:?}"
    );
    let total = find("Sở Nông nghiệp và PTNT", "Tổng điểm", "I. CHỈ SỐ");
    assert_eq!((total[4].as_str(), total[5].as_str()), ("67,5", "63,9"));
    let rank = find("Sở Nội vụ", "Xếp hạng", "I. CHỈ SỐ");
    assert_eq!((rank[4].as_str(), rank[5].as_str()), ("8", "9"));
    assert!(rank[6].contains("hệ quả"), "{rank:?}");
    // 3. Lạc Sơn's readiness printed 22,50 in the districts' overall table, 22,1 in its own table.
    let ls = find("UBND huyện Lạc Sơn", "Tổng điểm", "II. CHỈ SỐ");
    assert_eq!((ls[4].as_str(), ls[5].as_str()), ("76,68", "76,28"));
    // 4. The districts' readiness ranks printed on totals rounded to whole points.
    let cp = find("UBND huyện Cao Phong", "Xếp hạng", "1. Chỉ số");
    assert_eq!((cp[4].as_str(), cp[5].as_str()), ("2", "3"));
    assert!(cp[6].contains("dòng 738"), "{cp:?}");
    // 5. The letter "I" for rank 1.
    let vh = find("Sở Văn hóa, TT và DL", "Xếp hạng", "1. Chỉ số");
    assert_eq!((vh[4].as_str(), vh[5].as_str()), ("I", "1"));
    assert!(vh[6].contains("không phải là số (dòng 266)"), "{vh:?}");
    // 6. "3,68" in a one-decimal column is printed 3,7.
    let tt = find(
        "Sở Thông tin và Truyền thông",
        "Đánh giá mức độ giao dịch",
        "2. Chỉ số",
    );
    assert_eq!((tt[4].as_str(), tt[5].as_str()), ("3,68", "3,7"));
    // The note counts the rows of the table.
    assert!(
        note.contains(&format!("{} giá trị khác", body.len())),
        "{note}"
    );
    // The HTML report says the same: the heading band, the note and the errata table's rows.
    let html = std::fs::read_to_string(out.join("hoabinh-2019.html")).unwrap();
    assert!(html.contains("<div class=\"issuer\">ỦY BAN NHÂN DÂN<br>TỈNH HÒA BÌNH</div>"));
    assert!(html.contains(note.as_str()));
    assert!(html.contains("Bảng đính chính"));
    assert!(html.contains("<td class=\"r\">3,68</td><td class=\"r\">3,7</td>"));
}

/// The printed text of a cell: the raw text when the document kept it.
fn printed(e: &egov_core::table::Entry) -> String {
    match (&e.raw(), &e.cell) {
        (Some(r), _) => egov_core::text::clean(r),
        (None, Cell::Number(d)) => d.to_string().replace('.', ","),
        (None, Cell::Blank) => String::new(),
        (None, c) => format!("{c:?}"),
    }
}

#[test]
fn as_published_reproduces_the_signed_tables_cell_for_cell() {
    let out = export("as-published", &["--as-published", SEED]);
    let seed = seed_tables();
    for file in ["hoabinh-2019.docx", "hoabinh-2019.xlsx"] {
        let back = import(&out.join(file));
        assert_eq!(back.len(), seed.len(), "{file}: tables");
        for (b, s) in back.iter().zip(&seed) {
            assert_eq!(b.rows.len(), s.rows.len(), "{file}: {}", s.title);
            for (rb, rs) in b.rows.iter().zip(&s.rows) {
                let what = format!("{file}: {} / {}", s.title, rs.unit);
                assert_eq!(rb.unit, rs.unit, "{what}: order as published");
                assert_eq!(rb.tt, rs.tt, "{what}: TT");
                for (eb, es) in rb.values.iter().zip(&rs.values) {
                    match (&eb.cell, &es.cell) {
                        // A workbook stores numbers: equal values (22,50 = 22,5); the DOCX its text.
                        (Cell::Number(x), Cell::Number(y)) if file.ends_with("xlsx") => {
                            assert_eq!(x, y, "{what}")
                        }
                        _ => assert_eq!(printed(eb), printed(es), "{what}"),
                    }
                }
                match (&rb.total.cell, &rs.total.cell) {
                    (Cell::Number(x), Cell::Number(y)) if file.ends_with("xlsx") => {
                        assert_eq!(x, y, "{what}: total")
                    }
                    _ => assert_eq!(printed(&rb.total), printed(&rs.total), "{what}: total"),
                }
                let rank = |t: &egov_core::table::Row| {
                    t.rank_raw().map(egov_core::text::clean).unwrap_or_default()
                };
                assert_eq!(rank(rb), rank(rs), "{what}: rank as printed");
            }
        }
    }
    // The signed decision is named as the one the annex goes with, in the decree's words.
    let r = runs(&document_xml(&out.join("hoabinh-2019.docx")));
    assert!(
        r.iter().any(|t| t
            == "(Kèm theo Quyết định số 2870/QĐ-UBND ngày 18 tháng 12 năm 2019 của Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình)"),
        "{:?}",
        &r[..10]
    );
}

/// Long exports show a bar only on a terminal: through a pipe standard error stays empty; with
/// EGOV_TIMINGS every phase is timed, each format and the writing included.
#[test]
fn export_is_quiet_off_a_terminal_and_times_every_phase() {
    let out = scratch("timings");
    let run = |timings: bool| {
        let _ = std::fs::remove_dir_all(&out);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_egov"));
        cmd.current_dir(ROOT)
            .args([
                "export",
                "--edition",
                "hoabinh-2019",
                "--data",
                "data/published/hoabinh-2019",
                "--format",
                "docx,pdf,xlsx,svg",
                "--out",
            ])
            .arg(&out)
            .env_remove("EGOV_TIMINGS");
        if timings {
            cmd.env("EGOV_TIMINGS", "1");
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stderr).unwrap()
    };
    assert_eq!(run(false), "", "nothing but the files on a pipe");
    let timed = run(true);
    for phase in [
        "edition", "dataset", "score", "annex", "docx", "pdf", "xlsx", "svg", "write",
    ] {
        assert!(
            timed
                .lines()
                .any(|l| l.starts_with("egov:") && l.contains(&format!(" {phase}:"))),
            "{phase} in {timed}"
        );
    }
}

/// `egov annex` of an edition that records its published decision is a recomputation too: the note
/// names the signed decision, and nothing claims the annex was issued with it.
#[test]
fn annex_of_a_published_edition_says_it_is_recomputed() {
    let (code, stdout, stderr) = egov(&[
        "annex",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().take(3).collect();
    assert!(
        lines[1].starts_with("(Bản tính lại từ dữ liệu, không phải văn bản đã ký; văn bản đã ký là Quyết định số 2870/QĐ-UBND"),
        "{lines:?}"
    );
    assert!(!stdout.contains("Ban hành kèm theo"), "{stdout}");
}
