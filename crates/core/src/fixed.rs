//! Non-negative decimals as a bare 96-bit mantissa and a scale: the fast arithmetic of scoring.
//!
//! Scoring adds points up a tree of a hundred nodes for every unit, and nearly every value it adds is a
//! non-negative decimal whose sum fits in 96 bits at the larger scale — the case in which
//! [`rust_decimal`]'s `+` is exact and its result is simply the aligned integer sum. `rust_decimal`
//! reaches that result through generic code over 32-bit limbs (sign, zero and overflow handling, a
//! rescale by repeated multiplication); [`Fixed`] does the same on one `u128` with a table of powers
//! of ten. Every operation either returns exactly the [`Decimal`] that `rust_decimal` would (same value,
//! same scale, bit for bit) or `None`, and the caller then does it in [`Decimal`]: the exact ones
//! (`checked_add`, `checked_mul`) decline a result past 96 bits or 28 decimals, which `rust_decimal`
//! would round; `add_as_decimal` and `checked_div` copy that rounding where it is common (sums of long
//! quotients, quotients that do not end) and decline the rest. Negative values and the negative zero
//! never become a `Fixed` ([`Fixed::from_decimal`] refuses them), so no sign rule of `rust_decimal`
//! needs copying.
//!
//! Rules of `rust_decimal` that are easy to miss and that this copies: adding a zero returns the other
//! operand as it is (`0.00 + 5` is `5`, not `5.00`), otherwise the sum has the larger scale (`1.5 + 2`
//! is `3.5`, `1.50 + 2` is `3.50`); a product has the summed scale, but a zero factor gives a plain
//! zero (`0.00 × 0.25` is `0`). The property tests below check every operation against
//! `rust_decimal` on drawn mantissas up to 96 bits and scales up to 28.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// 2⁹⁶: the first mantissa a [`Decimal`] cannot hold.
const OVER_96: u128 = 1 << 96;

/// 10⁰ … 10²⁸ (a `Decimal`'s scales).
const POW10: [u128; 29] = {
    let mut t = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// A non-negative decimal `m × 10^-scale` with `m < 2⁹⁶` and `scale ≤ 28`: exactly the [`Decimal`]s
/// whose sign bit is clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed {
    m: u128,
    scale: u32,
}

impl Fixed {
    pub const ZERO: Fixed = Fixed { m: 0, scale: 0 };

    /// The same decimal, or `None` for a negative one or a negative zero.
    #[inline]
    pub fn from_decimal(d: Decimal) -> Option<Fixed> {
        if d.is_sign_negative() {
            return None;
        }
        Some(Fixed {
            m: d.mantissa() as u128,
            scale: d.scale(),
        })
    }

    /// `m × 10^-scale` for a mantissa of at most 64 bits and a scale of at most 28 (a packed cell of
    /// the input matrix): the `Fixed` of `Decimal::from_parts(m, …, false, scale)`.
    #[inline]
    pub fn small(m: u64, scale: u32) -> Fixed {
        debug_assert!(scale <= 28);
        Fixed {
            m: u128::from(m),
            scale,
        }
    }

    /// The [`Decimal`] with this mantissa and scale (bit for bit what `rust_decimal` would hold).
    #[inline]
    pub fn to_decimal(self) -> Decimal {
        Decimal::from_parts(
            self.m as u32,
            (self.m >> 32) as u32,
            (self.m >> 64) as u32,
            false,
            self.scale,
        )
    }

    /// The decimal in one `u128`: the mantissa in bits 0–95, the scale in bits 96–103 (bit 104, the
    /// sign of a negative decimal in [`pack`], clear). A value that moves through a hundred nodes a
    /// unit moves in registers this way, not as a 32-byte struct with padding.
    #[inline]
    pub fn packed(self) -> u128 {
        self.m | (u128::from(self.scale) << 96)
    }

    /// The `Fixed` of [`Fixed::packed`] bits, `None` when bit 104 (a negative decimal) is set.
    #[inline]
    pub fn from_packed(bits: u128) -> Option<Fixed> {
        (bits & SIGN_BIT == 0).then_some(Fixed {
            m: bits & (OVER_96 - 1),
            scale: (bits >> 96) as u32 & 0xff,
        })
    }

