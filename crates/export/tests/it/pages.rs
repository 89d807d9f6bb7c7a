//! Page 1 of the annex as a reader sees it (issue #11): the PDF rendered by pdftoppm, the DOCX through
//! LibreOffice and pdftoppm, each to a greyscale image at 72 dpi (a pixel is a point), then checked by
//! pixel analysis, not by comparing bytes: the Decree-30 heading band (the issuing body at the left and
//! the national heading at the right, side by side, above everything else), the table's ruled box below
//! it, and every mark on the page inside the decree's margins (left 30 mm, right 15 mm, top and bottom
//! 20 mm on a portrait page). Run with `EGOV_TEST_TOOLS=1` (poppler-utils and LibreOffice).

use std::path::{Path, PathBuf};
use std::process::Command;

use egov_export::{DecisionInfo, Format, Frame, RenderOptions, render};

use crate::fixture;

const MM: f64 = 72.0 / 25.4;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-export-pages-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} could not start: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A greyscale page: width, height, one byte per pixel (0 black, 255 white).
struct Page {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Page {
    fn dark(&self, x: usize, y: usize) -> bool {
        self.px[y * self.w + x] < 140
    }

    /// The box holding every dark pixel: (left, top, right, bottom).
    fn ink(&self) -> (usize, usize, usize, usize) {
        let (mut l, mut t, mut r, mut b) = (self.w, self.h, 0, 0);
        for y in 0..self.h {
            for x in 0..self.w {
                if self.dark(x, y) {
                    l = l.min(x);
                    r = r.max(x);
                    t = t.min(y);
                    b = b.max(y);
                }
            }
        }
        (l, t, r, b)
    }

    /// Rows crossed by a dark run longer than `len` pixels: the table's horizontal rules.
    fn rules(&self, len: usize) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for y in 0..self.h {
            let (mut run, mut best, mut end) = (0, 0, 0);
            for x in 0..self.w {
                if self.dark(x, y) {
                    run += 1;
                    if run > best {
                        best = run;
                        end = x;
                    }
                } else {
                    run = 0;
                }
            }
            if best > len {
                out.push((y, end + 1 - best, end));
            }
        }
        out
    }

    /// Whether any pixel in the rectangle is dark.
    fn any(&self, x0: usize, x1: usize, y0: usize, y1: usize) -> bool {
        (y0..y1).any(|y| (x0..x1).any(|x| self.dark(x, y)))
    }
}

