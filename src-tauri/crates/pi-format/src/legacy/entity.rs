//! Lines inside an objective, epic or story section: `**Key**: value` fields (plain or as list
//! items), acceptance-criteria lists and free text.
//!
//! Every known key is mapped onto the model; an unknown key is a located error, never dropped.

use pi_model::{Criterion, EntityId, EntityPath, Field};

use super::build::{Builder, Cursor, Mention};
use super::lines::{FieldLine, Line, bullet, field_line, is_thematic_break, split_fields};
use super::values;
use crate::{ParseErrorKind, Position};

/// A legacy field key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    TpId,
    Status,
    Effort,
    Owner,
    ProgramObjective,
    LastSynced,
    Team,
    Release,
    JiraEpic,
    AcceptanceCriteria,
    Assignee,
    StoryPoints,
}

const OBJECTIVE_KEYS: &[(&str, Key)] = &[
    ("TP ID", Key::TpId),
    ("Status", Key::Status),
    ("Effort", Key::Effort),
    ("Owner", Key::Owner),
    ("Program Objective", Key::ProgramObjective),
    ("Last Synced", Key::LastSynced),
    ("Team", Key::Team),
    ("Release", Key::Release),
];

const FEATURE_KEYS: &[(&str, Key)] = &[
    ("TP ID", Key::TpId),
    ("Owner", Key::Owner),
    ("Status", Key::Status),
    ("Effort", Key::Effort),
    ("Jira Epic", Key::JiraEpic),
    ("Last Synced", Key::LastSynced),
    ("Acceptance Criteria", Key::AcceptanceCriteria),
];

const STORY_KEYS: &[(&str, Key)] = &[
    ("Status", Key::Status),
    ("Assignee", Key::Assignee),
    ("Story Points", Key::StoryPoints),
    ("Last Synced", Key::LastSynced),
    ("Acceptance Criteria", Key::AcceptanceCriteria),
];

/// A located field value.
struct Value<'v> {
    text: &'v str,
    at: Position,
}

impl Cursor {
    fn keys(self) -> (&'static [(&'static str, Key)], &'static str) {
        match self {
            Cursor::Objective(_) => (OBJECTIVE_KEYS, "a team objective"),
            Cursor::Feature(..) => (FEATURE_KEYS, "an epic"),
            _ => (STORY_KEYS, "a Jira story"),
        }
    }
}

impl<'a> Builder<'a> {
    /// A line inside an objective, epic or story section.
    pub(super) fn entity_line(&mut self, l: &Line<'a>) {
        if l.is_blank() {
            self.body.ac_blank = true;
            return self.entity_text(l);
        }
        let (table, _) = self.cursor.keys();
        let known = |f: &FieldLine<'_>| table.iter().any(|(n, _)| n.eq_ignore_ascii_case(f.key));
        // `  - **Scenario**: …` inside a criteria list is a criterion, not an unknown field.
        let criterion = self.body.ac && field_line(l.text).is_none_or(|f| !known(&f));
        if let Some(first) = field_line(l.text).filter(|_| !criterion) {
            self.body.ac = false;
            let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            for f in split_fields(l.text, first, &names) {
                self.field(l, f);
            }
            return;
        }
        if self.body.ac && self.criterion_line(l) {
            return;
        }
        self.body.ac = false;
        if is_thematic_break(l.text) {
            return self.entity_text(&Line { text: "", ..*l });
        }
        self.entity_text(l);
    }

    /// An acceptance-criteria item or continuation; false when the list has ended.
    fn criterion_line(&mut self, l: &Line<'a>) -> bool {
        if let Some((_, item, _)) = bullet(l.text) {
            self.push_criterion(values::criterion(item));
            self.body.ac_blank = false;
            self.body.ac_item = true;
            return true;
        }
        let continues = self.body.ac_item && !self.body.ac_blank && l.text.starts_with([' ', '\t']);
        if continues && let Some(list) = self.criteria_mut() {
            if let Some(last) = list.last_mut() {
                last.text.push(' ');
                last.text.push_str(l.text.trim());
            }
            return true;
        }
        false
    }

