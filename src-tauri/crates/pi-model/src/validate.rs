//! Validation: built-in checks every plan must pass, and the configurable rules of
//! `pi-planner.toml`. Findings point at an entity and field by position; mapping that to a line and
//! column of a file is the format's job.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::{RepoConfig, RuleLevel};
use crate::workflow::{KnownStatuses, StatusList, StatusSource};
use crate::{EntityId, EntityPath, Field, Plan};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub severity: Severity,
    /// Stable rule name, e.g. `unique-ids`, `effort-range`.
    pub rule: &'static str,
    pub path: EntityPath,
    pub field: Option<Field>,
    pub message: String,
}

/// Runs every built-in check and every configured rule, in file order, with the statuses of
/// `[statuses]` (or, where not configured, the usual names, whose misses are warnings).
pub fn validate(plan: &Plan, config: &RepoConfig) -> Vec<Finding> {
    validate_with(
        plan,
        config,
        &KnownStatuses::resolve(&config.statuses, None),
    )
}

/// [`validate`] with the known statuses given, e.g. resolved with the account's workflows
/// ([`KnownStatuses::resolve`]).
pub fn validate_with(plan: &Plan, config: &RepoConfig, statuses: &KnownStatuses) -> Vec<Finding> {
    let mut out = Vec::new();
    check_header(plan, &mut out);
    check_unique_ids(plan, &mut out);
    check_max_objectives(plan, config, &mut out);
    for (oi, objective) in plan.objectives.iter().enumerate() {
        let path = EntityPath::Objective { index: oi };
        let what = format!("objective {:?}", objective.name);
        check_common(
            &Common {
                path,
                what: &what,
                name: &objective.name,
                description: &objective.description,
                status: objective.status.as_deref(),
                effort: objective.effort.map(|e| e.points()),
                known_statuses: &statuses.objective,
                allowed_statuses: config
                    .validation
                    .allowed_statuses
                    .as_ref()
                    .and_then(|r| r.objective.as_deref().map(|l| (l, r.level))),
            },
            config,
            &mut out,
        );
        check_objective_rules(plan, oi, config, &mut out);
    }
    for (path, feature) in plan.features() {
        let what = format!("feature {:?}", feature.name);
        check_common(
            &Common {
                path,
                what: &what,
                name: &feature.name,
                description: &feature.description,
                status: feature.status.as_deref(),
                effort: feature.effort.map(|e| e.points()),
                known_statuses: &statuses.feature,
                allowed_statuses: config
                    .validation
                    .allowed_statuses
                    .as_ref()
                    .and_then(|r| r.feature.as_deref().map(|l| (l, r.level))),
            },
            config,
            &mut out,
        );
    }
    sort_in_file_order(&mut out);
    out
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

fn sort_in_file_order(findings: &mut [Finding]) {
    // Features sort after their objective and before the next one.
    let key = |f: &Finding| match f.path {
        EntityPath::Plan => (0, 0, 0),
        EntityPath::ProgramObjective { index } => (1, index, 0),
        EntityPath::Objective { index } => (2, index, 0),
        EntityPath::Feature { objective, index } => (2, objective, index + 1),
    };
    findings.sort_by_key(key);
}

fn push(
    out: &mut Vec<Finding>,
    severity: Severity,
    rule: &'static str,
    path: EntityPath,
    field: Option<Field>,
    message: String,
) {
    out.push(Finding {
        severity,
        rule,
        path,
        field,
        message,
    });
}

fn push_level(
    out: &mut Vec<Finding>,
    level: RuleLevel,
    rule: &'static str,
    path: EntityPath,
    field: Option<Field>,
    message: String,
) {
    let severity = match level {
        RuleLevel::Error => Severity::Error,
        RuleLevel::Warning => Severity::Warning,
        RuleLevel::Off => return,
    };
    push(out, severity, rule, path, field, message);
}

fn check_header(plan: &Plan, out: &mut Vec<Finding>) {
    for (field, named) in [(Field::Release, &plan.release), (Field::Team, &plan.team)] {
        if named.name.trim().is_empty() {
            push(
                out,
                Severity::Error,
                "required-field",
                EntityPath::Plan,
                Some(field),
                format!("the plan must name its {}", field.label().to_lowercase()),
            );
        }
    }
    let mut seen = HashMap::new();
    for (i, p) in plan.program_objectives.iter().enumerate() {
        if let Some(first) = seen.insert(&p.id, i) {
            push(
                out,
                Severity::Error,
                "unique-ids",
                EntityPath::ProgramObjective { index: i },
                Some(Field::Id),
                format!(
                    "program objective id {} is used twice (also by {:?})",
                    p.id, plan.program_objectives[first].name
                ),
            );
        }
    }
}

fn check_unique_ids(plan: &Plan, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&EntityId, EntityPath> = HashMap::new();
    let objectives = plan
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (EntityPath::Objective { index: i }, &o.id));
    let features = plan.features().map(|(p, f)| (p, &f.id));
    for (path, id) in objectives.chain(features) {
        if let Some(first) = seen.get(id) {
            let other = plan.entity_name(*first).unwrap_or("another item");
            push(
                out,
                Severity::Error,
                "unique-ids",
                path,
                Some(Field::Id),
                format!("id {id} is used twice (also by {other:?})"),
            );
        } else {
            seen.insert(id, path);
        }
    }
}

