//! Opening/initialising repositories and writing plan commits (off-worktree, checked-out, merge).

use crate::common;

use common::*;
use pi_git::{FileChange, GitError, PlanRepo, Source, Trailers};

#[test]
fn init_in_empty_folder_creates_repo_on_main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("plans");
    let repo = PlanRepo::init(&target).expect("init");
    assert_eq!(
        repo.current_branch().expect("head").as_deref(),
        Some("main")
    );
    assert!(target.join(".git").is_dir());
    let tip = put(&repo, "pi/tp/pi-4-25/platform-eco", "# plan\n", bot(), 0);
    assert_eq!(
        repo.read_file(&tip.to_string(), PLAN).expect("read"),
        Some(b"# plan\n".to_vec())
    );
    fsck(&target);
}

#[test]
fn init_in_existing_repo_keeps_files_branches_and_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "trunk"]);
    std::fs::write(root.join("README.md"), "team notes\n").expect("write");
    git(root, &["add", "README.md"]);
    git(root, &["commit", "-q", "-m", "notes"]);
    git(root, &["branch", "feature/x"]);
    std::fs::write(root.join("scratch.txt"), "uncommitted\n").expect("write");
    let before = git(root, &["rev-parse", "trunk", "feature/x"]);

    let repo = PlanRepo::init(root).expect("init existing");
    assert_eq!(
        repo.current_branch().expect("head").as_deref(),
        Some("trunk")
    );
    repo.create_branch("pi/tp/pi-4-25/platform-eco", "trunk")
        .expect("tracking from trunk");
    put(&repo, "pi/tp/pi-4-25/platform-eco", "# plan\n", bot(), 1);

    assert_eq!(git(root, &["rev-parse", "trunk", "feature/x"]), before);
    assert_eq!(
        std::fs::read_to_string(root.join("scratch.txt")).expect("read"),
        "uncommitted\n"
    );
    assert!(
        !root.join(PLAN).exists(),
        "off-worktree commit must not create the file"
    );
    let readme = repo
        .read_file("pi/tp/pi-4-25/platform-eco", "README.md")
        .expect("read");
    assert_eq!(readme, Some(b"team notes\n".to_vec()));
    fsck(root);
}

#[test]
fn open_and_discover() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = PlanRepo::open(dir.path()).expect_err("not a repo");
    assert!(matches!(err, GitError::NotARepo { .. }), "{err}");
    PlanRepo::init(dir.path()).expect("init");
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let found = PlanRepo::discover(&sub).expect("discover");
    assert_eq!(
        found.workdir().map(|p| p.canonicalize().expect("canon")),
        Some(dir.path().canonicalize().expect("canon"))
    );
    assert!(matches!(
        PlanRepo::open(&sub),
        Err(GitError::NotARepo { .. })
    ));
}

#[test]
fn resolve_and_read_report_missing_things() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let err = repo.resolve("pi/plan/nope").expect_err("missing");
    assert_eq!(err.to_string(), "revision pi/plan/nope not found");
    let tip = put(&repo, "pi/tp/x/y", "a\n", bot(), 0);
    assert_eq!(repo.resolve("pi/tp/x/y").expect("branch"), tip);
    assert_eq!(repo.resolve("refs/heads/pi/tp/x/y").expect("full"), tip);
    assert_eq!(repo.read_file("pi/tp/x/y", "other.md").expect("read"), None);
    assert!(matches!(
        repo.read_file("v9", PLAN),
        Err(GitError::NotFound { .. })
    ));
}

#[test]
fn commit_to_other_branch_leaves_worktree_and_index_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    let working = "pi/plan/pi-4-25/platform-eco";
    let tracking = "pi/tp/pi-4-25/platform-eco";
    put(&repo, tracking, "base\n", bot(), 0);
    repo.create_branch(working, tracking).expect("working");
    git(root, &["checkout", "-q", working]);
    // The planner has an unsaved edit and a staged new file.
    std::fs::write(root.join(PLAN), "base\nmy edit\n").expect("edit");
    std::fs::write(root.join("notes.md"), "n\n").expect("notes");
    git(root, &["add", "notes.md"]);
    let before = status(&repo);
    let index_before = git(root, &["ls-files", "-s"]);

    put(&repo, tracking, "base\nfrom TP\n", bot(), 1);

    assert_eq!(status(&repo), before);
    assert_eq!(git(root, &["ls-files", "-s"]), index_before);
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "base\nmy edit\n"
    );
    assert_eq!(
        repo.read_file(tracking, PLAN).expect("read"),
        Some(b"base\nfrom TP\n".to_vec())
    );
    assert_eq!(repo.ahead_behind(tracking, working).expect("ab"), (1, 0));
    fsck(root);
}

