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
const OLDER = { id: "push-0", who: "Ben Lead", at: "2026-03-01T09:00:00Z" };

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
    .answer("rollback_pushes", [
      { push: PUSH, summary: "Pushed 1 change", latest: true },
      { push: OLDER, summary: "Pushed 2 changes", latest: false },
    ])
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
    expect(app.calls.filter((c) => c.command === "rollback_preview").map((c) => c.args)).toEqual([{ opId: "push-1" }]);
    expect(app.calls.filter((c) => c.command === "rollback")).toEqual([{ command: "rollback", args: { opId: "push-1", confirmDeletes: true } }]);
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

  it("undoes an older push picked from the plan's pushes, with its own preview", async () => {
    const app = checksApp();
    const older: RollbackDto = { kind: "preview", push: OLDER, ops: [{ lines: ["Effort 8 → 5 points"], delete: false }], left: [], deletes: false };
    app
      .answer("rollback_preview", ({ opId }) => (opId === "push-0" ? older : null))
      .answer("rollback", ({ opId }) => (opId === "push-0" ? { kind: "undone", push: OLDER, sent: older.ops, refused: [], left: [] } : null));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Report and checks" }, { timeout: 5000 }));
    const pick = (await screen.findByLabelText("Push to undo")) as HTMLSelectElement;
    await waitFor(() => expect(pick.value).toBe("push-1"));
    expect([...pick.options].map((o) => o.textContent)).toEqual([
      expect.stringMatching(/by Ann Planner \(latest\): Pushed 1 change$/),
      expect.stringMatching(/by Ben Lead: Pushed 2 changes$/),
    ]);
    await user.selectOptions(pick, "push-0");
    await user.click(screen.getByRole("button", { name: "Show what undoing would change…" }));
    const preview = await screen.findByTestId("rollback-preview");
    expect(preview.textContent).toContain("by Ben Lead writes 1 change to Targetprocess");
    await user.click(within(preview).getByRole("button", { name: "Undo the push" }));
    expect((await screen.findByTestId("rollback-result")).textContent).toContain("by Ben Lead: 1 change written back");
    expect(app.calls.filter((c) => c.command === "rollback").map((c) => c.args)).toEqual([{ opId: "push-0", confirmDeletes: false }]);
  });
});
