//! The frame of an annex as Nghị định 30/2020/NĐ-CP lays out an administrative document: the issuing
//! body and the national heading side by side, "Phụ lục" with its number, the annex's name, the line
//! tying it to its decision ("Kèm theo Quyết định số … ngày … tháng … năm … của …"), and, for the
//! decision itself, the signature block and "Nơi nhận".
//!
//! Everything in the frame is data (the edition's legal basis, the command's options), never a
//! province's name written here. The frame also says where the numbers come from: an annex that egov
//! *recomputed* from data is not the signed decision, so instead of claiming to be issued with it, it
//! names the decision as the one signed and carries an errata table ([`Erratum`]) of each printed value
//! that the recomputation does not reproduce, with the reason `egov audit` gives for it
//! ([`errata`]).

use std::collections::HashMap;

use egov_core::audit::{Audit, Finding, FindingKind};
use egov_core::names;
use egov_core::table::{Annex, Cell, Table};

use crate::layout::{self, clean};
use crate::{DecisionInfo, Lang};

/// The document frame of an annex (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frame {
    /// The issuing body as running text names it: "Ủy ban nhân dân tỉnh Hòa Bình". Printed in capitals
    /// at the top left, split after "Ủy ban nhân dân" as the decree's examples do.
    pub issuer: String,
    /// The annex's number ("I", "II"), printed "Phụ lục I"; `None` prints "Phụ lục".
    pub annex_number: Option<String>,
    /// Where the numbers come from.
    pub provenance: Provenance,
    /// The signature block, for a document that is signed.
    pub signature: Option<Signature>,
    /// "Nơi nhận": the recipients, one per line.
    pub recipients: Vec<String>,
}

/// Where an annex's numbers come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Provenance {
    /// The annex *is* the one issued with [`crate::RenderOptions::decision`] (or stands alone without one).
    #[default]
    Issued,
    /// The annex was recomputed from data; `decision` is the one signed. `errata` lists the signed values
    /// the recomputation does not reproduce, when the signed document was compared (`None`: not compared).
    Recomputed {
        decision: DecisionInfo,
        errata: Option<Vec<Erratum>>,
    },
}

/// The signature block (Decree 30: the authority in capitals, bold; the signer's name, bold).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signature {
    /// "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", or empty.
    pub authority: String,
    /// "PHÓ CHỦ TỊCH", "CHỦ TỊCH".
    pub position: String,
    pub name: String,
}

/// One printed value of the signed decision that the recomputation does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erratum {
    /// The table, as the decision titles it.
    pub table: String,
    pub unit: String,
    /// The column's label ("Tổng điểm", "Xếp hạng", a group's label).
    pub column: String,
    /// As printed in the decision.
    pub published: String,
    /// As recomputed.
    pub recomputed: String,
    /// Why they differ, from the audit of the decision (with its line), or that the difference follows
    /// from another correction.
    pub reason: String,
}

/// The texts of the frame in the document's language, as every format prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameText {
    /// The issuing body in capitals, one or two lines.
    pub issuer: Vec<String>,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", then "Độc lập - Tự do - Hạnh phúc".
    pub national: [String; 2],
    /// "Phụ lục I".
    pub label: String,
    /// The recomputation note, when the annex is one.
    pub note: Option<String>,
}

