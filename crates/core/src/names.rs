//! Unit names across tables and years: one normalised key per unit, and an alias file for renames.
//!
//! The same unit is printed in many ways inside one decision and from one year to the next: NFC or NFD,
//! "Sở xây dựng" / "Sở Xây dựng", "Sở Giao thông Vận tải" / "Sở Giao thông - Vận tải", "Sở Nông nghiệp và
//! PTNT" / "Sở Nông nghiệp và Phát triển nông thôn", "Uỷ" / "Ủy". The audit links tables by unit and must
//! neither split one unit in two nor merge two units, so matching is deliberately conservative: the key
//! folds only what never distinguishes two real units (Unicode form, case, punctuation, the connector
//! "và", old and new tone placement, the common abbreviations), and everything else (renames, mergers,
//! "Sở Kế hoạch - Đầu tư" for "Sở Kế hoạch và Đầu tư" in another province's spelling) goes through an
//! explicit alias file that a person wrote and can review. Every match that is not exact is reported by
//! the caller, so a wrong fold would be visible.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text;

/// Abbreviations seen in published tables, as token sequences after folding (see [`key`]) and their
/// expansions. Longer sequences first so that "tb và xh" wins over any shorter pattern.
const ABBREVIATIONS: &[(&[&str], &str)] = &[
    (&["lđ", "tb", "và", "xh"], "lao động thương binh và xã hội"),
    (&["lđtbxh"], "lao động thương binh và xã hội"),
    (&["tb", "và", "xh"], "thương binh và xã hội"),
    (&["tbxh"], "thương binh và xã hội"),
    (&["vh", "tt", "và", "dl"], "văn hóa thể thao và du lịch"),
    (&["vhttdl"], "văn hóa thể thao và du lịch"),
    (&["tt", "và", "dl"], "thể thao và du lịch"),
    (&["kh", "và", "đt"], "kế hoạch và đầu tư"),
    (&["kh", "đt"], "kế hoạch và đầu tư"),
    (&["khđt"], "kế hoạch và đầu tư"),
    (&["nn", "và", "ptnt"], "nông nghiệp và phát triển nông thôn"),
    (&["nnptnt"], "nông nghiệp và phát triển nông thôn"),
    (&["ptnt"], "phát triển nông thôn"),
    (&["gd", "và", "đt"], "giáo dục và đào tạo"),
    (&["gdđt"], "giáo dục và đào tạo"),
    (&["tn", "và", "mt"], "tài nguyên và môi trường"),
    (&["tnmt"], "tài nguyên và môi trường"),
    (&["tt", "và", "tt"], "thông tin và truyền thông"),
    (&["tttt"], "thông tin và truyền thông"),
    (&["gtvt"], "giao thông vận tải"),
    (&["kh", "và", "cn"], "khoa học và công nghệ"),
    (&["khcn"], "khoa học và công nghệ"),
    (&["kcn"], "khu công nghiệp"),
    (&["ubnd"], "ủy ban nhân dân"),
    (&["hđnd"], "hội đồng nhân dân"),
    (&["tp"], "thành phố"),
    (&["tx"], "thị xã"),
    (&["cntt"], "công nghệ thông tin"),
];

/// Old-style tone placement ("hoá", "uỷ") mapped to the new style ("hóa", "ủy") for open syllables.
const TONE_PLACEMENT: &[(&str, &str)] = &[
    ("oá", "óa"),
    ("oà", "òa"),
    ("oả", "ỏa"),
    ("oã", "õa"),
    ("oạ", "ọa"),
    ("oé", "óe"),
    ("oè", "òe"),
    ("oẻ", "ỏe"),
    ("oẽ", "õe"),
    ("oẹ", "ọe"),
    ("uý", "úy"),
    ("uỳ", "ùy"),
    ("uỷ", "ủy"),
    ("uỹ", "ũy"),
    ("uỵ", "ụy"),
];

