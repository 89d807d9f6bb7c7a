//! How sure is a rank: a Monte-Carlo uncertainty analysis of every ranked table of an edition and the
//! variance-based sensitivity of the ranks to each uncertain choice (issue #13; the JRC/OECD Handbook's
//! "uncertainty and sensitivity analysis" of a composite indicator, as COINr does it, at national scale).
//!
//! The nominal ranking is the engine's (exact decimals, [`crate::annex::build`]); the statistics are
//! floating point. The choices ([`spec`]) are drawn in a Saltelli design of `n` base rows: `A_j`, `B_j`
//! and, per choice `i`, `A_B^(i)_j` (`A_j` with choice `i` taken from `B_j`): `n·(k + 2)` evaluations for
//! `k` choices. The `2n` rows `A_j`, `B_j` are independent draws: the rank intervals and probabilities
//! are computed from them; all evaluations feed the sensitivity indices ([`sobol`]). A choice that only
//! changes how totals are ranked (rank on rounded values, the rounding mode, the tie convention) reuses
//! the totals of `A_j`, so its evaluations cost a ranking, not a scoring.
//!
//! **Reproducibility.** Every design row has its own seed ([`sample`]); base rows are processed in
//! chunks of a fixed size whose results are written to their own places or summed as integers, so the
//! output is the same on any number of threads, bit for bit.

pub mod model;
pub mod render;
pub mod sample;
pub mod sobol;
pub mod spec;

use ndarray::{ArrayView2, Axis, Slice, linalg::general_mat_mul};
use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::edition::{Edition, RankOn, Ties};
use crate::msg;
use crate::num::RoundingMode;

pub use spec::{Choice, CohortOption, Distribution, Factor, NaOption, RankKey, Spec, SpecProblem};

use model::{Kind, Model};

/// A unit's rank statistics in one ranked block of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitReport {
    pub code: String,
    pub name: String,
    /// The engine's rank (the published one).
    pub nominal: u32,
    pub median: u32,
    pub p5: u32,
    pub p95: u32,
    pub mean: f64,
    /// P(rank ≤ k) for each k of [`Report::top`].
    pub top: Vec<f64>,
    /// P(band) for each band of the edition (empty when the table is not the unit total or the edition
    /// has no bands).
    pub bands: Vec<f64>,
    /// (first-order, total-effect) index of the unit's rank per choice.
    pub sensitivity: Vec<(f64, f64)>,
    /// The choice with the largest total-effect index, when the rank varies at all.
    pub dominant: Option<usize>,
}

/// A block-level index with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockIndex {
    pub first: f64,
    pub total: f64,
    pub first_ci: (f64, f64),
    pub total_ci: (f64, f64),
}

/// One ranked block (section) of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionReport {
    pub block: String,
    pub title: String,
    /// In nominal order.
    pub units: Vec<UnitReport>,
    /// Spearman correlation of the draws' ranking with the nominal one: mean, 5th percentile, median.
    pub correlation: (f64, f64, f64),
    /// Per choice, on that correlation.
    pub sensitivity: Vec<BlockIndex>,
    /// Units whose 5–95 % interval stays within one place of the nominal rank.
    pub stable: usize,
    /// The choice with the largest total-effect index on the correlation, if the ranking moves at all.
    pub dominant: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableReport {
    pub id: String,
    pub title: String,
    pub sections: Vec<SectionReport>,
}

/// A choice as reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceReport {
    pub id: String,
    pub kind: &'static str,
    pub label: String,
    pub label_en: String,
    pub options: Vec<String>,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub edition: String,
    pub evaluations: usize,
    pub base: usize,
    pub draws: usize,
    pub seed: u64,
    pub bootstrap: usize,
    pub choices: Vec<ChoiceReport>,
    pub top: Vec<u32>,
    pub bands: Vec<String>,
    pub tables: Vec<TableReport>,
    /// Whether the choices were declared (`false`: the defaults of [`Spec::defaults`]).
    pub declared: bool,
}

/// Why an analysis cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RobustnessError {
    #[error("{0}")]
    Nothing(String),
    /// The model does not reproduce the engine's nominal ranking (a defect of egov, never of the input).
    #[error("{0}")]
    Model(String),
}

/// Settings of a run that are not part of the analysis itself.
#[derive(Default)]
pub struct Options<'a> {
    /// Called with (chunks done, chunks) as the draws progress (from worker threads).
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// The tolerance within which a value × 10^decimals is taken to lie exactly on a rounding boundary:
/// points are decimals with few places, and their f64 form may sit a hair below the half (0,285).
pub const ROUND_TOL: f64 = 1e-9;

/// Base rows per chunk: fixed, so that chunks (and hence results) do not depend on the thread count.
/// A chunk's variants are scored scenario by scenario, one product of the scenario's points with the
/// weights of all its variants per segment (matrixmultiply packs the points each time, so fewer and
/// larger products cost less), and each variant's values are ranked at once; what a thread holds is
/// the chunk's ranks, 13 MB for 3,300 units in three tables.
const CHUNK: usize = 48;

/// What one evaluation is: node multipliers (path products) and a scenario, then how it is ranked.
#[derive(Clone)]
pub(crate) struct Setting {
    pub scenario: usize,
    pub ties: Option<Ties>,
    pub on: Option<RankKey>,
    pub rounding: RoundingMode,
}

/// The prepared analysis: choices, design layout, scenarios and the model.
pub struct Plan<'e> {
    pub(crate) edition: &'e Edition,
    pub(crate) spec: Spec,
    pub(crate) layout: sample::Layout,
    pub(crate) model: Model,
    /// Scenario index of (not-applicable option, cohort option) of the choices.
    pub(crate) na_opts: Vec<NaOption>,
    pub(crate) cohort_opts: Vec<CohortOption>,
    pub(crate) base: usize,
    pub(crate) names: Vec<(String, String)>,
}

