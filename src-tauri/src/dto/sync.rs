//! Data of the sync screens: pull results, the push preview and outcome, conflicts, progress and
//! settings, with their conversions from pi-engine's results into planner words.
//!
//! Plain data and wording only: what a pull or push does is pi-engine's business.

use pi_engine::{PullReport, PushOutcome, PushReport};
use pi_model::changeset::Op;
use pi_model::merge::{Change, Conflict, EntityKind, FieldValue};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::refused::{Names, RefusedDto, op_words, refused};
use super::{ConnectionDto, IdentityDto};

/// One step of a running pull, push or resume as the engine reports it (`pi_engine::Progress`),
/// sent through a channel as it begins; the UI words it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum ProgressDto {
    /// Reading the plan file and the last pulled state.
    ReadingPlan,
    /// Reading the team's plan (or the changed items) from Targetprocess.
    Fetching,
    /// Merging Targetprocess's state with the plan, field by field.
    Merging,
    /// `sent` of the push's `total` changes are sent (after each batch and each change sent
    /// alone).
    Sent { sent: u32, total: u32 },
    /// Committing the result to the plan's history.
    Committing,
    /// Sharing the result through the git remote.
    Publishing,
}

impl From<&pi_engine::Progress> for ProgressDto {
    fn from(p: &pi_engine::Progress) -> Self {
        use pi_engine::Progress as P;
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match p {
            P::ReadingPlan => Self::ReadingPlan,
            P::Fetching => Self::Fetching,
            P::Merging => Self::Merging,
            P::Sent { sent, total } => Self::Sent {
                sent: count(*sent),
                total: count(*total),
            },
            P::Committing => Self::Committing,
            P::Publishing => Self::Publishing,
        }
    }
}

/// One planned write to Targetprocess (one change), in planner words: one line per field changed,
/// or the item created followed by one line per field it is created with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpDto {
    pub lines: Vec<String>,
    /// True when the operation deletes something in Targetprocess.
    pub delete: bool,
}

/// What a push did, or why it did not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PushOutcomeDto {
    /// The plan holds nothing Targetprocess does not have.
    NothingToPush {
        resumed: u32,
    },
    /// Unresolved conflicts must be settled first.
    Blocked {
        conflicts: u32,
    },
    /// What a push would send (nothing was sent).
    Preview {
        ops: Vec<OpDto>,
    },
    /// The push deletes in Targetprocess and needs an explicit confirmation.
    NeedsConfirmation {
        ops: Vec<OpDto>,
    },
    /// Targetprocess changed what this push would overwrite: pull first.
    RemoteChanged {
        stale: Vec<String>,
    },
    Pushed {
        summary: PushSummaryDto,
    },
    /// The plan has validation errors (the push gate): nothing was sent. Each is shown at its
    /// field in the editor.
    BlockedByValidation {
        findings: Vec<BlockingFindingDto>,
    },
}

/// A validation error that stopped a push, located by its objective's or feature's id (the
/// editor finds the item in the plan) and its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlockingFindingDto {
    pub rule: String,
    pub message: String,
    /// The objective's or feature's id (`tp:12`, `new:…`); `None` for the plan as a whole.
    pub item: Option<String>,
    pub item_name: Option<String>,
    /// The field, as the snake_case name of `pi_model::Field` (as in `FindingDto`).
    pub field: Option<String>,
    /// 1-based line of the plan file.
    pub line: u32,
}

impl From<&pi_engine::push::BlockingFinding> for BlockingFindingDto {
    fn from(f: &pi_engine::push::BlockingFinding) -> Self {
        Self {
            rule: f.rule.clone(),
            message: f.message.clone(),
            item: f.item.as_ref().map(ToString::to_string),
            item_name: f.item_name.clone(),
            field: f.field.and_then(|field| {
                serde_json::to_value(field)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            }),
            line: count(f.line),
        }
    }
}

/// The result summary of a push that ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushSummaryDto {
    /// Changes Targetprocess accepted, in planner words.
    pub sent: Vec<OpDto>,
    /// Changes Targetprocess refused, with the reasons; they stay in the plan to be fixed and
    /// pushed again, or discarded.
    pub refused: Vec<RefusedDto>,
    pub created: u32,
    /// Fields that read back differently from what was sent.
    pub mismatches: Vec<String>,
    pub resumed: u32,
}

/// A value of one side of a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SideDto {
    /// As a planner reads it: `13 points`, `(none)`, `(deleted)`.
    pub text: String,
    /// True when the item does not exist on this side.
    pub missing: bool,
}

