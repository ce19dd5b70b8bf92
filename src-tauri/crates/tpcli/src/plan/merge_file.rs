//! `tpcli plan merge-file`: a field-level three-way merge of plan files, usable as a git merge
//! driver (`%O %A %B`, the result written over %A). Conflicts are written with markers around
//! just the conflicting fields; everything else merges by entity id and field. Entities a legacy
//! file wrote no id for are first matched to the base by place and content (`align_derived_ids`).
//!
//! It does not fall back to a line merge: a file that does not parse as a plan is reported with
//! its location and nothing is written.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use pi_format::{MarkerLabels, Parsed};
use pi_model::merge::{self, Change, Conflict};
use serde::Serialize;

use crate::exit;
use crate::files;

/// Merge three versions of a plan file field by field (a git merge driver).
///
/// Objectives and features are matched by id; each field merges on its own, descriptions line
/// by line and acceptance criteria item by item (criteria both sides add are all kept, local's
/// first). Only a field changed differently on both sides is a conflict: the result then holds
/// diff3-style markers around that field's lines alone. Files in any layout are read; epics an
/// old tpcli file wrote no id for are matched by their place and fields, so an epic renamed on
/// both sides is a name conflict, never two epics. The result is written in the current layout.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan merge-file base.md ours.md theirs.md           # result written over ours.md
  tpcli plan merge-file base.md ours.md theirs.md -o out.md
  tpcli plan merge-file base.md ours.md theirs.md --json    # conflicts and changes as JSON
  git config merge.pi-plan.driver 'tpcli plan merge-file %O %A %B'   # see install-merge-driver

Exit codes: 0 merged cleanly, 1 merged with conflicts (markers written), 2 an input cannot be \
read or parsed (nothing written).")]
pub struct MergeFileArgs {
    /// The common ancestor (git's %O).
    #[arg(value_name = "BASE")]
    base: PathBuf,
    /// Our version (git's %A); the result is written here unless --output is given.
    #[arg(value_name = "LOCAL")]
    local: PathBuf,
    /// Their version (git's %B).
    #[arg(value_name = "REMOTE")]
    remote: PathBuf,
    /// Write the result to this file instead of LOCAL.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Marker labels, in git merge-file's order: local, then base, then remote.
    #[arg(short = 'L', long = "label", value_name = "LABEL", num_args = 1, action = clap::ArgAction::Append)]
    labels: Vec<String>,
    /// Print {clean, output, conflicts: [...], changes: [...]} as JSON.
    #[arg(long)]
    json: bool,
}

/// `tpcli plan merge-file --json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Report<'a> {
    clean: bool,
    output: String,
    conflicts: &'a [Conflict],
    changes: &'a [Change],
}

pub fn run(args: MergeFileArgs) -> Result<u8> {
    let read = |path: &Path| {
        read_plan(path)
            .inspect_err(|message| eprintln!("{message}"))
            .ok()
    };
    let (base, local, remote) = (read(&args.base), read(&args.local), read(&args.remote));
    let (Some(base), Some(local), Some(remote)) = (base, local, remote) else {
        return Ok(exit::USAGE);
    };
    let (local_plan, remote_plan) = (aligned(&base, local), aligned(&base, remote));
    let out = merge::merge(&base.plan, &local_plan, &remote_plan);
    let labels = MarkerLabels {
        local: label(&args.labels, 0, "local"),
        base: label(&args.labels, 1, "base"),
        remote: label(&args.labels, 2, "remote"),
    };
    let text = pi_format::render_with_markers(&out.merged, &out.conflicts, labels);
    let target = args.output.as_deref().unwrap_or(&args.local);
    files::write_atomic(target, &text)?;
    let clean = out.conflicts.is_empty();
    if args.json {
        let report = Report {
            clean,
            output: target.display().to_string(),
            conflicts: &out.conflicts,
            changes: &out.changes,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_human(target, &text, &out.conflicts, out.changes.len());
    }
    Ok(if clean { exit::OK } else { exit::FINDINGS })
}

/// `side`'s plan with the entities whose ids its file did not carry (legacy epics, derived from
/// their names) given their base ids where a rename or move changed them, so that a rename is a
/// rename (a name conflict when both sides renamed differently), never a second entity.
fn aligned(base: &Parsed, mut side: Parsed) -> pi_model::Plan {
    let mut plan = std::mem::take(&mut side.plan);
    let base_derived = |id: &pi_model::EntityId| pi_format::is_legacy_id(id);
    let side_derived = |id: &pi_model::EntityId| side.is_derived_id(id);
    let derived = merge::Derived {
        base: &base_derived,
        side: &side_derived,
    };
    merge::align_derived_ids(&base.plan, &mut plan, &derived);
    plan
}

fn label<'a>(labels: &'a [String], i: usize, default: &'a str) -> &'a str {
    labels.get(i).map_or(default, String::as_str)
}

/// Reads and parses one input; the error is every problem as `FILE:LINE:COLUMN: message`.
fn read_plan(path: &Path) -> std::result::Result<Parsed, String> {
    let text = files::read_text(path).map_err(|e| format!("error: {e:#}"))?;
    pi_format::parse(&text).map_err(|errors| {
        errors
            .0
            .iter()
            .map(|e| format!("{}:{e}", path.display()))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn print_human(target: &Path, text: &str, conflicts: &[Conflict], changes: usize) {
    let name = target.display();
    if conflicts.is_empty() {
        println!(
            "{name}: merged cleanly ({changes} change{})",
            plural(changes)
        );
        return;
    }
    for c in conflicts {
        let what = c
            .field
            .map_or("whole entity".to_owned(), |f| f.label().to_owned());
        println!(
            "{name}: conflict in {} {} \"{}\", {what}: local {}, base {}, remote {}",
            kind(c),
            c.entity,
            c.name,
            c.local,
            c.base,
            c.remote
        );
    }
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("<<<<<<<"))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    println!(
        "{name}: {} conflict{}, markers at line{} {}",
        conflicts.len(),
        plural(conflicts.len()),
        plural(lines.len()),
        lines.join(", ")
    );
}

fn kind(c: &Conflict) -> &'static str {
    match c.kind {
        merge::EntityKind::Objective => "objective",
        merge::EntityKind::Feature => "feature",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
