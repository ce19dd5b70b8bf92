import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { newQueryClient } from "../src/Root";
import { SignoffBody } from "../src/approvals/SignoffPanel";
import { ClientContext } from "../src/data";
import { browserClient, demoPlan, type ApprovalsStatusDto, type BrowserClient } from "./memoryHost";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

const ann = { name: "Ann Planner", email: "ann@example.com" };
const bo = { name: "Bo Owner", email: "bo@example.com" };

/** A plan with a policy of 2 approvals whose first objective Ann has edited (she is the author). */
async function editedByAnn(): Promise<BrowserClient> {
  const client = browserClient({ plan: plan(), approvals: { required: 2, selfApproval: false } });
  const p = (await client.planGet()).plan;
  p.objectives[0]!.effort = 21;
  await client.planSave(p);
  return client;
}

async function openSignoff() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Sign-off" }));
  await screen.findByTestId("signoff-progress");
  return user;
}

describe("sign-off panel", () => {
  it("shows the change, the progress and why the author cannot approve", async () => {
    renderApp(await editedByAnn());
    await openSignoff();
    expect(screen.getByTestId("signoff-progress").textContent).toBe("0 of 2 approvals");
    expect(screen.getByTestId("signoff-ops").textContent).toBe('Effort 8 points → 21 points on "Self-service sign-up"');
    const approve = screen.getByRole("button", { name: "Approve" }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    expect(screen.getByTestId("approve-blocked").textContent).toBe(
      "ann@example.com changed this plan and may not approve their own change.",
    );
  });

  it("approves with a comment through the client and shows the progress and the approval", async () => {
    const client = await editedByAnn();
    await client.identitySave(bo);
    const spy = vi.spyOn(client, "approve");
    renderApp(client);
    const user = await openSignoff();
    await user.type(screen.getByLabelText("Comment (optional)"), "Numbers checked");
    await user.click(screen.getByRole("button", { name: "Approve" }));
    expect(spy).toHaveBeenCalledWith("Numbers checked");
    await waitFor(() => expect(screen.getByTestId("signoff-progress").textContent).toBe("1 of 2 approvals"));
    const row = screen.getByTestId("approval");
    expect(row.textContent).toContain("Bo Owner <bo@example.com>");
    expect(row.textContent).toContain("“Numbers checked”");
    expect(within(row).getByText("Unsigned")).toBeTruthy();
    expect(within(row).getByText("Counts")).toBeTruthy();
    expect(screen.getByTestId("approve-blocked").textContent).toBe("bo@example.com already approved this change.");
  });

  it("marks an approval of an earlier change as stale", async () => {
    const client = await editedByAnn();
    await client.identitySave(bo);
    await client.approve("fine");
    await client.identitySave(ann);
    const p = (await client.planGet()).plan;
    p.objectives[1]!.effort = 3;
    await client.planSave(p);
    renderApp(client);
    await openSignoff();
    expect(screen.getByTestId("signoff-progress").textContent).toBe("0 of 2 approvals");
    const row = screen.getByTestId("approval");
    expect(row.getAttribute("data-standing")).toBe("stale");
    expect(within(row).getByTestId("stale-notice").textContent).toContain("Stale — the plan changed since");
    expect(within(row).getByText(/Bo Owner/).style.textDecoration).toContain("line-through");
  });

  it("a refused push leads to the panel, where an override needs a reason and is recorded", async () => {
    const client = await editedByAnn();
    renderApp(client);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Push…" }));
    const dialog = await screen.findByRole("dialog", { name: "Push to Targetprocess" });
    await user.click(within(dialog).getByRole("button", { name: "Push 1 change" }));
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("not_approved");
    expect(alert.textContent).toContain("Not pushed: 0 of 2 approvals.");
    await user.click(screen.getByRole("button", { name: "Open the sign-off panel" }));
    await screen.findByTestId("signoff-progress");

    const override = screen.getByRole("button", { name: "Override and push" }) as HTMLButtonElement;
    expect(override.disabled).toBe(true);
    await user.type(screen.getByLabelText(/Reason for pushing without the approvals/), "Deadline today");
    expect(override.disabled).toBe(false);
    await user.click(override);
    await screen.findByTestId("override-result");
    expect(client.sync.targetprocess()?.objectives[0]?.effort).toBe(21);
    const trail = await client.auditTrail();
    // Waiting for sign-off is no failed push: only the override and its push are recorded.
    expect(trail.map((e) => [e.kind, e.note])).toEqual([
      ["override", "Deadline today"],
      ["push", null],
    ]);
  });
});

describe("sign-off panel, signatures", () => {
  it("names the key of a verified signature and marks an invalid one as not counted", () => {
    const approval = {
      name: "Ana Lee",
      email: "ana@example.com",
      role: "business owner",
      at: "2026-11-24T09:15:00Z",
      comment: null,
      standing: "valid",
      signed: true,
      signature: "verified",
      signer: "OpenPGP key 0123456789ABCDEF0123456789ABCDEF01234567",
      why: null,
    };
    const status: ApprovalsStatusDto = {
      ops: [{ lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false }],
      hash: "sha256:00112233445566778899",
      progress: "1 of 2 approvals",
      met: false,
      approvals: [
        approval,
        {
          ...approval,
          name: "Mallory",
          email: "mallory@example.com",
          role: null,
          standing: "rejected",
          signed: false,
          signature: "invalid",
          signer: null,
          why: "not counted: the signature does not verify for mallory@example.com: the signed content was changed",
        },
      ],
      required: 2,
      valid: 1,
      authors: ["ann@example.com"],
      approveBlocked: null,
      canOverride: true,
    };
    render(
      <MantineProvider>
        <QueryClientProvider client={newQueryClient()}>
          <ClientContext.Provider value={browserClient()}>
            <SignoffBody status={status} />
          </ClientContext.Provider>
        </QueryClientProvider>
      </MantineProvider>,
    );
    const [newest, oldest] = screen.getAllByTestId("approval");
    expect(newest!.textContent).toContain("Invalid signature");
    expect(newest!.textContent).toContain("Not counted");
    expect(newest!.textContent).toContain("the signed content was changed");
    expect(oldest!.textContent).toContain("Ana Lee <ana@example.com>, business owner");
    expect(oldest!.textContent).toContain("signed by OpenPGP key 0123456789ABCDEF0123456789ABCDEF01234567");
    expect(within(oldest!).getByText("Signed")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Approve" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
