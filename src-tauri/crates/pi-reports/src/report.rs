//! The change summary between two plan versions: counts by kind, effort delta, status changes,
//! new and dropped commitments, who changed what (commit authors and trailers) and the operations
//! logged meanwhile — as data, and as terminal text, markdown or a standalone HTML page (the
//! same renderings serve a plain [`Comparison`]).
//!
//! It deliberately prints nothing and writes nothing.

pub(crate) mod doc;
mod sections;

use pi_model::diff::{EntityDiff, Presence};
use pi_model::merge::{EntityKind, FieldValue};
use pi_model::{EntityId, Field};
use serde::{Deserialize, Serialize};

use crate::history::{self, Comparison, Rev};
use pi_engine::error::Result;
use pi_engine::oplog::{self, Actor, OpKind};
use pi_engine::workspace::Workspace;

pub use doc::{Block, Doc, Section, Span, html_escape, md_escape};
pub use sections::{actor, report_doc};

/// How many entities changed, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub objectives_added: usize,
    pub objectives_removed: usize,
    pub objectives_changed: usize,
    pub features_added: usize,
    pub features_removed: usize,
    pub features_moved: usize,
    pub features_changed: usize,
}

/// An objective or feature named in a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub kind: EntityKind,
    pub id: EntityId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<f64>,
}

/// A status that changed (added and removed entities are not listed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    pub item: Item,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What one actor changed in the range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub who: Actor,
    pub commits: usize,
    /// Names of the objectives and features they changed, first change first.
    pub changed: Vec<String>,
}

/// An operation-log entry in the range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    pub kind: OpKind,
    pub who: Actor,
    pub at: String,
    pub summary: String,
}

/// The change summary from one version to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeReport {
    pub comparison: Comparison,
    pub counts: Counts,
    pub status_changes: Vec<StatusChange>,
    pub new_commitments: Vec<Item>,
    pub dropped_commitments: Vec<Item>,
    pub contributors: Vec<Contribution>,
    pub operations: Vec<Operation>,
}

/// The version a report starts from when none is named: the latest baseline of the plan (scope
/// drift since the PI planning event), else the last Targetprocess state pulled.
pub fn default_since(ws: &Workspace) -> Result<Rev> {
    Ok(match crate::baseline::latest(ws)? {
        Some(b) => Rev::Baseline(b.name),
        None => Rev::Tracking,
    })
}

/// The change summary from `since` to `until`.
pub fn report(ws: &Workspace, since: &Rev, until: &Rev) -> Result<ChangeReport> {
    let comparison = history::compare(ws, since, until)?;
    let entities = &comparison.diff.entities;
    let since_commit = commit_of(&comparison.before)?;
    let until_rev = comparison
        .after
        .commit
        .as_ref()
        .map_or_else(|| ws.names.working(), |c| c.id.clone());
    let commits = history::changes(ws, &until_rev, since_commit, None)?;
    let since_time = comparison.before.commit.as_ref().map(|c| c.at.clone());
    let operations = operations(ws, since_time.as_deref())?;
    Ok(ChangeReport {
        counts: counts(entities),
        status_changes: entities.iter().filter_map(status_change).collect(),
        new_commitments: commitments(entities, true),
        dropped_commitments: commitments(entities, false),
        contributors: contributors(&commits),
        operations,
        comparison,
    })
}

fn commit_of(v: &history::VersionInfo) -> Result<Option<pi_git::Oid>> {
    v.commit
        .as_ref()
        .map(|c| pi_git::Oid::from_str(&c.id).map_err(pi_git::GitError::from))
        .transpose()
        .map_err(Into::into)
}

fn counts(entities: &[EntityDiff]) -> Counts {
    let mut c = Counts::default();
    for e in entities {
        let slot = match (e.kind, e.presence) {
            (EntityKind::Objective, Presence::Added) => &mut c.objectives_added,
            (EntityKind::Objective, Presence::Removed) => &mut c.objectives_removed,
            (EntityKind::Objective, Presence::Changed) => &mut c.objectives_changed,
            (EntityKind::Feature, Presence::Added) => &mut c.features_added,
            (EntityKind::Feature, Presence::Removed) => &mut c.features_removed,
            (EntityKind::Feature, Presence::Changed) if e.fields.is_empty() => {
                &mut c.features_moved
            }
            (EntityKind::Feature, Presence::Changed) => {
                if e.moved.is_some() {
                    c.features_moved += 1;
                }
                &mut c.features_changed
            }
        };
        *slot += 1;
    }
    c
}

