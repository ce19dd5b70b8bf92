//! History of the plan file and sharing through a bare remote with two clones.

use crate::common;

use std::path::Path;

use common::*;
use pi_git::{GitError, PlanRepo, remote_branch_ref, remote_pi_ref};

const TRACKING: &str = "pi/tp/pi-4-25/platform-eco";

fn other_file(repo: &PlanRepo, branch: &str, minute: i64) {
    let msg = message("other file", pi_git::Source::Local);
    let content = format!("{minute}\n");
    let change = pi_git::FileChange {
        path: "notes/other.md",
        content: content.as_bytes(),
        message: &msg,
    };
    repo.commit_file(branch, &change, &stamp(bot(), minute))
        .expect("other");
}

#[test]
fn history_lists_exactly_the_commits_that_changed_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let c1 = put(&repo, TRACKING, "1\n", bot(), 0);
    other_file(&repo, TRACKING, 1);
    let c3 = put(&repo, TRACKING, "2\n", jane(), 2);
    other_file(&repo, TRACKING, 3);
    let c5 = put(&repo, TRACKING, "3\n", bot(), 4);

    let history = repo.history(TRACKING, PLAN, None).expect("history");
    let ids: Vec<_> = history.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![c5, c3, c1]);
    assert_eq!(history[1].author, jane());
    assert_eq!(history[1].author_time, stamp(jane(), 2).when);
    assert_eq!(history[0].author, bot());
    assert_eq!(history[2].parents, Vec::<pi_git::Oid>::new());
    assert_eq!(
        repo.history(TRACKING, PLAN, Some(2))
            .expect("limited")
            .len(),
        2
    );
    assert!(
        repo.history(TRACKING, "missing.md", None)
            .expect("none")
            .is_empty()
    );
}

#[test]
fn history_follows_both_sides_of_a_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let working = "pi/plan/pi-4-25/platform-eco";
    let base = put(&repo, TRACKING, "a\nb\n", bot(), 0);
    repo.create_branch(working, TRACKING).expect("branch");
    let ours = put(&repo, working, "A\nb\n", jane(), 1);
    let theirs = put(&repo, TRACKING, "a\nB\n", bot(), 2);
    let msg = message("merge", pi_git::Source::Local);
    let change = pi_git::FileChange {
        path: PLAN,
        content: b"A\nB\n",
        message: &msg,
    };
    let merge = repo
        .merge_commit(working, TRACKING, &change, &stamp(jane(), 3))
        .expect("merge");
    let ids: Vec<_> = repo
        .history(working, PLAN, None)
        .expect("history")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![merge, theirs, ours, base]);
}

fn clone_of(remote: &Path, dir: &Path) -> PlanRepo {
    let repo = PlanRepo::init(dir).expect("init clone");
    repo.add_remote("origin", &remote.to_string_lossy())
        .expect("remote");
    repo.fetch("origin").expect("fetch");
    repo
}

#[test]
fn teammates_share_branches_through_a_bare_remote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let remote = dir.path().join("shared.git");
    PlanRepo::init_bare(&remote).expect("bare");
    let alice = clone_of(&remote, &dir.path().join("alice"));
    let bob = clone_of(&remote, &dir.path().join("bob"));
    let branch_ref = format!("refs/heads/{TRACKING}");

    let a1 = put(&alice, TRACKING, "1\n", jane(), 0);
    let report = alice.push("origin", &[&branch_ref]).expect("push");
    assert_eq!(report.updated, vec![branch_ref.clone()]);

    bob.fetch("origin").expect("fetch");
    let fetched = remote_branch_ref("origin", TRACKING);
    assert_eq!(bob.resolve(&fetched).expect("fetched"), a1);
    bob.create_branch(TRACKING, &fetched)
        .expect("local tracking");
    let b2 = put(&bob, TRACKING, "2\n", bot(), 1);
    bob.push("origin", &[&branch_ref])
        .expect("push")
        .into_result()
        .expect("accepted");

    // Alice commits without fetching first: her push is a non-fast-forward and is rejected.
    put(&alice, TRACKING, "1\nalice\n", jane(), 2);
    let report = alice.push("origin", &[&branch_ref]).expect("push runs");
    assert!(report.updated.is_empty());
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].name, branch_ref);
    let err = report.into_result().expect_err("rejected");
    assert!(matches!(err, GitError::PushRejected { .. }));
    assert!(err.to_string().contains(&branch_ref), "{err}");

    // After fetching, history of the path includes the teammate's commit with its author.
    alice.fetch("origin").expect("fetch");
    let history = alice.history(&fetched, PLAN, None).expect("history");
    let authors: Vec<_> = history
        .iter()
        .map(|c| (c.id, c.author.name.clone()))
        .collect();
    assert_eq!(
        authors,
        vec![(b2, "PI Planner".to_owned()), (a1, "Jane Doe".to_owned())]
    );
    assert_eq!(history[0].author_time, stamp(bot(), 1).when);
    assert_eq!(alice.ahead_behind(TRACKING, &fetched).expect("ab"), (1, 1));
    fsck(&dir.path().join("alice"));
    fsck(&remote);
}