/// The matching key of a unit name: NFC, lower case, punctuation and hyphens folded to spaces, "&" and
/// "và" dropped as connectors, abbreviations expanded, tone placement normalised, whitespace collapsed.
///
/// `key("Sở Giao thông - Vận tải") == key("Sở giao thông vận tải")`,
/// `key("Sở Lao động, TB&XH") == key("Sở Lao động, Thương binh và Xã hội")`.
pub fn key(name: &str) -> String {
    let lower = text::clean(name).to_lowercase();
    let mut folded = String::with_capacity(lower.len() + 8);
    for c in lower.chars() {
        match c {
            '&' | '+' => folded.push_str(" và "),
            c if c.is_alphanumeric() => folded.push(c),
            _ => folded.push(' '),
        }
    }
    let tokens: Vec<String> = folded.split_whitespace().map(normalise_tone).collect();
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len() + 4);
    let mut i = 0;
    'outer: while i < tokens.len() {
        for (pattern, expansion) in ABBREVIATIONS {
            let n = pattern.len();
            if i + n <= tokens.len()
                && tokens[i..i + n]
                    .iter()
                    .zip(pattern.iter())
                    .all(|(t, p)| t == p)
            {
                out.extend(expansion.split(' '));
                i += n;
                continue 'outer;
            }
        }
        out.push(&tokens[i]);
        i += 1;
    }
    out.retain(|t| *t != "và");
    out.join(" ")
}

fn normalise_tone(token: &str) -> String {
    for (old, new) in TONE_PLACEMENT {
        if let Some(stem) = token.strip_suffix(old)
            && !stem.ends_with('q')
        {
            return format!("{stem}{new}");
        }
    }
    token.to_string()
}

/// How two names were found to be the same unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Identical after NFC and whitespace clean-up.
    Exact,
    /// Equal keys: case, punctuation, abbreviations or tone placement differ.
    Normalized,
    /// Linked by an entry of the alias file.
    Alias,
}

impl MatchKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            MatchKind::Exact => "trùng khớp",
            MatchKind::Normalized => "khác cách viết (hoa/thường, dấu câu, viết tắt)",
            MatchKind::Alias => "theo tệp tên gọi khác",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Normalized => "spelling variant (case, punctuation, abbreviation)",
            MatchKind::Alias => "alias file",
        }
    }
}

/// One entry of an alias file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasEntry {
    pub alias: String,
    pub canonical: String,
    /// 1-based line of the entry in the alias file.
    pub line: u32,
}

/// Renames and mergers: other names (old names, merged units, other spellings) mapped to the name the
/// audit should treat as the unit. Chains (A → B, B → C) resolve to the end of the chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    entries: Vec<AliasEntry>,
    /// key(alias) → final canonical name.
    resolved: BTreeMap<String, String>,
}

/// A problem in an alias file, with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}:{column}: {message}")]
pub struct AliasError {
    pub source_name: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Alias file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasFormat {
    /// `[aliases]` table: `"old name" = "canonical name"`.
    Toml,
    /// Two columns `alias,canonical`, optional header row.
    Csv,
}

impl AliasFormat {
    /// Picks the format from a file name (`.toml` or `.csv`).
    pub fn from_path(path: &str) -> Option<AliasFormat> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            Some(AliasFormat::Toml)
        } else if lower.ends_with(".csv") {
            Some(AliasFormat::Csv)
        } else {
            None
        }
    }
}

#[derive(Deserialize)]
struct AliasToml {
    #[serde(default)]
    aliases: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

impl Aliases {
    /// Parses an alias file; `source_name` names it in errors (the file path).
    pub fn parse(
        text: &str,
        format: AliasFormat,
        source_name: &str,
    ) -> Result<Aliases, AliasError> {
        match format {
            AliasFormat::Toml => Aliases::parse_toml(text, source_name),
            AliasFormat::Csv => Aliases::parse_csv(text, source_name),
        }
    }

