//! The repo configuration file, `pi-planner.toml` at the root of the plan repo.
//!
//! Only its parsing lives here (from text; reading the file is the caller's job). Every section
//! is optional; a missing file means the defaults below. Unknown keys are an error, so a typo never
//! silently turns a rule off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Field;

/// Name of the repo config file, at the root of the plan repository.
pub const CONFIG_FILE_NAME: &str = "pi-planner.toml";

/// `pi-planner.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepoConfig {
    /// The status (TP state) names that exist, per entity kind.
    pub statuses: StatusConfig,
    /// Configurable validation rules.
    pub validation: ValidationConfig,
    /// How this Targetprocess account names the resources and fields PI Planner uses.
    pub tp: TpSchema,
    /// Sign-off before push: who must approve a change set before it reaches Targetprocess.
    pub approvals: ApprovalPolicy,
    /// Reusable objective, feature and whole-plan templates.
    pub templates: TemplatesConfig,
    /// Where the features' Jira epics and their stories are read from; absent: no Jira.
    pub jira: Option<crate::JiraSettings>,
    /// How long the clone's sync metrics are kept.
    pub metrics: MetricsConfig,
    /// When a failure streak or a conflict spike raises an alert (sent as `[notify]` routes the
    /// `alert` event).
    pub alerts: AlertsConfig,
    /// Which events reach which channels (Slack, e-mail); secrets never live here.
    pub notify: crate::NotifyConfig,
    /// How many scheduled backups a backup folder keeps.
    pub backup: BackupConfig,
    /// The PI calendar's time zone, PI planning days, IP iteration and meetings.
    pub calendar: crate::CalendarConfig,
    /// Where `tpcli plan propose` opens review pull requests; absent: no GitHub.
    pub github: Option<crate::GithubConfig>,
}

/// `[backup]`: `tpcli plan backup --to DIR/` keeps the newest `keep` backups of the plan there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Backups of one plan kept in a backup folder; older ones are deleted after a backup.
    pub keep: u32,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { keep: 14 }
    }
}

/// `[metrics]`: the clone's local sync metrics (`.git/pi-planner/metrics.sqlite`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Days an operation's metrics are kept; older ones are removed after each operation.
    pub retention_days: u32,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            retention_days: 180,
        }
    }
}

/// `[alerts]`: thresholds of the alerts raised after each measured operation (tpcli's sync
/// commands, the watch); 0 turns one off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// Failed operations of a plan in a row.
    pub failure_streak: u32,
    /// Conflicts found in a plan within `conflict_window_hours`.
    pub conflict_spike: u32,
    pub conflict_window_hours: u32,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            failure_streak: 3,
            conflict_spike: 5,
            conflict_window_hours: 24,
        }
    }
}

/// `[approvals]`: the sign-off policy. Off (`required = 0`) unless configured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Approvals a change set needs before it is pushed; 0 turns the gate off.
    pub required: u32,
    /// Who may approve (by git e-mail), with an optional role. Empty: anyone but the author.
    pub approvers: Vec<Approver>,
    /// Roles of which at least one holder must be among the approvals, e.g. "business owner".
    pub required_roles: Vec<String>,
    /// Whether an author of the change may approve it. Default: no.
    pub self_approval: bool,
    /// Fields whose changes may be pushed without approval (e.g. `["status"]`): a push that
    /// only updates these fields passes the gate.
    pub without_approval: Vec<Field>,
    /// Signed approvals: `"verify"` (default: a signature present must verify), or
    /// `"required"` (an unsigned approval does not count).
    pub signatures: SignatureRule,
}

/// One person allowed to approve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// The git e-mail (`user.email`) the approver approves with.
    pub email: String,
    #[serde(default)]
    pub role: Option<String>,
}

/// How approval signatures are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureRule {
    /// A signed approval must verify; an unsigned one counts.
    #[default]
    Verify,
    /// Only approvals with a verified signature count.
    Required,
}

/// `[templates]`: named objective, feature and plan templates (`tpcli plan new objective
/// --template NAME`, `tpcli plan init --template NAME`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplatesConfig {
    pub objectives: BTreeMap<String, ObjectiveTemplate>,
    pub features: BTreeMap<String, FeatureTemplate>,
    /// Pre-populated plans for a new team: lists of objective templates.
    pub plans: BTreeMap<String, PlanTemplate>,
}

