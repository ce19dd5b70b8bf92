//! The PI calendar a train's watch serves at `/calendar.ics`: what a calendar app subscribed to
//! it reads, parsed with the Python `icalendar` package — the train's PIs, iterations, demos and
//! reviews, a team's own with `?team=`, the same UIDs at every read, and only a moved release's
//! event bumped after its dates change in Targetprocess.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use crate::calendar_cli::{events, parse, uids};
use crate::sync_cli_support::Bench;
use crate::watch_train_cli::{get, start_watch, train};

/// `/calendar.ics` (with `query`), parsed.
fn served(bench: &Bench, addr: &str, query: &str) -> Value {
    let (status, text) = get(addr, &format!("/calendar.ics{query}"));
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    let file = bench.home.path().join("served.ics");
    std::fs::write(&file, &text).unwrap();
    parse(&file)
}

fn sequence_of<'a>(parsed: &'a Value, uid: &str) -> &'a Value {
    &events(parsed)
        .iter()
        .find(|e| e["uid"] == uid)
        .unwrap_or_else(|| panic!("no event {uid}"))["sequence"]
}

#[test]
fn the_watch_serves_the_trains_calendar_and_keeps_its_uids_across_updates() {
    let bench = Bench::start();
    let (art, teams) = train(&bench);
    let (_watch, addr) = start_watch(&bench, &art, &teams);

    let before = served(&bench, &addr, "");
    let kinds = |parsed: &Value, kind: &str| {
        events(parsed)
            .iter()
            .filter(|e| {
                e["uid"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("-{kind}@127.0.0.1"))
            })
            .count()
    };
    assert!(kinds(&before, "pi") > 0, "{before}");
    assert!(kinds(&before, "iteration") > 0, "{before}");
    assert!(kinds(&before, "system-demo") > 0, "{before}");
    assert!(events(&before).iter().all(|e| e["sequence"] == 0));
    let again = served(&bench, &addr, "");
    assert_eq!(uids(&again), uids(&before));
    assert!(events(&again).iter().all(|e| e["sequence"] == 0));

    // One team's calendar: its own iterations, by Targetprocess id.
    let team = served(
        &bench,
        &addr,
        &format!("?team={}", teams[0].replace(' ', "%20")),
    );
    assert!(
        uids(&team).iter().any(|u| u.starts_with("teamiteration-")),
        "{team}"
    );

    // A release ends a week later in Targetprocess: same UIDs, only its event is bumped.
    let pi_uid = uids(&before)
        .into_iter()
        .find(|u| u.starts_with("release-") && u.ends_with("-pi@127.0.0.1"))
        .unwrap();
    let release: i64 = pi_uid
        .trim_start_matches("release-")
        .trim_end_matches("-pi@127.0.0.1")
        .parse()
        .unwrap();
    let pi = events(&before)
        .iter()
        .find(|e| e["uid"] == pi_uid.as_str())
        .unwrap();
    let end = NaiveDate::parse_from_str(pi["end"]["local"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let later = end.checked_add_days(Days::new(7)).unwrap();
    bench
        .sim
        .control()
        .update_entity(
            "Releases",
            release,
            json!({ "EndDate": format!("{later}T00:00:00Z") }),
        )
        .unwrap();
    let after = served(&bench, &addr, "");
    assert_eq!(uids(&after), uids(&before));
    assert_eq!(sequence_of(&after, &pi_uid), 1, "{after}");
    let bumped = events(&after).iter().filter(|e| e["sequence"] != 0).count();
    assert_eq!(bumped, 1, "{after}");
}
