//! PDF rendering: the DOCX annex converted by LibreOffice in headless mode.
//!
//! The PDF must look exactly like the Word annex (same header merges, repeated header rows, landscape
//! sections) and embed fonts covering Vietnamese. Converting our own DOCX gives both without a second
//! layout engine: LibreOffice embeds the (subsetted) fonts it used, and with Debian's
//! `fonts-liberation2` installed, Times New Roman resolves to the metric-compatible Liberation Serif,
//! which covers Vietnamese. The cost is an external program (`soffice`, Debian `libreoffice-writer-nogui`)
//! and ~2 s of start-up per document; typst would avoid both but adds minutes to every cold build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use egov_core::table::Annex;

use crate::{ExportError, RenderOptions, docx};

/// The program that converts; override with the `EGOV_SOFFICE` environment variable.
fn soffice() -> String {
    std::env::var("EGOV_SOFFICE").unwrap_or_else(|_| "soffice".into())
}

/// A scratch directory removed when dropped, unique per process and call.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, ExportError> {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "egov-pdf-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover temp directory is harmless and must not mask the real result.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts an office document (DOCX, XLSX) to PDF with LibreOffice; returns the PDF bytes.
pub fn convert_with_libreoffice(input_name: &str, bytes: &[u8]) -> Result<Vec<u8>, ExportError> {
    let scratch = Scratch::new()?;
    let input = scratch.0.join(input_name);
    std::fs::write(&input, bytes)?;
    let profile = scratch.0.join("profile");
    let out = run_soffice(&input, &scratch.0, &profile)?;
    let pdf = scratch.0.join(Path::new(input_name).with_extension("pdf"));
    if !out.status.success() || !pdf.exists() {
        return Err(ExportError::Tool {
            tool: soffice(),
            message: format!(
                "chuyển {input_name} sang PDF thất bại ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(std::fs::read(pdf)?)
}

fn run_soffice(
    input: &Path,
    outdir: &Path,
    profile: &Path,
) -> Result<std::process::Output, ExportError> {
    // A private profile per call: two conversions sharing the default profile block each other.
    let profile_url = format!("file://{}", profile.display());
    Command::new(soffice())
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(outdir)
        .arg(input)
        .output()
        .map_err(|e| ExportError::Tool {
            tool: soffice(),
            message: format!(
                "không chạy được ({e}); cài gói Debian libreoffice-writer-nogui để xuất PDF"
            ),
        })
}

/// The annex as PDF: the DOCX rendering converted by LibreOffice.
pub fn render(annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    let docx = docx::render(annex, opts)?;
    convert_with_libreoffice("phu-luc.docx", &docx)
}
