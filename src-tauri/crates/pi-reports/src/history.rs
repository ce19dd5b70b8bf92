//! Plan versions and their history: load the plan at any revision (a git revision of the working
//! or tracking branch, the file on disk, the tracking branch, a baseline), compare two versions
//! semantically, and list every commit in which the plan — or one objective or feature —
//! changed, attributed to the person, the Targetprocess users or the unattended sync behind it.
//!
//! It deliberately writes nothing and renders nothing: the results are serialisable data for the
//! CLI and the app (see `report` for text, markdown and HTML).

mod attribution;
mod focus;
mod walk;

use pi_git::Oid;
use pi_model::Plan;
use pi_model::diff::{PlanDiff, diff};
use serde::{Deserialize, Serialize};

use pi_engine::error::{EngineError, Result};
use pi_engine::workspace::{self, Workspace};

pub use attribution::{CommitRef, actor_of, rfc3339};
pub use focus::Focus;
pub use walk::{VersionChange, changes, objective_history};

/// A plan version, as named on the command line or in the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Rev {
    /// The plan file on disk, with edits not committed yet.
    Working,
    /// The tracking branch: the last Targetprocess state pulled.
    Tracking,
    /// A baseline tag (`refs/tags/pi/baseline/<name>`).
    Baseline(String),
    /// Any git revision: commit id, branch, `HEAD~2`, ...; a baseline name when no revision has it.
    Git(String),
}

impl Rev {
    /// `working`, `tp`/`tracking`, `baseline:NAME`, else a git revision (or baseline name).
    pub fn parse(s: &str) -> Rev {
        match s {
            "working" => Rev::Working,
            "tp" | "tracking" => Rev::Tracking,
            _ => match s.strip_prefix("baseline:") {
                Some(name) => Rev::Baseline(name.to_owned()),
                None => Rev::Git(s.to_owned()),
            },
        }
    }
}

impl std::fmt::Display for Rev {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rev::Working => f.write_str("working"),
            Rev::Tracking => f.write_str("tp"),
            Rev::Baseline(name) => write!(f, "baseline:{name}"),
            Rev::Git(rev) => f.write_str(rev),
        }
    }
}

/// Which version a plan was loaded from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionInfo {
    pub rev: Rev,
    /// In planner words: `the plan file on disk`, `Targetprocess (last pull)`, `baseline X`, ...
    pub label: String,
    /// The commit, `None` for the file on disk.
    pub commit: Option<CommitRef>,
}

/// The plan at `rev`, with where it came from.
pub fn load(ws: &Workspace, rev: &Rev) -> Result<(VersionInfo, Plan)> {
    let (label, commit) = match rev {
        Rev::Working => {
            let info = VersionInfo {
                rev: rev.clone(),
                label: "the plan file on disk".to_owned(),
                commit: None,
            };
            return Ok((info, ws.local()?));
        }
        Rev::Tracking => (
            "Targetprocess (last pull)".to_owned(),
            ws.repo.resolve(&ws.names.tracking())?,
        ),
        Rev::Baseline(name) => (format!("baseline {name}"), baseline_commit(ws, name)?),
        Rev::Git(text) => match ws.repo.try_resolve(text)? {
            Some(id) => (format!("revision {text}"), id),
            None => (format!("baseline {text}"), baseline_commit(ws, text)?),
        },
    };
    let plan = plan_at(ws, commit)?;
    let info = VersionInfo {
        rev: rev.clone(),
        label,
        commit: Some(CommitRef::of(&ws.repo.commit_info(&commit.to_string())?)),
    };
    Ok((info, plan))
}

fn baseline_commit(ws: &Workspace, name: &str) -> Result<Oid> {
    Ok(ws.repo.resolve(&pi_git::baseline_ref(name))?)
}

/// The plan file of this workspace in commit `id`.
pub fn plan_at(ws: &Workspace, id: Oid) -> Result<Plan> {
    let file = ws.plan_file();
    let bytes = ws
        .repo
        .read_file_at(id, &file)?
        .ok_or_else(|| EngineError::History {
            file: file.clone(),
            commit: id.to_string(),
            missing: true,
        })?;
    let text = String::from_utf8(bytes).map_err(|_| EngineError::History {
        file: file.clone(),
        commit: id.to_string(),
        missing: false,
    })?;
    workspace::parse(&format!("{id}:{file}"), &text)
}

/// Two versions and what differs from the first to the second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    pub before: VersionInfo,
    pub after: VersionInfo,
    pub diff: PlanDiff,
}

/// Compares the plan at `before` with the plan at `after`.
pub fn compare(ws: &Workspace, before: &Rev, after: &Rev) -> Result<Comparison> {
    let (before, old) = load(ws, before)?;
    let (after, new) = load(ws, after)?;
    Ok(Comparison {
        before,
        after,
        diff: diff(&old, &new),
    })
}
