//! The ranked tables reduced to what a draw changes: leaf points (exact, from the engine, then f64) and
//! the tree above them, evaluated with drawn multipliers.
//!
//! The engine scores each scenario (a not-applicable policy × a relative-to-best cohort) once, exactly.
//! A draw then only multiplies points: a node's multiplier scales everything under it, so a leaf weighs
//! the product of the multipliers on its path (0 under a dropped node). For most units a table's value
//! is then a dot product of leaf points and leaf weights — computed for a batch of draws as one matrix
//! product per *segment* (the leaves that every table and rescaling node either holds whole or not at
//! all, so the overall table reuses its categories' sums) — corrected, for units with excluded
//! criteria, by each rescaling node's `× F ÷ (F − excluded)`, innermost first (`Kind::Rescaled`). An
//! aggregate not applicable, not evaluated or excluded stands for all its leaves. Units whose value is
//! not such a sum — points given at an aggregate, a capped aggregate — are evaluated by [`general`],
//! which mirrors the engine's aggregation node by node. At the nominal draw (every multiplier 1, the edition's own
//! choices) the model must give the engine's ranks exactly; `super::run` checks that before drawing.

use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::edition::{Edition, Show};
use crate::engine::{Keep, Scores, Status, score_keeping};

use super::spec::{CohortOption, NaOption};

/// How a unit's value in a table is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Not a ranked member of this table.
    Skip,
    /// Σ leaf points × leaf weight.
    Linear,
    /// Linear, then rescaled at each rescaling node (within the table) that excludes criteria of the
    /// unit, innermost first.
    Rescaled,
    /// Evaluated node by node.
    General,
}

/// One scored scenario.
/// Every node's (points, status) of one unit, for its general evaluation.
pub(crate) type NodeRow = Box<[(f64, Status)]>;

pub(crate) struct Scenario {
    /// Modelled units × leaves, row-major: the leaf's points when it counts, else 0.
    pub points: Vec<f64>,
    /// Per modelled unit, its set of leaves not evaluated (their maxima leave the unit's applicable
    /// maximum): an index into `unevaluated`, whose (start, end) are into `unevaluated_leaves`. Set 0 is
    /// the empty one; units share few sets, so a draw sums each set's maxima once.
    pub unevaluated_of: Vec<u32>,
    pub unevaluated: Vec<(u32, u32)>,
    pub unevaluated_leaves: Vec<u32>,
    /// Per modelled unit, the rescaling nodes that exclude some of its criteria, deepest first, as
    /// (start, end) into `active`: an index into `groups`.
    pub active_at: Vec<(u32, u32)>,
    pub active: Vec<u32>,
    /// The distinct (rescaling node, excluded leaves it rescales) of the scenario, the leaves as (start,
    /// end) into `ex_leaves`: units share a few hundred sets, so a draw sums each set's excluded maximum
    /// once, not once per unit.
    pub groups: Vec<(u32, u32, u32)>,
    pub ex_leaves: Vec<u32>,
    /// Per rescaling node of `Model::rescale_order`, the units it corrects: (unit, index into `groups`).
    pub rescaled: Vec<Vec<(u32, u32)>>,
    /// Per table, per modelled unit.
    pub kinds: Vec<Vec<Kind>>,
    /// Per modelled unit evaluated generally somewhere: every node's (points, status).
    pub rows: Vec<Option<NodeRow>>,
}

pub(crate) struct SectionModel {
    pub block: String,
    pub title: String,
    /// Modelled-unit slots of the ranked members, in nominal order.
    pub members: Vec<usize>,
    /// The engine's rank of each member.
    pub nominal: Vec<u32>,
}

pub(crate) struct TableModel {
    /// Index into `edition.annex.tables`.
    pub layout: usize,
    pub node: usize,
    /// Leaves of the node: `leaf_lo..leaf_hi`.
    pub leaf_lo: usize,
    pub leaf_hi: usize,
    pub fraction: bool,
    pub decimals: u32,
    pub ties: crate::edition::Ties,
    pub on: crate::edition::RankOn,
    pub sections: Vec<SectionModel>,
}

