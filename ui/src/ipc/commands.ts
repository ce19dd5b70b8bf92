// The client interface as the app's commands: one command name and its arguments per method,
// shared by both transports (Tauri IPC in the app, the loopback bridge in a browser).
import type { PlannerClient, ProgressDto, SyncEventDto } from "./client";

/** Runs one command of the app; `onProgress` hears the steps of a pull or push. */
export type Call = <T>(
  command: string,
  args?: Record<string, unknown>,
  onProgress?: (p: ProgressDto) => void,
) => Promise<T>;

/** Subscribes to the app's sync events; returns the unsubscribe. */
export type Subscribe = (handler: (e: SyncEventDto) => void) => () => void;

/** Subscribes to links handed over by later starts of the app; returns the unsubscribe. */
export type SubscribeLinks = (handler: () => void) => () => void;

export function commandClient(call: Call, subscribe: Subscribe, subscribeLinks: SubscribeLinks = () => () => {}): PlannerClient {
  return {
    appStatus: () => call("app_status"),
    demoStart: () => call("demo_start"),
    connectionTest: (req) => call("connection_test", { req }),
    connectionSave: (req) => call("connection_save", { req }),
    connectionUseNames: (req) => call("connection_use_names", { req }),
    jiraStatus: () => call("jira_status"),
    jiraTest: (req) => call("jira_test", { req }),
    jiraSave: (req) => call("jira_save", { req }),
    jiraForget: () => call("jira_forget"),
    jiraLint: () => call("jira_lint"),
    jiraLintFix: (req) => call("jira_lint_fix", { req }),
    jiraDecompose: (req) => call("jira_decompose", { req }),
    identitySuggest: () => call("identity_suggest"),
    identitySave: (identity) => call("identity_save", { identity }),
    artsList: () => call("arts_list"),
    releasesList: (art) => call("releases_list", { art }),
    teamsList: (art) => call("teams_list", { art }),
    workspaceOpen: (req) => call("workspace_open", { req }),
    planGet: () => call("plan_get"),
    planSave: (plan) => call("plan_save", { plan }),
    planUndo: () => call("plan_undo"),
    planUndoPreview: () => call("plan_undo_preview"),
    usersList: () => call("users_list"),
    syncPull: (onProgress) => call("sync_pull", {}, onProgress),
    pushPreview: () => call("push_preview"),
    syncPush: (confirmDeletes, onProgress) => call("sync_push", { confirmDeletes }, onProgress),
    syncResume: (onProgress) => call("sync_resume", {}, onProgress),
    changeDiscard: (req) => call("change_discard", { req }),
    syncStatus: () => call("sync_status"),
    conflictsList: () => call("conflicts_list"),
    conflictResolve: (req) => call("conflict_resolve", { req }),
    conflictsResolveAll: (choice) => call("conflicts_resolve_all", { choice }),
    settingsGet: () => call("settings_get"),
    settingsSave: (update) => call("settings_save", { update }),
    signOut: () => call("sign_out"),
    logFolderGet: () => call("log_folder_get"),
    syncHealthGet: () => call("sync_health_get"),
    healthChecks: () => call("health_checks"),
    reviewStatus: () => call("review_status"),
    reviewPropose: () => call("review_propose"),
    linkTake: () => call("link_take"),
    linkOpen: (link) => call("link_open", { link }),
    logFolderOpen: () => call("log_folder_open"),
    liveStatus: () => call("live_status"),
    approvalsStatus: () => call("approvals_status"),
    approve: (comment) => call("approve", { comment }),
    syncPushOverride: (reason, confirmDeletes, onProgress) =>
      call("sync_push_override", { reason, confirmDeletes }, onProgress),
    auditTrail: () => call("audit_trail"),
    auditExport: (format) => call("audit_export", { format }),
    templatesList: () => call("templates_list"),
    templateAdd: (req) => call("template_add", { req }),
    historyList: () => call("history_list"),
    planCompare: (before, after) => call("plan_compare", { before, after }),
    syncChanges: () => call("sync_changes"),
    effortSeries: () => call("effort_series"),
    historyConflicts: () => call("history_conflicts"),
    trainStatus: (req) => call("train_status", { req }),
    // The train's steps come through the same progress channel as a pull's.
    trainSync: (req, onProgress) => call("train_sync", { req }, onProgress as unknown as (p: ProgressDto) => void),
    trainResolvePreview: (req) => call("train_resolve_preview", { req }),
    trainResolve: (req) => call("train_resolve", { req }),
    trainTeamOpen: (req) => call("train_team_open", { req }),
    changeReport: () => call("change_report"),
    planVerify: (repair) => call("plan_verify", { repair }),
    rollbackPushes: () => call("rollback_pushes"),
    rollbackPreview: (opId) => call("rollback_preview", { opId }),
    rollback: (opId, confirmDeletes) => call("rollback", { opId, confirmDeletes }),
    trainReport: (req) => call("train_report", { req }),
    trainReportExport: (req, format) => call("train_report_export", { req, format }),
    onSyncEvent: subscribe,
    onLinkHanded: subscribeLinks,
  };
}

/** The error of a call that failed without an answer from the app. */
export const UNREADABLE = {
  code: "invalid_input",
  message: "PI Planner could not run this action.",
  hints: ["Restart PI Planner and try again."],
} as const;
