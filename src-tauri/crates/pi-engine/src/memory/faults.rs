//! Fault injection by call: "the 3rd update fails with a 500", "the 1st create is refused with
//! a 422", "the connection drops after the 2nd update was written". Each call of a kind is
//! counted from the tracker's creation; a fault names the kind, the call's number and what
//! happens to it.

use std::collections::BTreeMap;

use pi_targetprocess::TpError;

/// The kinds of tracker calls, counted one by one. An update counts once per entity, whether
/// it is sent alone or as an item of a bulk update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Call {
    ListArts,
    ListReleases,
    ListTeams,
    /// A team's plan read (a read of several plans counts once per plan).
    Fetch,
    /// A look for what changed since an instant (`changed_since`).
    Changes,
    Reread,
    Create,
    Update,
    Delete,
    Unlink,
    FindByMarker,
    ListUsers,
    StateId,
    /// A read of the account's workflows.
    Workflows,
}

/// What an injected fault does to its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A 500 before anything is written: the call may be sent again.
    Server,
    /// A 422: Targetprocess refuses the call's data; nothing is written.
    Refused,
    /// A 401: the credentials are refused; nothing is written.
    Unauthorised,
    /// The write is applied, then the connection drops before the answer: the caller sees a
    /// network error and cannot know whether it landed.
    DropAfterWrite,
}

impl Failure {
    /// The error the caller sees for a call `method path`.
    pub(super) fn error(self, method: &str, path: &str) -> TpError {
        let (method, path) = (method.to_owned(), path.to_owned());
        match self {
            Failure::Server => TpError::Server {
                method,
                path,
                status: 500,
                message: "injected server error".to_owned(),
            },
            Failure::Refused => TpError::Validation {
                method,
                path,
                status: 422,
                message: "injected refusal".to_owned(),
            },
            Failure::Unauthorised => TpError::Auth {
                method,
                path,
                status: 401,
            },
            Failure::DropAfterWrite => TpError::Network {
                method,
                path,
                message: "connection dropped after the write (injected)".to_owned(),
            },
        }
    }

    /// Whether the call's write is applied before the failure.
    pub(super) fn writes(self) -> bool {
        self == Failure::DropAfterWrite
    }
}

/// Calls counted by kind, and the faults waiting for their call.
#[derive(Debug, Default)]
pub(super) struct Faults {
    counts: BTreeMap<Call, usize>,
    planned: BTreeMap<(Call, usize), Failure>,
    /// Every call in order, with the id it addressed (if any).
    log: Vec<(Call, Option<i64>)>,
}

impl Faults {
    pub fn plan(&mut self, call: Call, nth: usize, failure: Failure) {
        self.planned.insert((call, nth), failure);
    }

    /// Counts a call; its fault, if one was planned for it.
    pub fn count(&mut self, call: Call, id: Option<i64>) -> Option<Failure> {
        let n = self.counts.entry(call).or_default();
        *n += 1;
        let nth = *n;
        self.log.push((call, id));
        self.planned.remove(&(call, nth))
    }

    pub fn calls(&self, call: Call) -> usize {
        self.counts.get(&call).copied().unwrap_or_default()
    }

    pub fn log(&self) -> Vec<(Call, Option<i64>)> {
        self.log.clone()
    }
}
