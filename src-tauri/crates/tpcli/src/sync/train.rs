//! The train forms of `tpcli plan status`, `report` and `resolve` (`--art NAME [--root DIR]`):
//! over the team plans under the root, in the layout of `sync-all --art`.

use std::path::Path;

use anyhow::{Result, bail};
use pi_model::merge::Resolution;
use pi_reports::report::Format;
use pi_reports::train::{
    BatchConflict, BatchFilter, Resolver, TrainStatus, batch_resolve, render, train_status,
};
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
pub type Filter = BatchFilter;

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
    let me_of = |dir: &Path| connect::identity(dir).map_err(|e| format!("{e:#}"));
    let apply: Option<Resolver<'_>> = (!dry_run).then_some(&me_of);
    let conflicts = batch_resolve(root, &train, filter, resolution, apply);
    if !json {
        let mut team = None;
        for c in &conflicts {
            if team != Some(&c.dir) {
                println!("{} ({}):", c.team, c.dir);
                team = Some(&c.dir);
            }
            println!("  {}", conflict(&c.conflict));
        }
    }
    let batch = BatchResolveView {
        art: train.art.clone(),
        dry_run,
        conflicts,
    };
    print_batch(batch, json)
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
