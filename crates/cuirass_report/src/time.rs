//! RFC 3339 timestamps from Unix seconds, without a date-time dependency: reports only ever
//! print UTC whole seconds, and Howard Hinnant's `civil_from_days` does that exactly.

use std::time::Duration;

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339_utc(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (days ≥ 0 only, which is all
/// a `u64` timestamp can name).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of each 400-year era.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The end of a run: its start plus its duration, rounded to the nearest second.
pub(crate) fn end_unix(start: u64, duration: Duration) -> u64 {
    let rounded = duration.as_secs() + u64::from(duration.subsec_millis() >= 500);
    start.saturating_add(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339_utc(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(format_rfc3339_utc(1_735_689_600), "2025-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(4_107_542_400), "2100-03-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(1_767_225_599), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walk 1970..2400 day by day: dates must be valid and strictly consecutive.
        let mut previous = (1969, 12, 31);
        for day in 0..157_000 {
            let (y, m, d) = civil_from_days(day);
            let (py, pm, pd) = previous;
            let next_ok = (y == py && m == pm && d == pd + 1)
                || (y == py && m == pm + 1 && d == 1)
                || (y == py + 1 && m == 1 && d == 1 && pm == 12);
            assert!(next_ok, "day {day}: {previous:?} -> {:?}", (y, m, d));
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            assert!(d <= len, "{y}-{m}-{d}");
            previous = (y, m, d);
        }
    }

    #[test]
    fn end_rounds_to_the_second() {
        assert_eq!(end_unix(10, Duration::from_millis(1_499)), 11);
        assert_eq!(end_unix(10, Duration::from_millis(1_500)), 12);
        assert_eq!(end_unix(u64::MAX, Duration::from_secs(5)), u64::MAX);
    }
}
