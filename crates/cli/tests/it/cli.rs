//! The `egov` binary end to end: exit codes, located errors, and the README's main command.

use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");

/// The Hòa Bình 2019 annex as JSON, to standard output (add `--compact`, `--out`).
pub const HOABINH_JSON: [&str; 7] = [
    "annex",
    "--edition",
    "hoabinh-2019",
    "--data",
    "data/published/hoabinh-2019",
    "--format",
    "json",
];

pub fn egov(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn annex_json_follows_the_contract() {
    let (code, out, err) = egov(&HOABINH_JSON);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["edition"], "hoabinh-2019");
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 6);
    let first = &tables[0];
    for k in ["id", "title", "columns", "rows"] {
        assert!(first.get(k).is_some(), "table has {k}");
    }
    let row = &first["rows"][0];
    for k in ["tt", "unit", "values", "total", "rank", "block"] {
        assert!(row.get(k).is_some(), "row has {k}");
    }
    assert_eq!(row["unit"], "Sở Kế hoạch - Đầu tư");
    // Exact decimals as JSON numbers, with the printed scale.
    assert!(
        out.contains("\"total\": 74.4"),
        "total printed as an exact number"
    );
    assert_eq!(row["rank"], 1);
    // Unranked units have rank null; "Không đánh giá" is "not_evaluated".
    let results = &tables[2];
    let vp = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "Văn phòng UBND tỉnh")
        .unwrap();
    assert!(vp["rank"].is_null());
    assert_eq!(vp["values"]["Đánh giá mức độ giao dịch"], "not_evaluated");
}

