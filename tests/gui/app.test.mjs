// Real-window tests of the desktop app: the built binary (with the UI embedded) driven through
// tauri-driver + WebKitWebDriver. Run by scripts/gui-test.sh inside Xvfb and a private D-Bus
// session with an unlocked keyring; every test gets its own data and config folders.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";

import { WebDriver, button, byLabel, choose, lit, sleep } from "./webdriver.mjs";

const APP = process.env.PI_PLANNER_APP;
const TPCLI = process.env.TPCLI;
const DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";
const SHOTS = process.env.PI_PLANNER_SHOTS_DIR;

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

/** Starts tauri-driver and a session of the app with fresh XDG folders. */
async function launch(extraEnv = {}) {
  assert.ok(APP, "PI_PLANNER_APP must name the built app");
  const home = mkdtempSync(join(tmpdir(), "pi-planner-gui-"));
  const [port, nativePort] = [await freePort(), await freePort()];
  // Each session's app is the first and only one: its own single-instance socket, so a start
  // never hands over to the app of a session before that is still exiting.
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CONFIG_HOME: join(home, "config"),
    PI_PLANNER_INSTANCE_SOCKET: join(home, "instance.sock"),
    ...extraEnv,
  };
  const driver = spawn(DRIVER, ["--port", String(port), "--native-port", String(nativePort)], { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    const ok = await fetch(`${base}/status`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  const wd = await WebDriver.start(base, { "tauri:options": { application: APP } });
  const stop = async () => {
    await wd.quit().catch(() => {});
    // SIGTERM, never SIGKILL: only then does tauri-driver stop its WebKitWebDriver.
    driver.kill("SIGTERM");
    await new Promise((r) => (driver.exitCode !== null ? r() : driver.once("exit", r)));
  };
  return { wd, home, stop };
}

/** The plan file the app keeps in the session's data folder (the newest, if it opened several). */
function planFileIn(home) {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === ".git") continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".md")) found.push({ path, at: statSync(path).mtimeMs });
    }
  };
  walk(join(home, "data"));
  assert.ok(found.length > 0, "the app keeps its plan file in its data folder");
  return found.sort((a, b) => b.at - a.at)[0].path;
}

async function shot(wd, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await sleep(300); // let transitions settle
  writeFileSync(join(SHOTS, `${name}.png`), await wd.screenshot());
}

/** Replaces a labelled field's text the way a person does: select all, delete, type. */
async function fill(wd, label, text) {
  const input = await byLabel(wd, label);
  await input.click();
  await input.type("\uE009a\uE000\uE003");
  if (text) await input.type(text);
}

