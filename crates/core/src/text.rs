//! Vietnamese text at the input boundary: NFC normalisation, blank detection, name keys, collation.
//!
//! Published tables mix NFC and NFD forms of the same name and use non-breaking spaces for blank cells.
//! Everything that enters egov passes through [`clean`] so that comparisons, keys and output are NFC;
//! ordering of names uses the Vietnamese collation of ICU (`Bình Dương < Bình Định`, `Dak < Đà`), not
//! code-point order, which would put every name starting with Đ after Z.

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// NFC-normalises and trims a cell, turning non-breaking and zero-width spaces into ordinary blanks.
pub fn clean(s: &str) -> String {
    // Codes, names and headers are nearly always clean already: one check (one look at each character
    // for the usual ones, [`plainly_clean`]) instead of rebuilding the text.
    if is_clean(s) {
        return s.to_string();
    }
    // Padded ASCII numbers or codes: one allocation, no normalisation pass.
    if s.is_ascii() && !s.contains("  ") && !s.contains(['\t', '\n', '\r']) {
        return s.trim().to_string();
    }
    let replaced: String = s
        .chars()
        .map(|c| match c {
            '\u{a0}' | '\u{2007}' | '\u{202f}' => ' ',
            c => c,
        })
        .filter(|c| *c != '\u{200b}' && *c != '\u{feff}')
        .collect();
    let collapsed = replaced.split_whitespace().collect::<Vec<_>>().join(" ");
    nfc(&collapsed)
}

/// Case-insensitive equality (Unicode lower case), without allocating.
pub fn eq_ci(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Whether `s` is surely what [`clean`] leaves as it is, from one look at each character: printable
/// ASCII, and the letters of Vietnamese names (Latin-1 Supplement to Latin Extended-B, Latin Extended
/// Additional), each NFC by itself, of combining class 0 and not a space (a test checks every one of
/// them against the definitions); single spaces between them. `false` says only that the full check
/// ([`is_clean`]) is needed: a province's units file is read a hundred thousand names at a time, and
/// the full check (spaces of every kind, then Unicode's quick check of the normal form, character by
/// character) was most of its reading.
#[inline]
fn plainly_clean(s: &str) -> bool {
    let mut prev_space = true;
    for c in s.chars() {
        match c {
            ' ' if !prev_space => prev_space = true,
            '!'..='~' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => prev_space = false,
            _ => return false,
        }
    }
    !prev_space
}

/// Whether `s` is already what [`clean`] would make of it (NFC, no special or repeated spaces, trimmed),
/// so that callers can borrow it instead of allocating.
pub fn is_clean(s: &str) -> bool {
    if plainly_clean(s) {
        return true;
    }
    let mut prev_space = true;
    for c in s.chars() {
        let space = c == ' ';
        if (space && prev_space)
            || (c.is_whitespace() && !space)
            || matches!(
                c,
                '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{200b}' | '\u{feff}'
            )
        {
            return false;
        }
        prev_space = space;
    }
    (s.is_empty() || !prev_space)
        && matches!(
            is_nfc_quick(s.chars()),
            unicode_normalization::IsNormalized::Yes
        )
}

/// NFC form of `s`.
pub fn nfc(s: &str) -> String {
    if is_nfc(s) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// Whether `s` is already NFC (the check an auditor reports on).
pub fn is_nfc(s: &str) -> bool {
    match is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => true,
        _ => s.nfc().eq(s.chars()),
    }
}

/// How many characters of an offending value a message quotes: enough to recognise it, never the
/// whole of a 100 MB cell.
pub const QUOTE_CHARS: usize = 100;

/// An offending value as a message quotes it: whole when it has at most [`QUOTE_CHARS`] characters,
/// otherwise its first [`QUOTE_CHARS`] characters, "…" and its length (`abc… (104857600 ký tự)`).
/// Every message of egov-core that repeats what a file holds goes through here, so that a huge value
/// gives a short message.
pub fn quote_short(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(QUOTE_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            let (head, n) = (&s[..cut], s.chars().count());
            std::borrow::Cow::Owned(crate::msg!(
                "{head}… ({n} ký tự)",
                "{head}… ({n} characters)"
            ))
        }
    }
}

