// Reordering of objectives and features: a pure move within a list, and where keyboard focus
// goes after a move so the planner can keep pressing the same button.

/** `list` with the item at `index` moved `delta` places (clamped to the list); a new array. */
export function moved<T>(list: readonly T[], index: number, delta: number): T[] {
  const out = [...list];
  if (index < 0 || index >= out.length) return out;
  const to = Math.min(out.length - 1, Math.max(0, index + delta));
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item as T);
  return out;
}

/** Whether the item at `index` can move `delta` places within a list of `length` items. */
export function canMove(length: number, index: number, delta: number): boolean {
  const to = index + delta;
  return index >= 0 && index < length && to >= 0 && to < length && delta !== 0;
}

export type Direction = "up" | "down";

/** The move button to focus after an item moved to `index`: the same direction while it can
 * still move that way, otherwise the other one. */
export function focusAfterMove(length: number, index: number, direction: Direction): Direction {
  const delta = direction === "up" ? -1 : 1;
  return canMove(length, index, delta) ? direction : direction === "up" ? "down" : "up";
}

/** An item created in the plan and not pushed to Targetprocess yet (a local id, `new:…`). */
export function notInTargetprocess(id: string | null | undefined): boolean {
  return id?.startsWith("new:") ?? false;
}
