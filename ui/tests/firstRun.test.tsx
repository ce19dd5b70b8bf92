import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AppStatus, PlanView } from "../src/ipc";
import { fakeApp } from "./fakeClient";
import { demoPlan } from "./plans";
import { renderApp } from "./render";

const art = { id: 2, name: "Customer ART" };
const release = { id: 21, name: "PI-1/26" };
const team = { id: 201, name: "Checkout" };
const ann = { name: "Ann Planner", email: "ann@example.com" };
const none: AppStatus = { connection: { kind: "none" }, identity: null, workspace: null };
const demo: AppStatus = { ...none, connection: { kind: "demo" } };

/** What the app answers before anything is set up: no connection, the demo on request. */
const firstRun = () =>
  fakeApp({
    app_status: none,
    settings_get: { connection: { kind: "none" }, identity: null, plansFolder: "/plans", remote: null, pollSeconds: 30 },
    jira_status: { url: null, demo: false },
  });

describe("first run", () => {
  it("goes from the demo through identity and the picker to the plan", async () => {
    const plan = demoPlan(art, release, team);
    const view: PlanView = { plan, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/checkout.md", canUndo: false, notices: [] };
    const opened: AppStatus = { ...demo, identity: ann, workspace: { art, release, team, planFile: view.planFile } };
    const app = firstRun()
      .answer("demo_start", demo)
      .answer("identity_suggest", ann)
      .answer("identity_save", ({ identity }) => ({ ...demo, identity }))
      .answer("arts_list", [{ id: 1, name: "Platform ART" }, art])
      .answer("releases_list", ({ art: id }) => (id === art.id ? [release] : []))
      .answer("teams_list", ({ art: id }) => (id === art.id ? [team] : []))
      .answer("workspace_open", () => {
        app.answer("app_status", opened).answer("plan_get", view);
        return view;
      })
      .answer("users_list", [])
      .answer("sync_status", { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] })
      .answer("sync_changes", [])
      .answer("templates_list", { objectives: [], features: [] })
      .answer("plan_undo_preview", { changes: [] });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Try the demo" }));
    const name = (await screen.findByLabelText(/Your name/)) as HTMLInputElement;
    expect(name.value).toBe("Ann Planner");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    const choose = async (label: string, option: string) => {
      await screen.findByRole("option", { name: option });
      await user.selectOptions(screen.getByLabelText(label), option);
    };
    await choose("Release train (ART)", "Customer ART");
    await choose("Release (PI)", "PI-1/26");
    await choose("Team", "Checkout");
    await user.click(screen.getByRole("button", { name: "Open plan" }));
    expect((await screen.findByTestId("workspace-title")).textContent).toBe("Customer ART › PI-1/26 › Checkout");
    expect(await screen.findAllByTestId("objective-item")).toHaveLength(3);
    expect(app.calls.find((c) => c.command === "identity_save")?.args).toEqual({ identity: ann });
    expect(app.calls.find((c) => c.command === "workspace_open")?.args).toEqual({ req: { art, release, team } });
  });

  it("tests a connection and shows the app's coded error with its hint", async () => {
    const app = firstRun().fail("connection_test", {
      code: "bad_url",
      message: "This is not a Targetprocess address.",
      hints: ["Use the address you open Targetprocess with."],
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.type(await screen.findByLabelText(/Targetprocess address/), "not a url");
    await user.type(screen.getByLabelText(/Access token/), "demo-token");
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("bad_url");
    expect(alert.textContent).toContain("Use the address you open Targetprocess with.");
    expect(app.calls.find((c) => c.command === "connection_test")?.args).toEqual({
      req: { url: "not a url", token: "demo-token" },
    });
  });

  it("reports how many release trains a working connection sees", async () => {
    const app = firstRun().answer("connection_test", { arts: 2 });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.type(await screen.findByLabelText(/Targetprocess address/), "https://acme.tpondemand.com");
    await user.type(screen.getByLabelText(/Access token/), "demo-token");
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    expect((await screen.findByRole("status")).textContent).toBe("Connection works: 2 release trains visible.");
  });
});
