// Planner words for versions: what made them, when, and how a version is named in the pickers.
import type { VersionDto, VersionKindDto } from "../ipc";

export const KIND_LABELS: Record<VersionKindDto, string> = {
  import: "Opened from Targetprocess",
  save: "Saved edit",
  undo: "Edit undone",
  teammate: "Teammate's edit",
  pull: "Pull from Targetprocess",
  push: "Push to Targetprocess",
  merge: "Merge",
  resolve: "Conflicts resolved",
  autoSync: "Background sync",
};

export const KIND_COLORS: Record<VersionKindDto, string> = {
  import: "gray",
  save: "blue",
  undo: "gray",
  teammate: "violet",
  pull: "teal",
  push: "green",
  merge: "orange",
  resolve: "red",
  autoSync: "cyan",
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** `24 Nov 2026, 05:33`; the text itself when it is no date. */
export function when(at: string | null): string {
  if (!at) return "";
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : dateTime.format(d);
}

/** The name of a version in the Before / After pickers. */
export function versionName(v: VersionDto): string {
  return `${KIND_LABELS[v.kind]} · ${v.who} · ${when(v.at)}`;
}

/** Who made a version, with the Targetprocess users and the planner who ran a pull or push. */
export function attribution(v: VersionDto): string {
  let out = v.who;
  if (v.editors.length > 0) out += ` (edited by ${v.editors.join(", ")})`;
  const verb = v.kind === "push" ? "pushed" : v.kind === "import" ? "opened" : "pulled";
  if (v.by && v.by !== v.who) out += ` · ${verb} by ${v.by}`;
  return out;
}

/** `+3`, `−2`, `0`. */
export function delta(before: number, after: number): string {
  const d = Math.round((after - before) * 100) / 100;
  if (d > 0) return `+${d}`;
  if (d < 0) return `−${-d}`;
  return "0";
}
