//! `tpcli plan show`: print a parsed plan, for people or (with --json) for scripts.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use pi_model::Plan;

use crate::exit;
use crate::files;

/// Print a plan: a readable summary, or with --json every entity and field (ids included).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan show pi-4-25.platform-eco.md
  tpcli plan show pi-4-25.platform-eco.md --json | jq '.objectives[].name'")]
pub struct ShowArgs {
    /// The plan file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the whole plan as JSON (art, release, team, meta, program_objectives, objectives
    /// with their features, notes).
    #[arg(long)]
    json: bool,
}

pub fn run(args: ShowArgs) -> Result<u8> {
    let text = files::read_text(&args.file)?;
    let name = args.file.display();
    let plan = match pi_format::parse(&text) {
        Ok(p) => p.plan,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{}", crate::term::safe(&format!("{name}:{e}")));
            }
            bail!("{name} is not a readable plan");
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        print!("{}", crate::term::safe(&summary(&plan)));
    }
    Ok(exit::OK)
}

fn points(effort: Option<pi_model::Effort>) -> String {
    effort.map_or_else(|| "no effort".to_owned(), |e| format!("{e} points"))
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn summary(plan: &Plan) -> String {
    let mut out = format!(
        "{} — {} ({})\n",
        plan.release.name, plan.team.name, plan.art.name
    );
    let total: f64 = plan
        .objectives
        .iter()
        .filter_map(|o| o.effort)
        .map(|e| e.points())
        .sum();
    out.push_str(&format!(
        "{}, {}, {} points\n",
        count(plan.objectives.len(), "objective"),
        count(plan.features().count(), "feature"),
        total
    ));
    for o in &plan.objectives {
        let status = o.status.as_deref().unwrap_or("no status");
        let committed = if o.committed {
            "committed"
        } else {
            "uncommitted"
        };
        let owner = o.owner.as_deref().unwrap_or("no owner");
        out.push_str(&format!("\n{}  {}\n", o.id, o.name));
        out.push_str(&format!(
            "    {status}, {}, {committed}, {owner}\n",
            points(o.effort)
        ));
        for f in &o.features {
            let jira = f
                .jira
                .as_ref()
                .map_or(String::new(), |j| format!(" [{}]", j.key));
            out.push_str(&format!(
                "    - {}  {} ({}){jira}\n",
                f.id,
                f.name,
                points(f.effort)
            ));
        }
    }
    out
}
