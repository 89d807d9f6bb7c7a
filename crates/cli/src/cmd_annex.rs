//! `egov annex` (one format to standard output or a file) and `egov export` (several formats into a
//! folder). Both score the dataset, build the annex once and hand it to the renderers; every file is
//! rendered in memory first; `export` writes all its files or none ([`Staged`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_core::Lang;
use egov_core::engine::Keep;
use egov_export::{ChartOptions, DecisionInfo, Format, RenderOptions};

use crate::output::Staged;
use crate::progress::Progress;
use crate::{help, load};

#[derive(clap::Args)]
pub struct Common {
    /// Edition: a shipped id (see `egov editions`) or a path to a .toml file.
    #[arg(long)]
    pub edition: String,
    /// Dataset folder (units.csv, values.csv, dataset.toml) or JSON file.
    #[arg(long)]
    pub data: PathBuf,
    /// The document language: the global `--lang` (set by `main`).
    #[arg(skip)]
    pub lang: Lang,
}

#[derive(clap::Args)]
pub struct AnnexArgs {
    #[command(flatten)]
    pub common: Common,
    /// text, markdown, csv, json, html (docx, xlsx, pdf with --out).
    #[arg(long, default_value = "text", value_parser = annex_format())]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// JSON on one line without indentation (with --format json).
    #[arg(long)]
    compact: bool,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// Formats, comma-separated: docx,pdf,xlsx,csv,json,html,svg,png,text,markdown.
    #[arg(long, value_delimiter = ',', required = true, value_parser = export_format())]
    format: Vec<Format>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Unit (code or name) whose profile chart is drawn against its block's median and maximum.
    #[arg(long)]
    unit: Option<String>,
    /// Previous year's dataset, for the slope chart of ranks between the two years.
    #[arg(long)]
    previous: Option<PathBuf>,
    /// Edition of the previous dataset (default: the same edition).
    #[arg(long)]
    previous_edition: Option<String>,
    /// Decision number for the annex heading ("2870/QĐ-UBND").
    #[arg(long)]
    decision_number: Option<String>,
    /// Decision date for the annex heading, dd/mm/yyyy.
    #[arg(long, requires = "decision_number")]
    decision_date: Option<String>,
    /// The issuing body (default: from the edition's decision publishing the results).
    #[arg(long)]
    issuer: Option<String>,
    /// The annex's number, printed "Phụ lục I".
    #[arg(long)]
    annex_number: Option<String>,
    /// The signature block: "KT. CHỦ TỊCH; PHÓ CHỦ TỊCH; name" (or "position; name").
    #[arg(long)]
    signer: Option<String>,
    /// A recipient ("Nơi nhận"), once per recipient.
    #[arg(long)]
    recipient: Vec<String>,
    /// The signed decision (any importable form): the recomputed annex gets an errata table of every
    /// printed value it does not reproduce, with the reason from `egov audit`.
    #[arg(long, conflicts_with = "as_published")]
    published: Option<PathBuf>,
    /// Reproduce the signed decision exactly as printed (values, ranks and order), for archival copies.
    #[arg(long)]
    as_published: Option<PathBuf>,
    /// Also analyse how sure each rank is (as `egov robustness`, with the edition's [robustness] or
    /// the defaults): the HTML report, the DOCX and the PDF end with it, the charts include its
    /// rank-interval chart.
    #[arg(long)]
    robustness: bool,
    /// Model evaluations of --robustness (default 2000, fewer than `egov robustness`'s 10000 so that
    /// an export stays quick).
    #[arg(long, requires = "robustness")]
    robustness_runs: Option<usize>,
}

/// Model evaluations of `egov export --robustness` unless told: a fifth of `egov robustness`'s, since
/// an export is made often and the report's intervals are whole places (they settle early).
pub const EXPORT_ROBUSTNESS_RUNS: usize = 2000;

/// The formats of `annex` (one document) and of `export` (also the charts), closed lists.
const ANNEX_FORMATS: &[(&str, &[&str])] = &[
    ("text", &["txt"]),
    ("markdown", &["md"]),
    ("csv", &[]),
    ("json", &[]),
    ("html", &[]),
    ("docx", &[]),
    ("xlsx", &[]),
    ("pdf", &[]),
];
const EXPORT_FORMATS: &[(&str, &[&str])] = &[
    ("docx", &[]),
    ("xlsx", &[]),
    ("pdf", &[]),
    ("csv", &[]),
    ("json", &[]),
    ("html", &[]),
    ("svg", &[]),
    ("png", &[]),
    ("text", &["txt"]),
    ("markdown", &["md"]),
];

