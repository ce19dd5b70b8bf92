//! Targetprocess date values: the Microsoft JSON form `/Date(ms±hhmm)/` and ISO-8601.
//!
//! The milliseconds are the instant (UTC); the `±hhmm` suffix is the server's zone and only
//! informational. ISO values without an offset (`isodate=1`) and bare dates are taken as UTC.
//! This module does not format dates for writing; writes send `YYYY-MM-DD` or RFC 3339.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer};

/// A date string TP sent that is none of the known forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Targetprocess date: {0:?}")]
pub struct DateError(pub String);

/// Parses one TP date value; `None` (JSON `null`) and the empty string mean "no date".
pub fn parse_tp_date(value: Option<&str>) -> Result<Option<DateTime<Utc>>, DateError> {
    let Some(raw) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || DateError(raw.to_owned());
    if let Some(body) = raw
        .strip_prefix("/Date(")
        .and_then(|s| s.strip_suffix(")/"))
    {
        return parse_ms_date(body).ok_or_else(bad).map(Some);
    }
    parse_iso(raw).ok_or_else(bad).map(Some)
}

/// `1517525999000+0100`, `-86400000`, `0-0500`.
fn parse_ms_date(body: &str) -> Option<DateTime<Utc>> {
    // The offset sign is the first `+`/`-` after the (optionally signed) millisecond digits.
    let digits_from = usize::from(body.starts_with('-'));
    let split = body[digits_from..]
        .find(['+', '-'])
        .map_or(body.len(), |i| i + digits_from);
    let (ms, offset) = body.split_at(split);
    let offset_ok =
        offset.is_empty() || (offset.len() == 5 && offset[1..].bytes().all(|b| b.is_ascii_digit()));
    let ms_ok =
        !ms[digits_from..].is_empty() && ms[digits_from..].bytes().all(|b| b.is_ascii_digit());
    if !(offset_ok && ms_ok) {
        return None;
    }
    Utc.timestamp_millis_opt(ms.parse().ok()?).single()
}

fn parse_iso(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(dt) = DateTime::parse_from_str(raw, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(naive.and_utc());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

/// Serde adapter for optional TP date fields in wire structs.
pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    parse_tp_date(raw.as_deref()).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Option<DateTime<Utc>> {
        parse_tp_date(Some(s)).unwrap()
    }

    #[test]
    fn microsoft_form_with_and_without_offset() {
        let expected = Utc.timestamp_millis_opt(1_517_525_999_000).unwrap();
        assert_eq!(p("/Date(1517525999000+0100)/"), Some(expected));
        assert_eq!(p("/Date(1517525999000-0500)/"), Some(expected));
        assert_eq!(p("/Date(1517525999000)/"), Some(expected));
        assert_eq!(
            p("/Date(-86400000+0000)/"),
            Some(Utc.with_ymd_and_hms(1969, 12, 31, 0, 0, 0).unwrap())
        );
        assert_eq!(p("/Date(-1)/"), Utc.timestamp_millis_opt(-1).single());
    }

    #[test]
    fn iso_forms_and_null() {
        let t = Utc.with_ymd_and_hms(2018, 2, 1, 22, 59, 59).unwrap();
        assert_eq!(p("2018-02-01T23:59:59+01:00"), Some(t));
        assert_eq!(p("2018-02-01T23:59:59.000+0100"), Some(t));
        assert_eq!(p("2018-02-01T22:59:59"), Some(t));
        assert_eq!(p("2018-02-01T22:59:59Z"), Some(t));
        assert_eq!(
            p("2024-01-31"),
            Some(Utc.with_ymd_and_hms(2024, 1, 31, 0, 0, 0).unwrap())
        );
        assert_eq!(parse_tp_date(None), Ok(None));
        assert_eq!(parse_tp_date(Some("")), Ok(None));
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "/Date()/",
            "/Date(12a)/",
            "/Date(1+01)/",
            "yesterday",
            "/Date(1+0100",
        ] {
            assert!(parse_tp_date(Some(bad)).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_ms_and_offset_round_trip(ms in -4_000_000_000_000i64..4_000_000_000_000, off in 0u32..2400, neg: bool) {
            let sign = if neg { '-' } else { '+' };
            let text = format!("/Date({ms}{sign}{off:04})/");
            prop_assert_eq!(p(&text).map(|d| d.timestamp_millis()), Some(ms));
        }
    }
}
