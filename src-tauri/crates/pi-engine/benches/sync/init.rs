//! `init` of a 1,000-objective plan (5,000 features) into a new repository, 20 ms latency on
//! every Targetprocess answer.

use std::time::Duration;

use crate::{Timings, fixture, time_async};

const RUNS: usize = 5;
const OBJECTIVES: usize = 1000;
const LATENCY: Duration = Duration::from_millis(20);

pub async fn run(recorder: &pi_bench::Recorder) {
    let sim = fixture::sim(OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let me = fixture::me();
    fixture::set_latency(&sim, LATENCY);
    let mut timings = Timings::default();
    let mut requests = 0;
    for run in 0..RUNS {
        let dir = tempfile::tempdir().expect("a temp dir");
        let req = fixture::init_request(&tp, dir.path()).await;
        let before = tp.requests_sent();
        let ctx = fixture::ctx(&tp, &me, i64::try_from(run).expect("few runs"));
        let (report, took) = time_async(pi_engine::init(&ctx, &req)).await;
        timings.push(took);
        requests = tp.requests_sent() - before;
        let report = report.expect("init succeeds");
        assert_eq!(report.objectives, OBJECTIVES);
        assert_eq!(report.features, OBJECTIVES * 5);
    }
    println!(
        "init: {OBJECTIVES} objectives × 5 features, {} ms latency: {}, {requests} requests",
        LATENCY.as_millis(),
        timings.summary(),
    );
    recorder.record(
        timings
            .record("sync.init", "init of a 1,000-objective plan, 20 ms latency")
            .with_extra(serde_json::json!({
                "objectives": OBJECTIVES,
                "requests": requests,
                "latency_ms": LATENCY.as_millis(),
            })),
    );
    sim.shutdown().await;
}
