//! Reading what the user names on the command line: editions (shipped, by id, or a TOML file) and
//! datasets (a folder with `units.csv` + `values.csv` and an optional `dataset.toml`, or one JSON file);
//! and where a command's single output goes (standard output, or a file written by
//! [`crate::output::write_atomic`]).

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_core::msg;
use egov_core::num::NumberStyle;
use egov_core::text::quote_short;

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/editions.rs"));
}

/// The ids of the editions built into the binary.
pub fn shipped_ids() -> Vec<&'static str> {
    shipped::SHIPPED.iter().map(|(id, _)| *id).collect()
}

/// The shipped editions as (id, TOML text), for seeding a database.
pub fn shipped_texts() -> &'static [(&'static str, &'static str)] {
    shipped::SHIPPED
}

/// An edition by shipped id, or by path to a TOML file.
pub fn edition(spec: &str) -> Result<Edition> {
    Ok(edition_and_source(spec)?.0)
}

/// [`edition`], with its TOML text and the name problems give it (for what else reads the same file,
/// such as its `[robustness]` table), read once.
pub fn edition_and_source(spec: &str) -> Result<(Edition, String, String)> {
    let (text, file) = edition_text(spec)?;
    let edition = Edition::from_toml(&text, &file)
        .map_err(|e| anyhow::Error::new(InputError(e.to_string())))?;
    Ok((edition, text, file))
}

/// The TOML text of an edition given as a shipped id or a path, and the name its problems carry.
pub fn edition_text(spec: &str) -> Result<(String, String)> {
    Ok(
        if let Some((id, text)) = shipped::SHIPPED.iter().find(|(id, _)| *id == spec) {
            (text.to_string(), format!("data/editions/{id}.toml"))
        } else {
            let path = Path::new(spec);
            if !path.exists() {
                let (id, ids) = (quote_short(spec), shipped_ids().join(", "));
                let hint = egov_core::text::suggestion(spec, shipped_ids());
                return Err(InputError(msg!(
                "không có bộ chỉ số '{id}'{hint} (có sẵn: {ids}; hoặc đường dẫn tới tệp .toml)",
                "there is no edition '{id}'{hint} (shipped: {ids}; or give the path of a .toml file)"
            ))
            .into());
            }
            let bytes = read_bytes(path)?;
            (utf8(&bytes, path)?.to_string(), path.display().to_string())
        },
    )
}

/// "cannot read PATH: REASON" in the message language, the reason in words ([`egov_core::lang::io_reason`]).
pub fn read_error(path: &Path, e: &std::io::Error) -> anyhow::Error {
    let (p, why) = (path.display(), egov_core::lang::io_reason(e));
    InputError(msg!("không đọc được {p}: {why}", "cannot read {p}: {why}")).into()
}

/// "cannot write PATH: REASON" in the message language.
pub fn write_error(path: &Path, e: &std::io::Error) -> anyhow::Error {
    let (p, why) = (path.display(), egov_core::lang::io_reason(e));
    anyhow::anyhow!(msg!("không ghi được {p}: {why}", "cannot write {p}: {why}"))
}

/// "cannot create the folder PATH: REASON" in the message language.
pub fn mkdir_error(path: &Path, e: &std::io::Error) -> anyhow::Error {
    let (p, why) = (path.display(), egov_core::lang::io_reason(e));
    anyhow::anyhow!(msg!(
        "không tạo được thư mục {p}: {why}",
        "cannot create the folder {p}: {why}"
    ))
}

