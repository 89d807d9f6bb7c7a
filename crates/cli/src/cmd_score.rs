//! `egov score` (points of every unit, or one unit's explanation) and `egov rank` (ranks per block).
//! Their CSV follows the rule of every CSV egov writes: text fields (codes, names) that begin like a
//! spreadsheet formula get a `'` in front ([`egov_import::csv_text`]); numbers are never prefixed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_core::dataset::Dataset;
use egov_core::edition::{Edition, RankOn};
use egov_core::engine::{self, Scores, Status};
use egov_core::num::{format_vi, round};
use egov_core::table::decimal_json;
use egov_core::{Lang, rank};
use egov_import::{csv_number, csv_text};
use serde_json::json;

use crate::cmd_annex::Common;
use crate::load;

#[derive(clap::Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub common: Common,
    /// Explain one unit (by code) node by node: inputs, rule, points.
    #[arg(long)]
    explain: Option<String>,
    /// text, json or csv.
    #[arg(long, default_value = "text", value_parser = table_format())]
    format: String,
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The formats of `score` and `rank`: a closed list.
fn table_format() -> impl clap::builder::TypedValueParser<Value = String> {
    crate::help::choice(&[("text", &["txt"]), ("json", &[]), ("csv", &[])], |s| {
        if s == "txt" { "text" } else { s }.to_string()
    })
}

#[derive(clap::Args)]
pub struct RankArgs {
    #[command(flatten)]
    pub common: Common,
    /// Criterion code to rank on (default: the total).
    #[arg(long, default_value = "")]
    node: String,
    /// text, json or csv.
    #[arg(long, default_value = "text", value_parser = table_format())]
    format: String,
    #[arg(long)]
    out: Option<PathBuf>,
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Scored => "scored",
        Status::Given => "given",
        Status::Missing => "missing",
        Status::NotApplicable => "not_applicable",
        Status::NotEvaluated => "not_evaluated",
        Status::Excluded => "excluded",
    }
}

fn load_all(c: &Common) -> Result<(Edition, Dataset, Scores)> {
    let edition = load::edition(&c.edition)?;
    // Scores need no annex; only publishing does (`egov annex` and `egov export` refuse).
    if let Some(m) = edition.annex_missing() {
        eprintln!(
            "{}",
            egov_core::msg!("egov: cảnh báo: {m}", "egov: warning: {m}")
        );
    }
    let data = load::dataset(&edition, &c.data)?;
    let scores = engine::score(&edition, &data);
    Ok((edition, data, scores))
}

fn unit_index(data: &Dataset, code: &str) -> Result<usize> {
    data.unit_index(code).ok_or_else(|| {
        let (c, hint) = (
            egov_core::text::quote_short(code),
            egov_core::text::suggestion(code, data.units.iter().map(|u| u.code.as_str())),
        );
        load::InputError(egov_core::msg!(
            "không có đơn vị mã '{c}' trong bộ dữ liệu{hint}",
            "there is no unit with the code '{c}' in the dataset{hint}"
        ))
        .into()
    })
}

