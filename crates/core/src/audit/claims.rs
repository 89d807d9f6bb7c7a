//! What the prose around the tables claims, checked against itself and against the tables.
//!
//! Decisions and the articles that report them say things in sentences that a reader believes without
//! opening the table: "4 đơn vị dẫn đầu gồm A, B, C, D, E" (five names), "Sở X xếp thứ 3" (the table ranks
//! it 4th), "14 cơ quan được xếp loại Tốt" (the table has 13). Three kinds of claim are read:
//!
//! - a count followed by the names it counts ("N đơn vị … gồm/là/thuộc về A, B và C", "Top N … gồm …"):
//!   the number of names must be N (a list that ends in "…" is open and not counted), and when the
//!   claim is about the leaders ("dẫn đầu", "đứng đầu", "top"), each named unit the tables rank must be
//!   ranked N or better;
//! - a stated rank ("xếp thứ 3", "đứng thứ hai", "ở vị trí thứ 2 là …", "xếp hạng 24/63") of the one unit
//!   a clause names: it must be the unit's rank in the tables;
//! - a classification count ("14 cơ quan … xếp loại Tốt"): the table's classification column must hold
//!   that many, and a unit "được xếp loại Xuất sắc" must be classified so.
//!
//! Units are found in a clause by looking up each run of up to twelve words of the clause's name key
//! ([`crate::names::key`]) among the tables' units: a bounded number of look-ups per word, so the work is
//! linear in the prose whatever the number of units.

use std::collections::HashMap;

use super::{Cx, FindingKind, Msg, Severity, Shown};
use crate::names;
use crate::table::{Cell, Pos, RankCell};

/// The longest unit name looked up, in words.
const MAX_WORDS: usize = 12;

pub(crate) fn run(cx: &mut Cx) {
    let prose = cx.opts.prose;
    if prose.is_empty() {
        return;
    }
    let index = Index::new(cx);
    for (pos, text) in prose {
        for sentence in split_keep(text, &[". ", "! ", "? ", "\n"]) {
            count_claim(cx, &index, pos, sentence);
            // Once a clause heads the rest "Thái Nguyên: …", what follows is about that place.
            let mut elsewhere = false;
            for clause in split_keep(sentence, &[", ", "; ", ": "]) {
                if !elsewhere {
                    rank_claim(cx, &index, pos, clause);
                    band_claim(cx, &index, pos, clause);
                }
                elsewhere |= other_place_heading(&index, clause);
            }
        }
    }
}

/// Whether `clause` ends in a heading naming another place: "… Thái Nguyên: " (a page's list of related
/// articles, "Thái Nguyên: Sở Công Thương tiếp tục dẫn đầu …", copied with the ranking of another
/// province). The heading is the run of two or more capitalised words right before the colon, and it
/// names no unit of the tables; what follows it is that place's news, and "Sở Công Thương … dẫn đầu"
/// there says nothing about this table's Sở Công Thương. "Kết quả cụ thể:", "Đối với cấp huyện:" and a
/// unit of the tables before the colon are not such headings.
fn other_place_heading(index: &Index, clause: &str) -> bool {
    let Some(head) = clause.trim_end().strip_suffix(':') else {
        return false;
    };
    let mut run: Vec<&str> = Vec::new();
    for w in head.split_whitespace().rev() {
        if w.starts_with(char::is_uppercase) {
            run.push(w);
        } else if matches!(w, "–" | "-") && !run.is_empty() {
            continue;
        } else {
            break;
        }
    }
    if run.len() < 2 {
        return false;
    }
    run.reverse();
    index.named(&run.join(" ")).is_empty()
}

/// A unit of the tables: its table, row, rank and classification.
#[derive(Clone)]
struct Unit {
    name: String,
    rank: Option<u32>,
    /// The last rank of the unit's table (who "đứng cuối" is).
    last: u32,
    band: Option<String>,
}

/// Units by name key (and by the key without "tỉnh"/"thành phố"/"UBND" in front), and the
/// classification counts of the tables that have a classification column.
struct Index {
    units: HashMap<String, Unit>,
    /// (band, lower case) → how many rows of the table with that column hold it.
    bands: HashMap<String, usize>,
}