    #[inline]
    pub fn is_zero(self) -> bool {
        self.m == 0
    }

    /// `self + other` exactly as `rust_decimal`'s `+` gives it, or `None` when that sum needs more than
    /// 96 bits at the larger scale (where `rust_decimal` would round: the caller adds in [`Decimal`]).
    #[inline]
    pub fn checked_add(self, other: Fixed) -> Option<Fixed> {
        if self.m == 0 {
            return Some(other);
        }
        if other.m == 0 {
            return Some(self);
        }
        let (a, b, scale) = self.aligned(other)?;
        // Both below 2⁹⁶, so the u128 sum cannot wrap.
        let m = a + b;
        (m < OVER_96).then_some(Fixed { m, scale })
    }

    /// `self + other` as `rust_decimal`'s `+` gives it also where that is not exact: a sum past 96 bits
    /// at the larger scale loses the fewest last decimals that bring it within 96 bits, rounded half to
    /// even on all of them (`rust_decimal`'s `reduce_scale` and `Buf24::rescale`) — the usual fate of
    /// quotients of 28 decimals added up a unit's tree. `None` where the exact sum passes 2¹²⁸, would
    /// lose more than nine decimals or more than its scale (`rust_decimal` overflows), or rounds up
    /// past 96 bits again: rare, and left to `rust_decimal`.
    #[inline]
    pub fn add_as_decimal(self, other: Fixed) -> Option<Fixed> {
        // `checked_add`'s first steps, not a call to it: sums past 96 bits are the common case here
        // (quotients of 28 decimals added up), and on its `None` the sum would be aligned again.
        if self.m == 0 {
            return Some(other);
        }
        if other.m == 0 {
            return Some(self);
        }
        let (a, b, scale) = match self.scale.cmp(&other.scale) {
            Ordering::Equal => (self.m, other.m, self.scale),
            Ordering::Less => (
                mul(self.m, POW10[(other.scale - self.scale) as usize])?,
                other.m,
                other.scale,
            ),
            Ordering::Greater => (
                self.m,
                mul(other.m, POW10[(self.scale - other.scale) as usize])?,
                self.scale,
            ),
        };
        let e = a.checked_add(b)?;
        if e < OVER_96 {
            return Some(Fixed { m: e, scale });
        }
        // The fewest decimals to drop: e < 2⁹⁶ × 10^t (at most 2¹²⁶ for t ≤ 9, no overflow).
        let mut t = 1;
        while t <= 9 && e >= OVER_96 * POW10[t] {
            t += 1;
        }
        if t > 9 || t as u32 > scale {
            return None;
        }
        let p = POW10[t] as u64;
        let (q, r) = div_rem_small(e, p);
        let half = p / 2;
        let q = if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        };
        (q < OVER_96).then_some(Fixed {
            m: q,
            scale: scale - t as u32,
        })
    }

    /// `self × other` exactly as `rust_decimal`'s `*` gives it, or `None` when that product needs more
    /// than 96 bits or 28 decimals (where `rust_decimal` would round). A zero factor gives a zero without
    /// decimals (`0.00 × 0.25` is `0`), as `rust_decimal`'s does.
    #[inline]
    pub fn checked_mul(self, other: Fixed) -> Option<Fixed> {
        if self.m == 0 || other.m == 0 {
            return Some(Fixed::ZERO);
        }
        let scale = self.scale + other.scale;
        if scale > 28 {
            return None;
        }
        let m = mul(self.m, other.m).filter(|&m| m < OVER_96)?;
        Some(Fixed { m, scale })
    }

    /// `self ÷ other` exactly as `rust_decimal`'s `/` gives it, for a divisor below 2³² (a count, a
    /// share of a hundred) with no more decimals than `self`; `None` otherwise (a zero divisor
    /// included), and the caller divides in [`Decimal`].
    ///
    /// `rust_decimal` finds a quotient nine digits at a time, dividing again for every piece. One that
    /// does not end (`2 ÷ 3`) it takes to the last scale whose mantissa fits in 96 bits (at most 28),
    /// rounding half to even; this goes straight there with one division, which is what makes the
    /// ratios of a province's scores cheap. One that ends (`13 ÷ 20`, `1 ÷ 1024`) it stops at the end
    /// of the nine-digit piece in which the remainder runs out, and then strips only some of the
    /// trailing zeros (that scale shows in explanations): [`ending_quotient`] takes the same pieces.
    #[inline]
    pub fn checked_div(self, other: Fixed) -> Option<Fixed> {
        if other.m == 0 || other.m >> 32 != 0 || self.scale < other.scale {
            return None;
        }
        if self.m == 0 {
            // `rust_decimal` returns its plain zero for any zero dividend.
            return Some(Fixed::ZERO);
        }
        let b = other.m;
        let s0 = self.scale - other.scale;
        // The last scale whose quotient fits: m × 10^k < b × 2⁹⁶ (k = 0 always does, as m < 2⁹⁶).
        let limit = b << 96;
        let mut k = 28 - s0;
        let prod = loop {
            match mul(self.m, POW10[k as usize]) {
                Some(p) if p < limit => break p,
                _ => k -= 1,
            }
        };
        // A remainder means that `b` does not divide `m` either (it would divide `m × 10^k`): the
        // usual ratio goes on without a division to ask that first.
        let (mut q, r) = div_rem_small(prod, b as u64);
        if r == 0 {
            let (whole, rest) = div_rem_small(self.m, b as u64);
            if rest == 0 {
                // Exact at the dividend's scale: rust_decimal returns the integer quotient as it is.
                return Some(Fixed {
                    m: whole,
                    scale: s0,
                });
            }
            // It ends within the places there are: at the end of one of rust_decimal's pieces.
            return ending_quotient(self.m, b as u64, s0);
        }
        // Half to even on the remainder (r < b < 2³², so 2r cannot wrap).
        let (r, b) = (u128::from(r), b);
        if 2 * r > b || (2 * r == b && q & 1 == 1) {
            q += 1;
            if q >= OVER_96 {
                return None;
            }
        }
        let (m, scale) = unscale(q, s0 + k);
        Some(Fixed { m, scale })
    }

    /// Both mantissas at the larger scale, when the scaled one stays below 2⁹⁶.
    #[inline]
    fn aligned(self, other: Fixed) -> Option<(u128, u128, u32)> {
        match self.scale.cmp(&other.scale) {
            Ordering::Equal => Some((self.m, other.m, self.scale)),
            Ordering::Less => {
                let a = up(self.m, other.scale - self.scale)?;
                Some((a, other.m, other.scale))
            }
            Ordering::Greater => {
                let b = up(other.m, self.scale - other.scale)?;
                Some((self.m, b, self.scale))
            }
        }
    }

    /// The order of the two numbers (scales do not matter: `1.50` equals `1.5`), as [`Decimal`]'s.
    #[inline]
    pub fn cmp_value(self, other: Fixed) -> Ordering {
        match self.scale.cmp(&other.scale) {
            Ordering::Equal => self.m.cmp(&other.m),
            // Past 2¹²⁸ once scaled, it is above the other (which is below 2⁹⁶).
            Ordering::Less => match mul(self.m, POW10[(other.scale - self.scale) as usize]) {
                Some(a) => a.cmp(&other.m),
                None => Ordering::Greater,
            },
            Ordering::Greater => match mul(other.m, POW10[(self.scale - other.scale) as usize]) {
                Some(b) => self.m.cmp(&b),
                None => Ordering::Less,
            },
        }
    }

    /// `self.min(other)` as [`Ord::min`] on [`Decimal`]s gives it: `self` when the two are equal in
    /// value (its scale is kept).
    #[inline]
    pub fn min_value(self, other: Fixed) -> Fixed {
        if self.cmp_value(other) == Ordering::Greater {
            other
        } else {
            self
        }
    }

    /// `self.max(other)` as [`Decimal::max`] gives it: `self` when the two are equal in value (its
    /// scale is kept — `rust_decimal`'s own `max`, not [`Ord::max`], which would keep `other`'s).
    #[inline]
    pub fn max_value(self, other: Fixed) -> Fixed {
        if self.cmp_value(other) == Ordering::Less {
            other
        } else {
            self
        }
    }
}

