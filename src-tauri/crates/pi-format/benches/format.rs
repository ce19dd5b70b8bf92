//! Render and parse times for a large plan (10,000 objectives with 5 features each).
//!
//! Plain `std::time::Instant`, median of several runs; run with `cargo bench -p pi-format`.
//! Parse and the freeing of its result are timed apart and together: the parse target applies
//! to the parse, the freeing is reported beside it. With `PI_BENCH_JSON=<file>` each number is
//! also appended to that file as a JSON line (`pi-bench report` gathers them), with the peak
//! memory of the process while it was measured.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder, memory};
use pi_format::{parse, render, sample::sample_plan};

const RUNS: usize = 7;

fn median(times: &[Duration]) -> Duration {
    let mut times = times.to_vec();
    times.sort();
    times[times.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect()
}

/// Parse and drop timed apart: the parse times (result freed outside the clock) and the times
/// to free the parsed plan and source map.
fn parse_and_drop(text: &str) -> (Vec<Duration>, Vec<Duration>) {
    let (mut parse_times, mut drop_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        let parsed = black_box(parse(black_box(text)));
        parse_times.push(start.elapsed());
        let start = Instant::now();
        drop(parsed);
        drop_times.push(start.elapsed());
    }
    (parse_times, drop_times)
}

fn main() {
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    let plan = sample_plan(10_000, 5, 1);
    let text = render(&plan);
    let parsed = parse(&text).expect("the rendered sample parses");
    assert_eq!(parsed.plan, plan, "round trip");
    drop(parsed);
    let size = serde_json::json!({
        "objectives": 10_000,
        "features": 50_000,
        "bytes": text.len(),
        "lines": text.lines().count(),
    });

    memory::reset_peak();
    let render_times = time(|| render(black_box(&plan)));
    recorder.record(
        Record::from_samples(
            "format.render",
            "render of 10,000 objectives × 5 features",
            &render_times,
        )
        .with_extra(size.clone()),
    );
    memory::reset_peak();
    let (parse_times, drop_times) = parse_and_drop(&text);
    let parse_peak = memory::peak_rss_kib();
    recorder.record(
        Record::from_samples(
            "format.parse",
            "parse of 10,000 objectives × 5 features",
            &parse_times,
        )
        .with_extra(size.clone())
        .with_peak_rss(parse_peak),
    );
    recorder.record(
        Record::from_samples("format.drop", "freeing the parsed plan", &drop_times)
            .with_peak_rss(parse_peak),
    );
    memory::reset_peak();
    let both_times = time(|| parse(black_box(&text)).map(|p| p.plan.objectives.len()));
    recorder.record(
        Record::from_samples(
            "format.parse_and_drop",
            "parse and free together",
            &both_times,
        )
        .with_extra(size),
    );
    let (render_time, parse_time, drop_time, both) = (
        median(&render_times),
        median(&parse_times),
        median(&drop_times),
        median(&both_times),
    );

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
        "parse:  {:.1} ms (median of {RUNS}, target <= 100 ms; result freed outside the clock)",
        ms(parse_time)
    );
    println!(
        "drop of the parsed result: {:.1} ms (median of {RUNS})",
        ms(drop_time)
    );
    println!(
        "parse and drop together: {:.1} ms (median of {RUNS})",
        ms(both)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
