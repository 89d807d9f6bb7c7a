//! `egov`: the command line of the e-government evaluation system.
//!
//! A short, boring binary: [`run`] dispatches to one module per command, every command returns an exit
//! status, and `main` prints errors with their whole chain. Exit status: 0 = done (audit: no findings),
//! 1 = audit findings, 2 = the input could not be used (the message says file:line:column and what).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use egov_core::Lang;

/// mimalloc instead of the system allocator: a province's run allocates about a hundred megabytes in
/// large blocks and millions of small ones, and mimalloc's arenas (with transparent huge pages where the
/// kernel offers them) cut the page faults that dominated the system time (bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, which libmimalloc-sys does not name for
/// mimalloc 3; the test `purge_delay_is_the_option_set` holds it to the name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A command that runs once and exits keeps the memory it frees until it exits, for its next
/// allocations: mimalloc otherwise gives freed memory back to the kernel about a second after the first
/// free (its `purge_delay`), in the middle of a province's run, and the phases after that then touch
/// fresh pages — which the kernel must clear, the costliest step of a large run on this kind of machine
/// — where they would have reused the freed ones (bench/README.md: at 100,000 units about 50 MB fewer
/// fresh pages and 50 ms less). Its peak memory is the same. `egov serve` runs for months and keeps
/// the default, so that the memory of one large request goes back.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: sets one integer option of the allocator, before any other thread exists (mimalloc's
    // options are not synchronised); the option decides when free memory is returned to the kernel,
    // never which memory is in use.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Whether the command runs once and exits (every command but `serve`): see [`keep_freed_memory`].
fn runs_once(command: &Command) -> bool {
    !matches!(command, Command::Serve(_))
}

mod cmd_annex;
mod cmd_audit;
mod cmd_docs;
mod cmd_import;
mod cmd_robustness;
mod cmd_score;
mod cmd_serve;
mod cmd_store;
mod cmd_synth;
mod cmd_template;
mod cmd_validate;
mod help;
mod load;
mod output;
mod progress;