impl<'e> Plan<'e> {
    /// Scores the scenarios and checks that the model reproduces the engine's ranks.
    pub fn new(
        edition: &'e Edition,
        data: &Dataset,
        spec: Spec,
    ) -> Result<Plan<'e>, RobustnessError> {
        if spec.choices.is_empty() {
            return Err(RobustnessError::Nothing(msg!(
                "không có lựa chọn bất định nào để phân tích ([robustness] không khai báo gì và bộ tiêu chí không có gì để thay đổi)",
                "no uncertain choice to analyse ([robustness] declares none and the edition has nothing to vary)"
            )));
        }
        let mut na_opts = vec![NaOption::Edition];
        let mut cohort_opts = vec![CohortOption::Block];
        for c in &spec.choices {
            match &c.factor {
                Factor::NotApplicable(o) => o.iter().for_each(|x| {
                    if !na_opts.contains(x) {
                        na_opts.push(*x)
                    }
                }),
                Factor::Cohort(o) => o.iter().for_each(|x| {
                    if !cohort_opts.contains(x) {
                        cohort_opts.push(*x)
                    }
                }),
                _ => {}
            }
        }
        let model = Model::build(edition, data, &na_opts, &cohort_opts);
        if model.tables.iter().all(|t| t.sections.is_empty()) {
            return Err(RobustnessError::Nothing(msg!(
                "bộ tiêu chí không có bảng nào xếp hạng đơn vị (annex.table với khối được xếp hạng)",
                "the edition has no table that ranks units (an annex.table with a ranked section)"
            )));
        }
        let k = spec.choices.len();
        let base = (spec.runs / (k + 2)).max(1);
        let factors: Vec<&Factor> = spec.choices.iter().map(|c| &c.factor).collect();
        let layout = sample::Layout::new(&factors);
        let names = data
            .units
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        let plan = Plan {
            edition,
            spec,
            layout,
            model,
            na_opts,
            cohort_opts,
            base,
            names,
        };
        plan.check_nominal()?;
        Ok(plan)
    }

    pub fn evaluations(&self) -> usize {
        self.base * (self.spec.choices.len() + 2)
    }

    /// Node multipliers (path products) and setting of design row `dims`.
    pub(crate) fn setting(&self, dims: &[f64], m: &mut [f64]) -> Setting {
        let e = self.edition;
        m.iter_mut().for_each(|x| *x = 1.0);
        let mut s = Setting {
            scenario: 0,
            ties: None,
            on: None,
            rounding: e.rounding,
        };
        let (mut na, mut co) = (NaOption::Edition, CohortOption::Block);
        for (c, &(at, len)) in self.spec.choices.iter().zip(&self.layout.spans) {
            let d = &dims[at..at + len];
            match &c.factor {
                Factor::Weights {
                    nodes,
                    spread,
                    distribution,
                } => {
                    for (&n, &u) in nodes.iter().zip(d) {
                        m[n] *= sample::multiplier(u, *spread, *distribution);
                    }
                }
                Factor::Drop(nodes) => {
                    let o = sample::option(d[0], nodes.len() + 1);
                    if o > 0 {
                        m[nodes[o - 1]] = 0.0;
                    }
                }
                Factor::NotApplicable(o) => na = o[sample::option(d[0], o.len())],
                Factor::Cohort(o) => co = o[sample::option(d[0], o.len())],
                Factor::Ties(o) => s.ties = Some(o[sample::option(d[0], o.len())]),
                Factor::RankOn(o) => s.on = Some(o[sample::option(d[0], o.len())]),
                Factor::Rounding(o) => s.rounding = o[sample::option(d[0], o.len())],
            }
        }
        // Path products: nodes are in pre-order, so a parent is done before its children.
        for n in 1..e.nodes.len() {
            if let Some(p) = e.nodes[n].parent {
                m[n] *= m[p];
            }
        }
        let ni = self.na_opts.iter().position(|x| *x == na).unwrap_or(0);
        let ci = self.cohort_opts.iter().position(|x| *x == co).unwrap_or(0);
        s.scenario = ni * self.cohort_opts.len() + ci;
        s
    }

    /// The model at the nominal draw must rank exactly as the engine did.
    fn check_nominal(&self) -> Result<(), RobustnessError> {
        let nn = self.edition.nodes.len();
        let m = vec![1.0; nn];
        let setting = Setting {
            scenario: 0,
            ties: None,
            on: None,
            rounding: self.edition.rounding,
        };
        // Ranked exactly as every draw is, so the check covers that code.
        let values = self.values(&[(&m[..], 0)]);
        let mut ranks = Vec::new();
        let mut scratch = Ranking::default();
        let mut order = Vec::new();
        for (ti, t) in self.model.tables.iter().enumerate() {
            let mut off = 0;
            for s in &t.sections {
                let v = &values[0][ti][off..off + s.members.len()];
                off += s.members.len();
                order.resize(v.len(), 0);
                ranks.resize(v.len(), 0);
                rank_block(
                    v,
                    &KeyFn::new(t, &setting),
                    setting.ties.unwrap_or(t.ties),
                    &mut ranks,
                    &s.nominal,
                    &mut order,
                    &mut false,
                    &mut scratch,
                );
                if let Some(i) = (0..ranks.len()).find(|&i| ranks[i] != s.nominal[i]) {
                    let u = self.model.units[s.members[i]];
                    let (name, table) = (&self.names[u].1, &self.edition.annex.tables[t.layout].id);
                    let (got, want) = (ranks[i], s.nominal[i]);
                    return Err(RobustnessError::Model(msg!(
                        "lỗi của egov: mô hình phân tích không tái tạo được thứ hạng của {name} trong bảng {table} ({got} thay vì {want}); xin báo lỗi kèm bộ tiêu chí",
                        "egov defect: the analysis model does not reproduce the rank of {name} in table {table} ({got} instead of {want}); please report it with the edition"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Each table's value for each ranked member (sections concatenated), per (multipliers, scenario).
    pub(crate) fn values(&self, variants: &[(&[f64], usize)]) -> Vec<Vec<Vec<f64>>> {
        let mut out = vec![Vec::new(); variants.len()];
        self.values_each(variants, &mut Buffers::default(), |v, values| {
            out[v] = values.to_vec()
        });
        out
    }

    /// [`Plan::values`] handed to `each` variant by variant (its index and its values per table),
    /// scenario by scenario: a draw chunk ranks a variant's values while they are in the cache and
    /// never holds every variant's at once. `buf` is reused from one chunk to the next (its arrays are
    /// megabytes, which the allocator would otherwise take from the system, and zero, chunk after chunk).
    pub(crate) fn values_each(
        &self,
        variants: &[(&[f64], usize)],
        buf: &mut Buffers,
        mut each: impl FnMut(usize, &[Vec<f64>]),
    ) {
        let model = &self.model;
        let nl = model.leaves.len();
        let nu = model.units.len();
        let out = &mut buf.values;
        out.resize_with(model.tables.len(), Vec::new);
        // Leaf weights of every variant.
        let weights = &mut buf.weights;
        weights.clear();
        weights.extend(
            variants
                .iter()
                .flat_map(|(m, _)| model.leaves.iter().map(|&n| m[n])),
        );
        let weights = &buf.weights;
        for (si, sc) in model.scenarios.iter().enumerate() {
            let idx: Vec<usize> = (0..variants.len())
                .filter(|&v| variants[v].1 == si)
                .collect();
            if idx.is_empty() {
                continue;
            }
            let w = &mut buf.w;
            w.clear();
            for &v in &idx {
                w.extend_from_slice(&weights[v * nl..(v + 1) * nl]);
            }
            let wv = ArrayView2::from_shape((idx.len(), nl), &buf.w[..]).expect("sized above");
            let pv = ArrayView2::from_shape((nu, nl), &sc.points).expect("sized by the model");
            // One product per segment: variants × units (beta 0: the buffer need not be cleared),
            // computed as its transpose, points × weightsᵀ, written through transposed strides. Each
            // element is the same chain of fused multiply-adds over the segment's leaves either way,
            // but matrixmultiply's packing buffer is then a few panels of the points (tens of
            // kilobytes), not a thousand units' worth (half a megabyte, which the allocator takes
            // fresh, page by page, call after call).
            let size = idx.len() * nu;
            if buf.c.len() < size * model.segments.len() {
                buf.c.resize(size * model.segments.len(), 0.0);
            }
            for (g, &(lo, hi)) in model.segments.iter().enumerate() {
                let mut c = ndarray::ArrayViewMut2::from_shape(
                    (idx.len(), nu),
                    &mut buf.c[g * size..(g + 1) * size],
                )
                .expect("sized above");
                general_mat_mul(
                    1.0,
                    &pv.slice_axis(Axis(1), Slice::from(lo..hi)),
                    &wv.slice_axis(Axis(1), Slice::from(lo..hi)).t(),
                    0.0,
                    &mut c.view_mut().reversed_axes(),
                );
            }
            let sums: Vec<&[f64]> = (0..model.segments.len())
                .map(|g| &buf.c[g * size..(g + 1) * size])
                .collect();
            let mut rescaled_max = vec![0.0; self.edition.nodes.len()];
            // Per table, the units evaluated node by node: the rest of a table's values are whole-row
            // sums of the segment products, corrected where criteria are excluded.
            let generals: Vec<Vec<usize>> = sc
                .kinds
                .iter()
                .map(|k| (0..nu).filter(|&x| k[x] == Kind::General).collect())
                .collect();
            // The correction of each rescaling node (in `rescale_order`) for every unit: −0.0, which
            // adds nothing to any sum, for the units it does not correct; the others are rewritten
            // for each variant.
            let nr = model.rescale_order.len();
            let corr = &mut buf.corr;
            corr.clear();
            corr.resize(nr * nu, -0.0);
            let mut tv = vec![0.0; nu];
            let mut factor = vec![Rescale::None; sc.groups.len()];
            let node_rows = &mut buf.node_rows;
            node_rows.resize(model.row_nodes.len() * nu, 0.0);
            for (r, &v) in idx.iter().enumerate() {
                let m = variants[v].0;
                let wl = &weights[v * nl..(v + 1) * nl];
                let row = |g: usize| &sums[g][r * nu..(r + 1) * nu];
                // Each node's whole-row sum of its segments, for every unit at once (vectorised): a
                // table's value before corrections, and the sum a rescaling node rescales. Summed as
                // `Iterator::sum` would sum one unit's segments (from −0.0), so the same bits.
                for (i, &node) in model.row_nodes.iter().enumerate() {
                    let nr = &mut node_rows[i * nu..(i + 1) * nu];
                    match model.node_segments[node].split_first() {
                        Some((&g0, rest)) => {
                            nr.copy_from_slice(row(g0));
                            for &g in rest {
                                for (a, b) in nr.iter_mut().zip(row(g)) {
                                    *a += b;
                                }
                            }
                        }
                        None => nr.fill(-0.0),
                    }
                }
                let node_row = |node: usize| {
                    let i = model.row_of[node];
                    &node_rows[i * nu..(i + 1) * nu]
                };
                // Each rescaling node's (varied) maximum, once per variant; the factor of each
                // distinct set of excluded leaves, once per variant for all the units that share it.
                for &p in &model.rescalers {
                    let (lo, hi) = model.node_range[p];
                    rescaled_max[p] = (lo..hi).map(|l| wl[l] * model.fullmax[l]).sum();
                }
                for (f, &(p, l0, l1)) in factor.iter_mut().zip(&sc.groups) {
                    let full = rescaled_max[p as usize];
                    let ex: f64 = sc.ex_leaves[l0 as usize..l1 as usize]
                        .iter()
                        .map(|&l| wl[l as usize] * model.fullmax[l as usize])
                        .sum();
                    *f = if ex <= 0.0 {
                        Rescale::None
                    } else if full - ex > 0.0 {
                        Rescale::By(full / (full - ex) - 1.0)
                    } else {
                        Rescale::Zero
                    };
                }
                // Innermost first: an inner node's correction is part of the sum an outer one
                // rescales (the inner ones a unit does not have add −0.0). Computed once per unit
                // for every table.
                for (i, &p) in model.rescale_order.iter().enumerate() {
                    let sum = node_row(p);
                    let (before, here) = corr.split_at_mut(i * nu);
                    let here = &mut here[..nu];
                    for &(x, g) in &sc.rescaled[i] {
                        let x = x as usize;
                        let inner: f64 = model.rescale_inside[i]
                            .iter()
                            .map(|&q| before[q * nu + x])
                            .sum();
                        let sp = sum[x] + inner;
                        here[x] = match factor[g as usize] {
                            Rescale::None => 0.0,
                            Rescale::By(f) => sp * f,
                            Rescale::Zero => -sp,
                        };
                    }
                }
                for (ti, t) in model.tables.iter().enumerate() {
                    if t.sections.is_empty() {
                        continue;
                    }
                    if model.node_segments[t.node].is_empty() {
                        tv.fill(0.0);
                    } else {
                        tv.copy_from_slice(node_row(t.node));
                    }
                    // The table's rescaling nodes in the units' order (a unit corrected by none of
                    // them has −0.0 from each).
                    for &i in &model.table_rescales[ti] {
                        for (a, c) in tv.iter_mut().zip(&corr[i * nu..(i + 1) * nu]) {
                            *a += c;
                        }
                    }
                    if t.fraction {
                        let full: f64 = (t.leaf_lo..t.leaf_hi)
                            .map(|l| wl[l] * model.fullmax[l])
                            .sum();
                        let inv = if full > 0.0 { 1.0 / full } else { 0.0 };
                        if full > 0.0 {
                            tv.iter_mut().for_each(|a| *a /= full);
                        } else {
                            tv.iter_mut().for_each(|a| *a *= inv);
                        }
                    }
                    for &x in &generals[ti] {
                        let node_row = sc.rows[x].as_deref().expect("kept for general units");
                        let (p, f) =
                            model::general(self.edition, node_row, m, t.node, &model.node_max);
                        tv[x] = if t.fraction {
                            if f > 0.0 { p / f } else { 0.0 }
                        } else {
                            p
                        };
                    }
                    let dst = &mut out[ti];
                    dst.clear();
                    for s in &t.sections {
                        dst.extend(s.members.iter().map(|&x| tv[x]));
                    }
                }
                each(v, out);
            }
        }
    }
}

/// How a set of excluded leaves corrects the sum its rescaling node rescales, in one variant.
#[derive(Clone, Copy)]
enum Rescale {
    /// Nothing excluded weighs anything: no correction.
    None,
    /// `× F ÷ (F − excluded)`: the correction is the sum times this.
    By(f64),
    /// Everything is excluded: the sum is removed.
    Zero,
}

/// Arrays a draw chunk reuses from the one before (see [`Plan::values_into`]).
#[derive(Default)]
pub(crate) struct Buffers {
    node_rows: Vec<f64>,
    corr: Vec<f64>,
    weights: Vec<f64>,
    w: Vec<f64>,
    c: Vec<f64>,
    /// One variant's values per table.
    values: Vec<Vec<f64>>,
}

/// [`key`] with its setting resolved once per (table, evaluation).
#[derive(Debug)]
struct KeyFn {
    /// `None`: the exact value.
    scale: Option<f64>,
    rounding: RoundingMode,
}

/// Two keys are the same when they give every value the same key: the rounding mode does not matter
/// to exact values.
impl PartialEq for KeyFn {
    fn eq(&self, other: &KeyFn) -> bool {
        self.scale == other.scale && (self.scale.is_none() || self.rounding == other.rounding)
    }
}

impl KeyFn {
    fn new(t: &model::TableModel, s: &Setting) -> KeyFn {
        let on = s.on.unwrap_or(match t.on {
            RankOn::Rounded => RankKey::Rounded,
            RankOn::Exact => RankKey::Exact,
        });
        let scale = match on {
            RankKey::Exact => None,
            RankKey::Rounded => Some(10f64.powi(t.decimals as i32)),
            RankKey::Whole => Some(1.0),
        };
        KeyFn {
            scale,
            rounding: s.rounding,
        }
    }
    #[inline]
    fn key(&self, v: f64) -> f64 {
        let Some(scale) = self.scale else {
            return v + 0.0;
        };
        let x = v * scale;
        let r = match self.rounding {
            RoundingMode::HalfUp => (x + 0.5 + ROUND_TOL).floor(),
            RoundingMode::Down => (x + ROUND_TOL).floor(),
            RoundingMode::HalfEven => {
                let f = x.floor();
                let d = x - f;
                if (d - 0.5).abs() <= ROUND_TOL {
                    if f % 2.0 == 0.0 { f } else { f + 1.0 }
                } else {
                    x.round()
                }
            }
        };
        r + 0.0
    }
}

/// A rank's integer sums over a block: (Σ r, Σ r², Σ r·nominal), for Spearman's ρ ([`spearman`]).
type RankSums = (i64, i64, i64);

/// Scratch arrays of [`rank_block`], kept from one block to the next.
#[derive(Default)]
pub(crate) struct Ranking {
    keys: Vec<u32>,
    counts: Vec<u32>,
    pairs: Vec<(u64, u32)>,
    spare: Vec<(u64, u32)>,
}

/// Ranks into `out` of one block's `vals` under the key `kf` and the convention `ties`, and their sums
/// with `nominal`. A key on rounded values is a small integer: the ranks are counted (how many keys, or
/// distinct keys, lie above each one) without sorting. Exact values, and rounded ones spread over too
/// many integers, are ranked by walking their descending order, sorted here the first time a variant's
/// block needs it (`sorted` says whether `order` already holds it).
#[allow(clippy::too_many_arguments)]
fn rank_block(
    vals: &[f64],
    kf: &KeyFn,
    ties: Ties,
    out: &mut [u32],
    nominal: &[u32],
    order: &mut [u32],
    sorted: &mut bool,
    scratch: &mut Ranking,
) -> RankSums {
    if let Some(sums) = rank_counted(vals, kf, ties, out, nominal, scratch) {
        return sums;
    }
    if !*sorted {
        descending(vals, order, &mut scratch.pairs, &mut scratch.spare);
        *sorted = true;
    }
    rank_sorted(order, vals, kf, ties, out, nominal)
}

/// Ranks into `out` of `vals`, given their descending order (equal keys are adjacent in it).
fn rank_sorted(
    order: &[u32],
    vals: &[f64],
    kf: &KeyFn,
    ties: Ties,
    out: &mut [u32],
    nominal: &[u32],
) -> RankSums {
    let mut dense = 0u32;
    let mut prev = f64::NAN;
    let mut current = 0;
    let (mut sr, mut srr, mut srn) = (0i64, 0i64, 0i64);
    for (pos, &i) in order.iter().enumerate() {
        let k = kf.key(vals[i as usize]);
        if k != prev {
            dense += 1;
            current = match ties {
                Ties::Dense => dense,
                Ties::Competition => pos as u32 + 1,
            };
            prev = k;
        }
        out[i as usize] = current;
        let r = current as i64;
        sr += r;
        srr += r * r;
        srn += r * nominal[i as usize] as i64;
    }
    (sr, srr, srn)
}

/// The largest key range [`rank_counted`] counts over, for a block of `n` values: beyond it a sort is
/// cheaper than clearing and scanning the counts.
fn counted_range(n: usize) -> usize {
    4 * n + 1024
}

/// [`rank_sorted`]'s ranks without the order, when the key is an integer (a value rounded to the
/// table's decimals or to whole points) within [`counted_range`]: a key's dense rank is one more than
/// the number of distinct keys above it, its competition rank one more than the number of values above
/// it — what walking the descending order gives, since rounding is monotone. `None` for exact keys, a
/// range too wide, or a value that is not finite.
fn rank_counted(
    vals: &[f64],
    kf: &KeyFn,
    ties: Ties,
    out: &mut [u32],
    nominal: &[u32],
    scratch: &mut Ranking,
) -> Option<RankSums> {
    let scale = kf.scale?;
    let (mut lo, mut hi, mut finite) = (f64::INFINITY, f64::NEG_INFINITY, true);
    for &v in vals {
        lo = if v < lo { v } else { lo };
        hi = if v > hi { v } else { hi };
        finite &= v.is_finite();
    }
    if vals.is_empty() || !finite {
        return None;
    }
    // The key is monotone: the extreme values give the extreme keys. Far below 2^52, every step of the
    // key arithmetic below is exact as in [`KeyFn::key`].
    let (kmin, kmax) = (kf.key(lo), kf.key(hi));
    const BOUND: f64 = (1u64 << 50) as f64;
    if !(kmin > -BOUND && kmax < BOUND)
        || (lo * scale).abs() >= BOUND
        || (hi * scale).abs() >= BOUND
    {
        return None;
    }
    let range = (kmax - kmin) as usize + 1;
    if range > counted_range(vals.len()) {
        return None;
    }
    let keys = &mut scratch.keys;
    keys.clear();
    keys.resize(vals.len(), 0);
    integer_keys(vals, scale, kf.rounding, kmin, keys);
    let counts = &mut scratch.counts;
    counts.clear();
    counts.resize(range, 0);
    for &k in keys.iter() {
        counts[k as usize] += 1;
    }
    // From the highest key down, each key's rank replaces its count.
    let (mut above, mut distinct) = (0u32, 0u32);
    for c in counts.iter_mut().rev() {
        let here = *c;
        distinct += u32::from(here != 0);
        *c = match ties {
            Ties::Dense => distinct,
            Ties::Competition => above + 1,
        };
        above += here;
    }
    let (mut sr, mut srr, mut srn) = (0i64, 0i64, 0i64);
    for ((o, &k), &nom) in out.iter_mut().zip(keys.iter()).zip(nominal) {
        let r = counts[k as usize];
        *o = r;
        let r = i64::from(r);
        sr += r;
        srr += r * r;
        srn += r * i64::from(nom);
    }
    Some((sr, srr, srn))
}

/// Each value's key (as [`KeyFn::key`] gives it) less `kmin`, into `keys`, for values whose scaled
/// form lies within ±2^50: the same arithmetic without branches, so that it runs on whole vectors.
fn integer_keys(vals: &[f64], scale: f64, rounding: RoundingMode, kmin: f64, keys: &mut [u32]) {
    let keys = &mut keys[..vals.len()];
    match rounding {
        RoundingMode::HalfUp => {
            for (k, &v) in keys.iter_mut().zip(vals) {
                *k = low_word(floor(v * scale + 0.5 + ROUND_TOL) - kmin);
            }
        }
        RoundingMode::Down => {
            for (k, &v) in keys.iter_mut().zip(vals) {
                *k = low_word(floor(v * scale + ROUND_TOL) - kmin);
            }
        }
        RoundingMode::HalfEven => {
            for (k, &v) in keys.iter_mut().zip(vals) {
                let x = v * scale;
                let f = floor(x);
                let d = x - f;
                // f is a whole number: half of it is whole exactly when it is even.
                let odd = f * 0.5 != floor(f * 0.5);
                let up = if (d - 0.5).abs() <= ROUND_TOL {
                    odd
                } else {
                    x > f + 0.5
                };
                let r = if up { f + 1.0 } else { f };
                *k = low_word(r - kmin);
            }
        }
    }
}

/// A whole number in [0, 2^32) as a `u32`, read from the low word of its sum with 2^52 (where a whole
/// number's bits are its own): no saturating conversion, so it runs on whole vectors.
#[inline]
fn low_word(whole: f64) -> u32 {
    (whole + 4_503_599_627_370_496.0).to_bits() as u32
}

/// `y.floor()` for |y| < 2^51 without a call to libm (baseline x86-64 has no rounding instruction):
/// adding and removing 1.5·2^52 rounds to the nearest integer, then one step down if that was above.
#[inline]
fn floor(y: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let r = (y + MAGIC) - MAGIC;
    if r > y { r - 1.0 } else { r }
}

/// Spearman's ρ of a block's ranks `out` with `nominal` (whose count, sum and sum of squares are
/// `nom`), from the ranks' integer sums: the Pearson correlation of the two rank vectors. 1 when both
/// are constant and equal, 0 when one is constant and the other not.
fn spearman(sums: RankSums, nom: (i64, i64, i64), out: &[u32], nominal: &[u32]) -> f64 {
    let (sr, srr, srn) = sums;
    let (n, sn, snn) = nom;
    if n == 0 {
        return 1.0;
    }
    // n⁴ passes i64 for blocks of 55 000 units; i128 for any.
    let (n, sr, srr, srn, sn, snn) = (
        i128::from(n),
        i128::from(sr),
        i128::from(srr),
        i128::from(srn),
        i128::from(sn),
        i128::from(snn),
    );
    let cov = (n * srn - sr * sn) as f64;
    let vr = (n * srr - sr * sr) as f64;
    let vn = (n * snn - sn * sn) as f64;
    if vr == 0.0 || vn == 0.0 {
        return if out == nominal { 1.0 } else { 0.0 };
    }
    cov / (vr * vn).sqrt()
}

/// The positions of `vals` in descending order (equal values by position) into `order`.
fn descending(
    vals: &[f64],
    order: &mut [u32],
    scratch: &mut Vec<(u64, u32)>,
    spare: &mut Vec<(u64, u32)>,
) {
    scratch.clear();
    scratch.extend(
        vals.iter()
            .enumerate()
            .map(|(i, &x)| (!ordered(x + 0.0), i as u32)),
    );
    radix_sort(scratch, spare);
    for (o, &(_, i)) in order.iter_mut().zip(scratch.iter()) {
        *o = i;
    }
}

/// Sorts (key, index) pairs by key, then index (as `sort` would): a least-significant-digit radix sort on
/// the bytes of the keys' upper half, skipping the bytes every key shares (totals of one block share their
/// sign and most of their exponent), then an insertion pass over the rare runs whose upper halves are
/// equal. For the few thousand units of a block it does a small part of the work of a comparison sort, and
/// ranking is most of a draw's cost.
fn radix_sort(v: &mut Vec<(u64, u32)>, spare: &mut Vec<(u64, u32)>) {
    if v.len() < 64 {
        v.sort_unstable();
        return;
    }
    let (mut or, mut and) = (0u64, u64::MAX);
    for &(k, _) in v.iter() {
        or |= k;
        and &= k;
    }
    let differ = or ^ and;
    spare.clear();
    spare.resize(v.len(), (0, 0));
    for byte in 4..8 {
        let shift = byte * 8;
        if (differ >> shift) & 0xff == 0 {
            continue;
        }
        let mut count = [0usize; 256];
        for &(k, _) in v.iter() {
            count[((k >> shift) & 0xff) as usize] += 1;
        }
        let mut sum = 0;
        for c in count.iter_mut() {
            let x = *c;
            *c = sum;
            sum += x;
        }
        for &(k, i) in v.iter() {
            let d = ((k >> shift) & 0xff) as usize;
            spare[count[d]] = (k, i);
            count[d] += 1;
        }
        std::mem::swap(v, spare);
    }
    // Equal upper halves are adjacent (and in index order): order each such run by the whole pair.
    for i in 1..v.len() {
        if v[i].0 >> 32 != v[i - 1].0 >> 32 {
            continue;
        }
        let mut j = i;
        while j > 0 && v[j].0 >> 32 == v[j - 1].0 >> 32 && v[j] < v[j - 1] {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Order-preserving integer form of an f64 (no NaN here): sorting the integers sorts the floats.
fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Where the `q` % percentile stands among `m` sorted values: the smallest with at least `q` % of them at
/// or below it (numpy's "inverted_cdf").
fn percentile_at(m: usize, q: usize) -> usize {
    ((q * m).div_ceil(100).max(1) - 1).min(m - 1)
}

/// How many draws gave each rank from `lo` on: what the percentiles and top-k shares of a unit's ranks
/// are read from.
struct Tally<'a> {
    lo: u32,
    counts: &'a [u32],
}

impl Tally<'_> {
    /// The draws with a rank of `k` or better.
    fn at_most(&self, k: u32) -> usize {
        let Some(above_lo) = k.checked_sub(self.lo) else {
            return 0;
        };
        let end = (above_lo as usize + 1).min(self.counts.len());
        self.counts[..end].iter().map(|&c| c as usize).sum()
    }
    /// The rank at position `pos` of the draws sorted: the first whose count reaches past it.
    fn sorted(&self, pos: usize) -> u32 {
        let mut seen = 0;
        let j = self
            .counts
            .iter()
            .position(|&c| {
                seen += c as usize;
                seen > pos
            })
            .expect("a position among the draws");
        self.lo + j as u32
    }
}

/// The `q` % percentile of `sorted` ([`percentile_at`]).
fn percentile<T: Copy>(sorted: &[T], q: usize) -> T {
    sorted[percentile_at(sorted.len(), q)]
}

/// Adds one base row's ranks (`group`: the `k + 2` evaluations' rows of `width` members) to `local`, the
/// chunk's sums field-major as [`sobol::IntSums::from_sums`] takes them: Σ(a + b), Σ(a² + b²), and per
/// factor Σ b·(c − a), Σ (c − a)², Σ (c − a). Column-wise over all members at once (the loops
/// vectorise), in `i64`: at most [`CHUNK`] base rows of ranks below 2^32.
fn accumulate(local: &mut [i64], group: &[u32], width: usize, k: usize) {
    let (a, rest) = group.split_at(width);
    let (b, cs) = rest.split_at(width);
    let (head, per_factor) = local.split_at_mut(2 * width);
    let (s0, s1) = head.split_at_mut(width);
    for x in 0..width {
        let (a, b) = (a[x] as i64, b[x] as i64);
        s0[x] += a + b;
        s1[x] += a * a + b * b;
    }
    let (first, rest) = per_factor.split_at_mut(k * width);
    let (total, diffs) = rest.split_at_mut(k * width);
    for i in 0..k {
        let c = &cs[i * width..(i + 1) * width];
        let first = &mut first[i * width..(i + 1) * width];
        let total = &mut total[i * width..(i + 1) * width];
        let diffs = &mut diffs[i * width..(i + 1) * width];
        for x in 0..width {
            let d = c[x] as i64 - a[x] as i64;
            first[x] += b[x] as i64 * d;
            total[x] += d * d;
            diffs[x] += d;
        }
    }
}

/// Per-chunk accumulations that are sums of integers (so any merge order gives the same result).
struct Acc {
    buf: Buffers,
    /// The chunk's ranks: per base row, its `k + 2` evaluations' rows of every member.
    ranks: Vec<u32>,
    /// A variant's members in descending order of value, per section.
    order: Vec<u32>,
    ranking: Ranking,
    /// The chunk's sums, field-major (see [`accumulate`]).
    local: Vec<i64>,
    /// Field-major: field `f` of member `x` at `f * width + x` (fields as [`sobol::IntSums::from_sums`]).
    sums: Vec<i128>,
    /// Members of the unit-total tables × bands.
    bands: Vec<u32>,
}

/// A rank as the draws keep it: two bytes when every block has fewer than 65 536 units (a province's
/// 10 000 draws × 10 000 units is then 200 MB, not 400), four otherwise.
trait Stored: Copy + Default + Send + Sync {
    fn from_rank(r: u32) -> Self;
    fn rank(self) -> u32;
}

impl Stored for u16 {
    fn from_rank(r: u32) -> Self {
        r as u16
    }
    fn rank(self) -> u32 {
        u32::from(self)
    }
}

impl Stored for u32 {
    fn from_rank(r: u32) -> Self {
        r
    }
    fn rank(self) -> u32 {
        self
    }
}

/// Runs the analysis.
pub fn run(plan: &Plan<'_>, opts: &Options<'_>) -> Report {
    let largest = plan
        .model
        .tables
        .iter()
        .flat_map(|t| &t.sections)
        .map(|s| s.members.len())
        .max()
        .unwrap_or(0);
    if largest <= usize::from(u16::MAX) {
        run_with::<u16>(plan, opts)
    } else {
        run_with::<u32>(plan, opts)
    }
}

fn run_with<R: Stored>(plan: &Plan<'_>, opts: &Options<'_>) -> Report {
    let e = plan.edition;
    let model = &plan.model;
    let k = plan.spec.choices.len();
    let n = plan.base;
    let nn = e.nodes.len();
    let seed = plan.spec.seed;
    let total_factors: Vec<usize> = (0..k)
        .filter(|&i| plan.spec.choices[i].factor.changes_totals())
        .collect();
    // Sections in order, with their member offset in a row of all members.
    let mut sections: Vec<(usize, usize, usize)> = Vec::new(); // (table, section, offset)
    let mut width = 0;
    for (ti, t) in model.tables.iter().enumerate() {
        for (si, s) in t.sections.iter().enumerate() {
            sections.push((ti, si, width));
            width += s.members.len();
        }
    }
    let nsec = sections.len();
    let nb = e.bands.len();
    let banded: Vec<bool> = model
        .tables
        .iter()
        .map(|t| t.node == 0 && nb > 0 && !t.fraction)
        .collect();
    let section_offset: Vec<Vec<usize>> = model
        .tables
        .iter()
        .map(|t| {
            t.sections
                .iter()
                .scan(0, |acc, s| {
                    let o = *acc;
                    *acc += s.members.len();
                    Some(o)
                })
                .collect()
        })
        .collect();
    // Per section: (n, Σ nominal, Σ nominal²), for the rank correlation of each evaluation.
    let nominal_sums: Vec<(i64, i64, i64)> = sections
        .iter()
        .map(|&(ti, si, _)| {
            let nom = &model.tables[ti].sections[si].nominal;
            (
                nom.len() as i64,
                nom.iter().map(|&r| r as i64).sum(),
                nom.iter().map(|&r| (r as i64) * (r as i64)).sum(),
            )
        })
        .collect();
    let band_min: Vec<f64> = e
        .bands
        .iter()
        .map(|b| model::to_f64(b.min_percent))
        .collect();
    let chunks = n.div_ceil(CHUNK);
    let mut ab = vec![R::default(); 2 * n * width];
    let mut ys = vec![0f64; n * (k + 2) * nsec];
    let done = std::sync::atomic::AtomicUsize::new(0);
    let fields = 3 * k + 2;
    let new_acc = || Acc {
        buf: Buffers::default(),
        ranks: Vec::new(),
        order: Vec::new(),
        ranking: Ranking::default(),
        local: Vec::new(),
        sums: vec![0i128; fields * width],
        bands: vec![0; width * nb],
    };
    // One accumulator (with its buffers) per chunk being drawn at a time, taken from a pool and put back:
    // as many as there are threads, however rayon splits the chunks (each split of a fold would start
    // with fresh buffers, tens of megabytes the system must zero).
    let pool: std::sync::Mutex<Vec<Acc>> = std::sync::Mutex::new(Vec::new());
    ab.par_chunks_mut(2 * CHUNK * width)
        .zip(ys.par_chunks_mut(CHUNK * (k + 2) * nsec))
        .enumerate()
        .for_each(|(c, (ab_out, y_out))| {
            let taken = pool.lock().expect("no panic holds the pool").pop();
            let mut acc = taken.unwrap_or_else(new_acc);
            let j0 = c * CHUNK;
            let j1 = (j0 + CHUNK).min(n);
            let mut a = vec![0.0; plan.layout.dims];
            let mut b = vec![0.0; plan.layout.dims];
            let mut mix = vec![0.0; plan.layout.dims];
            // Per base row: the variants that need totals, and the setting of each evaluation.
            let mut mults: Vec<Vec<f64>> = Vec::new();
            let mut var_scen: Vec<usize> = Vec::new();
            let mut evals: Vec<(usize, Setting)> = Vec::new(); // (variant, setting) per (j, slot)
            for j in j0..j1 {
                sample::row(seed, 2 * j as u64, &mut a);
                sample::row(seed, 2 * j as u64 + 1, &mut b);
                let mut m = vec![0.0; nn];
                let sa = plan.setting(&a, &mut m);
                let va = mults.len();
                mults.push(m);
                var_scen.push(sa.scenario);
                let mut m = vec![0.0; nn];
                let sb = plan.setting(&b, &mut m);
                mults.push(m);
                var_scen.push(sb.scenario);
                evals.push((va, sa));
                evals.push((va + 1, sb));
                for i in 0..k {
                    let (at, len) = plan.layout.spans[i];
                    mix.copy_from_slice(&a);
                    mix[at..at + len].copy_from_slice(&b[at..at + len]);
                    let mut m = vec![0.0; nn];
                    let s = plan.setting(&mix, &mut m);
                    if total_factors.contains(&i) {
                        evals.push((mults.len(), s.clone()));
                        mults.push(m);
                        var_scen.push(s.scenario);
                    } else {
                        // Only the ranking changes: A's totals.
                        evals.push((va, s));
                    }
                }
            }
            let variants: Vec<(&[f64], usize)> = mults
                .iter()
                .zip(&var_scen)
                .map(|(m, &s)| (&m[..], s))
                .collect();
            // The evaluations of each variant, in order (those of one base row by slot).
            let mut evals_of: Vec<Vec<usize>> = vec![Vec::new(); variants.len()];
            for (e, (v, _)) in evals.iter().enumerate() {
                evals_of[*v].push(e);
            }
            let Acc {
                buf,
                ranks,
                order,
                ranking,
                local,
                bands,
                sums,
            } = &mut acc;
            ranks.resize((j1 - j0) * (k + 2) * width, 0);
            order.resize(width, 0);
            // Per set of leaves not evaluated, their (varied) maxima.
            let mut unevaluated: Vec<f64> = Vec::new();
            plan.values_each(&variants, buf, |v, values| {
                // The variant's members in descending order of value, per section, sorted when an
                // evaluation first needs it (exact keys): every evaluation that shares the
                // variant's totals ranks by walking this order (rounding is monotone, so it is also
                // the order of the rounded values, ties adjacent).
                let mut sorted = vec![false; nsec];
                for &e in &evals_of[v] {
                    let (base, slot) = (e - e % (k + 2), e % (k + 2));
                    let s = &evals[e].1;
                    let (ranked, rest) = ranks.split_at_mut(e * width);
                    let row = &mut rest[..width];
                    for (q, &(ti, si, off)) in sections.iter().enumerate() {
                        let t = &model.tables[ti];
                        let sec = &t.sections[si];
                        let toff = section_offset[ti][si];
                        let len = sec.members.len();
                        let vals = &values[ti][toff..toff + len];
                        let out = &mut row[off..off + len];
                        let (kf, ties) = (KeyFn::new(t, s), s.ties.unwrap_or(t.ties));
                        // An evaluation that ranks the same totals on the same key as one before it
                        // in its base row (a rounding mode when ranking on exact values, a choice
                        // drawn equal in A and B) has its ranks.
                        let twin = (base..e).find(|&e2| {
                            let (v2, s2) = &evals[e2];
                            *v2 == v && s2.ties.unwrap_or(t.ties) == ties && KeyFn::new(t, s2) == kf
                        });
                        y_out[e * nsec + q] = match twin {
                            Some(e2) => {
                                out.copy_from_slice(
                                    &ranked[e2 * width + off..e2 * width + off + len],
                                );
                                y_out[e2 * nsec + q]
                            }
                            None => {
                                let sums = rank_block(
                                    vals,
                                    &kf,
                                    ties,
                                    out,
                                    &sec.nominal,
                                    &mut order[off..off + len],
                                    &mut sorted[q],
                                    ranking,
                                );
                                spearman(sums, nominal_sums[q], out, &sec.nominal)
                            }
                        };
                        if slot < 2 && banded[ti] {
                            // Percent of the unit's (varied) applicable maximum: the full one less
                            // what is not evaluated (exclusions are rescaled within the total).
                            let m = &mults[v];
                            let sc = &model.scenarios[variants[v].1];
                            let full: f64 = (t.leaf_lo..t.leaf_hi)
                                .map(|l| m[model.leaves[l]] * model.fullmax[l])
                                .sum();
                            unevaluated.clear();
                            unevaluated.extend(sc.unevaluated.iter().map(|&(l0, l1)| {
                                sc.unevaluated_leaves[l0 as usize..l1 as usize]
                                    .iter()
                                    .map(|&l| {
                                        m[model.leaves[l as usize]] * model.fullmax[l as usize]
                                    })
                                    .sum::<f64>()
                            }));
                            for (x, &val) in vals.iter().enumerate() {
                                let set = sc.unevaluated_of[sec.members[x]];
                                let max = full - unevaluated[set as usize];
                                let pct = if max > 0.0 { 100.0 * val / max } else { 0.0 };
                                if let Some(bi) =
                                    band_min.iter().position(|&b| pct + ROUND_TOL >= b)
                                {
                                    bands[(off + x) * nb + bi] += 1;
                                }
                            }
                        }
                    }
                }
            });
            local.clear();
            local.resize(fields * width, 0);
            for (jj, group) in ranks.chunks_exact((k + 2) * width).enumerate() {
                for slot in 0..2 {
                    let d = 2 * jj + slot;
                    for (o, &r) in ab_out[d * width..(d + 1) * width]
                        .iter_mut()
                        .zip(&group[slot * width..(slot + 1) * width])
                    {
                        *o = R::from_rank(r);
                    }
                }
                accumulate(local, group, width, k);
            }
            for (s, l) in sums.iter_mut().zip(local.iter()) {
                *s += i128::from(*l);
            }
            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(p) = opts.progress {
                p(d, chunks);
            }
            pool.lock().expect("no panic holds the pool").push(acc);
        });
    // Integer sums: any order of merging gives the same totals.
    let mut accs = pool.into_inner().expect("no panic holds the pool");
    let mut acc = accs.pop().unwrap_or_else(new_acc);
    for b in accs {
        for (x, y) in acc.sums.iter_mut().zip(&b.sums) {
            *x += y;
        }
        for (x, y) in acc.bands.iter_mut().zip(&b.bands) {
            *x += y;
        }
    }

    let draws = 2 * n;
    let mut tables: Vec<TableReport> = model
        .tables
        .iter()
        .map(|t| TableReport {
            id: e.annex.tables[t.layout].id.clone(),
            title: e.annex.tables[t.layout].title.clone(),
            sections: Vec::new(),
        })
        .collect();
    for (q, &(ti, si, off)) in sections.iter().enumerate() {
        let t = &model.tables[ti];
        let sec = &t.sections[si];
        // Members in blocks of 64: each draw's row gives a block's ranks as one short contiguous read
        // (a member's ranks alone are a draw apart, a cache miss each).
        const BLOCK: usize = 64;
        let m = sec.members.len();
        let blocks: Vec<Vec<UnitReport>> = (0..m.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let (x0, x1) = (b * BLOCK, ((b + 1) * BLOCK).min(m));
                let rows = |d: usize| &ab[d * width + off + x0..d * width + off + x1];
                // Each member's ranks counted over the range they span: the percentiles, the mean and
                // the top-k shares are read from the counts, without sorting the draws.
                let (mut lo, mut hi, mut sum) = (
                    vec![u32::MAX; x1 - x0],
                    vec![0u32; x1 - x0],
                    vec![0u64; x1 - x0],
                );
                for d in 0..draws {
                    for (i, r) in rows(d).iter().enumerate() {
                        let r = r.rank();
                        lo[i] = lo[i].min(r);
                        hi[i] = hi[i].max(r);
                        sum[i] += u64::from(r);
                    }
                }
                let mut at = Vec::with_capacity(x1 - x0 + 1);
                at.push(0usize);
                for i in 0..x1 - x0 {
                    at.push(at[i] + (hi[i] - lo[i]) as usize + 1);
                }
                let mut counts = vec![0u32; at[x1 - x0]];
                for d in 0..draws {
                    for (i, r) in rows(d).iter().enumerate() {
                        counts[at[i] + (r.rank() - lo[i]) as usize] += 1;
                    }
                }
                (x0..x1)
                    .map(|x| {
                        let col = off + x;
                        let i = x - x0;
                        let tally = Tally {
                            lo: lo[i],
                            counts: &counts[at[i]..at[i + 1]],
                        };
                        // The integer sum is exact, as the f64 sum of these integers is.
                        let mean = sum[i] as f64 / draws as f64;
                        let top = plan
                            .spec
                            .top
                            .iter()
                            .map(|&kk| tally.at_most(kk) as f64 / draws as f64)
                            .collect();
                        let pct = |q: usize| tally.sorted(percentile_at(draws, q));
                        let (median, p5, p95) = (pct(50), pct(5), pct(95));
                        let mine: Vec<i128> =
                            (0..fields).map(|f| acc.sums[f * width + col]).collect();
                        let ind = sobol::IntSums::from_sums(k, n as u64, &mine).indices();
                        let sensitivity: Vec<(f64, f64)> =
                            ind.per_factor.iter().map(|i| (i.first, i.total)).collect();
                        let dominant =
                            dominant(&sensitivity.iter().map(|s| s.1).collect::<Vec<_>>());
                        let u = model.units[sec.members[x]];
                        UnitReport {
                            code: plan.names[u].0.clone(),
                            name: plan.names[u].1.clone(),
                            nominal: sec.nominal[x],
                            median,
                            p5,
                            p95,
                            mean,
                            top,
                            bands: if banded[ti] {
                                (0..nb)
                                    .map(|b| acc.bands[col * nb + b] as f64 / draws as f64)
                                    .collect()
                            } else {
                                Vec::new()
                            },
                            sensitivity,
                            dominant,
                        }
                    })
                    .collect()
            })
            .collect();
        let units: Vec<UnitReport> = blocks.into_iter().flatten().collect();
        let y: Vec<f64> = (0..n * (k + 2)).map(|ev| ys[ev * nsec + q]).collect();
        let mut ab_y: Vec<f64> = (0..n)
            .flat_map(|j| [y[j * (k + 2)], y[j * (k + 2) + 1]])
            .collect();
        let mean = ab_y.iter().sum::<f64>() / ab_y.len() as f64;
        ab_y.sort_by(f64::total_cmp);
        let boot = sobol::bootstrap(&y, k, plan.spec.bootstrap, 0.95, seed ^ (q as u64 + 1));
        let sensitivity: Vec<BlockIndex> = (0..k)
            .map(|i| BlockIndex {
                first: boot.indices.per_factor[i].first,
                total: boot.indices.per_factor[i].total,
                first_ci: (boot.first_ci[i].low, boot.first_ci[i].high),
                total_ci: (boot.total_ci[i].low, boot.total_ci[i].high),
            })
            .collect();
        let stable = units
            .iter()
            .filter(|u| u.p5 + 1 >= u.nominal && u.p95 <= u.nominal + 1)
            .count();
        let dominant = dominant(&sensitivity.iter().map(|s| s.total).collect::<Vec<_>>());
        tables[ti].sections.push(SectionReport {
            block: sec.block.clone(),
            title: sec.title.clone(),
            units,
            correlation: (mean, percentile(&ab_y, 5), percentile(&ab_y, 50)),
            sensitivity,
            stable,
            dominant,
        });
    }
    tables.retain(|t| !t.sections.is_empty());
    Report {
        edition: e.id.clone(),
        evaluations: n * (k + 2),
        base: n,
        draws,
        seed,
        bootstrap: plan.spec.bootstrap,
        choices: plan
            .spec
            .choices
            .iter()
            .map(|c| ChoiceReport {
                id: c.id.clone(),
                kind: c.factor.kind(),
                label: c.label.clone(),
                label_en: c.label_en.clone(),
                options: c.options(e),
            })
            .collect(),
        top: plan.spec.top.clone(),
        bands: e.bands.iter().map(|b| b.name.clone()).collect(),
        tables,
        declared: plan.spec.declared,
    }
}

/// The index of the largest value when it is clearly above zero.
fn dominant(total: &[f64]) -> Option<usize> {
    let (i, &m) = total.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    (m > 1e-9).then_some(i)
}

/// Everything a peer needs to redo the Monte-Carlo from the same draws (bench/compare-robustness):
/// arrays in C order, described by `json` (the format is in bench/README.md).
pub struct Problem {
    pub json: serde_json::Value,
    /// [scenarios, units, leaves]
    pub points: Vec<f64>,
    /// [scenarios, units, leaves]: 0, or 1 + the index (in `json`'s `rescalers`) of the node that
    /// rescales the excluded leaf.
    pub excluded: Vec<u8>,
    pub fullmax: Vec<f64>,
    /// [evaluations, leaves]
    pub weights: Vec<f64>,
    /// [evaluations, 4]: scenario, ties (0 dense, 1 competition), rank_on (0 rounded, 1 exact, 2 whole
    /// points), rounding (0 half-up, 1 half-even, 2 down); −1 = the table's own (in `json`).
    pub setting: Vec<i32>,
    pub shape: (usize, usize, usize, usize),
}

impl Plan<'_> {
    /// The problem of [`Problem`], or why a peer could not redo it: the peer computes sums of weighted
    /// leaves, rescaled at the table's node, on points tables only.
    pub fn problem(&self) -> Result<Problem, RobustnessError> {
        let model = &self.model;
        let general = model
            .scenarios
            .iter()
            .any(|s| s.kinds.iter().flatten().any(|k| *k == Kind::General));
        if general || model.tables.iter().any(|t| t.fraction) {
            return Err(RobustnessError::Nothing(msg!(
                "bộ tiêu chí này có điểm nhập ở tiêu chí tổng hợp, tiêu chí có trần hoặc bảng chỉ số 0–1: bài toán so sánh chỉ gồm tổng có trọng số của các tiêu chí lá",
                "this edition has points given at aggregates, capped aggregates or 0–1 index tables: the comparison problem holds only weighted sums of leaves"
            )));
        }
        let k = self.spec.choices.len();
        let n = self.base;
        let r = n * (k + 2);
        let nl = model.leaves.len();
        let nu = model.units.len();
        let nn = self.edition.nodes.len();
        let mut weights = vec![0.0; r * nl];
        let mut setting = vec![0i32; r * 4];
        let (mut a, mut b, mut mix) = (
            vec![0.0; self.layout.dims],
            vec![0.0; self.layout.dims],
            vec![0.0; self.layout.dims],
        );
        let mut m = vec![0.0; nn];
        for j in 0..n {
            sample::row(self.spec.seed, 2 * j as u64, &mut a);
            sample::row(self.spec.seed, 2 * j as u64 + 1, &mut b);
            for slot in 0..k + 2 {
                let dims = match slot {
                    0 => &a,
                    1 => &b,
                    _ => {
                        let (at, len) = self.layout.spans[slot - 2];
                        mix.copy_from_slice(&a);
                        mix[at..at + len].copy_from_slice(&b[at..at + len]);
                        &mix
                    }
                };
                let s = self.setting(dims, &mut m);
                let e = j * (k + 2) + slot;
                for (l, &node) in model.leaves.iter().enumerate() {
                    weights[e * nl + l] = m[node];
                }
                setting[e * 4] = s.scenario as i32;
                setting[e * 4 + 1] = match s.ties {
                    None => -1,
                    Some(Ties::Dense) => 0,
                    Some(Ties::Competition) => 1,
                };
                setting[e * 4 + 2] = match s.on {
                    None => -1,
                    Some(RankKey::Rounded) => 0,
                    Some(RankKey::Exact) => 1,
                    Some(RankKey::Whole) => 2,
                };
                setting[e * 4 + 3] = match s.rounding {
                    RoundingMode::HalfUp => 0,
                    RoundingMode::HalfEven => 1,
                    RoundingMode::Down => 2,
                };
            }
        }
        // Rank settings left to each table (-1 above) are resolved per table by the peer from
        // the table's own `ties` and `rank_on`, given in the JSON.
        let ns = model.scenarios.len();
        // Rescaling nodes deepest first; an excluded leaf is marked with 1 + the index of the node that
        // rescales it.
        let mut rescalers = model.rescalers.clone();
        rescalers.sort_by_key(|&p| (std::cmp::Reverse(self.edition.nodes[p].depth), p));
        if rescalers.len() > 254 {
            return Err(RobustnessError::Nothing(msg!(
                "bài toán so sánh chỉ ghi được tối đa 254 tiêu chí quy đổi (rescale)",
                "the comparison problem holds at most 254 rescaling criteria"
            )));
        }
        let mut points = Vec::with_capacity(ns * nu * nl);
        let mut excluded = vec![0u8; ns * nu * nl];
        for (si, sc) in model.scenarios.iter().enumerate() {
            points.extend_from_slice(&sc.points);
            for x in 0..nu {
                let (a0, a1) = sc.active_at[x];
                for &g in &sc.active[a0 as usize..a1 as usize] {
                    let (p, l0, l1) = sc.groups[g as usize];
                    let r = rescalers
                        .iter()
                        .position(|&q| q == p as usize)
                        .expect("a rescaler");
                    for &l in &sc.ex_leaves[l0 as usize..l1 as usize] {
                        excluded[(si * nu + x) * nl + l as usize] = (r + 1) as u8;
                    }
                }
            }
        }
        let inside =
            |outer: usize, inner: usize| inner > outer && inner < outer + model.subtree[outer];
        let rescalers_json: Vec<serde_json::Value> = rescalers
            .iter()
            .map(|&p| {
                let (lo, hi) = model.node_range[p];
                serde_json::json!({
                    "node": self.edition.nodes[p].code,
                    "leaves": (lo..hi).collect::<Vec<_>>(),
                    "inside": (0..rescalers.len()).filter(|&q| inside(p, rescalers[q])).collect::<Vec<_>>(),
                })
            })
            .collect();
        let tables: Vec<serde_json::Value> = model
            .tables
            .iter()
            .filter(|t| !t.sections.is_empty())
            .map(|t| {
                serde_json::json!({
                    "id": self.edition.annex.tables[t.layout].id,
                    "leaves": (t.leaf_lo..t.leaf_hi).collect::<Vec<_>>(),
                    "rescalers": (0..rescalers.len())
                        .filter(|&q| rescalers[q] == t.node || inside(t.node, rescalers[q]))
                        .collect::<Vec<_>>(),
                    "decimals": t.decimals,
                    "ties": match t.ties { Ties::Dense => "dense", Ties::Competition => "competition" },
                    "rank_on": match t.on { RankOn::Rounded => "rounded", RankOn::Exact => "exact" },
                    "sections": t.sections.iter().map(|s| serde_json::json!({
                        "block": s.block,
                        "units": s.members,
                        "nominal": s.nominal,
                        "codes": s.members.iter().map(|&x| self.names[model.units[x]].0.clone()).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let json = serde_json::json!({
            "evaluations": r,
            "base": n,
            "k": k,
            "seed": self.spec.seed,
            "choices": self.spec.choices.iter().map(|c| serde_json::json!({
                "id": c.id, "kind": c.factor.kind(), "options": c.options(self.edition),
            })).collect::<Vec<_>>(),
            "percentiles": [5, 50, 95],
            "top": self.spec.top,
            "bootstrap": self.spec.bootstrap,
            "round_tolerance": ROUND_TOL,
            "scenarios": ns,
            "units": nu,
            "leaves": nl,
            "rescalers": rescalers_json,
            "tables": tables,
        });
        Ok(Problem {
            json,
            points,
            excluded,
            fullmax: model.fullmax.clone(),
            weights,
            setting,
            shape: (ns, nu, nl, r),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDITION: &str = include_str!("../../../../data/editions/hoabinh-2019.toml");
    const UNITS: &str = include_str!("../../../../data/published/hoabinh-2019/units.csv");
    const VALUES: &str = include_str!("../../../../data/published/hoabinh-2019/values.csv");

    /// Two rescaling nodes, one inside the other, under a root that rescales too; criteria a unit can
    /// exclude at each level, one it can leave not evaluated, and a table on each node.
    const NESTED: &str = r#"
id = "nested"
title = "Lồng nhau"
year = 2024

[scoring]
rounding = "half-up"
decimals = 2

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "X"
name = "Xã"
categories = ["xa"]

[[criterion]]
code = "A"
name = "A"

[[criterion]]
code = "A.1"
name = "A.1"
max = 10
rule = { kind = "points" }
not_applicable = "exclude"

[[criterion]]
code = "A.2"
name = "A.2"
max = 6
rule = { kind = "points" }
not_applicable = "not-evaluated"

[[criterion]]
code = "B"
name = "B"
rescale = true

[[criterion]]
code = "B.1"
name = "B.1"
max = 8
rule = { kind = "points" }
not_applicable = "exclude"

[[criterion]]
code = "B.2"
name = "B.2"
rescale = true

[[criterion]]
code = "B.2.1"
name = "B.2.1"
max = 6
rule = { kind = "points" }
not_applicable = "exclude"

[[criterion]]
code = "B.2.2"
name = "B.2.2"
max = 4
rule = { kind = "points" }

[[criterion]]
code = "B.3"
name = "B.3"
max = 5
rule = { kind = "points" }
not_applicable = "exclude"

[annex]
[[annex.table]]
id = "tong"
title = "Tổng"
columns = ["A", "B"]
decimals = 2
[[annex.table.section]]
blocks = ["X"]

[[annex.table]]
id = "b"
title = "B"
node = "B"
columns = ["B.1", "B.2", "B.3"]
decimals = 1
[[annex.table.section]]
blocks = ["X"]

[[annex.table]]
id = "b2"
title = "B.2"
node = "B.2"
columns = ["B.2.1", "B.2.2"]
decimals = 2
[[annex.table.section]]
blocks = ["X"]

[robustness]
[[robustness.weights]]
depth = 2
spread = 0.3
[robustness.not_applicable]
options = ["edition", "zero", "exclude"]
"#;

    #[test]
    fn the_corrected_sums_are_the_node_by_node_values_under_drawn_weights() {
        let ed = Edition::from_toml(NESTED, "nested.toml").expect("edition");
        let na = "Không áp dụng";
        let mut units = String::from("code,name,category\n");
        let mut values = String::from("unit,A.1,A.2,B.1,B.2.1,B.2.2,B.3\n");
        for u in 0..60 {
            units.push_str(&format!("{u:03},Xã {u},xa\n"));
            let absent = |i: usize| (u * 7 + i * 3).is_multiple_of(5 + i);
            let cell = |i: usize, max: usize| {
                if absent(i) {
                    na.to_string()
                } else {
                    format!("{}", (u * 13 + i * 5) % (max * 4 + 1) / 4)
                }
            };
            // Never both of A's criteria (nor B.2.2): an aggregate wholly excluded weighs its own
            // maximum in the engine, not its criteria's varied ones.
            let row = [
                cell(0, 10),
                if absent(0) {
                    format!("{}", u % 7)
                } else {
                    cell(1, 6)
                },
                cell(2, 8),
                cell(3, 6),
                format!("{}", u % 5),
                cell(5, 5),
            ];
            values.push_str(&format!("{u:03},{}\n", row.join(",")));
        }
        let data = Dataset::from_csv(
            &ed,
            crate::dataset::Source {
                name: "units.csv",
                text: &units,
            },
            crate::dataset::Source {
                name: "values.csv",
                text: &values,
            },
            crate::dataset::DatasetMeta::default(),
        )
        .expect("data");
        let spec = Spec::from_toml(NESTED, "nested.toml", &ed).expect("spec");
        let plan = Plan::new(&ed, &data, spec).expect("plan");
        let model = &plan.model;
        assert_eq!(model.rescale_order.len(), 3, "B.2 inside B inside the root");
        // Every unit's every node, scored exactly by the engine under each scenario's edition.
        let rows: Vec<Vec<Vec<(f64, crate::engine::Status)>>> = plan
            .na_opts
            .iter()
            .flat_map(|&na| plan.cohort_opts.iter().map(move |&co| (na, co)))
            .map(|(na, co)| {
                let e = model::scenario_edition(&ed, na, co);
                let scores = crate::engine::score_keeping(&e, &data, crate::engine::Keep::All);
                model
                    .units
                    .iter()
                    .map(|&u| {
                        (0..ed.nodes.len())
                            .map(|n| {
                                let s = scores.get(u, n);
                                (model::to_f64(s.points), s.status)
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), 3);
        let (mut dims, mut m) = (vec![0.0; plan.layout.dims], vec![0.0; ed.nodes.len()]);
        let mut excluded = 0;
        for draw in 0..40u64 {
            sample::row(99, draw, &mut dims);
            plan.setting(&dims, &mut m);
            for (sc, rows) in rows.iter().enumerate() {
                let values = plan.values(&[(&m[..], sc)]);
                for (ti, t) in model.tables.iter().enumerate() {
                    let got = &values[0][ti];
                    for (i, &x) in t.sections[0].members.iter().enumerate() {
                        let (want, _) = model::general(&ed, &rows[x], &m, t.node, &model.node_max);
                        let tol = 1e-12 * want.abs().max(1.0);
                        assert!(
                            (got[i] - want).abs() <= tol,
                            "draw {draw}, scenario {sc}, table {}, unit {x}: {} ≠ {want}",
                            t.layout,
                            got[i]
                        );
                    }
                }
                excluded += model.scenarios[sc]
                    .rescaled
                    .iter()
                    .map(Vec::len)
                    .sum::<usize>();
            }
        }
        assert!(excluded > 0, "some units are rescaled");
    }

    #[test]
    fn two_and_four_byte_ranks_give_the_same_report() {
        let ed = Edition::from_toml(EDITION, "hoabinh-2019.toml").expect("edition");
        let data = Dataset::from_csv(
            &ed,
            crate::dataset::Source {
                name: "units.csv",
                text: UNITS,
            },
            crate::dataset::Source {
                name: "values.csv",
                text: VALUES,
            },
            crate::dataset::DatasetMeta::default(),
        )
        .expect("data");
        let mut spec = Spec::defaults(&ed);
        spec.runs = 1200;
        let plan = Plan::new(&ed, &data, spec).expect("plan");
        let narrow = run_with::<u16>(&plan, &Options::default());
        assert_eq!(narrow, run_with::<u32>(&plan, &Options::default()));
        assert_eq!(narrow, run(&plan, &Options::default()));
    }

    /// Values with what makes ranking hard: exact ties, half-way cases at one and two decimals (and
    /// their f64 forms a hair off), negative values, whole numbers, a cluster and outliers.
    fn awkward_values(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 11
        };
        (0..n)
            .map(|i| {
                let r = next();
                match r % 9 {
                    0 => (r % 4000) as f64 / 1000.0 + 30.0,
                    1 => (r % 800) as f64 / 100.0 + 0.005 + 40.0,
                    2 => (r % 80) as f64 / 10.0 + 0.05 + 20.0,
                    3 => 0.285 + (r % 50) as f64,
                    4 => -((r % 3000) as f64) / 100.0 - 0.005,
                    5 => (r % 60) as f64,
                    6 => 50.0 + (r % 1000) as f64 * 1e-7,
                    7 => 55.0 + (r % 100) as f64 / 100.0 * (1.0 + 1e-12),
                    _ => (i % 7) as f64 * 10.0 + 0.5,
                }
            })
            .collect()
    }

    #[test]
    fn counted_ranks_are_the_walked_ranks() {
        let mut counted = 0;
        for (n, seed) in [(1, 1), (2, 2), (70, 3), (700, 4), (3000, 5)] {
            let vals = awkward_values(n, seed);
            let nominal: Vec<u32> = (1..=n as u32).collect();
            let mut order = vec![0u32; n];
            let (mut pairs, mut spare) = (Vec::new(), Vec::new());
            descending(&vals, &mut order, &mut pairs, &mut spare);
            for scale in [1.0, 10.0, 100.0, 1000.0] {
                for rounding in [
                    RoundingMode::HalfUp,
                    RoundingMode::HalfEven,
                    RoundingMode::Down,
                ] {
                    for ties in [Ties::Dense, Ties::Competition] {
                        let kf = KeyFn {
                            scale: Some(scale),
                            rounding,
                        };
                        let mut walked = vec![0; n];
                        let want = rank_sorted(&order, &vals, &kf, ties, &mut walked, &nominal);
                        let mut got = vec![0; n];
                        let mut scratch = Ranking::default();
                        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        let range = (kf.key(hi) - kf.key(lo)) as usize + 1;
                        match rank_counted(&vals, &kf, ties, &mut got, &nominal, &mut scratch) {
                            Some(sums) => {
                                assert_eq!(got, walked, "×{scale}, {rounding:?}, {ties:?}, {n}");
                                assert_eq!(sums, want);
                                counted += 1;
                            }
                            None => assert!(range > counted_range(n), "a narrow key is counted"),
                        }
                    }
                }
            }
            // Exact values are never counted, and neither is a range far wider than the block.
            let mut out = vec![0; n];
            let mut scratch = Ranking::default();
            let wide = if n > 2 { 1e7 } else { 1e15 };
            for kf in [
                KeyFn {
                    scale: None,
                    rounding: RoundingMode::HalfUp,
                },
                KeyFn {
                    scale: Some(wide),
                    rounding: RoundingMode::HalfUp,
                },
            ] {
                assert!(
                    rank_counted(&vals, &kf, Ties::Dense, &mut out, &nominal, &mut scratch)
                        .is_none()
                );
            }
        }
        // Every block at whole points and tenths, the largest at hundredths too.
        assert!(counted >= 5 * 2 * 3 * 2 + 3 * 2, "{counted}");
        // A value that is not finite leaves the ranking to the walk.
        let kf = KeyFn {
            scale: Some(100.0),
            rounding: RoundingMode::HalfUp,
        };
        let mut out = vec![0; 2];
        let none = rank_counted(
            &[1.0, f64::INFINITY],
            &kf,
            Ties::Dense,
            &mut out,
            &[1, 2],
            &mut Ranking::default(),
        );
        assert!(none.is_none());
    }

    #[test]
    fn a_tally_reads_the_percentiles_and_shares_of_the_sorted_ranks() {
        let mut x = 7u64;
        for draws in [1usize, 2, 3, 20, 2856] {
            let mut ranks: Vec<u32> = (0..draws)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    3 + ((x >> 33) % 40) as u32
                })
                .collect();
            let lo = *ranks.iter().min().unwrap();
            let hi = *ranks.iter().max().unwrap();
            let mut counts = vec![0u32; (hi - lo + 1) as usize];
            for &r in &ranks {
                counts[(r - lo) as usize] += 1;
            }
            let tally = Tally {
                lo,
                counts: &counts,
            };
            ranks.sort_unstable();
            for q in [5, 50, 95] {
                assert_eq!(tally.sorted(percentile_at(draws, q)), percentile(&ranks, q));
            }
            for k in [1, 2, 3, 10, 20, 42, 43, 100] {
                assert_eq!(tally.at_most(k), ranks.iter().filter(|&&r| r <= k).count());
            }
        }
    }

    #[test]
    fn floor_without_libm_is_floor() {
        for v in awkward_values(5000, 9).into_iter().chain([
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0 - 1e-16,
            -1e-300,
            2.5,
            -2.5,
            1e15 + 0.5,
            -1e15 - 0.5,
        ]) {
            for y in [v, v * 100.0, v * 1e6] {
                assert_eq!(floor(y), y.floor(), "{y}");
            }
        }
    }

    #[test]
    fn radix_sort_orders_as_a_stable_sort() {
        let mut keys: Vec<(u64, u32)> = (0..5000u32)
            .map(|i| {
                let x = ((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) % 700;
                (ordered(30.0 + x as f64 / 7.0), i)
            })
            .collect();
        let mut expected = keys.clone();
        expected.sort();
        let mut spare = Vec::new();
        radix_sort(&mut keys, &mut spare);
        assert_eq!(keys, expected);
        assert!(ordered(-1.0) < ordered(-0.5) && ordered(-0.5) < ordered(0.0));
        assert!(ordered(0.0) < ordered(1e-300) && ordered(1e-300) < ordered(2.0));
    }
}
