// History as the app reports it: the versions named by what made them, who and when (never a
// commit id), the comparison of two picked versions side by side or inline with the changed words
// marked, a pull attributed to the Targetprocess user, committed effort over time, the conflicts
// pulls found and who resolved them, and the "changed since sync" marks in the editor.
import { MantineProvider } from "@mantine/core";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { DiffView } from "../src/history/DiffView";
import type { ComparisonDto, ConflictLogDto, HistoryDto, OpDto, VersionDto } from "../src/ipc";
import { openPlanApp, type FakeApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

const comparison: ComparisonDto = {
  before: { rev: "tp", label: "Targetprocess (last pull)", shortId: "1a2b3c4d", at: "2026-11-24T05:00:00Z", who: "Targetprocess" },
  after: { rev: "working", label: "the plan file on disk", shortId: null, at: null, who: null },
  entities: [
    {
      kind: "objective",
      id: "tp:10101",
      name: "Self-service sign-up",
      objective: null,
      presence: "changed",
      movedFrom: null,
      movedTo: null,
      fields: [
        {
          field: "description",
          label: "Description",
          before: "Cut cloud cost by 10%",
          after: "Cut cloud cost by 25% this PI",
          words: [
            { tag: "equal", text: "Cut cloud cost by " },
            { tag: "delete", text: "10%" },
            { tag: "insert", text: "25% this PI" },
          ],
        },
        { field: "effort", label: "Effort", before: "8 points", after: "21 points", words: null },
      ],
    },
    {
      kind: "feature",
      id: "new:abcd1234",
      name: "Audit export",
      objective: "Self-service sign-up",
      presence: "added",
      movedFrom: null,
      movedTo: null,
      fields: [{ field: "name", label: "Name", before: "(deleted)", after: "Audit export", words: null }],
    },
    {
      kind: "feature",
      id: "tp:2002",
      name: "Partner SSO",
      objective: "Usage dashboard",
      presence: "changed",
      movedFrom: "Single sign-on for partners",
      movedTo: "Usage dashboard",
      fields: [],
    },
  ],
  effort: {
    team: "Platform Eco",
    objectives: { before: 48, after: 61 },
    committed: { before: 24, after: 37 },
    features: { before: 15, after: 15 },
    programObjectives: [{ id: "tp:900", name: "Faster onboarding", effort: { before: 48, after: 61 } }],
  },
};

function renderDiff(mode: "sideBySide" | "inline") {
  return render(
    <MantineProvider>
      <DiffView comparison={comparison} mode={mode} />
    </MantineProvider>,
  );
}

describe("diff view", () => {
  it("shows before and after side by side with the changed words marked", () => {
    renderDiff("sideBySide");
    const card = screen.getByRole("group", { name: "Objective Self-service sign-up: changed" });
    const row = within(card).getByRole("rowheader", { name: "Description" }).closest("tr")!;
    const [before, after] = within(row).getAllByRole("cell");
    expect(before!.querySelector("del")?.textContent).toBe("removed: 10%");
    expect(before!.querySelector("ins")).toBeNull();
    expect(before!.textContent).toBe("Cut cloud cost by removed: 10%");
    expect(after!.querySelector("ins")?.textContent).toBe("added: 25% this PI");
    expect(after!.querySelector("del")).toBeNull();
    const effort = within(card).getByRole("rowheader", { name: "Effort" }).closest("tr")!;
    expect(within(effort).getAllByRole("cell").map((c) => c.textContent)).toEqual(["removed: 8 points", "added: 21 points"]);
    expect(screen.getByRole("group", { name: "Feature Audit export: added" }).textContent).toContain("Audit export");
    expect(screen.getByRole("group", { name: "Feature Partner SSO: changed" }).textContent).toContain(
      "Moved from “Single sign-on for partners” to “Usage dashboard”",
    );
  });

  it("shows the change inline, old words struck and new words inserted, and the effort totals", () => {
    renderDiff("inline");
    const card = screen.getByRole("group", { name: "Objective Self-service sign-up: changed" });
    const row = within(card).getByRole("rowheader", { name: "Description" }).closest("tr")!;
    const [cell] = within(row).getAllByRole("cell");
    expect(cell!.textContent).toBe("Cut cloud cost by removed: 10%added: 25% this PI");
    const effort = within(card).getByRole("rowheader", { name: "Effort" }).closest("tr")!;
    expect(effort.querySelector("del")?.textContent).toBe("removed: 8 points");
    expect(effort.querySelector("ins")?.textContent).toBe("added: 21 points");
    const totals = screen.getByTestId("effort-totals");
    const committed = within(totals).getByRole("rowheader", { name: "Committed objectives" }).closest("tr")!;
    expect(within(committed).getAllByRole("cell").map((c) => c.textContent)).toEqual(["24", "37", "+13"]);
    expect(within(totals).getByRole("rowheader", { name: "Program objective: Faster onboarding" })).toBeTruthy();
  });
});

const version = (rev: string, kind: VersionDto["kind"], at: string, over: Partial<VersionDto> = {}): VersionDto => ({
  rev,
  shortId: rev.slice(0, 7),
  at,
  kind,
  who: "Ann Planner",
  editors: [],
  by: null,
  subject: "",
  baselines: [],
  changes: [],
  changed: 0,
  ...over,
});

/** Opened from Targetprocess, then two saved edits of the first objective's effort (8 → 21 → 13). */
const VERSIONS: VersionDto[] = [
  version("c3a9e0f1b2", "save", "2026-03-02T10:10:00Z", { changes: ['Effort 21 points → 13 points on "Self-service sign-up"'], changed: 1 }),
  version("b7d41c2e9a", "save", "2026-03-02T10:05:00Z", { changes: ['Effort 8 points → 21 points on "Self-service sign-up"'], changed: 1 }),
  version("a0f3b8d6c4", "import", "2026-03-02T10:00:00Z", {
    who: "Targetprocess",
    by: "Ann Planner",
    changes: ['Added objective "Self-service sign-up"', 'Added objective "Single sign-on for partners"', 'Added objective "Usage dashboard"'],
    changed: 3,
  }),
];
const history = (versions: VersionDto[]): HistoryDto => ({ versions, baselines: [], capped: false, limit: 200, uncommitted: false, failedPushes: [] });

/** The app's comparison of the first objective's effort `before` → `after` between two sides. */
function effortChange(rev: [string, string], before: number, after: number): ComparisonDto {
  return {
    before: { rev: rev[0], label: "before", shortId: null, at: null, who: null },
    after: { rev: rev[1], label: "after", shortId: null, at: null, who: null },
    entities: [
      {
        kind: "objective",
        id: "tp:10101",
        name: "Self-service sign-up",
        objective: null,
        presence: "changed",
        movedFrom: null,
        movedTo: null,
        fields: [{ field: "effort", label: "Effort", before: `${before} points`, after: `${after} points`, words: null }],
      },
    ],
    effort: {
      team: "Platform Eco",
      objectives: { before: 40 + before, after: 40 + after },
      committed: { before: 16 + before, after: 16 + after },
      features: { before: 15, after: 15 },
      programObjectives: [],
    },
  };
}

const calls = (app: FakeApp, command: string) => app.calls.filter((c) => c.command === command).map((c) => c.args);

async function openHistory() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "History" }));
  return user;
}

