// Browser tests: the built UI (dist/) on the app's loopback bridge (the real app's commands and
// the demo Targetprocess), driven with playwright-core through Debian's chromium. Walks a
// planner's path through every screen.
import { createServer } from "node:http";
import { test } from "node:test";
import assert from "node:assert/strict";

import { demoTp, openDemoPlan, serveApp, shot, tpId, ui } from "./support.mjs";

serveApp();

/** The open plan as the app holds it. */
const held = (page) => page.evaluate(() => globalThis.piPlannerBrowserHost.planGet());

test("a planner tries the demo, opens a team plan, edits, sees findings and undoes", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const offsite = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(ui.origin) && !r.url().startsWith("data:")) offsite.push(r.url());
  });
  await page.goto(ui.base);
  await page.getByRole("heading", { name: "Welcome to PI Planner" }).waitFor();
  await shot(page, "browser-welcome");

  await page.getByRole("button", { name: "Try the demo" }).click();
  await page.getByLabel("Your name").fill("Ann Planner");
  await page.getByLabel("Your e-mail address").fill("ann@example.com");
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Release train (ART)").selectOption({ label: "Orbit Train" });
  await page.getByLabel("Release (PI)").selectOption({ label: "PI-4/25" });
  await page.getByLabel("Team").selectOption({ label: "Comets" });
  await page.getByRole("button", { name: "Open plan" }).click();

  const items = page.getByTestId("objective-item");
  await items.first().waitFor();
  const { plan } = await held(page);
  assert.ok(plan.objectives.length >= 10, "the demo team has its objectives");
  assert.equal(await items.count(), plan.objectives.length);
  await shot(page, "browser-editor");

  // A negative effort is refused at the field; a valid one is saved and undone.
  const was = plan.objectives[0].effort;
  const next = (was ?? 0) + 13;
  const effort = page.getByLabel("Effort", { exact: true });
  await effort.fill("-4");
  await page.getByText("Enter 0 or more").waitFor();
  await effort.fill(String(next));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  assert.match(await items.first().textContent(), new RegExp(`${next} pts`));
  assert.equal((await held(page)).plan.objectives[0].effort, next, "the app saved it");

  await page.getByRole("button", { name: "Undo last save" }).click();
  await page.getByTestId("undone").waitFor();
  assert.doesNotMatch(await items.first().textContent(), new RegExp(`${next} pts`));
  assert.equal((await held(page)).plan.objectives[0].effort, was, "the app undid it");

  await page.getByRole("switch", { name: /Committed/ }).first().waitFor();
  assert.deepEqual(offsite, [], "the UI reaches nothing but the app");
  await page.close();
});

test("a wrong access token shows a coded error with hints", async () => {
  // A Targetprocess on loopback that refuses every token.
  const refusing = createServer((_, res) => {
    res.writeHead(401, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ Status: "Unauthorized", Message: "Authentication failed" }));
  });
  await new Promise((r) => refusing.listen(0, "127.0.0.1", r));
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(ui.base);
    await page.getByLabel("Targetprocess address").fill(`http://127.0.0.1:${refusing.address().port}`);
    await page.getByLabel("Access token").fill("nope");
    await page.getByRole("button", { name: "Test connection" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.equal(await alert.getAttribute("data-code"), "unauthorized");
    assert.doesNotMatch(await alert.textContent(), /nope/, "the token is not shown");
  } finally {
    await page.close();
    refusing.close();
  }
});

test("push preview, a conflicting edit in Targetprocess, the conflicts view and keep mine", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openDemoPlan(page);
  const first = (await held(page)).plan.objectives[0];
  const id = tpId(first.id);
  const tpEffort = async () => (await demoTp.read("TeamPIObjectives", id)).Effort;
  const mine = (first.effort ?? 0) + 13;

  const effort = page.getByLabel("Effort", { exact: true });
  await effort.fill(String(mine));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Push…" }).click();
  const ops = page.getByTestId("push-ops");
  await ops.waitFor();
  assert.equal((await ops.textContent()).trim(), `Effort ${first.effort} → ${mine} points on "${first.name}"`);
  await shot(page, "browser-push-preview");
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  assert.equal(await tpEffort(), mine);

  await demoTp.edit("TeamPIObjectives", id, { Effort: 99 });
  await effort.fill("13");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await page.getByRole("heading", { name: "Conflicts (1)" }).waitFor();
  const card = page.getByTestId("conflict");
  assert.match(await card.textContent(), new RegExp(`Last pull${mine} points.*Mine13 points.*Targetprocess99 points`));
  await shot(page, "browser-conflicts");
  await card.getByRole("button", { name: "Keep mine" }).click();
  await page.getByTestId("no-conflicts").waitFor();
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  assert.equal(await tpEffort(), 13);
  await page.close();
});
