//! The user guide (`docs/`, an mdBook) run as a test, so that it cannot drift from the program.
//!
//! Each language part of the book (`docs/src/vi/…`, `docs/src/en/…`) is one scenario: its chapters are
//! read in the order of `SUMMARY.md` and their fenced blocks are played in order in one temporary folder.
//!
//! - ```` ```toml file=PATH ```` (also `csv`, `json`, `text`, `markdown`) writes the block to `PATH`;
//!   `append=PATH` appends it. A `toml`, `csv` or `json` block must name its file: every such example runs.
//! - ```` ```console ```` holds commands (`$ egov …`), each followed by what it prints (standard output,
//!   then standard error). A line `...` stands for any number of lines. `status=N` is the exit status every
//!   command of the block must have (default 0).
//! - ```` ```sh ```` holds commands that must succeed; what they print is not compared.
//!
//! Commands start with `egov` (the binary under test); arguments may be quoted, and `> FILE` at the end
//! writes standard output to a file. Nothing else of a shell is understood, so the guide's commands work as
//! written in any shell, PowerShell included.
//!
//! Every written file must be used by a command (a file by its path, a data folder by its name). An
//! edition (a TOML file with `[[criterion]]`) must be scored by an `egov score` that succeeds, and a CSV
//! file must be read by a command that succeeds, unless its block says `invalid` (then a command must
//! refuse it).
//!
//! `EGOV_GUIDE_BLESS=1 cargo test -p egov-cli --test it guide` rewrites the expected output of every
//! console block without `...` from what the program prints now (for a deliberate change of output;
//! review the diff of `docs/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// One fenced block of a chapter.
struct Block {
    /// Line of the opening fence (1-based).
    line: usize,
    lang: String,
    attrs: BTreeMap<String, String>,
    /// Lines between the fences (0-based index in the file of the first one).
    first: usize,
    body: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_string();
        let attrs = words
            .map(|w| match w.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (w.to_string(), String::new()),
            })
            .collect();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].starts_with("```") {
            end += 1;
        }
        assert!(end < lines.len(), "unclosed fence at line {}", i + 1);
        out.push(Block {
            line: i + 1,
            lang,
            attrs,
            first: start,
            body: lines[start..end].iter().map(|s| s.to_string()).collect(),
        });
        i = end + 1;
    }
    out
}

/// Shell-like words: blanks separate, single and double quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line:?}");
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What a command printed and its exit status.
struct Ran {
    status: i32,
    printed: String,
}

/// Everything one language part did, for the checks at the end.
#[derive(Default)]
struct Scenario {
    /// File written → (where, invalid?).
    files: BTreeMap<String, (String, bool)>,
    /// Every command run: its arguments and exit status.
    commands: Vec<(Vec<String>, i32)>,
}

fn run(dir: &Path, lang: &str, line: &str, scenario: &mut Scenario) -> Ran {
    let mut args = words(line);
    assert!(
        args.first().map(String::as_str) == Some("egov"),
        "a command of the guide starts with egov: {line:?}"
    );
    args.remove(0);
    let mut redirect = None;
    if let Some(k) = args.iter().position(|a| a == ">") {
        assert_eq!(k + 2, args.len(), "'> FILE' ends a command: {line:?}");
        redirect = Some(args.pop().unwrap());
        args.pop();
    }
    for a in &args {
        assert!(
            !matches!(a.as_str(), "|" | "&&" | ";" | "<" | "2>"),
            "no shell syntax in the guide's commands: {line:?}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_egov"))
        .args(&args)
        .current_dir(dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("EGOV_TIMINGS")
        .env("LANG", lang)
        .output()
        .expect("egov runs");
    let status = out.status.code().unwrap_or(-1);
    let mut printed = String::from_utf8_lossy(&out.stdout).into_owned();
    if let Some(file) = redirect {
        std::fs::write(dir.join(file), &out.stdout).unwrap();
        printed.clear();
    }
    printed.push_str(&String::from_utf8_lossy(&out.stderr));
    scenario.commands.push((args, status));
    Ran { status, printed }
}

/// Lines as compared: trailing blanks of each line and trailing empty lines dropped, and the byte order
/// mark egov writes at the start of CSV for Excel (invisible in the book).
fn normal(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut v: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// Whether `actual` matches `expected`, where a line `...` matches any number of lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "..." => (0..=actual.len()).any(|k| matches(rest, &actual[k..])),
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, arest)| a == e && matches(rest, arest)),
    }
}

