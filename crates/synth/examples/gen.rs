//! `gen`: writes a synthetic edition and dataset (`edition.toml`, `units.csv`, `values.csv`) into a
//! folder — the stand-in for `egov synth` that `bench/compare` uses, with every option of the generator.
//!
//! `cargo run --release -p egov-synth --example gen -- --units 10000 --indicators 100 --seed 42 --out DIR
//! [--level xa|xa-2025|so-huyen] [--missing-rate 0.02] [--na-rate 0.05]`

use std::path::PathBuf;
use std::process::ExitCode;

use egov_synth::{SynthOptions, generate};

fn parse() -> Result<(SynthOptions, PathBuf), String> {
    let mut opts = SynthOptions::default();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} cần một giá trị"));
        let num = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("'{v}' không phải là số"))
        };
        match flag.as_str() {
            "--units" => {
                opts.units = value()?
                    .parse()
                    .map_err(|_| "--units cần số nguyên".to_string())?
            }
            "--indicators" => {
                opts.indicators = value()?
                    .parse()
                    .map_err(|_| "--indicators cần số nguyên".to_string())?
            }
            "--seed" => {
                opts.seed = value()?
                    .parse()
                    .map_err(|_| "--seed cần số nguyên".to_string())?
            }
            "--missing-rate" => opts.missing_rate = num(value()?)?,
            "--na-rate" => opts.na_rate = num(value()?)?,
            "--level" => opts.level = value()?.parse()?,
            "--out" => out = Some(PathBuf::from(value()?)),
            other => return Err(format!("tham số '{other}' không có")),
        }
    }
    Ok((opts, out.ok_or("thiếu --out DIR")?))
}

fn main() -> ExitCode {
    let (opts, out) = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("gen: {e}");
            return ExitCode::from(2);
        }
    };
    let s = generate(&opts);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join("edition.toml"), &s.edition_toml)?;
        std::fs::write(out.join("units.csv"), &s.units_csv)?;
        std::fs::write(out.join("values.csv"), &s.values_csv)
    };
    match write() {
        Ok(()) => {
            eprintln!(
                "gen: {} ({} units) → {}",
                s.edition_id,
                opts.units,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
