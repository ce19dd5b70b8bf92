//! The `git` executable, for what libgit2 cannot do: bundles (`plan backup`, `plan restore`) and
//! asking a remote whether it takes a push without pushing (`doctor`). It never prompts: a
//! remote that needs credentials git cannot find fails instead of waiting for a password.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// Runs `git ARGS` in `dir`; its stdout, or an error with git's own words.
pub fn run(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .output()
        .context("cannot run git: is it installed and on PATH?")?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let said = said.trim().lines().last().unwrap_or("no message");
        bail!(
            "`git {}` failed: {}",
            args.first().copied().unwrap_or_default(),
            crate::term::safe(said)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
