//! Data of the open plan's checks: the change report (pi-reports' document, as sections of
//! lines, bullets and tables), verify's differences and repairs, and undoing the latest push
//! (rollback: its preview, what it leaves alone, what it sent), in planner words.
//!
//! Wording only: what differs, what a rollback writes back and what a report says are
//! pi-engine's and pi-reports' business.

use pi_engine::verify::{Finding, Repair, VerifyReport};
use pi_engine::{RollbackOutcome, RollbackPlan};
use pi_reports::report::{Block, Doc, Span};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::refused::Names;
use super::sync::{OpDto, change_text};
use crate::words::count;

/// A piece of a report line: plain, strong, or words only in the new (`ins`) or old (`del`)
/// version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportSpanDto {
    /// `text`, `strong`, `ins` or `del`.
    pub kind: String,
    pub text: String,
}

/// A line, a bullet (with its nesting level) or a table of a report section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ReportBlockDto {
    Line {
        spans: Vec<ReportSpanDto>,
    },
    Item {
        level: u32,
        spans: Vec<ReportSpanDto>,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportSectionDto {
    pub heading: String,
    pub blocks: Vec<ReportBlockDto>,
}

/// The plan's change report (`tpcli plan report`): from the latest baseline, else the last
/// pull, to the plan as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReportDto {
    pub title: String,
    /// What the report starts from, in words.
    pub since: String,
    pub sections: Vec<ReportSectionDto>,
}

impl ChangeReportDto {
    pub fn new(doc: &Doc, since: String) -> Self {
        Self {
            title: doc.title.clone(),
            since,
            sections: sections(doc),
        }
    }
}

/// The sections of a pi-reports document, for the UI to lay out.
pub fn sections(doc: &Doc) -> Vec<ReportSectionDto> {
    doc.sections
        .iter()
        .map(|s| ReportSectionDto {
            heading: s.heading.clone(),
            blocks: s.blocks.iter().map(block).collect(),
        })
        .collect()
}

fn block(b: &Block) -> ReportBlockDto {
    match b {
        Block::Line(spans) => ReportBlockDto::Line {
            spans: spans.iter().map(span).collect(),
        },
        Block::Item(level, spans) => ReportBlockDto::Item {
            level: u32::try_from(*level).unwrap_or(u32::MAX),
            spans: spans.iter().map(span).collect(),
        },
        Block::Table { header, rows } => ReportBlockDto::Table {
            header: header.clone(),
            rows: rows.clone(),
        },
    }
}

fn span(s: &Span) -> ReportSpanDto {
    let (kind, text) = match s {
        Span::Text(t) => ("text", t),
        Span::Strong(t) => ("strong", t),
        Span::Ins(t) => ("ins", t),
        Span::Del(t) => ("del", t),
    };
    ReportSpanDto {
        kind: kind.to_owned(),
        text: text.clone(),
    }
}

/// What "Check against Targetprocess" found (and, when asked, repaired).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyDto {
    /// The plan file, the last pull and Targetprocess agree.
    pub consistent: bool,
    /// Each difference, in words.
    pub differences: Vec<String>,
    pub repaired: Vec<String>,
    /// What to do next, in words.
    pub advice: Vec<String>,
}

impl VerifyDto {
    pub fn new(r: &VerifyReport, names: &Names) -> Self {
        Self {
            consistent: r.consistent(),
            differences: r.findings.iter().map(|f| difference(f, names)).collect(),
            repaired: r.repairs.iter().map(repaired).collect(),
            advice: r.advice.clone(),
        }
    }
}

fn difference(f: &Finding, names: &Names) -> String {
    match f {
        Finding::TpChanged { change } => {
            format!(
                "Changed in Targetprocess since your last pull: {}",
                change_text(change)
            )
        }
        Finding::LocalChange { op } => {
            format!("Not pushed yet: {}", OpDto::new(op, names).lines.join("; "))
        }
        Finding::NotCreated { name, .. } => format!("\"{name}\" is not in Targetprocess yet"),
        Finding::UnknownTpId {
            name, in_tracking, ..
        } => {
            if *in_tracking {
                format!("\"{name}\" was deleted in Targetprocess since your last pull")
            } else {
                format!("\"{name}\" has an id Targetprocess does not know")
            }
        }
        Finding::NotPulled { name, .. } => {
            format!("\"{name}\" is in Targetprocess but not in your last pull")
        }
        Finding::DuplicateId { entity, count } => {
            format!("The id {entity} is used {count} times in the plan file")
        }
        Finding::Unparsable { errors, .. } => {
            format!("The plan file cannot be read: {}", errors.join("; "))
        }
        Finding::UnreadableSnapshot { .. } => {
            "The copy of Targetprocess kept with the plan cannot be read".to_owned()
        }
        Finding::Conflict { conflict } => {
            let what = conflict
                .field
                .map_or_else(String::new, |f| format!("{} of ", f.label()));
            format!("Conflict not settled yet: {what}\"{}\"", conflict.name)
        }
        Finding::UnfinishedPush { operations } => format!(
            "An interrupted push has {} left",
            count(*operations, "change", "changes")
        ),
        Finding::LostWrite {
            name,
            field,
            pushed,
            in_tp,
            ..
        } => format!(
            "{} of \"{name}\" was pushed as {pushed}, but Targetprocess holds {in_tp}",
            field.label()
        ),
    }
}

