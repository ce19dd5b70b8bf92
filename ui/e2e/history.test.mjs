// Browser test of the History screen: a planner edits the demo plan, pushes, Targetprocess
// changes, the planner pulls, then opens History, picks two versions and sees the difference with
// the changed words marked, side by side and inline, and the committed effort over time.
import { test } from "node:test";
import assert from "node:assert/strict";

import { openDemoPlan, serveUi, shot, ui } from "./support.mjs";

serveUi();

test("history lists who changed the plan and compares two versions word by word", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  const items = page.getByTestId("objective-item");

  await page.getByLabel("Effort", { exact: true }).fill("21");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await items.first().getByTestId("sync-badge").waitFor();
  assert.equal(await items.first().getByTestId("sync-badge").textContent(), "changed since sync (Effort)");
  assert.equal(await items.nth(1).getByTestId("sync-badge").count(), 0);
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  await items.first().getByTestId("sync-badge").waitFor({ state: "detached" });

  await page.evaluate(() => globalThis.piPlannerBrowserHost.sync.editInTargetprocess(1, { effort: 30 }, "Mira Ostrava"));
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await items.nth(1).getByText("30 pts", { exact: false }).waitFor();

  const description = page.getByLabel("Description", { exact: true });
  await description.fill("Why self-service sign-up matters for partners this PI.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
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
  assert.match(texts[0], /^Saved edit.*Ann Planner.*Description edited on "Self-service sign-up"/);
  assert.match(texts[1], /^Pull from Targetprocess.*Targetprocess \(edited by Mira Ostrava\) · pulled by Ann Planner/);
  assert.match(texts[2], /^Push to Targetprocess.*pushed by Ann Planner.*Effort 8 points → 21 points/);
  assert.match(texts[3], /^Saved edit.*Effort 8 points → 21 points/);
  assert.match(texts[4], /^Opened from Targetprocess/);
  await shot(page, "11-history");

  // Versions are named by what made them, who and when, never by a commit id.
  for (let i = 0; i < 5; i++)
    assert.ok(!texts[i].includes((await versions.nth(i).getAttribute("data-rev")).slice(0, 7)), texts[i]);
  await versions.nth(4).getByRole("button", { name: /^Before: compare from/ }).click();
  await versions.nth(0).getByRole("button", { name: /^After: compare to/ }).click();
  const card = page.getByRole("group", { name: "Objective Self-service sign-up: changed" });
  await card.waitFor();
  const inserted = card.locator("ins");
  await inserted.first().waitFor();
  assert.deepEqual(await inserted.allTextContents(), ["added: for partners ", "added: 21 points"]);
  const effortRow = card.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Effort" }) });
  assert.deepEqual(await effortRow.getByRole("cell").allTextContents(), ["removed: 8 points", "added: 21 points"]);
  const committed = page.getByTestId("effort-totals").getByRole("row").filter({ hasText: "Committed objectives" });
  assert.deepEqual(await committed.getByRole("cell").allTextContents(), ["24", "51", "+27"]);
  await shot(page, "12-diff-side-by-side");

  await page.getByText("Inline", { exact: true }).click();
  await page.locator('[data-testid="diff-view"][data-mode="inline"]').waitFor();
  assert.deepEqual(await effortRow.locator("del").allTextContents(), ["removed: 8 points"]);
  assert.deepEqual(await effortRow.locator("ins").allTextContents(), ["added: 21 points"]);
  await shot(page, "13-diff-inline");

  await page.getByRole("tab", { name: "Effort over time" }).click();
  await page.getByTestId("effort-chart").locator('path[data-series="committed"]').waitFor();
  assert.equal(await page.getByTestId("effort-chart").locator("svg[role=img] circle").count(), 10, "two points per version");
  const rows = await page.getByTestId("effort-table").getByRole("row").allTextContents();
  assert.equal(rows.length, 6, rows.join("\n"));
  assert.match(rows[5], /Saved edit5175$/);
  await shot(page, "14-effort-chart");
  await page.close();
});
