// The client over Tauri IPC: one `invoke` per command, errors turned into ClientError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import { ClientError, isUiError, type PlannerClient, type ProgressDto, type SyncEventDto } from "./client";

function progressChannel(onProgress: (p: ProgressDto) => void): Channel<ProgressDto> {
  const channel = new Channel<ProgressDto>();
  channel.onmessage = onProgress;
  return channel;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isUiError(e)) throw new ClientError(e);
    throw new ClientError({
      code: "invalid_input",
      message: "PI Planner could not run this action.",
      hints: ["Restart PI Planner and try again."],
    });
  }
}

export function tauriClient(): PlannerClient {
  return {
    appStatus: () => call("app_status"),
    demoStart: () => call("demo_start"),
    connectionTest: (req) => call("connection_test", { req }),
    connectionSave: (req) => call("connection_save", { req }),
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
    syncPull: (onProgress) => call("sync_pull", { progress: progressChannel(onProgress) }),
    pushPreview: () => call("push_preview"),
    syncPush: (confirmDeletes, onProgress) =>
      call("sync_push", { confirmDeletes, progress: progressChannel(onProgress) }),
    syncResume: (onProgress) => call("sync_resume", { progress: progressChannel(onProgress) }),
    changeDiscard: (req) => call("change_discard", { req }),
    syncStatus: () => call("sync_status"),
    conflictsList: () => call("conflicts_list"),
    conflictResolve: (req) => call("conflict_resolve", { req }),
    conflictsResolveAll: (choice) => call("conflicts_resolve_all", { choice }),
    settingsGet: () => call("settings_get"),
    settingsSave: (update) => call("settings_save", { update }),
    signOut: () => call("sign_out"),
    approvalsStatus: () => call("approvals_status"),
    approve: (comment) => call("approve", { comment }),
    syncPushOverride: (reason, confirmDeletes, onProgress) =>
      call("sync_push_override", { reason, confirmDeletes, progress: progressChannel(onProgress) }),
    auditTrail: () => call("audit_trail"),
    auditExport: (format) => call("audit_export", { format }),
    templatesList: () => call("templates_list"),
    templateAdd: (req) => call("template_add", { req }),
    historyList: () => call("history_list"),
    planCompare: (before, after) => call("plan_compare", { before, after }),
    syncChanges: () => call("sync_changes"),
    effortSeries: () => call("effort_series"),
    onSyncEvent: (handler) => {
      const stop = listen<SyncEventDto>("sync-event", (e) => handler(e.payload));
      return () => void stop.then((f) => f());
    },
  };
}

/** True inside the app's webview. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
