//! Small text helpers of the pages: HTML escaping for the few strings written outside askama (error
//! pages), and dates in the Vietnamese way (dd/mm/yyyy) whatever the language.

/// `s` with `& < > " '` escaped, for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A stored calendar date `YYYY-MM-DD` as `dd/mm/yyyy`; anything else unchanged.
pub fn date(iso: &str) -> String {
    let b = iso.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[0..4])
    } else {
        iso.to_string()
    }
}

/// Milliseconds since 1970 (UTC) as the calendar day `dd/mm/yyyy` in Vietnam (UTC+7, no daylight time).
pub fn day_of_ms(ms: i64) -> String {
    let days = (ms + 7 * 3600 * 1000).div_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{d:02}/{m:02}/{y:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(date("2019-12-31"), "31/12/2019");
        assert_eq!(day_of_ms(0), "01/01/1970");
        // 2024-02-29 17:00 UTC is already 1 March in Hà Nội.
        assert_eq!(day_of_ms(1_709_226_000_000), "01/03/2024");
        assert_eq!(day_of_ms(1_709_225_999_999), "29/02/2024");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('1')</script>&\""),
            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