/** The section of a plan file for the objective named `name`. */
function objectiveSection(text, name) {
  const start = text.indexOf(`## Objective: ${name}\n`);
  assert.ok(start >= 0, `objective ${name} is in the plan file`);
  const next = text.indexOf("\n## ", start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

test("demo: pick a team, see its objectives, edit an effort, and the plan file holds it", async () => {
  const { wd, home, stop } = await launch();
  try {
    await wd.find(button("Try the demo"));
    await shot(wd, "01-welcome");
    await (await wd.find(button("Try the demo"))).click();

    await wd.find("//h2[normalize-space(.)='Who is planning?']", 30000);
    await fill(wd, "Your name", "Ann Planner");
    await fill(wd, "Your e-mail address", "ann@example.com");
    await shot(wd, "02-identity");
    await (await wd.find(button("Continue"))).click();

    await choose(wd, "Release train (ART)", "Orbit Train");
    await choose(wd, "Release (PI)", "PI-4/25");
    await choose(wd, "Team", "Comets");
    await shot(wd, "03-picker");
    await (await wd.find(button("Open plan"))).click();

    const first = await wd.find("(//*[@data-testid='objective-item'])[1]", 30000);
    const items = await wd.findAll("//*[@data-testid='objective-item']");
    assert.ok(items.length > 0, "the simulator's objectives are shown");
    const name = await (await wd.find("//label[starts-with(normalize-space(.), 'Name')]/following::input[1]")).property("value");
    assert.ok((await first.text()).includes(name));
    await shot(wd, "04-editor");

    await fill(wd, "Effort", "37");
    await (await wd.find(button("Save"))).click();
    const firstText = async () =>
      (await wd.find("(//*[@data-testid='objective-item'])[1]")).property("textContent");
    await wd.until("the list shows the new effort", async () => (await firstText()).includes("37 pts"));

    const planFile = planFileIn(home);
    const section = objectiveSection(readFileSync(planFile, "utf8"), name);
    assert.match(section, /\*\*Effort\*\*: 37 points/);

    // A negative effort is refused at the field and not saved; a valid one is, and undone.
    await fill(wd, "Effort", "-5");
    await wd.find(`//*[normalize-space(.)=${lit("Enter 0 or more")}]`);
    await (await wd.find(button("Save"))).click();
    await wd.find("//*[@data-testid='save-state'][normalize-space(.)='Not saved: 1 field needs fixing']");
    assert.match(objectiveSection(readFileSync(planFile, "utf8"), name), /\*\*Effort\*\*: 37 points/);
    await shot(wd, "05-editor-finding");
    await fill(wd, "Effort", "21");
    await (await wd.find(button("Save"))).click();
    await wd.until("the list shows 21", async () => (await firstText()).includes("21 pts"));
    await wd.find(`//*[@data-testid='undo-what'][contains(., ${lit("Effort 37 → 21")})]`);
    await (await wd.find(button("Undo last save"))).click();
    await wd.until("undo puts 37 back", async () => (await firstText()).includes("37 pts"));
    await wd.find(`//*[@data-testid='undone'][contains(., ${lit("Effort 37 → 21")})]`);
    assert.match(objectiveSection(readFileSync(planFile, "utf8"), name), /\*\*Effort\*\*: 37 points/);

    // Every save and undo is a commit in the planner's name, nothing is left uncommitted.
    const git = (...args) => execFileSync("git", ["-C", dirname(planFile), ...args]).toString();
    const commits = git("log", "-3", "--format=%an <%ae>|%s|%(trailers:key=Pi-Source,valueonly,separator=)").trim();
    assert.deepEqual(commits.split("\n"), [
      "Ann Planner <ann@example.com>|Undo the last edit|local",
      "Ann Planner <ann@example.com>|Edit the plan|local",
      "Ann Planner <ann@example.com>|Edit the plan|local",
    ]);
    assert.equal(git("status", "--porcelain", "--", planFile), "");

    // Moving the objective down is saved: the plan file lists it second.
    await (await wd.find("//button[@aria-label='Move objective down']")).click();
    await wd.until("the list shows the new order", async () => !(await firstText()).includes(name));
    const text = readFileSync(planFile, "utf8");
    const objectives = [...text.matchAll(/^## Objective: (.*)$/gm)].map((m) => m[1]);
    assert.equal(objectives[1], name);
    await shot(wd, "04b-editor-moved");
  } catch (e) {
    await shot(wd, "failed-demo");
    throw e;
  } finally {
    await stop();
  }
});

/** Walks from the welcome screen through the demo to the first team's plan. */
async function openDemoPlan(wd) {
  await (await wd.find(button("Try the demo"))).click();
  await wd.find("//h2[normalize-space(.)='Who is planning?']", 30000);
  await fill(wd, "Your name", "Ann Planner");
  await fill(wd, "Your e-mail address", "ann@example.com");
  await (await wd.find(button("Continue"))).click();
  await choose(wd, "Release train (ART)", "Orbit Train");
  await choose(wd, "Release (PI)", "PI-4/25");
  await choose(wd, "Team", "Comets");
  await (await wd.find(button("Open plan"))).click();
  await wd.find("(//*[@data-testid='objective-item'])[1]", 30000);
}

/** The demo Targetprocess, as another planner sees it through its API and control API. */
function demoSim(file) {
  const { url, token } = JSON.parse(readFileSync(file, "utf8"));
  return {
    async effort(id) {
      const r = await fetch(`${url}/api/v1/TeamPIObjectives/${id}?access_token=${token}&format=json`, {
        headers: { Accept: "application/json" },
      });
      assert.equal(r.status, 200);
      return (await r.json()).Effort;
    },
    async edit(id, body) {
      const r = await fetch(`${url}/_sim/entities/TeamPIObjectives/${id}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.ok(r.ok, `control API edit answered ${r.status}`);
    },
  };
}

test("sync: push with preview, a conflicting edit in Targetprocess, the notification, keep mine, push", async () => {
  const notifyLog = process.env.PI_PLANNER_NOTIFY_LOG;
  assert.ok(notifyLog, "PI_PLANNER_NOTIFY_LOG must name the dbus-monitor log");
  const controlFile = join(mkdtempSync(join(tmpdir(), "pi-planner-sim-")), "sim.json");
  const { wd, home, stop } = await launch({ PI_PLANNER_SIM_CONTROL_FILE: controlFile });
  try {
    await openDemoPlan(wd);
    // The UI follows sync events (a background pull's conflicts switch to that view): the
    // window's capability must let it listen to them, or every event is refused.
    const listened = await wd.script(`
      const ipc = window.__TAURI_INTERNALS__;
      return ipc.invoke("plugin:event|listen", {
        event: "sync-event",
        target: { kind: "Any" },
        handler: ipc.transformCallback(() => {}),
      }).then((id) => "listening " + typeof id, (e) => "refused: " + String(e));
    `);
    assert.equal(listened, "listening number", "the window may listen to sync events");
    const sim = demoSim(controlFile);
    const planFile = planFileIn(home);
    const name = await (await wd.find("//label[starts-with(normalize-space(.), 'Name')]/following::input[1]")).property("value");
    const id = Number(/\*\*ID\*\*: tp:(\d+)/.exec(objectiveSection(readFileSync(planFile, "utf8"), name))[1]);

    await fill(wd, "Effort", "34");
    await (await wd.find(button("Save"))).click();
    const badge = "(//*[@data-testid='objective-item'])[1]//*[@data-testid='sync-badge']";
    await wd.until("the edited objective is marked as changed since the last sync", async () =>
      (await (await wd.find(badge)).property("textContent")) === "changed since sync (Effort)",
    );
    assert.equal((await wd.findAll("//*[@data-testid='sync-badge']")).length, 2, "the list and the form");
    await (await wd.find(button("Push…"))).click();
    const preview = await wd.find("//*[@data-testid='push-ops']");
    assert.equal(await preview.property("textContent"), `Effort ${await sim.effort(id)} → 34 points on "${name}"`);
    await sleep(700); // the dialog fades in
    await shot(wd, "07-push-preview");
    await (await wd.find(button("Push 1 change"))).click();
    await wd.find("//*[@data-testid='push-result'][contains(., 'Pushed 1 change to Targetprocess')]", 30000);
    await shot(wd, "08-push-result");
    await wd.until("a push clears the mark", async () => (await wd.findAll("//*[@data-testid='sync-badge']")).length === 0);
    assert.equal(await sim.effort(id), 34, "Targetprocess holds the pushed effort");

    await sim.edit(id, { Effort: 55 });
    await fill(wd, "Effort", "40");
    await (await wd.find(button("Save"))).click();
    await wd.until("the list shows the new effort", async () =>
      (await (await wd.find("(//*[@data-testid='objective-item'])[1]")).property("textContent")).includes("40 pts"),
    );
    await (await wd.find(button("Pull"))).click();
    const card = await wd.find("//*[@data-testid='conflict']", 30000);
    const text = await card.property("textContent");
    assert.match(text, /40 points/);
    assert.match(text, /55 points/);
    await shot(wd, "09-conflicts");
    await wd.until("the notification reached the desktop", async () => {
      const log = readFileSync(notifyLog, "utf8");
      return log.includes("1 conflict in your plan") && log.includes(`Effort of "${name}"`);
    }, 10000);

    await (await wd.find(button("Keep mine"))).click();
    await wd.find("//*[@data-testid='no-conflicts']");
    await (await wd.find(button("Back to the plan"))).click();
    await (await wd.find(button("Push…"))).click();
    await (await wd.find(button("Push 1 change"))).click();
    await wd.find("//*[@data-testid='push-result'][contains(., 'Pushed 1 change to Targetprocess')]", 30000);
    assert.equal(await sim.effort(id), 40, "Targetprocess holds mine");

    // History: who changed the plan, and two versions compared word by word.
    await (await wd.find(button("History"))).click();
    const versions = "//*[@data-testid='version']";
    await wd.find(versions, 30000);
    const texts = await Promise.all((await wd.findAll(versions)).map((v) => v.property("textContent")));
    assert.ok(
      texts.some((t) => /^Pull from Targetprocess.*Targetprocess \(edited by Mira Ostrava\) · pulled by Ann Planner/.test(t)),
      texts.join("\n"),
    );
    assert.ok(texts.some((t) => t.startsWith("Saved edit") && t.includes(`Effort 34 points → 40 points on "${name}"`)), texts.join("\n"));
    assert.match(texts[texts.length - 1], /^Opened from Targetprocess/);
    // Versions are named by what made them, who and when, never by a commit id.
    const newestRev = await (await wd.find(`(${versions})[1]`)).attribute("data-rev");
    assert.ok(!texts[0].includes(newestRev.slice(0, 7)), texts[0]);
    await (await wd.find(`(${versions})[last()]//button[starts-with(@aria-label, 'Before: compare from')]`)).click();
    await (await wd.find(`(${versions})[1]//button[starts-with(@aria-label, 'After: compare to')]`)).click();
    const row = `//*[@role='group'][@aria-label=${lit(`Objective ${name}: changed`)}]//tr[th[normalize-space(.)='Effort']]`;
    await wd.until("the comparison shows the effort change", async () =>
      (await (await wd.find(row, 30000)).property("textContent")).endsWith("added: 40 points"),
    );
    await (await wd.find(button("Back to the plan"))).click();

    // Sync health: uPlot draws the time charts in the real window, whose Object.prototype is
    // frozen (decision 0004), and the weeks table beside them holds this week's syncs.
    await (await wd.find(button("Sync health"))).click();
    for (const plot of ["health-weeks-plot", "health-trend-plot"]) {
      await wd.find(`//*[@data-testid='${plot}'][@data-drawn='true']//canvas`, 30000);
    }
    const week = await wd.find("//*[@data-testid='health-weeks']//tbody/tr[last()]", 30000);
    const cells = (await week.property("textContent")).trim();
    assert.match(cells, /^\d{4}-W\d\d[1-9]/, "this week's syncs");
    await shot(wd, "11-sync-health");
    await (await wd.find(button("Back to the plan"))).click();

    await (await wd.find(button("Settings"))).click();
    await wd.find("//h2[normalize-space(.)='Settings']");
    await shot(wd, "10-settings");
  } catch (e) {
    await shot(wd, "failed-sync");
    throw e;
  } finally {
    await stop();
  }
});

/**
 * The element, scrolled to the middle of the window: a long plan puts the newest feature under
 * the sticky Save bar and the sync bar under the header.
 */
async function inView(wd, xpath) {
  const element = await wd.find(xpath, 30000);
  await wd.script("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": element.id }]);
  return element;
}

/** Presses the element `xpath` finds, once it is in view. */
async function press(wd, xpath) {
  await (await inView(wd, xpath)).click();
}

/** Replaces the text of the last field labelled `label` (the newest feature's). */
async function fillLast(wd, label, text) {
  const labels = await wd.findAll(`//label[starts-with(normalize-space(.), ${lit(label)})]`);
  assert.ok(labels.length > 0, `a field labelled ${label}`);
  const id = await labels[labels.length - 1].attribute("for");
  const input = await inView(wd, `//*[@id=${lit(id)}]`);
  await input.click();
  await input.type("\uE009a\uE000\uE003");
  if (text) await input.type(text);
  // An owner's list of Targetprocess users closes, as a person would close it.
  if (label.endsWith("owner")) await input.type("\uE00C");
}

test("refused push: an owner Targetprocess does not know is refused in words, fixed, retried and pushed", async () => {
  const controlFile = join(mkdtempSync(join(tmpdir(), "pi-planner-sim-")), "sim.json");
  const { wd, home, stop } = await launch({ PI_PLANNER_SIM_CONTROL_FILE: controlFile });
  const feature = "Audit log export";
  try {
    await openDemoPlan(wd);
    const planFile = planFileIn(home);
    // An owner who is not a Targetprocess user is refused at save. Mara Lind was one when PI
    // Planner last read the account's users (she is in the list kept with the plan) and has left
    // since: Targetprocess refuses her at the push.
    const users = readdirSync(join(dirname(planFile), ".git", "pi-planner"))
      .map((d) => join(dirname(planFile), ".git", "pi-planner", d, "users.json"))
      .find((f) => existsSync(f));
    assert.ok(users, "the account's users are kept with the plan");
    writeFileSync(users, JSON.stringify([...JSON.parse(readFileSync(users, "utf8")), { name: "Mara Lind", login: null }]));
    await press(wd, button("Add feature"));
    await wd.find("//section[@aria-label='Feature New feature']");
    await fillLast(wd, "Feature name", feature);
    await press(wd, button("Save"));
    await wd.find("//*[@data-testid='save-state'][normalize-space(.)='Saved']");
    await fillLast(wd, "Feature owner", "Mara Lind");
    await press(wd, button("Save"));
    await wd.find("//*[@data-testid='save-state'][normalize-space(.)='Saved']");
    await wd.find("//*[@data-testid='changes-to-push'][normalize-space(.)='1 change to push']");
    await press(wd, button("Push…"));
    await press(wd, "//*[@role='dialog']//button[starts-with(normalize-space(.), 'Push 1 change')]");
    const refused = await wd.find("//*[@data-testid='refused-change']", 30000);
    const text = await refused.property("textContent");
    assert.match(text, /Create feature "Audit log export"/);
    assert.match(text, /Why: Owner of "Audit log export": no Targetprocess user is called "Mara Lind"/);
    assert.doesNotMatch(text, /tp:|new:/);
    await wd.find("//*[@data-testid='refused-change']//button[normalize-space(.)='Discard this change']");
    await wd.script("window.scrollTo(0, 0);");
    await shot(wd, "18-push-refused");

    // The plan is not stuck: a pull goes through.
    await press(wd, button("Pull"));
    await wd.find("//*[@data-testid='sync-bar']//*[contains(., 'Targetprocess had no changes') or contains(., 'Brought in from Targetprocess') or contains(., 'Targetprocess changes merged')]", 30000);
    assert.equal((await wd.findAll("//*[@data-code]")).length, 0, "the pull is not refused");

    await fillLast(wd, "Feature owner", "Mira Ostrava");
    await press(wd, button("Save"));
    await press(wd, "//*[@data-testid='refused-changes']//button[normalize-space(.)='Retry']");
    await press(wd, "//*[@role='dialog']//button[starts-with(normalize-space(.), 'Push 1 change')]");
    await wd.find("//*[@data-testid='push-result'][contains(., 'Pushed 1 change to Targetprocess')][contains(., 'Create feature')]", 30000);
    await wd.until("no refused change is left", async () => (await wd.findAll("//*[@data-testid='refused-changes']")).length === 0);
    await wd.script("window.scrollTo(0, 0);");
    await shot(wd, "19-push-refused-fixed");

    const section = readFileSync(planFile, "utf8").split("\n### ").find((s) => s.includes(feature));
    const id = Number(/\*\*ID\*\*: tp:(\d+)/.exec(section ?? "")?.[1]);
    assert.ok(id > 0, `the feature got a Targetprocess id:\n${section}`);
    const { url, token } = JSON.parse(readFileSync(controlFile, "utf8"));
    const r = await fetch(`${url}/api/v1/Features/${id}?access_token=${token}&format=json`, { headers: { Accept: "application/json" } });
    assert.equal(r.status, 200);
    const tp = await r.json();
    assert.equal(tp.Name, feature);
    assert.equal(tp.Owner?.FullName, "Mira Ostrava", "Targetprocess holds the corrected owner");
  } catch (e) {
    await shot(wd, "failed-refused");
    throw e;
  } finally {
    await stop();
  }
});

test("1024×700: the header stays on one line and a push goes from preview to result", async () => {
  const { wd, stop } = await launch();
  try {
    await wd.cmd("POST", "/window/rect", { width: 1024, height: 700 });
    await openDemoPlan(wd);
    const header = await wd.script(`
      const h = document.querySelector("[data-testid=app-header]").getBoundingClientRect();
      const parts = ["app-title", "crumb-pi", "crumb-team"].map((id) => document.querySelector("[data-testid=" + id + "]"));
      const controls = [...document.querySelectorAll("[data-testid=app-header] button, [data-testid=app-header] [role=radiogroup]")];
      return {
        oneLine: [...parts, ...controls].every((e) => { const r = e.getBoundingClientRect(); return r.top >= h.top - 1 && r.bottom <= h.bottom + 1; }),
        inFull: parts.every((e) => e.scrollWidth <= e.clientWidth + 1),
        inWindow: controls.every((e) => e.getBoundingClientRect().right <= window.innerWidth + 1),
      };
    `);
    assert.deepEqual(header, { oneLine: true, inFull: true, inWindow: true }, "the header at 1024 px");
    await wd.find("//*[@data-testid='header-menu']");
    await fill(wd, "Effort", "42");
    await (await wd.find(button("Save"))).click();
    await (await wd.find(button("Push…"))).click();
    const push = await wd.find(button("Push 1 change"), 30000);
    await sleep(700); // the dialog fades in
    const focused = await wd.script("return document.activeElement && document.activeElement.textContent");
    assert.equal(focused, "Push 1 change", "Push has the focus");
    const inWindow = await wd.script(
      "const r = document.querySelector('[data-testid=push-confirm]').getBoundingClientRect(); return r.right <= window.innerWidth && r.bottom <= window.innerHeight;",
    );
    assert.ok(inWindow, "Push is in the window");
    await shot(wd, "07b-push-preview-1024");
    await push.click();
    await wd.find("//*[@data-testid='push-result'][contains(., 'Pushed 1 change to Targetprocess')]", 30000);
    await shot(wd, "08b-push-result-1024");
  } catch (e) {
    await shot(wd, "failed-push-1024");
    throw e;
  } finally {
    await stop();
  }
});

test("connect: a wrong token is a coded error, a right one lands in the OS keychain", async (t) => {
  assert.ok(TPCLI, "TPCLI must name the built tpcli (its simulator plays Targetprocess)");
  const sim = spawn(TPCLI, ["sim", "--port", "0"], { stdio: ["ignore", "pipe", "ignore"] });
  t.after(() => sim.kill("SIGTERM"));
  const firstLine = await new Promise((resolve) => {
    let buf = "";
    sim.stdout.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) resolve(buf.split("\n")[0]);
    });
  });
  const [, url, token] = /listening on (\S+) token=(\S+)/.exec(firstLine);

  const { wd, home, stop } = await launch();
  try {
    await fill(wd, "Targetprocess address", url);
    await fill(wd, "Access token", "not-the-token");
    await (await wd.find(button("Test connection"))).click();
    const alert = await wd.find("//*[@role='alert']");
    assert.equal(await alert.attribute("data-code"), "unauthorized");
    await shot(wd, "06-connect-error");

    await fill(wd, "Access token", token);
    await (await wd.find(button("Test connection"))).click();
    const ok = await wd.find("//*[@role='status']");
    assert.match(await ok.text(), /Connection works: 2 release trains visible/);
    await (await wd.find(button("Connect"))).click();
    await wd.find("//h2[normalize-space(.)='Who is planning?']", 30000);

    const stored = execFileSync("secret-tool", ["lookup", "service", "pi-planner", "username", url]).toString();
    assert.equal(stored, token, "the token is in the Secret Service");
    const settings = readFileSync(join(home, "config", "dev.piplanner.app", "settings.json"), "utf8");
    assert.ok(settings.includes(url) && !settings.includes(token), "settings name the URL, never the token");
  } finally {
    await stop();
  }
});

