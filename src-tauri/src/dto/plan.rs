//! The plan as the UI edits it, and its lossless conversion to and from [`pi_model::Plan`].
//!
//! Ids travel as their display strings (`tp:123`, `new:abc`); an item the planner just added has
//! no id and gets a fresh local id on save. Stories are carried along read-only so a save never
//! drops them. It deliberately holds no rules: validation is `pi_model::validate`.

use pi_model::{
    Criterion, Effort, EntityId, EntityPath, Feature, FeatureKind, JiraLink, LocalId, Named, Plan,
    PlanMeta, ProgramObjective, Story, TeamObjective, validate::Severity,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UiError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedDto {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlanDto {
    pub art: NamedDto,
    pub release: NamedDto,
    pub team: NamedDto,
    pub tp_url: Option<String>,
    pub jira_url: Option<String>,
    pub program_objectives: Vec<ProgramObjectiveDto>,
    pub objectives: Vec<ObjectiveDto>,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgramObjectiveDto {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveDto {
    /// `None` for an objective added in the UI and not saved yet.
    pub id: Option<String>,
    pub name: String,
    pub description: String,
    pub status: Option<String>,
    pub effort: Option<f64>,
    pub owner: Option<String>,
    pub committed: bool,
    pub business_value: Option<u32>,
    pub actual_business_value: Option<u32>,
    /// Id of one of the plan's program objectives.
    pub program_objective: Option<String>,
    pub features: Vec<FeatureDto>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKindDto {
    Feature,
    Epic,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeatureDto {
    pub id: Option<String>,
    pub kind: FeatureKindDto,
    pub name: String,
    pub description: String,
    pub status: Option<String>,
    pub effort: Option<f64>,
    pub owner: Option<String>,
    pub acceptance_criteria: Vec<CriterionDto>,
    pub jira_key: Option<String>,
    /// Explicit browse URL of the Jira issue, if the plan file has one.
    pub jira_url: Option<String>,
    /// Where the Jira issue opens (explicit URL or derived from the plan's Jira site); output only.
    pub jira_browse_url: Option<String>,
    /// Jira stories under the feature: read-only.
    pub stories: Vec<StoryDto>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CriterionDto {
    pub text: String,
    pub done: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoryDto {
    pub key: String,
    pub url: Option<String>,
    pub summary: String,
    pub status: Option<String>,
    /// Jira's status category key: `new`, `indeterminate` or `done`.
    #[serde(default)]
    pub status_category: Option<String>,
    pub assignee: Option<String>,
    pub points: Option<f64>,
    pub acceptance_criteria: Vec<CriterionDto>,
}

/// One validation finding, located by position in the plan and field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindingDto {
    pub severity: Severity,
    pub rule: String,
    /// Index of the objective the finding is about (also set for its features).
    pub objective: Option<u32>,
    /// Index of the feature within its objective.
    pub feature: Option<u32>,
    /// The field, as the snake_case name of `pi_model::Field` (e.g. `effort`, `owner`).
    pub field: Option<String>,
    pub message: String,
}

impl From<&Named> for NamedDto {
    fn from(n: &Named) -> Self {
        Self {
            id: n.id,
            name: n.name.clone(),
        }
    }
}

impl From<NamedDto> for Named {
    fn from(n: NamedDto) -> Self {
        Self {
            id: n.id,
            name: n.name,
        }
    }
}

impl From<&Plan> for PlanDto {
    fn from(p: &Plan) -> Self {
        let jira_site = p.meta.jira_url.as_deref();
        Self {
            art: (&p.art).into(),
            release: (&p.release).into(),
            team: (&p.team).into(),
            tp_url: p.meta.tp_url.clone(),
            jira_url: p.meta.jira_url.clone(),
            program_objectives: p
                .program_objectives
                .iter()
                .map(|po| ProgramObjectiveDto {
                    id: po.id.to_string(),
                    name: po.name.clone(),
                })
                .collect(),
            objectives: p
                .objectives
                .iter()
                .map(|o| objective_dto(o, jira_site))
                .collect(),
            notes: p.notes.clone(),
        }
    }
}

fn objective_dto(o: &TeamObjective, jira_site: Option<&str>) -> ObjectiveDto {
    ObjectiveDto {
        id: Some(o.id.to_string()),
        name: o.name.clone(),
        description: o.description.clone(),
        status: o.status.clone(),
        effort: o.effort.map(Effort::points),
        owner: o.owner.clone(),
        committed: o.committed,
        business_value: o.business_value,
        actual_business_value: o.actual_business_value,
        program_objective: o.program_objective.as_ref().map(ToString::to_string),
        features: o
            .features
            .iter()
            .map(|f| feature_dto(f, jira_site))
            .collect(),
    }
}

fn feature_dto(f: &Feature, jira_site: Option<&str>) -> FeatureDto {
    FeatureDto {
        id: Some(f.id.to_string()),
        kind: match f.kind {
            FeatureKind::Feature => FeatureKindDto::Feature,
            FeatureKind::Epic => FeatureKindDto::Epic,
        },
        name: f.name.clone(),
        description: f.description.clone(),
        status: f.status.clone(),
        effort: f.effort.map(Effort::points),
        owner: f.owner.clone(),
        acceptance_criteria: f.acceptance_criteria.iter().map(criterion_dto).collect(),
        jira_key: f.jira.as_ref().map(|j| j.key.clone()),
        jira_url: f.jira.as_ref().and_then(|j| j.url.clone()),
        jira_browse_url: f.jira.as_ref().and_then(|j| j.browse_url(jira_site)),
        stories: f.stories.iter().map(story_dto).collect(),
    }
}

fn criterion_dto(c: &Criterion) -> CriterionDto {
    CriterionDto {
        text: c.text.clone(),
        done: c.done,
    }
}

fn story_dto(s: &Story) -> StoryDto {
    StoryDto {
        key: s.key.clone(),
        url: s.url.clone(),
        summary: s.summary.clone(),
        status: s.status.clone(),
        status_category: s.status_category.clone(),
        assignee: s.assignee.clone(),
        points: s.points.map(Effort::points),
        acceptance_criteria: s.acceptance_criteria.iter().map(criterion_dto).collect(),
    }
}

/// Source of fresh local ids for items added in the UI.
pub trait IdSource {
    fn fresh(&mut self) -> LocalId;
}

impl PlanDto {
    /// The domain plan. Items without an id get one from `ids`; blank optional text becomes
    /// `None` so an emptied field does not linger as an empty value in the file.
    pub fn into_plan(self, ids: &mut dyn IdSource) -> Result<Plan, UiError> {
        let program_objectives = self
            .program_objectives
            .into_iter()
            .map(|p| {
                Ok(ProgramObjective {
                    id: parse_id(&p.id)?,
                    name: p.name,
                })
            })
            .collect::<Result<_, UiError>>()?;
        let objectives = self
            .objectives
            .into_iter()
            .map(|o| objective_from(o, ids))
            .collect::<Result<_, UiError>>()?;
        Ok(Plan {
            art: self.art.into(),
            release: self.release.into(),
            team: self.team.into(),
            meta: PlanMeta {
                tp_url: self.tp_url,
                jira_url: self.jira_url,
            },
            program_objectives,
            objectives,
            notes: self.notes,
        })
    }
}

fn objective_from(o: ObjectiveDto, ids: &mut dyn IdSource) -> Result<TeamObjective, UiError> {
    Ok(TeamObjective {
        id: id_or_fresh(o.id, ids)?,
        name: o.name,
        description: o.description,
        status: non_blank(o.status),
        effort: effort(o.effort)?,
        owner: non_blank(o.owner),
        committed: o.committed,
        business_value: o.business_value,
        actual_business_value: o.actual_business_value,
        program_objective: non_blank(o.program_objective)
            .map(|id| parse_id(&id))
            .transpose()?,
        features: o
            .features
            .into_iter()
            .map(|f| feature_from(f, ids))
            .collect::<Result<_, UiError>>()?,
    })
}

fn feature_from(f: FeatureDto, ids: &mut dyn IdSource) -> Result<Feature, UiError> {
    let jira = non_blank(f.jira_key).map(|key| JiraLink {
        key: key.trim().to_owned(),
        url: non_blank(f.jira_url),
    });
    Ok(Feature {
        id: id_or_fresh(f.id, ids)?,
        kind: match f.kind {
            FeatureKindDto::Feature => FeatureKind::Feature,
            FeatureKindDto::Epic => FeatureKind::Epic,
        },
        name: f.name,
        description: f.description,
        status: non_blank(f.status),
        effort: effort(f.effort)?,
        owner: non_blank(f.owner),
        acceptance_criteria: f
            .acceptance_criteria
            .into_iter()
            .map(|c| Criterion {
                text: c.text,
                done: c.done,
            })
            .collect(),
        jira,
        stories: f
            .stories
            .into_iter()
            .map(story_from)
            .collect::<Result<_, UiError>>()?,
    })
}

fn story_from(s: StoryDto) -> Result<Story, UiError> {
    Ok(Story {
        key: s.key,
        url: s.url,
        summary: s.summary,
        status: s.status,
        status_category: s.status_category,
        assignee: s.assignee,
        points: effort(s.points)?,
        acceptance_criteria: s
            .acceptance_criteria
            .into_iter()
            .map(|c| Criterion {
                text: c.text,
                done: c.done,
            })
            .collect(),
    })
}

fn parse_id(s: &str) -> Result<EntityId, UiError> {
    s.parse().map_err(|_| {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("{s:?} is not an item id PI Planner knows."),
        )
    })
}

fn id_or_fresh(id: Option<String>, ids: &mut dyn IdSource) -> Result<EntityId, UiError> {
    match non_blank(id) {
        Some(s) => parse_id(&s),
        None => Ok(EntityId::Local(ids.fresh())),
    }
}

fn effort(points: Option<f64>) -> Result<Option<Effort>, UiError> {
    points
        .map(|p| {
            Effort::new(p).ok_or_else(|| {
                UiError::new(
                    ErrorCode::InvalidInput,
                    "Effort must be a number of points.",
                )
            })
        })
        .transpose()
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

impl From<&pi_model::validate::Finding> for FindingDto {
    fn from(f: &pi_model::validate::Finding) -> Self {
        let as_u32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let (objective, feature) = match f.path {
            EntityPath::Objective { index } => (Some(as_u32(index)), None),
            EntityPath::Feature { objective, index } => {
                (Some(as_u32(objective)), Some(as_u32(index)))
            }
            EntityPath::Plan | EntityPath::ProgramObjective { .. } => (None, None),
        };
        Self {
            severity: f.severity,
            rule: f.rule.to_owned(),
            objective,
            feature,
            field: f.field.and_then(|field| {
                serde_json::to_value(field)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            }),
            message: f.message.clone(),
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
