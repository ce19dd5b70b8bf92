// Jira in the app: the Connect screen's Jira part (test, connect, errors in words), the "Out of
// sync" view with its fixes, and "Create stories from acceptance criteria" on a feature card.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AppStatus, DecomposeDto, LintDto, LintFindingDto } from "../src/ipc";
import { fakeApp, openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const none: AppStatus = { connection: { kind: "none" }, identity: null, workspace: null };

const finding = (code: string, title: string, feature: string, featureName: string, fixable: boolean): LintFindingDto => ({
  code,
  title,
  message: `${featureName}: what is wrong`,
  objective: "Self-service sign-up",
  feature,
  featureName,
  epic: "DEMO-1",
  stories: ["DEMO-11"],
  fix: fixable ? "set the effort to 8 (the stories' points)" : "estimate them in Jira",
  fixable,
});

describe("Jira on the Connect screen", () => {
  it("tests the connection, says in words why Jira refused it, and connects", async () => {
    const user = userEvent.setup();
    const app = fakeApp({ app_status: none, jira_status: { url: null, demo: false } });
    app.fail("jira_test", {
      code: "unauthorized",
      message: "Jira at https://acme.atlassian.net did not accept these credentials.",
      hints: ["On Jira Cloud: your Atlassian e-mail and an API token (id.atlassian.com → Security → API tokens)."],
    });
    renderApp(app.client);
    const jira = await screen.findByRole("region", { name: "Jira" });
    await user.type(await within(jira).findByLabelText(/^Jira address/), "https://acme.atlassian.net");
    await user.type(within(jira).getByLabelText("Jira e-mail"), "ann@example.com");
    await user.type(within(jira).getByLabelText(/Jira API token/), "wrong-token");
    await user.click(within(jira).getByRole("button", { name: "Test Jira connection" }));
    const alert = await within(jira).findByRole("alert");
    expect(alert.textContent).toContain("did not accept these credentials");
    expect(alert.textContent).toContain("API tokens");

    app.answer("jira_test", { url: "https://acme.atlassian.net", kind: "Jira Cloud" });
    await user.click(within(jira).getByRole("button", { name: "Test Jira connection" }));
    expect((await within(jira).findByTestId("jira-check")).textContent).toBe(
      "Connection works: Jira Cloud at https://acme.atlassian.net.",
    );
    expect(app.calls.at(-1)).toEqual({
      command: "jira_test",
      args: { req: { url: "https://acme.atlassian.net", email: "ann@example.com", token: "wrong-token" } },
    });

    app.answer("jira_save", { url: "https://acme.atlassian.net", demo: false });
    await user.click(within(jira).getByRole("button", { name: "Connect Jira" }));
    expect((await within(jira).findByTestId("jira-connected")).textContent).toContain(
      "Connected to Jira at https://acme.atlassian.net.",
    );
    expect(within(jira).queryByLabelText(/Jira API token/)).toBeNull();
  });
});

describe("Out of sync", () => {
  it("lists each finding with its fix and applies a fix as an edit of the plan", async () => {
    const user = userEvent.setup();
    const points = finding("points-vs-effort", "Effort and story points differ", "tp:101001", "Self-service sign-up: first slice", true);
    const noPoints = finding("stories-without-points", "Stories without points", "tp:10102", "Single sign-on for partners: first slice", false);
    const before: LintDto = { findings: [points, noPoints], epicsNote: null, fixed: null };
    const app = openPlanApp(platformPlan())
      .answer("jira_lint", before)
      .answer("jira_lint_fix", { findings: [noPoints], epicsNote: null, fixed: 1 });
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Out of sync with Jira" }));
    const list = await screen.findByRole("list", { name: "Findings" });
    const items = within(list).getAllByRole("listitem");
    expect(items.map((i) => i.getAttribute("aria-label"))).toEqual([
      "Effort and story points differ: Self-service sign-up: first slice",
      "Stories without points: Single sign-on for partners: first slice",
    ]);
    expect(within(items[1] as HTMLElement).queryByRole("button", { name: "Apply fix" })).toBeNull();
    expect(within(items[1] as HTMLElement).getByTestId("lint-fix").textContent).toBe("Fix: estimate them in Jira");

    await user.click(within(items[0] as HTMLElement).getByRole("button", { name: "Apply fix" }));
    expect((await screen.findByTestId("lint-fixed")).textContent).toContain("Fixed 1 finding in the plan");
    expect(app.calls.find((c) => c.command === "jira_lint_fix")?.args).toEqual({
      req: { code: "points-vs-effort", feature: "tp:101001" },
    });
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(1));
    // The plan is read again when shown: the fix changed it.
    const reads = app.calls.filter((c) => c.command === "plan_get").length;
    await user.click(screen.getByRole("button", { name: "Back to the plan" }));
    await waitFor(() => expect(app.calls.filter((c) => c.command === "plan_get").length).toBeGreaterThan(reads));
  });

  it("says when the plan and Jira agree, and why epics were not checked", async () => {
    const user = userEvent.setup();
    const app = openPlanApp(platformPlan()).answer("jira_lint", {
      findings: [],
      epicsNote: "No Jira is connected. Epics missing in Jira are not looked for.",
      fixed: null,
    });
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Out of sync with Jira" }));
    expect((await screen.findByTestId("lint-none")).textContent).toBe("No findings: the plan and Jira agree.");
    expect(screen.getByTestId("epics-note").textContent).toContain("No Jira is connected.");
  });
});

