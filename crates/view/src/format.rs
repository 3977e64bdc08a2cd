//! Sizes and times for people.

/// A size for people, in binary units as file managers show them: `512 B`, `1.5 KB`, `20 MB`.
///
/// ```
/// assert_eq!(owndir_view::human_size(1536), "1.5 KB");
/// ```
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    // One decimal while it says something (1.5 KB), none once the number is large.
    if unit == 0 || value >= 9.95 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
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
