//! `tpcli`: the PI Planner command line. Keeps a team's PI plan (a markdown file in git) in sync
//! with Targetprocess; every subcommand lives in its own module and calls the library crates.
//! It is not a library: it owns the process (exit codes, output, environment).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod auth;
mod backup;
mod doctor;
mod errors;
mod files;
mod gitcli;
mod logging;
mod output;
mod plan;
mod sim;
mod sync;
mod term;
mod tp;

#[cfg(test)]
mod ci_examples_tests;
#[cfg(test)]
mod runbook_tests;

/// Exit codes, documented in `tpcli --help`.
mod exit {
    /// Success; for `validate`, no errors were found.
    pub const OK: u8 = 0;
    /// The command ran and found something to act on (validation errors, conflicts, ...).
    pub const FINDINGS: u8 = 1;
    /// Bad usage or input that could not be read (missing file, unparsable config).
    pub const USAGE: u8 = 2;
}

const EXIT_CODES: &str = "\
Exit codes:
  0  success (validate: no errors; pull: merged cleanly; push: pushed or nothing to push)
  1  the command ran and found something to act on: validation errors, conflicts, Targetprocess
     changed since your last pull, deletions to confirm, an operation refused by Targetprocess,
     an interrupted push, a check of `tpcli doctor` that failed
  2  bad usage, or input that cannot be read or parsed, or a Targetprocess or git error
Every error code with its cause and fix: docs/operations/troubleshooting.md";

#[derive(Debug, Parser)]
#[command(
    name = "tpcli",
    version,
    about = "Keep a SAFe team's PI plan in sync between Targetprocess, git and Jira",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(flatten)]
    log: logging::LogArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with a team's plan: init, pull, push, sync-all, watch, status, resolve, rollback, resume, discard, log, stats, verify, lint, decompose, digest, propose, calendar, report, backup, restore, validate, show, migrate, merge-file.
    Plan(plan::PlanArgs),
    /// Run the local Targetprocess and Jira simulator with demo data and fault injection.
    Sim(sim::SimArgs),
    /// Log in to Targetprocess: keep the access token in the OS keychain (login, logout, status).
    Auth(auth::AuthArgs),
    /// Look at the Targetprocess account: discover its names and workflows (schema).
    Tp(tp::TpArgs),
    /// Check that this clone can sync: account, token, schema, clock, remote, keychain, disk,
    /// lock, lease, unfinished pushes, conflicts; one line each with a fix.
    Doctor(doctor::DoctorArgs),
    /// Print the JSON Schema of a command's `--json` output (docs/json-output.md).
    #[command(hide = true)]
    JsonSchema(output::SchemaArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = logging::install(&cli.log) {
        eprintln!("error: {err:#}");
        return ExitCode::from(exit::USAGE);
    }
    if cli.log.quiet {
        sync::progress::set_quiet();
    }
    let result: anyhow::Result<u8> = match cli.command {
        Command::Plan(args) => plan::run(args),
        Command::Sim(args) => sim::run(args),
        Command::Auth(args) => auth::run(args),
        Command::Tp(args) => tp::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::JsonSchema(args) => output::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let (code, hint) = errors::triage(&err);
            eprintln!("error: {}", term::safe(&format!("{err:#}")));
            if let Some(hint) = hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(code)
        }
    }
}
