//! The commits in which the plan (or one entity) changed, with what changed in each.
//!
//! A commit is listed for a change only when its version differs from every parent's. For a
//! merge commit, a change that one parent already had came from that side and is listed at
//! the commit that made it there (a teammate's edit, a Targetprocess snapshot); the merge itself
//! is credited only with what differs from all its parents (a conflict resolution, fields of
//! both sides combined into a new value). So concurrent edits are each attributed to whoever
//! made them.

use std::collections::HashMap;
use std::rc::Rc;

use pi_git::Oid;
use pi_model::diff::{EntityDiff, diff};
use pi_model::{EntityId, Plan};
use serde::{Deserialize, Serialize};

use super::CommitRef;
use super::focus::Focus;
use pi_engine::error::{EngineError, Result};
use pi_engine::oplog;
use pi_engine::workspace::{self, Workspace};

/// One commit and what it changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionChange {
    pub commit: CommitRef,
    pub changes: Vec<EntityDiff>,
}

/// Every version in which objective or feature `id` changed, newest first, reachable from the
/// working branch (which holds the pulled Targetprocess snapshots through its merges).
pub fn objective_history(ws: &Workspace, id: &EntityId) -> Result<Vec<VersionChange>> {
    let log = oplog::entries(&ws.repo, &ws.names.oplog_ref())?;
    let focus = Focus::new(id, &log);
    changes(ws, &ws.names.working(), None, Some(&focus))
}

/// The commits reachable from `rev` (and not from `since`) that changed the plan, newest first,
/// each with what it changed; only changes of `focus` when given.
pub fn changes(
    ws: &Workspace,
    rev: &str,
    since: Option<Oid>,
    focus: Option<&Focus>,
) -> Result<Vec<VersionChange>> {
    let mut versions = Versions::new(ws, focus);
    let mut out = Vec::new();
    for c in ws.repo.history(rev, &ws.plan_file(), None)? {
        if let Some(since) = since
            && (c.id == since || ws.repo.is_ancestor(c.id, since)?)
        {
            continue;
        }
        let after = versions.at(Some(c.id))?;
        let mut befores = Vec::with_capacity(c.parents.len().max(1));
        if c.parents.is_empty() {
            befores.push(versions.at(None)?);
        }
        for p in &c.parents {
            befores.push(versions.at(Some(*p))?);
        }
        let mut changes = introduced(&befores, &after);
        if let Some(focus) = focus {
            changes.retain(|e| focus.concerns(e));
        }
        if !changes.is_empty() {
            out.push(VersionChange {
                commit: CommitRef::of(&c),
                changes,
            });
        }
    }
    Ok(out)
}

/// Parsed (and cut) plan versions by commit, each text parsed once.
struct Versions<'a> {
    ws: &'a Workspace,
    focus: Option<&'a Focus>,
    by_commit: HashMap<Oid, Rc<Plan>>,
    by_text: HashMap<Vec<u8>, Rc<Plan>>,
    empty: Rc<Plan>,
}

impl<'a> Versions<'a> {
    fn new(ws: &'a Workspace, focus: Option<&'a Focus>) -> Self {
        Versions {
            ws,
            focus,
            by_commit: HashMap::new(),
            by_text: HashMap::new(),
            empty: Rc::new(Plan::default()),
        }
    }

    /// The plan in `commit` (`None`: before the first commit); empty when it has no plan file.
    fn at(&mut self, commit: Option<Oid>) -> Result<Rc<Plan>> {
        let Some(id) = commit else {
            return Ok(self.empty.clone());
        };
        if let Some(plan) = self.by_commit.get(&id) {
            return Ok(plan.clone());
        }
        let file = self.ws.plan_file();
        let plan = match self.ws.repo.read_file_at(id, &file)? {
            None => self.empty.clone(),
            Some(bytes) => match self.by_text.get(&bytes) {
                Some(plan) => plan.clone(),
                None => {
                    let plan = Rc::new(self.parse(id, &file, &bytes)?);
                    self.by_text.insert(bytes, plan.clone());
                    plan
                }
            },
        };
        self.by_commit.insert(id, plan.clone());
        Ok(plan)
    }

    fn parse(&self, id: Oid, file: &str, bytes: &[u8]) -> Result<Plan> {
        let text = std::str::from_utf8(bytes).map_err(|_| EngineError::History {
            file: file.to_owned(),
            commit: id.to_string(),
            missing: false,
        })?;
        let plan = workspace::parse(&format!("{id}:{file}"), text)?;
        Ok(match self.focus {
            Some(focus) => focus.cut(&plan),
            None => plan,
        })
    }
}

/// What `after` changed relative to all of `befores` (its parents' versions).
fn introduced(befores: &[Rc<Plan>], after: &Plan) -> Vec<EntityDiff> {
    if befores.iter().any(|b| **b == *after) {
        return Vec::new();
    }
    let mut diffs = befores.iter().map(|b| diff(b, after).entities);
    let mut first = diffs.next().unwrap_or_default();
    let others: Vec<Vec<EntityDiff>> = diffs.collect();
    if others.is_empty() {
        return first;
    }
    first.retain_mut(|e| {
        let same: Vec<&EntityDiff> = others
            .iter()
            .filter_map(|d| d.iter().find(|o| o.id == e.id && o.kind == e.kind))
            .collect();
        if same.len() < others.len() {
            return false;
        }
        e.fields.retain(|f| {
            same.iter()
                .all(|o| o.field(f.field).is_some_and(|g| g.after == f.after))
        });
        if e.moved.is_some() && !same.iter().all(|o| o.moved.is_some()) {
            e.moved = None;
        }
        let same_presence = e.presence != pi_model::diff::Presence::Changed
            && same.iter().all(|o| o.presence == e.presence);
        !e.fields.is_empty() || e.moved.is_some() || same_presence
    });
    first
}