pub(crate) struct Model {
    /// Leaf range of each node.
    pub node_range: Vec<(usize, usize)>,
    /// Segments of each table node and rescaling node (empty for the others).
    pub node_segments: Vec<Vec<usize>>,
    /// The rescaling nodes (`rescale`, and the root).
    pub rescalers: Vec<usize>,
    /// The nodes whose whole-row segment sums a draw needs (ranked tables' and rescaling nodes), and the
    /// index of each node among them.
    pub row_nodes: Vec<usize>,
    pub row_of: Vec<usize>,
    /// The rescaling nodes in the order their corrections are made, deepest first, then by node (the
    /// order of every unit's `active` entries); per node in that order, the earlier ones inside it (whose
    /// corrections are part of the sum it rescales); per table, those inside the table.
    pub rescale_order: Vec<usize>,
    pub rescale_inside: Vec<Vec<usize>>,
    pub table_rescales: Vec<Vec<usize>>,
    /// Size of each node's subtree (the node included): a subtree is `n..n + subtree[n]`.
    pub subtree: Vec<usize>,
    /// Node of each leaf, in tree (pre-)order: a subtree's leaves are consecutive.
    pub leaves: Vec<usize>,
    pub fullmax: Vec<f64>,
    /// `(lo, hi)` leaf ranges.
    pub segments: Vec<(usize, usize)>,
    /// Dataset index of each modelled unit (members of some ranked section), in dataset order.
    pub units: Vec<usize>,
    pub scenarios: Vec<Scenario>,
    pub tables: Vec<TableModel>,
    /// Each node's declared maximum.
    pub node_max: Vec<f64>,
}

pub(crate) fn to_f64(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::MAX)
}

/// The edition of a scenario.
pub(crate) fn scenario_edition(edition: &Edition, na: NaOption, cohort: CohortOption) -> Edition {
    let mut e = edition.clone();
    if let NaOption::Policy(p) = na {
        for n in e.nodes.iter_mut() {
            n.not_applicable = p;
        }
    }
    if cohort == CohortOption::All && !e.blocks.is_empty() {
        let mut all = e.blocks[0].clone();
        all.categories = (0..e.categories.len()).collect();
        e.blocks = vec![all];
    }
    e
}

/// Ranked sections of the engine's annex: per table, per section, (block id, title, [(unit, rank)]).
type Nominal = Vec<Vec<(String, String, Vec<(usize, u32)>)>>;

fn nominal(edition: &Edition, data: &Dataset, scores: &Scores) -> Nominal {
    let annex = crate::annex::build(edition, data, scores, crate::Lang::Vi);
    let by_code: std::collections::HashMap<&str, usize> = data
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.code.as_str(), i))
        .collect();
    annex
        .tables
        .iter()
        .map(|t| {
            t.blocks
                .iter()
                .filter(|b| b.ranked)
                .map(|b| {
                    let members = t
                        .rows
                        .iter()
                        .filter(|r| r.block.as_deref() == Some(b.id.as_str()))
                        .filter_map(|r| match (&r.rank, r.unit_code.as_deref()) {
                            (crate::table::RankCell::Ranked(k), Some(code)) => {
                                by_code.get(code).map(|&u| (u, *k))
                            }
                            _ => None,
                        })
                        .collect();
                    (b.id.clone(), b.title.clone().unwrap_or_default(), members)
                })
                .collect()
        })
        .collect()
}

