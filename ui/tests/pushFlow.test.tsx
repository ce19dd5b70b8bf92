// The push preview, its keyboard behaviour and the result of a push, as a planner meets them:
// counts that match what is listed, "1 change" / "2 changes" (never "(s)"), a new item with the
// fields it is created with, "Pushing…" with progress while sending, Push focused (Enter
// pushes), Escape cancels and the focus goes back to Push….
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { browserClient, demoPlan, type PlanDto } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

/** The demo plan with two objective fields changed and a new feature with owner, effort and criteria. */
async function edited(latencyMs = 0) {
  const client = browserClient({ plan: plan(), latencyMs });
  const p: PlanDto = structuredClone((await client.planGet()).plan);
  const o = p.objectives[0]!;
  o.effort = (o.effort ?? 0) + 13;
  o.owner = "Mira Ostrava";
  const template = o.features[0]!;
  o.features.push({
    ...structuredClone(template),
    id: null,
    name: "Audit log export",
    owner: "Bo Builder",
    effort: 5,
    description: "x".repeat(10_000),
    acceptanceCriteria: [{ text: "Exports the last 90 days", done: false }],
  });
  await client.planSave(p);
  return client;
}

describe("the push preview", { timeout: 20000 }, () => {
  it("counts what it lists, shows a new item's fields and says Pushing… while sending", async () => {
    const client = await edited(400);
    const user = userEvent.setup();
    renderApp(client);
    await user.click(await screen.findByRole("button", { name: "Push…" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" }, { timeout: 5000 });
    const items = within(dialog).getAllByTestId("push-op");
    expect(items).toHaveLength(2);
    expect(dialog.textContent).toContain("These 2 changes will be written to Targetprocess");
    const create = items.find((i) => i.textContent?.startsWith('Create feature "Audit log export"'))!;
    expect(create.textContent).toContain("Owner: Bo Builder");
    expect(create.textContent).toContain("Effort: 5 points");
    expect(create.textContent).toContain("Acceptance Criteria: [ ] Exports the last 90 days");
    expect(create.textContent!.length).toBeLessThan(400);
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
    const client = await edited();
    const user = userEvent.setup();
    renderApp(client);
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
    expect(client.sync.targetprocess()?.objectives[0]?.features.map((f) => f.name)).not.toContain("Audit log export");

    await user.keyboard("{Enter}");
    await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Push 2 changes"));
    await user.keyboard("{Enter}");
    await screen.findByTestId("push-result");
    expect(client.sync.targetprocess()?.objectives[0]?.features.map((f) => f.name)).toContain("Audit log export");
  });
});
