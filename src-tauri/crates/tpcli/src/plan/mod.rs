//! `tpcli plan ...`: work with a team's plan file.

mod merge_driver;
mod merge_file;
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
    MergeFile(merge_file::MergeFileArgs),
    InstallMergeDriver(merge_driver::InstallArgs),
}

pub fn run(args: PlanArgs) -> anyhow::Result<u8> {
    match args.command {
        PlanCommand::Validate(a) => validate::run(a),
        PlanCommand::Migrate(a) => migrate::run(a),
        PlanCommand::Show(a) => show::run(a),
        PlanCommand::MergeFile(a) => merge_file::run(a),
        PlanCommand::InstallMergeDriver(a) => merge_driver::run(a),
    }
}