/// An error as `main` prints it: its chain joined by ": ", where an operating-system error that no
/// command described is put in words ([`egov_core::lang::io_reason`]) instead of the system's English.
pub fn describe(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => egov_core::lang::io_reason(io),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// Reads `dataset.toml` beside the data, if any.
fn meta(dir: &Path) -> Result<DatasetMeta> {
    let p = dir.join("dataset.toml");
    if !p.exists() {
        return Ok(DatasetMeta::default());
    }
    let bytes = read_bytes(&p)?;
    let text = utf8(&bytes, &p)?;
    let v: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| egov_core::edition::line_col(text, s.start))
            .unwrap_or((1, 1));
        let f = p.display();
        InputError(msg!(
            "{f}:{line}:{column}: không phải TOML hợp lệ (kiểm tra dấu ngoặc kép, dấu = và tên khóa ở dòng này)",
            "{f}:{line}:{column}: not valid TOML (check the quotes, the = and the key names on this line)"
        ))
    })?;
    let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let number_style = match v.get("number_style") {
        None => None,
        Some(x) => match x.as_str().and_then(NumberStyle::from_name) {
            Some(style) => Some(style),
            None => {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("number_style"))
                    .map_or(1, |i| i + 1);
                let (f, found) = (p.display(), quote_short(&x.to_string()).into_owned());
                bail!(InputError(msg!(
                    "{f}:{line}:1: number_style = {found} không có; viết \"decimal-comma\" (1.500 là một nghìn năm trăm, 2,5 là hai phẩy năm) hoặc \"decimal-point\" (1.500 là một phẩy năm)",
                    "{f}:{line}:1: number_style = {found} does not exist; write \"decimal-comma\" (1.500 is one thousand five hundred, 2,5 is two and a half) or \"decimal-point\" (1.500 is one and a half)"
                )));
            }
        },
    };
    Ok(DatasetMeta {
        edition: get("edition"),
        title: get("title"),
        source: get("source"),
        number_style,
    })
}

/// The bytes of a file, with the path in the error.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    read_in_pieces(path).map_err(|e| read_error(path, &e))
}

/// A large file (a province's values are tens of megabytes) is read in pieces of 4 MB by
/// the thread pool, each into its place of one buffer: the kernel copies each piece into memory it
/// must first clear, and that work is then shared by the cores instead of done by one. A small file,
/// or one that changes size while it is read, is read whole the usual way.
fn read_in_pieces(path: &Path) -> std::io::Result<Vec<u8>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    const PIECE: usize = 4 << 20;
    let file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    let Ok(len) = usize::try_from(len) else {
        return fs::read(path);
    };
    if len < 2 * PIECE {
        return fs::read(path);
    }
    let mut buf = vec![0u8; len];
    let read = buf
        .par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(k, piece)| file.read_exact_at(piece, (k * PIECE) as u64));
    match read {
        // Nothing after the end it had when it was measured: the file as it is.
        Ok(()) if file.read_at(&mut [0u8; 1], len as u64)? == 0 => Ok(buf),
        // Shorter or longer than measured (being written): read again, whole.
        Ok(()) => fs::read(path),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => fs::read(path),
        Err(e) => Err(e),
    }
}

/// `bytes` as text, or where the first byte that is not UTF-8 is (`file:line:column`). The check is
/// vectorised (simdutf8): on a province's values file it is ten times faster than the standard one,
/// which is visible in the time of a whole run.
///
/// Excel's other text encodings are named in the refusal: UTF-16 ("Unicode Text"; a byte-order mark,
/// or a zero byte in every other place, which UTF-8 accepts but no text holds), and Windows-1258 or
/// 1252 ("CSV (Comma delimited)" in a Vietnamese or Western Windows), which is what bytes that are not
/// UTF-8 in a CSV file usually are.
pub fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let advice = if csv {
        msg!(
            "hãy mở tệp bằng Excel và lưu lại dưới dạng \"CSV UTF-8 (Comma delimited)\"",
            "open it in Excel and save it again as \"CSV UTF-8 (Comma delimited)\""
        )
    } else {
        msg!(
            "hãy lưu lại với bảng mã UTF-8",
            "save it again with the UTF-8 encoding"
        )
    };
    let head = &bytes[..bytes.len().min(4096)];
    let zeros = |from: usize| {
        head.iter()
            .skip(from)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    if head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
        || (head.len() >= 4 && zeros(0).max(zeros(1)) * 4 >= head.len())
    {
        let f = path.display();
        return Err(InputError(msg!(
            "{f}: tệp được lưu bằng bảng mã UTF-16 (Excel gọi là \"Unicode Text\"), không phải UTF-8; {advice}",
            "{f}: the file is saved in the UTF-16 encoding (Excel's \"Unicode Text\"), not UTF-8; {advice}"
        ))
        .into());
    }
    simdutf8::compat::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        let f = path.display();
        anyhow::Error::new(InputError(msg!(
            "{f}:{line}:{column}: tệp không phải văn bản UTF-8, có lẽ được lưu bằng bảng mã Windows-1258 (tiếng Việt) hoặc Windows-1252, như Excel lưu \"CSV (Comma delimited)\"; {advice}",
            "{f}:{line}:{column}: the file is not UTF-8 text, likely saved in the Windows-1258 (Vietnamese) or Windows-1252 encoding, as Excel saves \"CSV (Comma delimited)\"; {advice}"
        )))
    })
}

