//! The people of a Targetprocess account: plans name owners; writes need their user ids.

use crate::client::TpClient;
use crate::error::TpError;
use crate::query::{Include, Query};
use crate::wire::UserRef;

/// A TP user as a plan shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    /// The name a plan shows (`FullName`, else first and last name, else login).
    pub name: String,
    pub login: Option<String>,
}

/// Why an owner name cannot be turned into a user id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    #[error("no Targetprocess user is called {0:?}")]
    Unknown(String),
    #[error("{name:?} matches {count} Targetprocess users; write their login instead")]
    Ambiguous { name: String, count: usize },
}

impl TpClient {
    /// Every user of the account (paged).
    pub async fn list_users(&self) -> Result<Vec<User>, TpError> {
        let query = Query::new("Users")
            .include(
                ["FirstName", "LastName", "FullName", "Login"]
                    .into_iter()
                    .map(Include::field)
                    .collect(),
            )
            .order_by("Id");
        let users: Vec<UserRef> = self.all(&query).await?;
        // In the inbound normal form, as the owners of a fetched plan: a name picked from this
        // list is the name a pull shows back, and an owner read from a plan is found in it.
        Ok(users
            .into_iter()
            .map(|u| {
                let mut name = u.display();
                pi_model::inbound::clean_line(&mut name, pi_model::inbound::MAX_NAME_CHARS);
                User {
                    id: u.id,
                    name,
                    login: u.login.clone(),
                }
            })
            .collect())
    }
}

/// The id of the user a plan names as owner: by shown name or login, ignoring case.
pub fn find_owner(users: &[User], name: &str) -> Result<i64, OwnerError> {
    let wanted = name.trim();
    let by = |f: &dyn Fn(&User) -> bool| users.iter().filter(|u| f(u)).collect::<Vec<_>>();
    let named = by(&|u| u.name.eq_ignore_ascii_case(wanted));
    let matches = if named.is_empty() {
        by(&|u| {
            u.login
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(wanted))
        })
    } else {
        named
    };
    match matches.as_slice() {
        [one] => Ok(one.id),
        [] => Err(OwnerError::Unknown(wanted.to_owned())),
        many => Err(OwnerError::Ambiguous {
            name: wanted.to_owned(),
            count: many.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, name: &str, login: &str) -> User {
        User {
            id,
            name: name.into(),
            login: Some(login.into()),
        }
    }

    #[test]
    fn owners_are_found_by_name_then_login() {
        let users = [
            user(1, "Ana Lee", "alee"),
            user(2, "Ana Lee", "alee2"),
            user(3, "Ravi Patel", "rpatel"),
        ];
        assert_eq!(find_owner(&users, "ravi patel"), Ok(3));
        assert_eq!(find_owner(&users, "alee2"), Ok(2));
        assert_eq!(
            find_owner(&users, "Ana Lee"),
            Err(OwnerError::Ambiguous {
                name: "Ana Lee".into(),
                count: 2
            })
        );
        assert_eq!(
            find_owner(&users, "Nobody"),
            Err(OwnerError::Unknown("Nobody".into()))
        );
    }
}
