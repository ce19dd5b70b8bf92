//! Per-team sync (target ≤ 1 s, the old tool's promise too): a pull then a push of a typical team
//! plan — 15 objectives × 5 features — with 50 ms latency on every Targetprocess answer. Before
//! every run another planner edits 3 objectives in Targetprocess and the team edits 5 others.

use std::time::Duration;

use pi_engine::{PullOptions, PushOptions, PushOutcome};
use pi_model::Effort;
use serde_json::json;

use crate::{Timings, fixture, time_async};

const RUNS: usize = 7;
const OBJECTIVES: usize = 15;
const REMOTE_EDITS: usize = 3;
const LOCAL_EDITS: usize = 5;
const LATENCY: Duration = Duration::from_millis(50);

pub async fn run(recorder: &pi_bench::Recorder) {
    let sim = fixture::sim(OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = fixture::init(&tp, dir.path()).await;
    let ids = fixture::objective_ids(&ws);
    let me = fixture::me();
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let mut requests = 0;
    for run in 1..=RUNS {
        for (i, id) in ids.iter().take(REMOTE_EDITS).enumerate() {
            sim.control()
                .update_entity(
                    "TeamPIObjectives",
                    *id,
                    json!({ "Effort": 500 + run * 10 + i }),
                )
                .expect("the simulator takes the edit");
        }
        fixture::edit_plan(&ws, |plan| {
            for (i, o) in plan
                .objectives
                .iter_mut()
                .skip(5)
                .take(LOCAL_EDITS)
                .enumerate()
            {
                o.effort = Effort::new(f64::from(
                    u32::try_from(1000 + run * 10 + i).expect("small"),
                ));
            }
        });
        let before = tp.requests_sent();
        let ctx = fixture::ctx(&tp, &me, i64::try_from(run).expect("few runs"));
        let ((pulled, pushed), took) = time_async(async {
            let pulled = pi_engine::pull(&ctx, &ws, &PullOptions::default()).await;
            let pushed = pi_engine::push(&ctx, &ws, PushOptions::default()).await;
            (pulled, pushed)
        })
        .await;
        timings.push(took);
        requests = tp.requests_sent() - before;
        let pulled = pulled.expect("pull succeeds");
        assert_eq!(pulled.from_tp.len(), REMOTE_EDITS, "{pulled:?}");
        assert!(pulled.conflicts.is_empty(), "{:?}", pulled.conflicts);
        let PushOutcome::Pushed(report) = pushed.expect("push succeeds") else {
            panic!("the team's edits are pushed");
        };
        assert_eq!(report.ops.len(), LOCAL_EDITS, "{report:?}");
        assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    }
    println!(
        "per-team sync (pull then push): {OBJECTIVES} objectives × 5 features, {REMOTE_EDITS} TP edits in, {LOCAL_EDITS} local edits out, {} ms latency: {}, {requests} requests",
        LATENCY.as_millis(),
        timings.summary(),
    );
    recorder.record(
        timings
            .record(
                "sync.team",
                "per-team sync: pull then push of a 15-objective plan, 50 ms latency",
            )
            .with_extra(json!({
                "objectives": OBJECTIVES,
                "from_tp": REMOTE_EDITS,
                "pushed": LOCAL_EDITS,
                "requests": requests,
                "latency_ms": LATENCY.as_millis(),
            })),
    );
    sim.shutdown().await;
}