fn check_max_objectives(plan: &Plan, config: &RepoConfig, out: &mut Vec<Finding>) {
    if let Some(rule) = &config.validation.max_objectives_per_team
        && plan.objectives.len() > rule.max
    {
        push_level(
            out,
            rule.level,
            "max-objectives-per-team",
            EntityPath::Plan,
            None,
            format!(
                "team {:?} has {} objectives; the limit is {}",
                plan.team.name,
                plan.objectives.len(),
                rule.max
            ),
        );
    }
}

/// The fields objectives and features share.
struct Common<'a> {
    path: EntityPath,
    what: &'a str,
    name: &'a str,
    description: &'a str,
    status: Option<&'a str>,
    effort: Option<f64>,
    known_statuses: &'a StatusList,
    allowed_statuses: Option<(&'a [String], RuleLevel)>,
}

fn check_common(c: &Common<'_>, config: &RepoConfig, out: &mut Vec<Finding>) {
    if c.name.trim().is_empty() {
        push(
            out,
            Severity::Error,
            "required-field",
            c.path,
            Some(Field::Name),
            format!("{} has no name", c.what),
        );
    }
    if let Some(line) = c.description.lines().find(|l| is_conflict_marker(l)) {
        push(
            out,
            Severity::Error,
            "conflict-markers",
            c.path,
            Some(Field::Description),
            format!(
                "the description of {} holds an unresolved merge conflict marker {:?}",
                c.what,
                line.trim_end()
            ),
        );
    }
    if let Some(status) = c.status {
        check_status(c, status, out);
    }
    if let Some(effort) = c.effort {
        check_effort(c, effort, config, out);
    }
}

fn check_status(c: &Common<'_>, status: &str, out: &mut Vec<Finding>) {
    let known = c.known_statuses;
    if !known.contains(status) {
        let (severity, message) = unknown_status(c, status);
        push(
            out,
            severity,
            "known-status",
            c.path,
            Some(Field::Status),
            message,
        );
    } else if let Some((allowed, level)) = c.allowed_statuses
        && !allowed.iter().any(|s| s.eq_ignore_ascii_case(status))
    {
        push_level(
            out,
            level,
            "allowed-statuses",
            c.path,
            Some(Field::Status),
            format!(
                "{} has status {status:?}; this repo allows only: {}",
                c.what,
                allowed.join(", ")
            ),
        );
    }
}

