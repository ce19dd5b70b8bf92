//! A train by its ART's name on the in-memory tracker: the PI picked by date, names not found,
//! every team set up and synced, a second run that opens what the first started and creates
//! nothing, and a team that fails while the others sync.

#![allow(clippy::unwrap_used)] // tests: a failure here is a failed test

use chrono::{DateTime, Duration, Utc};
use pi_model::Effort;
use pi_targetprocess::{Kind, ReleasePeriod, Summary};

use super::*;
use crate::memory::MemoryTracker;
use crate::testing::{at, jane};

fn period(id: i64, start_day: i64, days: i64, current: bool) -> ReleasePeriod {
    let day0 = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    ReleasePeriod {
        release: Summary {
            id,
            name: format!("PI {id}"),
        },
        start: Some(day0 + Duration::days(start_day)),
        end: Some(day0 + Duration::days(start_day + days)),
        is_current: current,
    }
}

fn day(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::days(n)
}

#[test]
fn the_pi_running_today_else_the_one_marked_current_else_the_next() {
    let periods = [
        period(1, 0, 84, false),
        period(2, 84, 84, true),
        period(3, 168, 84, false),
    ];
    let pick = |now| pick_release(&periods, now).map(|(p, c)| (p.release.id, c));
    assert_eq!(pick(day(10)), Some((1, ReleaseChoice::Running)));
    assert_eq!(pick(day(100)), Some((2, ReleaseChoice::Running)));
    // Overlapping PIs: the later one started most recently.
    let overlap = [period(1, 0, 100, false), period(2, 84, 84, false)];
    assert_eq!(pick_release(&overlap, day(90)).unwrap().0.release.id, 2);
    // Before every PI: none runs, the flag decides, else the next to start.
    assert_eq!(pick(day(-5)), Some((2, ReleaseChoice::MarkedCurrent)));
    let unflagged = [period(1, 0, 84, false), period(3, 168, 84, false)];
    let next = pick_release(&unflagged, day(100)).unwrap();
    assert_eq!((next.0.release.id, next.1), (3, ReleaseChoice::Next));
    // After the last one, nothing flagged: no PI to pick.
    assert!(pick_release(&unflagged, day(400)).is_none());
    assert!(pick_release(&[], day(0)).is_none());
}

/// Two teams of "Rocket ART" with a plan each in "PI 2026.1", a third ART beside it.
fn account() -> MemoryTracker {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    tp.set_states(Kind::TeamObjective, &["Draft", "Accepted"]);
    tp.set_states(Kind::Feature, &["Open", "Done"]);
    let art = tp.add_art("Rocket ART");
    let release = tp.add_release(art, "PI 2026.1");
    tp.add_release(art, "PI 2026.2");
    for team in ["Team Rocket", "Team Comet"] {
        let team = tp.add_team(art, team);
        tp.add_objective(release, team, |o| {
            o.name = "Faster search".into();
            o.effort = Effort::new(8.0);
        });
    }
    let other = tp.add_art("Other ART");
    tp.add_team(other, "Team Elsewhere");
    tp
}

fn request(root: &Path, release: Option<&str>, teams: &[&str]) -> ArtRequest {
    ArtRequest {
        art: "rocket art".into(),
        release: release.map(str::to_owned),
        teams: teams.iter().map(|t| (*t).to_owned()).collect(),
        root: root.to_path_buf(),
        remote: None,
    }
}

#[tokio::test]
async fn names_are_found_in_any_case_and_a_name_not_found_lists_the_known_ones() {
    let tp = account();
    let root = tempfile::tempdir().unwrap();
    let req = request(root.path(), Some("pi 2026.1"), &["team comet"]);
    let train = find_train(&tp, &req, day(0)).await.unwrap();
    assert_eq!(train.art.name, "Rocket ART");
    assert_eq!(
        (train.release.name.as_str(), train.choice),
        ("PI 2026.1", ReleaseChoice::Given)
    );
    let teams: Vec<&str> = train.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(teams, ["Team Comet"]);

    let mut bad = req.clone();
    bad.art = "Orbit Train".into();
    let err = find_train(&tp, &bad, day(0)).await.unwrap_err().to_string();
    assert!(
        err.contains("ART \"Orbit Train\"")
            && err.contains("Rocket ART")
            && err.contains("Other ART"),
        "{err}"
    );
    let mut bad = req.clone();
    bad.teams = vec!["Team Elsewhere".into()];
    let err = find_train(&tp, &bad, day(0)).await.unwrap_err().to_string();
    assert!(
        err.contains("team \"Team Elsewhere\"") && err.contains("Team Comet, Team Rocket"),
        "{err}"
    );
    // The memory tracker keeps no dates: no PI runs, none is to come.
    let err = find_train(&tp, &request(root.path(), None, &[]), day(0))
        .await
        .unwrap_err();
    let err = err.to_string();
    assert!(
        err.contains("PI \"running on") && err.contains("PI 2026.1, PI 2026.2"),
        "{err}"
    );
}

