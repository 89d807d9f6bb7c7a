//! The annex: the published tables of an edition, built from scores.
//!
//! Each table of the edition's layout becomes a [`Table`]: value columns (nodes shown as points or as a
//! 0–1 fraction of their maximum, or raw inputs), sections with their block rows, and per ranked section
//! the ranks under the table's tie policy, computed on the rounded or the exact values as the edition says.
//! This is the one place where scores are rounded: to each column's decimals, with the edition's mode.
//! Rows are ordered by rank, ties and unranked rows in Vietnamese collation of the unit name.
//! A unit that submitted nothing, which the edition's policy lets through, is marked as such: ranked with
//! its zero total (`zero`), or listed without values and rank (`unranked`).

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::dataset::Dataset;
use crate::edition::{ColumnSource, Edition, NotSubmitted, Numbering, RankOn, Show, TableLayout};
use crate::engine::{Scores, Status};
use crate::lang::Lang;
use crate::num::round;
use crate::rank::ranks_in_order;
use crate::table::{Annex, Block, Cell, Column, Entry, RankCell, Row, Table, Text};
use compact_str::ToCompactString as _;

static COMPARISONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A member's place in the order of its section's rows: whether it is unranked (the unranked come
/// last), whether it has a total, the exact total (an integer at the section's
/// common scale when the totals fit one, else the decimal), and its index.
#[derive(Clone, Copy)]
struct SortKey<K> {
    unranked: bool,
    has_total: bool,
    exact: K,
    i: u32,
}

/// The members' indices in the order of the rows: the ranked first, then the higher exact total (which
/// is rank order: the value ranked on, exact or rounded, never decreases as the exact total grows), then
/// the name and unit order (which break every tie, so the parallel sort gives the same rows on any
/// number of threads). What is compared sits side by side in the element the sort moves: compared through
/// indices instead, every comparison read three arrays at random places. Each comparison is counted
/// in `compared`.
fn rank_order<K: Ord + Copy + Send + Sync>(
    exact: &[K],
    ranked: &[bool],
    has_total: impl Fn(usize) -> bool,
    members: &[usize],
    names: &crate::text::SortKeys,
    compared: &Tally,
) -> Vec<usize> {
    let mut keys: Vec<SortKey<K>> = (0..members.len())
        .map(|i| SortKey {
            unranked: !ranked[i],
            has_total: has_total(i),
            exact: exact[i],
            i: i as u32,
        })
        .collect();
    keys.par_sort_by(|a, b| {
        compared.add_one();
        a.unranked
            .cmp(&b.unranked)
            .then_with(|| (b.has_total, b.exact).cmp(&(a.has_total, a.exact)))
            .then_with(|| names.compare(members[a.i as usize], members[b.i as usize]))
    });
    keys.iter().map(|k| k.i as usize).collect()
}

/// A count kept by several threads at once, one counter a thread, each on a cache line of its own.
/// The sort's comparisons were counted on one shared counter: its cache line went from one core to the
/// other on nearly every comparison, and that made three quarters of the sort's time.
struct Tally(Box<[Slot]>);

#[repr(align(128))]
struct Slot(std::sync::atomic::AtomicU64);

impl Tally {
    fn new() -> Tally {
        // The pool's threads, and one more slot for any other (a caller outside the pool).
        let slots = rayon::current_num_threads() + 1;
        Tally(
            (0..slots)
                .map(|_| Slot(std::sync::atomic::AtomicU64::new(0)))
                .collect(),
        )
    }

    #[inline]
    fn add_one(&self) {
        let last = self.0.len() - 1;
        // Another pool's thread may have an index past this pool's: it shares the last slot, which
        // stays exact (an atomic addition), only not uncontended.
        let at = rayon::current_thread_index().map_or(last, |i| i.min(last));
        self.0[at]
            .0
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.0
            .iter()
            .map(|s| s.0.load(std::sync::atomic::Ordering::Relaxed))
            .sum()
    }
}

/// How many comparisons the sorts of rows into rank order have made in this process: the scaling test
/// counts them to show that the annex's work grows as n log n (work counted, never timed).
#[doc(hidden)]
pub fn comparisons_made() -> u64 {
    COMPARISONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Builds every table of the edition's annex.
pub fn build(edition: &Edition, data: &Dataset, scores: &Scores, lang: Lang) -> Annex {
    // Units tied in a ranking are ordered by name: each name's collation key is made once, when a sort
    // first needs it, and shared by every table.
    let names = crate::text::SortKeys::new(data.units.iter().map(|u| u.name.as_str()).collect());
    Annex {
        // Tables are independent: built in parallel, collected in the edition's order.
        tables: edition
            .annex
            .tables
            .par_iter()
            .map(|t| build_table(edition, data, scores, t, lang, &names))
            .collect(),
        ..head(edition, lang)
    }
}

/// The annex without its tables: what its document says before the first table (edition, title,
/// subtitle), for a writer that takes the tables as [`build_each`] makes them.
pub fn head(edition: &Edition, lang: Lang) -> Annex {
    let title = match (lang, &edition.annex.title, &edition.annex.title_en) {
        (Lang::En, _, Some(en)) => en.clone(),
        (_, Some(vi), _) => vi.clone(),
        _ => edition.title(lang).to_string(),
    };
    Annex {
        edition: edition.id.clone(),
        title,
        subtitle: edition.annex.subtitle.clone(),
        tables: Vec::new(),
    }
}

/// The tables of [`build`], the same, each handed to `take` in the edition's order as soon as it and
/// those before it are made, so that a writer can write one while the next are made: a province's
/// annex is tens of megabytes, which a disk takes longer to write than the cores take to serialise. The
/// tables are made in parallel as by [`build`]. Stops handing them when `take` returns false (the
/// writer failed).
pub fn build_each(
    edition: &Edition,
    data: &Dataset,
    scores: &Scores,
    lang: Lang,
    take: impl FnMut(Table) -> bool,
) {
    let names = crate::text::SortKeys::new(data.units.iter().map(|u| u.name.as_str()).collect());
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Table)>();
    let tables = &edition.annex.tables;
    std::thread::scope(|s| {
        let names = &names;
        s.spawn(move || {
            tables
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (i, t)| {
                    // A closed channel: the caller stopped taking, and the rest need not be sent.
                    let _ = tx.send((i, build_table(edition, data, scores, t, lang, names)));
                });
        });
        in_order(rx, tables.len(), take);
    });
}

