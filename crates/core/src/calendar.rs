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
