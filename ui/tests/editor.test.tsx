import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { FindingDto, PlanDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { demoPlan } from "./plans";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

/** These tests type key by key; on a busy machine that takes a while. */
describe("plan editor", { timeout: 20000 }, () => {
  it("lists the objectives of the open plan", async () => {
    renderApp(openPlanApp(plan()).client);
    const nav = await screen.findByRole("navigation", { name: "Objectives" });
    const names = within(nav)
      .getAllByTestId("objective-item")
      .map((el) => el.querySelector(".mantine-NavLink-label")?.textContent);
    expect(names).toEqual(["Self-service sign-up", "Single sign-on for partners", "Usage dashboard"]);
    expect(screen.getByTestId("workspace-title").textContent).toBe("Platform ART › PI-1/26 › Platform Eco");
  });

  it("saves an edit, shows the app's finding next to the field, and undoes it", async () => {
    // The app finds a committed objective without owner (its rule; here its answer).
    const noOwner = (p: PlanDto): FindingDto[] =>
      p.objectives[0]?.owner
        ? []
        : [{ severity: "warning", rule: "owner-required-on-committed", objective: 0, feature: null, field: "owner", message: 'committed objective "Self-service sign-up" has no owner' }];
    const app = openPlanApp(plan(), noOwner);
    app.answer("plan_undo", () => {
      app.answer("plan_get", { ...app.saved(), plan: plan() });
      return { plan: plan(), findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: false, notices: [] };
    });
    const user = userEvent.setup();
    renderApp(app.client);
    const owner = await screen.findByRole("combobox", { name: "Owner" });
    await user.clear(owner);
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText('committed objective "Self-service sign-up" has no owner')).toBeTruthy();
    expect(app.saved().objectives[0]?.owner).toBeNull();

    await user.click(screen.getByRole("button", { name: "Undo last save" }));
    await waitFor(() => expect(screen.queryByText(/has no owner/)).toBeNull());
    expect(app.calls.some((c) => c.command === "plan_undo")).toBe(true);
  });

  it("adds a feature with an acceptance criterion and saves it", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Add feature" }));
    const cards = screen.getAllByRole("region", { name: /^Feature / });
    const added = cards[cards.length - 1]!;
    await user.click(within(added).getByRole("button", { name: "Add criterion" }));
    await user.type(within(added).getByLabelText("Criterion 1"), "Signed off by the PO");
    await user.click(within(added).getByLabelText("Criterion 1 met"));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => {
      const saved = app.saved().objectives[0]!.features;
      expect(saved).toHaveLength(2);
      expect(saved[1]!.id).toBeNull();
      expect(saved[1]!.acceptanceCriteria).toEqual([{ text: "Signed off by the PO", done: true }]);
    });
  });

  it("adds and removes objectives, each a saved edit", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Add objective" }));
    await waitFor(() => expect(app.saved().objectives).toHaveLength(4));
    expect(((await screen.findByRole("textbox", { name: /^Name/ })) as HTMLInputElement).value).toBe("New objective");
    await user.click(screen.getByRole("button", { name: "Remove objective" }));
    await user.click(within(await screen.findByRole("dialog", { name: "Remove this objective?" })).getByRole("button", { name: "Remove objective" }));
    await waitFor(() => expect(app.saved().objectives).toHaveLength(3));
  });
});
