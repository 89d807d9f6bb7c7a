//! The characters every document egov writes may hold, and escaping for XML and HTML.
//!
//! Text reaches the writers from editions, datasets and imported documents, and any of them may carry
//! a control character (a stray U+0001 from a copy out of a PDF, an escape sequence). XML 1.0 cannot hold
//! C0 controls other than tab, line feed and carriage return, nor U+FFFE/U+FFFF, even as character
//! references: one such character makes the whole SVG, DOCX part or XLSX part unreadable. The C1
//! controls (U+0080–U+009F) and DEL are legal XML but invisible and never meant in an annex. So every
//! one of them is **replaced by U+FFFD** (the replacement character, visible as �) wherever text is laid
//! out or written as markup: a reader sees that something was there, and nothing is silently dropped.
//! Tab, line feed and carriage return are kept (each format decides how to show them). CSV and JSON are
//! data, not markup, and keep text as it is (JSON escapes controls; CSV guards formulas instead).

use std::borrow::Cow;

/// Whether `c` may stand in a document egov writes (see the module documentation).
pub fn allowed(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// `s` with every character that is not [`allowed`] replaced by U+FFFD.
pub fn safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if allowed(c) { c } else { '\u{fffd}' })
                .collect(),
        )
    }
}

/// [`safe`] text escaped for XML and HTML element content and attribute values (double- or
/// single-quoted).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !allowed(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_replacement_characters() {
        assert_eq!(
            safe("a\u{1}b\u{9f}c\u{ffff}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
        assert_eq!(safe("tab\tline\nret\r"), "tab\tline\nret\r");
        assert_eq!(esc("<\u{0}&'\">"), "&lt;\u{fffd}&amp;&#39;&quot;&gt;");
        assert!(matches!(safe("Xã An Bình"), Cow::Borrowed(_)));
    }
}
