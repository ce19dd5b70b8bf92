//! File helpers shared by subcommands: reading plan files and the repo config, atomic writes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use pi_model::{CONFIG_FILE_NAME, RepoConfig};

/// Reads a file as UTF-8, naming the file in the error.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {offset})",
            path.display()
        )
    })
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the target. A crash leaves either the old file or the new one, never half.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents.as_ref())?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// The repo config for a plan file: `explicit` if given, else the nearest `pi-planner.toml` in
/// the plan's folder or above it, up to the git repository root. No file means the defaults.
pub fn load_config(
    plan_file: &Path,
    explicit: Option<&Path>,
) -> Result<(RepoConfig, Option<PathBuf>)> {
    let found = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_config(plan_file),
    };
    let Some(path) = found else {
        return Ok((RepoConfig::default(), None));
    };
    let text = read_text(&path)?;
    match RepoConfig::from_toml_str(&text) {
        Ok(config) => Ok((config, Some(path))),
        Err(e) => bail!("{}:{e}", path.display()),
    }
}

fn find_config(plan_file: &Path) -> Option<PathBuf> {
    let start = fs::canonicalize(plan_file).ok()?;
    let mut dir = start.parent();
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.md");
        fs::write(&p, "old").unwrap();
        write_atomic(&p, "new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn config_is_found_up_to_the_repo_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let sub = repo.join("plans");
        fs::create_dir_all(&sub).unwrap();
        fs::create_dir(repo.join(".git")).unwrap();
        // A config above the repo root must not be used.
        fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "[validation]\nowner_required_on_committed = \"error\"\n",
        )
        .unwrap();
        let plan = sub.join("p.md");
        fs::write(&plan, "").unwrap();
        let (config, path) = load_config(&plan, None).unwrap();
        assert_eq!(path, None);
        assert_eq!(config, RepoConfig::default());

        fs::write(
            repo.join(CONFIG_FILE_NAME),
            "[validation]\nmax_objectives_per_team = { max = 3 }\n",
        )
        .unwrap();
        let (config, path) = load_config(&plan, None).unwrap();
        assert!(path.unwrap().ends_with(CONFIG_FILE_NAME));
        assert_eq!(config.validation.max_objectives_per_team.unwrap().max, 3);
    }

    #[test]
    fn broken_config_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(CONFIG_FILE_NAME);
        fs::write(&cfg, "[validation]\nbogus = 1\n").unwrap();
        let err = load_config(&dir.path().join("p.md"), Some(&cfg))
            .unwrap_err()
            .to_string();
        assert!(err.contains("pi-planner.toml:2:1:"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }
}