#[test]
fn annex_text_has_the_seed_layout() {
    let (code, out, err) = egov(&[
        "annex",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("(1)") && out.contains("(6)"),
        "column-number row"
    );
    assert!(out.contains(
        "Chỉ số và xếp hạng đối với các cơ quan, đơn vị không có hạng mục cung cấp dịch vụ công"
    ));
    assert!(out.contains("74,4"), "decimal comma");
    assert!(out.contains("Không đánh giá"));
    let (code, en, _) = egov(&[
        "annex",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--lang",
        "en",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0);
    assert!(
        en.contains("Readiness") || en.contains("readiness"),
        "English labels"
    );
}

#[test]
fn explain_shows_how_points_came_about() {
    let (code, out, err) = egov(&[
        "score",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--explain",
        "SYT",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Sở Y tế (SYT)"));
    assert!(
        out.contains("B Kết quả Chính quyền điện tử đạt được: 47,2"),
        "{out}"
    );
    assert!(
        out.contains("tổng các tiêu chí con là 47,3"),
        "the seed's own inconsistency is explained: {out}"
    );
    let (code, _, err) = egov(&[
        "score",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--explain",
        "KHONGCO",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("KHONGCO"));
}

#[test]
fn rank_uses_the_edition_convention() {
    let (code, out, err) = egov(&[
        "rank",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("so-I,5,SNGV,\"Sở Ngoại vụ\",67.5"));
    assert!(out.contains("so-I,5,STTTT,\"Sở Thông tin và Truyền thông\",67.5"));
    assert!(
        out.contains("so-I,6,SVHTTDL"),
        "dense: the next rank after a tie is not skipped"
    );
    assert!(out.contains("so-II,,TTT,"), "block II is not ranked");
}

#[test]
fn bad_data_is_located_and_nothing_is_written() {
    let dir = std::env::temp_dir().join(format!("egov-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        format!("{ROOT}data/published/hoabinh-2019/units.csv"),
        dir.join("units.csv"),
    )
    .unwrap();
    let values =
        std::fs::read_to_string(format!("{ROOT}data/published/hoabinh-2019/values.csv")).unwrap();
    std::fs::write(
        dir.join("values.csv"),
        values.replace("\"26,3\"", "\"26,3x\""),
    )
    .unwrap();
    let out_file = dir.join("annex.json");
    let (code, _, err) = egov(&[
        "annex",
        "--edition",
        "hoabinh-2019",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("values.csv:3:17:"), "file:line:column: {err}");
    assert!(err.contains("26,3x"), "{err}");
    assert!(!out_file.exists(), "nothing partial is written");
    std::fs::remove_dir_all(&dir).ok();
}

/// A copy of the published Hòa Bình dataset with its files changed by `edit`, in a fresh folder.
fn edited_dataset(tag: &str, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["units.csv", "values.csv"] {
        let bytes = std::fs::read(format!("{ROOT}data/published/hoabinh-2019/{name}")).unwrap();
        std::fs::write(dir.join(name), edit(name, bytes)).unwrap();
    }
    dir
}

/// `egov validate` of hoabinh-2019 on `dir`.
fn validate(dir: &std::path::Path) -> (i32, String) {
    let (code, _, err) = egov(&[
        "validate",
        "--edition",
        "hoabinh-2019",
        "--data",
        dir.to_str().unwrap(),
    ]);
    (code, err)
}

#[test]
fn windows_line_ends_keep_lines_and_columns_right() {
    // Excel on Windows saves CSV with \r\n; the csv crate would place each record on the line before.
    let dir = edited_dataset("crlf", |name, bytes| {
        let text = String::from_utf8(bytes).unwrap();
        let text = match name {
            "units.csv" => text.replace(
                "SGDDT,Sở Giáo dục và Đào tạo,so-dvc",
                "SGDDT,Sở Giáo dục và Đào tạo,so-x",
            ),
            _ => text.replace("\"26,3\"", "\"26,3x\""),
        };
        text.replace('\n', "\r\n").into_bytes()
    });
    let (code, err) = validate(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("units.csv:4:30: loại đơn vị 'so-x'"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
    // The values file alone, with \r\n: the bad cell is where it was with \n.
    let dir = edited_dataset("crlf-values", |name, bytes| {
        let text = String::from_utf8(bytes).unwrap();
        match name {
            "units.csv" => text,
            _ => text.replace("\"26,3\"", "\"26,3x\"").replace('\n', "\r\n"),
        }
        .into_bytes()
    });
    let (code, err) = validate(&dir);
    assert_eq!(code, 2);
    assert!(err.contains("values.csv:3:17:"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    // "Sở" in Windows-1258 is not UTF-8: the message names the line and column of the first bad byte.
    let dir = edited_dataset("latin", |name, bytes| match name {
        "units.csv" => {
            let text = String::from_utf8(bytes).unwrap();
            let at = text.find("Sở Y tế").unwrap();
            let mut b = text.into_bytes();
            b.splice(at..at + "Sở".len(), [b'S', 0xF5]);
            b
        }
        _ => bytes,
    });
    let (code, err) = validate(&dir);
    assert_eq!(code, 2);
    assert!(
        err.contains("units.csv:3:6: tệp không phải văn bản UTF-8"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn compact_json_is_the_same_annex_on_one_line() {
    let args = HOABINH_JSON;
    let (code, pretty, err) = egov(&args);
    assert_eq!(code, 0, "{err}");
    let (code, compact, err) = egov(&[&args[..], &["--compact"]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(compact.lines().count(), 1);
    assert!(compact.len() < pretty.len());
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&pretty).unwrap(),
        serde_json::from_str(&compact).unwrap(),
    );
    assert_eq!(a, b);
    assert!(
        compact.contains("\"total\":74.4"),
        "exact numbers stay exact"
    );
    let (code, _, err) = egov(&[&args[..5], &["--format", "text", "--compact"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("--compact"), "{err}");
}

/// `--out` through a symbolic link replaces (or makes) the file the link leads to and keeps the link;
/// into a named pipe (as into `/dev/stdout` or another device) it writes into the pipe instead of putting a file in
/// its place.
#[cfg(unix)]
#[test]
fn out_keeps_a_link_and_writes_into_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = std::env::temp_dir().join(format!("egov-out-special-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let args = [&HOABINH_JSON[..], &["--compact"]].concat();
    let (code, stdout, err) = egov(&args);
    assert_eq!(code, 0, "{err}");

    let (real, link) = (dir.join("real.json"), dir.join("link.json"));
    std::fs::write(&real, "earlier").unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let (code, _, err) = egov(&[&args[..], &["--out", link.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    let kind = std::fs::symlink_metadata(&link).unwrap().file_type();
    assert!(kind.is_symlink(), "the link was replaced: {kind:?}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), stdout);
    // A link to a file not made yet (through a folder that is): the file is made, the link kept.
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let ahead = dir.join("ahead.json");
    std::os::unix::fs::symlink("sub/new.json", &ahead).unwrap();
    let (code, _, err) = egov(&[&args[..], &["--out", ahead.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    let kind = std::fs::symlink_metadata(&ahead).unwrap().file_type();
    assert!(kind.is_symlink(), "the link was replaced: {kind:?}");
    let made = std::fs::read_to_string(dir.join("sub/new.json")).unwrap();
    assert_eq!(made, stdout);

    let pipe = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).unwrap())
    };
    let (code, _, err) = egov(&[&args[..], &["--out", pipe.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    // Checked before the reader is waited for: had the pipe been replaced, it would wait forever.
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");
    assert_eq!(reader.join().unwrap(), stdout);
    std::fs::remove_dir_all(&dir).ok();
}

/// With `--out`, the compact JSON is written into the file table by table instead of being made whole
/// first: the file holds exactly the bytes standard output gets, and a folder in the way leaves nothing.
#[test]
fn compact_json_streamed_to_a_file_is_the_bytes_of_standard_output() {
    let dir = std::env::temp_dir().join(format!("egov-compact-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (edition, data) in [
        ("hoabinh-2019", "data/published/hoabinh-2019"),
        ("commune-2392", "data/examples/commune-2392"),
        ("dti-2022-province", "data/examples/dti-2022"),
    ] {
        let args = [
            "annex",
            "--edition",
            edition,
            "--data",
            data,
            "--format",
            "json",
            "--compact",
        ];
        let (code, stdout, err) = egov(&args);
        assert_eq!(code, 0, "{err}");
        let file = dir.join(format!("{edition}.json"));
        let (code, _, err) = egov(&[&args[..], &["--out", file.to_str().unwrap()]].concat());
        assert_eq!(code, 0, "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout, "{edition}");
    }
    // A folder where the file should go: refused, and no temporary file is left beside it.
    let blocked = dir.join("blocked.json");
    std::fs::create_dir_all(&blocked).unwrap();
    let (code, _, err) = egov(
        &[
            &HOABINH_JSON[..],
            &["--compact", "--out", blocked.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_ne!(code, 0);
    assert!(err.contains("blocked.json"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_reports_every_edition_problem() {
    let dir = std::env::temp_dir().join(format!("egov-cli-ed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ed = std::fs::read_to_string(format!("{ROOT}data/editions/hoabinh-2019.toml")).unwrap();
    let bad = ed
        .replace("code = \"A.2\"", "code = \"A.1\"")
        .replace("max = 65", "max = 60");
    let path = dir.join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let (code, _, err) = egov(&["validate", "--edition", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("mã tiêu chí bị trùng"), "{err}");
    assert!(err.contains("vượt điểm tối đa 60"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn export_writes_every_format_or_nothing() {
    let dir = std::env::temp_dir().join(format!("egov-cli-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out, err) = egov(&[
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "docx,xlsx,csv,json,html,svg",
        "--unit",
        "SYT",
        "--decision-number",
        "2870/QĐ-UBND",
        "--decision-date",
        "18/12/2019",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "hoabinh-2019.docx",
        "hoabinh-2019.xlsx",
        "hoabinh-2019.csv",
        "hoabinh-2019.json",
        "hoabinh-2019.html",
        "hoabinh-2019-data-dictionary.json",
    ] {
        assert!(dir.join(f).exists(), "{f} written: {out}");
    }
    let svgs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert!(
        svgs >= 12,
        "ranking and stacked charts per table, profile of the unit: {svgs}"
    );
    let html = std::fs::read_to_string(dir.join("hoabinh-2019.html")).unwrap();
    assert!(
        html.contains("<svg") && html.contains("2870/QĐ-UBND"),
        "the report embeds its charts and names the decision"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("hoabinh-2019.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["tables"][0]["rows"][0]["total"],
        serde_json::json!(74.4)
    );

    let empty = dir.join("bad");
    let (code, _, err) = egov(&[
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "docx",
        "--decision-number",
        "1/QĐ",
        "--decision-date",
        "2019-12-18",
        "--out",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("dd/mm/yyyy"), "{err}");
    assert!(!empty.exists(), "nothing written");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn entry_template_round_trips_through_the_cli() {
    let dir = std::env::temp_dir().join(format!("egov-cli-template-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // An indicator-level edition: the form holds every input a unit officer fills in. (A form holds no
    // aggregate points; Hòa Bình's published category totals are not something a unit enters.)
    let form = dir.join("xa.xlsx");
    let (code, _, err) = egov(&[
        "template",
        "--edition",
        "commune-2392",
        "--units",
        "data/examples/commune-2392",
        "--out",
        form.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let back = dir.join("back");
    let (code, out, err) = egov(&[
        "import-values",
        form.to_str().unwrap(),
        "--edition",
        "commune-2392",
        "--out",
        back.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" đơn vị → "), "{out}");
    let annex = |data: &str| {
        egov(&[
            "annex",
            "--edition",
            "commune-2392",
            "--data",
            data,
            "--format",
            "json",
        ])
        .1
    };
    let ours: serde_json::Value = serde_json::from_str(&annex(back.to_str().unwrap())).unwrap();
    let example: serde_json::Value =
        serde_json::from_str(&annex("data/examples/commune-2392")).unwrap();
    assert!(
        ours["tables"] == example["tables"],
        "the annex from the filled form equals the example's"
    );
    // A blank form for Hòa Bình's units is written too.
    let (code, _, err) = egov(&[
        "template",
        "--edition",
        "hoabinh-2019",
        "--units",
        "data/published/hoabinh-2019/units.csv",
        "--out",
        dir.join("hb.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");

    // A workbook that is not an entry form is refused, and nothing is written.
    let (code, _, _) = egov(&[
        "export",
        "--edition",
        "hoabinh-2019",
        "--data",
        "data/published/hoabinh-2019",
        "--format",
        "xlsx",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let refused = dir.join("refused");
    let (code, _, err) = egov(&[
        "import-values",
        dir.join("hoabinh-2019.xlsx").to_str().unwrap(),
        "--edition",
        "hoabinh-2019",
        "--out",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!refused.exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_form_prefilled_from_published_totals_is_refused() {
    // Hòa Bình's dataset gives category totals the form has no row for: refused, not silently dropped.
    let dir = std::env::temp_dir().join(format!("egov-cli-prefill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let form = dir.join("hb.xlsx");
    let (code, _, err) = egov(&[
        "template",
        "--edition",
        "hoabinh-2019",
        "--units",
        "data/published/hoabinh-2019",
        "--out",
        form.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("mẫu không có ô"), "{err}");
    assert!(!form.exists());
}

/// `synth`, `template` and `import-values` show a bar only on a terminal: through a pipe standard
/// error stays empty; with EGOV_TIMINGS each phase is timed (generating, writing and the rest) and
/// nothing else is written there.
#[test]
fn template_and_synth_are_quiet_off_a_terminal_and_time_every_phase() {
    let dir = std::env::temp_dir().join(format!("egov-cli-progress-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (data, form, back) = (dir.join("synth"), dir.join("form.xlsx"), dir.join("back"));
    let edition = data.join("edition.toml");
    let (data, form, back, edition) = (
        data.to_str().unwrap(),
        form.to_str().unwrap(),
        back.to_str().unwrap(),
        edition.to_str().unwrap(),
    );
    let run = |args: &[&str], timings: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_egov"));
        cmd.current_dir(ROOT).args(args).env_remove("EGOV_TIMINGS");
        if timings {
            cmd.env("EGOV_TIMINGS", "1");
        }
        let o = cmd.output().unwrap();
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(o.status.success(), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}'), "no bar off a terminal: {err:?}");
        err
    };
    let synth = [
        "synth",
        "--units",
        "60",
        "--indicators",
        "20",
        "--out",
        data,
    ];
    let template = [
        "template",
        "--edition",
        edition,
        "--units",
        data,
        "--out",
        form,
    ];
    let import = ["import-values", form, "--edition", edition, "--out", back];
    for (args, phases) in [
        (&synth[..], &["generate", "write"][..]),
        (
            &template[..],
            &["edition", "dataset", "generate", "write"][..],
        ),
        (&import[..], &["edition", "read", "check", "write"][..]),
    ] {
        assert_eq!(run(args, false), "", "{args:?}: nothing on a pipe");
        let timed = run(args, true);
        for phase in phases {
            assert!(
                timed
                    .lines()
                    .any(|l| l.starts_with("egov:") && l.contains(&format!(" {phase}:"))),
                "{args:?}: {phase} in {timed}"
            );
        }
        assert!(
            timed.lines().all(|l| l.starts_with("egov:")),
            "{args:?}: only timings in {timed}"
        );
    }
    // The form made from units.csv alone times reading the units.
    let units = format!("{data}/units.csv");
    let timed = run(
        &[
            "template",
            "--edition",
            edition,
            "--units",
            &units,
            "--out",
            form,
        ],
        true,
    );
    assert!(timed.contains(" units:"), "{timed}");
    std::fs::remove_dir_all(&dir).ok();
}
