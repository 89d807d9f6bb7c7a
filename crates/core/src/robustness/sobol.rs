//! Variance-based sensitivity indices (Sobol) for `egov robustness`, estimated on a Saltelli design.
//!
//! **Design.** A base sample of `n` rows gives two matrices `A` and `B` (`n × k` values of the `k` uncertain
//! choices, the *factors*), and for each factor `i` the matrix `A_B^(i)`: `A` with the column(s) of factor `i`
//! taken from `B`. The model is run on every row of the `k + 2` matrices, and the outputs are laid out **per
//! base index `j`**: evaluation `j·(k+2)` is `A_j`, `j·(k+2) + 1` is `B_j`, `j·(k+2) + 2 + i` is `A_B^(i)_j`.
//! Keeping the `k + 2` outputs of one `j` together is what lets the bootstrap resample base rows whole and lets
//! [`IntSums`] accumulate one group at a time, in any split.
//!
//! **Estimators.** With `V` the population variance (divide by `2n`) of the `2n` outputs `y(A_j)`, `y(B_j)`:
//! - first order (Saltelli et al. 2010): `S_i = (1/n) Σ_j (y(B_j) − ȳ)·(y(A_B^i_j) − y(A_j)) / V`, with `ȳ`
//!   the mean of the `2n` outputs. Centring does not change what the estimator converges to (the differences
//!   have mean 0) but removes the term `ȳ·Σ(y(A_B^i) − y(A))`, whose noise dominates when the outputs are
//!   large and vary little — ranks near 1 000 that move by one place, or a rank correlation near 1, gave
//!   "first-order" indices of ±40 without it;
//! - total effect (Jansen 1999): `ST_i = (1/(2n)) Σ_j (y(A_j) − y(A_B^i_j))² / V`.
//!
//! These are the two that Saltelli et al. recommend for this design after comparing the published estimators
//! on test functions ("Variance based sensitivity analysis of model output. Design and estimator for the total
//! sensitivity index", Computer Physics Communications 181, 2010). Both only use differences `y(A_B^i) −
//! y(A)`, so a choice that never changes the output gets exactly `0.0` for both indices, not a small number
//! of either sign.
//!
//! **Nothing varies (`V == 0`).** When every `y(A_j)` and `y(B_j)` is the same (a unit whose rank no choice
//! moves), there is no variance to share out, so no choice explains any of it: both indices are `0` for every
//! factor and [`Indices::constant`] says so, instead of dividing by zero.
//!
//! **Exact sums for integer outputs.** Ranks are integers, and the robustness run adds groups from many threads.
//! Floating-point sums depend on the order of the additions, hence on the thread count; [`IntSums`] keeps the
//! sums as `i128` (exact within a stated bound), so merging partial sums in any order or split gives the same
//! integers and therefore bit-identical indices, converted to `f64` only at the end.
//!
//! **Bootstrap.** [`bootstrap`] gives percentile intervals by resampling base indices `j` with replacement
//! (all `k + 2` outputs of a `j` together, as the design requires). Its random draws are derived from
//! `next_u64` of a ChaCha8 stream per resample, never from `rand`'s distributions, so the numbers stay the
//! same across `rand` versions and thread counts.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// The two sensitivity indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Index {
    /// First-order index `S_i`: the share of the output variance the factor explains alone.
    pub first: f64,
    /// Total-effect index `ST_i`: the share it explains alone or together with other factors.
    pub total: f64,
}

/// The indices of every factor, estimated from one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Indices {
    /// Base sample size (number of base indices `j`).
    pub n: usize,
    /// Number of factors.
    pub k: usize,
    /// `V`: the population variance of the `2n` outputs `y(A_j)`, `y(B_j)`.
    pub variance: f64,
    /// True when those outputs are all equal (`V == 0`): then every index is `0` (see the module doc).
    pub constant: bool,
    /// One [`Index`] per factor, in factor order.
    pub per_factor: Vec<Index>,
}

impl Indices {
    fn nothing_varies(n: usize, k: usize) -> Self {
        Indices {
            n,
            k,
            variance: 0.0,
            constant: true,
            per_factor: vec![
                Index {
                    first: 0.0,
                    total: 0.0
                };
                k
            ],
        }
    }
}

