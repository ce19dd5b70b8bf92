//! Ancestry questions and fast-forwards, for integrating a teammate's branches after a fetch.

use git2::Oid;

use crate::{GitError, PlanRepo, Result};

impl PlanRepo {
    /// The best common ancestor of two commits, `None` when they share no history.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Option<Oid>> {
        match self.repo.merge_base(a, b) {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> Result<bool> {
        Ok(ancestor == descendant || self.repo.graph_descendant_of(descendant, ancestor)?)
    }

    /// Moves branch `branch` (created if missing) forward to `target`, which must descend from
    /// its tip. Refuses a branch that is checked out: its working tree would be left behind.
    pub fn fast_forward(&self, branch: &str, target: Oid) -> Result<()> {
        crate::repo::check_branch_name(branch)?;
        if self.current_branch()?.as_deref() == Some(branch) {
            return Err(GitError::InvalidRefName {
                name: format!("{branch} (checked out; merge into it instead)"),
            });
        }
        let refname = format!("refs/heads/{branch}");
        let tip = self.branch_tip(branch)?;
        if let Some(tip) = tip
            && !self.is_ancestor(tip, target)?
        {
            return Err(GitError::RefMoved { name: refname });
        }
        self.cas_ref(&refname, target, tip, "fast-forward")
    }
}
