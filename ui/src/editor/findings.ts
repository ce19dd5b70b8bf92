// Where validation findings go in the editor: next to the field they name.
import type { FindingDto } from "../ipc";

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
