// Browser tests of live sync on the app's real live loop (the bridge's --live): an edit saved by
// another editor into the open plan file, and a change another planner makes in Targetprocess,
// each show up in the open plan with a notice, with no click. Screenshots go to
// PI_PLANNER_SHOTS_DIR when it is set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { demoTp, held, literally, openDemoPlan, serveApp, shot, tpId, ui } from "./support.mjs";

serveApp({ live: true });

/** Generous: a loaded two-core machine may take a while to notice, commit and reload. */
const LIVE_WAIT = 60000;

async function planFile(page) {
  const status = await page.evaluate(() => globalThis.piPlannerBrowserHost.appStatus());
  return status.workspace.planFile;
}

test("a plan file saved by another editor shows up in the open plan without a click", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openDemoPlan(page);
  const indicator = page.getByTestId("live-indicator");
  // The live loop's first look has been answered: the indicator says when.
  await page.getByTestId("live-indicator").filter({ hasText: /^Live · checked \d/ }).waitFor({ timeout: LIVE_WAIT });
  const { plan } = await held(page);
  const old = plan.objectives[0].name;
  const renamed = `${old} (typed in another editor)`;

  // Another editor saves the way most do: the new text beside the file, renamed over it.
  const file = await planFile(page);
  const text = readFileSync(file, "utf8");
  const heading = `## Objective: ${old}\n`;
  assert.ok(text.includes(heading), "the plan file holds the objective's heading");
  writeFileSync(`${file}.swp`, text.replace(heading, `## Objective: ${renamed}\n`));
  renameSync(`${file}.swp`, file);

  await page
    .getByTestId("objective-item")
    .first()
    .filter({ hasText: new RegExp(literally(renamed)) })
    .waitFor({ timeout: LIVE_WAIT });
  await page
    .getByTestId("live-notice")
    .filter({ hasText: "The plan file was changed outside the app — reloaded" })
    .waitFor({ timeout: LIVE_WAIT });
  assert.equal(await page.getByRole("textbox", { name: /^Name/ }).inputValue(), renamed, "the form shows the new name");
  assert.equal((await held(page)).plan.objectives[0].name, renamed);
  await shot(page, "live-outside-edit");

  // The edit is a save of the plan, committed in the planner's name like the app's own saves.
  const git = (...args) => execFileSync("git", ["-C", dirname(file), ...args]).toString();
  assert.equal(git("log", "-1", "--format=%an|%s|%(trailers:key=Pi-Source,valueonly,separator=)").trim(), "Ann Planner|Edit the plan|local");
  assert.equal(git("status", "--porcelain", "--", file), "");
  assert.match(await indicator.textContent(), /^Live · checked \d/);
  await page.close();
});

test("a change another planner makes in Targetprocess shows up at the next look without a click", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openDemoPlan(page);
  // A look every second, set as a planner sets it.
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("Look for Targetprocess changes every (seconds)").fill("1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByTestId("objective-item").first().waitFor();
  await page.getByTestId("live-indicator").filter({ hasText: /^Live · checked \d/ }).waitFor({ timeout: LIVE_WAIT });

  const { plan } = await held(page);
  const objective = plan.objectives[0];
  const effort = (objective.effort ?? 0) + 21;
  await demoTp.edit("TeamPIObjectives", tpId(objective.id), { Effort: effort });

  await page
    .getByTestId("objective-item")
    .first()
    .filter({ hasText: `${effort} pts` })
    .waitFor({ timeout: LIVE_WAIT });
  await page
    .getByTestId("live-notice")
    .filter({ hasText: "Targetprocess changes were pulled into the plan — reloaded" })
    .waitFor({ timeout: LIVE_WAIT });
  assert.equal(await page.getByLabel("Effort", { exact: true }).inputValue(), String(effort));
  assert.ok(
    readFileSync(await planFile(page), "utf8").includes(`**Effort**: ${effort} points`),
    "the plan file holds the pulled effort",
  );
  await shot(page, "live-targetprocess-change");
  await page.close();
});
