//! The events of a calendar from PIs and their iterations.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use crate::{Event, Kind, When};

/// A program increment: a Targetprocess release with its dates and iterations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pi {
    /// The release's Targetprocess id (its events' UIDs start with `release-<id>`).
    pub id: i64,
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub url: Option<String>,
    /// The PI's iterations, oldest first; empty: cut from the PI by [`Options::iteration_weeks`].
    pub iterations: Vec<Iteration>,
}

/// An iteration of a PI: a team iteration, or one iteration of a train's cadence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iteration {
    /// The UID stem, from Targetprocess ids: `teamiteration-<id>` or `release-<id>-iteration-<n>`.
    pub key: String,
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub url: Option<String>,
}

/// A meeting at a time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub at: NaiveTime,
    pub minutes: u32,
}

/// What the account does not say: `[calendar]` of `pi-planner.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The UIDs' domain: the Targetprocess account's host.
    pub domain: String,
    /// PI planning: the first this many days of the PI.
    pub planning_days: u32,
    /// The IP iteration's place in the PI, from 1; none: the last iteration.
    pub ip_iteration: Option<u32>,
    /// Iteration length for a PI without iterations in Targetprocess; none: no iterations.
    pub iteration_weeks: Option<u32>,
    /// The system demo on the last working day of every iteration.
    pub system_demo: Option<Meeting>,
    /// The plan review on the first working day of every iteration, with its reminder.
    pub plan_review: Option<Meeting>,
    pub review_reminder_minutes: u32,
}

/// The days a Targetprocess start and end date cover: the first day, and the day after the last.
/// A date is the instant's UTC date after adding 12 hours, so a date-only value written at
/// midnight in any server zone lands on its day; an end at `hh:59:59` (the end of its day) is
/// read one second later, any other end is the last day itself.
pub fn day_span(start: DateTime<Utc>, end: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let day = |t: DateTime<Utc>| (t + Duration::hours(12)).date_naive();
    let first = day(start);
    let after = if end.timestamp().rem_euclid(60) == 59 {
        day(end + Duration::seconds(1))
    } else {
        day(end) + Duration::days(1)
    };
    (first, after.max(first + Duration::days(1)))
}

/// The calendar's events for the given PIs, PI by PI.
pub fn events(pis: &[Pi], options: &Options) -> Vec<Event> {
    pis.iter().flat_map(|pi| pi_events(pi, options)).collect()
}

fn pi_events(pi: &Pi, options: &Options) -> Vec<Event> {
    let (first, after) = day_span(pi.start, pi.end);
    let uid = |stem: &str, kind: Kind| format!("{stem}-{}@{}", kind.slug(), options.domain);
    let release = format!("release-{}", pi.id);
    let mut out = vec![Event {
        uid: uid(&release, Kind::Pi),
        kind: Kind::Pi,
        summary: format!("PI {}", pi.name),
        description: Some(format!("Program increment {}.", pi.name)),
        start: When::Day(first),
        end: When::Day(after),
        reminder_minutes: None,
        url: pi.url.clone(),
    }];
    if options.planning_days > 0 {
        let end = (first + Duration::days(i64::from(options.planning_days))).min(after);
        out.push(Event {
            uid: uid(&release, Kind::Planning),
            kind: Kind::Planning,
            summary: format!("PI {} – PI planning", pi.name),
            description: Some(format!("PI planning of {}.", pi.name)),
            start: When::Day(first),
            end: When::Day(end),
            reminder_minutes: None,
            url: pi.url.clone(),
        });
    }
    let iterations = if pi.iterations.is_empty() {
        cadence(pi, first, after, options.iteration_weeks)
    } else {
        pi.iterations.clone()
    };
    let ip = options
        .ip_iteration
        .map_or(iterations.len(), |n| n as usize);
    for (i, it) in iterations.iter().enumerate() {
        out.extend(iteration_events(pi, it, i + 1 == ip, options));
    }
    out
}

/// Iterations of `weeks` cut from the PI's days when Targetprocess has none.
fn cadence(pi: &Pi, first: NaiveDate, after: NaiveDate, weeks: Option<u32>) -> Vec<Iteration> {
    let Some(weeks) = weeks.filter(|w| *w > 0) else {
        return Vec::new();
    };
    let step = Duration::weeks(i64::from(weeks));
    let mut out = Vec::new();
    let mut day = first;
    while day < after {
        let end = (day + step).min(after);
        let n = out.len() + 1;
        out.push(Iteration {
            key: format!("release-{}-iteration-{n}", pi.id),
            name: format!("Iteration {n}"),
            start: day.and_time(NaiveTime::MIN).and_utc(),
            end: (end.and_time(NaiveTime::MIN) - Duration::seconds(1)).and_utc(),
            url: None,
        });
        day = end;
    }
    out
}

