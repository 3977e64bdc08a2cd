//! Sizes and times for people.

/// A size for people, in binary units as file managers show them: `512 B`, `1.5 KB`, `20 MB`.
///
/// ```
/// assert_eq!(owndir_view::human_size(1536), "1.5 KB");
/// ```
pub fn human_size(bytes: u64) -> String {
    let (value, unit) = in_largest_unit(bytes);
    // One decimal while it says something (1.5 KB), none once the number is large.
    let decimals = if unit == 0 || value >= 9.95 { 0 } else { 1 };
    // Rounded in integers as `{:.1}` rounds the float (exactly, ties to even): float
    // formatting would bring its code and 30 KB of tables into the page's wasm.
    let scale = if decimals == 0 { 1 } else { 10 };
    let divisor = 1u128 << (10 * unit);
    let scaled = (bytes as f64) as u128 * scale;
    let (mut shown, rest) = (scaled / divisor, scaled % divisor);
    if 2 * rest > divisor || (2 * rest == divisor && shown % 2 == 1) {
        shown += 1;
    }
    if decimals == 0 {
        format!("{shown} {}", UNITS[unit])
    } else {
        format!("{}.{} {}", shown / 10, shown % 10, UNITS[unit])
    }
}

const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];

/// `bytes` in the largest unit of [`UNITS`] it reaches: the value and the unit's index.
fn in_largest_unit(bytes: u64) -> (f64, usize) {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    (value, unit)
}

/// A non-negative number (a duration, say) with `decimals` decimals (0 or 1), rounded as
/// `{:.0}`/`{:.1}` would show it, without float formatting (its code and tables are 45 KB
/// of the page's wasm).
///
/// ```
/// assert_eq!(owndir_view::format::with_decimals(12.34, 1), "12.3");
/// assert_eq!(owndir_view::format::with_decimals(2.5, 0), "2");
/// ```
pub fn with_decimals(value: f64, decimals: u8) -> String {
    if decimals == 0 {
        return format!("{}", value.round_ties_even() as u64);
    }
    let tenths = (value * 10.0).round_ties_even() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A local date and time, `2026-11-22 14:05`, from epoch ms and the local offset from UTC
/// in minutes (east positive, the opposite sign of JavaScript's `getTimezoneOffset`).
/// Empty when the time is unknown (0).
///
/// ```
/// assert_eq!(owndir_view::human_time(0, 0), "");
/// assert_eq!(owndir_view::human_time(1_763_820_300_000, 60), "2025-11-22 15:05");
/// ```
pub fn human_time(epoch_ms: u64, offset_minutes: i64) -> String {
    if epoch_ms == 0 {
        return String::new();
    }
    let minutes = (epoch_ms / 60_000) as i64 + offset_minutes;
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let (year, month, day) = owndir_core::calendar::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        let cases = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KB"),
            (1536, "1.5 KB"),
            (10 * 1024, "10 KB"),
            (20 * 1024 * 1024, "20 MB"),
            (u64::from(u32::MAX), "4.0 GB"),
            (u64::MAX, "16384 PB"),
        ];
        for (bytes, shown) in cases {
            assert_eq!(human_size(bytes), shown, "{bytes}");
        }
    }

    /// The float formula `human_size` rounds like, `{:.0}`/`{:.1}` of the size in its unit
    /// (the unit found as `human_size` finds it: what is checked is the rounding).
    fn float_size(bytes: u64) -> String {
        let (value, unit) = in_largest_unit(bytes);
        if unit == 0 || value >= 9.95 {
            format!("{value:.0} {}", UNITS[unit])
        } else {
            format!("{value:.1} {}", UNITS[unit])
        }
    }

    #[test]
    fn sizes_round_as_the_float_formatting_does() {
        let ties = [1280, 10_752, 11_776, 1_153_434, 1024 * 1024 * 1024 * 3 / 2 + 1024 * 1024 * 1024 / 20];
        let every_small = 0..300_000u64;
        let spread = (0..200_000u64).map(|step| step.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (step % 64));
        for bytes in every_small.chain(spread).chain(ties).chain([u64::MAX, 1 << 53, (1 << 53) + 1]) {
            assert_eq!(human_size(bytes), float_size(bytes), "{bytes}");
        }
    }

    #[test]
    fn decimals_read_as_the_float_formatting_shows_them() {
        for value in [0.0, 0.04, 0.06, 0.5, 1.5, 2.5, 9.96, 12.34, 315.0, 76_432.7] {
            assert_eq!(with_decimals(value, 0), format!("{value:.0}"), "{value}");
            assert_eq!(with_decimals(value, 1), format!("{value:.1}"), "{value}");
        }
    }

    #[test]
    fn times_follow_the_calendar_and_the_offset() {
        let cases = [
            (1, 0, "1970-01-01 00:00"),
            (951_782_400_000, 0, "2000-02-29 00:00"),
            (951_782_400_000, -1, "2000-02-28 23:59"),
            (1_704_067_199_000, 0, "2023-12-31 23:59"),
            (1_704_067_199_000, 330, "2024-01-01 05:29"),
            (4_102_444_800_000, 0, "2100-01-01 00:00"),
        ];
        for (ms, offset, shown) in cases {
            assert_eq!(human_time(ms, offset), shown, "{ms} {offset}");
        }
    }
}
