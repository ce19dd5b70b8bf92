//! tpcli's own views of engine results, where the printed JSON adds to the engine's types (an
//! operation's one-line summary, a `result` tag, an exit code) or keeps a name scripts already
//! use. Field names are a contract: add fields, never rename or remove one.

use pi_approvals::ApprovalStatus;
use pi_engine::oplog::OpEntry;
use pi_engine::{
    Irreversible, Mismatch, PullReport, PushOutcome, PushReport, RollbackConflict, RollbackOutcome,
    RollbackPlan, Stale, VerifyReport,
};
use pi_model::EntityId;
use pi_model::changeset::Op;
use pi_model::merge::Conflict;
use pi_reports::history::VersionChange;
use schemars::JsonSchema;
use serde::Serialize;

/// `tpcli plan init --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct InitView {
    pub plan_file: String,
    pub tracking_branch: String,
    pub working_branch: String,
    pub objectives: usize,
    pub features: usize,
    /// The shared remote the plan was published to, if any.
    pub remote: Option<String>,
    /// The shared remote already had this plan: its history was taken.
    pub joined: bool,
    /// Objectives added from `--template`.
    pub template_objectives: usize,
    pub warnings: Vec<String>,
    /// What Targetprocess had that the plan could not place or map.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub notices: Vec<pi_targetprocess::Notice>,
    /// The stories under the features' Jira epics: read, or why not; null without `[jira]`.
    pub jira: Option<pi_engine::StoriesRefresh>,
}

/// `tpcli plan pull --json`: the pull's report, or why nothing was pulled.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PullOutput {
    Pulled(PullReport),
    NotPulled(NotPulled),
}

/// A pull that did not run: a push to finish first.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum NotPulled {
    InterruptedPush {
        /// Operations of the interrupted push not confirmed by Targetprocess.
        unconfirmed: usize,
        message: String,
    },
}

/// An operation sent by a push, and Targetprocess's refusal if it refused it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SentOp {
    pub operation: Op,
    pub summary: String,
    /// Targetprocess's refusal; `null` when the operation was applied.
    pub error: Option<String>,
}

/// A create's local id and the Targetprocess id it got.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    pub local: EntityId,
    pub tp: i64,
}

/// `tpcli plan push --json`: the push's result (tagged by `result`) and the edits it leaves out
/// because Jira owns the field.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PushOutput {
    #[serde(flatten)]
    pub view: PushView,
    /// Edits to fields Jira owns (`[jira] owns`), never sent: "status is owned by Jira: not
    /// sent". Empty without `[jira] owns`.
    pub not_sent: Vec<pi_engine::owned::NotSent>,
}

/// `tpcli plan push --json` (and each plan's push in `sync-all`), tagged by `result`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum PushView {
    NothingToPush {
        /// Operations of an interrupted earlier push completed first.
        resumed: usize,
    },
    BlockedByConflicts {
        conflicts: usize,
    },
    /// The plan has validation errors (`[validation] block_push`); nothing was sent.
    BlockedByValidation {
        findings: Vec<pi_engine::push::BlockingFinding>,
        /// What to do: fix them, or push with `--override REASON`, or turn the check off.
        hint: String,
    },
    NeedsConfirmation {
        operations: Vec<Op>,
    },
    DryRun {
        operations: Vec<Op>,
        summary: Vec<String>,
    },
    TargetprocessChanged {
        stale: Vec<Stale>,
    },
    Pushed {
        resumed: usize,
        operations: Vec<SentOp>,
        created: Vec<Created>,
        mismatches: Vec<Mismatch>,
    },
    /// The approval gate: the policy in pi-planner.toml waits for sign-off.
    AwaitingApproval {
        /// Always `awaiting_approval` (the name `tpcli plan push` first printed it under).
        outcome: AwaitingApproval,
        message: String,
    },
}

/// The value of `outcome` in an awaiting-approval result.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AwaitingApproval {
    AwaitingApproval,
}

fn summaries(ops: &[Op]) -> Vec<String> {
    ops.iter().map(ToString::to_string).collect()
}

fn sent(report: &PushReport) -> Vec<SentOp> {
    report
        .ops
        .iter()
        .map(|o| SentOp {
            operation: o.op.clone(),
            summary: o.op.to_string(),
            error: o.result.as_ref().err().cloned(),
        })
        .collect()
}

impl PushView {
    pub fn awaiting_approval(message: String) -> Self {
        Self::AwaitingApproval {
            outcome: AwaitingApproval::AwaitingApproval,
            message,
        }
    }
}

