// Planner words and small comforts: the header of a narrow window, no sign-off wording when none
// is required, failed pushes in the audit trail and History, a new item in the audit as created
// with long values shortened, the demo's start shown, PIs in time order and the picker's labels,
// where the plans are kept, and Cancel in Settings undoing a theme change.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AppStatus, AuditEventDto, PlanDto } from "../src/ipc";
import { fakeApp, openPlanApp } from "./fakeClient";
import { platformPlan as plan } from "./plans";
import { renderApp } from "./render";

const none: AppStatus = { connection: { kind: "none" }, identity: null, workspace: null };
/** The app before anything is set up. */
const firstRun = () =>
  fakeApp({
    app_status: none,
    settings_get: { connection: { kind: "none" }, identity: null, plansFolder: "/plans", remote: null, pollSeconds: 30 },
  });

const setViewport = (width: number) =>
  act(() => (globalThis as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width, height: 700 }));

describe("the header", () => {
  it("keeps PI and team in view and puts the secondary buttons in a menu in a 1024 px window", async () => {
    setViewport(1024);
    renderApp(openPlanApp(plan()).client);
    const crumb = await screen.findByTestId("workspace-title");
    expect(within(crumb).getByTestId("crumb-pi").textContent).toBe(" › PI-1/26 › ");
    expect(within(crumb).getByTestId("crumb-team").textContent).toBe("Platform Eco");
    expect(screen.queryByRole("button", { name: "History" })).toBeNull();
    expect(screen.getByRole("radiogroup", { name: "Theme" }) ?? screen.getByLabelText("Theme")).toBeTruthy();
    // The menu itself is opened in the browser test (e2e/narrow.test.mjs).
    expect(screen.getByRole("button", { name: "Menu ▾" }).getAttribute("aria-haspopup")).toBe("menu");
  });
});

