//! The `--json` output layer: every JSON document tpcli prints is a serialized type — an engine
//! view type (`pi_engine::PullReport`, `pi_model::Plan`, ...) or one of the tpcli-specific views
//! of [`views`] — and each has a JSON Schema generated from that type ([`schemas`]), checked in
//! under `docs/schemas/` and listed in `docs/json-output.md`.

use anyhow::Result;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

pub mod views;

/// Prints `value` as one line of JSON.
pub fn print<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Prints `value` as indented JSON.
pub fn print_pretty<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// One `--json` output: the command that prints it and how its schema is made.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// The command words after `tpcli`, e.g. `["plan", "push"]`; the schema file is
    /// `docs/schemas/plan-push.schema.json` (its `name()` and `.schema.json`).
    pub command: &'static [&'static str],
    schema: fn(SchemaGenerator) -> Schema,
}

impl Output {
    /// The command's words joined with `-`, e.g. `plan-push`: the schema's name.
    pub fn name(&self) -> String {
        self.command.join("-")
    }

    /// The JSON Schema of this output (draft 2020-12, as serialized), titled by the command.
    pub fn schema(&self) -> Schema {
        let generator = SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator();
        let mut schema = (self.schema)(generator);
        schema.insert(
            "title".into(),
            format!("tpcli {} --json", self.command.join(" ")).into(),
        );
        schema
    }

    /// The schema as the checked-in file holds it: indented, with a final newline.
    pub fn schema_text(&self) -> Result<String> {
        Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&self.schema())?
        ))
    }
}

const fn output<T: JsonSchema>(command: &'static [&'static str]) -> Output {
    Output {
        command,
        schema: SchemaGenerator::into_root_schema_for::<T>,
    }
}

/// Every `--json` output of tpcli, in `tpcli --help` order.
pub const OUTPUTS: &[Output] = &[
    output::<views::InitView>(&["plan", "init"]),
    output::<views::PullOutput>(&["plan", "pull"]),
    output::<views::PushOutput>(&["plan", "push"]),
    output::<views::SyncAllView>(&["plan", "sync-all"]),
    output::<crate::sync::train::StatusOutput>(&["plan", "status"]),
    output::<crate::sync::train::ResolveOutput>(&["plan", "resolve"]),
    output::<views::RollbackView>(&["plan", "rollback"]),
    output::<views::ResumeOutput>(&["plan", "resume"]),
    output::<views::DiscardView>(&["plan", "discard"]),
    output::<views::LogOutput>(&["plan", "log"]),
    output::<pi_metrics::Stats>(&["plan", "stats"]),
    output::<views::VerifyView>(&["plan", "verify"]),
    output::<pi_reports::history::Comparison>(&["plan", "diff"]),
    output::<crate::sync::digest::DigestView>(&["plan", "digest"]),
    output::<crate::sync::propose::ProposeView>(&["plan", "propose"]),
    output::<views::ApproveOutput>(&["plan", "approve"]),
    output::<views::ApprovalsView>(&["plan", "approvals"]),
    output::<crate::plan::validate::Report>(&["plan", "validate"]),
    output::<crate::sync::lint::LintView>(&["plan", "lint"]),
    output::<pi_engine::decompose::DecomposeView>(&["plan", "decompose"]),
    output::<views::MigrateView>(&["plan", "migrate"]),
    output::<pi_model::Plan>(&["plan", "show"]),
    output::<crate::plan::merge_file::Report>(&["plan", "merge-file"]),
    output::<views::MergeDriverView>(&["plan", "install-merge-driver"]),
    output::<views::AuthStatusView>(&["auth", "status"]),
    output::<crate::tp::schema::Report<'static>>(&["tp", "schema"]),
    output::<crate::doctor::Report>(&["doctor"]),
];

/// The output of the command named by its words joined with `-` (e.g. `plan-push`).
pub fn find(name: &str) -> Option<&'static Output> {
    OUTPUTS.iter().find(|o| o.name() == name)
}

/// Print the JSON Schema of a command's `--json` output, e.g. `tpcli json-schema plan-push`;
/// without a name, the names there are.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The command's words joined with `-`, e.g. plan-push, plan-sync-all, auth-status.
    #[arg(value_name = "COMMAND")]
    name: Option<String>,
}

pub fn run(args: SchemaArgs) -> Result<u8> {
    let Some(name) = args.name else {
        for o in OUTPUTS {
            println!("{}", o.name());
        }
        return Ok(crate::exit::OK);
    };
    let Some(found) = find(&name) else {
        anyhow::bail!(
            "no --json output is named {name:?}; `tpcli json-schema` lists the names (e.g. plan-push)"
        );
    };
    print!("{}", found.schema_text()?);
    Ok(crate::exit::OK)
}

#[cfg(test)]
mod tests;
