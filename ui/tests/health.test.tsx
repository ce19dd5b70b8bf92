// The sync health dashboard: the headline says whether sync is healthy and since when not, the
// weekly syncs and failures and the conflict trend are drawn (with their numbers in a table),
// each team's activity is a bar, and a folder with nothing measured says so.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { niceTop } from "../src/health/HealthView";
import type { SyncHealthDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const failing: SyncHealthDto = {
  recorded: true,
  state: "failing",
  headline: "Sync of Platform (PI 2026.1) is failing: 3 operations failed in a row since 2026-11-30T09:00:00+00:00.",
  since: "2026-09-07T00:00:00+00:00",
  operations: 14,
  weeks: [
    { week: "2026-W47", syncs: 6, failed: 0, pulls: 4, conflictsFound: 0, conflictRate: 0 },
    { week: "2026-W48", syncs: 5, failed: 1, pulls: 3, conflictsFound: 3, conflictRate: 1 },
    { week: "2026-W49", syncs: 3, failed: 3, pulls: 3, conflictsFound: 1, conflictRate: 0.33 },
  ],
  teams: [
    {
      team: "Platform",
      release: "PI 2026.1",
      syncs: 14,
      syncsPerWeek: 4.7,
      operations: 14,
      failed: 4,
      successRate: 0.71,
      lastSuccess: "2026-11-30T08:00:00+00:00",
      failureStreak: 3,
      failingSince: "2026-11-30T09:00:00+00:00",
    },
    {
      team: "Checkout",
      release: "PI 2026.1",
      syncs: 6,
      syncsPerWeek: 2,
      operations: 6,
      failed: 0,
      successRate: 1,
      lastSuccess: "2026-12-01T08:00:00+00:00",
      failureStreak: 0,
      failingSince: null,
    },
  ],
  trend: "falling",
  trendWords: "Conflicts per pull are falling (-0.33 a week).",
  conflictsFound: 4,
  conflictsResolved: 3,
  conflictsOpen: 1,
  meanTimeToResolve: "3.5 hours",
  conflictsByField: [{ name: "Effort", count: 3 }],
  changesByField: [{ name: "Status", count: 7 }],
  errors: [{ name: "targetprocess_server", count: 4 }],
  traffic: [{ service: "targetprocess", requests: 120, retries: 9, throttled: 4, quota: "80 of 100 left" }],
};

async function openHealth() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Sync health" }));
  return user;
}

describe("sync health", () => {
  it("says since when sync fails and draws the weeks, the trend and the teams", async () => {
    const app = openPlanApp(platformPlan()).answer("sync_health_get", failing);
    renderApp(app.client);
    await openHealth();
    expect((await screen.findByTestId("health-headline")).textContent).toBe(failing.headline);
    expect(app.calls.filter((c) => c.command === "sync_health_get")).toHaveLength(1);

    const weeks = screen.getByTestId("health-weeks-chart");
    const bars = within(weeks).getByRole("img");
    expect(bars.getAttribute("aria-label")).toContain("2026-W49: 3 syncs, 3 failed");
    // One pair of bars per week; the failed bar of the last week is as tall as its syncs bar.
    const lastWeek = bars.querySelector('[data-week="2026-W49"]')!;
    const height = (series: string) => Number(lastWeek.querySelector(`[data-series="${series}"]`)!.getAttribute("height"));
    expect(height("failed")).toBeGreaterThan(0);
    expect(height("failed")).toBe(height("syncs"));
    expect(bars.querySelectorAll("[data-week]")).toHaveLength(3);

    expect(screen.getByTestId("health-trend").textContent).toBe("Conflicts per pull are falling (-0.33 a week).");
    const trend = within(screen.getByTestId("health-trend-chart")).getByRole("img");
    expect(trend.querySelector('[data-series="conflict-rate"]')!.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+L/);

    const teams = screen.getByTestId("health-teams-chart");
    expect(teams.querySelectorAll("[data-team]")).toHaveLength(2);
    const rows = within(screen.getByTestId("health-teams")).getAllByRole("row");
    expect(rows[1]!.textContent).toContain("3 in a row since 2026-11-30T09:00:00+00:00");
    expect(rows[2]!.textContent).toContain("100%");

    expect(screen.getByTestId("health-conflicts").textContent).toBe(
      "4 found, 3 resolved, 1 open; resolved in 3.5 hours on average.",
    );
    expect(screen.getByText("targetprocess: 120 requests, 9 retries, 4 throttled; quota 80 of 100 left")).toBeTruthy();
    const weekRows = within(screen.getByTestId("health-weeks")).getAllByRole("row");
    expect(weekRows[3]!.textContent).toBe("2026-W4933310.33");
  });

  it("says when nothing was measured yet, without charts", async () => {
    const none: SyncHealthDto = {
      ...failing,
      recorded: false,
      state: "none",
      headline: "Nothing measured yet: syncs run with tpcli or the watch service in this plan's folder are counted here.",
      operations: 0,
      weeks: [],
      teams: [],
    };
    const app = openPlanApp(platformPlan()).answer("sync_health_get", none);
    renderApp(app.client);
    await openHealth();
    expect((await screen.findByTestId("health-headline")).textContent).toContain("Nothing measured yet");
    expect(screen.queryByTestId("health-weeks-chart")).toBeNull();
    expect(screen.queryByTestId("health-teams-chart")).toBeNull();
  });

  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.4, 3, 7, 12, 60].map(niceTop)).toEqual([1, 0.5, 5, 10, 20, 100]);
  });
});
