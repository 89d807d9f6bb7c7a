//! The uncertain choices of a robustness analysis: the `[robustness]` table of an edition or of a
//! separate spec file, read with every problem at its `file:line:column`, and the defaults that make
//! sense for a province's edition when nothing is declared.
//!
//! Each declared entry is one *factor* of the sensitivity analysis (a Sobol index is reported per
//! factor): a weight variation over a set of nodes is one factor however many nodes it holds, because
//! an officer asks "how much do the weights matter", not "how much does criterion A.1.3's weight".
//! The defaults vary the points of every category and group by ±10 % (uniform), try the other
//! not-applicable policies when some ranked unit has a criterion that does not apply, the other cohort
//! when a relative-to-best rule exists, ranking on exact instead of printed values, and the other
//! rounding modes. The tie convention and dropping a group are not defaults: dense versus competition
//! never changes who is ahead of whom (only the printed numbers), and dropping a group asks another
//! question ("what if this group did not exist") than uncertainty about the edition's own choices.

use serde::Deserialize;
use toml::Spanned;

use crate::edition::{Edition, NaPolicy, line_col};
use crate::msg;

/// How a multiplier is drawn in `[1 − spread, 1 + spread]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    Uniform,
    /// Triangular with its mode at 1 (the edition's own points most likely).
    Triangular,
}

/// The not-applicable policy a scenario applies to every criterion that can be not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaOption {
    /// As the edition says, criterion by criterion.
    Edition,
    Policy(NaPolicy),
}

/// Which units a relative-to-best rule compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortOption {
    /// Each ranking block's own best (the engine's rule).
    Block,
    /// The best of every unit of the dataset, whatever its block.
    All,
}

/// What a ranking compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankKey {
    /// The value rounded to the decimals the table prints.
    Rounded,
    /// The exact value.
    Exact,
    /// The value rounded to whole points (Hòa Bình 2019 ranked its district readiness table so).
    Whole,
}

/// One uncertain choice.
#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    /// The points of `nodes` multiplied by factors drawn independently per node.
    Weights {
        nodes: Vec<usize>,
        spread: f64,
        distribution: Distribution,
    },
    NotApplicable(Vec<NaOption>),
    Cohort(Vec<CohortOption>),
    /// None, or one of `nodes` left out (its points weigh 0), each equally likely.
    Drop(Vec<usize>),
    Ties(Vec<crate::edition::Ties>),
    RankOn(Vec<RankKey>),
    Rounding(Vec<crate::num::RoundingMode>),
}

impl Factor {
    /// Whether the factor changes a unit's total (rather than only how totals are ranked).
    pub fn changes_totals(&self) -> bool {
        matches!(
            self,
            Factor::Weights { .. } | Factor::NotApplicable(_) | Factor::Cohort(_) | Factor::Drop(_)
        )
    }
    /// Stable identifier used in JSON and CSV.
    pub fn kind(&self) -> &'static str {
        match self {
            Factor::Weights { .. } => "weights",
            Factor::NotApplicable(_) => "not_applicable",
            Factor::Cohort(_) => "cohort",
            Factor::Drop(_) => "drop",
            Factor::Ties(_) => "ties",
            Factor::RankOn(_) => "rank_on",
            Factor::Rounding(_) => "rounding",
        }
    }
}

/// A named factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Unique within the spec (`weights`, `weights-2`, `rank_on` …).
    pub id: String,
    pub label: String,
    pub label_en: String,
    pub factor: Factor,
}

impl Choice {
    /// Words for each option of a categorical factor, in the message language.
    pub fn options(&self, edition: &Edition) -> Vec<String> {
        let node = |n: usize| edition.nodes[n].code.clone();
        match &self.factor {
            Factor::Weights { .. } => Vec::new(),
            Factor::NotApplicable(o) => o
                .iter()
                .map(|o| match o {
                    NaOption::Edition => "edition".into(),
                    NaOption::Policy(NaPolicy::Zero) => "zero".into(),
                    NaOption::Policy(NaPolicy::Exclude) => "exclude".into(),
                    NaOption::Policy(NaPolicy::NotEvaluated) => "not-evaluated".into(),
                })
                .collect(),
            Factor::Cohort(o) => o
                .iter()
                .map(|o| match o {
                    CohortOption::Block => "block".into(),
                    CohortOption::All => "all".into(),
                })
                .collect(),
            Factor::Drop(nodes) => std::iter::once("none".to_string())
                .chain(nodes.iter().map(|&n| node(n)))
                .collect(),
            Factor::Ties(o) => o
                .iter()
                .map(|t| match t {
                    crate::edition::Ties::Dense => "dense".into(),
                    crate::edition::Ties::Competition => "competition".into(),
                })
                .collect(),
            Factor::RankOn(o) => o
                .iter()
                .map(|t| match t {
                    RankKey::Rounded => "rounded".into(),
                    RankKey::Exact => "exact".into(),
                    RankKey::Whole => "whole".into(),
                })
                .collect(),
            Factor::Rounding(o) => o.iter().map(|r| rounding_name(*r).into()).collect(),
        }
    }
}

