//! Train-wide sync (target ≤ 10 s): 12 teams × 100 objectives × 5 features (1,200 objectives,
//! 6,000 features) in one Targetprocess with 50 ms latency on every answer. A release train
//! engineer's job syncs every team's plan — a pull then a push, each team in its own plan
//! repository — with `pi_engine::sync_train` (what `tpcli plan sync-all` runs) through one client
//! with the production limits (4 requests in flight, 20 per second). Before every run other
//! planners edit 5 objectives of every team in Targetprocess and every team edits 10 others in
//! its plan file.

use std::time::{Duration, Instant};

use pi_engine::{InitRequest, PlanSync, PushOutcome, TrainOptions, Workspace};
use pi_model::Effort;
use serde_json::json;

use crate::{Timings, fixture};

const RUNS: usize = 3;
const TEAMS: usize = 12;
const OBJECTIVES: usize = 100;
const REMOTE_EDITS: usize = 5;
const LOCAL_EDITS: usize = 10;
const LATENCY: Duration = Duration::from_millis(50);

/// The train sizes timed by a full run: (teams, runs, record id).
const SIZES: [(usize, usize, &str); 3] = [
    (TEAMS, RUNS, "sync.train"),
    (50, 2, "sync.train50"),
    (100, 1, "sync.train100"),
];

/// The 12-team train, then 50 and 100 teams (`only`: that size alone, e.g. `train12`; a full
/// run and `pi-bench report` run all three).
pub async fn run(recorder: &pi_bench::Recorder, only: Option<usize>) {
    for (teams, runs, id) in SIZES {
        if only.is_some_and(|n| n != teams) {
            continue;
        }
        let (mut timings, requests) = train_sync(teams, runs).await;
        let per_team = timings.samples().iter().sum::<Duration>()
            / u32::try_from(runs * teams).expect("small");
        println!(
            "train-wide sync (pull then push): {teams} teams × {OBJECTIVES} objectives × 5 features, one client, {} ms latency, {} threads available: {}, {requests} requests, {} ms per team",
            LATENCY.as_millis(),
            std::thread::available_parallelism().map_or(1, usize::from),
            timings.summary(),
            per_team.as_millis(),
        );
        recorder.record(
            timings
                .record(
                    id,
                    &format!(
                        "train-wide sync: {teams} teams × 100 objectives, pull then push each, one client, 50 ms latency"
                    ),
                )
                .with_extra(json!({
                    "teams": teams,
                    "objectives_per_team": OBJECTIVES,
                    "requests": requests,
                    "per_team_ms": per_team.as_millis(),
                    "latency_ms": LATENCY.as_millis(),
                })),
        );
    }
}

/// How the train-wide sync grows with the number of teams (`-- capacity`, not part of a full
/// run): one run each for 4 to 32 teams, printed as a markdown table.
pub async fn capacity() {
    println!("| teams (× {OBJECTIVES} objectives) | train-wide sync | requests | within 10 s |");
    println!("|---|---|---|---|");
    for teams in [4, 8, 12, 16, 24, 32] {
        let (timings, requests) = train_sync(teams, 1).await;
        let took = timings.samples()[0];
        println!(
            "| {teams} | {} ms | {requests} | {} |",
            took.as_millis(),
            if took <= Duration::from_secs(10) {
                "yes"
            } else {
                "no"
            }
        );
    }
}

/// `runs` train-wide syncs of `team_count` teams: the timings and the requests of the last run.
async fn train_sync(team_count: usize, runs: usize) -> (Timings, u64) {
    let sim = fixture::sim_teams(team_count, OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let root = tempfile::tempdir().expect("a temp dir");
    let art = tp.list_arts().await.expect("arts")[0].id;
    let release = tp.list_releases(art).await.expect("releases")[0]
        .name
        .clone();
    let teams = tp.list_teams(art).await.expect("teams");
    assert_eq!(teams.len(), team_count);
    let me = fixture::me();
    let plans = init_all(&sim, &release, &teams, root.path()).await;
    let objective_ids: Vec<Vec<i64>> = plans.iter().map(fixture::objective_ids).collect();
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let mut requests = 0;
    let opts = TrainOptions {
        push: true,
        yes: false,
        ..TrainOptions::default()
    };
    for run in 1..=runs {
        for (ws, ids) in plans.iter().zip(&objective_ids) {
            for (i, id) in ids.iter().take(REMOTE_EDITS).enumerate() {
                sim.control()
                    .update_entity(
                        "TeamPIObjectives",
                        *id,
                        json!({ "Effort": 700 + run * 10 + i }),
                    )
                    .expect("the simulator takes the edit");
            }
            fixture::edit_plan(ws, |plan| {
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
        let ctx = fixture::ctx(&tp, &me, i64::try_from(run).expect("few runs"));
        let before = tp.requests_sent();
        let start = Instant::now();
        let synced = pi_engine::sync_train(&ctx, &plans, &opts)
            .await
            .expect("the train sync runs");
        timings.push(start.elapsed());
        requests = tp.requests_sent() - before;
        synced.iter().for_each(check_team);
    }
    sim.shutdown().await;
    (timings, requests)
}

/// Every team's plan initialised in its own repository under `root`, side by side with their
/// reads shared, through a client without the production rate limit (set-up, not timed).
async fn init_all(
    sim: &pi_sim::RunningSim,
    release: &str,
    teams: &[pi_targetprocess::Summary],
    root: &std::path::Path,
) -> Vec<Workspace> {
    let tp = fixture::fast_client(sim);
    let me = fixture::me();
    let ctx = fixture::ctx(&tp, &me, 0);
    let members = tp.share_reads(teams.len());
    let dirs: Vec<std::path::PathBuf> = (0..teams.len())
        .map(|i| root.join(format!("team-{i}")))
        .collect();
    let inits = teams
        .iter()
        .zip(&dirs)
        .zip(members)
        .map(|((team, dir), member)| {
            let req = InitRequest {
                dir: dir.clone(),
                release: release.to_owned(),
                team: team.name.clone(),
                remote: None,
            };
            let ctx = &ctx;
            async move {
                pi_engine::init(ctx, &req).await.expect("init succeeds");
                drop(member);
            }
        });
    futures::future::join_all(inits).await;
    dirs.iter()
        .map(|dir| Workspace::open(dir).expect("the initialised plan opens"))
        .collect()
}

/// Checks that a team's TP edits came in and its own went out.
fn check_team(team: &PlanSync) {
    let pulled = team.pull.as_ref().expect("pull succeeds");
    assert_eq!(pulled.from_tp.len(), REMOTE_EDITS, "{pulled:?}");
    let pushed = team
        .push
        .as_ref()
        .expect("pushed")
        .as_ref()
        .expect("push succeeds");
    let PushOutcome::Pushed(report) = pushed else {
        panic!("the team's edits are pushed: {pushed:?}");
    };
    assert_eq!(report.ops.len(), LOCAL_EDITS, "{report:?}");
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
}
