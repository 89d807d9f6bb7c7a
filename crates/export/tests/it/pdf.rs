//! The native PDF writer: structure checks that need no external program (always run), and with
//! `EGOV_TEST_TOOLS=1` (CI) poppler-utils reading the files back: extracted text, embedded fonts and a
//! rendered first page.

use std::process::Command;

use egov_core::lang::Lang;
use egov_core::table::{Annex, Cell, Entry, RankCell, Row};
use egov_export::layout::format_number;
use egov_export::pdf::{self, Orientation};
use egov_export::{ExportError, Format, RenderOptions, render};
use rust_decimal::Decimal;

use crate::fixture;

/// The fixture's first table stretched to `n` units (ranked, with "Không đánh giá" now and then), so that
/// it needs several pages.
fn long_annex(n: usize) -> Annex {
    let mut annex = fixture::annex();
    annex.tables.truncate(1);
    let t = &mut annex.tables[0];
    t.rows = (0..n)
        .map(|i| {
            let a = fixture::d(&format!("{}.{}", 20 + i % 7, i % 10));
            let b = fixture::d(&format!("{}.{}", 30 + i % 13, (i * 3) % 10));
            let not_evaluated = i % 17 == 5;
            let values = vec![
                Entry::computed(Cell::Number(a)),
                Entry::computed(if not_evaluated {
                    Cell::NotEvaluated
                } else {
                    Cell::Number(b)
                }),
            ];
            let total = if not_evaluated { a } else { a + b };
            Row {
                tt: Some((i + 1).to_string().into()),
                unit: format!("Ủy ban nhân dân xã Đồng Tâm số {}", i + 1).into(),
                unit_code: None,
                values,
                total: Entry::computed(Cell::Number(total)),
                rank: if i % 11 == 3 {
                    RankCell::Unranked
                } else {
                    RankCell::Ranked(i as u32 + 1)
                },
                block: Some("co-dvc".into()),
                origin: None,
                not_submitted: false,
            }
        })
        .collect();
    annex
}

/// Page objects in the file (`/Type /Page`, not the page tree's `/Type /Pages`).
fn page_objects(pdf: &[u8]) -> usize {
    let all = count(pdf, b"/Type /Page");
    all - count(pdf, b"/Type /Pages")
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    count(hay, needle) > 0
}

