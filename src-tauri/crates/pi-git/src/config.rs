//! Named questions about a repository that the engine asks instead of reaching into libgit2:
//! its git configuration (signing set-up), whether a remote is configured, whether a file has
//! uncommitted changes, and which commits one revision has that another lacks.
//!
//! It deliberately offers no general access to the libgit2 repository: every use is a method
//! with a name saying what it asks.

use git2::{ErrorCode, Oid};

use crate::history::CommitInfo;
use crate::{PlanRepo, Result};

impl PlanRepo {
    /// The value of git configuration `key` (e.g. `user.signingkey`) as git sees it for this
    /// repository (its own settings over the user's global ones); `None` when it is not set.
    pub fn config_string(&self, key: &str) -> Result<Option<String>> {
        let config = self.repo.config()?;
        match config.get_string(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The boolean git configuration `key` (e.g. `commit.gpgsign`); `None` when it is not set.
    pub fn config_bool(&self, key: &str) -> Result<Option<bool>> {
        let config = self.repo.config()?;
        match config.get_bool(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Sets `key` to `value` in this repository's own configuration (`.git/config`), as
    /// `git config key value` does.
    pub fn set_config(&self, key: &str, value: &str) -> Result<()> {
        let config = self.repo.config()?;
        let mut local = config.open_level(git2::ConfigLevel::Local)?;
        local.set_str(key, value)?;
        Ok(())
    }

    /// Whether a remote named `name` is configured.
    pub fn has_remote(&self, name: &str) -> bool {
        self.repo.find_remote(name).is_ok()
    }

    /// Removes the remote `name` and its remote-tracking refs. Fails with `NotFound` when there
    /// is no such remote.
    pub fn remove_remote(&self, name: &str) -> Result<()> {
        match self.repo.remote_delete(name) {
            Ok(()) => Ok(()),
            Err(e) if e.code() == ErrorCode::NotFound => Err(crate::GitError::NotFound {
                rev: format!("remote {name}"),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `path` (relative to the working tree) differs from the checked-out commit, in
    /// the index or the working tree (an untracked file counts), by content: a save that keeps
    /// the file's size and timestamp is seen too.
    pub fn has_uncommitted(&self, path: &str) -> Result<bool> {
        Ok(self.worktree_file(path)?.uncommitted)
    }

    /// The commits reachable from `tip` that `hide` does not reach (`git log hide..tip`),
    /// newest first.
    pub fn commits_between(&self, hide: Oid, tip: Oid) -> Result<Vec<CommitInfo>> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        walk.push(tip)?;
        walk.hide(hide)?;
        let mut out = Vec::new();
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            out.push(CommitInfo::from_commit(&commit));
        }
        Ok(out)
    }
}
