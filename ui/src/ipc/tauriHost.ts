// The client over Tauri IPC: one `invoke` per command, errors turned into ClientError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import { ClientError, isUiError, type PlannerClient, type ProgressDto, type SyncEventDto } from "./client";
import { UNREADABLE, commandClient } from "./commands";

function progressChannel(onProgress: (p: ProgressDto) => void): Channel<ProgressDto> {
  const channel = new Channel<ProgressDto>();
  channel.onmessage = onProgress;
  return channel;
}

async function call<T>(
  command: string,
  args: Record<string, unknown> = {},
  onProgress?: (p: ProgressDto) => void,
): Promise<T> {
  const withProgress = onProgress ? { ...args, progress: progressChannel(onProgress) } : args;
  try {
    return await invoke<T>(command, withProgress);
  } catch (e) {
    if (isUiError(e)) throw new ClientError(e);
    throw new ClientError({ ...UNREADABLE, hints: [...UNREADABLE.hints] });
  }
}

export function tauriClient(): PlannerClient {
  return commandClient(
    call,
    (handler) => {
      const stop = listen<SyncEventDto>("sync-event", (e) => handler(e.payload));
      return () => void stop.then((f) => f());
    },
    (handler) => {
      const stop = listen("link-opened", () => handler());
      return () => void stop.then((f) => f());
    },
  );
}

/** True inside the app's webview. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