describe("history", () => {
  it("lists the versions and compares two picked ones", async () => {
    const app = openPlanApp(platformPlan())
      .answer("history_list", history(VERSIONS))
      .answer("plan_compare", ({ before, after }) =>
        before === "tp" ? effortChange(["tp", String(after)], 8, 13) : effortChange([String(before), String(after)], 8, 21),
      );
    renderApp(app.client);
    const user = await openHistory();
    const versions = await screen.findAllByTestId("version");
    expect(versions.map((v) => v.textContent)).toEqual([
      expect.stringMatching(/^Saved edit.*Ann Planner.*Effort 21 points → 13 points on "Self-service sign-up"/),
      expect.stringMatching(/^Saved edit.*Ann Planner.*Effort 8 points → 21 points on "Self-service sign-up"/),
      expect.stringMatching(/^Opened from Targetprocess.*Targetprocess · opened by Ann Planner.*Added objective "Self-service sign-up"/),
    ]);
    // By default: what a push would send (Targetprocess at the last pull → the working plan).
    const card = await screen.findByRole("group", { name: "Objective Self-service sign-up: changed" });
    expect(card.textContent).toContain("removed: 8 pointsadded: 13 points");
    expect(calls(app, "plan_compare")[0]).toEqual({ before: "tp", after: "working" });

    // Versions are named by what made them, who and when; never by a commit id.
    for (const v of versions) expect(v.textContent).not.toContain(v.getAttribute("data-rev")!.slice(0, 7));
    const befores = screen.getAllByRole("button", { name: /^Before: compare from / });
    const afters = screen.getAllByRole("button", { name: /^After: compare to / });
    await user.click(befores[2]!);
    await user.click(afters[1]!);
    expect(afters[1]!.getAttribute("aria-pressed")).toBe("true");
    await waitFor(() => expect(screen.getByTestId("diff-view").textContent).toContain("removed: 8 pointsadded: 21 points"));
    expect(calls(app, "plan_compare").at(-1)).toEqual({ before: "a0f3b8d6c4", after: "b7d41c2e9a" });
    expect(screen.getByTestId("diff-view").textContent).not.toMatch(/tp:|new:/);
    const totals = screen.getByTestId("effort-totals");
    const all = within(totals).getByRole("rowheader", { name: "All objectives" }).closest("tr")!;
    expect(within(all).getAllByRole("cell").map((c) => c.textContent)).toEqual(["48", "61", "+13"]);

    await user.click(screen.getByRole("radio", { name: "Inline" }));
    await waitFor(() => expect(screen.getByTestId("diff-view").getAttribute("data-mode")).toBe("inline"));
    const effort = within(screen.getByRole("group", { name: "Objective Self-service sign-up: changed" }));
    expect(effort.getByText("8 points", { selector: "del *, del" })).toBeTruthy();
  });

  it("attributes a pull to the Targetprocess user who made the change", async () => {
    const pull = version("d9e8f7a6b5", "pull", "2026-03-02T11:00:00Z", {
      who: "Targetprocess",
      editors: ["Mira Ostrava"],
      by: "Ann Planner",
      changes: ['Effort 16 points → 30 points on "Single sign-on for partners"'],
      changed: 1,
    });
    const app = openPlanApp(platformPlan())
      .answer("history_list", history([pull, ...VERSIONS]))
      .answer("plan_compare", effortChange(["tp", "working"], 8, 13));
    renderApp(app.client);
    await openHistory();
    const [first] = await screen.findAllByTestId("version");
    expect(first!.textContent).toMatch(/^Pull from Targetprocess.*Targetprocess \(edited by Mira Ostrava\) · pulled by Ann Planner/);
  });

  it("lists the conflicts pulls found, the open one first, with who resolved the others when", async () => {
    const resolved: ConflictLogDto = {
      id: "tp:10101",
      name: "Self-service sign-up",
      field: "Effort",
      mine: "8 points",
      theirs: "13 points",
      foundAt: "2026-03-02T09:00:00Z",
      foundBy: "Ann Planner <ann@example.com>",
      remoteBy: "Mira Ostrava",
      resolvedAt: "2026-03-02T10:15:00Z",
      resolvedBy: "Bo Planner <bo@example.com>",
      openFor: "1 h 15 min",
    };
    const open: ConflictLogDto = {
      ...resolved,
      id: "tp:10102",
      name: "Single sign-on for partners",
      field: "Description",
      mine: "For partners.",
      theirs: "For everyone.",
      foundAt: "2026-03-01T09:00:00Z",
      resolvedAt: null,
      resolvedBy: null,
      openFor: null,
    };
    const app = openPlanApp(platformPlan())
      .answer("history_list", history(VERSIONS))
      .answer("plan_compare", effortChange(["tp", "working"], 8, 13))
      .answer("history_conflicts", [resolved, open]);
    renderApp(app.client);
    const user = await openHistory();
    await user.click(await screen.findByRole("tab", { name: "Conflicts" }));
    const rows = await screen.findAllByTestId("conflict-log-row");
    expect(rows.map((r) => r.getAttribute("data-open"))).toEqual(["true", "false"]);
    const cells = (r: HTMLElement) => within(r).getAllByRole("cell").map((c) => c.textContent);
    const [o, r] = [cells(rows[0]!), cells(rows[1]!)];
    expect(o.slice(0, 3)).toEqual([
      "Single sign-on for partnerstp:10102",
      "Description",
      "Plan: For partners. (Ann Planner)Targetprocess: For everyone. (Mira Ostrava)",
    ]);
    expect(o[4]).toBe("Open");
    expect(r[0]).toBe("Self-service sign-uptp:10101");
    expect(r[2]).toBe("Plan: 8 points (Ann Planner)Targetprocess: 13 points (Mira Ostrava)");
    expect(r[4]).toMatch(/^Bo Planner, /);
    expect(r[5]).toBe("1 h 15 min");
    expect(screen.getByTestId("conflict-log-summary").textContent).toBe("2 conflicts found, 1 resolved, 1 open.");
    expect(calls(app, "history_conflicts")).toHaveLength(1);
  });

  it("says so when no pull found a conflict", async () => {
    const app = openPlanApp(platformPlan())
      .answer("history_list", history(VERSIONS))
      .answer("plan_compare", effortChange(["tp", "working"], 8, 13))
      .answer("history_conflicts", []);
    renderApp(app.client);
    const user = await openHistory();
    await user.click(await screen.findByRole("tab", { name: "Conflicts" }));
    expect((await screen.findByTestId("conflict-log-empty")).textContent).toMatch(/^No conflicts/);
  });

  it("charts committed effort per version with the numbers in a table", async () => {
    const app = openPlanApp(platformPlan())
      .answer("history_list", history(VERSIONS.slice(1)))
      .answer("plan_compare", effortChange(["tp", "working"], 8, 20))
      .answer("effort_series", {
        team: "Platform Eco",
        points: [
          { rev: "a0f3b8d6c4", at: "2026-03-02T10:00:00Z", kind: "import", committed: 24, total: 48, baselines: [] },
          { rev: "b7d41c2e9a", at: "2026-03-02T10:05:00Z", kind: "save", committed: 36, total: 60, baselines: [] },
        ],
        capped: false,
        limit: 200,
      });
    renderApp(app.client);
    const user = await openHistory();
    await user.click(await screen.findByRole("tab", { name: "Effort over time" }));
    const table = await screen.findByTestId("effort-table");
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => within(r).getAllByRole("cell").map((c) => c.textContent));
    expect(rows.map((r) => [r[2], r[3], r[4]])).toEqual([
      ["Opened from Targetprocess", "24", "48"],
      ["Saved edit", "36", "60"],
    ]);
    const chart = screen.getByRole("img", { name: /^Committed effort/ });
    expect(chart.getAttribute("aria-label")).toBe(
      "Committed effort 24 → 36 points, all objectives 48 → 60 points, over 2 versions",
    );
    expect(chart.querySelector('path[data-series="committed"]')?.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+H[\d.]+V[\d.]+$/);
  });
});

