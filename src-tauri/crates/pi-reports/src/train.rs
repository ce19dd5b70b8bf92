//! A release train's standing, read from its team plans under one root (the layout of
//! `tpcli plan sync-all --art`: `ROOT/<team slug>/`, one repository per team): per team the
//! changes waiting to be pushed, conflicts, the last pull and push (who, when), the approvals,
//! validation errors, committed effort against capacity and drift against the committed
//! baseline. A composition of the engine's status, op log and approvals and this crate's
//! baselines and change report.
//!
//! Batch resolution (`resolve.rs`) settles the conflicts a rule picks across the train, one
//! attributed resolution per conflict through the engine's `resolve`.
//!
//! The status deliberately reads only: no Targetprocess, no remote, no commit. `tpcli plan status
//! --art` and `tpcli plan report --art` print it.

mod render;
mod resolve;

use std::path::Path;

use pi_engine::error::Result;
use pi_engine::oplog::{self, OpEntry, OpKind};
use pi_engine::push::BlockingFinding;
use pi_engine::workspace::Workspace;
use pi_model::Plan;
use pi_model::merge::Conflict;
use schemars::JsonSchema;
use serde::Serialize;

pub use render::{doc, render};
pub use resolve::{BatchConflict, BatchFilter, Resolver, batch_resolve};

use crate::history::Rev;

/// The train: every team plan of the ART found under the root, by folder name.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrainStatus {
    /// The ART as the plans name it.
    pub art: String,
    pub teams: Vec<TeamStatus>,
    /// Folders under the root that hold no plan of this ART, with why.
    pub skipped: Vec<Skipped>,
}

/// A folder under the root that is not one of the train's plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Skipped {
    pub dir: String,
    pub reason: String,
}

/// One team's plan.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TeamStatus {
    pub team: String,
    pub release: String,
    /// The team's folder under the root.
    pub dir: String,
    pub plan_file: String,
    /// Operations a push would send now.
    pub pending_changes: usize,
    pub conflicts: Vec<Conflict>,
    /// Operations of an interrupted push still to complete (`tpcli plan resume`).
    pub unfinished_push: usize,
    /// Changes the last push had refused by Targetprocess and the plan still holds.
    pub refused: usize,
    pub last_pull: Option<LastOp>,
    pub last_push: Option<LastOp>,
    pub approvals: Approvals,
    /// Validation errors (warnings are left out), located in the plan file.
    pub validation_errors: Vec<BlockingFinding>,
    pub effort: EffortView,
    /// Against the plan's latest baseline; `None` when the plan has no baseline.
    pub drift: Option<Drift>,
    /// The plan file cannot be read (the message says where); the counts above are then empty.
    pub file_problem: Option<String>,
    /// Something for the team or the RTE to act on: conflicts, validation errors, an
    /// interrupted push, refused changes, approvals awaited, an unreadable plan file.
    pub needs_attention: bool,
}

/// An operation of the op log: who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct LastOp {
    /// `Name <email>`, `Targetprocess (editors)` for a pull, or `auto-sync`.
    pub who: String,
    /// RFC 3339.
    pub at: String,
    pub summary: String,
}

/// The approvals of the change a push would send now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Approvals {
    /// No `[approvals]` policy.
    NotRequired,
    /// Nothing to push, or only changes the policy lets through.
    NothingToApprove,
    /// Enough approvals of this exact change.
    Met { approvals: usize, required: u32 },
    /// The push waits for sign-off.
    Waiting { missing: String },
}

/// Effort of the committed objectives against the team's capacity.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EffortView {
    pub committed: f64,
    /// `None`: capacity unknown (the plan carries no capacity).
    pub capacity: Option<f64>,
}

/// What changed since the committed baseline.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Drift {
    pub baseline: String,
    pub objectives_added: usize,
    pub objectives_removed: usize,
    pub objectives_changed: usize,
    pub features_added: usize,
    pub features_removed: usize,
    pub features_changed: usize,
    pub new_commitments: usize,
    pub dropped_commitments: usize,
    /// Committed effort at the baseline.
    pub baseline_committed_effort: f64,
}

