//! `tpcli plan merge-file` on 1,000 seeded triples of plan files (old tpcli layout and current
//! layout, about one in four with a true conflict), held to the oracle of `merge_gen`: no missed
//! conflict, no lost edit, no duplicated item, the conflicting fields exactly the expected ones,
//! and under 1% false conflicts. A failure prints the seeds; `MERGE_GEN_SEED=N` replays one and
//! prints its files (with `--nocapture`).

#![allow(clippy::unwrap_used)] // test code: a failure is the test's answer

use std::path::Path;

use pi_model::merge::Conflict;

use crate::merge_file_support::{code, text, tpcli};
use crate::merge_gen::{self, Triple};

/// What the driver did with one triple: whether it reported a conflict, the conflicts, the file.
pub fn run_tpcli(dir: &Path, t: &Triple) -> (bool, Vec<Conflict>, String) {
    let [base, local, remote] = t.texts();
    std::fs::write(dir.join("base.md"), base).unwrap();
    std::fs::write(dir.join("local.md"), local).unwrap();
    std::fs::write(dir.join("remote.md"), remote).unwrap();
    let out = tpcli(
        dir,
        &[
            "plan",
            "merge-file",
            "base.md",
            "local.md",
            "remote.md",
            "-o",
            "out.md",
            "--json",
        ],
    );
    assert!(
        matches!(code(&out), 0 | 1),
        "seed {}: merge-file failed: {}",
        t.seed,
        text(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let conflicts: Vec<Conflict> = serde_json::from_value(report["conflicts"].clone()).unwrap();
    let merged = std::fs::read_to_string(dir.join("out.md")).unwrap();
    (code(&out) == 1, conflicts, merged)
}

/// Every problem with one triple, as text (empty: as the oracle expects).
fn check(dir: &Path, t: &Triple) -> (Vec<String>, bool) {
    let (conflicted, conflicts, merged) = run_tpcli(dir, t);
    if std::env::var_os("MERGE_GEN_SEED").is_some() {
        let [base, local, remote] = t.texts();
        println!("base:\n{base}\nlocal:\n{local}\nremote:\n{remote}\nmerged:\n{merged}");
        println!("expected conflicts {:?}", t.expected.conflicts);
    }
    let s = merge_gen::score(t, conflicted, &merged);
    let mut problems = Vec::new();
    if s.missed_conflict {
        problems.push(format!(
            "missed conflict, expected {:?}",
            t.expected.conflicts
        ));
    }
    if s.duplicated > 0 {
        problems.push(format!("{} duplicated item(s)", s.duplicated));
    }
    if s.lost_edit {
        problems.push(format!("lost edit: {}", s.detail));
    }
    if conflicted && !s.false_conflict {
        let reported: Vec<_> = conflicts
            .iter()
            .map(|c| (c.entity.clone(), c.field))
            .collect();
        match merge_gen::conflict_keys(t, &reported) {
            Ok(keys) if keys == t.expected.conflicts => {}
            Ok(keys) => problems.push(format!(
                "conflicts {keys:?}, expected {:?}",
                t.expected.conflicts
            )),
            Err(e) => problems.push(e),
        }
    }
    (problems, s.false_conflict)
}

#[test]
fn a_thousand_generated_triples_merge_as_the_oracle_says() {
    let seeds: Vec<u64> = match std::env::var("MERGE_GEN_SEED") {
        Ok(s) => vec![s.parse().expect("MERGE_GEN_SEED is a number")],
        Err(_) => (0..1000).collect(),
    };
    // Two workers, each in its own folder: the binary runs once per triple.
    let results: Vec<(u64, bool, bool, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let mine: Vec<u64> = seeds.iter().copied().skip(w).step_by(2).collect();
                scope.spawn(move || {
                    let dir = tempfile::tempdir().unwrap();
                    mine.into_iter()
                        .map(|seed| {
                            let t = merge_gen::triple(seed);
                            let (problems, false_conflict) = check(dir.path(), &t);
                            let problems = problems
                                .into_iter()
                                .map(|p| format!("seed {seed} ({:?}): {p}", t.layout))
                                .collect();
                            (
                                seed,
                                t.expected.conflicts.is_empty(),
                                false_conflict,
                                problems,
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let clean_cases = results.iter().filter(|r| r.1).count();
    let false_conflicts: Vec<u64> = results.iter().filter(|r| r.2).map(|r| r.0).collect();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.3).collect();
    println!(
        "{} triples: {clean_cases} clean, {} with a true conflict; {} false conflicts, {} other problems",
        seeds.len(),
        seeds.len() - clean_cases,
        false_conflicts.len(),
        failures.len()
    );
    let show = |list: &[String]| list.iter().take(15).cloned().collect::<Vec<_>>().join("\n");
    assert!(
        failures.is_empty(),
        "{} problem(s) (replay one with MERGE_GEN_SEED=N):\n{}",
        failures.len(),
        show(&failures)
    );
    assert!(
        false_conflicts.len() * 100 < clean_cases.max(1),
        "{} false conflicts of {clean_cases} clean cases (1% allowed), seeds {:?}",
        false_conflicts.len(),
        false_conflicts
    );
}
