//! Data the UI and the app exchange: every command takes and returns these types, and
//! TypeScript declarations for them are generated into `ui/src/ipc/generated/`.
//!
//! Plain data only; conversions from the domain live next to the types, rules live in the
//! libraries.

mod approvals;
mod checks;
mod doctor;
mod edit;
mod health;
mod history;
mod jira;
mod live;
mod plan;
mod refused;
mod review;
mod sync;
mod train;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use approvals::{
    ApprovalDto, ApprovalsStatusDto, AuditEventDto, AuditExportDto, ExportFormat,
    TemplateAddRequest, TemplatesDto,
};
pub use checks::{
    ChangeReportDto, PushEntryDto, PushRefDto, ReportBlockDto, ReportSectionDto, ReportSpanDto,
    RollbackDto, VerifyDto, sections,
};
pub use doctor::{HealthCheckDto, HealthChecksDto};
pub use edit::{UndoPreviewDto, UserDto};
pub use health::{HealthCountDto, HealthTeamDto, HealthTrafficDto, HealthWeekDto, SyncHealthDto};
pub use history::{
    BaselineDto, ComparisonDto, ConflictLogDto, EffortPointDto, EffortSeriesDto, EffortTotalsDto,
    EntityChangeDto, FieldChangeDto, HistoryDto, ProgramEffortDto, SideInfoDto, SyncChangeDto,
    VersionDto, VersionKindDto, change_line, duration_words, who,
};
pub use jira::{
    DecomposeDto, DecomposeRequest, DecomposeResultDto, DecomposeStoryDto, JiraCheckDto,
    JiraConnectRequest, JiraStatusDto, LintDto, LintFindingDto, LintFixRequest,
};
pub use live::{LiveStateDto, LiveStatusDto, PlanChangeDto};
pub use plan::{
    CriterionDto, FeatureDto, FeatureKindDto, FindingDto, IdSource, NamedDto, ObjectiveDto,
    PlanDto, ProgramObjectiveDto, StoryDto,
};
pub use refused::{DiscardRequest, Names, RefusedDto, refused};
pub use review::{ProposeResultDto, ReviewDto};
pub use sync::{
    BlockingFindingDto, ChoiceDto, ConflictDto, LinkDto, OpDto, ProgressDto, PullResultDto,
    PushOutcomeDto, PushSummaryDto, ResolveRequest, SettingsDto, SettingsUpdate, SideDto,
    SyncEventDto, SyncStatusDto, change_text, field_name, notices,
};
pub use train::{
    BatchConflictDto, KeepDto, LastOpDto, PushBlockerDto, ReportExportDto, ReportFormatDto,
    TeamRowDto, TeamSyncDto, TrainProgressDto, TrainReportDto, TrainRequest, TrainResolveDto,
    TrainResolveRequest, TrainStatusDto, TrainSyncDto,
};

/// Where the app gets its Targetprocess data from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnectionDto {
    /// Nothing configured yet: the first-run screen.
    None,
    /// The embedded demo Targetprocess, with demo data, on this machine only.
    Demo,
    /// A real Targetprocess account; its token is in the OS keychain.
    Targetprocess { url: String },
}

/// The git identity edits are attributed to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IdentityDto {
    pub name: String,
    pub email: String,
}

/// The ART, release and team of the open plan, with its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceDto {
    pub art: PickItem,
    pub release: PickItem,
    pub team: PickItem,
    /// Absolute path of the plan file.
    pub plan_file: String,
}

/// What the app is connected to and what is open; drives which screen shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub connection: ConnectionDto,
    /// `None` until the planner confirmed who they are.
    pub identity: Option<IdentityDto>,
    pub workspace: Option<WorkspaceDto>,
}

/// URL and access token typed into the "Connect to Targetprocess" form.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    pub url: String,
    pub token: String,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A successful "Test connection".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    /// How many Agile Release Trains the token can see.
    pub arts: u32,
    /// What the account calls things; `None` when the account could not be looked at.
    pub names: Option<AccountNamesDto>,
}

/// What a Targetprocess account calls the things PI Planner reads, as discovery found it, and
/// how that compares with the plans folder's settings (`pi-planner.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountNamesDto {
    /// What was found, one sentence each ("features link to objectives through …").
    pub found: Vec<String>,
    /// What could not be found; the settings' (or the usual) names are used for these.
    pub not_found: Vec<String>,
    /// Where the plans folder's settings are kept.
    pub settings_file: String,
    /// How the settings differ from the account's names, one sentence each; empty when they
    /// already say the same.
    pub differences: Vec<String>,
    /// Why the settings cannot take the names (a mistake in the file), if they cannot.
    pub problem: Option<String>,
}

/// One entry of the ART / release / team pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PickItem {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// The ART, release and team to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequest {
    pub art: PickItem,
    pub release: PickItem,
    pub team: PickItem,
}

/// Status names a planner can choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusOptions {
    pub objective: Vec<String>,
    pub feature: Vec<String>,
}

