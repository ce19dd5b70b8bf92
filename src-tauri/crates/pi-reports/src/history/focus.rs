//! One objective or feature cut out of a plan, so a version can be compared for that entity
//! alone. An entity keeps its identity across the push that replaced its local id with a
//! Targetprocess id (the aliases come from the operation log).

use pi_model::diff::EntityDiff;
use pi_model::{EntityId, Plan, TeamObjective};

use pi_engine::oplog::OpEntry;

/// The entity a history is about, with the other ids it had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focus {
    pub id: EntityId,
    pub aliases: Vec<EntityId>,
}

impl Focus {
    /// `id` and the ids the operation log says it had before or after a push created it.
    pub fn new(id: &EntityId, log: &[OpEntry]) -> Focus {
        let aliases = log
            .iter()
            .flat_map(|e| &e.created)
            .filter_map(|(local, tp)| match id {
                EntityId::Tp(n) if n == tp => Some(local.clone()),
                EntityId::Local(_) if id == local => Some(EntityId::Tp(*tp)),
                _ => None,
            })
            .collect();
        Focus {
            id: id.clone(),
            aliases,
        }
    }

    /// A change of the entity itself or, for an objective, of one of its features.
    pub fn concerns(&self, change: &EntityDiff) -> bool {
        change.id == self.id || change.objective.as_ref().is_some_and(|o| o.id == self.id)
    }

    fn matches(&self, id: &EntityId) -> bool {
        id == &self.id || self.aliases.contains(id)
    }

    /// A plan holding only the entity (under its canonical id): an objective with its
    /// features, or a feature under a copy of its objective without the other features.
    /// Empty when the plan does not have it.
    pub fn cut(&self, plan: &Plan) -> Plan {
        let objectives = plan.objectives.iter().find_map(|o| self.cut_objective(o));
        Plan {
            objectives: objectives.into_iter().collect(),
            ..Plan::default()
        }
    }

    fn cut_objective(&self, o: &TeamObjective) -> Option<TeamObjective> {
        if self.matches(&o.id) {
            let mut own = o.clone();
            own.id = self.id.clone();
            return Some(own);
        }
        let feature = o.features.iter().find(|f| self.matches(&f.id))?;
        let mut feature = feature.clone();
        feature.id = self.id.clone();
        Some(TeamObjective {
            id: o.id.clone(),
            name: o.name.clone(),
            description: o.description.clone(),
            status: o.status.clone(),
            effort: o.effort,
            owner: o.owner.clone(),
            committed: o.committed,
            business_value: o.business_value,
            actual_business_value: o.actual_business_value,
            program_objective: o.program_objective.clone(),
            features: vec![feature],
        })
    }
}
