//! Opening a plan repository and reading from it: revisions, files at a revision, branches.
//!
//! `PlanRepo` wraps one `git2::Repository`. It never changes files it did not write: opening or
//! initialising leaves existing branches, files and history as they are.

use std::path::{Path, PathBuf};

use git2::{BranchType, ErrorCode, Oid, Repository, RepositoryInitOptions};

use crate::{GitError, Result};

/// Name of the first branch in a repository created by [`PlanRepo::init`].
pub const INITIAL_BRANCH: &str = "main";

/// A git repository holding plan files.
pub struct PlanRepo {
    pub(crate) repo: Repository,
    /// The last file content whose blob id is known, so the content checks before and during a
    /// commit hash a large plan file at most once (see `worktree`).
    pub(crate) known_blob: crate::worktree::KnownBlob,
}

impl std::fmt::Debug for PlanRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanRepo")
            .field("git_dir", &self.repo.path())
            .finish()
    }
}

impl PlanRepo {
    fn wrap(repo: Repository) -> Self {
        PlanRepo {
            repo,
            known_blob: Default::default(),
        }
    }

    /// Opens the repository whose working tree (or bare directory) is exactly `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        Repository::open(dir)
            .map(PlanRepo::wrap)
            .map_err(|e| not_a_repo(dir, e))
    }

    /// Opens the repository containing `dir`, searching parent folders.
    pub fn discover(dir: &Path) -> Result<Self> {
        Repository::discover(dir)
            .map(PlanRepo::wrap)
            .map_err(|e| not_a_repo(dir, e))
    }

    /// Opens `dir` if it already is a repository, otherwise creates one there (creating the
    /// folder if needed). Existing files are never touched; a new repository starts on an unborn
    /// [`INITIAL_BRANCH`].
    pub fn init(dir: &Path) -> Result<Self> {
        match Repository::open(dir) {
            Ok(repo) => return Ok(PlanRepo::wrap(repo)),
            Err(e) if e.code() == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head(INITIAL_BRANCH).mkpath(true);
        Ok(PlanRepo::wrap(Repository::init_opts(dir, &opts)?))
    }

    /// Creates a bare repository (a shared remote).
    pub fn init_bare(dir: &Path) -> Result<Self> {
        let mut opts = RepositoryInitOptions::new();
        opts.bare(true).initial_head(INITIAL_BRANCH).mkpath(true);
        Ok(PlanRepo::wrap(Repository::init_opts(dir, &opts)?))
    }

    /// The `.git` directory (or the bare repository itself).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The working tree, `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    pub(crate) fn require_workdir(&self) -> Result<PathBuf> {
        self.repo
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| GitError::Bare {
                path: self.repo.path().to_path_buf(),
            })
    }

    /// Resolves a revision (branch, remote branch, tag, full ref, commit id, `HEAD~2`, ...) to a
    /// commit id.
    pub fn resolve(&self, rev: &str) -> Result<Oid> {
        let obj = self
            .repo
            .revparse_single(rev)
            .map_err(|e| not_found(rev, e))?;
        let commit = obj.peel_to_commit().map_err(|e| not_found(rev, e))?;
        Ok(commit.id())
    }

    /// Resolves a revision, `None` when it does not exist.
    pub fn try_resolve(&self, rev: &str) -> Result<Option<Oid>> {
        match self.resolve(rev) {
            Ok(id) => Ok(Some(id)),
            Err(GitError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Content of `path` at `rev`; `None` when the revision exists but has no such file.
    pub fn read_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let id = self.resolve(rev)?;
        self.read_file_at(id, path)
    }

    /// Content of `path` in commit `id`; `None` when the commit has no such file.
    pub fn read_file_at(&self, id: Oid, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.repo.find_commit(id)?.tree()?;
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match entry.to_object(&self.repo)?.into_blob() {
            Ok(blob) => Ok(Some(blob.content().to_vec())),
            Err(_) => Ok(None),
        }
    }

    /// Tip of a local branch (short name), `None` if it does not exist.
    pub fn branch_tip(&self, branch: &str) -> Result<Option<Oid>> {
        match self.repo.find_branch(branch, BranchType::Local) {
            Ok(b) => Ok(b.get().target()),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Short name of the checked-out branch (also when it has no commit yet); `None` when HEAD is
    /// detached or the repository is bare.
    pub fn current_branch(&self) -> Result<Option<String>> {
        if self.repo.is_bare() {
            return Ok(None);
        }
        let head = self.repo.find_reference("HEAD")?;
        Ok(head
            .symbolic_target()?
            .and_then(|t| t.strip_prefix("refs/heads/"))
            .map(str::to_owned))
    }

    /// Creates branch `name` at `start` (any revision). Fails with `AlreadyExists` if present.
    pub fn create_branch(&self, name: &str, start: &str) -> Result<Oid> {
        check_branch_name(name)?;
        let commit = self.repo.find_commit(self.resolve(start)?)?;
        // Matched against the zero id under the ref's lock, so of two processes creating the
        // same branch at once exactly one wins (see `cas_ref`).
        let refname = format!("refs/heads/{name}");
        let log = format!("branch: Created from {start}");
        match self
            .repo
            .reference_matching(&refname, commit.id(), true, Oid::ZERO_SHA1, &log)
        {
            Ok(_) => Ok(commit.id()),
            Err(e) if matches!(e.code(), ErrorCode::Exists | ErrorCode::Modified) => {
                Err(GitError::AlreadyExists { name: refname })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Checks out local branch `name` (safe mode: fails with `DirtyWorktree` instead of
    /// overwriting uncommitted changes; untracked files are left alone).
    pub fn checkout_branch(&self, name: &str) -> Result<()> {
        self.require_workdir()?;
        let refname = format!("refs/heads/{name}");
        let tip = self.branch_tip(name)?.ok_or_else(|| GitError::NotFound {
            rev: refname.clone(),
        })?;
        let tree = self.repo.find_commit(tip)?.tree()?;
        self.ensure_checkout_keeps_edits(&tree)?;
        let mut conflict: Option<String> = None;
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.safe()
            .notify_on(git2::CheckoutNotificationType::CONFLICT)
            .notify(|_, path, _, _, _| {
                conflict = path.map(|p| p.to_string_lossy().into_owned());
                true
            });
        match self.repo.checkout_tree(tree.as_object(), Some(&mut opts)) {
            Ok(()) => {}
            Err(e) if e.code() == ErrorCode::Conflict => {
                drop(opts);
                return Err(GitError::DirtyWorktree {
                    path: conflict.unwrap_or_default(),
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.repo.set_head(&refname)?;
        Ok(())
    }

    /// Fails with `DirtyWorktree` when a file the checkout of `tree` would write holds
    /// uncommitted content, decided by content (libgit2's safe checkout trusts the index's stat
    /// cache, which a same-size save in the same timestamp tick passes).
    fn ensure_checkout_keeps_edits(&self, tree: &git2::Tree<'_>) -> Result<()> {
        let head = match self.repo.head() {
            Ok(head) => Some(head.peel_to_tree()?),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let diff = self
            .repo
            .diff_tree_to_tree(head.as_ref(), Some(tree), None)?;
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path().or(delta.old_file().path()) else {
                continue;
            };
            let path = path.to_string_lossy().replace('\\', "/");
            let file = self.worktree_file(&path)?;
            let target = delta.new_file();
            let wanted = if target.exists() {
                Some(self.repo.find_blob(target.id())?.content().to_vec())
            } else {
                None
            };
            if file.uncommitted && file.on_disk != wanted {
                return Err(GitError::DirtyWorktree { path });
            }
        }
        Ok(())
    }

    /// Local branches under a prefix (e.g. `pi/plan/`), sorted.
    pub fn branches(&self, prefix: &str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for branch in self.repo.branches(Some(BranchType::Local))? {
            let (branch, _) = branch?;
            if let Some(name) = branch.name()?
                && name.starts_with(prefix)
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Commits `a` has that `b` lacks, and the reverse: `(ahead, behind)` of `a` relative to `b`.
    pub fn ahead_behind(&self, a: &str, b: &str) -> Result<(usize, usize)> {
        let (a, b) = (self.resolve(a)?, self.resolve(b)?);
        Ok(self.repo.graph_ahead_behind(a, b)?)
    }
}

pub(crate) fn check_branch_name(name: &str) -> Result<()> {
    if git2::Branch::name_is_valid(name)? {
        Ok(())
    } else {
        Err(GitError::InvalidRefName {
            name: name.to_owned(),
        })
    }
}

fn not_a_repo(dir: &Path, e: git2::Error) -> GitError {
    if e.code() == ErrorCode::NotFound {
        GitError::NotARepo {
            path: dir.to_path_buf(),
        }
    } else {
        GitError::Git(e)
    }
}

pub(crate) fn not_found(rev: &str, e: git2::Error) -> GitError {
    match e.code() {
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::Ambiguous | ErrorCode::Peel => {
            GitError::NotFound {
                rev: rev.to_owned(),
            }
        }
        _ => GitError::Git(e),
    }
}
