// The ways out of a push that did not go through, as the app reports them: a change Targetprocess
// refuses is listed with its reason, "Discard this change" and "Retry"; an interrupted push is
// finished from the app; the count of changes to push belongs to its plan.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { ClientError, type OpDto, type PlanDto, type PlanView, type PushOutcomeDto, type RefusedDto, type SyncStatusDto } from "../src/ipc";
import { openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const FEATURE = "Audit log export";

/** The plan with FEATURE (not in Targetprocess yet) under the first objective, owned by `owner`. */
function withFeature(owner: string): PlanDto {
  const plan = platformPlan();
  const o = plan.objectives[0]!;
  o.features.push({ ...structuredClone(o.features[0]!), id: "new:5e1f", name: FEATURE, owner, jiraKey: null, jiraBrowseUrl: null });
  return plan;
}

const CREATE: OpDto = { lines: [`Create feature "${FEATURE}"`, "Owner: Mara Lind", "Effort: 5 points"], delete: false };
const REFUSED: RefusedDto = {
  entity: "new:5e1f",
  fields: [],
  kind: "feature",
  name: FEATURE,
  change: CREATE.lines,
  reason: `Owner of "${FEATURE}": no Targetprocess user is called "Mara Lind"`,
};
const status = (over: Partial<SyncStatusDto> = {}): SyncStatusDto => ({ localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [], ...over });
const pushed = (sent: OpDto[], refused: RefusedDto[] = []): PushOutcomeDto => ({
  kind: "pushed",
  summary: { sent, refused, created: refused.length > 0 ? 0 : 1, mismatches: [], resumed: 0 },
});
const viewOf = (plan: PlanDto): PlanView => ({ plan, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: false, notices: [] });

/** The plan with FEATURE owned by Mara Lind, who is no Targetprocess user: a push refuses it. */
function refusingApp() {
  const app = openPlanApp(withFeature("Mara Lind"));
  app.answer("sync_status", status({ localChanges: 1 })).answer("push_preview", { kind: "preview", ops: [CREATE] });
  app.answer("sync_push", () => {
    app.answer("sync_status", status({ localChanges: 1, refused: [REFUSED] }));
    return pushed([], [REFUSED]);
  });
  return app;
}

async function push(user: UserEvent) {
  await user.click(await screen.findByRole("button", { name: "Push…" }));
  const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
  await user.click(within(dialog).getByRole("button", { name: /^Push \d+ change/ }));
}

const calls = (app: FakeApp, command: string) => app.calls.filter((c) => c.command === command).map((c) => c.args);

/** These tests type owners key by key; on a busy machine that takes a while. */
const slow = { timeout: 20000 };

describe("a change Targetprocess refuses", slow, () => {
  it("is shown in words with its reason, Discard this change and Retry; discarding asks the app", async () => {
    const app = refusingApp();
    app.answer("change_discard", () => {
      app.answer("sync_status", status());
      const view = viewOf(platformPlan());
      app.answer("plan_get", view);
      return view;
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await push(user);
    // One honest result: what was refused (and that nothing else was sent), not two banners.
    const result = await screen.findByTestId("refused-changes");
    expect(result.textContent).toContain("Targetprocess refused 1 change; nothing else was sent");
    expect(screen.queryByTestId("push-result")).toBeNull();
    expect(screen.getAllByTestId("refused-changes")).toHaveLength(1);
    const change = screen.getByTestId("refused-change");
    expect(change.textContent).toContain(`Create feature "${FEATURE}"`);
    expect(change.textContent).toContain(`Why: Owner of "${FEATURE}": no Targetprocess user is called "Mara Lind"`);
    expect(change.textContent).not.toMatch(/tp:|new:/);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("changes-to-push").textContent).toBe("1 change to push"));

    await user.click(within(change).getByRole("button", { name: "Discard this change" }));
    await waitFor(() => expect(screen.queryByTestId("refused-changes")).toBeNull());
    expect(calls(app, "change_discard")).toEqual([{ req: { entity: "new:5e1f", fields: [] } }]);
    await waitFor(() => expect(screen.queryByRole("region", { name: `Feature ${FEATURE}` })).toBeNull());
    expect(screen.queryByTestId("changes-to-push")).toBeNull();
  });

  it("is pushed by Retry once the owner is fixed in the form", async () => {
    const app = refusingApp();
    const user = userEvent.setup();
    renderApp(app.client);
    await push(user);
    await screen.findByTestId("refused-change");
    const fixed: OpDto = { ...CREATE, lines: [CREATE.lines[0]!, "Owner: Bo Builder", "Effort: 5 points"] };
    app.answer("push_preview", { kind: "preview", ops: [fixed] }).answer("sync_push", () => {
      app.answer("sync_status", status());
      return pushed([fixed]);
    });

    const card = screen.getByRole("region", { name: `Feature ${FEATURE}` });
    await user.clear(within(card).getByLabelText("Feature owner"));
    await user.type(within(card).getByLabelText("Feature owner"), "Bo Builder");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(app.saved().objectives[0]!.features.find((f) => f.name === FEATURE)?.owner).toBe("Bo Builder"));
    await user.click(within(screen.getByTestId("refused-changes")).getByRole("button", { name: "Retry" }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await user.click(within(dialog).getByRole("button", { name: /^Push 1 change/ }));
    await waitFor(() => expect(screen.getByTestId("push-result").textContent).toContain("Pushed 1 change to Targetprocess"));
    expect(screen.getByTestId("push-result").textContent).toContain(`Create feature "${FEATURE}"`);
    await waitFor(() => expect(screen.queryByTestId("refused-changes")).toBeNull());
    expect(calls(app, "sync_push")).toEqual([{ confirmDeletes: false }, { confirmDeletes: false }]);
  });
});

describe("an interrupted push", slow, () => {
  it("stops a pull with the next step named, and Finish the interrupted push completes it", async () => {
    const EDIT: OpDto = { lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false };
    const app = openPlanApp(platformPlan())
      .answer("sync_status", status({ localChanges: 1 }))
      .answer("push_preview", { kind: "preview", ops: [EDIT] });
    // The push is cut off after sending: the app holds it as interrupted.
    app.answer("sync_push", () => {
      app.answer("sync_status", status({ localChanges: 1, unfinishedPush: 1 }));
      throw new ClientError({ code: "unreachable", message: "Targetprocess could not be reached.", hints: ["Check the URL and your network or VPN connection."] });
    });
    app.fail("sync_pull", {
      code: "interrupted_push",
      message: "A push was interrupted before Targetprocess confirmed 1 change.",
      hints: ["Finish the interrupted push, then pull again.", "Nothing is lost: your edits stay in the plan."],
    });
    app.answer("sync_resume", () => {
      app.answer("sync_status", status()).answer("sync_pull", { fromTp: [], local: 0, conflicts: [], tpChanged: false, notices: [] });
      return pushed([EDIT]);
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await push(user);
    const coded = () => document.querySelector("[data-code]");
    await waitFor(() => expect(coded()?.getAttribute("data-code")).toBe("unreachable"));
    expect(within(screen.getByTestId("next-step")).getByRole("button", { name: "Retry" })).toBeTruthy();
    expect((await screen.findByTestId("interrupted-push")).textContent).toContain("not confirmed 1 change");

    await user.click(screen.getByRole("button", { name: "Pull" }));
    await waitFor(() => expect(coded()?.getAttribute("data-code")).toBe("interrupted_push"));
    expect(coded()?.textContent).toContain("A push was interrupted before Targetprocess confirmed 1 change.");
    expect(coded()?.textContent).not.toMatch(/folder/);
    await user.click(within(screen.getByTestId("next-step")).getByRole("button", { name: "Finish the interrupted push" }));
    await waitFor(() => expect(screen.getByTestId("push-result").textContent).toContain("Pushed 1 change to Targetprocess"));
    expect(calls(app, "sync_resume")).toEqual([{}]);
    await waitFor(() => expect(screen.queryByTestId("interrupted-push")).toBeNull());
    await user.click(screen.getByRole("button", { name: "Pull" }));
    await screen.findByText("Targetprocess had no changes.");
    expect(coded()).toBeNull();
  });
});

describe("the count of changes to push", slow, () => {
  it("belongs to its plan and does not follow the planner to another team", async () => {
    const art = { id: 1, name: "Platform ART" };
    const release = { id: 11, name: "PI-1/26" };
    const identity = { id: 102, name: "Identity" };
    const app = openPlanApp(platformPlan())
      .answer("sync_status", status({ localChanges: 1 }))
      .answer("arts_list", [art, { id: 2, name: "Customer ART" }])
      .answer("releases_list", [release])
      .answer("teams_list", [{ id: 101, name: "Platform Eco" }, identity]);
    app.answer("workspace_open", ({ req }) => {
      const view = viewOf(platformPlan());
      view.plan.team = identity;
      app
        .answer("plan_get", view)
        .answer("app_status", {
          connection: { kind: "demo" },
          identity: { name: "Ann Planner", email: "ann@example.com" },
          workspace: { ...(req as object), planFile: "/plans/identity.md" },
        })
        .answer("sync_status", status());
      return view;
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await waitFor(() => expect(screen.getByTestId("changes-to-push").textContent).toBe("1 change to push"));

    await user.click(screen.getByRole("button", { name: "Change team" }));
    await user.selectOptions(await screen.findByLabelText("Release train (ART)"), "Platform ART");
    await screen.findByRole("option", { name: "PI-1/26" });
    await user.selectOptions(screen.getByLabelText("Release (PI)"), "PI-1/26");
    await screen.findByRole("option", { name: "Identity" });
    await user.selectOptions(screen.getByLabelText("Team"), "Identity");
    await user.click(screen.getByRole("button", { name: "Open plan" }));
    await waitFor(() => expect(screen.getByTestId("workspace-title").textContent).toContain("Identity"));
    await screen.findAllByTestId("objective-item");
    expect(screen.queryByTestId("changes-to-push")).toBeNull();
    expect(calls(app, "workspace_open")).toEqual([{ req: { art, release, team: identity } }]);
  });
});
