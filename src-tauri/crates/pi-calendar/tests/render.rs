//! A rendered calendar read back: stable UIDs, SEQUENCE and LAST-MODIFIED across exports.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveTime, Utc};
use pi_calendar::{Calendar, Iteration, Options, Pi, events, parse_zone, render};
use pi_calendar::{Meeting, When};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn pi(end: &str) -> Pi {
    Pi {
        id: 7,
        name: "PI-1/26".into(),
        start: at("2026-03-02T00:00:00Z"),
        end: at(end),
        url: None,
        iterations: vec![Iteration {
            key: "teamiteration-70".into(),
            name: "Sprint 1".into(),
            start: at("2026-03-02T00:00:00Z"),
            end: at("2026-03-15T23:59:59Z"),
            url: None,
        }],
    }
}

fn calendar(pi: Pi) -> Calendar {
    let options = Options {
        domain: "tp.example".into(),
        planning_days: 2,
        ip_iteration: None,
        iteration_weeks: None,
        system_demo: Some(Meeting {
            at: NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            minutes: 60,
        }),
        plan_review: Some(Meeting {
            at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            minutes: 30,
        }),
        review_reminder_minutes: 15,
    };
    Calendar {
        name: "Team Zürich, Straße; PI".into(),
        zone: parse_zone("Europe/Berlin").unwrap(),
        events: events(&[pi], &options),
    }
}

fn field<'a>(text: &'a str, uid: &str, name: &str) -> &'a str {
    let event = text
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(uid))
        .unwrap();
    let line = event.lines().find(|l| l.starts_with(name)).unwrap();
    line.trim_end_matches('\r')
}

#[test]
fn a_changed_event_gets_the_next_sequence_and_an_unchanged_one_keeps_its_stamps() {
    let first = render(
        &calendar(pi("2026-05-24T23:59:59Z")),
        at("2026-01-01T08:00:00Z"),
        None,
    );
    let again = render(
        &calendar(pi("2026-05-24T23:59:59Z")),
        at("2026-01-02T08:00:00Z"),
        Some(&first),
    );
    let moved = render(
        &calendar(pi("2026-05-31T23:59:59Z")),
        at("2026-01-03T08:00:00Z"),
        Some(&again),
    );
    let pi_uid = "UID:release-7-pi@tp.example";
    let sprint = "UID:teamiteration-70-iteration@tp.example";
    assert_eq!(field(&again, pi_uid, "SEQUENCE"), "SEQUENCE:0");
    assert_eq!(
        field(&again, pi_uid, "LAST-MODIFIED"),
        "LAST-MODIFIED:20260101T080000Z"
    );
    assert_eq!(field(&again, pi_uid, "DTSTAMP"), "DTSTAMP:20260102T080000Z");
    assert_eq!(field(&moved, pi_uid, "SEQUENCE"), "SEQUENCE:1");
    assert_eq!(
        field(&moved, pi_uid, "LAST-MODIFIED"),
        "LAST-MODIFIED:20260103T080000Z"
    );
    assert_eq!(field(&moved, pi_uid, "DTEND"), "DTEND;VALUE=DATE:20260601");
    assert_eq!(field(&moved, sprint, "SEQUENCE"), "SEQUENCE:0");
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&first), uids(&moved));
}

#[test]
fn timed_events_carry_the_zone_and_every_line_is_crlf_and_folded() {
    let text = render(
        &calendar(pi("2026-05-24T23:59:59Z")),
        at("2026-01-01T08:00:00Z"),
        None,
    );
    let demo = "UID:teamiteration-70-system-demo@tp.example";
    assert_eq!(
        field(&text, demo, "DTSTART"),
        "DTSTART;TZID=Europe/Berlin:20260313T140000"
    );
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    assert!(text.contains("X-WR-CALNAME:Team Zürich\\, Straße\\; PI\r\n"));
    assert!(text.contains("TRIGGER:-PT15M\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'));
    assert!(text.split("\r\n").all(|l| l.len() <= 75));
    assert!(matches!(
        calendar(pi("2026-05-24T23:59:59Z")).events[0].start,
        When::Day(_)
    ));
}