impl Frame {
    /// The frame's texts.
    pub fn text(&self, lang: Lang) -> FrameText {
        let issuer = clean(&self.issuer);
        let upper = issuer.to_uppercase();
        let split = ["ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "]
            .iter()
            .find_map(|p| upper.strip_prefix(p).map(|rest| (p.trim_end(), rest)));
        let issuer = match split {
            Some((head, rest)) if !rest.is_empty() => vec![head.to_string(), rest.to_string()],
            _ if upper.is_empty() => Vec::new(),
            _ => vec![upper],
        };
        let national = match lang {
            Lang::Vi => [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
                "Độc lập - Tự do - Hạnh phúc".to_string(),
            ],
            Lang::En => [
                "SOCIALIST REPUBLIC OF VIET NAM".to_string(),
                "Independence - Freedom - Happiness".to_string(),
            ],
        };
        let mut label = lang.tr("Phụ lục", "Annex").to_string();
        if let Some(n) = self
            .annex_number
            .as_deref()
            .map(clean)
            .filter(|n| !n.is_empty())
        {
            label.push(' ');
            label.push_str(&n);
        }
        let note = match &self.provenance {
            Provenance::Issued => None,
            Provenance::Recomputed { decision, errata } => {
                let d = decision_words(decision, lang);
                Some(match (errata.as_ref().map(Vec::len), lang) {
                    (None, Lang::Vi) => format!(
                        "(Bản tính lại từ dữ liệu, không phải văn bản đã ký; văn bản đã ký là {d})"
                    ),
                    (None, Lang::En) => format!(
                        "(Recomputed from data, not the signed document; the signed document is {d})"
                    ),
                    (Some(0), Lang::Vi) => format!(
                        "(Bản tính lại từ dữ liệu, không phải văn bản đã ký; mọi giá trị trùng với {d})"
                    ),
                    (Some(0), Lang::En) => format!(
                        "(Recomputed from data, not the signed document; every value equals {d})"
                    ),
                    (Some(n), Lang::Vi) => format!(
                        "(Bản tính lại từ dữ liệu, không phải văn bản đã ký; {n} giá trị khác với {d}, \
                         xem Bảng đính chính cuối phụ lục)"
                    ),
                    (Some(n), Lang::En) => format!(
                        "(Recomputed from data, not the signed document; {n} values differ from {d}, \
                         see the errata table at the end)"
                    ),
                })
            }
        };
        FrameText {
            issuer,
            national,
            label,
            note,
        }
    }

    /// The errata, when the signed decision was compared.
    pub fn errata(&self) -> Option<&[Erratum]> {
        match &self.provenance {
            Provenance::Recomputed {
                errata: Some(e), ..
            } => Some(e),
            _ => None,
        }
    }
}

/// The decision that published the results an edition describes: its `[[legal_basis]]` whose role
/// says so ("công bố", "publish"), if any.
pub fn published_basis(
    edition: &egov_core::edition::Edition,
) -> Option<&egov_core::edition::LegalBasis> {
    edition.legal_basis.iter().find(|b| {
        b.role
            .as_deref()
            .is_some_and(|r| r.contains("công bố") || r.contains("publish"))
    })
}

/// The issuing body named by a decision's signer: "Chủ tịch Ủy ban nhân dân tỉnh X" → "Ủy ban nhân
/// dân tỉnh X" (the chairman signs for the committee).
pub fn issuing_body(signer: &str) -> String {
    let s = egov_core::text::clean(signer);
    for p in ["Chủ tịch ", "Chairman of the "] {
        if let Some(rest) = s.strip_prefix(p) {
            return rest.to_string();
        }
    }
    s
}

/// "Quyết định số 2870/QĐ-UBND ngày 18 tháng 12 năm 2019 của Chủ tịch …" as Decree 30 writes a date
/// in running text (day and month below 10 with a leading zero, as the decree asks for days and for
/// January and February alike).
pub fn decision_words(d: &DecisionInfo, lang: Lang) -> String {
    let number = clean(&d.number);
    let mut s = match lang {
        Lang::Vi => format!("Quyết định số {number}"),
        Lang::En => format!("Decision No. {number}"),
    };
    let date = clean(&d.date);
    let parts: Vec<&str> = date.split('/').collect();
    if parts.len() == 3 {
        match lang {
            Lang::Vi => s.push_str(&format!(
                " ngày {} tháng {} năm {}",
                parts[0], parts[1], parts[2]
            )),
            Lang::En => s.push_str(&format!(" dated {date}")),
        }
    } else if !date.is_empty() {
        s.push(' ');
        s.push_str(lang.tr("ngày", "dated"));
        s.push(' ');
        s.push_str(&date);
    }
    if let Some(issuer) = d.issuer.as_deref().map(clean).filter(|s| !s.is_empty()) {
        s.push(' ');
        s.push_str(lang.tr("của", "of the"));
        s.push(' ');
        s.push_str(&issuer);
    }
    s
}

