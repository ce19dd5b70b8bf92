//! Shared helpers for the pi-git integration tests: temp repos, fixed identities and times,
//! and a `git fsck` run with the system git.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use pi_git::{CommitMessage, FileChange, Identity, PlanRepo, Source, Stamp, Trailers, When};

pub const PLAN: &str = "pi-4-25.platform-eco.md";
pub const T0: i64 = 1_760_000_000;

pub fn jane() -> Identity {
    Identity::new("Jane Doe", "jane@example.com")
}

pub fn bot() -> Identity {
    Identity::new("PI Planner", "pi-planner@example.com")
}

pub fn stamp(who: Identity, minute: i64) -> Stamp {
    Stamp::new(
        who,
        When {
            seconds: T0 + minute * 60,
            offset_minutes: 120,
        },
    )
}

pub fn message(subject: &str, source: Source) -> CommitMessage {
    CommitMessage::new(subject).with_trailers(Trailers::new().with_source(source))
}

/// Commits `content` to `PLAN` on `branch` with a local-source message.
pub fn put(
    repo: &PlanRepo,
    branch: &str,
    content: &str,
    who: Identity,
    minute: i64,
) -> pi_git::Oid {
    let msg = message(&format!("edit at {minute}"), Source::Local);
    let change = FileChange {
        path: PLAN,
        content: content.as_bytes(),
        message: &msg,
    };
    repo.commit_file(branch, &change, &stamp(who, minute))
        .expect("commit plan file")
}

/// Runs the system git in `dir`, panicking with its output on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Setup")
        .env("GIT_AUTHOR_EMAIL", "setup@example.com")
        .env("GIT_COMMITTER_NAME", "Setup")
        .env("GIT_COMMITTER_EMAIL", "setup@example.com")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Full connectivity and object check of the repository.
pub fn fsck(dir: &Path) {
    git(dir, &["fsck", "--full", "--strict", "--no-dangling"]);
}

/// Status entries of the working tree as `(path, flags)`, for before/after comparisons.
pub fn status(repo: &PlanRepo) -> Vec<(String, u32)> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true);
    // libgit2 directly: the status of every file is a test's question, not the crate's.
    let git = git2::Repository::open(repo.git_dir()).expect("open with libgit2");
    let statuses = git.statuses(Some(&mut opts)).expect("statuses");
    statuses
        .iter()
        .map(|s| (s.path().unwrap_or_default().to_owned(), s.status().bits()))
        .collect()
}
