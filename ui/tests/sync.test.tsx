// Push, conflicts and settings as the app answers them: the preview in planner words, a push and
// its summary, the confirmation a deletion needs, "Targetprocess changed since your last pull"
// with a pull offered, the conflicts view and each way of settling a conflict, a background pull's
// event, and the sync settings.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ConflictDto, OpDto, PullResultDto, PushOutcomeDto, ResolveRequest, SyncStatusDto } from "../src/ipc";
import { openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const EDIT: OpDto[] = [{ lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false }];
const pushed = (sent: OpDto[]): PushOutcomeDto => ({ kind: "pushed", summary: { sent, refused: [], created: 0, mismatches: [], resumed: 0 } });
const status = (localChanges: number, conflicts = 0): SyncStatusDto => ({ localChanges, conflicts, unfinishedPush: 0, refused: [] });

/** The plan open with `ops` to push. */
const toPush = (ops: OpDto[]) =>
  openPlanApp(platformPlan()).answer("sync_status", status(ops.length)).answer("push_preview", { kind: "preview", ops });

/** The open workspace as the app's status names it (see `openPlanApp`). */
const PLATFORM_ECO = {
  art: { id: 1, name: "Platform ART" },
  release: { id: 11, name: "PI-1/26" },
  team: { id: 101, name: "Platform Eco" },
  planFile: "/plans/plan.md",
};

const calls = (app: FakeApp, command: string) => app.calls.filter((c) => c.command === command).map((c) => c.args);

async function openPush(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole("button", { name: "Push…" }));
  return screen.findByRole("dialog", { name: "Push to Targetprocess" });
}

/** Sets the conflicts the app holds; resolving one takes it off, as the app answers. */
function withConflicts(app: FakeApp, open: ConflictDto[]) {
  let left = [...open];
  const held = () => {
    app.answer("conflicts_list", left).answer("sync_status", status(1, left.length));
    return left;
  };
  held();
  app.answer("conflict_resolve", ({ req }) => {
    const { entity, field } = req as ResolveRequest;
    left = left.filter((c) => c.entity !== entity || c.field !== field);
    return held();
  });
  app.answer("conflicts_resolve_all", () => {
    left = [];
    return held();
  });
  return app;
}

const conflict = (over: Partial<ConflictDto>): ConflictDto => ({
  kind: "objective",
  entity: "tp:10101",
  name: "Self-service sign-up",
  field: "effort",
  label: "Effort",
  base: { text: "8 points", missing: false },
  mine: { text: "21 points", missing: false },
  theirs: { text: "99 points", missing: false },
  canKeepBoth: false,
  canEdit: true,
  ...over,
});
const pulledWith = (conflicts: ConflictDto[]): PullResultDto => ({ fromTp: [], local: 1, conflicts, tpChanged: true, notices: [] });

describe("push", () => {
  it("previews the changes in planner words, pushes on confirm and summarises", async () => {
    const app = toPush(EDIT).answer("sync_push", () => {
      app.answer("sync_status", status(0));
      return pushed(EDIT);
    });
    const user = userEvent.setup();
    renderApp(app.client);
    const dialog = await openPush(user);
    expect(within(dialog).getByTestId("push-ops").textContent).toBe('Effort 8 points → 21 points on "Self-service sign-up"');
    expect(calls(app, "sync_push")).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Push 1 change" }));
    expect((await screen.findByTestId("push-result")).textContent).toContain("Pushed 1 change to Targetprocess");
    expect(calls(app, "sync_push")).toEqual([{ confirmDeletes: false }]);
  });

  it("asks for an explicit confirmation before deleting in Targetprocess", async () => {
    const remove: OpDto[] = [{ lines: ['Delete objective "Self-service sign-up"'], delete: true }];
    const app = toPush(remove).answer("sync_push", pushed(remove));
    const user = userEvent.setup();
    renderApp(app.client);
    const dialog = await openPush(user);
    const push = within(dialog).getByRole("button", { name: "Push 1 change" }) as HTMLButtonElement;
    expect(push.disabled).toBe(true);
    await user.click(within(dialog).getByLabelText("Yes, delete these items in Targetprocess"));
    expect(push.disabled).toBe(false);
    await user.click(push);
    await screen.findByTestId("push-result");
    expect(calls(app, "sync_push")).toEqual([{ confirmDeletes: true }]);
  });

  it("offers a pull when Targetprocess changed what the push would overwrite", async () => {
    const stale = 'Effort of "Self-service sign-up" is now 99 points in Targetprocess';
    const app = toPush(EDIT)
      .answer("sync_push", { kind: "remoteChanged", stale: [stale] })
      .answer("sync_pull", () => {
        withConflicts(app, [conflict({})]);
        return pulledWith([conflict({})]);
      });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(within(await openPush(user)).getByRole("button", { name: "Push 1 change" }));
    const result = await screen.findByTestId("push-result");
    expect(result.textContent).toContain("Targetprocess changed since your last pull");
    expect(result.textContent).toContain(stale);
    await user.click(within(result).getByRole("button", { name: "Pull now" }));
    expect(await screen.findByRole("heading", { name: "Conflicts (1)" })).toBeTruthy();
    expect(calls(app, "sync_pull")).toHaveLength(1);
  });
});

