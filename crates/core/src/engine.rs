//! Scoring: from a dataset's values to every unit's points at every node of the criteria tree.
//!
//! Three steps, because one rule kind needs the whole cohort:
//! 1. per unit, top-down applicability (category, flags, a unit's own "không áp dụng");
//! 2. per leaf with a relative-to-best rule, the best value among the units of each ranking block for
//!    which the leaf is scored by its rule (this needs only the inputs and step 1);
//! 3. per unit, every leaf, then bottom-up aggregation: sum of children (capped where the edition says),
//!    the not-applicable policies (zero / not evaluated / exclude and rescale), points given directly at
//!    a node (which take precedence and are reconciled against the children, see [`Note`]).
//!
//! Arithmetic is exact ([`Decimal`]) and nothing is rounded here: rounding belongs to the place that
//! prints a value (the annex), once. [`explain`] replays one unit with a human-readable trace.

use std::collections::HashMap;

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::dataset::{Dataset, Num, Unit, Value};
use crate::edition::{Band, Edition, InputKind, NaPolicy, Node, Operand, Rule};
use crate::fixed::Fixed;
use crate::lang::Lang;

/// How a node's points came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Computed by the node's rule or as the sum of its children.
    Scored,
    /// Entered directly in the data.
    Given,
    /// No data for the node (counts as zero).
    Missing,
    /// Not applicable, counted as zero against the full maximum.
    NotApplicable,
    /// Not applicable and not evaluated ("Không đánh giá").
    NotEvaluated,
    /// Not applicable and excluded from the maximum (exclude-and-rescale).
    Excluded,
}

/// A unit's result at one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeScore {
    /// Exact points (after capping and rescaling, before any printing rounds them).
    pub points: Decimal,
    /// The maximum this unit is measured against at this node (less what was excluded or not evaluated).
    pub max: Decimal,
    pub status: Status,
}

/// A mismatch between points given directly at a node and the sum of the points of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub unit: usize,
    pub node: usize,
    pub given: Decimal,
    pub children_sum: Decimal,
}

/// Every unit's points at every node.
#[derive(Debug, Clone)]
pub struct Scores {
    n_nodes: usize,
    cells: Vec<Stored>,
    node_max: Vec<Decimal>,
    /// The maxima that are neither the node's own nor zero, unit after unit; `other_from[unit]` is
    /// where the unit's begin.
    other_max: Vec<Decimal>,
    other_from: Vec<u32>,
    /// The nodes the annex prints (table totals and node columns) again, a column of every unit's
    /// score per node: a table reads its few nodes unit after unit, which in the full rows would be a
    /// cache miss each, and in rows of every printed node a stride the prefetcher did not follow (the
    /// annex's reads were a sixth of its time). `shown_slot[node]` is the node's column.
    shown_slot: Vec<Option<u32>>,
    n_units: usize,
    shown: Vec<NodeScore>,
    /// Best value per (relative-to-best leaf, input, ranking block): each input of a leaf has its own
    /// best, so a best-of over two relative-to-best cases compares each with its own cohort.
    pub cohort_best: HashMap<(usize, usize, usize), Decimal>,
    /// Given aggregates that disagree with their children, in unit then node order.
    pub notes: Vec<Note>,
}

impl Scores {
    pub fn get(&self, unit: usize, node: usize) -> NodeScore {
        if let Some(k) = self.shown_slot[node] {
            return self.shown[k as usize * self.n_units + unit];
        }
        let Some(&c) = self.cells.get(unit * self.n_nodes + node) else {
            panic!("node {node} was not kept for unit {unit} (scored with Keep::Printed)");
        };
        NodeScore {
            points: c.points,
            max: match c.max {
                MAX_OF_NODE => self.node_max[node],
                MAX_ZERO => Decimal::ZERO,
                k => self.other_max[self.other_from[unit] as usize + k as usize],
            },
            status: c.status,
        }
    }
    /// The unit's total (root) points.
    pub fn total(&self, unit: usize) -> NodeScore {
        self.get(unit, 0)
    }
}

/// Units a task of the per-unit pass: enough for the pass's setup to be nothing beside them, few enough
/// for the two cores to share a thousand tasks.
const UNIT_CHUNK: usize = 64;

/// [`Stored::max`]: the node's own maximum.
const MAX_OF_NODE: u32 = u32::MAX;
/// [`Stored::max`]: zero.
const MAX_ZERO: u32 = u32::MAX - 1;

/// A unit's result at one node as the score matrix keeps it: 24 bytes instead of the 36 of a
/// [`NodeScore`] (10,000 units × 115 nodes is 14 MB less). The maximum is nearly always the node's own
/// or zero; any other (an aggregate less what was excluded or not evaluated) is the `max`-th of the
/// unit's other maxima.
#[derive(Debug, Clone, Copy)]
struct Stored {
    points: Decimal,
    max: u32,
    status: Status,
}

/// Whether two decimals are the same number at the same scale (a maximum keeps the scale it was
/// written with, which shows in explanations).
fn same_decimal(a: Decimal, b: Decimal) -> bool {
    a.serialize() == b.serialize()
}

/// Whether `node` itself (not its ancestors) applies to `unit`.
fn applies_locally(node: &Node, unit: &Unit) -> bool {
    if let Some(cats) = &node.applies_to
        && !cats.contains(&unit.category)
    {
        return false;
    }
    node.requires_flags.iter().all(|f| unit.flags.contains(f))
        && !node.unless_flags.iter().any(|f| unit.flags.contains(f))
}

/// The effective not-applicable policy of every node for a unit: `None` = applies.
fn applicability(edition: &Edition, data: &Dataset, u: usize) -> Vec<Option<NaPolicy>> {
    let mut na: Vec<Option<NaPolicy>> = vec![None; edition.nodes.len()];
    NaPlan::of(edition, data).applicability_into(edition, data, u, &mut na);
    na
}

/// What the applicability pass reads of each node, compactly (a [`Node`] is about 360 bytes, see
/// [`NodePlan`]): its parent and its policy; which nodes have a condition on the unit's category or flags
/// (few have); which nodes the data give points for (few); and, per input, the nodes whose rule reads
/// it (one flat list, a range per input).
struct NaPlan {
    nodes: Vec<NaNode>,
    conditional: Vec<u32>,
    given: Vec<u32>,
    readers: Vec<u32>,
    readers_of: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Copy)]
struct NaNode {
    policy: NaPolicy,
    /// Where the node's subtree ends: in pre-order, a node's descendants are the nodes after it up to
    /// (not including) this one.
    end: u32,
}

impl NaPlan {
    fn of(edition: &Edition, data: &Dataset) -> NaPlan {
        let mut nodes: Vec<NaNode> = edition
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| NaNode {
                policy: node.not_applicable,
                end: n as u32 + 1,
            })
            .collect();
        // Children after their parent (pre-order), so that a subtree is a range: each node's end
        // reaches its parent's, last node first.
        for n in (1..nodes.len()).rev() {
            let parent = edition.nodes[n].parent.unwrap_or(0);
            debug_assert!(
                parent < n,
                "nodes in pre-order: a parent before its children"
            );
            nodes[parent].end = nodes[parent].end.max(nodes[n].end);
        }
        let conditional = (1..edition.nodes.len())
            .filter(|&n| {
                let node = &edition.nodes[n];
                node.applies_to.is_some()
                    || !node.requires_flags.is_empty()
                    || !node.unless_flags.is_empty()
            })
            .map(|n| n as u32)
            .collect();
        let mut by_input: Vec<Vec<usize>> = vec![Vec::new(); edition.inputs.len()];
        for (n, node) in edition.nodes.iter().enumerate().skip(1) {
            for &i in &node.reads {
                by_input[i].push(n);
            }
        }
        let (readers_of, readers) = flat_lists(&by_input, |list| list);
        let given = data
            .given_nodes()
            .filter(|&n| n > 0)
            .map(|n| n as u32)
            .collect();
        NaPlan {
            nodes,
            conditional,
            given,
            readers,
            readers_of,
        }
    }

    /// [`applicability`] into a row the caller owns: a node inherits its parent's policy; otherwise it
    /// is not applicable (by its own policy) when it does not apply to the unit's category or flags,
    /// when the unit marks it "không áp dụng", or when the unit marks so any input its rule reads.
    ///
    /// Worked from the unit's marks rather than node by node: the nodes that are not applicable by
    /// themselves are marked first — the few with a condition, those the unit marks, and the readers
    /// of each input it marks (most units mark a few inputs or none) —, then one pass down the tree
    /// gives the whole subtree of the first marked node met its policy (pre-order: a subtree is the
    /// range after its node) and goes on after it. Asking every node about every input it reads was a
    /// twentieth of a province's scoring.
    fn applicability_into(
        &self,
        edition: &Edition,
        data: &Dataset,
        u: usize,
        na: &mut [Option<NaPolicy>],
    ) {
        let unit = &data.units[u];
        na.fill(None);
        let mut marked = false;
        let mut mark = |n: usize| {
            na[n] = Some(self.nodes[n].policy);
            marked = true;
        };
        for &n in &self.conditional {
            if !applies_locally(&edition.nodes[n as usize], unit) {
                mark(n as usize);
            }
        }
        for &n in &self.given {
            if matches!(data.given(u, n as usize), Some(Value::NotApplicable)) {
                mark(n as usize);
            }
        }
        data.for_each_na_input(u, |i| {
            let (from, to) = self.readers_of[i];
            for &n in &self.readers[from as usize..to as usize] {
                mark(n as usize);
            }
        });
        // Nothing marked (a unit that marks nothing and meets every condition): nothing to hand down.
        if !marked {
            return;
        }
        let mut n = 1;
        while n < na.len() {
            match na[n] {
                Some(_) => {
                    let end = self.nodes[n].end as usize;
                    let policy = na[n];
                    na[n + 1..end].fill(policy);
                    n = end;
                }
                None => n += 1,
            }
        }
    }
}

