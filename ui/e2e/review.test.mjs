// Browser test of reviews on GitHub in the demo: the demo's plans are set up for reviews on the
// demo simulator's GitHub ([github] in the demo's pi-planner.toml). Ann edits the plan, proposes
// it for review and sees the pull request in review; the demo's lead approves it on GitHub, and
// the review shows the approval and the Sign-off panel counts it as the lead's sign-off.
import { test } from "node:test";
import assert from "node:assert/strict";

import { demoTp, fillNewEffort, openDemoPlan, serveApp, ui } from "./support.mjs";

serveApp();

test("propose for review, see the pull request's state, and an approving review signs off", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openDemoPlan(page);
  const review = page.getByTestId("review");
  await review.getByText("Not proposed for review yet").waitFor();

  await fillNewEffort(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await review.getByRole("button", { name: "Propose for review" }).click();
  const message = page.getByTestId("review-message");
  await message.waitFor();
  const number = Number(/Opened pull request #(\d+) for review\./.exec(await message.textContent())?.[1]);
  assert.ok(number > 0, await message.textContent());
  assert.equal(await review.getAttribute("data-state"), "open");
  await review.getByText("In review").waitFor();
  const link = review.getByRole("link", { name: `Pull request #${number}` });
  assert.match(await link.getAttribute("href"), new RegExp(`/github-web/demo/pi-plans/pull/${number}$`));
  assert.equal(await review.getByRole("button", { name: "Update the review" }).count(), 1);

  // The demo's lead approves on GitHub: a sign-off in the app.
  await demoTp.review(number, "demo-lead", "APPROVED");
  await page.getByRole("button", { name: "Sign-off" }).click();
  const approval = page.getByTestId("approval").filter({ hasText: "lead@example.com" });
  await approval.waitFor();
  assert.match(await approval.textContent(), /@demo-lead <lead@example\.com>/);
  assert.equal(await approval.getAttribute("data-standing"), "valid");
  await page.getByRole("button", { name: "Back to the plan" }).click();
  await page.reload();
  await page.getByTestId("review-approvals").waitFor();
  assert.equal(await page.getByTestId("review-approvals").textContent(), "1 approval of 1 review");
  await page.close();
});
