//! Draws the units of a synthetic province and the values they report, and writes them as the two CSV
//! files `egov_core::dataset` reads (`units.csv`: `code,name,category,flags`; `values.csv`: wide, one
//! row per unit, one column per input or directly-scored criterion).
//!
//! Each unit has a latent quality that its values scatter around, so totals spread like real results
//! (a few leaders, a long middle, a tail) and exact ties are rare but possible. Blank cells (missing
//! data) and "Không áp dụng" cells (the unit declares an item not applicable) are sprinkled at the rates
//! of [`SynthOptions`]. Files start with a UTF-8 byte-order mark so that Excel shows Vietnamese right.

use rust_decimal::Decimal;

use crate::SynthOptions;
use crate::names::Namer;
use crate::plan::{Gen, InputType, Naming, Plan};
use crate::rng::Draw;

/// The text a unit writes when an item does not apply to it.
pub const NOT_APPLICABLE: &str = "Không áp dụng";

/// Flags drawn for units and how often (border units are the ones an excluded criterion targets).
const FLAGS: &[(&str, f64)] = &[("bien-gioi", 0.12), ("mien-nui", 0.35)];

pub(crate) struct UnitRow {
    pub code: String,
    pub name: String,
    pub category: usize,
    pub flags: Vec<&'static str>,
    /// Relative size (scales counts).
    pub size: f64,
    /// Latent quality in (0, 1).
    pub quality: f64,
}

/// How many units of each category a province of `n` units has.
fn category_counts(plan: &Plan, n: usize) -> Vec<usize> {
    let cats = &plan.categories;
    let mut counts = vec![0usize; cats.len()];
    let mut others = 0;
    for (i, c) in cats.iter().enumerate() {
        if c.rest {
            continue;
        }
        let mut k = (c.share * n as f64).round() as usize;
        if n >= cats.len() {
            k = k.max(1);
        }
        if let Some(cap) = c.cap {
            k = k.min(cap);
        }
        k = k.min(n - others);
        counts[i] = k;
        others += k;
    }
    if let Some(rest) = cats.iter().position(|c| c.rest) {
        counts[rest] = n - others;
    }
    counts
}

pub(crate) fn units(plan: &Plan, opts: &SynthOptions, d: &mut Draw) -> Vec<UnitRow> {
    let counts = category_counts(plan, opts.units);
    let mut order: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(c, &k)| std::iter::repeat_n(c, k))
        .collect();
    d.shuffle(&mut order);
    let width = (opts.units * 10 + 9).to_string().len().max(5);
    let mut namer = Namer::new();
    let mut fixed_used = vec![0usize; plan.categories.len()];
    let mut out = Vec::with_capacity(order.len());
    for (i, &c) in order.iter().enumerate() {
        let cat = &plan.categories[c];
        let name = match &cat.naming {
            Naming::Place(prefixes) => {
                let total: u32 = prefixes.iter().map(|p| p.1).sum();
                let mut r = d.below(total as usize) as u32;
                let prefix = prefixes.iter().find(|p| {
                    if r < p.1 {
                        true
                    } else {
                        r -= p.1;
                        false
                    }
                });
                namer.place(d, prefix.map_or(prefixes[0].0, |p| p.0))
            }
            Naming::Fixed(list, fallback) => {
                let f = list.get(fixed_used[c]).map(|s| s.to_string());
                fixed_used[c] += 1;
                namer.fixed_or_place(d, f, fallback)
            }
        };
        // Administrative-unit style codes: increasing, not consecutive, fixed width.
        let code = format!("{:0width$}", 10 * (i + 1) + d.below(10));
        let flags = if matches!(cat.naming, Naming::Fixed(..)) {
            Vec::new()
        } else {
            FLAGS
                .iter()
                .filter(|(_, p)| d.chance(*p))
                .map(|(f, _)| *f)
                .collect()
        };
        let quality = (0.62 + d.noise(0.16)).clamp(0.05, 0.98);
        out.push(UnitRow {
            code,
            name,
            category: c,
            flags,
            size: cat.size,
            quality,
        });
    }
    out
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    let mut buf = Vec::with_capacity(1 << 20);
    buf.extend_from_slice("\u{feff}".as_bytes());
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(buf)
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("all fields are UTF-8")
}