pub fn score(a: ScoreArgs) -> Result<ExitCode> {
    let (edition, data, scores) = load_all(&a.common)?;
    let lang = a.common.lang;
    let d = edition.decimals;
    let fmt = |x| format_vi(x, d, edition.rounding);
    let out = if let Some(code) = &a.explain {
        let u = unit_index(&data, code)?;
        let lines = engine::explain(&edition, &data, &scores, u, lang);
        if a.format == "json" {
            let v: Vec<_> = lines
                .iter()
                .map(|l| json!({"code": l.code, "name": l.name, "depth": l.depth, "rule": l.rule, "inputs": l.inputs, "steps": l.steps, "points": decimal_json(l.points), "max": decimal_json(l.max), "status": status_name(l.status)}))
                .collect();
            serde_json::to_string_pretty(
                &json!({"edition": edition.id, "unit": code, "name": data.units[u].name, "nodes": v}),
            )? + "\n"
        } else {
            let mut s = format!(
                "{} ({}) — {}\n",
                data.units[u].name,
                code,
                edition.title(lang)
            );
            for l in &lines {
                let indent = "  ".repeat(l.depth);
                let head = if l.code.is_empty() {
                    l.name.clone()
                } else {
                    format!("{} {}", l.code, l.name)
                };
                let pts = if l.status == Status::NotEvaluated {
                    lang.tr("Không đánh giá", "Not evaluated").to_string()
                } else {
                    format!("{} / {}", fmt(l.points), fmt(l.max))
                };
                s.push_str(&format!("{indent}{head}: {pts}  [{}]\n", l.rule));
                for i in &l.inputs {
                    s.push_str(&format!(
                        "{indent}    {} {i}\n",
                        lang.tr("đầu vào:", "input:")
                    ));
                }
                for st in &l.steps {
                    s.push_str(&format!("{indent}    {st}\n"));
                }
            }
            s
        }
    } else {
        match a.format.as_str() {
            "json" => {
                let units: Vec<_> = (0..data.units.len())
                    .map(|u| {
                        let nodes: serde_json::Map<String, serde_json::Value> = edition
                            .nodes
                            .iter()
                            .enumerate()
                            .skip(1)
                            .map(|(n, node)| {
                                let s = scores.get(u, n);
                                (node.code.clone(), json!({"points": decimal_json(s.points), "max": decimal_json(s.max), "status": status_name(s.status)}))
                            })
                            .collect();
                        let t = scores.total(u);
                        json!({
                            "code": data.units[u].code,
                            "name": data.units[u].name,
                            "category": edition.categories[data.units[u].category].code,
                            "total": decimal_json(t.points),
                            "max": decimal_json(t.max),
                            "band": engine::band(&edition, &t).map(|b| lang.pick(&b.name, b.name_en.as_deref()).to_string()),
                            "nodes": nodes,
                        })
                    })
                    .collect();
                let notes: Vec<_> = scores
                    .notes
                    .iter()
                    .map(|n| json!({"unit": data.units[n.unit].code, "node": edition.nodes[n.node].code, "given": decimal_json(n.given), "children_sum": decimal_json(n.children_sum)}))
                    .collect();
                serde_json::to_string_pretty(
                    &json!({"edition": edition.id, "units": units, "notes": notes}),
                )? + "\n"
            }
            "csv" => {
                let mut w = String::from("\u{feff}unit,node,points,max,status\n");
                for u in 0..data.units.len() {
                    for (n, node) in edition.nodes.iter().enumerate() {
                        let s = scores.get(u, n);
                        w.push_str(&format!(
                            "{},{},{},{},{}\n",
                            csv_text(&data.units[u].code),
                            csv_text(&node.code),
                            csv_number(&s.points.to_string()),
                            csv_number(&s.max.to_string()),
                            status_name(s.status)
                        ));
                    }
                }
                w
            }
            _ => {
                let tops: Vec<usize> = edition.nodes[0].children.clone();
                let mut s = format!("{}\n", edition.title(lang));
                s.push_str(&format!(
                    "{:<10} {:<40}",
                    lang.tr("Mã", "Code"),
                    lang.tr("Đơn vị", "Unit")
                ));
                for &t in &tops {
                    s.push_str(&format!(" {:>8}", edition.nodes[t].code));
                }
                s.push_str(&format!(
                    " {:>9} {}\n",
                    lang.tr("Tổng", "Total"),
                    lang.tr("Xếp loại", "Band")
                ));
                for u in 0..data.units.len() {
                    s.push_str(&format!(
                        "{:<10} {:<40}",
                        data.units[u].code, data.units[u].name
                    ));
                    for &t in &tops {
                        let sc = scores.get(u, t);
                        let cell = if sc.status == Status::NotEvaluated {
                            "KĐG".to_string()
                        } else {
                            fmt(sc.points)
                        };
                        s.push_str(&format!(" {cell:>8}"));
                    }
                    let t = scores.total(u);
                    let band = engine::band(&edition, &t)
                        .map(|b| lang.pick(&b.name, b.name_en.as_deref()).to_string())
                        .unwrap_or_default();
                    s.push_str(&format!(" {:>9} {band}\n", fmt(t.points)));
                }
                for n in &scores.notes {
                    s.push_str(&format!(
                        "{}: {} {}: {} {} ≠ {} {}\n",
                        lang.tr("Lưu ý", "Note"),
                        data.units[n.unit].code,
                        edition.nodes[n.node].code,
                        lang.tr("điểm nhập", "given"),
                        fmt_exact(n.given),
                        lang.tr("tổng tiêu chí con", "sum of children"),
                        fmt_exact(n.children_sum)
                    ));
                }
                s
            }
        }
    };
    load::emit(a.out.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// A name in the rank CSV: always quoted, as it always was (names hold commas), and
/// spreadsheet-safe like every text field ([`csv_text`]).
fn csv_name(name: &str) -> String {
    let field = csv_text(name);
    if field.starts_with('"') {
        field.into_owned()
    } else {
        format!("\"{field}\"")
    }
}

fn fmt_exact(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

pub fn rank(a: RankArgs) -> Result<ExitCode> {
    let (edition, data, scores) = load_all(&a.common)?;
    let lang: Lang = a.common.lang;
    let node = if a.node.is_empty() {
        0
    } else {
        edition.node(&a.node).ok_or_else(|| {
            let (c, id) = (egov_core::text::quote_short(&a.node), &edition.id);
            let hint = egov_core::text::suggestion(
                &a.node,
                edition.nodes.iter().skip(1).map(|n| n.code.as_str()),
            );
            load::InputError(egov_core::msg!(
                "không có tiêu chí '{c}' trong bộ chỉ số {id}{hint}",
                "there is no criterion '{c}' in the edition {id}{hint}"
            ))
        })?
    };
    let d = edition.decimals;
    let mut rows = Vec::new();
    for (b, block) in edition.blocks.iter().enumerate() {
        let members: Vec<usize> = (0..data.units.len())
            .filter(|&u| edition.block_of_category(data.units[u].category) == Some(b))
            .filter(|&u| {
                !matches!(
                    scores.get(u, node).status,
                    Status::NotEvaluated | Status::Excluded
                )
            })
            // A unit that submitted nothing is unranked when the edition says so.
            .filter(|&u| {
                data.submitted(u)
                    || edition.not_submitted != egov_core::edition::NotSubmitted::Unranked
            })
            .collect();
        let keys: Vec<_> = members
            .iter()
            .map(|&u| {
                let p = scores.get(u, node).points;
                if edition.ranking.on == RankOn::Rounded {
                    round(p, d, edition.rounding)
                } else {
                    p
                }
            })
            .collect();
        let ranks = rank::rank(&keys, edition.ranking.ties);
        // Tied units by name, each name's collation key made once.
        let names = egov_core::text::SortKeys::new(
            members
                .iter()
                .map(|&u| data.units[u].name.as_str())
                .collect(),
        );
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by(|&x, &y| ranks[x].cmp(&ranks[y]).then_with(|| names.compare(x, y)));
        for i in order {
            let u = members[i];
            rows.push((
                block,
                block.ranked.then_some(ranks[i]),
                u,
                scores.get(u, node).points,
            ));
        }
    }
    let out = match a.format.as_str() {
        "json" => {
            let v: Vec<_> = rows
                .iter()
                .map(|(b, r, u, p)| json!({"block": b.code, "rank": r, "unit": data.units[*u].code, "name": data.units[*u].name, "points": decimal_json(round(*p, d, edition.rounding))}))
                .collect();
            serde_json::to_string_pretty(
                &json!({"edition": edition.id, "node": edition.nodes[node].code, "ranks": v}),
            )? + "\n"
        }
        "csv" => {
            let mut s = String::from("\u{feff}block,rank,unit,name,points\n");
            for (b, r, u, p) in &rows {
                s.push_str(&format!(
                    "{},{},{},{},{}\n",
                    csv_text(&b.code),
                    r.map(|x| x.to_string()).unwrap_or_default(),
                    csv_text(&data.units[*u].code),
                    csv_name(&data.units[*u].name),
                    csv_number(&round(*p, d, edition.rounding).to_string())
                ));
            }
            s
        }
        _ => {
            let mut s = String::new();
            let mut last = "";
            for (b, r, u, p) in &rows {
                if b.code != last {
                    s.push_str(&format!(
                        "\n{}{}\n",
                        lang.pick(&b.name, b.name_en.as_deref()),
                        if b.ranked {
                            ""
                        } else {
                            lang.tr(" (không xếp hạng)", " (not ranked)")
                        }
                    ));
                    last = &b.code;
                }
                let r = r.map(|x| x.to_string()).unwrap_or_default();
                s.push_str(&format!(
                    "{r:>4}  {:<40} {:>8}\n",
                    data.units[*u].name,
                    format_vi(*p, d, edition.rounding)
                ));
            }
            s
        }
    };
    load::emit(a.out.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
