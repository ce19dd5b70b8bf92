//! `tpcli plan install-merge-driver`: registers `tpcli plan merge-file` as git's merge driver
//! for plan files in one repository: `merge.pi-plan.*` in the repository's own config and a
//! `PATTERN merge=pi-plan` line in the top-level `.gitattributes`. Running it again changes
//! nothing.
//!
//! It uses the system `git` for the config (so includes, worktrees and the config format stay
//! git's business) and does not commit `.gitattributes`: that is left to the team.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::exit;
use crate::files;

/// The driver's name in git config and `.gitattributes`.
const DRIVER: &str = "pi-plan";

/// Make git merge plan files field by field with `tpcli plan merge-file`.
///
/// Sets `merge.pi-plan.name` and `merge.pi-plan.driver` in the repository's config (not
/// shared by clones: every clone runs this once) and adds `PATTERN merge=pi-plan` to the
/// top-level `.gitattributes` (shared once committed). The driver runs `tpcli` by name when the
/// `tpcli` found on PATH is this program, else by this program's absolute path.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan install-merge-driver                       # the repository in the current folder
  tpcli plan install-merge-driver --repo ~/plans
  tpcli plan install-merge-driver --pattern 'plans/*.md'

Plan files are named {release}.{team}.md (pi-4-25.platform-eco.md); the default pattern
`pi-*.md` matches them in any folder and leaves README.md and other docs to git's line merge.

Exit codes: 0 installed (or already installed), 2 not a git repository or git failed.")]
pub struct InstallArgs {
    /// The repository (any folder inside its work tree). Default: the current folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    repo: PathBuf,
    /// `.gitattributes` patterns of the plan files (repeatable). Default: `pi-*.md`.
    #[arg(long, value_name = "GLOB")]
    pattern: Vec<String>,
    /// Print what was set up as JSON: {driver, added_attributes}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: InstallArgs) -> Result<u8> {
    let top = PathBuf::from(git(&args.repo, &["rev-parse", "--show-toplevel"])?);
    let command = format!("{} plan merge-file %O %A %B", tpcli_command()?);
    git(
        &top,
        &[
            "config",
            &format!("merge.{DRIVER}.name"),
            "PI plan field-level merge (tpcli)",
        ],
    )?;
    git(
        &top,
        &["config", &format!("merge.{DRIVER}.driver"), &command],
    )?;
    let patterns = if args.pattern.is_empty() {
        vec!["pi-*.md".to_owned()]
    } else {
        args.pattern
    };
    let added = add_attributes(&top.join(".gitattributes"), &patterns)?;
    if args.json {
        crate::output::print(&crate::output::views::MergeDriverView {
            driver: command,
            added_attributes: added,
        })?;
        return Ok(exit::OK);
    }
    println!("merge.{DRIVER}.driver = {command}");
    for line in &added {
        println!(".gitattributes: added `{line}`");
    }
    if added.is_empty() {
        println!(".gitattributes: already set up");
    }
    Ok(exit::OK)
}

/// Appends `PATTERN merge=pi-plan` for each pattern not already there; returns the lines added.
fn add_attributes(path: &Path, patterns: &[String]) -> Result<Vec<String>> {
    let mut text = if path.exists() {
        files::read_text(path)?
    } else {
        String::new()
    };
    let wanted: Vec<String> = patterns
        .iter()
        .map(|p| format!("{p} merge={DRIVER}"))
        .collect();
    let added: Vec<String> = wanted
        .into_iter()
        .filter(|w| !text.lines().any(|l| same_entry(l, w)))
        .collect();
    if added.is_empty() {
        return Ok(added);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for line in &added {
        text.push_str(line);
        text.push('\n');
    }
    files::write_atomic(path, &text)?;
    Ok(added)
}

/// The same pattern and attribute, whatever the spacing.
fn same_entry(line: &str, wanted: &str) -> bool {
    line.split_whitespace().eq(wanted.split_whitespace())
}

/// `tpcli` when that name on PATH is this program, else this program's absolute path (quoted
/// for the shell git runs the driver with).
fn tpcli_command() -> Result<String> {
    let me = std::env::current_exe().context("cannot find the running tpcli")?;
    let me = std::fs::canonicalize(&me).unwrap_or(me);
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("tpcli"))
            .find(|p| p.is_file())
    });
    if on_path.and_then(|p| std::fs::canonicalize(p).ok()) == Some(me.clone()) {
        return Ok("tpcli".to_owned());
    }
    let path = me.to_str().context("the tpcli path is not UTF-8")?;
    Ok(format!("'{}'", path.replace('\'', r"'\''")))
}

/// Runs `git -C dir args…` and returns its trimmed standard output.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_added_once_and_keep_existing_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".gitattributes");
        std::fs::write(&path, "*.png binary").unwrap();
        let patterns = vec!["pi-*.md".to_owned()];
        assert_eq!(
            add_attributes(&path, &patterns).unwrap(),
            vec!["pi-*.md merge=pi-plan"]
        );
        assert!(add_attributes(&path, &patterns).unwrap().is_empty());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "*.png binary\npi-*.md merge=pi-plan\n"
        );
        std::fs::write(&path, "pi-*.md   merge=pi-plan\n").unwrap();
        assert!(add_attributes(&path, &patterns).unwrap().is_empty());
    }
}
