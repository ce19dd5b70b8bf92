//! Where each entity and field of a parsed plan sits in its file.
//!
//! Stored as plain vectors indexed like the plan (no hashing): one slot per entity, and the
//! field positions of all entities in one shared vector where each entity's fields sit next to
//! each other — the parser records an entity's fields together, so this costs one push per
//! field. It is a lookup table only; it does not know what the positions point at.

use std::fmt;

use pi_model::{EntityPath, Field};

use crate::Position;

/// One entity: its heading's position and where its fields sit in [`SourceMap::fields`].
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    heading: Option<Position>,
    first: usize,
    len: usize,
}

/// One slot per entity, indexed like the plan.
#[derive(Clone, Default)]
struct Slots {
    plan: Slot,
    program_objectives: Vec<Slot>,
    objectives: Vec<Slot>,
    features: Vec<Vec<Slot>>,
}

fn grow(slots: &mut Vec<Slot>, index: usize) -> &mut Slot {
    if slots.len() <= index {
        slots.resize(index + 1, Slot::default());
    }
    &mut slots[index]
}

impl Slots {
    fn get(&self, path: EntityPath) -> Option<&Slot> {
        match path {
            EntityPath::Plan => Some(&self.plan),
            EntityPath::ProgramObjective { index } => self.program_objectives.get(index),
            EntityPath::Objective { index } => self.objectives.get(index),
            EntityPath::Feature { objective, index } => {
                self.features.get(objective).and_then(|f| f.get(index))
            }
        }
    }

    /// The slot of `path`, created (with empty slots before it) if needed.
    fn get_mut(&mut self, path: EntityPath) -> &mut Slot {
        match path {
            EntityPath::Plan => &mut self.plan,
            EntityPath::ProgramObjective { index } => grow(&mut self.program_objectives, index),
            EntityPath::Objective { index } => grow(&mut self.objectives, index),
            EntityPath::Feature { objective, index } => {
                if self.features.len() <= objective {
                    self.features.resize_with(objective + 1, Vec::new);
                }
                grow(&mut self.features[objective], index)
            }
        }
    }
}

/// Positions of entities (their heading) and of their field lines, filled by the parser.
#[derive(Clone, Default)]
pub struct SourceMap {
    slots: Slots,
    /// Field positions; a slot's `first..first + len` holds its fields. Entries no slot points
    /// at are stale and ignored.
    fields: Vec<(Field, Position)>,
}

impl SourceMap {
    /// An empty map with room for about `entities` headings and `fields` field lines.
    pub fn with_capacity(entities: usize, fields: usize) -> Self {
        Self {
            slots: Slots {
                objectives: Vec::with_capacity(entities / 4),
                features: Vec::with_capacity(entities / 4),
                ..Slots::default()
            },
            fields: Vec::with_capacity(fields),
        }
    }

    fn fields_of(&self, slot: &Slot) -> &[(Field, Position)] {
        self.fields
            .get(slot.first..slot.first + slot.len)
            .unwrap_or(&[])
    }

    pub fn set_entity(&mut self, path: EntityPath, at: Position) {
        self.slots.get_mut(path).heading = Some(at);
    }

    pub fn set_field(&mut self, path: EntityPath, field: Field, at: Position) {
        let end = self.fields.len();
        let slot = self.slots.get_mut(path);
        let range = slot.first..slot.first + slot.len;
        if let Some(entry) = (self.fields.get_mut(range.clone()))
            .and_then(|own| own.iter_mut().find(|e| e.0 == field))
        {
            entry.1 = at;
            return;
        }
        if slot.len == 0 || range.end != end {
            // Not the latest entity written: move its fields to the end so they stay together.
            self.fields.extend_from_within(range);
            slot.first = end;
        }
        self.fields.push((field, at));
        slot.len += 1;
    }

    /// Records the positions of several distinct fields of `path`, as [`Self::set_field`] does
    /// for each; in one step when they are new and `path` is the latest entity written.
    pub(crate) fn set_fields(&mut self, path: EntityPath, new: &[(Field, Position)]) {
        let end = self.fields.len();
        let slot = self.slots.get_mut(path);
        let own = self.fields.get(slot.first..slot.first + slot.len);
        let fresh = slot.len == 0
            || (slot.first + slot.len == end
                && own.is_some_and(|own| own.iter().all(|o| new.iter().all(|n| n.0 != o.0))));
        if fresh {
            if slot.len == 0 {
                slot.first = end;
            }
            slot.len += new.len();
            self.fields.extend_from_slice(new);
        } else {
            for &(field, at) in new {
                self.set_field(path, field, at);
            }
        }
    }

    /// The position of a field line, else of its entity's heading, else the top of the file.
    pub fn locate(&self, path: EntityPath, field: Option<Field>) -> Position {
        let slot = self.slots.get(path);
        field
            .and_then(|f| {
                let fields = self.fields_of(slot?);
                fields.iter().find(|e| e.0 == f).map(|e| e.1)
            })
            .or_else(|| slot.and_then(|s| s.heading))
            .unwrap_or(Position { line: 1, column: 1 })
    }

