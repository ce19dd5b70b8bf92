// The bridge host: the client interface over the app's loopback bridge (`pi-planner-bridge`),
// for the UI in a plain browser (the browser tests). It is transport only: every call is one
// command of the real app, run by the same session as in the app's window.
//
// The bridge answers each command with JSON lines: `{"progress": …}` per step, `{"event": …}`
// for what the app would announce, and last `{"ok": result}` or `{"error": UiError}`.
import { ClientError, isUiError, type PlannerClient, type ProgressDto, type SyncEventDto, type UiError } from "./client";
import { UNREADABLE, commandClient } from "./commands";

/** Where the bridge listens and the token its commands need. */
export interface BridgeAddress {
  url: string;
  token: string;
}

/**
 * The bridge named by a page address `…?bridge=<url>#token=<token>`, or null. Only loopback
 * http addresses are taken: the bridge serves no other.
 */
export function bridgeFromLocation(location: { search: string; hash: string }): BridgeAddress | null {
  const url = new URLSearchParams(location.search).get("bridge");
  const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  if (!url || !token) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(parsed.hostname);
  if (parsed.protocol !== "http:" || !loopback) return null;
  return { url: parsed.origin, token };
}

function failure(error: UiError | undefined): ClientError {
  return new ClientError(error && isUiError(error) ? error : { ...UNREADABLE, hints: [...UNREADABLE.hints] });
}

/** Reads the answer's lines as they come; returns the last line's result or throws its error. */
async function readAnswer<T>(
  response: Response,
  onProgress: ((p: ProgressDto) => void) | undefined,
  onEvent: (e: SyncEventDto) => void,
): Promise<T> {
  if (!response.body) throw failure(undefined);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    buffered += value ?? "";
    const lines = buffered.split("\n");
    buffered = done ? "" : (lines.pop() ?? "");
    for (const text of lines.filter((l) => l.trim())) {
      const line = JSON.parse(text) as { progress?: ProgressDto; event?: SyncEventDto; ok?: T; error?: UiError };
      if (line.progress) onProgress?.(line.progress);
      else if (line.event) onEvent(line.event);
      else if ("ok" in line) return line.ok as T;
      else throw failure(line.error);
    }
    if (done) throw failure(undefined);
  }
}

/** The client over the bridge at `address`. */
export function bridgeClient(address: BridgeAddress, fetchImpl: typeof fetch = fetch): PlannerClient {
  const handlers = new Set<(e: SyncEventDto) => void>();
  const announce = (e: SyncEventDto) => handlers.forEach((h) => h(e));
  const call = async <T>(
    command: string,
    args: Record<string, unknown> = {},
    onProgress?: (p: ProgressDto) => void,
  ): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImpl(`${address.url}/invoke/${command}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${address.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(args),
      });
    } catch {
      throw new ClientError({
        code: "unreachable",
        message: "PI Planner's bridge did not answer.",
        hints: ["Start pi-planner-bridge again and open the address it prints."],
      });
    }
    if (response.status === 401) {
      const refusal = (await response.json().catch(() => undefined)) as { error?: UiError } | undefined;
      throw failure(refusal?.error);
    }
    try {
      return await readAnswer<T>(response, onProgress, announce);
    } catch (e) {
      if (e instanceof ClientError) throw e;
      throw failure(undefined);
    }
  };
  return commandClient(call, (handler) => {
    handlers.add(handler);
    return () => void handlers.delete(handler);
  });
}


/** The client of a page opened outside the app without a bridge: every call says what to do. */
export function noHostClient(): PlannerClient {
  const refuse = () =>
    Promise.reject(
      new ClientError({
        code: "not_connected",
        message: "This page runs outside PI Planner and names no bridge to the app.",
        hints: ["Start pi-planner-bridge --ui ui/dist and open the address it prints."],
      }),
    );
  return commandClient(refuse, () => () => {});
}