#[test]
fn fixture_is_a_pdf_with_embedded_subset_fonts() {
    let annex = fixture::annex();
    let opts = RenderOptions::default();
    let r = pdf::render_with_summary(&annex, &opts).unwrap();
    assert!(r.pdf.starts_with(b"%PDF-"));
    assert!(r.pdf.ends_with(b"%%EOF") || r.pdf.ends_with(b"%%EOF\n"));
    assert!(pdf::FAMILIES.contains(&r.font_family.as_str()));
    // Type0 / Identity-H over an embedded TrueType subset, with a ToUnicode CMap.
    assert!(contains(&r.pdf, b"/FontFile2"));
    assert!(contains(&r.pdf, b"/Subtype /Type0"));
    assert!(contains(&r.pdf, b"/Encoding /Identity-H"));
    assert!(contains(&r.pdf, b"/ToUnicode"));
    assert_eq!(
        count(&r.pdf, b"/FontFile2"),
        count(&r.pdf, b"/Subtype /Type0")
    );
    // The subset is small: a whole Liberation/DejaVu serif face is several hundred KiB.
    assert!(r.pdf.len() < 120_000, "{} bytes", r.pdf.len());
    // `render` through the format switch gives the same document.
    assert_eq!(render(&annex, Format::Pdf, &opts).unwrap(), r.pdf);

    // Both tables fit a portrait page at 13 pt with every name on one line (6 and 7 grid columns):
    // one portrait page, as the DOCX's one section.
    assert_eq!(r.pages.len(), page_objects(&r.pdf));
    assert_eq!(r.pages.len(), 1);
    assert_eq!(r.pages[0].orientation, Orientation::Portrait);
    assert_eq!(r.pages[0].headers, vec![0, 1]);
    assert!(contains(&r.pdf, b"/MediaBox [0 0 595.28 841.89]"));
    assert!(!contains(&r.pdf, b"/MediaBox [0 0 841.89 595.28]"));

    let texts = &r.pages[0].texts;
    let at = |s: &str| {
        texts
            .iter()
            .position(|t| t == s)
            .unwrap_or_else(|| panic!("{s:?} on page 1: {texts:?}"))
    };
    // Heading, part, title, the two-row header with the merged group, column numbers, block rows.
    let order = [
        "CHỈ SỐ VÀ XẾP HẠNG MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ",
        "(Ban hành kèm theo Quyết định số 2870/QĐ-UBND ngày 18/12/2019 của Chủ tịch Ủy ban nhân dân tỉnh)",
        "I. CHỈ SỐ VÀ XẾP HẠNG TỔNG THỂ MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ",
        "Chỉ số và xếp hạng tổng thể của các sở, ban, ngành",
        "TT",
        "Đơn vị",
        "Điểm",
        "Tổng điểm",
        "Xếp hạng",
        "Điều kiện sẵn sàng Chính quyền điện tử",
        "(1)",
        "(6)",
        "I",
        "Sở Kế hoạch - Đầu tư",
        "74,4",
        "Sở Giáo dục và Đào tạo",
        "Không đánh giá",
        "II",
        "Văn phòng UBND tỉnh",
        "Thanh tra tỉnh",
    ];
    let positions: Vec<usize> = order.iter().map(|s| at(s)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{order:?} in order: {positions:?}"
    );
    // The unranked unit's row ends with its total: the next text is the next row's TT.
    let total = at("55,8");
    assert_eq!(texts[total + 1], "2");
    assert_eq!(texts[total + 2], "Thanh tra tỉnh");
    // A ranked one ends with its rank.
    let kh = at("Sở Kế hoạch - Đầu tư");
    assert_eq!(&texts[kh + 1..kh + 5], ["27,0", "47,4", "74,4", "1"]);

    let p2 = &r.pages[0].texts;
    for s in [
        "II. CHỈ SỐ VÀ XẾP HẠNG CỦA ỦY BAN NHÂN DÂN CÁC HUYỆN, THÀNH PHỐ",
        "Nhóm tiêu chí",
        "1.234,50",
        "1.235,50",
        "Huyện Lạc Sơn | Tân Lạc",
    ] {
        assert!(p2.iter().any(|t| t == s), "{s} on page 2: {p2:?}");
    }
}

#[test]
fn long_table_paginates_and_repeats_its_header() {
    let annex = long_annex(200);
    let r = pdf::render_with_summary(&annex, &RenderOptions::default()).unwrap();
    assert_eq!(r.pages.len(), page_objects(&r.pdf));
    assert!(
        r.pages.len() >= 5,
        "200 rows at 13 pt need several A4 pages, got {}",
        r.pages.len()
    );
    // Every row once, in order, each page with the header rows and the column-number row on top.
    let rows: Vec<usize> = r
        .pages
        .iter()
        .flat_map(|p| {
            p.rows.iter().map(|&(t, i)| {
                assert_eq!(t, 0);
                i
            })
        })
        .collect();
    assert_eq!(rows, (0..200).collect::<Vec<_>>());
    for p in &r.pages {
        assert_eq!(p.headers, vec![0], "page {}", p.number);
        assert!(!p.rows.is_empty(), "page {} has rows", p.number);
        let header_at = p.texts.iter().position(|t| t == "Tổng điểm").unwrap();
        let numbers_at = p.texts.iter().position(|t| t == "(6)").unwrap();
        let first_unit = p
            .texts
            .iter()
            .position(|t| t.starts_with("Ủy ban nhân dân xã"))
            .unwrap();
        assert!(
            header_at < numbers_at && numbers_at < first_unit,
            "page {}",
            p.number
        );
        // Its names do not fit a portrait page whole at 13 pt: landscape on every page.
        assert_eq!(p.orientation, Orientation::Landscape);
    }
    // The rows are split fairly evenly: no page but the last is less than half full.
    let most = r.pages.iter().map(|p| p.rows.len()).max().unwrap();
    for p in &r.pages[..r.pages.len() - 1] {
        assert!(
            p.rows.len() * 2 > most,
            "page {}: {} rows",
            p.number,
            p.rows.len()
        );
    }
    let texts: Vec<&str> = r
        .pages
        .iter()
        .flat_map(|p| p.texts.iter().map(String::as_str))
        .collect();
    for row in &annex.tables[0].rows {
        assert!(texts.contains(&row.unit.as_str()), "{}", row.unit);
    }
}

