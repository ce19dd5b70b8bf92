// The ways out of a push that did not go through: a change Targetprocess refuses is listed with
// its reason, "Discard this change" and "Retry"; an interrupted push is finished from the app;
// the count of changes to push belongs to its plan.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { browserClient, demoPlan, type BrowserClient } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

const FEATURE = "Audit log export";

/**
 * Adds a feature named FEATURE with `owner` under the first objective and saves. An owner who is
 * no Targetprocess user is refused at save, so the owner is one when the plan is saved and has
 * left the account before the push.
 */
async function addFeature(user: UserEvent, client: BrowserClient, owner: string) {
  const leaves = !client.users.includes(owner);
  if (leaves) client.users.push(owner);
  await user.click(await screen.findByRole("button", { name: "Add feature" }));
  const cards = screen.getAllByRole("region", { name: /^Feature / });
  const added = cards[cards.length - 1]!;
  await user.clear(within(added).getByLabelText(/^Feature name/));
  await user.type(within(added).getByLabelText(/^Feature name/), FEATURE);
  await user.type(within(added).getByLabelText("Feature owner"), owner);
  await user.click(screen.getByRole("button", { name: "Save" }));
  await waitFor(async () =>
    expect((await client.planGet()).plan.objectives[0]!.features.map((f) => f.name)).toContain(FEATURE),
  );
  if (leaves) client.users.splice(client.users.indexOf(owner), 1);
}

async function push(user: UserEvent) {
  await user.click(screen.getByRole("button", { name: "Push…" }));
  const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
  await user.click(within(dialog).getByRole("button", { name: /^Push \d+ change/ }));
  return screen.findByTestId(/^(push-result|refused-changes)$/);
}

/** These tests type names and owners key by key; on a busy machine that takes a while. */
const slow = { timeout: 20000 };

const tpFeatures = (client: BrowserClient) => client.sync.targetprocess()?.objectives[0]?.features.map((f) => f.name) ?? [];

describe("a change Targetprocess refuses", slow, () => {
  it("is shown in words with its reason, Discard this change and Retry; discarding removes it", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    await addFeature(user, client, "Mara Lind");
    const result = await push(user);
    // One honest result: what was refused (and that nothing else was sent), not two banners.
    expect(result.getAttribute("data-testid")).toBe("refused-changes");
    expect(result.textContent).toContain("Targetprocess refused 1 change; nothing else was sent");
    expect(screen.queryByTestId("push-result")).toBeNull();
    expect(screen.getAllByTestId("refused-changes")).toHaveLength(1);
    const change = await screen.findByTestId("refused-change");
    expect(change.textContent).toContain(`Create feature "${FEATURE}"`);
    expect(change.textContent).toContain(`Why: Owner of "${FEATURE}": no Targetprocess user is called "Mara Lind"`);
    expect(change.textContent).not.toMatch(/tp:|new:/);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
    expect(tpFeatures(client)).not.toContain(FEATURE);
    expect(screen.getByTestId("changes-to-push").textContent).toBe("1 change to push");

    await user.click(within(change).getByRole("button", { name: "Discard this change" }));
    await waitFor(() => expect(screen.queryByTestId("refused-changes")).toBeNull());
    expect((await client.planGet()).plan.objectives[0]!.features.map((f) => f.name)).not.toContain(FEATURE);
    expect(screen.queryByTestId("changes-to-push")).toBeNull();
  });

  it("is pushed by Retry once the owner is fixed in the form", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    await addFeature(user, client, "Mara Lind");
    await push(user);
    await screen.findByTestId("refused-change");

    const card = screen.getByRole("region", { name: `Feature ${FEATURE}` });
    await user.clear(within(card).getByLabelText("Feature owner"));
    await user.type(within(card).getByLabelText("Feature owner"), "Bo Builder");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(async () =>
      expect((await client.planGet()).plan.objectives[0]!.features.find((f) => f.name === FEATURE)?.owner).toBe("Bo Builder"),
    );
    await user.click(within(screen.getByTestId("refused-changes")).getByRole("button", { name: "Retry" }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await user.click(within(dialog).getByRole("button", { name: /^Push 1 change/ }));
    await waitFor(() => expect(screen.getByTestId("push-result").textContent).toContain("Pushed 1 change to Targetprocess"));
    expect(screen.getByTestId("push-result").textContent).toContain(`Create feature "${FEATURE}"`);
    await waitFor(() => expect(screen.queryByTestId("refused-changes")).toBeNull());
    expect(tpFeatures(client)).toContain(FEATURE);
  });
});

describe("an interrupted push", slow, () => {
  it("stops a pull with the next step named, and Finish the interrupted push completes it", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    const effort = await screen.findByLabelText("Effort");
    await user.clear(effort);
    await user.type(effort, "21");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("21 pts · committed · Accepted");
    client.sync.cutNextPush();
    await push(user).catch(() => null);
    const coded = () => document.querySelector("[data-code]");
    await waitFor(() => expect(coded()?.getAttribute("data-code")).toBe("unreachable"));
    expect(within(screen.getByTestId("next-step")).getByRole("button", { name: "Retry" })).toBeTruthy();
    expect((await screen.findByTestId("interrupted-push")).textContent).toContain("not confirmed 1 change");

    await user.click(screen.getByRole("button", { name: "Pull" }));
    await waitFor(() => expect(coded()?.getAttribute("data-code")).toBe("interrupted_push"));
    expect(coded()?.textContent).toContain("A push was interrupted before Targetprocess confirmed 1 change.");
    expect(coded()?.textContent).not.toMatch(/folder/);
    await user.click(within(screen.getByTestId("next-step")).getByRole("button", { name: "Finish the interrupted push" }));
    await waitFor(() => expect(screen.getByTestId("push-result").textContent).toContain("Pushed 1 change to Targetprocess"));
    expect(client.sync.targetprocess()?.objectives[0]?.effort).toBe(21);
    await waitFor(() => expect(screen.queryByTestId("interrupted-push")).toBeNull());
    await user.click(screen.getByRole("button", { name: "Pull" }));
    await screen.findByText("Targetprocess had no changes.");
    expect(coded()).toBeNull();
  });
});

describe("the count of changes to push", slow, () => {
  it("belongs to its plan and does not follow the planner to another team", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    const effort = await screen.findByLabelText("Effort");
    await user.clear(effort);
    await user.type(effort, "21");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("changes-to-push").textContent).toBe("1 change to push"));

    await user.click(screen.getByRole("button", { name: "Change team" }));
    await user.selectOptions(await screen.findByLabelText("Release train (ART)"), "Platform ART");
    await user.selectOptions(await screen.findByLabelText("Release (PI)"), "PI-1/26");
    await user.selectOptions(await screen.findByLabelText("Team"), "Identity");
    await user.click(screen.getByRole("button", { name: "Open plan" }));
    await waitFor(() => expect(screen.getByTestId("workspace-title").textContent).toContain("Identity"));
    await screen.findAllByTestId("objective-item");
    expect(screen.queryByTestId("changes-to-push")).toBeNull();
  });
});