fn repaired(r: &Repair) -> String {
    match r {
        Repair::ResumedPush { operations } => format!(
            "Finished the interrupted push ({})",
            count(*operations, "change", "changes")
        ),
        Repair::RefreshedTracking { changes } => format!(
            "Pulled {} from Targetprocess (none of your edits were involved)",
            count(*changes, "change", "changes")
        ),
        Repair::RebuiltSnapshot { conflicts } => format!(
            "Read the plan again from Targetprocess and merged it ({} open)",
            count(*conflicts, "conflict", "conflicts")
        ),
    }
}

/// Undoing the latest push: what it would write back, or what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RollbackDto {
    /// Open conflicts must be settled first.
    Blocked { conflicts: u32 },
    /// Nothing of the push can be written back (see `left`).
    NothingToUndo { push: PushRefDto, left: Vec<String> },
    /// What undoing the push would write to Targetprocess (nothing was sent). `deletes`: it
    /// deletes items the push created, which needs a confirmation.
    Preview {
        push: PushRefDto,
        ops: Vec<OpDto>,
        left: Vec<String>,
        deletes: bool,
    },
    /// The push was undone: what Targetprocess accepted and refused.
    Undone {
        push: PushRefDto,
        sent: Vec<OpDto>,
        refused: Vec<String>,
        left: Vec<String>,
    },
}

/// The push a rollback undoes: who made it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushRefDto {
    pub id: String,
    pub who: String,
    /// RFC 3339.
    pub at: String,
}

/// A push of the plan's history that "Undo a push" offers, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushEntryDto {
    pub push: PushRefDto,
    /// What the push sent, in words (the op log's summary).
    pub summary: String,
    /// The latest push (the one undone when none is picked).
    pub latest: bool,
}

impl RollbackDto {
    /// `push`: the op-log entry of the push the plan undoes.
    pub fn new(o: &RollbackOutcome, push: impl Fn(&str) -> PushRefDto, names: &Names) -> Self {
        let ops = |p: &RollbackPlan| p.ops.iter().map(|op| OpDto::new(op, names)).collect();
        match o {
            RollbackOutcome::Blocked { conflicts } => Self::Blocked {
                conflicts: u32::try_from(*conflicts).unwrap_or(u32::MAX),
            },
            RollbackOutcome::NothingToRollBack(p) => Self::NothingToUndo {
                push: push(&p.op_id),
                left: left(p),
            },
            RollbackOutcome::Preview(p) | RollbackOutcome::NeedsConfirmation(p) => Self::Preview {
                push: push(&p.op_id),
                ops: ops(p),
                left: left(p),
                deletes: p.ops.iter().any(pi_model::changeset::Op::is_delete),
            },
            RollbackOutcome::RolledBack { plan, report } => Self::Undone {
                push: push(&plan.op_id),
                sent: report
                    .ops
                    .iter()
                    .filter(|r| r.result.is_ok())
                    .map(|r| OpDto::new(&r.op, names))
                    .collect(),
                refused: report
                    .ops
                    .iter()
                    .filter_map(|r| {
                        let why = r.result.as_ref().err()?;
                        let what = OpDto::new(&r.op, names).lines.join("; ");
                        Some(format!("{what} — {why}"))
                    })
                    .collect(),
                left: left(plan),
            },
        }
    }
}

/// What a rollback leaves as it is: fields changed in Targetprocess since the push, and what
/// cannot be undone.
fn left(p: &RollbackPlan) -> Vec<String> {
    let conflicts = p.conflicts.iter().map(|c| match c.field {
        Some(f) => format!(
            "{} of \"{}\" is left as it is: Targetprocess changed it since the push ({})",
            f.label(),
            c.name,
            c.current
        ),
        None => format!(
            "\"{}\" is left as it is: it changed in Targetprocess since the push",
            c.name
        ),
    });
    let irreversible = p.irreversible.iter().map(|i| match i.field {
        Some(f) => format!("{} of \"{}\" cannot be undone here", f.label(), i.name),
        None => format!(
            "\"{}\" was deleted by the push and cannot be brought back here",
            i.name
        ),
    });
    conflicts.chain(irreversible).collect()
}
