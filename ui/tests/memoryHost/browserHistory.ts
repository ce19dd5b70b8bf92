// The browser host's history: every saved version of the open plan kept in memory (opening,
// saves, undo, pulls, pushes, resolutions) with who made it, a semantic comparison of two
// versions in TypeScript (objectives and features by id, field changes, word-level highlights of
// descriptions and acceptance criteria, effort totals), what differs from the last pull or push,
// and effort over time. A much smaller model than the app's engine, enough to run the History
// screen in a browser.
import type {
  ComparisonDto,
  EffortSeriesDto,
  EffortTotalsDto,
  EntityChangeDto,
  FeatureDto,
  FieldChangeDto,
  HistoryDto,
  ObjectiveDto,
  PlanDto,
  ProgramEffortDto,
  SyncChangeDto,
  VersionDto,
  VersionKindDto,
  WordSpanDto,
} from "../../src/ipc/generated/types";

interface Version {
  rev: string;
  at: string;
  kind: VersionKindDto;
  who: string;
  editors: string[];
  by: string | null;
  subject: string;
  plan: PlanDto;
  /** What the version's changes are counted against, when not the version before. */
  against?: PlanDto;
}

const SUBJECTS: Record<VersionKindDto, string> = {
  import: "Initial plan from Targetprocess",
  save: "Edit the plan",
  undo: "Undo the last edit",
  teammate: "Edit the plan",
  pull: "Pull from Targetprocess",
  push: "Targetprocess after push",
  merge: "Merge",
  resolve: "Resolve conflicts",
  autoSync: "Pull from Targetprocess",
};

/** The word-level difference of two texts: words and the whitespace after them, longest common
 * subsequence; `equal` + `delete` spell the old text, `equal` + `insert` the new one. */
