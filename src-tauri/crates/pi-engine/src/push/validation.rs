//! The validation gate of a push: a plan with validation errors (as `tpcli plan validate`
//! reports them; warnings never block) is not pushed unless the push carries an override
//! reason, which is recorded in the op log (and so in the audit trail). `[validation]
//! block_push = false` turns the gate off. An error Targetprocess's own values already have (the
//! plan as last pulled, e.g. a name it holds empty) does not hold the push: the push does not make
//! it worse.

use std::collections::BTreeSet;

use pi_model::validate::{self, Severity};
use pi_model::{EntityId, EntityPath, Field, Plan};

use crate::context::Context;
use crate::error::Result;
use crate::oplog::{self, Actor, OpEntry, OpKind};
use crate::workspace::Workspace;

/// A validation error that stops a push, with where it is in the plan file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct BlockingFinding {
    /// The rule's stable name, e.g. `effort-range`.
    pub rule: String,
    pub message: String,
    /// 1-based line and column in the plan file.
    pub line: usize,
    pub column: usize,
    /// The objective or feature the error is about; `None` for the plan as a whole.
    pub item: Option<EntityId>,
    /// That item's name.
    pub item_name: Option<String>,
    pub field: Option<Field>,
}

/// What the gate decided.
pub(super) enum Gate {
    Open,
    Closed(Vec<BlockingFinding>),
}

/// The plan file's validation errors, unless the gate is off; with `override_reason` they are
/// recorded as overridden and the gate opens.
pub(super) fn gate(
    ctx: &Context<'_>,
    ws: &Workspace,
    override_reason: Option<&str>,
) -> Result<Gate> {
    let config = crate::approvals::repo_config(ws)?;
    if !config.validation.block_push {
        return Ok(Gate::Open);
    }
    let known = crate::workflows::known_statuses(&ws.repo, &ws.names, &config.statuses)?;
    let mut findings = blocking_findings(&ws.local_text()?, &config, &known);
    if !findings.is_empty()
        && let Ok(base) = ws.base()
    {
        let held = held_by_targetprocess(&base.plan, &config, &known);
        findings.retain(|f| !held.contains(&(f.rule.clone(), f.item.clone(), f.field)));
    }
    if findings.is_empty() {
        return Ok(Gate::Open);
    }
    match override_reason {
        Some(reason) => {
            record_override(ctx, ws, &findings, reason)?;
            Ok(Gate::Open)
        }
        None => Ok(Gate::Closed(findings)),
    }
}

/// The errors of `text` under `config`, its statuses checked against `known` (`[statuses]`, else
/// the account's states kept on the tracking branch: `crate::workflows::known_statuses`),
/// located in the file, in file order. A text that does not parse has none here: the push reads
/// it first and reports that.
pub fn blocking_findings(
    text: &str,
    config: &pi_model::RepoConfig,
    known: &pi_model::KnownStatuses,
) -> Vec<BlockingFinding> {
    let Ok(parsed) = pi_format::parse(text) else {
        return Vec::new();
    };
    let mut out: Vec<BlockingFinding> = validate::validate_with(&parsed.plan, config, known)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let at = parsed.source_map.locate(f.path, f.field);
            let item = item_at(&parsed.plan, f.path);
            BlockingFinding {
                rule: f.rule.to_owned(),
                message: f.message,
                line: at.line,
                column: at.column,
                item: item.map(|(id, _)| id.clone()),
                item_name: item.map(|(_, name)| name.to_owned()),
                field: f.field,
            }
        })
        .collect();
    out.sort_by_key(|f| (f.line, f.column));
    out
}

/// The errors Targetprocess's own values already have (the plan as last pulled): a push that
/// leaves such a value as it is does not make it worse, so it is not held for it — a name
/// Targetprocess holds empty must not stop every other change from being sent.
fn held_by_targetprocess(
    base: &Plan,
    config: &pi_model::RepoConfig,
    known: &pi_model::KnownStatuses,
) -> BTreeSet<(String, Option<EntityId>, Option<Field>)> {
    validate::validate_with(base, config, known)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let item = item_at(base, f.path).map(|(id, _)| id.clone());
            (f.rule.to_owned(), item, f.field)
        })
        .collect()
}

fn item_at(plan: &Plan, path: EntityPath) -> Option<(&EntityId, &str)> {
    match path {
        EntityPath::Objective { index } => {
            plan.objectives.get(index).map(|o| (&o.id, o.name.as_str()))
        }
        EntityPath::Feature { objective, index } => plan
            .objectives
            .get(objective)
            .and_then(|o| o.features.get(index))
            .map(|f| (&f.id, f.name.as_str())),
        _ => None,
    }
}

/// The op-log summary of a push let through with validation errors; the reason is last, after
/// [`REASON`].
fn override_summary(findings: &[BlockingFinding], reason: &str) -> String {
    let n = findings.len();
    let first = findings.first().map_or("", |f| f.message.as_str());
    let errors = if n == 1 { "error" } else { "errors" };
    format!("Push allowed with {n} validation {errors} (first: {first}){REASON}{reason}")
}

/// Separates an override's summary from its reason.
pub const REASON: &str = " — reason: ";

/// The reason of a validation override's op-log entry.
pub fn override_reason(entry: &OpEntry) -> Option<&str> {
    (entry.kind == OpKind::ValidationOverride)
        .then(|| entry.summary.rsplit_once(REASON).map(|(_, r)| r))
        .flatten()
}

fn record_override(
    ctx: &Context<'_>,
    ws: &Workspace,
    findings: &[BlockingFinding],
    reason: &str,
) -> Result<()> {
    let entry = OpEntry {
        id: format!("validation-override-{}", ctx.now.timestamp_millis()),
        kind: OpKind::ValidationOverride,
        actor: Actor::of(ctx),
        at: ctx.at(),
        summary: override_summary(findings, reason),
        writes: Vec::new(),
        created: Vec::new(),
        conflicts: Vec::new(),
    };
    oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &ctx.stamp())
}

#[cfg(test)]
mod tests;
