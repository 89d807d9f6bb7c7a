//! The audit as a reader gets it: a plain report (Vietnamese by default), Markdown, and the JSON contract.
//!
//! The text report is written for a provincial officer with the printed decision in hand: one line per
//! finding, in document order, starting with where it is (line or cell), which table and which unit,
//! then the reason in plain words and the proposed correction. Impacts on rankings and the names matched
//! other than exactly follow, so that nothing the audit assumed is hidden.

use serde_json::{Value, json};

use super::{Audit, Convention, Finding, Impact, TableRole};
use crate::Lang;
use crate::table::{Pos, Table};

fn place(pos: Option<&Pos>, lang: Lang) -> Option<String> {
    let p = pos?;
    match &p.cell {
        Some(c) => Some(format!("{} {c}", lang.tr("ô", "cell"))),
        None if p.line > 0 => Some(format!("{} {}", lang.tr("dòng", "line"), p.line)),
        None => None,
    }
}

fn short(title: &str) -> String {
    const MAX: usize = 70;
    if title.chars().count() <= MAX {
        title.to_string()
    } else {
        title.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

/// A unit's name as a report shows it: whole, unless a crafted document made it longer than a message
/// may quote ([`crate::text::QUOTE_CHARS`]).
fn name(u: &str) -> String {
    crate::text::cut(u, crate::text::QUOTE_CHARS).into_owned()
}

fn summary_line(audit: &Audit, lang: Lang) -> String {
    use super::Severity::*;
    if audit.findings.is_empty() {
        return lang
            .tr("Không phát hiện sai sót.", "No findings.")
            .to_string();
    }
    match lang {
        Lang::Vi => format!(
            "Phát hiện {} vấn đề: {} lỗi, {} cảnh báo, {} ghi chú.",
            audit.findings.len(),
            audit.count(Error),
            audit.count(Warning),
            audit.count(Info)
        ),
        Lang::En => {
            // "1 warning", "2 warnings": English counts agree with their noun.
            let n = |count: usize, one: &str, many: &str| {
                format!("{count} {}", if count == 1 { one } else { many })
            };
            format!(
                "{}: {}, {}, {}.",
                n(audit.findings.len(), "finding", "findings"),
                n(audit.count(Error), "error", "errors"),
                n(audit.count(Warning), "warning", "warnings"),
                n(audit.count(Info), "note", "notes")
            )
        }
    }
}

/// One line of the text report.
pub fn finding_line(f: &Finding, lang: Lang) -> String {
    let mut head = Vec::new();
    if let Some(p) = place(f.pos.as_ref(), lang) {
        head.push(p);
    }
    if f.table_title.is_empty() {
        if f.table.is_empty() {
            head.push(lang.tr("văn bản", "document").to_string());
        } else {
            head.push(format!("{} {}", lang.tr("bảng", "table"), f.table));
        }
    } else {
        head.push(format!(
            "{} \"{}\"",
            lang.tr("bảng", "table"),
            short(&f.table_title)
        ));
    }
    if let Some(u) = &f.unit {
        head.push(name(u));
    }
    let mut line = format!(
        "[{}] {}: {}",
        f.severity.label(lang),
        head.join(", "),
        f.message.get(lang)
    );
    if let Some(c) = &f.correction {
        line.push_str(&format!(
            " → {}: {}",
            lang.tr("đề xuất", "proposed"),
            c.get(lang)
        ));
    }
    line
}

fn impact_line(audit: &Audit, im: &Impact, lang: Lang) -> String {
    let f = &audit.findings[im.finding];
    let at = place(f.pos.as_ref(), lang)
        .map(|p| format!("{p}, "))
        .unwrap_or_default();
    let block = im
        .block
        .as_deref()
        .map(|b| format!(", {} {b}", lang.tr("khối", "block")))
        .unwrap_or_default();
    let rank_of = |i: usize| {
        im.readings[i]
            .ranking
            .iter()
            .find(|u| u.unit == im.unit)
            .map(|u| u.rank)
    };
    let mut s = format!(
        "{at}{} — {} \"{}\"{block}: ",
        name(&im.unit),
        lang.tr("xếp hạng trong bảng", "ranking in table"),
        short(&im.table_title)
    );
    let readings: Vec<String> = im
        .readings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rank = rank_of(i)
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into());
            format!(
                "{} {} {rank}",
                r.label.get(lang),
                lang.tr("→ hạng", "→ rank")
            )
        })
        .collect();
    s.push_str(&readings.join("; "));
    s.push_str(". ");
    if im.changes.is_empty() {
        s.push_str(lang.tr("Không đơn vị nào đổi hạng.", "No unit's rank changes."));
    } else {
        let list: Vec<String> = im
            .changes
            .iter()
            .map(|c| format!("{} {} → {}", name(&c.unit), c.from, c.to))
            .collect();
        s.push_str(&format!(
            "{} ({}): {}.",
            lang.tr("Đơn vị đổi hạng", "Ranks that change"),
            im.changes.len(),
            list.join("; ")
        ));
    }
    s
}

