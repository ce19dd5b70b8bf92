//! The named questions the engine asks a repository: git configuration, remotes, uncommitted
//! files and the commits between two revisions.

use crate::common;

use common::*;
use pi_git::{GitError, PlanRepo};

const BRANCH: &str = "pi/plan/pi-4-25/platform-eco";

#[test]
fn configuration_values_are_read_as_set_and_none_when_unset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    assert_eq!(
        repo.config_string("pi-test.signingkey").expect("read"),
        None
    );
    assert_eq!(repo.config_bool("pi-test.gpgsign").expect("read"), None);

    repo.set_config("pi-test.signingkey", "key::ssh-ed25519 AAAA")
        .expect("set");
    repo.set_config("pi-test.gpgsign", "true").expect("set");
    assert_eq!(
        repo.config_string("pi-test.signingkey")
            .expect("read")
            .as_deref(),
        Some("key::ssh-ed25519 AAAA")
    );
    assert_eq!(
        repo.config_bool("pi-test.gpgsign").expect("read"),
        Some(true)
    );
    // Written where `git config` (without --global) writes: the repository's own file.
    let local = git(dir.path(), &["config", "--local", "pi-test.signingkey"]);
    assert_eq!(local.trim(), "key::ssh-ed25519 AAAA");
}

#[test]
fn a_flag_that_is_not_a_boolean_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    repo.set_config("pi-test.gpgsign", "perhaps").expect("set");
    assert!(repo.config_bool("pi-test.gpgsign").is_err());
}

#[test]
fn a_remote_is_known_until_it_is_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    assert!(!repo.has_remote("origin"));
    repo.add_remote("origin", "https://git.example.com/plans.git")
        .expect("add");
    assert!(repo.has_remote("origin"));
    assert!(!repo.has_remote("upstream"));
    repo.remove_remote("origin").expect("remove");
    assert!(!repo.has_remote("origin"));
    let again = repo.remove_remote("origin").expect_err("gone");
    assert!(
        matches!(again, GitError::NotFound { ref rev } if rev == "remote origin"),
        "{again:?}"
    );
}

#[test]
fn a_file_edited_after_its_commit_is_uncommitted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    put(&repo, BRANCH, "1\n", jane(), 0);
    repo.checkout_branch(BRANCH).expect("checkout");
    assert!(!repo.has_uncommitted(PLAN).expect("status"));
    assert!(!repo.has_uncommitted("absent.md").expect("status"));

    std::fs::write(dir.path().join(PLAN), "2\n").expect("edit");
    assert!(repo.has_uncommitted(PLAN).expect("status"));
    std::fs::write(dir.path().join("notes.md"), "new\n").expect("untracked");
    assert!(repo.has_uncommitted("notes.md").expect("status"));
}

#[test]
fn a_bare_repository_has_no_uncommitted_files_to_ask_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init_bare(dir.path()).expect("init");
    assert!(matches!(
        repo.has_uncommitted(PLAN),
        Err(GitError::Bare { .. })
    ));
}

#[test]
fn commits_between_lists_what_the_tip_has_and_the_hidden_side_lacks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let base = put(&repo, BRANCH, "1\n", bot(), 0);
    let c2 = put(&repo, BRANCH, "2\n", jane(), 1);
    let c3 = put(&repo, BRANCH, "3\n", bot(), 2);

    let between = repo.commits_between(base, c3).expect("walk");
    let ids: Vec<_> = between.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![c3, c2]);
    assert_eq!(between[1].author, jane());
    assert!(repo.commits_between(c3, c3).expect("walk").is_empty());
    assert!(repo.commits_between(c3, base).expect("walk").is_empty());
}
