//! The fixed words of the current layout: section headings, heading prefixes and the labels of
//! read-only story fields (the editable ones come from [`pi_model::Field::label`]).

pub(crate) const PROGRAM_OBJECTIVES: &str = "Program Objectives";
pub(crate) const NOTES: &str = "Notes";
pub(crate) const PROGRAM_OBJECTIVE: &str = "Program Objective:";
pub(crate) const OBJECTIVE: &str = "Objective:";
pub(crate) const FEATURE: &str = "Feature:";
pub(crate) const EPIC: &str = "Epic:";
pub(crate) const STORY: &str = "Story:";
/// Story-only field labels (stories are read-only; these are not [`pi_model::Field`]s).
pub(crate) const ASSIGNEE: &str = "Assignee";
pub(crate) const POINTS: &str = "Points";
pub(crate) const STATUS_CATEGORY: &str = "Status Category";

/// The title line's text: `{release} Plan - {team}`, trimmed.
pub(crate) fn title(release: &str, team: &str) -> String {
    format!("{release} Plan - {team}").trim().to_owned()
}
