//! What an inconsistency does to a ranking: the block ranked under each reading, and who moves.
//!
//! An error in a total matters to a decision-maker only through the ranks it changes. For every
//! inconsistency that touches a total (a sum that does not add up, an overall value that disagrees with
//! its category table) the audit ranks the unit's block twice with the document's convention: once as
//! printed, once with the other reading of that one total, and lists every unit whose rank differs.
//! Both rankings are recomputed (not the printed ranks), so the difference isolates this inconsistency
//! from any other error in the rank column.

use rust_decimal::Decimal;

use super::ranking::{self, Convention};
use super::{Cx, Impact, RankChange, RankedUnit, Reading};
use crate::edition::Ties;
use crate::table::RankCell;

pub(crate) fn run(cx: &mut Cx) {
    let tables = cx.tables;
    let convention = cx.convention.unwrap_or(Convention {
        ties: Ties::Dense,
        basis: ranking::Basis::Printed,
    });
    let issues = std::mem::take(&mut cx.issues);
    for issue in &issues {
        let t = &tables[issue.table];
        let row = &t.rows[issue.row];
        if matches!(row.rank, RankCell::Unranked) {
            continue;
        }
        let Some(group) = ranking::groups(t)
            .into_iter()
            .find(|g| g.rows.contains(&issue.row))
        else {
            continue;
        };
        let members: Vec<(usize, Decimal)> = group
            .rows
            .iter()
            .filter(|&&ri| !matches!(t.rows[ri].rank, RankCell::Unranked))
            .filter_map(|&ri| t.rows[ri].total.cell.number().map(|v| (ri, v)))
            .collect();
        if !members.iter().any(|(ri, _)| *ri == issue.row) {
            continue;
        }
        let printed: Vec<Decimal> = members.iter().map(|(_, v)| *v).collect();
        let alt: Vec<Decimal> = members
            .iter()
            .map(|(ri, v)| {
                if *ri == issue.row {
                    issue.alt_total
                } else {
                    *v
                }
            })
            .collect();
        let ra = ranking::rank(&printed, convention.ties);
        let rb = ranking::rank(&alt, convention.ties);
        let reading = |values: &[Decimal], ranks: &[u32]| -> Vec<RankedUnit> {
            let mut v: Vec<RankedUnit> = members
                .iter()
                .zip(values.iter().zip(ranks))
                .map(|((ri, _), (total, rank))| RankedUnit {
                    unit: t.rows[*ri].unit.to_string(),
                    total: *total,
                    rank: *rank,
                })
                .collect();
            v.sort_by_key(|u| u.rank);
            v
        };
        let changes = members
            .iter()
            .zip(ra.iter().zip(&rb))
            .filter(|(_, (a, b))| a != b)
            .map(|((ri, _), (a, b))| RankChange {
                unit: t.rows[*ri].unit.to_string(),
                from: *a,
                to: *b,
            })
            .collect();
        cx.impacts.push(Impact {
            finding: issue.finding,
            table: t.id.clone(),
            table_title: t.title.clone(),
            block: ranking::block_label(t, group.block.as_deref()),
            unit: row.unit.to_string(),
            convention,
            readings: vec![
                Reading {
                    label: issue.label_printed.clone(),
                    ranking: reading(&printed, &ra),
                },
                Reading {
                    label: issue.label_alt.clone(),
                    ranking: reading(&alt, &rb),
                },
            ],
            changes,
        });
    }
    cx.issues = issues;
}