#[test]
fn decision_from_options_and_english_labels() {
    let annex = fixture::annex();
    let opts = RenderOptions {
        lang: Lang::En,
        decision: Some(egov_export::DecisionInfo {
            number: "15/QĐ-UBND".into(),
            date: "05/01/2026".into(),
            issuer: None,
        }),
        ..Default::default()
    };
    let r = pdf::render_with_summary(&annex, &opts).unwrap();
    let texts = &r.pages[0].texts;
    assert!(
        texts
            .iter()
            .any(|t| t == "(Issued with Decision No. 15/QĐ-UBND dated 05/01/2026)")
    );
    assert!(!texts.iter().any(|t| t.starts_with("(Ban hành kèm theo")));
    assert!(texts.iter().any(|t| t == "Not evaluated"));
    assert!(texts.iter().any(|t| t == "74.4"));
    assert!(contains(&r.pdf, b"/Lang (en)"));
}

#[test]
fn a_char_without_glyph_is_reported_with_its_table() {
    let mut annex = fixture::annex();
    annex.tables[1].rows[0].unit = "Thành phố \u{10FFFD}".into();
    match pdf::render(&annex, &RenderOptions::default()) {
        Err(ExportError::Table { table, message }) => {
            assert!(table.starts_with("Hạng mục A"), "{table}");
            assert!(message.contains("U+10FFFD"), "{message}");
            assert!(message.contains("Thành phố"), "{message}");
        }
        other => panic!("expected a missing-glyph error, got {other:?}"),
    }
}

#[test]
fn empty_annex_is_one_page() {
    let annex = Annex::default();
    let r = pdf::render_with_summary(&annex, &RenderOptions::default()).unwrap();
    assert_eq!(r.pages.len(), 1);
    assert_eq!(page_objects(&r.pdf), 1);
}

