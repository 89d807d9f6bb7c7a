//! Writing what a command produces, all or nothing.
//!
//! One file ([`write_atomic`]) goes to a temporary file beside its target, is synced and renamed over
//! it (beside the file a symbolic link leads to, which stays a link; a device or a pipe, which cannot
//! be replaced, is written into). Several files of one command ([`Staged`]: `egov export`,
//! `import-values`, `synth`) are written into one temporary folder first and moved into place only
//! when every one of them has been written and synced: into a new output folder by renaming the whole
//! temporary folder, into an existing one file by file, after checking that nothing stands in the
//! way, and putting the files that were there back if a move still fails. So a failed run leaves the
//! output as it was.
//!
//! Temporary names carry the process id (`.NAME.egov-tmp-PID-NONCE`, `.egov-tmp-PID-NONCE`). A run that
//! is killed (Ctrl-C, `kill -9`, a power cut) cannot clean up after itself, and `unsafe` signal handlers
//! are not allowed here, so every write first sweeps the folder it writes into: temporaries of egov whose
//! process is no longer alive, or older than [`STALE_AFTER`], are removed (also the `.NAME.tmp-PID` files
//! of earlier versions).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{Result, bail};
use egov_core::msg;

use crate::load::{mkdir_error, write_error};

/// A temporary older than this is swept even when a process with its id is alive (the id was reused).
pub const STALE_AFTER: Duration = Duration::from_secs(12 * 3600);

const MARK: &str = "egov-tmp-";

