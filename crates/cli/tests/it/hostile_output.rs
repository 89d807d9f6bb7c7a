//! What `egov` writes, against hostile names and failing disks: every CSV it writes is spreadsheet-safe
//! and reads back to the original names; a command that writes several files writes all of them or
//! none; temporaries of killed runs are swept by the next run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::hostile::{Run, assert_refused, egov_limited, scratch};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
const GUARD: Duration = Duration::from_secs(300);

/// Unit names a spreadsheet would run as formulas, with the codes given to them. (A tab or carriage
/// return at the start of a name is refused by the dataset reader; the CSV writers' unit tests cover
/// them.)
const HOSTILE: [(&str, &str); 4] = [
    ("=C1", "=HYPERLINK(\"http://x\",\"y\")"),
    ("+2", "+1"),
    ("-3", "-cmd"),
    ("@4", "@SUM(A1)"),
];

fn egov(dir: &Path, args: &[&str]) -> Run {
    egov_limited(dir, args, GUARD)
}

#[track_caller]
fn ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

fn data(rel: &str) -> String {
    format!("{ROOT}data/{rel}")
}

/// The published Hòa Bình dataset with its first four units renamed and recoded to [`HOSTILE`].
fn hostile_dataset(dir: &Path) -> PathBuf {
    let ds = dir.join("ds");
    std::fs::create_dir_all(&ds).unwrap();
    let units = std::fs::read_to_string(data("published/hoabinh-2019/units.csv")).unwrap();
    let values = std::fs::read_to_string(data("published/hoabinh-2019/values.csv")).unwrap();
    let mut renamed = Vec::new();
    let mut out = String::new();
    for (i, line) in units.lines().enumerate() {
        if (1..=HOSTILE.len()).contains(&i) {
            let (code, name) = HOSTILE[i - 1];
            let old = line.split(',').next().unwrap().to_string();
            let rest = line.splitn(3, ',').nth(2).unwrap();
            out.push_str(&format!(
                "{code},\"{}\",{rest}\n",
                name.replace('"', "\"\"")
            ));
            renamed.push((old, code));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(ds.join("units.csv"), out).unwrap();
    let mut out = String::new();
    for line in values.lines() {
        let (unit, rest) = line.split_once(',').unwrap();
        let unit = renamed
            .iter()
            .find(|(old, _)| old == unit)
            .map_or(unit, |(_, new)| new);
        out.push_str(&format!("{unit},{rest}\n"));
    }
    std::fs::write(ds.join("values.csv"), out).unwrap();
    ds
}

/// The records of a CSV text (quotes, doubled quotes, separators and line breaks inside quotes).
fn records(csv: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new()]];
    let mut quoted = false;
    let mut chars = csv.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        let row = rows.last_mut().unwrap();
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                row.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(String::new()),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' if !quoted => rows.push(vec![String::new()]),
            c => row.last_mut().unwrap().push(c),
        }
    }
    rows.retain(|r| r.len() > 1 || !r[0].is_empty());
    rows
}

