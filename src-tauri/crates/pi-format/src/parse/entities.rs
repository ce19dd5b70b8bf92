//! The entity sections: program objectives, objectives, features / epics and stories. Each reads
//! its heading name, its body fields and then its sub-sections.

use pi_model::{
    EntityId, EntityPath, Feature, FeatureKind, Field, ProgramObjective, Story, TeamObjective,
};

use super::Ctx;
use super::body::{self, Item};
use super::fields::{self, Kind, Seen};
use crate::escape;
use crate::labels;
use crate::lines::Line;
use crate::{ParseError, ParseErrorKind};

/// Placeholder for an entity whose id line is missing or wrong; never returned (the parse
/// fails). A TP id, so that it costs no allocation for the many entities that do have an id.
fn placeholder_id() -> EntityId {
    EntityId::Tp(0)
}

impl<'a> Ctx<'a> {
    /// Name of a heading whose prefix ends at byte `at` of `line`, with `rest` the text after it.
    fn name(&mut self, line: Line<'a>, at: usize, rest: &str, path: EntityPath) -> String {
        let skip = usize::from(rest.starts_with(' '));
        self.map.set_entity(path, line.start());
        self.map.set_field(path, Field::Name, line.at(at + skip));
        escape::unescape_inline(rest.trim())
    }

