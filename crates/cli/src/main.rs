//! `egov`: the command line of the e-government evaluation system.
//!
//! A short, boring binary: [`run`] dispatches to one module per command, every command returns an exit
//! status, and `main` prints errors with their whole chain. Exit status: 0 = done (audit: no findings),
//! 1 = audit findings, 2 = the input could not be used (the message says file:line:column and what).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a province's run allocates about a hundred megabytes in
/// large blocks and millions of small ones, and mimalloc's arenas (with transparent huge pages where the
/// kernel offers them) cut the page faults that dominated the system time (bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd_annex;
mod cmd_audit;
mod cmd_docs;
mod cmd_import;
mod cmd_score;
mod cmd_synth;
mod cmd_template;
mod cmd_validate;
mod load;
mod output;

/// Chỉ số và xếp hạng Chính quyền điện tử / chuyển đổi số: tính điểm, xếp hạng, phụ lục, kiểm tra.
#[derive(Parser)]
#[command(name = "egov", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check an edition (and optionally a dataset) and list every problem with its place.
    Validate(cmd_validate::Args),
    /// Score every unit; `--explain UNIT` shows how each point came about.
    Score(cmd_score::ScoreArgs),
    /// Rank units per ranking block at a node (default: the total).
    Rank(cmd_score::RankArgs),
    /// Print the decision annex (the published tables).
    Annex(cmd_annex::AnnexArgs),
    /// Write the annex in several formats into a folder (docx, xlsx, pdf, csv, json, html, svg, png).
    Export(cmd_annex::ExportArgs),
    /// Read published ranking tables (Word text, DOCX, XLSX, HTML, Markdown, CSV) into data.
    Import(cmd_import::Args),
    /// Check a published ranking and report every inconsistency (exit 0 = none, 1 = findings, 2 = unreadable).
    Audit(cmd_audit::Args),
    /// Write the Excel entry form of an edition (blank, for given units, or pre-filled from a dataset).
    Template(cmd_template::TemplateArgs),
    /// Read a filled entry form back into a dataset folder; every bad cell is reported, nothing partial.
    ImportValues(cmd_template::ImportValuesArgs),
    /// Generate a realistic synthetic edition and dataset (deterministic for a seed).
    Synth(cmd_synth::Args),
    /// List the shipped editions.
    Editions,
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions(cmd_docs::CompletionsArgs),
    /// Print the manual page, or write one page per command into a folder (--out).
    Man(cmd_docs::ManArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(a) => cmd_validate::run(a),
        Command::Score(a) => cmd_score::score(a),
        Command::Rank(a) => cmd_score::rank(a),
        Command::Annex(a) => cmd_annex::annex(a),
        Command::Export(a) => cmd_annex::export(a),
        Command::Import(a) => cmd_import::run(a),
        Command::Audit(a) => cmd_audit::run(a),
        Command::Synth(a) => cmd_synth::run(a),
        Command::Template(a) => cmd_template::template(a),
        Command::ImportValues(a) => cmd_template::import_values(a),
        Command::Completions(a) => {
            cmd_docs::completions(a, <Cli as clap::CommandFactory>::command())
        }
        Command::Man(a) => cmd_docs::man(a, <Cli as clap::CommandFactory>::command()),
        Command::Editions => {
            for id in load::shipped_ids() {
                let e = load::edition(id)?;
                println!("{id}\t{}\t{}", e.year, e.title);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("egov: {e:#}");
            ExitCode::from(2)
        }
    }
}
