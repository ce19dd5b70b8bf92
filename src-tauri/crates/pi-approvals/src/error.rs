//! Why an approval or a push was refused ([`ApprovalError`]), and what stopped reading or
//! recording approvals ([`Error`]).

use pi_model::CONFIG_FILE_NAME;

use crate::review::ApprovalStatus;

/// Why an approval or a push was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApprovalError {
    /// The policy is not met; the push was not sent.
    #[error("{}; run `tpcli plan approvals` to see them, or push with --override REASON", .0.missing())]
    NotApproved(Box<ApprovalStatus>),
    #[error("there is nothing to approve: the plan matches Targetprocess's last pulled state")]
    NothingToApprove,
    #[error("{0} is not an approver of this plan (see [approvals] in pi-planner.toml)")]
    NotAnApprover(String),
    #[error("{0} changed this plan and may not approve their own change")]
    SelfApproval(String),
    #[error("{0} already approved this change")]
    AlreadyApproved(String),
    #[error(
        "signatures are required, but no signing key is configured (git config user.signingkey)"
    )]
    SigningRequired,
    #[error("an override needs a reason")]
    EmptyReason,
    #[error("signing: {0}")]
    Sign(String),
    #[error("{CONFIG_FILE_NAME}: {0}")]
    Config(String),
}

/// What stopped reading, reviewing or recording approvals: a refusal, or the repository, the
/// approvals log or a file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] ApprovalError),
    #[error(transparent)]
    Git(#[from] pi_git::GitError),
    /// An entry of the approvals log (or one about to be written) is not an approval record.
    #[error("{path}: {message}")]
    Log { path: String, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