export function wordDiff(before: string, after: string): WordSpanDto[] {
  const split = (s: string) => s.match(/\S+|\s+/g) ?? [];
  const a = split(before);
  const b = split(after);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const spans: WordSpanDto[] = [];
  const add = (tag: WordSpanDto["tag"], text: string) => {
    const last = spans[spans.length - 1];
    if (last && last.tag === tag) last.text += text;
    else spans.push({ tag, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      add("equal", a[i]!);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      add("delete", a[i]!);
      i++;
    } else {
      add("insert", b[j]!);
      j++;
    }
  }
  return spans;
}

type Entity = ObjectiveDto | FeatureDto;
interface FieldDef<T> {
  field: string;
  label: string;
  get: (e: T) => string;
  text?: boolean;
}

const points = (n: number | null) => (n === null ? "(none)" : `${n} points`);
const opt = (s: string | null) => s ?? "(none)";
const criteria = (f: FeatureDto) =>
  f.acceptanceCriteria.length === 0 ? "(none)" : f.acceptanceCriteria.map((c) => `[${c.done ? "x" : " "}] ${c.text}`).join("\n");

const OBJECTIVE_FIELDS: FieldDef<ObjectiveDto>[] = [
  { field: "name", label: "Name", get: (o) => o.name },
  { field: "description", label: "Description", get: (o) => o.description || "(empty)", text: true },
  { field: "status", label: "Status", get: (o) => opt(o.status) },
  { field: "effort", label: "Effort", get: (o) => points(o.effort) },
  { field: "owner", label: "Owner", get: (o) => opt(o.owner) },
  { field: "committed", label: "Committed", get: (o) => (o.committed ? "yes" : "no") },
  { field: "business_value", label: "Business Value", get: (o) => (o.businessValue === null ? "(none)" : String(o.businessValue)) },
  { field: "program_objective", label: "Program Objective", get: (o) => opt(o.programObjective) },
];
const FEATURE_FIELDS: FieldDef<FeatureDto>[] = [
  { field: "name", label: "Name", get: (f) => f.name },
  { field: "description", label: "Description", get: (f) => f.description || "(empty)", text: true },
  { field: "status", label: "Status", get: (f) => opt(f.status) },
  { field: "effort", label: "Effort", get: (f) => points(f.effort) },
  { field: "owner", label: "Owner", get: (f) => opt(f.owner) },
  { field: "acceptance_criteria", label: "Acceptance Criteria", get: criteria, text: true },
  { field: "jira", label: "Jira", get: (f) => opt(f.jiraKey) },
];

function fieldChanges<T extends Entity>(defs: FieldDef<T>[], before: T | undefined, after: T | undefined): FieldChangeDto[] {
  const out: FieldChangeDto[] = [];
  for (const d of defs) {
    const b = before ? d.get(before) : "(deleted)";
    const a = after ? d.get(after) : "(deleted)";
    if (b === a) continue;
    const blank = (v: string) => v === "(deleted)" || v === "(none)" || v === "(empty)" || v === "no" || v === "";
    if (blank(b) && blank(a)) continue;
    const words = d.text && before && after ? wordDiff(b, a) : null;
    out.push({ field: d.field, label: d.label, before: b, after: a, words });
  }
  return out;
}

/** The semantic difference of two plans, as the app's engine lists it. */
export function comparePlans(before: PlanDto, after: PlanDto): Pick<ComparisonDto, "entities" | "effort"> {
  const entities: EntityChangeDto[] = [];
  const oldObjectives = new Map(before.objectives.map((o) => [o.id, o]));
  const newObjectives = new Map(after.objectives.map((o) => [o.id, o]));
  const oldFeatures = new Map(before.objectives.flatMap((o) => o.features.map((f) => [f.id, { o, f }] as const)));
  const newFeatures = new Set(after.objectives.flatMap((o) => o.features.map((f) => f.id)));
  const entity = (kind: string, e: Entity, presence: string, fields: FieldChangeDto[], objective: string | null = null) => ({
    kind,
    id: e.id ?? "",
    name: e.name,
    objective,
    presence,
    movedFrom: null as string | null,
    movedTo: null as string | null,
    fields,
  });
  const removedFeatures = (o: ObjectiveDto) => {
    for (const f of o.features)
      if (!newFeatures.has(f.id)) entities.push(entity("feature", f, "removed", fieldChanges(FEATURE_FIELDS, f, undefined), o.name));
  };
  for (const o of after.objectives) {
    const was = oldObjectives.get(o.id);
    const fields = fieldChanges(OBJECTIVE_FIELDS, was, o);
    if (!was || fields.length > 0) entities.push(entity("objective", o, was ? "changed" : "added", fields));
    for (const f of o.features) {
      const old = oldFeatures.get(f.id);
      const changes = fieldChanges(FEATURE_FIELDS, old?.f, f);
      const moved = old && old.o.id !== o.id;
      if (old && changes.length === 0 && !moved) continue;
      const e = entity("feature", f, old ? "changed" : "added", changes, o.name);
      if (moved) {
        e.movedFrom = old.o.name;
        e.movedTo = o.name;
      }
      entities.push(e);
    }
    if (was) removedFeatures(was);
  }
  for (const o of before.objectives)
    if (!newObjectives.has(o.id)) {
      entities.push(entity("objective", o, "removed", fieldChanges(OBJECTIVE_FIELDS, o, undefined)));
      removedFeatures(o);
    }
  return { entities, effort: effortTotals(before, after) };
}

const sum = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);

function sums(p: PlanDto) {
  return {
    objectives: sum(p.objectives.map((o) => o.effort)),
    committed: sum(p.objectives.filter((o) => o.committed).map((o) => o.effort)),
    features: sum(p.objectives.flatMap((o) => o.features.map((f) => f.effort))),
  };
}

function effortTotals(before: PlanDto, after: PlanDto): EffortTotalsDto {
  const b = sums(before);
  const a = sums(after);
  const programs = [...after.programObjectives, ...before.programObjectives].filter(
    (p, i, all) => all.findIndex((q) => q.id === p.id) === i,
  );
  const linked = (p: PlanDto, id: string | null) => sum(p.objectives.filter((o) => o.programObjective === id).map((o) => o.effort));
  const rows: ProgramEffortDto[] = programs.map((p) => ({
    id: p.id,
    name: p.name,
    effort: { before: linked(before, p.id), after: linked(after, p.id) },
  }));
  const none = { before: linked(before, null), after: linked(after, null) };
  if (none.before !== 0 || none.after !== 0) rows.push({ id: null, name: "(no program objective)", effort: none });
  return {
    team: after.team.name,
    objectives: { before: b.objectives, after: a.objectives },
    committed: { before: b.committed, after: a.committed },
    features: { before: b.features, after: a.features },
    programObjectives: rows,
  };
}

