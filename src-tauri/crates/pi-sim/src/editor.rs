//! Who edits: the `LastEditor` user reference every work item carries, and which seeded user a
//! write is attributed to — the token user for `access_token=`/`token=`, the login's user for
//! Basic auth, "another planner" for control edits, a seeded user for the background mutator.
//!
//! It only resolves and stamps user ids; authentication itself is the listener's job.

use serde_json::Value;

use crate::schema::TypeDef;
use crate::store::{Fields, Store};

/// Name of the read-only user reference on every work item.
pub const LAST_EDITOR: &str = "LastEditor";

/// Login of the seeded user both simulator tokens (access and service token) belong to.
pub const TOKEN_USER_LOGIN: &str = crate::data::ADMIN_LOGIN;

/// Login of the seeded user control edits are attributed to when they name no `LastEditor`:
/// "another planner", never the token user.
pub const CONTROL_EDITOR_LOGIN: &str = "mira.ostrava";

/// The user a write is attributed to (a `User` id); `None` when the login has no user in the
/// data (e.g. a state file without it), which leaves `LastEditor` null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Editor(pub Option<i64>);

/// The id of the user with this login.
pub fn user_by_login(store: &Store, login: &str) -> Option<i64> {
    store
        .all("User")
        .find(|(_, u)| u.get("Login").and_then(Value::as_str) == Some(login))
        .map(|(id, _)| *id)
}

/// Sets `LastEditor` in the fields of a write when the type has one.
pub fn stamp(ty: &TypeDef, fields: &mut Fields, editor: Editor) {
    if ty.field(LAST_EDITOR).is_some() {
        fields.insert(
            LAST_EDITOR.into(),
            editor.0.map_or(Value::Null, Value::from),
        );
    }
}

/// Takes a control edit's `LastEditor: {"Id": n}` out of `body`; it must name an existing user.
/// Without one the edit is by [`CONTROL_EDITOR_LOGIN`].
pub fn control_editor(store: &Store, body: &mut Value) -> Result<Editor, String> {
    let given = body.as_object_mut().and_then(|o| o.remove(LAST_EDITOR));
    let Some(given) = given else {
        return Ok(Editor(user_by_login(store, CONTROL_EDITOR_LOGIN)));
    };
    let id = given
        .get("Id")
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{LAST_EDITOR} must be a user set by Id, like {{\"Id\":1}}"))?;
    if store.get("User", id).is_none() {
        return Err(format!("{LAST_EDITOR}: User with Id {id} does not exist"));
    }
    Ok(Editor(Some(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;
    use serde_json::json;

    fn store() -> Store {
        let schema = Schema::new(pi_model::TpSchema::default());
        crate::data::empty(&schema, 7).tp
    }

    #[test]
    fn seeded_users_include_token_and_control_editors() {
        let s = store();
        let token = user_by_login(&s, TOKEN_USER_LOGIN).expect("token user seeded");
        let other = user_by_login(&s, CONTROL_EDITOR_LOGIN).expect("control editor seeded");
        assert_ne!(token, other);
        assert_eq!(
            s.get("User", other).expect("user")["FullName"],
            "Mira Ostrava"
        );
    }

    #[test]
    fn control_editor_is_taken_from_the_body_or_defaults() {
        let s = store();
        let other = user_by_login(&s, CONTROL_EDITOR_LOGIN);
        let mut body = json!({"Effort": 3});
        assert_eq!(control_editor(&s, &mut body), Ok(Editor(other)));
        let token = user_by_login(&s, TOKEN_USER_LOGIN).expect("token user");
        let mut body = json!({"Effort": 3, "LastEditor": {"Id": token}});
        assert_eq!(control_editor(&s, &mut body), Ok(Editor(Some(token))));
        assert_eq!(body, json!({"Effort": 3}), "LastEditor is taken out");
        for bad in [json!(null), json!({"Id": 101}), json!(5)] {
            let mut body = json!({ "LastEditor": bad });
            assert!(control_editor(&s, &mut body).is_err(), "{bad} accepted");
        }
    }
}
