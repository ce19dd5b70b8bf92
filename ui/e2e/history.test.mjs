// Browser test of the History screen: a planner edits the demo plan, pushes, Targetprocess
// changes, the planner pulls, then opens History, picks two versions and sees the difference with
// the changed words marked, side by side and inline, and the committed effort over time.
import { test } from "node:test";
import assert from "node:assert/strict";

import { demoTp, fillNewEffort, held, literally, openDemoPlan, serveApp, shot, tpId, ui } from "./support.mjs";

serveApp();

/** Committed and total objective effort of `objectives`. */
const totals = (objectives) => ({
  committed: objectives.filter((o) => o.committed).reduce((n, o) => n + (o.effort ?? 0), 0),
  total: objectives.reduce((n, o) => n + (o.effort ?? 0), 0),
});

test("history lists who changed the plan and compares two versions word by word", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  const items = page.getByTestId("objective-item");
  const opened = (await held(page)).plan.objectives;
  const [o0, o1] = opened;

  const e0 = await fillNewEffort(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await items.first().getByTestId("sync-badge").waitFor();
  assert.equal(await items.first().getByTestId("sync-badge").textContent(), "changed since sync (Effort)");
  assert.equal(await items.nth(1).getByTestId("sync-badge").count(), 0);
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  await items.first().getByTestId("sync-badge").waitFor({ state: "detached" });

  const e1 = (o1.effort ?? 0) + 17;
  const mira = await demoTp.userId("Mira Ostrava");
  await demoTp.edit("TeamPIObjectives", tpId(o1.id), { Effort: e1, LastEditor: { Id: mira } });
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await items.nth(1).getByText(`${e1} pts`, { exact: false }).waitFor();

  const description = page.getByLabel("Description", { exact: true });
  await description.fill(`${o0.description} Now for partners too.`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await items.first().getByTestId("sync-badge").waitFor();
  await items.first().getByTestId("sync-badge").hover();
  await page.getByRole("tooltip").getByText("Changed since the last sync: Description").waitFor();
  await page.waitForTimeout(400); // the tooltip fades in
  await shot(page, "04c-changed-since-sync");

  await page.getByRole("button", { name: "History", exact: true }).click();
  const versions = page.getByTestId("version");
  await versions.first().waitFor();
  const texts = await versions.allTextContents();
  assert.equal(texts.length, 5, texts.join("\n"));
  const effortChange = `Effort ${o0.effort} points → ${e0} points`;
  assert.match(texts[0], new RegExp(`^Saved edit.*Ann Planner.*Description edited on "${literally(o0.name)}"`));
  assert.match(texts[1], /^Pull from Targetprocess.*Targetprocess \(edited by Mira Ostrava\) · pulled by Ann Planner/);
  assert.match(texts[2], new RegExp(`^Push to Targetprocess.*pushed by Ann Planner.*${effortChange}`));
  assert.match(texts[3], new RegExp(`^Saved edit.*${effortChange}`));
  assert.match(texts[4], /^Opened from Targetprocess/);
  await shot(page, "11-history");

  // Versions are named by what made them, who and when, never by a commit id.
  for (let i = 0; i < 5; i++)
    assert.ok(!texts[i].includes((await versions.nth(i).getAttribute("data-rev")).slice(0, 7)), texts[i]);
  await versions.nth(4).getByRole("button", { name: /^Before: compare from/ }).click();
  await versions.nth(0).getByRole("button", { name: /^After: compare to/ }).click();
  const card = page.getByRole("group", { name: `Objective ${o0.name}: changed` });
  await card.waitFor();
  const inserted = card.locator("ins");
  await inserted.first().waitFor();
  assert.deepEqual(await inserted.allTextContents(), ["added:  Now for partners too.", `added: ${e0} points`]);
  const effortRow = card.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Effort" }) });
  assert.deepEqual(await effortRow.getByRole("cell").allTextContents(), [`removed: ${o0.effort} points`, `added: ${e0} points`]);
  const before = totals(opened);
  const now = totals((await held(page)).plan.objectives);
  const committed = page.getByTestId("effort-totals").getByRole("row").filter({ hasText: "Committed objectives" });
  const delta = now.committed - before.committed;
  assert.deepEqual(await committed.getByRole("cell").allTextContents(), [
    String(before.committed),
    String(now.committed),
    `${delta >= 0 ? "+" : ""}${delta}`,
  ]);
  await shot(page, "12-diff-side-by-side");

  await page.getByText("Inline", { exact: true }).click();
  await page.locator('[data-testid="diff-view"][data-mode="inline"]').waitFor();
  assert.deepEqual(await effortRow.locator("del").allTextContents(), [`removed: ${o0.effort} points`]);
  assert.deepEqual(await effortRow.locator("ins").allTextContents(), [`added: ${e0} points`]);
  await shot(page, "13-diff-inline");

  await page.getByRole("tab", { name: "Effort over time" }).click();
  await page.getByTestId("effort-chart").locator('path[data-series="committed"]').waitFor();
  // One row per plan version (the push left the plan as saved, so it is no version of its own).
  const rows = await page.getByTestId("effort-table").getByRole("row").allTextContents();
  assert.equal(rows.length, 5, rows.join("\n"));
  const circles = page.getByTestId("effort-chart").locator("svg[role=img] circle");
  assert.equal(await circles.count(), 2 * (rows.length - 1), "two points per version");
  assert.match(rows[4], new RegExp(`Saved edit${now.committed}${now.total}$`));
  await shot(page, "14-effort-chart");
  await page.close();
});

test("history's conflicts: one a pull found, open, then resolved with who and how long it stayed open", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  const first = (await held(page)).plan.objectives[0];
  const mira = await demoTp.userId("Mira Ostrava");
  await demoTp.edit("TeamPIObjectives", tpId(first.id), { Effort: 99, LastEditor: { Id: mira } });
  await page.getByLabel("Effort", { exact: true }).fill("13");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await page.getByRole("heading", { name: "Conflicts (1)" }).waitFor();
  await page.getByRole("button", { name: "Back to the plan" }).click();

  // The rows once the summary says `summary` (a cached answer may show first, then the new one).
  const conflictRows = async (summary) => {
    await page.getByRole("button", { name: "History", exact: true }).click();
    await page.getByRole("tab", { name: "Conflicts" }).click();
    await page.getByTestId("conflict-log-summary").getByText(summary, { exact: true }).waitFor();
    const rows = page.getByTestId("conflict-log-row");
    const texts = await Promise.all((await rows.all()).map((r) => r.locator("td").allTextContents()));
    return { texts };
  };
  const found = await conflictRows("1 conflict found, 0 resolved, 1 open.");
  assert.equal(found.texts.length, 1, JSON.stringify(found.texts));
  const [item, field, values, , resolved, openFor] = found.texts[0];
  assert.equal(item, `${first.name}${first.id}`);
  assert.equal(field, "Effort");
  assert.equal(values, "Plan: 13 points (Ann Planner)Targetprocess: 99 points (Mira Ostrava)");
  assert.equal(resolved, "Open");
  assert.equal(openFor, "");
  await page.getByRole("button", { name: "Back to the plan" }).click();

  // Resolved in the conflicts view: the row names who resolved it and how long it stayed open.
  await page.getByRole("button", { name: "1 conflict", exact: true }).click();
  await page.getByTestId("conflict").getByRole("button", { name: "Keep mine" }).click();
  await page.getByTestId("no-conflicts").waitFor();
  await page.getByRole("button", { name: "Back to the plan" }).click();
  const after = await conflictRows("1 conflict found, 1 resolved, 0 open.");
  assert.equal(after.texts.length, 1, JSON.stringify(after.texts));
  assert.match(after.texts[0][4], /^Ann Planner, /);
  assert.match(after.texts[0][5], /^\d+ (s|min)$/);
  await shot(page, "history-conflicts");
  await page.close();
});
