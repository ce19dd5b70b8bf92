// The browser host's sync: a Targetprocess copy of the open plan, pulls with a field-level
// three-way merge of the objectives' fields, pushes (of objectives and features) with a preview,
// preflight and deletions that need confirmation, owners Targetprocess does not know refused per
// change, "Discard this change", an interrupted push to finish, and conflicts with keep mine /
// keep theirs / keep both / edit. A much smaller model than the app's engine, enough to run the
// sync screens in a browser.
import {
  ClientError,
  type ChoiceDto,
  type ConflictDto,
  type FeatureDto,
  type ObjectiveDto,
  type OpDto,
  type PlanDto,
  type ProgressDto,
  type PullResultDto,
  type PushOutcomeDto,
  type RefusedDto,
  type SyncEventDto,
} from "../../src/ipc/client";
import { changes } from "../../src/plural";

type Field = "name" | "description" | "status" | "effort" | "owner" | "committed";
const FIELDS: { key: Field; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "description", label: "Description" },
  { key: "status", label: "Status" },
  { key: "effort", label: "Effort" },
  { key: "owner", label: "Owner" },
  { key: "committed", label: "Committed" },
];

type Value = ObjectiveDto[Field];

type FeatureField = "name" | "description" | "status" | "effort" | "owner";
const FEATURE_FIELDS = FIELDS.filter((f) => f.key !== "committed") as { key: FeatureField; label: string }[];

/** The people the browser host's Targetprocess knows as users. */
export const TP_USERS = ["Ann Planner", "Bo Builder", "Mira Ostrava", "Tobin Harrow", "Ilse Vantree"];

/** One planned write to Targetprocess, with what "Discard this change" needs. */
interface Planned {
  dto: OpDto;
  entity: string;
  kind: "objective" | "feature";
  name: string;
  /** The fields an update changes; empty for a create or a delete. */
  fields: string[];
  /** The owner this write sends, if it sends one. */
  owner: string | null;
}

function words(field: Field, v: Value): string {
  if (v === null || v === undefined || v === "") return field === "description" ? "(empty)" : "(none)";
  if (field === "effort") return `${v} points`;
  if (field === "committed") return v ? "yes" : "no";
  return String(v);
}

/** The fields a new item is created with, as the app's preview lists them (long values cut). */
function createdWith(item: ObjectiveDto | FeatureDto): string[] {
  const cut = (t: string) => {
    const line = t.split(/\s+/).join(" ").trim();
    return line.length > 80 ? `${line.slice(0, 79).trimEnd()}…` : line;
  };
  const out: string[] = [];
  if (item.status) out.push(`Status: ${item.status}`);
  if (item.effort !== null) out.push(`Effort: ${item.effort} points`);
  if (item.owner) out.push(`Owner: ${item.owner}`);
  if (item.description) out.push(`Description: ${cut(item.description)}`);
  if ("acceptanceCriteria" in item && item.acceptanceCriteria.length > 0)
    out.push(`Acceptance Criteria: ${cut(item.acceptanceCriteria.map((c) => `[${c.done ? "x" : " "}] ${c.text}`).join("; "))}`);
  return out;
}

function label(field: Field): string {
  return FIELDS.find((f) => f.key === field)?.label ?? field;
}

interface StoredConflict {
  id: string;
  name: string;
  field: Field;
  base: Value;
  mine: Value;
  theirs: Value;
}

function toDto(c: StoredConflict): ConflictDto {
  const side = (v: Value) => ({ text: words(c.field, v), missing: false });
  return {
    kind: "objective",
    entity: c.id,
    name: c.name,
    field: c.field,
    label: label(c.field),
    base: side(c.base),
    mine: side(c.mine),
    theirs: side(c.theirs),
    canKeepBoth: c.field === "name" || c.field === "description",
    canEdit: c.field !== "committed",
  };
}

export interface SyncState {
  plan(): PlanDto | null;
  setPlan(plan: PlanDto): void;
  /** The account's users now (TP_USERS unless given). */
  users?(): string[];
}