/// The open plan as the editor shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub plan: PlanDto,
    pub findings: Vec<FindingDto>,
    pub statuses: StatusOptions,
    /// Absolute path of the plan file.
    pub plan_file: String,
    /// True when the last edit can be undone.
    pub can_undo: bool,
    /// What opening the plan could not bring, in plain words (Targetprocess items the plan
    /// could not place, Jira unreachable); empty except right after a plan is started.
    pub notices: Vec<String>,
}

impl From<pi_targetprocess::Summary> for PickItem {
    fn from(s: pi_targetprocess::Summary) -> Self {
        Self {
            id: s.id,
            name: s.name,
        }
    }
}

/// Where the app writes its log files (Settings shows it and opens it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LogFolderDto {
    pub path: String,
}

impl LogFolderDto {
    pub fn of(folder: &std::path::Path) -> Self {
        Self {
            path: folder.display().to_string(),
        }
    }
}

/// Every TypeScript declaration the UI imports, in a stable order, as one file.
pub fn typescript_declarations() -> String {
    let decls = [
        crate::error::ErrorCode::decl(),
        crate::error::UiError::decl(),
        SyncHealthDto::decl(),
        HealthWeekDto::decl(),
        HealthTeamDto::decl(),
        HealthCountDto::decl(),
        HealthTrafficDto::decl(),
        HealthChecksDto::decl(),
        HealthCheckDto::decl(),
        ReviewDto::decl(),
        ProposeResultDto::decl(),
        ConnectionDto::decl(),
        IdentityDto::decl(),
        WorkspaceDto::decl(),
        AppStatus::decl(),
        ConnectRequest::decl(),
        ConnectionCheck::decl(),
        AccountNamesDto::decl(),
        JiraConnectRequest::decl(),
        JiraCheckDto::decl(),
        JiraStatusDto::decl(),
        LintFindingDto::decl(),
        LintDto::decl(),
        LintFixRequest::decl(),
        DecomposeRequest::decl(),
        DecomposeDto::decl(),
        DecomposeStoryDto::decl(),
        DecomposeResultDto::decl(),
        PickItem::decl(),
        OpenRequest::decl(),
        StatusOptions::decl(),
        PlanView::decl(),
        NamedDto::decl(),
        PlanDto::decl(),
        ProgramObjectiveDto::decl(),
        ObjectiveDto::decl(),
        FeatureKindDto::decl(),
        FeatureDto::decl(),
        CriterionDto::decl(),
        StoryDto::decl(),
        FindingDto::decl(),
        pi_model::validate::Severity::decl(),
        ProgressDto::decl(),
        OpDto::decl(),
        PushOutcomeDto::decl(),
        PushSummaryDto::decl(),
        BlockingFindingDto::decl(),
        ChangeReportDto::decl(),
        ReportSectionDto::decl(),
        ReportBlockDto::decl(),
        ReportSpanDto::decl(),
        VerifyDto::decl(),
        RollbackDto::decl(),
        PushRefDto::decl(),
        PushEntryDto::decl(),
        SideDto::decl(),
        ConflictDto::decl(),
        ChoiceDto::decl(),
        ResolveRequest::decl(),
        PullResultDto::decl(),
        SyncStatusDto::decl(),
        RefusedDto::decl(),
        DiscardRequest::decl(),
        SettingsDto::decl(),
        SettingsUpdate::decl(),
        SyncEventDto::decl(),
        LinkDto::decl(),
        LiveStateDto::decl(),
        PlanChangeDto::decl(),
        LiveStatusDto::decl(),
        TrainRequest::decl(),
        TrainStatusDto::decl(),
        TeamRowDto::decl(),
        LastOpDto::decl(),
        TrainProgressDto::decl(),
        TrainSyncDto::decl(),
        TeamSyncDto::decl(),
        PushBlockerDto::decl(),
        TrainReportDto::decl(),
        ReportFormatDto::decl(),
        ReportExportDto::decl(),
        KeepDto::decl(),
        TrainResolveRequest::decl(),
        TrainResolveDto::decl(),
        BatchConflictDto::decl(),
        ApprovalsStatusDto::decl(),
        ApprovalDto::decl(),
        AuditEventDto::decl(),
        TemplatesDto::decl(),
        ExportFormat::decl(),
        AuditExportDto::decl(),
        TemplateAddRequest::decl(),
        VersionKindDto::decl(),
        VersionDto::decl(),
        BaselineDto::decl(),
        HistoryDto::decl(),
        SideInfoDto::decl(),
        pi_model::diff::SpanTag::decl(),
        pi_model::diff::WordSpan::decl(),
        FieldChangeDto::decl(),
        EntityChangeDto::decl(),
        pi_model::diff::Totals::decl(),
        ProgramEffortDto::decl(),
        EffortTotalsDto::decl(),
        ComparisonDto::decl(),
        SyncChangeDto::decl(),
        EffortPointDto::decl(),
        EffortSeriesDto::decl(),
        ConflictLogDto::decl(),
        UserDto::decl(),
        UndoPreviewDto::decl(),
        LogFolderDto::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust DTOs of src-tauri (src/dto). Do not edit by hand:\n\
         // run `PI_PLANNER_WRITE_TS=1 cargo test -p pi-planner generated_typescript` instead.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
