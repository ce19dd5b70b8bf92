// Picks the host: Tauri IPC inside the app, the in-memory browser host anywhere else.
import { browserClient, type BrowserClient } from "./browserHost";
import type { PlannerClient } from "./client";
import { insideTauri, tauriClient } from "./tauriHost";

export * from "./client";
export { browserClient, demoPlan, findingsOf, type BrowserClient, type BrowserHostOptions } from "./browserHost";

export function createClient(): PlannerClient {
  if (insideTauri()) return tauriClient();
  const client = browserClient();
  // Browser tests play another planner through the host's Targetprocess copy.
  (window as unknown as { piPlannerBrowserHost?: BrowserClient }).piPlannerBrowserHost = client;
  return client;
}