/// Number of base indices in `len` outputs of a design with `k` factors; a length that is not a multiple of
/// `k + 2` is the caller's bug.
fn base_count(len: usize, k: usize) -> usize {
    let width = k + 2;
    assert!(
        len.is_multiple_of(width),
        "sobol: {len} outputs is not a multiple of k + 2 = {width}"
    );
    len / width
}

/// The indices of the outputs `y`, laid out per base index as the module doc says.
///
/// # Panics
/// If `y.len()` is not a multiple of `k + 2`, or a value is not finite (both are the caller's bug).
pub fn indices(y: &[f64], k: usize) -> Indices {
    let n = base_count(y.len(), k);
    assert!(
        y.iter().all(|v| v.is_finite()),
        "sobol: outputs must be finite"
    );
    estimate(y, k, n, None)
}

/// The estimators over the base indices, each `j` counted `counts[j]` times (once each when `counts` is
/// `None`), so that the point estimate and every bootstrap resample go through the same arithmetic. `n` is the
/// total count (the resample size). Two passes: the mean first, then squares of centred values, because the
/// one-pass `Σy² − (Σy)²` loses every digit when the outputs are large and close together.
fn estimate(y: &[f64], k: usize, n: usize, counts: Option<&[u32]>) -> Indices {
    let width = k + 2;
    let rows = y.len() / width;
    let weight = |j: usize| counts.map_or(1, |c| c[j]);
    let mut reference = None;
    let mut varies = false;
    let mut sum = 0.0;
    for j in 0..rows {
        let c = weight(j);
        if c == 0 {
            continue;
        }
        let (a, b) = (y[j * width], y[j * width + 1]);
        let r = *reference.get_or_insert(a);
        varies |= a != r || b != r;
        sum += f64::from(c) * (a + b);
    }
    if !varies {
        return Indices::nothing_varies(n, k);
    }
    let two_n = 2.0 * n as f64;
    let mean = sum / two_n;
    let mut squares = 0.0;
    // first-order numerators in 0..k, total-effect numerators in k..2k
    let mut acc = vec![0.0; 2 * k];
    for j in 0..rows {
        let c = weight(j);
        if c == 0 {
            continue;
        }
        let c = f64::from(c);
        let group = &y[j * width..(j + 1) * width];
        let (a, b) = (group[0], group[1]);
        squares += c * ((a - mean) * (a - mean) + (b - mean) * (b - mean));
        let (first, total) = acc.split_at_mut(k);
        for i in 0..k {
            let d = group[2 + i] - a;
            first[i] += c * ((b - mean) * d);
            total[i] += c * (d * d);
        }
    }
    let variance = squares / two_n;
    if variance.is_nan() || variance <= 0.0 {
        // Outputs that differ only below f64's range of squares: no measurable variance, same rule as V == 0.
        return Indices::nothing_varies(n, k);
    }
    let per_factor = (0..k)
        .map(|i| Index {
            first: acc[i] / n as f64 / variance,
            total: acc[k + i] / two_n / variance,
        })
        .collect();
    Indices {
        n,
        k,
        variance,
        constant: false,
        per_factor,
    }
}

/// A percentile interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound (the `(1 − level)/2` quantile of the resampled estimates).
    pub low: f64,
    /// Upper bound (the `(1 + level)/2` quantile).
    pub high: f64,
}

/// Point estimates with bootstrap percentile intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrapped {
    /// The estimates on the whole sample ([`indices`]).
    pub indices: Indices,
    /// Interval of each factor's first-order index, in factor order.
    pub first_ci: Vec<Interval>,
    /// Interval of each factor's total-effect index, in factor order.
    pub total_ci: Vec<Interval>,
    /// Number of bootstrap resamples.
    pub resamples: usize,
    /// Confidence level of the intervals, e.g. `0.95`.
    pub level: f64,
}

