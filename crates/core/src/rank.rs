//! Ranking: dense (1, 2, 2, 3) and competition (1, 2, 2, 4), highest value first.
//!
//! Ties are exact equality of the values given; whether those are rounded or exact totals is the
//! caller's choice, made from the edition ([`crate::edition::RankOn`]).

use rayon::slice::ParallelSliceMut;
use rust_decimal::Decimal;

pub use crate::edition::Ties;

/// Ranks of `values` (same order as given), highest value = rank 1.
pub fn rank(values: &[Decimal], ties: Ties) -> Vec<u32> {
    // Compared as integers at one scale when they fit (always, for a table's totals), else as decimals.
    match crate::num::common_scale_keys(values) {
        Some(keys) => rank_by(&keys, ties),
        None => rank_by(values, ties),
    }
}

fn rank_by<K: Ord + Copy + Send + Sync>(values: &[K], ties: Ties) -> Vec<u32> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    // In parallel: a province's table is a hundred thousand units. The ranks do not depend on the
    // order among equal values, so neither on the number of threads.
    order.par_sort_unstable_by(|&a, &b| values[b].cmp(&values[a]));
    let mut ranks = vec![0u32; values.len()];
    for (&i, r) in order
        .iter()
        .zip(ranks_in_order(order.iter().map(|&i| values[i]), ties))
    {
        ranks[i] = r;
    }
    ranks
}

/// The ranks of values already in ranking order (highest first), in that order: a new rank starts
/// where the value changes (dense: the next number; competition: one more than the values before).
pub fn ranks_in_order<K: PartialEq>(
    values: impl IntoIterator<Item = K>,
    ties: Ties,
) -> impl Iterator<Item = u32> {
    let mut prev: Option<K> = None;
    let (mut dense, mut current) = (0u32, 0u32);
    values.into_iter().enumerate().map(move |(pos, v)| {
        if prev.as_ref() != Some(&v) {
            dense += 1;
            current = match ties {
                Ties::Dense => dense,
                Ties::Competition => pos as u32 + 1,
            };
            prev = Some(v);
        }
        current
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(v: &[i64]) -> Vec<Decimal> {
        v.iter().map(|&x| Decimal::new(x, 1)).collect()
    }

    #[test]
    fn dense_and_competition() {
        // 67,5 ×3 then 66,9: Hòa Bình 2019 gives 5,5,5,6; MIC/DTI give 5,5,5,8.
        let v = d(&[744, 742, 722, 683, 675, 675, 675, 669]);
        assert_eq!(rank(&v, Ties::Dense), vec![1, 2, 3, 4, 5, 5, 5, 6]);
        assert_eq!(rank(&v, Ties::Competition), vec![1, 2, 3, 4, 5, 5, 5, 8]);
        assert_eq!(rank(&[], Ties::Dense), Vec::<u32>::new());
    }

    proptest! {
        #[test]
        fn rank_properties(raw in proptest::collection::vec(0i64..20, 0..40)) {
            let v = d(&raw);
            let dense = rank(&v, Ties::Dense);
            let comp = rank(&v, Ties::Competition);
            for i in 0..v.len() {
                let higher = v.iter().filter(|x| **x > v[i]).count() as u32;
                let mut distinct_higher: Vec<Decimal> = v.iter().copied().filter(|x| *x > v[i]).collect();
                distinct_higher.sort();
                distinct_higher.dedup();
                // Competition: one more than the number of strictly better units.
                prop_assert_eq!(comp[i], higher + 1);
                // Dense: one more than the number of distinct better values.
                prop_assert_eq!(dense[i], distinct_higher.len() as u32 + 1);
                prop_assert!(dense[i] <= comp[i]);
                for j in 0..v.len() {
                    // Equal values share a rank; better values rank strictly higher.
                    prop_assert_eq!(v[i] == v[j], dense[i] == dense[j]);
                    prop_assert_eq!(v[i] == v[j], comp[i] == comp[j]);
                    if v[i] > v[j] { prop_assert!(dense[i] < dense[j] && comp[i] < comp[j]); }
                }
            }
            // Dense ranks have no gaps.
            let mut ds = dense.clone(); ds.sort(); ds.dedup();
            prop_assert!(ds.iter().enumerate().all(|(k, r)| *r == k as u32 + 1));
        }

        /// Ranking through integer keys gives the ranks of comparing the decimals themselves: values at
        /// mixed scales (equal numbers written `1.5` and `1.50`), negative ones, and now and then one
        /// whose mantissa at the common scale does not fit an `i128` (then the decimals are compared).
        #[test]
        fn integer_keys_rank_as_decimals(
            raw in proptest::collection::vec((-50i64..50, 0u32..4), 0..60),
            huge in proptest::option::of(0usize..60),
        ) {
            let mut v: Vec<Decimal> = raw
                .iter()
                .map(|&(m, extra)| {
                    let x = Decimal::new(m, 1);
                    // The same number at another scale, now and then.
                    let mut y = x;
                    y.rescale(1 + extra);
                    if extra % 2 == 0 { x } else { y }
                })
                .collect();
            if let Some(h) = huge && h < v.len() {
                v[h] = Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 0);
                v.push(Decimal::from_i128_with_scale(1, 28));
            }
            let keys = crate::num::common_scale_keys(&v);
            prop_assert_eq!(keys.is_none(), huge.is_some_and(|h| h < raw.len()));
            for ties in [Ties::Dense, Ties::Competition] {
                prop_assert_eq!(rank(&v, ties), rank_by(&v, ties));
            }
            if let Some(k) = keys {
                for i in 0..v.len() {
                    for j in 0..v.len() {
                        prop_assert_eq!(k[i].cmp(&k[j]), v[i].cmp(&v[j]));
                    }
                }
            }
        }
    }
}