// ---- with poppler-utils (EGOV_TEST_TOOLS=1) ----

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-export-pdf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} could not start (install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `pdftotext` in reading order, whitespace collapsed (a wrapped cell reads as one line of words).
fn pdftotext(path: &std::path::Path) -> String {
    let text = run(Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-"));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
#[cfg_attr(
    not(egov_test_tools),
    ignore = "needs poppler-utils: set EGOV_TEST_TOOLS=1"
)]
fn poppler_reads_text_fonts_and_first_page() {
    let dir = scratch("tools");
    for (name, annex) in [("fixture", fixture::annex()), ("long", long_annex(200))] {
        let bytes = render(&annex, Format::Pdf, &RenderOptions::default()).unwrap();
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes).unwrap();

        // Exactly the NFC text: no normalisation of the extracted text beyond whitespace.
        let text = pdftotext(&path);
        assert!(
            egov_core::text::is_nfc(&text),
            "{name}: extracted text is NFC"
        );
        for t in &annex.tables {
            for row in &t.rows {
                assert!(
                    text.contains(row.unit.as_str()),
                    "{name}: {} in the PDF text",
                    row.unit
                );
                let mut numbers: Vec<(Decimal, u32)> = Vec::new();
                for (c, e) in t.columns.iter().zip(&row.values) {
                    if let Some(d) = e.cell.number() {
                        numbers.push((d, c.decimals.or(t.decimals).unwrap_or(d.scale())));
                    }
                }
                if let Some(d) = row.total.cell.number() {
                    numbers.push((d, t.decimals.unwrap_or(d.scale())));
                }
                for (d, dp) in numbers {
                    let s = format_number(d, dp, Lang::Vi);
                    assert!(text.contains(&s), "{name}: {s} of {}", row.unit);
                }
            }
        }
        assert!(text.contains("Không đánh giá"), "{name}");
        // The rank header wraps in its narrow column ("Xếp / hạng"): both words are there.
        assert!(text.contains("Xếp") && text.contains("hạng"), "{name}");
        if name == "long" {
            let pages = run(Command::new("pdfinfo").arg(&path));
            let n: usize = pages
                .lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            assert!(n >= 5, "{n} pages");
            // The header is on every page: its column-number row once per page in the extracted text.
            assert_eq!(
                text.matches("(6)").count(),
                n,
                "header repeated on every page"
            );
            assert_eq!(
                text.matches("Điểm").count(),
                n,
                "merged group cell on every page"
            );
        }

        let fonts = run(Command::new("pdffonts").arg(&path));
        let mut listed = 0;
        for line in fonts.lines().skip(2) {
            listed += 1;
            let cols: Vec<&str> = line.split_whitespace().collect();
            // name type encoding emb sub uni object ID: "CID TrueType" is two words.
            let n = cols.len();
            assert_eq!(
                &cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "embedded, subset, ToUnicode: {line}"
            );
            assert!(line.contains("Identity-H"), "{line}");
        }
        assert!(listed >= 2, "regular and bold faces: {fonts}");
    }

    // The first page, rendered at 50 dpi as a greyscale PPM, is not blank.
    let prefix = dir.join("page");
    run(Command::new("pdftoppm")
        .args(["-r", "50", "-f", "1", "-l", "1", "-gray"])
        .arg(dir.join("fixture.pdf"))
        .arg(&prefix));
    let pgm = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pgm"))
        .expect("pdftoppm wrote the first page");
    let pixels = pgm_pixels(&std::fs::read(pgm).unwrap());
    let n = pixels.len() as f64;
    let mean = pixels.iter().map(|&p| f64::from(p)).sum::<f64>() / n;
    let variance = pixels
        .iter()
        .map(|&p| (f64::from(p) - mean).powi(2))
        .sum::<f64>()
        / n;
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    assert!(variance > 100.0, "first page has ink: variance {variance}");
    assert!(dark > 500, "first page has ink: {dark} dark pixels");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The samples of a binary greyscale PPM (`P5`, 8-bit), as pdftoppm writes them.
fn pgm_pixels(bytes: &[u8]) -> Vec<u8> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = &bytes[i + 1..];
    assert_eq!(data.len(), w * h);
    data.to_vec()
}

/// Decree 30/2020/NĐ-CP: page numbers at the top centre, none on the first page. Read back with
/// `pdftotext -bbox`: the page number of pages 2 and 3 is the topmost word, centred; page 1 has none.
#[test]
#[cfg_attr(
    not(egov_test_tools),
    ignore = "needs poppler-utils: set EGOV_TEST_TOOLS=1"
)]
fn page_numbers_sit_at_the_top_centre_from_page_two() {
    let pdf =
        egov_export::render(&long_annex(200), Format::Pdf, &RenderOptions::default()).unwrap();
    let path = scratch("pagenum").join("annex.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let html = run(Command::new("pdftotext")
        .args(["-bbox", "-f", "1", "-l", "3"])
        .arg(&path)
        .arg("-"));
    let pages: Vec<&str> = html.split("<page ").skip(1).collect();
    assert_eq!(pages.len(), 3);
    // The topmost word of each page, with its horizontal centre relative to the page width.
    let top_word = |page: &str| -> (String, f64) {
        let width: f64 = page
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut best: Option<(f64, String, f64)> = None;
        for w in page.split("<word ").skip(1) {
            let attr = |k: &str| -> f64 {
                w.split(&format!("{k}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let text = w
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string();
            let (y, centre) = (attr("yMin"), (attr("xMin") + attr("xMax")) / 2.0 / width);
            if best.as_ref().is_none_or(|b| y < b.0) {
                best = Some((y, text, centre));
            }
        }
        let (_, text, centre) = best.unwrap();
        (text, centre)
    };
    let (first, _) = top_word(pages[0]);
    assert_ne!(first, "1", "no number on the first page");
    for (k, page) in pages.iter().enumerate().skip(1) {
        let (text, centre) = top_word(page);
        assert_eq!(
            text,
            (k + 1).to_string(),
            "page {} is numbered at the top",
            k + 1
        );
        // Centred between the margins (30 mm left, 15 mm right): a little right of the page's middle.
        assert!((0.5..0.6).contains(&centre), "centred: {centre}");
    }
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}
