// A push the plan's validation errors stopped (the push gate): the result says nothing was sent,
// the editor lists each error with a button to its field, the field says the error stops the
// push, and once it is fixed and saved the list says the push can go again.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { FindingDto, PlanDto, PushOutcomeDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const TOO_MUCH = "Effort 99 is above the team's maximum of 40";

/** The app's validation: an objective's effort above 40 is an error at its Effort field. */
const findings = (plan: PlanDto): FindingDto[] =>
  plan.objectives.flatMap((o, i): FindingDto[] =>
    (o.effort ?? 0) > 40
      ? [{ severity: "error", rule: "effort-range", objective: i, feature: null, field: "effort", message: TOO_MUCH }]
      : [],
  );

describe("the push gate in the editor", { timeout: 20000 }, () => {
  it("marks each error that stopped the push at its field, leads to it, and clears once fixed", async () => {
    const plan = platformPlan();
    plan.objectives[1]!.effort = 99;
    const app = openPlanApp(plan, findings);
    const blocked: PushOutcomeDto = {
      kind: "blockedByValidation",
      findings: [
        { rule: "effort-range", message: TOO_MUCH, item: "tp:10102", itemName: "Single sign-on for partners", field: "effort", line: 31 },
      ],
    };
    app
      .answer("sync_status", { localChanges: 1, conflicts: 0, unfinishedPush: 0, refused: [] })
      .answer("push_preview", { kind: "preview", ops: [{ lines: ['Effort 16 → 99 points on "Single sign-on for partners"'], delete: false }] })
      .answer("sync_push", blocked);
    const user = userEvent.setup();
    renderApp(app.client);

    await user.click(await screen.findByRole("button", { name: "Push…" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await user.click(within(dialog).getByRole("button", { name: "Push 1 change" }));
    const result = await screen.findByTestId("push-result");
    expect(result.textContent).toContain("Not pushed: the plan has errors to fix first");
    expect(result.textContent).toContain("Nothing was sent to Targetprocess.");

    const gate = await screen.findByTestId("push-gate");
    expect(gate.textContent).toContain("Not pushed: 1 error stops the push");
    const item = within(gate).getByTestId("push-gate-finding");
    expect(item.textContent).toBe(`“Single sign-on for partners”: ${TOO_MUCH}`);

    // The first objective is selected; the button leads to the second one's Effort field.
    await user.click(within(item).getByRole("button", { name: "“Single sign-on for partners”" }));
    const effort = await screen.findByLabelText("Effort");
    await waitFor(() => expect(document.activeElement).toBe(effort));
    expect((effort as HTMLInputElement).value).toBe("99");
    const form = screen.getByRole("form", { name: "Objective" });
    expect(form.textContent).toContain(`${TOO_MUCH} — this stops the push`);

    await user.clear(effort);
    await user.type(effort, "21");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("push-gate").textContent).toContain("The errors that stopped the push are fixed"));
    expect(app.saved().objectives[1]?.effort).toBe(21);
    expect(screen.getByRole("form", { name: "Objective" }).textContent).not.toContain("this stops the push");
  });

  it("offers Push anyway…, which asks for a reason and pushes with it as an override", async () => {
    const plan = platformPlan();
    plan.objectives[1]!.effort = 99;
    const app = openPlanApp(plan, findings);
    const blocked: PushOutcomeDto = {
      kind: "blockedByValidation",
      findings: [
        { rule: "effort-range", message: TOO_MUCH, item: "tp:10102", itemName: "Single sign-on for partners", field: "effort", line: 31 },
      ],
    };
    const ops = [{ lines: ['Effort 16 → 99 points on "Single sign-on for partners"'], delete: false }];
    const pushed: PushOutcomeDto = { kind: "pushed", summary: { sent: ops, refused: [], created: 0, mismatches: [], resumed: 0 } };
    app
      .answer("sync_status", { localChanges: 1, conflicts: 0, unfinishedPush: 0, refused: [] })
      .answer("push_preview", { kind: "preview", ops })
      .answer("sync_push", blocked)
      .answer("sync_push_override", pushed);
    const user = userEvent.setup();
    renderApp(app.client);

    await user.click(await screen.findByRole("button", { name: "Push…" }, { timeout: 5000 }));
    await user.click(within(await screen.findByRole("dialog", { name: "Push to Targetprocess" })).getByRole("button", { name: "Push 1 change" }));
    const result = await screen.findByTestId("push-result");
    await user.click(within(result).getByRole("button", { name: "Push anyway…" }));
    const ask = await screen.findByRole("dialog", { name: "Push anyway" });
    const go = within(ask).getByRole("button", { name: "Push anyway" });
    expect((go as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(ask).getByLabelText(/Reason/), "  Agreed with the RTE: effort is re-estimated on Monday ");
    await user.click(go);

    await screen.findByText("Pushed 1 change to Targetprocess");
    expect(screen.getByTestId("override-recorded").textContent).toContain("your reason is kept in the audit trail");
    expect(app.calls.filter((c) => c.command === "sync_push_override").map((c) => c.args)).toEqual([
      { reason: "Agreed with the RTE: effort is re-estimated on Monday", confirmDeletes: false },
    ]);
    // The errors no longer stop a push: the gate's list is gone.
    await waitFor(() => expect(screen.queryByTestId("push-gate")).toBeNull());
  });
});