#[test]
fn commit_on_checked_out_branch_updates_worktree_and_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    let first = put(&repo, "main", "v1\n", jane(), 0);
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "v1\n"
    );
    let second = put(&repo, "main", "v2\n", jane(), 1);
    assert_ne!(first, second);
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "v2\n"
    );
    assert!(status(&repo).is_empty(), "{:?}", status(&repo));
    // Same content again: no empty commit.
    assert_eq!(put(&repo, "main", "v2\n", jane(), 2), second);
    fsck(root);
}

#[test]
fn uncommitted_edits_are_never_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    let tip = put(&repo, "main", "v1\n", jane(), 0);
    std::fs::write(root.join(PLAN), "v1\nunsaved work\n").expect("edit");

    let msg = message("sync", Source::AutoSync);
    let change = FileChange {
        path: PLAN,
        content: b"v1\nsynced\n",
        message: &msg,
    };
    let err = repo
        .commit_file("main", &change, &stamp(bot(), 1))
        .expect_err("dirty");
    assert!(
        matches!(&err, GitError::DirtyWorktree { path } if path == PLAN),
        "{err}"
    );
    assert!(err.to_string().contains(PLAN));
    let err = repo
        .merge_commit("main", "main", &change, &stamp(bot(), 1))
        .expect_err("dirty merge");
    assert!(matches!(err, GitError::DirtyWorktree { .. }));
    assert_eq!(repo.resolve("main").expect("tip"), tip);
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "v1\nunsaved work\n"
    );

    // Committing exactly what the planner has on disk is allowed.
    let own = FileChange {
        path: PLAN,
        content: b"v1\nunsaved work\n",
        message: &msg,
    };
    repo.commit_file("main", &own, &stamp(jane(), 2))
        .expect("commit own edit");
    assert!(status(&repo).is_empty());

    // An untracked file of the same name is protected too.
    let other = "pi-1-26.other.md";
    std::fs::write(root.join(other), "hand written\n").expect("write");
    let change = FileChange {
        path: other,
        content: b"generated\n",
        message: &msg,
    };
    assert!(matches!(
        repo.commit_file("main", &change, &stamp(bot(), 3)),
        Err(GitError::DirtyWorktree { .. })
    ));
}

#[test]
fn merge_commit_has_two_parents_and_given_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    let tracking = "pi/tp/pi-4-25/platform-eco";
    let working = "pi/plan/pi-4-25/platform-eco";
    put(&repo, tracking, "a\nb\n", bot(), 0);
    repo.create_branch(working, tracking).expect("working");
    git(root, &["checkout", "-q", working]);
    let ours = put(&repo, working, "a2\nb\n", jane(), 1);
    let theirs = put(&repo, tracking, "a\nb2\n", bot(), 2);

    let msg = message("Merge Targetprocess changes", Source::Local);
    let change = FileChange {
        path: PLAN,
        content: b"a2\nb2\n",
        message: &msg,
    };
    let merge = repo
        .merge_commit(working, tracking, &change, &stamp(jane(), 3))
        .expect("merge");

    let info = repo.commit_info(working).expect("info");
    assert_eq!(info.id, merge);
    assert_eq!(info.parents, vec![ours, theirs]);
    assert_eq!(
        repo.read_file(working, PLAN).expect("read"),
        Some(b"a2\nb2\n".to_vec())
    );
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "a2\nb2\n"
    );
    assert!(status(&repo).is_empty());
    assert_eq!(repo.ahead_behind(working, tracking).expect("ab"), (2, 0));
    fsck(root);
}

#[test]
fn merge_on_branch_not_checked_out_stays_in_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    put(&repo, "pi/tp/r/t", "x\n", bot(), 0);
    repo.create_branch("pi/plan/r/t", "pi/tp/r/t")
        .expect("branch");
    put(&repo, "pi/tp/r/t", "y\n", bot(), 1);
    let msg = message("merge", Source::AutoSync);
    let change = FileChange {
        path: "plans/deep/x.md",
        content: b"z\n",
        message: &msg,
    };
    repo.merge_commit("pi/plan/r/t", "pi/tp/r/t", &change, &stamp(bot(), 2))
        .expect("merge");
    assert_eq!(
        repo.commit_info("pi/plan/r/t").expect("info").parents.len(),
        2
    );
    assert!(!dir.path().join("plans").exists());
    assert_eq!(
        repo.read_file("pi/plan/r/t", "plans/deep/x.md")
            .expect("read"),
        Some(b"z\n".to_vec())
    );
    fsck(dir.path());
}