/// The finding for a status outside the known list: an error against a configured or the
/// account's list, a warning against the usual names (the account's workflow unknown here).
fn unknown_status(c: &Common<'_>, status: &str) -> (Severity, String) {
    let known = c.known_statuses;
    let names = known.names.join(", ");
    let what = c.what;
    match known.source {
        StatusSource::Configured => (
            Severity::Error,
            format!(
                "{what} has status {status:?}, which is not one of pi-planner.toml's [statuses]: {names}"
            ),
        ),
        StatusSource::Account => (
            Severity::Error,
            format!(
                "{what} has status {status:?}, which is not a state of Targetprocess's workflow: {names}"
            ),
        ),
        StatusSource::Usual => (
            Severity::Warning,
            format!(
                "{what} has status {status:?}, which is not one of the usual states ({names}); this account's workflow is not known here, so it is not checked: pull from Targetprocess (or run `tpcli tp schema`), or list the states under [statuses] in pi-planner.toml"
            ),
        ),
    }
}

fn check_effort(c: &Common<'_>, effort: f64, config: &RepoConfig, out: &mut Vec<Finding>) {
    if effort < 0.0 {
        push(
            out,
            Severity::Error,
            "effort-non-negative",
            c.path,
            Some(Field::Effort),
            format!("effort of {} must not be negative, found {effort}", c.what),
        );
        return;
    }
    if let Some(rule) = &config.validation.effort_range {
        let below = rule.min.is_some_and(|min| effort < min);
        let above = rule.max.is_some_and(|max| effort > max);
        if below || above {
            let range = match (rule.min, rule.max) {
                (Some(min), Some(max)) => format!("between {min} and {max}"),
                (Some(min), None) => format!("at least {min}"),
                (None, Some(max)) => format!("at most {max}"),
                (None, None) => String::new(),
            };
            push_level(
                out,
                rule.level,
                "effort-range",
                c.path,
                Some(Field::Effort),
                format!(
                    "effort of {} is {effort}; it must be {range} points",
                    c.what
                ),
            );
        }
    }
}

fn check_objective_rules(plan: &Plan, oi: usize, config: &RepoConfig, out: &mut Vec<Finding>) {
    let objective = &plan.objectives[oi];
    let path = EntityPath::Objective { index: oi };
    if let Some(po) = &objective.program_objective
        && !plan.program_objectives.iter().any(|p| &p.id == po)
    {
        push(
            out,
            Severity::Error,
            "program-objective-link",
            path,
            Some(Field::ProgramObjective),
            format!(
                "objective {:?} links program objective {po}, which is not among the plan's program objectives",
                objective.name
            ),
        );
    }
    if !objective.committed {
        return;
    }
    let has_owner = objective
        .owner
        .as_deref()
        .is_some_and(|o| !o.trim().is_empty());
    if !has_owner {
        push_level(
            out,
            config.validation.owner_required_on_committed,
            "owner-required-on-committed",
            path,
            Some(Field::Owner),
            format!("committed objective {:?} has no owner", objective.name),
        );
    }
    for (fi, feature) in objective.features.iter().enumerate() {
        if feature.acceptance_criteria.is_empty() {
            push_level(
                out,
                config.validation.acceptance_criteria_required_on_committed,
                "acceptance-criteria-required-on-committed",
                EntityPath::Feature {
                    objective: oi,
                    index: fi,
                },
                Some(Field::AcceptanceCriteria),
                format!(
                    "feature {:?} of committed objective {:?} has no acceptance criteria",
                    feature.name, objective.name
                ),
            );
        }
    }
}

/// A line git writes to open or close a conflicting hunk (`<<<<<<< ours`, `>>>>>>> theirs`) or
/// to start the base section of a diff3 hunk. The `=======` separator alone is not counted: it is
/// also a valid markdown heading underline.
pub fn is_conflict_marker(line: &str) -> bool {
    let l = line.trim_end_matches(['\r', '\n']);
    ["<<<<<<<", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| l == *m || l.strip_prefix(m).is_some_and(|rest| rest.starts_with(' ')))
}

#[cfg(test)]
mod tests;
