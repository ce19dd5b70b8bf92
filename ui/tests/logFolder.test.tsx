// Settings → Log files: where the app's log files are and "Open log folder", which asks the app
// to show the folder; a failure to open it says where the files are.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { ClientError } from "../src/ipc";
import { browserClient, demoPlan } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });
const folder = { path: "/home/ann/.local/share/pi-planner/logs" };

async function openSettings(client: ReturnType<typeof browserClient>) {
  const user = userEvent.setup();
  renderApp(client);
  await user.click(await screen.findByRole("button", { name: "Settings" }));
  return user;
}

describe("log files in Settings", () => {
  it("shows the log folder and opens it through the app", async () => {
    const client = browserClient({ plan: plan() });
    let opened = 0;
    client.logFolderGet = async () => folder;
    client.logFolderOpen = async () => {
      opened += 1;
      return folder;
    };
    const user = await openSettings(client);
    expect((await screen.findByTestId("log-folder")).textContent).toBe(folder.path);
    await user.click(screen.getByRole("button", { name: "Open log folder" }));
    await expect.poll(() => opened).toBe(1);
  });

  it("says why the folder could not be opened and where the files are", async () => {
    const client = browserClient({ plan: plan() });
    client.logFolderGet = async () => folder;
    client.logFolderOpen = async () => {
      throw new ClientError({
        code: "file_access",
        message: "PI Planner could not open the log folder: no file manager.",
        hints: [`The log files are in ${folder.path}.`],
      });
    };
    const user = await openSettings(client);
    await user.click(await screen.findByRole("button", { name: "Open log folder" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/could not open the log folder/)).toBeTruthy();
    expect(alert.textContent).toContain(folder.path);
  });

  it("shows no log section where the app writes no log", async () => {
    await openSettings(browserClient({ plan: plan() }));
    await screen.findByTestId("plans-folder");
    expect(screen.queryByRole("button", { name: "Open log folder" })).toBeNull();
  });
});
