//! `egov import`: published tables (Word text, DOCX, XLSX, HTML, Markdown, CSV) → JSON or CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_import::Format;
use serde_json::json;

use crate::load;

#[derive(clap::Args)]
pub struct Args {
    /// The published document.
    path: PathBuf,
    /// Input form (default: recognised from the content).
    #[arg(long, value_parser = crate::help::choice(FROM, parse_format), default_value = "auto")]
    from: Format,
    /// Output: json or csv.
    #[arg(long, default_value = "json", value_parser = crate::help::choice(
        &[("json", &[]), ("csv", &[])],
        str::to_string,
    ))]
    format: String,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The input forms `--from` accepts: a closed list.
const FROM: &[(&str, &[&str])] = &[
    ("auto", &[]),
    ("text", &["word-text"]),
    ("markdown", &["md"]),
    ("html", &[]),
    ("docx", &[]),
    ("xlsx", &[]),
    ("csv", &[]),
];

fn parse_format(s: &str) -> Format {
    match s {
        "text" | "word-text" => Format::WordText,
        "markdown" | "md" => Format::Markdown,
        "html" => Format::Html,
        "docx" => Format::Docx,
        "xlsx" => Format::Xlsx,
        "csv" => Format::Csv,
        _ => Format::Auto,
    }
}

pub fn run(a: Args) -> Result<ExitCode> {
    let imported =
        egov_import::import_path(&a.path, a.from).map_err(|e| load::InputError(e.to_string()))?;
    for p in &imported.problems {
        eprintln!("{}:{p}", a.path.display());
    }
    // Never a silent nothing: a document in which no table was found is input egov could not use.
    if let Some(why) = imported.nothing_found() {
        return Err(load::InputError(format!("{}: {why}", a.path.display())).into());
    }
    let bytes = match a.format.as_str() {
        "json" => {
            let v = json!({
                "source": a.path.display().to_string(),
                "headings": imported.headings,
                "tables": imported.tables.iter().map(|t| t.to_json()).collect::<Vec<_>>(),
                "problems": imported.problems.iter().map(|p| json!({"line": p.pos.to_string(), "table": p.table, "message": p.message})).collect::<Vec<_>>(),
            });
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s.into_bytes()
        }
        _ => egov_import::tables_to_csv(&imported.tables).into_bytes(),
    };
    load::emit(a.out.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}
