//! Baselines: annotated tags `refs/tags/pi/baseline/<name>` marking a plan state (e.g. the plan
//! as committed at PI planning). Created once, never moved.

use git2::{ErrorCode, Oid};

use crate::names::baseline_ref;
use crate::{GitError, PlanRepo, Result, Stamp, When};

/// One baseline tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub name: String,
    /// The tagged commit.
    pub target: Oid,
    pub message: String,
    /// Tagger time, `None` for a lightweight tag made by other tools.
    pub when: Option<When>,
}

impl PlanRepo {
    /// Tags `rev` as baseline `name`. Fails with `AlreadyExists` if the baseline exists.
    pub fn create_baseline(
        &self,
        name: &str,
        rev: &str,
        message: &str,
        stamp: &Stamp,
    ) -> Result<Oid> {
        let full = baseline_ref(name);
        if !git2::Reference::is_valid_name(&full) {
            return Err(GitError::InvalidRefName { name: full });
        }
        let target = self.repo.find_object(self.resolve(rev)?, None)?;
        let tag_name = full.trim_start_matches("refs/tags/");
        match self
            .repo
            .tag(tag_name, &target, &stamp.committer_sig()?, message, false)
        {
            Ok(id) => Ok(id),
            Err(e) if e.code() == ErrorCode::Exists => Err(GitError::AlreadyExists { name: full }),
            Err(e) => Err(e.into()),
        }
    }

    /// All baselines, sorted by name.
    pub fn baselines(&self) -> Result<Vec<Baseline>> {
        let prefix = baseline_ref("");
        let mut out = Vec::new();
        for reference in self.repo.references_glob(&format!("{prefix}*"))? {
            let reference = reference?;
            let Ok(full) = reference.name() else { continue };
            let name = full.trim_start_matches(&prefix).to_owned();
            let target = reference.peel_to_commit()?.id();
            let (message, when) = match reference.peel_to_tag() {
                Ok(tag) => (
                    String::from_utf8_lossy(tag.message_bytes().unwrap_or_default())
                        .trim_end()
                        .to_owned(),
                    tag.tagger().map(|t| When::from_git(t.when())),
                ),
                Err(_) => (String::new(), None),
            };
            out.push(Baseline {
                name,
                target,
                message,
                when,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
