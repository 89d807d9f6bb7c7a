//! Checks that need external programs. LibreOffice must open the DOCX and XLSX we write (it converts
//! them to PDF here: a file it cannot read fails). They run when `EGOV_TEST_TOOLS=1` (CI sets it, after
//! installing the Debian packages) and then fail if a tool is missing; without the variable they show as
//! ignored (`cfg(egov_test_tools)`, set by `build.rs`), so a developer without LibreOffice can run the
//! other tests and sees what did not run. The PDF writer needs no
//! LibreOffice; its poppler checks are in `pdf.rs`.

use std::process::Command;

use egov_export::{Format, RenderOptions, render};

use crate::fixture;

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
#[cfg_attr(
    not(egov_test_tools),
    ignore = "needs LibreOffice: set EGOV_TEST_TOOLS=1"
)]
fn libreoffice_opens_docx_and_xlsx() {
    let annex = fixture::annex();
    for (name, format) in [("annex.docx", Format::Docx), ("annex.xlsx", Format::Xlsx)] {
        let bytes = render(&annex, format, &RenderOptions::default()).unwrap();
        let dir = scratch(&format!("soffice-{name}"));
        let input = dir.join(name);
        std::fs::write(&input, &bytes).unwrap();
        // A private profile: two conversions sharing the default profile block each other.
        run(Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.join("profile").display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(&dir)
            .arg(&input));
        let pdf = std::fs::read(input.with_extension("pdf"))
            .unwrap_or_else(|e| panic!("LibreOffice wrote no PDF for {name}: {e}"));
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
        std::fs::remove_dir_all(dir).unwrap();
    }
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
