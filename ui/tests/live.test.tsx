// Live sync in the window: the sync bar's indicator in each state, and a change of the plan file
// made meanwhile (another editor, or a look that pulled) reloads the plan with a notice — or,
// with unsaved edits in the form, asks first and never drops typed text unasked.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { LiveStatusDto, PlanView } from "../src/ipc";
import { openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const slow = { timeout: 20000 };

const live = (patch: Partial<LiveStatusDto> = {}): LiveStatusDto => ({
  state: "live",
  checkedAt: null,
  reason: null,
  pollSeconds: 30,
  revision: 0,
  lastChange: null,
  ...patch,
});

/** 10:42 today in the planner's time zone. */
const tenFortyTwo = () => {
  const d = new Date();
  d.setHours(10, 42, 0, 0);
  return d.toISOString();
};

const indicator = () => screen.findByTestId("live-indicator");

describe("the live indicator", () => {
  it("shows Live with the time of the last check, Offline with the reason, or off", async () => {
    const app = openPlanApp(platformPlan()).answer("live_status", live());
    renderApp(app.client);
    expect((await indicator()).textContent).toBe("Live · checking…");
    app.answer("live_status", live({ checkedAt: tenFortyTwo() }));
    await waitFor(async () => expect((await indicator()).textContent).toMatch(/^Live · checked 10:42/));
    app.answer("live_status", live({ state: "offline", checkedAt: tenFortyTwo(), reason: "Targetprocess could not be reached: 503" }));
    await waitFor(async () => expect((await indicator()).textContent).toBe("Offline"));
    expect(screen.getByTestId("live-reason").textContent).toMatch(/^Targetprocess could not be reached: 503 Last checked 10:42/);
    app.answer("live_status", live({ state: "off" }));
    await waitFor(async () => expect((await indicator()).textContent).toBe("Live updates off"));
    expect(screen.queryByTestId("live-reason")).toBeNull();
  });
});

/** The app's plan as changed on disk: the first objective renamed. */
function renamedOnDisk(app: FakeApp, name: string) {
  const plan = platformPlan();
  plan.objectives[0]!.name = name;
  const first = app.calls.length;
  app.answer("plan_get", (): PlanView => ({
    plan,
    findings: [],
    statuses: { objective: ["Pending", "Accepted", "Done"], feature: ["Funnel", "Backlog", "Done"] },
    planFile: "/plans/plan.md",
    canUndo: false,
    notices: [],
  }));
  return () => app.calls.slice(first).filter((c) => c.command === "plan_get").length;
}

describe("a change of the plan file while it is shown", slow, () => {
  it("reloads the plan with a notice when nothing is unsaved", async () => {
    const app = openPlanApp(platformPlan()).answer("live_status", live());
    renderApp(app.client);
    const name = await screen.findByLabelText(/^Name/);
    expect((name as HTMLInputElement).value).toBe(platformPlan().objectives[0]!.name);
    renamedOnDisk(app, "Renamed in another editor");
    app.answer("live_status", live({ revision: 1, lastChange: "outside" }));
    expect((await screen.findByTestId("live-notice")).textContent).toContain(
      "The plan file was changed outside the app — reloaded",
    );
    await waitFor(() => expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("Renamed in another editor"));
  });

  it("with unsaved edits asks first: keep editing keeps the typed text, reload drops it only then", async () => {
    const app = openPlanApp(platformPlan()).answer("live_status", live());
    const user = userEvent.setup();
    renderApp(app.client);
    const name = await screen.findByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, "Typed here");
    const reads = renamedOnDisk(app, "Renamed in another editor");
    app.answer("live_status", live({ revision: 1, lastChange: "outside" }));
    const ask = await screen.findByTestId("live-ask");
    expect(ask.textContent).toContain("Changed outside the app");
    expect(ask.textContent).toContain("Reload and lose your unsaved edits, or keep editing?");
    expect(reads()).toBe(0);
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("Typed here");

    await user.click(within(ask).getByRole("button", { name: "Keep editing" }));
    expect(await screen.findByTestId("live-kept")).toBeTruthy();
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("Typed here");
    expect(reads()).toBe(0);

    app.answer("live_status", live({ revision: 2, lastChange: "pulled" }));
    const again = await screen.findByTestId("live-ask");
    expect(again.textContent).toContain("Targetprocess changes were pulled into the plan");
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("Typed here");
    await user.click(within(again).getByRole("button", { name: "Reload and lose my unsaved edits" }));
    await waitFor(() => expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe("Renamed in another editor"));
    expect(reads()).toBeGreaterThan(0);
    expect((await screen.findByTestId("live-notice")).textContent).toContain("reloaded");
  });
});
