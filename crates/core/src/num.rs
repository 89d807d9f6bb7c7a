//! Exact decimal numbers as Vietnamese offices write them.
//!
//! Every score in egov is a [`Decimal`]; this module owns the two places where numbers cross a text
//! boundary: parsing (`27,0`, `1.234,5`, `27.0`, `0,125`) and formatting with a decimal comma and a fixed
//! number of places. Rounding is explicit ([`RoundingMode`]) and is only ever applied by the caller that
//! the edition names, never implicitly while parsing or adding.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a value is rounded to the decimals an edition prints. Half-up is the Vietnamese administrative
/// convention (21,55 → 21,6); the others exist because some editions state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    /// Ties away from zero: 0,125 → 0,13.
    #[default]
    HalfUp,
    /// Ties to even (banker's rounding): 0,125 → 0,12.
    HalfEven,
    /// Truncate toward zero.
    Down,
}

/// Rounds `value` to `decimals` places. Exact: no binary floating point is involved.
pub fn round(value: Decimal, decimals: u32, mode: RoundingMode) -> Decimal {
    // A non-negative value with more places than printed (a table's every cell): its mantissa divided
    // by a power of ten in integers — what `round_dp_with_strategy` computes, without its general
    // machinery (a province's annex rounds a million values). Anything else goes the general way.
    let scale = value.scale();
    if scale > decimals && !value.is_sign_negative() {
        let m = value.mantissa() as u128;
        // In 64 bits when the mantissa and the divisor fit (every cell of an annex): a 128-bit
        // division is a call into the runtime library, several times slower.
        if let (Ok(m), Some(p)) = (u64::try_from(m), 10u64.checked_pow(scale - decimals)) {
            let (q, r) = (m / p, m % p);
            // q < 2⁶⁴ / 10, so q + 1 fits.
            let q = q + u64::from(rounds_up(mode, q % 2 == 1, r.into(), p.into()));
            return Decimal::from_parts(q as u32, (q >> 32) as u32, 0, false, decimals);
        }
        let p = 10u128.pow(scale - decimals);
        let (q, r) = (m / p, m % p);
        let up = rounds_up(mode, q % 2 == 1, r, p);
        return Decimal::from_i128_with_scale((q + u128::from(up)) as i128, decimals);
    }
    round_general(value, decimals, mode)
}

/// Whether a quotient (`odd` or not) whose division by `p` left `r` is rounded up in `mode`: `2r`
/// against `p`, compared as `r` against `p − r`, which cannot overflow.
fn rounds_up(mode: RoundingMode, odd: bool, r: u128, p: u128) -> bool {
    match mode {
        RoundingMode::HalfUp => r >= p - r,
        RoundingMode::HalfEven => r > p - r || (r == p - r && odd),
        RoundingMode::Down => false,
    }
}

/// [`round`] by `rust_decimal` itself: the reference the fast way is tested against.
fn round_general(value: Decimal, decimals: u32, mode: RoundingMode) -> Decimal {
    let strategy = match mode {
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::Down => RoundingStrategy::ToZero,
    };
    let mut r = value.round_dp_with_strategy(decimals, strategy);
    // round_dp never adds trailing zeros; fix the scale so `27` rounded to 1 place prints as `27,0`.
    r.rescale(decimals);
    r
}