fn num(v: Value) -> Option<Decimal> {
    v.number()
}

/// Context for evaluating a rule: the unit's values and (in pass 2) the cohort's best value.
struct Eval<'a> {
    edition: &'a Edition,
    data: &'a Dataset,
    unit: usize,
    /// Best value of the input among the unit's block (pass 2 only).
    best: &'a [(usize, Decimal)],
    trace: Option<&'a mut Vec<String>>,
    /// The language of the trace (the explanation is a document: it follows `--lang`).
    lang: Lang,
}

/// A trace step in the trace's language, formatted only when a trace is kept: scoring without
/// `explain` must not pay for text.
macro_rules! note {
    ($ev:expr, $vi:literal, $en:literal $(, $a:expr)* $(,)?) => {
        if $ev.trace.is_some() {
            let text = match $ev.lang {
                Lang::Vi => format!($vi $(, $a)*),
                Lang::En => format!($en $(, $a)*),
            };
            $ev.note(text);
        }
    };
}

/// Text in `lang`: the Vietnamese and the English format strings with the same arguments.
macro_rules! in_lang {
    ($lang:expr, $vi:literal, $en:literal $(, $a:expr)* $(,)?) => {
        match $lang {
            Lang::Vi => format!($vi $(, $a)*),
            Lang::En => format!($en $(, $a)*),
        }
    };
}

impl<'a> Eval<'a> {
    fn input_name(&self, i: usize) -> &'a str {
        &self.edition.inputs[i].id
    }

    fn show(&self, d: Decimal) -> Exact {
        Exact(d)
    }

    fn note(&mut self, text: String) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(text);
        }
    }

    /// Points of a rule, or `None` when the inputs it needs are missing.
    fn rule(&mut self, rule: &Rule, max: Decimal) -> Option<Decimal> {
        let data = self.data;
        let u = self.unit;
        match rule {
            Rule::Points | Rule::Manual => None,
            Rule::Ratio {
                numerator,
                denominator,
            } => {
                let a = num(data.input(u, *numerator))?;
                let (b, bname) = match denominator {
                    Operand::Input(i) => {
                        (num(data.input(u, *i))?, Shown::Name(self.input_name(*i)))
                    }
                    Operand::Constant(c) => (*c, Shown::Value(self.show(*c))),
                };
                if b <= Decimal::ZERO {
                    note!(
                        self,
                        "{} / {bname}: mẫu số bằng 0 → 0 điểm",
                        "{} / {bname}: the denominator is 0 → 0 points",
                        self.input_name(*numerator)
                    );
                    return Some(Decimal::ZERO);
                }
                // a ≥ b reaches the maximum without dividing (the common case of a complete service).
                let p = if a >= b { max } else { mul_div(a, max, b) };
                note!(
                    self,
                    "tỷ lệ {} / {} = {} / {} × {} = {}",
                    "ratio {} / {} = {} / {} × {} = {}",
                    self.input_name(*numerator),
                    bname,
                    self.show(a),
                    self.show(b),
                    self.show(max),
                    self.show(p)
                );
                Some(p)
            }
            Rule::YesNo { input, yes, no } => {
                let Value::Bool(b) = data.input(u, *input) else {
                    return None;
                };
                let p = if b { *yes } else { *no };
                note!(
                    self,
                    "{} = {} → {}",
                    "{} = {} → {}",
                    self.input_name(*input),
                    if b {
                        self.lang.tr("Có", "Yes")
                    } else {
                        self.lang.tr("Không", "No")
                    },
                    self.show(p)
                );
                Some(p)
            }
            Rule::Steps { input, steps } => {
                let v = num(data.input(u, *input))?;
                let hit = steps.iter().find(|(th, _)| v >= *th);
                let p = hit.map(|(_, p)| *p).unwrap_or(Decimal::ZERO);
                match hit {
                    Some((th, _)) => note!(
                        self,
                        "{} = {} ≥ {} → {}",
                        "{} = {} ≥ {} → {}",
                        self.input_name(*input),
                        self.show(v),
                        self.show(*th),
                        self.show(p)
                    ),
                    None => note!(
                        self,
                        "{} = {} dưới bậc thấp nhất → 0",
                        "{} = {} is below the lowest step → 0",
                        self.input_name(*input),
                        self.show(v)
                    ),
                }
                Some(p)
            }
            Rule::Choice {
                input, by_choice, ..
            } => {
                let Value::Choice(k) = data.input(u, *input) else {
                    return None;
                };
                let p = by_choice.get(k as usize).copied().unwrap_or(Decimal::ZERO);
                if self.trace.is_some()
                    && let InputKind::Choice(choices) = &self.edition.inputs[*input].kind
                {
                    note!(
                        self,
                        "{} = \"{}\" → {}",
                        "{} = \"{}\" → {}",
                        self.input_name(*input),
                        choices[k as usize],
                        self.show(p)
                    );
                }
                Some(p)
            }
            Rule::PerItem { input, per, cap } => {
                let n = num(data.input(u, *input))?;
                // A product past any decimal is past the cap too (or, negative, clamped to zero).
                let p = match n.checked_mul(*per) {
                    Some(x) => x.min(*cap),
                    None if n.is_sign_negative() != per.is_sign_negative() => Decimal::MIN,
                    None => *cap,
                };
                note!(
                    self,
                    "{} = {} × {} (tối đa {}) = {}",
                    "{} = {} × {} (at most {}) = {}",
                    self.input_name(*input),
                    self.show(n),
                    self.show(*per),
                    self.show(*cap),
                    self.show(p)
                );
                Some(p)
            }
            Rule::Sum { inputs } => {
                let vals = || inputs.iter().map(|i| num(data.input(u, *i)));
                if vals().all(|v| v.is_none()) {
                    return None;
                }
                let s = sum_saturating(vals().flatten());
                let p = s.min(max);
                let parts: Vec<String> = if self.trace.is_none() {
                    Vec::new()
                } else {
                    inputs
                        .iter()
                        .zip(vals())
                        .map(|(i, v)| match v {
                            Some(d) => format!("{}={}", self.input_name(*i), self.show(d)),
                            None => {
                                in_lang!(self.lang, "{}=trống", "{}=blank", self.input_name(*i))
                            }
                        })
                        .collect()
                };
                note!(
                    self,
                    "tổng {} = {} (tối đa {}) → {}",
                    "sum {} = {} (at most {}) → {}",
                    parts.join(" + "),
                    self.show(s),
                    self.show(max),
                    self.show(p)
                );
                Some(p)
            }
            Rule::BestOf { cases } => {
                let mut best: Option<Decimal> = None;
                for c in cases {
                    if let Some(p) = self.rule(c, max) {
                        best = Some(best.map_or(p, |b| b.max(p)));
                    }
                }
                if let Some(b) = best {
                    note!(
                        self,
                        "lấy trường hợp cao nhất → {}",
                        "the highest case → {}",
                        self.show(b)
                    );
                }
                best
            }
            Rule::RelativeToBest { input } => {
                let v = num(data.input(u, *input))?;
                let best = self
                    .best
                    .iter()
                    .find(|(i, _)| i == input)
                    .map(|(_, b)| *b)?;
                let p = if best <= Decimal::ZERO {
                    Decimal::ZERO
                } else if v >= best {
                    max
                } else {
                    mul_div(v, max, best)
                };
                note!(
                    self,
                    "so với đơn vị tốt nhất của khối: {} / {} × {} = {}",
                    "relative to the best unit of the block: {} / {} × {} = {}",
                    self.show(v),
                    self.show(best),
                    self.show(max),
                    self.show(p)
                );
                Some(p)
            }
        }
    }
}

/// `a × b ÷ c` for `0 ≤ a < c` and `b ≥ 0`: exactly as written when the product is a decimal (the
/// usual case, the result every edition has always had), else dividing first. `a ÷ c < 1` makes the
/// second form at most `b`, so neither can overflow; rust_decimal's operators would panic instead.
fn mul_div(a: Decimal, b: Decimal, c: Decimal) -> Decimal {
    a.checked_mul(b)
        .and_then(|p| p.checked_div(c))
        .or_else(|| a.checked_div(c).and_then(|r| r.checked_mul(b)))
        .unwrap_or(b)
}

