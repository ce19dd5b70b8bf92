// Browser test of sign-off before push, the audit trail and "New from template": the team's
// pi-planner.toml asks for 2 approvals; Ann edits, Bo and Cy sign off in turn on a shared workstation
// (switching the identity in Settings), an edit in between makes Bo's approval stale, and the
// audit trail shows who approved what.
import { test } from "node:test";
import assert from "node:assert/strict";

import { addRepoConfig, held, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

async function becomes(page, name, email) {
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your e-mail address").fill(email);
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByTestId("objective-item").first().waitFor();
}

async function setEffort(page, value) {
  const effort = page.getByLabel("Effort", { exact: true });
  await effort.fill(String(value));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("objective-item").first().getByText(`${value} pts`).waitFor();
}

/** Waits until `locator` matches `n` elements. */
async function countIs(locator, n) {
  const end = Date.now() + 5000;
  while ((await locator.count()) !== n) {
    if (Date.now() > end) assert.fail(`expected ${n} elements, found ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openSignoff(page) {
  await page.getByRole("button", { name: "Sign-off" }).click();
  const progress = page.getByTestId("signoff-progress");
  await progress.waitFor();
  return progress;
}

test("a change needs two approvals: author blocked, a stale approval, progress, audit and templates", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemoPlan(page);
  await addRepoConfig(page, "[approvals]\nrequired = 2");
  const was = (await held(page)).plan.objectives[0].effort ?? 0;

  // Ann edits; she is the author and may not approve.
  await setEffort(page, was + 13);
  let progress = await openSignoff(page);
  assert.equal(await progress.textContent(), "0 of 2 approvals");
  assert.equal(await page.getByRole("button", { name: "Approve" }).isDisabled(), true);
  assert.match(await page.getByTestId("approve-blocked").textContent(), /may not approve their own change/);

  // A push is refused and leads back to the sign-off panel.
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await page.getByRole("button", { name: "Push…" }).click();
  await page.getByRole("button", { name: "Push 1 change" }).click();
  await page.getByRole("button", { name: "Open the sign-off panel" }).click();
  await page.getByTestId("signoff-progress").waitFor();

  // Bo approves; then Ann changes the plan again, so Bo's approval is stale.
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await becomes(page, "Bo Owner", "bo@example.com");
  await openSignoff(page);
  await page.getByLabel("Comment (optional)").fill("Numbers checked with the PO");
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByText("1 of 2 approvals", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await becomes(page, "Ann Planner", "ann@example.com");
  await setEffort(page, was + 21);
  progress = await openSignoff(page);
  await progress.filter({ hasText: /^0 of 2 approvals$/ }).waitFor();
  await page.getByTestId("stale-notice").waitFor();

  // Cy approves the current change: one of two.
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await becomes(page, "Cy Lead", "cy@example.com");
  await openSignoff(page);
  await page.getByLabel("Comment (optional)").fill("Fine for the PI");
  await page.getByRole("button", { name: "Approve" }).click();
  await page.getByText("1 of 2 approvals", { exact: true }).waitFor();
  assert.match(await page.getByTestId("approve-blocked").textContent(), /already approved/);
  assert.equal(await page.getByTestId("approval").count(), 2);
  await shot(page, "15-signoff");

  // Ann pushes anyway with a reason: the override is recorded.
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await becomes(page, "Ann Planner", "ann@example.com");
  await openSignoff(page);
  await page.getByLabel(/Reason for pushing without the approvals/).fill("Release deadline; Bo is away");
  await page.getByRole("button", { name: "Override and push" }).click();
  await page.getByTestId("override-result").waitFor();

  // The audit trail: the push, the override and both approvals (the stale one too), newest first;
  // the push that waited for sign-off is no failed push.
  await page.getByRole("button", { name: "Audit" }).click();
  const rows = page.getByTestId("audit-row");
  await rows.first().waitFor();
  assert.deepEqual(
    await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-kind"))),
    ["push", "override", "approval", "approval"],
  );
  assert.match(await rows.nth(1).textContent(), /Ann Planner <ann@example.com>.*Release deadline; Bo is away/);
  assert.match(await rows.nth(2).textContent(), /Cy Lead <cy@example.com>.*Fine for the PI/);
  await page.getByRole("button", { name: "Show the details of event 1" }).click();
  assert.match(await page.getByTestId("audit-details").textContent(), new RegExp(`Effort ${was} points → ${was + 21} points`));
  await page.getByRole("button", { name: "Export CSV" }).click();
  assert.match(await page.getByTestId("export-result").textContent(), /4 events saved to .*Downloads\/audit-.*\.csv/);
  await page.getByText("Approvals", { exact: true }).click();
  await countIs(rows, 2);
  await page.getByText("All", { exact: true }).click();
  await countIs(rows, 4);
  await page.getByRole("button", { name: "Show the details of event 1" }).click();
  await shot(page, "16-audit");

  // New from template: an objective with its features.
  await page.getByRole("button", { name: "Back to the plan" }).click();
  const items = page.getByTestId("objective-item");
  const before = await items.count();
  await page.getByRole("button", { name: "New from template" }).first().click();
  await page.getByRole("menuitem", { name: "enablement" }).waitFor();
  await page.waitForTimeout(400); // the menu's fade-in
  await shot(page, "17-new-from-template");
  await page.getByRole("menuitem", { name: "enablement" }).click();
  await countIs(items, before + 1);
  assert.match(await items.last().textContent(), /Platform enablement/);
  await page.getByRole("heading", { name: /Features \(2\)/ }).waitFor();
  await page.close();
});