/// Why a piece of text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("{}", crate::msg!("ô trống, cần một số", "empty cell, a number is needed"))]
    Empty,
    /// The text (quoted short, [`crate::text::quote_short`]) is not a number.
    #[error("{}", crate::msg!("\"{0}\" không phải là số", "\"{0}\" is not a number", .0))]
    NotANumber(String),
    /// The text (quoted short) is a number that no exact decimal holds: more than
    /// [`MAX_DIGITS`] significant digits, more than [`MAX_DIGITS`] decimals, or above about 7,9 × 10²⁸.
    #[error("{}", crate::msg!(
        "\"{0}\" quá lớn hoặc quá nhiều chữ số (tối đa 28 chữ số có nghĩa và 28 chữ số thập phân); số này không được làm tròn ngầm",
        "\"{0}\" is too large or has too many digits (at most 28 significant digits and 28 decimals); it is not rounded silently",
        .0
    ))]
    OutOfRange(String),
    /// One separator followed by exactly three digits (`1.500`, `2,500`) and no number style to read it
    /// by: the text (quoted short), its value with a decimal comma, and with a decimal point.
    #[error("{}", crate::msg!(
        "\"{0}\" đọc được hai cách: {1} nếu dấu phẩy là dấu thập phân (kiểu decimal-comma, dấu chấm phân cách hàng nghìn), hoặc {2} nếu dấu chấm là dấu thập phân (kiểu decimal-point)",
        "\"{0}\" reads two ways: {1} if the comma is the decimal mark (style decimal-comma, the dot groups thousands), or {2} if the point is the decimal mark (style decimal-point)",
        .0, format_plain(.1), format_plain(.2)
    ))]
    Ambiguous(String, Decimal, Decimal),
}

impl NumberError {
    fn not_a_number(text: &str) -> NumberError {
        NumberError::NotANumber(crate::text::quote_short(text).into_owned())
    }
    fn out_of_range(text: &str) -> NumberError {
        NumberError::OutOfRange(crate::text::quote_short(text).into_owned())
    }
}

/// Significant digits, and decimals, an exact decimal holds (rust_decimal: a 96-bit mantissa and a
/// scale of at most 28). A number needing more is refused where it is written, never rounded.
pub const MAX_DIGITS: usize = 28;

/// The values as integers at one scale (the largest among them), which compare and sort as the values
/// do — equal numbers written with other scales (`1.5`, `1.50`) become the same integer — or `None`
/// when one does not fit in an `i128`. Sorting a hundred thousand decimals compares their scales on
/// every comparison; integers at one scale are compared in one instruction.
pub fn common_scale_keys(values: &[Decimal]) -> Option<Vec<i128>> {
    let scale = values.iter().map(|v| v.scale()).max().unwrap_or(0);
    // Sized once: collected into an `Option`, the list would grow by doubling (its length unknown to
    // the collector), each time into fresh memory the kernel must clear.
    let mut keys = Vec::with_capacity(values.len());
    for v in values {
        let up = 10i128.checked_pow(scale - v.scale())?;
        keys.push(v.mantissa().checked_mul(up)?);
    }
    Some(keys)
}

