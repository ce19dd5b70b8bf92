// A feature's Jira stories on its card: read-only, status chips by Jira's status category, the
// done/total bar, and the stories' points next to the feature's effort and in the objective's
// header.
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { PlanDto, StoryDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const story = (key: string, status: string, statusCategory: string | null, points: number | null, assignee: string | null): StoryDto => ({
  key,
  url: `https://jira.example.com/browse/${key}`,
  summary: `${key} summary`,
  status,
  statusCategory,
  assignee,
  points,
  acceptanceCriteria: [],
});

function withStories(): PlanDto {
  const plan = platformPlan();
  const objective = plan.objectives[0];
  const first = objective?.features[0];
  if (!objective || !first) throw new Error("the plan has a first feature");
  first.stories = [
    story("DEMO-11", "Done", "done", 3, "Bo Builder"),
    story("DEMO-12", "In Progress", "indeterminate", 5, "Ann Planner"),
    story("DEMO-13", "To Do", "new", null, null),
  ];
  objective.features.push({
    ...first,
    id: "tp:101009",
    name: "Second slice",
    jiraKey: "DEMO-9",
    stories: [story("DEMO-91", "Closed", "done", 2.5, "Bo Builder")],
  });
  return plan;
}

describe("stories on the feature card", () => {
  it("lists each story read-only with its status, points and assignee, and how many are done", async () => {
    renderApp(openPlanApp(withStories()).client);
    const card = await screen.findByRole("region", { name: "Feature Self-service sign-up: first slice" });
    const stories = within(card).getByRole("group", { name: "Jira stories" });
    const rows = within(stories).getAllByRole("row").map((r) => r.textContent);
    expect(rows).toEqual([
      "DEMO-11DEMO-11 summaryDone3 ptsBo Builder",
      "DEMO-12DEMO-12 summaryIn Progress5 ptsAnn Planner",
      "DEMO-13DEMO-13 summaryTo Dono pointsunassigned",
    ]);
    expect(within(stories).getByLabelText("Done: done")).toBeTruthy();
    expect(within(stories).getByLabelText("In Progress: in progress")).toBeTruthy();
    expect(within(stories).getByLabelText("To Do: not started")).toBeTruthy();
    expect(within(stories).getByTestId("stories-done").textContent).toBe("1 of 3 stories done");
    expect(within(stories).getByRole("progressbar", { name: "1 of 3 stories done" })).toBeTruthy();
    expect(within(stories).getByRole("link", { name: "DEMO-11" }).getAttribute("href")).toBe(
      "https://jira.example.com/browse/DEMO-11",
    );
    expect(within(stories).queryByRole("textbox")).toBeNull();
    expect(within(card).getByText("Stories: 8 pts")).toBeTruthy();
  });

  it("sums the stories' points of the objective's features in its header", async () => {
    renderApp(openPlanApp(withStories()).client);
    expect((await screen.findByTestId("objective-story-points")).textContent).toBe("Stories: 10.5 pts");
  });

  it("shows no stories part for a feature without stories", async () => {
    renderApp(openPlanApp(platformPlan()).client);
    await screen.findByRole("region", { name: "Feature Self-service sign-up: first slice" });
    expect(screen.queryByTestId("stories")).toBeNull();
    expect(screen.queryByTestId("objective-story-points")).toBeNull();
    expect(screen.queryByText(/^Stories:/)).toBeNull();
  });
});
