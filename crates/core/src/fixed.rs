//! Non-negative decimals as a bare 96-bit mantissa and a scale: the fast arithmetic of scoring.
//!
//! Scoring adds points up a tree of a hundred nodes for every unit, and nearly every value it adds is a
//! non-negative decimal whose sum fits in 96 bits at the larger scale — the case in which
//! [`rust_decimal`]'s `+` is exact and its result is simply the aligned integer sum. `rust_decimal`
//! reaches that result through generic code over 32-bit limbs (sign, zero and overflow handling, a
//! rescale by repeated multiplication); [`Fixed`] does the same on one `u128` with a table of powers
//! of ten. Every operation either returns exactly the [`Decimal`] that `rust_decimal` would (same value,
//! same scale, bit for bit) or `None` — a sum or product past 96 bits or 28 decimals, which
//! `rust_decimal` would round — and the caller then does it in [`Decimal`]. Negative values and the negative zero never become a `Fixed`
//! ([`Fixed::from_decimal`] refuses them), so no sign rule of `rust_decimal` needs copying.
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