/** Presses keys (WebDriver key values, e.g. "\uE004" Tab) on whatever has the focus. */
async function keys(wd, ...values) {
  const actions = values.flatMap((v) => [...v].flatMap((k) => [{ type: "keyDown", value: k }, { type: "keyUp", value: k }]));
  await wd.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  await wd.cmd("DELETE", "/actions");
}

/** Ctrl+A in the focused field. */
async function selectAll(wd) {
  const actions = [
    { type: "keyDown", value: "\uE009" },
    { type: "keyDown", value: "a" },
    { type: "keyUp", value: "a" },
    { type: "keyUp", value: "\uE009" },
  ];
  await wd.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  await wd.cmd("DELETE", "/actions");
}

const TAB = "\uE004";
const SHIFT_TAB = ["\uE008", "\uE004"];
const ENTER = "\uE007";
const DOWN = "\uE015";

/** The focused element: its name (label, aria-label or text) and whether a focus ring is drawn. */
const focusedNow = (wd) =>
  wd.script(`
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : null;
    const st = getComputedStyle(el);
    return {
      name: (el.getAttribute("aria-label") || label || el.textContent || "").replace(/\\s+/g, " ").trim(),
      ring: (st.outlineStyle !== "none" && st.outlineWidth !== "0px") || st.boxShadow !== "none" || el.tagName === "INPUT" || el.tagName === "SELECT",
    };`);

