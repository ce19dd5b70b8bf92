//! `verify`: a consistency check between the plan file, the tracking branch and Targetprocess,
//! reported entity by entity, with an optional repair of what is safe to repair.
//!
//! It deliberately repairs only three things: it rebuilds a tracking branch whose snapshot does
//! not read (see `rebuild`), completes an unfinished push (resume) and refreshes a stale tracking
//! branch when a pull cannot touch a local edit. Everything else is advice; it never writes to
//! Targetprocess beyond the resume and never edits the plan file by itself beyond merging a
//! rebuilt snapshot into it.

use std::collections::BTreeMap;

use pi_model::changeset::{self, Op};
use pi_model::merge::{self, Change, Conflict, FieldValue};
use pi_model::{EntityId, Field, Plan};
use serde::Serialize;

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::journal::Journal;
use crate::oplog::{self, OpKind};
use crate::pull::PullOptions;
use crate::state::{self, Versions};
use crate::workspace::Workspace;
use crate::workspace::plan_ids;
use pi_model::lookup::field_value;

/// One inconsistency found by [`verify`].
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Targetprocess moved since the last pull (`field: None`: the entity was added or removed).
    TpChanged { change: Change },
    /// A local change not pushed yet.
    LocalChange { op: Op },
    /// An entity in the plan file not created in Targetprocess yet.
    NotCreated { entity: EntityId, name: String },
    /// A Targetprocess id in the plan file that Targetprocess does not know (any more).
    UnknownTpId {
        entity: EntityId,
        name: String,
        /// True when the last pull still saw it (deleted in Targetprocess since); false when it
        /// never came from Targetprocess (typed by hand).
        in_tracking: bool,
    },
    /// A Targetprocess id in the plan file that the last pull did not see, so no push plan can be
    /// computed until a pull (or a new local id).
    NotPulled { entity: EntityId, name: String },
    /// The same id used by more than one entity of the plan file.
    DuplicateId { entity: EntityId, count: usize },
    /// The plan file does not parse; each error says where.
    Unparsable { file: String, errors: Vec<String> },
    /// The tracking branch's Targetprocess snapshot does not parse (written by an earlier
    /// version); nothing can be compared until it is rebuilt (`verify --repair`).
    UnreadableSnapshot { file: String, errors: Vec<String> },
    /// A conflict of an earlier pull still unresolved.
    Conflict { conflict: Conflict },
    /// An interrupted push with operations still to complete.
    UnfinishedPush { operations: usize },
    /// The last push wrote this value, the plan file still holds it, but Targetprocess does not,
    /// and nobody edited the entity in Targetprocess since.
    LostWrite {
        entity: EntityId,
        name: String,
        field: Field,
        pushed: FieldValue,
        in_tp: FieldValue,
    },
}

/// What [`verify`] repaired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Repair {
    /// The unfinished push was completed.
    ResumedPush { operations: usize },
    /// The tracking branch was refreshed by a pull that had no local edit to merge.
    RefreshedTracking { changes: usize },
    /// A snapshot that did not read was replaced by a fresh one from Targetprocess, merged into
    /// the plan; `conflicts` are open after that merge.
    RebuiltSnapshot { conflicts: usize },
}

/// Drift found (after repairs, when asked for), what was repaired and what to do by hand.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VerifyReport {
    pub findings: Vec<Finding>,
    pub repairs: Vec<Repair>,
    /// Steps left to the planner, in words.
    pub advice: Vec<String>,
}

