//! What the editor asks besides the plan: the account's users (for the owner fields) and what
//! "Undo last save" would put back.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A Targetprocess user an owner field may name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    /// The name plans show (and owner fields hold).
    pub name: String,
    pub login: Option<String>,
}

/// What the last save changed, so the planner knows what "Undo last save" will undo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UndoPreviewDto {
    /// One line per item the save changed, e.g. `"Sign-up": Effort 3 → 5, Owner` or
    /// `new feature "Audit log"`.
    pub changes: Vec<String>,
}
