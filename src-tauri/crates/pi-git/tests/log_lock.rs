//! Append-only log refs (compare-and-swap, concurrent writers) and the repository lock.

use crate::common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;
use pi_git::{GitError, LOCK_FILE, PlanRepo, RepoLock};

const LOG: &str = "refs/pi/approvals/pi-4-25.platform-eco";

#[test]
fn entries_come_back_in_order_and_tree_holds_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    assert!(repo.entries(LOG).expect("empty").is_empty());
    for i in 1..=12 {
        let e = repo
            .append_entry(LOG, format!("{{\"n\":{i}}}").as_bytes(), &stamp(jane(), i))
            .expect("append");
        assert_eq!(e.seq, i as u64);
    }
    let entries = repo.entries(LOG).expect("entries");
    let data: Vec<String> = entries
        .iter()
        .map(|e| String::from_utf8_lossy(&e.data).into_owned())
        .collect();
    let expected: Vec<String> = (1..=12).map(|i| format!("{{\"n\":{i}}}")).collect();
    assert_eq!(data, expected);
    assert_eq!(
        repo.read_file(LOG, &pi_git::entry_path(7)).expect("read"),
        Some(b"{\"n\":7}".to_vec())
    );
    // The log ref is not a branch and the working tree is untouched.
    assert!(repo.branches("").expect("branches").is_empty());
    assert!(status(&repo).is_empty());
    fsck(dir.path());
}

#[test]
fn stale_tip_is_refused_with_ref_moved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let first = repo
        .append_entry(LOG, b"1", &stamp(jane(), 0))
        .expect("first");
    repo.append_entry(LOG, b"2", &stamp(bot(), 1))
        .expect("second");
    let err = repo
        .append_entry_at(LOG, Some(first.commit), b"3", &stamp(jane(), 2))
        .expect_err("stale");
    assert!(
        matches!(&err, GitError::RefMoved { name } if name == LOG),
        "{err}"
    );
    let err = repo
        .append_entry_at(LOG, None, b"3", &stamp(jane(), 2))
        .expect_err("exists");
    assert!(matches!(err, GitError::RefMoved { .. }));
    assert_eq!(repo.entries(LOG).expect("entries").len(), 2);
}

#[test]
fn log_refs_must_live_under_refs_pi() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    for name in ["refs/heads/main", "refs/pi/bad..name", "oplog"] {
        let err = repo
            .append_entry(name, b"x", &stamp(jane(), 0))
            .expect_err(name);
        assert!(
            matches!(err, GitError::InvalidRefName { .. }),
            "{name}: {err}"
        );
    }
}

/// Writers racing to create a log that does not exist yet: exactly one of them wins each time
/// and the others are told the ref moved, never two "successes" of which one is overwritten.
#[test]
fn racing_first_appends_have_exactly_one_winner() {
    let dir = tempfile::tempdir().expect("tempdir");
    PlanRepo::init(dir.path()).expect("init");
    let writers = 4;
    for round in 0..40 {
        let log = format!("refs/pi/oplog/race-{round}");
        let barrier = Arc::new(Barrier::new(writers));
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let path = dir.path().to_path_buf();
                let barrier = Arc::clone(&barrier);
                let log = log.clone();
                std::thread::spawn(move || {
                    let repo = PlanRepo::open(&path).expect("open");
                    barrier.wait();
                    match repo.append_entry_at(
                        &log,
                        None,
                        format!("w{w}").as_bytes(),
                        &stamp(bot(), 0),
                    ) {
                        Ok(entry) => Some(entry.commit),
                        Err(GitError::RefMoved { .. }) => None,
                        Err(GitError::Git(e)) if e.code() == git2::ErrorCode::Locked => None,
                        Err(e) => panic!("append failed: {e}"),
                    }
                })
            })
            .collect();
        let winners: Vec<_> = handles
            .into_iter()
            .filter_map(|h| h.join().expect("writer"))
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let repo = PlanRepo::open(dir.path()).expect("open");
        assert_eq!(
            repo.ref_target(&log).expect("tip"),
            Some(winners[0]),
            "round {round}"
        );
    }
}

