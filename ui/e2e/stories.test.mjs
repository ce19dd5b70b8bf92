// Browser test of stories on the feature card: the demo's Jira gives its features stories, and
// a feature shows each of them read-only with how many are done and the stories' points.
// Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
import { test } from "node:test";
import assert from "node:assert/strict";

import { held, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

const pts = (n) => `${Math.round(n * 10) / 10} ${n === 1 ? "pt" : "pts"}`;

test("a demo feature lists its Jira stories with how many are done and their points", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await openDemoPlan(page);
  const { plan } = await held(page);
  const at = plan.objectives.findIndex((o) => o.features.some((f) => f.stories.length > 0));
  assert.ok(at >= 0, "the demo plan has a feature with stories");
  const objective = plan.objectives[at];
  const feature = objective.features.find((f) => f.stories.length > 0);
  await page.getByTestId("objective-item").nth(at).click();
  await page.getByRole("heading", { name: `Objective ${at + 1} of ${plan.objectives.length}` }).waitFor();

  const card = page.getByRole("region", { name: `Feature ${feature.name}` });
  const stories = card.getByRole("group", { name: "Jira stories" });
  await stories.scrollIntoViewIfNeeded();
  const done = feature.stories.filter((s) => s.statusCategory === "done").length;
  const total = feature.stories.length;
  assert.equal(
    await stories.getByTestId("stories-done").textContent(),
    `${done} of ${total} ${total === 1 ? "story" : "stories"} done`,
  );
  assert.equal(await stories.getByRole("row").count(), total);
  for (const s of feature.stories) {
    const row = stories.getByRole("row").filter({ hasText: s.key });
    assert.equal(await row.count(), 1, s.key);
    assert.ok((await row.textContent()).includes(s.summary), s.key);
    if (s.status) assert.equal(await row.locator(".mantine-Badge-root").textContent(), s.status);
  }
  assert.equal(await stories.getByRole("textbox").count(), 0, "stories are read-only");
  const sum = (list) => list.filter((s) => s.points !== null).reduce((a, s) => a + s.points, 0);
  if (feature.stories.some((s) => s.points !== null)) {
    await card.getByText(`Stories: ${pts(sum(feature.stories))}`).waitFor();
  }
  const all = objective.features.flatMap((f) => f.stories);
  if (all.some((s) => s.points !== null)) {
    assert.equal(await page.getByTestId("objective-story-points").textContent(), `Stories: ${pts(sum(all))}`);
  }
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
  // The stories in the middle of the window, clear of the form's Save bar.
  await stories.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shot(page, "feature-stories");
  await page.close();
});
