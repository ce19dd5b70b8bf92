//! `tpcli plan calendar` against the simulator: the `.ics` it writes read back by a real
//! iCalendar parser (the Python `icalendar` package, `calendar/read_ics.py`), the demo train's
//! calendar against a checked-in file, and a release whose dates move in Targetprocess.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::sync_cli_support::{Bench, python_with};

const ICALENDAR: &str = "7.3.0";
const STAMP: &str = "2026-01-01T08:00:00Z";

/// A Python with icalendar: `PI_ICS_TEST_PYTHON`, the venv install-deps.sh makes, or python3.
fn python() -> PathBuf {
    python_with(
        "icalendar",
        "PI_ICS_TEST_PYTHON",
        &format!(
            "the icalendar package is not installed: run scripts/install-deps.sh (it installs icalendar=={ICALENDAR} into ~/.cache/pi-planner/venv)"
        ),
    )
}

/// The file as the icalendar package reads it (see `calendar/read_ics.py`).
pub(crate) fn parse(file: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calendar/read_ics.py");
    let out = Command::new(python())
        .arg(script)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "icalendar could not read {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn names(bench: &Bench, resource: &str) -> Vec<(i64, String)> {
    let control = bench.sim.control();
    control
        .ids(resource)
        .into_iter()
        .map(|id| {
            let e = control.get_entity(resource, id).unwrap();
            (id, e["Name"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn art(bench: &Bench) -> String {
    names(bench, "AgileReleaseTrains").remove(0).1
}

/// Ids of the first ART's releases, oldest first.
fn releases(bench: &Bench) -> Vec<i64> {
    releases_of(bench, bench.sim.control().ids("AgileReleaseTrains")[0])
}

/// Ids of an ART's releases, oldest first.
fn releases_of(bench: &Bench, art: i64) -> Vec<i64> {
    let control = bench.sim.control();
    let mut ids: Vec<i64> = control
        .ids("Releases")
        .into_iter()
        .filter(|id| control.get_entity("Releases", *id).unwrap()["AgileReleaseTrain"]["Id"] == art)
        .collect();
    ids.sort_unstable();
    ids
}

pub(crate) fn events(parsed: &Value) -> &Vec<Value> {
    parsed["events"].as_array().unwrap()
}

fn event<'a>(parsed: &'a Value, uid: &str) -> &'a Value {
    events(parsed)
        .iter()
        .find(|e| e["uid"] == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))
}

pub(crate) fn uids(parsed: &Value) -> BTreeSet<String> {
    events(parsed)
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_owned())
        .collect()
}

fn berlin_config(bench: &Bench) {
    std::fs::write(
        bench.repo().join("pi-planner.toml"),
        "[calendar]\ntime_zone = \"Europe/Berlin\"\nreview_reminder_minutes = 20\n",
    )
    .unwrap();
}

#[test]
fn a_trains_calendar_reads_back_with_icalendar_with_its_events_zone_and_alarms() {
    let bench = Bench::start();
    berlin_config(&bench);
    let art = art(&bench);
    let out = bench.repo().join("train.ics");
    let said = bench.ok(&[
        "plan",
        "calendar",
        "--art",
        &art,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("60 events"), "{said}");
    let parsed = parse(&out);
    assert_eq!(parsed["version"], "2.0");
    assert_eq!(parsed["name"], format!("{art} — PI calendar"));
    assert_eq!(parsed["time_zones"], json!(["Europe/Berlin"]));
    assert_eq!(parsed["crlf_only"], true);
    assert!(parsed["longest_line"].as_u64().unwrap() <= 75, "{parsed}");

    // Three PIs of the demo, each: the PI, PI planning, six iterations with a demo and a review.
    let releases = releases(&bench);
    assert_eq!(releases.len(), 3);
    assert_eq!(events(&parsed).len(), 3 * (2 + 6 * 3));
    let all = uids(&parsed);
    assert_eq!(all.len(), events(&parsed).len(), "UIDs are unique");
    let first = releases[0];
    let host = "127.0.0.1";

    // The PI: whole days, DTEND the day after its last day (the demo's PIs are 12 weeks).
    let pi = event(&parsed, &format!("release-{first}-pi@{host}"));
    assert_eq!(pi["start"]["kind"], "date");
    assert_eq!(pi["start"]["value_type"], "DATE");
    assert_eq!(pi["start"]["local"], "2025-10-06");
    assert_eq!(pi["end"]["local"], "2025-12-29");
    let planning = event(&parsed, &format!("release-{first}-pi-planning@{host}"));
    assert_eq!(
        (&planning["start"]["local"], &planning["end"]["local"]),
        (&json!("2025-10-06"), &json!("2025-10-08"))
    );

    // Iterations collapsed across teams, numbered within the release; the sixth is the IP one.
    let it = |n: u32, kind: &str| format!("release-{first}-iteration-{n}-{kind}@{host}");
    for n in 1..=6 {
        assert!(all.contains(&it(n, "iteration")), "iteration {n}");
    }
    assert!(!all.contains(&it(7, "iteration")));
    let ip = event(&parsed, &it(6, "iteration"));
    assert!(ip["summary"].as_str().unwrap().contains("IP iteration"));
    let second = event(&parsed, &it(2, "iteration"));
    assert_eq!(second["start"]["local"], "2025-10-20");
    assert_eq!(second["end"]["local"], "2025-11-03");

    // Timed meetings at Berlin wall-clock time with the zone's id; only reviews have alarms.
    let demo = event(&parsed, &it(1, "system-demo"));
    assert_eq!(demo["start"]["tzid"], "Europe/Berlin");
    assert_eq!(demo["start"]["local"], "2025-10-17T14:00:00");
    assert_eq!(demo["start"]["utc"], "2025-10-17T12:00:00+00:00");
    assert_eq!(demo["end"]["local"], "2025-10-17T15:00:00");
    assert_eq!(demo["alarms"], json!([]));
    // After the change to winter time: 10:00 in Berlin is 09:00 UTC.
    let review = event(&parsed, &it(3, "plan-review"));
    assert_eq!(review["start"]["tzid"], "Europe/Berlin");
    assert_eq!(review["start"]["local"], "2025-11-03T10:00:00");
    assert_eq!(review["start"]["utc"], "2025-11-03T09:00:00+00:00");
    assert_eq!(review["end"]["local"], "2025-11-03T10:30:00");
    assert_eq!(
        review["alarms"],
        json!([{"action": "DISPLAY", "minutes_before": 20}])
    );
    let with_alarms = events(&parsed)
        .iter()
        .filter(|e| !e["alarms"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(with_alarms, 3 * 6);
}

#[test]
fn a_teams_calendar_has_its_team_iterations_from_the_plan_folder_or_by_name() {
    let bench = Bench::start();
    bench.init();
    berlin_config(&bench);
    let from_plan = bench.repo().join("team.ics");
    bench.ok(&[
        "plan",
        "calendar",
        "--release",
        &bench.release,
        "--out",
        from_plan.to_str().unwrap(),
    ]);
    let parsed = parse(&from_plan);
    assert_eq!(parsed["name"], format!("{} — PI calendar", bench.team));
    assert_eq!(events(&parsed).len(), 2 + 6 * 3);
    // The team's ART (the demo has two trains) and the plan's release in it.
    let control = bench.sim.control();
    let team = names(&bench, "Teams")
        .into_iter()
        .find(|(_, n)| *n == bench.team)
        .unwrap()
        .0;
    let art = &control.get_entity("Teams", team).unwrap()["AgileReleaseTrain"];
    let art_name = art["Name"].as_str().unwrap().to_owned();
    let train_releases = releases_of(&bench, art["Id"].as_i64().unwrap());
    let release = names(&bench, "Releases")
        .into_iter()
        .find(|(id, n)| *n == bench.release && train_releases.contains(id))
        .unwrap()
        .0;
    let iterations: BTreeSet<String> = control
        .ids("TeamIterations")
        .into_iter()
        .filter(|id| {
            let e = control.get_entity("TeamIterations", *id).unwrap();
            e["Team"]["Id"] == team && e["Release"]["Id"] == release
        })
        .map(|id| format!("teamiteration-{id}-iteration@127.0.0.1"))
        .collect();
    assert_eq!(iterations.len(), 6);
    let found: BTreeSet<String> = uids(&parsed)
        .into_iter()
        .filter(|u| u.starts_with("teamiteration-") && u.contains("-iteration@"))
        .collect();
    assert_eq!(found, iterations);

    // The same team named with --art and --team: the same events.
    let by_name = bench.repo().join("by-name.ics");
    bench.ok(&[
        "plan",
        "calendar",
        "--art",
        &art_name,
        "--team",
        &bench.team,
        "--release",
        &bench.release,
        "--stamp",
        STAMP,
        "--out",
        by_name.to_str().unwrap(),
    ]);
    assert_eq!(uids(&parse(&by_name)), uids(&parsed));
}

#[test]
fn the_demo_trains_calendar_is_the_checked_in_file() {
    let bench = Bench::start();
    berlin_config(&bench);
    let out = bench.repo().join("train.ics");
    bench.ok(&[
        "plan",
        "calendar",
        "--art",
        &art(&bench),
        "--stamp",
        STAMP,
        "--out",
        out.to_str().unwrap(),
    ]);
    // The simulator's port changes from run to run: its links are compared without it.
    let base = bench.sim.base_url();
    let written = std::fs::read_to_string(&out)
        .unwrap()
        .replace(base.trim_end_matches('/'), "http://127.0.0.1:PORT")
        .into_bytes();
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calendar/demo-train.ics");
    if std::env::var_os("PI_PLANNER_WRITE_CALENDAR").is_some() {
        std::fs::write(&expected, &written).unwrap();
    }
    let want = std::fs::read(&expected).unwrap_or_default();
    assert!(
        written == want,
        "the demo train's calendar differs from {} (PI_PLANNER_WRITE_CALENDAR=1 rewrites it):\n{}",
        expected.display(),
        String::from_utf8_lossy(&written)
    );
}

#[test]
fn moving_a_releases_dates_keeps_every_uid_and_bumps_that_event_only() {
    let bench = Bench::start();
    let art = art(&bench);
    let out = bench.repo().join("train.ics");
    let export = |stamp: &str| {
        bench.ok(&[
            "plan",
            "calendar",
            "--art",
            &art,
            "--stamp",
            stamp,
            "--out",
            out.to_str().unwrap(),
        ]);
        parse(&out)
    };
    let before = export(STAMP);
    assert!(events(&before).iter().all(|e| e["sequence"] == 0));

    // Unchanged in Targetprocess: written again, nothing is bumped.
    let again = export("2026-01-02T08:00:00Z");
    assert!(events(&again).iter().all(|e| e["sequence"] == 0));
    assert!(
        events(&again)
            .iter()
            .all(|e| e["last_modified"] == "2026-01-01T08:00:00+00:00")
    );

    // The last release ends a week later.
    let last = *releases(&bench).last().unwrap();
    let pi_uid = format!("release-{last}-pi@127.0.0.1");
    let old_end = event(&before, &pi_uid)["end"]["local"].clone();
    bench
        .sim
        .control()
        .update_entity("Releases", last, json!({"EndDate": "2026-06-28T23:59:59Z"}))
        .unwrap();
    let after = export("2026-01-03T08:00:00Z");
    assert_eq!(uids(&after), uids(&before));
    let moved = event(&after, &pi_uid);
    assert_ne!(moved["end"]["local"], old_end);
    assert_eq!(moved["end"]["local"], "2026-06-29");
    assert_eq!(moved["sequence"], 1);
    assert_eq!(moved["last_modified"], "2026-01-03T08:00:00+00:00");
    for e in events(&after)
        .iter()
        .filter(|e| e["uid"] != pi_uid.as_str())
    {
        assert_eq!(e["sequence"], 0, "{}", e["uid"]);
        assert_eq!(
            e["last_modified"], "2026-01-01T08:00:00+00:00",
            "{}",
            e["uid"]
        );
        assert_eq!(e["dtstamp"], "2026-01-03T08:00:00+00:00");
    }
}

#[test]
fn an_unknown_time_zone_is_refused_at_its_place_in_the_config() {
    let bench = Bench::start();
    std::fs::write(
        bench.repo().join("pi-planner.toml"),
        "[calendar]\nplanning_days = 1\ntime_zone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let out = bench.repo().join("train.ics");
    let run = bench.run(&[
        "plan",
        "calendar",
        "--art",
        &art(&bench),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("pi-planner.toml:3:13: calendar.time_zone:") && err.contains("Mars/Olympus"),
        "{err}"
    );
    assert!(!out.exists());
}
