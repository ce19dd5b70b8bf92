// The sync health dashboard: the headline says whether sync is healthy and since when not, the
// weekly syncs and failures and the conflict trend are drawn by uPlot (with their numbers in a
// table), each team's activity is a bar, and a folder with nothing measured says so. happy-dom
// has no canvas: uPlot is replaced by a recorder of what it was given, and the data mapping and
// options are checked as values.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type uPlot from "uplot";
import { describe, expect, it, vi } from "vitest";

import { niceTop } from "../src/health/HealthView";
import { validLanguage } from "../src/health/loadUplot";
import { isoWeekStart, trendData, trendOptions, weeksData, weeksOptions } from "../src/health/timeCharts";
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

const drawn = vi.hoisted(() => [] as { opts: uPlot.Options; data: uPlot.AlignedData; el: HTMLElement; destroyed: boolean }[]);
vi.mock("uplot", () => {
  class FakePlot {
    static paths = { bars: (o: unknown) => ({ bars: o }) };
    height: number;
    private entry: (typeof drawn)[number];
    constructor(opts: uPlot.Options, data: uPlot.AlignedData, el: HTMLElement) {
      this.height = opts.height;
      this.entry = { opts, data, el, destroyed: false };
      drawn.push(this.entry);
    }
    setSize() {}
    destroy() {
      this.entry.destroyed = true;
    }
  }
  return { default: FakePlot };
});

const colors = { syncs: "#1", failed: "#2", rate: "#3", grid: "#4", text: "#5" };
const noBars = () => (() => null) as unknown as uPlot.Series.PathBuilder;

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

    // uPlot drew both time charts into their boxes, with the weeks on their Mondays.
    const weeksPlot = screen.getByTestId("health-weeks-plot");
    const trendPlot = screen.getByTestId("health-trend-plot");
    await waitFor(() => expect(weeksPlot.getAttribute("data-drawn")).toBe("true"));
    await waitFor(() => expect(trendPlot.getAttribute("data-drawn")).toBe("true"));
    const live = drawn.filter((d) => !d.destroyed);
    expect(weeksPlot.getAttribute("aria-label")).toContain("2026-W49: 3 syncs, 3 failed");
    const bars = live.find((d) => d.el === weeksPlot)!;
    const monday = (iso: string) => Date.parse(iso) / 1000;
    expect(bars.data).toEqual([
      [monday("2026-11-16T00:00:00Z"), monday("2026-11-23T00:00:00Z"), monday("2026-11-30T00:00:00Z")],
      [6, 5, 3],
      [0, 1, 3],
    ]);
    expect(bars.opts.series.map((s) => s.label)).toEqual([undefined, "Syncs", "Failed"]);
    expect(screen.getByTestId("health-trend").textContent).toBe("Conflicts per pull are falling (-0.33 a week).");
    const line = live.find((d) => d.el === trendPlot)!;
    expect(line.data[1]).toEqual([0, 1, 0.33]);
    expect(trendPlot.getAttribute("aria-label")).toContain("2026-W48: 1.00");

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
    expect(screen.queryByTestId("health-weeks-plot")).toBeNull();
  });

  it("takes a language tag Intl takes, and not the POSIX locale WebKitGTK reports under LANG=C", () => {
    expect(validLanguage("en-US")).toBe(true);
    expect(validLanguage("de")).toBe(true);
    expect(validLanguage("C")).toBe(false);
    expect(validLanguage("")).toBe(false);
    expect(validLanguage(undefined)).toBe(false);
  });

  it("places each ISO week on its Monday and leaves out a week it cannot read", () => {
    expect(isoWeekStart("2026-W01")).toBe(Date.parse("2025-12-29T00:00:00Z") / 1000);
    expect(isoWeekStart("2026-W49")).toBe(Date.parse("2026-11-30T00:00:00Z") / 1000);
    expect(isoWeekStart("2020-W53")).toBe(Date.parse("2020-12-28T00:00:00Z") / 1000);
    expect(isoWeekStart("2026-W54")).toBeNull();
    expect(isoWeekStart("last week")).toBeNull();
    const weeks = [failing.weeks[2]!, { ...failing.weeks[0]!, week: "?" }, failing.weeks[0]!];
    expect(weeksData(weeks)).toEqual([
      [isoWeekStart("2026-W47"), isoWeekStart("2026-W49")],
      [6, 3],
      [0, 3],
    ]);
    expect(trendData(weeks)).toEqual([[isoWeekStart("2026-W47"), isoWeekStart("2026-W49")], [0, 0.33]]);
  });

  it("builds bars side by side for the weeks and a line for the trend, labelled by week", () => {
    const bars = weeksOptions(failing.weeks, 500, colors, noBars);
    expect(bars.width).toBe(500);
    expect(bars.series[1]).toMatchObject({ label: "Syncs", fill: "#1" });
    expect(bars.series[2]).toMatchObject({ label: "Failed", fill: "#2" });
    const xAxis = bars.axes![0]!;
    const xs = weeksData(failing.weeks)[0] as number[];
    const splits = (xAxis.splits as () => number[])();
    expect(splits).toEqual(xs);
    const values = xAxis.values as (u: uPlot, s: number[]) => string[];
    expect(values({} as uPlot, splits)).toEqual(["W47", "W48", "W49"]);
    // Half a week of room either side; the value axis starts at 0 and reaches at least 1.
    const x = bars.scales!.x!.range as () => [number, number];
    expect(x()).toEqual([xs[0]! - 3.5 * 86_400, xs[2]! + 3.5 * 86_400]);
    const y = bars.scales!.y!.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(y({} as uPlot, 0, 0)).toEqual([0, 1]);
    expect(y({} as uPlot, 0, 6)).toEqual([0, 6]);
    expect(bars.axes![1]!.incrs).toEqual(expect.arrayContaining([1, 2, 5, 10]));
    expect((bars.axes![1]!.incrs as number[]).every(Number.isInteger)).toBe(true);
    const trend = trendOptions(failing.weeks, 400, colors);
    expect(trend.series[1]).toMatchObject({ label: "Conflicts per pull", stroke: "#3" });
    const yValues = trend.axes![1]!.values as (u: uPlot, s: number[]) => string[];
    expect(yValues({} as uPlot, [0, 0.5, 1])).toEqual(["0.0", "0.5", "1.0"]);
  });

  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.4, 3, 7, 12, 60].map(niceTop)).toEqual([1, 0.5, 5, 10, 20, 100]);
  });
});
