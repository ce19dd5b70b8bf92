// What a pull could not bring is shown on the plan screen in the app's words, until dismissed or
// the next pull brings none.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { PullResultDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const UNPLACED = "12 features of PI-2/27 are linked to none of Harbor Ops's objectives: check [tp] feature_objectives_collection.";
const JIRA = "Jira unreachable: stories not refreshed";
const pulled = (notices: string[]): PullResultDto => ({ fromTp: [], local: 0, conflicts: [], tpChanged: true, notices });

describe("notices after a pull", () => {
  it("shows what could not be brought, and goes when dismissed or after a clean pull", async () => {
    const app = openPlanApp(platformPlan());
    app.answer("sync_pull", pulled([UNPLACED, JIRA]));
    const user = userEvent.setup();
    renderApp(app.client);
    expect(screen.queryByTestId("plan-notices")).toBeNull();
    await user.click(await screen.findByRole("button", { name: "Pull" }));
    const alert = await screen.findByTestId("plan-notices");
    expect(within(alert).getAllByRole("listitem").map((i) => i.textContent)).toEqual([UNPLACED, JIRA]);
    await user.click(within(alert).getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(screen.queryByTestId("plan-notices")).toBeNull());
    await user.click(screen.getByRole("button", { name: "Pull" }));
    expect(await screen.findByTestId("plan-notices")).toBeTruthy();
    app.answer("sync_pull", pulled([]));
    await user.click(screen.getByRole("button", { name: "Pull" }));
    await waitFor(() => expect(screen.queryByTestId("plan-notices")).toBeNull());
  });
});
