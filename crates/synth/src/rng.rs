//! The one source of randomness of the generator: a seeded ChaCha8 stream and the few draws it needs.
//!
//! Output must be byte-identical for a seed on every machine and across dependency updates, so every
//! draw is derived here from raw `next_u64` words of a named generator (ChaCha8, whose stream is fixed
//! by its specification) instead of `rand`'s distributions, whose algorithms may change between
//! releases. Independent parts (edition, units, values) use separate streams so that, for example,
//! asking for more units does not change the edition.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

/// Which part of the output a stream feeds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    Edition = 1,
    Units = 2,
    Values = 3,
}

pub(crate) struct Draw {
    rng: ChaCha8Rng,
}

/// SplitMix64 finaliser: spreads a seed and a stream tag over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Draw {
    pub(crate) fn new(seed: u64, stream: Stream) -> Draw {
        Draw {
            rng: ChaCha8Rng::seed_from_u64(mix(seed ^ mix(stream as u64))),
        }
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift; the bias is below 2⁻³² for any `n` used here.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.rng.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly normal (Irwin–Hall of 4 uniforms), mean 0, standard deviation ≈ `sd`.
    pub(crate) fn noise(&mut self, sd: f64) -> f64 {
        let s: f64 = (0..4).map(|_| self.unit()).sum::<f64>() - 2.0;
        // Irwin–Hall(4) has variance 4/12.
        s * sd * (3.0f64).sqrt()
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<usize> = (0..8)
            .map({
                let mut d = Draw::new(7, Stream::Units);
                move |_| d.below(1000)
            })
            .collect();
        let b: Vec<usize> = (0..8)
            .map({
                let mut d = Draw::new(7, Stream::Units);
                move |_| d.below(1000)
            })
            .collect();
        let c: Vec<usize> = (0..8)
            .map({
                let mut d = Draw::new(7, Stream::Values);
                move |_| d.below(1000)
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn draws_stay_in_range() {
        let mut d = Draw::new(1, Stream::Edition);
        for _ in 0..10_000 {
            assert!(d.below(3) < 3);
            let x = d.between(-2, 2);
            assert!((-2..=2).contains(&x));
            let u = d.unit();
            assert!((0.0..1.0).contains(&u));
        }
        let mut v: Vec<u32> = (0..50).collect();
        d.shuffle(&mut v);
        let mut s = v.clone();
        s.sort();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
    }
}