/** Presses Tab (Shift+Tab when `back`) until the focused element's name matches; at most 150. */
async function tabTo(wd, name, back = false) {
  const seen = [];
  for (let i = 0; i < 150; i++) {
    if (back) {
      await wd.cmd("POST", "/actions", {
        actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: SHIFT_TAB[0] }, { type: "keyDown", value: TAB }, { type: "keyUp", value: TAB }, { type: "keyUp", value: SHIFT_TAB[0] }] }],
      });
      await wd.cmd("DELETE", "/actions");
    } else await keys(wd, TAB);
    const f = await focusedNow(wd);
    if (!f) continue;
    seen.push(f.name);
    if (typeof name === "string" ? f.name === name : name.test(f.name)) {
      assert.ok(f.ring, `the focus on ${f.name} is visible`);
      return f;
    }
  }
  throw new Error(`never reached ${name} with the keyboard; passed: ${seen.join(" | ")}`);
}

test("keyboard only: open the demo, pick a team, move through objectives with arrows, edit, save, push preview", async () => {
  const { wd, stop } = await launch();
  try {
    await wd.find(button("Try the demo"));
    await tabTo(wd, "Try the demo");
    await keys(wd, ENTER);
    await wd.find("//h2[normalize-space(.)='Who is planning?']", 30000);
    await tabTo(wd, /^Your name/);
    await keys(wd, "Kim Keys");
    await tabTo(wd, /^Your e-mail address/);
    await keys(wd, "kim@example.com", ENTER);
    // A native select takes the option whose name is typed.
    await wd.find("//select[.//option[normalize-space(.)='Orbit Train']]", 30000);
    await tabTo(wd, /^Release train/);
    await keys(wd, "Orbit");
    await wd.find("//select[.//option[normalize-space(.)='PI-4/25']]", 30000);
    await tabTo(wd, /^Release \(PI\)/);
    await keys(wd, "PI-4/25");
    await wd.find("//select[.//option[normalize-space(.)='Comets']]", 30000);
    await tabTo(wd, /^Team/);
    await keys(wd, "Comets");
    await tabTo(wd, "Open plan");
    await keys(wd, ENTER);
    await wd.find("(//*[@data-testid='objective-item'])[1]", 30000);

    // The objective list is one tab stop; the arrow key moves to the next objective.
    const label = await wd.find("//*[@id='objective-item-0']//*[contains(@class, 'mantine-NavLink-label')]");
    const first = (await label.property("textContent")).trim();
    const escaped = first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await tabTo(wd, new RegExp(`^${escaped}`));
    await keys(wd, DOWN);
    await wd.find(`//h2[starts-with(normalize-space(.), 'Objective 2 of')]`);
    assert.equal(await wd.script("return document.activeElement.id"), "objective-item-1");
    await shot(wd, "20-keyboard-list");

    // One Tab leaves the list; on to Effort, type, on to Save, Enter.
    await tabTo(wd, /^Effort/);
    await selectAll(wd);
    await keys(wd, "\uE003", "42");
    await tabTo(wd, "Save");
    await keys(wd, ENTER);
    await wd.find("//*[@data-testid='save-state'][normalize-space(.)='Saved']");
    await wd.until("the list shows 42", async () => (await (await wd.find("(//*[@data-testid='objective-item'])[2]")).property("textContent")).includes("42 pts"));

    // The push preview opens from the keyboard.
    await tabTo(wd, /^Push/, true);
    await keys(wd, ENTER);
    await wd.find("//*[@role='dialog'][.//*[normalize-space(.)='Push to Targetprocess']]", 30000);
    await shot(wd, "21-keyboard-push-preview");
  } catch (e) {
    await shot(wd, "failed-keyboard");
    throw e;
  } finally {
    await stop();
  }
});