/// The sum of input values, exactly when it is a decimal. Otherwise the values are added so that the
/// running sum stays between the smallest and the largest value (a positive when it is not above zero,
/// a negative when it is), and what still overflows after one sign is used up is beyond every decimal
/// in that direction: [`Decimal::MAX`] (the caller caps it at the maximum) or [`Decimal::MIN`] (clamped
/// to zero).
fn sum_saturating(values: impl Iterator<Item = Decimal> + Clone) -> Decimal {
    if let Some(s) = values
        .clone()
        .try_fold(Decimal::ZERO, |acc, x| acc.checked_add(x))
    {
        return s;
    }
    let (mut pos, mut neg): (Vec<Decimal>, Vec<Decimal>) =
        values.partition(|x| !x.is_sign_negative());
    let mut acc = Decimal::ZERO;
    loop {
        let next = if acc.is_sign_negative() || acc.is_zero() {
            pos.pop().or_else(|| neg.pop())
        } else {
            neg.pop().or_else(|| pos.pop())
        };
        let Some(x) = next else { return acc };
        acc = match acc.checked_add(x) {
            Some(a) => a,
            None if x.is_sign_negative() => return Decimal::MIN,
            None => return Decimal::MAX,
        };
    }
}

/// Exact value without trailing zeros, with a decimal comma.
/// An exact value shown as [`fmt_exact`] does, formatted only if displayed.
struct Exact(Decimal);

impl std::fmt::Display for Exact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fmt_exact(self.0))
    }
}

/// An input's id or a constant, in a trace.
enum Shown<'a> {
    Name(&'a str),
    Value(Exact),
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Name(n) => f.write_str(n),
            Shown::Value(v) => v.fmt(f),
        }
    }
}

