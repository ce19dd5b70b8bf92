//! `tpcli plan migrate`: rewrite a legacy tpcli plan file in the current format.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use pi_format::Layout;

use crate::exit;
use crate::files;

/// Rewrite a plan file written by the earlier tpcli tool in the current format.
///
/// Every field is kept; volatile sync timestamps (exported_at, synced_at, Last Synced) are
/// dropped. Features without a TP id get a stable local id until the next pull matches them.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan migrate pi-4-25.platform-eco.md              # rewrite the file in place
  tpcli plan migrate old-plan.md -o pi-4-25.platform-eco.md
  tpcli plan migrate old-plan.md -o -                     # print to standard output")]
pub struct MigrateArgs {
    /// The legacy plan file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Where to write the result (`-` for standard output). Default: rewrite FILE in place.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Print what was done as JSON: {written, layout, objectives, features, warnings}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: MigrateArgs) -> Result<u8> {
    let text = files::read_text(&args.file)?;
    let name = args.file.display();
    let parsed = match pi_format::parse(&text) {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{name}:{e}");
            }
            bail!("{name} cannot be migrated until the errors above are fixed");
        }
    };
    if !args.json {
        for w in &parsed.warnings {
            eprintln!(
                "{name}:{}:{}: warning: {}",
                w.at.line, w.at.column, w.message
            );
        }
    }
    let rendered = pi_format::render(&parsed.plan);
    let target = args.output.unwrap_or_else(|| args.file.clone());
    if target.as_os_str() == "-" {
        print!("{rendered}");
        return Ok(exit::OK);
    }
    let unchanged = parsed.layout == Layout::Current && target == args.file;
    if !unchanged {
        files::write_atomic(&target, &rendered)?;
    }
    if args.json {
        crate::output::print(&crate::output::views::MigrateView {
            written: (!unchanged).then(|| target.display().to_string()),
            layout: parsed.layout,
            objectives: parsed.plan.objectives.len(),
            features: parsed.plan.features().count(),
            warnings: parsed.warnings,
        })?;
        return Ok(exit::OK);
    }
    if unchanged {
        eprintln!("{name} is already in the current format; nothing to do");
        return Ok(exit::OK);
    }
    eprintln!(
        "wrote {} ({} objectives, {} features)",
        target.display(),
        parsed.plan.objectives.len(),
        parsed.plan.features().count()
    );
    Ok(exit::OK)
}
