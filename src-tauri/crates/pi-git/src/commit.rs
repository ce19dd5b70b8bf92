//! Writing plan commits: one file onto a branch, and two-parent merge commits.
//!
//! A branch that is not checked out is updated purely in the object database (tree built in
//! memory from the branch tip plus one blob), so the planner's working tree and index stay as
//! they are. The checked-out branch is updated together with the working-tree file and its index
//! entry, and uncommitted edits to that file are never overwritten. Every branch update is a
//! compare-and-swap on the tip that was read. Merging file contents is not done here: the caller
//! passes the already merged content.

use std::path::Path;

use git2::{Commit, ErrorCode, Oid};

use crate::tree::{blob_id, path_components, with_blob};
use crate::{CommitMessage, GitError, PlanRepo, Result, Stamp};

/// One file to write in a commit.
#[derive(Debug, Clone)]
pub struct FileChange<'a> {
    /// Repository-relative path, `/`-separated, e.g. `pi-4-25.platform-eco.md`.
    pub path: &'a str,
    pub content: &'a [u8],
    pub message: &'a CommitMessage,
}

impl PlanRepo {
    /// Commits `change` onto local branch `branch` (created as a root commit if missing).
    ///
    /// If `branch` is checked out, the working-tree file and index are updated too; otherwise
    /// they are not touched. Returns the new tip, or the unchanged tip when the file already has
    /// this content (no empty commit is made).
    #[tracing::instrument(level = "debug", skip_all, fields(branch = branch))]
    pub fn commit_file(&self, branch: &str, change: &FileChange<'_>, stamp: &Stamp) -> Result<Oid> {
        self.commit_files(
            branch,
            &[(change.path, change.content)],
            change.message,
            stamp,
        )
    }

    /// Commits several files at once onto `branch`, like [`PlanRepo::commit_file`]: one commit,
    /// no commit when every file already has its content, worktree touched only when checked out.
    pub fn commit_files(
        &self,
        branch: &str,
        files: &[(&str, &[u8])],
        message: &CommitMessage,
        stamp: &Stamp,
    ) -> Result<Oid> {
        crate::repo::check_branch_name(branch)?;
        let checked_out = self.current_branch()?.as_deref() == Some(branch);
        if checked_out {
            for (path, content) in files {
                self.ensure_not_dirty(path, content)?;
            }
        }
        let tip = self.branch_tip(branch)?;
        let parent = tip.map(|id| self.repo.find_commit(id)).transpose()?;
        let mut tree = parent.as_ref().map(Commit::tree).transpose()?;
        let mut changed = parent.is_none();
        for (path, content) in files {
            let components = path_components(path)?;
            let blob = self.repo.blob(content)?;
            if let Some(t) = &tree
                && blob_id(t, path)? == Some(blob)
            {
                continue;
            }
            changed = true;
            let id = with_blob(&self.repo, tree.as_ref(), &components, blob)?;
            tree = Some(self.repo.find_tree(id)?);
        }
        if let (false, Some(parent)) = (changed, &parent) {
            return Ok(parent.id());
        }
        let tree_id = match &tree {
            Some(t) => t.id(),
            None => self.repo.treebuilder(None)?.write()?,
        };
        let parents: Vec<&Commit<'_>> = parent.iter().collect();
        let worktree: &[(&str, &[u8])] = if checked_out { files } else { &[] };
        self.write_commit(branch, tip, tree_id, &parents, message, stamp, worktree)
    }

    /// Creates a merge commit on `branch` with parents (tip of `branch`, `other`) whose tree is
    /// the tip's tree with `change.path` set to the merged content. Updates the working tree and
    /// index when `branch` is checked out.
    #[tracing::instrument(level = "debug", skip_all, fields(branch = branch, other = other))]
    pub fn merge_commit(
        &self,
        branch: &str,
        other: &str,
        change: &FileChange<'_>,
        stamp: &Stamp,
    ) -> Result<Oid> {
        crate::repo::check_branch_name(branch)?;
        let components = path_components(change.path)?;
        let checked_out = self.current_branch()?.as_deref() == Some(branch);
        if checked_out {
            self.ensure_not_dirty(change.path, change.content)?;
        }
        let tip = self.branch_tip(branch)?.ok_or_else(|| GitError::NotFound {
            rev: format!("refs/heads/{branch}"),
        })?;
        let ours = self.repo.find_commit(tip)?;
        let theirs = self.repo.find_commit(self.resolve(other)?)?;
        let blob = self.repo.blob(change.content)?;
        let tree_id = with_blob(&self.repo, Some(&ours.tree()?), &components, blob)?;
        let file = [(change.path, change.content)];
        let worktree: &[(&str, &[u8])] = if checked_out { &file } else { &[] };
        self.write_commit(
            branch,
            Some(tip),
            tree_id,
            &[&ours, &theirs],
            change.message,
            stamp,
            worktree,
        )
    }

