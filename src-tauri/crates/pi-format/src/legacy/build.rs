//! Walks the body of a legacy file line by line: headings open sections (title, program
//! objectives, team objectives, their description and epics, Jira stories), and each line is
//! handed to the section it is in.
//!
//! Field lines and free text inside entities are handled in `entity`; the program objectives
//! list in `program`; everything that needs the whole file (ids, links, warnings) in `finish`.

use pi_model::{EntityId, EntityPath, Feature, FeatureKind, Field, Plan, Story, TeamObjective};

use super::ids::IdAllocator;
use super::lines::{Heading, Line, headings, is_thematic_break};
use super::values;
use crate::{ParseError, ParseErrorKind, Position, SourceMap};

/// Where the walker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cursor {
    /// Before the first `##` (title, sync status line, free notes).
    Preamble,
    ProgramObjectives,
    Objective(usize),
    /// `### Description` of objective `.0`.
    Description(usize),
    Feature(usize, usize),
    Story(usize, usize, usize),
    /// Under a heading that was reported as unknown; inside objective `.0` if it was a `###`
    /// or deeper heading there, so following `###` sections still find their objective.
    Unknown(Option<usize>),
}

/// Derived or volatile lines that were dropped, for the one warning about them.
#[derive(Debug, Default)]
pub(super) struct Dropped {
    pub first: Option<Position>,
    pub exported_at: bool,
    pub synced_at: usize,
    pub last_synced: usize,
    pub status_line: usize,
    pub see_jira: usize,
    pub reference_note: usize,
}

impl Dropped {
    pub fn seen(&mut self, at: Position) {
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
    }
}

/// The `# PI-… Plan - Team` title.
#[derive(Debug)]
pub(super) struct Title {
    pub release: String,
    pub team: String,
    pub at: Position,
}

/// A `**Team**:` or `**Release**:` line on an objective (PRD layout).
#[derive(Debug)]
pub(super) struct Mention {
    pub field: Field,
    pub value: String,
    pub at: Position,
}

/// Parse state of one objective beyond what the model holds.
#[derive(Debug)]
pub(super) struct ObjState<'a> {
    pub id_given: bool,
    pub heading: Position,
    /// Free text directly under the `##` heading.
    pub free: Vec<Line<'a>>,
    /// The `### Description` section: heading position and lines.
    pub section: Option<(Position, Vec<&'a str>)>,
    pub program_objective: Option<(String, Position)>,
    pub features: Vec<FeatState<'a>>,
}

/// Parse state of one epic beyond what the model holds.
#[derive(Debug)]
pub(super) struct FeatState<'a> {
    pub id_given: bool,
    pub heading: Position,
    pub text: Vec<Line<'a>>,
}

/// Per-section state of field lines and acceptance criteria lists.
#[derive(Debug, Default)]
pub(super) struct BodyState {
    /// Keys already given in this section (lower case).
    pub seen: Vec<String>,
    /// Inside an `**Acceptance Criteria**:` list.
    pub ac: bool,
    pub ac_blank: bool,
    pub ac_item: bool,
}

/// Everything collected while walking the file.
#[derive(Debug)]
pub(super) struct Builder<'a> {
    pub plan: Plan,
    pub map: SourceMap,
    pub errors: Vec<ParseError>,
    pub warnings: Vec<ParseError>,
    pub dropped: Dropped,
    /// Saw syntax only the PRD layout uses.
    pub prd: bool,
    pub ids: IdAllocator,
    /// `objective 1` → id, from PRD-style program objective labels.
    pub program_labels: Vec<(String, EntityId)>,
    pub title: Option<Title>,
    pub mentions: Vec<Mention>,
    pub objs: Vec<ObjState<'a>>,
    pub notes: Vec<&'a str>,
    pub keyless_stories: Vec<Position>,
    pub cursor: Cursor,
    pub body: BodyState,
}

/// Stands in for an id until `finish` assigns the real one.
pub(super) const PENDING_ID: EntityId = EntityId::Tp(0);

/// The text after `prefix` in a heading, trimmed, and its position.
fn after_prefix<'a>(l: &Line<'a>, h: Heading<'a>, prefix: &str) -> Option<(&'a str, Position)> {
    let rest = h.text.strip_prefix(prefix)?;
    let lead = rest.len() - rest.trim_start().len();
    Some((rest.trim(), l.at(h.text_at + prefix.len() + lead)))
}

