// The browser host's side of editing, as the app does it in Rust (src-tauri/src/session_edit.rs):
// a save refuses what a push could not send, and "Undo last save" says what it will undo.
import { ClientError, type FeatureDto, type ObjectiveDto, type PlanDto } from "../../src/ipc/client";

function refuse(code: ClientError["code"], message: string, hint: string): never {
  throw new ClientError({ code, message, hints: [hint] });
}

function ownersById(plan: PlanDto | null): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const o of plan?.objectives ?? []) {
    if (o.id) out.set(o.id, o.owner);
    for (const f of o.features) if (f.id) out.set(f.id, f.owner);
  }
  return out;
}

/** True when `owner` names one of `users` (by name, ignoring case). */
export function isUser(users: string[], owner: string): boolean {
  const wanted = owner.trim().toLowerCase();
  return users.some((u) => u.toLowerCase() === wanted);
}

/** Throws the app's refusal when `after` holds what a push could not send. */
export function checkSave(before: PlanDto | null, after: PlanDto, users: string[]): void {
  const was = ownersById(before);
  const owner = (item: ObjectiveDto | FeatureDto, what: string) => {
    const o = item.owner?.trim();
    if (!o || (item.id && was.get(item.id) === item.owner)) return;
    if (!isUser(users, o))
      refuse("unknown_owner", `The owner of ${what} is not a Targetprocess user: ${o}.`, "Pick the owner from the list of Targetprocess users.");
  };
  const effort = (e: number | null, what: string) => {
    if (e !== null && e < 0) refuse("invalid_input", `The effort of ${what} is negative.`, "Enter the effort as points, 0 or more.");
  };
  after.objectives.forEach((o, oi) => {
    if (!o.name.trim()) refuse("invalid_input", `Objective ${oi + 1} has no name.`, "Give it a name, or remove it.");
    const what = `objective "${o.name}"`;
    effort(o.effort, what);
    owner(o, what);
    o.features.forEach((f, fi) => {
      if (!f.name.trim()) refuse("invalid_input", `Feature ${fi + 1} of ${what} has no name.`, "Give it a name, or remove it.");
      const fwhat = `feature "${f.name}"`;
      effort(f.effort, fwhat);
      owner(f, fwhat);
      const empty = f.acceptanceCriteria.findIndex((c) => !c.text.trim());
      if (empty >= 0)
        refuse("invalid_input", `Acceptance criterion ${empty + 1} of ${fwhat} is empty.`, "Write the criterion, or remove it.");
    });
  });
}

const SHOWN: Record<string, string> = {
  name: "Name",
  description: "Description",
  status: "Status",
  effort: "Effort",
  owner: "Owner",
  committed: "Committed",
  businessValue: "Business value",
  actualBusinessValue: "Actual business value",
  programObjective: "Program objective",
  acceptanceCriteria: "Acceptance criteria",
  jiraKey: "Jira key",
};
const WITH_VALUES = new Set(["effort", "status", "businessValue", "actualBusinessValue", "committed"]);

function value(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

function fieldWords(before: object, after: object): string[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return Object.keys(SHOWN)
    .filter((k) => k in a && JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => (WITH_VALUES.has(k) ? `${SHOWN[k]} ${value(b[k])} → ${value(a[k])}` : SHOWN[k]!));
}

/** What changed from `before` to `after`, one line per item, as the app says it. */
export function describeSave(before: PlanDto, after: PlanDto): string[] {
  const lines: string[] = [];
  const oldObjectives = new Map(before.objectives.map((o) => [o.id, o]));
  const oldFeatures = new Map(before.objectives.flatMap((o) => o.features.map((f) => [f.id, f] as const)));
  const newIds = new Set(after.objectives.flatMap((o) => [o.id, ...o.features.map((f) => f.id)]));
  for (const o of after.objectives) {
    const was = oldObjectives.get(o.id);
    if (!was) lines.push(`new objective "${o.name}"`);
    else {
      const words = fieldWords(was, o);
      if (words.length > 0) lines.push(`"${o.name}": ${words.join(", ")}`);
    }
    for (const f of o.features) {
      const fwas = oldFeatures.get(f.id);
      if (!fwas) lines.push(`new feature "${f.name}"`);
      else {
        const words = fieldWords(fwas, f);
        if (words.length > 0) lines.push(`"${f.name}": ${words.join(", ")}`);
      }
    }
  }
  for (const o of before.objectives) {
    if (!newIds.has(o.id)) lines.push(`removed objective "${o.name}"`);
    for (const f of o.features) if (!newIds.has(f.id)) lines.push(`removed feature "${f.name}"`);
  }
  return lines.length > 0 ? lines : ["the order of objectives or features"];
}
