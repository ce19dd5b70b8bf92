//! Data of the History and Compare screens: the plan's versions with who made them, a comparison
//! of two versions (field changes with word-level highlights, effort totals before and after),
//! what differs from Targetprocess's last known state, and committed effort over time.
//!
//! Plain data and wording only: versions, diffs and attribution are pi-engine's and pi-model's.

use pi_engine::oplog::Actor;
use pi_model::diff::{EntityDiff, FieldDiff, PlanDiff, Presence, Totals, WordSpan, criteria_text};
use pi_model::merge::{EntityKind, FieldValue};
use pi_reports::history::{Comparison, VersionInfo};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::field_name;

/// What made a version of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum VersionKindDto {
    /// The plan as first read from Targetprocess.
    Import,
    /// A saved edit of this planner.
    Save,
    /// An edit undone (a new version putting the earlier text back).
    Undo,
    /// An edit of a teammate (another git author), shared through the team's remote.
    Teammate,
    /// Targetprocess's state read by a pull, with the Targetprocess users who changed it.
    Pull,
    /// Targetprocess's state right after a push.
    Push,
    /// A merge that combined both sides into something new.
    Merge,
    /// Conflicts settled.
    Resolve,
    /// A change made by the unattended sync.
    AutoSync,
}

/// One version of the plan in the History list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VersionDto {
    /// The commit id: the value to compare with.
    pub rev: String,
    pub short_id: String,
    /// RFC 3339.
    pub at: String,
    pub kind: VersionKindDto,
    /// Who: a planner's name, `Targetprocess`, or `auto-sync`.
    pub who: String,
    /// The Targetprocess users whose edits a pull brought in.
    pub editors: Vec<String>,
    /// The planner who ran the pull or push, when it was not the author.
    pub by: Option<String>,
    /// The commit subject.
    pub subject: String,
    /// Names of the baselines that tag this version.
    pub baselines: Vec<String>,
    /// What changed in this version, in planner words (the first few).
    pub changes: Vec<String>,
    /// How many objectives and features changed in total.
    pub changed: u32,
}

/// A baseline tag of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BaselineDto {
    pub name: String,
    /// The tagged commit id.
    pub commit: String,
    /// RFC 3339, unknown for tags made by other tools.
    pub at: Option<String>,
}

/// The plan's history: versions newest first, its baselines, and how far back it goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryDto {
    pub versions: Vec<VersionDto>,
    pub baselines: Vec<BaselineDto>,
    /// True when older versions exist than the ones listed (the list stops at `limit`).
    pub capped: bool,
    pub limit: u32,
    /// The plan file on disk differs from the newest version (edits not committed).
    pub uncommitted: bool,
    /// Pushes that failed or that Targetprocess refused in part, newest first: they changed no
    /// version, so they are listed beside the versions.
    pub failed_pushes: Vec<super::AuditEventDto>,
}

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SideInfoDto {
    /// The version as asked for: `working`, `tp`, `baseline:NAME` or a commit id.
    pub rev: String,
    /// In planner words: `your working plan`, `Targetprocess (last pull)`, `baseline NAME`,
    /// `the version by Ann Planner` (with `at` to tell versions apart; no commit ids).
    pub label: String,
    pub short_id: Option<String>,
    pub at: Option<String>,
    pub who: Option<String>,
}

/// One field's old and new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldChangeDto {
    /// snake_case field name.
    pub field: String,
    /// The label planners see: `Effort`, `Acceptance Criteria`.
    pub label: String,
    /// Planner words (`13 points`, `(none)`); acceptance criteria one `[x] text` per line.
    pub before: String,
    pub after: String,
    /// Word-level difference of descriptions and acceptance criteria (pi-model's spans:
    /// `equal` + `delete` spell the old text, `equal` + `insert` the new).
    pub words: Option<Vec<WordSpan>>,
}

/// An objective or feature that differs between the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntityChangeDto {
    /// `objective` or `feature`.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// A feature's objective (its name) in the newer version.
    pub objective: Option<String>,
    /// `added`, `removed` or `changed`.
    pub presence: String,
    /// A feature moved: the names of its old and new objective.
    pub moved_from: Option<String>,
    pub moved_to: Option<String>,
    pub fields: Vec<FieldChangeDto>,
}

