//! Effort totals of a plan before and after a change: for the team (all objectives, committed
//! objectives, features) and per program objective the team objectives support.

use serde::{Deserialize, Serialize};

use crate::{EntityId, Plan};

/// One sum of effort points before and after.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Totals {
    pub before: f64,
    pub after: f64,
}

impl Totals {
    /// `after - before`.
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }
}

/// The team's effort: objective effort (all and committed only) and feature effort.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamEffort {
    pub team: String,
    pub objectives: Totals,
    pub committed: Totals,
    pub features: Totals,
}

/// Objective effort supporting one program objective (`id: None`: objectives linked to none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProgramEffort {
    pub id: Option<EntityId>,
    pub name: String,
    pub effort: Totals,
}

/// Effort before and after, per team and per program objective.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EffortTotals {
    pub team: TeamEffort,
    /// In the order of the new plan's program objectives, then ones only the old plan had, then
    /// linked ones neither plan lists, then the unlinked objectives (when there are any).
    pub program_objectives: Vec<ProgramEffort>,
}

/// Sums of one plan: objectives, committed objectives, features.
fn team_sums(plan: &Plan) -> (f64, f64, f64) {
    let points = |e: Option<crate::Effort>| e.map_or(0.0, crate::Effort::points);
    let objectives = plan.objectives.iter().map(|o| points(o.effort)).sum();
    let committed = plan
        .objectives
        .iter()
        .filter(|o| o.committed)
        .map(|o| points(o.effort))
        .sum();
    let features = plan.features().map(|(_, f)| points(f.effort)).sum();
    (objectives, committed, features)
}

fn program_sum(plan: &Plan, id: Option<&EntityId>) -> f64 {
    plan.objectives
        .iter()
        .filter(|o| o.program_objective.as_ref() == id)
        .map(|o| o.effort.map_or(0.0, crate::Effort::points))
        .sum()
}

/// Effort totals of `before` and `after`.
pub fn effort_totals(before: &Plan, after: &Plan) -> EffortTotals {
    let (bo, bc, bf) = team_sums(before);
    let (ao, ac, af) = team_sums(after);
    let team = TeamEffort {
        team: after.team.name.clone(),
        objectives: Totals {
            before: bo,
            after: ao,
        },
        committed: Totals {
            before: bc,
            after: ac,
        },
        features: Totals {
            before: bf,
            after: af,
        },
    };
    let mut program_objectives: Vec<ProgramEffort> = Vec::new();
    // Listed program objectives first, then links to ones the plan does not list.
    let listed = after
        .program_objectives
        .iter()
        .chain(&before.program_objectives)
        .map(|p| (&p.id, p.name.clone()));
    let linked = after
        .objectives
        .iter()
        .chain(&before.objectives)
        .filter_map(|o| o.program_objective.as_ref())
        .map(|id| (id, id.to_string()));
    for (id, name) in listed.chain(linked) {
        if program_objectives.iter().any(|e| e.id.as_ref() == Some(id)) {
            continue;
        }
        program_objectives.push(ProgramEffort {
            id: Some(id.clone()),
            name,
            effort: Totals {
                before: program_sum(before, Some(id)),
                after: program_sum(after, Some(id)),
            },
        });
    }
    let unlinked = Totals {
        before: program_sum(before, None),
        after: program_sum(after, None),
    };
    if unlinked != Totals::default() {
        program_objectives.push(ProgramEffort {
            id: None,
            name: "(no program objective)".to_owned(),
            effort: unlinked,
        });
    }
    EffortTotals {
        team,
        program_objectives,
    }
}
