//! `egov completions SHELL` and `egov man [--out DIR]`: shell completions and manual pages generated
//! from the command line definition itself (clap_complete, clap_mangen), so they can never list an
//! option the binary does not have. Both take the definition as built by `main`, whatever language its
//! help is in.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap_complete::Shell;

use crate::output::Staged;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Folder to write egov.1 and one page per subcommand (egov-score.1 …) into; without it, egov.1 is
    /// printed.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Prints the completion script of `shell` for `cmd`.
pub fn completions(a: CompletionsArgs, mut cmd: clap::Command) -> Result<ExitCode> {
    let mut bytes = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "egov", &mut bytes);
    crate::load::emit(None, &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual pages of `cmd`: `egov.1` first, then `egov-<subcommand>.1` for every visible subcommand,
/// at any depth (file name, roff text).
pub fn pages(cmd: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    // Built once, as clap_mangen::generate_to does, so that subcommands carry their full names
    // ("egov-score") and the version.
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut bytes = Vec::new();
        man.render(&mut bytes)?;
        out.push((man.get_filename(), bytes));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out)?;
        }
        Ok(())
    }
    walk(&cmd, &mut out)?;
    Ok(out)
}

/// Prints `egov.1`, or writes every page into `--out` (all or nothing) and prints their paths.
pub fn man(a: ManArgs, cmd: clap::Command) -> Result<ExitCode> {
    let pages = pages(cmd)?;
    match a.out {
        None => crate::load::emit(None, &pages[0].1)?,
        Some(dir) => {
            let mut staged = Staged::new(&dir)?;
            for (name, bytes) in &pages {
                staged.write(name, bytes)?;
            }
            for path in staged.commit()? {
                println!("{}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
