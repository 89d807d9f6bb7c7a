//! The engine's view of a cycle: the store's rows (units, entries, verified points) turned into an
//! `egov_core` dataset and scored by the same engine, and ranked by the same annex builder, as
//! `egov score` and `egov annex`. The web never computes a point itself.
//!
//! The rows go through the dataset reader as a long-form CSV (`unit,key,value`) that this module
//! writes: the reader is the one place that checks a value against the edition (range, answers,
//! points above a maximum), and the lines written here map each of its problems back to the unit and
//! key of the entry, so a form can show the message at its field. A reviewer's adjusted points enter
//! as points given at the criterion, which the engine takes instead of the rule's result (and which
//! `egov explain` shows as "given directly").
//!
//! What counts at each [`Stage`]:
//! - `Draft`: every entry saved so far, of every unit that saved one (the live points of a form; units
//!   without any entry are left out, so the cohort's bests are those of the units that have started);
//! - `SelfAssessed`: the entries of the units that submitted, as submitted (before the reviewer);
//! - `Verified`: the same with the reviewer's adjustments; units that did not submit are in the dataset
//!   without values, so the edition's `not_submitted` policy decides what happens to them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use egov_core::Lang;
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::{Edition, NotSubmitted};
use egov_core::engine::{NodeScore, Scores};
use egov_core::num::NumberStyle;
use egov_core::spreadsheet::csv_text;
use egov_core::table::Annex;
use egov_store::{Cycle, Decision, Store, SubmissionStatus};
use rust_decimal::Decimal;

use crate::WebError;

/// Which values count (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Draft,
    SelfAssessed,
    Verified,
}

/// One unit as the store holds it, for the engine.
#[derive(Clone, Debug, Default)]
pub struct UnitRows {
    pub code: String,
    pub name: String,
    /// The code of the unit's category in the edition.
    pub category: String,
    /// `;`-separated, as the registry keeps them.
    pub flags: String,
    /// Whether the unit takes part with values at all (false: in the dataset without values).
    pub with_values: bool,
    /// `(key, value as saved)`: an input id or a criterion code of the edition.
    pub entries: Vec<(String, String)>,
    /// `(criterion code, points)` that replace the criterion's computed points.
    pub adjusted: Vec<(String, Decimal)>,
}

/// A saved value the edition does not accept (none in a cycle whose forms validated their values;
/// possible when an entry was saved under another edition's rules or the database was edited).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryProblem {
    pub unit: String,
    pub key: String,
    pub message: String,
}

/// A scored cycle.
pub struct Scored {
    pub edition: Arc<Edition>,
    pub dataset: Dataset,
    pub scores: Scores,
    /// Entries left out because the edition refuses them (each with the reader's message).
    pub problems: Vec<EntryProblem>,
}

/// One node of one unit, in the edition's order (pre-order: a group before its criteria).
#[derive(Clone, Debug)]
pub struct NodePoints {
    pub node: usize,
    pub code: String,
    pub label: String,
    pub depth: usize,
    pub leaf: bool,
    pub score: NodeScore,
    /// The node's own maximum in the edition (the unit's `score.max` is less when items were excluded).
    pub max: Decimal,
}

/// One unit's points: the total and every node.
#[derive(Clone, Debug)]
pub struct UnitPoints {
    pub total: NodeScore,
    pub nodes: Vec<NodePoints>,
}

impl Scored {
    /// The points of one unit, `None` when the unit is not in the dataset (a draft not started).
    pub fn unit(&self, code: &str, lang: Lang) -> Option<UnitPoints> {
        let u = self.dataset.unit_index(code)?;
        let nodes = self
            .edition
            .nodes
            .iter()
            .enumerate()
            .skip(1)
            .map(|(n, node)| NodePoints {
                node: n,
                code: node.code.clone(),
                label: node.label(lang).to_string(),
                depth: node.depth,
                leaf: node.is_leaf(),
                score: self.scores.get(u, n),
                max: node.max,
            })
            .collect();
        Some(UnitPoints {
            total: self.scores.total(u),
            nodes,
        })
    }

