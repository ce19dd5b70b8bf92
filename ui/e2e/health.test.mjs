// Browser test of the Sync health screen with Object.prototype frozen before the app loads, as
// the desktop app freezes it (`freezePrototype`, decision 0004): a planner pushes a change and
// pulls, opens Sync health, and uPlot has drawn the weekly syncs and the conflict trend on its
// canvases, with the same numbers in the weeks table.
import { test } from "node:test";
import assert from "node:assert/strict";

import { fillNewEffort, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

/** Pixels of the chart's canvases that are not transparent: a drawn chart has thousands. */
const paintedPixels = (plot) =>
  plot.evaluate((el) => {
    let painted = 0;
    for (const canvas of el.querySelectorAll("canvas")) {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    }
    return painted;
  });

test("sync health draws its time charts with uPlot under a frozen Object.prototype", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.addInitScript(() => Object.freeze(Object.prototype));
  await openDemoPlan(page);
  assert.equal(await page.evaluate(() => Object.isFrozen(Object.prototype)), true);

  await fillNewEffort(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await page.waitForTimeout(500);

  await page.getByRole("button", { name: "Sync health" }).click();
  const weeksPlot = page.locator('[data-testid="health-weeks-plot"][data-drawn="true"]');
  const trendPlot = page.locator('[data-testid="health-trend-plot"][data-drawn="true"]');
  await weeksPlot.waitFor();
  await trendPlot.waitFor();
  for (const plot of [weeksPlot, trendPlot]) {
    assert.ok((await plot.locator("canvas").count()) >= 1, "uPlot's canvas");
    assert.ok((await paintedPixels(plot)) > 500, "the canvas is drawn on");
  }

  // The table beside the chart holds its numbers: this week's syncs (the push and the pull at
  // least), none failed, as the chart's label says.
  const rows = page.getByTestId("health-weeks").getByRole("row");
  const last = (await rows.last().locator("td").allTextContents()).map((t) => t.trim());
  const [week, syncs, failed] = last;
  assert.match(week, /^\d{4}-W\d\d$/);
  assert.ok(Number(syncs) >= 2, last.join(" | "));
  assert.equal(failed, "0");
  const label = await weeksPlot.getAttribute("aria-label");
  assert.ok(label.includes(`${week}: ${syncs} syncs, 0 failed`), label);
  // The bars per team are drawn at their own size (their text the size of the text around
  // them), however wide the window: never scaled up.
  const teamsSvg = page.getByTestId("health-teams-chart").locator("svg").first();
  await teamsSvg.waitFor();
  const scale = await teamsSvg.evaluate((svg) => svg.getScreenCTM().a);
  assert.ok(scale > 0.5 && scale <= 1.001, `the team chart is drawn ${scale}× its size`);
  assert.deepEqual(errors, []);
  await shot(page, "health-dashboard");
  await page.close();
});