pub(super) fn error(kind: ParseErrorKind, at: Position, message: impl Into<String>) -> ParseError {
    ParseError {
        kind,
        at,
        message: message.into(),
    }
}

impl<'a> Builder<'a> {
    pub fn new() -> Self {
        Self {
            plan: Plan::default(),
            map: SourceMap::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            dropped: Dropped::default(),
            prd: false,
            ids: IdAllocator::default(),
            program_labels: Vec::new(),
            title: None,
            mentions: Vec::new(),
            objs: Vec::new(),
            notes: Vec::new(),
            keyless_stories: Vec::new(),
            cursor: Cursor::Preamble,
            body: BodyState::default(),
        }
    }

    /// Walks the body lines.
    pub fn walk(&mut self, lines: &[Line<'a>]) {
        for (line, head) in lines.iter().zip(headings(lines)) {
            match head {
                Some(h) if !(matches!(self.cursor, Cursor::Description(_)) && h.level >= 4) => {
                    self.body = BodyState::default();
                    self.heading(line, h);
                }
                _ => self.line(line),
            }
        }
    }

    pub fn structure(&mut self, at: Position, message: impl Into<String>) {
        self.errors
            .push(error(ParseErrorKind::Structure, at, message));
    }

    fn heading(&mut self, l: &Line<'a>, h: Heading<'a>) {
        let at = l.at(l.text.len() - l.text.trim_start().len());
        match h.level {
            1 => self.title(h.text, at),
            2 => self.section(l, h, at),
            3 => self.objective_part(l, h, at),
            4 => self.story(h.text, at),
            _ => self.unknown_heading(
                at,
                h.level,
                h.text,
                "a legacy plan has no headings below `####`",
            ),
        }
    }

    fn unknown_heading(&mut self, at: Position, level: usize, text: &str, why: &str) {
        self.structure(at, format!("unexpected heading {text:?}: {why}"));
        let inside = if level >= 3 {
            self.current_objective()
        } else {
            None
        };
        self.cursor = Cursor::Unknown(inside);
    }

    fn title(&mut self, text: &str, at: Position) {
        if self.title.is_some() || self.cursor != Cursor::Preamble {
            return self.unknown_heading(at, 1, text, "the file has one `#` title, at the top");
        }
        let Some((release, team)) = text.split_once(" Plan - ") else {
            return self.unknown_heading(
                at,
                1,
                text,
                "expected a title like `# PI-4/25 Plan - Team`",
            );
        };
        // The tpcli generator prefixed the release with "PI-" even when it had one already.
        let release = match release.trim().strip_prefix("PI-PI-") {
            Some(rest) => format!("PI-{rest}"),
            None => release.trim().to_owned(),
        };
        self.title = Some(Title {
            release,
            team: team.trim().to_owned(),
            at,
        });
    }

    fn section(&mut self, l: &Line<'a>, h: Heading<'a>, at: Position) {
        let text = h.text;
        if text.to_lowercase().starts_with("program objectives") {
            self.cursor = Cursor::ProgramObjectives;
        } else if let Some((name, name_at)) = after_prefix(l, h, "Team Objective:") {
            self.objective(name, at, name_at);
        } else {
            self.unknown_heading(
                at,
                2,
                text,
                "expected `## Program Objectives` or `## Team Objective: NAME`",
            );
        }
    }

    fn objective(&mut self, name: &str, at: Position, text_at: Position) {
        if name.is_empty() {
            self.structure(
                text_at,
                "a team objective needs a name after `Team Objective:`",
            );
        }
        let index = self.plan.objectives.len();
        self.plan.objectives.push(TeamObjective {
            id: PENDING_ID,
            name: name.to_owned(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            committed: false,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features: Vec::new(),
        });
        self.objs.push(ObjState {
            id_given: false,
            heading: at,
            free: Vec::new(),
            section: None,
            program_objective: None,
            features: Vec::new(),
        });
        let path = EntityPath::Objective { index };
        self.map.set_entity(path, at);
        self.map.set_field(path, Field::Name, text_at);
        self.cursor = Cursor::Objective(index);
    }

    /// The objective the cursor is in, if any.
    fn current_objective(&self) -> Option<usize> {
        match self.cursor {
            Cursor::Objective(i)
            | Cursor::Description(i)
            | Cursor::Feature(i, _)
            | Cursor::Story(i, _, _)
            | Cursor::Unknown(Some(i)) => Some(i),
            _ => None,
        }
    }

    fn objective_part(&mut self, l: &Line<'a>, h: Heading<'a>, at: Position) {
        let text = h.text;
        let Some(i) = self.current_objective() else {
            return self.unknown_heading(
                at,
                3,
                text,
                "`###` sections belong under `## Team Objective:`",
            );
        };
        if text.eq_ignore_ascii_case("Description") {
            self.description(i, at);
        } else if let Some((name, name_at)) = after_prefix(l, h, "Epic:") {
            self.feature(i, name, at, name_at);
        } else {
            self.unknown_heading(
                at,
                3,
                text,
                "expected `### Description` or `### Epic: NAME`",
            );
        }
    }

    fn description(&mut self, i: usize, at: Position) {
        let Some(state) = self.objs.get_mut(i) else {
            return;
        };
        if state.section.is_some() {
            return self.unknown_heading(at, 3, "Description", "this objective already has one");
        }
        state.section = Some((at, Vec::new()));
        self.map
            .set_field(EntityPath::Objective { index: i }, Field::Description, at);
        self.cursor = Cursor::Description(i);
    }

    fn feature(&mut self, i: usize, name: &str, at: Position, text_at: Position) {
        let (Some(obj), Some(state)) = (self.plan.objectives.get_mut(i), self.objs.get_mut(i))
        else {
            return;
        };
        if name.is_empty() {
            self.errors.push(error(
                ParseErrorKind::Structure,
                text_at,
                "an epic needs a name after `Epic:`",
            ));
        }
        let index = obj.features.len();
        obj.features.push(Feature {
            id: PENDING_ID,
            kind: FeatureKind::Feature,
            name: name.to_owned(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        });
        state.features.push(FeatState {
            id_given: false,
            heading: at,
            text: Vec::new(),
        });
        let path = EntityPath::Feature {
            objective: i,
            index,
        };
        self.map.set_entity(path, at);
        self.map.set_field(path, Field::Name, text_at);
        self.cursor = Cursor::Feature(i, index);
    }

    fn story(&mut self, text: &str, at: Position) {
        let (Cursor::Feature(i, j) | Cursor::Story(i, j, _)) = self.cursor else {
            return self.unknown_heading(at, 4, text, "`####` stories belong under `### Epic:`");
        };
        let Some(head) = values::story_heading(text) else {
            return self.unknown_heading(
                at,
                4,
                text,
                "expected a story `#### [KEY](url) - summary` or `#### Story: summary`",
            );
        };
        if text.starts_with("Story:") {
            self.prd = true;
        }
        if head.key.is_empty() {
            self.keyless_stories.push(at);
        }
        let Some(feature) = self
            .plan
            .objectives
            .get_mut(i)
            .and_then(|o| o.features.get_mut(j))
        else {
            return;
        };
        feature.stories.push(Story {
            key: head.key,
            url: head.url,
            summary: head.summary,
            status: None,
            status_category: None,
            assignee: None,
            points: None,
            acceptance_criteria: Vec::new(),
        });
        self.cursor = Cursor::Story(i, j, feature.stories.len() - 1);
    }

    fn line(&mut self, l: &Line<'a>) {
        match self.cursor {
            Cursor::Preamble => self.preamble_line(l),
            Cursor::ProgramObjectives => self.program_line(l),
            Cursor::Description(i) => {
                if let Some((_, lines)) = self.objs.get_mut(i).and_then(|s| s.section.as_mut()) {
                    lines.push(l.text);
                }
            }
            Cursor::Objective(_) | Cursor::Feature(..) | Cursor::Story(..) => self.entity_line(l),
            Cursor::Unknown(_) => {}
        }
    }

    fn preamble_line(&mut self, l: &Line<'a>) {
        let t = l.text.trim();
        let status = [
            "_Sync Status",
            "*Sync Status",
            "_Last synced",
            "*Last synced",
        ];
        if is_thematic_break(t) {
            self.notes.push("");
        } else if status.iter().any(|p| t.starts_with(p)) {
            self.dropped.status_line += 1;
            self.dropped.seen(l.at(0));
        } else {
            self.notes.push(l.text);
        }
    }
}
