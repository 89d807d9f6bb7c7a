//! `egov validate`: load an edition (and a dataset) and report every problem, or a short summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::load;

#[derive(clap::Args)]
pub struct Args {
    /// Edition: a shipped id (see `egov editions`) or a path to a .toml file.
    #[arg(long)]
    edition: String,
    /// Dataset folder (units.csv, values.csv) or JSON file to check against the edition.
    #[arg(long)]
    data: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let edition = load::edition(&a.edition)?;
    let leaves = edition.nodes.iter().skip(1).filter(|n| n.is_leaf()).count();
    println!(
        "{}: hợp lệ — {} tiêu chí ({} tiêu chí lá), {} chỉ tiêu đầu vào, {} loại đơn vị, {} bảng phụ lục",
        edition.id,
        edition.nodes.len() - 1,
        leaves,
        edition.inputs.len(),
        edition.categories.len(),
        edition.annex.tables.len()
    );
    if let Some(path) = a.data {
        let data = load::dataset(&edition, &path)?;
        println!("{}: hợp lệ — {} đơn vị", path.display(), data.units.len());
    }
    Ok(ExitCode::SUCCESS)
}