#[tokio::test]
async fn every_team_started_then_opened_and_nothing_created_twice() {
    let tp = account();
    let me = jane();
    let root = tempfile::tempdir().unwrap();
    let req = request(root.path(), Some("PI 2026.1"), &[]);
    let ctx = at(&tp, &me, 0);
    let train = find_train(&tp, &req, ctx.now).await.unwrap();
    let opts = TrainOptions {
        push: true,
        yes: false,
        ..TrainOptions::default()
    };
    let first = sync_art(&ctx, &req, &train, &opts).await.unwrap();
    let dirs: Vec<PathBuf> = first.iter().map(|t| t.dir.clone()).collect();
    assert_eq!(
        dirs,
        [
            root.path().join("team-comet"),
            root.path().join("team-rocket")
        ]
    );
    for team in &first {
        assert_eq!(*team.setup.as_ref().unwrap(), Setup::Started);
        let sync = team.sync.as_ref().unwrap();
        assert!(
            sync.pull.is_ok() && matches!(sync.push, Some(Ok(_))),
            "{sync:?}"
        );
    }
    let creates = tp.calls(crate::memory::Call::Create);
    let second = sync_art(&at(&tp, &me, 1), &req, &train, &opts)
        .await
        .unwrap();
    assert!(second.iter().all(|t| matches!(t.setup, Ok(Setup::Opened))));
    assert_eq!(tp.calls(crate::memory::Call::Create), creates);
    assert_eq!(tp.ids_named(Kind::TeamObjective, "Faster search").len(), 2);
}

#[tokio::test]
async fn a_team_whose_folder_cannot_hold_its_plan_fails_alone() {
    let tp = account();
    let me = jane();
    let root = tempfile::tempdir().unwrap();
    // A file where Team Comet's folder goes.
    std::fs::write(root.path().join("team-comet"), "not a folder").unwrap();
    let req = request(root.path(), Some("PI 2026.1"), &[]);
    let ctx = at(&tp, &me, 0);
    let train = find_train(&tp, &req, ctx.now).await.unwrap();
    let opts = TrainOptions {
        push: true,
        yes: false,
        ..TrainOptions::default()
    };
    let teams = sync_art(&ctx, &req, &train, &opts).await.unwrap();
    assert!(teams[0].setup.is_err() && teams[0].sync.is_none());
    assert_eq!(*teams[1].setup.as_ref().unwrap(), Setup::Started);
    let rocket = teams[1].sync.as_ref().unwrap();
    assert!(rocket.pull.is_ok(), "{rocket:?}");
    assert!(teams[1].dir.join(&rocket.plan).is_file());
}

/// On a multi-threaded runtime every plan runs on a thread of its own: each team's edit is
/// pushed, and each plan's result comes back in its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_multi_threaded_runtime_every_plan_syncs_on_its_own_thread() {
    let tp = account();
    let me = jane();
    let root = tempfile::tempdir().unwrap();
    let req = request(root.path(), Some("PI 2026.1"), &[]);
    let ctx = at(&tp, &me, 0);
    let train = find_train(&tp, &req, ctx.now).await.unwrap();
    let opts = TrainOptions {
        push: true,
        yes: false,
        ..TrainOptions::default()
    };
    let first = sync_art(&ctx, &req, &train, &opts).await.unwrap();
    for (i, team) in first.iter().enumerate() {
        let ws = Workspace::open(&team.dir).unwrap();
        let path = ws.plan_path().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut plan = ws.parse(&text).unwrap();
        plan.objectives[0].effort = Effort::new(20.0 + f64::from(u8::try_from(i).unwrap()));
        std::fs::write(&path, pi_format::render(&plan)).unwrap();
    }
    let second = sync_art(&at(&tp, &me, 1), &req, &train, &opts)
        .await
        .unwrap();
    for (team, dir) in second.iter().zip(&first) {
        let sync = team.sync.as_ref().unwrap();
        let ws = Workspace::open(&dir.dir).unwrap();
        assert_eq!(sync.plan, ws.plan_file(), "each result in its plan's place");
        let Some(Ok(crate::PushOutcome::Pushed(report))) = &sync.push else {
            panic!("{sync:?}");
        };
        assert_eq!(report.ops.len(), 1, "{report:?}");
    }
    let ids = tp.ids_named(Kind::TeamObjective, "Faster search");
    let mut efforts: Vec<f64> = ids
        .iter()
        .filter_map(|id| tp.objective(*id).and_then(|o| o.effort))
        .map(pi_model::Effort::points)
        .collect();
    efforts.sort_by(f64::total_cmp);
    assert_eq!(efforts, [20.0, 21.0]);
}