/// A team objective to start from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectiveTemplate {
    pub name: String,
    pub description: String,
    pub status: Option<String>,
    pub effort: Option<f64>,
    pub owner: Option<String>,
    pub committed: bool,
    pub business_value: Option<u32>,
    /// Feature templates added under the objective.
    pub features: Vec<String>,
}

/// A feature to start from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeatureTemplate {
    pub name: String,
    pub description: String,
    pub status: Option<String>,
    pub effort: Option<f64>,
    pub owner: Option<String>,
    pub acceptance_criteria: Vec<String>,
}

/// A plan template: the objective templates a new team's plan starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanTemplate {
    pub objectives: Vec<String>,
}

/// `[tp]`: resource, link and custom-field names that differ between Targetprocess accounts and
/// are not publicly documented. The defaults are what the demo Targetprocess (pi-sim) serves; the
/// client can also discover them from `/api/v1/Index/meta`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TpSchema {
    /// Resource of team PI objectives.
    pub team_objective_resource: String,
    /// Resource of program PI objectives.
    pub program_objective_resource: String,
    /// Reference field on a team objective pointing at its program objective.
    pub objective_program_objective_field: String,
    /// Field on a feature linking it to the team objectives it delivers: a collection
    /// (many-to-many, `TeamPIObjectives`) or a single reference (`TeamPIObjective`), as
    /// `feature_objectives_link` says.
    pub feature_objectives_collection: String,
    /// Whether `feature_objectives_collection` is a `collection` (default) or a single
    /// `reference`.
    pub feature_objectives_link: ObjectiveLink,
    /// Boolean field on a team objective: committed (true) or uncommitted. A name starting
    /// with `CustomFields.` is a custom field (see [`TpSchema::custom_field`]).
    pub committed_field: String,
    /// Number field on a team objective: planned business value (or `CustomFields.Name`).
    pub business_value_field: String,
    /// Number field on a team objective: actual business value (or `CustomFields.Name`).
    pub actual_business_value_field: String,
    /// Custom field (TemplatedURL) on a feature holding its Jira key.
    pub jira_key_field: String,
    /// Custom field (RichText) on a feature holding its acceptance criteria as HTML.
    pub acceptance_criteria_field: String,
}

impl Default for TpSchema {
    fn default() -> Self {
        Self {
            team_objective_resource: "TeamPIObjectives".into(),
            program_objective_resource: "ProgramPIObjectives".into(),
            objective_program_objective_field: "ProgramPIObjective".into(),
            feature_objectives_collection: "TeamPIObjectives".into(),
            feature_objectives_link: ObjectiveLink::Collection,
            committed_field: "Committed".into(),
            business_value_field: "BusinessValue".into(),
            actual_business_value_field: "ActualBusinessValue".into(),
            jira_key_field: "Jira Key".into(),
            acceptance_criteria_field: "Acceptance Criteria".into(),
        }
    }
}

impl TpSchema {
    /// The custom field a configured field name means: `CustomFields.Business Value` →
    /// `Business Value` (Targetprocess's own path form); `None` for a top-level field.
    pub fn custom_field(configured: &str) -> Option<&str> {
        configured
            .strip_prefix("CustomFields.")
            .map(str::trim)
            .filter(|name| !name.is_empty())
    }

    /// Whether a feature links to one team objective (a single reference) rather than many.
    pub fn single_objective_link(&self) -> bool {
        self.feature_objectives_link == ObjectiveLink::Reference
    }
}

/// How a feature links to the team objectives it delivers.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveLink {
    /// A many-to-many collection (`{"Items": [{"Id": 1}]}`), added to and removed from.
    #[default]
    Collection,
    /// One reference (`{"Id": 1}`), set and cleared.
    Reference,
}

/// `[statuses]`: the status (TP state) names that exist, per entity kind. A kind left out uses
/// the account's workflows read from Targetprocess (see [`crate::workflow`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusConfig {
    pub objective: Option<Vec<String>>,
    pub feature: Option<Vec<String>>,
}