/// Page 1 of a PDF as a greyscale image at 72 dpi.
fn first_page(pdf: &Path) -> Page {
    let stem = pdf.with_extension("");
    run(Command::new("pdftoppm")
        .args(["-r", "72", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem));
    let bytes = std::fs::read(stem.with_extension("pgm")).unwrap();
    // Binary PGM: "P5 w h 255" then the samples.
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
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Page {
        w,
        h,
        px: bytes[i + 1..].to_vec(),
    }
}

fn framed() -> (egov_core::table::Annex, RenderOptions) {
    let opts = RenderOptions {
        decision: Some(DecisionInfo {
            number: "2870/QĐ-UBND".into(),
            date: "18/12/2019".into(),
            issuer: Some("Chủ tịch Ủy ban nhân dân tỉnh Hòa Bình".into()),
        }),
        frame: Some(Frame {
            issuer: "Ủy ban nhân dân tỉnh Hòa Bình".into(),
            annex_number: Some("I".into()),
            ..Frame::default()
        }),
        ..RenderOptions::default()
    };
    (fixture::annex(), opts)
}

/// The checks both documents must pass on page 1 (portrait A4).
fn check(page: &Page, what: &str) {
    let mm = |v: f64| (v * MM).round() as usize;
    assert!(
        (590..=600).contains(&page.w) && (837..=846).contains(&page.h),
        "{what}: A4 portrait, got {}×{}",
        page.w,
        page.h
    );
    // Every mark inside the margins (1 mm of tolerance for anti-aliasing).
    let (l, t, r, b) = page.ink();
    assert!(
        l + mm(1.0) >= mm(30.0),
        "{what}: ink at x={l} inside the 30 mm left margin"
    );
    assert!(
        r <= page.w - mm(15.0) + mm(1.0),
        "{what}: ink at x={r} inside the 15 mm right margin"
    );
    assert!(
        t + mm(1.0) >= mm(20.0),
        "{what}: ink at y={t} inside the 20 mm top margin"
    );
    assert!(
        b <= page.h - mm(20.0) + mm(1.0),
        "{what}: ink at y={b} inside the 20 mm bottom margin"
    );

    // The table: long horizontal rules (more than half the text width), all within the margins.
    let text_w = page.w - mm(45.0);
    let rules = page.rules(text_w / 2);
    assert!(
        rules.len() >= 5,
        "{what}: the table's rules, found {}",
        rules.len()
    );
    let table_top = rules[0].0;
    for &(y, x0, x1) in &rules {
        assert!(
            x0 + mm(1.0) >= mm(30.0) && x1 <= page.w - mm(15.0) + mm(1.0),
            "{what}: rule at y={y}"
        );
    }

    // The heading band: the first ink on the page, within the top 30 mm of the text area, in two
    // columns — the issuing body left of 40 % of the text width, the national heading right of it —
    // both above the table.
    let band = (t, t + mm(12.0));
    let split = mm(30.0) + text_w * 2 / 5;
    assert!(
        t < mm(20.0) + mm(10.0),
        "{what}: the heading starts at the top, y={t}"
    );
    assert!(
        page.any(mm(30.0), split - mm(5.0), band.0, band.1),
        "{what}: the issuing body at the top left"
    );
    assert!(
        page.any(split + mm(5.0), page.w - mm(15.0), band.0, band.1),
        "{what}: the national heading at the top right"
    );
    // A gutter at least 4 mm wide between the two columns through the band's first two lines (a
    // centred title has only word spaces there).
    let mut widest = 0;
    let mut run = 0;
    for x in mm(30.0) + text_w / 5..split + text_w / 6 {
        if page.any(x, x + 1, band.0, band.0 + mm(9.0)) {
            run = 0;
        } else {
            run += 1;
            widest = widest.max(run);
        }
    }
    assert!(
        widest >= mm(4.0),
        "{what}: two columns in the heading band (gutter {widest} px)"
    );
    // The motto's rule: a line of at least 25 mm in the right column, within the band.
    let motto_rule = page
        .rules(mm(25.0))
        .into_iter()
        .any(|(y, x0, x1)| y < band.0 + mm(15.0) && x0 > split && x1 - x0 < text_w / 2);
    assert!(
        motto_rule,
        "{what}: the rule under \"Độc lập - Tự do - Hạnh phúc\""
    );
    assert!(
        band.1 < table_top,
        "{what}: the heading band above the table (y={table_top})"
    );
}

#[test]
#[cfg_attr(
    not(egov_test_tools),
    ignore = "needs poppler-utils and LibreOffice: set EGOV_TEST_TOOLS=1"
)]
fn page_one_of_the_pdf_and_of_the_docx_keeps_the_decree_layout() {
    let (annex, opts) = framed();
    let dir = scratch("decree");
    let pdf = dir.join("annex.pdf");
    std::fs::write(&pdf, render(&annex, Format::Pdf, &opts).unwrap()).unwrap();
    check(&first_page(&pdf), "PDF");

    let docx = dir.join("annex.docx");
    std::fs::write(&docx, render(&annex, Format::Docx, &opts).unwrap()).unwrap();
    let out = dir.join("lo");
    run(Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(&docx)
        .env("HOME", &dir));
    check(&first_page(&out.join("annex.pdf")), "DOCX (LibreOffice)");
    std::fs::remove_dir_all(&dir).unwrap();
}
