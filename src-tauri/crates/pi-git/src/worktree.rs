//! Whether a working-tree file holds something the checked-out commit does not, decided by its
//! content.
//!
//! libgit2's status and safe checkout trust the index's stat cache: a save of the same size in
//! the same timestamp tick as the last write (git's "racily clean" entry) can look unchanged, and
//! a write trusting that would go over the save. Here the file is read and hashed as
//! `git hash-object` would (its bytes, no filters) and compared with the committed blob and the
//! index entry. One file is read each time, so it stays cheap; and the last content whose blob id
//! is known (hashed here, or just written by a commit) is remembered, so a large plan file is not
//! hashed again when the bytes on disk are still exactly those.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use git2::{ErrorCode, ObjectType, Oid};

use crate::tree::{blob_id, path_components};
use crate::{GitError, PlanRepo, Result};

/// A working-tree file against the checked-out commit.
pub(crate) struct WorktreeFile {
    /// Its bytes, `None` when there is no such file.
    pub on_disk: Option<Vec<u8>>,
    /// Whether the file or its index entry differs from the checked-out commit (a file the
    /// commit lacks counts, unless git ignores it; a committed file that is gone counts).
    pub uncommitted: bool,
}

impl PlanRepo {
    /// Reads `path` (repository-relative, `/`-separated) and compares it with the checked-out
    /// commit by content.
    pub(crate) fn worktree_file(&self, path: &str) -> Result<WorktreeFile> {
        path_components(path)?;
        let full = self.require_workdir()?.join(path);
        let on_disk = match std::fs::read(&full) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(GitError::io(full, e)),
        };
        let committed = match self.repo.head() {
            Ok(head) => blob_id(&head.peel_to_tree()?, path)?,
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let mut index = self.repo.index()?;
        index.read(false)?;
        let staged = index.get_path(Path::new(path), 0).map(|entry| entry.id);
        let conflicted = (1..=3).any(|stage| index.get_path(Path::new(path), stage).is_some());
        let uncommitted = conflicted
            || staged != committed
            || match (&on_disk, committed) {
                (None, None) => false,
                (None, Some(_)) => true,
                (Some(_), None) => !self.repo.status_should_ignore(Path::new(path))?,
                (Some(bytes), Some(id)) => !self.known_blob.is(bytes, id)?,
            };
        Ok(WorktreeFile {
            on_disk,
            uncommitted,
        })
    }
}

/// One content and its blob id. Bytes determine their id, so what is remembered never goes
/// stale: a file changed since reads as other bytes and is hashed afresh.
#[derive(Default)]
pub(crate) struct KnownBlob(Mutex<Option<(Oid, Vec<u8>)>>);

impl KnownBlob {
    /// Whether `bytes` are the blob `id`, hashing them only when they are not the remembered
    /// content.
    fn is(&self, bytes: &[u8], id: Oid) -> Result<bool> {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((known_id, content)) = known.as_ref()
            && content.as_slice() == bytes
        {
            return Ok(*known_id == id);
        }
        let hashed = Oid::hash_object(ObjectType::Blob, bytes)?;
        *known = Some((hashed, bytes.to_vec()));
        Ok(hashed == id)
    }

    /// Remembers that `bytes` are the blob `id` (a commit just wrote them).
    pub(crate) fn remember(&self, id: Oid, bytes: &[u8]) {
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match known.as_mut() {
            Some((known_id, content)) => {
                *known_id = id;
                content.clear();
                content.extend_from_slice(bytes);
            }
            None => *known = Some((id, bytes.to_vec())),
        }
    }
}
