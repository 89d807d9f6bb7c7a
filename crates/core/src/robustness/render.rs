//! A robustness report as text (Vietnamese or English, for a reader), JSON (the contract other tools
//! read, also the bench peer's check) and CSV (one row per unit and ranked block, for a spreadsheet).

use serde::Serialize;
use serde_json::Value;

use super::{Report, SectionReport};
use crate::Lang;

fn num(x: f64, decimals: usize, lang: Lang) -> String {
    let s = format!("{x:.decimals$}");
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

fn pct(p: f64, lang: Lang) -> String {
    format!("{} %", num(100.0 * p, 1, lang))
}

/// The block's plain-language summary ("Thứ hạng của 14/18 đơn vị ổn định trong ±1 bậc; …"). The main
/// choice is named with its total index only when the ranking really moves (some unit's 5–95 % interval
/// is more than one place): when every interval is a single place, the few draws that differ make the
/// indices noise, and the sentence says only where those rare moves come from.
pub fn summary(report: &Report, s: &SectionReport, lang: Lang) -> String {
    let n = s.units.len();
    let wide = s.units.iter().filter(|u| u.p95 - u.p5 > 5).count();
    let label = |i: usize| {
        let c = &report.choices[i];
        lang.pick(&c.label, Some(&c.label_en)).to_lowercase()
    };
    let moving = s.units.iter().any(|u| u.mean != f64::from(u.nominal));
    let all_stable = s.units.iter().all(|u| u.p5 == u.p95);
    match lang {
        Lang::Vi => {
            let mut out = format!(
                "Thứ hạng của {}/{} đơn vị ổn định trong ±1 bậc (khoảng 5–95 %)",
                s.stable, n
            );
            if wide > 0 {
                out.push_str(&format!("; {wide} đơn vị có khoảng rộng hơn 5 bậc"));
            }
            match s.dominant {
                Some(i) if moving && !all_stable => out.push_str(&format!(
                    "; yếu tố ảnh hưởng lớn nhất: {} (chỉ số tổng {}).",
                    label(i),
                    num(s.sensitivity[i].total, 2, lang)
                )),
                Some(i) if moving => out.push_str(&format!(
                    "; các thay đổi hiếm hoi đến chủ yếu từ {}.",
                    label(i)
                )),
                _ => out.push_str("; không lựa chọn nào làm thay đổi thứ hạng."),
            }
            out
        }
        Lang::En => {
            let mut out = format!(
                "The ranks of {}/{} units are stable within ±1 place (5–95 % interval)",
                s.stable, n
            );
            match wide {
                0 => {}
                1 => out.push_str("; 1 unit has an interval wider than 5 places"),
                _ => out.push_str(&format!(
                    "; {wide} units have an interval wider than 5 places"
                )),
            }
            match s.dominant {
                Some(i) if moving && !all_stable => out.push_str(&format!(
                    "; the largest source of uncertainty: {} (total index {}).",
                    label(i),
                    num(s.sensitivity[i].total, 2, lang)
                )),
                Some(i) if moving => {
                    out.push_str(&format!("; the rare moves come mostly from {}.", label(i)))
                }
                _ => out.push_str("; no choice changes the ranking."),
            }
            out
        }
    }
}

/// Text for a reader.
pub fn text(report: &Report, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut o = String::new();
    let k = report.choices.len();
    if vi {
        o.push_str(&format!(
            "PHÂN TÍCH ĐỘ VỮNG CỦA XẾP HẠNG — bộ tiêu chí {}\n{} lượt tính = {} lượt gốc × ({} lựa chọn + 2); {} lượt rút độc lập cho khoảng thứ hạng; hạt giống {}.\n",
            report.edition, report.evaluations, report.base, k, report.draws, report.seed
        ));
        o.push_str(if report.declared {
            "Các lựa chọn bất định (khai báo trong [robustness]):\n"
        } else {
            "Các lựa chọn bất định (mặc định; khai báo [robustness] để đổi):\n"
        });
    } else {
        o.push_str(&format!(
            "ROBUSTNESS OF THE RANKINGS — edition {}\n{} evaluations = {} base rows × ({} choices + 2); {} independent draws for the rank intervals; seed {}.\n",
            report.edition, report.evaluations, report.base, k, report.draws, report.seed
        ));
        o.push_str(if report.declared {
            "Uncertain choices (declared in [robustness]):\n"
        } else {
            "Uncertain choices (defaults; declare [robustness] to change them):\n"
        });
    }
    for (i, c) in report.choices.iter().enumerate() {
        let label = lang.pick(&c.label, Some(&c.label_en));
        if c.options.is_empty() {
            o.push_str(&format!("  {}. {} — {}\n", i + 1, c.id, label));
        } else {
            o.push_str(&format!(
                "  {}. {} — {}: {}\n",
                i + 1,
                c.id,
                label,
                c.options.join(", ")
            ));
        }
    }
    for t in &report.tables {
        for s in &t.sections {
            o.push('\n');
            o.push_str(&format!(
                "{} {} — {}{}\n",
                if vi { "Bảng" } else { "Table" },
                t.id,
                t.title,
                if s.title.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", s.title)
                }
            ));
            o.push_str(&format!("  {}\n", summary(report, s, lang)));
            o.push_str(&format!(
                "  {} {} ({} 5 %: {}; {}: {})\n",
                if vi {
                    "Tương quan Spearman với xếp hạng công bố: trung bình"
                } else {
                    "Spearman correlation with the published ranking: mean"
                },
                num(s.correlation.0, 3, lang),
                if vi { "phân vị" } else { "percentile" },
                num(s.correlation.1, 3, lang),
                if vi { "trung vị" } else { "median" },
                num(s.correlation.2, 3, lang)
            ));
            o.push_str(if vi {
                "  Chỉ số độ nhạy (bậc 1 / tổng, khoảng tin cậy 95 %):\n"
            } else {
                "  Sensitivity indices (first order / total, 95 % interval):\n"
            });
            for (i, x) in s.sensitivity.iter().enumerate() {
                o.push_str(&format!(
                    "    {:<16} {} [{}; {}] / {} [{}; {}]\n",
                    report.choices[i].id,
                    num(x.first, 3, lang),
                    num(x.first_ci.0, 3, lang),
                    num(x.first_ci.1, 3, lang),
                    num(x.total, 3, lang),
                    num(x.total_ci.0, 3, lang),
                    num(x.total_ci.1, 3, lang)
                ));
            }
            let tops: Vec<String> = report.top.iter().map(|kk| format!("P(≤{kk})")).collect();
            o.push_str(&format!(
                "  {:<34} {:>6} {:>7} {:>9} {}  {}\n",
                if vi { "Đơn vị" } else { "Unit" },
                if vi { "Hạng" } else { "Rank" },
                if vi { "Tr.vị" } else { "Median" },
                "5–95 %",
                tops.iter()
                    .map(|t| format!("{t:>8}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                if vi {
                    "Yếu tố chính"
                } else {
                    "Main source"
                }
            ));
            for u in &s.units {
                let name: String = u.name.chars().take(34).collect();
                o.push_str(&format!(
                    "  {:<34} {:>6} {:>7} {:>9} {}  {}\n",
                    name,
                    u.nominal,
                    u.median,
                    if u.p5 == u.p95 {
                        u.p5.to_string()
                    } else {
                        format!("{}–{}", u.p5, u.p95)
                    },
                    u.top
                        .iter()
                        .map(|p| format!("{:>8}", pct(*p, lang)))
                        .collect::<Vec<_>>()
                        .join(" "),
                    u.dominant
                        .map_or("—".to_string(), |i| report.choices[i].id.clone())
                ));
            }
        }
    }
    o
}

/// The JSON contract, as a value.
pub fn json(report: &Report) -> Value {
    serde_json::to_value(Doc::of(report)).expect("plain data")
}

/// The JSON contract, written compactly: the same document as [`json`] without building a tree (a
/// national report holds tens of thousands of units).
pub fn json_bytes(report: &Report) -> Vec<u8> {
    serde_json::to_vec(&Doc::of(report)).expect("plain data")
}

#[derive(Serialize)]
struct Doc<'a> {
    edition: &'a str,
    evaluations: usize,
    base: usize,
    draws: usize,
    seed: u64,
    bootstrap: usize,
    declared: bool,
    choices: Vec<ChoiceDoc<'a>>,
    top: &'a [u32],
    bands: &'a [String],
    tables: Vec<TableDoc<'a>>,
}

