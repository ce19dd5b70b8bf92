import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { browserClient, demoPlan, type BrowserClient } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

/** Two approvals by Bo and Cy of Ann's edit, then Ann's push. */
async function approvedAndPushed(): Promise<BrowserClient> {
  const client = browserClient({ plan: plan(), approvals: { required: 2, selfApproval: false } });
  const p = (await client.planGet()).plan;
  p.objectives[0]!.effort = 13;
  await client.planSave(p);
  await client.identitySave({ name: "Bo Owner", email: "bo@example.com" });
  await client.approve("Checked with the PO");
  await client.identitySave({ name: "Cy Lead", email: "cy@example.com" });
  await client.approve("");
  await client.identitySave({ name: "Ann Planner", email: "ann@example.com" });
  await client.syncPush(false, () => {});
  return client;
}

async function openAudit() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Audit" }));
  await screen.findByRole("table", { name: "Audit trail" });
  return user;
}

describe("audit view", () => {
  it("lists approvals and the push newest first, and a push opens to show what was sent", async () => {
    renderApp(await approvedAndPushed());
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
    renderApp(await approvedAndPushed());
    const user = await openAudit();
    await user.click(screen.getByText("Approvals"));
    await waitFor(() => expect(screen.getAllByTestId("audit-row")).toHaveLength(2));
    expect(screen.getAllByTestId("audit-row").every((r) => r.getAttribute("data-kind") === "approval")).toBe(true);
    await user.click(screen.getByText("Rollbacks"));
    expect(await screen.findByText("No events of this kind.")).toBeTruthy();
    expect(screen.queryAllByTestId("audit-row")).toHaveLength(0);
  });

  it("exports CSV and JSON and says where the file is", async () => {
    const client = await approvedAndPushed();
    const spy = vi.spyOn(client, "auditExport");
    renderApp(client);
    const user = await openAudit();
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const result = await screen.findByTestId("export-result");
    expect(spy).toHaveBeenCalledWith("csv");
    expect(result.textContent).toMatch(/3 events saved to Downloads\/audit-[a-z0-9]+\.csv/);
    const csv = client.downloaded[0]!.text.split("\r\n");
    expect(csv[0]).toBe("at,kind,actor,change,summary,note,sent");
    expect(csv[1]).toContain(",approval,Bo Owner <bo@example.com>,");
    await user.click(screen.getByRole("button", { name: "Export JSON" }));
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith("json"));
    await waitFor(() => expect(client.downloaded).toHaveLength(2));
    expect(JSON.parse(client.downloaded[1]!.text)).toHaveLength(3);
  });
});

describe("new from template", () => {
  it("adds an objective with its features from a template and a feature under the objective", async () => {
    const client = browserClient({ plan: plan() });
    const user = userEvent.setup();
    renderApp(client);
    const buttons = await screen.findAllByRole("button", { name: "New from template" });
    await user.click(buttons[0]!);
    await user.click(await screen.findByRole("menuitem", { name: "enablement" }));
    await waitFor(async () => expect((await client.planGet()).plan.objectives).toHaveLength(4));
    const added = (await client.planGet()).plan.objectives[3]!;
    expect(added.name).toBe("Platform enablement");
    expect(added.features.map((f) => f.name)).toEqual(["Spike", "Rollout"]);
    expect(((await screen.findByRole("textbox", { name: /^Name/ })) as HTMLInputElement).value).toBe("Platform enablement");

    const featureMenu = screen.getAllByRole("button", { name: "New from template" })[1]!;
    await user.click(featureMenu);
    await user.click(await screen.findByRole("menuitem", { name: "spike" }));
    await waitFor(async () => expect((await client.planGet()).plan.objectives[3]!.features).toHaveLength(3));
  });
});