    /// Writes the commit and moves `branch` to it. For a checked-out branch, `worktree` holds the
    /// files whose new content goes into the working tree: each is written (beside its place,
    /// then renamed over it) *before* the branch moves, so a process stopped in between leaves
    /// the file ahead of the branch — the next operation commits it as it is — and never a
    /// branch ahead of a stale file, which the next operation would take for edits undoing the
    /// commit. The index follows the branch.
    #[allow(clippy::too_many_arguments)]
    fn write_commit(
        &self,
        branch: &str,
        expected_tip: Option<Oid>,
        tree_id: Oid,
        parents: &[&Commit<'_>],
        message: &CommitMessage,
        stamp: &Stamp,
        worktree: &[(&str, &[u8])],
    ) -> Result<Oid> {
        let tree = self.repo.find_tree(tree_id)?;
        let (author, committer) = (stamp.author_sig()?, stamp.committer_sig()?);
        let id = self
            .repo
            .commit(None, &author, &committer, &message.render(), &tree, parents)?;
        for (path, content) in worktree {
            // Again just before the write: a save made while the commit was built is kept.
            self.ensure_not_dirty(path, content)?;
            self.write_worktree_file(path, content)?;
            if let Some(blob) = blob_id(&tree, path)? {
                self.known_blob.remember(blob, content);
            }
        }
        let refname = format!("refs/heads/{branch}");
        if let Err(e) = self.cas_ref(&refname, id, expected_tip, &message.subject) {
            // The branch did not move: put back what it holds (best effort; the error says why).
            if let Some(old) = parents.first() {
                let old_tree = old.tree()?;
                for (path, content) in worktree {
                    // Only a file that still holds what was written here: a save since stays.
                    let ours = std::fs::read(self.require_workdir()?.join(path));
                    if ours.ok().as_deref() != Some(*content) {
                        continue;
                    }
                    if let Some(blob) = blob_id(&old_tree, path)? {
                        let content = self.repo.find_blob(blob)?.content().to_vec();
                        let _ = self.write_worktree_file(path, &content);
                    }
                }
            }
            return Err(e);
        }
        if !worktree.is_empty() {
            let mut index = self.repo.index()?;
            for (path, _) in worktree {
                index.add_path(Path::new(path))?;
            }
            index.write()?;
        }
        Ok(id)
    }

    /// Moves `refname` to `new` only if it still points at `expected` (`None`: must not exist).
    pub(crate) fn cas_ref(
        &self,
        refname: &str,
        new: Oid,
        expected: Option<Oid>,
        log: &str,
    ) -> Result<()> {
        // A ref that must not exist yet is matched against the zero id, which libgit2 compares
        // under the ref's lock. Creating it with `force = false` instead checks for it before
        // taking the lock, so two creators racing could both succeed and the second would
        // silently replace the first's commit.
        let old = expected.unwrap_or(Oid::ZERO_SHA1);
        let result = self.repo.reference_matching(refname, new, true, old, log);
        match result {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => {
                Err(GitError::RefMoved {
                    name: refname.to_owned(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Fails with `DirtyWorktree` when `path` has uncommitted changes (in the working tree or
    /// the index) that differ from `incoming`. Committing exactly what is on disk is allowed.
    /// Decided by the file's content, never by its size and timestamp alone (see `worktree`).
    pub fn ensure_not_dirty(&self, path: &str, incoming: &[u8]) -> Result<()> {
        let file = self.worktree_file(path)?;
        // What is on disk is the planner's latest intent; committing exactly that is fine.
        if !file.uncommitted || file.on_disk.as_deref() == Some(incoming) {
            return Ok(());
        }
        Err(GitError::DirtyWorktree {
            path: path.to_owned(),
        })
    }

    /// Writes `content` to the working-tree file (the caller stages it). It is written next to its
    /// place and renamed over it, so a process killed half-way leaves the old file or the new
    /// one, never one cut short.
    fn write_worktree_file(&self, path: &str, content: &[u8]) -> Result<()> {
        let full = self.require_workdir()?.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| GitError::io(dir, e))?;
        }
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = full.with_file_name(format!(".{name}.writing"));
        std::fs::write(&tmp, content).map_err(|e| GitError::io(&tmp, e))?;
        std::fs::rename(&tmp, &full).map_err(|e| GitError::io(&full, e))?;
        Ok(())
    }
}
