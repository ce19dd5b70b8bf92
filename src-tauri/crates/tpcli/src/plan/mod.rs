//! `tpcli plan ...`: work with a team's plan file.

mod migrate;
mod show;
mod validate;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    Validate(validate::ValidateArgs),
    Migrate(migrate::MigrateArgs),
    Show(show::ShowArgs),
}

pub fn run(args: PlanArgs) -> anyhow::Result<u8> {
    match args.command {
        PlanCommand::Validate(a) => validate::run(a),
        PlanCommand::Migrate(a) => migrate::run(a),
        PlanCommand::Show(a) => show::run(a),
    }
}