/// Percentile bootstrap of the indices of `y` (laid out as the module doc says).
///
/// Each of the `resamples` resamples draws `n` base indices `j` with replacement and keeps all `k + 2` outputs
/// of each drawn `j` together; the interval bounds are the `(1 − level)/2` and `(1 + level)/2` quantiles of the
/// resampled estimates, interpolated linearly between order statistics (Hyndman–Fan type 7, as R and NumPy do
/// by default). Resample `r` draws from `ChaCha8Rng::seed_from_u64(seed)` on stream `r`, and an index below `n`
/// is taken from `next_u64` by Lemire's multiply-and-reject method (exactly uniform). So the result depends
/// only on the inputs: resamples run in parallel and are collected in resample order, and the same inputs give
/// the same bits on any number of threads.
///
/// # Panics
/// As [`indices`]; also if `resamples` is `0`, if `level` is not strictly between 0 and 1, or if `n` exceeds
/// `u32::MAX` (the resample counts are `u32`).
pub fn bootstrap(y: &[f64], k: usize, resamples: usize, level: f64, seed: u64) -> Bootstrapped {
    assert!(
        resamples > 0,
        "sobol: bootstrap needs at least one resample"
    );
    assert!(
        level > 0.0 && level < 1.0,
        "sobol: bootstrap level {level} is not strictly between 0 and 1"
    );
    let point = indices(y, k);
    let n = point.n;
    assert!(
        u32::try_from(n).is_ok(),
        "sobol: base sample too large for the bootstrap"
    );
    let estimates = resampled(y, k, n, resamples, seed);
    let interval = |pick: &dyn Fn(&Index) -> f64, i: usize| {
        let mut values: Vec<f64> = estimates.iter().map(|e| pick(&e.per_factor[i])).collect();
        values.sort_by(f64::total_cmp);
        Interval {
            low: quantile(&values, (1.0 - level) / 2.0),
            high: quantile(&values, (1.0 + level) / 2.0),
        }
    };
    let first_ci = (0..k).map(|i| interval(&|x| x.first, i)).collect();
    let total_ci = (0..k).map(|i| interval(&|x| x.total, i)).collect();
    Bootstrapped {
        indices: point,
        first_ci,
        total_ci,
        resamples,
        level,
    }
}

/// The estimates of every resample, in resample order.
fn resampled(y: &[f64], k: usize, n: usize, resamples: usize, seed: u64) -> Vec<Indices> {
    (0..resamples)
        .into_par_iter()
        .map_init(
            || vec![0u32; n],
            |counts, r| {
                draw_counts(counts, seed, r);
                estimate(y, k, n, Some(counts))
            },
        )
        .collect()
}

/// How many times resample `r` draws each base index: `counts.len()` draws with replacement, from stream `r`
/// of the ChaCha8 generator seeded with `seed`.
fn draw_counts(counts: &mut [u32], seed: u64, r: usize) {
    counts.fill(0);
    let n = counts.len() as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(r as u64);
    for _ in 0..n {
        counts[below(&mut rng, n) as usize] += 1;
    }
}

/// A uniform integer below `n` (`n > 0`) from `next_u64` alone (Lemire 2019, "Fast random integer generation in
/// an interval"): the high word of `x·n`, rejecting the few low words that would bias it.
fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(n);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (m >> 64) as u64
}

/// Quantile `p` of sorted values, linear between order statistics (type 7).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Largest magnitude of an output [`IntSums`] accepts: `2^31`.
pub const INT_LIMIT: i64 = 1 << 31;

/// Largest number of base indices [`IntSums`] accepts: `2^31`.
pub const INT_MAX_N: u64 = 1 << 31;

/// Exact accumulator of the estimators' sums for integer outputs (ranks).
///
/// Holds `n`, `Σ(a+b)`, `Σ(a²+b²)` and per factor `Σ b·(c_i−a)` and `Σ (c_i−a)²` (`a = y(A_j)`,
/// `b = y(B_j)`, `c_i = y(A_B^i_j)`) as `i128` in one boxed slice, so thousands of accumulators (one per unit
/// per table) stay small and adding a group allocates nothing. With `|y| ≤ 2^31` ([`INT_LIMIT`]) and
/// `n ≤ 2^31` ([`INT_MAX_N`]) no sum, nor `2n·Σ(a²+b²) − (Σ(a+b))²`, exceeds `2^126`, so every sum is exact
/// and merging in any order gives the same integers; both bounds are checked, since an overflow would be
/// silent in release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntSums {
    n: u64,
    /// `[Σ(a+b), Σ(a²+b²), Σ b·d_i (k), Σ d_i² (k), Σ d_i (k)]` with `d_i = c_i − a`
    sums: Box<[i128]>,
}

