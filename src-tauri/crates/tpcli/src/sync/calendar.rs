//! `tpcli plan calendar`: the PI calendar (`.ics`) of a team or a release train — the train's
//! releases with their dates, each team's iterations (for a train, one per distinct start and
//! end), PI planning, system demos and plan reviews as `[calendar]` sets them — written with
//! `pi-calendar`, keeping each unchanged event's SEQUENCE from the file it replaces.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, NaiveTime, Utc};
use clap::Args;
use pi_calendar::{Calendar, Iteration, Kind, Meeting, Options, Pi};
use pi_model::{CONFIG_FILE_NAME, CalendarConfig, RepoConfig};
use pi_targetprocess::{ReleasePeriod, Summary, TeamIteration, TpClient};

use super::{RepoArgs, block_on, connect};
use crate::{exit, files};

/// Write the PI calendar (an iCalendar .ics file) of the team's plan or of a release train:
/// each PI with its PI planning days, every iteration (the IP iteration marked), a system demo
/// at the end and a plan review with a reminder at the start of each iteration.
///
/// Without --art the calendar is the plan's team's (the plan repository in --repo); with --art
/// it is the train's (one iteration per distinct start and end across its teams), or with
/// --team that team's. Every release of the train with dates is included unless --release
/// names one. Times, zone and meetings come from [calendar] in pi-planner.toml. Event UIDs
/// come from Targetprocess ids, so a calendar app that imported or subscribed to FILE updates
/// its events when FILE is written again; an event that changed gets a higher SEQUENCE, the
/// others keep theirs. FILE is replaced atomically.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan calendar --out pi.ics                          # the plan's team, every PI
  tpcli plan calendar --art \"Orion ART\" --out train.ics     # the train
  tpcli plan calendar --art \"Orion ART\" --team Phoenix --release PI-1/26 --out phoenix.ics

Exit codes: 0 written; 2 error (no such ART, team or release, a bad [calendar], Targetprocess
unreachable, FILE not writable).")]
pub struct CalendarArgs {
    /// The Agile Release Train by its name in Targetprocess: the train's calendar (or, with
    /// --team, one team's) without a plan repository.
    #[arg(long, value_name = "NAME")]
    art: Option<String>,
    /// With --art: this team's calendar (its team iterations) instead of the train's.
    #[arg(long, value_name = "TEAM", requires = "art")]
    team: Option<String>,
    /// Only this release (PI), by name. Default: every release of the train that has dates.
    #[arg(long, value_name = "NAME")]
    release: Option<String>,
    /// The .ics file to write; the file it replaces keeps unchanged events' SEQUENCE.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The export time written as every event's DTSTAMP (RFC 3339). Default: now.
    #[arg(long, value_name = "TIME")]
    stamp: Option<DateTime<Utc>>,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: connect::TpArgs,
}

/// Whose calendar: a team of an ART, or the whole train.
struct Scope {
    art: Summary,
    team: Option<Summary>,
}

pub fn run(args: CalendarArgs) -> Result<u8> {
    let (tp, target, scope, config) = match &args.art {
        Some(art) => {
            let (config, path) = config_in(&args.repo.repo)?;
            let target = connect::target(&args.tp, None)?;
            let tp = connect::client_at(&target, config.tp.clone())?;
            let scope = block_on(find_scope(&tp, art, args.team.as_deref()))??;
            (tp, target, scope, (config.calendar, path))
        }
        None => {
            let ws = pi_engine::Workspace::open(&args.repo.repo)?;
            let target = connect::target(&args.tp, Some(&ws))?;
            let tp = connect::client_at(&target, connect::schema_of(&ws)?)?;
            let header = ws.base_header()?;
            let named = |n: &pi_model::Named, what: &str| {
                n.id.map(|id| Summary {
                    id,
                    name: n.name.clone(),
                })
                .ok_or_else(|| anyhow!("the plan names no Targetprocess id for its {what}; give --art NAME (and --team)"))
            };
            let scope = Scope {
                art: named(&header.art, "ART")?,
                team: Some(named(&header.team, "team")?),
            };
            let (config, path) = files::load_config(&ws.plan_path()?, None)?;
            (tp, target, scope, (config.calendar, path))
        }
    };
    let (settings, config_path) = config;
    let zone = pi_calendar::parse_zone(settings.time_zone()).map_err(|why| {
        let file = config_path
            .as_deref()
            .unwrap_or(Path::new(CONFIG_FILE_NAME));
        anyhow!("{}:{}", file.display(), settings.zone_error(&why))
    })?;
    let base = target.url().trim_end_matches('/').to_owned();
    let pis = block_on(read_pis(&tp, &scope, args.release.as_deref(), &base))??;
    let options = options(&settings, host(&base));
    let calendar = Calendar {
        name: match &scope.team {
            Some(team) => format!("{} — PI calendar", team.name),
            None => format!("{} — PI calendar", scope.art.name),
        },
        zone,
        events: pi_calendar::events(&pis, &options),
    };
    let previous = match std::fs::read_to_string(&args.out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", args.out.display())),
    };
    let now = args.stamp.unwrap_or_else(Utc::now);
    let text = pi_calendar::render(&calendar, now, previous.as_deref());
    files::write_atomic(&args.out, &text)?;
    let count = |kind: Kind| calendar.events.iter().filter(|e| e.kind == kind).count();
    println!(
        "Wrote {} ({} events: {} PIs, {} iterations, {} system demos, {} plan reviews) to {}",
        calendar.name,
        calendar.events.len(),
        count(Kind::Pi),
        count(Kind::Iteration),
        count(Kind::SystemDemo),
        count(Kind::PlanReview),
        args.out.display()
    );
    Ok(exit::OK)
}