#[test]
fn concurrent_writers_retry_and_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    PlanRepo::init(dir.path()).expect("init");
    let writers = 4;
    let per_writer: usize = 10;
    let barrier = Arc::new(Barrier::new(writers));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let path = dir.path().to_path_buf();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let repo = PlanRepo::open(&path).expect("open");
                barrier.wait();
                let mut moved = 0;
                for i in 0..per_writer {
                    let data = format!("w{w}-{i}");
                    loop {
                        match repo.append_entry(LOG, data.as_bytes(), &stamp(bot(), i as i64)) {
                            Ok(_) => break,
                            Err(GitError::RefMoved { .. }) => moved += 1,
                            Err(GitError::Git(e)) if e.code() == git2::ErrorCode::Locked => {
                                moved += 1
                            }
                            Err(e) => panic!("append failed: {e}"),
                        }
                    }
                }
                moved
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer");
    }
    let repo = PlanRepo::open(dir.path()).expect("open");
    let entries = repo.entries(LOG).expect("entries");
    assert_eq!(entries.len(), writers * per_writer);
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=(writers * per_writer) as u64).collect::<Vec<_>>()
    );
    let mut data: Vec<String> = entries
        .iter()
        .map(|e| String::from_utf8_lossy(&e.data).into_owned())
        .collect();
    data.sort();
    let mut expected: Vec<String> = (0..writers)
        .flat_map(|w| (0..per_writer).map(move |i| format!("w{w}-{i}")))
        .collect();
    expected.sort();
    assert_eq!(data, expected);
    fsck(dir.path());
}

#[test]
fn lock_contention_between_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let held = RepoLock::acquire(&repo, Duration::from_secs(1)).expect("first");
    assert_eq!(held.path(), repo.git_dir().join(LOCK_FILE));

    let git_dir = repo.git_dir().to_path_buf();
    let waiter = std::thread::spawn(move || {
        let started = Instant::now();
        let err = RepoLock::acquire_in(&git_dir, Duration::from_millis(200)).expect_err("held");
        (err, started.elapsed())
    });
    let (err, waited) = waiter.join().expect("waiter");
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    match &err {
        GitError::Locked { pid, path } => {
            assert_eq!(*pid, Some(std::process::id()));
            assert!(path.ends_with(LOCK_FILE));
        }
        other => panic!("expected Locked, got {other}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("process {}", std::process::id())),
        "{err}"
    );

    // A waiter with a longer timeout gets the lock once the holder releases it.
    let git_dir = repo.git_dir().to_path_buf();
    let waiter = std::thread::spawn(move || RepoLock::acquire_in(&git_dir, Duration::from_secs(5)));
    std::thread::sleep(Duration::from_millis(150));
    drop(held);
    waiter
        .join()
        .expect("waiter")
        .expect("acquired after release");
}

#[test]
fn lock_held_by_another_process_and_released_when_it_dies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    let lock_path = repo.git_dir().join(LOCK_FILE);
    std::fs::write(&lock_path, "").expect("create lock file");
    // The child shell takes the same advisory lock (flock(2)) on the file, writes its pid like
    // a holder would, then becomes `sleep` keeping the locked descriptor.
    let script = format!(
        "exec 9>>'{0}'; flock 9; echo $$ > '{0}'; echo locked; exec sleep 30",
        lock_path.display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn lock holder");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    assert_eq!(line.trim(), "locked");

    let err = RepoLock::acquire(&repo, Duration::from_millis(100)).expect_err("held");
    let GitError::Locked { pid: Some(pid), .. } = err else {
        panic!("expected Locked with pid, got {err}");
    };
    assert_eq!(pid, child.id());

    // The holder crashes: the lock is free again, no stale lock file to clean up.
    child.kill().expect("kill");
    child.wait().expect("wait");
    let lock = RepoLock::acquire(&repo, Duration::from_secs(5)).expect("free after crash");
    assert_eq!(
        std::fs::read_to_string(lock.path()).expect("read"),
        std::process::id().to_string()
    );
}

#[test]
fn a_ref_lock_left_by_a_killed_process_is_removed_by_the_next_holder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = PlanRepo::init(dir.path()).expect("init");
    repo.append_entry(LOG, b"1", &stamp(jane(), 0))
        .expect("first");
    let git = dir.path().join(".git");
    // What a process killed in the middle of two ref updates leaves behind.
    let ours = [
        git.join("refs/pi/approvals/pi-4-25.platform-eco.lock"),
        git.join("refs/heads/pi/tp/pi-4-25/platform-eco.lock"),
    ];
    std::fs::create_dir_all(git.join("refs/heads/pi/tp/pi-4-25")).expect("mkdir");
    for path in &ours {
        std::fs::write(path, b"").expect("lock file");
    }
    let err = repo
        .append_entry(LOG, b"2", &stamp(jane(), 1))
        .expect_err("the ref is locked");
    assert!(err.to_string().contains("lock"), "{err}");
    // A user's own git command's lock is not PI Planner's to remove.
    let theirs = git.join("refs/heads/main.lock");
    std::fs::write(&theirs, b"").expect("lock file");

    let lock = RepoLock::acquire(&repo, Duration::from_secs(1)).expect("lock");
    assert!(ours.iter().all(|p| !p.exists()), "our leftovers are gone");
    assert!(theirs.exists(), "theirs stays");
    repo.append_entry(LOG, b"2", &stamp(jane(), 1))
        .expect("the log takes entries again");
    drop(lock);
    assert_eq!(repo.entries(LOG).expect("entries").len(), 2);
}