impl IntSums {
    /// Empty sums for `k` factors.
    pub fn new(k: usize) -> Self {
        IntSums {
            n: 0,
            sums: vec![0; 3 * k + 2].into_boxed_slice(),
        }
    }

    /// Number of factors.
    pub fn k(&self) -> usize {
        (self.sums.len() - 2) / 3
    }

    /// Number of base indices added.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Adds the `k + 2` outputs of one base index `j`, in the layout order (`A`, `B`, `A_B^1` … `A_B^k`).
    ///
    /// # Panics
    /// If `group` does not have `k + 2` values, a value exceeds [`INT_LIMIT`] in magnitude, or this would be
    /// base index number `INT_MAX_N + 1`.
    pub fn add(&mut self, group: &[i64]) {
        let k = self.k();
        assert_eq!(group.len(), k + 2, "sobol: a group has k + 2 outputs");
        assert!(
            group.iter().all(|v| v.unsigned_abs() <= INT_LIMIT as u64),
            "sobol: integer output beyond ±2^31"
        );
        assert!(self.n < INT_MAX_N, "sobol: more than 2^31 base indices");
        let a = i128::from(group[0]);
        let b = i128::from(group[1]);
        let (head, numerators) = self.sums.split_at_mut(2);
        head[0] += a + b;
        head[1] += a * a + b * b;
        let (first, rest) = numerators.split_at_mut(k);
        let (total, diffs) = rest.split_at_mut(k);
        for i in 0..k {
            let d = i128::from(group[2 + i]) - a;
            first[i] += b * d;
            total[i] += d * d;
            diffs[i] += d;
        }
        self.n += 1;
    }

    /// Sums gathered elsewhere, in this type's layout (`[Σ(a+b), Σ(a²+b²), Σ b·d_i, Σ d_i², Σ d_i]`) over
    /// `n` base indices: the robustness run accumulates them column-wise for thousands of units at once.
    ///
    /// # Panics
    /// If `sums` does not have `3k + 2` values or `n` exceeds [`INT_MAX_N`].
    pub fn from_sums(k: usize, n: u64, sums: &[i128]) -> Self {
        assert_eq!(sums.len(), 3 * k + 2, "sobol: 3k + 2 sums");
        assert!(n <= INT_MAX_N, "sobol: more than 2^31 base indices");
        IntSums {
            n,
            sums: sums.into(),
        }
    }

    /// Adds the sums of `other` (exact: the order of merges never changes the result).
    ///
    /// # Panics
    /// If the factor counts differ, or the merged `n` would exceed [`INT_MAX_N`].
    pub fn merge(&mut self, other: &IntSums) {
        assert_eq!(self.k(), other.k(), "sobol: merging sums of different k");
        assert!(
            self.n + other.n <= INT_MAX_N,
            "sobol: more than 2^31 base indices"
        );
        self.n += other.n;
        for (s, o) in self.sums.iter_mut().zip(other.sums.iter()) {
            *s += o;
        }
    }

