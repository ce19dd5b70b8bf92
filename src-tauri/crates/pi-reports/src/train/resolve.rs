//! Batch conflict resolution over a train (`tpcli plan resolve --art`, the app's "Resolve
//! conflicts…"): the conflicts a rule picks across the team plans of a [`TrainStatus`], then one
//! attributed resolution per conflict, each made by the engine's `resolve` as a planner would
//! make it in that team's plan.

use std::path::Path;

use pi_engine::Selector;
use pi_engine::workspace::Workspace;
use pi_model::Field;
use pi_model::merge::{Conflict, EntityKind, Resolution};
use schemars::JsonSchema;
use serde::Serialize;

use super::{TeamStatus, TrainStatus};

/// Which of the train's conflicts a batch resolution settles; every part left `None` matches
/// all.
#[derive(Debug, Clone, Default)]
pub struct BatchFilter {
    pub field: Option<Field>,
    pub kind: Option<EntityKind>,
    /// A team's name or folder (any case).
    pub team: Option<String>,
}

impl BatchFilter {
    /// Whether `t` is a team the filter picks.
    pub fn team(&self, t: &TeamStatus) -> bool {
        self.team
            .as_ref()
            .is_none_or(|w| t.team.eq_ignore_ascii_case(w) || t.dir.eq_ignore_ascii_case(w))
    }

    /// Whether `c` is a conflict the filter picks.
    pub fn conflict(&self, c: &Conflict) -> bool {
        self.kind.is_none_or(|k| k == c.kind) && self.field.is_none_or(|f| c.field == Some(f))
    }
}

/// One conflict of a batch resolution, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BatchConflict {
    pub team: String,
    pub dir: String,
    pub conflict: Conflict,
    /// Settled (false in a dry run, or when it failed: see `error`).
    pub resolved: bool,
    pub error: Option<String>,
}

/// Who settles a conflict in a team's folder (the folder's planner), or why nobody can.
pub type Resolver<'a> = &'a dyn Fn(&Path) -> Result<pi_git::Identity, String>;

/// Every conflict of `train` (its team plans under `root`) that `filter` picks, team by team.
/// With `apply`, each is settled by `resolution` in its team's plan, attributed to the identity
/// `apply` gives for that folder; a failure is that conflict's `error` and stops no other.
/// Without it, nothing is changed (the preview).
pub fn batch_resolve(
    root: &Path,
    train: &TrainStatus,
    filter: &BatchFilter,
    resolution: &Resolution,
    apply: Option<Resolver<'_>>,
) -> Vec<BatchConflict> {
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for t in train.teams.iter().filter(|t| filter.team(t)) {
        for c in t.conflicts.iter().filter(|c| filter.conflict(c)) {
            let error =
                apply.and_then(|me_of| settle(&root.join(&t.dir), c, resolution, me_of, now).err());
            out.push(BatchConflict {
                team: t.team.clone(),
                dir: t.dir.clone(),
                conflict: c.clone(),
                resolved: apply.is_some() && error.is_none(),
                error,
            });
        }
    }
    out
}

fn settle(
    dir: &Path,
    c: &Conflict,
    resolution: &Resolution,
    me_of: Resolver<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), String> {
    let ws = Workspace::open(dir).map_err(|e| e.to_string())?;
    let me = me_of(dir)?;
    let selector = Selector {
        entity: Some(c.entity.clone()),
        field: c.field,
    };
    pi_engine::resolve(&me, now, &ws, &selector, resolution).map_err(|e| e.to_string())?;
    Ok(())
}
