// Keyboard-only browser test at 1280×800: a planner who never touches the mouse tries the demo,
// opens a team plan, moves between objectives, edits an effort and saves, and reorders
// objectives and features. Every step checks that focus is visible, and the editor is checked
// for unlabelled controls, horizontal scrolling and controls that jump while editing.
/* global document, getComputedStyle, HTMLSelectElement -- used in functions run in the page */
import { test } from "node:test";
import assert from "node:assert/strict";

import { held, literally, serveApp, shot, ui } from "./support.mjs";

serveApp();

/** The focused element: its accessible name, tag, and whether focus is drawn around it. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const byId = (ids) =>
      ids
        .split(" ")
        .map((id) => document.getElementById(id)?.textContent ?? "")
        .join(" ");
    const name =
      el.getAttribute("aria-label") ??
      (el.getAttribute("aria-labelledby") ? byId(el.getAttribute("aria-labelledby")) : null) ??
      (el.labels && el.labels[0] ? el.labels[0].textContent : null) ??
      el.textContent;
    // Focus is visible when the focused element looks different from the unfocused one.
    const look = () => {
      const st = getComputedStyle(el);
      return [st.outlineStyle, st.outlineWidth, st.outlineColor, st.boxShadow, st.borderColor, st.backgroundColor].join("|");
    };
    const keyboardFocus = el.matches(":focus-visible");
    const withFocus = look();
    el.blur();
    const withoutFocus = look();
    el.focus();
    return {
      name: (name ?? "").replace(/\s+/g, " ").trim(),
      tag: el.tagName.toLowerCase(),
      visible: keyboardFocus && withFocus !== withoutFocus,
      looks: [withFocus, withoutFocus],
    };
  });
}

/** Presses Tab (Shift+Tab when `back`) until the focused element's name matches; at most 400. */
async function tabTo(page, name, { back = false } = {}) {
  const seen = [];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (!f) continue;
    seen.push(f.name);
    if (typeof name === "string" ? f.name === name : name.test(f.name)) {
      assert.ok(f.visible, `focus on "${f.name}" is not visible: ${f.looks.join(" / ")}`);
      return f;
    }
  }
  throw new Error(`never reached ${name} with the keyboard; passed: ${seen.join(" | ")}`);
}