fn parse_format(s: &str) -> Format {
    s.parse().unwrap_or(Format::Text)
}

fn annex_format() -> impl clap::builder::TypedValueParser<Value = Format> {
    help::choice(ANNEX_FORMATS, parse_format)
}

fn export_format() -> impl clap::builder::TypedValueParser<Value = Format> {
    help::choice(EXPORT_FORMATS, parse_format)
}

/// Formats whose bytes are not text: never written to a terminal, where they would only scramble it.
pub fn is_binary(f: Format) -> bool {
    matches!(f, Format::Docx | Format::Xlsx | Format::Pdf | Format::Png)
}

/// Refuses a binary format bound for a terminal (no `--out`, standard output a terminal); `terminal`
/// is `std::io::stdout().is_terminal()`, passed in so that the rule is tested without one.
pub fn refuse_binary_to_terminal(
    format: Format,
    out: Option<&std::path::Path>,
    terminal: bool,
) -> Result<()> {
    if is_binary(format) && out.is_none() && terminal {
        let f = format.extension();
        return Err(load::InputError(egov_core::msg!(
            "--format {f} ghi ra tệp nhị phân, không in được ra màn hình; hãy thêm --out phu-luc.{f} (hoặc chuyển hướng: > phu-luc.{f})",
            "--format {f} writes a binary file, which a terminal cannot show; add --out annex.{f} (or redirect: > annex.{f})"
        ))
        .into());
    }
    Ok(())
}

pub fn build(c: &Common) -> Result<egov_core::table::Annex> {
    Ok(build_with_edition(c)?.0)
}

/// The annex and the parts of its edition the document frame needs.
pub fn build_with_edition(c: &Common) -> Result<(egov_core::table::Annex, EditionFacts)> {
    let (edition, data, scores, mut t) = scored(c)?;
    let annex = egov_core::annex::build(&edition, &data, &scores, c.lang);
    t.mark("annex");
    let facts = EditionFacts {
        published: egov_export::frame::published_basis(&edition).cloned(),
        rounding: edition.rounding,
        edition: None,
    };
    // Freed now, not at exit: the memory is reused for the rendering that follows.
    drop((scores, data));
    Ok((
        annex,
        EditionFacts {
            edition: Some(edition),
            ..facts
        },
    ))
}

/// The edition, the dataset and the scores the annex reads (the inputs' values released when the
/// annex does not print them), and the timings so far.
fn scored(
    c: &Common,
) -> Result<(
    egov_core::edition::Edition,
    egov_core::dataset::Dataset,
    egov_core::engine::Scores,
    load::Timings,
)> {
    let mut t = load::Timings::from_env();
    let edition = load::edition(&c.edition)?;
    // Without an annex table there is nothing to publish: refused before the data are read.
    if let Some(m) = edition.annex_missing() {
        return Err(load::InputError(m).into());
    }
    t.mark("edition");
    let mut data = load::dataset(&edition, &c.data)?;
    t.mark("dataset");
    // The annex reads only the nodes it prints.
    let scores = egov_core::engine::score_keeping(&edition, &data, Keep::Printed);
    if !edition.annex_prints_inputs() {
        data.release_values();
    }
    t.mark("score");
    Ok((edition, data, scores, t))
}

/// `annex --format json --compact`: the tables written in order as they are made, so that the disk
/// writes the first while the cores make the others (a province's annex is 70 MB, which a disk takes
/// longer to write than the cores take to serialise). The same bytes as the other way.
fn annex_json_as_made(a: &AnnexArgs) -> Result<()> {
    let (edition, data, scores, mut t) = scored(&a.common)?;
    let head = egov_core::annex::head(&edition, a.common.lang);
    let (e, d, sc, lang) = (&edition, &data, &scores, a.common.lang);
    let mut written = Vec::new();
    load::emit_with(a.out.as_deref(), |w| {
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            // Stops when the writing has stopped (an error, which the writer returns).
            s.spawn(move || egov_core::annex::build_each(e, d, sc, lang, |t| tx.send(t).is_ok()));
            written = egov_export::json_out::write_compact_as_made(&head, rx, w)?;
            Ok(())
        })
    })?;
    t.mark("annex+render+write");
    load::leave_to_exit((written, scores, data, edition));
    Ok(())
}