/// The exact decimal `int_digits.frac_digits × 10^exp` (ASCII digits only, signs handled by the
/// caller), or `None` when no [`Decimal`] holds that value exactly. The written scale is kept when it
/// can be (`22.50` has scale 2); trailing zeros are dropped only when keeping them would not fit, which
/// does not change the value.
pub fn exact_decimal(int_digits: &str, frac_digits: &str, exp: i64) -> Option<Decimal> {
    let all = || int_digits.bytes().chain(frac_digits.bytes());
    if !all().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lead = all().take_while(|&b| b == b'0').count();
    let total = int_digits.len() + frac_digits.len();
    if lead == total {
        return Some(Decimal::ZERO);
    }
    let frac_len = i64::try_from(frac_digits.len()).ok()?;
    // Significant digits of the mantissa, and the power of ten it is multiplied by.
    let digits = || all().skip(lead);
    let mut len = total - lead;
    let mut power = exp.checked_sub(frac_len)?;
    let trailing = all().rev().take_while(|&b| b == b'0').count();
    let fits = |len: usize, power: i64| len <= 29 && (-28..=28).contains(&power);
    if !fits(len, power) || power > 0 && len + power as usize > 29 {
        // Only trailing zeros can be given up: they do not change the value.
        len -= trailing;
        power = power.checked_add(i64::try_from(trailing).ok()?)?;
    }
    if !fits(len, power) {
        return None;
    }
    let mut m: i128 = 0;
    for b in digits().take(len) {
        m = m * 10 + i128::from(b - b'0');
    }
    if power >= 0 {
        let scaled = m.checked_mul(10i128.checked_pow(u32::try_from(power).ok()?)?)?;
        Decimal::try_from_i128_with_scale(scaled, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(m, u32::try_from(-power).ok()?).ok()
    }
}

/// The exact decimal of a number written in scientific or plain notation with a decimal point
/// (`7.9e28`, `1e-300`, `-0.125`, `1_000.5` as TOML writes them, underscores allowed): `Err(())` when it
/// is not such a number, `Ok(None)` when no [`Decimal`] holds it exactly.
#[allow(clippy::result_unit_err)]
pub fn exact_scientific(text: &str) -> Result<Option<Decimal>, ()> {
    let t: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => {
            let e = &body[i + 1..];
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            // An exponent beyond any decimal's reach only needs to be told apart from the others.
            let mag: i64 = digits.parse().unwrap_or(i64::from(u32::MAX));
            (&body[..i], if e.starts_with('-') { -mag } else { mag })
        }
        None => (body, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    Ok(exact_decimal(int, frac, exp).map(|mut d| {
        if neg {
            d.set_sign_negative(true);
        }
        d
    }))
}

/// Parses a number written either with a decimal comma (`27,0`, `1.234,5`) or a decimal point
/// (`27.0`, `1,234.5`). A single separator followed by exactly three digits is ambiguous (`1.234`);
/// it is read as a decimal separator, because score tables never hold thousands and a thousands reading
/// would silently multiply a score by 1000.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    if let Some(d) = parse_plain(text) {
        return Ok(d);
    }
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}');
    if t.is_empty() {
        return Err(NumberError::Empty);
    }
    let (neg, body) = match t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return Err(NumberError::not_a_number(text));
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let normalized: String = match (commas, dots) {
        (0, 0) => body.to_string(),
        (1, 0) => body.replace(',', "."),
        (0, 1) => body.to_string(),
        (c, 1) if c >= 1 && body.rfind('.') > body.rfind(',') => {
            check_groups(body, ',', '.', text)?;
            body.replace(',', "")
        }
        (1, d) if d >= 1 && body.rfind(',') > body.rfind('.') => {
            check_groups(body, '.', ',', text)?;
            body.replace('.', "").replace(',', ".")
        }
        (0, _) => {
            check_groups(&format!("{body},"), '.', ',', text)?;
            body.replace('.', "")
        }
        (_, 0) => {
            check_groups(&format!("{body}."), ',', '.', text)?;
            body.replace(',', "")
        }
        _ => return Err(NumberError::not_a_number(text)),
    };
    if normalized.starts_with('.') || normalized.ends_with('.') {
        return Err(NumberError::not_a_number(text));
    }
    // Exact or refused: rust_decimal's own parser rounds digits past the 28th silently.
    let (int, frac) = normalized
        .split_once('.')
        .unwrap_or((normalized.as_str(), ""));
    let mut d = exact_decimal(int, frac, 0).ok_or_else(|| NumberError::out_of_range(text))?;
    if neg {
        d.set_sign_negative(true);
    }
    Ok(d)
}

/// How a dataset writes its numbers. Vietnamese offices write a decimal comma and group thousands with
/// dots (`1.500` is one thousand five hundred, `27,5` twenty-seven and a half); English-language tools and
/// machines write a decimal point. Most cells say which by themselves (`27,5`, `0.8123`, `1.234,5`); only
/// one separator followed by exactly three digits (`1.500`, `2,500`) reads both ways, and it is read by
/// the dataset's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NumberStyle {
    /// `1.500` = 1500, `2,5` = 2.5 (Vietnamese writing; the default of the entry form).
    DecimalComma,
    /// `1.500` = 1.5, `2,500` = 2500.
    DecimalPoint,
}