impl VerifyReport {
    /// True when the plan file, the tracking branch and Targetprocess agree.
    pub fn consistent(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks the plan; with `repair`, first completes an unfinished push and refreshes a stale
/// tracking branch when that is safe, then reports what is left.
#[tracing::instrument(name = "verify", skip_all, fields(plan = %ws.names.plan_slug(), repair))]
pub async fn verify(ctx: &Context<'_>, ws: &Workspace, repair: bool) -> Result<VerifyReport> {
    let mut repairs = Vec::new();
    if repair && crate::rebuild::unreadable_base(ws)?.is_some() {
        let conflicts = crate::rebuild::rebuild(ctx, ws).await?;
        repairs.push(Repair::RebuiltSnapshot { conflicts });
    }
    if repair {
        let unfinished = unfinished_push(ws)?;
        if unfinished > 0 && crate::sending::resume(ctx, ws).await?.is_some() {
            repairs.push(Repair::ResumedPush {
                operations: unfinished,
            });
        }
        let found = inspect(ctx, ws).await?;
        if stale(&found) && safe_to_pull(&found) {
            let pulled = crate::pull::pull(ctx, ws, &PullOptions::default()).await?;
            repairs.push(Repair::RefreshedTracking {
                changes: pulled.from_tp.len(),
            });
        }
    }
    let findings = inspect(ctx, ws).await?;
    let advice = advice(&findings);
    Ok(VerifyReport {
        findings,
        repairs,
        advice,
    })
}

fn stale(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| matches!(f, Finding::TpChanged { .. }))
}

/// A pull is safe when only Targetprocess moved: nothing local to merge, nothing in conflict.
fn safe_to_pull(findings: &[Finding]) -> bool {
    findings
        .iter()
        .all(|f| matches!(f, Finding::TpChanged { .. }))
}

fn advice(findings: &[Finding]) -> Vec<String> {
    let mut out = Vec::new();
    let mut say = |cond: bool, text: &str| {
        if cond && !out.iter().any(|a: &String| a == text) {
            out.push(text.to_owned());
        }
    };
    for f in findings {
        match f {
            Finding::TpChanged { .. } | Finding::NotPulled { .. } => {
                say(true, "TP changed: pull (`tpcli plan pull`)")
            }
            Finding::LocalChange { .. } | Finding::NotCreated { .. } => {
                say(true, "local changes: push (`tpcli plan push`)")
            }
            Finding::UnfinishedPush { .. } => say(true, "unfinished push: `tpcli plan resume`"),
            Finding::Conflict { .. } => say(true, "open conflicts: `tpcli plan resolve`"),
            Finding::Unparsable { .. } | Finding::DuplicateId { .. } => {
                say(true, "fix the plan file by hand, then verify again")
            }
            Finding::UnreadableSnapshot { .. } => say(
                true,
                "rebuild the Targetprocess snapshot: `tpcli plan verify --repair`",
            ),
            Finding::UnknownTpId { .. } => say(
                true,
                "remove or re-create entities Targetprocess does not know, then push",
            ),
            Finding::LostWrite { .. } => say(
                true,
                "a pushed value did not reach Targetprocess: push again after a pull",
            ),
        }
    }
    out
}

fn unfinished_push(ws: &Workspace) -> Result<usize> {
    let journal = Journal::open(&ws.local_dir()?.join("journal.sqlite"))?;
    Ok(journal
        .unfinished(&ws.names.plan_slug())?
        .map_or(0, |p| p.open_ops()))
}

/// Every finding, without changing anything.
async fn inspect(ctx: &Context<'_>, ws: &Workspace) -> Result<Vec<Finding>> {
    if let Some((file, errors)) = crate::rebuild::unreadable_base(ws)? {
        let mut findings = vec![Finding::UnreadableSnapshot {
            file,
            errors: errors.0.iter().map(ToString::to_string).collect(),
        }];
        if let Err(EngineError::Parse { file, errors }) = ws.local() {
            findings.push(Finding::Unparsable {
                file,
                errors: errors.0.iter().map(ToString::to_string).collect(),
            });
        }
        return Ok(findings);
    }
    let base = ws.base()?;
    let (release, team) = plan_ids(&base.plan)?;
    let mut remote = ctx.tp.fetch_team_plan(release, team).await?;
    remote.plan.meta = base.plan.meta.clone();
    let tp_versions = Versions::from_remote(&remote);
    let mut findings: Vec<Finding> = merge::merge(&base.plan, &base.plan, &remote.plan)
        .changes
        .into_iter()
        .map(|change| Finding::TpChanged { change })
        .collect();
    match ws.local() {
        Ok(local) => {
            findings.extend(local_findings(&base.plan, &local, &remote.plan));
            findings.extend(lost_writes(
                ws,
                &local,
                &remote.plan,
                &base.versions,
                &tp_versions,
            )?);
        }
        Err(EngineError::Parse { file, errors }) => findings.push(Finding::Unparsable {
            file,
            errors: errors.0.iter().map(ToString::to_string).collect(),
        }),
        Err(e) => return Err(e),
    }
    let conflicts = state::load_conflicts(&ws.local_dir()?)?;
    findings.extend(
        conflicts
            .into_iter()
            .map(|conflict| Finding::Conflict { conflict }),
    );
    let operations = unfinished_push(ws)?;
    if operations > 0 {
        findings.push(Finding::UnfinishedPush { operations });
    }
    Ok(findings)
}

/// Plan file against the tracking branch (push plan) and against Targetprocess (ids).
fn local_findings(base: &Plan, local: &Plan, remote: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut counts: BTreeMap<&EntityId, usize> = BTreeMap::new();
    for (id, _) in entities(local) {
        *counts.entry(id).or_default() += 1;
    }
    out.extend(
        counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(id, count)| Finding::DuplicateId {
                entity: id.clone(),
                count,
            }),
    );
    for (id, name) in entities(local) {
        if id.tp().is_some() && !contains(remote, id) {
            out.push(Finding::UnknownTpId {
                entity: id.clone(),
                name: name.to_owned(),
                in_tracking: contains(base, id),
            });
        }
    }
    let ops = match changeset::push_plan(base, local) {
        Ok(ops) => ops,
        Err(changeset::ChangesetError::UnknownTpId(entity, name)) => {
            if contains(remote, &entity) {
                out.push(Finding::NotPulled { entity, name });
            }
            return out;
        }
    };
    for op in ops {
        out.push(match op {
            Op::CreateObjective { id, name, .. } | Op::CreateFeature { id, name, .. } => {
                Finding::NotCreated { entity: id, name }
            }
            op => Finding::LocalChange { op },
        });
    }
    out
}