/// Plays one language part; returns the problems found (`file:line: what`).
fn play(part: &str, lang: &str, bless: bool) -> Vec<String> {
    let summary = std::fs::read_to_string(docs().join("src/SUMMARY.md")).unwrap();
    let chapters: Vec<String> = summary
        .split("](")
        .skip(1)
        .filter_map(|s| s.split_once(')').map(|(p, _)| p.to_string()))
        .filter(|p| p.starts_with(&format!("{part}/")))
        .collect();
    assert!(!chapters.is_empty(), "no chapter of {part} in SUMMARY.md");
    let dir = std::env::temp_dir().join(format!("egov-guide-{part}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    let mut scenario = Scenario::default();
    for ch in &chapters {
        let path = docs().join("src").join(ch);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut new_lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for b in blocks(&text) {
            let at = format!("docs/src/{ch}:{}", b.line);
            let target = b.attrs.get("file").or_else(|| b.attrs.get("append"));
            match (b.lang.as_str(), target) {
                ("console", _) => {
                    let status: i32 = b
                        .attrs
                        .get("status")
                        .map_or(0, |s| s.parse().expect("status=N"));
                    let mut k = 0;
                    let mut rebuilt = Vec::new();
                    let mut wildcard = false;
                    while k < b.body.len() {
                        let Some(cmd) = b.body[k].strip_prefix("$ ") else {
                            problems.push(format!("{at}: a console block starts with '$ egov …'"));
                            break;
                        };
                        let mut e = k + 1;
                        while e < b.body.len() && !b.body[e].starts_with("$ ") {
                            e += 1;
                        }
                        let expected = normal(&b.body[k + 1..e].join("\n"));
                        wildcard |= expected.iter().any(|l| l == "...");
                        let ran = run(&dir, lang, cmd, &mut scenario);
                        let actual = normal(&ran.printed);
                        if ran.status != status {
                            problems.push(format!(
                                "{at}: `{cmd}` exited with {} instead of {status}:\n{}",
                                ran.status, ran.printed
                            ));
                        } else if !matches(&expected, &actual) && !bless {
                            problems.push(format!(
                                "{at}: `{cmd}` printed\n{}\ninstead of what the guide shows:\n{}",
                                actual.join("\n"),
                                expected.join("\n")
                            ));
                        }
                        rebuilt.push(b.body[k].clone());
                        rebuilt.extend(actual);
                        k = e;
                    }
                    if bless && !wildcard {
                        edits.push((b.first, b.body.len(), rebuilt));
                    }
                }
                ("sh", _) => {
                    for cmd in b.body.iter().filter(|l| !l.trim().is_empty()) {
                        if cmd.trim_start().starts_with('#') {
                            continue;
                        }
                        let ran = run(&dir, lang, cmd, &mut scenario);
                        if ran.status != 0 {
                            problems.push(format!(
                                "{at}: `{cmd}` exited with {}:\n{}",
                                ran.status, ran.printed
                            ));
                        }
                    }
                }
                ("toml" | "csv" | "json" | "text" | "markdown", Some(file)) => {
                    let p = dir.join(file);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    let mut body = b.body.join("\n");
                    body.push('\n');
                    if b.attrs.contains_key("append") {
                        let mut old = std::fs::read_to_string(&p).unwrap_or_default();
                        if b.lang == "toml" && !old.is_empty() {
                            old.push('\n');
                        }
                        body = old + &body;
                    }
                    std::fs::write(&p, body).unwrap();
                    let invalid = b.attrs.contains_key("invalid");
                    let entry = scenario
                        .files
                        .entry(file.clone())
                        .or_insert((at.clone(), invalid));
                    entry.1 |= invalid;
                }
                ("toml" | "csv" | "json", None) => problems.push(format!(
                    "{at}: a {} example names its file (```{} file=…) so that the test can run it",
                    b.lang, b.lang
                )),
                _ => {}
            }
        }
        if bless && !edits.is_empty() {
            for (first, len, rebuilt) in edits.into_iter().rev() {
                new_lines.splice(first..first + len, rebuilt);
            }
            std::fs::write(&path, new_lines.join("\n") + "\n").unwrap();
        }
    }
    // Every example file is used; editions are scored, data files read, unless meant to be refused.
    for (file, (at, invalid)) in &scenario.files {
        let folder = Path::new(file)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let uses: Vec<&(Vec<String>, i32)> = scenario
            .commands
            .iter()
            .filter(|(args, _)| {
                args.iter()
                    .any(|a| a == file || (!folder.is_empty() && a == &folder))
            })
            .collect();
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        let edition = file.ends_with(".toml") && text.contains("[[criterion]]");
        let ok = if *invalid {
            uses.iter().any(|(_, s)| *s != 0)
        } else if edition {
            uses.iter()
                .any(|(args, s)| *s == 0 && args.first().is_some_and(|c| c == "score"))
        } else {
            // An audit that reads a document and reports findings exits with 1.
            uses.iter()
                .any(|(args, s)| *s == 0 || (*s == 1 && args.first().is_some_and(|c| c == "audit")))
        };
        if !ok {
            problems.push(format!(
                "{at}: {file} is {} by no command of the guide",
                if *invalid {
                    "refused"
                } else if edition {
                    "scored (`egov score --edition …` that succeeds)"
                } else {
                    "read successfully"
                }
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    problems
}

fn check(part: &str, lang: &str) {
    let bless = std::env::var_os("EGOV_GUIDE_BLESS").is_some_and(|v| v == "1");
    let problems = play(part, lang, bless);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the guide:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn vietnamese_guide_runs_as_written() {
    check("vi", "vi_VN.UTF-8");
}

#[test]
fn english_guide_runs_as_written() {
    check("en", "en_US.UTF-8");
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        words(r#"egov annex --decision-number "15/QĐ-UBND" --out 'a b.md'"#),
        [
            "egov",
            "annex",
            "--decision-number",
            "15/QĐ-UBND",
            "--out",
            "a b.md"
        ]
    );
    assert_eq!(words(r#"egov x """#), ["egov", "x", ""]);
}

#[test]
fn an_ellipsis_matches_any_lines() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(&v(&["a", "...", "d"]), &v(&["a", "b", "c", "d"])));
    assert!(matches(&v(&["a", "...", "d"]), &v(&["a", "d"])));
    assert!(!matches(&v(&["a", "...", "d"]), &v(&["a", "b"])));
    assert!(!matches(&v(&["a", "b"]), &v(&["a", "c"])));
}

/// The subcommands of `egov`; a new one must be added here (the test checks that the manual pages are
/// exactly these), so that its completions and page are checked too.
const SUBCOMMANDS: &[&str] = &[
    "validate",
    "score",
    "rank",
    "annex",
    "export",
    "import",
    "audit",
    "robustness",
    "template",
    "import-values",
    "synth",
    "editions",
    "completions",
    "man",
    "migrate",
    "verify-log",
    "backup",
    "restore",
    "serve",
    "add-user",
];

/// Completions and manual pages come from the command definition: every subcommand is in each.
#[test]
fn completions_and_man_pages_name_every_subcommand() {
    let bin = env!("CARGO_BIN_EXE_egov");
    let subs: Vec<String> = SUBCOMMANDS.iter().map(|s| s.to_string()).collect();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Command::new(bin)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for s in &subs {
            assert!(script.contains(s.as_str()), "{shell} completion lacks {s}");
        }
        assert!(
            script.contains("edition"),
            "{shell} completion lacks options"
        );
    }
    let dir = std::env::temp_dir().join(format!("egov-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(bin)
        .args(["man", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let main = std::fs::read_to_string(dir.join("egov.1")).unwrap();
    assert!(
        main.starts_with(".ie") || main.contains(".TH egov 1"),
        "{main}"
    );
    for s in &subs {
        assert!(
            main.contains(&format!("egov\\-{}", s.replace('-', "\\-"))),
            "egov.1 lacks {s}"
        );
        let page = std::fs::read_to_string(dir.join(format!("egov-{s}.1")))
            .unwrap_or_else(|e| panic!("egov-{s}.1: {e}"));
        assert!(page.contains(".SH NAME"), "egov-{s}.1");
    }
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut expected: Vec<String> = subs.iter().map(|s| format!("egov-{s}.1")).collect();
    expected.push("egov.1".into());
    expected.sort();
    assert_eq!(pages, expected, "one manual page per subcommand");
    let printed = Command::new(bin).arg("man").output().unwrap();
    assert_eq!(printed.stdout, main.as_bytes());
    std::fs::remove_dir_all(&dir).unwrap();
}
