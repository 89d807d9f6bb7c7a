//! The readers of #12 keep the importers' invariant: work linear in what they read (counted by the
//! budget, never timed). Each form is read at n and 4n, including the inputs that make the regrouping
//! try hardest: paragraphs that all look like header cells, rows that almost fit, lines that almost
//! parse as ranked rows.

use egov_import::budget::Limits;
use egov_import::{Format, import_within};

/// The work at 4n is at most 4.5 times the work at n.
#[track_caller]
fn linear(what: &str, make: impl Fn(usize) -> String, n: usize) {
    let work = |text: String| {
        let (r, w) = import_within(what, text.as_bytes(), Format::WordText, Limits::DOCUMENT);
        r.unwrap_or_else(|e| panic!("{what}: {e}"));
        w.total()
    };
    let (small, large) = (work(make(n)), work(make(4 * n)));
    assert!(
        large * 2 <= small * 9,
        "{what}: work {small} at n = {n}, {large} at 4n: {:.1}× (linear is 4×)",
        large as f64 / small as f64
    );
}

#[test]
fn a_table_one_cell_per_paragraph_is_linear() {
    linear(
        "paragraphs",
        |n| {
            let mut s = String::from("TT\n\nĐơn vị\n\nĐiểm\n\nXếp hạng\n\n");
            for i in 1..=n {
                s.push_str(&format!("{i}\n\nSở {i}\n\n{},5\n\n{i}\n\n", 10_000 - i));
            }
            s
        },
        500,
    );
}

#[test]
fn paragraphs_that_all_look_like_headers_are_linear() {
    // Every paragraph starts a header attempt; none finds a row.
    linear(
        "headers",
        |n| "TT\n\nĐơn vị\n\nXếp hạng\n\nTổng điểm\n\n".repeat(n),
        500,
    );
    // Headers whose rows almost fit: a number, then prose.
    linear(
        "almost",
        |n| "Đơn vị\n\nĐiểm\n\nHạng\n\n1\n\nmột đoạn văn dài ".repeat(n) + "\n",
        500,
    );
}

#[test]
fn ranked_lines_and_prose_lists_are_linear() {
    linear(
        "spaced",
        |n| {
            (1..=n)
                .map(|i| format!("{i} Tỉnh {i} 0.{i:04} 0.5000\n"))
                .collect()
        },
        500,
    );
    // Lines that parse as ranked rows two at a time, with a changing number of numbers.
    linear(
        "spaced-broken",
        |n| {
            (1..=n)
                .map(|i| format!("{i} Tỉnh {}\n", " 1".repeat(i % 3)))
                .collect()
        },
        500,
    );
    linear(
        "prose-list",
        |n| {
            let items: Vec<String> = (1..=n)
                .map(|i| format!("{i}. Sở {i} ({},5 điểm)", 9000 - i))
                .collect();
            format!("Kết quả: {}.\n", items.join("; "))
        },
        500,
    );
    linear(
        "ordered",
        |n| {
            let items: Vec<String> = (1..=n).map(|i| format!("Sở Số {i}")).collect();
            format!(
                "Thứ tự xếp hạng (từ trên xuống) như sau: {}.\n",
                items.join(", ")
            )
        },
        500,
    );
}
