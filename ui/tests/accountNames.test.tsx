// Testing a connection says what the account calls things, in the app's words, and offers to
// put the account's names into the plans folder's settings when they differ.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AccountNamesDto, AppStatus, ConnectionCheck } from "../src/ipc";
import { fakeApp } from "./fakeClient";
import { renderApp } from "./render";

const none: AppStatus = { connection: { kind: "none" }, identity: null, workspace: null };
const LINK = "Features link to objectives through TeamPIObjective (a single reference: a feature serves one objective).";
const DIFFERS = 'The settings say jira_key_field = "Jira Key"; the account shows "Jira Link".';
const names = (differences: string[]): AccountNamesDto => ({
  found: [LINK, "The Jira key is kept in the custom field Jira Link."],
  notFound: ["No committed field was found; the usual name Committed is used."],
  settingsFile: "/plans/acme/pi-planner.toml",
  differences,
  problem: null,
});
const checked = (differences: string[]): ConnectionCheck => ({ arts: 2, names: names(differences) });

async function testConnection() {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText(/Targetprocess address/), "https://acme.tpondemand.com");
  await user.type(screen.getByLabelText(/Access token/), "secret");
  await user.click(screen.getByRole("button", { name: "Test connection" }));
  return user;
}

describe("connecting to an account", () => {
  it("shows what the account calls things and writes its names on request", async () => {
    const app = fakeApp({ app_status: none, connection_test: checked([DIFFERS]), connection_use_names: checked([]) });
    renderApp(app.client);
    const user = await testConnection();
    const shown = await screen.findByTestId("account-names");
    expect(within(shown).getByText(LINK)).toBeTruthy();
    expect(within(shown).getByText(/No committed field was found/)).toBeTruthy();
    const differ = within(shown).getByTestId("names-differ");
    expect(within(differ).getByText(DIFFERS)).toBeTruthy();
    expect(within(differ).getByText("/plans/acme/pi-planner.toml")).toBeTruthy();
    await user.click(within(differ).getByRole("button", { name: "Use these names" }));
    expect(await screen.findByText("Your settings already use these names.")).toBeTruthy();
    expect(screen.queryByTestId("names-differ")).toBeNull();
    expect(app.calls.filter((c) => c.command === "connection_use_names").map((c) => c.args)).toEqual([
      { req: { url: "https://acme.tpondemand.com", token: "secret" } },
    ]);
  });

  it("offers nothing to write when the settings already say the same", async () => {
    const app = fakeApp({ app_status: none, connection_test: checked([]) });
    renderApp(app.client);
    await testConnection();
    expect(await screen.findByText("Your settings already use these names.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Use these names" })).toBeNull();
  });

  it("names a settings file with a mistake instead of offering to write it", async () => {
    const broken: ConnectionCheck = {
      arts: 1,
      names: { ...names([]), problem: "The settings file has a mistake (not valid TOML, nothing written: line 1)." },
    };
    const app = fakeApp({ app_status: none, connection_test: broken });
    renderApp(app.client);
    await testConnection();
    expect(await screen.findByText(/The settings file has a mistake/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Use these names" })).toBeNull();
  });
});