/// What of the edition the export's frame and errata use.
pub struct EditionFacts {
    /// The decision that published the results the edition describes (`[[legal_basis]]` whose role
    /// says "công bố"), if any.
    pub published: Option<egov_core::edition::LegalBasis>,
    pub rounding: egov_core::num::RoundingMode,
    pub edition: Option<egov_core::edition::Edition>,
}

/// ISO `YYYY-MM-DD` as the decree's dd/mm/yyyy.
fn iso_to_dmy(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    if p.len() == 3 {
        format!("{}/{}/{}", p[2], p[1], p[0])
    } else {
        iso.to_string()
    }
}

/// "KT. CHỦ TỊCH; PHÓ CHỦ TỊCH; Name" or "CHỦ TỊCH; Name" or "Name".
fn parse_signer(s: &str) -> egov_export::Signature {
    let parts: Vec<String> = s
        .split(';')
        .map(egov_core::text::clean)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [a, p, n, ..] => egov_export::Signature {
            authority: a.clone(),
            position: p.clone(),
            name: n.clone(),
        },
        [p, n] => egov_export::Signature {
            authority: String::new(),
            position: p.clone(),
            name: n.clone(),
        },
        [n] => egov_export::Signature {
            name: n.clone(),
            ..Default::default()
        },
        [] => egov_export::Signature::default(),
    }
}

/// Imports a signed decision for `--published` / `--as-published`.
fn import_published(path: &std::path::Path) -> Result<egov_import::Imported> {
    let bytes = std::fs::read(path).map_err(|e| load::read_error(path, &e))?;
    let name = path.display().to_string();
    let imported = egov_import::import_bytes(&name, &bytes, egov_import::Format::Auto)
        .map_err(|e| load::InputError(e.to_string()))?;
    if let Some(why) = imported.nothing_found() {
        return Err(load::InputError(format!("{name}: {why}")).into());
    }
    Ok(imported)
}

