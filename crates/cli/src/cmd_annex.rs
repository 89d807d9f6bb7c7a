//! `egov annex` (one format to standard output or a file) and `egov export` (several formats into a
//! folder). Both score the dataset, build the annex once and hand it to the renderers; every file is
//! rendered in memory first and written atomically, so a failure writes nothing partial.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use egov_core::Lang;
use egov_export::{Format, RenderOptions};

use crate::load;

#[derive(clap::Args)]
pub struct Common {
    /// Edition: a shipped id (see `egov editions`) or a path to a .toml file.
    #[arg(long)]
    pub edition: String,
    /// Dataset folder (units.csv, values.csv, dataset.toml) or JSON file.
    #[arg(long)]
    pub data: PathBuf,
    /// Language of labels: vi (default) or en.
    #[arg(long, default_value = "vi")]
    pub lang: Lang,
}

#[derive(clap::Args)]
pub struct AnnexArgs {
    #[command(flatten)]
    common: Common,
    /// text, markdown, csv, json, html (docx, xlsx, pdf with --out).
    #[arg(long, default_value = "text")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    common: Common,
    /// Formats, comma-separated: docx,pdf,xlsx,csv,json,html,svg,png,text,markdown.
    #[arg(long, value_delimiter = ',', required = true)]
    format: Vec<Format>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

pub fn build(c: &Common) -> Result<egov_core::table::Annex> {
    let edition = load::edition(&c.edition)?;
    let data = load::dataset(&edition, &c.data)?;
    let scores = egov_core::engine::score(&edition, &data);
    Ok(egov_core::annex::build(&edition, &data, &scores, c.lang))
}

pub fn annex(a: AnnexArgs) -> Result<ExitCode> {
    let annex = build(&a.common)?;
    let opts = RenderOptions { lang: a.common.lang, ..Default::default() };
    let bytes = egov_export::render(&annex, a.format, &opts)?;
    load::emit(a.out.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(a: ExportArgs) -> Result<ExitCode> {
    let annex = build(&a.common)?;
    let opts = RenderOptions { lang: a.common.lang, ..Default::default() };
    // Render everything before writing anything.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for f in &a.format {
        files.push((format!("{}.{}", annex.edition, f.extension()), egov_export::render(&annex, *f, &opts)?));
    }
    for (name, bytes) in &files {
        load::write_atomic(&a.out.join(name), bytes).with_context(|| format!("{}", a.out.join(name).display()))?;
        println!("{}", a.out.join(name).display());
    }
    Ok(ExitCode::SUCCESS)
}
