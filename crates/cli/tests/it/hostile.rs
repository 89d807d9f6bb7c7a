//! The harness of the hostile-input tests: `egov` run in a child process under a memory limit and a
//! wall-clock guard, so that a reader that allocates in proportion to what a file claims, or that takes
//! quadratic time, fails the test instead of taking the machine down.
//!
//! The limit is set by the shell (`ulimit -v`, i.e. RLIMIT_AS) between fork and exec, which keeps the
//! workspace free of `unsafe`. The guard is generous (it is a bound, not a benchmark): a child still
//! running after it is killed and the test fails, naming the command.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address-space limit of every hostile run: 1 GiB.
pub const MEMORY_LIMIT_KB: u64 = 1024 * 1024;

/// What a limited run of `egov` gave.
#[derive(Debug)]
pub struct Run {
    /// Exit status; `None` when the child was killed by a signal (an abort after a failed allocation).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs `egov args…` in `dir` under [`MEMORY_LIMIT_KB`] and a guard of `guard` wall-clock time.
pub fn egov_limited(dir: &Path, args: &[&str], guard: Duration) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_egov"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh");
    // Drain both pipes on their own threads so that a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > guard {
            let _ = child.kill();
            let _ = child.wait();
            panic!("egov {args:?} still running after {guard:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_t.join().expect("stdout thread")).into_owned(),
        stderr: String::from_utf8_lossy(&err_t.join().expect("stderr thread")).into_owned(),
        elapsed,
    }
}

/// Asserts that a run was refused as bad input (exit 2) with a message that contains `located` (the
/// file and the place: `x.xlsx`, `Sheet1!B7`, `:12:3:`) and is short enough to read.
#[track_caller]
pub fn assert_refused(run: &Run, located: &[&str]) {
    assert_eq!(
        run.code,
        Some(2),
        "expected exit 2 (bad input); got {:?} after {:?}\nstderr: {}",
        run.code,
        run.elapsed,
        head(&run.stderr)
    );
    for part in located {
        assert!(
            run.stderr.contains(part),
            "the message must say {part:?}; stderr: {}",
            head(&run.stderr)
        );
    }
    assert!(
        run.stderr.len() < 4096,
        "a refusal is a short message, not {} bytes: {}",
        run.stderr.len(),
        head(&run.stderr)
    );
}

/// The first 500 characters of a text, for assertion messages.
pub fn head(s: &str) -> String {
    s.chars().take(500).collect()
}

/// A fresh scratch folder under the target directory (kept after a failure for inspection).
pub fn scratch(name: &str) -> std::path::PathBuf {
    scratch_in("hostile", name)
}

/// A fresh scratch folder `group/name` under the target directory: emptied when a test asks for it
/// again and kept after it (to look at after a failure), so that runs do not pile folders up in `/tmp`.
pub fn scratch_in(group: &str, name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn the_harness_limits_memory_and_reports_the_exit() {
    let dir = scratch("harness");
    let run = egov_limited(&dir, &["editions"], Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("hoabinh-2019"));
    let run = egov_limited(
        &dir,
        &["validate", "--edition", "no-such-edition"],
        Duration::from_secs(60),
    );
    assert_refused(&run, &["no-such-edition"]);
}