pub fn annex(a: AnnexArgs) -> Result<ExitCode> {
    if a.compact && a.format != Format::Json {
        return Err(load::InputError(egov_core::msg!(
            "--compact chỉ dùng với --format json",
            "--compact goes only with --format json"
        ))
        .into());
    }
    refuse_binary_to_terminal(
        a.format,
        a.out.as_deref(),
        std::io::IsTerminal::is_terminal(&std::io::stdout()),
    )?;
    if a.format == Format::Json && a.compact {
        annex_json_as_made(&a)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (annex, facts) = build_with_edition(&a.common)?;
    // An edition that records the decision publishing its results makes this annex a recomputation of
    // it: the documents say so (and name the signed decision) instead of claiming to be issued with it.
    let frame = facts.published.as_ref().map(|b| egov_export::Frame {
        issuer: b
            .issuer
            .as_deref()
            .map(egov_export::frame::issuing_body)
            .unwrap_or_default(),
        provenance: egov_export::Provenance::Recomputed {
            decision: DecisionInfo {
                number: b.number.clone(),
                date: b.date.as_deref().map(iso_to_dmy).unwrap_or_default(),
                issuer: b.issuer.clone(),
            },
            errata: None,
        },
        ..Default::default()
    });
    drop(facts);
    let opts = RenderOptions {
        lang: a.common.lang,
        compact_json: a.compact,
        frame,
        ..Default::default()
    };
    let mut t = load::Timings::from_env();
    if a.format == Format::Json {
        // The indented JSON of a province is tens of megabytes: written out as it is made instead of
        // being made whole in memory first; the same bytes as `egov_export::render`.
        load::emit_with(a.out.as_deref(), |w| {
            egov_export::json_out::write(&annex, a.compact, w)
        })?;
        t.mark("render+write");
        load::leave_to_exit(annex);
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = egov_export::render(&annex, a.format, &opts)?;
    t.mark("render");
    load::emit(a.out.as_deref(), &bytes)?;
    t.mark("write");
    load::leave_to_exit((annex, bytes));
    Ok(ExitCode::SUCCESS)
}

pub fn export(a: ExportArgs) -> Result<ExitCode> {
    let (mut annex, facts) = build_with_edition(&a.common)?;
    let lang = a.common.lang;
    let previous = match &a.previous {
        Some(p) => Some(build(&Common {
            edition: a
                .previous_edition
                .clone()
                .unwrap_or_else(|| a.common.edition.clone()),
            data: p.clone(),
            lang: a.common.lang,
        })?),
        None => None,
    };
    let decision = match (&a.decision_number, &a.decision_date) {
        (Some(number), date) => {
            let date = date.clone().unwrap_or_default();
            if !date.is_empty() && !is_ddmmyyyy(&date) {
                let d = egov_core::text::quote_short(&date);
                return Err(load::InputError(egov_core::msg!(
                    "--decision-date {d}: cần dạng dd/mm/yyyy",
                    "--decision-date {d}: dd/mm/yyyy is needed"
                ))
                .into());
            }
            Some(DecisionInfo {
                number: number.clone(),
                date,
                issuer: None,
            })
        }
        _ => None,
    };
    // The decision the edition's results were published with, as the documents name it.
    let signed = facts.published.as_ref().map(|b| DecisionInfo {
        number: b.number.clone(),
        date: b.date.as_deref().map(iso_to_dmy).unwrap_or_default(),
        issuer: b.issuer.clone(),
    });
    let issuer = a.issuer.clone().or_else(|| {
        facts
            .published
            .as_ref()
            .and_then(|b| b.issuer.as_deref())
            .map(egov_export::frame::issuing_body)
    });
    // Provenance: a decision named on the command line is the one this annex is issued with; else an
    // edition that records its published decision makes this annex a recomputation of it (with
    // errata when the signed document is given), unless the signed document itself is reproduced.
    let mut t = load::Timings::from_env();
    let (decision, provenance) = match (decision, signed) {
        (Some(d), _) => (Some(d), egov_export::Provenance::Issued),
        (None, Some(signed)) if a.as_published.is_some() => {
            (Some(signed), egov_export::Provenance::Issued)
        }
        (None, Some(signed)) => {
            let errata = match &a.published {
                Some(path) => {
                    let imported = import_published(path)?;
                    let opts = egov_core::audit::AuditOptions {
                        aliases: None,
                        edition: facts.edition.as_ref(),
                        source_text: imported.source_text.as_deref(),
                        placed_text: if imported.source_text.is_some() {
                            &[]
                        } else {
                            &imported.not_nfc
                        },
                        rounding: facts.rounding,
                        prose: &imported.prose,
                    };
                    let audit = egov_core::audit::audit(&imported.tables, &opts);
                    Some(egov_export::frame::errata(
                        &imported.tables,
                        &annex,
                        &audit,
                        lang,
                    ))
                }
                None => None,
            };
            t.mark("errata");
            (
                None,
                egov_export::Provenance::Recomputed {
                    decision: signed,
                    errata,
                },
            )
        }
        (None, None) => (None, egov_export::Provenance::Issued),
    };
    if let Some(path) = &a.as_published {
        // The signed decision's own tables, as printed: values with their printed decimals, ranks as
        // printed (a letter included), rows in the printed order (ties as published).
        annex.tables = import_published(path)?.tables;
        t.mark("import");
    }
    let robustness = if a.robustness {
        if !a.format.iter().any(|f| {
            matches!(
                f,
                Format::Html | Format::Svg | Format::Png | Format::Docx | Format::Pdf
            )
        }) {
            return Err(load::InputError(egov_core::msg!(
                "--robustness chỉ dùng với --format html, docx, pdf, svg hoặc png (báo cáo HTML, phụ lục DOCX/PDF và biểu đồ mang phân tích)",
                "--robustness goes only with --format html, docx, pdf, svg or png (the HTML report, the DOCX/PDF annex and the charts carry the analysis)"
            ))
            .into());
        }
        let edition = facts
            .edition
            .as_ref()
            .expect("build_with_edition keeps the edition");
        let data = load::dataset(edition, &a.common.data)?;
        let report = crate::cmd_robustness::analyse(
            &a.common.edition,
            edition,
            &data,
            None,
            Some(a.robustness_runs.unwrap_or(EXPORT_ROBUSTNESS_RUNS)),
            None,
        )?;
        t.mark("robustness");
        Some(std::sync::Arc::new(report))
    } else {
        None
    };
    drop(facts);
    let frame =
        (issuer.is_some() || !matches!(provenance, egov_export::Provenance::Issued)).then(|| {
            egov_export::Frame {
                issuer: issuer.unwrap_or_default(),
                annex_number: a.annex_number.clone(),
                provenance,
                signature: a.signer.as_deref().map(parse_signer),
                recipients: a.recipient.clone(),
            }
        });
    let opts = RenderOptions {
        lang,
        decision,
        frame,
        // The DOCX and the PDF end with the analysis as a section after the annex's tables.
        robustness: robustness.clone(),
        ..Default::default()
    };
    let chart_opts = |format| ChartOptions {
        lang: a.common.lang,
        format: Some(format),
        unit: a.unit.clone(),
        previous: previous.as_ref(),
        robustness: robustness.as_deref(),
    };
    // Render everything before writing anything: a failure leaves the folder untouched. A bar on a
    // terminal shows each document and chart as it is made (a national export takes seconds);
    // EGOV_TIMINGS times each.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let stem = &annex.edition;
    let progress = Progress::new(a.format.len() as u64);
    for f in &a.format {
        progress.doing(f.extension());
        match f {
            Format::Svg => {
                files.extend(egov_export::charts(&annex, &chart_opts(*f))?);
                if let Some(r) = &robustness {
                    files.push((
                        format!("{stem}-robustness.svg"),
                        egov_export::robustness_chart(r, lang).into_bytes(),
                    ));
                }
            }
            Format::Png => {
                if let Some(r) = &robustness {
                    let svg = egov_export::robustness_chart(r, lang);
                    let name = format!("{stem}-robustness");
                    files.push((format!("{name}.png"), egov_export::png(&name, &svg)?));
                }
                // One chart at a time, so the bar moves with each image.
                let charts = egov_export::chart::svg_charts(&annex, &chart_opts(Format::Svg))?;
                progress.grow(charts.len() as u64);
                for c in charts {
                    progress.doing(&c.name);
                    let png = egov_export::chart::png(&c.name, &c.svg)?;
                    files.push((format!("{}.png", c.name), png));
                    progress.done();
                }
            }
            // The HTML of an export is the report: the annex and its charts in one self-contained file.
            Format::Html => files.push((
                format!("{stem}.html"),
                egov_export::report(&annex, &opts, &chart_opts(Format::Svg))?,
            )),
            _ => files.push((
                format!("{stem}.{}", f.extension()),
                egov_export::render(&annex, *f, &opts)?,
            )),
        }
        progress.done();
        progress.mark(&mut t, f.extension());
    }
    if a.format
        .iter()
        .any(|f| matches!(f, Format::Csv | Format::Json))
    {
        files.push((
            format!("{stem}-data-dictionary.json"),
            egov_export::csv_out::data_dictionary(&annex, &opts)?,
        ));
        progress.mark(&mut t, "dictionary");
    }
    progress.finish();
    // All files or none: written into a temporary folder and moved into place together.
    let mut staged = Staged::new(&a.out)?;
    for (name, bytes) in &files {
        staged.write(name, bytes)?;
    }
    let written = staged.commit()?;
    t.mark("write");
    for path in written {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn is_ddmmyyyy(s: &str) -> bool {
    let p: Vec<&str> = s.split('/').collect();
    p.len() == 3
        && p[0].len() == 2
        && p[1].len() == 2
        && p[2].len() == 4
        && p.iter().all(|x| x.chars().all(|c| c.is_ascii_digit()))
        && (1..=31).contains(&p[0].parse::<u32>().unwrap_or(0))
        && (1..=12).contains(&p[1].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_formats_are_refused_on_a_terminal_only() {
        for f in [Format::Docx, Format::Xlsx, Format::Pdf] {
            let e = refuse_binary_to_terminal(f, None, true)
                .unwrap_err()
                .to_string();
            assert!(e.contains("--out") && e.contains(f.extension()), "{e}");
            assert!(
                refuse_binary_to_terminal(f, None, false).is_ok(),
                "a pipe or a file"
            );
            let out = std::path::Path::new("x");
            assert!(
                refuse_binary_to_terminal(f, Some(out), true).is_ok(),
                "--out"
            );
        }
        for f in [
            Format::Text,
            Format::Markdown,
            Format::Csv,
            Format::Json,
            Format::Html,
        ] {
            assert!(refuse_binary_to_terminal(f, None, true).is_ok());
        }
    }
}