impl NumberStyle {
    /// The name written in `dataset.toml` (`number_style = "decimal-comma"`).
    pub fn name(self) -> &'static str {
        match self {
            NumberStyle::DecimalComma => "decimal-comma",
            NumberStyle::DecimalPoint => "decimal-point",
        }
    }

    /// The style named `name`, if any.
    pub fn from_name(name: &str) -> Option<NumberStyle> {
        match name.trim() {
            "decimal-comma" => Some(NumberStyle::DecimalComma),
            "decimal-point" => Some(NumberStyle::DecimalPoint),
            _ => None,
        }
    }

    /// The decimal separator of the style.
    pub fn decimal(self) -> u8 {
        match self {
            NumberStyle::DecimalComma => b',',
            NumberStyle::DecimalPoint => b'.',
        }
    }

    /// The style in which `sep` is the decimal separator.
    fn with_decimal(sep: u8) -> NumberStyle {
        if sep == b',' {
            NumberStyle::DecimalComma
        } else {
            NumberStyle::DecimalPoint
        }
    }
}

/// A number read from a dataset cell, and the style the text itself shows (`27,5` shows a decimal comma;
/// `75` and, with a style given, `1.500` show none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub value: Decimal,
    pub shows: Option<NumberStyle>,
}

/// Where a lone separator could be a thousands separator: one followed by exactly three digits, after
/// one to three digits that do not start with `0` (`1.500`, `-25,000`; not `0.500` or `1234.567`, which
/// no one groups). Returns the separator.
pub fn ambiguous_separator(body: &[u8]) -> Option<u8> {
    let digits = body.strip_prefix(b"-").unwrap_or(body);
    let n = digits.len();
    if !(5..=7).contains(&n) || digits[0] == b'0' {
        return None;
    }
    let sep = digits[n - 4];
    let ok = matches!(sep, b',' | b'.')
        && digits[..n - 4].iter().all(u8::is_ascii_digit)
        && digits[n - 3..].iter().all(u8::is_ascii_digit);
    ok.then_some(sep)
}

/// Reads a dataset cell as a number in the dataset's `style` (`None`: not known yet). A cell that reads
/// the same either way is read so whatever the style (`27,5`, `0.8123`, `1.500.000`, `1.234,5`), and
/// says which style it shows; one that does not ([`ambiguous_separator`]) is read by `style`, or is
/// [`NumberError::Ambiguous`] without one. Unlike [`parse_decimal`], which reads published tables and
/// takes a lone separator for a decimal one, nothing here is read by guessing.
pub fn parse_number(text: &str, style: Option<NumberStyle>) -> Result<Reading, NumberError> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}');
    let body = t
        .strip_prefix(['-', '+', '\u{2212}'])
        .unwrap_or(t)
        .as_bytes();
    if let Some(sep) = ambiguous_separator(body) {
        let value = parse_decimal(t)?;
        // parse_decimal read the separator as a decimal one; the thousands reading drops it.
        let thousands = || {
            let digits: String = t.chars().filter(|&c| c != ',' && c != '.').collect();
            parse_decimal(&digits)
        };
        return match style {
            Some(s) if s.decimal() == sep => Ok(Reading { value, shows: None }),
            Some(_) => Ok(Reading {
                value: thousands()?,
                shows: None,
            }),
            None => {
                let grouped = thousands()?;
                let (comma, point) = if sep == b',' {
                    (value, grouped)
                } else {
                    (grouped, value)
                };
                Err(NumberError::Ambiguous(
                    crate::text::quote_short(t).into_owned(),
                    comma,
                    point,
                ))
            }
        };
    }
    let value = parse_decimal(text)?;
    // What the separators show: the last one is the decimal one when both kinds appear or it appears
    // once (and is not ambiguous, above); a repeated one groups thousands, so the other is the decimal.
    let commas = body.iter().filter(|&&b| b == b',').count();
    let dots = body.iter().filter(|&&b| b == b'.').count();
    let shows = match (commas, dots) {
        (0, 0) => None,
        (_, 0) if commas > 1 => Some(NumberStyle::DecimalPoint),
        (0, _) if dots > 1 => Some(NumberStyle::DecimalComma),
        _ => body
            .iter()
            .rev()
            .find(|&&b| b == b',' || b == b'.')
            .map(|&b| NumberStyle::with_decimal(b)),
    };
    Ok(Reading { value, shows })
}

