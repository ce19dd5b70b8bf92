//! `[calendar]` in `pi-planner.toml`: what the PI calendar (`tpcli plan calendar`) needs that
//! Targetprocess does not say — the train's time zone, the PI planning days, the IP iteration,
//! an iteration length for PIs without team iterations, and the times and lengths of the system
//! demo and the plan review with its reminder.
//!
//! Every value is checked here with its place in the file, except that the zone is a known IANA
//! name: this crate carries no zone database, so the command that writes the calendar checks it
//! and reports it at [`CalendarConfig::zone_error`]'s place.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, line_col};

/// `[calendar]`: the defaults fit a two-week cadence in UTC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// IANA zone of the timed events (system demos, plan reviews), e.g. `Europe/Berlin`.
    /// Default: `UTC`.
    pub time_zone: Option<toml::Spanned<String>>,
    /// PI planning: the first this many days of each PI; 0: no PI planning event.
    pub planning_days: u32,
    /// The IP iteration's place in its PI, from 1. Default: the PI's last iteration.
    pub ip_iteration: Option<u32>,
    /// Iteration length in weeks for a PI without team iterations in Targetprocess; 0: none.
    pub iteration_weeks: u32,
    /// Time of the system demo on the last working day of each iteration (`HH:MM`).
    pub demo_time: toml::Spanned<String>,
    /// Length of the system demo; 0: no system demos.
    pub demo_minutes: u32,
    /// Time of the plan review on the first working day of each iteration (`HH:MM`).
    pub review_time: toml::Spanned<String>,
    /// Length of the plan review; 0: no plan reviews.
    pub review_minutes: u32,
    /// Minutes before a plan review at which calendar apps remind (`VALARM`); 0: at its start.
    pub review_reminder_minutes: u32,
    /// Where `time_zone`'s value is, as (line, column); set when read from a file.
    #[serde(skip)]
    zone_at: Option<(usize, usize)>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        let spanned = |s: &str| toml::Spanned::new(0..0, s.to_owned());
        Self {
            time_zone: None,
            planning_days: 2,
            ip_iteration: None,
            iteration_weeks: 2,
            demo_time: spanned("14:00"),
            demo_minutes: 60,
            review_time: spanned("10:00"),
            review_minutes: 30,
            review_reminder_minutes: 15,
            zone_at: None,
        }
    }
}

/// Longest meeting and reminder accepted: a day.
const DAY_MINUTES: u32 = 24 * 60;

impl CalendarConfig {
    /// The zone's IANA name as written (`UTC` when not set).
    pub fn time_zone(&self) -> &str {
        self.time_zone
            .as_ref()
            .map_or("UTC", |z| z.get_ref().trim())
    }

    /// The system demo's time of day as (hour, minute); none when demos are off.
    pub fn demo_at(&self) -> Option<(u32, u32)> {
        (self.demo_minutes > 0).then(|| clock(self.demo_time.get_ref()))?
    }

    /// The plan review's time of day as (hour, minute); none when reviews are off.
    pub fn review_at(&self) -> Option<(u32, u32)> {
        (self.review_minutes > 0).then(|| clock(self.review_time.get_ref()))?
    }

    /// An error about the time zone (`why`, e.g. "not an IANA zone"), located at its value in the
    /// file it was read from.
    pub fn zone_error(&self, why: &str) -> ConfigError {
        let (line, column) = self.zone_at.unwrap_or((1, 1));
        ConfigError {
            line,
            column,
            message: format!("calendar.time_zone: {why}"),
        }
    }