test("1024×700: the editor fits, an edit is saved and the push preview fits the window", async () => {
  const { wd, stop } = await launch();
  try {
    await wd.cmd("POST", "/window/rect", { width: 1024, height: 700 });
    await openDemoPlan(wd);
    const size = await wd.script("return [window.innerWidth, document.documentElement.scrollWidth]");
    assert.ok(size[1] <= size[0], `no sideways scrolling at 1024 px: ${size}`);
    await fill(wd, "Effort", "42");
    await (await wd.find(button("Save"))).click();
    await wd.find("//*[@data-testid='save-state'][normalize-space(.)='Saved']");
    await shot(wd, "22-editor-1024");
    await (await wd.find("//button[starts-with(normalize-space(.), 'Push')]")).click();
    await wd.find("//*[@role='dialog']", 30000);
    const fits = await wd.script(
      "const r = document.querySelector('[role=dialog]').getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth;",
    );
    assert.ok(fits, "the push preview is as wide as the window at most");
  } catch (e) {
    await shot(wd, "failed-1024");
    throw e;
  } finally {
    await stop();
  }
});

test("live: a plan file saved by another editor and a change in Targetprocess appear in the window without a click", async () => {
  const controlFile = join(mkdtempSync(join(tmpdir(), "pi-planner-sim-")), "sim.json");
  const { wd, home, stop } = await launch({ PI_PLANNER_SIM_CONTROL_FILE: controlFile });
  // Generous: a loaded machine may take a while to notice, commit and reload.
  const LIVE_WAIT = 60000;
  const firstItem = async () => (await wd.find("(//*[@data-testid='objective-item'])[1]")).property("textContent");
  const notice = (text) => wd.find(`//*[@data-testid='live-notice'][contains(., ${lit(text)})]`, LIVE_WAIT);
  try {
    await openDemoPlan(wd);
    await wd.find("//*[@data-testid='live-indicator'][starts-with(normalize-space(.), 'Live · checked')]", LIVE_WAIT);
    const planFile = planFileIn(home);
    const name = await (await wd.find("//label[starts-with(normalize-space(.), 'Name')]/following::input[1]")).property("value");
    const id = Number(/\*\*ID\*\*: tp:(\d+)/.exec(objectiveSection(readFileSync(planFile, "utf8"), name))[1]);

    // Another editor saves the plan file: the new text beside it, renamed over it.
    const renamed = `${name} (typed in another editor)`;
    const text = readFileSync(planFile, "utf8");
    writeFileSync(`${planFile}.swp`, text.replace(`## Objective: ${name}\n`, `## Objective: ${renamed}\n`));
    renameSync(`${planFile}.swp`, planFile);
    await wd.until("the list shows the name typed in the other editor", async () => (await firstItem()).includes(renamed), LIVE_WAIT);
    await notice("The plan file was changed outside the app — reloaded");
    const git = (...args) => execFileSync("git", ["-C", dirname(planFile), ...args]).toString();
    assert.equal(git("log", "-1", "--format=%an|%s").trim(), "Ann Planner|Edit the plan", "committed as a save");
    await shot(wd, "30-live-outside-edit");

    // Another planner changes the effort in Targetprocess; with a look every second it arrives.
    await (await wd.find(button("Settings"))).click();
    await fill(wd, "Look for Targetprocess changes every (seconds)", "1");
    await (await wd.find(button("Save settings"))).click();
    await wd.find("(//*[@data-testid='objective-item'])[1]", 30000);
    const was = /\*\*Effort\*\*: (\d+)/.exec(objectiveSection(readFileSync(planFile, "utf8"), renamed));
    const effort = Number(was?.[1] ?? 0) + 21;
    await demoSim(controlFile).edit(id, { Effort: effort });
    await wd.until("the list shows the effort set in Targetprocess", async () => (await firstItem()).includes(`${effort} pts`), LIVE_WAIT);
    await notice("Targetprocess changes were pulled into the plan — reloaded");
    assert.match(objectiveSection(readFileSync(planFile, "utf8"), renamed), new RegExp(`\\*\\*Effort\\*\\*: ${effort} points`));
    await shot(wd, "31-live-targetprocess-change");
  } catch (e) {
    await shot(wd, "failed-live");
    throw e;
  } finally {
    await stop();
  }
});