/// The PI calendar of ART `art` (or of its team `team`) as a train's watch serves it
/// (`/calendar.ics`): read now from Targetprocess at `base` with `tp`, under `settings`
/// (`[calendar]` of the train's root). `previous`, the text served before, keeps the
/// `SEQUENCE` of every unchanged event; UIDs never change.
pub async fn feed(
    tp: &TpClient,
    base: &str,
    art: &str,
    team: Option<&str>,
    settings: &CalendarConfig,
    previous: Option<&str>,
) -> Result<String> {
    let zone = pi_calendar::parse_zone(settings.time_zone())
        .map_err(|why| anyhow!("{CONFIG_FILE_NAME}:{}", settings.zone_error(&why)))?;
    let scope = find_scope(tp, art, team).await?;
    let base = base.trim_end_matches('/');
    let pis = read_pis(tp, &scope, None, base).await?;
    let calendar = Calendar {
        name: format!(
            "{} — PI calendar",
            scope.team.as_ref().map_or(&scope.art.name, |t| &t.name)
        ),
        zone,
        events: pi_calendar::events(&pis, &options(settings, host(base))),
    };
    Ok(pi_calendar::render(&calendar, Utc::now(), previous))
}

/// `pi-planner.toml` in `dir` (the defaults without one), with its path.
pub fn config_in(dir: &Path) -> Result<(RepoConfig, Option<PathBuf>)> {
    let path = dir.join(CONFIG_FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => RepoConfig::from_toml_str(&text)
            .map(|c| (c, Some(path.clone())))
            .map_err(|e| anyhow!("{}:{e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((RepoConfig::default(), None)),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn options(settings: &CalendarConfig, domain: &str) -> Options {
    let meeting = |at: Option<(u32, u32)>, minutes: u32| {
        let (h, m) = at?;
        Some(Meeting {
            at: NaiveTime::from_hms_opt(h, m, 0)?,
            minutes,
        })
    };
    Options {
        domain: domain.to_owned(),
        planning_days: settings.planning_days,
        ip_iteration: settings.ip_iteration,
        iteration_weeks: Some(settings.iteration_weeks).filter(|w| *w > 0),
        system_demo: meeting(settings.demo_at(), settings.demo_minutes),
        plan_review: meeting(settings.review_at(), settings.review_minutes),
        review_reminder_minutes: settings.review_reminder_minutes,
    }
}

/// The host of the account's URL: the UIDs' domain.
fn host(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.split(':').next().unwrap_or(authority),
    }
}

async fn find_scope(tp: &TpClient, art: &str, team: Option<&str>) -> Result<Scope> {
    let arts = tp.list_arts().await?;
    let art = by_name(&arts, art, "ART")?.clone();
    let team = match team {
        Some(name) => {
            let teams = tp.list_teams(art.id).await?;
            Some(by_name(&teams, name, "team")?.clone())
        }
        None => None,
    };
    Ok(Scope { art, team })
}

fn by_name<'a>(items: &'a [Summary], name: &str, what: &str) -> Result<&'a Summary> {
    items
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let known: Vec<&str> = items.iter().map(|s| s.name.as_str()).collect();
            anyhow!("no {what} named {name:?} (known: {})", known.join(", "))
        })
}

