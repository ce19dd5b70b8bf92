//! Cross-tool consistency of a plan: where Targetprocess's features and Jira's stories under
//! their epics disagree, each finding with a code, what and where, and a proposed fix. A fix
//! that is a plan edit ([`FixEdit`]) is applied with [`apply`] and then goes through the usual
//! save, push preview, approvals and journal; a fix touching a field Jira owns (`[jira] owns`)
//! is never proposed as an edit.
//!
//! Pure: the caller says which epics Jira has no issue for, which statuses are done and which
//! status reopens a feature.

use serde::Serialize;

use crate::{EntityId, Feature, Plan};

/// The kinds of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LintCode {
    /// The feature is Done in Targetprocess, some of its epic's stories are not.
    FeatureDoneStoriesOpen,
    /// Every story of the epic is done, the feature is not.
    StoriesDoneFeatureOpen,
    /// The feature's effort differs from the sum of its stories' points beyond the tolerance.
    PointsVsEffort,
    /// The feature names no Jira epic.
    FeatureWithoutEpic,
    /// The feature's Jira key names no issue Jira has.
    EpicMissing,
    /// Stories of the epic have no points.
    StoriesWithoutPoints,
    /// A feature of a committed objective has no acceptance criteria.
    AcEmptyOnCommitted,
}

impl LintCode {
    pub const ALL: [LintCode; 7] = [
        Self::FeatureDoneStoriesOpen,
        Self::StoriesDoneFeatureOpen,
        Self::PointsVsEffort,
        Self::FeatureWithoutEpic,
        Self::EpicMissing,
        Self::StoriesWithoutPoints,
        Self::AcEmptyOnCommitted,
    ];

    /// The code as written (`feature-done-stories-open`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FeatureDoneStoriesOpen => "feature-done-stories-open",
            Self::StoriesDoneFeatureOpen => "stories-done-feature-open",
            Self::PointsVsEffort => "points-vs-effort",
            Self::FeatureWithoutEpic => "feature-without-epic",
            Self::EpicMissing => "epic-missing",
            Self::StoriesWithoutPoints => "stories-without-points",
            Self::AcEmptyOnCommitted => "ac-empty-on-committed",
        }
    }

    /// The code written `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text.trim())
    }
}

/// How far a feature's effort may be from its stories' points: a share of the larger of the
/// two, or a number of points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Tolerance {
    Percent(f64),
    Points(f64),
}

impl Default for Tolerance {
    fn default() -> Self {
        Self::Percent(20.0)
    }
}

impl Tolerance {
    /// `"20%"` or `"3"`: a share, or a number of points (not negative).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let (number, percent) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                format!("{text:?} is not a tolerance: write a share such as \"20%\" or a number of points such as \"3\"")
            })?;
        Ok(if percent {
            Self::Percent(value)
        } else {
            Self::Points(value)
        })
    }

    fn allows(self, effort: f64, points: f64) -> bool {
        let gap = (effort - points).abs();
        match self {
            Self::Percent(p) => gap <= effort.max(points) * p / 100.0 + 1e-9,
            Self::Points(n) => gap <= n + 1e-9,
        }
    }
}

/// What lint needs besides the plan.
#[derive(Clone, Debug, Default)]
pub struct LintSettings {
    pub tolerance: Tolerance,
    /// Feature fields Jira owns (`[jira] owns`): never proposed as an edit.
    pub jira_owns: Vec<String>,
    /// Feature statuses that mean finished (the workflow's final states; "Done" without one).
    pub done_statuses: Vec<String>,
    /// The status a fix sets to finish a feature.
    pub done_status: Option<String>,
    /// The status a fix sets to reopen a feature (the last state before the final ones).
    pub open_status: Option<String>,
}

/// The plan edit a fix makes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum FixEdit {
    SetStatus { status: String },
    SetEffort { points: f64 },
}

