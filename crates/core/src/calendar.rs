//! Calendar dates and working days, for deadlines: a cycle's submission deadline or its explanation
//! round is often set as "N working days" (ngày làm việc) from a given day, and Vietnamese working days
//! skip Saturdays, Sundays and the holidays the province lists (Tết alone is a run of a week or more).
//! The holiday list is data (the store's `holidays` table), never built in here.
//!
//! [`Date`] is a proleptic Gregorian day from year 1 to 9999; the workspace has no date crate, and
//! what deadlines need (parsing the two ways dates are written, weekdays, the next day) is small.
//! Dates are written `dd/mm/yyyy` to people and `YYYY-MM-DD` in the database; [`parse_date`] reads both.

use std::fmt;

use crate::lang::{Lang, messages};
use crate::text::quote_short;

/// One calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// The days of each month of a common year.
const MONTH_DAYS: [u8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// How many days `month` of `year` has.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        1..=12 => MONTH_DAYS[usize::from(month - 1)],
        _ => 0,
    }
}

/// The day of the week, Monday first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Saturday and Sunday, the days no office works.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Sat | Weekday::Sun)
    }
}

impl Date {
    /// The day, if it exists (year 1 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), Howard Hinnant's `days_from_civil`.
    pub fn epoch_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01, if it lies within years 1 to 9999 (`civil_from_days`).
    pub fn from_epoch_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// The calendar day in Vietnam (UTC+7, no daylight time) at `ms` milliseconds since 1970 UTC.
    pub fn in_vietnam_at(ms: i64) -> Option<Date> {
        Date::from_epoch_days((ms.checked_add(7 * 3_600_000)?).div_euclid(86_400_000))
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.epoch_days() + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }

    /// The next day (none after 31/12/9999).
    pub fn next(self) -> Option<Date> {
        if self.day < days_in_month(self.year, self.month) {
            Some(Date {
                day: self.day + 1,
                ..self
            })
        } else if self.month < 12 {
            Some(Date {
                month: self.month + 1,
                day: 1,
                ..self
            })
        } else {
            Date::new(self.year + 1, 1, 1)
        }
    }

    /// `YYYY-MM-DD`, the database's form.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `dd/mm/yyyy`, the form people read (in both languages of the application).
    pub fn dmy(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Nothing was written.
    Empty,
    /// Not `dd/mm/yyyy` nor `yyyy-mm-dd` (the text, at most 100 characters of it).
    Form(String),
    /// The month is not 1 to 12.
    Month { text: String, month: u32 },
    /// The month has no such day (`31/02/2026`).
    Day {
        text: String,
        day: u32,
        month: u8,
        year: u16,
        days: u8,
    },
    /// The year is not 1 to 9999.
    Year(String),
}

impl DateError {
    /// The message in `lang` (the web shows it in the page's language; `Display` uses the process's
    /// message language).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DateError::Empty, Lang::Vi) => "chưa nhập ngày".into(),
            (DateError::Empty, Lang::En) => "no date was given".into(),
            (DateError::Form(t), Lang::Vi) => format!(
                "'{t}' không phải là ngày; viết ngày/tháng/năm (31/12/2026) hoặc năm-tháng-ngày (2026-12-31)"
            ),
            (DateError::Form(t), Lang::En) => format!(
                "'{t}' is not a date; write day/month/year (31/12/2026) or year-month-day (2026-12-31)"
            ),
            (DateError::Month { text, month }, Lang::Vi) => {
                format!("'{text}': không có tháng {month} (tháng từ 1 đến 12)")
            }
            (DateError::Month { text, month }, Lang::En) => {
                format!("'{text}': there is no month {month} (months are 1 to 12)")
            }
            (
                DateError::Day {
                    text,
                    day,
                    month,
                    year,
                    days,
                },
                Lang::Vi,
            ) => format!("'{text}': không có ngày {day} (tháng {month}/{year} có {days} ngày)"),
            (
                DateError::Day {
                    text,
                    day,
                    month,
                    year,
                    days,
                },
                Lang::En,
            ) => format!("'{text}': there is no day {day} ({month}/{year} has {days} days)"),
            (DateError::Year(t), Lang::Vi) => {
                format!("'{t}': năm phải có bốn chữ số, từ 0001 đến 9999")
            }
            (DateError::Year(t), Lang::En) => {
                format!("'{t}': the year must have four digits, 0001 to 9999")
            }
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(messages()))
    }
}

impl std::error::Error for DateError {}

