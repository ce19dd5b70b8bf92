// A small W3C WebDriver client over fetch, enough for driving the app through tauri-driver:
// sessions, finding elements, clicking, typing, reading text and attributes, screenshots.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriver {
  constructor(base, sessionId) {
    this.base = base;
    this.sessionId = sessionId;
  }

  static async start(base, capabilities) {
    const value = await request(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    return new WebDriver(base, value.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.sessionId}${path}`, body);
  }

  async quit() {
    await this.cmd("DELETE", "");
  }

  /** The first element matching the XPath, waiting up to `ms` for it to appear. */
  async find(xpath, ms = 15000) {
    const end = Date.now() + ms;
    for (;;) {
      try {
        const value = await this.cmd("POST", "/element", { using: "xpath", value: xpath });
        return new Element(this, value[ELEMENT]);
      } catch (e) {
        if (Date.now() > end) throw new Error(`no element ${xpath}: ${e.message}`);
        await sleep(150);
      }
    }
  }

  async findAll(xpath) {
    const values = await this.cmd("POST", "/elements", { using: "xpath", value: xpath });
    return values.map((v) => new Element(this, v[ELEMENT]));
  }

  /** Waits until `check` returns a truthy value and returns it. */
  async until(what, check, ms = 15000) {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(150);
    }
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async script(source, args = []) {
    return this.cmd("POST", "/execute/sync", { script: source, args });
  }
}

export class Element {
  constructor(driver, id) {
    this.driver = driver;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.driver.cmd(method, `/element/${this.id}${path}`, body);
  }

  /**
   * Clicks like a person would: while an overlay that is fading out (a closing dialog, a
   * notification toast) still covers the element, WebKitWebDriver answers "element click
   * intercepted"; wait for it to clear (up to 5 s) instead of failing.
   */
  async click() {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        return await this.cmd("POST", "/click", {});
      } catch (e) {
        if (!String(e.message).includes("element click intercepted") || Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  }

  clear() {
    return this.cmd("POST", "/clear", {});
  }

  type(text) {
    return this.cmd("POST", "/value", { text });
  }

  text() {
    return this.cmd("GET", "/text");
  }

  attribute(name) {
    return this.cmd("GET", `/attribute/${name}`);
  }

  property(name) {
    return this.cmd("GET", `/property/${name}`);
  }
}

async function request(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ""}`.trim());
  }
  return json.value;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** XPath string literal for any text (handles quotes). */
export function lit(text) {
  if (!text.includes("'")) return `'${text}'`;
  return `concat('${text.split("'").join(`', "'", '`)}')`;
}

/** A button by its visible text. */
export const button = (text) => `//button[normalize-space(.)=${lit(text)}]`;

/** The input, select or textarea labelled by a label starting with `text`. */
export async function byLabel(driver, text) {
  const label = await driver.find(`//label[starts-with(normalize-space(.), ${lit(text)})]`);
  const id = await label.attribute("for");
  return driver.find(`//*[@id=${lit(id)}]`);
}

/** Chooses an option of a labelled native select, waiting until the option is there. */
export async function choose(driver, label, option) {
  const select = await byLabel(driver, label);
  const id = await select.attribute("id");
  const opt = await driver.find(`//select[@id=${lit(id)}]/option[normalize-space(.)=${lit(option)}]`);
  await opt.click();
}
