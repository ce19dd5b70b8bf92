import { describe, expect, it } from "vitest";

import { ClientError, browserClient, demoPlan, findingsOf, isUiError } from "./memoryHost";

const plan = () => demoPlan({ id: 1, name: "A" }, { id: 2, name: "R" }, { id: 3, name: "T" });

describe("browser host", () => {
  it("refuses data calls before connecting, with a coded error", async () => {
    const client = browserClient();
    await expect(client.artsList()).rejects.toMatchObject({ code: "not_connected" });
    await expect(client.planGet()).rejects.toBeInstanceOf(ClientError);
  });

  it("keeps an undo history of saved edits only", async () => {
    const client = browserClient({ plan: plan() });
    const same = await client.planSave((await client.planGet()).plan);
    expect(same.canUndo).toBe(false);
    const next = structuredClone(same.plan);
    next.objectives[0]!.name = "Renamed";
    expect((await client.planSave(next)).canUndo).toBe(true);
    const undone = await client.planUndo();
    expect(undone.plan.objectives[0]!.name).toBe("Self-service sign-up");
    await expect(client.planUndo()).rejects.toMatchObject({ code: "nothing_to_undo" });
  });

  it("finds missing names, negative effort and committed objectives without owner", () => {
    const p = plan();
    p.objectives[0]!.name = " ";
    p.objectives[1]!.owner = null;
    p.objectives[2]!.features[0]!.effort = -1;
    const found = findingsOf(p).map((f) => [f.rule, f.objective, f.feature, f.severity]);
    expect(found).toEqual([
      ["required-field", 0, null, "error"],
      ["owner-required-on-committed", 1, null, "warning"],
      ["effort-non-negative", 2, 0, "error"],
    ]);
  });

  it("recognises the app's error shape", () => {
    expect(isUiError({ code: "keychain", message: "m", hints: [] })).toBe(true);
    expect(isUiError({ message: "m" })).toBe(false);
    expect(isUiError("boom")).toBe(false);
  });
});
