import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AuditEventDto, PlanDto } from "../src/ipc";
import { openPlanApp } from "./fakeClient";
import { demoPlan } from "./plans";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

/** The app's audit trail, oldest first: Bo's and Cy's approvals of Ann's edit, then her push. */
const TRAIL: AuditEventDto[] = [
  { at: "2026-03-02T09:00:00Z", kind: "approval", who: "Bo Owner <bo@example.com>", change: "sha256:ab12", summary: "Approved", note: "Checked with the PO", sent: [] },
  { at: "2026-03-02T09:05:00Z", kind: "approval", who: "Cy Lead <cy@example.com>", change: "sha256:ab12", summary: "Approved", note: null, sent: [] },
  { at: "2026-03-02T09:10:00Z", kind: "push", who: "Ann Planner <ann@example.com>", change: null, summary: "Pushed 1 change", note: null, sent: ['Effort 8 points → 13 points on "Self-service sign-up"'] },
];

/** The plan open, with TRAIL as its audit trail. */
const approvedAndPushed = () => openPlanApp(plan()).answer("audit_trail", TRAIL);

async function openAudit() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Audit" }));
  await screen.findByRole("table", { name: "Audit trail" });
  return user;
}

describe("audit view", () => {
  it("lists approvals and the push newest first, and a push opens to show what was sent", async () => {
    renderApp(approvedAndPushed().client);
    const user = await openAudit();
    const rows = screen.getAllByTestId("audit-row");
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["push", "approval", "approval"]);
    expect(rows[0]!.textContent).toContain("Ann Planner <ann@example.com>");
    expect(rows[2]!.textContent).toContain("Checked with the PO");
    expect(screen.queryByTestId("audit-details")).toBeNull();
    await user.click(within(rows[0]!).getByRole("button", { name: "Show the details of event 1" }));
    expect(screen.getByTestId("audit-details").textContent).toContain('Effort 8 points → 13 points on "Self-service sign-up"');
  });

  it("filters by kind", async () => {
    renderApp(approvedAndPushed().client);
    const user = await openAudit();
    await user.click(screen.getByText("Approvals"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(2));
    expect(screen.getAllByTestId("audit-row").every((r) => r.getAttribute("data-kind") === "approval")).toBe(true);
    await user.click(screen.getByText("Rollbacks"));
    expect(await screen.findByText("No events of this kind.")).toBeTruthy();
    expect(screen.queryAllByTestId("audit-row")).toHaveLength(0);
  });

  it("exports CSV and JSON and says where the app saved the file", async () => {
    const app = approvedAndPushed().answer("audit_export", ({ format }) => ({
      path: `/home/ann/Downloads/audit-pi-1-26-platform-eco.${String(format)}`,
      events: 3,
    }));
    renderApp(app.client);
    const user = await openAudit();
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const result = await screen.findByTestId("export-result");
    expect(result.textContent).toContain("3 events saved to /home/ann/Downloads/audit-pi-1-26-platform-eco.csv");
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    await waitFor(() => expect(screen.getByTestId("export-result").textContent).toMatch(/\.json$/));
    const exports = app.calls.filter((c) => c.command === "audit_export").map((c) => c.args);
    expect(exports).toEqual([{ format: "csv" }, { format: "json" }]);
  });
});

describe("new from template", () => {
  it("adds an objective from a template and a feature under it, as the app answers", async () => {
    const app = openPlanApp(plan());
    app.answer("templates_list", { objectives: ["enablement", "tech-debt"], features: ["spike"] });
    // The app adds the template's items and saves; here, its answer.
    app.answer("template_add", ({ req }) => {
      const { template, objective } = req as { template: string; objective: string | null };
      const next: PlanDto = app.saved();
      if (objective === null) {
        const base = next.objectives[0]!;
        next.objectives.push({ ...base, id: "new:t1", name: "Platform enablement", features: [{ ...base.features[0]!, id: "new:t2", name: "Spike" }] });
      } else {
        const target = next.objectives.find((o) => o.id === objective)!;
        target.features.push({ ...target.features[0]!, id: "new:t3", name: template === "spike" ? "Spike" : template });
      }
      const view = { plan: next, findings: [], statuses: { objective: [], feature: [] }, planFile: "/plans/plan.md", canUndo: true, notices: [] };
      app.answer("plan_get", view);
      return view;
    });
    const user = userEvent.setup();
    renderApp(app.client);
    const buttons = await screen.findAllByRole("button", { name: "New from template" });
    await user.click(buttons[0]!);
    await user.click(await screen.findByRole("menuitem", { name: "enablement" }));
    expect(((await screen.findByRole("textbox", { name: /^Name/ })) as HTMLInputElement).value).toBe("Platform enablement");
    expect(app.calls.find((c) => c.command === "template_add")?.args).toEqual({ req: { template: "enablement", objective: null, name: null } });

    const featureMenu = screen.getAllByRole("button", { name: "New from template" })[1]!;
    await user.click(featureMenu);
    await user.click(await screen.findByRole("menuitem", { name: "spike" }));
    await waitFor(() =>
      expect(app.calls.filter((c) => c.command === "template_add").map((c) => c.args)[1]).toEqual({
        req: { template: "spike", objective: "new:t1", name: null },
      }),
    );
  });
});
