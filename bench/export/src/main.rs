//! Export benchmark (not a test): how long the published annex takes to render as DOCX, XLSX and PDF for
//! every commune-level unit of Vietnam after 1 July 2025 (3,321), and the Excel entry template for them.
//!
//! The data are synthetic (`egov_synth::generate`, level `xa-2025`, 100 indicators, fixed seed), parsed,
//! scored and built into an annex exactly as `egov annex` does; only the rendering step is timed. Each
//! format runs several times and the median is reported with the minimum and maximum, so one slow run
//! (a cold disk cache) does not decide the figure. The PDF is the native writer (`egov_export::pdf`);
//! its first call in a process also pays the one-time system font scan, timed apart in its own row.
//!
//! Usage: `cargo run --release --manifest-path bench/export/Cargo.toml -- [--units N] [--runs N]
//! [--pdf-runs N] [--no-pdf] [--out DIR]`.

use std::time::{Duration, Instant};

use egov_core::annex;
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_core::engine;
use egov_core::lang::Lang;
use egov_export::{Format, RenderOptions, template};
use egov_synth::{Level, SynthOptions};

struct Args {
    units: usize,
    runs: usize,
    pdf_runs: usize,
    pdf: bool,
    out: Option<std::path::PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        units: 3321,
        runs: 7,
        pdf_runs: 7,
        pdf: true,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match flag.as_str() {
            "--units" => a.units = num("--units")?,
            "--runs" => a.runs = num("--runs")?.max(1),
            "--pdf-runs" => a.pdf_runs = num("--pdf-runs")?.max(1),
            "--no-pdf" => a.pdf = false,
            "--out" => a.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

struct Timing {
    what: String,
    runs: Vec<Duration>,
    bytes: usize,
}

impl Timing {
    fn median(&self) -> Duration {
        let mut v = self.runs.clone();
        v.sort();
        v[v.len() / 2]
    }
}

fn time<T>(
    what: &str,
    runs: usize,
    mut f: impl FnMut() -> T,
    size: impl Fn(&T) -> usize,
) -> (Timing, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let out = f();
        times.push(t0.elapsed());
        last = Some(out);
    }
    let last = last.expect("at least one run");
    (
        Timing {
            what: what.to_string(),
            bytes: size(&last),
            runs: times,
        },
        last,
    )
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let t0 = Instant::now();
    let synth = egov_synth::generate(&SynthOptions {
        units: a.units,
        indicators: 100,
        seed: 2025,
        level: Level::Commune2025,
        ..SynthOptions::default()
    });
    let edition =
        Edition::from_toml(&synth.edition_toml, "edition.toml").unwrap_or_else(|e| panic!("{e}"));
    let data = Dataset::from_csv(
        &edition,
        Source {
            name: "units.csv",
            text: &synth.units_csv,
        },
        Source {
            name: "values.csv",
            text: &synth.values_csv,
        },
        DatasetMeta::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let scores = engine::score(&edition, &data);
    let annex = annex::build(&edition, &data, &scores, Lang::Vi);
    let rows: usize = annex.tables.iter().map(|t| t.rows.len()).sum();
    let prep = t0.elapsed();

    let opts = RenderOptions::default();
    let (annex, opts) = (&annex, &opts);
    let render =
        |f: Format| move || egov_export::render(annex, f, opts).unwrap_or_else(|e| panic!("{e}"));
    let mut timings = Vec::new();
    let mut pdf_info: Option<(usize, String)> = None;
    let mut outputs: Vec<(&str, Vec<u8>)> = Vec::new();
    for (name, format, runs) in [
        ("DOCX annex", Format::Docx, a.runs),
        ("XLSX annex", Format::Xlsx, a.runs),
    ] {
        let (t, bytes) = time(name, runs, render(format), Vec::len);
        timings.push(t);
        outputs.push((format.extension(), bytes));
    }
    if a.pdf {
        // The font search is cached per process: time the first call (scan + render) on its own, so the
        // steady-state rows below are what a server pays per document.
        let (first, _) = time(
            "PDF annex, first call (font scan + render)",
            1,
            render(Format::Pdf),
            Vec::len,
        );
        let (t, bytes) = time(
            "PDF annex (native writer)",
            a.pdf_runs,
            render(Format::Pdf),
            Vec::len,
        );
        timings.push(first);
        timings.push(t);
        let summary =
            egov_export::pdf::render_with_summary(annex, opts).unwrap_or_else(|e| panic!("{e}"));
        pdf_info = Some((summary.pages.len(), summary.font_family));
        outputs.push(("pdf", bytes));
    }
    let (t, tpl) = time(
        "XLSX entry template (filled)",
        a.runs,
        || {
            template::template_with_values(&edition, &data, Lang::Vi)
                .unwrap_or_else(|e| panic!("{e}"))
        },
        Vec::len,
    );
    timings.push(t);
    let (t, back) = time(
        "read filled template back",
        a.runs,
        || template::read_values(&edition, "mau.xlsx", &tpl).unwrap_or_else(|e| panic!("{e}")),
        |_| 0,
    );
    assert_eq!(
        back.units.len(),
        data.units.len(),
        "the template must round-trip"
    );
    timings.push(t);
    outputs.push(("template.xlsx", tpl));

    println!(
        "{} units, {} indicators, {} inputs; annex: {} tables, {} rows; data generated, parsed, scored and built in {} s",
        data.units.len(),
        edition.nodes.iter().filter(|n| n.is_leaf()).count(),
        edition.inputs.len(),
        annex.tables.len(),
        rows,
        secs(prep)
    );
    println!();
    println!("| output | median (s) | min (s) | max (s) | runs | size (KiB) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for t in &timings {
        let min = t.runs.iter().min().copied().unwrap_or_default();
        let max = t.runs.iter().max().copied().unwrap_or_default();
        let size = if t.bytes > 0 {
            format!("{}", t.bytes / 1024)
        } else {
            "–".into()
        };
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            t.what,
            secs(t.median()),
            secs(min),
            secs(max),
            t.runs.len(),
            size
        );
    }
    if let Some((pages, family)) = &pdf_info {
        println!("\nPDF: {pages} A4 pages, set in {family} (embedded subset)");
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (ext, bytes) in &outputs {
            let path = dir.join(format!("annex.{ext}"));
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        println!("\nfiles written to {}", dir.display());
    }
}
