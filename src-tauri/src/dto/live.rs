//! Live sync as the sync bar shows it: whether the app is watching Targetprocess and the plan
//! file, when it last looked, and the last change that reached the plan file while it was open.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether the app is live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LiveStateDto {
    /// Looks at Targetprocess every few seconds; the last look answered.
    Live,
    /// The last look failed (the reason says why); the next one waits longer.
    Offline,
    /// No plan is open, or looking is turned off in Settings.
    Off,
}

/// What reached the plan file while it was open, without a command of the planner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PlanChangeDto {
    /// The plan file was saved by another program (an editor); committed as a save.
    Outside,
    /// A look found Targetprocess changed and pulled it into the plan.
    Pulled,
}

/// The sync bar's live indicator and the plan screen's notice of a change made meanwhile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LiveStatusDto {
    pub state: LiveStateDto,
    /// When Targetprocess last answered a look (RFC 3339).
    pub checked_at: Option<String>,
    /// Why the app is offline, in plain words.
    pub reason: Option<String>,
    /// Seconds between two looks (the setting).
    pub poll_seconds: u32,
    /// Counts the changes that reached the plan file while it was open; the window reloads the
    /// plan when it moves (or asks first when the planner has unsaved edits).
    pub revision: u32,
    /// What the last of those changes was.
    pub last_change: Option<PlanChangeDto>,
}