/// The reference line under the annex's name: "(Kèm theo Quyết định số … ngày … của …)".
pub fn reference_line(d: &DecisionInfo, lang: Lang) -> String {
    format!(
        "({} {})",
        lang.tr("Kèm theo", "Attached to"),
        decision_words(d, lang)
    )
}

/// The errata of a recomputed annex against the signed decision's tables: every printed value and rank
/// of the decision that the recomputation prints differently, each with its reason from `audit` (the
/// audit of the decision's tables, [`egov_core::audit::audit`]). Tables are paired in order (the edition
/// lays out the decision's tables), units by their name key (case, punctuation and abbreviations
/// aside), columns by position. A unit of the decision missing from the recomputation is listed too.
pub fn errata(published: &[Table], recomputed: &Annex, audit: &Audit, lang: Lang) -> Vec<Erratum> {
    let mut out = Vec::new();
    for (p, r) in published.iter().zip(&recomputed.tables) {
        let by_key: HashMap<String, usize> = r
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| (names::key(&row.unit), i))
            .collect();
        let findings: Vec<&Finding> = audit.findings.iter().filter(|f| f.table == p.id).collect();
        let n = p.columns.len();
        let title = clean(&p.title);
        for prow in &p.rows {
            let unit = clean(&prow.unit);
            let Some(&ri) = by_key.get(&names::key(&prow.unit)) else {
                out.push(Erratum {
                    table: title.clone(),
                    unit: unit.clone(),
                    column: String::new(),
                    published: String::new(),
                    recomputed: String::new(),
                    reason: lang
                        .tr("đơn vị không có trong dữ liệu", "unit absent from the data")
                        .to_string(),
                });
                continue;
            };
            let rrow = &r.rows[ri];
            let unit_findings: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|f| f.unit.as_deref().map(clean).as_deref() == Some(unit.as_str()))
                .collect();
            for c in 0..=n.min(r.columns.len()) {
                let (pe, re, label) = if c < n {
                    let Some(re) = rrow.values.get(c) else {
                        continue;
                    };
                    let Some(pe) = prow.values.get(c) else {
                        continue;
                    };
                    (pe, re, clean(&p.columns[c].label))
                } else {
                    (&prow.total, &rrow.total, clean(&p.total_label))
                };
                if same_cell(&pe.cell, &re.cell) {
                    continue;
                }
                let decimals = if c < n {
                    r.columns.get(c).and_then(|col| col.decimals).or(r.decimals)
                } else {
                    r.decimals
                };
                out.push(Erratum {
                    table: title.clone(),
                    unit: unit.clone(),
                    column: label,
                    published: printed(pe.raw(), &pe.cell, None, lang),
                    recomputed: printed(None, &re.cell, decimals, lang),
                    reason: reason(&unit_findings, false, lang),
                });
            }
            if prow.rank != rrow.rank {
                let table_level: Vec<&Finding> = findings
                    .iter()
                    .copied()
                    .filter(|f| f.unit.is_none() && f.kind == FindingKind::RankConvention)
                    .collect();
                let mut why: Vec<&Finding> = unit_findings.clone();
                why.extend(table_level);
                out.push(Erratum {
                    table: title.clone(),
                    unit: unit.clone(),
                    column: clean(&p.rank_label),
                    published: prow
                        .rank_raw()
                        .map(clean)
                        .unwrap_or_else(|| layout::rank_text(&prow.rank)),
                    recomputed: layout::rank_text(&rrow.rank),
                    reason: reason(&why, true, lang),
                });
            }
        }
    }
    out
}

/// Two cells print the same quantity: equal numbers whatever their scale (22,50 and 22,5), or the same
/// non-number.
fn same_cell(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Number(x), Cell::Number(y)) => x == y,
        (Cell::Text(x), Cell::Text(y)) => clean(x) == clean(y),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