/// A run of ASCII digits as a number, if `s` is one (1 to `max_len` digits).
fn digits(s: &str, max_len: usize) -> Option<u32> {
    (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Reads a date written `dd/mm/yyyy` (one-digit day and month allowed: `2/9/2026`; `.` and `-` also
/// separate day, month and year as people type them) or `yyyy-mm-dd` (what `<input type="date">`
/// sends). Spaces around are ignored.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DateError::Empty);
    }
    let quoted = || quote_short(t).into_owned();
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [a, b, c] = parts[..] else {
        return Err(DateError::Form(quoted()));
    };
    // Year first only as yyyy-mm-dd (four digits, then the month and the day).
    let (y, m, d) = if a.len() == 4 && t.as_bytes().get(4) == Some(&b'-') {
        (a, b, c)
    } else {
        (c, b, a)
    };
    let (Some(day), Some(month), Some(year)) = (digits(d, 2), digits(m, 2), digits(y, 4)) else {
        return Err(DateError::Form(quoted()));
    };
    if y.len() != 4 || year == 0 {
        return Err(DateError::Year(quoted()));
    }
    if !(1..=12).contains(&month) {
        return Err(DateError::Month {
            text: quoted(),
            month,
        });
    }
    // Four digits and 1 to 12: both fit.
    let (Ok(year), Ok(month)) = (u16::try_from(year), u8::try_from(month)) else {
        return Err(DateError::Form(quoted()));
    };
    u8::try_from(day)
        .ok()
        .and_then(|d| Date::new(year, month, d))
        .ok_or(DateError::Day {
            text: quoted(),
            day,
            month,
            year,
            days: days_in_month(year, month),
        })
}

/// Whether `date` is a working day: not a Saturday or Sunday, and not in `holidays` (sorted).
fn is_working(date: Date, holidays: &[Date]) -> bool {
    !date.weekday().is_weekend() && holidays.binary_search(&date).is_err()
}

/// Whether `date` is a working day: not a Saturday or Sunday, and not one of `holidays` (any order).
pub fn is_working_day(date: Date, holidays: &[Date]) -> bool {
    !date.weekday().is_weekend() && !holidays.contains(&date)
}

/// The day `n` working days after `start`: counting begins the day after `start` (the day of opening
/// is not one of the N), each day that is neither a Saturday, a Sunday nor one of `holidays` counts,
/// and the `n`-th such day is the answer; `n = 0` is `start` itself. A holiday on a weekend takes away
/// nothing more (the province lists its compensating day off as a holiday of its own). `holidays` may
/// be in any order and hold duplicates. `None` only past 31/12/9999. The time grows with `n` and the
/// number of holidays (deadlines are weeks, not centuries).
pub fn add_working_days(start: Date, n: u32, holidays: &[Date]) -> Option<Date> {
    let mut sorted = holidays.to_vec();
    sorted.sort_unstable();
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.next()?;
        if is_working(day, &sorted) {
            left -= 1;
        }
    }
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn both_written_forms() {
        assert_eq!(d("31/12/2026"), Date::new(2026, 12, 31).unwrap());
        assert_eq!(d("2026-12-31"), d("31/12/2026"));
        assert_eq!(d(" 2/9/2026 "), Date::new(2026, 9, 2).unwrap());
        assert_eq!(d("02-09-2026"), d("2/9/2026"));
        assert_eq!(d("02.09.2026"), d("2/9/2026"));
        assert_eq!(d("29/02/2024").iso(), "2024-02-29");
        assert_eq!(d("2024-02-29").dmy(), "29/02/2024");
    }

    #[test]
    fn clear_errors() {
        assert_eq!(parse_date("  "), Err(DateError::Empty));
        assert!(matches!(parse_date("31/12"), Err(DateError::Form(_))));
        assert!(matches!(parse_date("hôm nay"), Err(DateError::Form(_))));
        assert!(matches!(parse_date("1/2/3/2026"), Err(DateError::Form(_))));
        assert!(matches!(parse_date("+1/2/2026"), Err(DateError::Form(_))));
        assert!(matches!(
            parse_date("31/13/2026"),
            Err(DateError::Month { month: 13, .. })
        ));
        assert_eq!(
            parse_date("29/02/2026"),
            Err(DateError::Day {
                text: "29/02/2026".into(),
                day: 29,
                month: 2,
                year: 2026,
                days: 28
            })
        );
        assert!(matches!(
            parse_date("2026-04-31"),
            Err(DateError::Day { days: 30, .. })
        ));
        assert!(matches!(parse_date("1/1/26"), Err(DateError::Year(_))));
        assert!(matches!(parse_date("1/1/0000"), Err(DateError::Year(_))));
        assert_eq!(
            parse_date("29/02/2026").unwrap_err().message(Lang::Vi),
            "'29/02/2026': không có ngày 29 (tháng 2/2026 có 28 ngày)"
        );
        assert_eq!(
            parse_date("31/13/2026").unwrap_err().message(Lang::En),
            "'31/13/2026': there is no month 13 (months are 1 to 12)"
        );
        // A long text is quoted short.
        let long = "x".repeat(500);
        assert!(parse_date(&long).unwrap_err().message(Lang::Vi).len() < 250);
    }

    #[test]
    fn epoch_days_and_weekdays() {
        assert_eq!(d("1970-01-01").epoch_days(), 0);
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thu);
        assert_eq!(d("2026-11-29").weekday(), Weekday::Sun);
        assert_eq!(d("2000-02-29").weekday(), Weekday::Tue);
        for s in ["0001-01-01", "1969-12-31", "2024-02-29", "9999-12-31"] {
            assert_eq!(Date::from_epoch_days(d(s).epoch_days()), Some(d(s)));
        }
        assert_eq!(
            Date::from_epoch_days(d("9999-12-31").epoch_days() + 1),
            None
        );
        // 2024-02-29 17:00 UTC is already 1 March in Hà Nội.
        assert_eq!(
            Date::in_vietnam_at(1_709_226_000_000),
            Some(d("01/03/2024"))
        );
        assert_eq!(
            Date::in_vietnam_at(1_709_225_999_999),
            Some(d("29/02/2024"))
        );
        assert_eq!(d("31/12/2026").next(), Some(d("01/01/2027")));
        assert_eq!(d("28/02/2026").next(), Some(d("01/03/2026")));
        assert_eq!(d("31/12/9999").next(), None);
    }

    #[test]
    fn weekends_are_skipped() {
        // Friday 27/11/2026 + 1 working day = Monday 30/11/2026.
        let fri = d("27/11/2026");
        assert_eq!(fri.weekday(), Weekday::Fri);
        assert_eq!(add_working_days(fri, 1, &[]), Some(d("30/11/2026")));
        assert_eq!(add_working_days(fri, 5, &[]), Some(d("04/12/2026")));
        // From a Saturday, the first working day is Monday.
        assert_eq!(
            add_working_days(d("28/11/2026"), 1, &[]),
            Some(d("30/11/2026"))
        );
    }

    #[test]
    fn zero_days_is_the_start() {
        assert_eq!(
            add_working_days(d("28/11/2026"), 0, &[d("28/11/2026")]),
            Some(d("28/11/2026"))
        );
    }

    #[test]
    fn holidays_are_skipped_and_a_weekend_holiday_costs_nothing_more() {
        // Quốc khánh 2/9/2026 is a Wednesday.
        let h = [d("02/09/2026")];
        assert_eq!(
            add_working_days(d("01/09/2026"), 1, &h),
            Some(d("03/09/2026"))
        );
        // 5/9/2026 is a Saturday: listing it changes nothing.
        let on_weekend = [d("05/09/2026")];
        assert_eq!(
            add_working_days(d("04/09/2026"), 1, &on_weekend),
            add_working_days(d("04/09/2026"), 1, &[])
        );
        assert_eq!(
            add_working_days(d("04/09/2026"), 1, &on_weekend),
            Some(d("07/09/2026"))
        );
        assert!(!is_working_day(d("02/09/2026"), &h));
        assert!(is_working_day(d("03/09/2026"), &h));
    }

    #[test]
    fn across_the_new_year() {
        // Thursday 31/12/2026, Tết Dương lịch on Friday 1/1/2027, then a weekend.
        let h = [d("01/01/2027")];
        assert_eq!(
            add_working_days(d("31/12/2026"), 1, &h),
            Some(d("04/01/2027"))
        );
        assert_eq!(
            add_working_days(d("30/12/2026"), 3, &h),
            Some(d("05/01/2027"))
        );
    }

    #[test]
    fn a_tet_length_run_of_holidays() {
        // Tết Bính Ngọ 2026: nine days off, 14/02 (Saturday) to 22/02 (Sunday), listed in any order
        // and with a duplicate.
        let mut tet: Vec<Date> = (14..=22)
            .map(|day| Date::new(2026, 2, day).unwrap())
            .collect();
        tet.reverse();
        tet.push(d("16/02/2026"));
        // Friday 13/02 + 1 working day: Monday 23/02, after the whole run.
        assert_eq!(
            add_working_days(d("13/02/2026"), 1, &tet),
            Some(d("23/02/2026"))
        );
        // Ten working days from Monday 9/02: 10–13/02 (4), then 23–27/02 (5), then Monday 2/03.
        assert_eq!(
            add_working_days(d("09/02/2026"), 10, &tet),
            Some(d("02/03/2026"))
        );
        // A start inside the run.
        assert_eq!(
            add_working_days(d("17/02/2026"), 2, &tet),
            Some(d("24/02/2026"))
        );
    }

    #[test]
    fn past_the_last_year() {
        assert_eq!(add_working_days(d("30/12/9999"), 5, &[]), None);
    }
}