describe("changed since sync", () => {
  it("marks the objective the app names with its changed fields, until a push leaves none", async () => {
    const EDIT: OpDto[] = [{ lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false }];
    const app = openPlanApp(platformPlan())
      .answer("push_preview", { kind: "preview", ops: EDIT })
      .answer("sync_push", () => {
        app.answer("sync_changes", []).answer("sync_status", { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] });
        return { kind: "pushed", summary: { sent: EDIT, refused: [], created: 0, mismatches: [], resumed: 0 } };
      })
      .answer("plan_save", ({ plan }) => {
        // After the save the app finds the effort changed since the last sync.
        app
          .answer("sync_changes", [{ kind: "objective", id: "tp:10101", name: "Self-service sign-up", presence: "changed", fields: ["Effort"] }])
          .answer("sync_status", { localChanges: 1, conflicts: 0, unfinishedPush: 0, refused: [] });
        return { plan, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: true };
      });
    const user = userEvent.setup();
    renderApp(app.client);
    await screen.findAllByTestId("objective-item");
    expect(screen.queryAllByTestId("sync-badge")).toHaveLength(0);
    const effort = await screen.findByLabelText("Effort");
    await user.clear(effort);
    await user.type(effort, "21");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(screen.getAllByTestId("objective-item")[0]!).queryByTestId("sync-badge")).not.toBeNull());
    const badge = within(screen.getAllByTestId("objective-item")[0]!).getByTestId("sync-badge");
    expect(badge.textContent).toBe("changed since sync (Effort)");
    expect(within(screen.getAllByTestId("objective-item")[1]!).queryByTestId("sync-badge")).toBeNull();
    expect(within(screen.getAllByTestId("objective-item")[2]!).queryByTestId("sync-badge")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Push…" }));
    await user.click(await screen.findByRole("button", { name: "Push 1 change" }));
    await screen.findByTestId("push-result");
    await waitFor(() => expect(screen.queryAllByTestId("sync-badge")).toHaveLength(0));
  });
});
