//! The double's clock: the system clock by default, or a fixed instant set by a test. It decides
//! validation-override expiry (`until` dates) and the one-hour session expiry.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// The system clock, shifted by an offset (set by `advance`).
    System { offset: Millis },
    /// A fixed instant, moved only by `set` and `advance`.
    Fixed(Millis),
}

/// A shareable, injectable clock.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    mode: Arc<Mutex<Mode>>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            mode: Arc::new(Mutex::new(Mode::System { offset: 0 })),
        }
    }
}

fn system_millis() -> Millis {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    Millis::try_from(since.as_millis()).unwrap_or(Millis::MAX)
}

fn duration_millis(by: Duration) -> Millis {
    Millis::try_from(by.as_millis()).unwrap_or(Millis::MAX)
}

impl Clock {
    /// The current instant.
    pub(crate) fn now(&self) -> Millis {
        match *self.mode.lock().unwrap_or_else(PoisonError::into_inner) {
            Mode::System { offset } => system_millis().saturating_add(offset),
            Mode::Fixed(at) => at,
        }
    }

    /// Freezes the clock at `at`.
    pub(crate) fn set(&self, at: Millis) {
        *self.mode.lock().unwrap_or_else(PoisonError::into_inner) = Mode::Fixed(at);
    }

    /// Moves the clock forward (fixed or not).
    pub(crate) fn advance(&self, by: Duration) {
        let mut mode = self.mode.lock().unwrap_or_else(PoisonError::into_inner);
        *mode = match *mode {
            Mode::System { offset } => Mode::System {
                offset: offset.saturating_add(duration_millis(by)),
            },
            Mode::Fixed(at) => Mode::Fixed(at.saturating_add(duration_millis(by))),
        };
    }

    /// Back to the (unshifted) system clock.
    pub(crate) fn use_system(&self) {
        *self.mode.lock().unwrap_or_else(PoisonError::into_inner) = Mode::System { offset: 0 };
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

const DAY: Millis = 86_400_000;

/// Parses an ISO local date `yyyy-mm-dd` into the instant of its start (00:00Z).
pub(crate) fn parse_date(text: &str) -> Option<Millis> {
    let text = text.trim();
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    if !(y.bytes().chain(m.bytes()).chain(d.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, month, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// `yyyy-mm-dd` of an instant (UTC).
pub(crate) fn format_date(at: Millis) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// An instant the way Java's `Instant.toString()` prints it (`2026-03-01T00:00:00Z`, millis
/// only when non-zero).
pub(crate) fn format_instant(at: Millis) -> String {
    let secs_of_day = at.rem_euclid(DAY) / 1000;
    let millis = at.rem_euclid(1000);
    let (h, mi, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    let base = format!("{}T{h:02}:{mi:02}:{s:02}", format_date(at));
    if millis == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{millis:03}Z")
    }
}

/// One day in milliseconds.
pub(crate) const fn day() -> Millis {
    DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(parse_date("1970-01-02"), Some(DAY));
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-2-01"), None);
        assert_eq!(
            format_instant(parse_date("2026-03-01").unwrap_or(0)),
            "2026-03-01T00:00:00Z"
        );
        assert_eq!(format_instant(1_500), "1970-01-01T00:00:01.500Z");
    }
}
