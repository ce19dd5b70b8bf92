//! The PI calendar: an iCalendar (RFC 5545) feed of a train's or a team's program increments.
//!
//! [`events`] turns PIs (releases with their dates) and their iterations into [`Event`]s — the
//! PI itself, PI planning days, each iteration (the IP iteration named as such), a system demo at
//! the end of each iteration and a plan review with a reminder at the start of each — and
//! [`render`] writes them as an `.ics` text: CRLF, lines folded at 75 octets, text escaped, a
//! `VTIMEZONE` for a configured zone. UIDs come from Targetprocess ids and the event's kind,
//! never from times, so a calendar app updates an event when its dates move; given the calendar
//! written before, [`render`] keeps each unchanged event's `SEQUENCE` and `LAST-MODIFIED` and
//! bumps them for a changed one. No I/O, no clock: the caller passes the time of the export.

mod ics;
mod pi;
mod previous;
mod tz;

pub use ics::{fold, render};
pub use pi::{Iteration, Meeting, Options, Pi, day_span, events};
pub use tz::parse_zone;

use chrono::{NaiveDate, NaiveDateTime};

/// A calendar to render: its display name, its events and the zone of its timed events.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// `X-WR-CALNAME`, e.g. `Team Phoenix — PI calendar`.
    pub name: String,
    /// The zone timed events are written in; UTC writes them with `Z` and no `VTIMEZONE`.
    pub zone: chrono_tz::Tz,
    pub events: Vec<Event>,
}

/// When an event starts or ends: a whole day (`VALUE=DATE`) or a wall-clock time in the
/// calendar's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Day(NaiveDate),
    Local(NaiveDateTime),
}

/// The kind of an event, part of its UID and its category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pi,
    Planning,
    Iteration,
    SystemDemo,
    PlanReview,
}

impl Kind {
    /// The UID's word for the kind.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Pi => "pi",
            Kind::Planning => "pi-planning",
            Kind::Iteration => "iteration",
            Kind::SystemDemo => "system-demo",
            Kind::PlanReview => "plan-review",
        }
    }

    fn category(self) -> &'static str {
        match self {
            Kind::Pi => "PI",
            Kind::Planning => "PI Planning",
            Kind::Iteration => "Iteration",
            Kind::SystemDemo => "System Demo",
            Kind::PlanReview => "Plan Review",
        }
    }
}

/// One `VEVENT`. `end` is exclusive (a day event's `DTEND` is the day after its last day).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub uid: String,
    pub kind: Kind,
    pub summary: String,
    pub description: Option<String>,
    pub start: When,
    pub end: When,
    /// Minutes before the start at which a `VALARM` reminds; none: no alarm.
    pub reminder_minutes: Option<u32>,
    /// A link to the release or iteration in Targetprocess.
    pub url: Option<String>,
}