/// The team plans of `art` (any case) in the folders directly under `root`, sorted by folder.
/// Reads only.
pub fn train_status(root: &Path, art: &str) -> Result<TrainStatus> {
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .map_err(|e| pi_engine::EngineError::State {
            path: root.display().to_string(),
            message: format!("cannot read the train's folder: {e}"),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = TrainStatus {
        art: art.to_owned(),
        teams: Vec::new(),
        skipped: Vec::new(),
    };
    for dir in dirs {
        let name = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match team_in(&dir, art) {
            Ok(Ok((plan, ws))) => {
                out.art = plan.art.name.clone();
                out.teams.push(team_status(&ws, &plan, name)?);
            }
            Ok(Err(reason)) | Err(reason) => out.skipped.push(Skipped { dir: name, reason }),
        }
    }
    Ok(out)
}

type Found = std::result::Result<(Plan, Workspace), String>;

/// The folder's plan when it is one of `art`'s; otherwise why not.
fn team_in(dir: &Path, art: &str) -> std::result::Result<Found, String> {
    let ws = Workspace::open(dir).map_err(|e| e.to_string())?;
    let plan = ws.base_header().map_err(|e| e.to_string())?;
    if !plan.art.name.eq_ignore_ascii_case(art) {
        return Ok(Err(format!("a plan of ART {:?}", plan.art.name)));
    }
    Ok(Ok((plan, ws)))
}

fn team_status(ws: &Workspace, header: &Plan, dir: String) -> Result<TeamStatus> {
    let status = ready(pi_engine::status(None, ws))?;
    let local = ws.local().ok();
    let log = oplog::entries(&ws.repo, &ws.names.oplog_ref())?;
    let config = pi_engine::approvals::repo_config(ws)?;
    let known = pi_engine::workflows::known_statuses(&ws.repo, &ws.names, &config.statuses)?;
    let validation_errors = ws
        .local_text()
        .map(|t| pi_engine::push::blocking_findings(&t, &config, &known))
        .unwrap_or_default();
    let approvals = if status.file_problem.is_some() {
        Approvals::NothingToApprove
    } else {
        approvals(ws, &config.approvals)?
    };
    let mut team = TeamStatus {
        team: header.team.name.clone(),
        release: header.release.name.clone(),
        dir,
        plan_file: status.plan_file.clone(),
        pending_changes: status.local_changes.len(),
        unfinished_push: status.unfinished_push,
        refused: status.refused.len(),
        last_pull: last(&log, &[OpKind::Pull, OpKind::Init]),
        last_push: last(&log, &[OpKind::Push]),
        effort: EffortView {
            committed: local.as_ref().map_or(0.0, committed_effort),
            capacity: None,
        },
        drift: drift(ws)?,
        conflicts: status.conflicts,
        approvals,
        validation_errors,
        file_problem: status.file_problem,
        needs_attention: false,
    };
    team.needs_attention = !team.conflicts.is_empty()
        || !team.validation_errors.is_empty()
        || team.unfinished_push > 0
        || team.refused > 0
        || team.file_problem.is_some()
        || matches!(team.approvals, Approvals::Waiting { .. });
    Ok(team)
}

/// `status` without Targetprocess awaits nothing: it completes at its first poll.
fn ready<F: std::future::Future<Output = Result<T>>, T>(f: F) -> Result<T> {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(f).as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => Err(pi_engine::EngineError::State {
            path: "status".to_owned(),
            message: "the offline status waited for something".to_owned(),
        }),
    }
}

/// The newest entry of one of `kinds` (a plan's start reads Targetprocess as a pull does).
fn last(log: &[OpEntry], kinds: &[OpKind]) -> Option<LastOp> {
    log.iter()
        .rev()
        .find(|e| kinds.contains(&e.kind))
        .map(|e| LastOp {
            who: crate::report::actor(&e.actor),
            at: e.at.clone(),
            summary: e.summary.clone(),
        })
}

fn approvals(ws: &Workspace, policy: &pi_model::ApprovalPolicy) -> Result<Approvals> {
    if policy.required == 0 {
        return Ok(Approvals::NotRequired);
    }
    let signing = pi_approvals::Signing::from_repo(&ws.repo);
    let status = pi_engine::approvals::status(ws, policy, &signing)?;
    Ok(if status.change.ops.is_empty() || status.exempt {
        Approvals::NothingToApprove
    } else if status.is_met() {
        Approvals::Met {
            approvals: status.valid(),
            required: status.required,
        }
    } else {
        Approvals::Waiting {
            missing: status.missing(),
        }
    })
}

fn committed_effort(plan: &Plan) -> f64 {
    plan.objectives
        .iter()
        .filter(|o| o.committed)
        .filter_map(|o| o.effort.map(|e| e.points()))
        .sum()
}

fn drift(ws: &Workspace) -> Result<Option<Drift>> {
    let Some(baseline) = crate::baseline::latest(ws)? else {
        return Ok(None);
    };
    let since = Rev::Baseline(baseline.name.clone());
    let report = crate::report::report(ws, &since, &Rev::Working)?;
    let (_, then) = crate::history::load(ws, &since)?;
    let c = report.counts;
    Ok(Some(Drift {
        baseline: baseline.name,
        objectives_added: c.objectives_added,
        objectives_removed: c.objectives_removed,
        objectives_changed: c.objectives_changed,
        features_added: c.features_added,
        features_removed: c.features_removed,
        features_changed: c.features_changed + c.features_moved,
        new_commitments: report.new_commitments.len(),
        dropped_commitments: report.dropped_commitments.len(),
        baseline_committed_effort: committed_effort(&then),
    }))
}
