// Editing without losing or spoiling anything: unsaved edits are never thrown away without
// asking, what a push could not send is refused at its field, owners come from the account's
// Targetprocess users, "Undo last save" says what it undoes, removing an objective asks first,
// the objective list is one tab stop, and new features and criteria get the focus.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AppStatus, PlanView } from "../src/ipc";
import { fakeApp, openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan as plan } from "./plans";
import { renderApp } from "./render";

/** These tests type key by key; on a busy machine that takes a while. */
const slow = { timeout: 20000 };

/** The plans the UI sent to the app to save, in order. */
const saves = (app: FakeApp) => app.calls.filter((c) => c.command === "plan_save").map((c) => c.args.plan as ReturnType<typeof plan>);

async function editEffort(user: ReturnType<typeof userEvent.setup>, text: string) {
  const effort = await screen.findByLabelText("Effort");
  await user.clear(effort);
  await user.type(effort, text);
  return effort;
}

/** Asks for a view from the header: its button, or in a narrow window its entry in the menu. */
async function ask(user: ReturnType<typeof userEvent.setup>, name: string) {
  const button = screen.queryByRole("button", { name });
  if (button) return user.click(button);
  await user.click(screen.getByTestId("header-menu"));
  await user.click(await screen.findByRole("menuitem", { name }));
}

const unsavedDialog = () => screen.findByRole("dialog", { name: "Save your changes?" });

describe("unsaved edits", slow, () => {
  it("are not thrown away by picking another objective: Cancel stays, Save saves, Discard drops", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await editEffort(user, "21");
    const items = screen.getAllByTestId("objective-item");

    await user.click(items[1]!);
    let dialog = await unsavedDialog();
    expect(dialog.textContent).toContain("Self-service sign-up");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("heading", { name: "Objective 1 of 3" })).toBeTruthy();
    expect((screen.getByLabelText("Effort") as HTMLInputElement).value).toBe("21");

    await user.click(items[1]!);
    dialog = await unsavedDialog();
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await screen.findByRole("heading", { name: "Objective 2 of 3" });
    expect(app.saved().objectives[0]!.effort).toBe(21);

    await editEffort(user, "34");
    await user.click(screen.getAllByTestId("objective-item")[2]!);
    await user.click(within(await unsavedDialog()).getByRole("button", { name: "Discard changes" }));
    await screen.findByRole("heading", { name: "Objective 3 of 3" });
    expect(saves(app)).toHaveLength(1);
    expect(app.saved().objectives[1]!.effort).toBe(16);
  });

  it("are kept when History, Sign-off, Audit, Change team or Settings is asked for", async () => {
    (window as unknown as { happyDOM: { setViewport(v: { width: number; height: number }): void } }).happyDOM.setViewport({ width: 1440, height: 900 });
    const app = openPlanApp(plan());
    app
      .answer("history_list", { versions: [], baselines: [], capped: false, limit: 200, uncommitted: false, failedPushes: [] })
      .answer("plan_compare", ({ before, after }) => ({
        before: { rev: before, label: "Targetprocess (last pull)", shortId: null, at: null, who: null },
        after: { rev: after, label: "your working plan", shortId: null, at: null, who: null },
        entities: [],
        effort: { team: "Platform Eco", objectives: { before: 48, after: 61 }, committed: { before: 24, after: 37 }, features: { before: 15, after: 15 }, programObjectives: [] },
      }));
    const user = userEvent.setup();
    renderApp(app.client);
    await editEffort(user, "21");
    for (const name of ["History", "Sign-off", "Audit", "Change team", "Settings"]) {
      await ask(user, name);
      const dialog = await unsavedDialog();
      await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
      await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
      expect((screen.getByLabelText("Effort") as HTMLInputElement).value).toBe("21");
    }
    expect(saves(app)).toEqual([]);
    expect(app.calls.map((c) => c.command)).not.toContain("approvals_status");
    await ask(user, "History");
    await user.click(within(await unsavedDialog()).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("navigation", { name: "Objectives" })).toBeNull());
    expect(app.saved().objectives[0]!.effort).toBe(21);
  });

  it("make the window ask before it closes", async () => {
    renderApp(openPlanApp(plan()).client);
    const user = userEvent.setup();
    const close = () => {
      const e = new Event("beforeunload", { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    };
    await screen.findByLabelText("Effort");
    expect(close()).toBe(false);
    await editEffort(user, "21");
    expect(close()).toBe(true);
  });
});

