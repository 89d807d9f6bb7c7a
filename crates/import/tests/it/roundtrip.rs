//! The seed's tables written as Markdown, HTML, DOCX and XLSX files and imported back are the same
//! tables: same ids, titles, parts, columns, blocks, rows, values and ranks. Positions differ by
//! format and are not compared; raw text is compared wherever the format stores text.

use egov_core::table::Table;
use egov_import::{Format, Imported, import_bytes};

use crate::seed::seed;
use crate::write;

/// The table without source positions (and without raw text when `keep_raw` is false).
fn strip(t: &Table, keep_raw: bool) -> Table {
    let mut t = t.clone();
    t.pos = None;
    let entry = |e: &mut egov_core::table::Entry| {
        e.edit_origin(|o| {
            o.pos = None;
            if !keep_raw {
                o.raw = None;
            }
        });
    };
    for b in &mut t.blocks {
        b.pos = None;
    }
    t.column_numbers.iter_mut().for_each(entry);
    for r in &mut t.rows {
        r.edit_origin(|o| {
            o.pos = None;
            o.rank_pos = None;
            if !keep_raw {
                o.rank_raw = None;
            }
        });
        r.values.iter_mut().for_each(entry);
        entry(&mut r.total);
    }
    t
}

fn check(name: &str, bytes: &[u8], format: Format, keep_raw: bool) -> Imported {
    let original = seed();
    for f in [format, Format::Auto] {
        let back = import_bytes(name, bytes, f).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(back.problems.is_empty(), "{name}: {:?}", back.problems);
        assert_eq!(back.tables.len(), original.tables.len(), "{name}");
        for (a, b) in original.tables.iter().zip(&back.tables) {
            assert_eq!(
                strip(b, keep_raw),
                strip(a, keep_raw),
                "{name}: table {}",
                a.id
            );
        }
    }
    import_bytes(name, bytes, format).unwrap()
}

#[test]
fn markdown() {
    let md = write::markdown(&seed().tables);
    let back = check("seed.md", md.as_bytes(), Format::Markdown, true);
    // Markdown positions are line:column of the cell text.
    let pos = back.tables[0].rows[0].total.pos().cloned().unwrap();
    assert!(
        pos.cell.is_none() && pos.line > 0 && pos.column > 1,
        "{pos:?}"
    );
}

#[test]
fn html() {
    let html = write::html(&seed().tables);
    let back = check("seed.html", html.as_bytes(), Format::Html, true);
    let t = &back.tables[2];
    assert_eq!(
        t.rows[0]
            .total
            .pos()
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("bảng 3, hàng 4, ô 6")
    );
}

#[test]
fn docx() {
    let bytes = write::docx(&seed().tables);
    let back = check("seed.docx", &bytes, Format::Docx, true);
    assert_eq!(
        back.tables[1].rows[4]
            .rank_pos()
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("bảng 2, hàng 8, ô 7")
    );
}

#[test]
fn xlsx() {
    let bytes = write::xlsx(&seed().tables);
    let back = check("seed.xlsx", &bytes, Format::Xlsx, false);
    // Table "I" on its sheet: part row, header rows 2–3, column numbers 4, block row 5, first unit row 6.
    let r = &back.tables[0].rows[0];
    assert_eq!(
        r.total.pos().map(ToString::to_string).as_deref(),
        Some("I!E6")
    );
    // Text cells keep their text; numbers keep their value.
    assert_eq!(back.tables[1].rows[4].rank_raw(), Some("I"));
    assert_eq!(
        back.tables[3].rows[0].values[0].cell.number(),
        Some("22.5".parse().unwrap())
    );
}