impl Index {
    fn new(cx: &Cx) -> Index {
        let mut units: HashMap<String, Unit> = HashMap::new();
        let mut bands: HashMap<String, usize> = HashMap::new();
        let mut band_table_seen = false;
        for t in cx.tables {
            // The classification column: a column of words only (no number), few distinct values.
            let band_col = (0..t.columns.len()).find(|&c| {
                let mut words = 0;
                for r in &t.rows {
                    match r.values.get(c).map(|e| &e.cell) {
                        Some(Cell::Number(_)) => return false,
                        Some(Cell::Text(_)) => words += 1,
                        _ => {}
                    }
                }
                words > 0
            });
            let counts_bands = band_col.is_some() && !band_table_seen;
            let last = t
                .rows
                .iter()
                .filter_map(|r| match r.rank {
                    RankCell::Ranked(n) => Some(n),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            band_table_seen |= band_col.is_some();
            for r in &t.rows {
                let band = band_col.and_then(|c| match r.values.get(c).map(|e| &e.cell) {
                    Some(Cell::Text(s)) => Some(s.to_lowercase()),
                    _ => None,
                });
                if counts_bands && let Some(b) = &band {
                    *bands.entry(b.clone()).or_default() += 1;
                }
                let rank = match r.rank {
                    RankCell::Ranked(n) => Some(n),
                    _ => None,
                };
                let unit = Unit {
                    name: r.unit.to_string(),
                    rank,
                    last,
                    band,
                };
                let key = names::key(&r.unit);
                if key.is_empty() {
                    continue;
                }
                for k in [core(&key).to_string(), key] {
                    let slot = units.entry(k).or_insert_with(|| unit.clone());
                    if slot.rank.is_none() {
                        slot.rank = unit.rank;
                    }
                    if slot.band.is_none() {
                        slot.band = unit.band.clone();
                    }
                }
            }
        }
        Index { units, bands }
    }

    /// The units a text names, in order, each once.
    fn named(&self, text: &str) -> Vec<&Unit> {
        let key = names::key(text);
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        let mut out: Vec<&Unit> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut hit = None;
            for n in (1..=MAX_WORDS.min(words.len() - i)).rev() {
                let k = words[i..i + n].join(" ");
                if let Some(u) = self.units.get(&k) {
                    hit = Some((u, n));
                    break;
                }
            }
            match hit {
                Some((u, n)) => {
                    if !out.iter().any(|o| o.name == u.name) {
                        out.push(u);
                    }
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// A name key without the administrative word in front ("thành phố hà nội" → "hà nội"), so that prose
/// naming "Hà Nội" finds "TP. Hà Nội"; the key itself when nothing would be left.
fn core(key: &str) -> &str {
    for p in [
        "thành phố ",
        "tỉnh ",
        "ủy ban nhân dân ",
        "ubnd ",
        "huyện ",
        "thị xã ",
    ] {
        if let Some(rest) = key.strip_prefix(p)
            && rest.chars().count() >= 3
        {
            return rest;
        }
    }
    key
}

/// Whether the ". " at byte `i` ends an abbreviation ("TP. Hà Nội", "Tp. Huế"), not a sentence: the
/// word before it is at most three letters, capitalised.
fn abbreviation_at(text: &str, i: usize) -> bool {
    let word = text[..i].rsplit(char::is_whitespace).next().unwrap_or("");
    let n = word.chars().count();
    (1..=3).contains(&n)
        && word.starts_with(char::is_uppercase)
        && word.chars().all(char::is_alphabetic)
}

/// `text` split after each separator (the separator kept with the piece before it).
fn split_keep<'a>(text: &'a str, seps: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.len();
    let mut i = 0;
    while i < bytes {
        if let Some(sep) = seps
            .iter()
            .find(|s| text[i..].starts_with(**s) && !(**s == ". " && abbreviation_at(text, i)))
        {
            out.push(&text[start..i + sep.len()]);
            i += sep.len();
            start = i;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if start < bytes {
        out.push(&text[start..]);
    }
    out
}

/// A number written in digits ("06", "4") or, from two, in words ("hai", "bốn"); "năm" is not read
/// (it is the year far more often than five).
fn count_word(w: &str) -> Option<u32> {
    if !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()) {
        return w.parse().ok();
    }
    Some(match w.to_lowercase().as_str() {
        "hai" => 2,
        "ba" => 3,
        "bốn" => 4,
        "sáu" => 6,
        "bảy" => 7,
        "tám" => 8,
        "chín" => 9,
        "mười" => 10,
        _ => return None,
    })
}

/// The rank after "thứ": digits (possibly "24/63") or an ordinal word.
fn ordinal(w: &str) -> Option<u32> {
    let w = w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '/');
    let head = w.split('/').next().unwrap_or(w);
    if !head.is_empty() && head.len() <= 4 && head.bytes().all(|b| b.is_ascii_digit()) {
        return head.parse().ok().filter(|&n| n > 0);
    }
    Some(match w.to_lowercase().as_str() {
        "nhất" => 1,
        "nhì" | "hai" => 2,
        "ba" => 3,
        "tư" | "bốn" => 4,
        "năm" => 5,
        "sáu" => 6,
        "bảy" => 7,
        "tám" => 8,
        "chín" => 9,
        "mười" => 10,
        _ => return None,
    })
}

const UNIT_NOUNS: &[&str] = &[
    "đơn",
    "cơ",
    "địa",
    "tỉnh",
    "tỉnh,",
    "thành",
    "sở",
    "huyện",
    "xã",
    "bộ",
    "bộ,",
    "ngành",
    "vị",
    "cơ",
    "phường",
];

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn lower_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/')
                .to_lowercase()
        })
        .collect()
}

/// "N đơn vị … gồm A, B và C": the count and the names it is followed by.
fn count_claim(cx: &mut Cx, index: &Index, pos: &Pos, sentence: &str) {
    let lw = lower_words(sentence);
    let raw = words(sentence);
    // The count: a number directly before a unit noun, or after "top"/"tốp".
    let mut found: Option<(usize, u32)> = None;
    for i in 0..lw.len() {
        let n = if matches!(lw[i].as_str(), "top" | "tốp") {
            lw.get(i + 1)
                .and_then(|w| count_word(w))
                .map(|n| (i + 1, n))
        } else {
            count_word(&lw[i])
                .filter(|_| {
                    lw.get(i + 1)
                        .is_some_and(|w| UNIT_NOUNS.contains(&w.as_str()))
                })
                .map(|n| (i, n))
        };
        if let Some(hit) = n {
            found = Some(hit);
            break;
        }
    }
    let Some((at, n)) = found else {
        return;
    };
    // The list: after "gồm", "là", "thuộc về" or a colon, to the end of the sentence.
    let mut start = None;
    for (i, w) in raw.iter().enumerate().skip(at + 1) {
        let l = lw[i].as_str();
        if l == "gồm" || (l == "về" && i > 0 && lw[i - 1] == "thuộc") || w.ends_with(':') {
            start = Some(i + 1);
            break;
        }
    }
    let Some(start) = start else {
        return;
    };
    if start >= raw.len() {
        return;
    }
    let list = raw[start..].join(" ");
    let list = list.trim().trim_start_matches(':').trim();
    let list = list.trim_end_matches(['.', ';', ' ']);
    if list.ends_with("...") || list.ends_with('…') || list.ends_with("v.v") || list.is_empty() {
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    let parts: Vec<&str> = list.split(", ").flat_map(|p| p.split("; ")).collect();
    // The agency word most items begin with ("Bộ", "Sở", "UBND"): then "và" joins two names only before
    // that word ("Bộ Y tế và Bộ Tư pháp"), never inside one ("Bộ Tài nguyên và Môi trường", "Sở Lao
    // động - Thương binh và Xã hội"). Lists of places ("TP. Đà Nẵng, Quảng Ninh và Huế") have none.
    const AGENCIES: &[&str] = &[
        "Bộ", "Sở", "Ban", "UBND", "Cục", "Tổng", "Ủy", "Văn", "Thanh",
    ];
    let first_words: Vec<&str> = parts
        .iter()
        .filter_map(|p| p.split_whitespace().next())
        .collect();
    let kind = AGENCIES
        .iter()
        .find(|w| first_words.iter().filter(|x| *x == *w).count() * 2 > first_words.len())
        .copied();
    for (k, part) in parts.iter().enumerate() {
        let mut rest = *part;
        // "A và B" at the end of a list: two names, split at the last "và" a name can follow.
        if k + 1 == parts.len() {
            let split = rest.rmatch_indices(" và ").map(|(i, _)| i).find(|&i| {
                let (a, b) = (&rest[..i], &rest[i + " và ".len()..]);
                !a.trim().is_empty()
                    && b.split_whitespace().next().is_some_and(|w| {
                        w.starts_with(char::is_uppercase) && kind.is_none_or(|kw| kw == w)
                    })
            });
            if let Some(i) = split {
                names.push(rest[..i].trim());
                rest = &rest[i + " và ".len()..];
            }
        }
        let rest = rest.trim();
        if !rest.is_empty() {
            names.push(rest);
        }
    }
    // A list of names: each short and starting in capitals.
    if names.len() < 2
        || names
            .iter()
            .any(|n| n.chars().count() > 60 || !n.starts_with(char::is_uppercase))
    {
        return;
    }
    // The words that state the count, for the message: "4 đơn vị dẫn", "Top 3 các".
    let after_top = at > 0 && matches!(lw[at - 1].as_str(), "top" | "tốp");
    let from = if after_top { at - 1 } else { at };
    let said = raw[from..]
        .iter()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let m = names.len() as u32;
    if m != n {
        let listed = names.join("; ");
        push(
            cx,
            pos,
            FindingKind::ClaimCount,
            None,
            Msg::new(
                format!("câu «{said} …» nói {n} đơn vị nhưng kể tên {m}: {listed}"),
                format!("the sentence \"{said} …\" says {n} units but names {m}: {listed}"),
            ),
            Shown::Number(m.into()),
            Shown::Number(n.into()),
            (
                format!("sửa số thành {m}, hoặc kiểm tra lại danh sách"),
                format!("change the number to {m}, or check the list"),
            ),
        );
    }
    // Leaders: each named unit the tables rank must be ranked within the count.
    let leaders = lw.iter().any(|w| w == "dẫn" || w == "top" || w == "tốp")
        || sentence.to_lowercase().contains("đứng đầu");
    if !leaders {
        return;
    }
    for name in &names {
        for u in index.named(name) {
            if let Some(r) = u.rank
                && r > n
            {
                let unit = u.name.clone();
                push(
                    cx,
                    pos,
                    FindingKind::ClaimRank,
                    Some(unit.clone()),
                    Msg::new(
                        format!(
                            "câu «{said} …» xếp «{unit}» trong {n} đơn vị dẫn đầu, nhưng bảng xếp hạng thứ {r}"
                        ),
                        format!(
                            "the sentence \"{said} …\" puts \"{unit}\" among the {n} leaders, but the table ranks it {r}"
                        ),
                    ),
                    Shown::Rank(r),
                    Shown::Rank(n),
                    (
                        format!("bỏ «{unit}» khỏi danh sách, hoặc kiểm tra lại thứ hạng"),
                        format!("drop \"{unit}\" from the list, or check the ranks"),
                    ),
                );
            }
        }
    }
}

/// "X xếp thứ 3", "đứng thứ hai", "vị trí thứ 2 là X", "xếp hạng 24/63": the rank stated of the one unit
/// the clause names.
fn rank_claim(cx: &mut Cx, index: &Index, pos: &Pos, clause: &str) {
    let lw = lower_words(clause);
    let mut stated = None;
    for i in 0..lw.len() {
        let prev = i.checked_sub(1).map(|p| lw[p].as_str());
        let n = match lw[i].as_str() {
            "thứ" if matches!(prev, Some("xếp" | "đứng" | "trí" | "hạng" | "hàng")) => {
                lw.get(i + 1).and_then(|w| ordinal(w))
            }
            "hạng" if prev == Some("xếp") => lw
                .get(i + 1)
                .filter(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
                .and_then(|w| ordinal(w)),
            _ => None,
        };
        if n.is_some() {
            stated = n;
            break;
        }
    }
    // "Đứng đầu là X" / "X dẫn đầu": first; "đứng cuối (cùng) là X": last of its table.
    let low = clause.to_lowercase();
    let first = ["đứng đầu", "xếp đầu", "dẫn đầu"]
        .iter()
        .any(|p| low.contains(p));
    let last = ["đứng cuối", "xếp cuối", "cuối bảng", "đứng chót"]
        .iter()
        .any(|p| low.contains(p));
    if stated.is_none() && first == last {
        return;
    }
    let named = index.named(clause);
    let [u] = named[..] else {
        return;
    };
    let Some(r) = u.rank else {
        return;
    };
    let n = match (stated, first, last) {
        (Some(n), _, _) => n,
        (None, true, false) => 1,
        (None, false, true) => u.last,
        _ => return,
    };
    if r != n {
        let unit = u.name.clone();
        let said = clause.trim().trim_end_matches([',', ';', '.', ':']);
        push(
            cx,
            pos,
            FindingKind::ClaimRank,
            Some(unit.clone()),
            Msg::new(
                format!("«{said}»: nói «{unit}» xếp thứ {n}, nhưng bảng xếp hạng thứ {r}"),
                format!("\"{said}\": says \"{unit}\" is ranked {n}, but the table ranks it {r}"),
            ),
            Shown::Rank(n),
            Shown::Rank(r),
            (
                format!("sửa thành «thứ {r}», hoặc kiểm tra lại bảng"),
                format!("write \"{r}\", or check the table"),
            ),
        );
    }
}

/// "14 cơ quan … xếp loại Tốt": the count of a classification in the table's classification column;
/// "X được xếp loại Xuất sắc": the unit's classification.
fn band_claim(cx: &mut Cx, index: &Index, pos: &Pos, clause: &str) {
    let lw = lower_words(clause);
    let raw = words(clause);
    let Some(at) = (1..lw.len()).find(|&i| lw[i] == "loại" && lw[i - 1] == "xếp") else {
        return;
    };
    let Some(band_raw) = raw.get(at + 1) else {
        return;
    };
    // The classification: the word after "xếp loại", two when the first is "Trung"/"Hoàn" ("Trung bình").
    let mut band = lw[at + 1].clone();
    if matches!(band.as_str(), "trung" | "hoàn" | "xuất" | "không")
        && let Some(next) = lw.get(at + 2)
    {
        band = format!("{band} {next}");
    }
    let _ = band_raw;
    let count = lw[..at]
        .iter()
        .enumerate()
        .find(|(i, w)| {
            count_word(w).is_some()
                && lw
                    .get(i + 1)
                    .is_some_and(|n| UNIT_NOUNS.contains(&n.as_str()))
        })
        .and_then(|(_, w)| count_word(w));
    let said = clause.trim().trim_end_matches([',', ';', '.', ':']);
    match count {
        Some(n) => {
            let Some(&have) = index.bands.get(&band) else {
                return;
            };
            if have as u32 != n {
                push(
                    cx,
                    pos,
                    FindingKind::ClaimCount,
                    None,
                    Msg::new(
                        format!("«{said}»: nói {n} đơn vị xếp loại «{band}», nhưng bảng có {have}"),
                        format!(
                            "\"{said}\": says {n} units are classified \"{band}\", but the table has {have}"
                        ),
                    ),
                    Shown::Number(n.into()),
                    Shown::Number((have as u32).into()),
                    (format!("sửa thành {have}"), format!("write {have}")),
                );
            }
        }
        None => {
            let named = index.named(&raw[..at].join(" "));
            let [u] = named[..] else {
                return;
            };
            let Some(have) = &u.band else {
                return;
            };
            if *have != band {
                let unit = u.name.clone();
                push(
                    cx,
                    pos,
                    FindingKind::ClaimRank,
                    Some(unit.clone()),
                    Msg::new(
                        format!(
                            "«{said}»: nói «{unit}» xếp loại «{band}», nhưng bảng ghi «{have}»"
                        ),
                        format!(
                            "\"{said}\": says \"{unit}\" is classified \"{band}\", but the table says \"{have}\""
                        ),
                    ),
                    Shown::Text(band.clone()),
                    Shown::Text(have.clone()),
                    (format!("sửa thành «{have}»"), format!("write \"{have}\"")),
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn push(
    cx: &mut Cx,
    pos: &Pos,
    kind: FindingKind,
    unit: Option<String>,
    message: Msg,
    found: Shown,
    expected: Shown,
    (fix_vi, fix_en): (String, String),
) {
    let f = match pos.cell {
        None => cx.push_text(kind, Severity::Error, pos.line, message),
        Some(_) => cx.push_placed(kind, Severity::Error, pos, message),
    };
    f.unit = unit;
    f.found(found).expected(expected).fix(fix_vi, fix_en);
}