/// "Ranking convention checked against: <label>." heading both readable reports.
fn convention_sentence(c: &Convention, lang: Lang) -> String {
    let label = match lang {
        Lang::Vi => c.label_vi(),
        Lang::En => c.label_en(),
    };
    format!(
        "{}: {label}.",
        lang.tr(
            "Cách xếp hạng dùng để kiểm tra",
            "Ranking convention checked against"
        )
    )
}

/// The readable report: one line per finding in document order, then impacts and name matches.
pub fn render_text(audit: &Audit, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&summary_line(audit, lang));
    out.push('\n');
    if let Some(c) = &audit.convention {
        out.push_str(&convention_sentence(c, lang));
        out.push('\n');
    }
    if !audit.findings.is_empty() {
        out.push('\n');
    }
    for f in &audit.findings {
        out.push_str(&finding_line(f, lang));
        out.push('\n');
    }
    if !audit.impacts.is_empty() {
        out.push('\n');
        out.push_str(lang.tr("Ảnh hưởng đến xếp hạng:", "Impact on rankings:"));
        out.push('\n');
        for im in &audit.impacts {
            out.push_str("- ");
            out.push_str(&impact_line(audit, im, lang));
            out.push('\n');
        }
    }
    if !audit.name_matches.is_empty() {
        out.push('\n');
        out.push_str(lang.tr(
            "Tên đơn vị được ghép không trùng khớp hoàn toàn:",
            "Unit names matched other than exactly:",
        ));
        out.push('\n');
        for m in &audit.name_matches {
            let at = place(m.pos.as_ref(), lang)
                .map(|p| format!("{p}: "))
                .unwrap_or_default();
            let how = match lang {
                Lang::Vi => m.kind.label_vi(),
                Lang::En => m.kind.label_en(),
            };
            out.push_str(&format!(
                "- {at}«{}» = «{}» ({how})\n",
                name(&m.unit),
                name(&m.matched)
            ));
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown: a findings table, then impacts (rankings side by side) and name matches.
pub fn render_markdown(audit: &Audit, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# {}\n\n",
        lang.tr(
            "Kết quả kiểm tra bảng xếp hạng",
            "Audit of the ranking tables"
        )
    ));
    out.push_str(&format!("**{}**\n\n", summary_line(audit, lang)));
    if let Some(c) = &audit.convention {
        out.push_str(&convention_sentence(c, lang));
        out.push_str("\n\n");
    }
    if !audit.findings.is_empty() {
        let head = match lang {
            Lang::Vi => "| Vị trí | Bảng | Đơn vị | Mức | Vấn đề | Đúng ra | Đang ghi | Đề xuất |",
            Lang::En => {
                "| Place | Table | Unit | Severity | Problem | Expected | Found | Proposed |"
            }
        };
        out.push_str(head);
        out.push_str("\n|---|---|---|---|---|---|---|---|\n");
        for f in &audit.findings {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                md_cell(&place(f.pos.as_ref(), lang).unwrap_or_default()),
                md_cell(&short(if f.table_title.is_empty() {
                    &f.table
                } else {
                    &f.table_title
                })),
                md_cell(&name(f.unit.as_deref().unwrap_or(""))),
                f.severity.label(lang),
                md_cell(f.message.get(lang)),
                md_cell(&name(
                    &f.expected
                        .as_ref()
                        .map(|v| v.display(lang))
                        .unwrap_or_default()
                )),
                md_cell(&name(
                    &f.found
                        .as_ref()
                        .map(|v| v.display(lang))
                        .unwrap_or_default()
                )),
                md_cell(f.correction.as_ref().map(|c| c.get(lang)).unwrap_or("")),
            ));
        }
        out.push('\n');
    }
    if !audit.impacts.is_empty() {
        out.push_str(&format!(
            "## {}\n\n",
            lang.tr("Ảnh hưởng đến xếp hạng", "Impact on rankings")
        ));
        for im in &audit.impacts {
            out.push_str(&format!(
                "### {}\n\n",
                md_cell(&impact_line(audit, im, lang))
            ));
            if im.changes.is_empty() {
                continue;
            }
            let labels: Vec<String> = im
                .readings
                .iter()
                .map(|r| md_cell(r.label.get(lang)))
                .collect();
            out.push_str(&format!(
                "| {} | {} |\n|---|{}\n",
                lang.tr("Đơn vị", "Unit"),
                labels.join(" | "),
                "---|".repeat(labels.len())
            ));
            for u in &im.readings[0].ranking {
                let cells: Vec<String> = im
                    .readings
                    .iter()
                    .map(|r| {
                        r.ranking
                            .iter()
                            .find(|x| x.unit == u.unit)
                            .map(|x| format!("{} ({})", x.rank, super::fmt_num(x.total, lang)))
                            .unwrap_or_default()
                    })
                    .collect();
                let moved = im.changes.iter().any(|c| c.unit == u.unit);
                let name = if moved {
                    format!("**{}**", md_cell(&name(&u.unit)))
                } else {
                    md_cell(&name(&u.unit))
                };
                out.push_str(&format!("| {name} | {} |\n", cells.join(" | ")));
            }
            out.push('\n');
        }
    }
    if !audit.name_matches.is_empty() {
        out.push_str(&format!(
            "## {}\n\n",
            lang.tr(
                "Tên đơn vị được ghép không trùng khớp hoàn toàn",
                "Unit names matched other than exactly"
            )
        ));
        for m in &audit.name_matches {
            let at = place(m.pos.as_ref(), lang)
                .map(|p| format!("{p}: "))
                .unwrap_or_default();
            let how = match lang {
                Lang::Vi => m.kind.label_vi(),
                Lang::En => m.kind.label_en(),
            };
            out.push_str(&format!(
                "- {at}«{}» = «{}» ({how})\n",
                md_cell(&name(&m.unit)),
                md_cell(&m.matched)
            ));
        }
    }
    out
}