fn rounding_name(r: crate::num::RoundingMode) -> &'static str {
    match r {
        crate::num::RoundingMode::HalfUp => "half-up",
        crate::num::RoundingMode::HalfEven => "half-even",
        crate::num::RoundingMode::Down => "down",
    }
}

/// The analysis: its choices and run settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub choices: Vec<Choice>,
    /// Model evaluations (see [`super::Plan`]).
    pub runs: usize,
    pub seed: u64,
    /// The k of "probability of being in the top k".
    pub top: Vec<u32>,
    /// Bootstrap resamples of the block-level indices' intervals.
    pub bootstrap: usize,
    /// Whether the choices came from the file (`false`: the defaults).
    pub declared: bool,
}

pub const DEFAULT_RUNS: usize = 10_000;
pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_BOOTSTRAP: usize = 200;
/// More runs than this would hold more than a few GB of ranks for a province; refused with the limit.
pub const MAX_RUNS: usize = 10_000_000;

/// One problem of a spec, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecProblem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Deserialize)]
struct Doc {
    robustness: Option<Spanned<RawSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    runs: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    top: Option<Vec<Spanned<i64>>>,
    bootstrap: Option<Spanned<i64>>,
    #[serde(default)]
    weights: Vec<Spanned<RawWeights>>,
    not_applicable: Option<Spanned<RawOptions>>,
    cohort: Option<Spanned<RawOptions>>,
    ties: Option<Spanned<RawOptions>>,
    rank_on: Option<Spanned<RawOptions>>,
    rounding: Option<Spanned<RawOptions>>,
    drop: Option<Spanned<RawDrop>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    id: Option<String>,
    label: Option<String>,
    label_en: Option<String>,
    nodes: Option<Vec<Spanned<String>>>,
    depth: Option<Spanned<i64>>,
    spread: Spanned<f64>,
    distribution: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    options: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrop {
    nodes: Option<Vec<Spanned<String>>>,
    depth: Option<Spanned<i64>>,
}

struct Ck<'a> {
    src: &'a str,
    file: &'a str,
    problems: Vec<SpecProblem>,
}

impl Ck<'_> {
    fn at(&mut self, offset: usize, message: String) {
        let (line, column) = line_col(self.src, offset);
        self.problems.push(SpecProblem {
            file: self.file.to_string(),
            line,
            column,
            message,
        });
    }
}

