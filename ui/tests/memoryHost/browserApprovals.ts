// The browser host's sign-off and audit trail: a policy per demo plan (how many approvals, whether
// authors may approve their own change), approvals bound to a hash of the change a push would
// send (so any edit makes them stale), the push gate with overrides, and the audit events of
// approvals, overrides and pushes. A much smaller model than the app's engine (no signatures,
// no roles), enough to run the sign-off panel and the audit view in a browser.
import {
  ClientError,
  type ApprovalDto,
  type ApprovalsStatusDto,
  type AuditEventDto,
  type ExportFormat,
  type IdentityDto,
  type OpDto,
  type PushSummaryDto,
} from "../../src/ipc/client";
import { changes } from "../../src/plural";

/** The `[approvals]` policy of a demo plan. */
export interface DemoPolicy {
  required: number;
  selfApproval: boolean;
}

interface Stored {
  name: string;
  email: string;
  at: string;
  comment: string | null;
  hash: string;
}

/** A stable hash of the change set (FNV-1a, 2 × 32 bits), shown like the app's `sha256:…`. */
export function changeHash(ops: OpDto[]): string {
  const text = JSON.stringify(ops);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(text.length - 1 - i), 0x01000193) >>> 0;
  }
  return `demo:${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

const who = (p: IdentityDto) => `${p.name} <${p.email}>`;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function browserApprovals(now: () => Date = () => new Date()) {
  let policy: DemoPolicy = { required: 0, selfApproval: false };
  let approvals: Stored[] = [];
  let authors: string[] = [];
  let events: AuditEventDto[] = [];
  const stamp = () => now().toISOString().replace(/\.\d{3}Z$/, "Z");

  const status = (ops: OpDto[], me: IdentityDto | null): ApprovalsStatusDto => {
    const hash = changeHash(ops);
    const counted: string[] = [];
    const list: ApprovalDto[] = approvals.map((a) => {
      let standing = "valid";
      let why: string | null = null;
      if (a.hash !== hash) {
        standing = "stale";
        why = "stale — the plan changed since";
      } else if (!policy.selfApproval && authors.some((e) => same(e, a.email))) {
        standing = "rejected";
        why = "not counted: an author approved their own change";
      } else if (counted.some((e) => same(e, a.email))) {
        standing = "rejected";
        why = "not counted: the same person approved twice";
      } else counted.push(a.email);
      return {
        name: a.name,
        email: a.email,
        role: null,
        at: a.at,
        comment: a.comment,
        standing,
        signed: false,
        signature: "unsigned",
        signer: null,
        why,
      };
    });
    const valid = counted.length;
    const met = ops.length === 0 || valid >= policy.required;
    const count = `${valid} of ${policy.required} approvals`;
    let blocked: string | null = null;
    if (ops.length === 0) blocked = "There is nothing to approve: the plan matches Targetprocess.";
    else if (!me) blocked = "PI Planner does not know who you are yet: enter your name in Settings.";
    else if (!policy.selfApproval && authors.some((e) => same(e, me.email)))
      blocked = `${me.email} changed this plan and may not approve their own change.`;
    else if (list.some((a) => a.standing === "valid" && same(a.email, me.email)))
      blocked = `${me.email} already approved this change.`;
    return {
      ops,
      hash,
      progress: policy.required === 0 ? "No sign-off required" : met ? `approved (${count})` : count,
      met,
      approvals: list,
      required: policy.required,
      valid,
      authors: [...authors],
      approveBlocked: blocked,
      canOverride: !met && ops.length > 0,
    };
  };

  const record = (e: Omit<AuditEventDto, "at" | "sent"> & { sent?: string[] }) =>
    events.push({ at: stamp(), sent: [], ...e });

  return {
    /** A plan was opened: its policy, and an empty log. */
    opened(next: DemoPolicy) {
      policy = { ...next };
      approvals = [];
      authors = [];
      events = [];
    },
    /** `email` saved an edit of the plan: they are an author of the change. */
    edited(email: string) {
      if (!authors.some((e) => same(e, email))) authors.push(email);
    },
    status,
    /** Records an approval of `ops` by `me` (or refuses it, as the app does). */
    approve(ops: OpDto[], me: IdentityDto | null, comment: string): ApprovalsStatusDto {
      const before = status(ops, me);
      if (before.approveBlocked || !me)
        throw new ClientError({ code: "approval_refused", message: before.approveBlocked ?? "", hints: [] });
      const note = comment.trim() || null;
      approvals.push({ name: me.name, email: me.email, at: stamp(), comment: note, hash: before.hash });
      record({
        kind: "approval",
        who: who(me),
        change: before.hash,
        summary: `Approved ${changes(ops.length)}`,
        note,
      });
      return status(ops, me);
    },
    /** The push gate: throws `not_approved` unless the policy is met for `ops`. */
    gate(ops: OpDto[], me: IdentityDto | null) {
      if (policy.required === 0) return;
      const s = status(ops, me);
      if (!s.met)
        throw new ClientError({
          code: "not_approved",
          message: `Not pushed: ${s.progress}.`,
          hints: ["Open the sign-off panel to see the change and who has approved it."],
        });
    },
    /** Records an override of the gate for `ops` when the policy is not met. */
    override(ops: OpDto[], me: IdentityDto | null, reason: string) {
      if (!reason.trim())
        throw new ClientError({ code: "invalid_input", message: "An override needs a reason.", hints: [] });
      const s = status(ops, me);
      if (policy.required === 0 || s.met) return;
      record({
        kind: "override",
        who: me ? who(me) : "unknown",
        change: s.hash,
        summary: `Pushed without the approvals: ${s.progress}`,
        note: reason.trim(),
      });
    },
    /** A push was sent: the authors' change is in Targetprocess now (but what it refused). */
    pushed(summary: PushSummaryDto, me: IdentityDto | null) {
      authors = [];
      const refused = summary.refused.length > 0 ? `; Targetprocess refused ${changes(summary.refused.length)}` : "";
      record({
        kind: "push",
        who: me ? who(me) : "unknown",
        change: null,
        summary: `Pushed ${changes(summary.sent.length)} to Targetprocess${refused}`,
        note: null,
        sent: summary.sent.flatMap((op) => op.lines),
      });
    },
    /** Runs a push; one that fails with an error is recorded as a failed push, as the app does
     * (a push waiting for sign-off or for another sync is not a failure). */
    attempt<T>(me: IdentityDto | null, push: () => T): T {
      try {
        return push();
      } catch (e) {
        const waiting = e instanceof ClientError && ["not_approved", "approval_refused", "busy"].includes(e.code);
        if (waiting) throw e;
        const why = e instanceof ClientError ? e.message : "the push stopped unexpectedly.";
        record({ kind: "push", who: me ? who(me) : "unknown", change: null, summary: `Push failed: ${why}`, note: null });
        throw e;
      }
    },
    /** Pushes that failed or that Targetprocess refused in part, newest first (History lists them). */
    failedPushes: () =>
      structuredClone(events.filter((e) => e.kind === "push" && (e.summary.startsWith("Push failed") || e.summary.includes("refused"))).reverse()),
    trail: () => structuredClone(events),
    /** The trail as the app exports it: CSV (RFC 4180) or JSON. */
    export(format: ExportFormat): string {
      if (format === "json") return JSON.stringify(events, null, 2);
      // A cell a spreadsheet would run as a formula gets a leading ' (as the app's export does).
      const text = (t: string) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);
      const quote = (t: string) => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
      const cell = (t: string) => quote(text(t));
      const rows = events.map((e) =>
        [e.at, e.kind, e.who, e.change ?? "", e.summary, e.note ?? "", e.sent.join("; ")].map(cell).join(","),
      );
      return ["at,kind,actor,change,summary,note,sent", ...rows].join("\r\n") + "\r\n";
    },
  };
}

export type BrowserApprovals = ReturnType<typeof browserApprovals>;
