//! Push of 50 changed fields across 20 objectives with 50 ms latency on every Targetprocess
//! answer (target ≤ 200 ms and at most 4 requests, issue 18), with the number of requests the
//! push sent.

use std::time::Duration;

use pi_engine::{PushOptions, PushOutcome};
use pi_model::Effort;

use crate::{Timings, fixture, time_async};

const RUNS: usize = 5;
const OBJECTIVES: usize = 50;
const EDITED: usize = 20;
const LATENCY: Duration = Duration::from_millis(50);

pub async fn run(recorder: &pi_bench::Recorder) {
    let sim = fixture::sim(OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = fixture::init(&tp, dir.path()).await;
    let me = fixture::me();
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let (mut requests, mut fields) = (0, 0);
    for run in 1..=RUNS {
        fields = edit(&ws, run);
        let before = tp.requests_sent();
        sim.control().clear_request_log();
        let ctx = fixture::ctx(&tp, &me, i64::try_from(run).expect("few runs"));
        let (outcome, took) = time_async(pi_engine::push(&ctx, &ws, PushOptions::default())).await;
        timings.push(took);
        requests = tp.requests_sent() - before;
        check(outcome.expect("push succeeds"));
        if run == RUNS {
            print_requests(&sim);
        }
    }
    println!(
        "push: {fields} fields on {EDITED} of {OBJECTIVES} objectives, {} ms latency: {}, {requests} requests",
        LATENCY.as_millis(),
        timings.summary(),
    );
    recorder.record(
        timings
            .record("sync.push", "push of 50 changed fields, 50 ms latency")
            .with_extra(serde_json::json!({
                "fields": fields,
                "objectives_edited": EDITED,
                "requests": requests,
                "latency_ms": LATENCY.as_millis(),
            })),
    );
    sim.shutdown().await;
}

/// Changes effort and business value of the first 20 objectives and the description of the
/// first 10 (new values every run). Returns the number of changed fields.
fn edit(ws: &pi_engine::Workspace, run: usize) -> usize {
    fixture::edit_plan(ws, |plan| {
        for (i, o) in plan.objectives.iter_mut().take(EDITED).enumerate() {
            let step = f64::from(u32::try_from(run * 100 + i).expect("small"));
            o.effort = Effort::new(1000.0 + step);
            o.business_value = Some(u32::try_from((run + i) % 10 + 1).expect("small"));
            if i < EDITED / 2 {
                o.description = format!("{}\n\nRevision {run}.", o.description.trim_end());
            }
        }
    });
    EDITED * 2 + EDITED / 2
}

fn check(outcome: PushOutcome) {
    let PushOutcome::Pushed(report) = outcome else {
        panic!("expected a push, got {outcome:?}");
    };
    assert_eq!(report.ops.len(), EDITED, "one update per objective");
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
}

/// The requests of the last push, by method and resource.
fn print_requests(sim: &pi_sim::RunningSim) {
    let mut by_kind = std::collections::BTreeMap::<String, usize>::new();
    for r in sim.control().request_log() {
        let resource = r
            .path
            .trim_start_matches("/api/v1/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        *by_kind
            .entry(format!("{} {resource}", r.method))
            .or_default() += 1;
    }
    println!("push requests of the last run: {by_kind:?}");
}
