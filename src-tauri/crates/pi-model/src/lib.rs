//! `pi-model`: the PI Planner domain — a team's PI plan (team objectives, program objectives for
//! reference, features and epics with effort, status, owner, acceptance criteria and Jira links),
//! the validation rules that apply to it, and the repo configuration file that tunes them.
//!
//! This crate is pure: no I/O, no clock, no environment, no printing. It deliberately knows nothing
//! about markdown (see `pi-format`), Targetprocess wire JSON (see `pi-targetprocess`) or git.

mod calendar_config;
pub mod changeset;
mod config;
pub mod diff;
mod effort;
mod github_config;
mod id;
pub mod inbound;
mod jira_config;
pub mod lint;
pub mod lookup;
pub mod merge;
mod notify_config;
mod plan;
pub mod validate;
pub mod workflow;

pub use calendar_config::CalendarConfig;
pub use config::{
    ApprovalPolicy, Approver, BackupConfig, CONFIG_FILE_NAME, ConfigError, EffortRangeRule,
    FeatureTemplate, MaxObjectivesRule, MetricsConfig, ObjectiveLink, ObjectiveTemplate,
    PlanTemplate, RepoConfig, RuleLevel, SignatureRule, StatusConfig, TemplatesConfig, TpSchema,
    ValidationConfig,
};
pub use effort::{Effort, EffortError};
pub use github_config::{GITHUB_API_URL, GithubConfig, SignOff};
pub use id::{EntityId, IdError, LocalId};
pub use jira_config::{JiraDeployment, JiraSettings};
pub use notify_config::{
    EmailSettings, NotifyChannel, NotifyConfig, NotifyEvent, SlackSettings, SmtpSecurity,
    is_loopback, looks_like_slack_secret,
};
pub use plan::{
    Criterion, EntityPath, Feature, FeatureKind, Field, JiraLink, Named, Plan, PlanMeta,
    ProgramObjective, Story, TeamObjective,
};
pub use workflow::{KnownStatuses, StatusKind, StatusList, StatusSource, WorkflowState, Workflows};