impl Model {
    /// Scores every scenario and classifies every (table, unit).
    pub fn build(
        edition: &Edition,
        data: &Dataset,
        nas: &[NaOption],
        cohorts: &[CohortOption],
    ) -> Model {
        let nn = edition.nodes.len();
        let mut subtree = vec![1usize; nn];
        for n in (1..nn).rev() {
            if let Some(p) = edition.nodes[n].parent {
                subtree[p] += subtree[n];
            }
        }
        let leaves: Vec<usize> = (1..nn).filter(|&n| edition.nodes[n].is_leaf()).collect();
        let leaf_range = |node: usize| {
            let lo = leaves.partition_point(|&l| l < node);
            let hi = leaves.partition_point(|&l| l < node + subtree[node]);
            (lo, hi)
        };
        let fullmax: Vec<f64> = leaves
            .iter()
            .map(|&n| to_f64(edition.nodes[n].max))
            .collect();

        let base = score_keeping(edition, data, Keep::All);
        let nominal = nominal(edition, data, &base);
        let mut modelled = vec![false; data.units.len()];
        for t in &nominal {
            for (_, _, m) in t {
                for &(u, _) in m {
                    modelled[u] = true;
                }
            }
        }
        let units: Vec<usize> = (0..data.units.len()).filter(|&u| modelled[u]).collect();
        let mut slot = vec![usize::MAX; data.units.len()];
        for (i, &u) in units.iter().enumerate() {
            slot[u] = i;
        }

        // Segments: the leaf ranges between consecutive boundaries of the tables' ranges.
        let mut bounds = Vec::new();
        let mut ranges = Vec::new();
        let rescalers: Vec<usize> = (0..nn)
            .filter(|&n| n == 0 || (edition.nodes[n].rescale && !edition.nodes[n].is_leaf()))
            .collect();
        for &n in edition
            .annex
            .tables
            .iter()
            .map(|t| &t.node)
            .chain(&rescalers)
        {
            let r = leaf_range(n);
            bounds.push(r.0);
            bounds.push(r.1);
        }
        for t in &edition.annex.tables {
            ranges.push(leaf_range(t.node));
        }
        bounds.sort_unstable();
        bounds.dedup();
        let segments: Vec<(usize, usize)> = bounds
            .windows(2)
            .map(|w| (w[0], w[1]))
            .filter(|&(lo, hi)| ranges.iter().any(|&(a, b)| a <= lo && hi <= b))
            .collect();
        let node_range: Vec<(usize, usize)> = (0..nn).map(leaf_range).collect();
        let mut node_segments = vec![Vec::new(); nn];
        for &n in edition
            .annex
            .tables
            .iter()
            .map(|t| &t.node)
            .chain(&rescalers)
        {
            let (lo, hi) = node_range[n];
            node_segments[n] = (0..segments.len())
                .filter(|&s| lo <= segments[s].0 && segments[s].1 <= hi)
                .collect();
        }

        let mut tables = Vec::new();
        for (ti, t) in edition.annex.tables.iter().enumerate() {
            let (lo, hi) = ranges[ti];
            tables.push(TableModel {
                layout: ti,
                node: t.node,
                leaf_lo: lo,
                leaf_hi: hi,
                fraction: t.show == Show::Fraction,
                decimals: t.decimals,
                ties: t.ranking.ties,
                on: t.ranking.on,
                sections: nominal[ti]
                    .iter()
                    .map(|(block, title, m)| SectionModel {
                        block: block.clone(),
                        title: title.clone(),
                        members: m.iter().map(|&(u, _)| slot[u]).collect(),
                        nominal: m.iter().map(|&(_, r)| r).collect(),
                    })
                    .collect(),
            });
        }
        // Capped aggregates under (or at) a table's node: a cap can bind under other weights.
        let capped: Vec<bool> = tables
            .iter()
            .map(|t| {
                (t.node..t.node + subtree[t.node])
                    .any(|n| edition.nodes[n].cap && !edition.nodes[n].is_leaf())
            })
            .collect();

        let mut rescale_order = rescalers.clone();
        rescale_order.sort_by_key(|&p| (std::cmp::Reverse(edition.nodes[p].depth), p));
        // Whether `inner` is in the subtree of `outer` (itself included).
        let within = |outer: usize, inner: usize| inner >= outer && inner < outer + subtree[outer];
        let rescale_inside: Vec<Vec<usize>> = rescale_order
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                (0..i)
                    .filter(|&q| rescale_order[q] != p && within(p, rescale_order[q]))
                    .collect()
            })
            .collect();
        let table_rescales: Vec<Vec<usize>> = tables
            .iter()
            .map(|t| {
                (0..rescale_order.len())
                    .filter(|&q| within(t.node, rescale_order[q]))
                    .collect()
            })
            .collect();
        // Scenarios scored and reduced in parallel (each is an engine run and a pass over its units).
        let combos: Vec<(NaOption, CohortOption)> = nas
            .iter()
            .flat_map(|&na| cohorts.iter().map(move |&c| (na, c)))
            .collect();
        let scenarios: Vec<Scenario> = combos
            .par_iter()
            .map(|&(na, cohort)| {
                let scores = if na == NaOption::Edition && cohort == CohortOption::Block {
                    None
                } else {
                    let e = scenario_edition(edition, na, cohort);
                    Some(score_keeping(&e, data, Keep::All))
                };
                let scores = scores.as_ref().unwrap_or(&base);
                let mut sc = scenario(edition, scores, &units, &leaves, &tables, &capped, &subtree);
                sc.rescaled = rescale_order
                    .iter()
                    .map(|&p| {
                        (0..units.len())
                            .filter_map(|x| {
                                let (a0, a1) = sc.active_at[x];
                                sc.active[a0 as usize..a1 as usize]
                                    .iter()
                                    .find(|&&g| sc.groups[g as usize].0 as usize == p)
                                    .map(|&g| (x as u32, g))
                            })
                            .collect()
                    })
                    .collect();
                sc
            })
            .collect();
        let mut row_nodes: Vec<usize> = tables
            .iter()
            .filter(|t| !t.sections.is_empty())
            .map(|t| t.node)
            .chain(rescalers.iter().copied())
            .collect();
        row_nodes.sort_unstable();
        row_nodes.dedup();
        let mut row_of = vec![usize::MAX; nn];
        for (i, &n) in row_nodes.iter().enumerate() {
            row_of[n] = i;
        }
        Model {
            row_nodes,
            row_of,
            rescale_order,
            rescale_inside,
            table_rescales,
            subtree,
            node_range,
            node_segments,
            rescalers,
            leaves,
            fullmax,
            segments,
            units,
            scenarios,
            tables,
            node_max: edition.nodes.iter().map(|n| to_f64(n.max)).collect(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn scenario(
    edition: &Edition,
    scores: &Scores,
    units: &[usize],
    leaves: &[usize],
    tables: &[TableModel],
    capped: &[bool],
    subtree: &[usize],
) -> Scenario {
    let nl = leaves.len();
    let mut points = vec![0.0; units.len() * nl];
    let mut deducts = Vec::new();
    let mut unevaluated_of = Vec::with_capacity(units.len());
    let mut unevaluated = vec![(0u32, 0u32)];
    let mut unevaluated_leaves = Vec::new();
    let mut unevaluated_set: std::collections::HashMap<Vec<u32>, u32> =
        std::iter::once((Vec::new(), 0)).collect();
    let mut active_at = Vec::with_capacity(units.len());
    let mut active = Vec::new();
    let mut ex_leaves = Vec::new();
    let mut groups = Vec::new();
    let mut group_of: std::collections::HashMap<(u32, Vec<u32>), u32> = Default::default();
    let mut kinds = vec![vec![Kind::Skip; units.len()]; tables.len()];
    let mut rows: Vec<Option<NodeRow>> = vec![None; units.len()];
    let member: Vec<Vec<bool>> = tables
        .iter()
        .map(|t| {
            let mut m = vec![false; units.len()];
            for s in &t.sections {
                for &x in &s.members {
                    m[x] = true;
                }
            }
            m
        })
        .collect();
    let nn = edition.nodes.len();
    let mut status = vec![Status::Missing; nn];
    for (i, &u) in units.iter().enumerate() {
        // Effective statuses: an aggregate not applicable, not evaluated or excluded stands for every
        // leaf under it (0 points; its maximum counted, removed or excluded as the aggregate's is),
        // which is what the engine does with it whatever its leaves say on their own.
        let mut over: Option<(Status, usize)> = None;
        let mut given_at = Vec::new();
        for n in 1..nn {
            if over.is_some_and(|(_, end)| n >= end) {
                over = None;
            }
            let st = scores.get(u, n).status;
            status[n] = match over {
                Some((o, _)) => o,
                None => st,
            };
            if over.is_none() && !edition.nodes[n].is_leaf() {
                match st {
                    Status::NotApplicable | Status::NotEvaluated | Status::Excluded => {
                        over = Some((st, n + subtree[n]))
                    }
                    Status::Given => given_at.push(n),
                    _ => {}
                }
            }
        }
        deducts.clear();
        for (l, &n) in leaves.iter().enumerate() {
            match status[n] {
                Status::Excluded => deducts.push((l as u32, true)),
                Status::NotEvaluated => deducts.push((l as u32, false)),
                Status::NotApplicable => {}
                _ => points[i * nl + l] = to_f64(scores.get(u, n).points),
            }
        }
        let not_evaluated: Vec<u32> = deducts
            .iter()
            .filter(|&&(_, ex)| !ex)
            .map(|&(l, _)| l)
            .collect();
        let set = *unevaluated_set
            .entry(not_evaluated)
            .or_insert_with_key(|leaves| {
                let from = unevaluated_leaves.len() as u32;
                unevaluated_leaves.extend_from_slice(leaves);
                unevaluated.push((from, unevaluated_leaves.len() as u32));
                unevaluated.len() as u32 - 1
            });
        unevaluated_of.push(set);
        // The rescaling node of each excluded leaf: the nearest `rescale` ancestor, or the root.
        let a_start = active.len() as u32;
        let mut by_node: Vec<(usize, u32)> = deducts
            .iter()
            .filter(|&&(_, ex)| ex)
            .map(|&(l, _)| {
                let mut p = edition.nodes[leaves[l as usize]].parent.unwrap_or(0);
                while p != 0 && !edition.nodes[p].rescale {
                    p = edition.nodes[p].parent.unwrap_or(0);
                }
                (p, l)
            })
            .collect();
        // Deepest first (a child's rescaled value enters its ancestor's sum), then by node.
        by_node.sort_by_key(|&(p, l)| (std::cmp::Reverse(edition.nodes[p].depth), p, l));
        for run in by_node.chunk_by(|a, b| a.0 == b.0) {
            let p = run[0].0 as u32;
            let set: Vec<u32> = run.iter().map(|&(_, l)| l).collect();
            let g = *group_of.entry((p, set)).or_insert_with_key(|(_, set)| {
                let from = ex_leaves.len() as u32;
                ex_leaves.extend_from_slice(set);
                groups.push((p, from, ex_leaves.len() as u32));
                groups.len() as u32 - 1
            });
            active.push(g);
        }
        active_at.push((a_start, active.len() as u32));
        let mine: Vec<u32> = active[a_start as usize..]
            .iter()
            .map(|&g| groups[g as usize].0)
            .collect();
        for (ti, t) in tables.iter().enumerate() {
            if !member[ti][i] {
                continue;
            }
            // Points given at an aggregate replace its leaves; a cap can bind under other weights.
            let irregular = capped[ti]
                || given_at
                    .iter()
                    .any(|&n| n >= t.node && n < t.node + subtree[t.node]);
            let inside = |p: usize| p >= t.node && p < t.node + subtree[t.node];
            let kind = if irregular {
                Kind::General
            } else if mine.iter().any(|&p| inside(p as usize)) {
                Kind::Rescaled
            } else {
                Kind::Linear
            };
            kinds[ti][i] = kind;
            if kind == Kind::General && rows[i].is_none() {
                rows[i] = Some(
                    (0..edition.nodes.len())
                        .map(|n| {
                            let s = scores.get(u, n);
                            (to_f64(s.points), s.status)
                        })
                        .collect(),
                );
            }
        }
    }
    Scenario {
        points,
        unevaluated_of,
        unevaluated,
        unevaluated_leaves,
        active_at,
        active,
        groups,
        ex_leaves,
        rescaled: Vec::new(),
        kinds,
        rows,
    }
}

/// A unit's (points, full maximum) at `node` under node multipliers `m` (path products), mirroring the
/// engine's aggregation: not-evaluated and excluded children leave the sum, a cap bounds it, and an
/// exclusion is rescaled at the nearest rescaling node or the root.
pub(crate) fn general(
    edition: &Edition,
    row: &[(f64, Status)],
    m: &[f64],
    node: usize,
    node_max: &[f64],
) -> (f64, f64) {
    let (p, full, _, _) = eval(edition, row, m, node, node_max);
    (p, full)
}

/// (points, full max, excluded max not yet rescaled, whether it counts).
fn eval(
    edition: &Edition,
    row: &[(f64, Status)],
    m: &[f64],
    n: usize,
    node_max: &[f64],
) -> (f64, f64, f64, Count) {
    let node = &edition.nodes[n];
    let (p, status) = row[n];
    let full_here = node_max[n] * m[n];
    match status {
        Status::Excluded => return (0.0, full_here, full_here, Count::Excluded),
        Status::NotEvaluated => return (0.0, full_here, 0.0, Count::NotEvaluated),
        Status::NotApplicable => return (0.0, full_here, 0.0, Count::Counted),
        Status::Given => return (p * m[n], full_here, 0.0, Count::Counted),
        _ if node.is_leaf() && n > 0 => return (p * m[n], full_here, 0.0, Count::Counted),
        _ => {}
    }
    let mut sum = 0.0;
    let mut full = 0.0;
    let mut excluded = 0.0;
    for &c in &node.children {
        let (cp, cf, cx, count) = eval(edition, row, m, c, node_max);
        full += cf;
        excluded += cx;
        if count == Count::Counted {
            sum += cp;
        }
    }
    if node.cap {
        full = full_here;
        sum = sum.min(full);
    }
    if excluded > 0.0 && (node.rescale || n == 0) {
        let base = full - excluded;
        sum = if base > 0.0 { sum * full / base } else { 0.0 };
        excluded = 0.0;
    }
    (sum, full, excluded, Count::Counted)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    Counted,
    Excluded,
    NotEvaluated,
}
