//! Nothing panics on arbitrary input, and a seed cut anywhere imports what is whole.

use egov_import::{Format, import_bytes};
use proptest::prelude::*;

const FORMATS: [Format; 7] = [
    Format::Auto,
    Format::WordText,
    Format::Markdown,
    Format::Html,
    Format::Docx,
    Format::Xlsx,
    Format::Csv,
];

/// Pieces that make text look like an annex, so generated inputs reach deep into the builder.
fn annex_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("TT".to_string()),
        Just("Đơn vị".to_string()),
        Just("Điểm".to_string()),
        Just("Tổng điểm".to_string()),
        Just("Xếp hạng".to_string()),
        Just("Năm 2019".to_string()),
        Just("(1)".to_string()),
        Just("I".to_string()),
        Just("II. CHỈ SỐ".to_string()),
        Just("1. Sở Y tế – 74,4".to_string()),
        Just("Không đánh giá".to_string()),
        Just("\u{a0}".to_string()),
        Just("| ".to_string()),
        Just("<td colspan=3>".to_string()),
        Just("<tr>".to_string()),
        Just("<table>".to_string()),
        "[0-9]{1,3}(,[0-9]{1,2})?",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000), zip in any::<bool>()) {
        let mut input = bytes;
        if zip {
            input.splice(0..0, *b"PK\x03\x04");
        }
        for f in FORMATS {
            let _ = import_bytes("x", &input, f);
        }
    }

    #[test]
    fn annex_like_text_never_panics(text in annex_like()) {
        for f in [Format::Auto, Format::WordText, Format::Markdown, Format::Html, Format::Csv] {
            if let Ok(imp) = import_bytes("x", text.as_bytes(), f) {
                for t in &imp.tables {
                    for r in &t.rows {
                        prop_assert_eq!(r.values.len(), t.columns.len());
                    }
                }
            }
        }
    }

    #[test]
    fn tight_budgets_refuse_with_a_place_or_read(text in annex_like(), cells in 1u64..200, cr in any::<bool>()) {
        // Any text under small limits, with old-Mac line ends or not: read, or refused by the budget
        // naming the file and a place; never a panic; the work stays proportional to the input.
        let text = if cr { text.replace('\n', "\r") } else { text };
        let limits = egov_import::budget::Limits { cells, text_bytes: 2_000, span_cells: cells, depth: 8 };
        for f in [Format::WordText, Format::Markdown, Format::Html, Format::Csv] {
            let (r, work) = egov_import::import_within("x", text.as_bytes(), f, limits);
            if let Err(e) = r {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("x"), "{}", msg);
            }
            prop_assert!(work.total() <= 64 * (text.len() as u64 + 64), "{:?} for {} bytes", work, text.len());
        }
    }

    #[test]
    fn a_cut_seed_keeps_whole_rows(cut in 0usize..60_000) {
        let seed = std::fs::read_to_string(crate::seed::seed_path()).unwrap();
        let mut end = cut.min(seed.len());
        while !seed.is_char_boundary(end) {
            end -= 1;
        }
        let imp = import_bytes("cut.txt", &seed.as_bytes()[..end], Format::WordText).unwrap();
        let full = crate::seed::seed();
        // Every imported row is one of the seed's rows, whole, in the same table.
        for t in &imp.tables {
            let original = full.tables.iter().find(|o| o.id == t.id).expect("a seed table");
            for (r, o) in t.rows.iter().zip(&original.rows) {
                prop_assert_eq!(&r.unit, &o.unit);
                prop_assert_eq!(r.values.len(), o.values.len());
                if r.rank_raw.is_some() && r.rank_raw == o.rank_raw {
                    prop_assert_eq!(&r.rank, &o.rank);
                }
            }
        }
        let rows: usize = imp.tables.iter().map(|t| t.rows.len()).sum();
        prop_assert!(rows <= 93);
        prop_assert!(imp.problems.len() <= 2, "{:?}", imp.problems);
    }
}
