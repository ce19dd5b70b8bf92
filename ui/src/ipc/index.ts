// Picks the host: Tauri IPC inside the app, the in-memory browser host anywhere else.
import { browserClient } from "./browserHost";
import type { PlannerClient } from "./client";
import { insideTauri, tauriClient } from "./tauriHost";

export * from "./client";
export { browserClient, demoPlan, findingsOf, type BrowserHostOptions } from "./browserHost";

export function createClient(): PlannerClient {
  return insideTauri() ? tauriClient() : browserClient();
}
