//! egov-export: renders a decision annex ([`Annex`]) as the documents and data files a province publishes.
//!
//! The annex builder in egov-core decides *what* is published (tables, blocks, rows, values already rounded
//! to each column's decimals); this crate only decides *how it looks* in each format. Every format is laid
//! out from one shared view of a table ([`layout`]) so that the two-row header, the column-number row, the
//! block rows, the decimal comma, the blank rank of unranked units and "Không đánh giá" read the same in
//! plain text, Markdown, HTML, DOCX, XLSX and PDF. Exporters take core types only, never the database, and
//! return bytes; the caller writes files.
//!
//! # Layout
//! - [`layout`]: the shared, language-aware view of a table (header cells, formatted cells, block rows).
//! - [`frame`]: the Decree-30 frame of the document (issuing body, national heading, "Phụ lục",
//!   reference line, signature, recipients) and the errata of a recomputed annex.
//! - [`text`], [`markdown`], [`html`]: human-readable renderings.
//! - [`csv_out`], [`json_out`]: open data (one long CSV; the JSON contract) and their data dictionary.
//! - [`xlsx`], [`docx`]: office documents; [`pdf`]: the annex typeset directly as PDF (embedded fonts).
//! - [`template`]: the Excel entry template of an edition and reading a filled one back.
//! - [`chart`]: SVG/PNG charts of the rankings; [`report`]: the HTML annex with its charts.

#![forbid(unsafe_code)]

use egov_core::table::Annex;

pub mod chart;
pub mod csv_out;
pub mod docx;
pub mod frame;
pub mod html;
pub mod json_out;
pub mod layout;
pub mod markdown;
pub mod pdf;
pub mod robustness;
pub mod template;
pub mod text;
pub mod xlsx;
pub mod xml;

/// Language of the fixed texts of an export (headings, "Không đánh giá", number style: decimal comma in
/// Vietnamese, point in English). Table and column labels are data and print as the annex holds them.
pub use egov_core::lang::Lang;

/// The decision an annex is issued with, for the heading "(Ban hành kèm theo Quyết định số … ngày …)".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecisionInfo {
    /// Decision number as printed ("2870/QĐ-UBND").
    pub number: String,
    /// Signing date, dd/mm/yyyy.
    pub date: String,
    /// Who issued it ("Chủ tịch Ủy ban nhân dân tỉnh"), when the heading names them.
    pub issuer: Option<String>,
}

/// Options common to every format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub lang: Lang,
    /// When set, the annex heading names this decision (replacing any "(Ban hành kèm theo …)" subtitle).
    pub decision: Option<DecisionInfo>,
    /// JSON on one line, without indentation (for machines; the default is indented, which reads and
    /// diffs well line by line).
    pub compact_json: bool,
    /// The Decree-30 frame (issuing body, national heading, "Phụ lục", reference line, signature,
    /// recipients, and whether the numbers are recomputed); `None` prints the annex's title and lines.
    pub frame: Option<frame::Frame>,
    /// How sure the ranks are ([`egov_core::robustness::Report`]): the DOCX and the PDF end with a
    /// section on it after the annex's tables ([`robustness::printed`]). Shared rather than borrowed so
    /// that the options stay a plain value (callers build and return them without a lifetime).
    pub robustness: Option<std::sync::Arc<egov_core::robustness::Report>>,
}

/// Every output format of `egov export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Csv,
    Json,
    Html,
    Docx,
    Xlsx,
    Pdf,
    Svg,
    Png,
}

impl Format {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = ExportError;

    fn from_str(s: &str) -> Result<Format, ExportError> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Format::Text,
            "markdown" | "md" => Format::Markdown,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "html" => Format::Html,
            "docx" => Format::Docx,
            "xlsx" => Format::Xlsx,
            "pdf" => Format::Pdf,
            "svg" => Format::Svg,
            "png" => Format::Png,
            _ => return Err(ExportError::UnknownFormat(s.to_string())),
        })
    }
}

/// Why an export failed, in the message language ([`egov_core::lang::messages`]): the organiser sees
/// them. A library's own English (csv, serde_json, rust_xlsxwriter, zip) is shown only in English;
/// an OS error is said in words ([`egov_core::lang::io_reason`]).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}", egov_core::msg!(
        "định dạng \"{0}\" không được hỗ trợ (text, markdown, csv, json, html, docx, xlsx, pdf, svg, png)",
        "the format \"{0}\" is not supported (text, markdown, csv, json, html, docx, xlsx, pdf, svg, png)",
        .0
    ))]
    UnknownFormat(String),
    #[error("{}", egov_core::msg!(
        "định dạng {0:?} tạo nhiều tệp biểu đồ: dùng egov_export::charts thay cho render",
        "the format {0:?} makes several chart files: use egov_export::charts instead of render",
        .0
    ))]
    MultiFile(Format),
    #[error("{}", egov_core::msg!("lỗi ghi CSV", "cannot write the CSV ({_0})"))]
    Csv(#[from] csv::Error),
    #[error("{}", egov_core::msg!("lỗi ghi JSON", "cannot write the JSON ({_0})"))]
    Json(#[from] serde_json::Error),
    #[error("{}", egov_core::msg!("lỗi ghi XLSX", "cannot write the XLSX ({_0})"))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("{}", egov_core::msg!("lỗi ghi DOCX (zip)", "cannot write the DOCX (zip: {_0})"))]
    Zip(#[from] zip::result::ZipError),
    #[error("{}", egov_core::msg!("lỗi ghi tệp: {0}", "cannot write the file: {0}", egov_core::lang::io_reason(.0)))]
    Io(#[from] std::io::Error),
    #[error("{tool}: {message}")]
    Tool { tool: String, message: String },
    #[error("{}", egov_core::msg!("bảng {table}: {message}", "table {table}: {message}"))]
    Table { table: String, message: String },
    #[error("{}", egov_core::msg!("biểu đồ {chart}: {message}", "chart {chart}: {message}"))]
    Chart { chart: String, message: String },
}

/// Renders the whole annex in one single-file format. Charts (SVG, PNG) are several files: use [`charts`].
pub fn render(annex: &Annex, format: Format, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Text => Ok(text::render(annex, opts).into_bytes()),
        Format::Markdown => Ok(markdown::render(annex, opts).into_bytes()),
        Format::Csv => csv_out::render(annex, opts),
        Format::Json => json_out::render(annex, opts.compact_json),
        Format::Html => Ok(html::render(annex, opts, &[]).into_bytes()),
        Format::Xlsx => xlsx::render(annex, opts),
        Format::Docx => docx::render(annex, opts),
        Format::Pdf => pdf::render(annex, opts),
        Format::Svg | Format::Png => Err(ExportError::MultiFile(format)),
    }
}

pub use chart::{ChartOptions, charts, png};
pub use frame::{Erratum, Frame, Provenance, Signature};
pub use robustness::{robustness_chart, robustness_html};

/// The HTML report: the annex followed by its charts (inline SVG), in one self-contained page.
pub fn report(
    annex: &Annex,
    opts: &RenderOptions,
    chart_opts: &ChartOptions<'_>,
) -> Result<Vec<u8>, ExportError> {
    let embedded: Vec<html::EmbeddedChart> = chart::svg_charts(annex, chart_opts)?
        .into_iter()
        .map(|c| html::EmbeddedChart {
            caption: c.title,
            svg: c.svg,
        })
        .collect();
    Ok(html::render_report(annex, opts, &embedded, chart_opts.robustness).into_bytes())
}
