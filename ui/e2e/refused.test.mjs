// Browser tests of a push Targetprocess refuses in part: the refused change is shown in words
// with its reason, "Discard this change" and "Retry"; fixing the owner and retrying pushes it,
// discarding takes it out of the plan. And a push the plan's validation errors stop, sent with
// "Push anyway…" and its reason recorded in the audit trail. Screenshots go to
// PI_PLANNER_SHOTS_DIR when it is set.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { addRepoConfig, demoTp, held, openDemoPlan, planFolder, serveApp, shot, tpId, ui } from "./support.mjs";

serveApp();

const FEATURE = "Audit log export";

/**
 * Opens the demo plan with Mara Lind among the account's users kept with the plan: she was a
 * Targetprocess user when PI Planner last read them and has left since (an owner who is no user
 * is refused at save), so Targetprocess refuses her at the push.
 */
async function openDemo(page) {
  await openDemoPlan(page);
  const kept = join(await planFolder(page), ".git", "pi-planner");
  const users = readdirSync(kept)
    .map((d) => join(kept, d, "users.json"))
    .find((f) => existsSync(f));
  assert.ok(users, "the account's users are kept with the plan");
  writeFileSync(users, JSON.stringify([...JSON.parse(readFileSync(users, "utf8")), { name: "Mara Lind", login: null }]));
  await page.reload();
  await page.getByTestId("objective-item").first().waitFor();
}

/** Adds FEATURE owned by "Mara Lind", saves, and pushes. */
async function pushUnknownOwner(page) {
  await page.getByRole("button", { name: "Add feature" }).click();
  const card = page.getByRole("region", { name: "Feature New feature" });
  await card.getByLabel(/^Feature name/).fill(FEATURE);
  await page.getByRole("region", { name: `Feature ${FEATURE}` }).getByLabel("Feature owner").fill("Mara Lind");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByTestId("changes-to-push").getByText("1 change to push").waitFor();
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("dialog", { name: "Push to Targetprocess" }).getByRole("button", { name: /^Push 1 change/ }).click();
  const refused = page.getByTestId("refused-change");
  await refused.waitFor();
  return refused;
}

/** Whether FEATURE is in Targetprocess: it has a Targetprocess id, under which Targetprocess has it. */
async function inTargetprocess(page) {
  const feature = (await held(page)).plan.objectives.flatMap((o) => o.features).find((f) => f.name === FEATURE);
  if (!feature?.id?.startsWith("tp:")) return false;
  const tp = await demoTp.read("Features", tpId(feature.id));
  return tp.Name === FEATURE;
}

test("a refused owner is shown with its reason; fixed in the form, Retry pushes it", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemo(page);
  const refused = await pushUnknownOwner(page);
  // One result, not two banners.
  assert.equal(await page.getByTestId("push-result").count(), 0);
  assert.match(await page.getByTestId("refused-changes").textContent(), /Targetprocess refused 1 change; nothing else was sent/);
  const text = await refused.textContent();
  assert.match(text, new RegExp(`Create feature "${FEATURE}"`));
  assert.match(text, /Why: Owner of "Audit log export": no Targetprocess user is called "Mara Lind"/);
  assert.doesNotMatch(text, /tp:|new:/);
  await refused.getByRole("button", { name: "Discard this change" }).waitFor();
  assert.equal(await inTargetprocess(page), false);
  await shot(page, "browser-push-refused");

  const card = page.getByRole("region", { name: `Feature ${FEATURE}` });
  await card.getByLabel("Feature owner").fill("Mira Ostrava");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("refused-changes").getByRole("button", { name: "Retry" }).click();
  await page.getByRole("dialog", { name: "Push to Targetprocess" }).getByRole("button", { name: /^Push 1 change/ }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess", { exact: true }).waitFor();
  await page.getByTestId("refused-changes").waitFor({ state: "detached" });
  assert.equal(await inTargetprocess(page), true);
  assert.equal(await page.getByTestId("changes-to-push").count(), 0);
  await shot(page, "browser-push-refused-fixed");
  await page.close();
});

test("Discard this change takes the refused change out of the plan", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemo(page);
  const refused = await pushUnknownOwner(page);
  await refused.getByRole("button", { name: "Discard this change" }).click();
  await page.getByTestId("refused-changes").waitFor({ state: "detached" });
  assert.equal(await page.getByRole("region", { name: `Feature ${FEATURE}` }).count(), 0);
  assert.equal(await page.getByTestId("changes-to-push").count(), 0);
  assert.equal(await inTargetprocess(page), false);
  await page.close();
});

test("a push stopped by validation errors goes with Push anyway…, its reason in the audit trail", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  await addRepoConfig(page, '[validation]\neffort_range = { max = 60, level = "error" }');
  const { plan } = await held(page);
  const id = tpId(plan.objectives[0].id);
  const before = (await demoTp.read("TeamPIObjectives", id)).Effort;

  await page.getByLabel("Effort", { exact: true }).fill("99");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("dialog", { name: "Push to Targetprocess" }).getByRole("button", { name: /^Push 1 change/ }).click();
  const result = page.getByTestId("push-result");
  await result.getByText("Not pushed: the plan has errors to fix first", { exact: true }).waitFor();
  assert.equal((await demoTp.read("TeamPIObjectives", id)).Effort, before, "nothing was sent");

  await result.getByRole("button", { name: "Push anyway…" }).click();
  const ask = page.getByRole("dialog", { name: "Push anyway" });
  assert.equal(await ask.getByRole("button", { name: "Push anyway", exact: true }).isDisabled(), true);
  const reason = "Agreed with the RTE: re-estimated on Monday";
  await ask.getByLabel("Reason").fill(reason);
  await shot(page, "browser-push-anyway");
  await ask.getByRole("button", { name: "Push anyway", exact: true }).click();
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess", { exact: true }).waitFor();
  await page.getByTestId("override-recorded").waitFor();
  assert.equal((await demoTp.read("TeamPIObjectives", id)).Effort, 99);

  // The override is in the audit trail, with the reason and who gave it.
  const trail = await page.evaluate(() => globalThis.piPlannerBrowserHost.auditTrail());
  const recorded = JSON.stringify(trail);
  assert.ok(recorded.includes(reason), recorded);
  await page.getByRole("button", { name: "Audit", exact: true }).click();
  await page.getByText(reason, { exact: false }).first().waitFor();
  await page.close();
});