fn fmt_exact(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// The points of a leaf that applies to the unit, and how they came about: given in the data, or by
/// its rule (`best`: the unit's block's best values for a relative-to-best rule, empty otherwise). A
/// leaf not applicable is written by the pass itself ([`UnitPass::applies`]).
fn score_leaf(
    edition: &Edition,
    data: &Dataset,
    u: usize,
    n: usize,
    best: &[(usize, Decimal)],
) -> (Decimal, Status) {
    let node = &edition.nodes[n];
    if let Some(Value::Number(d)) = data.given(u, n) {
        return (*d, Status::Given);
    }
    let rule = node.rule.as_ref().unwrap_or(&Rule::Points);
    let mut ev = Eval {
        edition,
        data,
        unit: u,
        best,
        trace: None,
        lang: Lang::Vi,
    };
    match ev.rule(rule, node.max) {
        Some(p) => (clamp(p, node.max), Status::Scored),
        None => (Decimal::ZERO, Status::Missing),
    }
}

/// `acc += x`, skipped when `x` is a zero without decimals (which would change neither the value nor
/// the scale): deductions are nearly always that, and exact decimal additions are not free.
fn add_unless_plain_zero(acc: &mut Decimal, x: Decimal) {
    if !(x.is_zero() && x.scale() == 0) {
        *acc = add_points(*acc, x);
    }
}

/// Points and maxima added up a unit's tree. Maxima are bounded by the edition's validation
/// ([`crate::edition::MAX_POINTS`]) and given points by the dataset's, so such a sum is far from
/// overflowing; checked all the same, saturating, so that no input can make scoring panic.
fn add_points(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(if b.is_sign_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// `p` within `[0, max]`. No rule gives more than the maximum — the constants of yes-no, steps, choice
/// and per-item are checked against it when the edition is read, ratio and relative-to-best reach it
/// exactly at 100 %, sum is capped at it — so only a negative input can take a result out of range:
/// one sign test, not a decimal comparison per leaf and unit. Tests check the bound.
fn clamp(p: Decimal, max: Decimal) -> Decimal {
    debug_assert!(p <= max, "a rule gave {p} above the maximum {max}");
    if p.is_sign_negative() && !p.is_zero() {
        Decimal::ZERO
    } else {
        p
    }
}

fn na_status(p: NaPolicy) -> Status {
    match p {
        NaPolicy::Zero => Status::NotApplicable,
        NaPolicy::NotEvaluated => Status::NotEvaluated,
        NaPolicy::Exclude => Status::Excluded,
    }
}

/// Which results a [`Scores`] keeps for every unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every node's: for explanations, the score table, the audit.
    All,
    /// Only the nodes the edition's annex prints (table totals and node columns): all that
    /// [`crate::annex::build`] reads, in a tenth of the memory for a province.
    Printed,
}

/// Scores every unit of `data` under `edition`, keeping every node's result.
pub fn score(edition: &Edition, data: &Dataset) -> Scores {
    score_keeping(edition, data, Keep::All)
}

/// Scores every unit of `data` under `edition`, keeping the results `keep` says.
///
/// The passes of the module documentation, arranged for memory: the applicability of every node (a byte
/// a cell) first; then the cohort's bests, which need only the inputs and the applicability; then one
/// parallel pass per unit that scores its leaves and aggregates them while the unit's row is in cache.
/// Units are independent in that pass, so the result does not depend on the number of threads.
pub fn score_keeping(edition: &Edition, data: &Dataset, keep: Keep) -> Scores {
    score_keeping_with(edition, data, keep, Arith::Fast)
}

/// How scoring adds points up the tree. Both give the same [`Scores`], bit for bit (the property tests
/// of `egov-synth` score random editions and hostile data both ways and compare every cell and the
/// annex bytes); [`Arith::Decimal`] is the reference the fast path is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// Every value a [`Decimal`], every operation `rust_decimal`'s.
    Decimal,
    /// Non-negative values as [`Fixed`] (one `u128` and a scale) wherever the result is exactly the
    /// [`Decimal`] one, which is nearly always; a value or an operation that is not — a negative value, a
    /// quotient, a rescaling, a sum past 96 bits — is done in [`Decimal`] and carried on from there. The
    /// choice is per value rather than per edition: whether a ratio's quotient is short depends on the
    /// data, and an edition-wide choice would send every edition with a ratio rule to the slow path.
    Fast,
}

/// [`score_keeping`] with the arithmetic chosen.
pub fn score_keeping_with(edition: &Edition, data: &Dataset, keep: Keep, arith: Arith) -> Scores {
    let nn = edition.nodes.len();
    let nu = data.units.len();
    let row_len = nn.max(1);
    let na_plan = NaPlan::of(edition, data);
    let mut nas: Vec<Option<NaPolicy>> = crate::dataset::filled(nu * nn, None);
    nas.par_chunks_mut(row_len)
        .enumerate()
        .with_min_len(64)
        .for_each(|(u, na_row)| na_plan.applicability_into(edition, data, u, na_row));
    // The cohort: per relative-to-best leaf, the best value of each input it reads among the units of
    // each ranking block for which the leaf is scored by its rule.
    let block_of: Vec<Option<usize>> = data
        .units
        .iter()
        .map(|un| edition.block_of_category(un.category))
        .collect();
    let n_blocks = block_of.iter().flatten().max().map_or(0, |b| b + 1);
    let by_rule = |u: usize, n: usize| {
        nas[u * nn + n].is_none() && !matches!(data.given(u, n), Some(Value::Number(_)))
    };
    let mut cohort_best = HashMap::new();
    // Per node: the (input, best) pairs of each block, in input order, for the cohort leaves.
    type PerBlock = Vec<Vec<(usize, Decimal)>>;
    let mut cohort: Vec<Option<PerBlock>> = vec![None; nn];
    for (n, node) in edition.nodes.iter().enumerate() {
        let Some(rule) = &node.rule else { continue };
        if !node.is_leaf() || !rule.needs_cohort() {
            continue;
        }
        let mut ids = Vec::new();
        collect_relative_inputs(rule, &mut ids);
        ids.sort_unstable();
        ids.dedup();
        // The first unit (in unit order) with the highest value gives the best, so its scale: pieces of
        // units are folded in order, and a later piece's best replaces an earlier one's only when higher.
        type Best = Vec<Vec<Option<Decimal>>>;
        let blank = || -> Best { vec![vec![None; ids.len()]; n_blocks] };
        let higher = |e: &mut Option<Decimal>, v: Decimal| match e {
            Some(e) if v <= *e => {}
            _ => *e = Some(v),
        };
        let best: Best = (0..nu)
            .into_par_iter()
            .with_min_len(4096)
            .fold(blank, |mut best, u| {
                if let Some(b) = block_of[u]
                    && by_rule(u, n)
                {
                    for (k, &i) in ids.iter().enumerate() {
                        if let Value::Number(v) = data.input(u, i) {
                            higher(&mut best[b][k], v);
                        }
                    }
                }
                best
            })
            .reduce(blank, |mut left, right| {
                for (l, r) in left.iter_mut().zip(right) {
                    for (e, v) in l.iter_mut().zip(r) {
                        if let Some(v) = v {
                            higher(e, v);
                        }
                    }
                }
                left
            });
        let per_block: PerBlock = best
            .iter()
            .map(|row| {
                ids.iter()
                    .zip(row)
                    .filter_map(|(&i, v)| v.map(|v| (i, v)))
                    .collect()
            })
            .collect();
        for (b, row) in per_block.iter().enumerate() {
            for &(i, v) in row {
                cohort_best.insert((n, i, b), v);
            }
        }
        cohort[n] = Some(per_block);
    }
    let blank = NodeScore {
        points: Decimal::ZERO,
        max: Decimal::ZERO,
        status: Status::Missing,
    };
    let mut shown_slot: Vec<Option<u32>> = vec![None; nn];
    let mut shown_nodes = Vec::new();
    for t in &edition.annex.tables {
        for n in std::iter::once(t.node).chain(t.node_columns()) {
            if shown_slot[n].is_none() {
                shown_slot[n] = Some(shown_nodes.len() as u32);
                shown_nodes.push(n);
            }
        }
    }
    let n_shown = shown_nodes.len();
    let node_max: Vec<Decimal> = edition.nodes.iter().map(|n| n.max).collect();
    let stored_blank = Stored {
        points: Decimal::ZERO,
        max: MAX_ZERO,
        status: Status::Missing,
    };
    // Without Keep::All, one placeholder a unit, so that the tasks below still cover every unit.
    let kept_row = if keep == Keep::All { row_len } else { 1 };
    let mut cells = crate::dataset::filled(nu * kept_row, stored_blank);
    // Printed node after printed node, each a column of every unit's score (see `Scores::shown`).
    let mut shown = crate::dataset::filled(nu * n_shown, blank);
    // Per unit: its notes and its other maxima (see `Stored`), in unit order.
    let (plan, kids) = NodePlan::of(edition);
    let fast_rules: Vec<FastRule> = match arith {
        Arith::Fast => edition
            .nodes
            .iter()
            .map(|node| FastRule::of(node.rule.as_ref(), node.max))
            .collect(),
        Arith::Decimal => Vec::new(),
    };
    let mut leaves: Vec<usize> = (1..nn).filter(|&n| plan[n].leaf).collect();
    // Leaves are scored kind by kind (every yes/no leaf, then every choice, …), in node order within
    // a kind: a leaf's score depends on nothing scored before it, and the jump to a kind's code is then
    // the same as the last one's nearly every time, where in node order it was a guess a leaf.
    if arith == Arith::Fast {
        leaves.sort_by_key(|&n| fast_rules[n].kind());
    }
    // The aggregation visits only these (children before parents); leaves are written by the leaf
    // loop, not applicable ones included.
    let inner: Vec<u32> = (0..nn)
        .rev()
        .filter(|&n| n == 0 || !plan[n].leaf)
        .map(|n| n as u32)
        .collect();
    // `cohort[n].is_some()`, a byte a node instead of 24: every leaf of every unit asks it.
    let reads_cohort: Vec<bool> = cohort.iter().map(Option::is_some).collect();
    // Tasks of `UNIT_CHUNK` units: their rows of `cells` and their piece of each printed node's column.
    let mut columns: Vec<std::slice::ChunksMut<'_, NodeScore>> = shown
        .chunks_mut(nu.max(1))
        .map(|column| column.chunks_mut(UNIT_CHUNK))
        .collect();
    type Task<'a> = (usize, &'a mut [Stored], Vec<&'a mut [NodeScore]>);
    let tasks: Vec<Task<'_>> = cells
        .chunks_mut(kept_row * UNIT_CHUNK)
        .enumerate()
        .map(|(c, rows)| {
            (
                c,
                rows,
                columns.iter_mut().filter_map(Iterator::next).collect(),
            )
        })
        .collect();
    drop(columns);
    let per_unit: Vec<Vec<(Vec<Note>, Vec<Decimal>)>> = tasks
        .into_par_iter()
        .map_init(
            // A full row per thread to score and aggregate in (in the arithmetic chosen), then kept
            // compactly.
            || {
                let (dec_row, fast_row) = match arith {
                    Arith::Fast => (Vec::new(), vec![Work::<Pts>::BLANK; nn]),
                    Arith::Decimal => (vec![Work::<Decimal>::BLANK; nn], Vec::new()),
                };
                (Deductions::new(nn), dec_row, fast_row)
            },
            |(deduct, dec_row, fast_row), (c, rows, mut printed)| {
                rows.chunks_mut(kept_row)
                    .enumerate()
                    .map(|(k, stored)| {
                        let u = c * UNIT_CHUNK + k;
                        let na_row = &nas[u * nn..(u + 1) * nn];
                        let best_of = |n: usize| match (&cohort[n], block_of[u]) {
                            (Some(per_block), Some(b)) => &per_block[b][..],
                            _ => &[],
                        };
                        let mut notes = Vec::new();
                        let unit = UnitPass {
                            plan: &plan,
                            kids: &kids,
                            leaves: &leaves,
                            inner: &inner,
                            data,
                            u,
                            na: na_row,
                        };
                        match arith {
                            Arith::Decimal => {
                                unit.score(dec_row, deduct, &mut notes, |n| {
                                    score_leaf(edition, data, u, n, best_of(n))
                                });
                            }
                            Arith::Fast => {
                                unit.score(fast_row, deduct, &mut notes, |n| {
                                    // The cohort's bests looked up only for the leaves that compare with them.
                                    let best = if reads_cohort[n] { best_of(n) } else { &[] };
                                    score_leaf_fast(
                                        edition,
                                        data,
                                        u,
                                        n,
                                        &fast_rules[n],
                                        node_max[n],
                                        best,
                                    )
                                });
                            }
                        }
                        // Only the nodes kept become decimals (under Keep::Printed, the printed ones), written
                        // straight from the working row.
                        let score_of = |n: usize| match arith {
                            Arith::Decimal => dec_row[n].score(),
                            Arith::Fast => fast_row[n].score(),
                        };
                        for (column, &n) in printed.iter_mut().zip(&shown_nodes) {
                            column[k] = score_of(n);
                        }
                        let mut others = Vec::new();
                        if keep != Keep::All {
                            return (notes, others);
                        }
                        for (n, s) in stored.iter_mut().enumerate() {
                            let c = score_of(n);
                            let max = if same_decimal(c.max, node_max[n]) {
                                MAX_OF_NODE
                            } else if same_decimal(c.max, Decimal::ZERO) {
                                MAX_ZERO
                            } else {
                                others.push(c.max);
                                (others.len() - 1) as u32
                            };
                            *s = Stored {
                                points: c.points,
                                max,
                                status: c.status,
                            };
                        }
                        (notes, others)
                    })
                    .collect()
            },
        )
        .collect();
    let mut notes = Vec::new();
    let mut other_max = Vec::new();
    let mut other_from = Vec::with_capacity(nu + 1);
    for (n, o) in per_unit.into_iter().flatten() {
        notes.extend(n);
        other_from.push(other_max.len() as u32);
        other_max.extend(o);
    }
    other_from.push(other_max.len() as u32);
    if keep != Keep::All {
        cells = Vec::new();
    }
    Scores {
        n_nodes: nn,
        cells,
        node_max,
        other_max,
        other_from,
        shown_slot,
        n_units: nu,
        shown,
        cohort_best,
        notes,
    }
}

fn ids_of_rule(rule: &Rule) -> Vec<usize> {
    let mut ids = Vec::new();
    collect_relative_inputs(rule, &mut ids);
    ids
}

fn collect_relative_inputs(rule: &Rule, out: &mut Vec<usize>) {
    match rule {
        Rule::RelativeToBest { input } => out.push(*input),
        Rule::BestOf { cases } => cases.iter().for_each(|c| collect_relative_inputs(c, out)),
        _ => {}
    }
}

/// Per-node bookkeeping of maxima that do not count for a unit, carried up the tree.
#[derive(Clone, Copy, Default)]
struct Deduct {
    /// Maximum excluded by exclude-and-rescale and not yet rescaled by an ancestor.
    excluded: Decimal,
    /// Maximum not evaluated ("Không đánh giá"): removed, never rescaled.
    unevaluated: Decimal,
    /// Whether the two above were written for this node and unit (else they are stale and read as
    /// zeros): nearly every node of nearly every unit deducts nothing, and the pass then neither clears
    /// nor adds two decimals for each.
    any: bool,
}

/// A unit's pass's [`Deduct`]s, node by node, with whether each was written for this unit kept apart
/// (a byte a node): every node's flag is cleared and read on every unit, and clearing it inside a
/// 36-byte entry touched four kilobytes a unit, where the flags are two cache lines.
struct Deductions {
    any: Vec<bool>,
    of: Vec<Deduct>,
}

impl Deductions {
    fn new(nn: usize) -> Deductions {
        Deductions {
            any: vec![false; nn],
            of: vec![Deduct::default(); nn],
        }
    }

    #[inline]
    fn clear(&mut self, n: usize) {
        self.any[n] = false;
    }

    #[inline]
    fn set(&mut self, n: usize, d: Deduct) {
        self.any[n] = d.any;
        if d.any {
            self.of[n] = d;
        }
    }

    /// The node's deduction, if it has one for this unit.
    #[inline]
    fn get(&self, n: usize) -> Option<&Deduct> {
        self.any[n].then(|| &self.of[n])
    }
}

impl Deduct {
    fn excluded(max: Decimal) -> Deduct {
        Deduct {
            excluded: max,
            unevaluated: Decimal::ZERO,
            any: true,
        }
    }

    fn unevaluated(max: Decimal) -> Deduct {
        Deduct {
            excluded: Decimal::ZERO,
            unevaluated: max,
            any: true,
        }
    }
}

/// `a − b` of non-negative maxima (cannot overflow; checked so that it cannot panic either).
fn sub_points(a: Decimal, b: Decimal) -> Decimal {
    a.checked_sub(b).unwrap_or(Decimal::MIN)
}

/// Exclude-and-rescale, `points × max ÷ base`: as written when the product is a decimal, else dividing
/// first. Only a capped node with nearly all of its maximum excluded below it could take the result
/// past every decimal; it then saturates rather than panics.
fn rescale(points: Decimal, max: Decimal, base: Decimal) -> Decimal {
    points
        .checked_mul(max)
        .and_then(|p| p.checked_div(base))
        .or_else(|| points.checked_div(base).and_then(|r| r.checked_mul(max)))
        .unwrap_or(Decimal::MAX)
}

/// Points in the fast path ([`Arith::Fast`]): a decimal packed in one `u128` ([`fixed::pack`]), worked
/// on as a [`Fixed`] while it is non-negative and as the [`Decimal`] otherwise. Every operation gives
/// the bits the decimal path's operation gives: [`Fixed`] where that is exact, `rust_decimal`
/// otherwise. Packed rather than an enum of the two: a unit's row of a hundred nodes is then half the
/// size, and a leaf's points come back in registers instead of through a padded copy on the stack.
#[derive(Debug, Clone, Copy)]
struct Pts(u128);

impl Pts {
    #[inline]
    fn fixed(self) -> Option<Fixed> {
        Fixed::from_packed(self.0)
    }

    #[inline]
    fn of_fixed(f: Fixed) -> Pts {
        Pts(f.packed())
    }
}

/// The arithmetic of points in the per-unit pass: [`Decimal`] (the reference) or [`Pts`] (the fast path).
/// The pass is written once over this trait, so the two paths differ only in these operations, which
/// the property tests compare.
trait Points: Copy {
    const ZERO: Self;
    fn of(d: Decimal) -> Self;
    fn dec(self) -> Decimal;
    /// [`add_points`].
    fn add(self, other: Self) -> Self;
    /// [`Ord::min`] of decimals (the first when equal).
    fn min(self, other: Self) -> Self;
}

impl Points for Decimal {
    const ZERO: Decimal = Decimal::ZERO;
    fn of(d: Decimal) -> Decimal {
        d
    }
    fn dec(self) -> Decimal {
        self
    }
    fn add(self, other: Decimal) -> Decimal {
        add_points(self, other)
    }
    fn min(self, other: Decimal) -> Decimal {
        Ord::min(self, other)
    }
}

impl Points for Pts {
    const ZERO: Pts = Pts(0);

    #[inline]
    fn of(d: Decimal) -> Pts {
        Pts(crate::fixed::pack(d))
    }

    #[inline]
    fn dec(self) -> Decimal {
        crate::fixed::unpack(self.0)
    }

    #[inline]
    fn add(self, other: Pts) -> Pts {
        if let (Some(a), Some(b)) = (self.fixed(), other.fixed())
            && let Some(s) = a.add_as_decimal(b)
        {
            return Pts::of_fixed(s);
        }
        Pts::of(add_points(self.dec(), other.dec()))
    }

    #[inline]
    fn min(self, other: Pts) -> Pts {
        match (self.fixed(), other.fixed()) {
            (Some(a), Some(b)) => Pts::of_fixed(a.min_value(b)),
            _ => Pts::of(self.dec().min(other.dec())),
        }
    }
}

/// A node's result in the per-unit pass's working row ([`NodeScore`] in the pass's arithmetic).
#[derive(Debug, Clone, Copy)]
struct Work<P> {
    points: P,
    max: Decimal,
    status: Status,
}

impl<P: Points> Work<P> {
    const BLANK: Work<P> = Work {
        points: P::ZERO,
        max: Decimal::ZERO,
        status: Status::Missing,
    };

    fn score(&self) -> NodeScore {
        NodeScore {
            points: self.points.dec(),
            max: self.max,
            status: self.status,
        }
    }
}

/// [`score_leaf`] in [`Pts`]: every rule through its [`FastRule`] (comparisons, sums, products and the
/// quotients that do not end in [`Fixed`], other quotients in `rust_decimal`); a rule with a negative
/// value or a result `rust_decimal` would round otherwise, by [`score_leaf`] itself, so that what is
/// not copied here cannot differ.
fn score_leaf_fast(
    edition: &Edition,
    data: &Dataset,
    u: usize,
    n: usize,
    rule: &FastRule,
    max: Decimal,
    best: &[(usize, Decimal)],
) -> (Pts, Status) {
    if let Some(Value::Number(d)) = data.given(u, n) {
        return (Pts::of(*d), Status::Given);
    }
    match rule.eval(data, u, best) {
        Some(Some(p)) => (
            match p.fixed() {
                Some(_) => p,
                None => Pts::of(clamp(p.dec(), max)),
            },
            Status::Scored,
        ),
        Some(None) => (Pts::ZERO, Status::Missing),
        None => {
            let (d, status) = score_leaf(edition, data, u, n, best);
            (Pts::of(d), status)
        }
    }
}

/// A leaf's rule as the fast path scores it, compiled once a scoring from the edition's [`Rule`]: its
/// constants already [`Pts`] or [`Fixed`], so that a hundred leaves a unit do not convert the same
/// decimals a hundred thousand times. A negative constant cannot be a [`Fixed`] (`None` here): the rule
/// then declines at the step where it would use it, after the same reads, so a missing input still
/// reads as missing. [`FastRule::eval`] gives exactly what [`Eval::rule`] gives, or declines.
#[derive(Debug, Clone)]
enum FastRule {
    /// Points given in the data: nothing to compute (missing unless given).
    Nothing,
    YesNo {
        input: usize,
        yes: Pts,
        no: Pts,
    },
    Choice {
        input: usize,
        by_choice: Box<[Pts]>,
    },
    /// `max`: the leaf's maximum as [`share`] uses it.
    Ratio {
        numerator: usize,
        denominator: FastOperand,
        max: Pts,
    },
    /// Each step's threshold (its [`Pts::fixed`] `None` when negative: every value reaches it) and
    /// points.
    Steps {
        input: usize,
        steps: Box<[(Pts, Pts)]>,
    },
    PerItem {
        input: usize,
        per: Pts,
        cap: Pts,
    },
    Sum {
        inputs: Box<[usize]>,
        max: Pts,
    },
    BestOf {
        cases: Box<[FastRule]>,
    },
    RelativeToBest {
        input: usize,
        max: Pts,
    },
}

// A unit's pass reads a hundred rules, with its rows, from the first-level cache: constants are kept
// as points (16 bytes; their `Fixed` — `None` when negative — and their decimal read from the bits
// where needed) rather than as an `Option<Fixed>` beside a `Decimal`, and a ratio's rule is 64 bytes
// instead of 160. Checked when compiled.
const _: () = assert!(std::mem::size_of::<FastRule>() <= 64);

/// A ratio's denominator: an input, or a constant (its [`Pts::fixed`] `None` when negative).
#[derive(Debug, Clone, Copy)]
enum FastOperand {
    Input(usize),
    Constant(Pts),
}

impl FastRule {
    /// The rule's kind, to score the leaves of one kind together.
    fn kind(&self) -> u8 {
        match self {
            FastRule::Nothing => 0,
            FastRule::YesNo { .. } => 1,
            FastRule::Choice { .. } => 2,
            FastRule::Ratio { .. } => 3,
            FastRule::Steps { .. } => 4,
            FastRule::PerItem { .. } => 5,
            FastRule::Sum { .. } => 6,
            FastRule::BestOf { .. } => 7,
            FastRule::RelativeToBest { .. } => 8,
        }
    }

    /// The node's rule (a node without one takes points given in the data), its cases scored out of
    /// the leaf's `max` as [`Eval::rule`] scores them.
    fn of(rule: Option<&Rule>, max: Decimal) -> FastRule {
        let points = Pts::of(max);
        match rule.unwrap_or(&Rule::Points) {
            Rule::Points | Rule::Manual => FastRule::Nothing,
            Rule::YesNo { input, yes, no } => FastRule::YesNo {
                input: *input,
                yes: Pts::of(*yes),
                no: Pts::of(*no),
            },
            Rule::Choice {
                input, by_choice, ..
            } => FastRule::Choice {
                input: *input,
                by_choice: by_choice.iter().map(|&p| Pts::of(p)).collect(),
            },
            Rule::Ratio {
                numerator,
                denominator,
            } => FastRule::Ratio {
                numerator: *numerator,
                denominator: match denominator {
                    Operand::Input(i) => FastOperand::Input(*i),
                    Operand::Constant(c) => FastOperand::Constant(Pts::of(*c)),
                },
                max: points,
            },
            Rule::Steps { input, steps } => FastRule::Steps {
                input: *input,
                steps: steps
                    .iter()
                    .map(|&(th, p)| (Pts::of(th), Pts::of(p)))
                    .collect(),
            },
            Rule::PerItem { input, per, cap } => FastRule::PerItem {
                input: *input,
                per: Pts::of(*per),
                cap: Pts::of(*cap),
            },
            Rule::Sum { inputs } => FastRule::Sum {
                inputs: inputs.clone().into_boxed_slice(),
                max: points,
            },
            Rule::BestOf { cases } => FastRule::BestOf {
                cases: cases.iter().map(|c| FastRule::of(Some(c), max)).collect(),
            },
            Rule::RelativeToBest { input } => FastRule::RelativeToBest {
                input: *input,
                max: points,
            },
        }
    }

    /// [`Eval::rule`] in [`Pts`]: outer `None` when the rule (or a value it meets) is left to the
    /// decimal path, inner `None` when its inputs are missing. A best-of takes the highest of its
    /// cases as `Decimal::max` does (the earlier case on a tie, so its scale), when every case is done
    /// here; a relative-to-best leaf compares with its cohort's best as a ratio does.
    ///
    /// Inlined into the pass (a call a leaf saved and restored a dozen registers); a best-of's cases
    /// go through [`FastRule::best_of`], which is not, so that the recursion stops there.
    #[inline(always)]
    fn eval(&self, data: &Dataset, u: usize, best: &[(usize, Decimal)]) -> Option<Option<Pts>> {
        match self {
            FastRule::Nothing => Some(None),
            FastRule::YesNo { input, yes, no } => Some(match data.input(u, *input) {
                Value::Bool(b) => Some(if b { *yes } else { *no }),
                _ => None,
            }),
            FastRule::Choice { input, by_choice } => Some(match data.input(u, *input) {
                Value::Choice(k) => Some(by_choice.get(k as usize).copied().unwrap_or(Pts::ZERO)),
                _ => None,
            }),
            FastRule::Ratio {
                numerator,
                denominator,
                max,
            } => {
                let a = match data.input_num(u, *numerator) {
                    Num::None => return Some(None),
                    a => a,
                };
                let b = match denominator {
                    FastOperand::Input(i) => match data.input_num(u, *i) {
                        Num::None => return Some(None),
                        b => b,
                    },
                    FastOperand::Constant(c) => c.fixed().map_or(Num::Negative, Num::Fixed),
                };
                match (a, b) {
                    (Num::Fixed(a), Num::Fixed(b)) => Some(Some(share(a, b, *max))),
                    _ => None,
                }
            }
            FastRule::Steps { input, steps } => {
                let v = match data.input_num(u, *input) {
                    Num::None => return Some(None),
                    Num::Negative => return None,
                    Num::Fixed(v) => v,
                };
                let hit = steps.iter().find(|(th, _)| match th.fixed() {
                    Some(t) => v.cmp_value(t) != std::cmp::Ordering::Less,
                    None => true,
                });
                Some(Some(hit.map_or(Pts::ZERO, |(_, p)| *p)))
            }
            FastRule::PerItem { input, per, cap } => {
                let n = match data.input_num(u, *input) {
                    Num::None => return Some(None),
                    Num::Negative => return None,
                    Num::Fixed(n) => n,
                };
                let x = n.checked_mul(per.fixed()?)?;
                Some(Some(Pts::of_fixed(x.min_value(cap.fixed()?))))
            }
            FastRule::Sum { inputs, max } => {
                let mut acc = Fixed::ZERO;
                let mut any = false;
                for &i in inputs {
                    match data.input_num(u, i) {
                        Num::None => {}
                        Num::Negative => return None,
                        Num::Fixed(v) => {
                            acc = acc.checked_add(v)?;
                            any = true;
                        }
                    }
                }
                if !any {
                    return Some(None);
                }
                Some(Some(Pts::of_fixed(acc.min_value(max.fixed()?))))
            }
            FastRule::BestOf { cases } => FastRule::best_of(cases, data, u, best),
            FastRule::RelativeToBest { input, max } => {
                let v = match data.input_num(u, *input) {
                    Num::None => return Some(None),
                    v => v,
                };
                let Some(b) = best.iter().find(|(i, _)| i == input).map(|(_, b)| *b) else {
                    return Some(None);
                };
                match (v, Fixed::from_decimal(b)) {
                    (Num::Fixed(v), Some(b)) => Some(Some(share(v, b, *max))),
                    _ => None,
                }
            }
        }
    }

    /// A best-of's [`FastRule::eval`].
    #[inline(never)]
    fn best_of(
        cases: &[FastRule],
        data: &Dataset,
        u: usize,
        best: &[(usize, Decimal)],
    ) -> Option<Option<Pts>> {
        let mut top: Option<Fixed> = None;
        for c in cases {
            if let Some(p) = c.eval(data, u, best)? {
                let p = p.fixed()?;
                top = Some(top.map_or(p, |t| t.max_value(p)));
            }
        }
        Some(top.map(Pts::of_fixed))
    }
}

/// `a ÷ b × max` as a ratio and a relative-to-best leaf give it ([`Eval::rule`]'s): zero for a zero
/// `b`, `max` when `a ≥ b`, else `a × max ÷ b` as [`mul_div`] gives it — in [`Fixed`] when both steps
/// are done there ([`Fixed::checked_div`]: nearly every ratio of counts, ending or not), else in
/// [`Decimal`] (a [`Fixed`] is its decimal bit for bit, so the operands are the same).
#[inline]
fn share(a: Fixed, b: Fixed, max: Pts) -> Pts {
    if b.is_zero() {
        Pts::ZERO
    } else if a.cmp_value(b) != std::cmp::Ordering::Less {
        max
    } else if let Some(q) = max
        .fixed()
        .and_then(|m| a.checked_mul(m))
        .and_then(|p| p.checked_div(b))
    {
        Pts::of_fixed(q)
    } else {
        Pts::of(mul_div(a.to_decimal(), max.dec(), b.to_decimal()))
    }
}

/// What the per-unit pass reads of a node, in 28 bytes: a [`Node`] is about 360 (names,
/// flags, the rule, the evidence text), so a hundred of them do not stay in the first-level cache while
/// a unit's row is scored and aggregated, and every node visited was a miss. The children of every node
/// are in one flat list (`children` is a range of it).
#[derive(Debug, Clone, Copy)]
struct NodePlan {
    max: Decimal,
    children: (u32, u32),
    leaf: bool,
    cap: bool,
    rescale: bool,
}

impl NodePlan {
    fn of(edition: &Edition) -> (Vec<NodePlan>, Vec<u32>) {
        let (ranges, kids) = flat_lists(&edition.nodes, |node| &node.children);
        let plan = edition
            .nodes
            .iter()
            .zip(ranges)
            .map(|(node, children)| NodePlan {
                max: node.max,
                children,
                leaf: node.is_leaf(),
                cap: node.cap,
                rescale: node.rescale,
            })
            .collect();
        (plan, kids)
    }
}

/// One list of indices per item (a node's children, the nodes that read an input) laid end to end in
/// one flat list, and each item's range of it: what the passes read of a hundred nodes then sits
/// together in memory.
fn flat_lists<'a, T>(
    items: &'a [T],
    list: impl Fn(&'a T) -> &'a [usize],
) -> (Vec<(u32, u32)>, Vec<u32>) {
    let mut flat = Vec::new();
    let ranges = items
        .iter()
        .map(|item| {
            let from = flat.len() as u32;
            flat.extend(list(item).iter().map(|&i| i as u32));
            (from, flat.len() as u32)
        })
        .collect();
    (ranges, flat)
}

/// One unit's pass: its leaves scored, then aggregated bottom-up with the not-applicable policies,
/// caps, rescaling and points given at nodes — written once over [`Points`], so that the decimal
/// reference and the fast path aggregate in the same steps in the same order (and so round where the
/// other rounds) and differ only in the arithmetic. Leaves are independent of one another, so the fast
/// path may score them in another order (`leaves`, kind by kind).
struct UnitPass<'a> {
    plan: &'a [NodePlan],
    kids: &'a [u32],
    leaves: &'a [usize],
    /// The nodes that are not leaves, and the root, children before parents (descending order).
    inner: &'a [u32],
    data: &'a Dataset,
    u: usize,
    na: &'a [Option<NaPolicy>],
}

