//! Templates: new objectives and features, and a new team's starting plan, from the named
//! templates of `[templates]` in `pi-planner.toml`. Every instantiated plan is validated with
//! the repository's rules before it is written, and the result is committed like a saved edit.
//!
//! It deliberately invents no ids: the caller passes a seed unique to the moment (new items get
//! local ids `<template>-<seed>[-n]`), so two teammates adding the same template get different
//! items.

use pi_model::validate::{self, Severity};
use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, FeatureTemplate, KnownStatuses, LocalId,
    ObjectiveTemplate, Plan, RepoConfig, TeamObjective,
};

use crate::error::Result;
pub use crate::error::TemplateError;
use crate::workspace::Workspace;

/// Makes the local ids of one instantiation: `<template>-<seed>`, then `-2`, `-3`, ...
#[derive(Debug)]
pub struct Ids {
    seed: String,
    next: usize,
}

impl Ids {
    /// `seed`: a few characters of `a-z`, `0-9`, unique to this moment (e.g. the time in base 36).
    pub fn new(seed: &str) -> Self {
        Self {
            seed: seed.to_owned(),
            next: 1,
        }
    }

    fn make(&mut self, template: &str) -> Result<EntityId, TemplateError> {
        let stem: String = pi_git::bare_slug(template).chars().take(20).collect();
        let n = self.next;
        self.next += 1;
        let text = match n {
            1 => format!("{stem}-{}", self.seed),
            n => format!("{stem}-{}-{n}", self.seed),
        };
        let text = text.trim_start_matches('-').to_owned();
        LocalId::new(&text)
            .map(EntityId::Local)
            .map_err(|_| TemplateError::BadSeed(self.seed.clone()))
    }
}

fn unknown<T>(kind: &'static str, name: &str, known: impl Iterator<Item = T>) -> TemplateError
where
    T: AsRef<str>,
{
    let known: Vec<String> = known.map(|k| k.as_ref().to_owned()).collect();
    TemplateError::Unknown {
        kind,
        name: name.to_owned(),
        known: if known.is_empty() {
            "none (see [templates] in pi-planner.toml)".to_owned()
        } else {
            known.join(", ")
        },
    }
}

/// A feature from the feature template `name`.
pub fn feature(config: &RepoConfig, name: &str, ids: &mut Ids) -> Result<Feature, TemplateError> {
    let features = &config.templates.features;
    let t: &FeatureTemplate = features
        .get(name)
        .ok_or_else(|| unknown("feature", name, features.keys()))?;
    Ok(Feature {
        id: ids.make(name)?,
        kind: FeatureKind::Feature,
        name: t.name.clone(),
        description: t.description.clone(),
        status: t.status.clone(),
        effort: t.effort.and_then(Effort::new),
        owner: t.owner.clone(),
        acceptance_criteria: t
            .acceptance_criteria
            .iter()
            .map(|text| Criterion {
                text: text.clone(),
                done: false,
            })
            .collect(),
        jira: None,
        stories: Vec::new(),
    })
}

/// A team objective (with its template features) from the objective template `name`.
pub fn objective(
    config: &RepoConfig,
    name: &str,
    ids: &mut Ids,
) -> Result<TeamObjective, TemplateError> {
    let objectives = &config.templates.objectives;
    let t: &ObjectiveTemplate = objectives
        .get(name)
        .ok_or_else(|| unknown("objective", name, objectives.keys()))?;
    Ok(TeamObjective {
        id: ids.make(name)?,
        name: t.name.clone(),
        description: t.description.clone(),
        status: t.status.clone(),
        effort: t.effort.and_then(Effort::new),
        owner: t.owner.clone(),
        committed: t.committed,
        business_value: t.business_value,
        actual_business_value: None,
        program_objective: None,
        features: t
            .features
            .iter()
            .map(|f| feature(config, f, ids))
            .collect::<Result<_, _>>()?,
    })
}

/// Adds every objective of the plan template `name` to `plan`; returns how many.
pub fn apply_plan_template(
    plan: &mut Plan,
    config: &RepoConfig,
    name: &str,
    ids: &mut Ids,
) -> Result<usize, TemplateError> {
    let plans = &config.templates.plans;
    let t = plans
        .get(name)
        .ok_or_else(|| unknown("plan", name, plans.keys()))?;
    for o in &t.objectives {
        plan.objectives.push(objective(config, o, ids)?);
    }
    Ok(t.objectives.len())
}

/// Errors `validate` finds in `plan` under `config`, refused as [`TemplateError::Invalid`].
pub fn check(plan: &Plan, config: &RepoConfig) -> Result<(), TemplateError> {
    check_with(
        plan,
        config,
        &KnownStatuses::resolve(&config.statuses, None),
    )
}

/// [`check`] with the statuses the plan may use (e.g. the account's, kept on the tracking
/// branch: `crate::workflows::known_statuses`).
pub fn check_with(
    plan: &Plan,
    config: &RepoConfig,
    known: &KnownStatuses,
) -> Result<(), TemplateError> {
    let errors: Vec<String> = validate::validate_with(plan, config, known)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(TemplateError::Invalid(errors))
    }
}

