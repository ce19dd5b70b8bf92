//! `tpcli plan backup` and `tpcli plan restore`: a clone's plan state in one file and back.
//!
//! A backup holds a git bundle of every plan ref (working and tracking branches `refs/heads/pi/*`,
//! op log, approvals, baselines and leases under `refs/pi/*`, and what was last fetched of the
//! remote's) and the clone's own files under `.git/pi-planner` (push journals, stored conflicts,
//! metrics, the recorded account), plus plan files changed but not committed. It is taken under
//! the repository lock (no sync runs meanwhile), written to a temporary file and renamed: a
//! backup file is complete or absent. See `archive` for the format, docs/operations.md for the
//! runbook.

mod archive;
mod restore;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::exit;
use crate::gitcli;
use crate::sync::RepoArgs;

pub use restore::{RestoreArgs, run as restore};

/// Back up the plan's refs and this clone's local state (journal, conflicts, metrics) into one
/// file.
///
/// With --to FILE the backup is written there. With --to DIR/ (a folder: an existing one, or a
/// path ending in /) it is written as DIR/<plan>-<UTC time>.pi-backup, and only the newest
/// [backup] keep backups of the plan (pi-planner.toml, default 14) are kept there.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan backup --to ~/pi-backups/platform-eco.pi-backup
  tpcli plan backup --to /srv/backups/pi/        (scheduled: keeps the newest [backup] keep)
  tpcli plan restore ~/pi-backups/platform-eco.pi-backup --to ~/plans/platform-eco

Exit codes: 0 written, 2 error (nothing half-written is left).")]
pub struct BackupArgs {
    /// The backup file, or a folder (existing, or ending in /) for scheduled backups.
    #[arg(long, value_name = "FILE|DIR/")]
    to: PathBuf,
    #[command(flatten)]
    repo: RepoArgs,
}

/// The suffix of backup files in a backup folder.
const SUFFIX: &str = ".pi-backup";

pub fn backup(args: BackupArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let folder = args.to.is_dir() || args.to.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    let slug = ws.names.plan_slug();
    let now = chrono::Utc::now();
    let dest = if folder {
        std::fs::create_dir_all(&args.to)
            .with_context(|| format!("cannot create the backup folder {}", args.to.display()))?;
        args.to
            .join(format!("{slug}-{}{SUFFIX}", now.format("%Y%m%dT%H%M%SZ")))
    } else {
        args.to.clone()
    };
    let size = {
        let _lock = pi_git::RepoLock::acquire(&ws.repo, pi_engine::workspace::LOCK_WAIT)?;
        write_backup(&ws, &dest, now)?
    };
    println!(
        "Backed up {} ({size} bytes) to {}",
        ws.plan_file(),
        dest.display()
    );
    if folder {
        let keep = pi_engine::approvals::repo_config(&ws)?.backup.keep;
        for old in prune(&args.to, &slug, keep as usize)? {
            println!("Removed the older backup {}", old.display());
        }
    }
    Ok(exit::OK)
}

fn write_backup(
    ws: &pi_engine::Workspace,
    dest: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64> {
    let workdir = ws
        .repo
        .workdir()
        .context("the repository has no working tree")?
        .to_path_buf();
    let mut members = vec![(
        "plan.bundle".to_owned(),
        bundle(&workdir, ws.repo.git_dir())?,
    )];
    members.extend(local_files(ws.repo.git_dir())?);
    members.extend(uncommitted(&workdir)?);
    let origin = ws
        .repo
        .config_string("remote.origin.url")?
        .map(|u| pi_targetprocess::config::shown_url(&u));
    let manifest = archive::Manifest {
        format: archive::FORMAT.to_owned(),
        created_at: now,
        head: ws.names.working(),
        origin,
        files: Default::default(),
    };
    let mut bytes = Vec::new();
    archive::write(&mut bytes, manifest, &members)?;
    crate::files::write_atomic(dest, &bytes)?;
    Ok(bytes.len() as u64)
}

/// A bundle of the plan refs: branches under `pi/`, `refs/pi/*`, and what was fetched of the
/// remote (`refs/pi-remotes/*`, `refs/remotes/*`).
fn bundle(workdir: &Path, git_dir: &Path) -> Result<Vec<u8>> {
    let refs = gitcli::run(
        workdir,
        &[
            "for-each-ref",
            "--format=%(refname)",
            "refs/heads/pi/",
            "refs/pi/",
            "refs/pi-remotes/",
            "refs/remotes/",
        ],
    )?;
    let refs: Vec<&str> = refs.lines().filter(|l| !l.ends_with("/HEAD")).collect();
    if refs.is_empty() {
        bail!("the repository has no plan refs to back up");
    }
    let tmp = git_dir.join(format!("pi-planner-backup-{}.bundle", std::process::id()));
    let path = tmp.to_string_lossy().into_owned();
    let mut args = vec!["bundle", "create", "--quiet", path.as_str()];
    args.extend(&refs);
    let made = gitcli::run(workdir, &args).and_then(|_| Ok(std::fs::read(&tmp)?));
    let _ = std::fs::remove_file(&tmp);
    made
}

/// Every file under `.git/pi-planner`, as `local/<path>`.
fn local_files(git_dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let root = git_dir.join("pi-planner");
    let mut out = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)?
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                out.push((format!("local/{rel}"), bytes));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Files of the working tree that differ from the checked-out commit, as `worktree/<path>`.
fn uncommitted(workdir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let changed = gitcli::run(workdir, &["diff", "--name-only", "HEAD"])?;
    let untracked = gitcli::run(workdir, &["ls-files", "--others", "--exclude-standard"])?;
    let mut out = Vec::new();
    for name in changed.lines().chain(untracked.lines()) {
        let path = workdir.join(name);
        if path.is_file() {
            out.push((format!("worktree/{name}"), std::fs::read(&path)?));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// Deletes all but the newest `keep` backups of `slug` in `dir`; the deleted ones.
fn prune(dir: &Path, slug: &str, keep: usize) -> Result<Vec<PathBuf>> {
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.ends_with(SUFFIX)
                && name
                    .strip_prefix(slug)
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    // The names carry the UTC time, so their order is the backups' order.
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let old: Vec<PathBuf> = ours.into_iter().take(excess).collect();
    for path in &old {
        std::fs::remove_file(path)
            .with_context(|| format!("cannot remove the old backup {}", path.display()))?;
    }
    Ok(old)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_backup_folder_keeps_the_newest_of_each_plan_only() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "p-20260101T000000Z",
            "p-20260102T000000Z",
            "p-20260103T000000Z",
            "p-x-20260101T000000Z",
            "other-20250101T000000Z",
        ] {
            std::fs::write(dir.path().join(format!("{name}{SUFFIX}")), b"").unwrap();
        }
        std::fs::write(dir.path().join("p-notes.txt"), b"").unwrap();
        let removed = prune(dir.path(), "p", 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.path().join(format!("p-20260101T000000Z{SUFFIX}"))]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 5, "{left:?}");
    }
}
