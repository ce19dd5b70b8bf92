//! The train forms of `tpcli plan status`, `report` and `resolve` (`--art NAME [--root DIR]`):
//! over the team plans under the root, in the layout of `sync-all --art`.

use std::path::Path;

use anyhow::{Result, bail};
use pi_engine::{Selector, Workspace};
use pi_model::merge::{Conflict, EntityKind, Resolution};
use pi_reports::report::Format;
use pi_reports::train::{TeamStatus, TrainStatus, render, train_status};
use schemars::JsonSchema;
use serde::Serialize;

use super::connect;
use super::words::{conflict, plural};
use crate::exit;

/// The train's team plans under `root`; an error naming what was found when there is none.
pub fn read(root: &Path, art: &str) -> Result<TrainStatus> {
    let status = train_status(root, art)?;
    if status.teams.is_empty() {
        let found: Vec<String> = status
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.dir, s.reason))
            .collect();
        bail!(
            "no plan of ART {art:?} under {}{}; `tpcli plan sync-all --art {art:?} --root {}` sets them up",
            root.display(),
            if found.is_empty() {
                String::new()
            } else {
                format!(" (found: {})", found.join("; "))
            },
            root.display()
        );
    }
    Ok(status)
}

/// `tpcli plan status --art`: 1 when a team needs attention.
pub fn status(root: &Path, art: &str, json: bool) -> Result<u8> {
    let train = read(root, art)?;
    if json {
        let code = code(&train);
        crate::output::print(&StatusOutput::Train(train))?;
        return Ok(code);
    } else {
        print!("{}", render(&train, Format::Text));
    }
    Ok(code(&train))
}

/// `tpcli plan report --art`; `format` `None`: JSON.
pub fn report(root: &Path, art: &str, format: Option<Format>) -> Result<u8> {
    let train = read(root, art)?;
    match format {
        Some(f) => print!("{}", render(&train, f)),
        None => crate::output::print_pretty(&train)?,
    }
    Ok(code(&train))
}

fn code(train: &TrainStatus) -> u8 {
    if train.teams.iter().any(|t| t.needs_attention) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// Which of the train's conflicts a batch resolution settles.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub field: Option<pi_model::Field>,
    pub kind: Option<EntityKind>,
    /// A team's name or folder (any case).
    pub team: Option<String>,
}

impl Filter {
    fn team(&self, t: &TeamStatus) -> bool {
        self.team
            .as_ref()
            .is_none_or(|w| t.team.eq_ignore_ascii_case(w) || t.dir.eq_ignore_ascii_case(w))
    }

    fn conflict(&self, c: &Conflict) -> bool {
        self.kind.is_none_or(|k| k == c.kind) && self.field.is_none_or(|f| c.field == Some(f))
    }
}

/// One conflict of a batch resolution, and what became of it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchConflict {
    pub team: String,
    pub dir: String,
    pub conflict: Conflict,
    /// Settled (false in a dry run, or when it failed: see `error`).
    pub resolved: bool,
    pub error: Option<String>,
}

/// `tpcli plan resolve --art --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchResolveView {
    pub art: String,
    pub dry_run: bool,
    /// Every conflict the rule settles, team by team.
    pub conflicts: Vec<BatchConflict>,
}

/// `tpcli plan resolve --art`: a preview of every conflict `filter` picks across the train,
/// then (unless `dry_run`) one attributed resolution per conflict, as `tpcli plan resolve`
/// makes it. 1 when nothing matches or a resolution failed.
pub fn resolve(
    root: &Path,
    art: &str,
    filter: &Filter,
    resolution: &Resolution,
    dry_run: bool,
    json: bool,
) -> Result<u8> {
    let train = read(root, art)?;
    let mut batch = BatchResolveView {
        art: train.art.clone(),
        dry_run,
        conflicts: Vec::new(),
    };
    for t in train.teams.iter().filter(|t| filter.team(t)) {
        let picked: Vec<&Conflict> = t.conflicts.iter().filter(|c| filter.conflict(c)).collect();
        if !json && !picked.is_empty() {
            println!("{} ({}):", t.team, t.dir);
            for c in &picked {
                println!("  {}", conflict(c));
            }
        }
        for c in picked {
            let error = if dry_run {
                None
            } else {
                resolve_one(&root.join(&t.dir), c, resolution).err()
            };
            batch.conflicts.push(BatchConflict {
                team: t.team.clone(),
                dir: t.dir.clone(),
                conflict: c.clone(),
                resolved: !dry_run && error.is_none(),
                error: error.map(|e| format!("{e:#}")),
            });
        }
    }
    print_batch(batch, json)
}

/// One conflict settled in its team's plan, attributed to the planner of that folder.
fn resolve_one(dir: &Path, c: &Conflict, resolution: &Resolution) -> Result<()> {
    let ws = Workspace::open(dir)?;
    let me = connect::identity(dir)?;
    let selector = Selector {
        entity: Some(c.entity.clone()),
        field: c.field,
    };
    pi_engine::resolve(&me, chrono::Utc::now(), &ws, &selector, resolution)?;
    Ok(())
}

fn print_batch(batch: BatchResolveView, json: bool) -> Result<u8> {
    let failed = batch.conflicts.iter().filter(|c| c.error.is_some()).count();
    let code = if batch.conflicts.is_empty() || failed > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    };
    if json {
        crate::output::print(&ResolveOutput::Train(batch))?;
    } else if batch.conflicts.is_empty() {
        println!("No conflict of the train matches: nothing to resolve.");
    } else {
        let n = plural(batch.conflicts.len(), "conflict", "conflicts");
        let teams: std::collections::BTreeSet<&str> =
            batch.conflicts.iter().map(|c| c.team.as_str()).collect();
        let teams = plural(teams.len(), "team", "teams");
        if batch.dry_run {
            println!("Would resolve {n} in {teams}; nothing was changed (--dry-run).");
        } else {
            println!(
                "Resolved {} of {n} in {teams}.",
                batch.conflicts.len() - failed
            );
        }
        for c in batch.conflicts.iter().filter(|c| c.error.is_some()) {
            let error = c.error.as_deref().unwrap_or_default();
            println!("  {}: not resolved: {error}", c.team);
        }
    }
    Ok(code)
}

/// `tpcli plan status --json`: one plan's status, or with `--art` the train's.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StatusOutput {
    Plan(crate::output::views::StatusView),
    Train(TrainStatus),
}

/// `tpcli plan resolve --json`: one plan's resolution, or with `--art` the train's batch.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ResolveOutput {
    Plan(pi_engine::ResolveReport),
    Train(BatchResolveView),
}
