// The browser host's sync: a Targetprocess copy of the open plan, pulls with a field-level
// three-way merge of the objectives' fields, pushes with a preview, preflight and deletions that
// need confirmation, and conflicts with keep mine / keep theirs / keep both / edit. A much
// smaller model than the app's engine, enough to run the sync screens in a browser.
import type {
  ChoiceDto,
  ConflictDto,
  ObjectiveDto,
  OpDto,
  PlanDto,
  ProgressDto,
  PullResultDto,
  PushOutcomeDto,
  SyncEventDto,
} from "./client";

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

function words(field: Field, v: Value): string {
  if (v === null || v === undefined || v === "") return field === "description" ? "(empty)" : "(none)";
  if (field === "effort") return `${v} points`;
  if (field === "committed") return v ? "yes" : "no";
  return String(v);
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
}

export function browserSync(state: SyncState) {
  let base: PlanDto | null = null;
  let tp: PlanDto | null = null;
  let conflicts: StoredConflict[] = [];
  /** Targetprocess users who edited since the last pull. */
  let editors: string[] = [];
  const listeners = new Set<(e: SyncEventDto) => void>();

  const byId = (p: PlanDto | null, id: string | null) => p?.objectives.find((o) => o.id === id);
  const opsOf = (local: PlanDto, from: PlanDto): OpDto[] => {
    const ops: OpDto[] = [];
    for (const o of local.objectives) {
      const b = byId(from, o.id);
      if (!b) {
        ops.push({ lines: [`Create objective "${o.name}"`], delete: false });
        continue;
      }
      const lines = FIELDS.filter((f) => o[f.key] !== b[f.key]).map(
        (f) => `${f.label} ${words(f.key, b[f.key])} → ${words(f.key, o[f.key])} on "${o.name}"`,
      );
      if (lines.length > 0) ops.push({ lines, delete: false });
    }
    for (const b of from.objectives)
      if (!byId(local, b.id)) ops.push({ lines: [`Delete objective "${b.name}"`], delete: true });
    return ops;
  };

  return {
    /** Called when a plan is opened: Targetprocess holds what was opened. */
    opened(plan: PlanDto) {
      editors = [];
      base = structuredClone(plan);
      tp = structuredClone(plan);
      conflicts = [];
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
      onProgress({ step: 1, of: 2, message: "Reading the team's plan from Targetprocess" });
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
      onProgress({ step: 2, of: 2, message: `${fromTp.length} change(s) from Targetprocess, ${conflicts.length} conflict(s)` });
      const result = { fromTp, local: 0, conflicts: conflicts.map(toDto), tpChanged: changed };
      if (conflicts.length > 0)
        this.announce({ view: "conflicts", title: `${conflicts.length} conflict(s) in your plan`, body: "Open PI Planner to choose." });
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
      onProgress({ step: 1, of: 2, message: `Sending ${first.ops.length} change(s) to Targetprocess` });
      tp = structuredClone(local);
      base = structuredClone(local);
      onProgress({ step: 2, of: 2, message: "Done" });
      return {
        kind: "pushed",
        summary: { sent: first.ops.flatMap((o) => o.lines), failed: [], created: 0, mismatches: [], resumed: 0 },
      };
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
      return {
        localChanges: local && base ? opsOf(local, base).length : 0,
        conflicts: conflicts.length,
        unfinishedPush: 0,
      };
    },
  };
}

export type BrowserSync = ReturnType<typeof browserSync>;