/// A number in a message: no grouping, the decimal separator of the message language.
fn format_plain(d: &Decimal) -> String {
    let s = d.to_string();
    match crate::lang::messages() {
        crate::lang::Lang::Vi => s.replace('.', ","),
        crate::lang::Lang::En => s,
    }
}

/// The digits of [`parse_plain`] as a mantissa and a scale: digits with at most one `,` or `.` between
/// digits. The caller bounds the length so that the mantissa cannot overflow `T`.
fn plain_digits<T>(digits: &[u8]) -> Option<(T, u32)>
where
    T: From<u8> + std::ops::Mul<Output = T> + std::ops::Add<Output = T> + Copy,
{
    let mut mantissa = T::from(0);
    let mut scale: Option<u32> = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * T::from(10) + T::from(c - b'0');
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b',' | b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => scale = Some(0),
            _ => return None,
        }
    }
    Some((mantissa, scale.unwrap_or(0)))
}

/// The common case without allocating: optional `-`, digits, and at most one `,` or `.` followed by
/// digits (`27`, `27,0`, `-0.125`). Anything else (grouping, signs, spaces) goes the general way, which
/// gives the same value for these forms.
fn parse_plain(text: &str) -> Option<Decimal> {
    let b = text.as_bytes();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 27 {
        return None;
    }
    // Up to 19 characters the mantissa fits a u64 (the usual case, and cheaper than i128 arithmetic).
    let (mantissa, scale) = if digits.len() <= 19 {
        let (m, scale) = plain_digits::<u64>(digits)?;
        (i128::from(m), scale)
    } else {
        plain_digits::<i128>(digits)?
    };
    let mut d = if let Ok(m) = u64::try_from(mantissa) {
        Decimal::from_parts(m as u32, (m >> 32) as u32, 0, false, scale)
    } else {
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()?
    };
    if neg {
        d.set_sign_negative(true);
    }
    Some(d)
}

/// Checks that thousands groups (before the decimal separator) are 1–3 digits then 3-digit groups.
fn check_groups(body: &str, group: char, decimal: char, orig: &str) -> Result<(), NumberError> {
    let int_part = body.split(decimal).next().unwrap_or("");
    let mut parts = int_part.split(group);
    let first = parts.next().unwrap_or("");
    let ok = !first.is_empty() && first.len() <= 3 && parts.all(|p| p.len() == 3);
    if ok {
        Ok(())
    } else {
        Err(NumberError::not_a_number(orig))
    }
}

/// Number of decimal places a printed number shows (`22,50` → 2, `27` → 0).
pub fn printed_decimals(text: &str) -> u32 {
    let t = text.trim();
    match t.rfind([',', '.']) {
        Some(i) if t.matches([',', '.']).count() == 1 => (t.len() - i - 1) as u32,
        Some(i) => (t.len() - i - 1) as u32,
        None => 0,
    }
}

/// Formats with a decimal comma and exactly `decimals` places, rounding with `mode` first.
/// `format_vi(dec!(21.55), 1, HalfUp)` is `"21,6"`; thousands are grouped with dots.
pub fn format_vi(value: Decimal, decimals: u32, mode: RoundingMode) -> String {
    format_with(round(value, decimals, mode), ',', '.')
}

/// Formats with a decimal point and no grouping (English output, CSV for machines).
pub fn format_en(value: Decimal, decimals: u32, mode: RoundingMode) -> String {
    round(value, decimals, mode).to_string()
}

