//! Who a commit is attributed to: the Targetprocess users named in `Tp-Editor` trailers for
//! snapshots of Targetprocess, the unattended sync for `Pi-Source: auto-sync`, else the git
//! author.

use pi_git::{CommitInfo, Source, When, keys};
use serde::{Deserialize, Serialize};

use pi_engine::oplog::Actor;

/// A commit as history shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommitRef {
    pub id: String,
    pub parents: Vec<String>,
    /// Who made the change.
    pub who: Actor,
    /// Author time, RFC 3339 with the author's offset.
    pub at: String,
    pub subject: String,
    /// The operation-log entry the commit belongs to (`Pi-Op`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
}

impl CommitRef {
    pub fn of(c: &CommitInfo) -> CommitRef {
        CommitRef {
            id: c.id.to_string(),
            parents: c.parents.iter().map(ToString::to_string).collect(),
            who: actor_of(c),
            at: rfc3339(c.author_time),
            subject: c.subject.clone(),
            op: c.trailers.op().map(str::to_owned),
        }
    }

    /// A merge commit (two or more parents).
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The first 8 hex digits of the id.
    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }
}

/// The actor behind a commit, from its trailers and author.
pub fn actor_of(c: &CommitInfo) -> Actor {
    match c.trailers.source() {
        Some(Source::Targetprocess) => Actor::Targetprocess {
            editors: c
                .trailers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(keys::TP_EDITOR))
                .map(|(_, v)| v.to_owned())
                .collect(),
        },
        Some(Source::AutoSync) => Actor::AutoSync,
        Some(Source::Local) | None => Actor::Person {
            name: c.author.name.clone(),
            email: c.author.email.clone(),
        },
    }
}

/// A git time as RFC 3339 in its own offset (UTC when the offset is out of range).
pub fn rfc3339(when: When) -> String {
    let utc = chrono::DateTime::from_timestamp(when.seconds, 0).unwrap_or_default();
    match chrono::FixedOffset::east_opt(when.offset_minutes * 60) {
        Some(offset) => utc.with_timezone(&offset).to_rfc3339(),
        None => utc.to_rfc3339(),
    }
}