fn line_json(pos: Option<&Pos>) -> Value {
    match pos {
        Some(Pos { cell: Some(c), .. }) => json!(c),
        Some(p) if p.line > 0 => json!(p.line),
        _ => Value::Null,
    }
}

/// The design.md contract: `{"tables": [...], "findings": [{"kind","severity","table","unit","line",
/// "message","expected","found"}]}`, with English messages, corrections, impacts and name matches added.
pub fn to_json(audit: &Audit, tables: &[Table]) -> Value {
    let findings: Vec<Value> = audit
        .findings
        .iter()
        .map(|f| {
            json!({
                "kind": f.kind.as_str(),
                "severity": f.severity.as_str(),
                "table": f.table,
                "table_title": f.table_title,
                "unit": f.unit,
                "line": line_json(f.pos.as_ref()),
                "message": f.message.vi,
                "message_en": f.message.en,
                "expected": f.expected.as_ref().map_or(Value::Null, |v| v.to_json()),
                "found": f.found.as_ref().map_or(Value::Null, |v| v.to_json()),
                "correction": f.correction.as_ref().map(|c| c.vi.clone()),
                "correction_en": f.correction.as_ref().map(|c| c.en.clone()),
            })
        })
        .collect();
    let impacts: Vec<Value> = audit
        .impacts
        .iter()
        .map(|im| {
            json!({
                "finding": im.finding,
                "table": im.table,
                "block": im.block,
                "unit": im.unit,
                "convention": im.convention.as_str(),
                "readings": im.readings.iter().map(|r| json!({
                    "label": r.label.vi,
                    "label_en": r.label.en,
                    "ranking": r.ranking.iter().map(|u| json!({
                        "unit": u.unit,
                        "total": crate::table::decimal_json(u.total),
                        "rank": u.rank,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "changes": im.changes.iter().map(|c| json!({"unit": c.unit, "from": c.from, "to": c.to})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let matches: Vec<Value> = audit
        .name_matches
        .iter()
        .map(|m| {
            json!({
                "table": m.table,
                "unit": m.unit,
                "matched": m.matched,
                "kind": m.kind,
                "line": line_json(m.pos.as_ref()),
            })
        })
        .collect();
    let roles: Vec<Value> = audit
        .tables
        .iter()
        .map(|s| {
            let role = match &s.role {
                TableRole::Overall { categories } => json!({
                    "role": "overall",
                    "categories": categories.iter().map(|(c, t)| json!({"column": c, "table": t})).collect::<Vec<_>>(),
                }),
                TableRole::Category { overall, column } => json!({"role": "category", "overall": overall, "column": column}),
                TableRole::Standalone => json!({"role": "standalone"}),
            };
            json!({
                "table": s.table,
                "role": role,
                "total_is_sum": s.total_is_sum,
                "conventions": s.conventions.iter().map(|c| json!({
                    "block": c.block,
                    "fits": c.fits.map(|f| f.as_str()),
                    "breaks": c.breaks,
                    "ambiguous": c.ambiguous,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "tables": tables.iter().map(Table::to_json).collect::<Vec<_>>(),
        "convention": audit.convention.map(|c| c.as_str()),
        "summary": {
            "errors": audit.count(super::Severity::Error),
            "warnings": audit.count(super::Severity::Warning),
            "info": audit.count(super::Severity::Info),
        },
        "findings": findings,
        "impacts": impacts,
        "name_matches": matches,
        "table_roles": roles,
    })
}