/// What to add to the workspace's plan.
#[derive(Debug, Clone)]
pub enum Addition {
    /// An objective from its template, optionally under another name.
    Objective {
        template: String,
        name: Option<String>,
    },
    /// A feature from its template under an existing objective.
    Feature {
        template: String,
        objective: EntityId,
        name: Option<String>,
    },
    /// Every objective of a plan template (a new team's starting plan).
    Plan { template: String },
}

/// Adds from a template to the plan file, validates the result and commits it on the working
/// branch as `me` at `now` (like [`crate::save::save`]). Returns the ids of the new objectives
/// or features.
pub fn add(
    ws: &Workspace,
    me: &pi_git::Identity,
    now: chrono::DateTime<chrono::Utc>,
    addition: &Addition,
    ids: &mut Ids,
) -> Result<Vec<EntityId>> {
    let config = crate::approvals::repo_config(ws)?;
    let _lock = pi_git::RepoLock::acquire(&ws.repo, crate::workspace::LOCK_WAIT)?;
    let typed = ws.local_text()?;
    let mut plan = ws.parse(&typed)?;
    let added = add_to(&mut plan, &config, addition, ids)?;
    let known = crate::workflows::known_statuses(&ws.repo, &ws.names, &config.statuses)?;
    check_with(&plan, &config, &known)?;
    let text = crate::snapshot::render_checked(&plan, "the plan", &ws.plan_file())?;
    let message = pi_git::CommitMessage::new(crate::save::SAVE_SUBJECT)
        .with_trailers(pi_git::Trailers::new().with_source(pi_git::Source::Local));
    let stamp = pi_git::Stamp::new(me.clone(), pi_git::When::utc(now.timestamp()));
    crate::save::commit_over_typed(ws, &typed, &text, &message, &stamp)?;
    Ok(added)
}

fn add_to(
    plan: &mut Plan,
    config: &RepoConfig,
    addition: &Addition,
    ids: &mut Ids,
) -> Result<Vec<EntityId>, TemplateError> {
    match addition {
        Addition::Objective { template, name } => {
            let mut o = objective(config, template, ids)?;
            if let Some(name) = name {
                o.name = name.clone();
            }
            let id = o.id.clone();
            plan.objectives.push(o);
            Ok(vec![id])
        }
        Addition::Feature {
            template,
            objective,
            name,
        } => {
            let mut f = feature(config, template, ids)?;
            if let Some(name) = name {
                f.name = name.clone();
            }
            let id = f.id.clone();
            plan.objectives
                .iter_mut()
                .find(|o| &o.id == objective)
                .ok_or_else(|| TemplateError::NoObjective(objective.clone()))?
                .features
                .push(f);
            Ok(vec![id])
        }
        Addition::Plan { template } => {
            let before = plan.objectives.len();
            apply_plan_template(plan, config, template, ids)?;
            Ok(plan.objectives[before..]
                .iter()
                .map(|o| o.id.clone())
                .collect())
        }
    }
}