/// A name no other write of this or another process uses: process id, time and a counter.
fn temp_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{MARK}{}-{nanos:x}{:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The process id in an egov temporary name, if `name` is one: `.X.egov-tmp-PID-NONCE`,
/// `.egov-tmp-PID-NONCE`, or the older `.X.tmp-PID`.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    if let Some(i) = rest.find(MARK) {
        let (pid, nonce) = rest[i + MARK.len()..].split_once('-')?;
        if nonce.is_empty() || !nonce.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        return pid.parse().ok();
    }
    let (_, pid) = rest.rsplit_once(".tmp-")?;
    if pid.is_empty() || !pid.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` may still be running. Known on Linux (`/proc`); elsewhere assumed alive, so
/// that only age sweeps.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes egov's leftover temporaries from `dir`: those of dead processes and those older than
/// [`STALE_AFTER`]. Best effort: a temporary that cannot be removed is left for the next run.
pub fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old || !alive(pid) {
            let path = entry.path();
            let _ = if path.is_dir() && !path.is_symlink() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
        }
    }
}

/// The folder a path is written into (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes and syncs one file.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_synced_with(path, |w| w.write_all(bytes))
}

/// Creates `path`, lets `write` fill it through a buffer, and syncs it.
fn write_synced_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let file = fs::File::create(path)?;
    let mut f = std::io::BufWriter::with_capacity(
        1 << 20,
        EarlyWriteback {
            file,
            unsynced: 0,
            syncs: Vec::new(),
        },
    );
    write(&mut f)?;
    let mut w = f.into_inner().map_err(|e| e.into_error())?;
    for s in w.syncs.drain(..) {
        s.join().unwrap_or(Ok(()))?;
    }
    w.file.sync_all()
}

/// A file that, every [`EarlyWriteback::EVERY`] bytes, has what it holds so far written to the disk by
/// another thread while the writing goes on: a province's annex is tens of megabytes, and syncing it
/// only at the end waited for all of it to reach the disk after the last byte was made. The final sync
/// then waits only for the end of the file.
struct EarlyWriteback {
    file: fs::File,
    unsynced: usize,
    syncs: Vec<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl EarlyWriteback {
    const EVERY: usize = 16 << 20;
}

impl Write for EarlyWriteback {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n;
        if self.unsynced >= Self::EVERY {
            self.unsynced = 0;
            let f = self.file.try_clone()?;
            self.syncs.push(std::thread::spawn(move || f.sync_data()));
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Syncs a folder so that the renames in it survive a power cut (best effort: not every system
/// lets a folder be opened).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Where a chain of symbolic links from `path` ends, whether or not a file is there (`path` itself
/// when it is not a link). A chain that loops is left at its fortieth link, as the kernel's limit.
fn follow_links(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&p) {
            Ok(to) if to.is_absolute() => p = to,
            Ok(to) => p = parent_of(&p).join(to),
            Err(_) => break,
        }
    }
    p
}

/// Writes `bytes` to `path` through a synced temporary file in the same folder and a rename; the
/// temporary is removed if anything fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes, for a document made piece by piece (the compact JSON of a
/// province's annex) that need not be in memory whole: same temporary file, sync, rename and clean-up.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // A device, a pipe or a socket (`--out /dev/stdout`, a named pipe another program reads) is written
    // into: there is no file to replace, and a rename would put a file in place of the device itself.
    if fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| write_error(path, &e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        return write(&mut w)
            .and_then(|()| w.flush())
            .map_err(|e| write_error(path, &e));
    }
    // A symbolic link stays a link: the file it leads to is the one replaced (made, if the link leads
    // nowhere yet), as the shell's `>` does.
    let resolved = follow_links(path);
    let path = resolved.as_path();
    let dir = parent_of(path);
    fs::create_dir_all(dir).map_err(|e| mkdir_error(dir, &e))?;
    sweep(dir);
    if path.is_dir() {
        let p = path.display();
        bail!(msg!(
            "không ghi được {p}: đã có một thư mục trùng tên",
            "cannot write {p}: a folder of that name is there"
        ));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp: PathBuf = dir.join(format!(".{name}.{}", temp_suffix()));
    let written = write_synced_with(&tmp, write)
        .map_err(|e| write_error(path, &e))
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| write_error(path, &e)));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    } else {
        sync_dir(dir);
    }
    written
}

/// The files of one command, written into a temporary folder and moved into `target` together by
/// [`Staged::commit`]. Dropped without a commit (an error on the way), it removes what it wrote.
pub struct Staged {
    target: PathBuf,
    tmp: PathBuf,
    /// `target` did not exist: the temporary folder becomes it by one rename.
    fresh: bool,
    names: Vec<String>,
    done: bool,
}

impl Staged {
    /// Prepares to write into the folder `target` (created if missing; its parents too).
    pub fn new(target: &Path) -> Result<Staged> {
        let fresh = !target.exists();
        if !fresh && !target.is_dir() {
            let t = target.display();
            bail!(msg!(
                "không ghi được vào {t}: đó là một tệp, không phải thư mục",
                "cannot write into {t}: it is a file, not a folder"
            ));
        }
        let tmp = if fresh {
            let parent = parent_of(target);
            fs::create_dir_all(parent).map_err(|e| mkdir_error(parent, &e))?;
            sweep(parent);
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
            parent.join(format!(".{name}.{}", temp_suffix()))
        } else {
            // A killed run into a fresh folder left its temporary beside the target.
            sweep(parent_of(target));
            sweep(target);
            target.join(format!(".{}", temp_suffix()))
        };
        fs::create_dir(&tmp).map_err(|e| mkdir_error(&tmp, &e))?;
        Ok(Staged {
            target: target.to_path_buf(),
            tmp,
            fresh,
            names: Vec::new(),
            done: false,
        })
    }

    /// Writes and syncs one file of the output (a plain file name, no folders).
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.contains(['/', '\\'])
            || temp_pid(name).is_some()
        {
            let n = egov_core::text::quote_short(name);
            bail!(msg!(
                "tên tệp kết quả không hợp lệ: '{n}'",
                "invalid output file name: '{n}'"
            ));
        }
        let path = self.tmp.join(name);
        write_synced(&path, bytes).map_err(|e| write_error(&self.target.join(name), &e))?;
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
        }
        Ok(())
    }

    /// Moves every file into place and returns their final paths, in the order first written; on an
    /// error nothing of this run is left in `target` and what was there before is back.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        sync_dir(&self.tmp);
        let finals: Vec<PathBuf> = self.names.iter().map(|n| self.target.join(n)).collect();
        if self.fresh {
            if self.target.exists() {
                let t = self.target.display();
                bail!(msg!(
                    "không ghi được {t}: thư mục vừa được tạo bởi chương trình khác",
                    "cannot write {t}: another program has just created the folder"
                ));
            }
            fs::rename(&self.tmp, &self.target).map_err(|e| write_error(&self.target, &e))?;
            sync_dir(parent_of(&self.target));
            self.done = true;
            return Ok(finals);
        }
        // Refuse before moving anything: a folder where a file is to go cannot be replaced.
        for f in &finals {
            if f.is_dir() && !f.is_symlink() {
                let p = f.display();
                bail!(msg!(
                    "không ghi được {p}: đã có một thư mục trùng tên",
                    "cannot write {p}: a folder of that name is there"
                ));
            }
        }
        let backup = self.tmp.join(format!(".{}", temp_suffix()));
        fs::create_dir(&backup).map_err(|e| mkdir_error(&backup, &e))?;
        // (final path, whether an earlier file was set aside) of the files already moved.
        let mut moved: Vec<(&Path, bool)> = Vec::new();
        let mut failure = None;
        for (name, f) in self.names.iter().zip(&finals) {
            let kept = f.symlink_metadata().is_ok();
            if kept && let Err(e) = fs::rename(f, backup.join(name)) {
                failure = Some(write_error(f, &e));
                break;
            }
            if let Err(e) = fs::rename(self.tmp.join(name), f) {
                if kept {
                    let _ = fs::rename(backup.join(name), f);
                }
                failure = Some(write_error(f, &e));
                break;
            }
            moved.push((f, kept));
        }
        if let Some(e) = failure {
            for (f, kept) in moved.into_iter().rev() {
                let name = f.file_name().unwrap_or_default();
                let _ = fs::remove_file(f);
                if kept {
                    let _ = fs::rename(backup.join(name), f);
                }
            }
            return Err(e);
        }
        sync_dir(&self.target);
        Ok(finals)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(temp_pid(".x.tmp-99999999"), Some(99_999_999));
        assert_eq!(temp_pid(".hb.xlsx.egov-tmp-12-ab3"), Some(12));
        assert_eq!(temp_pid(".egov-tmp-7-0"), Some(7));
        let ours = format!(".out.{}", temp_suffix());
        assert_eq!(temp_pid(&ours), Some(std::process::id()));
        for other in [
            "x.tmp-1",
            ".x.tmp-",
            ".x.tmp-1a",
            "hb.csv",
            ".egov-tmp-1-",
            ".egov-tmp-x-1",
        ] {
            assert_eq!(temp_pid(other), None, "{other}");
        }
    }

    /// A file written in pieces past several early syncs (40 MB, pieces of odd sizes) holds exactly
    /// what was written, and no temporary file is left beside it.
    #[test]
    fn a_large_file_synced_early_holds_what_was_written() {
        let dir = std::env::temp_dir().join(format!("egov-early-sync-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("big.json");
        let piece: Vec<u8> = (0..777_777u32).map(|i| (i % 251) as u8).collect();
        let pieces = (40 << 20) / piece.len() + 1;
        write_atomic_with(&path, |w| {
            for k in 0..pieces {
                w.write_all(&piece[..piece.len() - k % 7])?;
            }
            Ok(())
        })
        .unwrap();
        let got = fs::read(&path).unwrap();
        let want: Vec<u8> = (0..pieces)
            .flat_map(|k| piece[..piece.len() - k % 7].iter().copied())
            .collect();
        assert!(want.len() > 2 * EarlyWriteback::EVERY);
        assert!(got == want, "the bytes written differ");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("big.json")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