/// Hands the `n` items numbered `0..n` that `arrivals` brings in any order to `take` in their order,
/// each as soon as those before it have come; stops when `take` returns false.
fn in_order<T>(
    arrivals: impl IntoIterator<Item = (usize, T)>,
    n: usize,
    mut take: impl FnMut(T) -> bool,
) {
    let mut early: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let mut next = 0;
    for (i, t) in arrivals {
        early[i] = Some(t);
        while let Some(t) = early.get_mut(next).and_then(Option::take) {
            next += 1;
            if !take(t) {
                return;
            }
        }
    }
}

/// The id of a section's block, in one scheme for every table of the edition: the section's own label
/// ("I"); for a section printed without one, the label of a labelled section of another table that
/// holds the same units (the same categories) — so the block of departments providing public services
/// is "I" in the group tables too, not "1" —, else the Roman numeral of its place in its table.
fn block_id(edition: &Edition, section: &crate::edition::SectionLayout, k: usize) -> String {
    if let Some(label) = &section.label {
        return label.clone();
    }
    let same_units = |other: &crate::edition::SectionLayout| {
        let (mut a, mut b) = (other.categories.clone(), section.categories.clone());
        a.sort_unstable();
        b.sort_unstable();
        a == b
    };
    edition
        .annex
        .tables
        .iter()
        .flat_map(|t| &t.sections)
        .find(|o| o.label.is_some() && same_units(o))
        .and_then(|o| o.label.clone())
        .unwrap_or_else(|| roman(k + 1))
}

