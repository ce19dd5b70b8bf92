//! A lock that serialises PI Planner processes working on one repository (the desktop app, a
//! `tpcli` run, a scheduled sync).
//!
//! It is an OS advisory lock on `<git dir>/pi-planner.lock`, so it is released when the holder
//! exits or crashes: there are no stale locks to clean up. The holder writes its pid into the
//! file so a waiter that times out can say who holds it. It does not guard against other git
//! tools (they do not know the lock); libgit2's own ref locks and the compare-and-swap ref
//! updates cover those.

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