impl Spec {
    /// The `[robustness]` table of `src` (an edition or a spec file named `file`), or the defaults for
    /// `edition` when `src` has none. `edition` must be the one the analysis runs on: node codes are
    /// resolved against it.
    pub fn from_toml(src: &str, file: &str, edition: &Edition) -> Result<Spec, Vec<SpecProblem>> {
        let src_nfc = crate::text::nfc(src);
        let src = src_nfc.as_str();
        let mut ck = Ck {
            src,
            file,
            problems: Vec::new(),
        };
        let doc: Doc = match toml::from_str(src) {
            Ok(d) => d,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                let m = e.message().to_string();
                ck.at(
                    at,
                    msg!(
                        "[robustness] không đọc được: {m}",
                        "[robustness] cannot be read: {m}"
                    ),
                );
                return Err(ck.problems);
            }
        };
        let Some(raw) = doc.robustness else {
            return Ok(Spec::defaults(edition));
        };
        let raw = raw.into_inner();
        let mut spec = Spec {
            choices: Vec::new(),
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
            top: vec![1, 3, 10],
            bootstrap: DEFAULT_BOOTSTRAP,
            declared: true,
        };
        if let Some(r) = raw.runs {
            match usize::try_from(*r.get_ref()) {
                Ok(n) if (2..=MAX_RUNS).contains(&n) => spec.runs = n,
                _ => ck.at(r.span().start, runs_message(*r.get_ref())),
            }
        }
        if let Some(s) = raw.seed {
            match u64::try_from(*s.get_ref()) {
                Ok(v) => spec.seed = v,
                Err(_) => ck.at(
                    s.span().start,
                    msg!(
                        "seed phải là số nguyên không âm",
                        "seed must be a non-negative integer"
                    )
                    .to_string(),
                ),
            }
        }
        if let Some(top) = raw.top {
            spec.top.clear();
            for t in top {
                match u32::try_from(*t.get_ref()) {
                    Ok(v) if v >= 1 => spec.top.push(v),
                    _ => ck.at(
                        t.span().start,
                        msg!(
                            "top: mỗi số phải là số nguyên từ 1",
                            "top: each number must be an integer from 1"
                        )
                        .to_string(),
                    ),
                }
            }
            spec.top.sort_unstable();
            spec.top.dedup();
        }
        if let Some(b) = raw.bootstrap {
            match usize::try_from(*b.get_ref()) {
                Ok(v) if (10..=100_000).contains(&v) => spec.bootstrap = v,
                _ => ck.at(
                    b.span().start,
                    msg!(
                        "bootstrap: số lần lấy mẫu lại phải từ 10 đến 100000",
                        "bootstrap: the number of resamples must be 10 to 100000"
                    )
                    .to_string(),
                ),
            }
        }
        for (i, w) in raw.weights.into_iter().enumerate() {
            let at = w.span().start;
            let w = w.into_inner();
            let nodes = nodes_of(&mut ck, edition, w.nodes.as_deref(), w.depth.as_ref(), at);
            let spread = *w.spread.get_ref();
            if !(spread > 0.0 && spread < 1.0) {
                ck.at(
                    w.spread.span().start,
                    msg!(
                        "spread phải lớn hơn 0 và nhỏ hơn 1 (0.1 là ±10 %), không phải {spread}",
                        "spread must be above 0 and below 1 (0.1 is ±10 %), not {spread}"
                    ),
                );
            }
            let distribution = match w.distribution.as_ref().map(|d| d.get_ref().as_str()) {
                None | Some("uniform") => Distribution::Uniform,
                Some("triangular") => Distribution::Triangular,
                Some(other) => {
                    ck.at(
                        w.distribution.as_ref().expect("matched Some").span().start,
                        msg!(
                            "distribution \"{other}\" không có; dùng \"uniform\" hoặc \"triangular\"",
                            "no distribution \"{other}\"; use \"uniform\" or \"triangular\""
                        ),
                    );
                    Distribution::Uniform
                }
            };
            let id = w.id.unwrap_or_else(|| {
                if i == 0 {
                    "weights".into()
                } else {
                    format!("weights-{}", i + 1)
                }
            });
            let percent = (spread * 100.0 * 1e6).round() / 1e6;
            spec.choices.push(Choice {
                label: w
                    .label
                    .unwrap_or_else(|| format!("Điểm tối đa ±{percent} %")),
                label_en: w
                    .label_en
                    .unwrap_or_else(|| format!("Maximum points ±{percent} %")),
                id,
                factor: Factor::Weights {
                    nodes,
                    spread,
                    distribution,
                },
            });
        }
        if let Some(o) = raw.not_applicable {
            let opts = options(
                &mut ck,
                &o,
                |s| match s {
                    "edition" => Some(NaOption::Edition),
                    "zero" => Some(NaOption::Policy(NaPolicy::Zero)),
                    "exclude" => Some(NaOption::Policy(NaPolicy::Exclude)),
                    "not-evaluated" => Some(NaOption::Policy(NaPolicy::NotEvaluated)),
                    _ => None,
                },
                "edition, zero, exclude, not-evaluated",
            );
            spec.choices.push(na_choice(opts));
        }
        if let Some(o) = raw.cohort {
            let opts = options(
                &mut ck,
                &o,
                |s| match s {
                    "block" => Some(CohortOption::Block),
                    "all" => Some(CohortOption::All),
                    _ => None,
                },
                "block, all",
            );
            spec.choices.push(cohort_choice(opts));
        }
        if let Some(d) = raw.drop {
            let at = d.span().start;
            let d = d.into_inner();
            let nodes = nodes_of(&mut ck, edition, d.nodes.as_deref(), d.depth.as_ref(), at);
            spec.choices.push(drop_choice(nodes));
        }
        if let Some(o) = raw.ties {
            let opts = options(
                &mut ck,
                &o,
                |s| match s {
                    "dense" => Some(crate::edition::Ties::Dense),
                    "competition" => Some(crate::edition::Ties::Competition),
                    _ => None,
                },
                "dense, competition",
            );
            spec.choices.push(ties_choice(opts));
        }
        if let Some(o) = raw.rank_on {
            let opts = options(
                &mut ck,
                &o,
                |s| match s {
                    "rounded" => Some(RankKey::Rounded),
                    "exact" => Some(RankKey::Exact),
                    "whole" => Some(RankKey::Whole),
                    _ => None,
                },
                "rounded, exact, whole",
            );
            spec.choices.push(rank_on_choice(opts));
        }
        if let Some(o) = raw.rounding {
            let opts = options(
                &mut ck,
                &o,
                |s| match s {
                    "half-up" => Some(crate::num::RoundingMode::HalfUp),
                    "half-even" => Some(crate::num::RoundingMode::HalfEven),
                    "down" => Some(crate::num::RoundingMode::Down),
                    _ => None,
                },
                "half-up, half-even, down",
            );
            spec.choices.push(rounding_choice(opts));
        }
        if !ck.problems.is_empty() {
            return Err(ck.problems);
        }
        Ok(spec)
    }

    /// The defaults for a province's edition (see the module documentation).
    pub fn defaults(edition: &Edition) -> Spec {
        let mut choices = Vec::new();
        let varied: Vec<usize> = (1..edition.nodes.len())
            .filter(|&n| edition.nodes[n].depth <= 2)
            .collect();
        if !varied.is_empty() {
            choices.push(Choice {
                id: "weights".into(),
                label: "Điểm tối đa của hạng mục và nhóm tiêu chí ±10 %".into(),
                label_en: "Maximum points of categories and groups ±10 %".into(),
                factor: Factor::Weights {
                    nodes: varied,
                    spread: 0.1,
                    distribution: Distribution::Uniform,
                },
            });
        }
        // Not-applicable alternatives only where some criterion can be not applicable.
        let can_be_na = edition.nodes.iter().skip(1).any(|n| {
            n.applies_to.is_some() || !n.requires_flags.is_empty() || !n.unless_flags.is_empty()
        });
        if can_be_na {
            let mut opts = vec![NaOption::Edition];
            let used: Vec<NaPolicy> = edition.nodes.iter().map(|n| n.not_applicable).collect();
            for p in [NaPolicy::Zero, NaPolicy::Exclude] {
                // The edition's own, when it is the only one it uses, is already "edition".
                if !used.iter().all(|u| *u == p) {
                    opts.push(NaOption::Policy(p));
                }
            }
            choices.push(na_choice(opts));
        }
        let relative = edition
            .nodes
            .iter()
            .any(|n| n.rule.as_ref().is_some_and(|r| r.needs_cohort()));
        if relative && edition.blocks.len() > 1 {
            choices.push(cohort_choice(vec![CohortOption::Block, CohortOption::All]));
        }
        let mut keys = vec![RankKey::Rounded, RankKey::Exact];
        // Whole points only where some table prints decimals (else it is "rounded").
        if edition.annex.tables.iter().any(|t| t.decimals > 0) {
            keys.push(RankKey::Whole);
        }
        choices.push(rank_on_choice(keys));
        let mut modes = vec![edition.rounding];
        for m in [
            crate::num::RoundingMode::HalfUp,
            crate::num::RoundingMode::HalfEven,
            crate::num::RoundingMode::Down,
        ] {
            if m != edition.rounding {
                modes.push(m);
            }
        }
        choices.push(rounding_choice(modes));
        Spec {
            choices,
            runs: DEFAULT_RUNS,
            seed: DEFAULT_SEED,
            top: vec![1, 3, 10],
            bootstrap: DEFAULT_BOOTSTRAP,
            declared: false,
        }
    }
}

