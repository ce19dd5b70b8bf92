// The push preview, its keyboard behaviour and the result of a push, as a planner meets them:
// counts that match what is listed, "1 change" / "2 changes" (never "(s)"), a new item with the
// fields it is created with, "Pushing…" with progress while sending, Push focused (Enter
// pushes), Escape cancels and the focus goes back to Push….
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { OpDto, PushOutcomeDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { demoPlan } from "./plans";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

/** The two changes the app would push, in its words: two fields changed and a new feature. */
const OPS: OpDto[] = [
  { lines: ['Effort 8 → 21 points on "Self-service sign-up"', 'Owner Ann Planner → Mira Ostrava on "Self-service sign-up"'], delete: false },
  {
    lines: ['Create feature "Audit log export"', "Owner: Bo Builder", "Effort: 5 points", "Acceptance Criteria: [ ] Exports the last 90 days"],
    delete: false,
  },
];

/**
 * The app with two changes to push; the push takes `latencyMs` and reports one step. `pushed()`
 * says whether the UI sent the push.
 */
function edited(latencyMs = 0) {
  const app = openPlanApp(plan());
  let pushed = false;
  app
    .answer("sync_status", { localChanges: 2, conflicts: 0, unfinishedPush: 0, refused: [] })
    .answer("push_preview", { kind: "preview", ops: OPS })
    .answer("sync_push", async (_args, onProgress) => {
      onProgress({ step: 1, of: 2, message: "Sending 2 changes" } as never);
      await new Promise((r) => setTimeout(r, latencyMs));
      pushed = true;
      app.answer("sync_status", { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] });
      const outcome: PushOutcomeDto = { kind: "pushed", summary: { sent: OPS, refused: [], created: 1, mismatches: [], resumed: 0 } };
      return outcome;
    });
  return Object.assign(app, { pushed: () => pushed });
}

describe("the push preview", { timeout: 20000 }, () => {
  it("counts what it lists, shows a new item's fields and says Pushing… while sending", async () => {
    const app = edited(400);
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Push…" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" }, { timeout: 5000 });
    const items = within(dialog).getAllByTestId("push-op");
    expect(items).toHaveLength(2);
    expect(dialog.textContent).toContain("These 2 changes will be written to Targetprocess");
    const create = items.find((i) => i.textContent?.startsWith('Create feature "Audit log export"'))!;
    expect(create.textContent).toContain("Owner: Bo Builder");
    expect(create.textContent).toContain("Effort: 5 points");
    expect(create.textContent).toContain("Acceptance Criteria: [ ] Exports the last 90 days");
    const push = within(dialog).getByRole("button", { name: "Push 2 changes" });
    expect(document.body.textContent).not.toContain("(s)");

    await user.click(push);
    const sending = await within(dialog).findByRole("button", { name: "Pushing…" });
    expect((sending as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByTestId("push-dialog-progress")).toBeTruthy();
    const result = await screen.findByTestId("push-result", {}, { timeout: 5000 });
    expect(result.textContent).toContain("Pushed 2 changes to Targetprocess");
    expect(within(result).getAllByTestId("push-op")).toHaveLength(2);
    expect(document.body.textContent).not.toContain("(s)");
  });

  it("focuses Push when opened from the keyboard; Escape cancels and the focus returns", async () => {
    const app = edited();
    const user = userEvent.setup();
    renderApp(app.client);
    const opener = await screen.findByRole("button", { name: "Push…" });
    act(() => opener.focus());
    await user.keyboard("{Enter}");
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Push 2 changes"));
    await user.tab();
    await user.tab();
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(opener));
    expect(app.pushed()).toBe(false);

    await user.keyboard("{Enter}");
    await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Push 2 changes"));
    await user.keyboard("{Enter}");
    await screen.findByTestId("push-result");
    expect(app.pushed()).toBe(true);
    expect(app.calls.find((c) => c.command === "sync_push")?.args).toEqual({ confirmDeletes: false });
  });
});
