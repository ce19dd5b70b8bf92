//! Program objectives: the read-only `## Program Objectives` list (`- **Name**` as generated,
//! `- **Objective 1**: Name` in the PRD) and the objectives' `**Program Objective**:` links.
//!
//! Legacy files name program objectives without TP ids, so they get deterministic local ids;
//! nothing here looks them up in Targetprocess.

use pi_model::{EntityId, EntityPath, Field, ProgramObjective};

use super::build::Builder;
use super::lines::{Line, bullet, field_line, is_thematic_break};
use super::values;
use crate::Position;

/// `Objective 1`, `Program Objective 2`, `Objective`: a numbering label, not a name.
fn is_numbering(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    let rest = l.strip_prefix("program ").unwrap_or(&l);
    rest.strip_prefix("objective")
        .is_some_and(|n| n.trim().bytes().all(|b| b.is_ascii_digit()))
}

/// A program objectives list item.
#[derive(Debug, PartialEq, Eq)]
struct Item {
    tp: Option<i64>,
    name: String,
    /// `Objective 1` in `- **Objective 1**: Name` (PRD style).
    label: Option<String>,
}

/// Parses a list item of the program objectives.
fn program_item(item: &str) -> Result<Item, String> {
    let expected = "expected `- **NAME**` or `- **Objective N**: NAME` in the program objectives";
    if let Some(f) = field_line(item) {
        let name = f.value.to_owned();
        if name.is_empty() {
            return Err(format!("a program objective needs a name; {expected}"));
        }
        let label = Some(f.key.to_owned());
        if is_numbering(f.key) {
            return Ok(Item {
                tp: None,
                name,
                label,
            });
        }
        return values::tp_id(f.key)
            .map(|n| Item {
                tp: Some(n),
                name,
                label,
            })
            .map_err(|_| format!("unexpected label `{}`: {expected}", f.key));
    }
    let name = match item.strip_prefix("**").and_then(|r| r.strip_suffix("**")) {
        Some(inner) if !inner.contains("**") => inner.trim(),
        Some(_) => return Err(expected.into()),
        None if item.contains("**") => return Err(expected.into()),
        None => item.trim(),
    };
    if name.is_empty() {
        return Err(format!("a program objective needs a name; {expected}"));
    }
    Ok(Item {
        tp: None,
        name: name.to_owned(),
        label: None,
    })
}

impl Builder<'_> {
    /// A line of the `## Program Objectives` section.
    pub(super) fn program_line(&mut self, l: &Line<'_>) {
        let t = l.text.trim();
        if t.is_empty() || is_thematic_break(t) {
            return;
        }
        let start = l.at(l.text.len() - l.text.trim_start().len());
        if t.starts_with('>') && t.contains("read-only reference") {
            self.dropped.reference_note += 1;
            return self.dropped.seen(start);
        }
        let Some((_, item, item_at)) = bullet(l.text) else {
            return self.structure(
                start,
                "unexpected text in the program objectives: expected one `- **NAME**` per line",
            );
        };
        match program_item(item) {
            Ok(item) => {
                let id = match item.tp {
                    Some(n) => EntityId::Tp(n),
                    None => self.ids.program_objective(&item.name),
                };
                if let Some(label) = item.label {
                    self.prd = true;
                    self.program_labels.push((label.to_lowercase(), id.clone()));
                }
                self.add_program_objective(id, item.name, l.at(item_at));
            }
            Err(message) => self.structure(l.at(item_at), message),
        }
    }

    fn add_program_objective(&mut self, id: EntityId, name: String, at: Position) -> EntityId {
        let index = self.plan.program_objectives.len();
        self.plan.program_objectives.push(ProgramObjective {
            id: id.clone(),
            name,
        });
        let path = EntityPath::ProgramObjective { index };
        self.map.set_entity(path, at);
        self.map.set_field(path, Field::Name, at);
        id
    }

    /// Links each objective's `**Program Objective**:` text to the program objective of that
    /// name (case-insensitive) or list label (`Objective 1`), adding one when the list has no
    /// such name.
    pub(super) fn link_program_objectives(&mut self) {
        for i in 0..self.objs.len() {
            let Some((name, at)) = self
                .objs
                .get_mut(i)
                .and_then(|s| s.program_objective.take())
            else {
                continue;
            };
            let wanted = name.to_lowercase();
            let found = self
                .plan
                .program_objectives
                .iter()
                .find(|p| p.name.to_lowercase() == wanted)
                .map(|p| p.id.clone())
                .or_else(|| {
                    let by_label = self.program_labels.iter().find(|(l, _)| *l == wanted);
                    by_label.map(|(_, id)| id.clone())
                });
            let id = match found {
                Some(id) => id,
                None => {
                    let id = self.ids.program_objective(&name);
                    self.add_program_objective(id, name, at)
                }
            };
            if let Some(o) = self.plan.objectives.get_mut(i) {
                o.program_objective = Some(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_list_styles() {
        let item = |tp, name: &str, label: Option<&str>| Item {
            tp,
            name: name.into(),
            label: label.map(Into::into),
        };
        assert_eq!(
            program_item("**Data quality**"),
            Ok(item(None, "Data quality", None))
        );
        assert_eq!(
            program_item("**Objective 2**: Faster releases"),
            Ok(item(None, "Faster releases", Some("Objective 2")))
        );
        assert_eq!(
            program_item("**#2019050**: Cost control"),
            Ok(item(Some(2019050), "Cost control", Some("#2019050")))
        );
        assert_eq!(
            program_item("Plain name"),
            Ok(item(None, "Plain name", None))
        );
        assert!(program_item("**Goal**: text").is_err());
        assert!(program_item("**a** and **b**").is_err());
        assert!(program_item("****").is_err());
    }
}
