//! Targetprocess wire dates: `/Date(ms±hhmm)/` out; `/Date(...)/`, ISO-8601 and `YYYY-MM-DD` in.
//!
//! Instants are milliseconds since the Unix epoch (UTC); the offset in the output is the simulated
//! server's time zone and is informational only. Not a general date library.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Formats an instant as TP does: `/Date(1517525999000+0100)/`.
pub fn format_tp(ms: i64, tz_offset_minutes: i32) -> String {
    let sign = if tz_offset_minutes < 0 { '-' } else { '+' };
    let abs = tz_offset_minutes.unsigned_abs();
    format!("/Date({ms}{sign}{:02}{:02})/", abs / 60, abs % 60)
}

/// Formats an instant as Jira does: `2026-11-20T16:40:12.331+0000`.
pub fn format_jira(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

/// Parses a date a client may send: `/Date(ms)/`, `/Date(ms±hhmm)/`, ISO-8601 with or without
/// offset (no offset = UTC), or `YYYY-MM-DD` (midnight UTC). Returns milliseconds since the epoch.
pub fn parse_input(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        return parse_ms_date(inner);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// `1517525999000+0100` or `-5000` (the inside of `/Date(...)/`).
fn parse_ms_date(inner: &str) -> Option<i64> {
    let digits_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map_or(inner.len(), |(i, _)| i);
    let (ms, offset) = inner.split_at(digits_end);
    if !offset.is_empty() {
        let rest = &offset[1..];
        if rest.len() != 4 || !rest.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    ms.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_offset() {
        assert_eq!(format_tp(1517525999000, 60), "/Date(1517525999000+0100)/");
        assert_eq!(format_tp(0, -330), "/Date(0-0530)/");
        assert_eq!(format_tp(-5000, 0), "/Date(-5000+0000)/");
    }

    #[test]
    fn parses_every_input_form() {
        assert_eq!(
            parse_input("/Date(1517525999000+0100)/"),
            Some(1517525999000)
        );
        assert_eq!(parse_input("/Date(1517525999000)/"), Some(1517525999000));
        assert_eq!(parse_input("/Date(-5000)/"), Some(-5000));
        assert_eq!(parse_input("/Date(-5000-0100)/"), Some(-5000));
        assert_eq!(parse_input("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_input("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_input("1970-01-01T00:00:01"), Some(1000));
        assert_eq!(parse_input("1970-01-01T00:00:01.500Z"), Some(1500));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_input("yesterday"), None);
        assert_eq!(parse_input("/Date(12+01)/"), None);
        assert_eq!(parse_input("/Date(abc)/"), None);
        assert_eq!(parse_input("2024-13-01"), None);
    }

    #[test]
    fn round_trips_through_tp_form() {
        for ms in [0_i64, 1, -1, 1_700_000_000_123] {
            assert_eq!(parse_input(&format_tp(ms, 60)), Some(ms));
        }
    }

    #[test]
    fn jira_timestamps_have_offset_without_colon() {
        assert_eq!(format_jira(1500), "1970-01-01T00:00:01.500+0000");
    }
}