/// The sign bit of a packed decimal ([`pack`]).
const SIGN_BIT: u128 = 1 << 104;

/// Any decimal in one `u128`, as [`Fixed::packed`] lays out a non-negative one and with the sign in
/// bit 104: a negative zero keeps its sign, so [`unpack`] gives back the same bits.
#[inline]
pub fn pack(d: Decimal) -> u128 {
    d.mantissa().unsigned_abs()
        | (u128::from(d.scale()) << 96)
        | (u128::from(d.is_sign_negative()) << 104)
}

/// The decimal of [`pack`]ed bits, bit for bit.
#[inline]
pub fn unpack(bits: u128) -> Decimal {
    match Fixed::from_packed(bits) {
        Some(f) => f.to_decimal(),
        None => unpack_negative(bits),
    }
}

/// A negative decimal (or a negative zero, which `Decimal::from_parts` would make positive) from its
/// packed bits, through its serialised form.
#[cold]
fn unpack_negative(bits: u128) -> Decimal {
    let flags = (((bits >> 96) as u32 & 0xff) << 16) | (1 << 31);
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&flags.to_le_bytes());
    b[4..].copy_from_slice(&(bits & (OVER_96 - 1)).to_le_bytes()[..12]);
    Decimal::deserialize(b)
}

/// `m ÷ b` at scale `s0` (`m` below 2⁹⁶, not a multiple of `b`; `b` below 2³²) as `rust_decimal`'s
/// division makes a quotient that ends: nine more places at a time (the quotient times 10⁹ plus the
/// remainder's nine digits), until the remainder runs out, then [`unscale`]. `None` where it would take
/// fewer than nine places in a piece — past scale 19, or a quotient above (2⁹⁶ − 1) ÷ 10⁹ (its
/// `find_scale`) — or where the quotient would pass 96 bits, or where the remainder does not run out:
/// the caller then divides in [`Decimal`].
fn ending_quotient(m: u128, b: u64, s0: u32) -> Option<Fixed> {
    const PIECE: u64 = 1_000_000_000;
    let (mut q, mut r) = div_rem_small(m, b);
    let mut scale = s0;
    while r != 0 {
        // A quotient above (2⁹⁶ − 1) ÷ 10⁹, which rust_decimal extends by fewer places, passes 96
        // bits below: declined there.
        if scale > 19 {
            return None;
        }
        // r < b < 2³², so r × 10⁹ < 2⁶²; q < 2⁹⁶, so q × 10⁹ < 2¹²⁶.
        let t = r * PIECE;
        q = q * u128::from(PIECE) + u128::from(t / b);
        r = t % b;
        scale += 9;
        if q >= OVER_96 {
            return None;
        }
    }
    let (m, scale) = unscale(q, scale);
    Some(Fixed { m, scale })
}

