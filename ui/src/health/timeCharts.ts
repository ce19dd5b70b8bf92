// The sync health dashboard's time charts as uPlot takes them (decision 0004): each week's
// numbers mapped onto the week's Monday, and the options of the two charts — syncs and failed
// operations per week as bars, conflicts per pull as a line. Pure functions, so that the tests
// (happy-dom has no canvas) check what is drawn without drawing it.
import type uPlot from "uplot";

import type { HealthWeekDto } from "../ipc";

/** The Monday (00:00 UTC) of an ISO week such as "2026-W49", in Unix seconds; null when the text is no ISO week. */
export function isoWeekStart(week: string): number | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const [year, n] = [Number(m[1]), Number(m[2])];
  if (n < 1 || n > 53) return null;
  // The 4th of January is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday = 0
  const monday = jan4 - weekday * 86_400_000 + (n - 1) * 7 * 86_400_000;
  return monday / 1000;
}

/** The weeks uPlot can place (an unreadable week is left out), in order. */
function placed(weeks: HealthWeekDto[]): { x: number; w: HealthWeekDto }[] {
  return weeks
    .map((w) => ({ x: isoWeekStart(w.week), w }))
    .filter((p): p is { x: number; w: HealthWeekDto } => p.x !== null)
    .sort((a, b) => a.x - b.x);
}

/** Sync health over time: [week starts, syncs, failed]. */
export function weeksData(weeks: HealthWeekDto[]): uPlot.AlignedData {
  const p = placed(weeks);
  return [p.map((q) => q.x), p.map((q) => q.w.syncs), p.map((q) => q.w.failed)];
}

/** The conflict trend: [week starts, conflicts per pull]. */
export function trendData(weeks: HealthWeekDto[]): uPlot.AlignedData {
  const p = placed(weeks);
  return [p.map((q) => q.x), p.map((q) => q.w.conflictRate)];
}

export interface ChartColors {
  syncs: string;
  failed: string;
  rate: string;
  grid: string;
  text: string;
}

const WEEK = 7 * 86_400;

/** The axes: each week's label ("W49") under its Monday, the values at the left. */
function axes(colors: ChartColors, weeks: HealthWeekDto[], format: (v: number) => string, counts = false): uPlot.Axis[] {
  const label = new Map(placed(weeks).map(({ x, w }) => [x, w.week.slice(5)]));
  const axis = { stroke: colors.text, grid: { stroke: colors.grid, width: 1, dash: [4, 4] }, ticks: { show: false } };
  return [
    {
      ...axis,
      grid: { show: false },
      splits: () => [...label.keys()],
      values: (_u: uPlot, splits: number[]) => splits.map((s) => label.get(s) ?? ""),
    },
    {
      ...axis,
      size: 44,
      // Counts are whole: no tick between 1 and 2.
      ...(counts ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] } : {}),
      values: (_u: uPlot, splits: number[]) => splits.map(format),
    },
  ];
}

/** The x scale: half a week of room either side, so that the first and last bars show whole. */
function xRange(data: uPlot.AlignedData): uPlot.Range.MinMax {
  const xs = Array.from(data[0]);
  if (xs.length === 0) return [0, WEEK];
  return [Math.min(...xs) - WEEK / 2, Math.max(...xs) + WEEK / 2];
}

/** Options of "Sync health over time": syncs and failed operations per week, side by side. */
export function weeksOptions(
  weeks: HealthWeekDto[],
  width: number,
  colors: ChartColors,
  bars: (opts: uPlot.Series.BarsPathBuilderOpts) => uPlot.Series.PathBuilder,
): uPlot.Options {
  const data = weeksData(weeks);
  return {
    width,
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: () => xRange(data) }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: axes(colors, weeks, (v) => String(v), true),
    series: [
      {},
      { label: "Syncs", stroke: colors.syncs, fill: colors.syncs, width: 0, paths: bars({ size: [0.3, 24], align: -1 }), points: { show: false } },
      { label: "Failed", stroke: colors.failed, fill: colors.failed, width: 0, paths: bars({ size: [0.3, 24], align: 1 }), points: { show: false } },
    ],
  };
}

/** Options of "Conflict trend": conflicts per pull, week by week, as a line with points. */
export function trendOptions(weeks: HealthWeekDto[], width: number, colors: ChartColors): uPlot.Options {
  const data = trendData(weeks);
  return {
    width,
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: () => xRange(data) }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: axes(colors, weeks, (v) => v.toFixed(1)),
    series: [{}, { label: "Conflicts per pull", stroke: colors.rate, width: 2.5, points: { show: true, size: 7, fill: colors.rate } }],
  };
}
