//! `pipeline`: the benchmarked computation without the CLI — read `edition.toml`, `units.csv`,
//! `values.csv` from a folder, validate, score, build the annex and write its JSON — printing the time
//! of each phase to stderr (`--phases`), which is how the benchmark attributes time.
//!
//! `cargo run --release -p egov-synth --example pipeline -- DIR OUT.json [--phases]`

use std::process::ExitCode;

/// The allocator of `egov`, so that the phases measured here are those of the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

use egov_core::Lang;
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("pipeline: cách dùng: pipeline DIR OUT.json [--phases]");
        return ExitCode::from(2);
    };
    let phases = args.iter().any(|a| a == "--phases");
    let t0 = Instant::now();
    let mut last = t0;
    let mut mark = |what: &str| {
        if phases {
            let now = Instant::now();
            eprintln!("{what:>10}: {:>8.1} ms", (now - last).as_secs_f64() * 1e3);
            last = now;
        }
    };
    let dir = std::path::Path::new(dir);
    // As `egov` reads: bytes, then a vectorised UTF-8 check.
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let mut run = || -> Result<(), String> {
        let (e_b, u_b, v_b) = (
            read("edition.toml")?,
            read("units.csv")?,
            read("values.csv")?,
        );
        let text = |b| simdutf8::basic::from_utf8(b).map_err(|_| "not UTF-8".to_string());
        let (e_txt, u_txt, v_txt) = (text(&e_b)?, text(&u_b)?, text(&v_b)?);
        mark("read");
        let edition = Edition::from_toml(e_txt, "edition.toml").map_err(|e| e.to_string())?;
        mark("edition");
        let data = Dataset::from_csv(
            &edition,
            Source {
                name: "units.csv",
                text: u_txt,
            },
            Source {
                name: "values.csv",
                text: v_txt,
            },
            DatasetMeta::default(),
        )
        .map_err(|e| e.to_string())?;
        mark("dataset");
        let scores =
            egov_core::engine::score_keeping(&edition, &data, egov_core::engine::Keep::Printed);
        mark("score");
        let annex = egov_core::annex::build(&edition, &data, &scores, Lang::Vi);
        mark("annex");
        let json = annex.to_json_compact().map_err(|e| e.to_string())?;
        mark("json");
        std::fs::write(out, json).map_err(|e| format!("{out}: {e}"))?;
        mark("write");
        Ok(())
    };
    match run() {
        Ok(()) => {
            if phases {
                eprintln!(
                    "{:>10}: {:>8.1} ms",
                    "total",
                    t0.elapsed().as_secs_f64() * 1e3
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pipeline: {e}");
            ExitCode::from(2)
        }
    }
}
