import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { browserClient, demoPlan } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

async function editEffort(value: string) {
  const user = userEvent.setup();
  const effort = await screen.findByLabelText("Effort");
  await user.clear(effort);
  await user.type(effort, value);
  await user.click(screen.getByRole("button", { name: "Save" }));
  await screen.findByText(`${value} pts · committed · Accepted`);
  return user;
}

describe("push", () => {
  it("previews the changes in planner words, pushes on confirm and summarises", async () => {
    const client = browserClient({ plan: plan() });
    renderApp(client);
    const user = await editEffort("21");
    await user.click(screen.getByRole("button", { name: "Push…" }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    expect(within(dialog).getByTestId("push-ops").textContent).toBe('Effort 8 points → 21 points on "Self-service sign-up"');
    expect(client.sync.targetprocess()?.objectives[0]?.effort).toBe(8);
    await user.click(within(dialog).getByRole("button", { name: "Push 1 change" }));
    const result = await screen.findByTestId("push-result");
    expect(result.textContent).toContain("Pushed 1 change to Targetprocess");
    expect(client.sync.targetprocess()?.objectives[0]?.effort).toBe(21);
  });

  it("asks for an explicit confirmation before deleting in Targetprocess", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    await user.click(await screen.findByRole("button", { name: "Remove objective" }));
    await user.click(within(await screen.findByRole("dialog", { name: "Remove this objective?" })).getByRole("button", { name: /^Remove objective/ }));
    await waitFor(() => expect(screen.getAllByTestId("objective-item")).toHaveLength(2));
    await user.click(screen.getByRole("button", { name: "Push…" }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    const push = within(dialog).getByRole("button", { name: "Push 1 change" }) as HTMLButtonElement;
    expect(push.disabled).toBe(true);
    await user.click(within(dialog).getByLabelText("Yes, delete these items in Targetprocess"));
    await user.click(push);
    await screen.findByTestId("push-result");
    expect(client.sync.targetprocess()?.objectives).toHaveLength(2);
  });

  it("offers a pull when Targetprocess changed what the push would overwrite", async () => {
    const client = browserClient({ plan: plan() });
    renderApp(client);
    const user = await editEffort("21");
    client.sync.editInTargetprocess(0, { effort: 99 });
    await user.click(screen.getByRole("button", { name: "Push…" }));
    await user.click(await screen.findByRole("button", { name: "Push 1 change" }));
    const result = await screen.findByTestId("push-result");
    expect(result.textContent).toContain("Targetprocess changed since your last pull");
    expect(result.textContent).toContain('Effort of "Self-service sign-up" is now 99 points in Targetprocess');
    expect(client.sync.targetprocess()?.objectives[0]?.effort).toBe(99);
    await user.click(within(result).getByRole("button", { name: "Pull now" }));
    expect(await screen.findByRole("heading", { name: "Conflicts (1)" })).toBeTruthy();
  });
});

describe("conflicts", () => {
  it("shows base, mine and Targetprocess side by side; keep mine settles it and push works again", async () => {
    const client = browserClient({ plan: plan() });
    renderApp(client);
    const user = await editEffort("21");
    client.sync.editInTargetprocess(0, { effort: 99, description: "Changed in TP." });
    await user.click(screen.getByRole("button", { name: "Pull" }));
    await screen.findByRole("heading", { name: "Conflicts (1)" });
    const card = screen.getByTestId("conflict");
    expect(card.textContent).toContain("Effort of “Self-service sign-up”");
    expect(card.textContent).toContain("Last pull8 points");
    expect(card.textContent).toContain("Mine21 points");
    expect(card.textContent).toContain("Targetprocess99 points");
    expect(within(card).queryByRole("button", { name: "Keep both" })).toBeNull();
    await user.click(within(card).getByRole("button", { name: "Keep mine" }));
    expect(await screen.findByTestId("no-conflicts")).toBeTruthy();
    const view = await client.planGet();
    expect(view.plan.objectives[0]?.effort).toBe(21);
    expect(view.plan.objectives[0]?.description).toBe("Changed in TP.");
    await user.click(screen.getByRole("button", { name: "Back to the plan" }));
    const push = (await screen.findByRole("button", { name: "Push…" })) as HTMLButtonElement;
    expect(push.disabled).toBe(false);
  });

  it("keeps both texts, takes a typed value, and resolves all with one strategy", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    const base = plan();
    const local = structuredClone(base);
    local.objectives[0]!.name = "Sign-up, mine";
    local.objectives[1]!.effort = 3;
    local.objectives[2]!.effort = 4;
    await client.planSave(local);
    client.sync.editInTargetprocess(0, { name: "Sign-up, theirs" });
    client.sync.editInTargetprocess(1, { effort: 30 });
    client.sync.editInTargetprocess(2, { effort: 40 });
    await client.syncPull(() => {});
    await user.click(await screen.findByRole("button", { name: "Pull" }));
    await screen.findByRole("heading", { name: "Conflicts (3)" });
    const [name, effort] = screen.getAllByTestId("conflict");
    await user.click(within(name!).getByRole("button", { name: "Keep both" }));
    await screen.findByRole("heading", { name: "Conflicts (2)" });
    expect((await client.planGet()).plan.objectives[0]?.name).toBe("Sign-up, mine\n\nSign-up, theirs");
    void effort;
    const first = screen.getAllByTestId("conflict")[0]!;
    await user.click(within(first).getByRole("button", { name: "Edit…" }));
    await user.type(within(first).getByLabelText("New value"), "12");
    await user.click(within(first).getByRole("button", { name: "Use this value" }));
    await screen.findByRole("heading", { name: "Conflicts (1)" });
    expect((await client.planGet()).plan.objectives[1]?.effort).toBe(12);
    await client.planSave((await client.planGet()).plan);
    expect(await client.conflictsResolveAll({ kind: "keepTheirs" })).toEqual([]);
    expect((await client.planGet()).plan.objectives[2]?.effort).toBe(40);
  });

  it("a sync event from a background pull switches to the conflicts view", async () => {
    const client = browserClient({ plan: plan() });
    renderApp(client);
    await editEffort("21");
    client.sync.editInTargetprocess(0, { effort: 99 });
    await client.syncPull(() => {});
    expect(await screen.findByRole("heading", { name: "Conflicts (1)" })).toBeTruthy();
  });
});

describe("settings", () => {
  it("saves the remote and poll interval, and signing out returns to the welcome screen", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    const remote = await screen.findByLabelText(/Shared remote/);
    await user.type(remote, "git@example.com:team/plans.git");
    const poll = screen.getByLabelText(/Pull in the background every/);
    await user.clear(poll);
    await user.type(poll, "5");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByRole("button", { name: "Pull" });
    expect(await client.settingsGet()).toMatchObject({ remote: "git@example.com:team/plans.git", pollMinutes: 5 });
    await user.click(screen.getByRole("button", { name: "Settings" }));
    await user.click(await screen.findByRole("button", { name: "Leave the demo" }));
    expect(await screen.findByRole("heading", { name: "Welcome to PI Planner" })).toBeTruthy();
  });
});
