// Counted nouns for planners: "1 change", "2 changes", never "change(s)".

/** `n` with `one` or `many`. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 change", "3 changes". */
export const changes = (n: number) => count(n, "change", "changes");
