import { describe, expect, it } from "vitest";

import { ClientError, bridgeClient, bridgeFromLocation, isUiError, type ProgressDto, type SyncEventDto } from "../src/ipc";

const address = { url: "http://127.0.0.1:4000", token: "t0ken" };
/** A progress step as the app sends it; the host passes it on untouched. */
const step = { step: 1, of: 2, message: "Reading" } as unknown as ProgressDto;

/** A fetch that answers with `lines` (JSON lines, sent in two chunks) and records the request. */
function answering(lines: unknown[], status = 200) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
    const cut = Math.floor(text.length / 2);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text.slice(0, cut)));
        controller.enqueue(new TextEncoder().encode(text.slice(cut)));
        controller.close();
      },
    });
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { fetchImpl, seen };
}

describe("bridge host", () => {
  it("sends each command with its arguments and the token, and returns its result", async () => {
    const { fetchImpl, seen } = answering([{ ok: [{ id: 7, name: "PI-1/26" }] }]);
    const releases = await bridgeClient(address, fetchImpl).releasesList(3);
    expect(releases).toEqual([{ id: 7, name: "PI-1/26" }]);
    expect(seen[0]!.url).toBe("http://127.0.0.1:4000/invoke/releases_list");
    expect(JSON.parse(String(seen[0]!.init.body))).toEqual({ art: 3 });
    expect((seen[0]!.init.headers as Record<string, string>).Authorization).toBe("Bearer t0ken");
  });

  it("hands each progress step and announcement over before the result", async () => {
    const event: SyncEventDto = { event: "conflict", view: "conflicts", title: "1 conflict in your plan", body: "…" };
    const { fetchImpl, seen } = answering([{ progress: step }, { event }, { ok: { kind: "upToDate" } }]);
    const client = bridgeClient(address, fetchImpl);
    const events: SyncEventDto[] = [];
    const stop = client.onSyncEvent((e) => events.push(e));
    const steps: ProgressDto[] = [];
    await client.syncPush(true, (p) => steps.push(p));
    expect(JSON.parse(String(seen[0]!.init.body))).toEqual({ confirmDeletes: true });
    expect(steps).toEqual([step]);
    expect(events).toEqual([event]);
    stop();
    await client.syncPull(() => {});
    expect(events).toHaveLength(1);
  });

  it("turns the app's error into a ClientError with its code and hints", async () => {
    const error = { code: "no_plan", message: "No plan is open.", hints: ["Pick a team."] };
    const { fetchImpl } = answering([{ error }]);
    const failed = bridgeClient(address, fetchImpl).planGet();
    await expect(failed).rejects.toBeInstanceOf(ClientError);
    await expect(failed).rejects.toMatchObject(error);
  });

  it("reads only the app's error shape as its error; anything else is an unreadable answer", async () => {
    expect(isUiError({ code: "keychain", message: "m", hints: [] })).toBe(true);
    expect(isUiError({ message: "m" })).toBe(false);
    expect(isUiError("boom")).toBe(false);
    const { fetchImpl } = answering([{ error: { message: "no code, no hints" } }]);
    await expect(bridgeClient(address, fetchImpl).planGet()).rejects.toMatchObject({ code: "invalid_input", message: "PI Planner could not run this action." });
  });

  it("says so when the bridge refuses the token, cuts the answer short or does not answer", async () => {
    const refusal = { code: "unauthorized", message: "This request did not carry the bridge's token.", hints: [] };
    const refused = answering([{ error: refusal }], 401).fetchImpl;
    await expect(bridgeClient(address, refused).appStatus()).rejects.toMatchObject({ code: "unauthorized" });
    const cut = answering([{ progress: step }]).fetchImpl;
    await expect(bridgeClient(address, cut).syncPull(() => {})).rejects.toMatchObject({ code: "invalid_input" });
    const down = (async () => {
      throw new TypeError("connection refused");
    }) as unknown as typeof fetch;
    await expect(bridgeClient(address, down).appStatus()).rejects.toMatchObject({ code: "unreachable" });
  });

  it("takes the bridge from the page address, on loopback http only", () => {
    const at = (search: string, hash: string) => bridgeFromLocation({ search, hash });
    expect(at("?bridge=http%3A%2F%2F127.0.0.1%3A4000", "#token=abc")).toEqual({ url: "http://127.0.0.1:4000", token: "abc" });
    expect(at("?bridge=http://127.0.0.1:4000", "")).toBeNull();
    expect(at("", "#token=abc")).toBeNull();
    expect(at("?bridge=http://192.0.2.1:4000", "#token=abc")).toBeNull();
    expect(at("?bridge=https://127.0.0.1:4000", "#token=abc")).toBeNull();
    expect(at("?bridge=not a url", "#token=abc")).toBeNull();
  });
});
