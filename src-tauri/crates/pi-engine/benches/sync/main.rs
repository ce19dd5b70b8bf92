//! Sync benchmarks of the engine against the simulator over loopback, in real git repositories:
//! push with injected latency, pull + merge and init of a 1,000-objective plan, and the pure
//! field-level merge and push-plan computation on 1,000 objectives. Each prints the median of
//! several runs (and the request count where Targetprocess is involved).
//!
//! It also times a per-team sync (pull then push of a typical 15-objective team plan) and a
//! train-wide sync (12, 50 and 100 teams × 100 objectives, pull then push of every team with
//! `pi_engine::sync_train` through one client; `train12`, `train50` or `train100` runs that size
//! alone).
//!
//! Run with `cargo bench -p pi-engine --bench sync`; a trailing word (`push`, `pull`, `merge`,
//! `changeset`, `init`, `team`, `train`) runs only the benchmarks whose name contains it;
//! `capacity` alone runs the train-wide sync for 4 to 32 teams instead (docs/capacity.md). With
//! `PI_BENCH_JSON=<file>` each result is also appended to that file as a JSON line, with the
//! peak memory of the process during that benchmark (`pi-bench report` gathers them).
//!
//! It deliberately asserts only that each operation succeeded and did what was asked; the
//! targets are compared by reading the printed numbers.

mod fixture;
mod init;
mod pull;
mod pure;
mod push;
mod team;
mod train;

use std::future::Future;
use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder, memory};

fn main() {
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let selected = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime can be built");
    if filter.as_deref() == Some("capacity") {
        runtime.block_on(train::capacity());
        return;
    }
    if selected("merge") || selected("changeset") {
        memory::reset_peak();
        runtime.block_on(pure::run(&selected, &recorder));
    }
    if selected("push") {
        memory::reset_peak();
        runtime.block_on(push::run(&recorder));
    }
    if selected("pull") {
        memory::reset_peak();
        runtime.block_on(pull::run(&recorder));
    }
    if selected("init") {
        memory::reset_peak();
        runtime.block_on(init::run(&recorder));
    }
    if selected("team") {
        memory::reset_peak();
        runtime.block_on(team::run(&recorder));
    }
    // `train12`, `train50` or `train100` runs that train size alone.
    let only_size = filter
        .as_deref()
        .and_then(|f| f.strip_prefix("train"))
        .and_then(|n| n.parse::<usize>().ok());
    if selected("train") || only_size.is_some() {
        memory::reset_peak();
        runtime.block_on(train::run(&recorder, only_size));
    }
}

/// Durations of several runs, reported as median with min and max.
#[derive(Debug, Default)]
pub struct Timings(Vec<Duration>);

impl Timings {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn samples(&self) -> &[Duration] {
        &self.0
    }

    /// A report record of these runs.
    pub fn record(&self, id: &str, name: &str) -> Record {
        Record::from_samples(id, name, &self.0)
    }

    /// `median X over N runs (min A, max B)`, in ms (or µs below one millisecond).
    pub fn summary(&mut self) -> String {
        self.0.sort();
        let n = self.0.len();
        let median = self.0[n / 2];
        format!(
            "median {} over {n} runs (min {}, max {})",
            show(median),
            show(self.0[0]),
            show(self.0[n - 1]),
        )
    }
}

fn show(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    } else if d < Duration::from_millis(100) {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1e3)
    }
}

/// Times one synchronous call.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Times one asynchronous call.
pub async fn time_async<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}
