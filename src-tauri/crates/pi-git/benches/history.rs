//! git benchmarks: a repository with 500 commits touching the plan file (and other files);
//! times history-of-path and file-at-revision; and on a 1,000-objective plan file (~2 MiB) the
//! commit of a one-objective edit on the checked-out branch and a merge commit of two branches.
//! Prints the numbers; with `PI_BENCH_JSON=<file>` also appends them as JSON lines
//! (`pi-bench report` gathers them).

use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder, memory};
use pi_git::{CommitMessage, FileChange, Identity, PlanRepo, Source, Stamp, Trailers, When};

const PLAN: &str = "pi-4-25.platform-eco.md";
const BRANCH: &str = "pi/plan/pi-4-25/platform-eco";
const COMMITS: usize = 500;
const RUNS: usize = 20;

fn build(repo: &PlanRepo) -> Vec<pi_git::Oid> {
    let who = Identity::new("Bench", "bench@example.com");
    let msg = CommitMessage::new("edit").with_trailers(Trailers::new().with_source(Source::Local));
    let mut plan = String::from("# PI-4/25 Plan - Platform Eco\n");
    let mut tips = Vec::with_capacity(COMMITS);
    for i in 0..COMMITS {
        plan.push_str(&format!(
            "\n## Team Objective: objective {i}\n\nEffort: {}\n",
            i % 13
        ));
        let stamp = Stamp::new(who.clone(), When::utc(1_760_000_000 + i as i64 * 60));
        let change = FileChange {
            path: PLAN,
            content: plan.as_bytes(),
            message: &msg,
        };
        tips.push(
            repo.commit_file(BRANCH, &change, &stamp)
                .expect("plan commit"),
        );
        if i % 3 == 0 {
            let other = format!("notes {i}\n");
            let path = format!("notes/n{}.md", i % 17);
            let change = FileChange {
                path: &path,
                content: other.as_bytes(),
                message: &msg,
            };
            repo.commit_file(BRANCH, &change, &stamp)
                .expect("other commit");
        }
    }
    tips
}

fn time<T>(mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect()
}

/// (median, max) of `samples`.
fn spread(samples: &[Duration]) -> (Duration, Duration) {
    let mut s = samples.to_vec();
    s.sort();
    (s[s.len() / 2], s[s.len() - 1])
}

const LARGE_OBJECTIVES: usize = 1000;

/// A plan-shaped file of 1,000 objectives with five features each; objective `edited` has
/// effort `effort`.
fn large_plan(edited: usize, effort: usize) -> String {
    let mut text = String::from(
        "---\nrelease: PI-4/25\nteam: Platform Eco\n---\n\n# PI-4/25 Plan - Platform Eco\n",
    );
    for i in 0..LARGE_OBJECTIVES {
        let e = if i == edited { effort } else { i % 13 };
        text.push_str(&format!(
            "\n## Team Objective: Objective {i} (tp:{})\n\n- **Effort**: {e}\n- **Status**: In Progress\n- **Owner**: Jane Doe\n\nDeliver the capability {i} so that the teams downstream can plan their work on it.\n",
            10_000 + i
        ));
        for f in 0..5 {
            text.push_str(&format!(
                "\n### Feature: Feature {i}.{f} (tp:{})\n\n- **Effort**: {}\n- **Status**: Planned\n\nAcceptance criteria:\n\n- [ ] the first criterion of feature {i}.{f} holds\n- [ ] the second criterion of feature {i}.{f} holds\n",
                100_000 + i * 5 + f,
                (i + f) % 8
            ));
        }
    }
    text
}

