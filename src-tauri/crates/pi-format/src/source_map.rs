//! Where each entity and field of a parsed plan sits in its file.

use std::collections::HashMap;

use pi_model::{EntityPath, Field};

use crate::Position;

/// Positions of entities (their heading) and of their field lines, filled by the parser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    entities: HashMap<EntityPath, Position>,
    fields: HashMap<(EntityPath, Field), Position>,
}

impl SourceMap {
    pub fn set_entity(&mut self, path: EntityPath, at: Position) {
        self.entities.insert(path, at);
    }

    pub fn set_field(&mut self, path: EntityPath, field: Field, at: Position) {
        self.fields.insert((path, field), at);
    }

    /// The position of a field line, else of its entity's heading, else the top of the file.
    pub fn locate(&self, path: EntityPath, field: Option<Field>) -> Position {
        field
            .and_then(|f| self.fields.get(&(path, f)))
            .or_else(|| self.entities.get(&path))
            .copied()
            .unwrap_or(Position { line: 1, column: 1 })
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
}