/// The train's releases with dates (or the one named), each with the scope's iterations.
async fn read_pis(
    tp: &TpClient,
    scope: &Scope,
    release: Option<&str>,
    base: &str,
) -> Result<Vec<Pi>> {
    let periods = tp.list_release_periods(scope.art.id).await?;
    let chosen: Vec<&ReleasePeriod> = match release {
        Some(name) => {
            let releases: Vec<Summary> = periods.iter().map(|p| p.release.clone()).collect();
            let found = by_name(&releases, name, "release")?.id;
            periods.iter().filter(|p| p.release.id == found).collect()
        }
        None => periods.iter().collect(),
    };
    let mut pis = Vec::new();
    for period in chosen {
        let (Some(start), Some(end)) = (period.start, period.end) else {
            if release.is_some() {
                bail!(
                    "release {:?} has no start and end dates in Targetprocess",
                    period.release.name
                );
            }
            continue;
        };
        let id = period.release.id;
        let team = scope.team.as_ref().map(|t| t.id);
        let found = tp.list_team_iterations(id, team).await?;
        let iterations = match team {
            Some(_) => found
                .iter()
                .map(|it| Iteration {
                    key: format!("teamiteration-{}", it.iteration.id),
                    name: it.iteration.name.clone(),
                    start: it.start,
                    end: it.end,
                    url: Some(format!("{base}/entity/{}", it.iteration.id)),
                })
                .collect(),
            None => cadence(id, &found),
        };
        pis.push(Pi {
            id,
            name: period.release.name.clone(),
            start,
            end,
            url: Some(format!("{base}/entity/{id}")),
            iterations,
        });
    }
    Ok(pis)
}

/// A train's iterations: the teams' iterations collapsed to one per distinct start and end,
/// oldest first, numbered within the release.
fn cadence(release: i64, found: &[TeamIteration]) -> Vec<Iteration> {
    let spans: BTreeSet<(DateTime<Utc>, DateTime<Utc>)> =
        found.iter().map(|it| (it.start, it.end)).collect();
    spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| Iteration {
            key: format!("release-{release}-iteration-{}", i + 1),
            name: format!("Iteration {}", i + 1),
            start,
            end,
            url: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn team_iteration(id: i64, team: i64, start: &str, end: &str) -> TeamIteration {
        TeamIteration {
            iteration: Summary {
                id,
                name: format!("Sprint {id}"),
            },
            team: Some(team),
            start: at(start),
            end: at(end),
        }
    }

    #[test]
    fn a_trains_iterations_are_one_per_start_and_end_in_date_order() {
        let found = [
            team_iteration(12, 2, "2026-01-19T00:00:00Z", "2026-02-01T23:59:59Z"),
            team_iteration(10, 1, "2026-01-05T00:00:00Z", "2026-01-18T23:59:59Z"),
            team_iteration(11, 1, "2026-01-19T00:00:00Z", "2026-02-01T23:59:59Z"),
            team_iteration(20, 2, "2026-01-05T00:00:00Z", "2026-01-18T23:59:59Z"),
            // A team on another cadence adds its own span.
            team_iteration(30, 3, "2026-01-05T00:00:00Z", "2026-01-25T23:59:59Z"),
        ];
        let train = cadence(7, &found);
        let keys: Vec<_> = train.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "release-7-iteration-1",
                "release-7-iteration-2",
                "release-7-iteration-3"
            ]
        );
        assert_eq!(train[0].end, at("2026-01-18T23:59:59Z"));
        assert_eq!(train[1].end, at("2026-01-25T23:59:59Z"));
        assert_eq!(train[2].start, at("2026-01-19T00:00:00Z"));
        assert_eq!(train[2].name, "Iteration 3");
    }

    #[test]
    fn the_uid_domain_is_the_accounts_host() {
        assert_eq!(host("https://acme.tpondemand.com"), "acme.tpondemand.com");
        assert_eq!(host("http://127.0.0.1:41234/"), "127.0.0.1");
        assert_eq!(host("https://u@tp.example.org:8443/tp"), "tp.example.org");
        assert_eq!(host("http://[::1]:9000"), "::1");
    }
}