fn runs_message(v: i64) -> String {
    msg!(
        "runs phải từ 2 đến {MAX_RUNS}, không phải {v}",
        "runs must be 2 to {MAX_RUNS}, not {v}"
    )
}

/// The nodes named, or every node at depth 1..=`depth`; each code must exist.
fn nodes_of(
    ck: &mut Ck<'_>,
    edition: &Edition,
    nodes: Option<&[Spanned<String>]>,
    depth: Option<&Spanned<i64>>,
    at: usize,
) -> Vec<usize> {
    match (nodes, depth) {
        (Some(list), None) => {
            let mut out = Vec::new();
            for c in list {
                let code = crate::text::clean(c.get_ref());
                let q = crate::text::quote_short(&code);
                match edition.node(&code) {
                    Some(n) if n > 0 => out.push(n),
                    _ => ck.at(
                        c.span().start,
                        msg!(
                            "không có tiêu chí mã \"{q}\" trong bộ tiêu chí",
                            "no criterion with code \"{q}\" in the edition"
                        ),
                    ),
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        }
        (None, Some(d)) => {
            let depth = *d.get_ref();
            let out: Vec<usize> = (1..edition.nodes.len())
                .filter(|&n| i64::try_from(edition.nodes[n].depth).is_ok_and(|x| x <= depth))
                .collect();
            if out.is_empty() {
                ck.at(
                    d.span().start,
                    msg!(
                        "depth = {depth}: không có tiêu chí nào ở độ sâu 1 đến {depth}",
                        "depth = {depth}: no criterion at depth 1 to {depth}"
                    ),
                );
            }
            out
        }
        _ => {
            ck.at(
                at,
                msg!(
                    "cần đúng một trong nodes = [\"A\", …] hoặc depth = N",
                    "needs exactly one of nodes = [\"A\", …] or depth = N"
                )
                .to_string(),
            );
            Vec::new()
        }
    }
}

fn options<T: PartialEq>(
    ck: &mut Ck<'_>,
    raw: &Spanned<RawOptions>,
    read: impl Fn(&str) -> Option<T>,
    known: &str,
) -> Vec<T> {
    let mut out = Vec::new();
    for o in &raw.get_ref().options {
        let q = crate::text::quote_short(o.get_ref());
        match read(o.get_ref()) {
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => ck.at(
                o.span().start,
                msg!(
                    "\"{q}\" đã có trong options",
                    "\"{q}\" is already in options"
                ),
            ),
            None => ck.at(
                o.span().start,
                msg!(
                    "không có lựa chọn \"{q}\"; có: {known}",
                    "no option \"{q}\"; known: {known}"
                ),
            ),
        }
    }
    if out.len() < 2 {
        ck.at(
            raw.span().start,
            msg!(
                "cần ít nhất hai lựa chọn khác nhau (một lựa chọn thì không có gì bất định)",
                "needs at least two different options (one option leaves nothing uncertain)"
            )
            .to_string(),
        );
    }
    out
}

fn na_choice(opts: Vec<NaOption>) -> Choice {
    Choice {
        id: "not_applicable".into(),
        label: "Cách tính tiêu chí không áp dụng".into(),
        label_en: "Not-applicable policy".into(),
        factor: Factor::NotApplicable(opts),
    }
}

fn cohort_choice(opts: Vec<CohortOption>) -> Choice {
    Choice {
        id: "cohort".into(),
        label: "Nhóm so sánh của tiêu chí so với đơn vị tốt nhất".into(),
        label_en: "Cohort of relative-to-best criteria".into(),
        factor: Factor::Cohort(opts),
    }
}

fn drop_choice(nodes: Vec<usize>) -> Choice {
    Choice {
        id: "drop".into(),
        label: "Bỏ một nhóm tiêu chí".into(),
        label_en: "One group left out".into(),
        factor: Factor::Drop(nodes),
    }
}

fn ties_choice(opts: Vec<crate::edition::Ties>) -> Choice {
    Choice {
        id: "ties".into(),
        label: "Cách xếp hạng đồng hạng".into(),
        label_en: "Tie convention".into(),
        factor: Factor::Ties(opts),
    }
}

fn rank_on_choice(opts: Vec<RankKey>) -> Choice {
    Choice {
        id: "rank_on".into(),
        label: "Xếp hạng trên điểm đã làm tròn, điểm chính xác hay điểm nguyên".into(),
        label_en: "Ranking on printed (rounded), exact or whole points".into(),
        factor: Factor::RankOn(opts),
    }
}

fn rounding_choice(opts: Vec<crate::num::RoundingMode>) -> Choice {
    Choice {
        id: "rounding".into(),
        label: "Cách làm tròn".into(),
        label_en: "Rounding mode".into(),
        factor: Factor::Rounding(opts),
    }
}
