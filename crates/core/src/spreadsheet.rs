//! The one rule every CSV egov writes follows so that opening it in a spreadsheet runs nothing, and its
//! inverse, applied wherever egov reads a CSV back.
//!
//! Excel, LibreOffice and Google Sheets read a CSV field that begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return as a formula, so a unit named `=HYPERLINK("http://x","y")` would run when a clerk
//! opens the file (OWASP "CSV injection"). Every *text* field (names, codes, labels, titles, blocks, row
//! numbers, positions, text cells) that begins with one of those characters is written with a single
//! quote `'` in front and between double quotes. A text field that already begins with quotes followed
//! by one of those characters gets one quote more, so the rule can be undone exactly ([`text_back`]):
//! egov reads its own files (annex CSV, dataset CSVs written by `import-values`) back to the original
//! text. *Numbers egov formatted itself* (values, points, maxima, ranks: `-3.5`, `-2`) are fields of
//! their own kind ([`csv_number`]) and are never prefixed, so they stay numbers in a spreadsheet; the
//! rule is decided by the column, not by what the text looks like (a unit *named* `+1` is text).
//!
//! It lives in the core (pure string functions) because the dataset reader undoes it and every writer
//! crate (export, import, the CLI) applies it.

use std::borrow::Cow;

/// What makes a spreadsheet read a field as a formula (OWASP "CSV injection").
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text field is guarded: after any leading quotes, it begins like a formula.
fn guarded(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A text field as a spreadsheet may safely open it: `'` in front when it begins like a formula (or
/// with quotes and then like a formula), otherwise unchanged. Undone by [`text_back`].
pub fn spreadsheet_text(s: &str) -> Cow<'_, str> {
    if guarded(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The text [`spreadsheet_text`] was given: one leading `'` removed where it added one. Any other
/// text (a foreign file's `=x`, a name `'Quote`) is returned as it stands.
pub fn text_back(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if guarded(rest) => rest,
        _ => s,
    }
}

/// A text field as written in a CSV line: made [`spreadsheet_text`], and quoted when guarded (as OWASP
/// asks) or when it holds a comma, a double quote or a line break.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    let s = spreadsheet_text(s);
    let quote = guarded(&s) || needs_quotes(&s);
    quoted(s, quote)
}

/// A number egov formatted itself (`-3.5`, `27`, `not_evaluated`, empty) as written in a CSV line:
/// never prefixed; quoted only if it holds a comma (a decimal comma).
pub fn csv_number(s: &str) -> Cow<'_, str> {
    quoted(Cow::Borrowed(s), needs_quotes(s))
}

fn needs_quotes(s: &str) -> bool {
    s.contains([',', '"', '\r', '\n'])
}

fn quoted(s: Cow<'_, str>, quote: bool) -> Cow<'_, str> {
    if quote {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        s
    }
}
