// The sync bar's "Review": hidden when the plan is not set up for GitHub; otherwise where the
// plan's pull request stands, with its link, and "Propose for review", which opens it and shows
// the new state; a refusal is shown in plain words.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ProposeResultDto, ReviewDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const url = "https://github.example.com/acme/plans/pull/7";
const open: ReviewDto = { kind: "open", number: 7, url, reviews: 2, approvals: 1 };

describe("review in the sync bar", () => {
  it("is hidden when the plan is not set up for reviews on GitHub", async () => {
    const app = openPlanApp(platformPlan());
    renderApp(app.client);
    await screen.findByTestId("sync-bar");
    await expect.poll(() => app.calls.some((c) => c.command === "review_status")).toBe(true);
    expect(screen.queryByTestId("review")).toBeNull();
    expect(screen.queryByRole("button", { name: "Propose for review" })).toBeNull();
  });

  it("proposes the plan and shows its pull request with the approvals", async () => {
    const proposed: ProposeResultDto = { message: "Opened pull request #7 for review.", review: open };
    const app = openPlanApp(platformPlan()).answer("review_status", { kind: "none" }).answer("review_propose", proposed);
    const user = userEvent.setup();
    renderApp(app.client);
    const review = await screen.findByTestId("review");
    expect(review.textContent).toContain("Not proposed for review yet");

    await user.click(within(review).getByRole("button", { name: "Propose for review" }));
    expect((await screen.findByTestId("review-message")).textContent).toBe("Opened pull request #7 for review.");
    expect(screen.getByTestId("review").getAttribute("data-state")).toBe("open");
    expect(screen.getByText("In review")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Pull request #7" }).getAttribute("href")).toBe(url);
    expect(screen.getByTestId("review-approvals").textContent).toBe("1 approval of 2 reviews");
    expect(screen.getByRole("button", { name: "Update the review" })).toBeTruthy();
    expect(app.calls.filter((c) => c.command === "review_propose")).toHaveLength(1);
  });

  it("shows a merged pull request and a refusal in plain words", async () => {
    const app = openPlanApp(platformPlan())
      .answer("review_status", { kind: "merged", number: 7, url })
      .fail("review_propose", {
        code: "keychain",
        message: "PI Planner has no GitHub token to reach the plan's pull request.",
        hints: [],
      });
    const user = userEvent.setup();
    renderApp(app.client);
    const review = await screen.findByTestId("review");
    expect(within(review).getByText("Approved and merged")).toBeTruthy();
    await user.click(within(review).getByRole("button", { name: "Propose for review" }));
    expect(await screen.findByText("PI Planner has no GitHub token to reach the plan's pull request.")).toBeTruthy();
  });

  it("shows a pull request closed without merging, with its link", async () => {
    const app = openPlanApp(platformPlan()).answer("review_status", { kind: "closed", number: 9, url });
    renderApp(app.client);
    const review = await screen.findByTestId("review");
    expect(review.getAttribute("data-state")).toBe("closed");
    expect(within(review).getByText("Closed without merging")).toBeTruthy();
    expect(within(review).getByRole("link", { name: "Pull request #9" }).getAttribute("href")).toBe(url);
    expect(within(review).queryByTestId("review-approvals")).toBeNull();
    expect(within(review).getByRole("button", { name: "Propose for review" })).toBeTruthy();
  });
});
