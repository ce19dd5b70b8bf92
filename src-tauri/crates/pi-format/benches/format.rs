//! Render and parse times for a large plan (10,000 objectives with 5 features each).
//!
//! Plain `std::time::Instant`, median of several runs; run with `cargo bench -p pi-format`.
//! The parse time includes freeing the parsed plan, as a caller eventually does.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pi_format::{parse, render, sample::sample_plan};

const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    median(times)
}

fn main() {
    let plan = sample_plan(10_000, 5, 1);
    let text = render(&plan);
    let parsed = parse(&text).expect("the rendered sample parses");
    assert_eq!(parsed.plan, plan, "round trip");

    let render_time = time(|| render(black_box(&plan)));
    let parse_time = time(|| parse(black_box(&text)).map(|p| p.plan.objectives.len()));
    // The same parse with the result freed outside the clock: how much of the above is the
    // allocator returning the plan's strings.
    let mut kept = Vec::with_capacity(RUNS);
    let parse_only = time(|| kept.push(parse(black_box(&text))));
    drop(kept);

    println!(
        "plan: 10000 objectives x 5 features, {} lines",
        text.lines().count()
    );
    println!(
        "file size: {:.1} MiB",
        text.len() as f64 / (1024.0 * 1024.0)
    );
    println!(
        "render: {:.1} ms (median of {RUNS}, target <= 50 ms)",
        ms(render_time)
    );
    println!(
        "parse:  {:.1} ms (median of {RUNS}, target <= 100 ms)",
        ms(parse_time)
    );
    println!(
        "parse without freeing the result: {:.1} ms (median of {RUNS})",
        ms(parse_only)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
