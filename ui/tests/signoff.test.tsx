// The sign-off panel as the app's approval status has it: the change, the progress (text and
// bar), why this planner cannot approve, approving with a comment, stale approvals, and the way
// from a push waiting for sign-off to an override with a reason.
import { MantineProvider } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { newQueryClient } from "../src/Root";
import { SignoffBody } from "../src/approvals/SignoffPanel";
import { ClientContext } from "../src/data";
import type { ApprovalDto, ApprovalsStatusDto, OpDto, PushOutcomeDto } from "../src/ipc";
import { fakeApp, openPlanApp } from "./fakeClient";
import { platformPlan } from "./plans";
import { renderApp } from "./render";

/** Ann's edit: the one change a push would send. */
const EDIT: OpDto[] = [{ lines: ['Effort 8 points → 21 points on "Self-service sign-up"'], delete: false }];

/** The app's approval status of EDIT under a policy of 2 approvals, Ann the author. */
const waiting = (over: Partial<ApprovalsStatusDto> = {}): ApprovalsStatusDto => ({
  ops: EDIT,
  hash: "sha256:4f2a9c",
  progress: "0 of 2 approvals",
  met: false,
  approvals: [],
  required: 2,
  valid: 0,
  authors: ["ann@example.com"],
  approveBlocked: null,
  canOverride: true,
  ...over,
});

const bosApproval: ApprovalDto = {
  name: "Bo Owner",
  email: "bo@example.com",
  role: null,
  at: "2026-03-02T09:00:00Z",
  comment: "Numbers checked",
  standing: "valid",
  signed: false,
  signature: "unsigned",
  signer: null,
  why: null,
};

/** The plan open with EDIT to push, and `status` as the app's approval status. */
const editedApp = (status: ApprovalsStatusDto) =>
  openPlanApp(platformPlan())
    .answer("sync_status", { localChanges: 1, conflicts: 0, unfinishedPush: 0, refused: [] })
    .answer("approvals_status", status);

async function openSignoff() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Sign-off" }));
  await screen.findByTestId("signoff-progress");
  return user;
}

const bar = () => screen.getByRole("progressbar", { name: "Approvals" });

describe("sign-off panel", () => {
  it("shows the change, the progress and why the author cannot approve", async () => {
    renderApp(editedApp(waiting({ approveBlocked: "ann@example.com changed this plan and may not approve their own change." })).client);
    await openSignoff();
    expect(screen.getByTestId("signoff-progress").textContent).toBe("0 of 2 approvals");
    expect(bar().getAttribute("aria-valuenow")).toBe("0");
    expect(screen.getByTestId("signoff-ops").textContent).toBe('Effort 8 points → 21 points on "Self-service sign-up"');
    expect(screen.getByText("Changed by: ann@example.com")).toBeTruthy();
    const approve = screen.getByRole("button", { name: "Approve" }) as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    expect(screen.getByTestId("approve-blocked").textContent).toBe(
      "ann@example.com changed this plan and may not approve their own change.",
    );
    expect(document.body.textContent).not.toContain("sha256");
  });

  it("approves with the comment typed and shows what the app answers: 1 of 2, the bar half full", async () => {
    const app = editedApp(waiting()).answer("approve", ({ comment }) => {
      const approved = waiting({
        progress: "1 of 2 approvals",
        valid: 1,
        approvals: [{ ...bosApproval, comment: comment as string }],
        approveBlocked: "bo@example.com already approved this change.",
      });
      app.answer("approvals_status", approved);
      return approved;
    });
    renderApp(app.client);
    const user = await openSignoff();
    await user.type(screen.getByLabelText("Comment (optional)"), "Numbers checked");
    await user.click(screen.getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(screen.getByTestId("signoff-progress").textContent).toBe("1 of 2 approvals"));
    expect(app.calls.filter((c) => c.command === "approve").map((c) => c.args)).toEqual([{ comment: "Numbers checked" }]);
    expect(bar().getAttribute("aria-valuenow")).toBe("50");
    expect(bar().style.getPropertyValue("--progress-section-size")).toBe("50%");
    const row = screen.getByTestId("approval");
    expect(row.textContent).toContain("Bo Owner <bo@example.com>");
    expect(row.textContent).toContain("“Numbers checked”");
    expect(within(row).getByText("Unsigned")).toBeTruthy();
    expect(within(row).getByText("Counts")).toBeTruthy();
    expect(screen.getByTestId("approve-blocked").textContent).toBe("bo@example.com already approved this change.");
    expect((screen.getByLabelText("Comment (optional)") as HTMLTextAreaElement).value).toBe("");
  });

  it("marks an approval of an earlier change as stale", async () => {
    const stale: ApprovalDto = { ...bosApproval, comment: "fine", standing: "stale", why: "stale — the plan changed since" };
    renderApp(editedApp(waiting({ approvals: [stale] })).client);
    await openSignoff();
    expect(screen.getByTestId("signoff-progress").textContent).toBe("0 of 2 approvals");
    const row = screen.getByTestId("approval");
    expect(row.getAttribute("data-standing")).toBe("stale");
    expect(within(row).getByTestId("stale-notice").textContent).toContain("Stale — the plan changed since");
    expect(within(row).getByText(/Bo Owner/).style.textDecoration).toContain("line-through");
    expect(within(row).queryByText("Counts")).toBeNull();
  });

  it("a push waiting for sign-off leads to the panel, where an override needs a reason", async () => {
    const pushed: PushOutcomeDto = { kind: "pushed", summary: { sent: EDIT, refused: [], created: 0, mismatches: [], resumed: 0 } };
    const app = editedApp(waiting())
      .answer("push_preview", { kind: "preview", ops: EDIT })
      .fail("sync_push", {
        code: "not_approved",
        message: "Not pushed: 0 of 2 approvals.",
        hints: ["Open the sign-off panel to see the change and who has approved it."],
      })
      .answer("sync_push_override", () => {
        app.answer("sync_status", { localChanges: 0, conflicts: 0, unfinishedPush: 0, refused: [] });
        return pushed;
      });
    renderApp(app.client);
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
    expect((await screen.findByTestId("override-result")).textContent).toContain("1 change sent");
    expect(app.calls.filter((c) => c.command === "sync_push_override").map((c) => c.args)).toEqual([
      { reason: "Deadline today", confirmDeletes: false },
    ]);
  });
});

describe("sign-off panel, signatures", () => {
  it("names the key of a verified signature and marks an invalid one as not counted", () => {
    const approval: ApprovalDto = {
      ...bosApproval,
      name: "Ana Lee",
      email: "ana@example.com",
      role: "business owner",
      at: "2026-11-24T09:15:00Z",
      comment: null,
      signed: true,
      signature: "verified",
      signer: "OpenPGP key 0123456789ABCDEF0123456789ABCDEF01234567",
    };
    const status = waiting({
      progress: "1 of 2 approvals",
      valid: 1,
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
    });
    render(
      <MantineProvider>
        <QueryClientProvider client={newQueryClient()}>
          <ClientContext.Provider value={fakeApp().client}>
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
    expect(bar().getAttribute("aria-valuenow")).toBe("50");
  });
});