/// One unresolved conflict: the same field changed differently here and in Targetprocess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictDto {
    /// `objective` or `feature`.
    pub kind: String,
    /// The item's id (`tp:123` or `new:abc`).
    pub entity: String,
    pub name: String,
    /// snake_case field name; `None` when one side deleted the item.
    pub field: Option<String>,
    /// The field's label (`Effort`), or `Item` for an edit/delete conflict.
    pub label: String,
    pub base: SideDto,
    pub mine: SideDto,
    pub theirs: SideDto,
    /// "Keep both" applies (text and list fields).
    pub can_keep_both: bool,
    /// "Edit" applies: the value can be typed (text, numbers, effort).
    pub can_edit: bool,
}

/// How to settle a conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChoiceDto {
    KeepMine,
    KeepTheirs,
    KeepBoth,
    /// A value typed by the planner, in the field's plain form (`21`, a text).
    Edit {
        value: String,
    },
}

/// Settles one conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResolveRequest {
    pub entity: String,
    pub field: Option<String>,
    pub choice: ChoiceDto,
}

/// What a pull brought.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PullResultDto {
    /// Changes from Targetprocess now in the plan, in planner words.
    pub from_tp: Vec<String>,
    /// Local changes not pushed yet.
    pub local: u32,
    pub conflicts: Vec<ConflictDto>,
    pub tp_changed: bool,
    /// What the pull could not bring, in plain words: Targetprocess items the plan could not
    /// place or map, and "Jira unreachable: stories not refreshed".
    pub notices: Vec<String>,
}

/// Where the plan stands without asking Targetprocess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusDto {
    /// Changes a push would send now.
    pub local_changes: u32,
    pub conflicts: u32,
    /// Changes of an interrupted push not confirmed by Targetprocess: "Finish the interrupted
    /// push" (or the next push) completes them.
    pub unfinished_push: u32,
    /// Changes of the last push that Targetprocess refused and the plan still holds.
    pub refused: Vec<RefusedDto>,
}

/// The settings screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDto {
    pub connection: ConnectionDto,
    pub identity: Option<IdentityDto>,
    /// A shared git remote new workspaces publish to (`origin`).
    pub remote: Option<String>,
    /// Seconds between two looks at what changed in Targetprocess; 0 turns them off.
    pub poll_seconds: u32,
    /// The folder the plans of this connection are kept in (one folder per team and PI).
    pub plans_folder: String,
}

/// What the settings screen saves (the connection has its own commands).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsUpdate {
    pub remote: Option<String>,
    pub poll_seconds: u32,
}

/// A `pi-planner://open` link the app was started with: the plan (`<release slug>/<team slug>`)
/// and the conflicting entity to show, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LinkDto {
    pub plan: String,
    pub conflict: Option<String>,
}

/// Sent to the window when a background pull found something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncEventDto {
    /// The `[notify.events]` event it is (`pull`, `push`, `conflict`, `failure` or `alert`):
    /// whether it becomes an OS notification follows the plan's `desktop` routes.
    pub event: String,
    /// The view to show: `conflicts` or `plan`.
    pub view: String,
    pub title: String,
    pub body: String,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl OpDto {
    pub fn new(op: &Op, names: &Names) -> Self {
        Self {
            lines: op_words(op, names),
            delete: op.is_delete(),
        }
    }
}

fn ops(ops: &[Op], names: &Names) -> Vec<OpDto> {
    ops.iter().map(|op| OpDto::new(op, names)).collect()
}

impl PushOutcomeDto {
    /// The outcome in planner words, items named by `names` (and by the operations themselves).
    /// A push waiting for sign-off is the `NotApproved` error the sign-off panel answers.
    pub fn new(o: &PushOutcome, names: &Names) -> Result<Self, crate::error::UiError> {
        let names = &names.clone().with_ops(outcome_ops(o));
        Ok(match o {
            PushOutcome::NothingToPush { resumed } => Self::NothingToPush {
                resumed: count(*resumed),
            },
            PushOutcome::Blocked { conflicts } => Self::Blocked {
                conflicts: count(*conflicts),
            },
            PushOutcome::Preview { ops: o } => Self::Preview { ops: ops(o, names) },
            PushOutcome::NeedsConfirmation { ops: o } => {
                Self::NeedsConfirmation { ops: ops(o, names) }
            }
            PushOutcome::RemoteChanged { stale } => Self::RemoteChanged {
                stale: stale
                    .iter()
                    .map(|s| match s.field {
                        Some(f) => {
                            format!("{f} of \"{}\" is now {} in Targetprocess", s.name, s.remote)
                        }
                        None => format!("\"{}\" was deleted in Targetprocess", s.name),
                    })
                    .collect(),
            },
            PushOutcome::Pushed(report) => Self::Pushed {
                summary: summary(report, names),
            },
            PushOutcome::AwaitingApproval { status } => {
                return Err(crate::error::awaiting_approval(status));
            }
            PushOutcome::BlockedByValidation { findings } => Self::BlockedByValidation {
                findings: findings.iter().map(BlockingFindingDto::from).collect(),
            },
        })
    }
}

