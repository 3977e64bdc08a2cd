//! Days since 1970 as calendar dates, for zip timestamps and the file app's times
//! (without a date crate, which the worker would carry for two functions).

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01, in the proleptic
/// Gregorian calendar (H. Hinnant's `civil_from_days`).
///
/// ```
/// assert_eq!(owndir_core::calendar::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(owndir_core::calendar::civil_from_days(11_016), (2000, 2, 29));
/// assert_eq!(owndir_core::calendar::civil_from_days(-1), (1969, 12, 31));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar: the inverse of
/// [`civil_from_days`].
///
/// ```
/// use owndir_core::calendar::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2000, 2, 29), 11_016);
/// assert_eq!(days_from_civil(1969, 12, 31), -1);
/// ```
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Seconds since 1970 of an HTTP date (RFC 9110 §5.6.7) in any of its three forms:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime's `Sun Nov  6 08:49:37 1994`. The weekday is not checked. `None` for
/// anything else, a date before 1970 or a year past 9999.
///
/// ```
/// use owndir_core::calendar::parse_http_date;
/// assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
/// assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
/// assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
/// assert_eq!(parse_http_date("yesterday"), None);
/// assert_eq!(parse_http_date("Sun, 06 Nov 9999999999999999 08:49:37 GMT"), None);
/// ```
pub fn parse_http_date(value: &str) -> Option<u64> {
    let (day, month, year, time) = if let Some((_, rest)) = value.split_once(", ") {
        let fields: Vec<&str> = rest.split([' ', '-']).collect();
        match fields[..] {
            [day, month, year, time, "GMT"] if day.len() == 2 => {
                let year: i64 = digits(year)?;
                // RFC 850's two-digit years: RFC 9110 says to read one more than 50 years
                // ahead as the past; HTTP dates here are file times, all after 1970.
                let year = match year {
                    0..=69 if rest.contains('-') => year + 2000,
                    70..=99 if rest.contains('-') => year + 1900,
                    _ => year,
                };
                (day, month, year, time)
            }
            _ => return None,
        }
    } else {
        let fields: Vec<&str> = value.split(' ').filter(|field| !field.is_empty()).collect();
        match fields[..] {
            [_, month, day, time, year] => (day, month, digits(year)?, time),
            _ => return None,
        }
    };
    // An HTTP date's year has four digits; a longer one would overflow the day count.
    if !(0..=9999).contains(&year) {
        return None;
    }
    let day: u32 = digits(day)?;
    let month = MONTHS.iter().position(|name| *name == month)? as u32 + 1;
    let mut clock = time.split(':');
    let (hour, minute, second): (u64, u64, u64) =
        (digits(clock.next()?)?, digits(clock.next()?)?, digits(clock.next()?)?);
    if clock.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in -800_000..800_000 {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn http_dates_parse_as_httpdate_parses_them() {
        let cases = [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Tue, 29 Feb 2000 23:59:59 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Fri Dec 31 23:59:59 9999",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "",
            "garbage",
        ];
        for case in cases {
            let expected = httpdate::parse_http_date(case)
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|since| since.as_secs());
            assert_eq!(parse_http_date(case), expected, "{case:?}");
        }
    }
}
