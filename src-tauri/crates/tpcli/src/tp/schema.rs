//! `tpcli tp schema`: reads the account (pi-targetprocess's discovery) and says what it found
//! and why; `--write` merges the `[tp]` names into the repository's `pi-planner.toml`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use pi_model::StatusKind;
use pi_targetprocess::{Discovery, FindingSource};
use schemars::JsonSchema;
use serde::Serialize;

use super::merge::{self, Merge};
use crate::exit;
use crate::sync::connect::{self, TpArgs};
use crate::sync::{RepoArgs, block_on};
use crate::term;

const EXAMPLES: &str = "\
Examples:
  tpcli tp schema --tp-url https://acme.tpondemand.com   what the account calls things, and why
  tpcli tp schema --write                                 put the [tp] names into pi-planner.toml
  tpcli tp schema --write --force                         replace [tp] values that differ
  tpcli tp schema --json                                  {discovery, write} as JSON

The token is $TP_TOKEN, else the one `tpcli auth login` keeps in the keychain.
Exit codes: 0 done; 1 --write refused (values differ, --force not given); 2 the account or the
file cannot be read.";

/// Discover what this Targetprocess account calls the things PI Planner uses.
///
/// Reads /api/v1/Index/meta, the feature's and team objective's own metadata, the custom field
/// definitions, sample entities where metadata is missing or ambiguous, and the states of each
/// workflow. Prints each finding with its reason and the proposed [tp] section. With --write the
/// names are merged into pi-planner.toml at the repository root: other sections, keys and
/// comments are kept; a [tp] value that differs is only replaced with --force.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SchemaArgs {
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Merge the discovered [tp] names into pi-planner.toml.
    #[arg(long)]
    write: bool,
    /// With --write: replace [tp] values that differ from what was discovered.
    #[arg(long, requires = "write")]
    force: bool,
    /// Print {discovery, write} as JSON instead of words.
    #[arg(long)]
    json: bool,
}

/// `tpcli tp schema --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Report<'a> {
    /// The account read.
    url: &'a str,
    discovery: &'a Discovery,
    /// What --write did (`null` without --write).
    write: Option<&'a Merge>,
}

pub fn run(args: SchemaArgs) -> Result<u8> {
    let root = repo_root(&args.repo.repo);
    let ws = pi_engine::Workspace::open(&args.repo.repo).ok();
    let target = connect::target(&args.tp, ws.as_ref())?;
    let client = connect::client_at(&target, connect::schema_at(&root)?)?;
    let found = block_on(client.discover())?
        .with_context(|| format!("cannot read the account at {}", target.url()))?;
    let written = match args.write {
        true => Some(merge::write(
            &root.join(pi_model::CONFIG_FILE_NAME),
            &found,
            args.force,
        )?),
        false => None,
    };
    if args.json {
        let report = Report {
            url: target.url(),
            discovery: &found,
            write: written.as_ref(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_found(target.url(), &found);
        if let Some(w) = &written {
            print_write(w);
        }
    }
    Ok(match written {
        Some(w) if !w.conflicts.is_empty() => exit::FINDINGS,
        _ => exit::OK,
    })
}

/// The root of the git repository holding `dir` (where pi-planner.toml lives), else `dir`.
fn repo_root(dir: &Path) -> PathBuf {
    git2::Repository::discover(dir)
        .ok()
        .and_then(|r| r.workdir().map(Path::to_path_buf))
        .unwrap_or_else(|| dir.to_path_buf())
}

fn print_found(url: &str, found: &Discovery) {
    println!("Targetprocess {url}:");
    for f in &found.findings {
        let mark = if f.source == FindingSource::NotFound {
            "?"
        } else {
            "-"
        };
        println!("  {mark} {}", term::safe(&f.message));
    }
    for missing in &found.missing_resources {
        println!("  ? the account lists no {missing} resource; PI Planner reads it");
    }
    let states = |k| found.workflows.names(k).join(", ");
    println!(
        "\nWorkflows (list them under [statuses] to check plans against them):\n  team objectives: {}\n  features: {}",
        term::safe(&states(StatusKind::Objective)),
        term::safe(&states(StatusKind::Feature))
    );
    println!("\nProposed for pi-planner.toml:\n");
    print!("{}", term::safe(&merge::section(found)));
    if found.has_gaps() {
        println!("\nLines marked ? could not be decided; their values are the configured ones.");
    }
}

fn print_write(w: &Merge) {
    let path = w.path.display();
    match (w.written, w.conflicts.is_empty()) {
        (true, _) => println!(
            "\nwrote {path}: {} added, {} replaced, {} already so",
            w.added.len(),
            w.replaced.len(),
            w.unchanged.len()
        ),
        (false, true) => println!("\n{path} already says all of this; not changed"),
        (false, false) => {
            eprintln!(
                "\n{path} not changed: these [tp] values differ from what the account shows:"
            );
            for c in &w.conflicts {
                eprintln!(
                    "  tp.{}: the file says {}, the account shows {}",
                    c.key, c.file, c.found
                );
            }
            eprintln!("hint: check them, then run again with --write --force to replace them");
        }
    }
}
