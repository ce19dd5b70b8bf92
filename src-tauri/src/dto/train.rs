//! The train view's data: a row per team of the ART and PI (pi-reports' train status in the
//! planner's words), "Sync all" with its progress per team and summary, and the batch
//! resolution's preview and result.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{BlockingFindingDto, PickItem, ReportSectionDto};

/// The ART and PI the train view shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainRequest {
    pub art: PickItem,
    pub release: PickItem,
}

/// Every team of the ART for the PI, one row each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainStatusDto {
    pub art: String,
    pub release: String,
    /// The folder holding one plan repository per team.
    pub folder: String,
    pub teams: Vec<TeamRowDto>,
}

/// One team's standing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamRowDto {
    pub team: PickItem,
    /// False: the team's plan for this PI is not in the train's folder yet ("not started").
    pub started: bool,
    /// Changes a push would send now.
    pub pending_changes: u32,
    pub conflicts: u32,
    pub last_pull: Option<LastOpDto>,
    pub last_push: Option<LastOpDto>,
    /// The approvals of the change a push would send, in words.
    pub approvals: String,
    pub validation_errors: u32,
    pub committed_effort: f64,
    /// What is wrong with the plan, in words (an unreadable plan file, an interrupted push).
    pub problem: Option<String>,
    pub needs_attention: bool,
}

/// Who did an operation of the plan's history, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastOpDto {
    pub who: String,
    /// RFC 3339.
    pub at: String,
}

/// One step of "Sync all", for one team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "stage", rename_all = "camelCase")]
pub enum TrainProgressDto {
    /// Looking the ART's teams up in Targetprocess.
    LookingUp,
    /// The team's plan is being opened or started in its folder.
    SettingUp { team: String },
    /// The team's plan is pulled and pushed (with every other team's).
    Syncing { team: String },
    /// The team is done; `ok` false when it needs attention.
    Done {
        team: String,
        ok: bool,
        message: String,
    },
}

/// What "Sync all" did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainSyncDto {
    pub teams: Vec<TeamSyncDto>,
    /// E.g. "5 teams synced; 1 has conflicts to settle."
    pub summary: String,
}

/// One team's part of "Sync all".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TeamSyncDto {
    pub team: String,
    /// Synced with nothing left to do.
    pub ok: bool,
    pub message: String,
    /// What stops the team's push, when something does; the summary links to it.
    pub blocker: Option<PushBlockerDto>,
}

/// What stops a team's push after "Sync all", for the link that opens the team's plan on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PushBlockerDto {
    /// Validation errors of the plan (`[validation] block_push`), each at its item and field.
    ValidationErrors { findings: Vec<BlockingFindingDto> },
    /// The change waits for sign-off; `missing`: what it still needs, in words.
    AwaitingApproval { missing: String },
    /// Conflicts to settle.
    Conflicts { count: u32 },
    /// A teammate's push holds the plan's lease.
    LeaseHeld { by: String, until: String },
}

/// The train's report (`tpcli plan report --art`), as pi-reports makes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainReportDto {
    pub title: String,
    /// The folder holding the team plans it reads.
    pub folder: String,
    pub sections: Vec<ReportSectionDto>,
}

/// The formats the train's report is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReportFormatDto {
    Markdown,
    Html,
}

/// Where an exported report was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportExportDto {
    /// The file written (in the planner's Downloads folder).
    pub path: String,
}

/// Which way a batch resolution settles conflicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KeepDto {
    /// The plans' values.
    Local,
    /// Targetprocess's values.
    Remote,
    /// Both (texts and lists only).
    Both,
}

/// "Resolve conflicts…": the rule and which conflicts it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainResolveRequest {
    pub art: PickItem,
    pub release: PickItem,
    pub keep: KeepDto,
    /// A field's name as the plan file has it (`effort`, `status`, ...); `None`: every field.
    pub field: Option<String>,
    /// `objective` or `feature`; `None`: both.
    pub kind: Option<String>,
    /// A team's name; `None`: every team.
    pub team: Option<String>,
}

/// A batch resolution's preview or result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrainResolveDto {
    pub applied: bool,
    pub conflicts: Vec<BatchConflictDto>,
    /// E.g. "Would settle 3 conflicts in 3 teams."
    pub summary: String,
}

/// One conflict a batch resolution picks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BatchConflictDto {
    pub team: String,
    /// What is in conflict, in words ("Effort of objective “Checkout”").
    pub what: String,
    pub resolved: bool,
    pub error: Option<String>,
}