/// How a configurable rule reports: as an error (fails `validate`), a warning, or not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    #[default]
    Off,
}

/// `[validation]`: each rule is off unless configured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidationConfig {
    /// `effort_range = { min = 0, max = 40, level = "error" }`: objective and feature effort bounds.
    pub effort_range: Option<EffortRangeRule>,
    /// `owner_required_on_committed = "warning"`: a committed objective must name an owner.
    pub owner_required_on_committed: RuleLevel,
    /// `acceptance_criteria_required_on_committed = "error"`: every feature of a committed
    /// objective must have at least one acceptance criterion.
    pub acceptance_criteria_required_on_committed: RuleLevel,
    /// `max_objectives_per_team = { max = 10, level = "warning" }`.
    pub max_objectives_per_team: Option<MaxObjectivesRule>,
    /// `allowed_statuses = { objective = [...], feature = [...], level = "error" }`: a narrower
    /// list than the known statuses (e.g. no `Done` during planning).
    pub allowed_statuses: Option<AllowedStatusesRule>,
    /// `block_push = false`: a plan with validation errors is pushed anyway. On by default: a
    /// push refuses such a plan unless it is given an override reason.
    pub block_push: bool,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        Self {
            effort_range: None,
            owner_required_on_committed: RuleLevel::Warning,
            acceptance_criteria_required_on_committed: RuleLevel::Warning,
            max_objectives_per_team: None,
            allowed_statuses: None,
            block_push: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffortRangeRule {
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default = "level_error")]
    pub level: RuleLevel,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxObjectivesRule {
    pub max: usize,
    #[serde(default = "level_error")]
    pub level: RuleLevel,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedStatusesRule {
    pub objective: Option<Vec<String>>,
    pub feature: Option<Vec<String>>,
    #[serde(default = "level_error")]
    pub level: RuleLevel,
}

fn level_error() -> RuleLevel {
    RuleLevel::Error
}

/// A config file that cannot be used, with the line and column of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ConfigError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl RepoConfig {
    /// Parses `pi-planner.toml` text.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let mut config: RepoConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = line_col(text, offset);
            ConfigError {
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        config.check()?;
        config.calendar.check(text)?;
        if let Some(github) = &config.github {
            github.check(text)?;
        }
        if let Some(e) = config.notify.problem(text) {
            return Err(e);
        }
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |message: String| {
            Err(ConfigError {
                line: 1,
                column: 1,
                message,
            })
        };
        if let Some(r) = &self.validation.effort_range
            && let (Some(min), Some(max)) = (r.min, r.max)
            && min > max
        {
            return bad(format!(
                "validation.effort_range: min ({min}) is greater than max ({max})"
            ));
        }
        if let Some(message) = self.templates.dangling_reference() {
            return bad(message);
        }
        if let Some(message) = self.jira.as_ref().and_then(crate::JiraSettings::problem) {
            return bad(message);
        }
        if self.metrics.retention_days == 0 {
            return bad(
                "metrics.retention_days: must be at least 1 (it is how many days of sync metrics are kept)"
                    .to_owned(),
            );
        }
        if self.alerts.conflict_window_hours == 0 {
            return bad(
                "alerts.conflict_window_hours: must be at least 1 (it is the window conflicts are counted in)"
                    .to_owned(),
            );
        }
        if self.backup.keep == 0 {
            return bad(
                "backup.keep: must be at least 1 (it is how many backups a backup folder keeps)"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

impl TemplatesConfig {
    /// The first template name referenced but not defined, as a message.
    fn dangling_reference(&self) -> Option<String> {
        let objective_refs = self.objectives.iter().flat_map(|(name, o)| {
            o.features
                .iter()
                .filter(|f| !self.features.contains_key(*f))
                .map(move |f| format!("templates.objectives.{name}: no feature template {f:?}"))
        });
        let plan_refs = self.plans.iter().flat_map(|(name, p)| {
            p.objectives
                .iter()
                .filter(|o| !self.objectives.contains_key(*o))
                .map(move |o| format!("templates.plans.{name}: no objective template {o:?}"))
        });
        objective_refs.chain(plan_refs).next()
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