#[test]
fn oplog_appends_from_two_clones_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let remote = dir.path().join("shared.git");
    PlanRepo::init_bare(&remote).expect("bare");
    let alice = clone_of(&remote, &dir.path().join("alice"));
    let bob = clone_of(&remote, &dir.path().join("bob"));
    let log = pi_git::BranchNames::for_plan("PI-4/25", "Platform Eco").oplog_ref();
    let upstream = remote_pi_ref("origin", &log);

    alice
        .append_entry(&log, br#"{"op":"init"}"#, &stamp(jane(), 0))
        .expect("a1");
    bob.append_entry(&log, br#"{"op":"pull"}"#, &stamp(bot(), 1))
        .expect("b1");
    alice
        .push("origin", &[&log])
        .expect("push")
        .into_result()
        .expect("first push wins");
    let report = bob.push("origin", &[&log]).expect("push runs");
    assert_eq!(report.rejected.len(), 1, "{report:?}");

    bob.fetch("origin").expect("fetch");
    assert_eq!(bob.integrate_log(&log, &upstream).expect("integrate"), 1);
    bob.push("origin", &[&log])
        .expect("push")
        .into_result()
        .expect("retry accepted");

    alice.fetch("origin").expect("fetch");
    assert_eq!(
        alice.integrate_log(&log, &upstream).expect("fast-forward"),
        0
    );
    for repo in [&alice, &bob] {
        let entries = repo.entries(&log).expect("entries");
        let data: Vec<_> = entries
            .iter()
            .map(|e| String::from_utf8_lossy(&e.data).into_owned())
            .collect();
        assert_eq!(data, vec![r#"{"op":"init"}"#, r#"{"op":"pull"}"#]);
        let seqs: Vec<_> = entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![1, 2]);
        assert_eq!(entries[1].author, bot());
        assert_eq!(entries[1].when, stamp(bot(), 1).when);
    }
    fsck(&remote);
    fsck(&dir.path().join("bob"));
}

#[test]
fn baselines_are_tagged_listed_and_fetched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let remote = dir.path().join("shared.git");
    PlanRepo::init_bare(&remote).expect("bare");
    let alice = clone_of(&remote, &dir.path().join("alice"));
    let tip = put(&alice, TRACKING, "committed plan\n", bot(), 0);
    alice
        .create_baseline(
            "pi-4-25-committed",
            TRACKING,
            "Plan as committed",
            &stamp(jane(), 1),
        )
        .expect("tag");
    let err = alice
        .create_baseline("pi-4-25-committed", TRACKING, "again", &stamp(jane(), 2))
        .expect_err("exists");
    assert!(matches!(err, GitError::AlreadyExists { .. }), "{err}");
    let tag_ref = pi_git::baseline_ref("pi-4-25-committed");
    alice
        .push("origin", &[&tag_ref])
        .expect("push")
        .into_result()
        .expect("tag pushed");

    let bob = clone_of(&remote, &dir.path().join("bob"));
    let baselines = bob.baselines().expect("list");
    assert_eq!(baselines.len(), 1);
    assert_eq!(baselines[0].name, "pi-4-25-committed");
    assert_eq!(baselines[0].target, tip);
    assert_eq!(baselines[0].message, "Plan as committed");
    assert_eq!(baselines[0].when, Some(stamp(jane(), 1).when));
    assert_eq!(
        bob.read_file(&tag_ref, PLAN).expect("read"),
        Some(b"committed plan\n".to_vec())
    );
}

#[test]
fn an_append_to_the_remote_log_is_a_compare_and_swap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let remote = dir.path().join("shared.git");
    PlanRepo::init_bare(&remote).expect("bare");
    let alice = clone_of(&remote, &dir.path().join("alice"));
    let bob = clone_of(&remote, &dir.path().join("bob"));
    let lease = pi_git::BranchNames::for_plan("PI-4/25", "Platform Eco").lease_ref();
    let upstream = remote_pi_ref("origin", &lease);
    assert_eq!(bob.last_entry(&upstream).expect("reads"), None);

    // Both saw no lease; Alice takes it first, so Bob's take on the same tip is refused.
    let took = alice
        .append_remote("origin", &lease, None, b"alice", &stamp(jane(), 0))
        .expect("runs");
    assert_eq!(took.as_ref().map(|e| e.seq), Some(1));
    let refused = bob
        .append_remote("origin", &lease, None, b"bob", &stamp(bot(), 0))
        .expect("runs");
    assert_eq!(refused, None);

    // On the tip he fetched since, Bob's entry goes in after Alice's.
    bob.fetch("origin").expect("fetch");
    let tip = bob.ref_target(&upstream).expect("reads");
    assert_eq!(tip, took.map(|e| e.commit));
    assert_eq!(
        bob.last_entry(&upstream).expect("reads").expect("one").data,
        b"alice"
    );
    let after = bob
        .append_remote("origin", &lease, tip, b"bob", &stamp(bot(), 1))
        .expect("runs")
        .expect("the remote had not moved");
    assert_eq!(after.seq, 2);
    alice.fetch("origin").expect("fetch");
    let last = alice.last_entry(&upstream).expect("reads").expect("two");
    assert_eq!((last.seq, last.data.as_slice()), (2, &b"bob"[..]));
    // A stale tip is refused again, whoever holds it.
    let stale = alice
        .append_remote("origin", &lease, tip, b"alice", &stamp(jane(), 2))
        .expect("runs");
    assert_eq!(stale, None);
}
