//! `pi-approvals`: sign-off of a change set before it is pushed to Targetprocess.
//!
//! A change set is the push plan (the operations a push would send) together with the tracking
//! commit it was computed against; its hash (SHA-256 of canonical JSON) is what an approval is
//! bound to. Any later edit or pull changes the operations or the base, so earlier approvals
//! become stale. Approvals and push overrides are entries of the append-only log
//! `refs/pi/approvals/<plan>` (`log`), shared through the remote like the op log, and
//! optionally signed with the approver's SSH or OpenPGP key (`sign`). [`Reviewer`] applies the
//! repository's `[approvals]` policy (`review`): the status of a change, an approval, and the
//! push gate.
//!
//! It sits below the sync engine: it is given the repository and the plan's branch names, the
//! change set, who acts and when, and never takes the repository lock, talks to Targetprocess
//! or publishes to the remote — `pi-engine` does that around it. It deliberately does not
//! decide who someone is: the acting identity and the signing set-up come from the caller; it
//! only checks approvals against the policy and the signatures.

mod error;
mod gate;
mod gpg;
mod log;
mod review;
pub mod sign;

use pi_git::{Identity, Oid};
use pi_model::changeset::Op;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use error::{ApprovalError, Error, Result};
pub use gate::{Actor, Gate, Reviewer};
pub use log::{records, repo_config};
pub use review::{ApprovalStatus, Rejection, Reviewed, Standing, may_approve};
pub use sign::{OpenPgp, SignFormat, Signature, Signing};

/// The exact change a push would make: its operations and the tracking commit they start from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeSet {
    /// The tracking commit (Targetprocess's last pulled state) the operations are computed on.
    pub base: String,
    pub ops: Vec<Op>,
    /// `sha256:<hex>` of the canonical JSON of `{base, ops}`.
    pub hash: String,
}

impl ChangeSet {
    pub fn new(base: Oid, ops: Vec<Op>) -> Self {
        let base = base.to_string();
        let hash = change_hash(&base, &ops);
        Self { base, ops, hash }
    }
}

/// The hash an approval of (`base`, `ops`) carries.
pub fn change_hash(base: &str, ops: &[Op]) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        base: &'a str,
        ops: &'a [Op],
    }
    // Struct fields serialise in declaration order and the ops hold no maps: stable bytes.
    let bytes = serde_json::to_vec(&Canonical { base, ops }).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A person by git identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl From<&Identity> for Person {
    fn from(i: &Identity) -> Self {
        Self {
            name: i.name.clone(),
            email: i.email.clone(),
        }
    }
}

/// One sign-off of a change set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Approval {
    pub approver: Person,
    /// RFC 3339.
    pub at: String,
    pub comment: Option<String>,
    /// What was approved: the operations, their base and the hash binding them.
    pub change: ChangeSet,
    /// Over [`Approval::signed_bytes`]; `None` for an unsigned approval.
    pub signature: Option<Signature>,
    /// Where it was given when not in PI Planner: a review on the plan's pull request
    /// (`github:<owner>/<repo>#<pull> review <id> by @<login>`). Such an approval is unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Approval {
    /// The bytes a signature covers: the approval's canonical JSON without the signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Approval {
            signature: None,
            ..self.clone()
        };
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }
}

/// A push made without the approvals the policy asks for, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Override {
    pub by: Person,
    pub at: String,
    pub reason: String,
    pub change: ChangeSet,
    /// What was missing, in words ("1 of 2 approvals; waiting for a business owner").
    pub missing: String,
}

/// One entry of the approvals log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Approval(Approval),
    Override(Override),
}
