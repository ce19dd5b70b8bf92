//! `tpcli plan new objective|feature --template NAME`: add an objective or a feature from a
//! template of `[templates]` in `pi-planner.toml`, validated and committed like a saved edit.

use anyhow::Result;
use clap::{Args, Subcommand};
use pi_engine::templates::{self, Addition, Ids};
use pi_model::EntityId;

use super::RepoArgs;
use crate::exit;

/// Add an objective or a feature from a template.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan new objective --template enablement --name \"Self-service onboarding\"
  tpcli plan new feature --template spike --objective tp:2019099

Templates live in pi-planner.toml under [templates] (see docs/approvals.md). The new item gets
a local id (new:...) until the next push creates it in Targetprocess.")]
pub struct NewArgs {
    #[command(subcommand)]
    what: NewKind,
}

#[derive(Debug, Subcommand)]
enum NewKind {
    /// A team objective (with the template's features).
    Objective(NewObjective),
    /// A feature under an objective of the plan.
    Feature(NewFeature),
}

#[derive(Debug, Args)]
struct NewObjective {
    /// The objective template.
    #[arg(long, value_name = "NAME")]
    template: String,
    /// Name the objective differently from the template.
    #[arg(long, value_name = "TEXT")]
    name: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
}

#[derive(Debug, Args)]
struct NewFeature {
    /// The feature template.
    #[arg(long, value_name = "NAME")]
    template: String,
    /// The objective the feature delivers (its id, e.g. tp:2019099).
    #[arg(long, value_name = "ID")]
    objective: EntityId,
    /// Name the feature differently from the template.
    #[arg(long, value_name = "TEXT")]
    name: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
}

pub fn run(args: NewArgs) -> Result<u8> {
    let (addition, repo) = match args.what {
        NewKind::Objective(a) => (
            Addition::Objective {
                template: a.template,
                name: a.name,
            },
            a.repo,
        ),
        NewKind::Feature(a) => (
            Addition::Feature {
                template: a.template,
                objective: a.objective,
                name: a.name,
            },
            a.repo,
        ),
    };
    let ws = pi_engine::Workspace::open(&repo.repo)?;
    let me = super::connect::identity(&repo.repo)?;
    let now = chrono::Utc::now();
    match templates::add(&ws, &me, now, &addition, &mut Ids::new(&seed(now))) {
        Ok(ids) => {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            println!("Added {} to {}.", ids.join(", "), ws.plan_file());
            Ok(exit::OK)
        }
        Err(pi_engine::EngineError::Template(e)) => {
            println!("Not added: {e}.");
            Ok(exit::FINDINGS)
        }
        Err(e) => Err(e.into()),
    }
}

/// A short id seed unique to the moment: the time in milliseconds, base 36.
pub fn seed(now: chrono::DateTime<chrono::Utc>) -> String {
    let mut n = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    let mut out = Vec::new();
    while n > 0 || out.is_empty() {
        out.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}