impl UnitPass<'_> {
    /// Starts node `n` for this unit: clears its deduction flag (only the flag: a node that deducts
    /// writes the whole entry) and, when the node does not apply to the unit, writes it — no points, its
    /// maximum kept (policy `zero`) or deducted up the tree (excluded, or not evaluated). Whether the
    /// node is still to be scored.
    #[inline(always)]
    fn applies<P: Points>(&self, n: usize, row: &mut [Work<P>], deduct: &mut Deductions) -> bool {
        deduct.clear(n);
        let Some(p) = self.na[n] else {
            return true;
        };
        let max = self.plan[n].max;
        row[n] = Work {
            points: P::ZERO,
            max: if p == NaPolicy::Zero {
                max
            } else {
                Decimal::ZERO
            },
            status: na_status(p),
        };
        match p {
            NaPolicy::Exclude => deduct.set(n, Deduct::excluded(max)),
            NaPolicy::NotEvaluated => deduct.set(n, Deduct::unevaluated(max)),
            NaPolicy::Zero => {}
        }
        false
    }

    /// Scores the unit into `row`: `leaf` gives the points of each leaf that applies to the unit.
    fn score<P: Points>(
        &self,
        row: &mut [Work<P>],
        deduct: &mut Deductions,
        notes: &mut Vec<Note>,
        leaf: impl Fn(usize) -> (P, Status),
    ) {
        for &n in self.leaves {
            if !self.applies(n, row, deduct) {
                continue;
            }
            let (points, status) = leaf(n);
            row[n] = Work {
                points,
                max: self.plan[n].max,
                status,
            };
        }
        for &n in self.inner {
            let n = n as usize;
            if !self.applies(n, row, deduct) {
                continue;
            }
            let node = &self.plan[n];
            let mut sum = P::ZERO;
            let mut d = Deduct::default();
            let mut any_counted = false;
            let mut any_data = false;
            let mut all_excluded = true;
            for &c in &self.kids[node.children.0 as usize..node.children.1 as usize] {
                let c = c as usize;
                let s = row[c];
                if let Some(dc) = deduct.get(c) {
                    add_unless_plain_zero(&mut d.excluded, dc.excluded);
                    add_unless_plain_zero(&mut d.unevaluated, dc.unevaluated);
                    d.any = true;
                }
                match s.status {
                    Status::Excluded => {}
                    Status::NotEvaluated => all_excluded = false,
                    _ => {
                        all_excluded = false;
                        any_counted = true;
                        any_data |= matches!(
                            s.status,
                            Status::Scored | Status::Given | Status::NotApplicable
                        );
                        sum = sum.add(s.points);
                    }
                }
            }
            if let Some(Value::Number(given)) = self.data.given(self.u, n) {
                let children_sum = sum.dec();
                if any_data && children_sum != *given {
                    notes.push(Note {
                        unit: self.u,
                        node: n,
                        given: *given,
                        children_sum,
                    });
                }
                row[n] = Work {
                    points: P::of(*given),
                    max: node.max,
                    status: Status::Given,
                };
                continue;
            }
            if n > 0 && !any_counted {
                row[n] = Work {
                    points: P::ZERO,
                    max: Decimal::ZERO,
                    status: if all_excluded {
                        Status::Excluded
                    } else {
                        Status::NotEvaluated
                    },
                };
                deduct.set(
                    n,
                    if all_excluded {
                        Deduct::excluded(node.max)
                    } else {
                        Deduct::unevaluated(node.max)
                    },
                );
                continue;
            }
            let plain_zero = |x: Decimal| x.is_zero() && x.scale() == 0;
            // Nothing deducted (the usual case): the node's maximum as it is, without two subtractions.
            let mut applicable = if plain_zero(d.excluded) && plain_zero(d.unevaluated) {
                node.max
            } else {
                sub_points(sub_points(node.max, d.excluded), d.unevaluated).max(Decimal::ZERO)
            };
            let mut points = if node.cap {
                sum.min(P::of(node.max))
            } else {
                sum
            };
            if d.excluded > Decimal::ZERO && (node.rescale || n == 0) {
                // Exclude and rescale: converted = achieved ÷ (max − excluded max) × max.
                let base = sub_points(node.max, d.excluded);
                points = if base > Decimal::ZERO {
                    P::of(rescale(points.dec(), node.max, base))
                } else {
                    P::ZERO
                };
                d.excluded = Decimal::ZERO;
                applicable = sub_points(node.max, d.unevaluated).max(Decimal::ZERO);
            }
            deduct.set(n, d);
            row[n] = Work {
                points,
                max: applicable,
                status: if any_data {
                    Status::Scored
                } else {
                    Status::Missing
                },
            };
        }
    }
}

