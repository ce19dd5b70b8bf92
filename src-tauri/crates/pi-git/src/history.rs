//! History of one file: the commits that changed it, newest first, with attribution.
//!
//! A commit "changed" the path when the path's blob differs from the blob in every parent (a
//! root commit changed it when it contains the path). All parents are walked, so changes made on
//! a merged branch (e.g. Targetprocess updates on the tracking branch) are listed too. Each
//! commit's blob id is looked up once and reused for its children, so the walk is linear in the
//! number of commits. Rename tracking is deliberately not attempted.

use std::collections::HashMap;

use git2::{Commit, Oid, Sort};

use crate::tree::blob_id;
use crate::{CommitMessage, Identity, PlanRepo, Result, Trailers, When};

/// One commit as the engine and UI see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: Oid,
    pub parents: Vec<Oid>,
    pub author: Identity,
    pub author_time: When,
    pub committer: Identity,
    pub commit_time: When,
    pub subject: String,
    pub trailers: Trailers,
}

impl CommitInfo {
    pub(crate) fn from_commit(commit: &Commit<'_>) -> Self {
        let (author, committer) = (commit.author(), commit.committer());
        let message = CommitMessage::parse(&String::from_utf8_lossy(commit.message_bytes()));
        CommitInfo {
            id: commit.id(),
            parents: commit.parent_ids().collect(),
            author: identity(&author),
            author_time: When::from_git(author.when()),
            committer: identity(&committer),
            commit_time: When::from_git(committer.when()),
            subject: message.subject,
            trailers: message.trailers,
        }
    }
}

fn identity(sig: &git2::Signature<'_>) -> Identity {
    Identity::new(
        String::from_utf8_lossy(sig.name_bytes()),
        String::from_utf8_lossy(sig.email_bytes()),
    )
}

impl PlanRepo {
    /// Commit details of one revision.
    pub fn commit_info(&self, rev: &str) -> Result<CommitInfo> {
        let commit = self.repo.find_commit(self.resolve(rev)?)?;
        Ok(CommitInfo::from_commit(&commit))
    }

    /// Commits reachable from `rev` that changed `path`, newest first, at most `limit`.
    pub fn history(&self, rev: &str, path: &str, limit: Option<usize>) -> Result<Vec<CommitInfo>> {
        let start = self.resolve(rev)?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        walk.push(start)?;
        let mut blobs: HashMap<Oid, Option<Oid>> = HashMap::new();
        let mut out = Vec::new();
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            if self.changed_path(&commit, path, &mut blobs)? {
                out.push(CommitInfo::from_commit(&commit));
                if limit.is_some_and(|n| out.len() >= n) {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn changed_path(
        &self,
        commit: &Commit<'_>,
        path: &str,
        blobs: &mut HashMap<Oid, Option<Oid>>,
    ) -> Result<bool> {
        let own = self.cached_blob(commit.id(), path, blobs)?;
        if commit.parent_count() == 0 {
            return Ok(own.is_some());
        }
        for parent in commit.parent_ids() {
            if self.cached_blob(parent, path, blobs)? == own {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn cached_blob(
        &self,
        commit: Oid,
        path: &str,
        blobs: &mut HashMap<Oid, Option<Oid>>,
    ) -> Result<Option<Oid>> {
        if let Some(found) = blobs.get(&commit) {
            return Ok(*found);
        }
        let tree = self.repo.find_commit(commit)?.tree()?;
        let found = blob_id(&tree, path)?;
        blobs.insert(commit, found);
        Ok(found)
    }
}
