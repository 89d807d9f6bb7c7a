//! Tampered entry forms through `egov import-values`, under the memory limit and the wall-clock guard
//! of [`super::hostile`]: a formula saved without its cached value (read as a blank, it silently
//! scored the unit zero), a cell written twice, an entry Excel turned into a date, and a very hidden
//! sheet; and a form whose block sheet is renamed to 200,000 characters with a unit marker in every
//! column (read naively, the name was copied into every cell's position: 5 MB of file, 19 GB of
//! memory). Each is refused (exit 2) naming its cell or sheet, and the output folder is not created.

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::Duration;

use super::hostile::{assert_refused, egov_limited, head, scratch};

const GUARD: Duration = Duration::from_secs(120);

fn data(rel: &str) -> String {
    format!("{}/../../data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A filled commune form (the example's units and values) in `dir`, as its bytes.
pub(crate) fn filled_form(dir: &Path) -> Vec<u8> {
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
pub(crate) fn tampered(bytes: &[u8], edit: impl Fn(&str, &str) -> Option<String>) -> Vec<u8> {
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
pub(crate) fn khoi_xa(bytes: &[u8]) -> String {
    let wb = text_of(bytes, "xl/workbook.xml");
    let k = wb
        .split("<sheet ")
        .skip(1)
        .position(|s| s.contains("name=\"khoi-xa\""))
        .unwrap();
    format!("xl/worksheets/sheet{}.xml", k + 1)
}

/// The `<c r="…">…</c>` element of a cell.
pub(crate) fn cell_element<'a>(xml: &'a str, cell: &str) -> &'a str {
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

/// The A1 column letters of a 0-based column.
fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    c += 1;
    while c > 0 {
        out.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_renamed_sheet_with_a_unit_in_every_column_stays_within_memory() {
    let dir = scratch("form-wide-long-name");
    let form = filled_form(&dir);
    let part = khoi_xa(&form);
    let long = "x".repeat(200_000);
    // Renamed in the workbook only (an unknown sheet), and everywhere the form names it (the hidden
    // sheet's list too, so the reader goes on to every cell and every unit column).
    // The same without the rename: sixteen thousand unit columns, all but the form's own empty, read
    // within the limits (the empty ones are not units).
    for (file, everywhere, name) in [
        ("wide.xlsx", false, long.as_str()),
        ("wide-known.xlsx", true, long.as_str()),
        ("wide-columns.xlsx", true, "khoi-xa"),
    ] {
        let long = name;
        let bomb = tampered(&form, |name, xml| {
            if name == part {
                // Row 1 holds the unit markers (H1…); one in every column up to Excel's last, XFD.
                let start = xml.find("<row r=\"1\"").unwrap();
                let end = start + xml[start..].find("</row>").unwrap();
                let marker = cell_element(xml, "H1");
                let body = &marker["<c r=\"H1\"".len()..];
                let mut row =
                    String::from(&xml[start..start + xml[start..].find('>').unwrap() + 1]);
                row.push_str(cell_element(xml, "A1"));
                for c in 7..16_384 {
                    row.push_str(&format!("<c r=\"{}1\"{body}", column_letters(c)));
                }
                Some(format!("{}{row}{}", &xml[..start], &xml[end..]).replace("khoi-xa", long))
            } else if name == "xl/workbook.xml" || everywhere {
                Some(xml.replace("khoi-xa", long))
            } else {
                None
            }
        });
        assert!(bomb.len() < 8_000_000, "a small file: {} bytes", bomb.len());
        if long == "khoi-xa" {
            std::fs::write(dir.join(file), &bomb).unwrap();
            let run = egov_limited(
                &dir,
                &[
                    "import-values",
                    file,
                    "--edition",
                    "commune-2392",
                    "--out",
                    "wide-columns",
                ],
                GUARD,
            );
            assert_eq!(run.code, Some(0), "{}", head(&run.stderr));
            // The same dataset as the untouched form gives.
            let run = egov_limited(
                &dir,
                &[
                    "import-values",
                    "xa.xlsx",
                    "--edition",
                    "commune-2392",
                    "--out",
                    "plain",
                ],
                GUARD,
            );
            assert_eq!(run.code, Some(0), "{}", head(&run.stderr));
            for f in ["units.csv", "values.csv"] {
                assert_eq!(
                    std::fs::read_to_string(dir.join("wide-columns").join(f)).unwrap(),
                    std::fs::read_to_string(dir.join("plain").join(f)).unwrap(),
                    "{f}"
                );
            }
        } else {
            refused(&dir, file, &bomb, &[file, "200000 ký tự"]);
        }
    }
}

#[test]
fn values_in_columns_the_key_row_does_not_mark_are_refused() {
    // The hidden row 1 marks each unit column with `#unit`; damaged (the markers turned into numbers,
    // or a column inserted), the unit's values would be dropped without a word and the form imported.
    let dir = scratch("form-unmarked-columns");
    let form = filled_form(&dir);
    let part = khoi_xa(&form);
    let damaged = tampered(&form, |name, xml| {
        (name == part).then(|| {
            let mut xml = xml.to_string();
            for col in ["H", "I", "J", "K", "L"] {
                let el = cell_element(&xml, &format!("{col}1")).to_string();
                xml = xml.replacen(&el, &el.replace(" t=\"s\"", ""), 1);
            }
            xml
        })
    });
    refused(
        &dir,
        "unmarked.xlsx",
        &damaged,
        &["unmarked.xlsx: khoi-xa!H", "không phải cột đơn vị"],
    );
}
