//! Times `fetch_team_plan` against the simulator: one team, 1,000 objectives, 5,000 features,
//! 20 ms injected latency per request. Prints the median of several runs and the request count.
//!
//! Run with `cargo bench -p pi-targetprocess`; with `PI_BENCH_JSON=<file>` the result is also
//! appended to that file as a JSON line (`pi-bench report` gathers them).

use std::time::{Duration, Instant};

use pi_targetprocess::{Credentials, TpClient, TpConfig};

const RUNS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime can be built");
    runtime.block_on(run());
}

async fn run() {
    let recorder = pi_bench::Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    pi_bench::memory::reset_peak();
    let sim = pi_sim::start(pi_sim::SimConfig {
        data: pi_sim::DataSource::Generated(pi_sim::GenSpec {
            teams: 1,
            objectives_per_team: 1000,
            features_per_objective: 5,
            releases: 1,
        }),
        faults: pi_sim::Faults {
            latency: Duration::from_millis(20),
            ..pi_sim::Faults::default()
        },
        ..pi_sim::SimConfig::default()
    })
    .await
    .expect("the simulator starts on loopback");
    let config = TpConfig::new(
        &sim.base_url(),
        Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .expect("the simulator URL is valid");
    let client = TpClient::new(config).expect("client builds");
    let art = client.list_arts().await.expect("arts")[0].id;
    let release = client.list_releases(art).await.expect("releases")[0].id;
    let team = client.list_teams(art).await.expect("teams")[0].id;

    let mut times = Vec::with_capacity(RUNS);
    let mut requests = 0;
    let mut counts = (0, 0);
    for _ in 0..RUNS {
        let start = Instant::now();
        let remote = client.fetch_team_plan(release, team).await.expect("fetch");
        times.push(start.elapsed());
        requests = remote.requests;
        counts = (remote.plan.objectives.len(), remote.plan.features().count());
    }
    recorder.record(
        pi_bench::Record::from_samples(
            "tp.fetch",
            "fetch_team_plan of 1,000 objectives × 5 features, 20 ms latency",
            &times,
        )
        .with_extra(serde_json::json!({
            "objectives": counts.0,
            "features": counts.1,
            "requests": requests,
            "latency_ms": 20,
        })),
    );
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "fetch_team_plan: {} objectives, {} features, 20 ms latency: median {:.0} ms over {RUNS} runs (min {:.0} ms, max {:.0} ms), {requests} requests",
        counts.0,
        counts.1,
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0,
    );
    sim.shutdown().await;
}
