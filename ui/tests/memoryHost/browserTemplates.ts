// The browser host's templates: the `[templates]` of the demo plans' pi-planner.toml, and adding
// an objective or a feature from one, as "New from template" does in the app.
import { ClientError, type FeatureDto, type ObjectiveDto, type PlanDto, type TemplateAddRequest, type TemplatesDto } from "../../src/ipc/client";

interface FeatureTemplate {
  name: string;
  description?: string;
  status?: string;
  effort?: number;
  acceptanceCriteria?: string[];
}

interface ObjectiveTemplate {
  name: string;
  description?: string;
  status?: string;
  effort?: number;
  committed?: boolean;
  businessValue?: number;
  features?: string[];
}

const FEATURES: Record<string, FeatureTemplate> = {
  spike: {
    name: "Spike",
    description: "Time-boxed investigation.",
    status: "Funnel",
    effort: 3,
    acceptanceCriteria: ["Findings written up", "Decision recorded"],
  },
  rollout: { name: "Rollout", status: "Backlog", effort: 5, acceptanceCriteria: ["Enabled for every tenant"] },
};

const OBJECTIVES: Record<string, ObjectiveTemplate> = {
  enablement: {
    name: "Platform enablement",
    description: "Help the other teams adopt the platform.",
    status: "Pending",
    effort: 8,
    businessValue: 5,
    features: ["spike", "rollout"],
  },
  "tech-debt": { name: "Pay down tech debt", status: "Pending", effort: 5, features: ["spike"] },
};

export function templateNames(): TemplatesDto {
  return { objectives: Object.keys(OBJECTIVES).sort(), features: Object.keys(FEATURES).sort() };
}

function unknown(kind: string, name: string, known: Record<string, unknown>): never {
  throw new ClientError({
    code: "unknown_template",
    message: `There is no ${kind} template "${name}".`,
    hints: [`Templates of this plan: ${Object.keys(known).sort().join(", ")}.`],
  });
}

/** `plan` with the item of `req` added; `seed` makes the new local ids unique. */
export function withTemplate(plan: PlanDto, req: TemplateAddRequest, seed: string): PlanDto {
  let n = 0;
  const id = (template: string) => `new:${template}-${seed}${n++ ? `-${n}` : ""}`;
  const feature = (name: string): FeatureDto => {
    const t = FEATURES[name] ?? unknown("feature", name, FEATURES);
    return {
      id: id(name),
      kind: "feature",
      name: t.name,
      description: t.description ?? "",
      status: t.status ?? null,
      effort: t.effort ?? null,
      owner: null,
      acceptanceCriteria: (t.acceptanceCriteria ?? []).map((text) => ({ text, done: false })),
      jiraKey: null,
      jiraUrl: null,
      jiraBrowseUrl: null,
      stories: [],
    };
  };
  const name = req.name?.trim() || null;
  const next = structuredClone(plan);
  if (req.objective === null) {
    const t = OBJECTIVES[req.template] ?? unknown("objective", req.template, OBJECTIVES);
    const objective: ObjectiveDto = {
      id: id(req.template),
      name: name ?? t.name,
      description: t.description ?? "",
      status: t.status ?? null,
      effort: t.effort ?? null,
      owner: null,
      committed: t.committed ?? false,
      businessValue: t.businessValue ?? null,
      actualBusinessValue: null,
      programObjective: null,
      features: [],
    };
    objective.features = (t.features ?? []).map(feature);
    next.objectives.push(objective);
    return next;
  }
  const target = next.objectives.find((o) => o.id === req.objective);
  if (!target)
    throw new ClientError({
      code: "invalid_input",
      message: `The plan has no objective ${req.objective}.`,
      hints: ["Pick the objective again; it may have been removed."],
    });
  const f = feature(req.template);
  if (name) f.name = name;
  target.features.push(f);
  return next;
}
