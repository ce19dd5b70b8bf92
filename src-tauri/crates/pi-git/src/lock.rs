//! A lock that serialises PI Planner processes working on one repository (the desktop app, a
//! `tpcli` run, a scheduled sync).
//!
//! It is an OS advisory lock on `<git dir>/pi-planner.lock`, so it is released when the holder
//! exits or crashes: there are no stale locks to clean up. The holder writes its pid into the
//! file so a waiter that times out can say who holds it. It does not guard against other git
//! tools (they do not know the lock); libgit2's own ref locks and the compare-and-swap ref
//! updates cover those.
//!
//! A process killed while it updated a ref leaves git's `<ref>.lock` file behind, and every
//! later update of that ref fails. Only PI Planner writes the refs of its own namespaces
//! (`refs/heads/pi/…`, `refs/pi/…`), and only while holding this lock: whoever takes it removes
//! such leftovers there. Lock files elsewhere (a user's own git command) are never touched.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{GitError, PlanRepo, Result};

/// File name of the lock inside the git directory.
pub const LOCK_FILE: &str = "pi-planner.lock";

const POLL: Duration = Duration::from_millis(25);

/// Held repository lock; released on drop.
#[derive(Debug)]
pub struct RepoLock {
    file: File,
    path: PathBuf,
}

impl RepoLock {
    /// Takes the lock of `repo`, waiting up to `timeout`. Fails with `Locked { pid }` naming the
    /// holder when it is still held after the timeout.
    pub fn acquire(repo: &PlanRepo, timeout: Duration) -> Result<RepoLock> {
        Self::acquire_in(repo.git_dir(), timeout)
    }

    /// Same as [`RepoLock::acquire`], given the git directory.
    pub fn acquire_in(git_dir: &Path, timeout: Duration) -> Result<RepoLock> {
        let path = git_dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| GitError::io(&path, e))?;
        let deadline = Instant::now() + timeout;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(POLL);
                }
                Err(TryLockError::WouldBlock) => {
                    let pid = read_pid(&mut file);
                    return Err(GitError::Locked { path, pid });
                }
                Err(TryLockError::Error(e)) => return Err(GitError::io(&path, e)),
            }
        }
        write_pid(&mut file).map_err(|e| GitError::io(&path, e))?;
        for namespace in STALE_LOCK_DIRS {
            remove_ref_locks(&git_dir.join(namespace))?;
        }
        Ok(RepoLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        // Leave the file in place (removing it would race with a waiter that already opened
        // it); clear the pid so nobody is named as holder, then release.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// The ref directories only PI Planner writes, under the repository lock.
const STALE_LOCK_DIRS: [&str; 2] = ["refs/heads/pi", "refs/pi"];

/// Removes the `*.lock` files below `dir` (left by a process killed during a ref update).
fn remove_ref_locks(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(GitError::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| GitError::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| GitError::io(&path, e))?;
        if kind.is_dir() {
            remove_ref_locks(&path)?;
        } else if path.extension().is_some_and(|x| x == "lock") {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(GitError::io(&path, e));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(std::process::id().to_string().as_bytes())?;
    file.sync_data()
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
