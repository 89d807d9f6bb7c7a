//! The draws: a seed per row of the Saltelli design, so that a row's numbers depend only on the seed and
//! the row's number, never on which thread draws it or in which order.
//!
//! Row `2j` is `A_j`, row `2j + 1` is `B_j`; each is a ChaCha8 stream seeded from (seed, row) through a
//! SplitMix64 finaliser, read as raw `next_u64` words (rand's distributions may change between releases;
//! ChaCha8's stream is fixed by its specification). A row holds one uniform in [0, 1) per dimension:
//! one per varied node of each weight factor, one per categorical factor, in factor order.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use super::spec::{Distribution, Factor};

/// SplitMix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Where each factor's dimensions are in a row.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// `(first dimension, number of dimensions)` per factor.
    pub spans: Vec<(usize, usize)>,
    pub dims: usize,
}

impl Layout {
    pub fn new(factors: &[&Factor]) -> Layout {
        let mut spans = Vec::with_capacity(factors.len());
        let mut dims = 0;
        for f in factors {
            let n = match f {
                Factor::Weights { nodes, .. } => nodes.len(),
                _ => 1,
            };
            spans.push((dims, n));
            dims += n;
        }
        Layout { spans, dims }
    }
}

/// The uniforms of design row `row` into `out` (`layout.dims` long).
pub(crate) fn row(seed: u64, row: u64, out: &mut [f64]) {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed ^ mix(row)));
    for x in out.iter_mut() {
        *x = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    }
}

/// The multiplier a uniform `u` gives, in `[1 − spread, 1 + spread]`.
pub(crate) fn multiplier(u: f64, spread: f64, d: Distribution) -> f64 {
    let t = match d {
        Distribution::Uniform => 2.0 * u - 1.0,
        // Inverse CDF of the triangular distribution on [−1, 1] with its mode at 0.
        Distribution::Triangular => {
            if u < 0.5 {
                -1.0 + (2.0 * u).sqrt()
            } else {
                1.0 - (2.0 * (1.0 - u)).sqrt()
            }
        }
    };
    1.0 + spread * t
}

/// The option a uniform picks among `n`, each equally likely.
pub(crate) fn option(u: f64, n: usize) -> usize {
    ((u * n as f64) as usize).min(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_depend_on_seed_and_row_only() {
        let mut a = [0.0; 5];
        let mut b = [0.0; 5];
        row(7, 3, &mut a);
        row(7, 3, &mut b);
        assert_eq!(a, b);
        row(7, 4, &mut b);
        assert_ne!(a, b);
        row(8, 3, &mut b);
        assert_ne!(a, b);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
    }

    #[test]
    fn multipliers_stay_in_their_interval_and_triangular_peaks_at_one() {
        for d in [Distribution::Uniform, Distribution::Triangular] {
            assert!((multiplier(0.0, 0.1, d) - 0.9).abs() < 1e-12);
            assert!((multiplier(0.5, 0.1, d) - 1.0).abs() < 1e-12);
            assert!(multiplier(1.0 - 1e-16, 0.1, d) <= 1.1);
        }
        // Triangular: the middle half of the uniforms maps to a narrower band than uniform's.
        let tri = multiplier(0.75, 0.1, Distribution::Triangular) - 1.0;
        let uni = multiplier(0.75, 0.1, Distribution::Uniform) - 1.0;
        assert!(tri < uni && tri > 0.0);
        assert_eq!(option(0.0, 3), 0);
        assert_eq!(option(0.999_999, 3), 2);
    }
}
