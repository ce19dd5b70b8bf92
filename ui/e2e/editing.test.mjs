// Browser tests of editing: the objective list is one tab stop with arrow keys and a visible
// focus ring, unsaved edits are asked about in a dialog the keyboard answers, a field refuses
// what a push could not send, owners come from a type-ahead of Targetprocess users, remove
// buttons stay red in the dark theme and "New from template" opens where it can be seen.
// Screenshots go to PI_PLANNER_SHOTS_DIR when it is set.
/* global document, getComputedStyle, localStorage, window -- used in functions run in the page */
import { test } from "node:test";
import assert from "node:assert/strict";

import { held, openDemoPlan, serveApp, shot, ui } from "./support.mjs";

serveApp();

async function openDemo(page, { dark = false } = {}) {
  const darkScheme = async (p) => {
    await p.evaluate(() => localStorage.setItem("pi-planner-color-scheme", "dark"));
    await p.reload();
  };
  await openDemoPlan(page, { prepare: dark ? darkScheme : undefined });
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });
}

/** The focused element's id, accessible name and whether an outline or shadow is drawn. */
const focusInfo = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const st = getComputedStyle(el);
    return {
      id: el.id,
      text: (el.getAttribute("aria-label") ?? el.textContent ?? "").trim(),
      ring: (st.outlineStyle !== "none" && st.outlineWidth !== "0px") || st.boxShadow !== "none",
    };
  });

test("the objective list is one tab stop; arrows move; unsaved edits are asked about from the keyboard", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await openDemo(page);
  const opened = (await held(page)).plan.objectives;
  const n = opened.length;
  const tabbable = await page.getByTestId("objective-item").evaluateAll((els) => els.map((e) => e.tabIndex));
  assert.deepEqual(tabbable, [0, ...Array(n - 1).fill(-1)], "only the selected objective is a tab stop");

  // A mouse click, then the keyboard: the focus ring shows where focus is.
  await page.getByTestId("objective-item").first().click();
  assert.equal((await focusInfo(page)).ring, true, "focus ring after a mouse click");
  await page.keyboard.press("Tab");
  assert.equal((await focusInfo(page)).text, "Add objective", "one Tab leaves the list");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("ArrowDown");
  await page.getByRole("heading", { name: `Objective 2 of ${n}` }).waitFor();
  const moved = await focusInfo(page);
  assert.equal(moved.id, "objective-item-1");
  assert.equal(moved.ring, true, "focus ring on the objective reached with the arrow key");

  // An unsaved edit, then ArrowUp: the dialog asks, Save has the focus, Enter saves and moves.
  const effort = (opened[1].effort ?? 0) + 13;
  await page.getByLabel("Effort", { exact: true }).fill(String(effort));
  await page.getByTestId("objective-item").nth(1).focus();
  await page.keyboard.press("ArrowUp");
  const dialog = page.getByRole("dialog", { name: "Save your changes?" });
  await dialog.waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === "Save");
  await shot(page, "editing-unsaved-dialog");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: `Objective 1 of ${n}` }).waitFor();
  const saved = await held(page);
  assert.equal(saved.plan.objectives[1].effort, effort);
  await page.close();
});

test("fields refuse what a push could not send; owners are typed ahead from Targetprocess users", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await openDemo(page);
  const first = (await held(page)).plan.objectives[0];
  // Another Targetprocess user than the objective's owner, found by the start of the name.
  const users = await page.evaluate(() => globalThis.piPlannerBrowserHost.usersList());
  const other = users.map((u) => u.name).find((name) => name !== first.owner && name.includes(" "));
  await page.getByLabel("Effort", { exact: true }).fill("lots");
  await page.getByText("Enter a number of points, like 5 or 2.5").waitFor();
  await page.getByRole("textbox", { name: /^Name/ }).fill("");
  await page.getByText("Give the objective a name").waitFor();
  const owner = page.getByRole("combobox", { name: "Owner", exact: true });
  await owner.fill("Mara Lind");
  await page.getByText("Not a Targetprocess user — pick one from the list").waitFor();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Not saved: 3 fields need fixing").waitFor();
  await shot(page, "editing-refused-fields");
  const stored = await held(page);
  assert.deepEqual(stored.plan.objectives[0], first, "nothing was saved");

  const effort = (first.effort ?? 0) + 13;
  await page.getByRole("textbox", { name: /^Name/ }).fill(first.name);
  await page.getByLabel("Effort", { exact: true }).fill(String(effort));
  await owner.fill(other.split(" ")[0]);
  await page.getByRole("option", { name: other }).waitFor();
  await shot(page, "editing-owner-typeahead");
  await page.getByRole("option", { name: other }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByTestId("save-state").getByText("Saved", { exact: true }).waitFor();
  await page
    .getByTestId("undo-what")
    .getByText(`Undo last save: "${first.name}": Effort ${first.effort} → ${effort}, Owner`)
    .waitFor();
  assert.equal((await held(page)).plan.objectives[0].owner, other);
  await shot(page, "editing-saved-undo");
  await page.close();
});

test("remove buttons stay red in the dark theme; New from template opens where it is seen", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1024, height: 700 } });
  await openDemo(page, { dark: true });
  await page.getByRole("button", { name: "Add feature" }).click();
  await page.getByRole("button", { name: "Add criterion" }).last().click();
  const red = async (locator) => {
    const color = await locator.evaluate((el) => getComputedStyle(el).color);
    const [r, g, b] = color.match(/\d+/g).map(Number);
    return r > g + 60 && r > b + 60;
  };
  assert.ok(await red(page.getByRole("button", { name: "Remove objective" })), "Remove objective is red");
  assert.ok(await red(page.getByRole("button", { name: "Remove feature" }).last()), "Remove feature is red");
  assert.ok(await red(page.getByRole("button", { name: "Remove criterion 1" }).last()), "Remove criterion is red");
  await shot(page, "editing-dark");
  await page.getByRole("button", { name: "Discard changes" }).click();

  // "New from template" at the bottom of a 700 px window: its menu is wholly in the window.
  const template = page.getByRole("button", { name: "New from template" }).first();
  await template.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 10000));
  await template.click();
  const menu = page.getByRole("menu");
  await menu.waitFor();
  const box = await menu.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 700, `the template menu fits the window: ${JSON.stringify(box)}`);
  await shot(page, "editing-template-menu");
  await page.close();
});