    /// The indices, by the same formulas as [`indices`], from the exact sums: with
    /// `D = 2n·Σ(a²+b²) − (Σ(a+b))² = (2n)²·V` (exact), `S_i = 4n·F_i / D` and `ST_i = 2n·T_i / D`, each
    /// integer converted to `f64` once.
    pub fn indices(&self) -> Indices {
        let k = self.k();
        let n = self.n as usize;
        let two_n = 2 * i128::from(self.n);
        let d = two_n * self.sums[1] - self.sums[0] * self.sums[0];
        if self.n == 0 || d == 0 {
            return Indices::nothing_varies(n, k);
        }
        let d = d as f64;
        let variance = d / (two_n * two_n) as f64;
        let (first, rest) = self.sums[2..].split_at(k);
        let (total, diffs) = rest.split_at(k);
        // Centred first order: Σ(b − ȳ)·d = (2n·Σb·d − Σ(a+b)·Σd) / 2n, kept integer.
        let per_factor = (0..k)
            .map(|i| Index {
                first: (two_n * first[i] - self.sums[0] * diffs[i]) as f64 * 2.0 / d,
                total: total[i] as f64 * two_n as f64 / d,
            })
            .collect();
        Indices {
            n,
            k,
            variance,
            constant: false,
            per_factor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn uniform(rng: &mut ChaCha8Rng) -> f64 {
        (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The groups of a Saltelli design for `f` over the unit cube `[0, 1)^k`, one `Vec` per base index.
    fn design<T>(n: usize, k: usize, seed: u64, f: impl Fn(&[f64]) -> T) -> Vec<Vec<T>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut a, mut b, mut x) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
        (0..n)
            .map(|_| {
                a.iter_mut().for_each(|x| *x = uniform(&mut rng));
                b.iter_mut().for_each(|x| *x = uniform(&mut rng));
                let mut group = Vec::with_capacity(k + 2);
                group.extend([f(&a), f(&b)]);
                for i in 0..k {
                    x.copy_from_slice(&a);
                    x[i] = b[i];
                    group.push(f(&x));
                }
                group
            })
            .collect()
    }

    fn flat(groups: &[Vec<f64>]) -> Vec<f64> {
        groups.concat()
    }

    const ISHIGAMI_A: f64 = 7.0;
    const ISHIGAMI_B: f64 = 0.1;

    fn ishigami(u: &[f64]) -> f64 {
        let x = [0, 1, 2].map(|i| -PI + 2.0 * PI * u[i]);
        x[0].sin() + ISHIGAMI_A * x[1].sin().powi(2) + ISHIGAMI_B * x[2].powi(4) * x[0].sin()
    }

    /// `(S_i, ST_i)` of the Ishigami function from its variance decomposition.
    fn ishigami_analytic() -> [(f64, f64); 3] {
        let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
        let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        [(v1 / v, (v1 + v13) / v), (v2 / v, v2 / v), (0.0, v13 / v)]
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let exact = ishigami_analytic();
        // the textbook values, so a slip in the formulas above cannot pass unnoticed
        for ((s, st), (s0, st0)) in
            exact
                .iter()
                .zip([(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)])
        {
            assert!((s - s0).abs() < 1e-4 && (st - st0).abs() < 1e-4);
        }
        // Accuracy at n = 2^15: over 200 seeds the root-mean-square errors were at most 0.0072 (first order)
        // and 0.0078 (total), the largest error 0.023; so 0.03 is about four standard errors.
        let got = indices(&flat(&design(1 << 15, 3, 1, ishigami)), 3);
        assert!(!got.constant);
        for (i, (s, st)) in exact.iter().enumerate() {
            let x = got.per_factor[i];
            assert!(
                (x.first - s).abs() < 0.03,
                "S{} = {}, exact {s}",
                i + 1,
                x.first
            );
            assert!(
                (x.total - st).abs() < 0.03,
                "ST{} = {}, exact {st}",
                i + 1,
                x.total
            );
        }
        // Coverage on a smaller sample (the bootstrap's cost is n × resamples draws, slow unoptimised):
        // at n = 2^13 with 100 resamples, over 200 seeds the 95 % intervals held the exact ST_i 185–188 times
        // in 200 and were at most 0.078 wide; 0.1 only refuses a degenerate width.
        let b = bootstrap(&flat(&design(1 << 13, 3, 2, ishigami)), 3, 100, 0.95, 7);
        for (i, (_, st)) in exact.iter().enumerate() {
            let ci = b.total_ci[i];
            assert!(
                ci.low <= *st && *st <= ci.high,
                "ST{} = {st} outside {ci:?}",
                i + 1
            );
            assert!(
                ci.high - ci.low < 0.1,
                "ST{} interval {ci:?} too wide",
                i + 1
            );
        }
    }

    #[test]
    fn linear_model_indices_are_the_variance_shares() {
        // y = Σ c_i x_i with x_i uniform on [0, w_i): Var(x_i) = w_i²/12, and no interactions, so S_i = ST_i.
        let c = [1.0, -2.0, 0.5, 3.0];
        let w = [1.0, 1.0, 2.0, 0.5];
        let f = |u: &[f64]| {
            u.iter()
                .zip(c.iter().zip(&w))
                .map(|(u, (c, w))| c * w * u)
                .sum()
        };
        let parts: Vec<f64> = c
            .iter()
            .zip(&w)
            .map(|(c, w)| c * c * w * w / 12.0)
            .collect();
        let total: f64 = parts.iter().sum();
        // n = 2^15: over 200 seeds the root-mean-square errors were at most 0.0076, the largest 0.021 (the
        // output's mean is not 0, which the first-order estimator feels), and V's relative error at most 0.015
        let got = indices(&flat(&design(1 << 15, 4, 2, f)), 4);
        for (i, part) in parts.iter().enumerate() {
            let share = part / total;
            let x = got.per_factor[i];
            assert!(
                (x.first - share).abs() < 0.03,
                "S{i} = {}, exact {share}",
                x.first
            );
            assert!(
                (x.total - share).abs() < 0.03,
                "ST{i} = {}, exact {share}",
                x.total
            );
        }
        let v = total; // Var(y)
        assert!((got.variance - v).abs() < 0.03 * v);
    }

    #[test]
    fn a_factor_that_changes_nothing_explains_nothing() {
        // factor 2 (index 1) is ignored by the model
        let f = |u: &[f64]| (3.0 * u[0]).sin() + u[2] * u[2] + u[0] * u[2];
        let got = indices(&flat(&design(1 << 12, 3, 3, f)), 3);
        // y(A_B^2_j) == y(A_j) for every j, so both numerators are sums of exact zeros
        assert_eq!(got.per_factor[1].total, 0.0);
        assert_eq!(got.per_factor[1].first, 0.0);
        // the others do explain something, so zero is not what every factor gets
        assert!(got.per_factor[0].total > 0.1 && got.per_factor[2].total > 0.1);
    }

    #[test]
    fn constant_output_gives_zero_indices() {
        let y = vec![5.25; 10 * 4];
        let got = indices(&y, 2);
        assert!(got.constant);
        assert_eq!(got.variance, 0.0);
        assert!(
            got.per_factor
                .iter()
                .all(|x| x.first == 0.0 && x.total == 0.0)
        );
        assert_eq!(got.per_factor.len(), 2);
        let mut sums = IntSums::new(2);
        (0..10).for_each(|_| sums.add(&[3, 3, 3, 3]));
        assert_eq!(
            sums.indices(),
            Indices {
                n: 10,
                ..got.clone()
            }
        );
        let b = bootstrap(&y, 2, 20, 0.9, 1);
        assert!(
            b.first_ci
                .iter()
                .chain(&b.total_ci)
                .all(|c| c.low == 0.0 && c.high == 0.0)
        );
        // a changed A_B value alone is not variance of y(A), y(B): still constant, by the rule
        let mut y = y;
        y[2] = 1.0;
        assert!(indices(&y, 2).constant);
    }

    #[test]
    #[should_panic(expected = "not a multiple")]
    fn a_length_off_the_layout_is_refused() {
        indices(&[1.0; 9], 2);
    }

    /// Rank (1 = best, ties share the best rank) of unit 0 among five units scored on three criteria with
    /// uncertain weights; the fourth factor decides whether criterion 3 counts at all.
    fn rank_of_first(u: &[f64]) -> i64 {
        let scores = [
            [7.0, 5.0, 6.0],
            [6.0, 8.0, 4.0],
            [8.0, 4.0, 5.0],
            [5.0, 6.0, 9.0],
            [6.5, 6.5, 6.5],
        ];
        let w = [
            0.5 + u[0],
            0.5 + u[1],
            if u[3] < 0.5 { 0.5 + u[2] } else { 0.0 },
        ];
        let score = |s: &[f64; 3]| s.iter().zip(&w).map(|(s, w)| s * w).sum::<f64>();
        let own = score(&scores[0]);
        1 + scores[1..].iter().filter(|s| score(s) > own).count() as i64
    }

    fn int_sums(groups: &[Vec<i64>], k: usize) -> IntSums {
        let mut sums = IntSums::new(k);
        groups.iter().for_each(|g| sums.add(g));
        sums
    }

    fn as_f64(groups: &[Vec<i64>]) -> Vec<f64> {
        groups.iter().flatten().map(|&v| v as f64).collect()
    }

    fn assert_close(a: &Indices, b: &Indices, tol: f64) {
        assert_eq!((a.n, a.k, a.constant), (b.n, b.k, b.constant));
        assert!((a.variance - b.variance).abs() <= tol * b.variance.abs().max(1.0));
        for (x, y) in a.per_factor.iter().zip(&b.per_factor) {
            assert!((x.first - y.first).abs() <= tol, "{x:?} vs {y:?}");
            assert!((x.total - y.total).abs() <= tol, "{x:?} vs {y:?}");
        }
    }

    #[test]
    fn int_sums_agree_with_the_f64_estimators_on_ranks() {
        let groups = design(3000, 4, 4, rank_of_first);
        let exact = int_sums(&groups, 4).indices();
        let float = indices(&as_f64(&groups), 4);
        assert!(!exact.constant && exact.per_factor.iter().any(|x| x.total > 0.05));
        assert_close(&exact, &float, 1e-12);
        // and on large integers, where squares are beyond f64's exact integers
        let big = design(3000, 3, 5, |u| {
            (ishigami(u) * f64::from(1 << 26)).round() as i64
        });
        assert_close(
            &int_sums(&big, 3).indices(),
            &indices(&as_f64(&big), 3),
            1e-12,
        );
    }

    fn bits(x: &Indices) -> Vec<u64> {
        let mut v = vec![
            x.n as u64,
            x.k as u64,
            u64::from(x.constant),
            x.variance.to_bits(),
        ];
        v.extend(
            x.per_factor
                .iter()
                .flat_map(|i| [i.first.to_bits(), i.total.to_bits()]),
        );
        v
    }

    #[test]
    fn int_sums_merge_in_any_order_or_split_gives_identical_bits() {
        // values up to ~2^30, whose squares an f64 sum would round differently in each order
        let groups = design(2000, 3, 6, |u| {
            (ishigami(u) * f64::from(1 << 26)).round() as i64
        });
        let whole = int_sums(&groups, 3);
        let expected = bits(&whole.indices());
        for size in [1, 7, 100, 999, 2000] {
            let parts: Vec<IntSums> = groups.chunks(size).map(|c| int_sums(c, 3)).collect();
            let mut forward = IntSums::new(3);
            parts.iter().for_each(|p| forward.merge(p));
            let mut backward = IntSums::new(3);
            parts.iter().rev().for_each(|p| backward.merge(p));
            let mut pairs = parts.clone();
            while pairs.len() > 1 {
                pairs = pairs
                    .chunks(2)
                    .map(|c| {
                        let mut m = c[0].clone();
                        c[1..].iter().for_each(|o| m.merge(o));
                        m
                    })
                    .collect();
            }
            for merged in [forward, backward, pairs.pop().unwrap()] {
                assert_eq!(merged, whole);
                assert_eq!(bits(&merged.indices()), expected);
            }
        }
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let merged = pool.install(|| {
                groups
                    .par_iter()
                    .fold(
                        || IntSums::new(3),
                        |mut s, g| {
                            s.add(g);
                            s
                        },
                    )
                    .reduce(
                        || IntSums::new(3),
                        |mut a, b| {
                            a.merge(&b);
                            a
                        },
                    )
            });
            assert_eq!(bits(&merged.indices()), expected);
        }
    }

    #[test]
    #[should_panic(expected = "beyond")]
    fn int_sums_refuse_values_beyond_the_exact_bound() {
        IntSums::new(1).add(&[0, 1, INT_LIMIT + 1]);
    }

    #[test]
    fn bootstrap_is_reproducible_and_brackets_the_estimate() {
        let f = |u: &[f64]| u[0] + 2.0 * u[1] * u[1] + u[0] * u[2];
        let y = flat(&design(2000, 3, 8, f));
        let run = |threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| bootstrap(&y, 3, 150, 0.95, seed))
        };
        let one = run(1, 42);
        let four = run(4, 42);
        let key = |b: &Bootstrapped| -> Vec<u64> {
            b.first_ci
                .iter()
                .chain(&b.total_ci)
                .flat_map(|c| [c.low.to_bits(), c.high.to_bits()])
                .collect()
        };
        assert_eq!(key(&one), key(&four));
        assert_eq!(one, four);
        assert_ne!(
            key(&one),
            key(&run(2, 43)),
            "the seed changes the resamples"
        );
        assert_eq!(one.indices, indices(&y, 3));
        assert_eq!((one.resamples, one.level), (150, 0.95));
        for i in 0..3 {
            let x = one.indices.per_factor[i];
            let (fc, tc) = (one.first_ci[i], one.total_ci[i]);
            assert!(
                fc.low < x.first && x.first < fc.high,
                "S{i} {} outside {fc:?}",
                x.first
            );
            assert!(
                tc.low < x.total && x.total < tc.high,
                "ST{i} {} outside {tc:?}",
                x.total
            );
        }
        // the same resamples at a lower level: strictly inside, from both ends
        let narrow = bootstrap(&y, 3, 150, 0.5, 42);
        assert_eq!(narrow.indices, one.indices);
        for (wide, narrow) in one
            .first_ci
            .iter()
            .chain(&one.total_ci)
            .zip(narrow.first_ci.iter().chain(&narrow.total_ci))
        {
            assert!(
                wide.low < narrow.low && narrow.high < wide.high,
                "{narrow:?} not inside {wide:?}"
            );
        }
    }

    #[test]
    fn a_resample_counts_whole_groups() {
        let f = |u: &[f64]| u[0] * u[1] + u[2];
        let groups = design(300, 3, 9, f);
        let y = flat(&groups);
        let mut counts = vec![0u32; 300];
        let mut previous = Vec::new();
        for r in 0..3 {
            draw_counts(&mut counts, 11, r);
            assert_eq!(counts.iter().sum::<u32>(), 300);
            assert!(counts.iter().any(|&c| c > 1) && counts.contains(&0));
            assert_ne!(counts, previous, "each resample draws anew");
            previous.clone_from(&counts);
            // the weighted estimate is the estimate of the resample written out group by group
            let explicit: Vec<f64> = groups
                .iter()
                .zip(&counts)
                .flat_map(|(g, &c)| (0..c).flat_map(move |_| g.iter().copied()))
                .collect();
            assert_close(
                &estimate(&y, 3, 300, Some(&counts)),
                &indices(&explicit, 3),
                1e-12,
            );
        }
    }

    #[test]
    fn interval_bounds_are_the_level_quantiles() {
        // 41 resamples: the 2.5 % and 97.5 % quantiles fall exactly on the 2nd and 40th order statistics
        let f = |u: &[f64]| u[0] + u[1] * u[1];
        let y = flat(&design(500, 2, 10, f));
        let b = bootstrap(&y, 2, 41, 0.95, 5);
        let estimates = resampled(&y, 2, 500, 41, 5);
        for i in 0..2 {
            for (ci, pick) in [
                (b.first_ci[i], (|x: &Index| x.first) as fn(&Index) -> f64),
                (b.total_ci[i], |x: &Index| x.total),
            ] {
                let mut v: Vec<f64> = estimates.iter().map(|e| pick(&e.per_factor[i])).collect();
                v.sort_by(f64::total_cmp);
                assert_eq!((ci.low, ci.high), (v[1], v[39]));
            }
        }
    }

    #[test]
    fn below_is_in_range_and_uses_every_value() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[below(&mut rng, 7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (850..1150).contains(&c)), "{seen:?}");
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0);
    }
}
