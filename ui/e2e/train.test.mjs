// Browser tests of the train view against the real app (the bridge) and the demo Targetprocess:
// every team of the ART as a row, "Sync all" starting and syncing each team's plan with a line
// per team and a summary, and a team's row opening that team's plan in the editor.
// Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";

import { openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

const status = (page) => page.evaluate(() => globalThis.piPlannerBrowserHost.appStatus());

test("the train view lists every team, Sync all starts and syncs each plan, a row opens its plan", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  await page.getByRole("button", { name: "Train", exact: true }).click();
  const view = page.getByTestId("train-view");
  await view.getByRole("heading", { name: "Orbit Train · PI-4/25" }).waitFor();
  const rows = view.getByTestId("train-row");
  await rows.first().waitFor();
  const teams = await rows.count();
  assert.ok(teams >= 2, `the demo's Orbit Train has several teams (${teams})`);
  // The plans the app opens one at a time are not the train's: every team starts "not started".
  for (const text of await rows.allTextContents()) assert.match(text, /Not started — “Sync all” starts this team’s plan\./);
  assert.equal(await view.getByRole("button", { name: "Resolve conflicts…" }).isDisabled(), true);

  await view.getByRole("button", { name: "Sync all" }).click();
  const sync = view.getByTestId("train-sync");
  await sync.getByText(`${teams} teams synced.`, { exact: true }).waitFor({ timeout: 120000 });
  const lines = await sync.getByTestId("train-sync-line").allTextContents();
  assert.equal(lines.length, teams, lines.join("\n"));
  for (const line of lines) assert.match(line, /: Plan started from Targetprocess\. (Up to date|Pushed .*)\./);

  // Every row now has its plan: its name opens it; nothing waits to be pushed.
  await view.getByText("Not started", { exact: false }).first().waitFor({ state: "detached" });
  const names = await view.getByRole("button", { name: /^Open .*'s plan$/ }).allTextContents();
  assert.equal(names.length, teams);
  assert.ok(names.includes("Comets"));
  for (const text of await rows.allTextContents()) assert.doesNotMatch(text, /Needs attention/);
  await shot(page, "browser-train");

  // A second run finds every plan in place: nothing is started again.
  await view.getByRole("button", { name: "Sync all" }).click();
  // The click clears the last run's lines and summary before anything is read again.
  await sync.getByText(`${teams} teams synced.`, { exact: true }).waitFor({ timeout: 120000 });
  for (const line of await sync.getByTestId("train-sync-line").allTextContents()) assert.doesNotMatch(line, /Plan started/);

  const other = names.find((n) => n !== "Comets");
  await view.getByRole("button", { name: `Open ${other}'s plan` }).click();
  await page.getByTestId("objective-item").first().waitFor();
  assert.equal(await page.getByTestId("crumb-team").textContent(), other);
  const opened = await status(page);
  assert.equal(opened.workspace.team.name, other);
  assert.match(opened.workspace.planFile, /[/\\]trains[/\\]/);
  assert.ok(existsSync(opened.workspace.planFile));
  await page.close();
});