/// A proposed fix: in words, and the edit `--fix` makes when there is one.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Fix {
    pub description: String,
    pub edit: Option<FixEdit>,
}

/// One finding: what, where, and the fix.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LintFinding {
    pub code: LintCode,
    pub message: String,
    pub team: String,
    pub objective: String,
    pub feature: EntityId,
    pub feature_name: String,
    /// The feature's Jira epic, when it names one.
    pub epic: Option<String>,
    /// The stories concerned (keys), when the finding is about some of them.
    pub stories: Vec<String>,
    pub fix: Fix,
}

/// Every finding of `plan`; `missing_epics` are the Jira keys Jira has no issue for.
pub fn lint(plan: &Plan, settings: &LintSettings, missing_epics: &[String]) -> Vec<LintFinding> {
    let mut out = Vec::new();
    for o in &plan.objectives {
        for f in &o.features {
            let at = Where {
                team: &plan.team.name,
                objective: &o.name,
                feature: f,
            };
            let epic = f
                .jira
                .as_ref()
                .map(|j| j.key.trim())
                .filter(|k| !k.is_empty());
            if o.committed && f.acceptance_criteria.is_empty() {
                out.push(at.finding(
                    LintCode::AcEmptyOnCommitted,
                    format!(
                        "feature {:?} of committed objective {:?} has no acceptance criteria",
                        f.name, o.name
                    ),
                    Vec::new(),
                    words("write the acceptance criteria in the plan (or in Targetprocess)"),
                ));
            }
            match epic {
                None => out.push(at.finding(
                    LintCode::FeatureWithoutEpic,
                    format!("feature {:?} names no Jira epic", f.name),
                    Vec::new(),
                    words("add the feature's Jira epic key (Jira: KEY) in the plan"),
                )),
                Some(key) if missing_epics.iter().any(|m| m == key) => out.push(at.finding(
                    LintCode::EpicMissing,
                    format!(
                        "feature {:?} names Jira epic {key}, which Jira does not have",
                        f.name
                    ),
                    Vec::new(),
                    words(&format!("correct the key {key} or create the epic in Jira")),
                )),
                Some(_) => stories(&at, settings, &mut out),
            }
        }
    }
    out
}

struct Where<'a> {
    team: &'a str,
    objective: &'a str,
    feature: &'a Feature,
}

impl Where<'_> {
    fn finding(
        &self,
        code: LintCode,
        message: String,
        stories: Vec<String>,
        fix: Fix,
    ) -> LintFinding {
        LintFinding {
            code,
            message,
            team: self.team.to_owned(),
            objective: self.objective.to_owned(),
            feature: self.feature.id.clone(),
            feature_name: self.feature.name.clone(),
            epic: self.feature.jira.as_ref().map(|j| j.key.trim().to_owned()),
            stories,
            fix,
        }
    }
}

fn words(text: &str) -> Fix {
    Fix {
        description: text.to_owned(),
        edit: None,
    }
}

/// A fix that edits `field`, or says to change it in Jira when Jira owns it.
fn edit(settings: &LintSettings, field: &str, text: String, edit: Option<FixEdit>) -> Fix {
    if settings.jira_owns.iter().any(|o| o == field) {
        return words(&format!(
            "Jira owns the feature's {field} ([jira] owns): change it in Jira"
        ));
    }
    Fix {
        description: text,
        edit,
    }
}

