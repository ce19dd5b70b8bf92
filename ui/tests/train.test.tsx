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
});