impl From<&PushOutcome> for PushView {
    fn from(outcome: &PushOutcome) -> Self {
        match outcome {
            PushOutcome::NothingToPush { resumed } => Self::NothingToPush { resumed: *resumed },
            PushOutcome::Blocked { conflicts } => Self::BlockedByConflicts {
                conflicts: *conflicts,
            },
            PushOutcome::BlockedByValidation { findings } => Self::BlockedByValidation {
                findings: findings.clone(),
                hint: crate::sync::push::INVALID_HINT.to_owned(),
            },
            PushOutcome::NeedsConfirmation { ops } => Self::NeedsConfirmation {
                operations: ops.clone(),
            },
            PushOutcome::Preview { ops } => Self::DryRun {
                operations: ops.clone(),
                summary: summaries(ops),
            },
            PushOutcome::RemoteChanged { stale } => Self::TargetprocessChanged {
                stale: stale.clone(),
            },
            PushOutcome::AwaitingApproval { status } => {
                Self::awaiting_approval(crate::sync::push::awaiting_approval(status))
            }
            PushOutcome::Pushed(r) => Self::Pushed {
                resumed: r.resumed,
                operations: sent(r),
                created: r
                    .created
                    .iter()
                    .map(|(local, tp)| Created {
                        local: local.clone(),
                        tp: *tp,
                    })
                    .collect(),
                mismatches: r.mismatches.clone(),
            },
        }
    }
}

/// `tpcli plan resume --json`: nothing to resume, or the completed push.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ResumeOutput {
    Nothing(NothingToResume),
    Resumed(PushView),
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum NothingToResume {
    NothingToResume,
}

/// One error of a plan in `sync-all`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorView {
    pub error: String,
}

/// One plan's pull in `sync-all`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PullPart {
    Pulled(PullReport),
    Failed(ErrorView),
}

/// One plan's push in `sync-all`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PushPart {
    Pushed(PushView),
    Failed(ErrorView),
}

/// One plan of `tpcli plan sync-all --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanSyncView {
    /// The folder as given on the command line.
    pub dir: String,
    pub plan_file: String,
    /// This plan's exit code (0 synced, 1 something to act on, 2 an error).
    pub exit_code: u8,
    pub pull: PullPart,
    /// `null` when not pushed: `--pull-only`, or the pull failed.
    pub push: Option<PushPart>,
}

/// `tpcli plan sync-all --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SyncAllView {
    /// With `--art`: the train, its release and every team's setup; absent for folders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train: Option<TrainView>,
    /// Every plan that was synced (with `--art`: every team whose plan could be set up).
    pub plans: Vec<PlanSyncView>,
}

/// The train of `tpcli plan sync-all --art --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TrainView {
    pub art: String,
    pub release: String,
    /// How the release was chosen: `given` (--release), `running` (its dates hold today),
    /// `marked_current` (none runs; Targetprocess marks it current), `next` (none runs; it
    /// starts next).
    pub release_chosen: String,
    /// The folder holding one folder per team.
    pub root: String,
    /// The train's shared plan repository, when given.
    pub remote: Option<String>,
    /// Every team of the train (or of `--teams`), in the ART's order.
    pub teams: Vec<TeamView>,
}

/// One team of `tpcli plan sync-all --art --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TeamView {
    pub team: String,
    /// The team's plan folder, `ROOT/<team slug>`.
    pub dir: String,
    /// `opened` (was there), `switched` (checked out), `started` (from Targetprocess), `joined`
    /// (from the shared remote) or `failed`.
    pub setup: String,
    /// Why the plan could not be set up (`setup` is `failed`).
    pub error: Option<String>,
    /// The plan file, when set up; its pull and push are under `plans`.
    pub plan_file: Option<String>,
    /// This team's exit code (0 synced, 1 something to act on, 2 an error).
    pub exit_code: u8,
}

/// A change of the last push that Targetprocess refused.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RefusedView {
    pub operation: Op,
    pub summary: String,
    /// Targetprocess's reason.
    pub reason: String,
}

/// `tpcli plan status --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusView {
    pub working_branch: String,
    pub plan_file: String,
    /// The operations a push would send now, each in words.
    pub local_changes: Vec<String>,
    /// `null` when not checked (offline).
    pub targetprocess_changed: Option<bool>,
    pub conflicts: Vec<Conflict>,
    /// Operations of an interrupted push still to be completed (`tpcli plan resume`).
    pub unfinished_push_operations: usize,
    pub refused: Vec<RefusedView>,
    /// Why the plan file cannot be read (e.g. conflict markers), with where.
    pub file_problem: Option<String>,
    /// Stories edited in the plan file: read-only, never pushed, Jira's back at the next pull.
    pub stories_edited: Vec<pi_engine::EditedStories>,
}

impl From<&pi_engine::Status> for StatusView {
    fn from(s: &pi_engine::Status) -> Self {
        Self {
            working_branch: s.working_branch.clone(),
            plan_file: s.plan_file.clone(),
            local_changes: summaries(&s.local_changes),
            targetprocess_changed: s.tp_changed,
            conflicts: s.conflicts.clone(),
            unfinished_push_operations: s.unfinished_push,
            refused: s
                .refused
                .iter()
                .map(|r| RefusedView {
                    operation: r.op.clone(),
                    summary: r.op.to_string(),
                    reason: r.reason.clone(),
                })
                .collect(),
            file_problem: s.file_problem.clone(),
            stories_edited: s.stories_edited.clone(),
        }
    }
}