/// The trailing zeros `rust_decimal`'s division strips from a quotient it had to extend (its
/// `unscale`, step for step): eight at a time only while the low 32 bits are all zero, then at most
/// four, two and one — so not always all of them.
#[inline]
fn unscale(mut q: u128, mut scale: u32) -> (u128, u32) {
    while q as u32 == 0 && scale >= 8 && rem_small(q, 100_000_000) == 0 {
        q /= 100_000_000;
        scale -= 8;
    }
    for (digits, low_bits) in [(4u32, 0xF), (2, 0x3), (1, 0x1)] {
        let p = POW10[digits as usize];
        if q & low_bits == 0 && scale >= digits && rem_small(q, p as u64) == 0 {
            q /= p;
            scale -= digits;
        }
    }
    (q, scale)
}

/// `n ÷ d` and its remainder for `d < 2³²` and `n < d × 2⁹⁶` (so that the quotient fits in 96 bits):
/// three 64-bit divisions of 32 bits each, where `u128`'s `/` is a call into a general routine that
/// cost a fifth of a province's scoring.
#[inline]
fn div_rem_small(n: u128, d: u64) -> (u128, u64) {
    let hi = (n >> 64) as u64;
    let (q2, r) = (hi / d, hi % d);
    let t = (r << 32) | ((n >> 32) as u32 as u64);
    let (q1, r) = (t / d, t % d);
    let t = (r << 32) | (n as u32 as u64);
    let (q0, r) = (t / d, t % d);
    (
        (u128::from(q2) << 64) | (u128::from(q1) << 32) | u128::from(q0),
        r,
    )
}

