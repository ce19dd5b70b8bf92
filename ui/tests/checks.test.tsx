// Report and checks: undoing a push that created items asks for the deletion to be ticked first
// and sends the confirmation; "Repair what is safe" asks the app to repair and says what it did.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { RollbackDto, VerifyDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const PUSH = { id: "push-1", who: "Ann Planner", at: "2026-03-02T10:00:00Z" };

function checksApp() {
  const app = openPlanApp(platformPlan());
  const preview: RollbackDto = {
    kind: "preview",
    push: PUSH,
    ops: [{ lines: ['Delete feature "Audit log export"'], delete: true }],
    left: ['Effort of "Self-service sign-up" is left as it is: Targetprocess changed it since the push (13)'],
    deletes: true,
  };
  const undone: RollbackDto = { kind: "undone", push: PUSH, sent: preview.ops, refused: [], left: preview.left };
  const repaired: VerifyDto = {
    consistent: true,
    differences: [],
    repaired: ["Finished the interrupted push (2 changes)"],
    advice: [],
  };
  app
    .answer("change_report", { title: "Change report", since: "your last pull from Targetprocess", sections: [] })
    .answer("rollback_preview", preview)
    .answer("rollback", undone)
    .answer("plan_verify", repaired);
  return app;
}

describe("report and checks", { timeout: 20000 }, () => {
  it("undoes a push that created items only once the deletion is ticked", async () => {
    const app = checksApp();
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Report and checks" }, { timeout: 5000 }));
    await user.click(await screen.findByRole("button", { name: "Show what undoing would change…" }));
    const preview = await screen.findByTestId("rollback-preview");
    expect(preview.textContent).toContain("by Ann Planner writes 1 change to Targetprocess");
    expect(preview.textContent).toContain('Delete feature "Audit log export"');
    expect(within(preview).getByTestId("rollback-left").textContent).toContain("Targetprocess changed it since the push");
    const undo = within(preview).getByRole("button", { name: "Undo the push" });
    expect((undo as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(preview).getByLabelText("Yes, delete the items that push created in Targetprocess"));
    await user.click(undo);
    const result = await screen.findByTestId("rollback-result");
    expect(result.textContent).toContain("by Ann Planner: 1 change written back");
    expect(app.calls.filter((c) => c.command === "rollback")).toEqual([{ command: "rollback", args: { confirmDeletes: true } }]);
    expect(screen.queryByTestId("rollback-preview")).toBeNull();
  });

  it("repairs what is safe and says what it repaired", async () => {
    const app = checksApp();
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Report and checks" }, { timeout: 5000 }));
    await user.click(await screen.findByRole("button", { name: "Repair what is safe" }));
    const result = await screen.findByTestId("verify-result");
    expect(result.textContent).toContain("Everything agrees");
    expect(result.textContent).toContain("Repaired: Finished the interrupted push (2 changes)");
    await waitFor(() => expect(app.calls.some((c) => c.command === "plan_verify" && c.args.repair === true)).toBe(true));
  });
});