/// Commit of a one-objective edit of a 1,000-objective plan file on the checked-out branch, and a
/// merge commit of two branches that each edited another objective.
fn bench_large(recorder: &Recorder) {
    memory::reset_peak();
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let who = Identity::new("Bench", "bench@example.com");
    let msg = CommitMessage::new("edit").with_trailers(Trailers::new().with_source(Source::Local));
    let stamp = |i: usize| Stamp::new(who.clone(), When::utc(1_760_000_000 + i as i64 * 60));
    let first = large_plan(0, 0);
    let commit = |branch: &str, text: &str, i: usize| {
        let change = FileChange {
            path: PLAN,
            content: text.as_bytes(),
            message: &msg,
        };
        repo.commit_file(branch, &change, &stamp(i))
            .expect("commit")
    };
    commit(BRANCH, &first, 0);
    repo.checkout_branch(BRANCH).expect("checkout");
    let texts: Vec<String> = (0..RUNS)
        .map(|i| large_plan(i * 7 % LARGE_OBJECTIVES, 100 + i))
        .collect();
    let mut runs = Vec::with_capacity(RUNS);
    for (i, text) in texts.iter().enumerate() {
        let start = Instant::now();
        commit(BRANCH, text, i + 1);
        runs.push(start.elapsed());
    }
    let (median, max) = spread(&runs);
    println!(
        "commit of a {LARGE_OBJECTIVES}-objective plan file ({:.1} MiB) on the checked-out branch: median {median:?}, max {max:?}",
        first.len() as f64 / (1024.0 * 1024.0)
    );
    let size = serde_json::json!({"objectives": LARGE_OBJECTIVES, "bytes": first.len()});
    recorder.record(
        Record::from_samples(
            "git.commit_large",
            "commit of a 1,000-objective plan file",
            &runs,
        )
        .with_extra(size.clone()),
    );

    memory::reset_peak();
    let other = "pi/tp/pi-4-25/platform-eco";
    let mut runs = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let base = repo
            .branch_tip(BRANCH)
            .expect("tip")
            .expect("the branch exists");
        git2::Repository::open(repo.git_dir())
            .expect("open with libgit2")
            .reference(
                &format!("refs/heads/{other}"),
                base,
                true,
                "bench: branch off",
            )
            .expect("branch off");
        commit(other, &large_plan(500 + i, 900 + i), 100 + i);
        commit(BRANCH, &large_plan(i, 800 + i), 100 + i);
        let merged = large_plan(i, 800 + i);
        let change = FileChange {
            path: PLAN,
            content: merged.as_bytes(),
            message: &msg,
        };
        let start = Instant::now();
        repo.merge_commit(BRANCH, other, &change, &stamp(200 + i))
            .expect("merge commit");
        runs.push(start.elapsed());
    }
    let (median, max) = spread(&runs);
    println!("merge commit of two branches of that file: median {median:?}, max {max:?}");
    recorder.record(
        Record::from_samples(
            "git.merge_commit",
            "merge commit of two branches of a 1,000-objective plan file",
            &runs,
        )
        .with_extra(size),
    );
}

fn main() {
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(Into::into));
    memory::reset_peak();
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let start = Instant::now();
    let tips = build(&repo);
    println!(
        "built {COMMITS} plan commits (+ other files) in {:?}",
        start.elapsed()
    );

    let runs = time(|| {
        let h = repo.history(BRANCH, PLAN, None).expect("history");
        assert_eq!(h.len(), COMMITS);
        h
    });
    let (median, max) = spread(&runs);
    println!(
        "history of {PLAN} across {COMMITS} commits: median {median:?}, max {max:?} (target <= 200ms)"
    );
    recorder.record(Record::from_samples(
        "git.history",
        "history of the plan file across 500 commits",
        &runs,
    ));

    let mid = tips[COMMITS / 2].to_string();
    let runs = time(|| repo.read_file(&mid, PLAN).expect("read"));
    let (median, max) = spread(&runs);
    println!("file at revision (commit id): median {median:?}, max {max:?}");
    recorder.record(Record::from_samples(
        "git.read_commit",
        "plan file at a commit id",
        &runs,
    ));
    let runs = time(|| repo.read_file(BRANCH, PLAN).expect("read"));
    let (median, max) = spread(&runs);
    println!("file at revision (branch): median {median:?}, max {max:?}");
    recorder.record(Record::from_samples(
        "git.read_branch",
        "plan file at a branch name",
        &runs,
    ));
    bench_large(&recorder);
}