/// `n mod p` for `n < 2⁹⁶` and `p < 2³²`, in 64-bit steps (which the compiler makes multiplications
/// for a constant `p`) rather than through `u128`'s general division.
#[inline]
fn rem_small(n: u128, p: u64) -> u64 {
    let r = ((n >> 64) as u64) % p;
    let r = ((r << 32) | ((n >> 32) as u32 as u64)) % p;
    ((r << 32) | (n as u32 as u64)) % p
}

/// `m × 10^k` when below 2⁹⁶.
#[inline]
fn up(m: u128, k: u32) -> Option<u128> {
    mul(m, POW10[k as usize]).filter(|&x| x < OVER_96)
}

/// `a × b` unless it passes 2¹²⁸. Points are nearly always below 2⁶⁴ and so are the powers of ten
/// up to 10¹⁹: then one 64 × 64-bit multiplication, which cannot overflow, instead of `u128`'s checked
/// one (three multiplications and overflow tests).
#[inline]
fn mul(a: u128, b: u128) -> Option<u128> {
    if (a | b) >> 64 == 0 {
        Some((a as u64 as u128) * (b as u64 as u128))
    } else {
        a.checked_mul(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Mantissas across the whole range, with the edges that matter drawn often: zero, small values,
    /// values near 2⁹⁶ and powers of ten.
    fn mantissa() -> impl Strategy<Value = u128> {
        prop_oneof![
            Just(0u128),
            0u128..1000,
            0u128..(1u128 << 64),
            0u128..OVER_96,
            (OVER_96 - 1000)..OVER_96,
            (0usize..29).prop_map(|k| POW10[k]),
            (0usize..29).prop_map(|k| POW10[k] - 1),
        ]
    }

    fn fixed() -> impl Strategy<Value = Fixed> {
        (mantissa(), 0u32..=28).prop_map(|(m, scale)| Fixed { m, scale })
    }

    fn bits(d: Decimal) -> [u8; 16] {
        d.serialize()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// Every decimal, negative ones and the negative zero included, comes back from [`pack`] with
        /// the same bits; a non-negative one packs as its `Fixed` does.
        #[test]
        fn packs_every_decimal(m in mantissa(), scale in 0u32..=28, neg: bool) {
            let d = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, scale);
            let d = if neg && m == 0 { -Decimal::from_parts(0, 0, 0, false, scale) } else { d };
            prop_assert_eq!(bits(unpack(pack(d))), bits(d));
            prop_assert_eq!(Fixed::from_packed(pack(d)), Fixed::from_decimal(d));
            if let Some(f) = Fixed::from_decimal(d) {
                prop_assert_eq!(f.packed(), pack(d));
            }
        }
    }

    #[test]
    fn the_rules_of_zero_and_scale() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let f = |s: &str| Fixed::from_decimal(d(s)).unwrap();
        for (a, b) in [
            ("0.00", "5"),
            ("5", "0.00"),
            ("1.5", "2"),
            ("1.50", "2"),
            ("0", "0.0"),
        ] {
            let sum = f(a).checked_add(f(b)).unwrap().to_decimal();
            assert_eq!(bits(sum), bits(d(a) + d(b)), "{a} + {b}");
        }
        assert_eq!(
            f("0.00")
                .checked_add(f("5"))
                .unwrap()
                .to_decimal()
                .to_string(),
            "5"
        );
        assert_eq!(
            f("1.50")
                .checked_add(f("2"))
                .unwrap()
                .to_decimal()
                .to_string(),
            "3.50"
        );
        // Quotients: rounded half to even at the 28th decimal (or the 27th when 28 would not fit),
        // the zeros that rounding leaves stripped only as rust_decimal strips them, and what ends
        // early (1 ÷ 4, 13 ÷ 20) at the end of rust_decimal's nine-place piece, stripped as it strips.
        for (a, b) in [
            ("1", "4"),
            ("1", "2"),
            ("13", "20"),
            ("3.0", "8"),
            ("1", "1024"),
            ("1", "3125"),
            ("7", "1048576"),
            ("2", "3"),
            ("74", "53"),
            ("0.0000000000000000000000000005", "2"),
            ("0.0000000000000000000000000015", "2"),
            ("2.9999999999999999999999999999", "3"),
            ("9", "7"),
            ("0", "7"),
            ("6.0", "3"),
        ] {
            let q = f(a).checked_div(f(b)).unwrap().to_decimal();
            assert_eq!(bits(q), bits(d(a) / d(b)), "{a} ÷ {b}");
        }
        assert_eq!(
            f("2.9999999999999999999999999999")
                .checked_div(f("3"))
                .unwrap()
                .to_decimal()
                .to_string(),
            "1.000000000000000000000"
        );
        // Past scale 19 rust_decimal takes fewer than nine places a piece: left to it.
        assert_eq!(f("0.00000000000000000001").checked_div(f("4")), None);
        assert_eq!(f("1").checked_div(f("0")), None);
        assert_eq!(f("1").checked_div(f("0.3")), None);
        assert_eq!(Fixed::from_decimal(d("-0.5")), None);
        assert_eq!(Fixed::from_decimal(-Decimal::ZERO), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn round_trips_every_non_negative_decimal(a in fixed()) {
            let d = a.to_decimal();
            prop_assert!(!d.is_sign_negative());
            prop_assert_eq!(Fixed::from_decimal(d), Some(a));
        }

        /// Where `Fixed` gives a sum it is `rust_decimal`'s bit for bit, and it declines only where
        /// `rust_decimal`'s sum is not the exact one.
        #[test]
        fn adds_as_rust_decimal_does(a in fixed(), b in fixed()) {
            let (x, y) = (a.to_decimal(), b.to_decimal());
            let want = x.checked_add(y);
            match a.checked_add(b) {
                Some(s) => prop_assert_eq!(Some(bits(s.to_decimal())), want.map(bits)),
                None => {
                    // Declined: the exact sum at the larger scale needs more than 96 bits.
                    let s = a.scale.max(b.scale);
                    let exact = a.m.checked_mul(POW10[(s - a.scale) as usize])
                        .and_then(|p| b.m.checked_mul(POW10[(s - b.scale) as usize]).map(|q| (p, q)))
                        .and_then(|(p, q)| p.checked_add(q));
                    prop_assert!(exact.is_none_or(|e| e >= OVER_96), "{} + {} declined", x, y);
                    prop_assert!(!a.is_zero() && !b.is_zero());
                }
            }
        }

        /// Where `Fixed` gives a rounded sum it is `rust_decimal`'s bit for bit: on the whole range,
        /// and on sums of values near 2⁹⁶ at one scale or the next (quotients of 28 decimals added up),
        /// which it must not decline.
        #[test]
        fn adds_and_rounds_as_rust_decimal_does(
            a in fixed(),
            b in fixed(),
            near in (OVER_96 / 2)..OVER_96,
            near2 in (OVER_96 / 1000)..OVER_96,
            scale in 1u32..=28,
            lower in 0u32..3,
        ) {
            let want = a.to_decimal().checked_add(b.to_decimal()).map(bits);
            if let Some(s) = a.add_as_decimal(b) {
                prop_assert_eq!(Some(bits(s.to_decimal())), want);
            }
            let x = Fixed { m: near, scale };
            // Brought to x's scale, y passes 96 bits when lower > 0: rust_decimal's longer road.
            let y = Fixed { m: near2, scale: scale.saturating_sub(lower) };
            let want = x.to_decimal().checked_add(y.to_decimal()).map(bits);
            let got = x.add_as_decimal(y);
            // Declined only where rust_decimal overflows too.
            prop_assert!(got.is_some() || want.is_none(), "{} + {} declined", x.to_decimal(), y.to_decimal());
            if let Some(s) = got {
                prop_assert_eq!(Some(bits(s.to_decimal())), want, "{} + {}", x.to_decimal(), y.to_decimal());
            }
        }

        /// Where `Fixed` gives a product it is `rust_decimal`'s bit for bit, and it declines only where
        /// `rust_decimal`'s product is not the exact one at the summed scale.
        #[test]
        fn multiplies_as_rust_decimal_does(a in fixed(), b in fixed()) {
            let (x, y) = (a.to_decimal(), b.to_decimal());
            let want = x.checked_mul(y);
            match a.checked_mul(b) {
                Some(p) => prop_assert_eq!(Some(bits(p.to_decimal())), want.map(bits)),
                None => {
                    let exact = a.m.checked_mul(b.m);
                    prop_assert!(
                        a.scale + b.scale > 28 || exact.is_none_or(|e| e >= OVER_96),
                        "{} × {} declined", x, y
                    );
                    prop_assert!(!a.is_zero() && !b.is_zero());
                }
            }
        }

        /// Where `Fixed` gives a quotient it is `rust_decimal`'s bit for bit; divisors mostly in the
        /// range it takes (below 2³²), some above.
        #[test]
        fn divides_as_rust_decimal_does(
            a in fixed(),
            m in prop_oneof![1u128..1000, 1u128..(1 << 32), Just((1u128 << 32) - 1), (1u128 << 32)..(1 << 40)],
            scale in 0u32..=28,
        ) {
            let b = Fixed { m, scale };
            let want = a.to_decimal().checked_div(b.to_decimal());
            if let Some(q) = a.checked_div(b) {
                prop_assert_eq!(Some(bits(q.to_decimal())), want.map(bits), "{} ÷ {}", a.to_decimal(), b.to_decimal());
            }
        }

        /// Quotients whose last place is a tie or rounds up into zeros (`t ± δ/b` at the 28th decimal,
        /// `t` often a power of ten): where rounding half to even and the stripping of zeros show.
        #[test]
        fn divides_at_the_last_place_as_rust_decimal_does(
            t in prop_oneof![(1usize..28).prop_map(|k| POW10[k]), 1u128..(1 << 64)],
            b in 1u128..1000,
            delta in -1000i128..1000,
            shift in 0u32..3,
        ) {
            let delta = delta % b as i128;
            let delta = if delta == 0 { b as i128 / 2 } else { delta };
            let Some(m) = (t * b).checked_add_signed(delta).filter(|&m| m < OVER_96) else {
                return Ok(());
            };
            let (x, y) = (Fixed { m, scale: 28 - shift }, Fixed { m: b, scale: 0 });
            let want = x.to_decimal().checked_div(y.to_decimal()).map(bits);
            if let Some(q) = x.checked_div(y) {
                prop_assert_eq!(Some(bits(q.to_decimal())), want, "{} ÷ {}", x.to_decimal(), b);
            }
        }

        /// Quotients that end (a divisor with no prime factor but 2 and 5, below 10²⁸, so that the
        /// quotient ends within 27 places): done here, not declined, whenever `rust_decimal` takes nine
        /// places a piece all the way (a quotient below 79 and a dividend with at most one decimal:
        /// every piece starts at scale 19 or less), and the same bits as `rust_decimal` — the scale of
        /// the piece where the remainder runs out, less the zeros it strips.
        #[test]
        fn divides_ending_quotients_as_rust_decimal_does(
            i in 0u32..28,
            j in 0u32..14,
            k in 0u128..1_000_000,
            a_scale in prop_oneof![0u32..2, 0u32..=28],
        ) {
            let Some(b) = 2u128.pow(i).checked_mul(5u128.pow(j)).filter(|&b| b < 1 << 32) else {
                return Ok(());
            };
            let a = k % (79 * b) + 1;
            let (x, y) = (Fixed { m: a, scale: a_scale }, Fixed { m: b, scale: 0 });
            let want = x.to_decimal().checked_div(y.to_decimal()).map(bits);
            let got = x.checked_div(y);
            if a_scale <= 1 {
                prop_assert!(got.is_some(), "{} ÷ {} declined", x.to_decimal(), b);
            }
            if let Some(q) = got {
                prop_assert_eq!(Some(bits(q.to_decimal())), want, "{} ÷ {}", x.to_decimal(), b);
            }
        }

        /// Ending quotients of any size and scale: where one is given here it is `rust_decimal`'s.
        #[test]
        fn divides_large_ending_quotients_as_rust_decimal_does(
            a in mantissa(),
            i in 0u32..32,
            j in 0u32..14,
            a_scale in 0u32..=28,
            b_scale in 0u32..=28,
        ) {
            let Some(b) = 2u128.pow(i).checked_mul(5u128.pow(j)).filter(|&b| b < 1 << 32) else {
                return Ok(());
            };
            let (x, y) = (Fixed { m: a, scale: a_scale }, Fixed { m: b, scale: b_scale.min(a_scale) });
            let want = x.to_decimal().checked_div(y.to_decimal()).map(bits);
            if let Some(q) = x.checked_div(y) {
                prop_assert_eq!(Some(bits(q.to_decimal())), want, "{} ÷ {}", x.to_decimal(), y.to_decimal());
            }
        }

        /// The 64-bit long division agrees with `u128`'s.
        #[test]
        fn divides_in_64_bit_steps(n in mantissa(), d in 1u64..(1 << 32), hi in 0u128..(1 << 32)) {
            let n = n | ((hi % u128::from(d)) << 96);
            let d128 = u128::from(d);
            prop_assert_eq!(div_rem_small(n, d), (n / d128, (n % d128) as u64));
            let m = n & (OVER_96 - 1);
            prop_assert_eq!(u128::from(rem_small(m, d)), m % d128);
        }

        /// Ratios of counts and shares as scoring meets them (`a × max ÷ b`): the same bits as
        /// `rust_decimal`, and declined only when the quotient ends (its denominator in lowest
        /// terms has no prime factor but 2 and 5), which is what `rust_decimal` stops early for.
        #[test]
        fn divides_ratios_itself_unless_they_end(
            a in 0u128..1_000_000,
            a_scale in 0u32..4,
            b in 1u128..1_000_000,
        ) {
            let (x, y) = (Fixed { m: a, scale: a_scale }, Fixed { m: b, scale: 0 });
            let want = x.to_decimal().checked_div(y.to_decimal()).map(bits);
            match x.checked_div(y) {
                Some(q) => prop_assert_eq!(Some(bits(q.to_decimal())), want),
                None => {
                    let (mut g, mut h) = (a, b);
                    while h != 0 {
                        (g, h) = (h, g % h);
                    }
                    let mut d = b / g;
                    for p in [2, 5] {
                        while d % p == 0 {
                            d /= p;
                        }
                    }
                    prop_assert_eq!(d, 1, "{} ÷ {} declined", x.to_decimal(), b);
                }
            }
        }

        #[test]
        fn orders_and_takes_the_minimum_as_rust_decimal_does(a in fixed(), b in fixed()) {
            let (x, y) = (a.to_decimal(), b.to_decimal());
            prop_assert_eq!(a.cmp_value(b), x.cmp(&y));
            prop_assert_eq!(bits(a.min_value(b).to_decimal()), bits(x.min(y)));
            prop_assert_eq!(bits(a.max_value(b).to_decimal()), bits(x.max(y)));
        }

        /// Values of one magnitude at different scales: the case the alignment is for.
        #[test]
        fn near_values_at_other_scales(m in 0u128..1_000_000, k in 0u32..20, s in 0u32..8) {
            let a = Fixed { m, scale: s };
            let b = Fixed { m: m * POW10[k as usize], scale: s + k };
            prop_assert_eq!(a.cmp_value(b), Ordering::Equal);
            prop_assert_eq!(bits(a.min_value(b).to_decimal()), bits(a.to_decimal().min(b.to_decimal())));
            let sum = a.checked_add(b).unwrap();
            prop_assert_eq!(bits(sum.to_decimal()), bits(a.to_decimal() + b.to_decimal()));
        }
    }
}