test("train: every team of the ART, Sync all with a line per team, the train's report exported, a team's plan opened from its row", async () => {
  const { wd, stop } = await launch();
  try {
    await openDemoPlan(wd);
    await (await wd.find(button("Train"))).click();
    await wd.find("//h2[normalize-space(.)='Orbit Train · PI-4/25']", 30000);
    await wd.find("//*[@data-testid='train-row']", 30000);
    const rows = await wd.findAll("//*[@data-testid='train-row']");
    assert.ok(rows.length >= 2, "the ART's teams are listed");
    for (const row of rows) assert.match(await row.text(), /Not started/);
    await (await wd.find(button("Sync all"))).click();
    const summary = `${rows.length} teams synced.`;
    await wd.find(`//*[@data-testid='train-sync']//*[normalize-space(.)=${lit(summary)}]`, 120000);
    const lines = await wd.findAll("//*[@data-testid='train-sync-line']");
    assert.equal(lines.length, rows.length);
    for (const line of lines) assert.match(await line.text(), /Plan started from Targetprocess/);
    await wd.until("every row has its plan", async () => {
      const opens = await wd.findAll("//button[starts-with(@aria-label, 'Open ')]");
      return opens.length === rows.length;
    });
    await shot(wd, "23-train");

    // The train's report: a row per team; exported as markdown into the Downloads folder.
    await (await wd.find(button("Report"))).click();
    await wd.find("//*[@data-testid='train-report']//h3[starts-with(normalize-space(.), 'Orbit Train PI-4/25: ')]", 30000);
    const reported = await wd.findAll("//*[@data-testid='train-report']//tbody/tr");
    assert.equal(reported.length, rows.length);
    await (await wd.find(button("Export markdown"))).click();
    const saved = await wd.find("//*[@data-testid='train-report-saved']", 30000);
    const file = (await saved.property("textContent")).replace(/^Saved as /, "");
    assert.match(file, /\.md$/);
    assert.match(readFileSync(file, "utf8"), /\| Nebula \|/);
    await (await wd.find(button("Close the report"))).click();

    await (await wd.find(`//button[@aria-label=${lit("Open Nebula's plan")}]`)).click();
    await wd.find("(//*[@data-testid='objective-item'])[1]", 30000);
    assert.equal(await (await wd.find("//*[@data-testid='crumb-team']")).property("textContent"), "Nebula");
    await (await wd.find(button("Report and checks"))).click();
    await (await wd.find(button("Check now"))).click();
    await wd.find(`//*[@data-testid='verify-result']//*[normalize-space(.)=${lit("Everything agrees: your plan file, your last pull and Targetprocess")}]`, 30000);
    await shot(wd, "24-report-and-checks");
  } catch (e) {
    await shot(wd, "failed-train");
    throw e;
  } finally {
    await stop();
  }
});