/// The level band of a unit at a node (by percent of its applicable maximum).
pub fn band<'a>(edition: &'a Edition, score: &NodeScore) -> Option<&'a Band> {
    if score.max <= Decimal::ZERO || matches!(score.status, Status::NotEvaluated | Status::Excluded)
    {
        return None;
    }
    let pct = score
        .points
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(score.max))
        .or_else(|| {
            (score.points.checked_div(score.max)).and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
        })
        .unwrap_or(Decimal::MAX);
    edition.bands.iter().find(|b| pct >= b.min_percent)
}

/// One line of an explanation: a node, how its points came about, and the points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine {
    pub node: usize,
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub rule: String,
    /// Inputs read, as `id = value`.
    pub inputs: Vec<String>,
    /// How the points were computed, in words and numbers.
    pub steps: Vec<String>,
    pub points: Decimal,
    pub max: Decimal,
    pub status: Status,
}

/// Replays one unit's scoring with a trace for every node, in tree order.
pub fn explain(
    edition: &Edition,
    data: &Dataset,
    scores: &Scores,
    u: usize,
    lang: Lang,
) -> Vec<TraceLine> {
    let na = applicability(edition, data, u);
    let block = edition.block_of_category(data.units[u].category);
    let mut out = Vec::with_capacity(edition.nodes.len());
    for (n, node) in edition.nodes.iter().enumerate() {
        let s = scores.get(u, n);
        let mut steps = Vec::new();
        let mut inputs = Vec::new();
        let rule_name;
        if let Some(p) = na[n] {
            rule_name = lang.tr("không áp dụng", "not applicable").to_string();
            steps.push(
                match p {
                    NaPolicy::Zero => lang.tr(
                        "không áp dụng cho đơn vị: tính 0 điểm trên điểm tối đa đầy đủ",
                        "not applicable to the unit: 0 points out of the full maximum",
                    ),
                    NaPolicy::NotEvaluated => lang.tr(
                        "không áp dụng cho đơn vị: Không đánh giá",
                        "not applicable to the unit: not evaluated",
                    ),
                    NaPolicy::Exclude => lang.tr(
                        "không áp dụng cho đơn vị: loại khỏi điểm tối đa, quy đổi ở cấp trên",
                        "not applicable to the unit: left out of the maximum, rescaled above",
                    ),
                }
                .to_string(),
            );
        } else if s.status == Status::Given {
            rule_name = lang.tr("nhập trực tiếp", "given directly").to_string();
            steps.push(in_lang!(
                lang,
                "điểm nhập trực tiếp: {}",
                "points given directly: {}",
                fmt_exact(s.points)
            ));
            if let Some(note) = scores.notes.iter().find(|x| x.unit == u && x.node == n) {
                steps.push(in_lang!(
                    lang,
                    "lưu ý: tổng các tiêu chí con là {}, khác điểm nhập",
                    "note: the child criteria add up to {}, not the points given",
                    fmt_exact(note.children_sum)
                ));
            }
        } else if node.is_leaf() && n > 0 {
            let rule = node.rule.as_ref().unwrap_or(&Rule::Points);
            rule_name = rule.kind().to_string();
            let mut ids = Vec::new();
            rule.inputs(&mut ids);
            for i in ids {
                inputs.push(format!(
                    "{} = {}",
                    edition.inputs[i].id,
                    show_value(edition, i, &data.input(u, i), lang)
                ));
            }
            let best: Vec<(usize, Decimal)> = match block {
                Some(b) => ids_of_rule(rule)
                    .into_iter()
                    .filter_map(|i| scores.cohort_best.get(&(n, i, b)).map(|v| (i, *v)))
                    .collect(),
                None => Vec::new(),
            };
            let mut ev = Eval {
                edition,
                data,
                unit: u,
                best: &best,
                trace: Some(&mut steps),
                lang,
            };
            if ev.rule(rule, node.max).is_none() {
                steps.push(
                    lang.tr("thiếu dữ liệu: 0 điểm", "missing data: 0 points")
                        .into(),
                );
            }
        } else {
            rule_name = if node.cap {
                lang.tr("tổng (chặn trên)", "sum (capped)").into()
            } else {
                lang.tr("tổng các tiêu chí con", "sum of the child criteria")
                    .into()
            };
            let counted: Vec<Decimal> = node
                .children
                .iter()
                .filter(|&&c| {
                    !matches!(
                        scores.get(u, c).status,
                        Status::Excluded | Status::NotEvaluated
                    )
                })
                .map(|&c| scores.get(u, c).points)
                .collect();
            let parts: Vec<String> = counted.iter().map(|&p| fmt_exact(p)).collect();
            let sum = counted.iter().fold(Decimal::ZERO, |a, &b| add_points(a, b));
            steps.push(format!(
                "{} = {}",
                if parts.is_empty() {
                    "0".into()
                } else {
                    parts.join(" + ")
                },
                fmt_exact(sum)
            ));
            // The trace must add up: show the cap and the exclude-and-rescale conversion when they apply.
            let achieved = if node.cap && sum > node.max {
                steps.push(in_lang!(
                    lang,
                    "chặn ở điểm tối đa {}",
                    "capped at the maximum {}",
                    fmt_exact(node.max)
                ));
                node.max
            } else {
                sum
            };
            let excluded = excluded_below(edition, scores, u, n);
            if excluded > Decimal::ZERO && (node.rescale || n == 0) {
                steps.push(in_lang!(
                    lang,
                    "quy đổi: {} ÷ ({} − {}) × {} = {}",
                    "rescaled: {} ÷ ({} − {}) × {} = {}",
                    fmt_exact(achieved),
                    fmt_exact(node.max),
                    fmt_exact(excluded),
                    fmt_exact(node.max),
                    fmt_exact(s.points)
                ));
            }
            if s.max < node.max {
                steps.push(in_lang!(
                    lang,
                    "điểm tối đa áp dụng {} trên {}",
                    "applicable maximum {} of {}",
                    fmt_exact(s.max),
                    fmt_exact(node.max)
                ));
            }
        }
        out.push(TraceLine {
            node: n,
            depth: node.depth,
            code: node.code.clone(),
            name: node.label(lang).to_string(),
            rule: rule_name,
            inputs,
            steps,
            points: s.points,
            max: s.max,
            status: s.status,
        });
    }
    out
}

