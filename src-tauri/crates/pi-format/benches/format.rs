//! Render and parse times for a large plan (10,000 objectives with 5 features each).
//!
//! Plain `std::time::Instant`, median of several runs; run with `cargo bench -p pi-format`.
//! Parse and the freeing of its result are timed apart and together: the parse target applies
//! to the parse, the freeing is reported beside it.

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

/// Parse and drop timed apart: the median parse (result freed outside the clock) and the
/// median time to free the parsed plan and source map.
fn parse_and_drop(text: &str) -> (Duration, Duration) {
    let (mut parse_times, mut drop_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        let parsed = black_box(parse(black_box(text)));
        parse_times.push(start.elapsed());
        let start = Instant::now();
        drop(parsed);
        drop_times.push(start.elapsed());
    }
    (median(parse_times), median(drop_times))
}

fn main() {
    let plan = sample_plan(10_000, 5, 1);
    let text = render(&plan);
    let parsed = parse(&text).expect("the rendered sample parses");
    assert_eq!(parsed.plan, plan, "round trip");
    drop(parsed);

    let render_time = time(|| render(black_box(&plan)));
    let (parse_time, drop_time) = parse_and_drop(&text);
    let both = time(|| parse(black_box(&text)).map(|p| p.plan.objectives.len()));

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