function changeLine(e: EntityChangeDto): string {
  if (e.presence === "added") return `Added ${e.kind} "${e.name}"`;
  if (e.presence === "removed") return `Removed ${e.kind} "${e.name}"`;
  const parts = e.fields.map((f) => (f.words ? `${f.label} edited` : `${f.label} ${f.before} → ${f.after}`));
  if (e.movedFrom) parts.push(`moved from "${e.movedFrom}" to "${e.movedTo}"`);
  return `${parts.join(", ")} on "${e.name}"`;
}

/** A commit-like id (40 hex digits) for the n-th version: the same for the same n. */
function commitId(n: number): string {
  let x = (n * 2654435761) >>> 0 || 1;
  let out = "";
  while (out.length < 40) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += x.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

/** At most this many versions are kept, as the app lists at most this many. */
export const HISTORY_LIMIT = 200;

export function browserHistory(now: () => Date = () => new Date()) {
  let versions: Version[] = [];
  let dropped = false;
  let serial = 0;
  const empty = (p: PlanDto): PlanDto => ({ ...p, objectives: [], programObjectives: [] });
  const find = (rev: string) => versions.find((v) => v.rev === rev);

  return {
    /** Forgets every version (another plan was opened). */
    reset() {
      versions = [];
      dropped = false;
    },
    /** Records a version when `plan` differs from the newest one. */
    record(
      kind: VersionKindDto,
      plan: PlanDto,
      who: string,
      options: { editors?: string[]; by?: string | null; against?: PlanDto } = {},
    ) {
      const last = versions[versions.length - 1];
      if (!options.against && last && JSON.stringify(last.plan) === JSON.stringify(plan)) return;
      serial += 1;
      const rev = commitId(serial);
      versions.push({
        rev,
        at: now().toISOString(),
        kind,
        who,
        editors: options.editors ?? [],
        by: options.by ?? null,
        subject: SUBJECTS[kind],
        plan: structuredClone(plan),
        against: options.against && structuredClone(options.against),
      });
      if (versions.length > HISTORY_LIMIT) {
        versions = versions.slice(-HISTORY_LIMIT);
        dropped = true;
      }
    },
    list(): HistoryDto {
      const out: VersionDto[] = versions.map((v, i) => {
        const { entities } = comparePlans(v.against ?? (i === 0 ? empty(v.plan) : versions[i - 1]!.plan), v.plan);
        return {
          rev: v.rev,
          shortId: v.rev.slice(0, 8),
          at: v.at,
          kind: v.kind,
          who: v.who,
          editors: v.editors,
          by: v.by,
          subject: v.subject,
          baselines: [],
          changes: entities.slice(0, 5).map(changeLine),
          changed: entities.length,
        };
      });
      return { versions: out.reverse(), baselines: [], capped: dropped, limit: HISTORY_LIMIT, uncommitted: false, failedPushes: [] };
    },
    /** The plan at `rev` (`working`, `tp` or a recorded version), with its label. */
    resolve(rev: string, working: PlanDto, tp: PlanDto) {
      if (rev === "working") return { plan: working, side: { rev, label: "your working plan", shortId: null, at: null, who: null } };
      if (rev === "tp") return { plan: tp, side: { rev, label: "Targetprocess (last pull)", shortId: null, at: null, who: null } };
      const v = find(rev);
      if (!v) return null;
      return { plan: v.plan, side: { rev, label: `the version by ${v.who}`, shortId: rev.slice(0, 8), at: v.at, who: v.who } };
    },
    series(team: string): EffortSeriesDto {
      return {
        team,
        points: versions.map((v) => {
          const s = sums(v.plan);
          return { rev: v.rev, at: v.at, kind: v.kind, committed: s.committed, total: s.objectives, baselines: [] };
        }),
        capped: dropped,
        limit: HISTORY_LIMIT,
      };
    },
  };
}

/** The objectives and features of `plan` that differ from `tp`. */
export function syncChanges(tp: PlanDto, plan: PlanDto): SyncChangeDto[] {
  return comparePlans(tp, plan).entities.map((e) => ({
    kind: e.kind,
    id: e.id,
    name: e.name,
    presence: e.presence,
    fields: [...e.fields.map((f) => f.label), ...(e.movedFrom ? ["Objective"] : [])],
  }));
}

export type BrowserHistory = ReturnType<typeof browserHistory>;
