//! Where a field's lines and an entity's section sit in a rendered plan: the source map of
//! parsing the text gives every entity heading and field line start; a field runs until the next
//! such start or heading, without the blank lines that separate blocks.

use pi_model::merge::{EntityKind, FieldValue, feature_set, objective_set};
use pi_model::{EntityId, EntityPath, Field, Plan};

use crate::SourceMap;

/// Fields whose line can start a block inside an objective or feature section, in the order
/// the renderer writes them (objectives and features alike).
const BLOCK_FIELDS: [Field; 11] = [
    Field::Id,
    Field::Status,
    Field::Effort,
    Field::Owner,
    Field::Committed,
    Field::BusinessValue,
    Field::ActualBusinessValue,
    Field::ProgramObjective,
    Field::Jira,
    Field::AcceptanceCriteria,
    Field::Description,
];

/// Where `field` comes in the renderer's order of an entity's blocks.
pub(super) fn render_rank(field: Field) -> usize {
    std::iter::once(Field::Name)
        .chain(BLOCK_FIELDS)
        .position(|f| f == field)
        .unwrap_or(usize::MAX)
}

/// A rendered plan cut into lines, with the source map of parsing it.
pub(super) struct Rendered {
    pub lines: Vec<String>,
    map: SourceMap,
    /// 0-based line indexes where a block starts (entity headings, field lines), sorted.
    starts: Vec<usize>,
}

impl Rendered {
    /// Renders `plan` and parses the result back for its source map. `None` only if the
    /// renderer wrote something the parser rejects, which its round-trip tests rule out.
    pub fn new(plan: &Plan) -> Option<Self> {
        let text = crate::render(plan);
        let map = crate::parse(&text).ok()?.source_map;
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut starts: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with('#'))
            .map(|(i, _)| i)
            .collect();
        for path in entity_paths(plan) {
            for field in BLOCK_FIELDS {
                starts.push(map.locate(path, Some(field)).line.saturating_sub(1));
            }
        }
        starts.sort_unstable();
        starts.dedup();
        Some(Self { lines, map, starts })
    }

    /// The lines of `field` of the entity at `path`; `None` when the field is not written.
    pub fn field(&self, path: EntityPath, field: Field) -> Option<std::ops::Range<usize>> {
        let at = self.map.locate(path, Some(field)).line.checked_sub(1)?;
        let line = self.lines.get(at)?;
        if field == Field::Name {
            return line.starts_with('#').then_some(at..at + 1);
        }
        let label = format!("**{}**:", field.label());
        if !line.starts_with(&label) {
            return None;
        }
        let next = self
            .starts
            .iter()
            .copied()
            .find(|&s| s > at)
            .unwrap_or(self.lines.len());
        Some(at..self.trim_blank(at, next))
    }

    /// The whole section of the entity at `path`: its heading up to the next heading of the same
    /// or a higher level (an objective's section holds its features and their stories).
    pub fn section(&self, path: EntityPath) -> Option<std::ops::Range<usize>> {
        let at = self.map.locate(path, None).line.checked_sub(1)?;
        let level = heading_level(self.lines.get(at)?)?;
        let next = (at + 1..self.lines.len())
            .find(|&i| heading_level(&self.lines[i]).is_some_and(|l| l <= level))
            .unwrap_or(self.lines.len());
        Some(at..self.trim_blank(at + 1, next))
    }

    fn trim_blank(&self, min: usize, mut end: usize) -> usize {
        while end > min && self.lines[end - 1].is_empty() {
            end -= 1;
        }
        end
    }
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    (level > 0 && line[level..].starts_with(' ')).then_some(level)
}

fn entity_paths(plan: &Plan) -> impl Iterator<Item = EntityPath> + '_ {
    let objectives = (0..plan.objectives.len()).map(|index| EntityPath::Objective { index });
    objectives.chain(plan.features().map(|(path, _)| path))
}

/// Where the entity with `id` of `kind` sits in `plan` (the first one, should ids repeat).
pub(super) fn find(plan: &Plan, kind: EntityKind, id: &EntityId) -> Option<EntityPath> {
    match kind {
        EntityKind::Objective => plan
            .objectives
            .iter()
            .position(|o| &o.id == id)
            .map(|index| EntityPath::Objective { index }),
        EntityKind::Feature => plan
            .features()
            .find(|(_, f)| &f.id == id)
            .map(|(path, _)| path),
    }
}

/// A copy of `plan` with one field of the entity at `path` set to `value`; `None` when the value
/// does not fit the field (e.g. [`FieldValue::Missing`]: the entity is absent on that side).
pub(super) fn with_value(
    plan: &Plan,
    path: EntityPath,
    field: Field,
    value: &FieldValue,
) -> Option<Plan> {
    let mut copy = plan.clone();
    let set = match path {
        EntityPath::Objective { index } => {
            objective_set(copy.objectives.get_mut(index)?, field, value.clone())
        }
        EntityPath::Feature { objective, index } => feature_set(
            copy.objectives
                .get_mut(objective)?
                .features
                .get_mut(index)?,
            field,
            value.clone(),
        ),
        EntityPath::Plan | EntityPath::ProgramObjective { .. } => false,
    };
    set.then_some(copy)
}