/// The dataset at `path` (a folder or a `.json` file), validated against `edition`.
pub fn dataset(edition: &Edition, path: &Path) -> Result<Dataset> {
    let ds = if path.is_dir() {
        let units_p = path.join("units.csv");
        let values_p = path.join("values.csv");
        let (units_b, values_b) = (read_bytes(&units_p)?, read_bytes(&values_p)?);
        let units = utf8(&units_b, &units_p)?;
        let values = utf8(&values_b, &values_p)?;
        let m = meta(path)?;
        if let Some(e) = &m.edition
            && e != &edition.id
        {
            let (f, id) = (path.join("dataset.toml"), &edition.id);
            let f = f.display();
            bail!(InputError(msg!(
                "{f}: bộ dữ liệu dành cho bộ chỉ số '{e}', không phải '{id}'",
                "{f}: the dataset is for the edition '{e}', not '{id}'"
            )));
        }
        Dataset::from_csv(
            edition,
            Source {
                name: &units_p.display().to_string(),
                text: units,
            },
            Source {
                name: &values_p.display().to_string(),
                text: values,
            },
            m,
        )
    } else {
        let bytes = read_bytes(path)?;
        Dataset::from_json(
            edition,
            Source {
                name: &path.display().to_string(),
                text: utf8(&bytes, path)?,
            },
        )
    };
    ds.map_err(|e| anyhow::Error::new(InputError(e.to_string())))
}

/// Time per phase on standard error when `EGOV_TIMINGS` is set: how the benchmark attributes the time
/// of a run (bench/README.md), without a profiler.
pub struct Timings(Option<(std::time::Instant, f64)>);

/// The process's CPU time so far (user + system, every thread), in seconds, from `/proc/self/stat`
/// (clock ticks of 10 ms): on a shared machine a phase's CPU time says more than its wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

impl Timings {
    pub fn from_env() -> Timings {
        Timings(
            std::env::var_os("EGOV_TIMINGS").map(|_| (std::time::Instant::now(), cpu_seconds())),
        )
    }
    pub fn mark(&mut self, phase: &str) {
        if let Some((t, cpu)) = &mut self.0 {
            // The resident and peak memory after the phase: fresh memory costs time here (the kernel
            // zeroes every page a process touches first), so the benchmark follows it per phase too.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let mb = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                    .map_or(0.0, |k| k / 1024.0)
            };
            let now = cpu_seconds();
            eprintln!(
                "egov: {phase:>8}: {:6.1} ms  cpu {:6.0} ms  rss {:6.1} MB  peak {:6.1} MB",
                t.elapsed().as_secs_f64() * 1e3,
                (now - *cpu) * 1e3,
                mb("VmRSS:"),
                mb("VmHWM:")
            );
            *t = std::time::Instant::now();
            *cpu = now;
        }
    }
}

/// Leaves a large value to the end of the process instead of freeing it piece by piece: a province's
/// scores and annex are millions of small allocations, and the operating system takes the memory back
/// at once when the command returns. Only for values whose destructor does nothing but free memory.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Bad user input (exit status 2), as opposed to a failure of egov itself.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for InputError {}

/// Writes to `out` if given, else to standard output.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    emit_with(out, |w| w.write_all(bytes))
}

/// [`emit`] of what `write` writes as it makes it (through a buffer; into a file atomically, as
/// [`crate::output::write_atomic_with`]).
pub fn emit_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match out {
        Some(p) => crate::output::write_atomic_with(p, write),
        None => {
            let mut so = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut so).and_then(|()| so.flush()).map_err(|e| {
                let why = egov_core::lang::io_reason(&e);
                anyhow::anyhow!(msg!(
                    "không ghi được ra đầu ra chuẩn: {why}",
                    "cannot write to standard output: {why}"
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files of every size around the pieces (smaller than two, an exact multiple, one byte past) read
    /// in pieces are the bytes on disk.
    #[test]
    fn a_file_read_in_pieces_is_its_bytes() {
        let dir = std::env::temp_dir().join(format!("egov-read-pieces-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for len in [0, 5, (8 << 20) - 1, 8 << 20, (12 << 20) + 1, (20 << 20) + 3] {
            let path = dir.join(format!("f{len}"));
            let bytes: Vec<u8> = (0..len).map(|i: usize| (i * 7 % 253) as u8).collect();
            fs::write(&path, &bytes).unwrap();
            assert!(read_bytes(&path).unwrap() == bytes, "{len} bytes");
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