test("jira: the demo's Jira connected in Settings (the token in the OS keychain), Out of sync, stories from criteria", async () => {
  const controlFile = join(mkdtempSync(join(tmpdir(), "pi-planner-sim-")), "sim.json");
  const { wd, home, stop } = await launch({ PI_PLANNER_SIM_CONTROL_FILE: controlFile });
  try {
    await openDemoPlan(wd);
    const { url, jiraEmail, jiraToken } = JSON.parse(readFileSync(controlFile, "utf8"));
    await (await wd.find(button("Settings"))).click();
    await wd.find("//h2[normalize-space(.)='Settings']");
    await fill(wd, "Jira address", url);
    await fill(wd, "Jira e-mail", jiraEmail);
    await fill(wd, "Jira API token", jiraToken);
    await (await wd.find(button("Test Jira connection"))).click();
    const check = await wd.find("//*[@data-testid='jira-check']", 30000);
    assert.equal(await check.text(), `Connection works: Jira Cloud at ${url}.`);
    await wd.script("document.querySelector('[aria-label=\"Jira\"]').scrollIntoView({ block: 'center' })");
    await shot(wd, "25-jira-connect");
    await (await wd.find(button("Connect Jira"))).click();
    await wd.find("//*[@data-testid='jira-connected']", 30000);
    const stored = JSON.parse(
      execFileSync("secret-tool", ["lookup", "service", "pi-planner", "username", `jira:${url}`]).toString(),
    );
    assert.deepEqual(stored, { email: jiraEmail, token: jiraToken }, "the credentials are in the Secret Service");
    const settings = readFileSync(join(home, "config", "dev.piplanner.app", "settings.json"), "utf8");
    assert.ok(settings.includes(url) && !settings.includes(jiraToken), "settings name the site, never the token");
    await (await wd.find(button("Cancel"))).click();

    await press(wd, button("Out of sync with Jira"));
    await wd.find("//h2[normalize-space(.)='Out of sync with Jira']");
    await wd.find("//*[@data-testid='lint-finding']", 30000);
    await shot(wd, "26-out-of-sync");
    await (await wd.find(button("Back to the plan"))).click();

    // The first objective with a feature that offers stories from its criteria.
    const items = await wd.findAll("//*[@data-testid='objective-item']");
    let offered = null;
    for (const item of items) {
      await item.click();
      const found = await wd.findAll(button("Create stories from acceptance criteria"));
      if (found.length > 0) {
        offered = found[0];
        break;
      }
    }
    assert.ok(offered, "a demo feature offers stories from its criteria");
    await wd.script("arguments[0].scrollIntoView({ block: 'center' });", [{ "element-6066-11e4-a52e-4f735466cecf": offered.id }]);
    await offered.click();
    await wd.find("//*[@data-testid='stories-to-create']", 30000);
    const create = await wd.find("//*[@role='dialog']//button[starts-with(normalize-space(.), 'Create ')]");
    await create.click();
    await wd.find("//*[@data-testid='stories-created']", 30000);
    await shot(wd, "27-stories-created");
  } catch (e) {
    await shot(wd, "failed-jira");
    throw e;
  } finally {
    await stop();
  }
});