#[test]
fn trailers_round_trip_through_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let msg = pi_git::CommitMessage::new("Objective effort from Targetprocess")
        .with_body("Effort 13 -> 21")
        .with_trailers(
            Trailers::new()
                .with_source(Source::Targetprocess)
                .with_tp_editor("Jane Doe")
                .with_op("op-000042"),
        );
    let change = FileChange {
        path: PLAN,
        content: b"x\n",
        message: &msg,
    };
    repo.commit_file("pi/tp/a/b", &change, &stamp(bot(), 5))
        .expect("commit");
    let info = repo.commit_info("pi/tp/a/b").expect("info");
    assert_eq!(info.subject, "Objective effort from Targetprocess");
    assert_eq!(info.trailers.source(), Some(Source::Targetprocess));
    assert_eq!(info.trailers.tp_editor(), Some("Jane Doe"));
    assert_eq!(info.trailers.op(), Some("op-000042"));
    assert_eq!(info.author, bot());
    assert_eq!(info.author_time, stamp(bot(), 5).when);
    let raw = git(
        dir.path(),
        &[
            "log",
            "-1",
            "--format=%(trailers:key=Tp-Editor,valueonly)",
            "pi/tp/a/b",
        ],
    );
    assert_eq!(raw.trim(), "Jane Doe");
}

#[test]
fn bad_paths_and_branch_names_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let msg = message("x", Source::Local);
    for path in ["", "../x.md", "a//b.md", ".git/config", "a/./b"] {
        let change = FileChange {
            path,
            content: b"x",
            message: &msg,
        };
        let err = repo
            .commit_file("pi/tp/a/b", &change, &stamp(bot(), 0))
            .expect_err(path);
        assert!(matches!(err, GitError::InvalidPath { .. }), "{path}: {err}");
    }
    let change = FileChange {
        path: PLAN,
        content: b"x",
        message: &msg,
    };
    let err = repo
        .commit_file("bad..name", &change, &stamp(bot(), 0))
        .expect_err("name");
    assert!(matches!(err, GitError::InvalidRefName { .. }), "{err}");
}

#[test]
fn checkout_switches_branches_but_never_overwrites_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    put(&repo, "main", "main plan\n", jane(), 0);
    put(&repo, "pi/plan/r/t", "working plan\n", jane(), 1);

    std::fs::write(root.join(PLAN), "main plan\nunsaved\n").expect("edit");
    let err = repo.checkout_branch("pi/plan/r/t").expect_err("dirty");
    assert!(
        matches!(&err, GitError::DirtyWorktree { path } if path == PLAN),
        "{err}"
    );
    assert_eq!(
        repo.current_branch().expect("head").as_deref(),
        Some("main")
    );
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "main plan\nunsaved\n"
    );

    git(root, &["checkout", "-q", "--", PLAN]);
    repo.checkout_branch("pi/plan/r/t").expect("clean checkout");
    assert_eq!(
        repo.current_branch().expect("head").as_deref(),
        Some("pi/plan/r/t")
    );
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "working plan\n"
    );
    assert!(status(&repo).is_empty());
    assert!(matches!(
        repo.checkout_branch("nope"),
        Err(GitError::NotFound { .. })
    ));
}

#[test]
fn several_files_land_in_one_commit_and_unchanged_content_makes_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let branch = "pi/tp/pi-4-25/platform-eco";
    let message = pi_git::CommitMessage::new("Pull")
        .with_trailers(Trailers::new().with_source(Source::Targetprocess));
    let files: [(&str, &[u8]); 2] = [(PLAN, b"# plan\n"), (".pi/versions.json", b"{}\n")];
    let first = repo
        .commit_files(branch, &files, &message, &stamp(bot(), 0))
        .expect("commit");
    assert_eq!(
        repo.read_file(branch, PLAN).expect("read"),
        Some(b"# plan\n".to_vec())
    );
    assert_eq!(
        repo.read_file(branch, ".pi/versions.json").expect("read"),
        Some(b"{}\n".to_vec())
    );
    let again = repo
        .commit_files(branch, &files, &message, &stamp(bot(), 1))
        .expect("commit");
    assert_eq!(again, first, "same content: no new commit");
    let changed: [(&str, &[u8]); 2] = [(PLAN, b"# plan\n"), (".pi/versions.json", b"{\"a\":1}\n")];
    let second = repo
        .commit_files(branch, &changed, &message, &stamp(bot(), 2))
        .expect("commit");
    assert_ne!(second, first);
    assert_eq!(
        repo.commit_info(&second.to_string()).expect("info").parents,
        vec![first]
    );
    assert!(
        !dir.path().join(PLAN).exists(),
        "branch not checked out: worktree untouched"
    );
    fsck(dir.path());
}

