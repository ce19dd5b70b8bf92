// Settings → Log files: where the app's log files are and "Open log folder", which asks the app
// to show the folder; a failure to open it says where the files are.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const folder = { path: "/home/ann/.local/share/pi-planner/logs" };

async function openSettings(app: FakeApp) {
  const user = userEvent.setup();
  renderApp(app.client);
  await user.click(await screen.findByRole("button", { name: "Settings" }));
  return user;
}

describe("log files in Settings", () => {
  it("shows the log folder and opens it through the app", async () => {
    const app = openPlanApp(platformPlan()).answer("log_folder_get", folder).answer("log_folder_open", folder);
    const user = await openSettings(app);
    expect((await screen.findByTestId("log-folder")).textContent).toBe(folder.path);
    await user.click(screen.getByRole("button", { name: "Open log folder" }));
    await expect.poll(() => app.calls.filter((c) => c.command === "log_folder_open")).toEqual([{ command: "log_folder_open", args: {} }]);
  });

  it("says why the folder could not be opened and where the files are", async () => {
    const app = openPlanApp(platformPlan())
      .answer("log_folder_get", folder)
      .fail("log_folder_open", {
        code: "file_access",
        message: "PI Planner could not open the log folder: no file manager.",
        hints: [`The log files are in ${folder.path}.`],
      });
    const user = await openSettings(app);
    await user.click(await screen.findByRole("button", { name: "Open log folder" }));
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/could not open the log folder/)).toBeTruthy();
    expect(alert.textContent).toContain(folder.path);
  });

  it("shows no log section where the app writes no log", async () => {
    await openSettings(openPlanApp(platformPlan()).answer("log_folder_get", null));
    await screen.findByTestId("plans-folder");
    expect(screen.queryByRole("button", { name: "Open log folder" })).toBeNull();
  });
});