    /// Parses `[aliases]` with `"alias" = "canonical"` lines.
    pub fn parse_toml(text: &str, source_name: &str) -> Result<Aliases, AliasError> {
        let err = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            AliasError {
                source_name: source_name.to_string(),
                line,
                column,
                message,
            }
        };
        let parsed: AliasToml = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let detail = e.message().trim();
            err(
                offset,
                crate::msg!(
                    "tệp tên gọi khác không đúng cú pháp TOML (cần phần [aliases] với các dòng \"tên khác\" = \"tên chuẩn\")",
                    "the alias file is not valid TOML ({detail})"
                ),
            )
        })?;
        let mut entries: Vec<(AliasEntry, usize)> = parsed
            .aliases
            .into_iter()
            .map(|(k, v)| {
                let offset = k.span().start;
                let (line, _) = line_col(text, offset);
                (
                    AliasEntry {
                        alias: text::clean(k.get_ref()),
                        canonical: text::clean(v.get_ref()),
                        line,
                    },
                    offset,
                )
            })
            .collect();
        entries.sort_by_key(|(_, o)| *o);
        let offsets: Vec<usize> = entries.iter().map(|(_, o)| *o).collect();
        Aliases::build(entries.into_iter().map(|(e, _)| e).collect())
            .map_err(|(i, m)| err(offsets[i], m))
    }

    /// Parses two-column CSV `alias,canonical`; a first row reading `alias,canonical` (or the
    /// Vietnamese `tên khác,tên chuẩn`) is a header.
    pub fn parse_csv(text: &str, source_name: &str) -> Result<Aliases, AliasError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut entries = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as u32);
                AliasError {
                    source_name: source_name.to_string(),
                    line,
                    column: 1,
                    message: crate::msg!("dòng CSV không đọc được", "unreadable CSV line ({e})"),
                }
            })?;
            let line = record.position().map_or(i as u32 + 1, |p| p.line() as u32);
            let fields: Vec<String> = record.iter().map(text::clean).collect();
            if fields.iter().all(|f| f.is_empty()) || fields[0].starts_with('#') {
                continue;
            }
            if i == 0 {
                let head: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
                if matches!(head.first().map(String::as_str), Some("alias" | "tên khác"))
                    && matches!(
                        head.get(1).map(String::as_str),
                        Some("canonical" | "tên chuẩn")
                    )
                {
                    continue;
                }
            }
            if fields.len() != 2 {
                return Err(AliasError {
                    source_name: source_name.to_string(),
                    line,
                    column: 1,
                    message: crate::msg!(
                        "cần đúng 2 cột (tên khác, tên chuẩn), dòng này có {} cột",
                        "exactly 2 columns are needed (alias, canonical name); this line has {}",
                        fields.len()
                    ),
                });
            }
            entries.push(AliasEntry {
                alias: fields[0].clone(),
                canonical: fields[1].clone(),
                line,
            });
        }
        let lines: Vec<u32> = entries.iter().map(|e| e.line).collect();
        Aliases::build(entries).map_err(|(i, message)| AliasError {
            source_name: source_name.to_string(),
            line: lines[i],
            column: 1,
            message,
        })
    }

    /// Validates entries and resolves chains. On error returns the index of the offending entry.
    fn build(entries: Vec<AliasEntry>) -> Result<Aliases, (usize, String)> {
        let mut direct: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.alias.is_empty() || e.canonical.is_empty() {
                return Err((
                    i,
                    crate::msg!(
                        "tên khác và tên chuẩn đều phải có",
                        "both the alias and the canonical name are needed"
                    ),
                ));
            }
            let k = key(&e.alias);
            if k == key(&e.canonical) {
                // A spelling the key already folds: harmless, nothing to map.
                continue;
            }
            if let Some((prev, _)) = direct.get(&k)
                && key(prev) != key(&e.canonical)
            {
                return Err((
                    i,
                    crate::msg!(
                        "\"{}\" đã được gán cho \"{}\", không thể gán thêm cho \"{}\"",
                        "\"{}\" is already given to \"{}\"; it cannot also be given to \"{}\"",
                        e.alias,
                        prev,
                        e.canonical
                    ),
                ));
            }
            direct.insert(k, (e.canonical.clone(), i));
        }
        let mut resolved = BTreeMap::new();
        for (k, (canonical, i)) in &direct {
            let mut current = canonical.clone();
            let mut seen = vec![k.clone()];
            while let Some((next, _)) = direct.get(&key(&current)) {
                let ck = key(&current);
                if seen.contains(&ck) {
                    return Err((
                        *i,
                        crate::msg!(
                            "tên gọi khác tạo thành vòng lặp qua \"{current}\"",
                            "the aliases form a loop through \"{current}\""
                        ),
                    ));
                }
                seen.push(ck);
                current = next.clone();
            }
            resolved.insert(k.clone(), current);
        }
        Ok(Aliases { entries, resolved })
    }

    pub fn entries(&self) -> &[AliasEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.resolved.is_empty()
    }

    /// The canonical name `name` stands for, if the file maps it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.resolved.get(&key(name)).map(String::as_str)
    }
}

/// The key a unit is grouped under: the key of its canonical name when the alias file maps it.
pub fn resolved_key(name: &str, aliases: Option<&Aliases>) -> String {
    match aliases.and_then(|a| a.canonical(name)) {
        Some(c) => key(c),
        None => key(name),
    }
}

