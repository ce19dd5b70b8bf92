//! Turning the generic body items of a section into the fields of one entity: which labels it
//! may carry, duplicates, and the value syntax of each field (ids, effort, yes/no, numbers,
//! Jira links).

use pi_model::{Effort, EntityId, EntityPath, Field, JiraLink};

use super::body::{FieldLine, Item};
use crate::escape;
use crate::{ParseError, ParseErrorKind, Position, SourceMap};

/// The kinds of section that carry fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    ProgramObjective,
    Objective,
    Feature,
    Story,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::ProgramObjective => "a program objective",
            Kind::Objective => "an objective",
            Kind::Feature => "a feature",
            Kind::Story => "a story",
        }
    }

    /// The labels this kind of section may carry, in canonical order.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Kind::ProgramObjective => &["ID"],
            Kind::Objective => &[
                "ID",
                "Status",
                "Effort",
                "Owner",
                "Committed",
                "Business Value",
                "Actual Business Value",
                "Program Objective",
                "Description",
            ],
            Kind::Feature => &[
                "ID",
                "Status",
                "Effort",
                "Owner",
                "Jira",
                "Acceptance Criteria",
                "Description",
            ],
            Kind::Story => &[
                "Jira",
                "Status",
                "Assignee",
                "Points",
                "Acceptance Criteria",
                "Status Category",
            ],
        }
    }
}

/// The labels already seen in one section: the line of each, by its index in
/// [`Kind::labels`] (0 while unseen), and the positions of the fields to record in the source
/// map, in file order (recorded together when the section ends, see [`Seen::record`]).
#[derive(Debug)]
pub(super) struct Seen {
    lines: [usize; 9],
    fields: [(Field, Position); 9],
    len: usize,
}

impl Default for Seen {
    fn default() -> Self {
        let nowhere = (Field::Name, Position { line: 0, column: 0 });
        Self {
            lines: [0; 9],
            fields: [nowhere; 9],
            len: 0,
        }
    }
}

impl Seen {
    /// Writes the field positions collected so far to `map` (at most once per section).
    pub fn record(&mut self, path: EntityPath, map: &mut SourceMap) {
        let fields = self.fields.get(..self.len).unwrap_or(&[]);
        map.set_fields(path, fields);
        self.len = 0;
    }
}

/// The index of `label` in [`Kind::labels`] of `kind`.
fn label_index(kind: Kind, label: &str) -> Option<usize> {
    Some(match (kind, label) {
        (Kind::ProgramObjective | Kind::Objective | Kind::Feature, "ID") => 0,
        (Kind::Objective | Kind::Feature, "Status") => 1,
        (Kind::Objective | Kind::Feature, "Effort") => 2,
        (Kind::Objective | Kind::Feature, "Owner") => 3,
        (Kind::Objective, "Committed") => 4,
        (Kind::Objective, "Business Value") => 5,
        (Kind::Objective, "Actual Business Value") => 6,
        (Kind::Objective, "Program Objective") => 7,
        (Kind::Objective, "Description") => 8,
        (Kind::Feature, "Jira") => 4,
        (Kind::Feature, "Acceptance Criteria") => 5,
        (Kind::Feature, "Description") => 6,
        (Kind::Story, "Jira") => 0,
        (Kind::Story, "Status") => 1,
        (Kind::Story, "Assignee") => 2,
        (Kind::Story, "Points") => 3,
        (Kind::Story, "Acceptance Criteria") => 4,
        (Kind::Story, "Status Category") => 5,
        _ => return None,
    })
}

/// Checks an item's label (unknown, duplicate) and notes its field position in `seen` when
/// the section has a `path`; `false` when the item is rejected (the error is recorded).
pub(super) fn accept(
    kind: Kind,
    path: Option<EntityPath>,
    item: &Item<'_>,
    seen: &mut Seen,
    errors: &mut Vec<ParseError>,
) -> bool {
    let head = item.head();
    let at = head.line.start();
    let Some(index) = label_index(kind, head.label) else {
        errors.push(ParseError {
            kind: ParseErrorKind::Structure,
            at,
            message: format!(
                "unknown field {:?} in {}; expected one of: {}",
                head.label,
                kind.noun(),
                kind.labels().join(", ")
            ),
        });
        return false;
    };
    let Some(first) = seen.lines.get_mut(index) else {
        return false;
    };
    if *first != 0 {
        errors.push(ParseError {
            kind: ParseErrorKind::Structure,
            at,
            message: format!("duplicate field {:?} (first on line {first})", head.label),
        });
        return false;
    }
    *first = at.line;
    if let (Some(_), Some(field)) = (path, field_of(head.label)) {
        let pos = match item {
            Item::Field(_) => head.value_pos(),
            _ => at,
        };
        if let Some(slot) = seen.fields.get_mut(seen.len) {
            *slot = (field, pos);
            seen.len += 1;
        }
    }
    true
}

