// Where validation findings go in the editor: next to the field they name.
import type { BlockingFindingDto, FindingDto, PlanDto } from "../ipc";

export interface FieldFindings {
  error?: string;
  warning?: string;
}

/** Findings of one field of an objective (feature null) or of one of its features. */
export function fieldFindings(
  findings: FindingDto[],
  objective: number,
  feature: number | null,
  field: string,
): FieldFindings {
  const here = findings.filter((f) => f.objective === objective && f.feature === feature && f.field === field);
  const join = (s: FindingDto["severity"]) =>
    here
      .filter((f) => f.severity === s)
      .map((f) => f.message)
      .join("; ") || undefined;
  return { error: join("error"), warning: join("warning") };
}

/** Findings of an objective or its features that no field of the form shows. */
export function otherFindings(findings: FindingDto[], objective: number | null, shown: string[]): FindingDto[] {
  return findings.filter((f) => f.objective === objective && (f.field === null || !shown.includes(f.field)));
}

/** Count of errors for an objective including its features. */
export function errorCount(findings: FindingDto[], objective: number): number {
  return findings.filter((f) => f.objective === objective && f.severity === "error").length;
}

/** Added to the message of an error that stopped the last push. */
export const STOPS_THE_PUSH = " — this stops the push";

const sameFinding = (a: FindingDto, b: FindingDto) =>
  a.rule === b.rule && a.objective === b.objective && a.feature === b.feature && a.field === b.field;

/** The push gate's findings located in `plan` by their items' ids, as editor findings. */
export function locateBlocking(plan: PlanDto, blocking: BlockingFindingDto[]): FindingDto[] {
  return blocking.flatMap((b): FindingDto[] => {
    let at: [number | null, number | null] | null = b.item === null ? [null, null] : null;
    plan.objectives.forEach((o, i) => {
      if (o.id === b.item) at = [i, null];
      o.features.forEach((f, j) => {
        if (f.id === b.item) at = [i, j];
      });
    });
    if (!at) return [];
    const [objective, feature] = at;
    return [{ severity: "error", rule: b.rule, objective, feature, field: b.field, message: b.message }];
  });
}

/** The push gate's findings the plan still has (the others were fixed since). */
export function stillBlocking(findings: FindingDto[], blocking: FindingDto[]): FindingDto[] {
  return blocking.filter((b) => findings.some((f) => f.severity === "error" && sameFinding(f, b)));
}

/** `findings` with each error that stopped the last push saying so at its field. */
export function markBlocking(findings: FindingDto[], blocking: FindingDto[]): FindingDto[] {
  if (blocking.length === 0) return findings;
  return findings.map((f) =>
    f.severity === "error" && blocking.some((b) => sameFinding(f, b)) ? { ...f, message: f.message + STOPS_THE_PUSH } : f,
  );
}
