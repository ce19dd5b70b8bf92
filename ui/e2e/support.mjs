// Shared set-up of the browser tests: Debian's chromium driven by playwright-core (never a
// downloaded browser) on the built UI (dist/), served by the app's loopback bridge
// (`pi-planner-bridge`: the real app's commands, a fresh temporary folder and HOME per test, the
// demo Targetprocess on loopback), and helpers that play another planner in that Targetprocess.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, afterEach, before, beforeEach } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

/**
 * Filled before each test: the browser, the page address to open (`base`), the origin every
 * request of the UI must stay on, and the test's bridge.
 */
export const ui = { browser: undefined, base: undefined, origin: undefined, bridge: undefined };

const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The bridge binary: PI_PLANNER_BRIDGE, else the debug build in CARGO_TARGET_DIR (relative to the
 * repository root, where scripts/test.sh builds it) or target/.
 */
function bridgeBinary() {
  if (process.env.PI_PLANNER_BRIDGE) return process.env.PI_PLANNER_BRIDGE;
  const target = resolve(uiDir, "..", process.env.CARGO_TARGET_DIR ?? "target");
  return join(target, "debug", "pi-planner-bridge");
}

/**
 * Starts the bridge on 127.0.0.1, port 0, in a new temporary folder; resolves when it listens.
 * With `live`, the bridge runs the app's live loop (`--live`: the plan file watched,
 * Targetprocess asked what changed every poll).
 */
async function startBridge({ live = false } = {}) {
  const binary = bridgeBinary();
  if (!existsSync(binary))
    throw new Error(`no pi-planner-bridge at ${binary}: run cargo build -p pi-planner --bin pi-planner-bridge first`);
  const dir = mkdtempSync(join(tmpdir(), "pi-planner-bridge-"));
  const home = join(dir, "home");
  mkdirSync(home);
  const controlFile = join(dir, "sim.json");
  const args = ["--listen", "127.0.0.1:0", "--dir", join(dir, "app"), "--ui", join(uiDir, "dist")];
  if (live) args.push("--live");
  const child = spawn(binary, [...args, "--sim-control-file", controlFile], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), GIT_CONFIG_NOSYSTEM: "1" },
  });
  const address = await new Promise((resolveLine, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`pi-planner-bridge exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolveLine(JSON.parse(line)));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...address, controlFile, stop };
}

/**
 * Starts the browser before the calling file's tests and a fresh bridge before each test (the
 * app's state starts empty each time); stops them after. `live` runs the app's live loop in
 * the bridge.
 */
export function serveApp({ live = false } = {}) {
  let bridge;
  before(async () => {
    ui.browser = await launchBrowser();
  });
  beforeEach(async () => {
    bridge = await startBridge({ live });
    ui.bridge = bridge;
    ui.origin = bridge.url;
    ui.base = `${bridge.url}/?bridge=${encodeURIComponent(bridge.url)}#token=${bridge.token}`;
  });
  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
  });
  after(async () => {
    await ui.browser?.close();
  });
}

/** The demo Targetprocess of the current test's bridge, as another planner sees it. */
export const demoTp = {
  address() {
    return JSON.parse(readFileSync(ui.bridge.controlFile, "utf8"));
  },
  /** An entity as Targetprocess's API serves it (`TeamPIObjectives`, `Features`, …). */
  async read(resource, id) {
    const { url, token } = demoTp.address();
    const r = await fetch(`${url}/api/v1/${resource}/${id}?access_token=${token}&format=json`, {
      headers: { Accept: "application/json" },
    });
    if (!r.ok) throw new Error(`Targetprocess answered ${r.status} for ${resource}/${id}`);
    return r.json();
  },
  /** The id of the Targetprocess user called `fullName`. */
  async userId(fullName) {
    const { url, token } = demoTp.address();
    const r = await fetch(`${url}/api/v1/Users?format=json&take=1000&access_token=${token}`, {
      headers: { Accept: "application/json" },
    });
    if (!r.ok) throw new Error(`Targetprocess answered ${r.status} for its users`);
    const user = (await r.json()).Items.find(
      (u) => (u.FullName ?? `${u.FirstName} ${u.LastName}`) === fullName,
    );
    if (!user) throw new Error(`Targetprocess has no user called ${fullName}`);
    return user.Id;
  },
  /** Edits an entity as another planner (the control API; `LastEditor` names who). */
  async edit(resource, id, body) {
    const { url } = demoTp.address();
    const r = await fetch(`${url}/_sim/entities/${resource}/${id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`the control API answered ${r.status}: ${await r.text()}`);
  },
  /** A review by another GitHub login on the demo GitHub's pull request `number`. */
  async review(number, login, state) {
    const { url } = demoTp.address();
    const r = await fetch(`${url}/_sim/github/pulls/${number}/reviews`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ login, state }),
    });
    if (!r.ok) throw new Error(`the control API answered ${r.status}: ${await r.text()}`);
  },
};

/** The open plan as the app holds it (a `PlanView`). */
export const held = (page) => page.evaluate(() => globalThis.piPlannerBrowserHost.planGet());

/** `text` as a regular expression matching it literally. */
export const literally = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Types a new effort into the selected (first) objective's field: its effort plus 13. */
export async function fillNewEffort(page) {
  const { plan } = await held(page);
  const effort = (plan.objectives[0].effort ?? 0) + 13;
  await page.getByLabel("Effort", { exact: true }).fill(String(effort));
  return effort;
}

/** The folder of the open plan (its git repository), as the app reports it. */
export async function planFolder(page) {
  const status = await page.evaluate(() => globalThis.piPlannerBrowserHost.appStatus());
  return dirname(status.workspace.planFile);
}

/**
 * Adds `toml` to the open plan's `pi-planner.toml` (the demo's holds templates) and reloads
 * the page, so the UI reads them again.
 */
export async function addRepoConfig(page, toml) {
  appendFileSync(join(await planFolder(page), "pi-planner.toml"), `\n${toml}\n`);
  await page.reload();
  await page.getByTestId("objective-item").first().waitFor();
}

/** The number of a `tp:N` id. */
export const tpId = (id) => Number(/^tp:(\d+)$/.exec(id)?.[1] ?? NaN);

function launchBrowser() {
  return chromium.launch({
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
}

/**
 * Opens a demo plan as Ann Planner: Orbit Train, PI-4/25 and `team` (Comets by default) of the
 * demo Targetprocess. `prepare` runs on the page after it loads and before the demo starts (a
 * colour scheme).
 */
export async function openDemoPlan(page, { team = "Comets", prepare } = {}) {
  await page.goto(ui.base);
  if (prepare) await prepare(page);
  await page.getByRole("button", { name: "Try the demo" }).click();
  await page.getByLabel("Your name").fill("Ann Planner");
  await page.getByLabel("Your e-mail address").fill("ann@example.com");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Release train (ART)").selectOption({ label: "Orbit Train" });
  await page.getByLabel("Release (PI)").selectOption({ label: "PI-4/25" });
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