    /// Every entity with a heading or a field, with its heading and fields in field order.
    fn entries(
        &self,
    ) -> impl Iterator<Item = (EntityPath, Option<Position>, Vec<(Field, Position)>)> + '_ {
        let Slots {
            plan,
            program_objectives,
            objectives,
            features,
        } = &self.slots;
        let plan = std::iter::once((EntityPath::Plan, plan));
        let programs = program_objectives
            .iter()
            .enumerate()
            .map(|(index, s)| (EntityPath::ProgramObjective { index }, s));
        let objectives =
            (objectives.iter().enumerate()).map(|(index, s)| (EntityPath::Objective { index }, s));
        let features = features.iter().enumerate().flat_map(|(objective, fs)| {
            fs.iter()
                .enumerate()
                .map(move |(index, s)| (EntityPath::Feature { objective, index }, s))
        });
        plan.chain(programs)
            .chain(objectives)
            .chain(features)
            .filter(|(_, s)| s.heading.is_some() || s.len > 0)
            .map(|(path, s)| {
                let mut fields = self.fields_of(s).to_vec();
                fields.sort_by_key(|e| e.0);
                (path, s.heading, fields)
            })
    }
}

/// Equal when both maps locate the same entities and fields at the same positions, however
/// they were filled.
impl PartialEq for SourceMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries().eq(other.entries())
    }
}

impl Eq for SourceMap {}

impl fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (path, heading, fields) in self.entries() {
            map.entry(&path, &(heading, fields));
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_from_field_to_entity_to_top() {
        let mut m = SourceMap::default();
        let o = EntityPath::Objective { index: 0 };
        m.set_entity(
            o,
            Position {
                line: 10,
                column: 1,
            },
        );
        m.set_field(
            o,
            Field::Effort,
            Position {
                line: 14,
                column: 13,
            },
        );
        assert_eq!(
            m.locate(o, Some(Field::Effort)),
            Position {
                line: 14,
                column: 13
            }
        );
        assert_eq!(
            m.locate(o, Some(Field::Owner)),
            Position {
                line: 10,
                column: 1
            }
        );
        assert_eq!(
            m.locate(EntityPath::Objective { index: 3 }, None),
            Position { line: 1, column: 1 }
        );
    }

    #[test]
    fn several_fields_at_once_match_one_by_one() {
        let at = |line| Position { line, column: 3 };
        let a = EntityPath::Objective { index: 0 };
        let b = EntityPath::Feature {
            objective: 0,
            index: 0,
        };
        let steps: [(EntityPath, &[(Field, Position)]); 4] = [
            (a, &[(Field::Name, at(1))]),
            (a, &[(Field::Id, at(2)), (Field::Status, at(3))]),
            (b, &[(Field::Id, at(4))]),
            // Not the latest entity, and a field it already has.
            (a, &[(Field::Effort, at(5)), (Field::Id, at(6))]),
        ];
        let (mut batched, mut single) = (SourceMap::default(), SourceMap::default());
        for (path, fields) in steps {
            batched.set_fields(path, fields);
            for &(field, pos) in fields {
                single.set_field(path, field, pos);
            }
        }
        assert_eq!(batched, single);
        assert_eq!(batched.locate(a, Some(Field::Id)), at(6));
        assert_eq!(batched.locate(a, Some(Field::Status)), at(3));
    }

    #[test]
    fn fields_of_interleaved_entities_and_equality() {
        let at = |line| Position { line, column: 2 };
        let a = EntityPath::Objective { index: 0 };
        let b = EntityPath::Feature {
            objective: 2,
            index: 1,
        };
        let mut m = SourceMap::with_capacity(4, 4);
        m.set_field(a, Field::Id, at(1));
        m.set_field(b, Field::Id, at(2));
        m.set_field(a, Field::Status, at(3));
        m.set_field(b, Field::Id, at(4));
        m.set_field(a, Field::Id, at(5));
        assert_eq!(m.locate(a, Some(Field::Id)), at(5));
        assert_eq!(m.locate(a, Some(Field::Status)), at(3));
        assert_eq!(m.locate(b, Some(Field::Id)), at(4));
        let mut other = SourceMap::default();
        other.set_field(b, Field::Id, at(4));
        other.set_field(a, Field::Status, at(3));
        other.set_field(a, Field::Id, at(5));
        assert_eq!(m, other);
        other.set_entity(EntityPath::Objective { index: 1 }, at(9));
        assert_ne!(m, other);
        assert_eq!(
            format!("{m:?}"),
            "{Objective { index: 0 }: (None, [(Id, Position { line: 5, column: 2 }), \
             (Status, Position { line: 3, column: 2 })]), Feature { objective: 2, index: 1 }: \
             (None, [(Id, Position { line: 4, column: 2 })])}"
        );
    }
}
