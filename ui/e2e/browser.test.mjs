// Browser tests: the built UI (dist/) with its browser host, served by `vite preview` and driven
// with playwright-core through Debian's chromium. Walks a planner's path through every screen.
import { test } from "node:test";
import assert from "node:assert/strict";

import { openDemoPlan, serveUi, shot, ui } from "./support.mjs";

serveUi();


test("a planner tries the demo, opens a team plan, edits, sees findings and undoes", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const offsite = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(ui.base) && !r.url().startsWith("data:")) offsite.push(r.url());
  });
  await page.goto(ui.base);
  await page.getByRole("heading", { name: "Welcome to PI Planner" }).waitFor();
  await shot(page, "browser-welcome");

  await page.getByRole("button", { name: "Try the demo" }).click();
  await page.getByLabel("Your name").fill("Ann Planner");
  await page.getByLabel("Your e-mail address").fill("ann@example.com");
  await page.getByRole("button", { name: "Continue" }).click();

  await page.getByLabel("Release train (ART)").selectOption({ label: "Platform ART" });
  await page.getByLabel("Release (PI)").selectOption({ label: "PI-1/26" });
  await page.getByLabel("Team").selectOption({ label: "Platform Eco" });
  await page.getByRole("button", { name: "Open plan" }).click();

  const items = page.getByTestId("objective-item");
  await items.first().waitFor();
  assert.equal(await items.count(), 3);
  await shot(page, "browser-editor");

  // A negative effort is refused at the field; a valid one is saved and undone.
  const effort = page.getByLabel("Effort", { exact: true });
  await effort.fill("-4");
  await page.getByText("Enter 0 or more").waitFor();
  await effort.fill("21");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  assert.match(await items.first().textContent(), /21 pts/);

  await page.getByRole("button", { name: "Undo last save" }).click();
  await page.getByTestId("undone").waitFor();
  assert.match(await items.first().textContent(), /8 pts/);

  await page.getByRole("switch", { name: /Committed/ }).first().waitFor();
  assert.deepEqual(offsite, [], "the UI must not reach the network");
  await page.close();
});

test("a wrong access token shows a coded error with hints", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(ui.base);
  await page.getByLabel("Targetprocess address").fill("https://acme.tpondemand.com");
  await page.getByLabel("Access token").fill("nope");
  await page.getByRole("button", { name: "Test connection" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.getAttribute("data-code"), "unauthorized");
  await page.close();
});

test("push preview, a conflicting edit in Targetprocess, the conflicts view and keep mine", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openDemoPlan(page);

  const effort = page.getByLabel("Effort", { exact: true });
  await effort.fill("21");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("21 pts").waitFor();
  await page.getByRole("button", { name: "Push…" }).click();
  const ops = page.getByTestId("push-ops");
  await ops.waitFor();
  assert.equal((await ops.textContent()).trim(), 'Effort 8 points → 21 points on "Self-service sign-up"');
  await shot(page, "browser-push-preview");
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  const tpEffort = () => page.evaluate(() => globalThis.piPlannerBrowserHost.sync.targetprocess().objectives[0].effort);
  assert.equal(await tpEffort(), 21);

  await page.evaluate(() => globalThis.piPlannerBrowserHost.sync.editInTargetprocess(0, { effort: 99 }));
  await effort.fill("13");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("13 pts").waitFor();
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await page.getByRole("heading", { name: "Conflicts (1)" }).waitFor();
  const card = page.getByTestId("conflict");
  assert.match(await card.textContent(), /Last pull21 points.*Mine13 points.*Targetprocess99 points/);
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