    /// The annex of the edition built from these scores (ranks, rounding): what would be published.
    pub fn annex(&self, lang: Lang) -> Annex {
        egov_core::annex::build(&self.edition, &self.dataset, &self.scores, lang)
    }
}

/// The edition of a stored TOML text, parsed once per content hash (editions never change under an
/// id, and a form page should not re-validate a large edition on every request).
pub fn edition_from(id: &str, toml: &str, hash: &str) -> Result<Arc<Edition>, WebError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Edition>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(e) = cache.lock().ok().and_then(|c| c.get(hash).cloned()) {
        return Ok(e);
    }
    let name = format!("{id}.toml");
    let e = Edition::from_toml(toml, &name)
        .map(Arc::new)
        .map_err(|e| WebError::Internal(format!("stored edition {id} does not validate: {e}")))?;
    if let Ok(mut c) = cache.lock() {
        c.insert(hash.to_string(), e.clone());
    }
    Ok(e)
}

/// The edition of a cycle.
pub async fn edition_of(store: &Store, cycle: &Cycle) -> Result<Arc<Edition>, WebError> {
    let stored = store.edition(&cycle.edition_id).await?;
    edition_from(&stored.id, &stored.toml, &stored.content_hash)
}

/// Scores a cycle at a stage, from the store.
pub async fn score_cycle(store: &Store, cycle: &Cycle, stage: Stage) -> Result<Scored, WebError> {
    let edition = edition_of(store, cycle).await?;
    let units = cycle_rows(store, cycle, stage).await?;
    score_rows(edition, &units)
}