#[derive(Serialize)]
struct ChoiceDoc<'a> {
    id: &'a str,
    kind: &'a str,
    label: &'a str,
    label_en: &'a str,
    options: &'a [String],
}

#[derive(Serialize)]
struct TableDoc<'a> {
    id: &'a str,
    title: &'a str,
    sections: Vec<SectionDoc<'a>>,
}

#[derive(Serialize)]
struct Correlation {
    mean: f64,
    p5: f64,
    median: f64,
}

#[derive(Serialize)]
struct BlockIndexDoc {
    first: f64,
    total: f64,
    first_ci: [f64; 2],
    total_ci: [f64; 2],
}

#[derive(Serialize)]
struct SectionDoc<'a> {
    block: &'a str,
    title: &'a str,
    units: Vec<UnitDoc<'a>>,
    correlation: Correlation,
    sensitivity: Vec<BlockIndexDoc>,
    stable: usize,
    dominant: Option<&'a str>,
    summary: String,
    summary_en: String,
}

#[derive(Serialize)]
struct IndexDoc {
    first: f64,
    total: f64,
}

#[derive(Serialize)]
struct UnitDoc<'a> {
    code: &'a str,
    name: &'a str,
    nominal: u32,
    median: u32,
    p5: u32,
    p95: u32,
    mean: f64,
    top: &'a [f64],
    bands: &'a [f64],
    sensitivity: Vec<IndexDoc>,
    dominant: Option<&'a str>,
}

