// Plans for component tests, as the app's `plan_get` answers them: data only.
import type { ObjectiveDto, PickItem, PlanDto } from "../src/ipc";

/**
 * A team's plan: three objectives ("Self-service sign-up" and "Single sign-on for partners"
 * committed and owned by Ann Planner, "Usage dashboard" uncommitted), efforts 8, 16 and 24, each
 * with one feature of 5 points owned by Bo Builder.
 */
export function demoPlan(art: PickItem, release: PickItem, team: PickItem): PlanDto {
  const objective = (n: number, name: string, committed: boolean): ObjectiveDto => ({
    id: `tp:${team.id * 100 + n}`,
    name,
    description: `Why ${name.toLowerCase()} matters this PI.`,
    status: "Accepted",
    effort: 8 * n,
    owner: committed ? "Ann Planner" : null,
    committed,
    businessValue: 10 - n,
    actualBusinessValue: null,
    programObjective: "tp:900",
    features: [
      {
        id: `tp:${team.id * 1000 + n}`,
        kind: "feature",
        name: `${name}: first slice`,
        description: "",
        status: "Backlog",
        effort: 5,
        owner: "Bo Builder",
        acceptanceCriteria: [
          { text: "Works for the pilot customers", done: true },
          { text: "Documented in the ops manual", done: false },
        ],
        jiraKey: `DEMO-${n}`,
        jiraUrl: null,
        jiraBrowseUrl: `https://jira.example.com/browse/DEMO-${n}`,
        stories: [],
      },
    ],
  });
  return {
    art: { id: art.id, name: art.name },
    release: { id: release.id, name: release.name },
    team: { id: team.id, name: team.name },
    tpUrl: "https://demo.tpondemand.com",
    jiraUrl: "https://jira.example.com",
    programObjectives: [{ id: "tp:900", name: "Faster onboarding for new customers" }],
    objectives: [
      objective(1, "Self-service sign-up", true),
      objective(2, "Single sign-on for partners", true),
      objective(3, "Usage dashboard", false),
    ],
    notes: "",
  };
}

/** Platform Eco's plan for PI-1/26 on the Platform ART (team 101: objectives tp:10101…). */
export const platformPlan = (): PlanDto =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });
