//! `egov synth`: a realistic synthetic edition and dataset (for benchmarks, load tests and demos),
//! deterministic for a seed. Writes `edition.toml`, `units.csv`, `values.csv` and `dataset.toml` into a
//! folder, all or none ([`Staged`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_synth::{Level, SynthOptions};

use crate::load;
use crate::output::Staged;
use crate::progress::Progress;

#[derive(clap::Args)]
pub struct Args {
    /// Number of units.
    #[arg(long, default_value_t = 3321)]
    units: usize,
    /// Number of leaf indicators.
    #[arg(long, default_value_t = 100)]
    indicators: usize,
    /// Seed: the same options give byte-identical files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Kind of units: xa (communes before 2025), xa-2025 (communes, wards, special zones), so-huyen.
    #[arg(long, default_value = "xa", value_parser = crate::help::choice(
        &[("xa", &["commune"]), ("xa-2025", &["commune-2025"]), ("so-huyen", &["agency"])],
        |s| s.parse::<Level>().unwrap_or_default(),
    ))]
    level: Level,
    /// Share of blank input cells (0–1).
    #[arg(long, default_value_t = 0.02)]
    missing_rate: f64,
    /// Share of "Không áp dụng" declarations (0–1).
    #[arg(long, default_value_t = 0.05)]
    na_rate: f64,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    for (name, rate) in [("--missing-rate", a.missing_rate), ("--na-rate", a.na_rate)] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(load::InputError(egov_core::msg!(
                "{name} {rate}: phải từ 0 đến 1",
                "{name} {rate}: must be from 0 to 1"
            ))
            .into());
        }
    }
    // A national dataset takes seconds: a bar on a terminal names the phase and the file under way,
    // and EGOV_TIMINGS times generating and writing.
    let mut t = load::Timings::from_env();
    let progress = Progress::new(6);
    progress.doing("generate");
    let s = egov_synth::generate(&SynthOptions {
        units: a.units,
        indicators: a.indicators,
        seed: a.seed,
        missing_rate: a.missing_rate,
        na_rate: a.na_rate,
        level: a.level,
    });
    progress.done();
    progress.mark(&mut t, "generate");
    let meta = format!(
        "edition = \"{}\"\ntitle = \"Dữ liệu tổng hợp (synthetic): {} đơn vị × {} chỉ tiêu, seed {}\"\nsource = \"egov synth\"\nnumber_style = \"decimal-point\"\n",
        s.edition_id, a.units, a.indicators, a.seed
    );
    let mut staged = Staged::new(&a.out)?;
    for (name, text) in [
        ("edition.toml", s.edition_toml.as_str()),
        ("units.csv", s.units_csv.as_str()),
        ("values.csv", s.values_csv.as_str()),
        ("dataset.toml", meta.as_str()),
    ] {
        progress.doing(name);
        staged.write(name, text.as_bytes())?;
        progress.done();
    }
    progress.doing("commit");
    let written = staged.commit()?;
    progress.done();
    progress.finish();
    t.mark("write");
    for path in written {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