export function browserSync(state: SyncState) {
  let base: PlanDto | null = null;
  let tp: PlanDto | null = null;
  let conflicts: StoredConflict[] = [];
  /** Targetprocess users who edited since the last pull. */
  let editors: string[] = [];
  const listeners = new Set<(e: SyncEventDto) => void>();

  const byId = (p: PlanDto | null, id: string | null) => p?.objectives.find((o) => o.id === id);
  const featureOf = (p: PlanDto | null, id: string | null) => {
    for (const o of p?.objectives ?? []) {
      const f = o.features.find((x) => x.id === id);
      if (f) return { objective: o, feature: f };
    }
    return undefined;
  };
  const featureLines = (f: FeatureDto, b: FeatureDto) =>
    FEATURE_FIELDS.filter((x) => f[x.key] !== b[x.key]).map((x) => ({
      key: x.key,
      line: `${x.label} ${words(x.key, b[x.key])} → ${words(x.key, f[x.key])} on "${f.name}"`,
    }));
  const planned = (local: PlanDto, from: PlanDto): Planned[] => {
    const out: Planned[] = [];
    const op = (p: Omit<Planned, "dto">, lines: string[], del = false) => out.push({ ...p, dto: { lines, delete: del } });
    for (const o of local.objectives) {
      const b = byId(from, o.id);
      const base = { entity: o.id ?? "", kind: "objective" as const, name: o.name };
      if (!b) {
        op({ ...base, fields: [], owner: o.owner }, [`Create objective "${o.name}"`, ...createdWith(o)]);
        continue;
      }
      const changed = FIELDS.filter((f) => o[f.key] !== b[f.key]);
      const lines = changed.map((f) => `${f.label} ${words(f.key, b[f.key])} → ${words(f.key, o[f.key])} on "${o.name}"`);
      const owner = changed.some((f) => f.key === "owner") ? o.owner : null;
      if (lines.length > 0) op({ ...base, fields: changed.map((f) => f.key), owner }, lines);
    }
    for (const o of local.objectives)
      for (const f of o.features) {
        const b = featureOf(from, f.id)?.feature;
        const base = { entity: f.id ?? "", kind: "feature" as const, name: f.name };
        if (!b) {
          op({ ...base, fields: [], owner: f.owner }, [`Create feature "${f.name}"`, ...createdWith(f)]);
          continue;
        }
        const changed = featureLines(f, b);
        const owner = changed.some((c) => c.key === "owner") ? f.owner : null;
        if (changed.length > 0) op({ ...base, fields: changed.map((c) => c.key), owner }, changed.map((c) => c.line));
      }
    for (const b of from.objectives) {
      if (!byId(local, b.id))
        op({ entity: b.id ?? "", kind: "objective", name: b.name, fields: [], owner: null }, [`Delete objective "${b.name}"`], true);
      else
        for (const f of b.features)
          if (!featureOf(local, f.id))
            op({ entity: f.id ?? "", kind: "feature", name: f.name, fields: [], owner: null }, [`Delete feature "${f.name}"`], true);
    }
    return out;
  };
  const opsOf = (local: PlanDto, from: PlanDto): OpDto[] => planned(local, from).map((p) => p.dto);
  /** Why Targetprocess refuses a write, if it does: an owner it does not know. */
  const refusal = (p: Planned): string | null =>
    p.owner && !(state.users?.() ?? TP_USERS).includes(p.owner) ? `Owner of "${p.name}": no Targetprocess user is called "${p.owner}"` : null;
  /** Puts `entity` (or its `fields`) in `plan` back as it is in `from`. */
  const revert = (plan: PlanDto, from: PlanDto, entity: string, fields: string[]) => {
    const o = byId(plan, entity);
    const bo = byId(from, entity);
    if (o || bo) {
      if (!bo) plan.objectives = plan.objectives.filter((x) => x.id !== entity);
      else if (!o) plan.objectives.splice(Math.min(from.objectives.indexOf(bo), plan.objectives.length), 0, structuredClone(bo));
      else for (const { key } of FIELDS) if (fields.length === 0 || fields.includes(key)) Object.assign(o, { [key]: bo[key] });
      return true;
    }
    const f = featureOf(plan, entity);
    const bf = featureOf(from, entity);
    if (!f && !bf) return false;
    if (!bf && f) f.objective.features = f.objective.features.filter((x) => x.id !== entity);
    else if (bf && !f) byId(plan, bf.objective.id)?.features.push(structuredClone(bf.feature));
    else if (bf && f)
      for (const { key } of FEATURE_FIELDS)
        if (fields.length === 0 || fields.includes(key)) Object.assign(f.feature, { [key]: bf.feature[key] });
    return true;
  };
  let lastRefused: RefusedDto[] = [];
  /** Changes of an interrupted push Targetprocess has not confirmed. */
  let unfinished = 0;
  let cutNextPush = false;

  return {
    /** Called when a plan is opened: Targetprocess holds what was opened. */
    opened(plan: PlanDto) {
      editors = [];
      base = structuredClone(plan);
      tp = structuredClone(plan);
      conflicts = [];
      lastRefused = [];
      unfinished = 0;
      cutNextPush = false;
    },
    /** The next push is cut off before Targetprocess answers (for tests). */
    cutNextPush() {
      cutNextPush = true;
    },
    /** Another planner edits an objective in Targetprocess. */
    editInTargetprocess(objective: number, patch: Partial<ObjectiveDto>, editor = "Mira Ostrava") {
      const o = tp?.objectives[objective];
      if (o) Object.assign(o, patch);
      if (o && !editors.includes(editor)) editors.push(editor);
    },
    /** What Targetprocess had at the last pull or push. */
    tracking: () => structuredClone(base),
    /** The Targetprocess users who edited since the last call (the last pull's editors). */
    takeEditors() {
      const out = editors;
      editors = [];
      return out;
    },
    /** What Targetprocess holds now (for tests). */
    targetprocess: () => structuredClone(tp),
    announce(e: SyncEventDto) {
      listeners.forEach((l) => l(e));
    },
    onSyncEvent(handler: (e: SyncEventDto) => void) {
      listeners.add(handler);
      return () => void listeners.delete(handler);
    },
    pull(onProgress: (p: ProgressDto) => void): PullResultDto {
      const local = state.plan();
      if (!local || !base || !tp) throw new Error("no plan");
      if (unfinished > 0)
        throw new ClientError({
          code: "interrupted_push",
          message: `A push was interrupted before Targetprocess confirmed ${changes(unfinished)}.`,
          hints: ["Finish the interrupted push, then pull again.", "Nothing is lost: your edits stay in the plan."],
        });
      onProgress({ step: "readingPlan" });
      onProgress({ step: "fetching" });
      onProgress({ step: "merging" });
      const fromTp: string[] = [];
      const merged = structuredClone(local);
      for (const o of merged.objectives) {
        const b = byId(base, o.id);
        const r = byId(tp, o.id);
        if (!b || !r) continue;
        for (const { key } of FIELDS) {
          if (r[key] === b[key] || r[key] === o[key]) continue;
          if (o[key] === b[key]) {
            fromTp.push(`${label(key)} ${words(key, b[key])} → ${words(key, r[key])} on "${o.name}"`);
            Object.assign(o, { [key]: r[key] });
          } else if (!conflicts.some((c) => c.id === o.id && c.field === key)) {
            conflicts.push({ id: o.id ?? "", name: o.name, field: key, base: b[key], mine: o[key], theirs: r[key] });
          }
        }
      }
      const changed = JSON.stringify(tp) !== JSON.stringify(base);
      base = structuredClone(tp);
      state.setPlan(merged);
      onProgress({ step: "committing" });
      const result = { fromTp, local: 0, conflicts: conflicts.map(toDto), tpChanged: changed };
      if (conflicts.length > 0)
        this.announce({ view: "conflicts", title: `${conflicts.length === 1 ? "1 conflict" : `${conflicts.length} conflicts`} in your plan`, body: "Open PI Planner to choose." });
      return result;
    },
    preview(): PushOutcomeDto {
      const local = state.plan();
      if (!local || !base) throw new Error("no plan");
      if (conflicts.length > 0) return { kind: "blocked", conflicts: conflicts.length };
      const ops = opsOf(local, base);
      return ops.length === 0 ? { kind: "nothingToPush", resumed: 0 } : { kind: "preview", ops };
    },
    push(confirmDeletes: boolean, onProgress: (p: ProgressDto) => void): PushOutcomeDto {
      if (unfinished > 0) this.resume(onProgress);
      const first = this.preview();
      if (first.kind !== "preview") return first;
      const local = state.plan();
      if (!local || !base || !tp) throw new Error("no plan");
      if (!confirmDeletes && first.ops.some((o) => o.delete)) return { kind: "needsConfirmation", ops: first.ops };
      const stale: string[] = [];
      for (const o of local.objectives) {
        const b = byId(base, o.id);
        const r = byId(tp, o.id);
        if (!b || !r) continue;
        for (const { key } of FIELDS)
          if (o[key] !== b[key] && r[key] !== b[key])
            stale.push(`${label(key)} of "${o.name}" is now ${words(key, r[key])} in Targetprocess`);
      }
      if (stale.length > 0) return { kind: "remoteChanged", stale };
      onProgress({ step: "readingPlan" });
      onProgress({ step: "fetching" });
      if (cutNextPush) {
        cutNextPush = false;
        unfinished = first.ops.length;
        throw new ClientError({
          code: "unreachable",
          message: "Targetprocess could not be reached.",
          hints: ["Check the URL and your network or VPN connection."],
        });
      }
      return this.send(local, onProgress);
    },
    /** Sends the plan: what Targetprocess refuses stays out of its copy and is listed as refused. */
    send(local: PlanDto, onProgress: (p: ProgressDto) => void): PushOutcomeDto {
      if (!base) throw new Error("no plan");
      const all = planned(local, base);
      const refusedNow = all.flatMap((p) => {
        const why = refusal(p);
        return why ? [{ p, why }] : [];
      });
      const accepted = structuredClone(local);
      for (const { p } of refusedNow) revert(accepted, base, p.entity, p.fields);
      tp = structuredClone(accepted);
      base = structuredClone(accepted);
      lastRefused = refusedNow.map(({ p, why }) => ({
        entity: p.entity,
        fields: p.fields,
        kind: p.kind,
        name: p.name,
        change: p.dto.lines,
        reason: why,
      }));
      unfinished = 0;
      onProgress({ step: "sent", sent: all.length, total: all.length });
      onProgress({ step: "committing" });
      const sent = all.filter((p) => !refusal(p)).map((p) => p.dto);
      return {
        kind: "pushed",
        summary: { sent, refused: lastRefused, created: 0, mismatches: [], resumed: 0 },
      };
    },
    /** "Finish the interrupted push". */
    resume(onProgress: (p: ProgressDto) => void): PushOutcomeDto {
      const local = state.plan();
      if (unfinished === 0 || !local) return { kind: "nothingToPush", resumed: 0 };
      onProgress({ step: "fetching" });
      return this.send(local, onProgress);
    },
    /** "Discard this change": the item, or its fields, as Targetprocess had it at the last sync. */
    discard(entity: string, fields: string[]) {
      const local = state.plan();
      if (!local || !base || !revert(local, base, entity, fields)) throw new Error("This change is not in the plan any more.");
      state.setPlan(local);
    },
    conflicts: () => conflicts.map(toDto),
    resolve(entity: string, field: string | null, choice: ChoiceDto): ConflictDto[] {
      const c = conflicts.find((x) => x.id === entity && x.field === field);
      const plan = state.plan();
      const o = byId(plan, entity);
      if (!c || !plan || !o) throw new Error("This conflict is not open any more.");
      let value: Value = c.mine;
      if (choice.kind === "keepTheirs") value = c.theirs;
      if (choice.kind === "keepBoth") value = `${String(c.mine ?? "")}\n\n${String(c.theirs ?? "")}`;
      if (choice.kind === "edit") {
        value = c.field === "effort" ? Number(choice.value) : choice.value;
        if (c.field === "effort" && Number.isNaN(value)) throw new Error(`"${choice.value}" is not a number.`);
      }
      Object.assign(o, { [c.field]: value });
      state.setPlan(plan);
      conflicts = conflicts.filter((x) => x !== c);
      return conflicts.map(toDto);
    },
    resolveAll(choice: ChoiceDto): ConflictDto[] {
      for (const c of [...conflicts]) this.resolve(c.id, c.field, choice);
      return [];
    },
    status() {
      const local = state.plan();
      const pending = local && base ? planned(local, base) : [];
      return {
        localChanges: pending.length,
        conflicts: conflicts.length,
        unfinishedPush: unfinished,
        refused: lastRefused.filter((r) => pending.some((p) => p.entity === r.entity)),
      };
    },
  };
}

export type BrowserSync = ReturnType<typeof browserSync>;
