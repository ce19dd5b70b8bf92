//! Stable entity identity: a Targetprocess id, or a temporary local id for an item that has not
//! been pushed yet.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The identity of an objective or feature in a plan.
///
/// Written as `tp:2019099` for an entity that exists in Targetprocess and `new:7f3c2a` for one
/// created locally and not pushed yet. Nothing is ever matched by name alone.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityId {
    /// An entity that exists in Targetprocess, with its TP id.
    Tp(i64),
    /// An entity created locally; the push writes the TP id back in its place.
    Local(LocalId),
}

/// A temporary local id: 1 to 40 characters of `a-z`, `0-9` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id is `tp:<number>` or `new:<local id>`, found {0:?}")]
    Malformed(String),
    #[error("a TP id is a positive whole number, found {0:?}")]
    BadTpId(String),
    #[error("a local id is 1 to 40 characters of a-z, 0-9 and '-', found {0:?}")]
    BadLocalId(String),
}

impl LocalId {
    pub fn new(s: &str) -> Result<Self, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::BadLocalId(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl EntityId {
    /// The TP id, if this entity exists in Targetprocess.
    pub fn tp(&self) -> Option<i64> {
        match self {
            EntityId::Tp(id) => Some(*id),
            EntityId::Local(_) => None,
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, EntityId::Local(_))
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityId::Tp(id) => write!(f, "tp:{id}"),
            EntityId::Local(id) => write!(f, "new:{}", id.0),
        }
    }
}

impl FromStr for EntityId {
    type Err = IdError;

    /// Accepts `tp:123`, `new:abc` and, for convenience on the command line, a bare `123`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse_tp = |digits: &str| match digits.parse::<i64>() {
            Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(EntityId::Tp(n)),
            _ => Err(IdError::BadTpId(digits.to_owned())),
        };
        if let Some(rest) = s.strip_prefix("tp:") {
            parse_tp(rest)
        } else if let Some(rest) = s.strip_prefix("new:") {
            LocalId::new(rest).map(EntityId::Local)
        } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            parse_tp(s)
        } else {
            Err(IdError::Malformed(s.to_owned()))
        }
    }
}

impl Serialize for EntityId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An id is written as `tp:<number>` or `new:<local id>`.
impl schemars::JsonSchema for EntityId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EntityId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(tp:[0-9]+|new:.+)$",
            "description": "A Targetprocess id (tp:123) or the local id of an item not created yet (new:…)",
        })
    }
}

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_both_kinds() {
        let tp: EntityId = "tp:2019099".parse().unwrap();
        assert_eq!(tp, EntityId::Tp(2019099));
        assert_eq!(tp.to_string(), "tp:2019099");
        let bare: EntityId = "42".parse().unwrap();
        assert_eq!(bare, EntityId::Tp(42));
        let local: EntityId = "new:7f3c-a".parse().unwrap();
        assert_eq!(local.to_string(), "new:7f3c-a");
        assert!(local.is_local());
    }

    #[test]
    fn rejects_malformed_ids() {
        assert!(matches!(
            "tp:-3".parse::<EntityId>(),
            Err(IdError::BadTpId(_))
        ));
        assert!(matches!(
            "tp:0".parse::<EntityId>(),
            Err(IdError::BadTpId(_))
        ));
        assert!(matches!(
            "tp:+3".parse::<EntityId>(),
            Err(IdError::BadTpId(_))
        ));
        assert!(matches!(
            "new:Upper".parse::<EntityId>(),
            Err(IdError::BadLocalId(_))
        ));
        assert!(matches!(
            "new:".parse::<EntityId>(),
            Err(IdError::BadLocalId(_))
        ));
        assert!(matches!(
            "x:1".parse::<EntityId>(),
            Err(IdError::Malformed(_))
        ));
        assert!(matches!("".parse::<EntityId>(), Err(IdError::Malformed(_))));
    }

    #[test]
    fn serializes_as_its_display_string() {
        let id = EntityId::Tp(7);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"tp:7\"");
        let back: EntityId = serde_json::from_str("\"new:abc\"").unwrap();
        assert_eq!(back, EntityId::Local(LocalId::new("abc").unwrap()));
    }
}
