//! Reading back the calendar a new export replaces: each event's `SEQUENCE`, `LAST-MODIFIED`
//! and content, so an unchanged event keeps its stamps and a changed one is bumped.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

/// What an earlier export said about one event.
#[derive(Debug, Default)]
pub(crate) struct Known {
    pub sequence: u32,
    pub modified: Option<DateTime<Utc>>,
    /// The event's lines other than `UID`, `DTSTAMP`, `SEQUENCE` and `LAST-MODIFIED`, unfolded.
    pub body: Vec<String>,
}

pub(crate) type Previous = HashMap<String, Known>;

/// The events of an `.ics` text by UID; lines it does not understand are kept as content.
pub(crate) fn read(text: &str) -> Previous {
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut events = Previous::new();
    let mut current: Option<(Option<String>, Known)> = None;
    let mut depth = 0;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        if line == "BEGIN:VEVENT" {
            current = Some((None, Known::default()));
            continue;
        }
        let Some((uid, known)) = current.as_mut() else {
            continue;
        };
        if line == "END:VEVENT" && depth == 0 {
            if let Some((Some(uid), known)) = current.take() {
                events.insert(uid, known);
            }
            continue;
        }
        depth += i32::from(line.starts_with("BEGIN:")) - i32::from(line.starts_with("END:"));
        match line.split_once(':') {
            Some(("UID", v)) => *uid = Some(v.to_owned()),
            Some(("SEQUENCE", v)) => known.sequence = v.parse().unwrap_or(0),
            Some(("LAST-MODIFIED", v)) => known.modified = stamp(v),
            Some(("DTSTAMP", _)) => {}
            _ => known.body.push(line.to_owned()),
        }
    }
    events
}

fn stamp(v: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_event_with_its_stamps_and_content() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20260101T000000Z\r\nSEQUENCE:3\r\nLAST-MODIFIED:20251201T101010Z\r\nSUMMARY:long\r\n  folded\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let known = read(text);
        let a = &known["a@x"];
        assert_eq!(a.sequence, 3);
        assert_eq!(a.modified, stamp("20251201T101010Z"));
        assert_eq!(
            a.body,
            [
                "SUMMARY:long folded",
                "BEGIN:VALARM",
                "TRIGGER:-PT5M",
                "END:VALARM"
            ]
        );
    }
}