/// Objective effort supporting one program objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgramEffortDto {
    /// `None` for objectives linked to no program objective.
    pub id: Option<String>,
    pub name: String,
    pub effort: Totals,
}

/// Effort totals before and after, for the team and per program objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffortTotalsDto {
    pub team: String,
    pub objectives: Totals,
    pub committed: Totals,
    pub features: Totals,
    pub program_objectives: Vec<ProgramEffortDto>,
}

/// Two versions of the plan and what differs from the first to the second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComparisonDto {
    pub before: SideInfoDto,
    pub after: SideInfoDto,
    pub entities: Vec<EntityChangeDto>,
    pub effort: EffortTotalsDto,
}

/// An objective or feature of the plan that differs from what Targetprocess had at the last pull
/// or push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncChangeDto {
    /// `objective` or `feature`.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub presence: String,
    /// The labels of the changed fields (`Effort`, `Description`, `Objective` for a move).
    pub fields: Vec<String>,
}

/// The team's effort at one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffortPointDto {
    pub rev: String,
    /// RFC 3339.
    pub at: String,
    pub kind: VersionKindDto,
    /// Effort of the committed objectives.
    pub committed: f64,
    /// Effort of all objectives.
    pub total: f64,
    /// Baselines that tag this version.
    pub baselines: Vec<String>,
}

/// Committed and total objective effort of the team over time, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffortSeriesDto {
    pub team: String,
    pub points: Vec<EffortPointDto>,
    /// True when older versions exist than the ones in the series (it stops at `limit`).
    pub capped: bool,
    pub limit: u32,
}

/// `Ann Planner`, `Targetprocess`, `auto-sync`.
pub fn who(actor: &Actor) -> String {
    match actor {
        Actor::Person { name, .. } => name.clone(),
        Actor::Targetprocess { .. } => "Targetprocess".to_owned(),
        Actor::AutoSync => "auto-sync".to_owned(),
    }
}

pub fn kind_name(kind: EntityKind) -> String {
    match kind {
        EntityKind::Objective => "objective",
        EntityKind::Feature => "feature",
    }
    .to_owned()
}

pub fn presence_name(p: Presence) -> String {
    match p {
        Presence::Added => "added",
        Presence::Removed => "removed",
        Presence::Changed => "changed",
    }
    .to_owned()
}

/// A value in planner words; acceptance criteria one per line, as their word diff spells them.
fn value_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Criteria(items) if !items.is_empty() => criteria_text(items),
        other => other.to_string(),
    }
}

impl From<&FieldDiff> for FieldChangeDto {
    fn from(f: &FieldDiff) -> Self {
        Self {
            field: field_name(f.field),
            label: f.field.label().to_owned(),
            before: value_text(&f.before),
            after: value_text(&f.after),
            words: f.words.clone(),
        }
    }
}

impl From<&EntityDiff> for EntityChangeDto {
    fn from(e: &EntityDiff) -> Self {
        Self {
            kind: kind_name(e.kind),
            id: e.id.to_string(),
            name: e.name.clone(),
            objective: e.objective.as_ref().map(|o| o.name.clone()),
            presence: presence_name(e.presence),
            moved_from: e.moved.as_ref().map(|m| m.from.name.clone()),
            moved_to: e.moved.as_ref().map(|m| m.to.name.clone()),
            fields: e.fields.iter().map(FieldChangeDto::from).collect(),
        }
    }
}

impl From<&EntityDiff> for SyncChangeDto {
    fn from(e: &EntityDiff) -> Self {
        let mut fields: Vec<String> = e
            .fields
            .iter()
            .map(|f| f.field.label().to_owned())
            .collect();
        if e.moved.is_some() {
            fields.push(pi_model::Field::Objective.label().to_owned());
        }
        Self {
            kind: kind_name(e.kind),
            id: e.id.to_string(),
            name: e.name.clone(),
            presence: presence_name(e.presence),
            fields,
        }
    }
}

