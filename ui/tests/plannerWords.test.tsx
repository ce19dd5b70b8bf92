// Planner words and small comforts: the header of a narrow window, no sign-off wording when none
// is required, failed pushes in the audit trail and History, a new item in the audit as created
// with long values shortened, the demo's start shown, PIs in time order and the picker's labels,
// where the plans are kept, and Cancel in Settings undoing a theme change.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { browserClient, demoPlan, type PlanDto } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

const setViewport = (width: number) =>
  act(() => (globalThis as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width, height: 700 }));

describe("the header", () => {
  it("keeps PI and team in view and puts the secondary buttons in a menu in a 1024 px window", async () => {
    setViewport(1024);
    renderApp(browserClient({ plan: plan() }));
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
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await user.click(await screen.findByRole("button", { name: "Sign-off" }));
    expect((await screen.findByTestId("signoff-progress")).textContent).toBe("No sign-off required");
    const panel = screen.getByTestId("signoff-panel");
    expect(panel.textContent).not.toMatch(/0 of 0|pi-planner\.toml|\[approvals\]|sha256/i);
  });
});

describe("a failed push", () => {
  it("is in the audit trail and in History, and the export counts it", async () => {
    const client = browserClient({ plan: plan() });
    const p: PlanDto = structuredClone((await client.planGet()).plan);
    p.objectives[0]!.effort = 34;
    await client.planSave(p);
    client.sync.cutNextPush();
    await expect(client.syncPush(false, () => {})).rejects.toThrow("could not be reached");
    const user = userEvent.setup();
    renderApp(client);
    await user.click(await screen.findByRole("button", { name: "Audit" }));
    const row = await screen.findByTestId("audit-row");
    expect(row.textContent).toContain("Push failed: Targetprocess could not be reached.");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    expect((await screen.findByTestId("export-result")).textContent).toContain("1 event saved");
    await user.click(screen.getByRole("button", { name: "History" }));
    const failed = await screen.findByTestId("failed-push");
    expect(failed.textContent).toContain("Push failed");
    expect(failed.textContent).toContain("Ann Planner");
  });

  it("shows a new item as created, with long values shortened", async () => {
    const client = browserClient({ plan: plan() });
    const p: PlanDto = structuredClone((await client.planGet()).plan);
    const o = p.objectives[0]!;
    o.features.push({ ...structuredClone(o.features[0]!), id: null, name: "Audit log export", description: "y".repeat(10_000) });
    await client.planSave(p);
    await client.syncPush(false, () => {});
    const user = userEvent.setup();
    renderApp(client);
    await user.click(await screen.findByRole("button", { name: "Audit" }));
    await user.click(await screen.findByRole("button", { name: /Show the details of event 1/ }));
    const details = await screen.findByTestId("audit-details");
    expect(details.textContent).toContain('Create feature "Audit log export"');
    expect(details.textContent).not.toContain("(deleted)");
    expect(details.textContent!.length).toBeLessThan(600);
  });
});

describe("first run and the picker", () => {
  it("shows that the demo is starting", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ latencyMs: 300 }));
    await user.click(await screen.findByRole("button", { name: "Try the demo" }));
    expect(await screen.findByRole("button", { name: "Starting the demo…" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("Preparing the demo");
  });

  // PIs come oldest first from the app (Targetprocess's start dates; see the session tests).
  it("writes ART and PI in capitals", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ identitySuggestion: { name: "Ann Planner", email: "ann@example.com" } }));
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
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    expect((await screen.findByText(/Your plans are kept on this computer/)).textContent).toBeTruthy();
    expect(screen.getByTestId("plans-folder").textContent).toContain("workspaces");
    const before = document.documentElement.getAttribute("data-mantine-color-scheme");
    const setting = screen.getByRole("radiogroup", { name: "Theme setting" });
    const other = before === "dark" ? "Light" : "Dark";
    await user.click(within(setting).getByText(other));
    await waitFor(() => expect(document.documentElement.getAttribute("data-mantine-color-scheme")).toBe(other.toLowerCase()));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(document.documentElement.getAttribute("data-mantine-color-scheme")).toBe(before));
    expect(screen.queryByText(/(Git address|a git address)/i)).toBeNull();
  });
});

describe("the editor", () => {
  it("shows no Targetprocess or local ids, and says when an item is not in Targetprocess yet", async () => {
    setViewport(1366);
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await screen.findAllByTestId("objective-item");
    expect(document.body.textContent).not.toMatch(/tp:\d|new:[a-z0-9]/);
    expect(screen.queryByTestId("not-in-tp")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Add objective" }));
    await waitFor(() => expect(screen.getByTestId("not-in-tp").textContent).toBe("not in Targetprocess yet"));
    expect(document.body.textContent).not.toMatch(/tp:\d|new:[a-z0-9]/);
  });
});