/// Maximum excluded (exclude-and-rescale) below `n` and not yet converted by a descendant, as pass 3
/// carries it up: a given or not-evaluated aggregate stops it, a rescaling one absorbs it.
fn excluded_below(edition: &Edition, scores: &Scores, u: usize, n: usize) -> Decimal {
    edition.nodes[n]
        .children
        .iter()
        .map(|&c| {
            let child = &edition.nodes[c];
            match scores.get(u, c).status {
                Status::Excluded => child.max,
                Status::Given | Status::NotEvaluated => Decimal::ZERO,
                _ if child.is_leaf() || child.rescale => Decimal::ZERO,
                _ => excluded_below(edition, scores, u, c),
            }
        })
        .fold(Decimal::ZERO, add_points)
}

fn show_value(edition: &Edition, input: usize, v: &Value, lang: Lang) -> String {
    match v {
        Value::Missing => lang.tr("trống", "blank").into(),
        Value::Number(d) => fmt_exact(*d),
        Value::Bool(b) => {
            if *b {
                lang.tr("Có", "Yes").into()
            } else {
                lang.tr("Không", "No").into()
            }
        }
        Value::Choice(k) => match &edition.inputs[input].kind {
            // Quoted as in the rule's step: the edition's own words, in its language.
            InputKind::Choice(c) => format!("\"{}\"", c[*k as usize]),
            _ => k.to_string(),
        },
        Value::NotApplicable => lang.tr("không áp dụng", "not applicable").into(),
    }
}