/// Whether `a` and `b` name the same unit, and how sure that is.
pub fn compare(a: &str, b: &str, aliases: Option<&Aliases>) -> Option<MatchKind> {
    if text::clean(a) == text::clean(b) {
        Some(MatchKind::Exact)
    } else if key(a) == key(b) {
        Some(MatchKind::Normalized)
    } else if resolved_key(a, aliases) == resolved_key(b, aliases) {
        Some(MatchKind::Alias)
    } else {
        None
    }
}

impl fmt::Display for MatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_spelling_variants_of_the_seed() {
        assert_eq!(key("Sở Giao thông Vận tải"), key("Sở Giao thông - Vận tải"));
        assert_eq!(key("Sở Xây dựng"), key("Sở xây dựng"));
        assert_eq!(key("Sơ\u{309} Xây dựng"), key("Sở xây dựng"));
        assert_eq!(key("Sở Kế hoạch - Đầu tư"), key("Sở Kế hoạch và Đầu tư"));
        assert_eq!(key("Sở KH&ĐT"), key("Sở Kế hoạch và Đầu tư"));
        assert_eq!(key("Sở KH-ĐT"), key("Sở Kế hoạch và Đầu tư"));
        assert_eq!(
            key("Sở Nông nghiệp và PTNT"),
            key("Sở Nông nghiệp và Phát triển nông thôn")
        );
        assert_eq!(
            key("Sở Lao động, TB&XH"),
            key("Sở Lao động - Thương binh và Xã hội")
        );
        assert_eq!(
            key("Sở Văn hóa, TT và DL"),
            key("Sở Văn hoá, Thể thao và Du lịch")
        );
        assert_eq!(
            key("Ban Quản lý các KCN"),
            key("Ban quản lý các khu công nghiệp")
        );
        assert_eq!(
            key("Văn phòng UBND tỉnh"),
            key("Văn phòng Uỷ ban nhân dân tỉnh")
        );
        assert_eq!(
            key("UBND TP. Hòa Bình"),
            key("Ủy ban nhân dân thành phố Hoà Bình")
        );
    }

    #[test]
    fn keeps_different_units_apart() {
        assert_ne!(key("UBND huyện Lạc Sơn"), key("UBND huyện Lạc Thủy"));
        assert_ne!(key("Sở Tài chính"), key("Sở Tư pháp"));
        assert_ne!(key("UBND huyện Kỳ Sơn"), key("UBND huyện Kim Bôi"));
        // "quý" keeps its tone on y: "qu" is one consonant.
        assert_eq!(normalise_tone("quý"), "quý");
        assert_eq!(normalise_tone("thuỷ"), "thủy");
    }

    /// Numbered wards and communes (common before 2025, some remain) are different units: the key keeps
    /// every digit, Roman numeral and ordinal word, so "Phường 1", "Phường 11", "Phường I" and
    /// "Phường Một" never fold into one another; only an alias file a person wrote may link them.
    #[test]
    fn numbers_roman_numerals_and_ordinal_words_stay_apart() {
        let lists: &[&[&str]] = &[
            &[
                "Phường 1",
                "Phường 2",
                "Phường 3",
                "Phường 10",
                "Phường 11",
                "Phường 12",
            ],
            &[
                "Phường 1",
                "Phường 01",
                "Phường 1A",
                "Phường 1B",
                "Phường 1 3",
                "Phường 13",
            ],
            &[
                "Phường I",
                "Phường II",
                "Phường III",
                "Phường IV",
                "Phường V",
                "Phường VI",
            ],
            &[
                "Phường 1",
                "Phường I",
                "Phường Một",
                "Phường Nhất",
                "Phường Thứ Nhất",
            ],
            &["Quận 1", "Quận 10", "Quận I", "Quận X", "Quận Mười"],
            &[
                "Xã Đông Hòa 1",
                "Xã Đông Hòa 2",
                "Xã Đông Hòa",
                "Xã Đông Hòa I",
            ],
            &["Thị trấn Nông trường 1", "Thị trấn Nông trường 2"],
            &[
                "Khu phố 1 phường 3",
                "Khu phố 3 phường 1",
                "Khu phố 13",
                "Khu phố 31",
            ],
        ];
        for list in lists {
            for (i, a) in list.iter().enumerate() {
                assert!(!key(a).is_empty(), "{a}");
                for b in &list[i + 1..] {
                    assert_ne!(key(a), key(b), "{a} / {b}");
                    assert_eq!(compare(a, b, None), None, "{a} / {b}");
                }
            }
        }
        // The number is kept as written, whatever surrounds it.
        assert_eq!(key("Phường 1"), "phường 1");
        assert_eq!(key("PHƯỜNG 11"), "phường 11");
        assert_eq!(key("Phường I"), "phường i");
        assert_eq!(key("P. 1"), "p 1");
    }

    /// The real abbreviations fold around a number without eating it or joining it to a neighbour.
    #[test]
    fn abbreviations_fold_around_numbers_without_merging_them() {
        for (a, b) in [
            ("UBND Phường 1", "Ủy ban nhân dân phường 1"),
            (
                "UBND phường 11, TP. Vũng Tàu",
                "Uỷ ban nhân dân Phường 11 - Thành phố Vũng Tàu",
            ),
            (
                "UBND Quận 3, TP.HCM",
                "Ủy ban nhân dân quận 3 thành phố HCM",
            ),
            (
                "UBND TX. Phú Mỹ, phường II",
                "Ủy ban nhân dân thị xã Phú Mỹ - Phường II",
            ),
            ("Trung tâm CNTT số 2", "Trung tâm Công nghệ thông tin số 2"),
            ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ] {
            assert_eq!(key(a), key(b), "{a} / {b}");
        }
        for (a, b) in [
            ("UBND Phường 1", "UBND Phường 11"),
            ("UBND Phường 1", "UBND Phường I"),
            ("UBND Phường 1", "UBND Phường 2"),
            (
                "UBND phường 1, TP. Vũng Tàu",
                "UBND phường 11, TP. Vũng Tàu",
            ),
            ("UBND phường 1, TP. Vũng Tàu", "UBND phường 1, TX. Vũng Tàu"),
            ("UBND Quận 1, TP.HCM", "UBND Quận 12, TP.HCM"),
            ("UBND TX. Phú Mỹ, phường I", "UBND TX. Phú Mỹ, phường II"),
            ("Trung tâm CNTT số 1", "Trung tâm CNTT số 11"),
            ("Khu CN số 1", "Khu CN số 1 mở rộng"),
            ("Ban Quản lý KCN 1", "Ban Quản lý KCN 2"),
        ] {
            assert_ne!(key(a), key(b), "{a} / {b}");
            assert_eq!(compare(a, b, None), None, "{a} / {b}");
        }
        // An alias file may link a renumbered ward; the key alone never does.
        let aliases = Aliases::parse_csv(
            "alias,canonical
Phường I,Phường 1
",
            "a.csv",
        )
        .unwrap();
        assert_eq!(
            compare("Phường I", "Phường 1", Some(&aliases)),
            Some(MatchKind::Alias)
        );
        assert_eq!(compare("Phường 11", "Phường 1", Some(&aliases)), None);
    }

    #[test]
    fn compare_reports_how_names_matched() {
        assert_eq!(
            compare("Sở Y tế", " Sở  Y tế", None),
            Some(MatchKind::Exact)
        );
        assert_eq!(
            compare("Sở Xây dựng", "Sở xây dựng", None),
            Some(MatchKind::Normalized)
        );
        assert_eq!(
            compare("UBND huyện Kỳ Sơn", "UBND thành phố Hòa Bình", None),
            None
        );
        let aliases = Aliases::parse_toml(
            "[aliases]\n\"UBND huyện Kỳ Sơn\" = \"UBND thành phố Hòa Bình\"\n",
            "a.toml",
        )
        .unwrap();
        assert_eq!(
            compare("UBND huyện Kỳ Sơn", "UBND TP. Hòa Bình", Some(&aliases)),
            Some(MatchKind::Alias)
        );
    }

    #[test]
    fn alias_chains_resolve_and_errors_name_the_line() {
        let a =
            Aliases::parse_csv("alias,canonical\nSở A cũ,Sở A\nSở A,Sở A mới\n", "a.csv").unwrap();
        assert_eq!(a.canonical("Sở A cũ"), Some("Sở A mới"));
        let e = Aliases::parse_csv("Sở A,Sở B\nSở A,Sở C\n", "a.csv").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = Aliases::parse_csv("Sở A,Sở B,Sở C\n", "a.csv").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Aliases::parse_csv("Sở A,Sở B\nSở B,Sở A\n", "a.csv").unwrap_err();
        assert!(e.message.contains("vòng lặp"), "{e}");
        let e = Aliases::parse_toml("[aliases]\n\"Sở A\" = \"Sở B\"\n\"Sở C\" = \n", "a.toml")
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = Aliases::parse_toml(
            "[aliases]\n\"Sở A\" = \"Sở B\"\n\"Sở a\" = \"Sở C\"\n",
            "a.toml",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("a.toml:"), "{e}");
    }
}
