// Browser tests of the train view against the real app (the bridge) and the demo Targetprocess:
// every team of the ART as a row, "Sync all" starting and syncing each team's plan with a line
// per team and a summary, and a team's row opening that team's plan in the editor; the train's
// report shown and exported; what stops a team's push listed after "Sync all" with a link that
// opens the team's plan on it.
// Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { addRepoConfig, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

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

test("the train's report is shown and exported; after Sync all a team's validation errors link into its plan", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  await page.getByRole("button", { name: "Train", exact: true }).click();
  const view = page.getByTestId("train-view");
  await view.getByTestId("train-row").first().waitFor();
  await view.getByRole("button", { name: "Sync all" }).click();
  const sync = view.getByTestId("train-sync");
  await sync.getByText(/teams synced\.$/).waitFor({ timeout: 120000 });
  const names = await view.getByRole("button", { name: /^Open .*'s plan$/ }).allTextContents();

  // The report: a row per team, then what needs attention; exported as markdown and HTML.
  await view.getByRole("button", { name: "Report", exact: true }).click();
  const report = view.getByTestId("train-report");
  await report.getByRole("heading", { name: /^Orbit Train PI-4\/25: \d+ team\(s\)$/ }).waitFor();
  const cells = await report.locator("tbody tr td:first-child").allTextContents();
  assert.deepEqual([...cells].sort(), [...names].sort());
  await report.getByText("Needs attention", { exact: true }).waitFor();
  await shot(page, "browser-train-report");
  await report.getByRole("button", { name: "Export markdown" }).click();
  const saved = report.getByTestId("train-report-saved");
  await saved.getByText(/\.md$/).waitFor();
  const md = readFileSync((await saved.textContent()).replace(/^Saved as /, ""), "utf8");
  for (const n of names) assert.ok(md.includes(n), `${n} in the markdown`);
  await report.getByRole("button", { name: "Export HTML" }).click();
  await saved.getByText(/\.html$/).waitFor();
  const html = readFileSync((await saved.textContent()).replace(/^Saved as /, ""), "utf8");
  assert.match(html, /<table/);
  await report.getByRole("button", { name: "Close the report" }).click();

  // Comets' plan gets an error the push gate stops; the next Sync all names it with a link.
  await view.getByRole("button", { name: "Open Comets's plan" }).click();
  await page.getByTestId("objective-item").first().waitFor();
  await addRepoConfig(page, '[validation]\neffort_range = { max = 60, level = "error" }');
  await page.getByTestId("objective-item").nth(1).click();
  await page.getByLabel("Effort", { exact: true }).fill("99");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await view.getByRole("button", { name: "Sync all" }).click();
  await sync.getByText(/need attention\.$/).waitFor({ timeout: 120000 });
  const blockers = sync.getByTestId("train-blocker");
  assert.deepEqual(await blockers.allTextContents(), ["Comets: 1 validation error stops the pushShow the errors"]);
  await shot(page, "browser-train-blockers");
  await sync.getByRole("button", { name: "Show the errors of Comets" }).click();
  const gate = page.getByTestId("push-gate");
  await gate.getByText("Not pushed: 1 error stops the push", { exact: true }).waitFor();
  // The plan opens on the objective of the error, its field marked.
  const form = page.getByRole("form", { name: "Objective" });
  await form.getByText("this stops the push", { exact: false }).waitFor();
  assert.equal(await page.getByLabel("Effort", { exact: true }).inputValue(), "99");
  assert.equal(await page.getByTestId("crumb-team").textContent(), "Comets");
  await page.close();
});
