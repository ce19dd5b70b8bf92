// The typed client interface: everything the UI asks of the app. Components only ever see this
// interface; src/ipc/tauriHost.ts implements it over Tauri IPC and src/ipc/bridgeHost.ts over the
// app's loopback bridge (the UI in a browser), both as the app's commands (commands.ts).
import type {
  ApprovalsStatusDto,
  AuditEventDto,
  AuditExportDto,
  ExportFormat,
  TemplateAddRequest,
  TemplatesDto,
  AppStatus,
  ChoiceDto,
  ComparisonDto,
  ConflictLogDto,
  EffortSeriesDto,
  HistoryDto,
  SyncChangeDto,
  ConflictDto,
  DiscardRequest,
  LiveStatusDto,
  LogFolderDto,
  SyncHealthDto,
  HealthChecksDto,
  ProposeResultDto,
  ReviewDto,
  LinkDto,
  ProgressDto,
  PullResultDto,
  PushOutcomeDto,
  ResolveRequest,
  SettingsDto,
  SettingsUpdate,
  SyncEventDto,
  SyncStatusDto,
  ConnectionCheck,
  ConnectRequest,
  DecomposeDto,
  DecomposeRequest,
  JiraCheckDto,
  JiraConnectRequest,
  JiraStatusDto,
  LintDto,
  LintFixRequest,
  ErrorCode,
  IdentityDto,
  OpenRequest,
  PickItem,
  PlanDto,
  PlanView,
  UiError,
  UndoPreviewDto,
  UserDto,
  TrainProgressDto,
  TrainRequest,
  TrainResolveDto,
  TrainResolveRequest,
  TrainStatusDto,
  TrainSyncDto,
  ChangeReportDto,
  PushEntryDto,
  ReportExportDto,
  ReportFormatDto,
  RollbackDto,
  TrainReportDto,
  VerifyDto,
} from "./generated/types";

export type * from "./generated/types";

