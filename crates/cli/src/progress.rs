//! Progress of long commands (`export`, `template`, `import-values`, `synth`): a bar on standard error
//! when it is a terminal, nothing otherwise, so a pipe, a file or CI sees only what the command prints
//! and the errors. The time of each phase is [`crate::load::Timings`] (`EGOV_TIMINGS`), independent of
//! the bar, whose line it lifts for them ([`Progress::mark`]).

use crate::load::Timings;

/// A progress bar on standard error when it is a terminal, nothing otherwise (a pipe, a file, CI).
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar of `steps` steps; grows with [`Progress::grow`] when a step turns out to be several.
    pub fn new(steps: u64) -> Progress {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(steps);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
        {
            bar.set_style(style);
        }
        // One phase can be a single long call (generating a province's form): the clock keeps moving
        // so the bar does not look stuck.
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(bar))
    }
    /// Names the step under way.
    pub fn doing(&self, what: &str) {
        if let Some(b) = &self.0 {
            b.set_message(what.to_string());
        }
    }
    pub fn grow(&self, more: u64) {
        if let Some(b) = &self.0 {
            b.inc_length(more);
        }
    }
    pub fn done(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }
    /// Times `phase` ([`Timings::mark`]) with the bar lifted off its line, so the timing line is not
    /// written into the bar.
    pub fn mark(&self, t: &mut Timings, phase: &str) {
        match &self.0 {
            Some(b) => b.suspend(|| t.mark(phase)),
            None => t.mark(phase),
        }
    }
    /// Clears the bar: what the command prints afterwards (the files written) stands alone.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
