//! `pi-bench`: the machine-readable side of the benchmarks.
//!
//! Every benchmark of the workspace prints its numbers and, when given a file, also appends one
//! JSON line per measurement ([`Record`], through a [`Recorder`]). The `pi-bench report` command
//! runs all benchmarks with such a file, gathers the lines into a [`report::Report`] with the
//! machine's load, writes `docs/performance.json` and regenerates the table between the
//! `<!-- bench-report:start -->` / `<!-- bench-report:end -->` markers of `docs/performance.md`.
//!
//! It deliberately reads no environment variable: the benchmark binaries decide where records
//! go (`PI_BENCH_JSON`) and pass the path in.

pub mod memory;
pub mod report;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One measurement: the median and spread of several runs of one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable key (`format.parse`, `sync.push`, …) the report's targets are looked up by.
    pub id: String,
    /// What was measured, for people (`parse of 10,000 objectives × 5 features`).
    pub name: String,
    pub median_ms: f64,
    pub runs: usize,
    pub min_ms: f64,
    pub max_ms: f64,
    /// Peak resident memory of the benchmark process while this benchmark ran (set-up
    /// included), in KiB; `None` where the platform does not tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_kib: Option<u64>,
    /// Anything else worth keeping (request counts, sizes, conflicts).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub extra: serde_json::Value,
}

impl Record {
    /// A record of `samples` (at least one).
    ///
    /// # Panics
    /// When `samples` is empty: a benchmark that ran nothing has nothing to report.
    pub fn from_samples(id: &str, name: &str, samples: &[Duration]) -> Self {
        assert!(!samples.is_empty(), "benchmark {id} has no samples");
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            median_ms: ms[ms.len() / 2],
            runs: ms.len(),
            min_ms: ms[0],
            max_ms: ms[ms.len() - 1],
            peak_rss_kib: None,
            extra: serde_json::Value::Null,
        }
    }

    pub fn with_extra(mut self, extra: serde_json::Value) -> Self {
        self.extra = extra;
        self
    }

    pub fn with_peak_rss(mut self, kib: Option<u64>) -> Self {
        self.peak_rss_kib = kib;
        self
    }
}

/// Appends records as JSON lines to a file, or does nothing when there is no file.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    path: Option<PathBuf>,
}

impl Recorder {
    /// Records go to `path` (appended, one line each); `None` records nothing.
    pub fn new(path: Option<PathBuf>) -> Self {
        Self { path }
    }

    /// Appends `record`, with the process's peak memory since the last
    /// [`memory::reset_peak`] unless the record already has one.
    ///
    /// # Panics
    /// When the file cannot be written: a benchmark run for a report must not lose results
    /// silently.
    pub fn record(&self, mut record: Record) {
        let Some(path) = &self.path else { return };
        if record.peak_rss_kib.is_none() {
            record.peak_rss_kib = memory::peak_rss_kib();
        }
        let line = serde_json::to_string(&record).expect("a record serialises");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        writeln!(file, "{line}").unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// Reads JSON lines written by [`Recorder`]; blank lines are skipped.
///
/// # Errors
/// The 1-based line number and what is wrong with it.
pub fn parse_records(text: &str) -> Result<Vec<Record>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| format!("line {}: not a benchmark record: {e}", i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_holds_the_median_and_spread_of_its_samples() {
        let samples = [30, 10, 20, 50, 40].map(Duration::from_millis);
        let r = Record::from_samples("x", "x", &samples);
        assert_eq!(
            (r.median_ms, r.runs, r.min_ms, r.max_ms),
            (30.0, 5, 10.0, 50.0)
        );
    }

    #[test]
    fn records_round_trip_through_a_json_lines_file() {
        let dir = std::env::temp_dir().join(format!("pi-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("records.jsonl");
        let _ = std::fs::remove_file(&path);
        let recorder = Recorder::new(Some(path.clone()));
        let a = Record::from_samples("a", "first", &[Duration::from_millis(2)])
            .with_extra(serde_json::json!({"requests": 8}))
            .with_peak_rss(Some(1024));
        let b = Record::from_samples("b", "second", &[Duration::from_millis(3)]);
        recorder.record(a.clone());
        recorder.record(b.clone());
        let back = parse_records(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back[0], a);
        assert_eq!(back[1].id, "b");
        assert_eq!(back.len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_broken_line_is_named_by_its_number() {
        let err = parse_records("\n{\"id\":1}\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
