//! Consistent severities (#12): a total that differs from the sum of its printed parts by more than their
//! rounding allows is an error whether the parts print one or two decimals and whatever the file format;
//! a difference the rounding of the printed parts explains is the same lesser finding in every format.

use egov_core::audit::{AuditOptions, FindingKind, Severity, audit};
use egov_core::table::Table;
use egov_import::{Format, import_bytes};

use crate::write;

/// A table "TT | Đơn vị | A | B | C | Tổng điểm | Xếp hạng" with parts printed with `decimals` and the
/// second row's total moved by `delta` (in hundredths).
fn table(decimals: usize, delta: i64) -> String {
    let num = |hundredths: i64| {
        let s = format!("{},{:02}", hundredths / 100, hundredths % 100);
        if decimals == 1 {
            s[..s.len() - 1].to_string()
        } else {
            s
        }
    };
    let rows = [
        ("Sở A", [2700, 4740, 1000]),
        ("Sở B", [2700, 4520, 1000]),
        ("Sở C", [2500, 4130, 900]),
    ];
    let mut text = String::from(
        "Bảng 1\n\n| TT | Đơn vị | A | B | C | Tổng điểm | Xếp hạng |\n|---|---|---|---|---|---|---|\n",
    );
    for (k, (unit, parts)) in rows.iter().enumerate() {
        let mut total: i64 = parts.iter().sum();
        if k == 1 {
            total += delta;
        }
        text.push_str(&format!(
            "| {} | {unit} | {} | {} | {} | {} | {} |\n",
            k + 1,
            num(parts[0]),
            num(parts[1]),
            num(parts[2]),
            num(total),
            k + 1
        ));
    }
    text
}

/// The sum findings of Sở B, as (kind, severity), for the table read from `bytes` as `format`.
fn sum_findings(name: &str, bytes: &[u8], format: Format) -> Vec<(FindingKind, Severity)> {
    let imp = import_bytes(name, bytes, format).expect("imports");
    let a = audit(&imp.tables, &AuditOptions::default());
    a.findings
        .iter()
        .filter(|f| {
            matches!(f.kind, FindingKind::SumMismatch | FindingKind::SumRounding)
                && f.unit.as_deref() == Some("Sở B")
        })
        .map(|f| (f.kind, f.severity))
        .collect()
}

fn tables(text: &str) -> Vec<Table> {
    import_bytes("t.md", text.as_bytes(), Format::Markdown)
        .expect("imports")
        .tables
}

#[test]
fn beyond_the_rounding_is_an_error_at_one_or_two_decimals() {
    // Off by a whole point: more than three parts' rounding can hide at either precision.
    for decimals in [1, 2] {
        let text = table(decimals, 100);
        assert_eq!(
            sum_findings("t.md", text.as_bytes(), Format::Markdown),
            [(FindingKind::SumMismatch, Severity::Error)],
            "{decimals} decimals:\n{text}"
        );
    }
}

#[test]
fn the_same_finding_in_every_format() {
    for (decimals, delta) in [(1, 100), (2, 100), (2, 1), (1, 10)] {
        let text = table(decimals, delta);
        let t = tables(&text);
        let want = sum_findings("t.md", text.as_bytes(), Format::Markdown);
        assert!(!want.is_empty(), "{decimals}/{delta}: a finding to compare");
        for (name, bytes, format) in [
            ("t.html", write::html(&t).into_bytes(), Format::Html),
            ("t.docx", write::docx(&t), Format::Docx),
            ("t.xlsx", write::xlsx(&t), Format::Xlsx),
        ] {
            assert_eq!(
                sum_findings(name, &bytes, format),
                want,
                "{decimals} decimals, moved by {delta}: {name}"
            );
        }
    }
}
