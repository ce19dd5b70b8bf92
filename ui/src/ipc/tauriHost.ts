// The client over Tauri IPC: one `invoke` per command, errors turned into ClientError.
import { invoke } from "@tauri-apps/api/core";

import { ClientError, isUiError, type PlannerClient } from "./client";

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
  };
}

/** True inside the app's webview. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
