// Browser tests of Jira in the app against the real bridge and the demo's simulated Jira:
// connecting in Settings (a refused token in words, the right one kept), the "Out of sync" view
// with a fix applied as an edit of the plan, and "Create stories from acceptance criteria",
// which creates each story once and brings them under the feature at the next pull.
// Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
import { test } from "node:test";
import assert from "node:assert/strict";

import { demoTp, held, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

const features = (plan) => plan.objectives.flatMap((o, at) => o.features.map((f) => ({ ...f, at })));
const sumPoints = (f) => f.stories.filter((s) => s.points !== null).reduce((a, s) => a + s.points, 0);

async function showObjective(page, plan, at) {
  await page.getByTestId("objective-item").nth(at).click();
  await page.getByRole("heading", { name: `Objective ${at + 1} of ${plan.objectives.length}` }).waitFor();
}

test("Jira is connected in Settings: a wrong token is refused in words, the right one is used", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await openDemoPlan(page);
  await page.getByRole("button", { name: "Settings" }).click();
  const jira = page.getByRole("region", { name: "Jira" });
  await jira.getByText("Until you connect one, the demo uses its own Jira.").waitFor();
  const { url, jiraEmail, jiraToken } = demoTp.address();
  await jira.getByLabel(/^Jira address/).fill(url);
  await jira.getByLabel("Jira e-mail").fill(jiraEmail);
  await jira.getByLabel(/^Jira API token/).fill("not-the-token");
  await jira.getByRole("button", { name: "Test Jira connection" }).click();
  const alert = jira.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /did not accept these credentials/);
  assert.doesNotMatch(await alert.textContent(), /not-the-token/);

  await jira.getByLabel(/^Jira API token/).fill(jiraToken);
  await jira.getByRole("button", { name: "Test Jira connection" }).click();
  assert.equal(await jira.getByTestId("jira-check").textContent(), `Connection works: Jira Cloud at ${url}.`);
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
  await jira.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shot(page, "jira-connect");
  await jira.getByRole("button", { name: "Connect Jira" }).click();
  await jira.getByTestId("jira-connected").waitFor();
  assert.match(await jira.getByTestId("jira-connected").textContent(), new RegExp(`Connected to Jira at ${url}`));
  const status = await page.evaluate(() => globalThis.piPlannerBrowserHost.jiraStatus());
  assert.deepEqual(status, { url, demo: false });

  // The connected Jira answers the lint: the epics were asked about with the stored token.
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await page.getByRole("button", { name: "Out of sync with Jira" }).click();
  await page.getByRole("heading", { name: "Out of sync with Jira" }).waitFor();
  await page.getByRole("list", { name: "Findings" }).waitFor();
  assert.equal(await page.getByTestId("epics-note").count(), 0);

  await page.getByRole("button", { name: "Settings" }).click();
  await jira.getByRole("button", { name: "Forget Jira (remove the token)" }).click();
  await jira.getByLabel(/^Jira address/).waitFor();
  await page.close();
});

test("Out of sync lists the demo's findings, and Apply fix sets the effort to the stories' points", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await openDemoPlan(page);
  await page.getByRole("button", { name: "Out of sync with Jira" }).click();
  const list = page.getByRole("list", { name: "Findings" });
  await list.getByRole("listitem").first().waitFor();
  const lint = await page.evaluate(() => globalThis.piPlannerBrowserHost.jiraLint());
  assert.ok(lint.findings.length > 0, "the demo's Jira disagrees with the plan somewhere");
  assert.equal(await list.getByRole("listitem").count(), lint.findings.length);
  const target = lint.findings.find((f) => f.code === "points-vs-effort" && f.fixable);
  assert.ok(target, "a points-vs-effort finding with a fix");
  const item = list.getByRole("listitem", { name: `${target.title}: ${target.featureName}` }).first();
  assert.equal(await item.getByTestId("lint-fix").textContent(), `Fix: ${target.fix}`);
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
  await shot(page, "jira-out-of-sync");

  await item.getByRole("button", { name: "Apply fix" }).click();
  await page.getByTestId("lint-fixed").waitFor();
  assert.match(await page.getByTestId("lint-fixed").textContent(), /^Fixed 1 finding in the plan/);
  const left = await page.evaluate(() => globalThis.piPlannerBrowserHost.jiraLint());
  assert.equal(left.findings.some((f) => f.code === target.code && f.feature === target.feature), false);
  assert.equal(left.findings.length, lint.findings.length - 1);
  const { plan, canUndo } = await held(page);
  const fixed = features(plan).find((f) => f.id === target.feature);
  assert.equal(fixed.effort, sumPoints(fixed));
  assert.ok(canUndo, "the fix is an edit that undo puts back");
  await page.close();
});

test("Create stories from acceptance criteria creates each story once; the next pull shows them", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await openDemoPlan(page);
  const { plan } = await held(page);
  const feature = features(plan).find((f) => f.jiraKey && f.acceptanceCriteria.length >= 2);
  assert.ok(feature, "a demo feature with an epic and criteria");
  const texts = feature.acceptanceCriteria.map((c) => c.text.split(/\s+/).filter(Boolean).join(" "));
  await showObjective(page, plan, feature.at);
  const card = page.getByRole("region", { name: `Feature ${feature.name}` });
  await card.getByRole("button", { name: "Create stories from acceptance criteria" }).click();
  const dialog = page.getByRole("dialog");
  const toCreate = dialog.getByTestId("stories-to-create");
  await toCreate.waitFor();
  assert.equal(await toCreate.getByRole("listitem").count(), texts.length);
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
  await shot(page, "jira-create-stories");
  await dialog.getByRole("button", { name: `Create ${texts.length} stories` }).click();
  const created = dialog.getByTestId("stories-created");
  await created.waitFor();
  const lines = await created.getByRole("listitem").allTextContents();
  assert.equal(lines.length, texts.length);
  const keys = lines.map((l) => /^([A-Z]+-\d+)/.exec(l)?.[1]);
  assert.ok(keys.every(Boolean), lines.join(" | "));
  assert.deepEqual(lines.map((l, i) => l.slice(keys[i].length)), texts);
  await dialog.getByRole("button", { name: "Close" }).click();

  // A second time: nothing to create, every story listed as created earlier with its key.
  await card.getByRole("button", { name: "Create stories from acceptance criteria" }).click();
  await dialog.getByText(`Nothing to create under ${feature.jiraKey}: every story was created earlier.`).waitFor();
  const earlier = await dialog.getByTestId("stories-earlier").getByRole("listitem").allTextContents();
  assert.deepEqual(earlier, lines);
  assert.equal(await dialog.getByRole("button", { name: /^Create / }).isDisabled(), true);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByRole("button", { name: "Pull", exact: true }).click();
  await page.waitForFunction(
    async ([id, want]) => {
      const { plan: now } = await globalThis.piPlannerBrowserHost.planGet();
      const f = now.objectives.flatMap((o) => o.features).find((x) => x.id === id);
      return want.every((k) => f.stories.filter((s) => s.key === k).length === 1);
    },
    [feature.id, keys],
  );
  await page.close();
});