fn item(e: &EntityDiff, side: fn(&pi_model::diff::FieldDiff) -> &FieldValue) -> Item {
    let effort = e.field(Field::Effort).and_then(|f| match side(f) {
        FieldValue::Effort(Some(x)) => Some(x.points()),
        _ => None,
    });
    Item {
        kind: e.kind,
        id: e.id.clone(),
        name: e.name.clone(),
        effort,
    }
}

fn status_change(e: &EntityDiff) -> Option<StatusChange> {
    let f = e
        .field(Field::Status)
        .filter(|_| e.presence == Presence::Changed)?;
    let text = |v: &FieldValue| match v {
        FieldValue::OptText(s) => s.clone(),
        _ => None,
    };
    Some(StatusChange {
        item: item(e, |f| &f.after),
        from: text(&f.before),
        to: text(&f.after),
    })
}

/// Objectives committed in the new version and not in the old (`new`), or the reverse.
fn commitments(entities: &[EntityDiff], new: bool) -> Vec<Item> {
    entities
        .iter()
        .filter(|e| e.kind == EntityKind::Objective)
        .filter(|e| {
            let flag = e.field(Field::Committed);
            let (gained, lost) = match e.presence {
                Presence::Added => (
                    flag.is_some_and(|f| f.after == FieldValue::Flag(true)),
                    false,
                ),
                Presence::Removed => (
                    false,
                    flag.is_some_and(|f| f.before == FieldValue::Flag(true)),
                ),
                Presence::Changed => (
                    flag.is_some_and(|f| f.after == FieldValue::Flag(true)),
                    flag.is_some_and(|f| f.before == FieldValue::Flag(true)),
                ),
            };
            if new { gained } else { lost }
        })
        .map(|e| item(e, if new { |f| &f.after } else { |f| &f.before }))
        .collect()
}

fn contributors(commits: &[history::VersionChange]) -> Vec<Contribution> {
    let mut out: Vec<Contribution> = Vec::new();
    for c in commits.iter().rev() {
        let pos = match out.iter().position(|x| x.who == c.commit.who) {
            Some(pos) => pos,
            None => {
                out.push(Contribution {
                    who: c.commit.who.clone(),
                    commits: 0,
                    changed: Vec::new(),
                });
                out.len() - 1
            }
        };
        let entry = &mut out[pos];
        entry.commits += 1;
        for e in &c.changes {
            if !entry.changed.contains(&e.name) {
                entry.changed.push(e.name.clone());
            }
        }
    }
    out
}

/// Operation-log entries at or after `since` (RFC 3339), oldest first; all when `None`.
fn operations(ws: &Workspace, since: Option<&str>) -> Result<Vec<Operation>> {
    let since = since.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok());
    Ok(oplog::entries(&ws.repo, &ws.names.oplog_ref())?
        .into_iter()
        .filter(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(&e.at).ok();
            since.is_none_or(|s| at.is_none_or(|a| a >= s))
        })
        .map(|e| Operation {
            id: e.id,
            kind: e.kind,
            who: e.actor,
            at: e.at,
            summary: e.summary,
        })
        .collect())
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Html,
}

fn render_doc(doc: &Doc, format: Format) -> String {
    match format {
        Format::Text => doc::text(doc),
        Format::Markdown => doc::markdown(doc),
        Format::Html => doc::html(doc),
    }
}

/// A comparison as text, markdown or HTML.
pub fn render_comparison(c: &Comparison, format: Format) -> String {
    render_doc(&sections::comparison_doc(c), format)
}

/// A change report as text, markdown or HTML.
pub fn render_report(r: &ChangeReport, format: Format) -> String {
    render_doc(&sections::report_doc(r), format)
}