pub(crate) fn units_csv(plan: &Plan, units: &[UnitRow]) -> String {
    let mut w = csv_writer();
    w.write_record(["code", "name", "category", "flags"])
        .expect("in memory");
    for u in units {
        w.write_record([
            u.code.as_str(),
            u.name.as_str(),
            plan.categories[u.category].code,
            u.flags.join(";").as_str(),
        ])
        .expect("in memory");
    }
    finish(w)
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Quality of one answer: the unit's quality with some scatter, in [0, 1].
fn answer(d: &mut Draw, q: f64) -> f64 {
    (q + d.noise(0.15)).clamp(0.0, 1.0)
}

/// `k × step` for the share `p` of `max`.
fn in_steps(p: f64, max: Decimal, step: Decimal) -> Decimal {
    let steps = (max / step).floor();
    let n = steps.to_string().parse::<f64>().unwrap_or(0.0);
    Decimal::from((p * n).round() as i64).min(steps) * step
}

pub(crate) fn values_csv(
    plan: &Plan,
    units: &[UnitRow],
    opts: &SynthOptions,
    d: &mut Draw,
) -> String {
    let points_leaves: Vec<_> = plan.leaves().filter(|l| l.points_step.is_some()).collect();
    let ncols = 1 + plan.inputs.len() + points_leaves.len();
    let mut w = csv_writer();
    let mut header: Vec<&str> = Vec::with_capacity(ncols);
    header.push("unit");
    header.extend(plan.inputs.iter().map(|i| i.id.as_str()));
    header.extend(points_leaves.iter().map(|l| l.code.as_str()));
    w.write_record(&header).expect("in memory");

    let mut cells: Vec<String> = vec![String::new(); ncols];
    let mut totals: Vec<i64> = vec![0; plan.inputs.len()];
    for u in units {
        cells[0].clone_from(&u.code);
        let q = u.quality;
        let mut pcol = 1 + plan.inputs.len();
        for leaf in plan.leaves() {
            let na_rate = if leaf.na_prone {
                opts.na_rate
            } else {
                opts.na_rate / 10.0
            };
            let na = d.chance(na_rate);
            // Totals first: the numerators drawn below are parts of them.
            for &i in &leaf.inputs {
                if let Gen::Total { lo, hi } = plan.inputs[i].draw {
                    totals[i] = if d.chance(0.01) {
                        0
                    } else {
                        (d.between(lo, hi) as f64 * u.size).round() as i64
                    };
                }
            }
            for (k, &i) in leaf.inputs.iter().enumerate() {
                let input = &plan.inputs[i];
                let value = match input.draw {
                    Gen::Total { .. } => totals[i].to_string(),
                    Gen::Part { of } => {
                        ((totals[of] as f64 * answer(d, q)).round() as i64).to_string()
                    }
                    Gen::Percent => {
                        let tenths = (answer(d, q) * 1000.0).round() as i64;
                        format!("{}.{}", tenths / 10, tenths % 10)
                    }
                    Gen::YesNo => if d.chance(0.15 + 0.8 * q) {
                        "Có"
                    } else {
                        "Không"
                    }
                    .to_string(),
                    Gen::Choice => {
                        let p = answer(d, q);
                        let InputType::Choice(c) = &input.ty else {
                            unreachable!("choice inputs have choices")
                        };
                        c[if p > 0.7 {
                            0
                        } else if p > 0.4 {
                            1
                        } else {
                            2
                        }]
                        .to_string()
                    }
                    Gen::Items { full } => {
                        ((answer(d, q) * 1.5 * full as f64).round() as i64).to_string()
                    }
                    Gen::SubPoints { max, step } => dec(in_steps(answer(d, q), max, step)),
                    Gen::Volume { scale } => {
                        let p = answer(d, q);
                        ((p * p * scale as f64 * u.size).round() as i64).to_string()
                    }
                };
                let missing = d.chance(opts.missing_rate);
                cells[1 + i] = if na && k == 0 {
                    NOT_APPLICABLE.to_string()
                } else if missing {
                    String::new()
                } else {
                    value
                };
            }
            if let Some(step) = leaf.points_step {
                let value = dec(in_steps(answer(d, q), leaf.max, step));
                let missing = d.chance(opts.missing_rate);
                cells[pcol] = if na {
                    NOT_APPLICABLE.to_string()
                } else if missing {
                    String::new()
                } else {
                    value
                };
                pcol += 1;
            }
        }
        w.write_record(&cells).expect("in memory");
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stay_within_max() {
        let max = Decimal::new(175, 2);
        let step = Decimal::new(25, 2);
        assert_eq!(in_steps(1.0, max, step), max);
        assert_eq!(in_steps(0.0, max, step), Decimal::ZERO);
        assert_eq!(in_steps(0.5, max, step), Decimal::new(100, 2));
    }
}
