//! `tpcli plan restore FILE [--to DIR]`: a new clone from a backup. The file is read and every
//! member checked against the manifest first; the clone is built in a temporary folder beside
//! DIR and renamed into place at the end, so a failure leaves no half-restored clone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use clap::Args;

use super::archive;
use crate::exit;
use crate::gitcli;

/// Restore a clone from a backup made by `tpcli plan backup`: the plan refs, the checked-out
/// plan, uncommitted plan files and the clone's journal, conflicts and metrics.
///
/// The backup's checksums are verified before anything is written; DIR must be empty or not
/// exist. An interrupted push in the backup is then completed with `tpcli plan resume`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan restore platform-eco.pi-backup --to ~/plans/platform-eco
  cd ~/plans/platform-eco && tpcli doctor && tpcli plan resume

Exit codes: 0 restored, 2 error (the backup is damaged, DIR is not empty, ...): nothing written.")]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The folder of the new clone (created; must be empty if it exists). Default: the current
    /// folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    to: PathBuf,
}

pub fn run(args: RestoreArgs) -> Result<u8> {
    let mut file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open the backup {}", args.file.display()))?;
    let (manifest, members) = archive::read(&mut std::io::BufReader::new(&mut file))
        .with_context(|| format!("{}", args.file.display()))?;
    refuse_non_empty(&args.to)?;
    let target = std::path::absolute(&args.to)?;
    let parent = target
        .parent()
        .context("restore into a folder, not the file system root")?;
    std::fs::create_dir_all(parent)?;
    let work = parent.join(format!(".pi-restore-{}", std::process::id()));
    let built = build(&work, &manifest, &members);
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&work);
        return Err(e);
    }
    if target.exists() {
        std::fs::remove_dir(&target)
            .with_context(|| format!("cannot replace the empty folder {}", target.display()))?;
    }
    std::fs::rename(&work, &target)
        .with_context(|| format!("cannot move the restored clone to {}", target.display()))?;
    println!(
        "Restored {} (backup of {}) into {}.",
        manifest.head,
        manifest.created_at.to_rfc3339(),
        target.display()
    );
    println!(
        "Next: `tpcli doctor` there; `tpcli plan resume` completes a push the backup caught part-way."
    );
    Ok(exit::OK)
}

fn refuse_non_empty(dir: &Path) -> Result<()> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    if !empty {
        bail!(
            "{} is not empty: restore into a new or empty folder (--to DIR); nothing was written",
            dir.display()
        );
    }
    Ok(())
}

fn build(
    work: &Path,
    manifest: &archive::Manifest,
    members: &BTreeMap<String, Vec<u8>>,
) -> Result<()> {
    std::fs::create_dir_all(work)?;
    gitcli::run(work, &["init", "--quiet"])?;
    let bundle = work.join(".git").join("pi-planner-restore.bundle");
    let bytes = members
        .get("plan.bundle")
        .context("the backup has no plan.bundle")?;
    std::fs::write(&bundle, bytes)?;
    let path = bundle.to_string_lossy().into_owned();
    gitcli::run(work, &["bundle", "verify", "--quiet", &path])
        .context("the git bundle in the backup does not verify")?;
    gitcli::run(
        work,
        &[
            "fetch",
            "--quiet",
            "--update-head-ok",
            &path,
            "refs/*:refs/*",
        ],
    )?;
    std::fs::remove_file(&bundle)?;
    gitcli::run(work, &["checkout", "--quiet", "--force", &manifest.head])?;
    if let Some(origin) = &manifest.origin {
        gitcli::run(work, &["remote", "add", "origin", origin])?;
    }
    for (name, bytes) in members {
        let (root, rel) = match name.split_once('/') {
            Some(("local", rel)) => (work.join(".git").join("pi-planner"), rel),
            Some(("worktree", rel)) => (work.to_path_buf(), rel),
            _ => continue,
        };
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