/** Chooses an option of the focused native select by pressing ArrowDown. */
async function chooseWithArrows(page, label) {
  for (let i = 0; i < 30; i++) {
    const current = await page.evaluate(() => {
      const el = document.activeElement;
      return el instanceof HTMLSelectElement ? el.selectedOptions[0]?.textContent : null;
    });
    if (current === label) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error(`option ${label} not reached with the arrow keys`);
}

/** Visible form controls without an accessible name. */
function unlabelled(page) {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll("button, input, select, textarea, a[href], [role=switch]")];
    return controls
      .filter((el) => el.getClientRects().length > 0 && el.getAttribute("type") !== "hidden")
      // Mouse-only extras (number steppers) are hidden from assistive technology and Tab.
      .filter((el) => !el.closest("[aria-hidden=true]"))
      .filter((el) => {
        const labelled = el.getAttribute("aria-labelledby");
        const name =
          el.getAttribute("aria-label") ||
          (labelled && document.getElementById(labelled.split(" ")[0])?.textContent) ||
          (el.labels && el.labels[0]?.textContent) ||
          (el.tagName === "BUTTON" || el.tagName === "A" ? el.textContent : "") ||
          el.getAttribute("title");
        return !name || !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

const names = (page) =>
  page.getByTestId("objective-item").evaluateAll((els) =>
    els.map((el) => el.querySelector(".mantine-NavLink-label")?.textContent),
  );

test("keyboard only: open the demo plan, edit an effort, save, reorder", async () => {
  const page = await ui.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(ui.base);
  await page.getByRole("heading", { name: "Welcome to PI Planner" }).waitFor();
  // Compare focused and unfocused looks without waiting for transitions.
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; }" });

  await tabTo(page, "Try the demo");
  await page.keyboard.press("Enter");
  await page.getByLabel("Your name").waitFor();
  await tabTo(page, /^Your name/);
  await page.keyboard.type("Kim Keys");
  await tabTo(page, /^Your e-mail address/);
  await page.keyboard.type("kim@example.com");
  await page.keyboard.press("Enter");

  await page.getByLabel("Release train (ART)").waitFor();
  await tabTo(page, "Release train (ART)");
  await chooseWithArrows(page, "Orbit Train");
  await tabTo(page, "Release (PI)");
  await page.getByRole("option", { name: "PI-4/25" }).waitFor({ state: "attached" });
  await chooseWithArrows(page, "PI-4/25");
  await tabTo(page, "Team");
  await page.getByRole("option", { name: "Comets" }).waitFor({ state: "attached" });
  await chooseWithArrows(page, "Comets");
  await tabTo(page, "Open plan");
  await page.keyboard.press("Enter");
  await page.getByTestId("objective-item").first().waitFor();
  const opened = (await held(page)).plan.objectives;
  const n = opened.length;
  const [o0, o1, o2, ...rest] = opened.map((o) => o.name);

  // The objective list is one tab stop (the selected objective); the arrow keys move in it.
  const first = await tabTo(page, new RegExp(`^${literally(o0)}`));
  assert.equal(first.tag, "div");
  await page.keyboard.press("ArrowDown");
  await page.getByRole("heading", { name: `Objective 2 of ${n}` }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "objective-item-1");
  assert.ok((await focused(page)).visible, "the focus ring follows the arrow keys");
  await page.keyboard.press("ArrowUp");
  await page.getByRole("heading", { name: `Objective 1 of ${n}` }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "objective-item-0");

  assert.deepEqual(await unlabelled(page), [], "every control has a name");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1280, `no horizontal scrolling at 1280 px (content is ${width} px wide)`);
  await shot(page, "keyboard-editor");

  // Edit the effort and save, keyboard only; the Save button does not move while editing.
  const save = page.getByRole("button", { name: "Save", exact: true });
  const before = await save.boundingBox();
  const effort = (opened[0].effort ?? 0) + 13;
  await tabTo(page, /^Effort/);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(String(effort));
  await page.getByText("Unsaved changes").waitFor();
  assert.deepEqual(await save.boundingBox(), before, "Save stays where it was");
  await tabTo(page, "Save");
  await page.keyboard.press("Enter");
  await page.getByTestId("objective-item").first().getByText(`${effort} pts`).waitFor();
  const saved = await held(page);
  assert.equal(saved.plan.objectives[0].effort, effort);

  // Move the objective down with the keyboard; focus stays on the move buttons.
  await tabTo(page, "Move objective down", { back: true });
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: `Objective 2 of ${n}` }).waitFor();
  assert.deepEqual(await names(page), [o1, o0, o2, ...rest]);
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label")?.startsWith("Move objective"));
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: `Objective 3 of ${n}` }).waitFor();
  assert.deepEqual(await names(page), [o1, o2, o0, ...rest]);
  const after = await held(page);
  assert.deepEqual(
    after.plan.objectives.map((o) => o.name),
    [o1, o2, o0, ...rest],
  );

  // Add a feature and move it to the top with the keyboard, then save.
  await tabTo(page, "Add feature");
  await page.keyboard.press("Enter");
  const cards = page.getByRole("region", { name: /^Feature / });
  const features = opened[0].features.length;
  await cards.nth(features).waitFor();
  // The new feature is last: its "Move feature up" is the last before Save. Each Enter moves it
  // one up, and focus stays on its move buttons.
  await tabTo(page, "Save");
  await tabTo(page, "Move feature up", { back: true });
  for (let at = features - 1; at >= 0; at--) {
    await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Move feature up");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (want) =>
        [...document.querySelectorAll("[aria-label^='Feature ']")]
          .filter((el) => el.getAttribute("role") === "region" || el.tagName === "SECTION")
          .findIndex((el) => el.getAttribute("aria-label") === "Feature New feature") === want,
      at,
    );
  }
  const label = async (i) => cards.nth(i).getAttribute("aria-label");
  assert.equal(await label(0), "Feature New feature", "the new feature moved to the top");
  await shot(page, "keyboard-reorder");
  await tabTo(page, "Save");
  await page.keyboard.press("Enter");
  await page.waitForFunction(async () => {
    const view = await globalThis.piPlannerBrowserHost.planGet();
    return view.plan.objectives[2].features[0].name === "New feature";
  });
  await page.close();
});
