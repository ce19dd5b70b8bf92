//! Changes Targetprocess refused, in planner words: which item, which fields, the change and the
//! reason, with every item id replaced by the item's name ([`Names`]) so that no `tp:…` or
//! `new:…` reaches the screen where a name is known.
//!
//! Wording only: what is refused, and what discarding a change does, is pi-engine's business.

use std::collections::HashMap;

use pi_model::changeset::Op;
use pi_model::{Field, Plan};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::field_name;

/// A change of the last push that Targetprocess refused, still in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefusedDto {
    /// The item's id, for "Discard this change" (never shown).
    pub entity: String,
    /// The fields "Discard this change" puts back (snake_case); empty: the whole item.
    pub fields: Vec<String>,
    /// `objective` or `feature`.
    pub kind: String,
    /// The item's name.
    pub name: String,
    /// The refused change in planner words, one line per field.
    pub change: Vec<String>,
    /// Why Targetprocess (or PI Planner, before sending) refused it.
    pub reason: String,
}

/// Gives up a refused change: the item, or the fields, go back to Targetprocess's last state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiscardRequest {
    pub entity: String,
    /// snake_case field names; empty: the whole item.
    pub fields: Vec<String>,
}

/// Item names by id (`tp:12`, `new:ab12`).
#[derive(Clone, Debug, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// The names of every objective and feature of `plans` (later plans win).
    pub fn of_plans<'a>(plans: impl IntoIterator<Item = &'a Plan>) -> Self {
        let mut names = Self::default();
        for plan in plans {
            for o in &plan.objectives {
                names.0.insert(o.id.to_string(), o.name.clone());
                for f in &o.features {
                    names.0.insert(f.id.to_string(), f.name.clone());
                }
            }
        }
        names
    }

    /// The names the fields written by a push carry for their items.
    pub fn of_writes(writes: &[pi_engine::oplog::FieldWrite]) -> Self {
        let mut names = Self::default();
        for w in writes {
            names.0.insert(w.entity.to_string(), w.name.clone());
        }
        names
    }

    /// Adds the items `ops` name (kept where a plan named them already).
    pub fn with_ops<'a>(mut self, ops: impl IntoIterator<Item = &'a Op>) -> Self {
        for op in ops {
            self.0
                .entry(op.entity().to_string())
                .or_insert_with(|| op_name(op).to_owned());
        }
        self
    }

    /// `text` with every item id in it replaced by the item's name in quotes (`"Checkout"`), or
    /// by "an item" when the name is not known.
    pub fn words(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((at, len)) = next_id(rest) {
            out.push_str(&rest[..at]);
            let id = &rest[at..at + len];
            let quoted = out.ends_with('"') && rest[at + len..].starts_with('"');
            match (self.0.get(id), quoted) {
                (Some(name), true) => out.push_str(name),
                (Some(name), false) => out.push_str(&format!("\"{name}\"")),
                (None, _) => out.push_str("an item"),
            }
            rest = &rest[at + len..];
        }
        out.push_str(rest);
        out
    }
}

/// Where the next item id starts in `text`, and its length.
fn next_id(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while from < text.len() {
        let (at, prefix) = ["tp:", "new:"]
            .iter()
            .filter_map(|p| text[from..].find(p).map(|i| (from + i, p.len())))
            .min()?;
        let boundary = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let body = text[at + prefix..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            .count();
        if boundary && body > 0 {
            return Some((at, prefix + body));
        }
        from = at + prefix;
    }
    None
}

/// The name an operation carries for its item.
pub fn op_name(op: &Op) -> &str {
    match op {
        Op::CreateObjective { name, .. }
        | Op::UpdateObjective { name, .. }
        | Op::DeleteObjective { name, .. }
        | Op::CreateFeature { name, .. }
        | Op::UpdateFeature { name, .. }
        | Op::RelinkFeature { name, .. }
        | Op::DeleteFeature { name, .. } => name,
    }
}

/// An operation in planner words, one line per field, with names instead of ids.
pub fn op_lines(op: &Op, names: &Names) -> Vec<String> {
    names
        .words(&op.to_string())
        .lines()
        .map(str::to_owned)
        .collect()
}

/// An operation in planner words: [`op_lines`], and for a new item every field it is created
/// with (`Owner: Mara Lind`, `Effort: 5 points`), long values shortened.
pub fn op_words(op: &Op, names: &Names) -> Vec<String> {
    let mut lines = op_lines(op, names);
    if let Op::CreateObjective { fields, .. } | Op::CreateFeature { fields, .. } = op {
        lines.extend(
            fields
                .iter()
                .filter(|c| c.field != Field::Name)
                .map(|c| format!("{}: {}", c.field.label(), value_words(&c.to, names))),
        );
    }
    lines
}

/// At most this many characters of a value are shown; the rest is "…".
pub const VALUE_CHARS: usize = 80;

/// A field's value as a planner reads it, on one line, ids as names, at most [`VALUE_CHARS`]
/// characters.
pub fn value_words(v: &pi_model::merge::FieldValue, names: &Names) -> String {
    shorten(&names.words(&v.to_string()), VALUE_CHARS)
}

/// `text` on one line, cut to `max` characters with "…" when longer.
pub fn shorten(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > max {
        let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        one_line
    }
}

/// The fields "Discard this change" puts back for a refused `op`: an update's changed fields, a
/// move's objective, and the whole item (none listed) for a create or a delete.
pub fn discarded_fields(op: &Op) -> Vec<Field> {
    match op {
        Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => {
            changes.iter().map(|c| c.field).collect()
        }
        Op::RelinkFeature { .. } => vec![Field::Objective],
        Op::CreateObjective { .. }
        | Op::CreateFeature { .. }
        | Op::DeleteObjective { .. }
        | Op::DeleteFeature { .. } => Vec::new(),
    }
}

/// A refusal's reason as a planner reads it: without the request it answered (`POST
/// /api/v1/Features: `), with names for ids, starting with a capital letter.
pub fn reason_words(reason: &str, names: &Names) -> String {
    let methods = ["GET /", "POST /", "PUT /", "PATCH /", "DELETE /"];
    let plain = match reason.split_once(": ") {
        Some((request, rest)) if methods.iter().any(|m| request.starts_with(m)) => rest,
        _ => reason,
    };
    let words = names.words(plain.trim());
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Targetprocess gave no reason.".to_owned(),
    }
}