fn printed(raw: Option<&str>, cell: &Cell, decimals: Option<u32>, lang: Lang) -> String {
    if let Some(r) = raw.map(clean).filter(|r| !r.is_empty()) {
        return r;
    }
    match cell {
        Cell::Number(d) => layout::format_number(*d, decimals.unwrap_or(d.scale()), lang),
        Cell::NotEvaluated => lang.tr("Không đánh giá", "Not evaluated").to_string(),
        Cell::Blank => String::new(),
        Cell::Text(t) => clean(t),
    }
}

/// The reason of an erratum: the most telling finding of the audit on the unit's row (its kind in a
/// few words and the decision's line), or, with none, that the value follows from another correction.
fn reason(findings: &[&Finding], rank: bool, lang: Lang) -> String {
    let weight = |k: FindingKind| -> u8 {
        use FindingKind::*;
        match (k, rank) {
            (RankNotInteger | RankMismatch | RankUnexpected | RankMissing, true) => 0,
            (RankConvention, true) => 1,
            (CrossTableMismatch | SumMismatch, _) => 2,
            (Precision | CrossTableRounding | SumRounding, false) => 3,
            _ => 9,
        }
    };
    let best = findings
        .iter()
        .filter(|f| weight(f.kind) < 9)
        .min_by_key(|f| (weight(f.kind), f.line()));
    let Some(f) = best else {
        return lang
            .tr(
                "hệ quả của đính chính khác trong bảng",
                "follows from another correction in the table",
            )
            .to_string();
    };
    use FindingKind::*;
    let what = match f.kind {
        RankNotInteger => lang.tr("ô xếp hạng không phải là số", "the rank is not a number"),
        RankMismatch => lang.tr(
            "hạng in không theo cách xếp hạng của quyết định",
            "the printed rank breaks the decision's ranking",
        ),
        RankUnexpected => lang.tr(
            "đơn vị không thuộc khối xếp hạng",
            "the unit is outside the ranked block",
        ),
        RankMissing => lang.tr("thiếu hạng", "the rank is missing"),
        RankConvention => lang.tr(
            "bảng xếp hạng theo cách khác các bảng còn lại",
            "the table ranks by another convention than the others",
        ),
        CrossTableMismatch => lang.tr(
            "mâu thuẫn với bảng thành phần",
            "contradicts the component table",
        ),
        SumMismatch => lang.tr(
            "tổng khác tổng các thành phần in",
            "the total is not the sum of its printed parts",
        ),
        Precision => lang.tr(
            "in nhiều chữ số thập phân hơn cột",
            "printed with more decimals than its column",
        ),
        CrossTableRounding | SumRounding => lang.tr("khác do làm tròn", "differs by rounding"),
        _ => "",
    };
    match f.line() {
        0 => what.to_string(),
        l => format!("{what} ({} {l})", lang.tr("dòng", "line")),
    }
}

/// The errata as a table view's cells: the header and one line per erratum (TT, table, unit, column,
/// published, recomputed, reason).
pub fn errata_rows(errata: &[Erratum], lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let header = match lang {
        Lang::Vi => [
            "TT",
            "Bảng",
            "Đơn vị",
            "Cột",
            "Đã công bố",
            "Tính lại",
            "Lý do",
        ],
        Lang::En => [
            "No.",
            "Table",
            "Unit",
            "Column",
            "Published",
            "Recomputed",
            "Reason",
        ],
    };
    let rows = errata
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.table.clone(),
                e.unit.clone(),
                e.column.clone(),
                e.published.clone(),
                e.recomputed.clone(),
                e.reason.clone(),
            ]
        })
        .collect();
    (header.iter().map(|s| s.to_string()).collect(), rows)
}

/// The errata table's title.
pub fn errata_title(lang: Lang) -> &'static str {
    lang.tr(
        "Bảng đính chính: giá trị đã công bố khác với giá trị tính lại",
        "Errata: published values that differ from the recomputation",
    )
}