    /// The next accepted item of a section body (see [`fields::accept`]); `None` at its end.
    fn item(&mut self, kind: Kind, path: Option<EntityPath>, seen: &mut Seen) -> Option<Item<'a>> {
        loop {
            let Some(item) = body::next(&mut self.cur, &mut self.errors) else {
                if let Some(path) = path {
                    seen.record(path, &mut self.map);
                }
                return None;
            };
            if fields::accept(kind, path, &item, seen, &mut self.errors) {
                return Some(item);
            }
        }
    }

    fn check<T>(&mut self, r: Result<T, ParseError>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }

    fn missing(&mut self, line: Line<'a>, what: &str, label: &str) {
        self.errors.push(ParseError {
            kind: ParseErrorKind::Structure,
            at: line.start(),
            message: format!("{what} has no `**{label}**:` line"),
        });
    }

    pub(super) fn program_objectives(&mut self) {
        let mut seen = Seen::default();
        let mut stray = None;
        while let Some(item) = self.item(Kind::ProgramObjective, None, &mut seen) {
            stray = stray.or(Some(item.head().line.start()));
        }
        if let Some(at) = stray {
            self.errors.push(ParseError {
                kind: ParseErrorKind::Structure,
                at,
                message: "expected `### Program Objective: <name>` sections here".to_owned(),
            });
        }
        while let Some((line, h)) = self.heading_here() {
            if h.level <= 2 {
                return;
            }
            self.cur.advance();
            let content = line.text.get(h.content.clone()).unwrap_or("");
            match content.strip_prefix(labels::PROGRAM_OBJECTIVE) {
                Some(rest) if h.level == 3 => {
                    self.program_objective(line, h.content.end - rest.len(), rest);
                }
                _ => self.wrong_heading(line, "`### Program Objective: <name>`", 2),
            }
        }
    }

    fn wrong_heading(&mut self, line: Line<'a>, expected: &str, up_to: usize) {
        self.errors.push(ParseError {
            kind: ParseErrorKind::Structure,
            at: line.start(),
            message: format!(
                "unexpected heading {:?}; expected {expected}",
                body::preview(line.text)
            ),
        });
        self.skip_to_heading(up_to);
    }

    fn program_objective(&mut self, line: Line<'a>, at: usize, rest: &str) {
        let path = EntityPath::ProgramObjective {
            index: self.plan.program_objectives.len(),
        };
        let name = self.name(line, at, rest, path);
        let mut id = None;
        let mut has_id = false;
        let mut seen = Seen::default();
        while let Some(item) = self.item(Kind::ProgramObjective, Some(path), &mut seen) {
            if let Item::Field(f) = &item {
                has_id = true;
                id = self.check(fields::id(f));
            }
        }
        if !has_id {
            self.missing(line, "this program objective", "ID");
        }
        self.plan.program_objectives.push(ProgramObjective {
            id: id.unwrap_or_else(placeholder_id),
            name,
        });
    }

    pub(super) fn objective(&mut self, line: Line<'a>, at: usize, rest: &str) {
        let index = self.plan.objectives.len();
        let path = EntityPath::Objective { index };
        let mut o = TeamObjective {
            id: placeholder_id(),
            name: self.name(line, at, rest, path),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            committed: false,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features: Vec::new(),
        };
        let mut has_id = false;
        let mut seen = Seen::default();
        while let Some(item) = self.item(Kind::Objective, Some(path), &mut seen) {
            match item {
                Item::Description(_, text) => o.description = text,
                Item::Criteria(..) => {}
                Item::Field(f) => match f.label {
                    "ID" => {
                        has_id = true;
                        o.id = self.check(fields::id(&f)).unwrap_or_else(placeholder_id);
                    }
                    "Status" => o.status = Some(fields::text(&f)),
                    "Owner" => o.owner = Some(fields::text(&f)),
                    "Effort" => o.effort = self.check(fields::effort(&f)),
                    "Committed" => o.committed = self.check(fields::yes_no(&f)).unwrap_or(false),
                    "Business Value" => o.business_value = self.check(fields::whole_number(&f)),
                    "Actual Business Value" => {
                        o.actual_business_value = self.check(fields::whole_number(&f));
                    }
                    _ => o.program_objective = self.check(fields::program_objective(&f)),
                },
            }
        }
        if !has_id {
            self.missing(line, "this objective", "ID");
        }
        o.features = self.features(index);
        self.plan.objectives.push(o);
    }

    /// The features of objective `objective`, collected in a reused buffer so the objective's
    /// vector is allocated once at its final size.
    fn features(&mut self, objective: usize) -> Vec<Feature> {
        let mut list = std::mem::take(&mut self.features);
        list.clear();
        while let Some((line, h)) = self.heading_here() {
            if h.level <= 2 {
                break;
            }
            self.cur.advance();
            let content = line.text.get(h.content.clone()).unwrap_or("");
            let kind = [
                (labels::FEATURE, FeatureKind::Feature),
                (labels::EPIC, FeatureKind::Epic),
            ]
            .into_iter()
            .find_map(|(p, k)| content.strip_prefix(p).map(|rest| (rest, k)));
            match kind {
                Some((rest, kind)) if h.level == 3 => {
                    let path = EntityPath::Feature {
                        objective,
                        index: list.len(),
                    };
                    let at = h.content.end - rest.len();
                    list.push(self.feature(path, kind, line, at, rest));
                }
                _ => self.wrong_heading(
                    line,
                    "`### Feature: <name>` or `### Epic: <name>` inside an objective",
                    3,
                ),
            }
        }
        let mut features = Vec::with_capacity(list.len());
        features.append(&mut list);
        self.features = list;
        features
    }

    fn feature(
        &mut self,
        path: EntityPath,
        kind: FeatureKind,
        line: Line<'a>,
        at: usize,
        rest: &str,
    ) -> Feature {
        let mut f = Feature {
            id: placeholder_id(),
            kind,
            name: self.name(line, at, rest, path),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        };
        let mut has_id = false;
        let mut seen = Seen::default();
        while let Some(item) = self.item(Kind::Feature, Some(path), &mut seen) {
            match item {
                Item::Description(_, text) => f.description = text,
                Item::Criteria(_, list) => f.acceptance_criteria = list,
                Item::Field(v) => match v.label {
                    "ID" => {
                        has_id = true;
                        f.id = self.check(fields::id(&v)).unwrap_or_else(placeholder_id);
                    }
                    "Status" => f.status = Some(fields::text(&v)),
                    "Owner" => f.owner = Some(fields::text(&v)),
                    "Effort" => f.effort = self.check(fields::effort(&v)),
                    _ => f.jira = self.check(fields::jira(&v)),
                },
            }
        }
        if !has_id {
            self.missing(line, "this feature", "ID");
        }
        self.stories(&mut f);
        f
    }

    fn stories(&mut self, feature: &mut Feature) {
        while let Some((line, h)) = self.heading_here() {
            if h.level <= 3 {
                return;
            }
            self.cur.advance();
            let content = line.text.get(h.content.clone()).unwrap_or("");
            match content.strip_prefix(labels::STORY) {
                Some(rest) if h.level == 4 => feature.stories.push(self.story(line, rest)),
                _ => self.wrong_heading(line, "`#### Story: <summary>` inside a feature", 4),
            }
        }
    }

    fn story(&mut self, line: Line<'a>, rest: &str) -> Story {
        let mut s = Story {
            key: String::new(),
            url: None,
            summary: escape::unescape_inline(rest.trim()),
            status: None,
            status_category: None,
            assignee: None,
            points: None,
            acceptance_criteria: Vec::new(),
        };
        let mut has_key = false;
        let mut seen = Seen::default();
        while let Some(item) = self.item(Kind::Story, None, &mut seen) {
            match item {
                Item::Criteria(_, list) => s.acceptance_criteria = list,
                Item::Description(..) => {}
                Item::Field(v) => match v.label {
                    "Status" => s.status = Some(fields::text(&v)),
                    labels::STATUS_CATEGORY => s.status_category = Some(fields::text(&v)),
                    "Assignee" => s.assignee = Some(fields::text(&v)),
                    "Points" => s.points = self.check(fields::effort(&v)),
                    _ => {
                        has_key = true;
                        if let Some(j) = self.check(fields::jira(&v)) {
                            s.key = j.key;
                            s.url = j.url;
                        }
                    }
                },
            }
        }
        if !has_key {
            self.missing(line, "this story", "Jira");
        }
        s
    }
}