/// A refused operation, for the planner.
pub fn refused(op: &Op, reason: &str, names: &Names) -> RefusedDto {
    let kind = match op {
        Op::CreateObjective { .. } | Op::UpdateObjective { .. } | Op::DeleteObjective { .. } => {
            "objective"
        }
        _ => "feature",
    };
    RefusedDto {
        entity: op.entity().to_string(),
        fields: discarded_fields(op).into_iter().map(field_name).collect(),
        kind: kind.to_owned(),
        name: op_name(op).to_owned(),
        change: op_words(op, names),
        reason: reason_words(reason, names),
    }
}

#[cfg(test)]
mod tests {
    use pi_model::changeset::FieldChange;
    use pi_model::merge::FieldValue;

    use super::*;

    fn names() -> Names {
        let mut n = Names::default();
        n.0.insert("tp:2203".into(), "Checkout".into());
        n.0.insert("new:c845cf3a".into(), "Audit log export".into());
        n
    }

    #[test]
    fn ids_become_names_and_unknown_ids_an_item() {
        let n = names();
        assert_eq!(
            n.words("Move feature \"X\" from objective tp:2203 to new:c845cf3a"),
            "Move feature \"X\" from objective \"Checkout\" to \"Audit log export\""
        );
        assert_eq!(
            n.words("new:c845cf3a is not in Targetprocess yet; tp:9 neither"),
            "\"Audit log export\" is not in Targetprocess yet; an item neither"
        );
        assert_eq!(
            n.words("\"tp:2203\" and atp:2203"),
            "\"Checkout\" and atp:2203"
        );
    }

    #[test]
    fn a_refusal_reads_without_the_request_and_with_the_fields_to_discard() {
        let op = Op::UpdateFeature {
            id: "tp:2203".parse().expect("an id"),
            name: "Checkout".into(),
            changes: vec![FieldChange {
                field: Field::Owner,
                from: FieldValue::OptText(None),
                to: FieldValue::OptText(Some("Mara Lind".into())),
            }],
        };
        let r = refused(
            &op,
            "PUT /api/v1/Features/2203: rejected by Targetprocess (HTTP 400): Owner is invalid",
            &names(),
        );
        assert_eq!(r.fields, vec!["owner".to_owned()]);
        assert_eq!(r.kind, "feature");
        assert_eq!(
            r.change,
            vec!["Owner (none) → Mara Lind on \"Checkout\"".to_owned()]
        );
        assert_eq!(
            r.reason,
            "Rejected by Targetprocess (HTTP 400): Owner is invalid"
        );

        let create = Op::CreateFeature {
            id: "new:c845cf3a".parse().expect("an id"),
            objective: "tp:2203".parse().expect("an id"),
            name: "Audit log export".into(),
            fields: Vec::new(),
        };
        let r = refused(
            &create,
            "owner of \"Audit log export\": no Targetprocess user is called \"Mara Lind\"",
            &names(),
        );
        assert!(r.fields.is_empty(), "the whole new item");
        assert_eq!(
            r.reason,
            "Owner of \"Audit log export\": no Targetprocess user is called \"Mara Lind\""
        );
    }
}