describe("conflicts", () => {
  it("opens the plan a conflict's pi-planner:// link names, on that conflict first", async () => {
    const open = [conflict({}), conflict({ entity: "tp:10102", name: "Single sign-on for partners" })];
    const app = withConflicts(openPlanApp(platformPlan()), open).answer("link_take", {
      plan: "pi-1-26/platform-eco",
      conflict: "tp:10102",
    });
    app.answer("link_open", () => app.client.planGet());
    renderApp(app.client);
    expect(await screen.findByRole("heading", { name: "Conflicts (2)" })).toBeTruthy();
    expect(calls(app, "link_take")).toHaveLength(1);
    expect(calls(app, "link_open")).toEqual([{ link: { plan: "pi-1-26/platform-eco", conflict: "tp:10102" } }]);
    const cards = screen.getAllByTestId("conflict");
    expect(cards[0]?.textContent).toContain("Single sign-on for partners");
    expect(cards[0]?.getAttribute("data-focused")).toBe("true");
    expect(cards[1]?.getAttribute("data-focused")).toBeNull();
  });

  it("opens a link a later start handed over while the app runs", async () => {
    const app = withConflicts(openPlanApp(platformPlan()), [conflict({})]).answer("link_take", null);
    app.answer("link_open", () => app.client.planGet());
    renderApp(app.client);
    await waitFor(() => expect(calls(app, "link_take")).toHaveLength(1));
    expect(screen.queryByRole("heading", { name: "Conflicts (1)" })).toBeNull();
    app.answer("link_take", { plan: "pi-1-26/platform-eco", conflict: "tp:10101" });
    app.handLink();
    expect(await screen.findByRole("heading", { name: "Conflicts (1)" })).toBeTruthy();
    expect(calls(app, "link_open")).toHaveLength(1);
  });

  it("says so when the plan a link names cannot be opened, and stays on the open plan", async () => {
    const app = withConflicts(openPlanApp(platformPlan()), [conflict({})])
      .answer("link_take", { plan: "pi-9-99/nobody", conflict: null })
      .fail("link_open", { code: "no_plan", message: "The link names the plan \"pi-9-99/nobody\", which is neither here nor in Targetprocess.", hints: [] });
    renderApp(app.client);
    expect(await screen.findByText(/The link names the plan "pi-9-99\/nobody"/)).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Conflicts (1)" })).toBeNull();
  });

  it("stays on the plan without a link", async () => {
    const app = withConflicts(openPlanApp(platformPlan()), [conflict({})]).answer("link_take", null);
    renderApp(app.client);
    await waitFor(() => expect(calls(app, "link_take")).toHaveLength(1));
    expect(screen.queryByRole("heading", { name: "Conflicts (1)" })).toBeNull();
  });

  it("shows base, mine and Targetprocess side by side; keep mine settles it and push works again", async () => {
    const app = withConflicts(openPlanApp(platformPlan()), [conflict({})]).answer("sync_pull", pulledWith([conflict({})]));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Pull" }));
    await screen.findByRole("heading", { name: "Conflicts (1)" });
    const card = screen.getByTestId("conflict");
    expect(card.textContent).toContain("Effort of “Self-service sign-up”");
    expect(card.textContent).toContain("Last pull8 points");
    expect(card.textContent).toContain("Mine21 points");
    expect(card.textContent).toContain("Targetprocess99 points");
    expect(within(card).queryByRole("button", { name: "Keep both" })).toBeNull();
    await user.click(within(card).getByRole("button", { name: "Keep mine" }));
    expect(await screen.findByTestId("no-conflicts")).toBeTruthy();
    expect(calls(app, "conflict_resolve")).toEqual([{ req: { entity: "tp:10101", field: "effort", choice: { kind: "keepMine" } } }]);
    await user.click(screen.getByRole("button", { name: "Back to the plan" }));
    const push = (await screen.findByRole("button", { name: "Push…" })) as HTMLButtonElement;
    await waitFor(() => expect(push.disabled).toBe(false));
  });

  it("keeps both texts, takes a typed value, and settles the rest with one choice", async () => {
    const open = [
      conflict({ field: "name", label: "Name", base: { text: "Self-service sign-up", missing: false }, mine: { text: "Sign-up, mine", missing: false }, theirs: { text: "Sign-up, theirs", missing: false }, canKeepBoth: true }),
      conflict({ entity: "tp:10102", name: "Single sign-on for partners", mine: { text: "3 points", missing: false }, theirs: { text: "30 points", missing: false } }),
      conflict({ entity: "tp:10103", name: "Usage dashboard", mine: { text: "4 points", missing: false }, theirs: { text: "40 points", missing: false } }),
    ];
    const app = withConflicts(openPlanApp(platformPlan()), open).answer("sync_pull", pulledWith(open));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Pull" }));
    await screen.findByRole("heading", { name: "Conflicts (3)" });
    await user.click(within(screen.getAllByTestId("conflict")[0]!).getByRole("button", { name: "Keep both" }));
    await screen.findByRole("heading", { name: "Conflicts (2)" });

    const first = screen.getAllByTestId("conflict")[0]!;
    expect(first.textContent).toContain("“Single sign-on for partners”");
    await user.click(within(first).getByRole("button", { name: "Edit…" }));
    await user.type(within(first).getByLabelText("New value"), "12");
    await user.click(within(first).getByRole("button", { name: "Use this value" }));
    await screen.findByRole("heading", { name: "Conflicts (1)" });
    expect(screen.queryByRole("button", { name: "Keep all theirs" })).toBeNull();
    expect(calls(app, "conflict_resolve")).toEqual([
      { req: { entity: "tp:10101", field: "name", choice: { kind: "keepBoth" } } },
      { req: { entity: "tp:10102", field: "effort", choice: { kind: "edit", value: "12" } } },
    ]);
  });

  it("settles every open conflict with Keep all theirs", async () => {
    const open = [conflict({}), conflict({ entity: "tp:10103", name: "Usage dashboard" })];
    const app = withConflicts(openPlanApp(platformPlan()), open).answer("sync_pull", pulledWith(open));
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Pull" }));
    await screen.findByRole("heading", { name: "Conflicts (2)" });
    await user.click(screen.getByRole("button", { name: "Keep all theirs" }));
    expect(await screen.findByTestId("no-conflicts")).toBeTruthy();
    expect(calls(app, "conflicts_resolve_all")).toEqual([{ choice: { kind: "keepTheirs" } }]);
    expect(calls(app, "conflict_resolve")).toEqual([]);
  });

  it("a sync event from a background pull switches to the conflicts view", async () => {
    const app = withConflicts(openPlanApp(platformPlan()), [conflict({})]);
    renderApp(app.client);
    await screen.findAllByTestId("objective-item");
    app.announce({ event: "conflict", view: "conflicts", title: "Conflicts after a pull", body: "1 conflict to settle." });
    expect(await screen.findByRole("heading", { name: "Conflicts (1)" })).toBeTruthy();
  });
});

