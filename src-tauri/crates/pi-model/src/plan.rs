//! The plan: one team's PI objectives and features for one release of one ART.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Effort, EntityId};

/// A named Targetprocess entity the plan belongs to (ART, release, team), with its TP id once
/// known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Named {
    pub id: Option<i64>,
    pub name: String,
}

/// Stable facts about where a plan comes from. Nothing volatile (no timestamps): the per-entity
/// sync base lives on the tracking branch, not in the file the planner edits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanMeta {
    /// The Targetprocess account the plan is synced with, e.g. `https://acme.tpondemand.com`.
    pub tp_url: Option<String>,
    /// The Jira site feature Jira keys point to, e.g. `https://acme.atlassian.net`.
    pub jira_url: Option<String>,
}

/// A team's PI plan for one release.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Plan {
    pub art: Named,
    pub release: Named,
    pub team: Named,
    pub meta: PlanMeta,
    /// Program (ART-level) objectives, read-only reference the team objectives align to.
    pub program_objectives: Vec<ProgramObjective>,
    /// The team's objectives in the order the team keeps them.
    pub objectives: Vec<TeamObjective>,
    /// Free markdown the team keeps with the plan (kept verbatim, never sent to TP).
    pub notes: String,
}

/// A program PI objective, shown for reference; never edited through a team plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProgramObjective {
    /// TP id; a local id only for program objectives known by name alone (legacy imports).
    pub id: EntityId,
    pub name: String,
}

/// A team PI objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamObjective {
    pub id: EntityId,
    pub name: String,
    /// Markdown, kept exactly as written.
    pub description: String,
    /// Targetprocess state name (e.g. `Pending`, `Accepted`).
    pub status: Option<String>,
    pub effort: Option<Effort>,
    pub owner: Option<String>,
    /// Committed (true) or uncommitted/stretch (false) objective.
    pub committed: bool,
    /// Planned business value (SAFe, 1–10 by convention).
    pub business_value: Option<u32>,
    /// Actual business value, assessed at the end of the PI.
    pub actual_business_value: Option<u32>,
    /// The program objective this objective supports (one of [`Plan::program_objectives`]).
    pub program_objective: Option<EntityId>,
    pub features: Vec<Feature>,
}

/// Which Targetprocess work item a [`Feature`] is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    #[default]
    Feature,
    Epic,
}

/// A feature (or epic) delivering a team objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Feature {
    pub id: EntityId,
    pub kind: FeatureKind,
    pub name: String,
    /// Markdown, kept exactly as written.
    pub description: String,
    pub status: Option<String>,
    pub effort: Option<Effort>,
    pub owner: Option<String>,
    pub acceptance_criteria: Vec<Criterion>,
    pub jira: Option<JiraLink>,
    /// Jira stories under the feature's epic: read-only, refreshed from Jira, never pushed.
    pub stories: Vec<Story>,
}

/// A Jira story decomposing a feature. Read-only in the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Story {
    pub key: String,
    pub url: Option<String>,
    pub summary: String,
    pub status: Option<String>,
    /// Jira's status category key (`new`, `indeterminate` or `done`): the status's meaning for
    /// logic, since status names differ per workflow. `None` in files written before it was kept.
    #[serde(default)]
    pub status_category: Option<String>,
    pub assignee: Option<String>,
    pub points: Option<Effort>,
    pub acceptance_criteria: Vec<Criterion>,
}

/// One acceptance criterion: a single line of inline markdown and whether it is met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Criterion {
    pub text: String,
    pub done: bool,
}

/// The Jira issue (usually an epic) a feature is synced with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JiraLink {
    pub key: String,
    /// Browse URL; `None` when it is derived from the plan's Jira site.
    pub url: Option<String>,
}

impl JiraLink {
    /// The browse URL: the explicit one, else `{jira_url}/browse/{key}` when the site is known.
    pub fn browse_url(&self, jira_url: Option<&str>) -> Option<String> {
        self.url.clone().or_else(|| {
            jira_url.map(|site| format!("{}/browse/{}", site.trim_end_matches('/'), self.key))
        })
    }
}

/// Where in a plan an entity sits, by position. Unambiguous even when ids are duplicated, so
/// findings and parse locations can point at the right section.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntityPath {
    /// The plan as a whole (front matter, title).
    Plan,
    ProgramObjective {
        index: usize,
    },
    Objective {
        index: usize,
    },
    Feature {
        objective: usize,
        index: usize,
    },
}

/// An editable (or identifying) field of an objective or feature.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    Name,
    Description,
    Status,
    Effort,
    Owner,
    Committed,
    BusinessValue,
    ActualBusinessValue,
    ProgramObjective,
    AcceptanceCriteria,
    Jira,
    /// The objective a feature belongs to (a feature moved between objectives changes it).
    Objective,
    Art,
    Release,
    Team,
}

impl Field {
    /// The label planners see, as written in the plan file.
    pub fn label(self) -> &'static str {
        match self {
            Field::Id => "ID",
            Field::Name => "Name",
            Field::Description => "Description",
            Field::Status => "Status",
            Field::Effort => "Effort",
            Field::Owner => "Owner",
            Field::Committed => "Committed",
            Field::BusinessValue => "Business Value",
            Field::ActualBusinessValue => "Actual Business Value",
            Field::ProgramObjective => "Program Objective",
            Field::AcceptanceCriteria => "Acceptance Criteria",
            Field::Jira => "Jira",
            Field::Objective => "Objective",
            Field::Art => "ART",
            Field::Release => "Release",
            Field::Team => "Team",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Plan {
    /// The objective or feature at `path`, by name, for messages.
    pub fn entity_name(&self, path: EntityPath) -> Option<&str> {
        match path {
            EntityPath::Plan => None,
            EntityPath::ProgramObjective { index } => {
                self.program_objectives.get(index).map(|p| p.name.as_str())
            }
            EntityPath::Objective { index } => self.objectives.get(index).map(|o| o.name.as_str()),
            EntityPath::Feature { objective, index } => self
                .objectives
                .get(objective)
                .and_then(|o| o.features.get(index))
                .map(|f| f.name.as_str()),
        }
    }

    /// The id of the objective or feature at `path`.
    pub fn entity_id(&self, path: EntityPath) -> Option<&EntityId> {
        match path {
            EntityPath::Objective { index } => self.objectives.get(index).map(|o| &o.id),
            EntityPath::Feature { objective, index } => self
                .objectives
                .get(objective)
                .and_then(|o| o.features.get(index))
                .map(|f| &f.id),
            EntityPath::Plan | EntityPath::ProgramObjective { .. } => None,
        }
    }

    /// Every feature with its path, in file order.
    pub fn features(&self) -> impl Iterator<Item = (EntityPath, &Feature)> {
        self.objectives.iter().enumerate().flat_map(|(oi, o)| {
            o.features.iter().enumerate().map(move |(fi, f)| {
                (
                    EntityPath::Feature {
                        objective: oi,
                        index: fi,
                    },
                    f,
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_browse_url_prefers_explicit_url() {
        let explicit = JiraLink {
            key: "DAD-1".into(),
            url: Some("https://x.example/browse/DAD-1".into()),
        };
        assert_eq!(
            explicit.browse_url(Some("https://site.example")).as_deref(),
            Some("https://x.example/browse/DAD-1")
        );
        let derived = JiraLink {
            key: "DAD-2".into(),
            url: None,
        };
        assert_eq!(
            derived.browse_url(Some("https://site.example/")).as_deref(),
            Some("https://site.example/browse/DAD-2")
        );
        assert_eq!(derived.browse_url(None), None);
    }
}
