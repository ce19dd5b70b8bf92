// Shared set-up of the browser tests: the built UI (dist/) served by `vite preview` on a free
// loopback port, and Debian's chromium driven by playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { after, before } from "node:test";

import { chromium } from "playwright-core";

/** Filled by `serveUi` before the tests of a file run. */
export const ui = { browser: undefined, base: undefined };

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`preview server did not start at ${url}`);
}

/** Starts the preview server and the browser before the calling file's tests; stops them after. */
export function serveUi() {
  let preview;
  before(async () => {
    const port = await freePort();
    ui.base = `http://127.0.0.1:${port}/`;
    preview = spawn("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
      stdio: "ignore",
      detached: true,
    });
    await waitForServer(ui.base, 20000);
    ui.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });
  after(async () => {
    await ui.browser?.close();
    if (preview?.pid) process.kill(-preview.pid, "SIGTERM");
  });
}

/**
 * Opens a demo plan as Ann Planner (Platform ART, PI-1/26, `team`). `prepare` runs on the page
 * after it loads and before the demo starts (a colour scheme, the browser host's users).
 */
export async function openDemoPlan(page, { team = "Platform Eco", prepare } = {}) {
  await page.goto(ui.base);
  if (prepare) await prepare(page);
  await page.getByRole("button", { name: "Try the demo" }).click();
  await page.getByLabel("Your name").fill("Ann Planner");
  await page.getByLabel("Your e-mail address").fill("ann@example.com");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Release train (ART)").selectOption({ label: "Platform ART" });
  await page.getByLabel("Release (PI)").selectOption({ label: "PI-1/26" });
  await page.getByLabel("Team").selectOption({ label: team });
  await page.getByRole("button", { name: "Open plan" }).click();
  await page.getByTestId("objective-item").first().waitFor();
}

/** Saves a screenshot when PI_PLANNER_SHOTS_DIR is set. */
export async function shot(page, name) {
  const shots = process.env.PI_PLANNER_SHOTS_DIR;
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: `${shots}/${name}.png` });
}
