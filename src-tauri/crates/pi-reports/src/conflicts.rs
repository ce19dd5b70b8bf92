//! The conflicts of a plan as the shared op log tells them, the same in every clone: each found
//! by a pull (the entity and field, the plan's and Targetprocess's values, who made each side)
//! and, once a resolve settled the same entity and field, who resolved it, when, and how long it
//! stayed open. A pull lists every conflict it left open, so a conflict still open at the next
//! pull is the same conflict, not a new one.

use chrono::{DateTime, Utc};
use pi_engine::oplog::{self, Actor, OpEntry, OpKind};
use pi_engine::workspace::Workspace;
use pi_model::merge::FieldValue;
use pi_model::{EntityId, Field};
use schemars::JsonSchema;
use serde::Serialize;

use pi_engine::Result;

/// One conflict's life in the op log.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ConflictSpan {
    pub entity: EntityId,
    /// The objective's or feature's name at the pull.
    pub name: String,
    /// `None`: the item itself (edited on one side, deleted on the other).
    pub field: Option<Field>,
    pub local: FieldValue,
    pub remote: FieldValue,
    /// When the pull that found it ran (RFC 3339), and who pulled (`Name <email>`).
    pub found_at: String,
    pub found_by: Option<String>,
    /// The Targetprocess user who last edited the item.
    pub remote_by: Option<String>,
    /// When it was resolved (RFC 3339) and by whom; `None` while it is open.
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// Seconds from found to resolved; `None` while it is open.
    pub open_secs: Option<i64>,
}

/// The conflicts of the plan of `ws`, oldest first.
pub fn conflict_spans(ws: &Workspace) -> Result<Vec<ConflictSpan>> {
    Ok(spans(&oplog::entries(&ws.repo, &ws.names.oplog_ref())?))
}

/// The conflicts `entries` (the op log, oldest first) found and resolved.
pub fn spans(entries: &[OpEntry]) -> Vec<ConflictSpan> {
    let mut out: Vec<ConflictSpan> = Vec::new();
    for entry in entries {
        match entry.kind {
            OpKind::Pull => {
                for c in &entry.conflicts {
                    let (entity, field) = (&c.conflict.entity, c.conflict.field);
                    let open = out.iter().any(|s| {
                        s.resolved_at.is_none() && &s.entity == entity && s.field == field
                    });
                    if !open {
                        out.push(ConflictSpan {
                            entity: entity.clone(),
                            name: c.conflict.name.clone(),
                            field,
                            local: c.conflict.local.clone(),
                            remote: c.conflict.remote.clone(),
                            found_at: entry.at.clone(),
                            found_by: c.local_by.clone(),
                            remote_by: c.remote_by.clone(),
                            resolved_at: None,
                            resolved_by: None,
                            open_secs: None,
                        });
                    }
                }
            }
            OpKind::Resolve => {
                for w in &entry.writes {
                    if let Some(s) = out.iter_mut().find(|s| {
                        s.resolved_at.is_none() && s.entity == w.entity && s.field == w.field
                    }) {
                        s.resolved_at = Some(entry.at.clone());
                        s.resolved_by = Some(who(&entry.actor));
                        s.open_secs = seconds_between(&s.found_at, &entry.at);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn who(actor: &Actor) -> String {
    match actor {
        Actor::Person { name, email } => format!("{name} <{email}>"),
        Actor::Targetprocess { .. } => "Targetprocess".to_owned(),
        Actor::AutoSync => "live sync".to_owned(),
    }
}

fn seconds_between(from: &str, to: &str) -> Option<i64> {
    let at = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((at(to)? - at(from)?).num_seconds().max(0))
}

#[cfg(test)]
#[path = "conflicts_tests.rs"]
mod tests;