    /// Checks the values read from `text` and records where the zone is.
    pub(crate) fn check(&mut self, text: &str) -> Result<(), ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            Err(ConfigError {
                line,
                column,
                message,
            })
        };
        if let Some(zone) = &self.time_zone {
            self.zone_at = Some(line_col(text, zone.span().start));
            let name = zone.get_ref().trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return at(
                    zone.span(),
                    format!(
                        "calendar.time_zone: {name:?} is not an IANA time zone name (e.g. \"Europe/Berlin\", \"UTC\")"
                    ),
                );
            }
        }
        for (key, value) in [
            ("calendar.demo_time", &self.demo_time),
            ("calendar.review_time", &self.review_time),
        ] {
            if clock(value.get_ref()).is_none() {
                return at(
                    value.span(),
                    format!(
                        "{key}: {:?} is not a time of day (expected HH:MM, e.g. \"14:00\")",
                        value.get_ref()
                    ),
                );
            }
        }
        let whole = |message: String| {
            Err(ConfigError {
                line: 1,
                column: 1,
                message,
            })
        };
        if self.ip_iteration == Some(0) {
            return whole("calendar.ip_iteration: iterations are counted from 1".to_owned());
        }
        if self.planning_days > 28 {
            return whole(format!(
                "calendar.planning_days: {} days is longer than PI planning runs (at most 28)",
                self.planning_days
            ));
        }
        if self.iteration_weeks > 13 {
            return whole(format!(
                "calendar.iteration_weeks: {} weeks is longer than a PI (at most 13)",
                self.iteration_weeks
            ));
        }
        for (key, minutes) in [
            ("calendar.demo_minutes", self.demo_minutes),
            ("calendar.review_minutes", self.review_minutes),
            (
                "calendar.review_reminder_minutes",
                self.review_reminder_minutes,
            ),
        ] {
            if minutes > DAY_MINUTES {
                return whole(format!(
                    "{key}: {minutes} is more than a day ({DAY_MINUTES})"
                ));
            }
        }
        Ok(())
    }
}

/// `HH:MM` (24-hour) as (hour, minute).
fn clock(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, &[1, 2]) || !digits(m, &[2]) {
        return None;
    }
    let hour: u32 = h.parse().ok()?;
    let minute: u32 = m.parse().ok()?;
    (hour < 24 && minute < 60).then_some((hour, minute))
}

#[cfg(test)]
mod tests {
    use crate::RepoConfig;

    #[test]
    fn without_a_section_the_defaults_apply() {
        let c = RepoConfig::from_toml_str("").unwrap().calendar;
        assert_eq!(c.time_zone(), "UTC");
        assert_eq!((c.planning_days, c.iteration_weeks), (2, 2));
        assert_eq!(c.demo_at(), Some((14, 0)));
        assert_eq!(c.review_at(), Some((10, 0)));
        assert_eq!((c.review_minutes, c.review_reminder_minutes), (30, 15));
        assert_eq!(c.ip_iteration, None);
    }

    #[test]
    fn every_key_is_read_and_zero_minutes_turn_a_meeting_off() {
        let text = "[calendar]\ntime_zone = \"Europe/Berlin\"\nplanning_days = 3\nip_iteration = 5\n\
                    iteration_weeks = 3\ndemo_time = \"15:30\"\ndemo_minutes = 0\nreview_time = \"9:05\"\n\
                    review_minutes = 45\nreview_reminder_minutes = 60\n";
        let c = RepoConfig::from_toml_str(text).unwrap().calendar;
        assert_eq!(c.time_zone(), "Europe/Berlin");
        assert_eq!((c.planning_days, c.ip_iteration), (3, Some(5)));
        assert_eq!(c.iteration_weeks, 3);
        assert_eq!(c.demo_at(), None);
        assert_eq!(c.review_at(), Some((9, 5)));
        assert_eq!((c.review_minutes, c.review_reminder_minutes), (45, 60));
        // The zone's place is kept for the command that checks the name.
        let e = c.zone_error("\"Mars/Base\" is not an IANA time zone name");
        assert_eq!((e.line, e.column), (2, 13));
        assert!(e.message.starts_with("calendar.time_zone: "));
    }

    #[test]
    fn a_bad_time_is_located_at_its_value() {
        let e = RepoConfig::from_toml_str("[calendar]\n\ndemo_time = \"25:00\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 13), "{e}");
        assert!(e.message.contains("calendar.demo_time"), "{e}");
        let e = RepoConfig::from_toml_str("[calendar]\nreview_time = \"10h\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 15), "{e}");
    }

    #[test]
    fn a_blank_zone_an_unknown_key_and_out_of_range_numbers_are_refused() {
        let e =
            RepoConfig::from_toml_str("[calendar]\ntime_zone = \"Europe / Berlin\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 13), "{e}");
        let e = RepoConfig::from_toml_str("[calendar]\ntimezone = \"UTC\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("timezone"), "{e}");
        for bad in [
            "ip_iteration = 0",
            "planning_days = 40",
            "iteration_weeks = 14",
            "review_reminder_minutes = 2000",
        ] {
            let text = format!("[calendar]\n{bad}\n");
            let e = RepoConfig::from_toml_str(&text).unwrap_err();
            let key = bad.split(' ').next().unwrap();
            assert!(e.message.contains(key), "{bad}: {e}");
        }
    }
}
