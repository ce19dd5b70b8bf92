//! `pi-bench`: runs every benchmark of the workspace and writes the report.
//!
//! ```text
//! pi-bench report [--doc docs/performance.md] [--json docs/performance.json]
//! pi-bench render [--doc docs/performance.md] [--json docs/performance.json]
//! ```
//!
//! `report` runs each benchmark binary with `cargo bench` (release profile) and
//! `PI_BENCH_JSON` pointing at a scratch file, gathers the records, notes the machine's load
//! before and after, writes the JSON file and regenerates the table between the report markers
//! of the markdown file. `render` only regenerates the table from an existing JSON file.
//! Run it from the workspace root (`scripts/bench-report.sh` does).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use pi_bench::report::{Machine, Report, parse_loadavg, render_table, replace_between_markers};

/// Every benchmark binary of the workspace: (package, bench target).
const BENCHES: &[(&str, &str)] = &[
    ("pi-format", "format"),
    ("pi-git", "history"),
    ("pi-targetprocess", "fetch"),
    ("pi-jira", "stories"),
    ("pi-engine", "sync"),
    ("pi-reports", "history"),
    ("tpcli", "merge"),
    ("tpcli", "watch"),
    ("tpcli", "watch_idle"),
];

const USAGE: &str =
    "usage: pi-bench (report | render) [--doc <performance.md>] [--json <performance.json>]";

#[derive(Debug)]
struct Args {
    command: String,
    doc: PathBuf,
    json: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    let command = it.next().ok_or(USAGE)?.clone();
    if command != "report" && command != "render" {
        return Err(format!("unknown command `{command}`\n{USAGE}"));
    }
    let mut parsed = Args {
        command,
        doc: PathBuf::from("docs/performance.md"),
        json: PathBuf::from("docs/performance.json"),
    };
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--doc" => parsed.doc = PathBuf::from(value),
            "--json" => parsed.json = PathBuf::from(value),
            _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse_args(&args).and_then(|a| match a.command.as_str() {
        "report" => report(&a),
        _ => render(&a),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pi-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn loadavg() -> Option<[f64; 3]> {
    parse_loadavg(&std::fs::read_to_string("/proc/loadavg").ok()?)
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn commit() -> Option<String> {
    let head = git(&["rev-parse", "--short=12", "HEAD"])?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}+dirty") } else { head })
}

fn report(args: &Args) -> Result<(), String> {
    let scratch = std::env::temp_dir().join(format!("pi-bench-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&scratch);
    let load_before = loadavg();
    for (package, bench) in BENCHES {
        eprintln!("pi-bench: cargo bench -p {package} --bench {bench}");
        let status = Command::new(env!("CARGO"))
            .args(["bench", "-p", package, "--bench", bench])
            .env("PI_BENCH_JSON", &scratch)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`cargo bench -p {package} --bench {bench}` failed ({status})"
            ));
        }
    }
    let load_after = loadavg();
    let text = std::fs::read_to_string(&scratch)
        .map_err(|e| format!("no benchmark wrote a record to {}: {e}", scratch.display()))?;
    let _ = std::fs::remove_file(&scratch);
    let results = pi_bench::parse_records(&text)?;
    let report = Report {
        generated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        commit: commit(),
        machine: Machine {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            load_before,
            load_after,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        },
        results,
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    write(&args.json, &format!("{json}\n"))?;
    write_doc(&args.doc, &report)?;
    eprintln!(
        "pi-bench: {} results; wrote {} and the table in {}",
        report.results.len(),
        args.json.display(),
        args.doc.display()
    );
    Ok(())
}

fn render(args: &Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.json)
        .map_err(|e| format!("cannot read {}: {e}", args.json.display()))?;
    let report: Report = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a benchmark report: {e}", args.json.display()))?;
    write_doc(&args.doc, &report)
}

fn write_doc(path: &Path, report: &Report) -> Result<(), String> {
    let doc = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let out = replace_between_markers(&doc, &render_table(report))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    write(path, &out)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Result<Args, String> {
        parse_args(&s.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn options_override_the_default_paths() {
        let a = args(&["render", "--json", "x.json"]).unwrap();
        assert_eq!(
            (a.doc, a.json),
            ("docs/performance.md".into(), "x.json".into())
        );
        assert!(args(&[]).unwrap_err().starts_with("usage"));
        assert!(
            args(&["bench"])
                .unwrap_err()
                .contains("unknown command `bench`")
        );
        assert!(
            args(&["report", "--doc"])
                .unwrap_err()
                .contains("`--doc` needs a value")
        );
        assert!(
            args(&["report", "--x", "y"])
                .unwrap_err()
                .contains("unknown option `--x`")
        );
    }
}
