//! A plan checked out in a repository: its branches, its file, its base and local versions.

use std::path::{Path, PathBuf};

use pi_git::{BranchNames, Oid, PlanRepo, TRACKING_PREFIX, WORKING_PREFIX};
use pi_model::Plan;

use std::time::Duration;

pub use crate::parsed::parse;

use crate::error::{EngineError, Result};
use crate::state::{self, Versions};

/// The last Targetprocess state seen: the tracking branch's plan and versions.
#[derive(Debug, Clone)]
pub struct Base {
    pub commit: Oid,
    pub plan: Plan,
    pub versions: Versions,
}

/// A plan repository with one plan's working branch checked out.
#[derive(Debug)]
pub struct Workspace {
    pub repo: PlanRepo,
    pub names: BranchNames,
    /// The plan versions this workspace has parsed (see `parsed`).
    parsed: crate::parsed::Parsed,
}

impl Workspace {
    /// The plan whose working branch is checked out in the repository at or above `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let repo = PlanRepo::discover(dir)?;
        let branch = repo.current_branch()?.unwrap_or_default();
        let names = names_of(&branch).ok_or_else(|| EngineError::NotAPlanBranch {
            plans: repo.branches(WORKING_PREFIX).unwrap_or_default(),
            branch: branch.clone(),
        })?;
        Ok(Self {
            repo,
            names,
            parsed: crate::parsed::Parsed::default(),
        })
    }

    /// Where this plan is, as a value another thread can open it from (`Workspace` is not
    /// `Sync`: its repository handle stays on one thread).
    pub(crate) fn place(&self) -> Place {
        Place {
            git_dir: self.repo.git_dir().to_path_buf(),
            names: self.names.clone(),
        }
    }

    pub fn plan_file(&self) -> String {
        self.names.plan_file()
    }

    pub fn plan_path(&self) -> Result<PathBuf> {
        let workdir = self.repo.workdir().ok_or(EngineError::NoWorkingTree)?;
        Ok(workdir.join(self.plan_file()))
    }

    /// `.git/pi-planner/<plan>/`: conflicts and journal, not shared.
    pub fn local_dir(&self) -> Result<PathBuf> {
        state::local_dir(self.repo.git_dir(), &self.names.plan_slug())
    }

    /// The plan file as it is on disk now.
    pub fn local_text(&self) -> Result<String> {
        let path = self.plan_path()?;
        std::fs::read_to_string(&path).map_err(|e| EngineError::PlanFile {
            path: path.display().to_string(),
            writing: false,
            source: e,
        })
    }

    /// The plan file on disk, parsed.
    pub fn local(&self) -> Result<Plan> {
        self.parse(&self.local_text()?)
    }

    /// `text`, a version of this plan's file, parsed (once while the workspace remembers it).
    pub fn parse(&self, text: &str) -> Result<Plan> {
        self.parsed.plan(&self.plan_file(), text)
    }

    /// The last Targetprocess state the plan took in: the tracking branch's newest snapshot that
    /// the working branch has merged (see `merged_snapshot`).
    pub fn base(&self) -> Result<Base> {
        let tracking = self.names.tracking();
        let commit = self.merged_snapshot(self.repo.resolve(&tracking)?)?;
        let file = self.plan_file();
        let text = self.read_at(commit, &file)?;
        let versions_path = state::versions_path(&self.names.plan_slug());
        let versions = match self.repo.read_file_at(commit, &versions_path)? {
            Some(bytes) => Versions::from_json(&versions_path, &String::from_utf8_lossy(&bytes))?,
            None => Versions::default(),
        };
        Ok(Base {
            commit,
            plan: self.parsed.plan(&format!("{tracking}:{file}"), &text)?,
            versions,
        })
    }

    /// The plan file as committed in `commit` (a version of the working or tracking branch).
    pub fn plan_at(&self, commit: Oid) -> Result<Plan> {
        let file = self.plan_file();
        let text = self.read_at(commit, &file)?;
        self.parsed.plan(&format!("{commit}:{file}"), &text)
    }

    /// The front matter (ART, release, team, site URLs) of [`Workspace::base`]'s snapshot, as a
    /// plan without entities. It reads even when the snapshot's body does not (as an earlier
    /// version could write), so a repair can still tell where the plan belongs.
    pub fn base_header(&self) -> Result<Plan> {
        let tracking = self.names.tracking();
        let commit = self.merged_snapshot(self.repo.resolve(&tracking)?)?;
        let file = self.plan_file();
        let text = self.read_at(commit, &file)?;
        pi_format::header(&text).map_err(|errors| EngineError::Parse {
            file: format!("{tracking}:{file}"),
            errors,
        })
    }

    /// The newest Targetprocess snapshot the working branch has merged: the tracking branch's
    /// tip, or — when a process stopped between committing a new snapshot and merging it into
    /// the plan — the snapshot before it. Comparing the plan with a snapshot it never took in
    /// would read Targetprocess's changes as the planner's (reverting them on the next push).
    fn merged_snapshot(&self, tip: Oid) -> Result<Oid> {
        let Some(working) = self.repo.branch_tip(&self.names.working())? else {
            return Ok(tip);
        };
        if self.repo.is_ancestor(tip, working)? {
            return Ok(tip);
        }
        Ok(self.repo.merge_base(tip, working)?.unwrap_or(tip))
    }

    fn read_at(&self, commit: Oid, path: &str) -> Result<String> {
        let bytes = self
            .repo
            .read_file_at(commit, path)?
            .ok_or_else(|| EngineError::History {
                file: path.to_owned(),
                commit: commit.to_string(),
                missing: true,
            })?;
        String::from_utf8(bytes).map_err(|_| EngineError::History {
            file: path.to_owned(),
            commit: commit.to_string(),
            missing: false,
        })
    }
}

/// The plan names of a working branch `pi/plan/<release>/<team>`.
fn names_of(branch: &str) -> Option<BranchNames> {
    let rest = branch.strip_prefix(WORKING_PREFIX)?.strip_prefix('/')?;
    let (release_slug, team_slug) = rest.split_once('/')?;
    (!release_slug.is_empty() && !team_slug.is_empty() && !team_slug.contains('/')).then(|| {
        BranchNames {
            release_slug: release_slug.to_owned(),
            team_slug: team_slug.to_owned(),
        }
    })
}

/// The tracking branch of every plan in the repository.
pub fn tracking_branches(repo: &PlanRepo) -> Result<Vec<String>> {
    Ok(repo.branches(TRACKING_PREFIX)?)
}

/// How long a second process waits for the repository lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The TP ids of the plan's release and team (in the front matter since init).
pub(crate) fn plan_ids(plan: &Plan) -> Result<(i64, i64)> {
    match (plan.release.id, plan.team.id) {
        (Some(r), Some(t)) => Ok((r, t)),
        _ => Err(EngineError::NoTargetprocessIds),
    }
}

/// A plan's repository and branches, to open it again on another thread ([`Workspace::place`]).
#[derive(Debug, Clone)]
pub(crate) struct Place {
    git_dir: PathBuf,
    names: BranchNames,
}

impl Place {
    pub(crate) fn plan_file(&self) -> String {
        self.names.plan_file()
    }

    /// The same plan, with a repository handle of its own.
    pub(crate) fn open(&self) -> Result<Workspace> {
        Ok(Workspace {
            repo: PlanRepo::open(&self.git_dir)?,
            names: self.names.clone(),
            parsed: crate::parsed::Parsed::default(),
        })
    }
}