/// One change of a version in planner words: `Effort 8 points → 21 points on "Sign-up"`.
pub fn change_line(e: &EntityDiff) -> String {
    let what = kind_name(e.kind);
    match e.presence {
        Presence::Added => format!("Added {what} \"{}\"", e.name),
        Presence::Removed => format!("Removed {what} \"{}\"", e.name),
        Presence::Changed => {
            let mut parts: Vec<String> = e
                .fields
                .iter()
                .map(|f| match f.field {
                    pi_model::Field::Description | pi_model::Field::AcceptanceCriteria => {
                        format!("{} edited", f.field)
                    }
                    _ => format!("{} {} → {}", f.field, f.before, f.after),
                })
                .collect();
            if let Some(m) = &e.moved {
                parts.push(format!(
                    "moved from \"{}\" to \"{}\"",
                    m.from.name, m.to.name
                ));
            }
            format!("{} on \"{}\"", parts.join(", "), e.name)
        }
    }
}

fn side(v: &VersionInfo) -> SideInfoDto {
    let label = match (&v.rev, &v.commit) {
        (pi_reports::history::Rev::Git(_), Some(c)) => format!("the version by {}", who(&c.who)),
        (pi_reports::history::Rev::Working, _) => "your working plan".to_owned(),
        _ => v.label.clone(),
    };
    SideInfoDto {
        rev: v.rev.to_string(),
        label,
        short_id: v.commit.as_ref().map(|c| c.short_id().to_owned()),
        at: v.commit.as_ref().map(|c| c.at.clone()),
        who: v.commit.as_ref().map(|c| who(&c.who)),
    }
}

impl From<&PlanDiff> for EffortTotalsDto {
    fn from(d: &PlanDiff) -> Self {
        let e = &d.effort;
        Self {
            team: e.team.team.clone(),
            objectives: e.team.objectives,
            committed: e.team.committed,
            features: e.team.features,
            program_objectives: e
                .program_objectives
                .iter()
                .map(|p| ProgramEffortDto {
                    id: p.id.as_ref().map(ToString::to_string),
                    name: p.name.clone(),
                    effort: p.effort,
                })
                .collect(),
        }
    }
}

impl From<&Comparison> for ComparisonDto {
    fn from(c: &Comparison) -> Self {
        Self {
            before: side(&c.before),
            after: side(&c.after),
            entities: c.diff.entities.iter().map(EntityChangeDto::from).collect(),
            effort: EffortTotalsDto::from(&c.diff),
        }
    }
}

/// A conflict of the plan as the shared op log tells it (the same in every clone): found by a
/// pull, and resolved or still open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConflictLogDto {
    /// The objective's or feature's id (`tp:123`).
    pub id: String,
    pub name: String,
    /// The field's label (`Effort`), or `Item` when it was edited on one side and deleted on the
    /// other.
    pub field: String,
    /// The plan's value and Targetprocess's when it was found.
    pub mine: String,
    pub theirs: String,
    /// When the pull that found it ran (RFC 3339), who pulled, who edited it in Targetprocess.
    pub found_at: String,
    pub found_by: Option<String>,
    pub remote_by: Option<String>,
    /// When and by whom it was resolved; `None` while it is open.
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// How long it stayed open, in words (`1 h 15 min`); `None` while it is open.
    pub open_for: Option<String>,
}

impl From<&pi_reports::conflicts::ConflictSpan> for ConflictLogDto {
    fn from(s: &pi_reports::conflicts::ConflictSpan) -> Self {
        Self {
            id: s.entity.to_string(),
            name: s.name.clone(),
            field: s.field.map_or("Item", |f| f.label()).to_owned(),
            mine: value_text(&s.local),
            theirs: value_text(&s.remote),
            found_at: s.found_at.clone(),
            found_by: s.found_by.clone(),
            remote_by: s.remote_by.clone(),
            resolved_at: s.resolved_at.clone(),
            resolved_by: s.resolved_by.clone(),
            open_for: s.open_secs.map(duration_words),
        }
    }
}

/// A duration in words, to the minute (`45 s` under a minute, `2 days 3 h` from a day).
pub fn duration_words(secs: i64) -> String {
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".to_owned(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}