describe("what a push could not send", slow, () => {
  it("is refused at its field with a plain message that goes once it is fixed, and Saved follows a save", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    const effort = await editEffort(user, "abc");
    expect((effort as HTMLInputElement).value).toBe("abc");
    expect(await screen.findByText("Enter a number of points, like 5 or 2.5")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByTestId("save-state").textContent).toBe("Not saved: 1 field needs fixing");
    expect(saves(app)).toEqual([]);

    const name = screen.getByRole("textbox", { name: /^Name/ });
    await user.clear(name);
    expect(await screen.findByText("Give the objective a name")).toBeTruthy();
    await user.type(name, "Self-service sign-up");
    await editEffort(user, "13");
    await waitFor(() => expect(screen.queryByText(/Enter a number|Give the objective/)).toBeNull());
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("save-state").textContent).toBe("Saved"));
    expect(saves(app).map((p) => p.objectives[0]!.effort)).toEqual([13]);
  });

  it("refuses a feature without a name and an empty criterion, and focuses the first problem", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Add feature" }));
    const card = screen.getAllByRole("region", { name: /^Feature / }).at(-1)!;
    await user.clear(within(card).getByLabelText(/^Feature name/));
    await user.click(within(card).getByRole("button", { name: "Add criterion" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await within(card).findByText("Give the feature a name")).toBeTruthy();
    expect(within(card).getByText("Write the criterion, or remove it")).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(within(card).getByLabelText(/^Feature name/)));
    expect(saves(app)).toEqual([]);
  });
});

describe("owners", slow, () => {
  it("are picked from the account's Targetprocess users; another name is refused at the field", async () => {
    const app = openPlanApp(plan()).answer("users_list", [
      { name: "Ann Planner", login: "ann" },
      { name: "Bo Builder", login: "bo" },
      { name: "Mira Ostrava", login: "mira" },
    ]);
    const user = userEvent.setup();
    renderApp(app.client);
    const owner = await screen.findByRole("combobox", { name: "Owner" });
    await user.clear(owner);
    await user.type(owner, "Mara Lind");
    expect(await screen.findByText("Not a Targetprocess user — pick one from the list")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(saves(app)).toEqual([]);

    await user.clear(owner);
    await user.type(owner, "Mir");
    const listbox = await screen.findByRole("listbox", { name: "Owner", hidden: true });
    expect(within(listbox).getAllByRole("option", { hidden: true }).map((o) => o.textContent)).toEqual(["Mira Ostrava"]);
    await user.click(within(listbox).getByRole("option", { name: "Mira Ostrava", hidden: true }));
    await waitFor(() => expect(screen.queryByText(/Not a Targetprocess user/)).toBeNull());
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves(app).map((p) => p.objectives[0]!.owner)).toEqual(["Mira Ostrava"]));
  });
});

describe("undo last save", slow, () => {
  it("says what it will undo and what it undid", async () => {
    // What the app says the save changed, and the plan it gives back on undo.
    const changes = ['"Self-service sign-up": Effort 8 → 13, Owner', 'new feature "New feature"'];
    const app = openPlanApp(plan()).answer("plan_undo_preview", { changes });
    app.answer("plan_undo", () => {
      const view: PlanView = { plan: plan(), findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: false, notices: [] };
      app.answer("plan_get", view);
      return view;
    });
    const user = userEvent.setup();
    renderApp(app.client);
    await editEffort(user, "13");
    const owner = screen.getByRole("combobox", { name: "Owner" });
    await user.clear(owner);
    await user.type(owner, "Bo Builder");
    await user.click(screen.getByRole("button", { name: "Add feature" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    const what = changes.join("; ");
    expect((await screen.findByTestId("undo-what")).textContent).toBe(`Undo last save: ${what}`);
    const undo = screen.getByRole("button", { name: "Undo last save" });
    expect(undo.getAttribute("aria-describedby")).toBe("undo-what");
    await user.click(undo);
    expect((await screen.findByTestId("undone")).textContent).toBe(`Undone: ${what}`);
    expect(app.calls.filter((c) => c.command === "plan_undo")).toHaveLength(1);
    expect(screen.getAllByRole("region", { name: /^Feature / })).toHaveLength(1);
    // The next save is another story: what was undone is no longer shown.
    await editEffort(user, "21");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByTestId("undone")).toBeNull());
  });
});

describe("removing an objective", slow, () => {
  it("asks first, naming how many features go with it", async () => {
    const p = plan();
    p.objectives[0]!.features = Array.from({ length: 7 }, (_, i) => ({ ...p.objectives[0]!.features[0]!, id: `tp:${500 + i}`, name: `Slice ${i + 1}` }));
    const app = openPlanApp(p);
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Remove objective" }));
    const dialog = await screen.findByRole("dialog", { name: "Remove this objective?" });
    expect(dialog.textContent).toContain("“Self-service sign-up” and 7 features will be removed");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(saves(app)).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Remove objective" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Remove objective and 7 features" }));
    await waitFor(() => expect(saves(app).map((s) => s.objectives.map((o) => o.name))).toEqual([["Single sign-on for partners", "Usage dashboard"]]));
  });
});