/// What rolling back a push takes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RollbackPlanView {
    /// The op-log id of the push rolled back.
    pub op_id: String,
    pub operations: Vec<Op>,
    pub summary: Vec<String>,
    pub conflicts: Vec<RollbackConflict>,
    pub irreversible: Vec<Irreversible>,
}

impl From<&RollbackPlan> for RollbackPlanView {
    fn from(p: &RollbackPlan) -> Self {
        Self {
            op_id: p.op_id.clone(),
            operations: p.ops.clone(),
            summary: summaries(&p.ops),
            conflicts: p.conflicts.clone(),
            irreversible: p.irreversible.clone(),
        }
    }
}

/// An operation of a rollback that Targetprocess refused.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RefusedOp {
    pub operation: Op,
    pub error: String,
}

/// `tpcli plan rollback --json`, tagged by `result`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RollbackView {
    BlockedByConflicts {
        conflicts: usize,
    },
    NothingToRollBack(RollbackPlanView),
    NeedsConfirmation(RollbackPlanView),
    DryRun(RollbackPlanView),
    RolledBack {
        #[serde(flatten)]
        plan: RollbackPlanView,
        errors: Vec<RefusedOp>,
        mismatches: Vec<Mismatch>,
    },
}

impl From<&RollbackOutcome> for RollbackView {
    fn from(outcome: &RollbackOutcome) -> Self {
        match outcome {
            RollbackOutcome::Blocked { conflicts } => Self::BlockedByConflicts {
                conflicts: *conflicts,
            },
            RollbackOutcome::NothingToRollBack(p) => Self::NothingToRollBack(p.into()),
            RollbackOutcome::NeedsConfirmation(p) => Self::NeedsConfirmation(p.into()),
            RollbackOutcome::Preview(p) => Self::DryRun(p.into()),
            RollbackOutcome::RolledBack { plan, report } => Self::RolledBack {
                plan: plan.into(),
                errors: report
                    .ops
                    .iter()
                    .filter_map(|o| {
                        let error = o.result.as_ref().err()?.clone();
                        Some(RefusedOp {
                            operation: o.op.clone(),
                            error,
                        })
                    })
                    .collect(),
                mismatches: report.mismatches.clone(),
            },
        }
    }
}

/// One item of `tpcli plan discard --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiscardedItem {
    pub item: EntityId,
    /// What the discard did, in words.
    pub result: String,
}

/// `tpcli plan discard --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DiscardView {
    pub discarded: Vec<DiscardedItem>,
}

/// `tpcli plan log --json`: the op log, or with `--objective` that item's history too.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum LogOutput {
    Operations(Vec<OpEntry>),
    Objective {
        objective: String,
        /// Versions in which the item changed, newest first.
        history: Vec<VersionChange>,
        operations: Vec<OpEntry>,
    },
}

/// `tpcli plan verify --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VerifyView {
    /// True when the plan file, the last pull and Targetprocess agree.
    pub consistent: bool,
    #[serde(flatten)]
    pub report: VerifyReport,
}

/// `tpcli plan approvals --json` (and an approval's result).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApprovalsView {
    #[serde(flatten)]
    pub status: ApprovalStatus,
    /// True when the policy is met (or nothing needs approval).
    pub met: bool,
    /// Where the approvals stand, in words.
    pub summary: String,
}

impl From<&ApprovalStatus> for ApprovalsView {
    fn from(status: &ApprovalStatus) -> Self {
        Self {
            status: status.clone(),
            met: status.is_met(),
            summary: status.missing(),
        }
    }
}

/// `tpcli plan approve --json`: the approvals after yours, or why yours was refused.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ApproveOutput {
    Approved(ApprovalsView),
    Refused {
        /// Why the approval was not recorded.
        refused: String,
    },
}

/// `tpcli plan migrate --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MigrateView {
    /// The file written; `null` when the file was already in the current format.
    pub written: Option<String>,
    pub layout: pi_format::Layout,
    pub objectives: usize,
    pub features: usize,
    pub warnings: Vec<pi_format::ParseError>,
}

/// `tpcli plan install-merge-driver --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MergeDriverView {
    /// The `merge.pi-plan.driver` command set in the git config.
    pub driver: String,
    /// The `.gitattributes` lines added (none when already set up).
    pub added_attributes: Vec<String>,
}

/// `tpcli auth status --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AuthStatusView {
    pub url: String,
    /// Whether a token is stored; `null` when the keychain cannot be read.
    pub stored: Option<bool>,
    /// `available`, or why the keychain cannot be used.
    pub keychain: String,
    pub tp_token_set: bool,
}
