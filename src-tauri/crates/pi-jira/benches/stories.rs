//! Times reading the stories of 100 epics (6 stories each) from the simulator's Jira Cloud with
//! 50 ms injected latency per request (target ≤ 1 s): a fresh client each run, as a pull builds
//! one, so the deployment and field look-ups are counted too. Prints the median of several runs
//! and the request count.
//!
//! Run with `cargo bench -p pi-jira`; with `PI_BENCH_JSON=<file>` the result is also appended to
//! that file as a JSON line (`pi-bench report` gathers them).

use std::time::{Duration, Instant};

use pi_jira::{JiraClient, JiraConfig, JiraCredentials};

const RUNS: usize = 5;
const EPICS: usize = 100;
const PER_EPIC: usize = 6;
const LATENCY: Duration = Duration::from_millis(50);

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
            objectives_per_team: 20,
            features_per_objective: EPICS / 20,
            releases: 1,
        }),
        jira_stories_per_feature: PER_EPIC,
        page_size_jira: 100,
        faults: pi_sim::Faults {
            latency: LATENCY,
            ..pi_sim::Faults::default()
        },
        ..pi_sim::SimConfig::default()
    })
    .await
    .expect("the simulator starts on loopback");
    let (email, api_token) = sim.jira_credentials();
    let epics: Vec<String> = (1..=EPICS).map(|i| format!("GEN-{i}")).collect();
    let mut samples = Vec::with_capacity(RUNS);
    let mut requests = 0;
    for _ in 0..RUNS {
        let creds = JiraCredentials::Cloud {
            email: email.clone(),
            api_token: api_token.clone(),
        };
        let config = JiraConfig::new(&sim.base_url(), creds).expect("the simulator's URL");
        let client = JiraClient::new(config).expect("a client");
        let start = Instant::now();
        let stories = client
            .stories_under_epics(&epics)
            .await
            .expect("the stories are read");
        samples.push(start.elapsed());
        assert_eq!(stories.len(), EPICS * PER_EPIC);
        requests = client.requests_sent();
    }
    let record = pi_bench::Record::from_samples(
        "jira.stories",
        "stories of 100 epics (600 stories), Jira Cloud, 50 ms latency",
        &samples,
    )
    .with_extra(serde_json::json!({ "requests": requests, "stories": EPICS * PER_EPIC }));
    println!(
        "jira stories of {EPICS} epics ({} stories) at {} ms latency: median {:.0} ms (min {:.0}, max {:.0}) over {RUNS} runs, {requests} requests; target ≤ 1000 ms",
        EPICS * PER_EPIC,
        LATENCY.as_millis(),
        record.median_ms,
        record.min_ms,
        record.max_ms
    );
    recorder.record(record);
    sim.shutdown().await;
}
