//! Pull + merge of a 1,000-objective plan (5,000 features) with 20 ms latency on every
//! Targetprocess answer (target ≤ 2 s): 50 objectives edited in Targetprocess, 50 others and 5
//! of the same edited locally (5 conflicts) before every pull.

use std::time::Duration;

use pi_engine::PullOptions;
use pi_model::Effort;
use serde_json::json;

use crate::{Timings, fixture, time_async};

const RUNS: usize = 5;
const OBJECTIVES: usize = 1000;
const REMOTE_EDITS: usize = 50;
const LOCAL_EDITS: usize = 50;
const CONFLICTS: usize = 5;
const LATENCY: Duration = Duration::from_millis(20);

pub async fn run(recorder: &pi_bench::Recorder) {
    let sim = fixture::sim(OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = fixture::init(&tp, dir.path()).await;
    let ids: Vec<i64> = ws
        .local()
        .expect("the plan parses")
        .objectives
        .iter()
        .map(|o| o.id.tp().expect("pulled objectives have TP ids"))
        .collect();
    let me = fixture::me();
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let mut requests = 0;
    let mut last = None;
    for run in 1..=RUNS {
        edit_remote(&sim, &ids, run);
        edit_local(&ws, run);
        let before = tp.requests_sent();
        let ctx = fixture::ctx(&tp, &me, i64::try_from(run).expect("few runs"));
        let (report, took) = time_async(pi_engine::pull(&ctx, &ws, &PullOptions::default())).await;
        timings.push(took);
        requests = tp.requests_sent() - before;
        let report = report.expect("pull succeeds");
        assert!(report.tp_changed);
        assert!(
            report.from_tp.len() >= REMOTE_EDITS - CONFLICTS,
            "{report:?}"
        );
        assert!(
            report.conflicts.len() >= CONFLICTS,
            "{:?}",
            report.conflicts
        );
        last = Some((
            report.from_tp.len(),
            report.local.len(),
            report.conflicts.len(),
        ));
    }
    let (from_tp, local, conflicts) = last.expect("at least one run");
    println!(
        "pull + merge: {OBJECTIVES} objectives × 5 features, {} ms latency, {from_tp} changes from TP, {local} local, {conflicts} conflicts: {}, {requests} requests",
        LATENCY.as_millis(),
        timings.summary(),
    );
    recorder.record(
        timings
            .record(
                "sync.pull",
                "pull + merge of 1,000 objectives, 20 ms latency",
            )
            .with_extra(json!({
                "objectives": OBJECTIVES,
                "from_tp": from_tp,
                "local": local,
                "conflicts": conflicts,
                "requests": requests,
                "latency_ms": LATENCY.as_millis(),
            })),
    );
    sim.shutdown().await;
}

/// Another planner edits the effort of the first 50 objectives in Targetprocess.
fn edit_remote(sim: &pi_sim::RunningSim, ids: &[i64], run: usize) {
    let control = sim.control();
    for (i, id) in ids.iter().take(REMOTE_EDITS).enumerate() {
        let effort = 2000 + run * 100 + i;
        control
            .update_entity("TeamPIObjectives", *id, json!({ "Effort": effort }))
            .expect("the simulator takes the edit");
    }
}

/// The team edits the effort of the first 5 objectives (differently: conflicts) and the business
/// value of 50 others.
fn edit_local(ws: &pi_engine::Workspace, run: usize) {
    fixture::edit_plan(ws, |plan| {
        for (i, o) in plan.objectives.iter_mut().take(CONFLICTS).enumerate() {
            o.effort = Effort::new(f64::from(
                u32::try_from(3000 + run * 100 + i).expect("small"),
            ));
        }
        let others = plan.objectives.iter_mut().skip(500).take(LOCAL_EDITS);
        for (i, o) in others.enumerate() {
            o.business_value = Some(u32::try_from((run + i) % 10 + 1).expect("small"));
        }
    });
}
