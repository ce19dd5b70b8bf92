//! The merge-driver comparison: 1,000 seeded triples of old tpcli plan files with concurrent
//! edits (about one in four with a true conflict, decided by the generator's oracle), merged by
//! `tpcli plan merge-file`, by `git merge-file --diff3` and by mergiraf when it is on PATH. Prints
//! per tool: false conflicts of the clean cases, missed conflicts of the conflicting ones,
//! duplicated items and lost edits in clean results, and the time per merge.
//!
//! `cargo bench -p tpcli --bench merge` (release build of tpcli). `MERGE_TRIPLES=N` runs N
//! triples; `PI_BENCH_JSON=<file>` appends one record per tool (`pi-bench report`).

#[path = "../tests/merge_gen/mod.rs"]
mod merge_gen;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder};

use merge_gen::model::Layout;
use merge_gen::{Score, Triple};

/// A merge tool: its name and how it merges the three files in `dir` into `out.md`; returns
/// whether it reported a conflict.
struct Tool {
    id: &'static str,
    name: String,
    run: Box<dyn Fn(&Path) -> bool>,
}

#[derive(Default)]
struct Tally {
    clean_cases: usize,
    conflict_cases: usize,
    false_conflicts: usize,
    missed: usize,
    duplicated: usize,
    lost: usize,
    times: Vec<Duration>,
}

fn status_of(cmd: &mut Command) -> Option<i32> {
    cmd.output().ok().and_then(|o| o.status.code())
}

fn version(program: &Path, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn tools() -> (Vec<Tool>, Vec<String>) {
    let mut notes = Vec::new();
    let tpcli = PathBuf::from(env!("CARGO_BIN_EXE_tpcli"));
    let mut tools = vec![
        Tool {
            id: "merge.tpcli",
            name: "tpcli plan merge-file".into(),
            run: Box::new(move |dir| {
                let code = status_of(
                    Command::new(&tpcli)
                        .args(["plan", "merge-file", "base.md", "local.md", "remote.md"])
                        .args(["-o", "out.md"])
                        .current_dir(dir),
                );
                assert!(
                    matches!(code, Some(0 | 1)),
                    "tpcli merge-file failed in {}",
                    dir.display()
                );
                code == Some(1)
            }),
        },
        Tool {
            id: "merge.git",
            name: version(Path::new("git"), "--version").replace("git version", "git merge-file"),
            run: Box::new(|dir| {
                std::fs::copy(dir.join("local.md"), dir.join("out.md")).expect("copy");
                let code = status_of(
                    Command::new("git")
                        .args(["merge-file", "--diff3", "out.md", "base.md", "remote.md"])
                        .current_dir(dir),
                );
                code != Some(0)
            }),
        },
    ];
    match which("mergiraf") {
        Some(mergiraf) => {
            let name = version(&mergiraf, "--version");
            tools.push(Tool {
                id: "merge.mergiraf",
                name,
                run: Box::new(move |dir| {
                    let code = status_of(
                        Command::new(&mergiraf)
                            .args(["merge", "base.md", "local.md", "remote.md", "-o", "out.md"])
                            .args(["-p", "plan.md"])
                            .current_dir(dir),
                    );
                    let text = std::fs::read_to_string(dir.join("out.md")).unwrap_or_default();
                    code != Some(0) || text.lines().any(|l| l.starts_with("<<<<<<<"))
                }),
            });
        }
        None => notes.push(
            "mergiraf: not on PATH, row skipped (`cargo install --locked mergiraf` to add it)"
                .to_owned(),
        ),
    }
    (tools, notes)
}

fn which(program: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn add(tally: &mut Tally, t: &Triple, s: &Score) {
    if t.expected.conflicts.is_empty() {
        tally.clean_cases += 1;
    } else {
        tally.conflict_cases += 1;
    }
    tally.false_conflicts += usize::from(s.false_conflict);
    tally.missed += usize::from(s.missed_conflict);
    tally.duplicated += s.duplicated;
    tally.lost += usize::from(s.lost_edit);
}

fn percent(n: usize, of: usize) -> String {
    format!("{n} ({:.1}%)", n as f64 * 100.0 / of.max(1) as f64)
}

fn main() {
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    let count: u64 = std::env::var("MERGE_TRIPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let (tools, notes) = tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tallies: Vec<Tally> = tools.iter().map(|_| Tally::default()).collect();
    for seed in 0..count {
        let t = merge_gen::triple_in(seed, Some(Layout::Legacy));
        let [base, local, remote] = t.texts();
        for (tool, tally) in tools.iter().zip(&mut tallies) {
            for (name, text) in [
                ("base.md", &base),
                ("local.md", &local),
                ("remote.md", &remote),
            ] {
                std::fs::write(dir.path().join(name), text).expect("write");
            }
            let _ = std::fs::remove_file(dir.path().join("out.md"));
            let start = Instant::now();
            let conflicted = (tool.run)(dir.path());
            tally.times.push(start.elapsed());
            let out = std::fs::read_to_string(dir.path().join("out.md")).unwrap_or_default();
            add(tally, &t, &merge_gen::score(&t, conflicted, &out));
        }
    }
    let (clean, conflicting) = (tallies[0].clean_cases, tallies[0].conflict_cases);
    println!(
        "{count} triples of old tpcli plan files: {clean} clean, {conflicting} with a true conflict\n"
    );
    println!(
        "| tool | false conflicts (of {clean} clean cases) | missed conflicts (of {conflicting}) | duplicated items | lost edits | median per merge |"
    );
    println!("|---|---|---|---|---|---|");
    for (tool, tally) in tools.iter().zip(&tallies) {
        let record = Record::from_samples(
            tool.id,
            &format!("merge of one plan-file triple: {}", tool.name),
            &tally.times,
        )
        .with_extra(serde_json::json!({
            "triples": count,
            "clean_cases": tally.clean_cases,
            "false_conflicts": tally.false_conflicts,
            "conflict_cases": tally.conflict_cases,
            "missed_conflicts": tally.missed,
            "duplicated_items": tally.duplicated,
            "lost_edits": tally.lost,
        }));
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            tool.name,
            percent(tally.false_conflicts, tally.clean_cases),
            percent(tally.missed, tally.conflict_cases),
            tally.duplicated,
            tally.lost,
            pi_bench::report::show_ms(record.median_ms)
        );
        recorder.record(record);
    }
    for note in notes {
        println!("\n{note}");
    }
}