fn dangerous(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Checks that no field of `csv` would run as a formula, except fields of the `numeric` columns that
/// are numbers (a negative number stays a number), and returns the records.
#[track_caller]
fn assert_safe(what: &str, csv: &str, numeric: &[usize]) -> Vec<Vec<String>> {
    let rows = records(csv);
    assert!(rows.len() > 1, "{what}: {csv}");
    for row in &rows {
        for (i, f) in row.iter().enumerate() {
            if numeric.contains(&i) && f.parse::<f64>().is_ok() {
                continue;
            }
            assert!(!dangerous(f), "{what}: field {i} of {row:?}");
        }
    }
    rows
}

/// The names of the hostile units, as a column of records holds them after `text_back`.
#[track_caller]
fn assert_names_back(what: &str, rows: &[Vec<String>], column: usize) {
    let back: Vec<&str> = rows
        .iter()
        .map(|r| egov_import::text_back(&r[column]))
        .collect();
    for (_, name) in HOSTILE {
        assert!(
            back.contains(&name),
            "{what}: {name} not read back: {back:?}"
        );
    }
}

#[test]
fn every_csv_egov_writes_is_spreadsheet_safe_and_reads_back() {
    let dir = scratch("output-csv");
    let ds = hostile_dataset(&dir);
    let ds = ds.to_str().unwrap();
    let common = ["--edition", "hoabinh-2019", "--data", ds];

    // egov annex --format csv, and the same file through egov export (with its data dictionary).
    let run = egov(
        &dir,
        &[&["annex"][..], &common, &["--format", "csv"]].concat(),
    );
    ok(&run);
    let annex_csv = run.stdout.clone();
    let rows = assert_safe("annex csv", &run.stdout, &[7, 8]);
    assert_names_back("annex csv", &rows, 4);
    let run = egov(
        &dir,
        &[
            &["export"][..],
            &common,
            &["--format", "csv", "--out", "exp"],
        ]
        .concat(),
    );
    ok(&run);
    let exported = std::fs::read_to_string(dir.join("exp/hoabinh-2019.csv")).unwrap();
    assert_eq!(exported, annex_csv, "export and annex write the same CSV");
    let dictionary =
        std::fs::read_to_string(dir.join("exp/hoabinh-2019-data-dictionary.json")).unwrap();
    assert!(dictionary.contains("spreadsheet_safety"), "{dictionary}");

    // egov reads its own CSV back to the original names and codes.
    let run = egov(
        &dir,
        &["import", "exp/hoabinh-2019.csv", "--format", "json"],
    );
    ok(&run);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let units: Vec<&str> = v["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unit"].as_str().unwrap())
        .collect();
    for (_, name) in HOSTILE {
        assert!(units.contains(&name), "{name} imported back: {units:?}");
    }

    // egov import --format csv: the long CSV of an import.
    let run = egov(&dir, &["import", "exp/hoabinh-2019.csv", "--format", "csv"]);
    ok(&run);
    let rows = assert_safe("import csv", &run.stdout, &[6, 7]);
    assert_names_back("import csv", &rows, 4);

    // egov score --format csv: unit codes.
    let run = egov(
        &dir,
        &[&["score"][..], &common, &["--format", "csv"]].concat(),
    );
    ok(&run);
    let rows = assert_safe("score csv", &run.stdout, &[2, 3]);
    let codes: Vec<&str> = rows.iter().map(|r| egov_import::text_back(&r[0])).collect();
    for (code, _) in HOSTILE {
        assert!(codes.contains(&code), "{code}: {codes:?}");
    }

    // egov rank --format csv: codes and names.
    let run = egov(
        &dir,
        &[&["rank"][..], &common, &["--format", "csv"]].concat(),
    );
    ok(&run);
    let rows = assert_safe("rank csv", &run.stdout, &[1, 4]);
    assert_names_back("rank csv", &rows, 3);

    // The dataset CSVs of egov import-values (units.csv, values.csv): safe to open, and read back by
    // egov with the original names and codes.
    // The form is pre-filled with one leaf value per unit (a form without any value is refused, and
    // the dataset's points at aggregates have no cell in the form).
    let units_text = std::fs::read_to_string(format!("{ds}/units.csv")).unwrap();
    let mut leaf_values = String::from("unit,A.1\n");
    for line in units_text.lines().skip(1).filter(|l| !l.is_empty()) {
        let code = line.split(',').next().unwrap();
        leaf_values.push_str(&format!("{code},1\n"));
    }
    std::fs::create_dir_all(dir.join("leaf")).unwrap();
    std::fs::write(dir.join("leaf/units.csv"), &units_text).unwrap();
    std::fs::write(dir.join("leaf/values.csv"), leaf_values).unwrap();
    let run = egov(
        &dir,
        &[
            "template",
            "--edition",
            "hoabinh-2019",
            "--units",
            "leaf",
            "--out",
            "form.xlsx",
        ],
    );
    ok(&run);
    let run = egov(
        &dir,
        &[
            "import-values",
            "form.xlsx",
            "--edition",
            "hoabinh-2019",
            "--out",
            "back",
        ],
    );
    ok(&run);
    let units = std::fs::read_to_string(dir.join("back/units.csv")).unwrap();
    let rows = assert_safe("import-values units.csv", &units, &[]);
    assert_names_back("import-values units.csv", &rows, 1);
    let values = std::fs::read_to_string(dir.join("back/values.csv")).unwrap();
    assert_safe("import-values values.csv", &values, &[2]);
    let run = egov(
        &dir,
        &[
            "annex",
            "--edition",
            "hoabinh-2019",
            "--data",
            "back",
            "--format",
            "csv",
        ],
    );
    ok(&run);
    // Names and codes come back as they were (the numbers are the form's to keep, not this test's:
    // the published dataset gives some category totals directly, which an entry form does not hold).
    let rows = assert_safe("annex of the dataset read back", &run.stdout, &[7, 8]);
    assert_names_back("annex of the dataset read back", &rows, 4);
    let codes: Vec<&str> = rows.iter().map(|r| egov_import::text_back(&r[5])).collect();
    for (code, _) in HOSTILE {
        assert!(codes.contains(&code), "{code} read back: {codes:?}");
    }
}

