//! `resolve`: settle stored conflicts field by field (keep local, keep remote, keep both, or a
//! value typed by hand), rewrite the plan file and commit it attributed to the user.

use pi_git::{CommitMessage, RepoLock, Trailers};
use pi_model::merge::{self, Conflict, Resolution};
use pi_model::{EntityId, Field};

use crate::error::{EngineError, Result};
use crate::oplog::{self, FieldWrite, OpEntry, OpKind};
use crate::state;
use crate::workspace::LOCK_WAIT;
use crate::workspace::Workspace;

/// Which stored conflicts to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    /// Only conflicts of this objective or feature.
    pub entity: Option<EntityId>,
    /// Only this field (with `entity`).
    pub field: Option<Field>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct ResolveReport {
    pub resolved: Vec<Conflict>,
    pub remaining: usize,
}

#[tracing::instrument(name = "resolve", skip_all, fields(plan = %ws.names.plan_slug()))]
pub fn resolve(
    ctx_me: &pi_git::Identity,
    now: chrono::DateTime<chrono::Utc>,
    ws: &Workspace,
    selector: &Selector,
    resolution: &Resolution,
) -> Result<ResolveReport> {
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    let dir = ws.local_dir()?;
    let stored = state::load_conflicts(&dir)?;
    let (chosen, rest): (Vec<Conflict>, Vec<Conflict>) = stored.into_iter().partition(|c| {
        selector.entity.as_ref().is_none_or(|e| e == &c.entity)
            && selector.field.is_none_or(|f| c.field == Some(f))
    });
    if chosen.is_empty() {
        return Err(EngineError::NoMatchingConflict);
    }
    let stamp = pi_git::Stamp::new(ctx_me.clone(), pi_git::When::utc(now.timestamp()));
    // What the planner typed since the conflict is committed first (as a pull does), so the
    // resolution is written on top of it.
    let typed = ws.local_text()?;
    let mut plan = crate::workspace::parse(&ws.plan_file(), &typed)?;
    crate::save::commit_typed(ws, &typed, pi_git::Source::Local, &stamp)?;
    let synced = ws.base()?.plan;
    for c in &chosen {
        if *resolution == Resolution::KeepLocal && edited_since(&plan, &synced, c) {
            // "Mine" is what the plan file says now: the planner changed it after the conflict.
            continue;
        }
        merge::resolve(&mut plan, c, resolution).map_err(|e| EngineError::CannotResolve {
            conflict: describe(c),
            reason: e.to_string(),
        })?;
    }
    let text = crate::snapshot::render_checked(&plan, "the resolved plan", &ws.plan_file())?;
    let message = CommitMessage::new(&format!("Resolve {} conflict(s)", chosen.len()))
        .with_trailers(Trailers::new().with_source(pi_git::Source::Local));
    let file = ws.plan_file();
    let change = pi_git::FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &message,
    };
    ws.repo.commit_file(&ws.names.working(), &change, &stamp)?;
    state::save_conflicts(&dir, &rest)?;
    let entry = OpEntry {
        id: format!("resolve-{}", now.timestamp_millis()),
        kind: OpKind::Resolve,
        actor: oplog::Actor::Person {
            name: ctx_me.name.clone(),
            email: ctx_me.email.clone(),
        },
        at: now.to_rfc3339(),
        summary: format!("Resolved {} conflict(s) ({resolution:?})", chosen.len()),
        writes: chosen
            .iter()
            .map(|c| FieldWrite {
                entity: c.entity.clone(),
                name: c.name.clone(),
                field: c.field,
                before: c.local.clone(),
                after: pi_model::lookup::conflict_value(&plan, c)
                    .unwrap_or(merge::FieldValue::Missing),
            })
            .collect(),
        created: vec![],
        conflicts: Vec::new(),
    };
    oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &stamp)?;
    Ok(ResolveReport {
        remaining: rest.len(),
        resolved: chosen,
    })
}

/// Whether the planner changed the conflict's field (or, for an edit/delete conflict, the item
/// the merge put back) in the plan file after the conflict was recorded: a field no longer
/// holding the conflict's local value; an item deleted locally that is in the file and differs
/// from Targetprocess's last pulled version of it (`synced`).
fn edited_since(plan: &pi_model::Plan, synced: &pi_model::Plan, c: &Conflict) -> bool {
    let Some(now) = pi_model::lookup::conflict_value(plan, c) else {
        return false;
    };
    if c.field.is_some() {
        return now != c.local;
    }
    if c.local != merge::FieldValue::Missing || now == merge::FieldValue::Missing {
        return false;
    }
    let objective = |p: &pi_model::Plan| {
        p.objectives.iter().find(|o| o.id == c.entity).map(|o| {
            let mut o = o.clone();
            o.features.clear();
            o
        })
    };
    let feature = |p: &pi_model::Plan| {
        p.objectives.iter().find_map(|o| {
            o.features
                .iter()
                .find(|f| f.id == c.entity)
                .map(|f| (o.id.clone(), f.clone()))
        })
    };
    match c.kind {
        merge::EntityKind::Objective => objective(plan) != objective(synced),
        merge::EntityKind::Feature => feature(plan) != feature(synced),
    }
}

/// `Effort of "Platform governance"`.
pub fn describe(c: &Conflict) -> String {
    match c.field {
        Some(f) => format!("{f} of {:?}", c.name),
        None => format!("{:?} (edited on one side, deleted on the other)", c.name),
    }
}