    fn criteria_mut(&mut self) -> Option<&mut Vec<Criterion>> {
        let objectives = &mut self.plan.objectives;
        match self.cursor {
            Cursor::Feature(i, j) => objectives
                .get_mut(i)?
                .features
                .get_mut(j)
                .map(|f| &mut f.acceptance_criteria),
            Cursor::Story(i, j, k) => objectives
                .get_mut(i)?
                .features
                .get_mut(j)?
                .stories
                .get_mut(k)
                .map(|s| &mut s.acceptance_criteria),
            _ => None,
        }
    }

    fn push_criterion(&mut self, c: Criterion) {
        if let Some(list) = self.criteria_mut() {
            list.push(c);
        }
    }

    /// Free text (or a blank line) in an entity section.
    fn entity_text(&mut self, l: &Line<'a>) {
        let t = l.text.trim();
        match self.cursor {
            Cursor::Objective(i) => {
                if let Some(s) = self.objs.get_mut(i) {
                    s.free.push(*l);
                }
            }
            Cursor::Feature(i, j) => {
                if t.trim_start_matches(['*', '_'])
                    .starts_with("For detailed story decomposition")
                {
                    self.dropped.see_jira += 1;
                    self.dropped.seen(l.at(0));
                } else if let Some(f) = self.objs.get_mut(i).and_then(|s| s.features.get_mut(j)) {
                    f.text.push(*l);
                }
            }
            _ if t.is_empty() => {}
            _ => self.structure(
                l.at(l.text.len() - l.text.trim_start().len()),
                "unexpected text under a Jira story: a story has only its heading and \
                 Status, Assignee, Story Points and Acceptance Criteria fields",
            ),
        }
    }

    /// One `**Key**: value` field in the current section.
    fn field(&mut self, l: &Line<'a>, f: FieldLine<'a>) {
        let key_at = l.at(f.key_at);
        let (table, what) = self.cursor.keys();
        let Some(&(name, key)) = table.iter().find(|(n, _)| n.eq_ignore_ascii_case(f.key)) else {
            let known: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            return self.structure(
                key_at,
                format!(
                    "unknown field `{}` in {what}; known fields are {}",
                    f.key,
                    known.join(", ")
                ),
            );
        };
        if self.body.seen.iter().any(|s| s == name) {
            return self.structure(key_at, format!("`{name}` is given twice in {what}"));
        }
        self.body.seen.push(name.to_owned());
        // The generator wrote neither bullets, nor Team/Release lines, nor epic TP ids.
        let epic_id = key == Key::TpId && !self.is_objective();
        if f.bullet || epic_id || matches!(key, Key::Team | Key::Release) {
            self.prd = true;
        }
        let value = Value {
            text: f.value,
            at: l.at(f.value_at),
        };
        match self.cursor {
            Cursor::Objective(i) => self.objective_field(i, key, key_at, value),
            Cursor::Feature(i, j) => self.feature_field(i, j, key, key_at, value),
            Cursor::Story(i, j, k) => self.story_field((i, j, k), key, key_at, value),
            _ => {}
        }
    }

    fn is_objective(&self) -> bool {
        matches!(self.cursor, Cursor::Objective(_))
    }

    fn value_error(&mut self, at: Position, message: String) {
        self.errors
            .push(super::build::error(ParseErrorKind::Value, at, message));
    }

    fn dropped_last_synced(&mut self, key_at: Position) {
        self.dropped.last_synced += 1;
        self.dropped.seen(key_at);
    }