fn field_of(label: &str) -> Option<Field> {
    Some(match label {
        "ID" => Field::Id,
        "Status" => Field::Status,
        "Effort" => Field::Effort,
        "Owner" => Field::Owner,
        "Committed" => Field::Committed,
        "Business Value" => Field::BusinessValue,
        "Actual Business Value" => Field::ActualBusinessValue,
        "Program Objective" => Field::ProgramObjective,
        "Acceptance Criteria" => Field::AcceptanceCriteria,
        "Description" => Field::Description,
        "Jira" => Field::Jira,
        _ => return None,
    })
}

/// A plain single-line value (escapes removed).
pub(super) fn text(f: &FieldLine<'_>) -> String {
    escape::unescape_inline(f.value.trim())
}

pub(super) fn id(f: &FieldLine<'_>) -> Result<EntityId, ParseError> {
    let v = f.value.trim();
    v.parse::<EntityId>()
        .map_err(|e| f.error(format!("{} is not a valid id: {e}", f.label)))
}

/// `13 points` (the unit is optional; `point` and `pts` are accepted too).
pub(super) fn effort(f: &FieldLine<'_>) -> Result<Effort, ParseError> {
    let v = f.value.trim();
    let number = ["points", "point", "pts"]
        .iter()
        .find_map(|unit| v.strip_suffix(unit))
        .map_or(v, str::trim_end);
    number.parse::<Effort>().map_err(|_| {
        f.error(format!(
            "{} must be a number of points, found {number:?}",
            f.label
        ))
    })
}

pub(super) fn yes_no(f: &FieldLine<'_>) -> Result<bool, ParseError> {
    match f.value.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(f.error(format!(
            "{} must be \"yes\" or \"no\", found {other:?}",
            f.label
        ))),
    }
}

pub(super) fn whole_number(f: &FieldLine<'_>) -> Result<u32, ParseError> {
    let v = f.value.trim();
    v.parse::<u32>()
        .ok()
        .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| f.error(format!("{} must be a whole number, found {v:?}", f.label)))
}

/// `tp:123 (name)`: the id; the name after it is only a label for readers.
pub(super) fn program_objective(f: &FieldLine<'_>) -> Result<EntityId, ParseError> {
    let v = f.value.trim();
    let token = v.split_whitespace().next().unwrap_or("");
    token.parse::<EntityId>().map_err(|e| {
        f.error(format!(
            "{} must start with the program objective's id: {e}",
            f.label
        ))
    })
}

/// `[KEY](url)` or a bare `KEY`.
pub(super) fn jira(f: &FieldLine<'_>) -> Result<JiraLink, ParseError> {
    let v = f.value.trim();
    if v.starts_with('[') {
        let (key, url) = escape::parse_link(v).ok_or_else(|| {
            f.error(format!(
                "{} must be a key like DAD-123 or a link like [DAD-123](https://…), found {v:?}",
                f.label
            ))
        })?;
        return Ok(JiraLink {
            key,
            url: Some(url),
        });
    }
    Ok(JiraLink {
        key: escape::unescape_inline(v),
        url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_labels_match_the_model() {
        for kind in [
            Kind::ProgramObjective,
            Kind::Objective,
            Kind::Feature,
            Kind::Story,
        ] {
            for label in kind.labels() {
                if let Some(f) = field_of(label) {
                    assert_eq!(f.label(), *label);
                }
            }
        }
        for kind in [
            Kind::ProgramObjective,
            Kind::Objective,
            Kind::Feature,
            Kind::Story,
        ] {
            for (i, label) in kind.labels().iter().enumerate() {
                assert_eq!(label_index(kind, label), Some(i), "{kind:?} {label}");
            }
            for label in ["Name", "Points ", "id", ""] {
                assert_eq!(label_index(kind, label), None);
            }
        }
        assert_eq!(label_index(Kind::Story, "ID"), None);
        assert_eq!(label_index(Kind::ProgramObjective, "Status"), None);
        assert_eq!(field_of("Assignee"), None);
        assert_eq!(field_of("Name"), None);
    }
}
