//! `tpcli tp`: commands about the Targetprocess account itself rather than a plan.

pub mod merge;
pub mod schema;

use clap::{Args, Subcommand};

/// Look at the Targetprocess account: what it calls things (schema).
#[derive(Debug, Args)]
pub struct TpArgs {
    #[command(subcommand)]
    command: TpCommand,
}

#[derive(Debug, Subcommand)]
enum TpCommand {
    /// Discover the account's resource, link and custom field names and its workflows, and
    /// propose (or write) the [tp] section of pi-planner.toml.
    Schema(schema::SchemaArgs),
}

pub fn run(args: TpArgs) -> anyhow::Result<u8> {
    match args.command {
        TpCommand::Schema(a) => schema::run(a),
    }
}
