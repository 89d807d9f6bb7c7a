//! `egov template` (the Excel entry form of an edition, blank, for given units, or pre-filled from a
//! dataset) and `egov import-values` (a filled form back into a dataset folder: every bad cell is
//! reported as `Sheet!B7: …` and nothing is written unless the whole form is valid).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_core::Lang;
use egov_core::dataset::{Source, Unit};

use crate::load;
use crate::output::Staged;
use crate::progress::Progress;

#[derive(clap::Args)]
pub struct TemplateArgs {
    /// Edition: a shipped id or a path to a .toml file.
    #[arg(long)]
    edition: String,
    /// Units to prepare columns for: a units.csv (code,name,category,flags), or a dataset folder/JSON
    /// whose values pre-fill the form. Without it, each block sheet has blank unit columns.
    #[arg(long)]
    units: Option<PathBuf>,
    /// The form's language: the global `--lang` (set by `main`).
    #[arg(skip)]
    pub lang: Lang,
    /// The .xlsx file to write.
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct ImportValuesArgs {
    /// The filled entry form (.xlsx).
    path: PathBuf,
    /// Edition the form was made for: a shipped id or a path to a .toml file.
    #[arg(long)]
    edition: String,
    /// Folder to write units.csv, values.csv and dataset.toml into (only when the whole form is valid).
    #[arg(long)]
    out: PathBuf,
}

pub fn template(a: TemplateArgs) -> Result<ExitCode> {
    // A form for thousands of units takes seconds: a bar on a terminal names the phase under way, and
    // EGOV_TIMINGS times each.
    let mut t = load::Timings::from_env();
    let progress = Progress::new(4);
    progress.doing("edition");
    let edition = load::edition(&a.edition)?;
    progress.done();
    progress.mark(&mut t, "edition");
    let bytes = match &a.units {
        None => {
            progress.done();
            progress.doing("generate");
            egov_export::template::template(&edition, None, a.lang)?
        }
        Some(p) if p.is_file() && p.extension().is_some_and(|x| x == "csv") => {
            progress.doing("units");
            let units = units_only(&edition, p)?;
            progress.done();
            progress.mark(&mut t, "units");
            progress.doing("generate");
            egov_export::template::template(&edition, Some(&units), a.lang)?
        }
        Some(p) => {
            progress.doing("dataset");
            let data = load::dataset(&edition, p)?;
            progress.done();
            progress.mark(&mut t, "dataset");
            progress.doing("generate");
            egov_export::template::template_with_values(&edition, &data, a.lang)?
        }
    };
    progress.done();
    progress.mark(&mut t, "generate");
    progress.doing("write");
    crate::output::write_atomic(&a.out, &bytes)?;
    progress.done();
    progress.finish();
    t.mark("write");
    println!("{}", a.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Units from a units.csv alone (validated like a dataset with no values).
fn units_only(edition: &egov_core::edition::Edition, path: &std::path::Path) -> Result<Vec<Unit>> {
    let bytes = std::fs::read(path).map_err(|e| load::read_error(path, &e))?;
    let text = load::utf8(&bytes, path)?;
    egov_core::dataset::Dataset::units_from_csv(
        edition,
        Source {
            name: &path.display().to_string(),
            text,
        },
    )
    .map_err(|e| load::InputError(e.to_string()).into())
}

pub fn import_values(a: ImportValuesArgs) -> Result<ExitCode> {
    let mut t = load::Timings::from_env();
    let progress = Progress::new(4);
    progress.doing("edition");
    let edition = load::edition(&a.edition)?;
    progress.done();
    progress.mark(&mut t, "edition");
    progress.doing("read");
    let bytes = std::fs::read(&a.path).map_err(|e| load::read_error(&a.path, &e))?;
    progress.done();
    progress.mark(&mut t, "read");
    let name = a.path.display().to_string();
    // Every cell of every sheet is checked here: the long phase of a province's form.
    progress.doing("check");
    let (data, csv) = egov_export::template::read_values_csv(&edition, &name, &bytes)
        .map_err(|e| load::InputError(e.to_string()))?;
    progress.done();
    progress.mark(&mut t, "check");
    let meta = format!(
        "edition = \"{}\"\ntitle = \"Nhập từ biểu mẫu {}\"\nsource = \"{}\"\nnumber_style = \"decimal-comma\"\n",
        edition.id,
        a.path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default()
            .replace('"', "'"),
        name.replace('\\', "/").replace('"', "'")
    );
    // The three files together or none: a dataset folder is never half new, half old.
    progress.doing("write");
    let mut staged = Staged::new(&a.out)?;
    for (file, text) in [
        ("units.csv", &csv.units),
        ("values.csv", &csv.values),
        ("dataset.toml", &meta),
    ] {
        staged.write(file, text.as_bytes())?;
    }
    staged.commit()?;
    progress.done();
    progress.finish();
    t.mark("write");
    let (p, n, o) = (a.path.display(), data.units.len(), a.out.display());
    println!(
        "{}",
        egov_core::msg!("{p}: {n} đơn vị → {o}", "{p}: {n} units → {o}")
    );
    Ok(ExitCode::SUCCESS)
}