/// E-government / digital transformation indexes and rankings: scoring, ranking, annexes, audits.
///
/// The doc comments of the derive are the English texts clap falls back on; what the user sees comes
/// from [`help`]'s tables, in the message language ([`command`]).
#[derive(Parser)]
#[command(name = "egov", version, about, long_about = None)]
struct Cli {
    /// Language of messages, help and the documents written: vi (default) or en.
    #[arg(long, global = true, value_parser = help::lang_parser())]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

/// The command line of `egov` in `lang`: help, headings and examples localized ([`help::localize`]).
pub fn command(lang: Lang) -> clap::Command {
    help::localize(Cli::command(), lang)
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
    Export(Box<cmd_annex::ExportArgs>),
    /// Read published ranking tables (Word text, DOCX, XLSX, HTML, Markdown, CSV) into data.
    Import(cmd_import::Args),
    /// Check a published ranking and report every inconsistency (exit 0 = none, 1 = findings, 2 = unreadable).
    Audit(cmd_audit::Args),
    /// How sure each rank is: rank intervals over the edition's uncertain choices, and which choice matters.
    Robustness(Box<cmd_robustness::Args>),
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
    /// Create a database, or bring it to the current schema.
    Migrate(cmd_store::MigrateArgs),
    /// Check the audit log's hash chain (exit 0 = intact, 1 = broken, 2 = cannot open).
    VerifyLog(cmd_store::VerifyLogArgs),
    /// Back up the embedded database into one file, while it is in use.
    Backup(cmd_store::BackupArgs),
    /// Restore the embedded database from a backup, after checking the backup.
    Restore(cmd_store::RestoreArgs),
    /// Run the web application (creates and migrates the database; seeds a demo into an empty one).
    Serve(cmd_serve::ServeArgs),
    /// Create an account with one role (a production database's first administrator); prints its password once.
    AddUser(cmd_store::AddUserArgs),
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Documents follow `--lang` only (never the environment: see `help`).
    let lang = cli.lang.unwrap_or_default();
    match cli.command {
        Command::Validate(a) => cmd_validate::run(a),
        Command::Score(mut a) => {
            a.common.lang = lang;
            cmd_score::score(a)
        }
        Command::Rank(mut a) => {
            a.common.lang = lang;
            cmd_score::rank(a)
        }
        Command::Annex(mut a) => {
            a.common.lang = lang;
            cmd_annex::annex(a)
        }
        Command::Export(mut a) => {
            a.common.lang = lang;
            cmd_annex::export(*a)
        }
        Command::Import(a) => cmd_import::run(a),
        Command::Audit(mut a) => {
            a.lang = lang;
            cmd_audit::run(a)
        }
        Command::Robustness(mut a) => {
            a.common.lang = lang;
            cmd_robustness::run(*a)
        }
        Command::Synth(a) => cmd_synth::run(a),
        Command::Template(mut a) => {
            a.lang = lang;
            cmd_template::template(a)
        }
        Command::ImportValues(a) => cmd_template::import_values(a),
        Command::Completions(a) => cmd_docs::completions(a, command(egov_core::lang::messages())),
        Command::Man(a) => cmd_docs::man(a, command(egov_core::lang::messages())),
        Command::Migrate(a) => cmd_store::migrate(a),
        Command::VerifyLog(a) => cmd_store::verify_log(a),
        Command::Backup(a) => cmd_store::backup(a),
        Command::Restore(a) => cmd_store::restore(a),
        Command::Serve(a) => cmd_serve::serve(a),
        Command::AddUser(a) => cmd_store::add_user(a),
        Command::Editions => {
            for id in load::shipped_ids() {
                let e = load::edition(id)?;
                println!("{id}\t{}\t{}", e.year, e.title);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Parses the command line in the message language, or prints clap's help, version or error in it.
fn parse(lang: Lang) -> Result<Cli, ExitCode> {
    let args = help::help_subcommand(std::env::args_os().collect());
    let mut cmd = command(lang);
    let parsed = cmd
        .try_get_matches_from_mut(args.clone())
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| {
        if e.kind() == clap::error::ErrorKind::DisplayVersion {
            println!("{}", e.to_string().trim_end());
        } else if help::is_help_request(e.kind()) {
            let _ = e.print();
        } else {
            eprint!("{}", help::render_error(&e, lang, &cmd, &args));
        }
        ExitCode::from(e.exit_code().clamp(0, 255) as u8)
    })
}

fn main() -> ExitCode {
    let lang = help::message_lang(&std::env::args_os().collect::<Vec<_>>(), |k| {
        std::env::var(k).ok()
    });
    egov_core::lang::set_messages(lang);
    let cli = match parse(lang) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    // A delay the user sets (mimalloc reads `MIMALLOC_PURGE_DELAY` itself) is theirs to keep.
    if runs_once(&cli.command) && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        keep_freed_memory();
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("egov: {}", load::describe(&e));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod allocator_tests {
    use clap::Parser;

    /// Every command keeps the memory it frees but the server, which runs for months.
    #[test]
    fn only_the_server_returns_freed_memory() {
        let runs_once = |args: &[&str]| {
            let cli = super::Cli::try_parse_from(args).expect("a valid command line");
            super::runs_once(&cli.command)
        };
        assert!(!runs_once(&["egov", "serve"]));
        assert!(runs_once(&[
            "egov",
            "annex",
            "--edition",
            "e",
            "--data",
            "d"
        ]));
        assert!(runs_once(&["egov", "editions"]));
    }

    /// The option [`super::keep_freed_memory`] sets is mimalloc's purge delay, and it sets it to "never":
    /// a copy of this test run alone with `MIMALLOC_PURGE_DELAY` set (mimalloc reads its options from
    /// the environment when the process loads) reads that value back at [`super::MI_OPTION_PURGE_DELAY`],
    /// then -1 after the call. In the copy, alone, no other thread allocates while the option changes.
    #[test]
    #[allow(unsafe_code)]
    fn purge_delay_is_the_option_set() {
        // SAFETY: reads one integer option of the allocator.
        let get = || unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("EGOV_PURGE_PROBE").is_some() {
            assert_eq!(
                get(),
                4321,
                "the environment's purge delay, read at that place"
            );
            super::keep_freed_memory();
            assert_eq!(get(), -1, "never purged after the call");
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "--exact",
                "allocator_tests::purge_delay_is_the_option_set",
                "--test-threads=1",
            ])
            .env("EGOV_PURGE_PROBE", "1")
            .env("MIMALLOC_PURGE_DELAY", "4321")
            .output()
            .expect("the copy runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
