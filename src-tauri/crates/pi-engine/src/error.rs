//! Errors of the engine: what stopped an operation, with what and where. Conflicts, "nothing to
//! push" and "Targetprocess changed" are results of the operations, not errors.

use pi_format::ParseErrors;
use pi_model::EntityId;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Git(#[from] pi_git::GitError),
    /// Not a `#[source]`: the message already holds the client's, once.
    #[error("Targetprocess: {0}")]
    Tp(pi_targetprocess::TpError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{}", located(file, errors))]
    Parse { file: String, errors: ParseErrors },
    /// Plan text the operation was about to commit does not read back as a plan: nothing was
    /// committed and the operation stopped (see `snapshot`).
    #[error(
        "{what} would not read back as a plan, so nothing was committed:\n{}",
        located(file, errors)
    )]
    UnreadableSnapshot {
        what: String,
        file: String,
        errors: ParseErrors,
    },
    /// The checked-out branch is not a plan's working branch.
    #[error(
        "the checked-out branch {branch:?} is not a plan's working branch; {}",
        plan_hint(plans)
    )]
    NotAPlanBranch { branch: String, plans: Vec<String> },
    #[error("the repository has no working tree (a bare repository holds no plan file)")]
    NoWorkingTree,
    /// The plan file (or another file of the plan) could not be read or written.
    #[error("cannot {} the plan file {path}: {source}", if *.writing { "write" } else { "read" })]
    PlanFile {
        path: String,
        writing: bool,
        #[source]
        source: std::io::Error,
    },
    /// A file of the plan's history is missing from a commit or is not text: the repository was
    /// changed by something else than PI Planner (`tpcli plan verify` says more).
    #[error("{file} at {commit} {}", if *.missing { "is missing" } else { "is not UTF-8 text" })]
    History {
        file: String,
        commit: String,
        missing: bool,
    },
    #[error("the plan on the tracking branch has no Targetprocess release/team ids")]
    NoTargetprocessIds,
    #[error("no unresolved conflict matches")]
    NoMatchingConflict,
    #[error("cannot resolve {conflict}: {reason}")]
    CannotResolve { conflict: String, reason: String },
    #[error("the plan has no item {0}")]
    UnknownItem(pi_model::EntityId),
    /// The plan file has edits that do not parse, so the repair cannot keep them.
    #[error(
        "{file} has edits that do not read as a plan; fix them (`tpcli plan validate` shows where) or undo them, then run `tpcli plan verify --repair` again"
    )]
    UnreadableEdits { file: String },
    #[error("baseline {0} vanished after it was created")]
    BaselineVanished(String),
    /// A train sync was given one repository twice.
    #[error(
        "{0} is given twice (one repository holds one checked-out plan): sync each plan once, from a clone of its own"
    )]
    RepositoryTwice(String),
    #[error("{what} {name:?} was not found in Targetprocess; known: {known}")]
    NotFound {
        what: &'static str,
        name: String,
        known: String,
    },
    #[error("a plan for {release} / {team} already exists in this repository (branch {branch})")]
    AlreadyInitialized {
        release: String,
        team: String,
        branch: String,
    },
    #[error("owner of {entity:?}: {source}")]
    Owner {
        entity: String,
        #[source]
        source: pi_targetprocess::OwnerError,
    },
    #[error(transparent)]
    Rollback(#[from] RollbackError),
    /// The approval policy refused an approval or a push (see `pi_approvals`).
    #[error(transparent)]
    Approval(Box<pi_approvals::ApprovalError>),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Changeset(#[from] pi_model::changeset::ChangesetError),
    #[error("{path}: {message}")]
    State { path: String, message: String },
    /// The operation itself is done and recorded locally; only sharing it through the git
    /// remote failed, because teammates kept publishing (or the remote refused).
    #[error(
        "{done}, but sharing it through the git remote failed ({source}); nothing is lost: it is \
         kept in this clone and shared by your next pull or push"
    )]
    NotShared {
        done: &'static str,
        #[source]
        source: pi_git::GitError,
    },
    /// A teammate's clone holds the plan's push lease (see `lease`) and did not give it back
    /// within the wait.
    #[error(
        "{by} is writing this plan to Targetprocess (since {since}); nothing was sent: try again in a moment (a stopped push gives the plan free at {until} at the latest)"
    )]
    PlanBusy {
        by: String,
        since: String,
        until: String,
    },
    /// A push was interrupted with operations that may or may not have reached Targetprocess:
    /// it must be completed (`tpcli plan resume`, or the next push) before a pull can merge.
    #[error(
        "a push was interrupted with {} not confirmed by Targetprocess; run `tpcli plan resume` (or push) to finish it, then pull",
        changes(*ops_left)
    )]
    InterruptedPush { ops_left: usize },
    /// The planner saved the plan file while a pull was merging Targetprocess's changes, and the
    /// save did not read as a plan (`readable: false`) or kept changing: the pull wrote nothing
    /// over it (Targetprocess's state is kept on the tracking branch for the next pull).
    #[error(
        "{path} was saved while the pull was merging Targetprocess's changes and {}; the pull wrote nothing over your save: {}",
        if *.readable { "kept changing" } else { "does not read as a plan" },
        if *.readable { "pull again" } else { "fix the file (`tpcli plan validate` shows where), then pull again" }
    )]
    SavedDuringPull { path: String, readable: bool },
    /// A teammate's branch on the shared remote names another Targetprocess account than this
    /// clone's: nothing of it was taken in, and no request (or token) went to that address.
    #[error(
        "the plan's Targetprocess address changed on the shared remote ({branch}): from {from} to {to}. Nothing of it was taken in and no request went to {to}. If your team's Targetprocess really moved, run again with --tp-url {to} to accept it; otherwise ask who pushed it"
    )]
    AccountChanged {
        branch: String,
        from: String,
        to: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<pi_approvals::ApprovalError> for EngineError {
    fn from(e: pi_approvals::ApprovalError) -> Self {
        EngineError::Approval(Box::new(e))
    }
}

/// A refusal stays a refusal; the repository, log and file failures of approvals are the
/// engine's own kinds, so callers map them as they map any other.
impl From<pi_approvals::Error> for EngineError {
    fn from(e: pi_approvals::Error) -> Self {
        match e {
            pi_approvals::Error::Refused(refusal) => refusal.into(),
            pi_approvals::Error::Git(e) => EngineError::Git(e),
            pi_approvals::Error::Log { path, message } => EngineError::State { path, message },
            pi_approvals::Error::Io(e) => EngineError::Io(e),
        }
    }
}

impl From<pi_targetprocess::TpError> for EngineError {
    fn from(e: pi_targetprocess::TpError) -> Self {
        EngineError::Tp(e)
    }
}

fn plan_hint(plans: &[String]) -> String {
    if plans.is_empty() {
        "run `tpcli plan init --release NAME --team NAME` first".to_owned()
    } else {
        format!("check out one of: {}", plans.join(", "))
    }
}

fn changes(n: usize) -> String {
    match n {
        1 => "1 change".to_owned(),
        n => format!("{n} changes"),
    }
}

fn located(file: &str, errors: &ParseErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| format!("{file}:{e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the push journal {path} cannot be opened: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the push journal is damaged: {0}")]
    Corrupt(String),
    #[error("push journal: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Why a push cannot be chosen for rollback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollbackError {
    #[error("the operation log has no push to roll back")]
    NoPush,
    #[error("no operation {id:?} in the operation log (recent pushes: {known})")]
    UnknownOp { id: String, known: String },
    #[error("{id} is not a push but a log entry of kind {kind}; only pushes can be rolled back")]
    NotAPush { id: String, kind: String },
}

/// A template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("no {kind} template {name:?}; known: {known}")]
    Unknown {
        kind: &'static str,
        name: String,
        known: String,
    },
    #[error("the plan has no objective {0}")]
    NoObjective(EntityId),
    #[error("ids cannot be made from the template name and seed {0:?}")]
    BadSeed(String),
    #[error("the plan would not pass validation: {}", .0.join("; "))]
    Invalid(Vec<String>),
}
