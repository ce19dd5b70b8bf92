import { MantineProvider } from "@mantine/core";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { DiffView } from "../src/history/DiffView";
import { browserClient, demoPlan, type ComparisonDto } from "./memoryHost";
import { wordDiff } from "./memoryHost/browserHistory";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

async function saveObjective(user: ReturnType<typeof userEvent.setup>, patch: { effort?: string; appendToDescription?: string }) {
  if (patch.effort !== undefined) {
    const effort = await screen.findByLabelText("Effort");
    await user.clear(effort);
    await user.type(effort, patch.effort);
  }
  if (patch.appendToDescription !== undefined) {
    await user.type(await screen.findByLabelText("Description"), patch.appendToDescription);
  }
  await user.click(screen.getByRole("button", { name: "Save" }));
  await waitFor(() => expect((screen.getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(true));
}

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

describe("word diff of the browser host", () => {
  it("marks the changed words only, and its spans spell both texts", () => {
    expect(wordDiff("Cut cloud cost by 10%", "Cut cloud cost by 25% this PI")).toEqual([
      { tag: "equal", text: "Cut cloud cost by " },
      { tag: "delete", text: "10%" },
      { tag: "insert", text: "25% this PI" },
    ]);
    const words = ["a", "b", "c", " ", " ", "\n", ","];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const text = () => Array.from({ length: random() % 30 }, () => words[random() % words.length]).join("");
    for (let n = 0; n < 200; n++) {
      const [a, b] = [text(), text()];
      const spans = wordDiff(a, b);
      expect(spans.filter((s) => s.tag !== "insert").map((s) => s.text).join("")).toBe(a);
      expect(spans.filter((s) => s.tag !== "delete").map((s) => s.text).join("")).toBe(b);
    }
  });
});

describe("history", () => {
  it("lists the versions and compares two picked ones", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await saveObjective(user, { effort: "21" });
    await saveObjective(user, { effort: "13" });
    await user.click(screen.getByRole("button", { name: "History" }));
    const versions = await screen.findAllByTestId("version");
    expect(versions.map((v) => v.textContent)).toEqual([
      expect.stringMatching(/^Saved edit.*Ann Planner.*Effort 21 points → 13 points on "Self-service sign-up"/),
      expect.stringMatching(/^Saved edit.*Ann Planner.*Effort 8 points → 21 points on "Self-service sign-up"/),
      expect.stringMatching(/^Opened from Targetprocess.*Targetprocess · opened by Ann Planner.*Added objective "Self-service sign-up"/),
    ]);
    // By default: what a push would send (Targetprocess at the last pull → the working plan).
    const card = await screen.findByRole("group", { name: "Objective Self-service sign-up: changed" });
    expect(card.textContent).toContain("removed: 8 pointsadded: 13 points");

    // Versions are named by what made them, who and when; never by a commit id.
    for (const v of versions) expect(v.textContent).not.toContain(v.getAttribute("data-rev")!.slice(0, 7));
    const befores = screen.getAllByRole("button", { name: /^Before: compare from Saved edit|^Before: compare from Opened/ });
    const afters = screen.getAllByRole("button", { name: /^After: compare to / });
    await user.click(befores[2]!);
    await user.click(afters[1]!);
    expect(afters[1]!.getAttribute("aria-pressed")).toBe("true");
    await waitFor(() => expect(screen.getByTestId("diff-view").textContent).toContain("removed: 8 pointsadded: 21 points"));
    expect(screen.getByTestId("diff-view").textContent).not.toMatch(/tp:|new:/);
    const totals = screen.getByTestId("effort-totals");
    const all = within(totals).getByRole("rowheader", { name: "All objectives" }).closest("tr")!;
    expect(within(all).getAllByRole("cell").map((c) => c.textContent)).toEqual(["48", "61", "+13"]);

    await user.click(screen.getByRole("radio", { name: "Inline" }));
    await waitFor(() => expect(screen.getByTestId("diff-view").getAttribute("data-mode")).toBe("inline"));
    const effort = within(screen.getByRole("group", { name: "Objective Self-service sign-up: changed" }));
    expect(effort.getByText("8 points", { selector: "del *, del" })).toBeTruthy();
  });

  it("highlights the words of an edited description against Targetprocess", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await saveObjective(user, { appendToDescription: " Pilot first." });
    await user.click(screen.getByRole("button", { name: "History" }));
    const card = await screen.findByRole("group", { name: "Objective Self-service sign-up: changed" });
    const inserted = [...card.querySelectorAll("ins")].map((e) => e.textContent);
    const deleted = [...card.querySelectorAll("del")].map((e) => e.textContent);
    expect(inserted).toEqual(["added:  Pilot first."]);
    expect(deleted).toEqual([]);
    const row = within(card).getByRole("rowheader", { name: "Description" }).closest("tr")!;
    expect(within(row).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "Why self-service sign-up matters this PI.",
      "Why self-service sign-up matters this PI.added:  Pilot first.",
    ]);
  });

  it("attributes a pull to the Targetprocess user who made the change", async () => {
    const user = userEvent.setup();
    const client = browserClient({ plan: plan() });
    renderApp(client);
    await screen.findAllByTestId("objective-item");
    client.sync.editInTargetprocess(1, { effort: 30 }, "Mira Ostrava");
    await user.click(screen.getByRole("button", { name: "Pull" }));
    await waitFor(() => expect(screen.getAllByTestId("objective-item")[1]!.textContent).toContain("30 pts"));
    await user.click(screen.getByRole("button", { name: "History" }));
    const [pull] = await screen.findAllByTestId("version");
    expect(pull!.textContent).toMatch(/^Pull from Targetprocess.*Targetprocess \(edited by Mira Ostrava\) · pulled by Ann Planner/);
  });

  it("charts committed effort per version with the numbers in a table", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    await saveObjective(user, { effort: "20" });
    await user.click(screen.getByRole("button", { name: "History" }));
    await user.click(await screen.findByRole("tab", { name: "Effort over time" }));
    const table = await screen.findByTestId("effort-table");
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => within(r).getAllByRole("cell").map((c) => c.textContent));
    // Committed: objectives 1 and 2 (8 + 16, then 20 + 16); all: 8 + 16 + 24, then 20 + 16 + 24.
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
  it("marks the edited objective with its changed fields until it is pushed", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ plan: plan() }));
    const items = await screen.findAllByTestId("objective-item");
    expect(screen.queryAllByTestId("sync-badge")).toHaveLength(0);
    await saveObjective(user, { effort: "21" });
    await waitFor(() => expect(within(screen.getAllByTestId("objective-item")[0]!).queryByTestId("sync-badge")).not.toBeNull());
    const badge = within(screen.getAllByTestId("objective-item")[0]!).getByTestId("sync-badge");
    expect(badge.textContent).toBe("changed since sync (Effort)");
    expect(within(items[1]!).queryByTestId("sync-badge")).toBeNull();
    expect(within(screen.getAllByTestId("objective-item")[2]!).queryByTestId("sync-badge")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Push…" }));
    await user.click(await screen.findByRole("button", { name: "Push 1 change" }));
    await screen.findByTestId("push-result");
    await waitFor(() => expect(screen.queryAllByTestId("sync-badge")).toHaveLength(0));
  });
});
