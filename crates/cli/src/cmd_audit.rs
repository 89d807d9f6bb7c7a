//! `egov audit`: read a published ranking (any importable form), check it, and report every
//! inconsistency with its place, its reason in plain words and the proposed correction.
//! Exit status: 0 = no findings, 1 = findings, 2 = the input (or the edition, or the alias file) could
//! not be read.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_core::Lang;
use egov_core::audit::{self, AuditOptions};
use egov_core::names::{AliasFormat, Aliases};

use crate::load;

#[derive(clap::Args)]
pub struct Args {
    /// The published document: Word text, DOCX, XLSX, HTML, Markdown or CSV.
    path: PathBuf,
    /// The edition the document follows (shipped id or .toml): adds maximum, block and total checks.
    #[arg(long)]
    edition: Option<String>,
    /// Renames and mergers of units (TOML or CSV: alias → canonical name).
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// text (default), markdown or json.
    #[arg(long, default_value = "text", value_parser = crate::help::choice(
        &[("text", &["txt"]), ("markdown", &["md"]), ("json", &[])],
        |s| match s { "txt" => "text", "md" => "markdown", s => s }.to_string(),
    ))]
    format: String,
    /// The report's language: the global `--lang` (set by `main`).
    #[arg(skip)]
    pub lang: Lang,
    /// Write the report here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the audit; with `--format json`, a document that cannot be audited (a file that cannot be read,
/// no table in it, an edition or alias file in error) still gets its JSON document — empty tables and
/// findings, and an `error` object saying why — before exit 2, so a pipeline reading the report sees why.
pub fn run(a: Args) -> Result<ExitCode> {
    let result = audit_document(&a);
    if a.format == "json"
        && let Err(e) = &result
    {
        let error = match e.downcast_ref::<NoTable>() {
            Some(no) => no.json.clone(),
            None => serde_json::json!({"kind": "input", "message": load::describe(e)}),
        };
        let doc = serde_json::json!({"tables": [], "findings": [], "error": error});
        load::emit(
            a.out.as_deref(),
            (serde_json::to_string_pretty(&doc)? + "\n").as_bytes(),
        )?;
    }
    result
}

/// No table with a row in the document: the message, and the JSON `error` object with both languages
/// and what was seen.
#[derive(Debug)]
struct NoTable {
    message: String,
    json: serde_json::Value,
}

impl std::fmt::Display for NoTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NoTable {}

fn audit_document(a: &Args) -> Result<ExitCode> {
    let bytes = std::fs::read(&a.path).map_err(|e| load::read_error(&a.path, &e))?;
    let name = a.path.display().to_string();
    let imported = egov_import::import_bytes(&name, &bytes, egov_import::Format::Auto)
        .map_err(|e| load::InputError(e.to_string()))?;
    for p in &imported.problems {
        eprintln!("{name}:{p}");
    }
    // Nothing to audit is not a clean audit: exit 2 saying what was seen.
    if let Some(why) = imported.nothing_found() {
        let no = NoTable {
            message: format!("{name}: {why}"),
            json: serde_json::json!({
                "kind": "no_table",
                "message": imported.nothing_found_in(Lang::Vi),
                "message_en": imported.nothing_found_in(Lang::En),
                "seen": {
                    "paragraphs": imported.seen.paragraphs,
                    "grids": imported.seen.grids,
                    "grid_rows": imported.seen.grid_rows,
                },
            }),
        };
        return Err(no.into());
    }
    let edition = a.edition.as_deref().map(load::edition).transpose()?;
    let aliases = match &a.aliases {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| load::read_error(p, &e))?;
            let text = load::utf8(&bytes, p)?;
            let shown = p.display().to_string();
            let format = AliasFormat::from_path(&shown).unwrap_or(AliasFormat::Toml);
            Some(
                Aliases::parse(text, format, &shown)
                    .map_err(|e| load::InputError(e.to_string()))?,
            )
        }
        None => None,
    };
    // Headings and headers are only kept normalised in the tables; the NFC check needs the text itself:
    // the decoded text of a text file (UTF-8 or UTF-16), or the places of DOCX/XLSX texts.
    let opts = AuditOptions {
        aliases: aliases.as_ref(),
        edition: edition.as_ref(),
        source_text: imported.source_text.as_deref(),
        placed_text: if imported.source_text.is_some() {
            &[]
        } else {
            &imported.not_nfc
        },
        rounding: edition.as_ref().map(|e| e.rounding).unwrap_or_default(),
        prose: &imported.prose,
    };
    let result = audit::audit(&imported.tables, &opts);
    let report = match a.format.as_str() {
        "json" => serde_json::to_string_pretty(&audit::to_json(&result, &imported.tables))? + "\n",
        "markdown" => audit::render_markdown(&result, a.lang),
        _ => audit::render_text(&result, a.lang),
    };
    load::emit(a.out.as_deref(), report.as_bytes())?;
    Ok(ExitCode::from(result.exit_code() as u8))
}
