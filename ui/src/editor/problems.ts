// What the editor refuses to save, by field: an empty name, an empty acceptance criterion, and
// an owner who is not a Targetprocess user (where the planner set or changed the owner). Text
// typed into a number field that is not a number is reported by the field itself.
import type { FeatureDto, ObjectiveDto } from "../ipc";

export const NOT_A_USER = "Not a Targetprocess user — pick one from the list";

/** Problems keyed `name`, `owner`, `f2.name`, `f2.owner`, `f2.c0` (feature 3, criterion 1). */
export type Problems = Record<string, string>;

export function isUser(users: string[], owner: string): boolean {
  const wanted = owner.trim().toLowerCase();
  return users.some((u) => u.toLowerCase() === wanted);
}

function ownerProblem(owner: string | null, before: string | null | undefined, users: string[] | undefined) {
  if (!owner?.trim() || owner === before || !users) return null;
  return isUser(users, owner) ? null : NOT_A_USER;
}

export function problemsOf(draft: ObjectiveDto, saved: ObjectiveDto, users: string[] | undefined): Problems {
  const out: Problems = {};
  const savedFeatures = new Map(saved.features.filter((f) => f.id).map((f) => [f.id, f] as const));
  if (!draft.name.trim()) out.name = "Give the objective a name";
  const owner = ownerProblem(draft.owner, saved.owner, users);
  if (owner) out.owner = owner;
  draft.features.forEach((f: FeatureDto, i) => {
    if (!f.name.trim()) out[`f${i}.name`] = "Give the feature a name";
    const fo = ownerProblem(f.owner, f.id ? savedFeatures.get(f.id)?.owner : undefined, users);
    if (fo) out[`f${i}.owner`] = fo;
    f.acceptanceCriteria.forEach((c, j) => {
      if (!c.text.trim()) out[`f${i}.c${j}`] = "Write the criterion, or remove it";
    });
  });
  return out;
}
