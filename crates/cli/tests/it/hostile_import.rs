//! Documents crafted to cost far more than their size, given to the real `egov import` and `egov audit`
//! under a 1 GiB address-space limit (see [`super::hostile`]).
//!
//! Each was reproduced against the importers before their budget: gigabytes from a few kilobytes
//! (a 100,000-character sheet name copied into every cell position, HTML `rowspan`s whose blanks grow
//! with the square of the rows, a DOCX row of empty cells), or minutes from nested HTML. Now each is
//! either refused at the place where it crosses the document budget (exit 2, a short located message)
//! or read in linear time within the memory limit. The wall-clock guards are bounds about a hundred
//! times what a run takes, not benchmarks.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::hostile::{Run, assert_refused, egov_limited, head, scratch};

const GUARD: Duration = Duration::from_secs(120);

/// Runs `egov import FILE` and `egov audit FILE` on `bytes` written as `name`.
fn both(dir: &Path, name: &str, bytes: &[u8]) -> [Run; 2] {
    std::fs::write(dir.join(name), bytes).expect("write the crafted file");
    [
        egov_limited(dir, &["import", name], GUARD),
        egov_limited(dir, &["audit", name], GUARD),
    ]
}

/// A run that read the file (or found no table in it) and ended normally: exit 0, 1 or 2, no signal.
#[track_caller]
fn clean_exit(run: &Run) {
    assert!(
        matches!(run.code, Some(0..=2)),
        "expected a normal exit; got {:?} after {:?}\nstderr: {}",
        run.code,
        run.elapsed,
        head(&run.stderr)
    );
    assert!(run.stderr.len() < 4096, "stderr: {}", head(&run.stderr));
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(*name, opts).expect("entry");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// The workbook's entries with `f` applied to each.
fn rezip(bytes: &[u8], f: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::Read;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut parts = Vec::new();
    for i in 0..src.len() {
        let mut e = src.by_index(i).expect("entry");
        let name = e.name().expect("name").to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).expect("read");
        let data = f(&name, data);
        parts.push((name, data));
    }
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_of(&refs)
}

/// A one-sheet workbook with a value on the diagonal of an `n`-row, at most 2,000-column used range, its sheet named with
/// `name_chars` characters (past Excel's 31: the name is patched into the workbook part).
fn long_named_sheet(n: u32, name_chars: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("PLACEHOLDER").expect("name");
    for i in 0..n {
        ws.write_string(i, u16::try_from(i.min(1_999)).expect("column"), "x")
            .expect("write");
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let long = "S".repeat(name_chars);
    rezip(&bytes, |name, data| {
        if name == "xl/workbook.xml" {
            String::from_utf8(data)
                .expect("utf-8")
                .replace("PLACEHOLDER", &long)
                .into_bytes()
        } else {
            data
        }
    })
}

#[test]
fn a_long_sheet_name_over_a_wide_used_range_is_refused_at_its_cell() {
    // 2,001 rows × 2,000 columns of used range: past the four million grid cells of the budget at the
    // last row. Before, each of the four million positions copied the 100,000-character name (hundreds
    // of gigabytes); now the name is shared, shown cut to Excel's 31 characters.
    let dir = scratch("import-long-sheet-name");
    let bytes = long_named_sheet(2_001, 100_000);
    let shown = format!("{}…!", "S".repeat(31));
    for run in both(&dir, "ten.xlsx", &bytes) {
        assert_refused(&run, &["ten.xlsx", &shown, "BXX2001"]);
    }
}

#[test]
fn a_long_sheet_name_within_the_budget_reads_within_memory() {
    // Exactly 2,000 × 2,000: within the budget, so it is read (no table in it), within 1 GiB.
    let dir = scratch("import-long-sheet-name-within");
    let bytes = long_named_sheet(2_000, 100_000);
    for run in both(&dir, "ten.xlsx", &bytes) {
        clean_exit(&run);
    }
}

#[test]
fn html_rowspans_are_refused_at_the_blank_cell() {
    // 200 KB; before, 1.6 MB of these rows took 6.6 GB.
    let dir = scratch("import-rowspan");
    let page = format!(
        "<table>{}</table>",
        "<tr><td rowspan=1000>a</td></tr>".repeat(7_000)
    );
    for run in both(&dir, "gop.html", page.as_bytes()) {
        assert_refused(&run, &["gop.html", "bảng 1, hàng ", "rowspan"]);
    }
}

#[test]
fn a_docx_row_of_empty_cells_is_refused_at_its_cell() {
    // 4.2 million `<w:tc/>` (29 MB of XML, a few tens of kilobytes deflated): past the cells budget.
    let dir = scratch("import-docx-cells");
    let xml = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl><w:tr>{}</w:tr></w:tbl></w:body></w:document>",
        "<w:tc/>".repeat(4_200_000)
    );
    let bytes = zip_of(&[
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        ),
        ("word/document.xml", xml.as_bytes()),
    ]);
    for run in both(&dir, "o.docx", &bytes) {
        assert_refused(&run, &["o.docx", "bảng 1, hàng 1, ô 4000001"]);
    }
}

#[test]
fn a_markdown_line_of_bars_is_refused_at_its_column() {
    // 4.5 MB of `|` on one line is a cell per byte: past the cells budget, located on line 2.
    let dir = scratch("import-bars");
    let md = format!("| TT | Đơn vị |\n{}\n", "|".repeat(4_500_000));
    for run in both(&dir, "vach.md", md.as_bytes()) {
        assert_refused(&run, &["vach.md:2:"]);
    }
}

#[test]
fn nested_html_with_text_at_each_level_is_read_in_linear_time() {
    // 600 KB, 100,000 levels: took 55 s. A page may legitimately nest; the levels past the budget's
    // depth are read as one paragraph, so the run ends normally (no table: exit 2 with a message).
    let dir = scratch("import-nested-div");
    let page = format!("<p>Tiêu đề</p>{}", "<div>x".repeat(100_000));
    for run in both(&dir, "long.html", page.as_bytes()) {
        clean_exit(&run);
    }
}

#[test]
fn nested_html_table_cells_are_read_in_linear_time() {
    // 20,000 tables each in the cell of the one before: took nearly two minutes at this size. The
    // outer table is a grid and the inner ones its cell's text, read once.
    let dir = scratch("import-nested-td");
    let page = "<table><tr><td>x".repeat(20_000);
    for run in both(&dir, "o.html", page.as_bytes()) {
        clean_exit(&run);
    }
}
