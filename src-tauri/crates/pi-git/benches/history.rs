//! History benchmark: a repository with 500 commits touching the plan file (and other files);
//! times history-of-path and file-at-revision and prints the numbers.

use std::time::{Duration, Instant};

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

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    (samples[RUNS / 2], samples[RUNS - 1])
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let start = Instant::now();
    let tips = build(&repo);
    println!(
        "built {COMMITS} plan commits (+ other files) in {:?}",
        start.elapsed()
    );

    let (median, max) = time(|| {
        let h = repo.history(BRANCH, PLAN, None).expect("history");
        assert_eq!(h.len(), COMMITS);
        h
    });
    println!(
        "history of {PLAN} across {COMMITS} commits: median {median:?}, max {max:?} (target <= 200ms)"
    );

    let mid = tips[COMMITS / 2].to_string();
    let (median, max) = time(|| repo.read_file(&mid, PLAN).expect("read"));
    println!("file at revision (commit id): median {median:?}, max {max:?}");
    let (median, max) = time(|| repo.read_file(BRANCH, PLAN).expect("read"));
    println!("file at revision (branch): median {median:?}, max {max:?}");
}
