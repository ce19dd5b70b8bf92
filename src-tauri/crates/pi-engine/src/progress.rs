//! [`Progress`]: the steps of a pull, push or resume as they happen, for the caller to show
//! (the app's progress line, `tpcli -v`). The caller passes a sink in
//! [`Context::progress`](crate::Context::progress); the engine calls it on its own task, between
//! steps, and never waits on it.

use serde::Serialize;

/// One step of a sync operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Progress {
    /// Reading the plan file and the last pulled state.
    ReadingPlan,
    /// Reading the team's plan (or the touched entities' versions) from the tracker.
    Fetching,
    /// Merging the tracker's state with the plan file, field by field.
    Merging,
    /// `sent` of the push's `total` operations have been sent (after each batch, and after
    /// each operation sent on its own).
    Sent { sent: usize, total: usize },
    /// Committing the result to the plan's branches.
    Committing,
    /// Sharing the result through the git remote.
    Publishing,
}

/// What a caller passes to be told each step.
pub type ProgressSink<'a> = &'a (dyn Fn(Progress) + Sync);

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::ReadingPlan => f.write_str("reading the plan"),
            Progress::Fetching => f.write_str("reading Targetprocess"),
            Progress::Merging => f.write_str("merging Targetprocess's state with the plan"),
            Progress::Sent { sent, total } => write!(f, "sent {sent} of {total} operations"),
            Progress::Committing => f.write_str("committing"),
            Progress::Publishing => f.write_str("sharing through the git remote"),
        }
    }
}
