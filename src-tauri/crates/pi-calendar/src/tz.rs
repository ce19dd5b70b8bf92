//! The `VTIMEZONE` of a configured IANA zone: its offsets and every transition in the years the
//! calendar covers, read from the IANA database chrono-tz carries.

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// The zone of an IANA name (`Europe/Berlin`, `UTC`); the error says what was given.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("{name:?} is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")")
    })
}

/// `BEGIN:VTIMEZONE` … `END:VTIMEZONE` lines for `zone` over the years `from..=to` (one year
/// more each side): the offset in force at the start, then one component per transition.
pub(crate) fn vtimezone(zone: Tz, from: i32, to: i32) -> Vec<String> {
    let start = NaiveDate::from_ymd_opt(from - 1, 1, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(to + 2, 1, 1).unwrap_or_default();
    let first = start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_owned(),
        format!("TZID:{}", zone.name()),
    ];
    lines.extend(component(zone, first, first));
    let mut day = first;
    let last = end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    while day < last {
        let next = day + Duration::days(1);
        if offset_secs(zone, day) != offset_secs(zone, next) {
            let at = transition(zone, day, next);
            lines.extend(component(zone, at - Duration::seconds(1), at));
        }
        day = next;
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}

fn offset_secs(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The first second in `(before, after]` with `after`'s offset.
fn transition(zone: Tz, mut before: DateTime<Utc>, mut after: DateTime<Utc>) -> DateTime<Utc> {
    let target = offset_secs(zone, after);
    while after - before > Duration::seconds(1) {
        let mid = before + (after - before) / 2;
        if offset_secs(zone, mid) == target {
            after = mid;
        } else {
            before = mid;
        }
    }
    after
}

/// A `STANDARD` or `DAYLIGHT` component for the offset in force from `at` (the offset before it
/// read at `before`).
fn component(zone: Tz, before: DateTime<Utc>, at: DateTime<Utc>) -> Vec<String> {
    let from = offset_secs(zone, before);
    let offset = zone.offset_from_utc_datetime(&at.naive_utc());
    let to = offset.fix().local_minus_utc();
    let kind = if offset.dst_offset().num_seconds() != 0 {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    let local = at.naive_utc() + Duration::seconds(i64::from(from));
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", utc_offset(from)),
        format!("TZOFFSETTO:{}", utc_offset(to)),
    ];
    if let Some(name) = offset
        .abbreviation()
        .filter(|n| n.chars().all(|c| c.is_ascii_graphic()))
    {
        lines.push(format!("TZNAME:{name}"));
    }
    lines.push(format!("END:{kind}"));
    lines
}

/// RFC 5545 UTC-OFFSET: `+hhmm`, or `+hhmmss` when seconds are not zero.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let s = secs.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_has_its_summer_and_winter_time_of_2026() {
        let lines = vtimezone(parse_zone("Europe/Berlin").unwrap(), 2026, 2026).join("\n");
        assert!(lines.contains(
            "BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT"
        ), "{lines}");
        assert!(lines.contains(
            "BEGIN:STANDARD\nDTSTART:20261025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD"
        ), "{lines}");
    }

    #[test]
    fn an_unknown_zone_is_refused_and_offsets_are_signed() {
        assert!(
            parse_zone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
        assert_eq!(utc_offset(-(5 * 3600 + 30 * 60)), "-0530");
        assert_eq!(utc_offset(3600 + 7), "+010007");
    }
}
