//! Settings → Health: the checks `tpcli doctor` runs (pi-doctor), each with what was found and
//! what to do in the app's words.
//!
//! Wording only: what is checked and how is pi-doctor's business.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One check in Settings → Health.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckDto {
    /// pi-doctor's name (`targetprocess`, `clock`, `remote`, ...).
    pub name: String,
    /// What is checked, in words (`Targetprocess`, `This computer's clock`, ...).
    pub label: String,
    /// `ok`, `warn`, `fail` or `skipped`.
    pub level: String,
    /// What was found.
    pub detail: String,
    /// What to do, in plain words; `None` when nothing is to be done.
    pub fix: Option<String>,
}

/// Settings → Health.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthChecksDto {
    /// No check failed (warnings allowed).
    pub healthy: bool,
    pub checks: Vec<HealthCheckDto>,
}

fn label(name: &str) -> &'static str {
    match name {
        "targetprocess" => "Targetprocess",
        "clock" => "This computer's clock",
        "schema" => "Targetprocess names",
        "jira" => "Jira",
        "keychain" => "Keychain",
        "plan" => "Plan folder",
        "remote" => "Team's shared repository",
        "disk" => "Disk space",
        "lock" => "Plan folder lock",
        "lease" => "Team push in progress",
        "unfinished_push" => "Unfinished push",
        "conflicts" => "Conflicts",
        _ => "Check",
    }
}

/// The fix in the app's words where the check's own names a tpcli command.
fn app_fix(c: &pi_doctor::Check) -> Option<String> {
    let fix = c.fix.as_deref()?;
    let words = match c.name {
        "targetprocess" if c.detail.contains("refused the token") => {
            "Create a new access token in Targetprocess (your profile → Access Tokens) and enter it in Settings → Connection."
        }
        "schema" => {
            "Open Settings → Connection and test the connection: it shows the account's names, and \"Use these names\" puts them in pi-planner.toml."
        }
        "jira" => "Check the Jira site and token in Settings → Jira.",
        "unfinished_push" if c.level == pi_doctor::Level::Fail && !fix.contains("restore") => {
            "Press Resume in the sync bar: it finishes the push, and nothing is sent twice."
        }
        "conflicts" => "Open Conflicts and choose a value for each.",
        "lease" if fix.contains("resume") => {
            "A push from this computer stopped: press Resume in the sync bar to finish it."
        }
        _ if fix.contains("tpcli") => return Some(fix.replace('`', "")),
        _ => return Some(fix.to_owned()),
    };
    Some(words.to_owned())
}

impl HealthChecksDto {
    pub fn new(report: &pi_doctor::Report) -> Self {
        Self {
            healthy: report.healthy,
            checks: report
                .checks
                .iter()
                .map(|c| HealthCheckDto {
                    name: c.name.to_owned(),
                    label: label(c.name).to_owned(),
                    level: match c.level {
                        pi_doctor::Level::Ok => "ok",
                        pi_doctor::Level::Warn => "warn",
                        pi_doctor::Level::Fail => "fail",
                        pi_doctor::Level::Skipped => "skipped",
                    }
                    .to_owned(),
                    detail: c.detail.clone(),
                    fix: app_fix(c),
                })
                .collect(),
        }
    }
}