    fn objective_field(&mut self, i: usize, key: Key, key_at: Position, v: Value<'_>) {
        let path = EntityPath::Objective { index: i };
        let field = match key {
            Key::TpId => Field::Id,
            Key::Status => Field::Status,
            Key::Effort => Field::Effort,
            Key::Owner => Field::Owner,
            Key::ProgramObjective => Field::ProgramObjective,
            Key::Team => Field::Team,
            Key::Release => Field::Release,
            _ => return self.dropped_last_synced(key_at),
        };
        self.map.set_field(path, field, key_at);
        if matches!(field, Field::Team | Field::Release) {
            let value = v.text.to_owned();
            return self.mentions.push(Mention {
                field,
                value,
                at: v.at,
            });
        }
        if field == Field::ProgramObjective {
            if let (Some(name), Some(s)) = (values::text(v.text), self.objs.get_mut(i)) {
                s.program_objective = Some((name, v.at));
            }
            return;
        }
        let effort = self.parse_effort(field, &v);
        let tp = self.parse_tp(field, &v);
        let (Some(o), Some(s)) = (self.plan.objectives.get_mut(i), self.objs.get_mut(i)) else {
            return;
        };
        match field {
            Field::Id => {
                if let Some(n) = tp {
                    o.id = EntityId::Tp(n);
                    s.id_given = true;
                }
            }
            Field::Status => o.status = values::text(v.text),
            Field::Effort => o.effort = effort,
            _ => o.owner = values::person(v.text),
        }
    }

    fn parse_effort(&mut self, field: Field, v: &Value<'_>) -> Option<pi_model::Effort> {
        if field != Field::Effort {
            return None;
        }
        values::effort(v.text)
            .map_err(|m| self.value_error(v.at, m))
            .ok()
            .flatten()
    }

    fn parse_tp(&mut self, field: Field, v: &Value<'_>) -> Option<i64> {
        if field != Field::Id {
            return None;
        }
        values::tp_id(v.text)
            .map_err(|m| self.value_error(v.at, m))
            .ok()
    }

    fn feature_field(&mut self, i: usize, j: usize, key: Key, key_at: Position, v: Value<'_>) {
        let path = EntityPath::Feature {
            objective: i,
            index: j,
        };
        let field = match key {
            Key::TpId => Field::Id,
            Key::Status => Field::Status,
            Key::Effort => Field::Effort,
            Key::Owner => Field::Owner,
            Key::JiraEpic => Field::Jira,
            Key::AcceptanceCriteria => Field::AcceptanceCriteria,
            _ => return self.dropped_last_synced(key_at),
        };
        self.map.set_field(path, field, key_at);
        let effort = self.parse_effort(field, &v);
        let tp = self.parse_tp(field, &v);
        let jira = match field {
            Field::Jira => values::jira_link(v.text)
                .map_err(|m| self.value_error(v.at, m))
                .ok(),
            _ => None,
        };
        if field == Field::AcceptanceCriteria {
            self.start_criteria(v.text);
            return;
        }
        let (Some(f), Some(s)) = (
            self.plan
                .objectives
                .get_mut(i)
                .and_then(|o| o.features.get_mut(j)),
            self.objs.get_mut(i).and_then(|o| o.features.get_mut(j)),
        ) else {
            return;
        };
        match field {
            Field::Id => {
                if let Some(n) = tp {
                    f.id = EntityId::Tp(n);
                    s.id_given = true;
                }
            }
            Field::Status => f.status = values::text(v.text),
            Field::Effort => f.effort = effort,
            Field::Jira => f.jira = jira,
            _ => f.owner = values::person(v.text),
        }
    }

    fn start_criteria(&mut self, inline: &str) {
        self.body.ac = true;
        self.body.ac_blank = false;
        self.body.ac_item = false;
        if !inline.is_empty() {
            self.push_criterion(values::criterion(inline));
            self.body.ac_item = true;
        }
    }

    fn story_field(&mut self, at: (usize, usize, usize), key: Key, key_at: Position, v: Value<'_>) {
        let points = match key {
            Key::StoryPoints => values::effort(v.text)
                .map_err(|m| self.value_error(v.at, m.replacen("Effort", "Story Points", 1)))
                .ok()
                .flatten(),
            Key::AcceptanceCriteria => return self.start_criteria(v.text),
            Key::LastSynced => return self.dropped_last_synced(key_at),
            _ => None,
        };
        let (i, j, k) = at;
        let Some(s) = self
            .plan
            .objectives
            .get_mut(i)
            .and_then(|o| o.features.get_mut(j))
            .and_then(|f| f.stories.get_mut(k))
        else {
            return;
        };
        match key {
            Key::Status => s.status = values::text(v.text),
            Key::Assignee => s.assignee = values::person(v.text),
            _ => s.points = points,
        }
    }
}