/// Ids and names of every objective and feature, in plan order.
fn entities(plan: &Plan) -> impl Iterator<Item = (&EntityId, &str)> {
    plan.objectives.iter().flat_map(|o| {
        std::iter::once((&o.id, o.name.as_str()))
            .chain(o.features.iter().map(|f| (&f.id, f.name.as_str())))
    })
}

fn contains(plan: &Plan, id: &EntityId) -> bool {
    entities(plan).any(|(e, _)| e == id)
}

/// Fields written by the last push that the plan file still holds but Targetprocess does not,
/// on entities whose Targetprocess version has not moved since the last pull.
fn lost_writes(
    ws: &Workspace,
    local: &Plan,
    remote: &Plan,
    tracked: &Versions,
    now: &Versions,
) -> Result<Vec<Finding>> {
    let log = oplog::entries(&ws.repo, &ws.names.oplog_ref())?;
    let Some(last) = log.iter().rev().find(|e| e.kind == OpKind::Push) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for w in &last.writes {
        let Some(field) = w.field else { continue };
        let id = last
            .created
            .iter()
            .find(|(l, _)| l == &w.entity)
            .map_or_else(|| w.entity.clone(), |(_, tp)| EntityId::Tp(*tp));
        let Some(tp_id) = id.tp() else { continue };
        let untouched = tracked.entities.get(&tp_id) == now.entities.get(&tp_id);
        let (Some(file), Some(in_tp)) = (
            field_value(local, &id, field),
            field_value(remote, &id, field),
        ) else {
            continue;
        };
        if untouched && file == w.after && in_tp != w.after {
            out.push(Finding::LostWrite {
                entity: id,
                name: w.name.clone(),
                field,
                pushed: w.after.clone(),
                in_tp,
            });
        }
    }
    Ok(out)
}
