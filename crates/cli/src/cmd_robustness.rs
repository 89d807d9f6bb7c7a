//! `egov robustness`: how sure each published rank is — rank intervals over a Monte-Carlo of the
//! edition's uncertain choices and the sensitivity of the ranks to each choice
//! ([`egov_core::robustness`]). The choices come from `--spec FILE`, else from the edition's own
//! `[robustness]` table, else the defaults for a province's edition; `--runs` and `--seed` override the
//! file. `--write-problem DIR` also writes the draws and leaf points for the benchmark's peer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use egov_core::msg;
use egov_core::robustness::{self, Options, Plan, Spec, render};

use crate::cmd_annex::Common;
use crate::load::{self, InputError, Timings};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Model evaluations (default 10000, or the spec's `runs`).
    #[arg(long)]
    runs: Option<usize>,
    /// Seed of the draws (default 1, or the spec's `seed`): the same seed gives the same numbers on any
    /// number of threads.
    #[arg(long)]
    seed: Option<u64>,
    /// A TOML file with a [robustness] table (default: the edition's own, else the defaults).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// text, json or csv.
    #[arg(long, default_value = "text", value_parser = format())]
    format: String,
    /// Write here instead of standard output.
    #[arg(long, visible_alias = "output")]
    out: Option<PathBuf>,
    /// Also write the rank-interval chart of every ranked block (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Also write the draws and leaf points a peer needs to redo the Monte-Carlo (bench/compare-robustness).
    #[arg(long)]
    write_problem: Option<PathBuf>,
}

fn format() -> impl clap::builder::TypedValueParser<Value = String> {
    crate::help::choice(&[("text", &["txt"]), ("json", &[]), ("csv", &[])], |s| {
        if s == "txt" { "text" } else { s }.to_string()
    })
}

/// The TOML source of the edition as given (a shipped id or a path).
fn edition_source(spec: &str) -> Result<(String, String)> {
    if let Some((id, text)) = load::shipped_texts().iter().find(|(id, _)| *id == spec) {
        return Ok((text.to_string(), format!("data/editions/{id}.toml")));
    }
    let path = Path::new(spec);
    let bytes = load::read_bytes(path)?;
    Ok((
        load::utf8(&bytes, path)?.to_string(),
        path.display().to_string(),
    ))
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut timings = Timings::from_env();
    let edition = load::edition(&a.common.edition)?;
    let (src, file) = match &a.spec {
        Some(p) => {
            let bytes = load::read_bytes(p)?;
            let text = load::utf8(&bytes, p)?.to_string();
            if !text
                .lines()
                .any(|l| l.trim_start().starts_with("[robustness"))
            {
                let f = p.display().to_string();
                return Err(InputError(msg!(
                    "{f}: không có bảng [robustness] (các lựa chọn bất định)",
                    "{f}: has no [robustness] table (the uncertain choices)"
                ))
                .into());
            }
            (text, p.display().to_string())
        }
        None => edition_source(&a.common.edition)?,
    };
    let mut spec = Spec::from_toml(&src, &file, &edition).map_err(|problems| {
        InputError(
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    if let Some(r) = a.runs {
        if !(2..=robustness::spec::MAX_RUNS).contains(&r) {
            let max = robustness::spec::MAX_RUNS;
            return Err(InputError(msg!(
                "--runs phải từ 2 đến {max}, không phải {r}",
                "--runs must be 2 to {max}, not {r}"
            ))
            .into());
        }
        spec.runs = r;
    }
    if let Some(s) = a.seed {
        spec.seed = s;
    }
    let data = load::dataset(&edition, &a.common.data)?;
    timings.mark("read");
    let plan = Plan::new(&edition, &data, spec).map_err(|e| match e {
        robustness::RobustnessError::Nothing(m) => anyhow::Error::new(InputError(m)),
        robustness::RobustnessError::Model(m) => anyhow::anyhow!(m),
    })?;
    timings.mark("score");
    if let Some(dir) = &a.write_problem {
        write_problem(&plan, dir)?;
        timings.mark("problem");
    }
    let bar = crate::progress::Progress::new(0);
    let started = std::sync::atomic::AtomicBool::new(false);
    let progress = |done: usize, total: usize| {
        if !started.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.grow(total as u64);
            bar.doing(&msg!("lượt rút", "draws"));
        }
        let _ = done;
        bar.done();
    };
    let report = robustness::run(
        &plan,
        &Options {
            progress: Some(&progress),
        },
    );
    bar.finish();
    timings.mark("draws");
    let bytes = match a.format.as_str() {
        "json" => {
            let mut s = serde_json::to_string_pretty(&render::json(&report))?;
            s.push('\n');
            s.into_bytes()
        }
        "csv" => render::csv(&report).into_bytes(),
        _ => render::text(&report, a.common.lang).into_bytes(),
    };
    load::emit(a.out.as_deref(), &bytes)?;
    // CHART
    timings.mark("write");
    Ok(ExitCode::SUCCESS)
}

/// A NumPy `.npy` file (version 1.0) of a C-order array.
fn npy(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_txt = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_txt}, }}");
    // Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + data.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

fn write_problem(plan: &Plan<'_>, dir: &Path) -> Result<()> {
    let p = plan.problem().map_err(|e| InputError(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| load::mkdir_error(dir, &e))?;
    let (ns, nu, nl, r) = p.shape;
    let f64s = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "problem.json",
            serde_json::to_string_pretty(&p.json)?.into_bytes(),
        ),
        ("points.npy", npy("<f8", &[ns, nu, nl], &f64s(&p.points))),
        ("excluded.npy", npy("|u1", &[ns, nu, nl], &p.excluded)),
        ("fullmax.npy", npy("<f8", &[nl], &f64s(&p.fullmax))),
        ("weights.npy", npy("<f8", &[r, nl], &f64s(&p.weights))),
        (
            "setting.npy",
            npy(
                "<i4",
                &[r, 4],
                &p.setting
                    .iter()
                    .flat_map(|x| x.to_le_bytes())
                    .collect::<Vec<u8>>(),
            ),
        ),
    ];
    for (name, bytes) in files {
        crate::output::write_atomic(&dir.join(name), &bytes)?;
    }
    Ok(())
}
