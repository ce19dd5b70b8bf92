//! Writing the `.ics` text: content lines, escaping, folding, the `VEVENT`s.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::previous::{self, Previous};
use crate::{Calendar, Event, When};

const PRODID: &str = "-//PI Planner//PI Calendar 1.0//EN";

/// The calendar as `.ics` text. `now` is the export's time (`DTSTAMP`); `previous` is the
/// calendar this one replaces: an event whose content is unchanged keeps its `SEQUENCE` and
/// `LAST-MODIFIED`, a changed one gets the next `SEQUENCE` and `now`.
pub fn render(calendar: &Calendar, now: DateTime<Utc>, previous: Option<&str>) -> String {
    let known = previous.map(previous::read).unwrap_or_default();
    let zoned = calendar.zone != chrono_tz::UTC;
    let mut out = Lines::default();
    out.push("BEGIN:VCALENDAR");
    out.push("VERSION:2.0");
    out.push(&format!("PRODID:{PRODID}"));
    out.push("CALSCALE:GREGORIAN");
    out.push("METHOD:PUBLISH");
    out.push(&format!("X-WR-CALNAME:{}", escape(&calendar.name)));
    if zoned {
        out.push(&format!("X-WR-TIMEZONE:{}", calendar.zone.name()));
        let (from, to) = years(&calendar.events);
        for line in crate::tz::vtimezone(calendar.zone, from, to) {
            out.push(&line);
        }
    }
    for event in &calendar.events {
        let body = event_body(event, calendar.zone, zoned);
        let (sequence, modified) = stamps(&known, event, &body, now);
        out.push("BEGIN:VEVENT");
        out.push(&format!("UID:{}", event.uid));
        out.push(&format!("DTSTAMP:{}", utc(now)));
        out.push(&format!("SEQUENCE:{sequence}"));
        out.push(&format!("LAST-MODIFIED:{}", utc(modified)));
        for line in &body {
            out.push(line);
        }
        out.push("END:VEVENT");
    }
    out.push("END:VCALENDAR");
    out.text
}

/// The sequence and last-modified time of an event, from the calendar it replaces.
fn stamps(
    known: &Previous,
    event: &Event,
    body: &[String],
    now: DateTime<Utc>,
) -> (u32, DateTime<Utc>) {
    match known.get(&event.uid) {
        Some(old) if old.body == body => (old.sequence, old.modified.unwrap_or(now)),
        Some(old) => (old.sequence + 1, now),
        None => (0, now),
    }
}

/// An event's lines other than `UID`, `DTSTAMP`, `SEQUENCE` and `LAST-MODIFIED`, unfolded.
fn event_body(event: &Event, zone: chrono_tz::Tz, zoned: bool) -> Vec<String> {
    let mut body = vec![
        when("DTSTART", event.start, zone, zoned),
        when("DTEND", event.end, zone, zoned),
        format!("SUMMARY:{}", escape(&event.summary)),
    ];
    if let Some(d) = &event.description {
        body.push(format!("DESCRIPTION:{}", escape(d)));
    }
    if let Some(url) = &event.url {
        body.push(format!("URL:{url}"));
    }
    body.push(format!("CATEGORIES:{}", escape(event.kind.category())));
    body.push("STATUS:CONFIRMED".to_owned());
    let transp = match event.start {
        When::Day(_) => "TRANSPARENT",
        When::Local(_) => "OPAQUE",
    };
    body.push(format!("TRANSP:{transp}"));
    if let Some(minutes) = event.reminder_minutes {
        body.extend([
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape(&event.summary)),
            format!("TRIGGER:-PT{minutes}M"),
            "END:VALARM".to_owned(),
        ]);
    }
    body
}

fn when(name: &str, at: When, zone: chrono_tz::Tz, zoned: bool) -> String {
    match at {
        When::Day(d) => format!("{name};VALUE=DATE:{}", d.format("%Y%m%d")),
        When::Local(t) if zoned => format!("{name};TZID={}:{}", zone.name(), local(t)),
        When::Local(t) => format!("{name}:{}Z", local(t)),
    }
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The first and last year the events touch (the `VTIMEZONE` covers them).
fn years(events: &[Event]) -> (i32, i32) {
    use chrono::Datelike;
    let year = |w: When| match w {
        When::Day(d) => d.year(),
        When::Local(t) => t.year(),
    };
    let all = events.iter().flat_map(|e| [year(e.start), year(e.end)]);
    let (min, max) = all.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    if min > max { (2000, 2000) } else { (min, max) }
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, never inside a UTF-8 sequence,
/// each continuation starting with one space; every physical line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 37 + 2);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn push(&mut self, line: &str) {
        self.text.push_str(&fold(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_75_octets_and_whole_characters() {
        let line = format!("SUMMARY:{}", "Zürich größte Übung — 日本語 ".repeat(8));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        assert!(folded.matches("\r\n ").count() >= 3);
    }

    #[test]
    fn a_short_line_is_not_folded() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        assert_eq!(fold(&"x".repeat(75)).matches("\r\n").count(), 1);
        assert_eq!(
            fold(&"x".repeat(76)),
            format!("{}\r\n x\r\n", "x".repeat(75))
        );
    }

    #[test]
    fn text_escapes_the_special_characters() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