fn iteration_events(pi: &Pi, it: &Iteration, ip: bool, options: &Options) -> Vec<Event> {
    let (first, after) = day_span(it.start, it.end);
    let uid = |kind: Kind| format!("{}-{}@{}", it.key, kind.slug(), options.domain);
    let title = if ip {
        format!("PI {} – {} (IP iteration)", pi.name, it.name)
    } else {
        format!("PI {} – {}", pi.name, it.name)
    };
    let mut out = vec![Event {
        uid: uid(Kind::Iteration),
        kind: Kind::Iteration,
        summary: title.clone(),
        description: ip.then(|| "Innovation and planning iteration.".to_owned()),
        start: When::Day(first),
        end: When::Day(after),
        reminder_minutes: None,
        url: it.url.clone(),
    }];
    if let Some(m) = options.system_demo {
        let day = working_day_back(after - Duration::days(1)).max(first);
        out.push(meeting(
            uid(Kind::SystemDemo),
            Kind::SystemDemo,
            &title,
            day,
            m,
            None,
        ));
    }
    if let Some(m) = options.plan_review {
        let day = working_day_forward(first).min(after - Duration::days(1));
        let reminder = Some(options.review_reminder_minutes);
        out.push(meeting(
            uid(Kind::PlanReview),
            Kind::PlanReview,
            &title,
            day,
            m,
            reminder,
        ));
    }
    out
}

fn meeting(
    uid: String,
    kind: Kind,
    title: &str,
    day: NaiveDate,
    m: Meeting,
    reminder_minutes: Option<u32>,
) -> Event {
    let start = day.and_time(m.at);
    let what = match kind {
        Kind::SystemDemo => "System demo",
        _ => "Plan review",
    };
    Event {
        uid,
        kind,
        summary: format!("{what}: {title}"),
        description: None,
        start: When::Local(start),
        end: When::Local(start + Duration::minutes(i64::from(m.minutes))),
        reminder_minutes,
        url: None,
    }
}

fn working_day_back(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(1);
    }
    day
}

fn working_day_forward(mut day: NaiveDate) -> NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn day_spans_read_midnight_and_end_of_day_dates() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // Midnight in Amsterdam (23:00 UTC the day before), end given as its last day.
        let cet = day_span(at("2026-01-04T23:00:00Z"), at("2026-01-16T23:00:00Z"));
        assert_eq!(cet, (d("2026-01-05"), d("2026-01-18")));
        // The simulator's end: the last second of the last day.
        let sim = day_span(at("2025-10-06T00:00:00Z"), at("2025-12-28T23:59:59Z"));
        assert_eq!(sim, (d("2025-10-06"), d("2025-12-29")));
    }

    #[test]
    fn without_iterations_the_cadence_cuts_the_pi_and_the_last_is_the_ip_iteration() {
        let pi = Pi {
            id: 7,
            name: "PI-1/26".into(),
            start: at("2025-10-06T00:00:00Z"),
            end: at("2025-12-28T23:59:59Z"),
            url: None,
            iterations: vec![],
        };
        let options = Options {
            domain: "tp.example".into(),
            planning_days: 2,
            ip_iteration: None,
            iteration_weeks: Some(2),
            system_demo: None,
            plan_review: None,
            review_reminder_minutes: 15,
        };
        let events = events(&[pi], &options);
        let iterations: Vec<_> = events
            .iter()
            .filter(|e| e.kind == Kind::Iteration)
            .collect();
        assert_eq!(iterations.len(), 6);
        assert_eq!(
            iterations[5].uid,
            "release-7-iteration-6-iteration@tp.example"
        );
        assert!(iterations[5].summary.ends_with("(IP iteration)"));
        assert!(!iterations[4].summary.contains("IP"));
        let planning = events.iter().find(|e| e.kind == Kind::Planning).unwrap();
        let d = |s: &str| When::Day(s.parse().unwrap());
        assert_eq!(
            (planning.start, planning.end),
            (d("2025-10-06"), d("2025-10-08"))
        );
    }
}