#[cfg(test)]
mod applicability_tests {
    use super::*;
    use crate::dataset::{DatasetMeta, Source};
    use proptest::prelude::*;

    /// Groups and leaves under every policy, each kind of condition (category, a flag required, a flag
    /// excluding), a leaf reading two inputs, an input read by two leaves, and points given at a group
    /// and at a leaf (which a unit may mark "không áp dụng").
    const EDITION: &str = r#"
id = "na"
title = "Không áp dụng"
year = 2024

# A unit whose every cell is blank is in the data too (the property test draws such rows).
[scoring]
not_submitted = "zero"

[[category]]
code = "xa"
name = "Xã"

[[category]]
code = "phuong"
name = "Phường"

[[block]]
code = "cap-xa"
name = "Cấp xã"
categories = ["xa", "phuong"]

[[input]]
id = "a1"
name = "a1"
type = "yes-no"

[[input]]
id = "tu"
name = "tu"
type = "number"

[[input]]
id = "mau"
name = "mau"
type = "number"

[[input]]
id = "a31"
name = "a31"
type = "yes-no"

[[input]]
id = "b1"
name = "b1"
type = "number"

[[input]]
id = "c1"
name = "c1"
type = "yes-no"

[[criterion]]
code = "A"
name = "A"
max = 40
rescale = true
not_applicable = "exclude"

[[criterion]]
code = "A.1"
name = "A.1"
max = 10
rule = { kind = "yes-no", input = "a1" }
applies_to = ["phuong"]
not_applicable = "exclude"

[[criterion]]
code = "A.2"
name = "A.2"
max = 10
rule = { kind = "ratio", numerator = "tu", denominator = "mau" }
not_applicable = "not-evaluated"

[[criterion]]
code = "A.3"
name = "A.3"
requires_flags = ["f"]

[[criterion]]
code = "A.3.1"
name = "A.3.1"
max = 10
rule = { kind = "yes-no", input = "a31" }
not_applicable = "exclude"

[[criterion]]
code = "A.3.2"
name = "A.3.2"
max = 10

[[criterion]]
code = "B"
name = "B"
unless_flags = ["g"]
not_applicable = "not-evaluated"

[[criterion]]
code = "B.1"
name = "B.1"
max = 10
rule = { kind = "sum", inputs = ["b1", "tu"] }

[[criterion]]
code = "B.2"
name = "B.2"
max = 10
not_applicable = "exclude"

[[criterion]]
code = "C"
name = "C"
max = 10
rule = { kind = "yes-no", input = "c1" }
not_applicable = "exclude"
"#;

    /// The definition, node by node as [`NaPlan::applicability_into`] states it: a node takes its
    /// parent's policy, else its own when it does not apply to the unit, the unit marks it, or the unit
    /// marks an input its rule reads.
    fn by_definition(edition: &Edition, data: &Dataset, u: usize) -> Vec<Option<NaPolicy>> {
        let mut na = vec![None; edition.nodes.len()];
        for n in 1..edition.nodes.len() {
            let node = &edition.nodes[n];
            let parent = na[node.parent.unwrap_or(0)];
            na[n] = if parent.is_some() {
                parent
            } else if !applies_locally(node, &data.units[u])
                || matches!(data.given(u, n), Some(Value::NotApplicable))
                || node
                    .reads
                    .iter()
                    .any(|&i| matches!(data.input(u, i), Value::NotApplicable))
            {
                Some(node.not_applicable)
            } else {
                None
            };
        }
        na
    }

    fn cell(kind: u8, value: &str) -> &str {
        match kind {
            0 => "Không áp dụng",
            1 => "",
            _ => value,
        }
    }

    /// One unit's category (phường or xã), its flags f and g, and its eight cells (0: "không áp dụng",
    /// 1: blank, else a value).
    type DrawnUnit = (bool, bool, bool, Vec<u8>);

    /// On `units`, every node's policy is the definition's.
    fn applicability_holds(units: &[DrawnUnit]) -> Result<(), TestCaseError> {
        let edition = Edition::from_toml(EDITION, "na.toml").expect("the test edition");
        let mut units_csv = String::from("code,name,category,flags\n");
        let mut values_csv = String::from("unit,a1,tu,mau,a31,b1,c1,A,B.2\n");
        for (k, (phuong, f, g, cells)) in units.iter().enumerate() {
            let flags: Vec<&str> = [(*f, "f"), (*g, "g")]
                .into_iter()
                .filter_map(|(on, name)| on.then_some(name))
                .collect();
            let category = if *phuong { "phuong" } else { "xa" };
            units_csv.push_str(&format!("U{k},Đơn vị {k},{category},{}\n", flags.join(";")));
            let given = ["có", "3", "7", "không", "2", "có", "30", "5"];
            let row: Vec<&str> = cells.iter().zip(given).map(|(&c, v)| cell(c, v)).collect();
            values_csv.push_str(&format!("U{k},{}\n", row.join(",")));
        }
        let data = Dataset::from_csv(
            &edition,
            Source {
                name: "units.csv",
                text: &units_csv,
            },
            Source {
                name: "values.csv",
                text: &values_csv,
            },
            DatasetMeta::default(),
        )
        .expect("the test data");
        let plan = NaPlan::of(&edition, &data);
        let mut row = vec![Some(NaPolicy::Zero); edition.nodes.len()];
        for u in 0..data.units.len() {
            plan.applicability_into(&edition, &data, u, &mut row);
            prop_assert_eq!(&row, &by_definition(&edition, &data, u), "unit {}", u);
        }
        Ok(())
    }

    /// A unit whose every cell is blank (one in 65,536 of the drawn ones, so a run of the property
    /// test below met one now and then) is data like any other.
    #[test]
    fn applicability_of_a_unit_without_values() {
        applicability_holds(&[
            (false, false, false, vec![1; 8]),
            (true, true, false, vec![0, 1, 2, 3, 0, 1, 2, 3]),
            (true, false, true, vec![1; 8]),
        ])
        .unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// On units of every category and flags, with any inputs and given points marked "không áp
        /// dụng", blank or given, every node's policy is the definition's.
        #[test]
        fn applicability_is_the_definitions(
            units in proptest::collection::vec(
                (any::<bool>(), any::<bool>(), any::<bool>(), proptest::collection::vec(0u8..4, 8)),
                1..24,
            ),
        ) {
            applicability_holds(&units)?;
        }
    }
}