/// egov's temporaries in `dir` (new and old naming).
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("egov-tmp-") || n.contains(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn export_writes_no_file_when_one_cannot_be_written() {
    let dir = scratch("output-export-blocked");
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("hoabinh-2019.xlsx")).unwrap();
    std::fs::write(out.join("hoabinh-2019.json"), "old").unwrap();
    let run = egov(
        &dir,
        &[
            "export",
            "--edition",
            "hoabinh-2019",
            "--data",
            &data("published/hoabinh-2019"),
            "--format",
            "docx,xlsx,csv,json",
            "--out",
            "out",
        ],
    );
    assert_refused(&run, &["hoabinh-2019.xlsx"]);
    for f in [
        "hoabinh-2019.docx",
        "hoabinh-2019.csv",
        "hoabinh-2019-data-dictionary.json",
    ] {
        assert!(!out.join(f).exists(), "{f} written by a failed run");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("hoabinh-2019.json")).unwrap(),
        "old",
        "the earlier file is left as it was"
    );
    assert!(out.join("hoabinh-2019.xlsx").is_dir());
    assert_eq!(temporaries(&out), Vec::<String>::new());
    assert_eq!(temporaries(&dir), Vec::<String>::new());

    // The same export into a fresh folder writes every file.
    let run = egov(
        &dir,
        &[
            "export",
            "--edition",
            "hoabinh-2019",
            "--data",
            &data("published/hoabinh-2019"),
            "--format",
            "docx,xlsx,csv,json",
            "--out",
            "fresh/out",
        ],
    );
    ok(&run);
    assert_eq!(std::fs::read_dir(dir.join("fresh/out")).unwrap().count(), 5);
    assert_eq!(temporaries(&dir.join("fresh")), Vec::<String>::new());
}

#[test]
fn import_values_failing_late_writes_no_dataset_file() {
    let dir = scratch("output-import-values");
    let run = egov(
        &dir,
        &[
            "template",
            "--edition",
            "commune-2392",
            "--units",
            &data("examples/commune-2392"),
            "--out",
            "form.xlsx",
        ],
    );
    ok(&run);
    // values.csv cannot be written: a folder has its name. units.csv comes first and must not be
    // written either.
    std::fs::create_dir_all(dir.join("back/values.csv")).unwrap();
    let run = egov(
        &dir,
        &[
            "import-values",
            "form.xlsx",
            "--edition",
            "commune-2392",
            "--out",
            "back",
        ],
    );
    assert_refused(&run, &["values.csv"]);
    for f in ["units.csv", "dataset.toml"] {
        assert!(
            !dir.join("back").join(f).exists(),
            "{f} written by a failed run"
        );
    }
    assert_eq!(temporaries(&dir.join("back")), Vec::<String>::new());

    // Into a fresh folder it writes all three.
    let run = egov(
        &dir,
        &[
            "import-values",
            "form.xlsx",
            "--edition",
            "commune-2392",
            "--out",
            "ok",
        ],
    );
    ok(&run);
    for f in ["units.csv", "values.csv", "dataset.toml"] {
        assert!(dir.join("ok").join(f).is_file(), "{f}");
    }
}