/// The rows of a cycle's units at a stage (see the module documentation), in the order of the
/// cycle's submissions.
pub async fn cycle_rows(
    store: &Store,
    cycle: &Cycle,
    stage: Stage,
) -> Result<Vec<UnitRows>, WebError> {
    let registry: HashMap<String, egov_store::Unit> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let submissions = store.submissions(cycle.id).await?;
    // A decision made before the unit's latest submission was on values it may since have changed:
    // it no longer counts (the reviewer's page shows it as to be decided again).
    let submitted_at: HashMap<&str, i64> = submissions
        .iter()
        .map(|s| (s.unit_code.as_str(), s.submitted_at.unwrap_or(0)))
        .collect();
    let mut adjusted: HashMap<String, Vec<(String, Decimal)>> = HashMap::new();
    if stage == Stage::Verified {
        for v in store.cycle_verifications(cycle.id).await? {
            let current = submitted_at
                .get(v.unit_code.as_str())
                .is_some_and(|at| v.updated_at >= *at);
            if v.decision == Decision::Adjusted && current {
                let points = v.points.parse::<Decimal>().map_err(|e| {
                    WebError::Internal(format!(
                        "verified points '{}' of {}/{}: {e}",
                        v.points, v.unit_code, v.criterion
                    ))
                })?;
                adjusted
                    .entry(v.unit_code.clone())
                    .or_default()
                    .push((v.criterion.clone(), points));
            }
        }
    }
    let mut entries_of: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (unit, key, value) in store.cycle_values(cycle.id).await? {
        entries_of.entry(unit).or_default().push((key, value));
    }
    let mut rows = Vec::new();
    for s in submissions {
        let unit = registry
            .get(&s.unit_code)
            .ok_or_else(|| WebError::Internal(format!("unit {} not in registry", s.unit_code)))?;
        let submitted = matches!(
            s.status,
            SubmissionStatus::Submitted | SubmissionStatus::Verified
        );
        let entries = match stage {
            Stage::Draft => entries_of.remove(&s.unit_code).unwrap_or_default(),
            Stage::SelfAssessed | Stage::Verified if submitted => {
                entries_of.remove(&s.unit_code).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let with_values = match stage {
            Stage::Draft => !entries.is_empty(),
            Stage::SelfAssessed => submitted,
            Stage::Verified => true,
        };
        if stage != Stage::Verified && !with_values {
            continue;
        }
        rows.push(UnitRows {
            code: unit.code.clone(),
            name: unit.name.clone(),
            category: unit.category.clone(),
            flags: unit.flags.clone(),
            with_values: with_values && (stage != Stage::Verified || submitted),
            entries,
            adjusted: adjusted.remove(&s.unit_code).unwrap_or_default(),
        });
    }
    Ok(rows)
}

/// Scores rows without the store (the demo seeding and tests use it too). Entries the edition refuses
/// are left out and listed in [`Scored::problems`]; a unit the edition cannot take (an unknown
/// category) is an error.
pub fn score_rows(edition: Arc<Edition>, units: &[UnitRows]) -> Result<Scored, WebError> {
    if let Some(why) = not_submitted_refusal(&edition, units) {
        return Err(WebError::BadRequest(why));
    }
    let meta = DatasetMeta {
        number_style: Some(NumberStyle::DecimalComma),
        ..DatasetMeta::default()
    };
    let (mut values, mut lines) = (String::new(), Vec::new());
    let mut keep = vec![true; units.len()];
    write_values(units, &keep, &mut values, &mut lines, &[]);
    let read = |keep: &[bool], values: &str| {
        Dataset::from_csv(
            &edition,
            Source {
                name: "units.csv",
                text: &units_csv(units, keep),
            },
            Source {
                name: "values.csv",
                text: values,
            },
            meta.clone(),
        )
    };
    let mut problems = Vec::new();
    let dataset = match read(&keep, &values) {
        Ok(d) => d,
        Err(err) => {
            // Map each problem of values.csv to its entry (line k + 2 is the k-th pair written).
            // Which pairs were refused, by their number among the pairs written.
            let mut refused = vec![false; lines.len()];
            for p in &err.problems {
                let entry = (p.file == "values.csv")
                    .then(|| p.line.checked_sub(2))
                    .flatten()
                    .and_then(|i| lines.get(i).map(|l| (i, *l)));
                match entry {
                    Some((i, (ui, key))) => {
                        refused[i] = true;
                        problems.push(EntryProblem {
                            unit: units[ui].code.clone(),
                            key: key.to_string(),
                            message: p.message.clone(),
                        });
                    }
                    // A unit without values that the edition's policy does not let through: the
                    // reader's message says what to do, and it is the user's to read.
                    None if p.file == "units.csv" => {
                        return Err(WebError::BadRequest(p.to_string()));
                    }
                    None => {
                        return Err(WebError::Internal(format!(
                            "the cycle's values do not fit the edition: {p}"
                        )));
                    }
                }
            }
            // A unit whose every entry was refused has nothing left to score: it is left out, as a
            // draft not started is.
            let (mut written, mut left_out) =
                (vec![0usize; units.len()], vec![0usize; units.len()]);
            for (&(ui, _), &r) in lines.iter().zip(&refused) {
                written[ui] += 1;
                left_out[ui] += usize::from(r);
            }
            for (ui, k) in keep.iter_mut().enumerate() {
                if written[ui] > 0 && written[ui] == left_out[ui] {
                    *k = false;
                }
            }
            // The refused pairs numbered again among the kept units' pairs, which the next writing counts.
            let skip: Vec<bool> = lines
                .iter()
                .zip(&refused)
                .filter(|((ui, _), _)| keep[*ui])
                .map(|(_, &r)| r)
                .collect();
            write_values(units, &keep, &mut values, &mut lines, &skip);
            read(&keep, &values).map_err(|e| match e.problems.first() {
                Some(p) if p.file == "units.csv" => WebError::BadRequest(p.to_string()),
                _ => WebError::Internal(format!("the cycle's values do not fit the edition: {e}")),
            })?
        }
    };
    let scores = egov_core::engine::score(&edition, &dataset);
    Ok(Scored {
        edition,
        dataset,
        scores,
        problems,
    })
}

/// How many units a message names before it counts the rest.
const NAMED: usize = 10;

/// Why the rows cannot be scored under the edition's `not_submitted = "error"` policy, or `None`: a
/// unit without any value (one that did not submit) makes the dataset reader refuse the whole
/// dataset. The reader's own message names `units.csv` and `values.csv`, the files of `egov score`;
/// the web has no such files, so the refusal is said here first, in its words: which units (by name
/// and code), and what can be done about them.
fn not_submitted_refusal(edition: &Edition, units: &[UnitRows]) -> Option<String> {
    if edition.not_submitted != NotSubmitted::Error {
        return None;
    }
    let missing: Vec<&UnitRows> = units
        .iter()
        .filter(|u| !u.with_values || (u.entries.is_empty() && u.adjusted.is_empty()))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut list = missing
        .iter()
        .take(NAMED)
        .map(|u| format!("{} ({})", u.name, u.code))
        .collect::<Vec<_>>()
        .join(", ");
    let rest = missing.len().saturating_sub(NAMED);
    if rest > 0 {
        list.push_str(&egov_core::msg!(
            " và {rest} đơn vị khác",
            " and {rest} other units"
        ));
    }
    let n = missing.len();
    Some(egov_core::msg!(
        "{n} đơn vị chưa nộp số liệu nên chưa xếp hạng được: {list}. Bộ tiêu chí quy định \
         `[scoring] not_submitted = \"error\"`: mọi đơn vị của kỳ phải có số liệu. Các đơn vị này \
         cần nộp hồ sơ hoặc được gia hạn, hoặc bộ tiêu chí phải quy định cách xử lý đơn vị không \
         nộp (`not_submitted = \"zero\"` hoặc `\"unranked\"`).",
        "{n} units have not submitted values, so there is no ranking yet: {list}. The edition says \
         `[scoring] not_submitted = \"error\"`: every unit of the cycle must have values. These \
         units must submit or be given an extension, or the edition must say what happens to units \
         that do not submit (`not_submitted = \"zero\"` or `\"unranked\"`)."
    ))
}

/// The units file of the kept units.
fn units_csv(units: &[UnitRows], keep: &[bool]) -> String {
    let mut out = String::from("code,name,category,flags\n");
    for (u, _) in units.iter().zip(keep).filter(|(_, k)| **k) {
        let _ = writeln!(
            out,
            "{},{},{},{}",
            csv_text(&u.code),
            csv_text(&u.name),
            csv_text(&u.category),
            csv_text(&u.flags)
        );
    }
    out
}

/// Writes the long-form values of the kept `units` into `values` — all but the (unit, key) pairs
/// marked in `skip`, indexed by their number among the kept units' pairs — and for each line written,
/// its unit and key into `lines`.
fn write_values<'a>(
    units: &'a [UnitRows],
    keep: &[bool],
    values: &mut String,
    lines: &mut Vec<(usize, &'a str)>,
    skip: &[bool],
) {
    values.clear();
    lines.clear();
    values.push_str("unit,key,value\n");
    let mut k = 0;
    for (ui, u) in units.iter().enumerate() {
        if !u.with_values || !keep[ui] {
            continue;
        }
        let adjusted: Vec<(&str, String)> = u
            .adjusted
            .iter()
            .map(|(c, p)| (c.as_str(), p.normalize().to_string().replace('.', ",")))
            .collect();
        let entries = u
            .entries
            .iter()
            .filter(|(key, _)| !adjusted.iter().any(|(c, _)| c == key))
            .map(|(key, v)| (key.as_str(), std::borrow::Cow::Borrowed(v.as_str())));
        let given = adjusted
            .iter()
            .map(|(c, p)| (*c, std::borrow::Cow::Owned(p.clone())));
        for (key, value) in entries.chain(given) {
            if !skip.get(k).copied().unwrap_or(false) {
                let one_line = value.replace(['\r', '\n'], " ");
                let _ = writeln!(
                    values,
                    "{},{},{}",
                    csv_text(&u.code),
                    csv_text(key),
                    csv_text(&one_line)
                );
                lines.push((ui, key));
            }
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use egov_core::engine::Status;

    use super::*;

    fn edition() -> Arc<Edition> {
        let toml = include_str!("../../../data/editions/hoabinh-2019.toml");
        edition_from("hoabinh-2019", toml, "test-hash").unwrap()
    }

    /// A criterion of the first category that takes points directly (the Hòa Bình edition's kind):
    /// its code is both the entry key and the criterion.
    fn leaf(e: &Edition) -> String {
        e.nodes
            .iter()
            .find(|n| {
                n.is_leaf()
                    && n.max >= Decimal::ONE
                    && n.applies_to.as_ref().is_none_or(|c| c.contains(&0))
                    && n.requires_flags.is_empty()
            })
            .map(|n| n.code.clone())
            .expect("a criterion of the first category")
    }

    #[test]
    fn adjusted_points_replace_the_rule_and_bad_entries_are_named() {
        let e = edition();
        let criterion = leaf(&e);
        let cat = e.categories[0].code.clone();
        let unit = |code: &str, entries: Vec<(String, String)>, adjusted| UnitRows {
            code: code.into(),
            name: format!("Đơn vị {code}"),
            category: cat.clone(),
            flags: String::new(),
            with_values: true,
            entries,
            adjusted,
        };
        let rows = vec![
            unit(
                "A",
                vec![(criterion.clone(), "không phải số".into())],
                Vec::new(),
            ),
            unit("B", Vec::new(), vec![(criterion.clone(), Decimal::ONE)]),
        ];
        let s = score_rows(e.clone(), &rows).unwrap();
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
        assert_eq!(s.problems[0].unit, "A");
        assert_eq!(s.problems[0].key, criterion);
        let b = s.unit("B", Lang::Vi).unwrap();
        let node = b.nodes.iter().find(|n| n.code == criterion).unwrap();
        assert_eq!(node.score.points, Decimal::ONE);
        assert_eq!(node.score.status, Status::Given);
        // A's only entry was refused: nothing of A is left to score.
        assert!(s.unit("A", Lang::Vi).is_none());
        assert!(s.unit("C", Lang::Vi).is_none());
    }

    #[test]
    fn a_unit_that_did_not_submit_meets_the_editions_policy() {
        let e = edition();
        // The Hòa Bình edition's policy is the default, `error`: the reader's message is the user's.
        let rows = vec![UnitRows {
            code: "C".into(),
            name: "Đơn vị C".into(),
            category: e.categories[0].code.clone(),
            with_values: false,
            ..UnitRows::default()
        }];
        match score_rows(e.clone(), &rows) {
            Err(WebError::BadRequest(m)) => {
                assert!(m.contains("Đơn vị C (C)"), "{m}");
                assert!(m.contains("not_submitted = \"error\""), "{m}");
                assert!(!m.contains("units.csv") && !m.contains("values.csv"), "{m}");
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("scored a unit without values under the `error` policy"),
        }
        // Ten units are named, the rest counted.
        let rows: Vec<UnitRows> = (1..=12)
            .map(|i| UnitRows {
                code: format!("U{i:02}"),
                name: format!("Đơn vị {i:02}"),
                category: e.categories[0].code.clone(),
                with_values: false,
                ..UnitRows::default()
            })
            .collect();
        match score_rows(e, &rows) {
            Err(WebError::BadRequest(m)) => {
                assert!(m.contains("12 đơn vị chưa nộp số liệu"), "{m}");
                assert!(m.contains("Đơn vị 10 (U10) và 2 đơn vị khác"), "{m}");
                assert!(!m.contains("U11"), "{m}");
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("scored units without values under the `error` policy"),
        }
    }
}