/// `s` whole when it has at most `max` characters, otherwise its first `max` and "…": how a name from
/// a document (a unit, a sheet) is shown where a crafted one must not be repeated whole.
pub fn cut(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// Messages made from a document's text (audit findings, import problems) quote cells and names in
/// `open`…`close` marks («…» in Vietnamese, "…" in English); a crafted cell of a megabyte must not
/// make a megabyte of message. Returns `s` with every part between `open` and `close` longer than
/// [`QUOTE_CHARS`] characters cut to that many and "…"; one pass, and a message without long quotes
/// is returned as it is.
pub fn short_quotes(s: String, open: char, close: char) -> String {
    let max = QUOTE_CHARS;
    if s.len() <= max {
        return s;
    }
    let mut out = String::with_capacity(s.len().min(4 * max));
    let mut rest = s.as_str();
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len_utf8()..];
        let Some(j) = after.find(close) else { break };
        out.push_str(&rest[..i + open.len_utf8()]);
        out.push_str(&cut(&after[..j], max));
        out.push(close);
        rest = &after[j + close.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The first control character of a name (C0, DEL or C1; tab and line breaks included), with its
/// character position (1-based). Names and codes are printed in decisions and tables: a control
/// character in one is invisible damage, never meaning, so it is refused rather than cleaned away.
pub fn control_char(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .map(|(i, c)| (i + 1, c))
}

/// The message for a name holding a control character (see [`control_char`]), in the message language.
pub fn control_char_message(what: &str, s: &str) -> Option<String> {
    control_char(s).map(|(at, c)| {
        crate::msg!(
            "{what} chứa ký tự điều khiển U+{:04X} ở ký tự thứ {at} (\"{}\"); hãy xóa ký tự này",
            "{what} holds the control character U+{:04X} at character {at} (\"{}\"); remove it",
            u32::from(c),
            quote_short(s).escape_debug()
        )
    })
}

/// The candidate a mistyped word was most likely meant to be ("did you mean"): the closest by
/// Damerau–Levenshtein distance (a swap of two neighbours counts one, so `2091` is near `2019`),
/// ignoring case, and only when it is close enough to be a typo: at most one edit in three characters
/// of the longer word, and never the word itself. Ties go to the first candidate.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        if cl == w {
            continue;
        }
        let d = strsim::damerau_levenshtein(&w, &cl);
        let longer = w.chars().count().max(cl.chars().count());
        if d <= (longer / 3).max(1) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `"; có phải 'x'?"` / `"; did you mean 'x'?"` for [`did_you_mean`]'s candidate, or `""`: appended
/// to a message about an unknown name.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => {
            let c = quote_short(c);
            crate::msg!("; có phải '{c}'?", "; did you mean '{c}'?")
        }
        None => String::new(),
    }
}

/// Whether a cell is visually empty (only spaces, NBSP, zero-width characters).
pub fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}')
}

fn collator() -> &'static CollatorBorrowed<'static> {
    static COLLATOR: OnceLock<CollatorBorrowed<'static>> = OnceLock::new();
    COLLATOR.get_or_init(|| {
        let locale = icu_locale_core::locale!("vi");
        Collator::try_new(locale.into(), CollatorOptions::default())
            .expect("the Vietnamese collation is compiled into icu_collator")
    })
}

/// Compares two names in Vietnamese dictionary order.
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    COLLATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    collator().compare(a, b)
}

static COLLATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many times this process has collated two names with [`compare_vi`] (see [`sort_keys_made`]).
#[doc(hidden)]
pub fn collations_made() -> u64 {
    COLLATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// The Vietnamese collation sort key of `s`: comparing two keys byte by byte orders their texts as
/// [`compare_vi`] does. A sort that may compare the same name many times (all the units of a block
/// tied at zero) computes each key once ([`SortKeys`]) instead of collating afresh on every comparison.
pub fn sort_key_vi(s: &str) -> Vec<u8> {
    SORT_KEYS_MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut key = Vec::with_capacity(s.len() * 2 + 8);
    let Ok(()) = collator().write_sort_key_to(s, &mut key);
    key
}

static SORT_KEYS_MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many sort keys this process has made: tests count them to show that a sort makes at most one
/// per name, whatever the number of comparisons (work counted, never timed).
#[doc(hidden)]
pub fn sort_keys_made() -> u64 {
    SORT_KEYS_MADE.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sort keys of a list of names, each made on first use and kept: only the names a sort actually
/// has to compare by name (ties) cost a key, and each costs one. Shared by threads.
pub struct SortKeys<'a> {
    names: Vec<&'a str>,
    keys: Vec<OnceLock<Vec<u8>>>,
}

impl<'a> SortKeys<'a> {
    pub fn new(names: Vec<&'a str>) -> SortKeys<'a> {
        let keys = (0..names.len()).map(|_| OnceLock::new()).collect();
        SortKeys { names, keys }
    }

    /// The key of name `i`.
    pub fn get(&self, i: usize) -> &[u8] {
        self.keys[i].get_or_init(|| sort_key_vi(self.names[i]))
    }

    /// Names `a` and `b` in Vietnamese order.
    pub fn compare(&self, a: usize, b: usize) -> Ordering {
        self.get(a).cmp(self.get(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character [`plainly_clean`] lets through is one the full check lets through alone: NFC by
    /// itself, of combining class 0 (so no neighbour can make a string of them other than NFC), and
    /// neither a space of any kind nor one of the characters [`clean`] removes or replaces.
    #[test]
    fn plainly_clean_characters_are_clean() {
        let mut n = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            if !plainly_clean(&s) {
                continue;
            }
            assert!(!c.is_whitespace(), "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            assert_eq!(
                is_nfc_quick(s.chars()),
                unicode_normalization::IsNormalized::Yes,
                "{c:?}"
            );
            assert_eq!(clean(&s), s, "{c:?}");
            n += 1;
        }
        // Printable ASCII, U+00C0–U+024F, U+1E00–U+1EFF.
        assert_eq!(n, 94 + 400 + 256);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// A text the one look says is clean, the full check says is, and [`clean`] leaves as it is;
        /// names with their marks composed or not, spaces of every kind and place, controls.
        #[test]
        fn plainly_clean_is_clean(
            s in "[ a-zA-Z0-9Đđơưăâêôàảãáạầẩẫấậằẳẵắặềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ×÷\u{300}\u{301}\u{303}\u{309}\u{323}\u{a0}\u{200b}\u{feff}\u{2007}\u{202f}\t\n\r\x01\x7f\u{85}\u{3000}\u{2126}\u{212b}\u{340}]{0,16}"
        ) {
            if plainly_clean(&s) {
                proptest::prop_assert!(is_clean(&s), "{:?}", s);
                proptest::prop_assert_eq!(clean(&s), s.clone());
            }
            // The full check still decides the rest: what it says did not change.
            let full = {
                let mut prev_space = true;
                let mut ok = true;
                for c in s.chars() {
                    let space = c == ' ';
                    if (space && prev_space)
                        || (c.is_whitespace() && !space)
                        || matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{200b}' | '\u{feff}')
                    {
                        ok = false;
                    }
                    prev_space = space;
                }
                ok && (s.is_empty() || !prev_space)
                    && is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
            };
            proptest::prop_assert_eq!(is_clean(&s), full, "{:?}", s);
        }
    }

    #[test]
    fn cleans_nbsp_and_nfd() {
        assert_eq!(clean("\u{a0}"), "");
        assert!(is_blank("\t\u{a0} "));
        let nfd = "Sơ\u{309} Xây dựng";
        assert!(!is_nfc(nfd));
        assert_eq!(clean(nfd), "Sở Xây dựng");
        assert!(is_nfc(&clean(nfd)));
        assert_eq!(clean("  Sở   Y tế "), "Sở Y tế");
        assert_eq!(clean(" 27,5 "), "27,5");
        assert_eq!(clean("a  b\tc"), "a b c");
        for s in ["Đầy đủ", "Sở Y tế", "27,5", "a b", ""] {
            assert!(is_clean(s), "{s}");
        }
        for s in [" a", "a ", "a  b", "a\u{a0}b", "Sơ\u{309}", "a\tb"] {
            assert!(!is_clean(s), "{s:?}");
            assert_eq!(is_clean(s), clean(s) == s);
        }
    }

    #[test]
    fn long_values_are_quoted_short() {
        assert_eq!(quote_short("27,5"), "27,5");
        let exact: String = "é".repeat(QUOTE_CHARS);
        assert_eq!(quote_short(&exact), exact.as_str());
        let long = "x".repeat(1_000_000);
        let q = quote_short(&long);
        assert!(q.starts_with(&"x".repeat(QUOTE_CHARS)));
        assert!(q.ends_with("… (1000000 ký tự)"), "{q}");
        assert!(q.chars().count() < QUOTE_CHARS + 30);
    }

    #[test]
    fn control_characters_are_found() {
        assert_eq!(control_char("Sở Y tế"), None);
        assert_eq!(control_char("Sở\u{1}Y"), Some((3, '\u{1}')));
        assert_eq!(control_char("a\tb"), Some((2, '\t')));
        assert_eq!(control_char("a\u{85}"), Some((2, '\u{85}')));
        assert_eq!(control_char("a\u{7f}"), Some((2, '\u{7f}')));
        assert!(
            control_char_message("tên", "a\u{1}")
                .unwrap()
                .contains("U+0001")
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let ids = ["hoabinh-2019", "commune-2392", "dti-2022-province"];
        assert_eq!(did_you_mean("hoabinh-2091", ids), Some("hoabinh-2019"));
        assert_eq!(did_you_mean("HOABINH-2019x", ids), Some("hoabinh-2019"));
        assert_eq!(did_you_mean("hanoi-2020", ids), None);
        let fields = ["min", "max", "name", "name_en"];
        assert_eq!(did_you_mean("maxx", fields), Some("max"));
        assert_eq!(did_you_mean("nmae", fields), Some("name"));
        assert_eq!(did_you_mean("mix", fields), Some("min"));
        assert_eq!(did_you_mean("zzz", fields), None);
        assert_eq!(did_you_mean("max", fields), None, "never the word itself");
        assert_eq!(did_you_mean("A.1.4", ["A.1.3", "B.2"]), Some("A.1.3"));
        assert_eq!(suggestion("maxx", fields), "; có phải 'max'?");
        assert_eq!(suggestion("zzz", fields), "");
    }

    #[test]
    fn vietnamese_order() {
        assert_eq!(compare_vi("Bình Dương", "Bình Định"), Ordering::Less);
        // Sort keys order names exactly as the collator compares them.
        let names = [
            "Bình Định",
            "Bình Dương",
            "Dak Lak",
            "Đà Nẵng",
            "Gia Lai",
            "An Giang",
            "Ăn",
            "Phường 1",
            "Phường 11",
            "Phường 2",
            "phường 2",
            "Sở Y tế",
            "Sở Y Tế",
            "",
            "Ủy ban",
            "Uỷ ban",
        ];
        let keys = SortKeys::new(names.to_vec());
        for (i, a) in names.iter().enumerate() {
            for (j, b) in names.iter().enumerate() {
                assert_eq!(keys.compare(i, j), compare_vi(a, b), "{a} / {b}");
            }
        }
        assert_eq!(compare_vi("Dak Lak", "Đà Nẵng"), Ordering::Less);
        assert_eq!(compare_vi("Đà Nẵng", "Gia Lai"), Ordering::Less);
        assert_eq!(compare_vi("An Giang", "Ăn"), Ordering::Less);
    }
}
