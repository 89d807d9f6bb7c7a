//! `egov robustness`: how sure each published rank is — rank intervals over a Monte-Carlo of the
//! edition's uncertain choices and the sensitivity of the ranks to each choice
//! ([`egov_core::robustness`]). The choices come from `--spec FILE`, else from the edition's own
//! `[robustness]` table, else the defaults for a province's edition; `--runs` and `--seed` override the
//! file. `--chart FILE` also writes the rank-interval chart (SVG, or PNG by the extension);
//! `--write-problem DIR` the draws and leaf points for the benchmark's peer. Every output is rendered
//! before any is written, so a failure leaves them all as they were. [`analyse`] is the same analysis
//! for `egov export --robustness`.
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use egov_core::dataset::Dataset;
use egov_core::edition::Edition;
use egov_core::msg;
use egov_core::robustness::{self, Options, Plan, Report, Spec, render};

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
    #[arg(long, alias = "output")]
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

/// The choices of an analysis: `spec_path`'s `[robustness]` table, else the edition's own (given as
/// `edition_src`: its TOML text and file name), else the defaults; `runs` and `seed` override them.
pub fn spec(
    edition_src: (&str, &str),
    edition: &Edition,
    spec_path: Option<&Path>,
    runs: Option<usize>,
    seed: Option<u64>,
) -> Result<Spec> {
    let (src, file): (String, String) = match spec_path {
        Some(p) => {
            let bytes = load::read_bytes(p)?;
            let text = load::utf8(&bytes, p)?.to_string();
            // A spec file without the table would silently mean "the defaults": refused instead,
            // since whoever wrote the file meant to declare something.
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
        None => (edition_src.0.to_string(), edition_src.1.to_string()),
    };
    let mut spec = Spec::from_toml(&src, &file, edition).map_err(|problems| {
        InputError(
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    if let Some(r) = runs {
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
    if let Some(s) = seed {
        spec.seed = s;
    }
    Ok(spec)
}

/// Scores the scenarios of `spec` (an input that leaves nothing to analyse is the user's, exit 2).
pub fn plan<'e>(edition: &'e Edition, data: &Dataset, spec: Spec) -> Result<Plan<'e>> {
    Plan::new(edition, data, spec).map_err(|e| match e {
        robustness::RobustnessError::Nothing(m) => anyhow::Error::new(InputError(m)),
        robustness::RobustnessError::Model(m) => anyhow::anyhow!(m),
    })
}

/// Runs the draws of `plan`, with a bar on a terminal.
pub fn draw(plan: &Plan<'_>) -> Report {
    let bar = crate::progress::Progress::new(0);
    let started = AtomicBool::new(false);
    let progress = |_done: usize, total: usize| {
        // The number of chunks is known only to the run: the bar is sized at its first report.
        if !started.swap(true, Ordering::Relaxed) {
            bar.grow(total as u64);
            bar.doing(&msg!("lượt rút", "draws"));
        }
        bar.done();
    };
    let report = robustness::run(
        plan,
        &Options {
            progress: Some(&progress),
        },
    );
    bar.finish();
    report
}

/// The whole analysis in one call (`egov export --robustness`): the choices as [`spec`] finds them,
/// scored and drawn.
pub fn analyse(
    edition_arg: &str,
    edition: &Edition,
    data: &Dataset,
    spec_path: Option<&Path>,
    runs: Option<usize>,
    seed: Option<u64>,
) -> Result<Report> {
    let (text, file) = load::edition_text(edition_arg)?;
    let spec = spec((&text, &file), edition, spec_path, runs, seed)?;
    let plan = plan(edition, data, spec)?;
    Ok(draw(&plan))
}

/// Whether a chart path asks for PNG (else SVG); any other extension is refused before the draws.
fn chart_is_png(path: &Path) -> Result<bool> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(true),
        Some("svg") => Ok(false),
        _ => {
            let p = path.display();
            Err(InputError(msg!(
                "--chart {p}: tên tệp phải kết thúc bằng .svg hoặc .png (phần mở rộng chọn định dạng)",
                "--chart {p}: the file name must end in .svg or .png (the extension chooses the format)"
            ))
            .into())
        }
    }
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut timings = Timings::from_env();
    let chart_png = a.chart.as_deref().map(chart_is_png).transpose()?;
    // The edition's file read once: parsed as the edition, and read again for its [robustness] table.
    let (edition, text, file) = load::edition_and_source(&a.common.edition)?;
    let spec = spec((&text, &file), &edition, a.spec.as_deref(), a.runs, a.seed)?;
    let data = load::dataset(&edition, &a.common.data)?;
    timings.mark("read");
    let plan = plan(&edition, &data, spec)?;
    timings.mark("score");
    // Everything is rendered before anything is written: a failure (a chart that cannot be
    // rasterised, a problem egov cannot write) leaves every output as it was.
    let problem = match &a.write_problem {
        Some(dir) => Some((dir, problem_files(&plan)?)),
        None => None,
    };
    timings.mark("problem");
    let report = draw(&plan);
    timings.mark("draws");
    let bytes = match a.format.as_str() {
        "json" => {
            // Compact: a national report is megabytes, read by programs.
            let mut s = render::json_bytes(&report);
            s.push(b'\n');
            s
        }
        "csv" => render::csv(&report).into_bytes(),
        _ => render::text(&report, a.common.lang).into_bytes(),
    };
    let chart = match (&a.chart, chart_png) {
        (Some(path), Some(png)) => {
            let svg = egov_export::robustness_chart(&report, a.common.lang);
            let bytes = if png {
                egov_export::png("robustness", &svg)?
            } else {
                svg.into_bytes()
            };
            Some((path, bytes))
        }
        _ => None,
    };
    timings.mark("render");
    if let Some((dir, files)) = problem {
        std::fs::create_dir_all(dir).map_err(|e| load::mkdir_error(dir, &e))?;
        for (name, bytes) in files {
            crate::output::write_atomic(&dir.join(name), &bytes)?;
        }
    }
    if let Some((path, bytes)) = chart {
        crate::output::write_atomic(path, &bytes)?;
    }
    load::emit(a.out.as_deref(), &bytes)?;
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

/// The files of `--write-problem`, in memory.
fn problem_files(plan: &Plan<'_>) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let p = plan.problem().map_err(|e| InputError(e.to_string()))?;
    let (ns, nu, nl, r) = p.shape;
    let f64s = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    Ok(vec![
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
    ])
}