#[test]
fn fast_forward_moves_only_forward_and_never_the_checked_out_branch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let branch = "pi/tp/pi-4-25/platform-eco";
    let first = put(&repo, branch, "one\n", bot(), 0);
    let second = put(&repo, branch, "two\n", bot(), 1);
    repo.create_branch("pi/tp/other/team", &first.to_string())
        .expect("branch");
    repo.fast_forward("pi/tp/other/team", second)
        .expect("forward");
    assert_eq!(
        repo.branch_tip("pi/tp/other/team").expect("tip"),
        Some(second)
    );
    assert!(
        matches!(
            repo.fast_forward("pi/tp/other/team", first),
            Err(GitError::RefMoved { .. })
        ),
        "never backwards"
    );
    assert_eq!(repo.merge_base(first, second).expect("base"), Some(first));
    assert!(repo.is_ancestor(first, second).expect("ancestry"));
    assert!(!repo.is_ancestor(second, first).expect("ancestry"));
    repo.fast_forward("pi/new/branch", first)
        .expect("created when missing");
    repo.checkout_branch(branch).expect("checkout");
    assert!(
        repo.fast_forward(branch, second).is_err(),
        "checked out branch is refused"
    );
}

/// The plan file is written before the branch moves (a process stopped in between leaves the
/// file ahead, never a branch ahead of a stale file); when the branch then cannot move, the
/// file is put back to what the branch holds.
#[test]
fn a_commit_whose_branch_cannot_move_leaves_the_file_as_the_branch_has_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    put(&repo, "main", "v1\n", jane(), 0);
    // What a process killed during a ref update leaves: the branch cannot be moved.
    let lock = root.join(".git/refs/heads/main.lock");
    std::fs::write(&lock, b"").expect("lock file");
    let msg = pi_git::CommitMessage::new("v2");
    let change = FileChange {
        path: PLAN,
        content: b"v2\n",
        message: &msg,
    };
    repo.commit_file("main", &change, &stamp(jane(), 1))
        .expect_err("the branch is locked");
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "v1\n"
    );
    assert!(status(&repo).is_empty(), "{:?}", status(&repo));
    std::fs::remove_file(&lock).expect("unlock");
    put(&repo, "main", "v2\n", jane(), 2);
    assert_eq!(
        std::fs::read_to_string(root.join(PLAN)).expect("read"),
        "v2\n"
    );
    fsck(root);
}

/// A save of the same size as the committed text within the file system's timestamp
/// granularity (git's "racily clean" entry): its size and modification time are those the index
/// recorded, so only the content tells it apart. The check reads it; nothing overwrites it.
#[test]
fn a_same_size_save_within_the_timestamp_granularity_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let repo = PlanRepo::init(root).expect("init");
    let file = root.join(PLAN);
    let tip = put(&repo, "main", "revision 13\n", jane(), 0);
    let committed = std::fs::metadata(&file)
        .expect("stat")
        .modified()
        .expect("mtime");
    // The planner's save, written in place as most editors do, in the same timestamp tick.
    std::fs::write(&file, "revision 14\n").expect("save");
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_modified(committed))
        .expect("same mtime");

    assert!(
        repo.has_uncommitted(PLAN).expect("status"),
        "the save is seen"
    );
    let msg = message("sync", Source::AutoSync);
    let older = FileChange {
        path: PLAN,
        content: b"revision 12\n",
        message: &msg,
    };
    let err = repo
        .commit_file("main", &older, &stamp(bot(), 1))
        .expect_err("the save is uncommitted");
    assert!(matches!(err, GitError::DirtyWorktree { .. }), "{err}");
    let err = repo
        .merge_commit("main", "main", &older, &stamp(bot(), 1))
        .expect_err("the save is uncommitted");
    assert!(matches!(err, GitError::DirtyWorktree { .. }), "{err}");
    put(&repo, "other", "other plan\n", jane(), 2);
    let err = repo
        .checkout_branch("other")
        .expect_err("the save is uncommitted");
    assert!(matches!(err, GitError::DirtyWorktree { .. }), "{err}");
    assert_eq!(repo.resolve("main").expect("tip"), tip);
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "revision 14\n"
    );

    // The save itself commits, and then nothing is uncommitted.
    put(&repo, "main", "revision 14\n", jane(), 3);
    assert!(!repo.has_uncommitted(PLAN).expect("status"));
    fsck(root);
}
