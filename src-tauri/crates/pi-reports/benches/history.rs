//! History benchmarks: the semantic diff of two 1,000-objective plans, and the history of one
//! objective across 500 commits of the plan file in a real git repository. Each prints the
//! median of several runs.
//!
//! Run with `cargo bench -p pi-reports --bench history`; with `PI_BENCH_JSON=<file>` each result
//! is also appended to that file as a JSON line (`pi-bench report` gathers them). It deliberately asserts only that the
//! results are what the set-up made; the targets are compared by reading the printed numbers.

use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder, memory};
use pi_engine::Workspace;
use pi_git::{BranchNames, CommitMessage, FileChange, Identity, PlanRepo, Stamp, When};
use pi_model::diff::diff;
use pi_model::{Effort, Plan};
use pi_reports::history::objective_history;

fn median(mut runs: Vec<Duration>) -> String {
    runs.sort();
    let n = runs.len();
    format!(
        "median {:.2} ms over {n} runs (min {:.2}, max {:.2})",
        runs[n / 2].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[n - 1].as_secs_f64() * 1e3
    )
}

/// A copy of `plan` with 10 % of efforts, 5 % of descriptions, moved and removed features and
/// ten new objectives changed.
fn edited(plan: &Plan) -> Plan {
    let mut after = plan.clone();
    for (i, o) in after.objectives.iter_mut().enumerate() {
        if i % 10 == 0 {
            o.effort = Effort::new(o.effort.map_or(1.0, |e| e.points() + 3.0));
        }
        if i % 20 == 0 {
            o.description.push_str(" Scope widened after the review.");
        }
        if i % 50 == 0 {
            o.features.pop();
        }
    }
    for i in (0..after.objectives.len() - 1).step_by(25) {
        if let Some(f) = after.objectives[i].features.pop() {
            after.objectives[i + 1].features.push(f);
        }
    }
    let extra = pi_format::sample::sample_plan(10, 2, 99).objectives;
    after.objectives.extend(extra.into_iter().map(|mut o| {
        o.id = pi_model::EntityId::Local(pi_model::LocalId::new("x").expect("valid id"));
        o
    }));
    after
}

fn bench_diff(recorder: &Recorder) {
    memory::reset_peak();
    let before = pi_format::sample::sample_plan(1000, 5, 7);
    let after = edited(&before);
    let mut runs = Vec::new();
    let mut changed = 0;
    for _ in 0..21 {
        let start = Instant::now();
        let d = diff(&before, &after);
        runs.push(start.elapsed());
        changed = d.entities.len();
    }
    assert!(changed > 100, "the edits show up: {changed}");
    println!(
        "diff of two 1,000-objective plans (5,000 features, {changed} changed entities): {}",
        median(runs.clone())
    );
    recorder.record(
        Record::from_samples("history.diff", "diff of two 1,000-objective plans", &runs)
            .with_extra(serde_json::json!({ "changed_entities": changed })),
    );
}

/// A repository whose working branch has 500 commits of a 20-objective plan, every fifth
/// changing objective 0. Returns the workspace and objective 0's id.
fn history_repo(dir: &std::path::Path) -> (Workspace, pi_model::EntityId) {
    let repo = PlanRepo::init(dir).expect("init");
    let mut plan = pi_format::sample::sample_plan(20, 4, 3);
    let names = BranchNames::for_plan(&plan.release.name, &plan.team.name);
    let people = [
        Identity::new("Jane Doe", "jane@example.com"),
        Identity::new("Ana Lee", "ana@example.com"),
    ];
    for i in 0..500usize {
        let o = if i % 5 == 0 { 0 } else { 1 + i % 19 };
        plan.objectives[o].effort = Effort::new(i as f64);
        let text = pi_format::render(&plan);
        let message = CommitMessage::new(&format!("Edit {i}"));
        let change = FileChange {
            path: &names.plan_file(),
            content: text.as_bytes(),
            message: &message,
        };
        let stamp = Stamp::new(people[i % 2].clone(), When::utc(1_800_000_000 + i as i64));
        repo.commit_file(&names.working(), &change, &stamp)
            .expect("commit");
    }
    repo.checkout_branch(&names.working()).expect("checkout");
    let id = plan.objectives[0].id.clone();
    (Workspace::open(dir).expect("workspace"), id)
}

fn bench_history(recorder: &Recorder) {
    memory::reset_peak();
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, id) = history_repo(dir.path());
    let mut runs = Vec::new();
    let mut versions = 0;
    for _ in 0..20 {
        let start = Instant::now();
        versions = objective_history(&ws, &id).expect("history").len();
        runs.push(start.elapsed());
    }
    assert_eq!(versions, 100, "every fifth commit, the first one adding it");
    println!(
        "history of one objective across 500 commits (20 objectives, {versions} versions): {}",
        median(runs.clone())
    );
    recorder.record(
        Record::from_samples(
            "history.objective",
            "history of one objective across 500 commits",
            &runs,
        )
        .with_extra(serde_json::json!({ "versions": versions })),
    );
}

fn main() {
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let selected = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if selected("diff") {
        bench_diff(&recorder);
    }
    if selected("history") {
        bench_history(&recorder);
    }
}