fn format_with(value: Decimal, decimal_sep: char, group_sep: char) -> String {
    let s = value.to_string();
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut out = String::with_capacity(s.len() + 4);
    out.push_str(sign);
    let n = int.len();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(group_sep);
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push(decimal_sep);
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_both_conventions() {
        assert_eq!(parse_decimal("27,0").unwrap(), d("27.0"));
        assert_eq!(parse_decimal("27.0").unwrap(), d("27.0"));
        assert_eq!(parse_decimal(" 3,68 ").unwrap(), d("3.68"));
        assert_eq!(parse_decimal("1.234,5").unwrap(), d("1234.5"));
        assert_eq!(parse_decimal("1,234.5").unwrap(), d("1234.5"));
        assert_eq!(parse_decimal("1.234.567").unwrap(), d("1234567"));
        assert_eq!(parse_decimal("-0,5").unwrap(), d("-0.5"));
        assert_eq!(parse_decimal("0").unwrap(), d("0"));
        assert!(parse_decimal("Không đánh giá").is_err());
        assert!(parse_decimal("\u{a0}").is_err());
        assert!(parse_decimal("1,2,3").is_err());
        assert!(parse_decimal("12.34.5").is_err());
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal(",5").is_err());
        assert!(parse_decimal("5,").is_err());
        assert!(parse_decimal("-").is_err());
        assert_eq!(parse_decimal("-27,50").unwrap().to_string(), "-27.50");
        assert_eq!(
            parse_decimal("1.234").unwrap(),
            d("1.234"),
            "one separator is a decimal separator"
        );
    }

    proptest::proptest! {
        /// The fast path and the general path agree on every plain number.
        #[test]
        fn fast_path_agrees(int in 0u64..10_000_000_000, frac in proptest::option::of("[0-9]{1,6}"), neg: bool, comma: bool) {
            let mut t = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(f) = &frac { t.push(if comma { ',' } else { '.' }); t.push_str(f); }
            let fast = parse_plain(&t).unwrap();
            let general: Decimal = Decimal::from_str(&t.replace(',', ".")).unwrap();
            proptest::prop_assert_eq!(fast, general);
            proptest::prop_assert_eq!(fast.scale(), general.scale());
        }
    }

    #[test]
    fn a_lone_three_digit_group_follows_the_style() {
        use NumberStyle::*;
        let read = |t: &str, s| parse_number(t, s).map(|r| r.value);
        assert_eq!(read("1.500", Some(DecimalComma)).unwrap(), d("1500"));
        assert_eq!(read("1.500", Some(DecimalPoint)).unwrap(), d("1.500"));
        assert_eq!(read("2,500", Some(DecimalComma)).unwrap(), d("2.500"));
        assert_eq!(read("2,500", Some(DecimalPoint)).unwrap(), d("2500"));
        assert_eq!(read("-12.345", Some(DecimalComma)).unwrap(), d("-12345"));
        // Both readings are in the error, which says how to decide.
        match parse_number("1.500", None) {
            Err(e @ NumberError::Ambiguous(..)) => {
                let m = e.to_string();
                assert!(m.contains("1500") && m.contains("1,500"), "{m}");
                assert!(
                    m.contains("decimal-comma") && m.contains("decimal-point"),
                    "{m}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Multiple groups, both separators, other lengths: one reading whatever the style.
        for style in [None, Some(DecimalComma), Some(DecimalPoint)] {
            assert_eq!(read("1.500.000", style).unwrap(), d("1500000"));
            assert_eq!(read("1,500,000", style).unwrap(), d("1500000"));
            assert_eq!(read("1.234,5", style).unwrap(), d("1234.5"));
            assert_eq!(read("27,5", style).unwrap(), d("27.5"));
            assert_eq!(read("0.8123", style).unwrap(), d("0.8123"));
            assert_eq!(read("0,500", style).unwrap(), d("0.500"));
            assert_eq!(read("1234.567", style).unwrap(), d("1234.567"));
            assert_eq!(read("75", style).unwrap(), d("75"));
        }
        let shows = |t: &str| parse_number(t, None).unwrap().shows;
        assert_eq!(shows("27,5"), Some(DecimalComma));
        assert_eq!(shows("1.500.000"), Some(DecimalComma));
        assert_eq!(shows("0.8123"), Some(DecimalPoint));
        assert_eq!(shows("1,234.5"), Some(DecimalPoint));
        assert_eq!(shows("75"), None);
        assert_eq!(
            parse_number("1.500", Some(DecimalComma)).unwrap().shows,
            None
        );
    }

    proptest::proptest! {
        /// A cell with one separator reads as the separator says, or as the style says when only the
        /// style can tell; never by guessing.
        #[test]
        fn lone_separators_read_by_the_style(int in 0u64..100_000, frac in "[0-9]{1,5}", comma: bool, point_style: bool) {
            let sep = if comma { ',' } else { '.' };
            let t = format!("{int}{sep}{frac}");
            let style = if point_style { NumberStyle::DecimalPoint } else { NumberStyle::DecimalComma };
            let as_decimal = Decimal::from_str(&format!("{int}.{frac}")).unwrap();
            let grouped = int > 0 && int < 1000 && frac.len() == 3;
            let got = parse_number(&t, Some(style)).unwrap().value;
            if grouped && style.decimal() != sep as u8 {
                proptest::prop_assert_eq!(got, Decimal::from_str(&format!("{int}{frac}")).unwrap());
                proptest::prop_assert!(parse_number(&t, None).is_err());
            } else {
                proptest::prop_assert_eq!(got, as_decimal);
                proptest::prop_assert_eq!(got.scale(), as_decimal.scale());
            }
        }
    }

    #[test]
    fn keeps_printed_scale() {
        assert_eq!(parse_decimal("22,50").unwrap().scale(), 2);
        assert_eq!(printed_decimals("22,50"), 2);
        assert_eq!(printed_decimals("27"), 0);
    }

    #[test]
    fn formats_with_comma() {
        assert_eq!(format_vi(d("21.55"), 1, RoundingMode::HalfUp), "21,6");
        assert_eq!(format_vi(d("27"), 1, RoundingMode::HalfUp), "27,0");
        assert_eq!(
            format_vi(d("1234567.25"), 1, RoundingMode::HalfUp),
            "1.234.567,3"
        );
        assert_eq!(format_vi(d("-0.125"), 2, RoundingMode::HalfUp), "-0,13");
        assert_eq!(format_vi(d("0.125"), 2, RoundingMode::HalfEven), "0,12");
        assert_eq!(format_en(d("0.125"), 2, RoundingMode::HalfUp), "0.13");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Rounding a non-negative value by integer division gives `rust_decimal`'s rounding, bit for
        /// bit, in every mode: mantissas to 2⁹⁶ (and to 2⁶⁴, the 64-bit way), scales to 28, values
        /// exactly halfway (a mantissa ending in 5 and zeros), negative values and negative zeros (left
        /// to the general way).
        #[test]
        fn rounds_as_rust_decimal_does(
            hi in 0u32.., mid in 0u32.., lo in 0u32..,
            short in proptest::option::of(0u64..100_000), wide: bool,
            half: bool, neg: bool, scale in 0u32..=28, decimals in 0u32..8,
        ) {
            let mut m = (u128::from(hi) << 64) | (u128::from(mid) << 32) | u128::from(lo);
            if let Some(x) = short {
                m = u128::from(x);
            } else if wide {
                // A mantissa of 64 bits: the fast way's own, with divisors past 2⁶⁴ too.
                m &= u128::from(u64::MAX);
            }
            if half && scale > decimals {
                // ...5000 at the first dropped place: a tie.
                let p = 10u128.pow(scale - decimals);
                m = (m / p) * p + p / 2;
                if m >= 1u128 << 96 {
                    m = p / 2;
                }
            }
            let v = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, neg, scale);
            for mode in [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down] {
                let (fast, general) = (round(v, decimals, mode), round_general(v, decimals, mode));
                proptest::prop_assert_eq!(fast.serialize(), general.serialize(), "{} {:?}", v, mode);
            }
        }
    }
}