describe("the objective list", slow, () => {
  it("is one tab stop; the arrow keys, Home and End move the selection", async () => {
    renderApp(openPlanApp(plan()).client);
    const items = await screen.findAllByRole("option", { name: /Self-service|Single sign-on|Usage dashboard/ });
    expect(screen.getByRole("listbox", { name: "Objectives" })).toBeTruthy();
    expect(items.map((i) => i.tabIndex)).toEqual([0, -1, -1]);
    act(() => items[0]!.focus());
    fireEvent.keyDown(items[0]!, { key: "ArrowDown" });
    await screen.findByRole("heading", { name: "Objective 2 of 3" });
    await waitFor(() => expect(document.activeElement?.id).toBe("objective-item-1"));
    expect(screen.getAllByTestId("objective-item").map((i) => i.getAttribute("aria-selected"))).toEqual(["false", "true", "false"]);
    fireEvent.keyDown(document.activeElement!, { key: "End" });
    await screen.findByRole("heading", { name: "Objective 3 of 3" });
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    await screen.findByRole("heading", { name: "Objective 1 of 3" });
    expect(screen.getAllByTestId("objective-item").map((i) => i.tabIndex)).toEqual([0, -1, -1]);
  });
});

describe("a new feature or criterion", slow, () => {
  it("gets the focus, so it is in sight", async () => {
    renderApp(openPlanApp(plan()).client);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Add feature" }));
    const card = screen.getAllByRole("region", { name: /^Feature / }).at(-1)!;
    await waitFor(() => expect(document.activeElement).toBe(within(card).getByLabelText(/^Feature name/)));
    await user.click(within(card).getByRole("button", { name: "Add criterion" }));
    await waitFor(() => expect(document.activeElement).toBe(within(card).getByLabelText("Criterion 1")));
  });
});

describe("Open plan", slow, () => {
  it("shows its spinner until the plan is shown", async () => {
    const art = { id: 1, name: "Platform ART" };
    const release = { id: 11, name: "PI-1/26" };
    const team = { id: 101, name: "Platform Eco" };
    const ann = { name: "Ann Planner", email: "ann@example.com" };
    const demo: AppStatus = { connection: { kind: "demo" }, identity: ann, workspace: null };
    const view: PlanView = { plan: plan(), findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: false, notices: [] };
    // The app's status after the plan is read comes when the test lets it.
    let answerStatus = () => {};
    const app = fakeApp({
      app_status: demo,
      arts_list: [art],
      releases_list: [release],
      teams_list: [team],
      users_list: [],
      sync_status: { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] },
      sync_changes: [],
      templates_list: { objectives: [], features: [] },
      plan_undo_preview: { changes: [] },
      settings_get: { connection: { kind: "demo" }, identity: ann, plansFolder: "/plans", remote: null, pollSeconds: 30 },
    });
    let opened = false;
    app.answer("workspace_open", () => {
      opened = true;
      app.answer("plan_get", view).answer(
        "app_status",
        () => new Promise((resolve) => (answerStatus = () => resolve({ ...demo, workspace: { art, release, team, planFile: view.planFile } }))),
      );
      return view;
    });
    const user = userEvent.setup();
    renderApp(app.client);
    const pick = async (label: string, option: string) => {
      const select = (await screen.findByLabelText(label)) as HTMLSelectElement;
      await screen.findByRole("option", { name: option });
      await user.selectOptions(select, option);
    };
    await pick("Release train (ART)", "Platform ART");
    await pick("Release (PI)", "PI-1/26");
    await pick("Team", "Platform Eco");
    const button = screen.getByRole("button", { name: "Open plan" });
    await user.click(button);
    await waitFor(() => expect(opened).toBe(true));
    await waitFor(() => expect(app.calls.filter((c) => c.command === "app_status").length).toBeGreaterThan(1));
    // The plan is read; the app's status is still on its way: the spinner stays.
    expect(screen.queryByTestId("objective-item")).toBeNull();
    expect(button.getAttribute("data-loading")).toBe("true");
    answerStatus();
    await screen.findAllByTestId("objective-item");
  });
});