describe("sign-off", () => {
  it("says No sign-off required, without configuration words, when the plan needs none", async () => {
    const app = openPlanApp(plan()).answer("approvals_status", {
      ops: [{ lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false }],
      hash: "sha256:4f2a9c",
      progress: "No sign-off required",
      met: true,
      approvals: [],
      required: 0,
      valid: 0,
      authors: ["ann@example.com"],
      approveBlocked: null,
      canOverride: false,
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Sign-off" }));
    expect((await screen.findByTestId("signoff-progress")).textContent).toBe("No sign-off required");
    const panel = screen.getByTestId("signoff-panel");
    expect(panel.textContent).not.toMatch(/0 of 0|pi-planner\.toml|\[approvals\]|sha256/i);
    expect(screen.queryByRole("progressbar", { name: "Approvals" })).toBeNull();
  });
});

describe("a failed push", () => {
  it("is in the audit trail and in History as the app records it", async () => {
    const failed: AuditEventDto = {
      at: "2026-03-02T09:10:00Z",
      kind: "push",
      who: "Ann Planner <ann@example.com>",
      change: null,
      summary: "Push failed: Targetprocess could not be reached.",
      note: null,
      sent: [],
    };
    const app = openPlanApp(plan())
      .answer("audit_trail", [failed])
      .answer("audit_export", { path: "/home/ann/Downloads/audit-pi-1-26-platform-eco.csv", events: 1 })
      .answer("history_list", { versions: [], baselines: [], capped: false, limit: 200, uncommitted: false, failedPushes: [failed] })
      .answer("plan_compare", {
        before: { rev: "tp", label: "Targetprocess (last pull)", shortId: null, at: null, who: null },
        after: { rev: "working", label: "your working plan", shortId: null, at: null, who: null },
        entities: [],
        effort: { team: "Platform Eco", objectives: { before: 48, after: 48 }, committed: { before: 24, after: 24 }, features: { before: 15, after: 15 }, programObjectives: [] },
      });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Audit" }));
    const row = await screen.findByTestId("audit-row");
    expect(row.textContent).toContain("Push failed: Targetprocess could not be reached.");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    expect((await screen.findByTestId("export-result")).textContent).toContain("1 event saved");
    await user.click(screen.getByRole("button", { name: "History" }));
    const shown = await screen.findByTestId("failed-push");
    expect(shown.textContent).toContain("Push failed");
    expect(shown.textContent).toContain("Ann Planner");
    expect(shown.textContent).not.toContain("ann@example.com");
  });
});

describe("first run and the picker", () => {
  it("shows that the demo is starting", async () => {
    // The demo starts when the test lets it.
    const app = firstRun().answer("demo_start", () => new Promise(() => {}));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Try the demo" }));
    expect(await screen.findByRole("button", { name: "Starting the demo…" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("Preparing the demo");
  });

  // PIs come oldest first from the app (Targetprocess's start dates; see the session tests).
  it("writes ART and PI in capitals", async () => {
    const ann = { name: "Ann Planner", email: "ann@example.com" };
    const demo: AppStatus = { ...none, connection: { kind: "demo" } };
    const app = firstRun()
      .answer("demo_start", demo)
      .answer("identity_suggest", ann)
      .answer("identity_save", ({ identity }) => ({ ...demo, identity }))
      .answer("arts_list", [{ id: 1, name: "Platform ART" }])
      .answer("releases_list", [{ id: 11, name: "PI-1/26" }])
      .answer("teams_list", [{ id: 101, name: "Platform Eco" }]);
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Try the demo" }));
    await screen.findByLabelText(/Your name/);
    await user.click(screen.getByRole("button", { name: "Continue" }));
    const art = await screen.findByLabelText("Release train (ART)");
    await waitFor(() => expect(art.textContent).toContain("Choose a release train (ART)"));
    expect(document.body.textContent).not.toMatch(/\((art|pi)\)/);
  });
});

describe("settings", () => {
  it("says where the plans are kept, and Cancel undoes a theme change", async () => {
    const plansFolder = "/home/ann/.local/share/dev.piplanner.app/workspaces/demo";
    const app = openPlanApp(plan())
      .answer("settings_get", { connection: { kind: "demo" }, identity: { name: "Ann Planner", email: "ann@example.com" }, plansFolder, remote: null, pollSeconds: 30 })
      .answer("log_folder_get", null);
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    expect((await screen.findByText(/Your plans are kept on this computer/)).textContent).toBeTruthy();
    expect(screen.getByTestId("plans-folder").textContent).toContain(plansFolder);
    const before = document.documentElement.getAttribute("data-mantine-color-scheme");
    const setting = screen.getByRole("radiogroup", { name: "Theme setting" });
    const other = before === "dark" ? "Light" : "Dark";
    await user.click(within(setting).getByText(other));
    await waitFor(() => expect(document.documentElement.getAttribute("data-mantine-color-scheme")).toBe(other.toLowerCase()));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(document.documentElement.getAttribute("data-mantine-color-scheme")).toBe(before));
    expect(screen.queryByText(/(Git address|a git address)/i)).toBeNull();
    expect(app.calls.map((c) => c.command)).not.toContain("settings_save");
  });
});

describe("the editor", () => {
  it("shows no Targetprocess or local ids, and says when an item is not in Targetprocess yet", async () => {
    setViewport(1366);
    // The app gives a new objective a local id when it saves it.
    const app = openPlanApp(plan());
    app.answer("plan_save", ({ plan: next }) => {
      const saved = structuredClone(next as PlanDto);
      saved.objectives.forEach((o, i) => (o.id ??= `new:7f3a${i}`));
      app.answer("plan_get", { plan: saved, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: true });
      return { plan: saved, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: true };
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await screen.findAllByTestId("objective-item");
    expect(document.body.textContent).not.toMatch(/tp:\d|new:[a-z0-9]/);
    expect(screen.queryByTestId("not-in-tp")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Add objective" }));
    await waitFor(() => expect(screen.getByTestId("not-in-tp").textContent).toBe("not in Targetprocess yet"));
    expect(document.body.textContent).not.toMatch(/tp:\d|new:[a-z0-9]/);
  });
});
