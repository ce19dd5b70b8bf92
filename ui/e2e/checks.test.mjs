// Browser tests against the real app (the bridge) and the demo Targetprocess: a push the plan's
// validation errors stop (the push gate) shown at the field, fixed and pushed; then the plan's
// checks — the change report, "Check against Targetprocess" and undoing the last push with its
// preview; and undoing an older push picked from the plan's pushes. Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
/* global document -- used in functions run in the page */
import assert from "node:assert/strict";
import { test } from "node:test";

import { addRepoConfig, demoTp, held, openDemoPlan, serveApp, shot, tpId, ui } from "./support.mjs";

serveApp();

/** The first objective's effort in the demo Targetprocess. */
async function effortInTp(page) {
  const { plan } = await held(page);
  return (await demoTp.read("TeamPIObjectives", tpId(plan.objectives[0].id))).Effort;
}

async function save(page) {
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
}

async function push(page) {
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("dialog", { name: "Push to Targetprocess" }).getByRole("button", { name: /^Push 1 change/ }).click();
}

test("a push stopped by validation errors shows each at its field; fixed, it pushes; then report, verify and undo", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  await addRepoConfig(page, '[validation]\neffort_range = { max = 60, level = "error" }');
  const before = await effortInTp(page);
  const { plan } = await held(page);
  const name = plan.objectives[0].name;

  await page.getByLabel("Effort", { exact: true }).fill("99");
  await save(page);
  await push(page);
  const result = page.getByTestId("push-result");
  await result.getByText("Not pushed: the plan has errors to fix first", { exact: true }).waitFor();
  assert.match(await result.textContent(), /1 error stops the push\. It is marked at its field below\. Nothing was sent to Targetprocess\./);
  const gate = page.getByTestId("push-gate");
  assert.match(await gate.textContent(), /Not pushed: 1 error stops the push/);
  const finding = gate.getByTestId("push-gate-finding");
  assert.match(await finding.textContent(), new RegExp(`^“${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}”: .*99`));
  assert.equal(await effortInTp(page), before, "nothing was sent");
  await shot(page, "browser-push-gate");

  // The button leads to the field, which says the error stops the push.
  await finding.getByRole("button").click();
  const effort = page.getByLabel("Effort", { exact: true });
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-invalid") === "true");
  assert.equal(await effort.evaluate((el) => el === document.activeElement), true);
  const form = page.getByRole("form", { name: "Objective" });
  await form.getByText("this stops the push", { exact: false }).waitFor();

  await effort.fill("23");
  await save(page);
  await gate.getByText("The errors that stopped the push are fixed", { exact: true }).waitFor();
  assert.equal(await form.getByText("this stops the push", { exact: false }).count(), 0);

  // The change report, before the push: one objective changed since the last pull.
  await page.getByRole("button", { name: "Report and checks", exact: true }).click();
  const report = page.getByTestId("change-report");
  await report.getByText("Since your last pull from Targetprocess, up to the plan as it is now.", { exact: true }).waitFor();
  await report.getByTestId("report-item").getByText("1 objectives changed", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Check now" }).click();
  const verify = page.getByTestId("verify-result");
  await verify.getByText("1 difference found", { exact: true }).waitFor();
  assert.match(await verify.textContent(), /Not pushed yet: Effort .* → 23 points/);
  await page.getByRole("button", { name: "Back to the plan" }).click();

  await push(page);
  await result.getByText("Pushed 1 change to Targetprocess", { exact: true }).waitFor();
  assert.equal(await effortInTp(page), 23);

  // Undo the push: the preview first, then the undo; Targetprocess has the effort of before.
  await page.getByRole("button", { name: "Report and checks", exact: true }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await verify.getByText("Everything agrees: your plan file, your last pull and Targetprocess", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Show what undoing would change…" }).click();
  const preview = page.getByTestId("rollback-preview");
  await preview.waitFor();
  assert.match(await preview.textContent(), /^Undoing the push of .* by Ann Planner writes 1 change to Targetprocess/);
  assert.match(await preview.textContent(), new RegExp(`Effort 23 → ${before} points`));
  assert.equal(await effortInTp(page), 23, "a preview sends nothing");
  await shot(page, "browser-rollback-preview");
  await preview.getByRole("button", { name: "Undo the push" }).click();
  const undone = page.getByTestId("rollback-result");
  await undone.waitFor();
  assert.match(await undone.textContent(), /^Undid the push of .* by Ann Planner: 1 change written back/);
  assert.equal(await effortInTp(page), before);
  await page.getByRole("button", { name: "Check now" }).click();
  await verify.getByText("Everything agrees: your plan file, your last pull and Targetprocess", { exact: true }).waitFor();
  await page.close();
});

test("Undo a push picks an older push from the plan's pushes and undoes it alone", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  const before = await effortInTp(page);
  await page.getByLabel("Effort", { exact: true }).fill(String(before + 7));
  await save(page);
  await push(page);
  const result = page.getByTestId("push-result");
  await result.getByText("Pushed 1 change to Targetprocess", { exact: true }).waitFor();
  // A second push, of another field: the description.
  await page.getByLabel("Description", { exact: true }).fill("Changed by the second push");
  await save(page);
  await push(page);
  await result.getByText("Pushed 1 change to Targetprocess", { exact: true }).waitFor();

  await page.getByRole("button", { name: "Report and checks", exact: true }).click();
  const pick = page.getByLabel("Push to undo");
  await pick.locator("option").nth(1).waitFor({ state: "attached" });
  const options = await pick.locator("option").allTextContents();
  assert.equal(options.length, 2, options.join("\n"));
  assert.match(options[0], /by Ann Planner \(latest\)/);
  await pick.selectOption({ index: 1 });
  await page.getByRole("button", { name: "Show what undoing would change…" }).click();
  const preview = page.getByTestId("rollback-preview");
  await preview.waitFor();
  assert.match(await preview.textContent(), new RegExp(`Effort ${before + 7} → ${before} points`));
  assert.doesNotMatch(await preview.textContent(), /Description/);
  await preview.getByRole("button", { name: "Undo the push" }).click();
  await page.getByTestId("rollback-result").waitFor();
  assert.equal(await effortInTp(page), before, "the older push is undone");
  const { plan } = await held(page);
  const tp = await demoTp.read("TeamPIObjectives", tpId(plan.objectives[0].id));
  assert.match(tp.Description ?? "", /Changed by the second push/, "the newer push is kept");
  await page.close();
});