fn outcome_ops(o: &PushOutcome) -> Vec<&Op> {
    match o {
        PushOutcome::Preview { ops } | PushOutcome::NeedsConfirmation { ops } => {
            ops.iter().collect()
        }
        PushOutcome::Pushed(report) => report.ops.iter().map(|r| &r.op).collect(),
        _ => Vec::new(),
    }
}

fn summary(r: &PushReport, names: &Names) -> PushSummaryDto {
    PushSummaryDto {
        sent: r
            .ops
            .iter()
            .filter(|o| o.result.is_ok())
            .map(|o| OpDto::new(&o.op, names))
            .collect(),
        refused: r
            .ops
            .iter()
            .filter_map(|o| {
                o.result
                    .as_ref()
                    .err()
                    .map(|why| refused(&o.op, why, names))
            })
            .collect(),
        created: count(r.created.len()),
        mismatches: r
            .mismatches
            .iter()
            .map(|m| {
                format!(
                    "{} of \"{}\": sent {}, Targetprocess holds {}",
                    m.field, m.name, m.sent, m.found
                )
            })
            .collect(),
        resumed: count(r.resumed),
    }
}

fn side(v: &FieldValue) -> SideDto {
    SideDto {
        text: v.to_string(),
        missing: matches!(v, FieldValue::Missing),
    }
}

impl From<&Conflict> for ConflictDto {
    fn from(c: &Conflict) -> Self {
        let list_or_text = matches!(c.local, FieldValue::Text(_) | FieldValue::Criteria(_));
        let editable = matches!(
            c.local,
            FieldValue::Text(_)
                | FieldValue::OptText(_)
                | FieldValue::Effort(_)
                | FieldValue::Number(_)
        );
        Self {
            kind: match c.kind {
                EntityKind::Objective => "objective",
                EntityKind::Feature => "feature",
            }
            .to_owned(),
            entity: c.entity.to_string(),
            name: c.name.clone(),
            field: c.field.map(field_name),
            label: c
                .field
                .map_or_else(|| "Item".to_owned(), |f| f.label().to_owned()),
            base: side(&c.base),
            mine: side(&c.local),
            theirs: side(&c.remote),
            can_keep_both: c.field.is_some() && list_or_text,
            can_edit: c.field.is_some() && editable,
        }
    }
}

/// `effort`, `acceptance_criteria`: the serde name of a field.
pub fn field_name(f: pi_model::Field) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `Effort 13 → 21 on "Platform governance"`, or an added / removed item.
pub fn change_text(c: &Change) -> String {
    match (c.field, &c.from, &c.to) {
        (None, FieldValue::Missing, _) => format!("Added \"{}\"", c.name),
        (None, _, _) => format!("Removed \"{}\"", c.name),
        (Some(f), from, to) => format!("{f} {from} → {to} on \"{}\"", c.name),
    }
}

impl From<&PullReport> for PullResultDto {
    fn from(r: &PullReport) -> Self {
        Self {
            from_tp: r.from_tp.iter().map(change_text).collect(),
            local: count(r.local.len()),
            conflicts: r.conflicts.iter().map(ConflictDto::from).collect(),
            tp_changed: r.tp_changed,
            notices: notices(&r.notices, r.jira.as_ref()),
        }
    }
}

/// The planner's words for what Targetprocess had that the plan could not place, and for a
/// story refresh that did not happen.
pub fn notices(
    tp: &[pi_targetprocess::Notice],
    jira: Option<&pi_engine::StoriesRefresh>,
) -> Vec<String> {
    tp.iter()
        .map(|n| n.message.clone())
        .chain(jira.and_then(|j| j.notice()).map(str::to_owned))
        .collect()
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
