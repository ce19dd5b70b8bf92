//! Refusal rules: Targetprocess refusing one operation's data, as a real account does for a
//! value its validation, permissions or workflow do not allow (400, 403, 404, 409, 422 — or 401
//! for a token revoked mid-push). A rule matches API writes (create, update, bulk item, delete)
//! of one resource, optionally of one entity and optionally only when the body sets one field;
//! it refuses for ever or the next `times` matching writes.
//!
//! Control-API edits and the mutator are never refused: they stand for other people's writes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ops::OpError;
use crate::schema::TypeDef;
use crate::shared::{Shared, lock};

/// One rule. `resource` is a resource name as the API takes it (`Features`, `Feature`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub resource: String,
    /// Only writes of this entity (`None`: every entity of the resource, creates included).
    #[serde(default)]
    pub id: Option<i64>,
    /// Only writes whose body sets this field, by its wire name (`Effort`, `Owner`); a delete
    /// sets no field.
    #[serde(default)]
    pub field: Option<String>,
    /// The status answered: 400, 401, 403, 404, 409 or 422.
    pub status: u16,
    /// How many matching writes are refused before the rule lapses (`None`: for ever).
    #[serde(default)]
    pub times: Option<u32>,
    /// Targetprocess's `Message`.
    #[serde(default = "default_message")]
    pub message: String,
}

fn default_message() -> String {
    "The value is not allowed by the account's settings".to_owned()
}

/// A write the rules are asked about.
#[derive(Clone, Copy, Debug)]
pub struct Write<'a> {
    pub ty: &'a TypeDef,
    /// `None` for a create.
    pub id: Option<i64>,
    /// `None` for a delete.
    pub body: Option<&'a Value>,
}

impl Refusal {
    fn matches(&self, shared: &Shared, w: Write<'_>) -> bool {
        let same_resource = shared
            .schema
            .resolve(&self.resource)
            .is_some_and(|ty| ty.resource_type == w.ty.resource_type);
        let same_entity = self.id.is_none_or(|id| w.id == Some(id));
        let sets_field = self.field.as_deref().is_none_or(|field| {
            w.body
                .and_then(Value::as_object)
                .is_some_and(|body| body.contains_key(field))
        });
        same_resource && same_entity && sets_field
    }
}

/// The refusal of `w` by the first rule that matches it, counting down a rule with `times`.
pub fn check(shared: &Shared, w: Write<'_>) -> Result<(), OpError> {
    let mut rules = lock(&shared.refusals);
    let Some(i) = rules.iter().position(|r| r.matches(shared, w)) else {
        return Ok(());
    };
    let rule = rules[i].clone();
    if let Some(times) = rule.times {
        if times <= 1 {
            rules.remove(i);
        } else {
            rules[i].times = Some(times - 1);
        }
    }
    Err(OpError {
        status: rule.status,
        message: rule.message,
    })
}
