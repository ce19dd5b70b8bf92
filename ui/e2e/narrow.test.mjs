// Browser tests of narrow windows (960, 1024 and 1280 px wide, and 1366 for comparison): the header
// stays on one line, the breadcrumb keeps PI and team in full, nothing in the header is cut off
// at the window's edge, the secondary buttons are reached through the menu; the push dialog's
// buttons are in the window. Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
/* global document, window, getComputedStyle */
import { test } from "node:test";
import assert from "node:assert/strict";

import { fillNewEffort, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

/** The boxes of the header's parts, and whether each text fits its box. */
const headerBoxes = (page) =>
  page.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, fits: el.scrollWidth <= el.clientWidth + 1 };
    };
    const q = (sel) => document.querySelector(sel);
    const header = q("[data-testid=app-header]");
    const controls = [...header.querySelectorAll("button, [role=radiogroup]")].map(box);
    return {
      width: window.innerWidth,
      header: box(header),
      title: box(q("[data-testid=app-title]")),
      pi: box(q("[data-testid=crumb-pi]")),
      team: box(q("[data-testid=crumb-team]")),
      art: box(q("[data-testid=crumb-art]")),
      controls,
      titleLines: Math.round(q("[data-testid=app-title]").getBoundingClientRect().height / parseFloat(getComputedStyle(q("[data-testid=app-title]")).lineHeight)),
    };
  });

for (const width of [960, 1024, 1280, 1366]) {
  test(`at ${width} px the header is one line with PI and team in full and nothing cut off`, async () => {
    const page = await ui.browser.newPage({ viewport: { width, height: 700 } });
    await openDemoPlan(page);
    const b = await headerBoxes(page);
    assert.equal(b.titleLines, 1, "PI Planner on one line");
    assert.ok(b.title.fits, "the title is not cut");
    assert.ok(b.pi.fits && b.team.fits, "PI and team in full");
    assert.ok(b.pi.top >= b.header.top && b.pi.bottom <= b.header.bottom, "the breadcrumb is in the header");
    for (const c of b.controls) {
      assert.ok(c.right <= b.width + 0.5, `a control ends at ${c.right}, past the window (${b.width})`);
      assert.ok(c.top >= b.header.top - 0.5 && c.bottom <= b.header.bottom + 0.5, "no control wraps to a second line");
    }
    assert.ok(b.team.right <= Math.min(...b.controls.map((c) => c.left)), "the team is not under a button");
    if (width < 1280) {
      await page.getByRole("button", { name: "Menu ▾" }).click();
      await page.getByRole("menuitem", { name: "History" }).click();
      await page.getByText(/^Versions \(/).waitFor();
      await page.getByRole("button", { name: "Menu ▾" }).click();
      await page.getByRole("menuitem", { name: "History" }).click();
    } else {
      assert.equal(await page.getByRole("button", { name: "History" }).count(), 1);
    }
    await shot(page, `browser-header-${width}`);

    await fillNewEffort(page);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("button", { name: "Push…" }).click();
    const dialog = page.getByRole("dialog", { name: "Push to Targetprocess" });
    const push = dialog.getByRole("button", { name: "Push 1 change" });
    await push.waitFor();
    const r = await push.boundingBox();
    assert.ok(r.x + r.width <= width && r.y + r.height <= 700, "Push is in the window");
    await shot(page, `browser-push-preview-${width}`);
    await push.click();
    await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
    await page.close();
  });
}

test("the push dialog opened from the keyboard: Enter pushes, Escape cancels, focus returns", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1024, height: 700 } });
  await openDemoPlan(page);
  await fillNewEffort(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("changes-to-push").getByText("1 change to push").waitFor();
  await page.getByRole("button", { name: "Push…" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Push to Targetprocess" });
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === "Push 1 change");
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "the focus stays in the dialog");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.textContent === "Push…");
  await page.keyboard.press("Enter");
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === "Push 1 change");
  await page.keyboard.press("Enter");
  await page.getByTestId("push-result").getByText("Pushed 1 change to Targetprocess").waitFor();
  await page.close();
});