/// The findings about the stories of a feature whose epic exists.
fn stories(at: &Where<'_>, settings: &LintSettings, out: &mut Vec<LintFinding>) {
    let f = at.feature;
    if f.stories.is_empty() {
        return;
    }
    let done = |s: &crate::Story| match s.status_category.as_deref() {
        Some(c) => c == "done",
        None => s
            .status
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("done")),
    };
    let open: Vec<String> = f
        .stories
        .iter()
        .filter(|s| !done(s))
        .map(|s| s.key.clone())
        .collect();
    let feature_done = f.status.as_deref().is_some_and(|s| is_done(settings, s));
    if feature_done && !open.is_empty() {
        let to = settings.open_status.clone();
        let text = match &to {
            Some(s) => {
                format!("set the feature's status back to {s:?}, or finish the stories in Jira")
            }
            None => "reopen the feature, or finish the stories in Jira".to_owned(),
        };
        let fix = edit(
            settings,
            "status",
            text,
            to.map(|status| FixEdit::SetStatus { status }),
        );
        let message = format!(
            "feature {:?} is done but {} of its {} stories are not",
            f.name,
            open.len(),
            f.stories.len()
        );
        out.push(at.finding(LintCode::FeatureDoneStoriesOpen, message, open.clone(), fix));
    }
    if !feature_done && open.is_empty() {
        let to = settings.done_status.clone();
        let text = format!(
            "set the feature's status to {:?}",
            to.as_deref().unwrap_or("Done")
        );
        let fix = edit(
            settings,
            "status",
            text,
            to.map(|status| FixEdit::SetStatus { status }),
        );
        let message = format!(
            "every story of feature {:?} is done, the feature is {:?}",
            f.name,
            f.status.as_deref().unwrap_or("without status")
        );
        out.push(at.finding(LintCode::StoriesDoneFeatureOpen, message, Vec::new(), fix));
    }
    points(at, settings, out);
}

fn points(at: &Where<'_>, settings: &LintSettings, out: &mut Vec<LintFinding>) {
    let f = at.feature;
    let unpointed: Vec<String> = f
        .stories
        .iter()
        .filter(|s| s.points.is_none())
        .map(|s| s.key.clone())
        .collect();
    if !unpointed.is_empty() {
        let message = format!(
            "{} of the {} stories of feature {:?} have no points",
            unpointed.len(),
            f.stories.len(),
            f.name
        );
        let fix = words("estimate the stories in Jira");
        out.push(at.finding(LintCode::StoriesWithoutPoints, message, unpointed, fix));
    }
    let sum: f64 = f
        .stories
        .iter()
        .filter_map(|s| s.points)
        .map(crate::Effort::points)
        .sum();
    let effort = f.effort.map_or(0.0, crate::Effort::points);
    if sum > 0.0 && !settings.tolerance.allows(effort, sum) {
        let text = format!("set the feature's effort to {sum} (the sum of its stories' points)");
        let fix = edit(
            settings,
            "effort",
            text,
            Some(FixEdit::SetEffort { points: sum }),
        );
        let message = format!(
            "feature {:?} has effort {effort} but its stories add up to {sum} points",
            f.name
        );
        out.push(at.finding(LintCode::PointsVsEffort, message, Vec::new(), fix));
    }
}

fn is_done(settings: &LintSettings, status: &str) -> bool {
    if settings.done_statuses.is_empty() {
        return status.trim().eq_ignore_ascii_case("done");
    }
    settings
        .done_statuses
        .iter()
        .any(|d| d.eq_ignore_ascii_case(status.trim()))
}

/// Applies the edits of the findings whose code is in `codes` to `plan`; how many were applied.
pub fn apply(plan: &mut Plan, findings: &[LintFinding], codes: &[LintCode]) -> usize {
    let mut applied = 0;
    for finding in findings.iter().filter(|f| codes.contains(&f.code)) {
        let Some(edit) = &finding.fix.edit else {
            continue;
        };
        let feature = plan
            .objectives
            .iter_mut()
            .flat_map(|o| o.features.iter_mut())
            .find(|f| f.id == finding.feature);
        let Some(feature) = feature else { continue };
        match edit {
            FixEdit::SetStatus { status } => feature.status = Some(status.clone()),
            FixEdit::SetEffort { points } => feature.effort = crate::Effort::new(*points),
        }
        applied += 1;
    }
    applied
}

#[cfg(test)]
mod tests;
