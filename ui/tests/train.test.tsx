// The train view: a row per team, "Sync all" with a line per team and the summary, the batch
// resolution's preview then apply, and a team's conflicts count opening its plan on them.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { TeamRowDto, TrainStatusDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const team = (id: number, name: string, rest: Partial<TeamRowDto> = {}): TeamRowDto => ({
  team: { id, name },
  started: true,
  pendingChanges: 0,
  conflicts: 0,
  lastPull: { who: "Targetprocess (editors)", at: "2025-03-01T09:00:00Z" },
  lastPush: null,
  approvals: "Not required",
  validationErrors: 0,
  committedEffort: 13,
  problem: null,
  needsAttention: false,
  ...rest,
});

const train = (teams: TeamRowDto[]): TrainStatusDto => ({ art: "Orbit Train", release: "PI 1", folder: "/plans/trains/orbit-train", teams });

describe("the train view", () => {
  it("lists every team, syncs all with a line per team, and opens a team's conflicts", async () => {
    const app = openPlanApp(platformPlan());
    let synced = false;
    app.answer("train_status", () =>
      train(
        synced
          ? [team(1, "Apollo", { conflicts: 2, needsAttention: true }), team(2, "Gemini")]
          : [team(1, "Apollo", { started: false }), team(2, "Gemini", { started: false })],
      ),
    );
    app.answer("train_sync", (_args, onProgress) => {
      const step = onProgress as unknown as (p: object) => void;
      step({ stage: "lookingUp" });
      step({ stage: "done", team: "Apollo", ok: false, message: "2 conflicts to settle." });
      step({ stage: "done", team: "Gemini", ok: true, message: "Plan started from Targetprocess. Up to date." });
      synced = true;
      return {
        teams: [
          { team: "Apollo", ok: false, message: "2 conflicts to settle." },
          { team: "Gemini", ok: true, message: "Plan started from Targetprocess. Up to date." },
        ],
        summary: "1 team synced; 1 team need attention.",
      };
    });
    app.answer("train_team_open", ({ req }) => ({ plan: platformPlan(), findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/trains/orbit-train/apollo/plan.md", canUndo: false, notices: [], req }));
    app.answer("conflicts_list", []);
    renderApp(app.client);
    await userEvent.click(await screen.findByRole("button", { name: "Train" }));
    const rows = await screen.findAllByTestId("train-row");
    expect(rows.map((r) => r.textContent)).toEqual([
      "ApolloNot started — “Sync all” starts this team’s plan.",
      "GeminiNot started — “Sync all” starts this team’s plan.",
    ]);

    await userEvent.click(screen.getByRole("button", { name: "Sync all" }));
    const lines = await screen.findByTestId("train-sync");
    expect(within(lines).getByText("1 team synced; 1 team need attention.")).toBeTruthy();
    expect(within(lines).getAllByTestId("train-sync-line").map((l) => l.textContent)).toEqual([
      "Apollo: 2 conflicts to settle.",
      "Gemini: Plan started from Targetprocess. Up to date.",
    ]);
    expect(app.calls.find((c) => c.command === "train_sync")?.args).toEqual({
      req: { art: { id: platformPlan().art.id, name: platformPlan().art.name }, release: { id: platformPlan().release.id, name: platformPlan().release.name } },
    });

    await userEvent.click(await screen.findByRole("button", { name: "2 conflicts in Apollo" }));
    await waitFor(() => expect(app.calls.some((c) => c.command === "train_team_open")).toBe(true));
    const opened = app.calls.find((c) => c.command === "train_team_open")?.args as { req: { team: { name: string } } };
    expect(opened.req.team.name).toBe("Apollo");
    await waitFor(() => expect(app.calls.some((c) => c.command === "conflicts_list")).toBe(true));
  });

  it("previews a batch resolution, then settles it", async () => {
    const app = openPlanApp(platformPlan());
    app.answer("train_status", train([team(1, "Apollo", { conflicts: 1 }), team(2, "Gemini", { conflicts: 1 })]));
    const conflicts = (resolved: boolean) => [
      { team: "Apollo", what: "Effort of objective “Checkout”", resolved, error: null },
      { team: "Gemini", what: "Effort of objective “Search”", resolved, error: null },
    ];
    app.answer("train_resolve_preview", { applied: false, conflicts: conflicts(false), summary: "Would settle 2 conflicts in 2 teams." });
    app.answer("train_resolve", { applied: true, conflicts: conflicts(true), summary: "Settled 2 of 2 conflicts in 2 teams." });
    renderApp(app.client);
    await userEvent.click(await screen.findByRole("button", { name: "Train" }));
    await userEvent.click(await screen.findByRole("button", { name: "Resolve conflicts…" }));
    const settle = await screen.findByRole("button", { name: /Settle/ });
    expect((settle as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect((await screen.findByTestId("train-resolve-summary")).textContent).toContain("Would settle 2 conflicts in 2 teams.");
    expect(app.calls.some((c) => c.command === "train_resolve")).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Settle 2 conflicts" }));
    expect((await screen.findByText("Settled 2 of 2 conflicts in 2 teams.")).textContent).toBeTruthy();
    const asked = app.calls.find((c) => c.command === "train_resolve")?.args as { req: { keep: string; field: string | null } };
    expect(asked.req).toMatchObject({ keep: "remote", field: null, kind: null, team: null });
  });

  it("lists what stops each team's push after Sync all, and opens the team's plan on it", async () => {
    const app = openPlanApp(platformPlan());
    app.answer(
      "train_status",
      train([
        team(1, "Apollo", { validationErrors: 1, needsAttention: true }),
        team(2, "Gemini"),
        team(3, "Mercury", { needsAttention: true }),
        team(4, "Venus", { conflicts: 2, needsAttention: true }),
        team(5, "Zeus", { needsAttention: true }),
      ]),
    );
    const finding = { rule: "effort-range", message: "Effort 99 is above the team's maximum of 40", item: "tp:10102", itemName: "Single sign-on for partners", field: "effort", line: 31 };
    app.answer("train_sync", {
      teams: [
        { team: "Apollo", ok: false, message: "Not pushed: 1 validation error in the plan.", blocker: { kind: "validationErrors", findings: [finding] } },
        { team: "Gemini", ok: true, message: "Up to date.", blocker: null },
        { team: "Mercury", ok: false, message: "Not pushed: the change waits for sign-off.", blocker: { kind: "awaitingApproval", missing: "0 of 1 approvals" } },
        { team: "Venus", ok: false, message: "2 conflicts to settle.", blocker: { kind: "conflicts", count: 2 } },
        { team: "Zeus", ok: false, message: "Not pushed: Bo is pushing this plan.", blocker: { kind: "leaseHeld", by: "Bo Builder", until: "not a time" } },
      ],
      summary: "1 team synced; 4 teams need attention.",
    });
    const plan = platformPlan();
    plan.objectives[1]!.effort = 99;
    const apollo = "/plans/trains/orbit-train/apollo/plan.md";
    app.answer("train_team_open", ({ req }) => {
      // The app's status names the opened plan from now on.
      const { art, release, team: opened } = req as { art: object; release: object; team: object };
      app.answer("app_status", {
        connection: { kind: "demo" },
        identity: { name: "Ann Planner", email: "ann@example.com" },
        workspace: { art, release, team: opened, planFile: apollo },
      });
      const error = { severity: "error", rule: "effort-range", objective: 1, feature: null, field: "effort", message: finding.message };
      return { plan, findings: [error], statuses: { objective: [], feature: [] }, planFile: apollo, canUndo: false, notices: [] };
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Train" }));
    await user.click(await screen.findByRole("button", { name: "Sync all" }));
    const blockers = await screen.findByTestId("train-blockers");
    expect(within(blockers).getAllByTestId("train-blocker").map((b) => b.textContent)).toEqual([
      "Apollo: 1 validation error stops the pushShow the errors",
      "Mercury: waits for sign-off: 0 of 1 approvalsOpen the sign-off",
      "Venus: 2 conflicts to settleOpen the conflicts",
      "Zeus: Bo Builder is pushing this plan (until not a time)Open the plan",
    ]);

    await user.click(within(blockers).getByRole("button", { name: "Show the errors of Apollo" }));
    const opened = app.calls.find((c) => c.command === "train_team_open")?.args as { req: { team: { name: string } } };
    expect(opened.req.team.name).toBe("Apollo");
    // The team's plan opens on the error that stopped its push, with a button to its field.
    const gate = await screen.findByTestId("push-gate");
    expect(within(gate).getByTestId("push-gate-finding").textContent).toBe("“Single sign-on for partners”: Effort 99 is above the team's maximum of 40");
    // The objective of the error is the one shown, its field saying it stops the push.
    await waitFor(() => expect(screen.getByRole("form", { name: "Objective" }).textContent).toContain("this stops the push"));
    expect((screen.getByLabelText("Effort") as HTMLInputElement).value).toBe("99");
  });

  it("shows the train's report and exports it as markdown and HTML", async () => {
    const app = openPlanApp(platformPlan());
    app.answer("train_status", train([team(1, "Apollo"), team(2, "Gemini")]));
    app.answer("train_report", {
      title: "Orbit Train PI 1: 2 team(s)",
      folder: "/plans/trains/orbit-train",
      sections: [
        { heading: "Teams", blocks: [{ kind: "table", header: ["Team", "To push"], rows: [["Apollo", "0"], ["Gemini", "2"]] }] },
        { heading: "Needs attention", blocks: [{ kind: "line", spans: [{ kind: "text", text: "Nothing: every team's plan is in sync and valid." }] }] },
      ],
    });
    app.answer("train_report_export", ({ format }) => ({ path: `/home/ann/Downloads/train-orbit-train-pi-1.${format === "html" ? "html" : "md"}` }));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Train" }));
    await user.click(await screen.findByRole("button", { name: "Report" }));
    const report = await screen.findByTestId("train-report");
    await within(report).findByText("Orbit Train PI 1: 2 team(s)");
    expect(within(report).getAllByRole("row").map((r) => r.textContent)).toEqual(["TeamTo push", "Apollo0", "Gemini2"]);
    expect(report.textContent).toContain("Nothing: every team's plan is in sync and valid.");
    await user.click(within(report).getByRole("button", { name: "Export HTML" }));
    expect((await within(report).findByTestId("train-report-saved")).textContent).toBe("Saved as /home/ann/Downloads/train-orbit-train-pi-1.html");
    await user.click(within(report).getByRole("button", { name: "Export markdown" }));
    await waitFor(() => expect(within(report).getByTestId("train-report-saved").textContent).toContain("pi-1.md"));
    expect(app.calls.filter((c) => c.command === "train_report_export").map((c) => (c.args as { format: string }).format)).toEqual(["html", "markdown"]);
    expect(app.calls.find((c) => c.command === "train_report")?.args).toEqual({
      req: { art: { id: platformPlan().art.id, name: platformPlan().art.name }, release: { id: platformPlan().release.id, name: platformPlan().release.name } },
    });
  });
});