impl<'a> Doc<'a> {
    fn of(report: &'a Report) -> Doc<'a> {
        let choice = |i: Option<usize>| i.map(|i| report.choices[i].id.as_str());
        Doc {
            edition: &report.edition,
            evaluations: report.evaluations,
            base: report.base,
            draws: report.draws,
            seed: report.seed,
            bootstrap: report.bootstrap,
            declared: report.declared,
            choices: report
                .choices
                .iter()
                .map(|c| ChoiceDoc {
                    id: &c.id,
                    kind: c.kind,
                    label: &c.label,
                    label_en: &c.label_en,
                    options: &c.options,
                })
                .collect(),
            top: &report.top,
            bands: &report.bands,
            tables: report
                .tables
                .iter()
                .map(|t| TableDoc {
                    id: &t.id,
                    title: &t.title,
                    sections: t
                        .sections
                        .iter()
                        .map(|s| SectionDoc {
                            block: &s.block,
                            title: &s.title,
                            units: s
                                .units
                                .iter()
                                .map(|u| UnitDoc {
                                    code: &u.code,
                                    name: &u.name,
                                    nominal: u.nominal,
                                    median: u.median,
                                    p5: u.p5,
                                    p95: u.p95,
                                    mean: u.mean,
                                    top: &u.top,
                                    bands: &u.bands,
                                    sensitivity: u
                                        .sensitivity
                                        .iter()
                                        .map(|&(first, total)| IndexDoc { first, total })
                                        .collect(),
                                    dominant: choice(u.dominant),
                                })
                                .collect(),
                            correlation: Correlation {
                                mean: s.correlation.0,
                                p5: s.correlation.1,
                                median: s.correlation.2,
                            },
                            sensitivity: s
                                .sensitivity
                                .iter()
                                .map(|x| BlockIndexDoc {
                                    first: x.first,
                                    total: x.total,
                                    first_ci: [x.first_ci.0, x.first_ci.1],
                                    total_ci: [x.total_ci.0, x.total_ci.1],
                                })
                                .collect(),
                            stable: s.stable,
                            dominant: choice(s.dominant),
                            summary: summary(report, s, Lang::Vi),
                            summary_en: summary(report, s, Lang::En),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// One row per unit and ranked block; text fields spreadsheet-safe (see [`crate::spreadsheet`]).
pub fn csv(report: &Report) -> String {
    let mut head: Vec<String> = [
        "table", "block", "code", "name", "nominal", "median", "p5", "p95", "mean",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(report.top.iter().map(|k| format!("p_top_{k}")));
    head.extend(
        report
            .bands
            .iter()
            .map(|b| crate::spreadsheet::csv_text(&format!("p_band_{b}")).into_owned()),
    );
    for c in &report.choices {
        head.push(crate::spreadsheet::csv_text(&format!("first_{}", c.id)).into_owned());
        head.push(crate::spreadsheet::csv_text(&format!("total_{}", c.id)).into_owned());
    }
    head.push("dominant".into());
    let mut out = head.join(",");
    out.push('\n');
    let text = |x: &str| crate::spreadsheet::csv_text(x).into_owned();
    for t in &report.tables {
        for s in &t.sections {
            for u in &s.units {
                let mut r = vec![
                    text(&t.id),
                    text(&s.block),
                    text(&u.code),
                    text(&u.name),
                    u.nominal.to_string(),
                    u.median.to_string(),
                    u.p5.to_string(),
                    u.p95.to_string(),
                    format!("{}", u.mean),
                ];
                r.extend(u.top.iter().map(|p| format!("{p}")));
                if u.bands.is_empty() {
                    r.extend(report.bands.iter().map(|_| String::new()));
                } else {
                    r.extend(u.bands.iter().map(|p| format!("{p}")));
                }
                for (f, tt) in &u.sensitivity {
                    r.push(format!("{f}"));
                    r.push(format!("{tt}"));
                }
                r.push(
                    u.dominant
                        .map_or(String::new(), |i| text(&report.choices[i].id)),
                );
                out.push_str(&r.join(","));
                out.push('\n');
            }
        }
    }
    out
}
