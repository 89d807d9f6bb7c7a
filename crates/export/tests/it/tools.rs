//! Checks that need external programs (LibreOffice, poppler-utils). They run when `EGOV_TEST_TOOLS=1`
//! (CI sets it, after installing the Debian packages) and then fail if a tool is missing; without the
//! variable they return at once, so a developer without LibreOffice can run the other tests.

use std::process::Command;

use egov_export::{Format, RenderOptions, pdf, render};

use crate::fixture;

fn enabled() -> bool {
    std::env::var("EGOV_TEST_TOOLS").is_ok_and(|v| v == "1")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-export-it-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} could not start: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn libreoffice_opens_docx_and_xlsx() {
    if !enabled() {
        return;
    }
    let annex = fixture::annex();
    for (name, format) in [("annex.docx", Format::Docx), ("annex.xlsx", Format::Xlsx)] {
        let bytes = render(&annex, format, &RenderOptions::default()).unwrap();
        let pdf = pdf::convert_with_libreoffice(name, &bytes).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
    }
}

#[test]
fn pdf_text_and_first_page() {
    if !enabled() {
        return;
    }
    let annex = fixture::annex();
    let bytes = render(&annex, Format::Pdf, &RenderOptions::default()).unwrap();
    let dir = scratch("pdf");
    let path = dir.join("annex.pdf");
    std::fs::write(&path, &bytes).unwrap();

    // Reading order, whitespace collapsed: a cell whose text wraps ("Không đánh / giá") reads as one.
    let out = run(Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-"));
    let text = egov_core::text::clean(&String::from_utf8(out.stdout).unwrap());
    for t in &annex.tables {
        for row in &t.rows {
            assert!(text.contains(&row.unit), "{} in the PDF text", row.unit);
            if let Some(d) = row.total.cell.number() {
                let s = egov_export::layout::format_number(
                    d,
                    t.decimals.unwrap(),
                    egov_core::lang::Lang::Vi,
                );
                assert!(text.contains(&s), "{s}");
            }
        }
    }
    assert!(text.contains("Không đánh giá"));

    let fonts = run(Command::new("pdffonts").arg(&path));
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    for line in fonts.lines().skip(2) {
        assert!(line.contains(" yes "), "every font embedded: {line}");
    }

    run(Command::new("pdftoppm")
        .args(["-r", "40", "-f", "1", "-l", "1", "-png"])
        .arg(&path)
        .arg(dir.join("page")));
    let png = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("pdftoppm wrote the first page");
    let img = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(png).unwrap()).unwrap();
    let dark = img
        .pixels()
        .iter()
        .filter(|p| p.red() < 100 && p.green() < 100 && p.blue() < 100)
        .count();
    assert!(dark > 1000, "first page is not blank: {dark} dark pixels");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn html_report_embeds_charts() {
    let annex = fixture::annex();
    let bytes =
        egov_export::report(&annex, &RenderOptions::default(), &Default::default()).unwrap();
    let html = String::from_utf8(bytes).unwrap();
    assert_eq!(html.matches("<figure class=\"chart\">").count(), 4);
    assert_eq!(html.matches("<svg ").count(), 4);
    assert!(!html.contains("<?xml"));
    assert!(html.contains("<figcaption>Chỉ số và xếp hạng tổng thể của các sở, ban, ngành — Chỉ số và xếp hạng đối với"));
}