/// `n` in Roman numerals (I, II, …, XL …), as Vietnamese decisions number their parts and blocks.
pub fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// A value as the table shows it, exact (before rounding), or why there is none.
fn shown(
    edition: &Edition,
    scores: &Scores,
    data: &Dataset,
    u: usize,
    src: &ColumnSource,
    show: Show,
) -> Result<Decimal, Cell> {
    match src {
        ColumnSource::Node(n) => {
            let s = scores.get(u, *n);
            match s.status {
                Status::NotEvaluated => Err(Cell::NotEvaluated),
                Status::Excluded => Err(Cell::Blank),
                _ => match show {
                    Show::Points => Ok(s.points),
                    Show::Fraction => {
                        let max = edition.nodes[*n].max;
                        if max > Decimal::ZERO {
                            Ok(s.points / max)
                        } else {
                            Err(Cell::Blank)
                        }
                    }
                },
            }
        }
        ColumnSource::Input(i) => match data.input(u, *i) {
            crate::dataset::Value::Number(d) => Ok(d),
            crate::dataset::Value::NotApplicable => Err(Cell::NotEvaluated),
            _ => Err(Cell::Blank),
        },
    }
}

fn build_table(
    edition: &Edition,
    data: &Dataset,
    scores: &Scores,
    t: &TableLayout,
    lang: Lang,
    names: &crate::text::SortKeys<'_>,
) -> Table {
    let columns: Vec<Column> = t
        .columns
        .iter()
        .map(|c| {
            let (label, node) = match &c.source {
                ColumnSource::Node(n) => {
                    let node = &edition.nodes[*n];
                    (
                        lang.pick(
                            c.label.as_deref().unwrap_or(&node.name),
                            c.label_en.as_deref().or(node.name_en.as_deref()),
                        )
                        .to_string(),
                        Some(node.code.clone()),
                    )
                }
                ColumnSource::Input(i) => {
                    let inp = &edition.inputs[*i];
                    (
                        lang.pick(
                            c.label.as_deref().unwrap_or(&inp.name),
                            c.label_en.as_deref().or(inp.name_en.as_deref()),
                        )
                        .to_string(),
                        None,
                    )
                }
            };
            Column {
                label,
                group: t
                    .column_group
                    .as_deref()
                    .map(|g| lang.pick(g, t.column_group_en.as_deref()).to_string()),
                node,
                decimals: Some(c.decimals),
            }
        })
        .collect();
    let mut blocks = Vec::new();
    // Each section's units, found once; the rows are sized once for all of them: growing a vector of a
    // hundred thousand rows section by section would copy it, into memory the kernel must first clear.
    let section_members: Vec<Vec<usize>> = t
        .sections
        .iter()
        .map(|section| {
            // Room for every unit at once: grown by doubling, the list would be copied into fresh
            // memory each time (room left unused is never touched, so it costs nothing).
            let mut members = Vec::with_capacity(data.units.len());
            members.extend(
                (0..data.units.len())
                    .filter(|&u| section.categories.contains(&data.units[u].category)),
            );
            members
        })
        .collect();
    let mut rows = Vec::with_capacity(section_members.iter().map(Vec::len).sum());
    let mut tt = 0u32;
    let total_src = ColumnSource::Node(t.node);
    for (k, (section, members)) in t.sections.iter().zip(section_members).enumerate() {
        let block_id = block_id(edition, section, k);
        let block_text = Text::from(block_id.as_str());
        blocks.push(Block {
            id: block_id.clone(),
            label: section.label.clone(),
            title: section
                .title
                .as_deref()
                .map(|s| lang.pick(s, section.title_en.as_deref()).to_string()),
            ranked: section.ranked,
            pos: None,
        });
        if t.numbering == Numbering::PerSection {
            tt = 0;
        }
        // Every member's exact and rounded total and what its row prints of the unit, and its rounded
        // values (one list for all, member after member), read in unit order (scores and units are
        // stored unit by unit, so this walks memory forward) and in parallel. Rows are then made in rank
        // order, each reading its member and its values at one place and copying the values into a list
        // of its own, made in row order, which the rendering then reads forward. Made reading the unit,
        // its name, code, total, values and rank each at a random place, a row cost a handful of cache
        // misses, and its values, made in unit order, cost the rendering more.
        struct Member {
            total: Result<(Decimal, Decimal), Cell>,
            unit: Text,
            code: Text,
            not_submitted: bool,
        }
        // A unit that did not submit prints blank cells under the `unranked` policy: asked once a
        // member, then read off the member for each of its values.
        let blank_unsubmitted = edition.not_submitted == NotSubmitted::Unranked;
        let computed: Vec<Member> = members
            .par_iter()
            .with_min_len(256)
            .map(|&u| {
                let unit = &data.units[u];
                let not_submitted = !data.submitted(u);
                Member {
                    total: if blank_unsubmitted && not_submitted {
                        Err(Cell::Blank)
                    } else {
                        shown(edition, scores, data, u, &total_src, t.show)
                            .map(|x| (x, round(x, t.decimals, edition.rounding)))
                    },
                    unit: Text::from(unit.name.as_str()),
                    code: Text::from(unit.code.as_str()),
                    not_submitted,
                }
            })
            .collect();
        let nc = t.columns.len();
        let values: Vec<Entry> = (0..members.len() * nc)
            .into_par_iter()
            .with_min_len(1024)
            .map(|k| {
                let (u, c) = (members[k / nc], &t.columns[k % nc]);
                Entry::computed(if blank_unsubmitted && computed[k / nc].not_submitted {
                    Cell::Blank
                } else {
                    match shown(edition, scores, data, u, &c.source, t.show) {
                        Ok(x) => Cell::Number(round(x, c.decimals, edition.rounding)),
                        Err(cell) => cell,
                    }
                })
            })
            .collect();
        let ranked: Vec<bool> = computed
            .iter()
            .map(|m| section.ranked && m.total.is_ok())
            .collect();
        // The exact totals as integers at one scale when they fit (always, in practice): comparing
        // decimals of different scales costs a rescaling on each of the sort's comparisons.
        let exact: Vec<Decimal> = computed
            .iter()
            .map(|m| m.total.as_ref().map_or(Decimal::ZERO, |x| x.0))
            .collect();
        let exact_keys = crate::num::common_scale_keys(&exact);
        // The comparisons are counted (a count a thread, added to the process's once per sort) so that
        // a test can show the sort's work grows as n log n.
        let compared = Tally::new();
        let has_total = |i: usize| computed[i].total.is_ok();
        let order = match exact_keys {
            Some(k) => rank_order(&k, &ranked, has_total, &members, names, &compared),
            None => rank_order(&exact, &ranked, has_total, &members, names, &compared),
        };
        COMPARISONS.fetch_add(compared.total(), std::sync::atomic::Ordering::Relaxed);
        // The ranks, read off that order: the ranked rows come first, highest exact total first, and the
        // value ranked on (the exact total or the rounded one, which rounding keeps in the same order)
        // changes only between ranks.
        let keys = order.iter().take_while(|&&i| ranked[i]).map(|&i| {
            let (exact, rounded) = *computed[i].total.as_ref().expect("ranked rows have totals");
            if t.ranking.on == RankOn::Rounded {
                rounded
            } else {
                exact
            }
        });
        let ranks: Vec<u32> = ranks_in_order(keys, t.ranking.ties).collect();
        drop((ranked, exact));
        // Rows are made in parallel (a province's are hundreds of thousands), in rank order.
        let first_tt = tt;
        tt += order.len() as u32;
        rows.par_extend(
            order
                .par_iter()
                .enumerate()
                .with_min_len(256)
                .map(|(j, &i)| {
                    let m = &computed[i];
                    Row {
                        tt: Some((first_tt + j as u32 + 1).to_compact_string()),
                        unit: m.unit.clone(),
                        unit_code: Some(m.code.clone()),
                        values: values[i * nc..(i + 1) * nc].to_vec(),
                        total: Entry::computed(match &m.total {
                            Ok((_, r)) => Cell::Number(*r),
                            Err(c) => c.clone(),
                        }),
                        rank: ranks
                            .get(j)
                            .map_or(RankCell::Unranked, |&r| RankCell::Ranked(r)),
                        block: Some(block_text.clone()),
                        origin: None,
                        not_submitted: m.not_submitted,
                    }
                }),
        );
    }
    let node = &edition.nodes[t.node];
    Table {
        id: t.id.clone(),
        title: lang.pick(&t.title, t.title_en.as_deref()).to_string(),
        part: t
            .part
            .as_deref()
            .map(|p| lang.pick(p, t.part_en.as_deref()).to_string()),
        columns,
        total_label: match (&t.total_label, lang) {
            (Some(l), _) => lang.pick(l, t.total_label_en.as_deref()).to_string(),
            (None, _) if t.node == 0 => lang.tr("Tổng điểm", "Total").to_string(),
            (None, _) => node.label(lang).to_string(),
        },
        rank_label: lang.tr("Xếp hạng", "Rank").to_string(),
        blocks,
        rows,
        column_numbers: if t.column_numbers {
            (1..=t.columns.len() + 4)
                .map(|k| Entry::computed(Cell::Text(format!("({k})"))))
                .collect()
        } else {
            Vec::new()
        },
        decimals: Some(t.decimals),
        pos: None,
    }
}

