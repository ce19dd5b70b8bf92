//! `tpcli plan ...`: work with a team's plan file and keep it in sync with Targetprocess.

mod merge_driver;
pub(crate) mod merge_file;
mod migrate;
mod show;
pub(crate) mod validate;

use clap::{Args, Subcommand};

use pi_metrics::OperationKind;

use crate::sync;
use crate::sync::meter::measure;
use crate::sync::notify::around;

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    Init(sync::init::InitArgs),
    Pull(sync::pull::PullArgs),
    Push(sync::push::PushArgs),
    SyncAll(sync::sync_all::SyncAllArgs),
    Status(sync::status::StatusArgs),
    Resolve(sync::resolve::ResolveArgs),
    Rollback(sync::rollback::RollbackArgs),
    Resume(sync::push::ResumeArgs),
    Discard(sync::discard::DiscardArgs),
    Log(sync::log::LogArgs),
    Stats(sync::stats::StatsArgs),
    Backup(crate::backup::BackupArgs),
    Restore(crate::backup::RestoreArgs),
    Verify(sync::verify::VerifyArgs),
    Watch(sync::watch::WatchArgs),
    Diff(sync::diff::DiffArgs),
    Lint(sync::lint::LintArgs),
    Decompose(sync::decompose::DecomposeArgs),
    Digest(sync::digest::DigestArgs),
    Propose(sync::propose::ProposeArgs),
    Calendar(sync::calendar::CalendarArgs),
    Report(sync::report::ReportArgs),
    Baseline(sync::baseline::BaselineArgs),
    Approve(sync::approve::ApproveArgs),
    Approvals(sync::approve::ApprovalsArgs),
    Audit(sync::audit::AuditArgs),
    New(sync::new::NewArgs),
    Validate(validate::ValidateArgs),
    Migrate(migrate::MigrateArgs),
    Show(show::ShowArgs),
    MergeFile(merge_file::MergeFileArgs),
    InstallMergeDriver(merge_driver::InstallArgs),
}

pub fn run(args: PlanArgs) -> anyhow::Result<u8> {
    match args.command {
        PlanCommand::Init(a) => measure(OperationKind::Init, || sync::init::run(a)),
        PlanCommand::Pull(a) => measure(OperationKind::Pull, || {
            around("pull", || sync::pull::run(a))
        }),
        PlanCommand::Push(a) => measure(OperationKind::Push, || {
            around("push", || sync::push::run(a))
        }),
        PlanCommand::SyncAll(a) => sync::sync_all::run(a),
        PlanCommand::Status(a) => sync::status::run(a),
        PlanCommand::Resolve(a) => measure(OperationKind::Resolve, || {
            around("resolve", || sync::resolve::run(a))
        }),
        PlanCommand::Rollback(a) => measure(OperationKind::Rollback, || sync::rollback::run(a)),
        PlanCommand::Resume(a) => measure(OperationKind::Resume, || {
            around("resume", || sync::push::resume(a))
        }),
        PlanCommand::Discard(a) => sync::discard::run(a),
        PlanCommand::Log(a) => sync::log::run(a),
        PlanCommand::Stats(a) => sync::stats::run(a),
        PlanCommand::Backup(a) => crate::backup::backup(a),
        PlanCommand::Restore(a) => crate::backup::restore(a),
        PlanCommand::Verify(a) => sync::verify::run(a),
        PlanCommand::Watch(a) => sync::watch::run(a),
        PlanCommand::Diff(a) => sync::diff::run(a),
        PlanCommand::Lint(a) => sync::lint::run(a),
        PlanCommand::Decompose(a) => sync::decompose::run(a),
        PlanCommand::Digest(a) => sync::digest::run(a),
        PlanCommand::Propose(a) => sync::propose::run(a),
        PlanCommand::Calendar(a) => sync::calendar::run(a),
        PlanCommand::Report(a) => sync::report::run(a),
        PlanCommand::Baseline(a) => sync::baseline::run(a),
        PlanCommand::Approve(a) => around("approve", || sync::approve::run(a)),
        PlanCommand::Approvals(a) => sync::approve::list(a),
        PlanCommand::Audit(a) => sync::audit::run(a),
        PlanCommand::New(a) => sync::new::run(a),
        PlanCommand::Validate(a) => validate::run(a),
        PlanCommand::Migrate(a) => migrate::run(a),
        PlanCommand::Show(a) => show::run(a),
        PlanCommand::MergeFile(a) => merge_file::run(a),
        PlanCommand::InstallMergeDriver(a) => merge_driver::run(a),
    }
}
