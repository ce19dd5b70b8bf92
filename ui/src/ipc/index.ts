// Picks the host: Tauri IPC inside the app; in a plain browser, the app's loopback bridge named
// by the page address (`?bridge=<url>#token=<token>`, as `pi-planner-bridge` prints it).
import { bridgeClient, bridgeFromLocation, noHostClient } from "./bridgeHost";
import type { PlannerClient } from "./client";
import { insideTauri, tauriClient } from "./tauriHost";

export * from "./client";
export { bridgeClient, bridgeFromLocation, type BridgeAddress } from "./bridgeHost";
export { commandClient, type Call } from "./commands";

export function createClient(): PlannerClient {
  if (insideTauri()) return tauriClient();
  const bridge = bridgeFromLocation(window.location);
  if (!bridge) return noHostClient();
  const client = bridgeClient(bridge);
  // Browser tests read what the app holds through the same commands.
  (window as unknown as { piPlannerBrowserHost?: PlannerClient }).piPlannerBrowserHost = client;
  return client;
}