describe("settings", () => {
  it("saves the remote and poll interval, and signing out returns to the welcome screen", async () => {
    const ann = { name: "Ann Planner", email: "ann@example.com" };
    const app = openPlanApp(platformPlan())
      .answer("log_folder_get", null)
      .answer("settings_get", { connection: { kind: "demo" }, identity: ann, plansFolder: "/plans", remote: null, pollSeconds: 30 })
      .answer("identity_save", ({ identity }) => ({ connection: { kind: "demo" }, identity, workspace: PLATFORM_ECO }))
      .answer("settings_save", ({ update }) => ({
        connection: { kind: "demo" },
        identity: ann,
        plansFolder: "/plans",
        ...(update as object),
      }))
      .answer("sign_out", { connection: { kind: "none" }, identity: ann, workspace: null });
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Settings" }));
    await user.type(await screen.findByLabelText(/Shared remote/), "git@example.com:team/plans.git");
    const poll = screen.getByLabelText(/Look for Targetprocess changes every/);
    await user.clear(poll);
    await user.type(poll, "5");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByRole("button", { name: "Pull" });
    expect(calls(app, "settings_save")).toEqual([{ update: { remote: "git@example.com:team/plans.git", pollSeconds: 5 } }]);
    expect(calls(app, "identity_save")).toEqual([{ identity: ann }]);
    await user.click(screen.getByRole("button", { name: "Settings" }));
    await user.click(await screen.findByRole("button", { name: "Leave the demo" }));
    expect(await screen.findByRole("heading", { name: "Welcome to PI Planner" })).toBeTruthy();
    expect(calls(app, "sign_out")).toHaveLength(1);
  });
});