#[test]
fn synth_writes_all_its_files_or_none() {
    let dir = scratch("output-synth");
    std::fs::create_dir_all(dir.join("out/dataset.toml")).unwrap();
    let args = [
        "synth",
        "--units",
        "30",
        "--indicators",
        "10",
        "--out",
        "out",
    ];
    let run = egov(&dir, &args);
    assert_refused(&run, &["dataset.toml"]);
    for f in ["edition.toml", "units.csv", "values.csv"] {
        assert!(
            !dir.join("out").join(f).exists(),
            "{f} written by a failed run"
        );
    }
    std::fs::remove_dir(dir.join("out/dataset.toml")).unwrap();
    ok(&egov(&dir, &args));
    assert_eq!(std::fs::read_dir(dir.join("out")).unwrap().count(), 4);
}

#[test]
fn temporaries_of_dead_runs_are_swept_and_live_ones_kept() {
    let dir = scratch("output-sweep");
    let out = dir.join("out");
    std::fs::create_dir_all(out.join(".egov-tmp-99999999-ab")).unwrap();
    std::fs::write(out.join(".egov-tmp-99999999-ab/hoabinh-2019.docx"), "half").unwrap();
    std::fs::write(out.join(".x.tmp-99999999"), "half").unwrap();
    std::fs::write(out.join(".y.egov-tmp-99999999-1"), "half").unwrap();
    // A temporary of a process that is alive (this test) is another run's work in progress.
    let live = format!(".z.egov-tmp-{}-1", std::process::id());
    std::fs::write(out.join(&live), "busy").unwrap();
    // Not egov's.
    std::fs::write(out.join(".keep.tmp-notanumber"), "mine").unwrap();
    let run = egov(
        &dir,
        &[
            "annex",
            "--edition",
            "hoabinh-2019",
            "--data",
            &data("published/hoabinh-2019"),
            "--format",
            "csv",
            "--out",
            "out/a.csv",
        ],
    );
    ok(&run);
    let mut left = temporaries(&out);
    left.sort();
    assert_eq!(left, vec![".keep.tmp-notanumber".to_string(), live]);
    assert!(out.join("a.csv").is_file());
}

#[test]
fn a_killed_export_leaves_no_partial_output_and_the_next_run_sweeps() {
    let dir = scratch("output-kill");
    let run = egov(
        &dir,
        &[
            "synth",
            "--units",
            "4000",
            "--indicators",
            "60",
            "--out",
            "big",
        ],
    );
    ok(&run);
    let files = ["synth.docx", "synth.xlsx", "synth.csv", "synth.json"];
    let export = |out: &str| {
        Command::new(env!("CARGO_BIN_EXE_egov"))
            .args(["export", "--edition", "big/edition.toml", "--data", "big"])
            .args(["--format", "docx,xlsx,csv,json", "--out", out])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Killed at different moments: while rendering, and as soon as its temporary folder appears
    // (while writing). The output folder is either absent or complete, never a part of it.
    let kills: [Option<u64>; 5] = [Some(300), None, None, None, Some(2000)];
    for (k, at) in kills.into_iter().enumerate() {
        let out = format!("out{k}");
        let mut child = export(&out);
        match at {
            Some(ms) => std::thread::sleep(Duration::from_millis(ms)),
            None => {
                let start = std::time::Instant::now();
                let prefix = format!(".{out}.egov-tmp-");
                while start.elapsed() < Duration::from_secs(120)
                    && child.try_wait().unwrap().is_none()
                    && !temporaries(&dir).iter().any(|n| n.starts_with(&prefix))
                {
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let out = dir.join(out);
        if out.exists() {
            let names: Vec<String> = std::fs::read_dir(&out)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(names.len(), 5, "killed run {k}: {names:?}");
            for f in files {
                assert!(names.iter().any(|n| n.ends_with(&f[5..])), "{f}: {names:?}");
            }
        }
    }
    // Whatever a killed run left beside its target is gone after the next run there.
    let child = export("out0");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(temporaries(&dir), Vec::<String>::new());
}
