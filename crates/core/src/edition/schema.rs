//! The shape of an edition file (which keys each table has, which of them are required, what type each
//! holds), checked over the whole parsed document so that every structural mistake is reported at once,
//! each at its line and column: serde stops at the first unknown or missing field or wrong type.
//!
//! serde's view stays the authority: this check runs only when serde has refused the file, and if it
//! finds nothing (a shape it does not describe), serde's own error is reported. So a gap here can
//! never refuse a valid edition; the test `schema_keys_are_the_raw_structs_keys` keeps the key lists
//! equal to those of the raw structs.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::msg;

/// What a key holds.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    Str,
    Int,
    Bool,
    /// A number, or a string holding one: the value is checked later, where its meaning is known.
    Scalar,
    StrList,
    Table(&'static [Field]),
    /// A list of tables (`[[criterion]]`), each named in messages by its `code` or `id` if it has one.
    Tables(&'static [Field]),
    /// A table of free keys to strings (`column_labels`).
    StrMap,
    /// A table of free keys to whole numbers (`column_decimals`).
    IntMap,
    /// A table whose keys are checked elsewhere (a criterion's `rule`).
    AnyTable,
}

pub(super) struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

const fn f(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

use Ty::*;

const LEGAL_BASIS: &[Field] = &[
    req("number", Str),
    f("date", Str),
    f("issuer", Str),
    f("role", Str),
    f("title", Str),
];
const PROVENANCE: &[Field] = &[
    f("published", Str),
    f("assumed", Str),
    f("notes", Str),
    f("illustrative", Bool),
];
const SCORING: &[Field] = &[
    f("rounding", Str),
    f("decimals", Int),
    f("total_max", Scalar),
    f("total_name", Str),
    f("total_name_en", Str),
    f("not_submitted", Str),
];
const RANKING: &[Field] = &[f("ties", Str), f("on", Str)];
const CATEGORY: &[Field] = &[req("code", Str), req("name", Str), f("name_en", Str)];
const BLOCK: &[Field] = &[
    req("code", Str),
    req("name", Str),
    f("name_en", Str),
    req("categories", StrList),
    f("ranked", Bool),
];
const INPUT: &[Field] = &[
    req("id", Str),
    req("name", Str),
    f("name_en", Str),
    req("type", Str),
    f("min", Scalar),
    f("max", Scalar),
    f("choices", StrList),
    f("unit", Str),
    f("evidence", Bool),
];
const CRITERION: &[Field] = &[
    req("code", Str),
    req("name", Str),
    f("name_en", Str),
    f("max", Scalar),
    f("cap", Bool),
    f("rule", AnyTable),
    f("applies_to", StrList),
    f("requires_flags", StrList),
    f("unless_flags", StrList),
    f("not_applicable", Str),
    f("rescale", Bool),
    f("evidence", Bool),
    f("description", Str),
];
const BAND: &[Field] = &[
    req("name", Str),
    f("name_en", Str),
    req("min_percent", Scalar),
];
const SECTION: &[Field] = &[
    f("label", Str),
    f("title", Str),
    f("title_en", Str),
    f("blocks", StrList),
    f("categories", StrList),
    f("ranked", Bool),
];
const TABLE: &[Field] = &[
    req("id", Str),
    req("title", Str),
    f("title_en", Str),
    f("part", Str),
    f("part_en", Str),
    f("node", Str),
    req("columns", StrList),
    f("column_labels", StrMap),
    f("column_labels_en", StrMap),
    f("column_group", Str),
    f("column_group_en", Str),
    f("total_label", Str),
    f("total_label_en", Str),
    f("show", Str),
    f("decimals", Int),
    f("column_decimals", IntMap),
    req("section", Tables(SECTION)),
    f("numbering", Str),
    f("ties", Str),
    f("rank_on", Str),
    f("column_numbers", Bool),
];
const ANNEX: &[Field] = &[
    f("title", Str),
    f("title_en", Str),
    f("subtitle", StrList),
    f("table", Tables(TABLE)),
];
pub(super) const EDITION: &[Field] = &[
    req("id", Str),
    req("title", Str),
    f("title_en", Str),
    req("year", Int),
    f("description", Str),
    f("legal_basis", Tables(LEGAL_BASIS)),
    f("provenance", Table(PROVENANCE)),
    f("scoring", Table(SCORING)),
    f("ranking", Table(RANKING)),
    f("category", Tables(CATEGORY)),
    f("block", Tables(BLOCK)),
    f("input", Tables(INPUT)),
    f("criterion", Tables(CRITERION)),
    f("band", Tables(BAND)),
    f("annex", Table(ANNEX)),
    // Read by `robustness::Spec` (its own schema and messages), not by the edition.
    f("robustness", AnyTable),
];

/// One structural problem: byte offset, path of the item, message.
pub(super) type Problem = (usize, String, String);

/// Every structural problem of `doc` against `fields`; `path` names the table (`""` at the top).
pub(super) fn check(doc: &Spanned<DeTable<'_>>, fields: &[Field], path: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    table(doc.get_ref(), doc.span().start, fields, path, &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path} / {key}")
    }
}

fn table(t: &DeTable<'_>, at: usize, fields: &[Field], path: &str, out: &mut Vec<Problem>) {
    for (k, v) in t {
        let key: &str = k.get_ref();
        match fields.iter().find(|f| f.name == key) {
            None => {
                let hint = crate::text::suggestion(key, fields.iter().map(|f| f.name));
                let known = fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
                let where_ = if path.is_empty() {
                    msg!("tệp", "file")
                } else {
                    path.to_string()
                };
                let q = crate::text::quote_short(key);
                out.push((
                    k.span().start,
                    where_,
                    msg!(
                        "khóa '{q}' không có ở đây{hint} (các khóa: {known})",
                        "there is no key '{q}' here{hint} (keys: {known})"
                    ),
                ));
            }
            Some(f) => value(v, f.ty, &join(path, key), out),
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !t.iter().any(|(k, _)| k.get_ref().as_ref() == f.name) {
            let where_ = if path.is_empty() {
                msg!("tệp", "file")
            } else {
                path.to_string()
            };
            let name = f.name;
            out.push((
                at,
                where_,
                msg!("thiếu khóa '{name}'", "the key '{name}' is missing"),
            ));
        }
    }
}

/// "a string", "a whole number" … in the message language.
fn expected(ty: Ty) -> String {
    let (vi, en) = match ty {
        Str => ("một chuỗi trong ngoặc kép", "a string in quotes"),
        Int => ("một số nguyên", "a whole number"),
        Bool => ("true hoặc false", "true or false"),
        Scalar => ("một số", "a number"),
        StrList => (
            "một danh sách chuỗi [\"…\", \"…\"]",
            "a list of strings [\"…\", \"…\"]",
        ),
        Table(_) | StrMap | IntMap | AnyTable => ("một bảng", "a table"),
        Tables(_) => ("một danh sách bảng [[…]]", "a list of tables [[…]]"),
    };
    msg!("{vi}", "{en}")
}

/// What a value is, in the message language.
fn found(v: &DeValue<'_>) -> String {
    let (vi, en) = match v {
        DeValue::String(_) => ("một chuỗi", "a string"),
        DeValue::Integer(_) => ("một số nguyên", "a whole number"),
        DeValue::Float(_) => ("một số thực", "a decimal number"),
        DeValue::Boolean(_) => ("true/false", "true/false"),
        DeValue::Datetime(_) => ("một ngày giờ", "a date-time"),
        DeValue::Array(_) => ("một danh sách", "a list"),
        DeValue::Table(_) => ("một bảng", "a table"),
    };
    msg!("{vi}", "{en}")
}

fn wrong(v: &Spanned<DeValue<'_>>, ty: Ty, path: &str, out: &mut Vec<Problem>) {
    let (e, g) = (expected(ty), found(v.get_ref()));
    out.push((
        v.span().start,
        path.to_string(),
        msg!("cần {e}, gặp {g}", "{e} is needed, not {g}"),
    ));
}

fn value(v: &Spanned<DeValue<'_>>, ty: Ty, path: &str, out: &mut Vec<Problem>) {
    let x = v.get_ref();
    match ty {
        Str => {
            if !matches!(x, DeValue::String(_)) {
                wrong(v, ty, path, out);
            }
        }
        Int => {
            // Validation bounds the numbers; only the type is checked here (a year may be anything a
            // whole number is, decimals are never negative).
            let whole = match x {
                DeValue::Integer(i) => !i.as_str().starts_with('-') || path.ends_with("year"),
                _ => false,
            };
            if !whole {
                wrong(v, ty, path, out);
            }
        }
        Bool => {
            if !matches!(x, DeValue::Boolean(_)) {
                wrong(v, ty, path, out);
            }
        }
        Scalar => {
            if matches!(x, DeValue::Array(_) | DeValue::Table(_)) {
                wrong(v, ty, path, out);
            }
        }
        StrList => match x {
            DeValue::Array(a) => {
                for item in a {
                    if !matches!(item.get_ref(), DeValue::String(_)) {
                        wrong(item, Str, path, out);
                    }
                }
            }
            _ => wrong(v, ty, path, out),
        },
        Table(fields) => match x {
            DeValue::Table(t) => table(t, v.span().start, fields, path, out),
            _ => wrong(v, ty, path, out),
        },
        Tables(fields) => match x {
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    match item.get_ref() {
                        DeValue::Table(t) => {
                            let name = t
                                .iter()
                                .find(|(k, _)| matches!(k.get_ref().as_ref(), "code" | "id"))
                                .and_then(|(_, v)| v.get_ref().as_str())
                                .map(|s| crate::text::quote_short(s).into_owned())
                                .unwrap_or_else(|| format!("#{}", i + 1));
                            let p = format!("{path} {name}");
                            table(t, item.span().start, fields, &p, out);
                        }
                        _ => wrong(item, Table(fields), path, out),
                    }
                }
            }
            _ => wrong(v, ty, path, out),
        },
        StrMap | IntMap => match x {
            DeValue::Table(t) => {
                for (k, item) in t {
                    let inner = if matches!(ty, StrMap) { Str } else { Int };
                    value(item, inner, &join(path, k.get_ref()), out);
                }
            }
            _ => wrong(v, ty, path, out),
        },
        AnyTable => {
            if !matches!(x, DeValue::Table(_)) {
                wrong(v, ty, path, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edition::Edition;

    const SHIPPED: &str = include_str!("../../../../data/editions/hoabinh-2019.toml");

    /// serde's refusal of an unknown key lists the keys the raw struct knows ("expected one of `a`,
    /// `b`"): each table of the schema must list exactly those.
    #[test]
    fn schema_keys_are_the_raw_structs_keys() {
        let tables: &[(&str, &[Field], &str)] = &[
            ("", EDITION, ""),
            (
                "[[legal_basis]]\nnumber = \"1\"\n",
                LEGAL_BASIS,
                "legal_basis",
            ),
            ("[provenance]\n", PROVENANCE, "provenance"),
            ("[scoring]\n", SCORING, "scoring"),
            ("[ranking]\n", RANKING, "ranking"),
            (
                "[[category]]\ncode = \"c\"\nname = \"n\"\n",
                CATEGORY,
                "category",
            ),
            (
                "[[block]]\ncode = \"b\"\nname = \"n\"\ncategories = []\n",
                BLOCK,
                "block",
            ),
            (
                "[[input]]\nid = \"i\"\nname = \"n\"\ntype = \"number\"\n",
                INPUT,
                "input",
            ),
            (
                "[[criterion]]\ncode = \"A\"\nname = \"n\"\n",
                CRITERION,
                "criterion",
            ),
            ("[[band]]\nname = \"n\"\nmin_percent = 1\n", BAND, "band"),
            ("[annex]\n", ANNEX, "annex"),
            (
                "[[annex.table]]\nid = \"t\"\ntitle = \"t\"\ncolumns = []\n[[annex.table.section]]\n",
                SECTION,
                "section",
            ),
            (
                "[[annex.table]]\nid = \"t\"\ntitle = \"t\"\ncolumns = []\nsection = []\n",
                TABLE,
                "table",
            ),
        ];
        for (toml, fields, what) in tables {
            let src = format!("id = \"x\"\ntitle = \"x\"\nyear = 2020\n{toml}zzz_unknown = 1\n");
            let e = toml::from_str::<super::super::RawEdition>(&src)
                .err()
                .unwrap_or_else(|| panic!("{what}: refused"));
            let m = e.message();
            let m = m.replace("` or `", "`, `");
            let listed: std::collections::BTreeSet<&str> = m
                .split("expected one of ")
                .nth(1)
                .or_else(|| m.split("expected ").nth(1))
                .unwrap_or_else(|| panic!("{what}: {m}"))
                .split(", ")
                .map(|k| k.trim().trim_matches('`'))
                .collect();
            let ours: std::collections::BTreeSet<&str> = fields.iter().map(|f| f.name).collect();
            assert_eq!(listed, ours, "{what}: {m}");
        }
    }

    #[test]
    fn every_structural_mistake_is_reported_at_once() {
        let bad = SHIPPED
            .replacen("max = 65", "maxx = 65", 1)
            .replacen("year = 2019", "year = \"2019\"", 1)
            .replacen("[[category]]\ncode = \"so-dvc\"\n", "[[category]]\n", 1)
            .replacen("[scoring]\n", "[scoring]\ndecimal = 2\n", 1);
        let e = Edition::from_toml(&bad, "e.toml").unwrap_err();
        let text = e.to_string();
        assert_eq!(e.problems.len(), 4, "{text}");
        assert!(
            text.contains("khóa 'maxx' không có ở đây; có phải 'max'?"),
            "{text}"
        );
        assert!(
            text.contains("khóa 'decimal' không có ở đây; có phải 'decimals'?"),
            "{text}"
        );
        assert!(
            text.contains("year: cần một số nguyên, gặp một chuỗi"),
            "{text}"
        );
        assert!(text.contains("thiếu khóa 'code'"), "{text}");
        for p in &e.problems {
            assert!(p.line > 1, "located: {p}");
        }
        let maxx = e
            .problems
            .iter()
            .find(|p| p.message.contains("maxx"))
            .unwrap();
        let line = bad.lines().nth(maxx.line - 1).unwrap();
        assert!(line.starts_with("maxx"), "{line}");
        assert_eq!(maxx.column, 1);
        assert!(maxx.path.starts_with("criterion "), "{}", maxx.path);
    }

    #[test]
    fn every_syntax_error_is_located_without_the_parser_english() {
        let bad = SHIPPED.replacen("year = 2019", "year = 2019 x", 1);
        let e = Edition::from_toml(&bad, "e.toml").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("cú pháp TOML không hợp lệ"), "{text}");
        assert!(
            !text.contains("expected") && !text.contains("invalid"),
            "{text}"
        );
    }
}
