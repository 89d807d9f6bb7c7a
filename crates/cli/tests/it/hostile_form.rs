//! Tampered entry forms through `egov import-values`, under the memory limit and the wall-clock guard
//! of [`super::hostile`]: a formula saved without its cached value (read as a blank, it silently
//! scored the unit zero), a cell written twice, an entry Excel turned into a date, and a very hidden
//! sheet. Each is refused (exit 2) naming its cell or sheet, and the output folder is not created.

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::Duration;

use super::hostile::{assert_refused, egov_limited, scratch};

const GUARD: Duration = Duration::from_secs(120);

fn data(rel: &str) -> String {
    format!("{}/../../data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A filled commune form (the example's units and values) in `dir`, as its bytes.
fn filled_form(dir: &Path) -> Vec<u8> {
    let run = egov_limited(
        dir,
        &[
            "template",
            "--edition",
            "commune-2392",
            "--units",
            &data("examples/commune-2392"),
            "--out",
            "xa.xlsx",
        ],
        GUARD,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    std::fs::read(dir.join("xa.xlsx")).unwrap()
}

fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// The form with its XML parts rewritten by `edit(part, text)` (`None` keeps a part).
fn tampered(bytes: &[u8], edit: impl Fn(&str, &str) -> Option<String>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts(bytes) {
        let data = match std::str::from_utf8(&data).ok().and_then(|t| edit(&name, t)) {
            Some(t) => t.into_bytes(),
            None => data,
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn text_of(bytes: &[u8], part: &str) -> String {
    let (_, data) = parts(bytes).into_iter().find(|(n, _)| n == part).unwrap();
    String::from_utf8(data).unwrap()
}

/// The worksheet part of `khoi-xa` (rust_xlsxwriter names parts `sheetN.xml` in workbook order).
fn khoi_xa(bytes: &[u8]) -> String {
    let wb = text_of(bytes, "xl/workbook.xml");
    let k = wb
        .split("<sheet ")
        .skip(1)
        .position(|s| s.contains("name=\"khoi-xa\""))
        .unwrap();
    format!("xl/worksheets/sheet{}.xml", k + 1)
}

/// The `<c r="…">…</c>` element of a cell.
fn cell_element<'a>(xml: &'a str, cell: &str) -> &'a str {
    let start = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
    let end = start + xml[start..].find("</c>").unwrap() + 4;
    &xml[start..end]
}

/// Imports `form` and asserts it is refused naming `located`, with no output folder.
fn refused(dir: &Path, name: &str, form: &[u8], located: &[&str]) {
    std::fs::write(dir.join(name), form).unwrap();
    let out = dir.join(format!("{name}.out"));
    let run = egov_limited(
        dir,
        &[
            "import-values",
            name,
            "--edition",
            "commune-2392",
            "--out",
            out.to_str().unwrap(),
        ],
        GUARD,
    );
    assert_refused(&run, located);
    assert!(!out.exists(), "nothing is written for a refused form");
}

#[test]
fn tampered_forms_are_refused_at_their_cell_or_sheet() {
    let dir = scratch("tampered-forms");
    let form = filled_form(&dir);
    let part = khoi_xa(&form);
    // H13 is the first unit's so_cbcc (a number): a formula saved without its result.
    let formula = tampered(&form, |name, xml| {
        (name == part).then(|| {
            let el = cell_element(xml, "H13");
            let head = &el[..el.find('>').unwrap() + 1];
            xml.replacen(el, &format!("{head}<f>10+14</f></c>"), 1)
        })
    });
    refused(
        &dir,
        "formula.xlsx",
        &formula,
        &["formula.xlsx: khoi-xa!H13:", "công thức"],
    );
    let twice = tampered(&form, |name, xml| {
        (name == part).then(|| {
            let el = cell_element(xml, "H13");
            xml.replacen(el, &format!("{el}{}", el.replace("<v>", "<v>1")), 1)
        })
    });
    refused(
        &dir,
        "twice.xlsx",
        &twice,
        &["twice.xlsx: khoi-xa!H13:", "hai lần"],
    );
    let styles = text_of(&form, "xl/styles.xml");
    let count: usize = styles[styles.find("<cellXfs count=\"").unwrap() + 16..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let date = tampered(&form, |name, xml| {
        if name == "xl/styles.xml" {
            Some(
                xml.replacen(
                    &format!("<cellXfs count=\"{count}\">"),
                    &format!("<cellXfs count=\"{}\">", count + 1),
                    1,
                )
                .replacen(
                    "</cellXfs>",
                    "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
                    1,
                ),
            )
        } else if name == part {
            let el = cell_element(xml, "H13");
            let v = &el[el.find("<v>").unwrap()..];
            Some(xml.replacen(el, &format!("<c r=\"H13\" s=\"{count}\">{v}"), 1))
        } else {
            None
        }
    });
    refused(
        &dir,
        "date.xlsx",
        &date,
        &["date.xlsx: khoi-xa!H13:", "ngày tháng"],
    );
    let hidden = tampered(&form, |name, xml| {
        (name == "xl/workbook.xml").then(|| {
            xml.replacen(
                "name=\"khoi-do-thi\"",
                "name=\"khoi-do-thi\" state=\"veryHidden\"",
                1,
            )
        })
    });
    refused(
        &dir,
        "hidden.xlsx",
        &hidden,
        &["hidden.xlsx: trang tính 'khoi-do-thi'", "veryHidden"],
    );
    // The untouched form is accepted.
    let run = egov_limited(
        &dir,
        &[
            "import-values",
            "xa.xlsx",
            "--edition",
            "commune-2392",
            "--out",
            "ok",
        ],
        GUARD,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}
