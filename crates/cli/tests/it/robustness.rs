//! `egov robustness` and `egov export --robustness` through the binary (issue #13): the Hòa Bình 2019
//! district readiness ranking shown to hinge on ranking whole points, the three output formats, the
//! same bytes on one and two threads, the problem files for the NumPy peer, located refusals of a bad
//! spec, the chart in SVG and PNG, no half-written output, English, a quiet standard error off a
//! terminal, and the section of the HTML report, the DOCX and the PDF.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
const EDITION: &str = "data/editions/hoabinh-2019.toml";
const DATA: &str = "data/published/hoabinh-2019";

struct Ran {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Ran {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).unwrap()
    }
    fn ok(self) -> Ran {
        assert_eq!(self.code, 0, "{}", self.stderr);
        self
    }
}

/// The binary from the repository's root, in Vietnamese unless `--lang` says otherwise, with `env`.
fn run(args: &[&str], env: &[(&str, &str)]) -> Ran {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_egov"));
    cmd.args(args)
        .current_dir(ROOT)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("EGOV_TIMINGS")
        .env("LANG", "vi_VN.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `egov robustness` on the Hòa Bình 2019 edition and data, with `extra`.
fn robustness(extra: &[&str]) -> Ran {
    let mut args = vec!["robustness", "--edition", EDITION, "--data", DATA];
    args.extend_from_slice(extra);
    run(&args, &[])
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("egov-robustness-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json(ran: &Ran) -> serde_json::Value {
    serde_json::from_slice(&ran.stdout).expect("JSON")
}

/// Every ranked block of a JSON report: (table id, section).
fn sections(report: &serde_json::Value) -> Vec<(String, &serde_json::Value)> {
    report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            let id = t["id"].as_str().unwrap().to_string();
            t["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |s| (id.clone(), s))
        })
        .collect()
}

#[test]
fn district_readiness_hinges_on_ranking_whole_points() {
    // The default 10,000 runs, as a province would run it.
    let ran = robustness(&[]).ok();
    let text = ran.text();
    let block = text
        .split("\n\n")
        .find(|b| b.starts_with("Bảng huyen-san-sang"))
        .unwrap_or_else(|| panic!("no district readiness block:\n{text}"));
    let summary = block.lines().nth(1).unwrap();
    assert!(
        summary.contains("Thứ hạng của") && summary.contains("/11 đơn vị"),
        "{summary}"
    );
    assert!(
        summary.contains("yếu tố ảnh hưởng lớn nhất") && summary.contains("điểm nguyên"),
        "the dominant choice is ranking on whole points: {summary}"
    );
    // The same in JSON: the total-effect index of rank_on is the largest on the block's correlation.
    let report = json(&robustness(&["--format", "json"]).ok());
    let ids: Vec<&str> = report["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let (_, s) = sections(&report)
        .into_iter()
        .find(|(t, _)| t == "huyen-san-sang")
        .unwrap();
    assert_eq!(s["dominant"], "rank_on");
    let totals: Vec<f64> = s["sensitivity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["total"].as_f64().unwrap())
        .collect();
    let rank_on = ids.iter().position(|i| *i == "rank_on").unwrap();
    for (i, t) in totals.iter().enumerate() {
        if i != rank_on {
            assert!(totals[rank_on] > *t, "{ids:?} {totals:?}");
        }
    }
}

#[test]
fn json_intervals_hold_their_medians() {
    let report = json(&robustness(&["--format", "json", "--runs", "2000"]).ok());
    let ids: Vec<&str> = report["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"rank_on"), "{ids:?}");
    assert_eq!(report["seed"], 1);
    assert!(report["evaluations"].as_u64().unwrap() <= 2000);
    let mut units = 0;
    for (table, s) in sections(&report) {
        let list = s["units"].as_array().unwrap();
        assert!(!list.is_empty(), "{table}");
        for u in list {
            let g = |k: &str| u[k].as_u64().unwrap_or_else(|| panic!("{table} {k}: {u}"));
            let (p5, median, p95, nominal) = (g("p5"), g("median"), g("p95"), g("nominal"));
            assert!(p5 <= median && median <= p95, "{table}: {u}");
            assert!((1..=list.len() as u64).contains(&nominal), "{table}: {u}");
            assert_eq!(u["sensitivity"].as_array().unwrap().len(), ids.len());
            units += 1;
        }
    }
    // Six ranked tables of 18–20 departments and 11 districts.
    assert!(units > 60, "{units}");
}

#[test]
fn csv_has_a_row_per_unit_of_each_ranked_block() {
    let csv_out = robustness(&["--format", "csv", "--runs", "500"]).ok();
    let report = json(&robustness(&["--format", "json", "--runs", "500"]).ok());
    let text = csv_out.text();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for column in ["table", "code", "nominal", "median", "p5", "p95", "p_top_1"] {
        assert!(header.iter().any(|h| h == column), "{column}: {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let expected: Vec<(String, String)> = sections(&report)
        .iter()
        .flat_map(|(t, s)| {
            s["units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| (t.clone(), u["code"].as_str().unwrap().to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r[col("table")].to_string(), r[col("code")].to_string()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn one_and_two_threads_give_the_same_bytes_and_the_seed_matters() {
    let args = [
        "robustness",
        "--edition",
        EDITION,
        "--data",
        DATA,
        "--format",
        "json",
        "--runs",
        "3000",
    ];
    let one = run(&args, &[("RAYON_NUM_THREADS", "1")]).ok();
    let two = run(&args, &[("RAYON_NUM_THREADS", "2")]).ok();
    assert!(one.stdout == two.stdout, "1 and 2 threads differ");
    let mut seeded = args.to_vec();
    seeded.extend(["--seed", "2"]);
    let other = run(&seeded, &[("RAYON_NUM_THREADS", "2")]).ok();
    assert!(
        other.stdout != two.stdout,
        "--seed 2 gives the same numbers"
    );
    assert_eq!(json(&other)["seed"], 2);
}

/// The shape an `.npy` file declares, after checking its magic and that its length matches.
fn npy_shape(bytes: &[u8], item: usize) -> Vec<usize> {
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00", "magic and version 1.0");
    let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + len) % 64, 0, "the header is padded to 64 bytes");
    let header = std::str::from_utf8(&bytes[10..10 + len]).unwrap();
    assert!(header.ends_with('\n'), "{header:?}");
    let inner = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("{header}"));
    let shape: Vec<usize> = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(
        bytes.len() - 10 - len,
        shape.iter().product::<usize>() * item,
        "{header}"
    );
    shape
}

#[test]
fn the_problem_for_the_peer_is_six_files_of_the_declared_shapes() {
    let dir = scratch("problem");
    let out = dir.join("problem");
    // The groups dataset: points at the leaves the peer's weighted sums take.
    let ran = run(
        &[
            "robustness",
            "--edition",
            EDITION,
            "--data",
            "data/published/hoabinh-2019/groups",
            "--runs",
            "600",
            "--write-problem",
            out.to_str().unwrap(),
        ],
        &[],
    )
    .ok();
    assert!(ran.text().contains("Bảng huyen-san-sang"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "excluded.npy",
            "fullmax.npy",
            "points.npy",
            "problem.json",
            "setting.npy",
            "weights.npy"
        ]
    );
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("problem.json")).unwrap()).unwrap();
    let n = |k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k}")) as usize;
    let (scenarios, units, leaves, evaluations) =
        (n("scenarios"), n("units"), n("leaves"), n("evaluations"));
    assert!(scenarios >= 1 && units > 20 && leaves > 0 && evaluations <= 600);
    let shape = |name: &str, item: usize| npy_shape(&std::fs::read(out.join(name)).unwrap(), item);
    assert_eq!(shape("points.npy", 8), [scenarios, units, leaves]);
    assert_eq!(shape("excluded.npy", 1), [scenarios, units, leaves]);
    assert_eq!(shape("fullmax.npy", 8), [leaves]);
    assert_eq!(shape("weights.npy", 8), [evaluations, leaves]);
    assert_eq!(shape("setting.npy", 4), [evaluations, 4]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_spec_is_refused_at_its_place() {
    let dir = scratch("spec");
    let bad = dir.join("bad.toml");
    let src = "[robustness]\nruns = 100\n\n[[robustness.weights]]\nnodes = [\"A.1\", \"KHONGCO\"]\nspread = 0.1\n";
    std::fs::write(&bad, src).unwrap();
    let line = src.lines().position(|l| l.contains("KHONGCO")).unwrap() + 1;
    let column = src
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("\"KHONGCO")
        .unwrap()
        + 1;
    let ran = robustness(&["--spec", bad.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    let at = format!("{}:{line}:{column}:", bad.display());
    assert!(
        ran.stderr.contains(&at) && ran.stderr.contains("KHONGCO"),
        "{at} in {}",
        ran.stderr
    );
    assert!(ran.stdout.is_empty());

    // A file without the table would silently be the defaults: refused, saying so.
    let none = dir.join("none.toml");
    std::fs::write(&none, "runs = 100\n").unwrap();
    let ran = robustness(&["--spec", none.to_str().unwrap()]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("[robustness]"), "{}", ran.stderr);

    // The same spec with a real code runs, and the declared choice is what is reported.
    let good = dir.join("good.toml");
    std::fs::write(&good, src.replace(", \"KHONGCO\"", "")).unwrap();
    let report = json(&robustness(&["--spec", good.to_str().unwrap(), "--format", "json"]).ok());
    assert_eq!(report["declared"], true);
    let ids: Vec<&str> = report["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["weights"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_run_is_refused() {
    let ran = robustness(&["--runs", "1"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("--runs"), "{}", ran.stderr);
    assert!(ran.stdout.is_empty());
}

#[test]
fn the_chart_is_svg_or_png_by_its_extension() {
    let dir = scratch("chart");
    let svg = dir.join("khoang.svg");
    let png = dir.join("khoang.PNG");
    robustness(&["--runs", "300", "--chart", svg.to_str().unwrap()]).ok();
    robustness(&["--runs", "300", "--chart", png.to_str().unwrap()]).ok();
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(
        s.starts_with("<svg") && s.trim_end().ends_with("</svg>"),
        "{}",
        &s[..s.len().min(200)]
    );
    assert!(s.contains("UBND huyện Lạc Thủy"), "the districts are drawn");
    let p = std::fs::read(&png).unwrap();
    assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([p[16], p[17], p[18], p[19]]);
    let height = u32::from_be_bytes([p[20], p[21], p[22], p[23]]);
    assert!(width > 500 && height > 500, "{width}×{height}");
    // Another extension is refused before anything is computed or written.
    let jpg = dir.join("khoang.jpg");
    let ran = robustness(&["--chart", jpg.to_str().unwrap()]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains(".svg") && !jpg.exists(),
        "{}",
        ran.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_chart_that_cannot_be_written_leaves_the_report_unwritten() {
    let dir = scratch("half");
    let blocker = dir.join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let report = dir.join("report.json");
    let ran = robustness(&[
        "--runs",
        "300",
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        "--chart",
        blocker.join("chart.svg").to_str().unwrap(),
    ]);
    assert_ne!(ran.code, 0);
    assert!(!ran.stderr.is_empty());
    assert!(!report.exists(), "the report was written without its chart");
    // With a place for the chart, both are written.
    let chart = dir.join("chart.svg");
    robustness(&[
        "--runs",
        "300",
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ])
    .ok();
    assert!(report.exists() && chart.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn english_text_and_a_quiet_standard_error() {
    let en = robustness(&["--runs", "500", "--lang", "en"]).ok();
    let text = en.text();
    assert!(text.contains("The ranks of"), "{text}");
    assert!(text.contains("Table huyen-san-sang"), "{text}");
    assert!(!text.contains("Thứ hạng của"), "{text}");
    // Off a terminal (captured here) there is no progress bar, nor anything else, on standard error.
    assert_eq!(en.stderr, "");
    let vi = robustness(&["--runs", "500"]).ok();
    assert_eq!(vi.stderr, "");
    assert!(vi.text().contains("Thứ hạng của"));
}

#[test]
fn the_exported_html_report_ends_with_the_robustness_section() {
    let dir = scratch("export");
    let export = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "export",
            "--edition",
            EDITION,
            "--data",
            DATA,
            "--format",
            "html,svg",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args, &[]).ok();
        std::fs::read_to_string(out.join("hoabinh-2019.html")).unwrap()
    };
    let with = export(
        &dir.join("with"),
        &["--robustness", "--robustness-runs", "400"],
    );
    let without = export(&dir.join("without"), &[]);
    assert!(with.contains("class=\"robustness\""), "no section");
    assert!(!without.contains("class=\"robustness\""));
    assert!(with.contains("Độ vững của xếp hạng"));
    let at = with.find("class=\"robustness\"").unwrap();
    assert!(with[at..].contains("UBND huyện Lạc Thủy"));
    assert!(dir.join("with/hoabinh-2019-robustness.svg").exists());
    assert!(!dir.join("without/hoabinh-2019-robustness.svg").exists());
    // Without a format that carries it, the analysis would be computed for nothing: refused.
    let ran = run(
        &[
            "export",
            "--edition",
            EDITION,
            "--data",
            DATA,
            "--format",
            "csv",
            "--robustness",
            "--out",
            dir.join("csv").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("--robustness"), "{}", ran.stderr);
    assert!(!dir.join("csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pages of a PDF egov wrote (its page objects).
fn pdf_pages(pdf: &[u8]) -> usize {
    let (page, pages) = (b"/Type /Page".as_slice(), b"/Type /Pages".as_slice());
    let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
    count(page) - count(pages)
}

#[test]
fn the_exported_docx_and_pdf_end_with_the_robustness_section() {
    use std::io::Read;
    let dir = scratch("export-docx");
    let export = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "export",
            "--edition",
            EDITION,
            "--data",
            DATA,
            "--format",
            "docx",
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args, &[]).ok();
        let docx = std::fs::read(out.join("hoabinh-2019.docx")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        (xml, std::fs::read(out.join("hoabinh-2019.pdf")).unwrap())
    };
    let (with, with_pdf) = export(
        &dir.join("with"),
        &["--robustness", "--robustness-runs", "300"],
    );
    let (without, without_pdf) = export(&dir.join("without"), &[]);
    let at = with.find("ĐỘ VỮNG CỦA XẾP HẠNG").expect("the section");
    assert!(!without.contains("ĐỘ VỮNG"));
    // After the annex's tables: the district named in the annex is named again in the section, with
    // the sensitivity table's header.
    assert!(at > with.find("UBND huyện Lạc Thủy").unwrap());
    assert!(with[at..].contains("UBND huyện Lạc Thủy"));
    assert!(with[at..].contains("Chỉ số tổng [95 %]"));
    assert!(with[at..].contains("300 lượt tính"));
    assert!(pdf_pages(&with_pdf) > pdf_pages(&without_pdf));
    let _ = std::fs::remove_dir_all(&dir);
}
