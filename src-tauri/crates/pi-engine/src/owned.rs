//! Fields Jira owns (`[jira] owns` in `pi-planner.toml`): Targetprocess's own Jira integration
//! writes them, so a push never does. The push plan is computed as usual and every change to an
//! owned feature field is taken out of it, each with a note the preview shows ("status is owned
//! by Jira: not sent"); an update left with no change is dropped. The approval gate and the
//! push see the same filtered plan.

use pi_model::changeset::{self, FieldChange, Op};
use pi_model::{EntityId, Field, Plan};

use crate::error::Result;
use crate::workspace::Workspace;

/// A feature field edit the push does not send because Jira owns the field.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct NotSent {
    pub feature: EntityId,
    pub feature_name: String,
    pub field: Field,
    /// In the planner's words: `status is owned by Jira: not sent`.
    pub message: String,
}

/// The feature fields Jira owns in the repository of `ws` (none without `[jira]`).
pub fn owned_fields(ws: &Workspace) -> Result<Vec<Field>> {
    let config = pi_approvals::repo_config(&ws.repo)?;
    Ok(config.jira.map(|j| j.owns).unwrap_or_default())
}

/// The push plan from `base` to `local` without the fields of `owned`, and what was left out.
pub fn push_plan(base: &Plan, local: &Plan, owned: &[Field]) -> Result<(Vec<Op>, Vec<NotSent>)> {
    let ops = changeset::push_plan(base, local)?;
    Ok(without_owned(ops, owned))
}

/// What a push of the plan file in `ws` would leave out now.
pub fn not_sent(ws: &Workspace) -> Result<Vec<NotSent>> {
    let owned = owned_fields(ws)?;
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let base = ws.base()?;
    Ok(push_plan(&base.plan, &ws.local()?, &owned)?.1)
}

/// `ops` without changes to the feature fields of `owned`.
pub fn without_owned(ops: Vec<Op>, owned: &[Field]) -> (Vec<Op>, Vec<NotSent>) {
    if owned.is_empty() {
        return (ops, Vec::new());
    }
    let mut notes = Vec::new();
    let mut kept = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Op::UpdateFeature { id, name, changes } => {
                let changes = keep(changes, owned, &id, &name, &mut notes);
                if !changes.is_empty() {
                    kept.push(Op::UpdateFeature { id, name, changes });
                }
            }
            Op::CreateFeature {
                id,
                objective,
                name,
                fields,
            } => {
                let fields = keep(fields, owned, &id, &name, &mut notes);
                kept.push(Op::CreateFeature {
                    id,
                    objective,
                    name,
                    fields,
                });
            }
            other => kept.push(other),
        }
    }
    (kept, notes)
}

fn keep(
    changes: Vec<FieldChange>,
    owned: &[Field],
    id: &EntityId,
    name: &str,
    notes: &mut Vec<NotSent>,
) -> Vec<FieldChange> {
    let (out, kept): (Vec<_>, Vec<_>) = changes.into_iter().partition(|c| owned.contains(&c.field));
    notes.extend(out.into_iter().map(|c| NotSent {
        feature: id.clone(),
        feature_name: name.to_owned(),
        field: c.field,
        message: format!(
            "{} is owned by Jira: not sent",
            c.field.label().to_lowercase()
        ),
    }));
    kept
}
