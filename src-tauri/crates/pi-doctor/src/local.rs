//! The plan-folder checks: the git remote, disk space, the repository lock, the push lease,
//! unfinished pushes and stored conflicts.

use std::path::Path;
use std::time::Duration;

use pi_engine::Workspace;
use pi_engine::journal::Journal;

use crate::{Check, Level};

/// Less free space than this in the plan folder's file system is a failure, less than ten
/// times it a warning: a push journals, commits and writes metrics.
const MIN_FREE_BYTES: u64 = 50 * 1024 * 1024;

/// Runs `git ARGS` in a folder, never prompting; `Err` carries what git said.
pub type GitRunner<'a> = &'a (dyn Fn(&Path, &[&str]) -> Result<(), String> + Sync);

/// The checks of the plan folder of `ws`; `git` asks the remote.
pub fn local_checks(ws: &Workspace, git: GitRunner<'_>) -> Vec<Check> {
    vec![
        remote(ws, git),
        disk(ws.repo.git_dir()),
        lock(ws),
        lease(ws),
        unfinished_push(ws),
        conflicts(ws),
    ]
}

fn remote(ws: &Workspace, git: GitRunner<'_>) -> Check {
    if !ws.repo.has_remote(pi_engine::ORIGIN) {
        return Check::new(
            "remote",
            Level::Skipped,
            "no remote `origin`: the plan is not shared",
        );
    }
    let dir = ws.repo.workdir().unwrap_or(ws.repo.git_dir());
    let fix = "check `git remote get-url origin`, the network and your git credentials (ssh key, credential helper)";
    if let Err(e) = git(dir, &["ls-remote", "--heads", "origin"]) {
        return Check::new(
            "remote",
            Level::Fail,
            format!("origin cannot be reached: {}", e),
        )
        .fix(fix);
    }
    // A dry run asks the remote to take the working branch without sending anything.
    let refspec = format!("HEAD:refs/heads/{}", ws.names.working());
    match git(
        dir,
        &["push", "--dry-run", "--porcelain", "origin", &refspec],
    ) {
        Ok(_) => Check::ok(
            "remote",
            "origin answers and would take a push of the working branch",
        ),
        Err(e) => Check::new(
            "remote",
            Level::Fail,
            format!("origin answers but would refuse a push: {}", e),
        )
        .fix("pull first if the branch moved on; else check your write access to the remote"),
    }
}

fn disk(dir: &Path) -> Check {
    let Some(free) = free_bytes(dir) else {
        return Check::new(
            "disk",
            Level::Skipped,
            "free space is not measured on this system",
        );
    };
    let mib = free / (1024 * 1024);
    let detail = format!("{mib} MiB free for the plan folder");
    let fix = "free disk space (old backups, build folders) or move the clone";
    match free {
        f if f < MIN_FREE_BYTES => Check::new("disk", Level::Fail, detail).fix(fix),
        f if f < MIN_FREE_BYTES * 10 => Check::new("disk", Level::Warn, detail).fix(fix),
        _ => Check::ok("disk", detail),
    }
}

#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

fn lock(ws: &Workspace) -> Check {
    match pi_git::RepoLock::acquire(&ws.repo, Duration::ZERO) {
        Ok(_free) => Check::ok(
            "lock",
            "free: no other PI Planner process works on this clone",
        ),
        Err(pi_git::GitError::Locked { pid, .. }) => {
            let who = pid.map_or_else(|| "another process".to_owned(), |p| format!("process {p}"));
            Check::new(
                "lock",
                Level::Warn,
                format!("held by {who} (a sync, the app or a watch is working on this clone)"),
            )
            .fix("wait for it to finish; the lock is released when that process exits")
        }
        Err(e) => Check::new("lock", Level::Fail, e.to_string())
            .fix("check the permissions of the .git folder"),
    }
}

fn lease(ws: &Workspace) -> Check {
    let state = match pi_engine::lease::last_seen(ws) {
        Ok(Some(state)) => state,
        Ok(None) => return Check::ok("lease", "free (no push lease taken yet, or no remote)"),
        Err(e) => {
            return Check::new(
                "lease",
                Level::Warn,
                format!("the lease log does not read: {}", e),
            );
        }
    };
    let now = chrono::Utc::now();
    match (state.held && state.until > now, state.held, state.mine) {
        (true, _, true) => Check::new("lease", Level::Warn, format!("this clone holds it until {}", state.until.to_rfc3339()))
            .fix("a push, resume or rollback is running here, or one stopped: `tpcli plan resume` completes it"),
        (true, _, false) => Check::new("lease", Level::Warn, format!("{} is pushing this plan (until {} at the latest)", state.by, state.until.to_rfc3339()))
            .fix("wait: your push waits for it, and takes over when it ends"),
        (false, true, _) => Check::ok("lease", format!("free (the lease {} took ended at {})", state.by, state.until.to_rfc3339())),
        (false, false, _) => Check::ok("lease", format!("free (last given back by {})", state.by)),
    }
}

fn unfinished_push(ws: &Workspace) -> Check {
    let found = ws.local_dir().map_err(|e| e.to_string()).and_then(|dir| {
        let journal = Journal::open(&dir.join("journal.sqlite")).map_err(|e| e.to_string())?;
        journal
            .unfinished(&ws.names.plan_slug())
            .map_err(|e| e.to_string())
    });
    match found {
        Ok(None) => Check::ok("unfinished_push", "none"),
        Ok(Some(push)) => Check::new("unfinished_push", Level::Fail, format!("a push was interrupted with {} operation(s) not confirmed by Targetprocess", push.open_ops()))
            .fix("`tpcli plan resume` completes it (nothing is sent twice)"),
        Err(e) => Check::new("unfinished_push", Level::Fail, format!("the push journal does not read: {}", e))
            .fix("restore the clone's local files from a backup (`tpcli plan restore`), see docs/operations.md"),
    }
}

fn conflicts(ws: &Workspace) -> Check {
    let stored = ws
        .local_dir()
        .and_then(|dir| pi_engine::state::load_conflicts(&dir));
    match stored {
        Ok(c) if c.is_empty() => Check::ok("conflicts", "none open"),
        Ok(c) => Check::new(
            "conflicts",
            Level::Warn,
            format!("{} open conflict(s) from the last pull", c.len()),
        )
        .fix("`tpcli plan status` lists them; `tpcli plan resolve` settles each"),
        Err(e) => Check::new(
            "conflicts",
            Level::Fail,
            format!("the stored conflicts do not read: {}", e),
        )
        .fix("`tpcli plan pull` stores them again"),
    }
}