export interface PlannerClient {
  appStatus(): Promise<AppStatus>;
  demoStart(): Promise<AppStatus>;
  connectionTest(req: ConnectRequest): Promise<ConnectionCheck>;
  connectionSave(req: ConnectRequest): Promise<AppStatus>;
  /** Writes the account's names into the plans folder's settings; the check as it stands then. */
  connectionUseNames(req: ConnectRequest): Promise<ConnectionCheck>;
  /** Which Jira the app uses (the one connected on this computer, or the demo's). */
  jiraStatus(): Promise<JiraStatusDto>;
  /** Checks a Jira site and its credentials; stores nothing. */
  jiraTest(req: JiraConnectRequest): Promise<JiraCheckDto>;
  /** Checks, then keeps the credentials in the system keychain and uses this Jira. */
  jiraSave(req: JiraConnectRequest): Promise<JiraStatusDto>;
  /** Removes the Jira credentials from the keychain. */
  jiraForget(): Promise<JiraStatusDto>;
  /** Where the open plan and Jira disagree ("Out of sync"). */
  jiraLint(): Promise<LintDto>;
  /** Applies the fixes of one finding code (for one feature or all) as a saved edit. */
  jiraLintFix(req: LintFixRequest): Promise<LintDto>;
  /** Creates (or, with `preview`, lists) a feature's stories from its acceptance criteria. */
  jiraDecompose(req: DecomposeRequest): Promise<DecomposeDto>;
  identitySuggest(): Promise<IdentityDto>;
  identitySave(identity: IdentityDto): Promise<AppStatus>;
  artsList(): Promise<PickItem[]>;
  releasesList(art: number): Promise<PickItem[]>;
  teamsList(art: number): Promise<PickItem[]>;
  workspaceOpen(req: OpenRequest): Promise<PlanView>;
  planGet(): Promise<PlanView>;
  planSave(plan: PlanDto): Promise<PlanView>;
  planUndo(): Promise<PlanView>;
  /** What the last save changed, which "Undo last save" would put back. */
  planUndoPreview(): Promise<UndoPreviewDto>;
  /** The account's Targetprocess users (kept with the plan, refreshed on open and pull). */
  usersList(): Promise<UserDto[]>;
  /** Targetprocess → the plan; `onProgress` hears each step. */
  syncPull(onProgress: (p: ProgressDto) => void): Promise<PullResultDto>;
  /** What a push would send; nothing is sent. */
  pushPreview(): Promise<PushOutcomeDto>;
  /** The plan → Targetprocess; deletions only with `confirmDeletes`. */
  syncPush(confirmDeletes: boolean, onProgress: (p: ProgressDto) => void): Promise<PushOutcomeDto>;
  /** Completes a push that was interrupted before Targetprocess confirmed every change. */
  syncResume(onProgress: (p: ProgressDto) => void): Promise<PushOutcomeDto>;
  /** Gives up a refused change: the item (or its fields) goes back to Targetprocess's state. */
  changeDiscard(req: DiscardRequest): Promise<PlanView>;
  syncStatus(): Promise<SyncStatusDto>;
  conflictsList(): Promise<ConflictDto[]>;
  conflictResolve(req: ResolveRequest): Promise<ConflictDto[]>;
  conflictsResolveAll(choice: ChoiceDto): Promise<ConflictDto[]>;
  settingsGet(): Promise<SettingsDto>;
  settingsSave(update: SettingsUpdate): Promise<SettingsDto>;
  signOut(): Promise<AppStatus>;
  /** The folder of the app's log files; null where the app writes none. */
  logFolderGet(): Promise<LogFolderDto | null>;
  /** The sync health of the open plan's folder over the last weeks (its sync metrics). */
  syncHealthGet(): Promise<SyncHealthDto>;
  /** Settings → Health: the checks of `tpcli doctor` on the open plan and the connection. */
  healthChecks(): Promise<HealthChecksDto>;
  /** Where the open plan's pull request on GitHub stands; `notConfigured` without [github]. */
  reviewStatus(): Promise<ReviewDto>;
  /** Proposes the open plan for review on GitHub, as `tpcli plan propose` does. */
  reviewPropose(): Promise<ProposeResultDto>;
  /**
   * The `pi-planner://` link the app was started with (a notification's) or was handed since by
   * a later start, once; then null.
   */
  linkTake(): Promise<LinkDto | null>;
  /** Opens the plan a link names (the open one, its plan folder, or started from Targetprocess). */
  linkOpen(link: LinkDto): Promise<PlanView>;
  /** Shows the log folder in the platform's file manager. */
  logFolderOpen(): Promise<LogFolderDto>;
  /** The live indicator, and the changes that reached the open plan file meanwhile. */
  liveStatus(): Promise<LiveStatusDto>;
  /** The change set a push would send, its approvals and the progress against the policy. */
  approvalsStatus(): Promise<ApprovalsStatusDto>;
  /** Signs off the change set a push would send now, in the planner's name. */
  approve(comment: string): Promise<ApprovalsStatusDto>;
  /** Pushes although the approvals are missing; `reason` is kept in the audit trail. */
  syncPushOverride(reason: string, confirmDeletes: boolean, onProgress: (p: ProgressDto) => void): Promise<PushOutcomeDto>;
  /** Approvals, overrides, pushes and rollbacks, oldest first. */
  auditTrail(): Promise<AuditEventDto[]>;
  /** Saves the audit trail as CSV or JSON in the planner's Downloads folder; says where. */
  auditExport(format: ExportFormat): Promise<AuditExportDto>;
  /** The objective and feature templates of the plan's pi-planner.toml. */
  templatesList(): Promise<TemplatesDto>;
  /** Adds an objective (or a feature under `req.objective`) from a template and saves. */
  templateAdd(req: TemplateAddRequest): Promise<PlanView>;
  /** The plan's versions, newest first, with who made them and the baselines. */
  historyList(): Promise<HistoryDto>;
  /** What differs from one version to another: `working`, `tp`, `baseline:NAME` or a version's rev. */
  planCompare(before: string, after: string): Promise<ComparisonDto>;
  /** Objectives and features that differ from Targetprocess at the last pull or push. */
  syncChanges(): Promise<SyncChangeDto[]>;
  /** Committed and total objective effort at each version, oldest first. */
  effortSeries(): Promise<EffortSeriesDto>;
  /** The plan's conflicts as the shared op log tells them, newest found first: found by a pull, resolved by whom and when. */
  historyConflicts(): Promise<ConflictLogDto[]>;
  /** Every team of the ART for the PI, one row each (teams without a plan yet: not started). */
  trainStatus(req: TrainRequest): Promise<TrainStatusDto>;
  /** "Sync all": every team's plan started or opened, pulled and pushed; a step per team. */
  trainSync(req: TrainRequest, onProgress: (p: TrainProgressDto) => void): Promise<TrainSyncDto>;
  /** The conflicts a batch resolution would settle across the train; nothing is changed. */
  trainResolvePreview(req: TrainResolveRequest): Promise<TrainResolveDto>;
  /** Settles those conflicts, one attributed resolution each. */
  trainResolve(req: TrainResolveRequest): Promise<TrainResolveDto>;
  /** Opens a team's plan of the train in the editor. */
  trainTeamOpen(req: OpenRequest): Promise<PlanView>;
  /** The open plan's change report since its latest baseline, else since the last pull. */
  changeReport(): Promise<ChangeReportDto>;
  /** Compares the plan file, the last pull and Targetprocess; `repair`: first what is safe. */
  planVerify(repair: boolean): Promise<VerifyDto>;
  /** The plan's pushes, newest first, for "Undo a push" to pick from. */
  rollbackPushes(): Promise<PushEntryDto[]>;
  /** What undoing push `opId` (null: the latest) would write back to Targetprocess; nothing is sent. */
  rollbackPreview(opId: string | null): Promise<RollbackDto>;
  /** Undoes push `opId` (null: the latest), deleting what it created only with `confirmDeletes`. */
  rollback(opId: string | null, confirmDeletes: boolean): Promise<RollbackDto>;
  /** The train's report over its team plans (`tpcli plan report --art`). */
  trainReport(req: TrainRequest): Promise<TrainReportDto>;
  /** Saves the train's report as markdown or HTML in the Downloads folder; says where. */
  trainReportExport(req: TrainRequest, format: ReportFormatDto): Promise<ReportExportDto>;
  /** Calls `handler` when a background pull or a sync found something; returns the unsubscribe. */
  onSyncEvent(handler: (e: SyncEventDto) => void): () => void;
  /** Calls `handler` when a later start handed the app a link (`linkTake` has it); returns the unsubscribe. */
  onLinkHanded(handler: () => void): () => void;
}

/** A failed call, carrying the app's error code and hints. */
export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly hints: string[];

  constructor(error: UiError) {
    super(error.message);
    this.name = "ClientError";
    this.code = error.code;
    this.hints = error.hints;
  }
}

/** True when `value` has the shape of the app's UiError. */
export function isUiError(value: unknown): value is UiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string" && Array.isArray(v.hints);
}
