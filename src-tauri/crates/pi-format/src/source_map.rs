//! Where each entity and field of a parsed plan sits in its file.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use pi_model::{EntityPath, Field};

use crate::Position;

/// A fast hasher for the small integer keys of a source map (a file has hundreds of thousands
/// of fields; the default SipHash dominated parse time). Keys come from the parser, not from an
/// attacker choosing collisions, so DoS resistance is not needed here.
#[derive(Clone, Copy, Debug, Default)]
struct PathHasher(u64);

impl Hasher for PathHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

type Fast = BuildHasherDefault<PathHasher>;

/// Positions of entities (their heading) and of their field lines, filled by the parser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    entities: HashMap<EntityPath, Position, Fast>,
    fields: HashMap<(EntityPath, Field), Position, Fast>,
}

impl SourceMap {
    /// An empty map with room for about `entities` headings and `fields` field lines.
    pub fn with_capacity(entities: usize, fields: usize) -> Self {
        Self {
            entities: HashMap::with_capacity_and_hasher(entities, Fast::default()),
            fields: HashMap::with_capacity_and_hasher(fields, Fast::default()),
        }
    }

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