describe("Create stories from acceptance criteria", () => {
  it("previews, creates, and shows the keys of what was created and what existed", async () => {
    const user = userEvent.setup();
    const plan = platformPlan();
    const story = (text: string, key: string | null, result: DecomposeDto["stories"][number]["result"]) => ({ text, key, result });
    const base = { feature: "tp:101001", featureName: "Self-service sign-up: first slice", epic: "DEMO-1" };
    const app = openPlanApp(plan).answer("jira_decompose", ({ req }) =>
      (req as { preview: boolean }).preview
        ? {
            ...base,
            preview: true,
            stories: [
              story("Works for the pilot customers", "DEMO-40", "alreadyCreated"),
              story("Documented in the ops manual", null, "toCreate"),
            ],
          }
        : {
            ...base,
            preview: false,
            stories: [
              story("Works for the pilot customers", "DEMO-40", "alreadyCreated"),
              story("Documented in the ops manual", "DEMO-41", "created"),
            ],
          },
    );
    renderApp(app.client);
    const card = await screen.findByRole("region", { name: "Feature Self-service sign-up: first slice" });
    await user.click(within(card).getByRole("button", { name: "Create stories from acceptance criteria" }));
    const dialog = await screen.findByRole("dialog");
    expect((await within(dialog).findByTestId("stories-to-create")).textContent).toBe(
      "Will create 1 story under DEMO-1:Documented in the ops manual",
    );
    expect(within(dialog).getByTestId("stories-earlier").textContent).toBe(
      "Already created earlier (1 story):DEMO-40Works for the pilot customers",
    );
    await user.click(within(dialog).getByRole("button", { name: "Create 1 story" }));
    expect((await within(dialog).findByTestId("stories-created")).textContent).toBe(
      "Created 1 story under DEMO-1:DEMO-41Documented in the ops manual",
    );
    expect(within(dialog).getByText("The stories appear under the feature at the next pull.")).toBeTruthy();
    expect(app.calls.filter((c) => c.command === "jira_decompose").map((c) => c.args)).toEqual([
      { req: { feature: "tp:101001", preview: true } },
      { req: { feature: "tp:101001", preview: false } },
    ]);
  });

  it("is not offered for a feature without an epic or criteria", async () => {
    const plan = platformPlan();
    const first = plan.objectives[0]?.features[0];
    if (!first) throw new Error("the plan has a first feature");
    first.jiraKey = null;
    renderApp(openPlanApp(plan).client);
    const card = await screen.findByRole("region", { name: "Feature Self-service sign-up: first slice" });
    expect(within(card).queryByRole("button", { name: "Create stories from acceptance criteria" })).toBeNull();
  });
});