#[cfg(test)]
mod order_tests {
    /// Items that come in any order are handed over in theirs, each as soon as it can be (what has
    /// come before its turn waits, nothing more), and the handing stops when told to.
    #[test]
    fn items_are_handed_in_order_as_soon_as_they_can_be() {
        let mut got = Vec::new();
        let seen = std::cell::Cell::new(0);
        super::in_order(
            [2, 0, 3, 1, 4]
                .map(|i| (i, i))
                .into_iter()
                .inspect(|_| seen.set(seen.get() + 1)),
            5,
            |t| {
                got.push((t, seen.get()));
                true
            },
        );
        // 0 when it came (second), 1 when it came (fourth) with 2 and 3 that waited for it, 4 last.
        assert_eq!(got, [(0, 2), (1, 4), (2, 4), (3, 4), (4, 5)]);
        let mut taken = Vec::new();
        super::in_order([(1, 'b'), (0, 'a'), (2, 'c')], 3, |t| {
            taken.push(t);
            taken.len() < 2
        });
        assert_eq!(taken, ['a', 'b']);
    }
}

#[cfg(test)]
mod tally_tests {
    use super::Tally;
    use rayon::prelude::*;

    /// Every count is kept, whichever thread makes it: the global pool's threads, threads outside
    /// any pool, and the threads of a larger pool whose indices run past the tally's slots.
    #[test]
    fn a_tally_counts_every_thread() {
        let tally = Tally::new();
        (0..100_000).into_par_iter().for_each(|_| tally.add_one());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..1_000).for_each(|_| tally.add_one()));
            }
        });
        let n_wide = rayon::current_num_threads() + 3;
        let wide = rayon::ThreadPoolBuilder::new()
            .num_threads(n_wide)
            .build()
            .expect("a pool");
        // Once on every thread of that pool, so that the indices past the slots are sure to count.
        wide.broadcast(|_| (0..1_000).for_each(|_| tally.add_one()));
        assert_eq!(tally.total(), 104_000 + 1_000 * n_wide as u64);
    }
}
