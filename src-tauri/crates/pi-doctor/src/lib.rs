//! The health checks of a plan clone, shared by `tpcli doctor` and the app's Settings → Health:
//! Targetprocess reachable and the token accepted, `[tp]` as the account names things, the clock
//! against Targetprocess's, Jira, and inside a plan folder the git remote, disk space, the
//! repository lock, the push lease, unfinished pushes and stored conflicts. One [`Check`] each,
//! with what was found and the fix.
//!
//! Checks change nothing: nothing is fetched or pushed (the remote is asked with a dry run by
//! the caller's git runner), and the repository lock is taken for an instant only to see whether
//! it is free. Resolving the account and its token (flags, environment, keychain) is the
//! caller's: it hands in a client. Nothing here prints or reads the environment.

mod account;
mod local;

use schemars::JsonSchema;
use serde::Serialize;

pub use account::{account_checks, jira_check};
pub use local::{GitRunner, local_checks};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    /// Works, but worth a look.
    Warn,
    /// Needs fixing before sync works (or works safely).
    Fail,
    /// Not checked: what it needs is missing (no plan folder, no `[jira]`, no remote).
    Skipped,
}

/// One check's result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Check {
    /// `targetprocess`, `schema`, `clock`, `jira`, `keychain`, `plan`, `remote`, `disk`, `lock`,
    /// `lease`, `unfinished_push`, `conflicts`.
    pub name: &'static str,
    pub level: Level,
    /// What was found.
    pub detail: String,
    /// What to do (absent when nothing is to be done).
    pub fix: Option<String>,
}

impl Check {
    pub fn new(name: &'static str, level: Level, detail: impl Into<String>) -> Self {
        Self {
            name,
            level,
            detail: detail.into(),
            fix: None,
        }
    }

    pub fn ok(name: &'static str, detail: impl Into<String>) -> Self {
        Self::new(name, Level::Ok, detail)
    }

    #[must_use]
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// `tpcli doctor --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    /// True when no check failed (warnings allowed): the exit code is 0.
    pub healthy: bool,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(checks: Vec<Check>) -> Self {
        Self {
            healthy: checks.iter().all(|c| c.level != Level::Fail),
            checks,
        }
    }
}
