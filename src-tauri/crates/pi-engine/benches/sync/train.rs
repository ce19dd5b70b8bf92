//! Train-wide sync (target ≤ 10 s): 12 teams × 100 objectives × 5 features (1,200 objectives,
//! 6,000 features) in one Targetprocess with 50 ms latency on every answer. A release train
//! engineer's job syncs every team's plan — a pull then a push, each team in its own plan
//! repository — through one client with the production limits (4 requests in flight, 20 per
//! second), 4 teams at a time (local tasks on one thread: the engine's futures hold git handles). Before every run other planners edit 5 objectives of every team
//! in Targetprocess and every team edits 10 others in its plan file.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pi_engine::{InitRequest, PullOptions, PushOptions, PushOutcome, Workspace};
use pi_model::Effort;
use serde_json::json;
use tokio::sync::Semaphore;

use crate::{Timings, fixture};

const RUNS: usize = 3;
const TEAMS: usize = 12;
const OBJECTIVES: usize = 100;
const REMOTE_EDITS: usize = 5;
const LOCAL_EDITS: usize = 10;
const IN_FLIGHT: usize = 4;
const LATENCY: Duration = Duration::from_millis(50);

pub async fn run(recorder: &pi_bench::Recorder) {
    let (mut timings, requests, slowest) = train_sync(TEAMS, RUNS).await;
    println!(
        "train-wide sync (pull then push): {TEAMS} teams × {OBJECTIVES} objectives × 5 features, {IN_FLIGHT} teams at a time, one client, {} ms latency: {}, {requests} requests, slowest team {} ms",
        LATENCY.as_millis(),
        timings.summary(),
        slowest.as_millis(),
    );
    recorder.record(
        timings
            .record(
                "sync.train",
                "train-wide sync: 12 teams × 100 objectives, 4 teams at a time, 50 ms latency",
            )
            .with_extra(json!({
                "teams": TEAMS,
                "objectives_per_team": OBJECTIVES,
                "teams_in_flight": IN_FLIGHT,
                "requests": requests,
                "slowest_team_ms": slowest.as_millis(),
                "latency_ms": LATENCY.as_millis(),
            })),
    );
}

/// How the train-wide sync grows with the number of teams (`-- capacity`, not part of a full
/// run): one run each for 4 to 32 teams, printed as a markdown table.
pub async fn capacity() {
    println!(
        "| teams (× {OBJECTIVES} objectives) | train-wide sync | requests | slowest team | within 10 s |"
    );
    println!("|---|---|---|---|---|");
    for teams in [4, 8, 12, 16, 24, 32] {
        let (timings, requests, slowest) = train_sync(teams, 1).await;
        let took = timings.samples()[0];
        println!(
            "| {teams} | {} ms | {requests} | {} ms | {} |",
            took.as_millis(),
            slowest.as_millis(),
            if took <= Duration::from_secs(10) {
                "yes"
            } else {
                "no"
            }
        );
    }
}

/// `runs` train-wide syncs of `team_count` teams: the timings, the requests of the last run and
/// its slowest team.
async fn train_sync(team_count: usize, runs: usize) -> (Timings, u64, Duration) {
    let sim = fixture::sim_teams(team_count, OBJECTIVES).await;
    let tp = Arc::new(fixture::client(&sim));
    let root = tempfile::tempdir().expect("a temp dir");
    let art = tp.list_arts().await.expect("arts")[0].id;
    let release = tp.list_releases(art).await.expect("releases")[0]
        .name
        .clone();
    let teams = tp.list_teams(art).await.expect("teams");
    assert_eq!(teams.len(), team_count);
    let me = fixture::me();
    let mut plans = Vec::with_capacity(team_count);
    for (i, team) in teams.iter().enumerate() {
        let dir = root.path().join(format!("team-{i}"));
        let req = InitRequest {
            dir: dir.clone(),
            release: release.clone(),
            team: team.name.clone(),
            remote: None,
        };
        pi_engine::init(&fixture::ctx(&tp, &me, 0), &req)
            .await
            .expect("init succeeds");
        let ws = Workspace::open(&dir).expect("the initialised plan opens");
        plans.push((dir, fixture::objective_ids(&ws)));
    }
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let (mut requests, mut slowest) = (0, Duration::ZERO);
    for run in 1..=runs {
        for (dir, ids) in &plans {
            for (i, id) in ids.iter().take(REMOTE_EDITS).enumerate() {
                sim.control()
                    .update_entity(
                        "TeamPIObjectives",
                        *id,
                        json!({ "Effort": 700 + run * 10 + i }),
                    )
                    .expect("the simulator takes the edit");
            }
            let ws = Workspace::open(dir).expect("the plan opens");
            fixture::edit_plan(&ws, |plan| {
                for (i, o) in plan
                    .objectives
                    .iter_mut()
                    .skip(50)
                    .take(LOCAL_EDITS)
                    .enumerate()
                {
                    o.effort = Effort::new(f64::from(
                        u32::try_from(1000 + run * 20 + i).expect("small"),
                    ));
                }
            });
        }
        let before = tp.requests_sent();
        let gate = Arc::new(Semaphore::new(IN_FLIGHT));
        let start = Instant::now();
        // The engine's futures hold git handles, which stay on one thread: the teams run as
        // local tasks, overlapping their waits for Targetprocess.
        let local = tokio::task::LocalSet::new();
        let tasks: Vec<_> = plans
            .iter()
            .map(|(dir, _)| {
                let (tp, gate, dir) = (Arc::clone(&tp), Arc::clone(&gate), dir.clone());
                local.spawn_local(async move {
                    let _slot = gate.acquire_owned().await.expect("the gate stays open");
                    let team_start = Instant::now();
                    sync_team(&tp, &dir, run).await;
                    team_start.elapsed()
                })
            })
            .collect();
        let team_times = local
            .run_until(async {
                let mut times = Vec::with_capacity(team_count);
                for t in tasks {
                    times.push(t.await.expect("a team's sync does not panic"));
                }
                times
            })
            .await;
        timings.push(start.elapsed());
        requests = tp.requests_sent() - before;
        slowest = team_times.into_iter().max().expect("teams synced");
    }
    sim.shutdown().await;
    (timings, requests, slowest)
}

/// Pull then push of one team's plan; checks that the TP edits came in and the team's went out.
async fn sync_team(tp: &pi_targetprocess::TpClient, dir: &std::path::Path, run: usize) {
    let me = fixture::me();
    let ws = Workspace::open(dir).expect("the plan opens");
    let ctx = fixture::ctx(tp, &me, i64::try_from(run).expect("few runs"));
    let pulled = pi_engine::pull(&ctx, &ws, &PullOptions::default())
        .await
        .expect("pull succeeds");
    assert_eq!(pulled.from_tp.len(), REMOTE_EDITS, "{pulled:?}");
    let pushed = pi_engine::push(&ctx, &ws, PushOptions::default())
        .await
        .expect("push succeeds");
    let PushOutcome::Pushed(report) = pushed else {
        panic!("the team's edits are pushed: {pushed:?}");
    };
    assert_eq!(report.ops.len(), LOCAL_EDITS, "{report:?}");
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
}
