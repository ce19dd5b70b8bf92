// Settings → Health: the checks of `tpcli doctor`, run when asked, one line each with what was
// found and what to do in plain words; a failing check is counted in the summary.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { HealthChecksDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const report: HealthChecksDto = {
  healthy: false,
  checks: [
    {
      name: "targetprocess",
      label: "Targetprocess",
      level: "ok",
      detail: "https://acme.tpondemand.com answered and accepted the token (3 ART(s) visible)",
      fix: null,
    },
    { name: "clock", label: "This computer's clock", level: "warn", detail: "this machine's clock is 45 s ahead of Targetprocess's", fix: "synchronise the system clock" },
    { name: "remote", label: "Team's shared repository", level: "skipped", detail: "no remote `origin`: the plan is not shared", fix: null },
    {
      name: "unfinished_push",
      label: "Unfinished push",
      level: "fail",
      detail: "a push was interrupted with 2 operation(s) not confirmed by Targetprocess",
      fix: "Press Resume in the sync bar: it finishes the push, and nothing is sent twice.",
    },
  ],
};

describe("health in Settings", () => {
  it("runs the checks when asked and shows each with its fix", async () => {
    const app = openPlanApp(platformPlan()).answer("log_folder_get", null).answer("health_checks", report);
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    await screen.findByRole("button", { name: "Run checks" });
    expect(app.calls.some((c) => c.command === "health_checks")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Run checks" }));
    expect((await screen.findByTestId("health-summary")).textContent).toBe("1 check needs fixing.");
    const lines = screen.getAllByTestId("health-check");
    expect(lines.map((l) => l.getAttribute("data-check"))).toEqual(["targetprocess", "clock", "remote", "unfinished_push"]);
    const push = lines[3]!;
    expect(push.getAttribute("data-level")).toBe("fail");
    expect(within(push).getByText("Needs fixing")).toBeTruthy();
    expect(within(push).getByTestId("health-fix").textContent).toBe(
      "What to do: Press Resume in the sync bar: it finishes the push, and nothing is sent twice.",
    );
    expect(within(lines[0]!).queryByTestId("health-fix")).toBeNull();
    expect(within(lines[1]!).getByText("Look at it")).toBeTruthy();

    // Checked again after a fix: all is well.
    app.answer("health_checks", { healthy: true, checks: [report.checks[0]!] });
    await user.click(screen.getByRole("button", { name: "Check again" }));
    await expect.poll(() => screen.getByTestId("health-summary").textContent).toBe("Everything needed to sync works.");
  });
});
