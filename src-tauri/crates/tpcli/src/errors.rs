//! What an error means for the person at the terminal: its code, the exit code and a one-line
//! hint naming the next step, decided from the engine's error variants (never from message
//! text). [`CODES`] is the one list of codes with their cause and fix: the hints printed, the
//! codes the metrics record and docs/operations/troubleshooting.md (generated from it, see
//! [`troubleshooting`]) all come from it.

use pi_engine::EngineError;
use pi_targetprocess::TpError;

use crate::exit;

/// One error code: what tpcli prints after `hint:` and records as an operation's error code.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: &'static str,
    pub exit: u8,
    /// What happened, for the troubleshooting reference (made by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub cause: &'static str,
    /// The next step (printed as the hint).
    pub fix: &'static str,
}

const fn code(code: &'static str, exit: u8, cause: &'static str, fix: &'static str) -> Code {
    Code {
        code,
        exit,
        cause,
        fix,
    }
}

const F: u8 = exit::FINDINGS;
const U: u8 = exit::USAGE;
const RETRY: &str = "nothing is lost: run the same command again (an interrupted push is completed by `tpcli plan resume`); `tpcli doctor` checks the connection";
const VERIFY: &str = "`tpcli plan verify` says what is wrong; `tpcli plan verify --repair` rebuilds what it can without losing an edit";

/// Every error code tpcli maps, with its exit code, cause and fix.
pub const CODES: &[Code] = &[
    code(
        "interrupted_push",
        F,
        "A push stopped with operations Targetprocess has not confirmed (killed, offline, an answer lost); a pull cannot merge until it is completed.",
        "run `tpcli plan resume`",
    ),
    code(
        "plan_busy",
        F,
        "A teammate's clone holds the plan's push lease and did not give it back within 30 s.",
        "run the same command again in a moment",
    ),
    code(
        "not_shared",
        F,
        "The operation is done and kept in this clone; only publishing it to the git remote failed.",
        "nothing to do now: your next pull or push shares it",
    ),
    code(
        "approval",
        F,
        "The sign-off policy ([approvals]) refused the push or the approval.",
        "see `tpcli plan approvals`",
    ),
    code(
        "parse",
        U,
        "The plan file (or a version of it) does not read as a plan; the message gives file and line.",
        "`tpcli plan validate` shows every problem with its line",
    ),
    code(
        "unreadable_snapshot",
        U,
        "A plan text about to be committed would not read back; nothing was committed.",
        VERIFY,
    ),
    code(
        "history",
        U,
        "A file of the plan's history is missing from a commit or is not text: something else changed the repository.",
        VERIFY,
    ),
    code(
        "unreadable_edits",
        U,
        "The plan file has edits that do not parse, so a repair cannot keep them.",
        VERIFY,
    ),
    code(
        "no_targetprocess_ids",
        U,
        "The tracking branch's plan lacks its Targetprocess release and team ids.",
        "`tpcli plan verify --repair` refreshes the tracking branch from Targetprocess",
    ),
    code(
        "no_matching_conflict",
        U,
        "`tpcli plan resolve` named a conflict that is not open.",
        "`tpcli plan status` lists the open conflicts",
    ),
    code(
        "unknown_item",
        U,
        "The command named an id the plan does not have.",
        "`tpcli plan show --json` lists the plan's items with their ids",
    ),
    code(
        "cannot_resolve",
        U,
        "The chosen resolution cannot be applied to that conflict.",
        "`tpcli plan status` shows the conflict and the values it can take",
    ),
    code(
        "not_a_plan_branch",
        U,
        "The checked-out branch is not a plan's working branch (`pi/plan/<release>/<team>`).",
        "check out a plan's working branch (the message lists them), or run `tpcli plan init`",
    ),
    code(
        "no_working_tree",
        U,
        "The repository is bare: it holds no plan file.",
        "run the command in a clone with a working tree",
    ),
    code(
        "plan_file",
        U,
        "The plan file could not be read or written (permissions, disk full, a folder in its place).",
        "fix what the message names (permissions, disk space: `tpcli doctor`) and run the command again",
    ),
    code(
        "baseline_vanished",
        U,
        "A baseline disappeared right after it was created (another process deleted its ref).",
        "create the baseline again; check what else writes to the repository",
    ),
    code(
        "repository_twice",
        U,
        "`sync-all` was given one repository twice.",
        "name each plan's clone once",
    ),
    code(
        "not_found",
        U,
        "A release, team or ART named on the command line is not in Targetprocess; the message lists the known ones.",
        "use a name from the list in the message",
    ),
    code(
        "already_initialized",
        U,
        "A plan for that release and team already exists in the repository.",
        "check out its branch and pull instead of init",
    ),
    code(
        "owner",
        U,
        "A feature's or objective's owner is not a Targetprocess user.",
        "fix the owner in the plan file (an e-mail or login Targetprocess knows)",
    ),
    code(
        "rollback",
        U,
        "The rollback cannot be done as asked (no such push, not a push, or nothing to roll back).",
        "`tpcli plan log` lists the pushes and their ids",
    ),
    code(
        "template",
        U,
        "A template named on the command line or in [templates] is unknown or invalid.",
        "`tpcli plan new --help` lists how templates are named; fix [templates] in pi-planner.toml",
    ),
    code(
        "changeset",
        U,
        "The plan cannot be turned into Targetprocess operations (e.g. an item that refers to a missing one).",
        "`tpcli plan validate` shows the problem; fix the plan file",
    ),
    code(
        "state",
        U,
        "A state file of the clone (.git/pi-planner) or a log entry does not read.",
        "`tpcli doctor` and `tpcli plan verify` say more; restore the clone from a backup if it is damaged",
    ),
    code(
        "saved_during_pull",
        U,
        "The plan file was saved while a pull merged; the pull wrote nothing over the save.",
        "fix the file if it does not read (`tpcli plan validate`), then pull again",
    ),
    code(
        "account_changed",
        U,
        "A teammate's branch names another Targetprocess account than this clone's; nothing of it was taken in.",
        "if the account really moved, run again with --tp-url URL; otherwise ask who pushed it",
    ),
    code(
        "git",
        U,
        "A git operation failed: the repository, the lock, or the remote (unreachable, refused).",
        "`tpcli doctor` checks the remote and the lock; the message names the git error",
    ),
    code(
        "journal",
        U,
        "The push journal (.git/pi-planner/<plan>/journal.sqlite) cannot be opened or is damaged.",
        "`tpcli doctor` checks it; restore the clone's local files from a backup (`tpcli plan restore`)",
    ),
    code(
        "io",
        U,
        "A file could not be read or written.",
        "fix what the message names and run the command again",
    ),
    code(
        "targetprocess_auth",
        U,
        "Targetprocess answered 401 or 403: the token is wrong, revoked or lacks permission.",
        "check the access token: `tpcli auth login --tp-url URL`, or TP_TOKEN; `tpcli doctor` tests it",
    ),
    code(
        "targetprocess_rate_limited",
        U,
        "Targetprocess kept throttling (429) beyond the wait budget.",
        "Targetprocess is throttling: run the command again in a minute",
    ),
    code(
        "targetprocess_server",
        U,
        "Targetprocess answered 5xx after the retries.",
        RETRY,
    ),
    code(
        "targetprocess_network",
        U,
        "The connection to Targetprocess failed or timed out; a write may or may not have landed.",
        RETRY,
    ),
    code(
        "targetprocess_not_found",
        U,
        "Targetprocess has no such entity or resource (deleted, or [tp] names another resource).",
        "`tpcli doctor` compares [tp] with the account; `tpcli tp schema --write` fixes it",
    ),
    code(
        "targetprocess_validation",
        U,
        "Targetprocess refused a request (400); its message says why.",
        "fix the value the message names, or [tp] if a field name is wrong (`tpcli tp schema`)",
    ),
    code(
        "targetprocess_decode",
        U,
        "Targetprocess answered something that is not the JSON expected.",
        "check that the URL is the Targetprocess account (not a proxy or login page): `tpcli doctor`",
    ),
    code(
        "targetprocess_redirected",
        U,
        "Targetprocess redirected to another origin; not followed, so the token stays at the configured address.",
        "use the account's final URL with --tp-url",
    ),
    code(
        "targetprocess_limit_exceeded",
        U,
        "An answer or a collection was over a configured limit.",
        "Targetprocess may be misbehaving; if the account is that large, raise the limit named",
    ),
    code(
        "targetprocess_unknown_state",
        U,
        "A status name the entity's Targetprocess workflow does not have.",
        "use a state of the workflow (`tpcli tp schema` lists them) or fix [statuses]",
    ),
    code(
        "other",
        U,
        "Any other error: bad usage or input (the message names it).",
        "read the message; `tpcli COMMAND --help` shows the usage",
    ),
];

/// Exit codes with their meaning and what to do, for the troubleshooting reference.
#[cfg(test)]
pub const EXITS: &[(u8, &str, &str)] = &[
    (
        exit::OK,
        "success (validate: no errors; pull: merged cleanly; push: pushed or nothing to push; doctor: all checks ok)",
        "nothing",
    ),
    (
        exit::FINDINGS,
        "the command ran and found something to act on: validation errors, conflicts, Targetprocess changed, deletions to confirm, a refused operation, an interrupted push, a check of `tpcli doctor` that failed",
        "the output and the hint say what; the codes with exit 1 below",
    ),
    (
        exit::USAGE,
        "bad usage, input that cannot be read or parsed, or a Targetprocess or git error",
        "the error line says what and where, the hint the next step; the codes with exit 2 below",
    ),
];

/// The error code of an engine error (the metrics' `error_code` too).
pub fn engine_code(e: &EngineError) -> &'static str {
    use EngineError as E;
    match e {
        E::Tp(tp) => tp_code(tp),
        E::Git(_) => "git",
        E::Journal(_) => "journal",
        E::Parse { .. } => "parse",
        E::UnreadableSnapshot { .. } => "unreadable_snapshot",
        E::NotAPlanBranch { .. } => "not_a_plan_branch",
        E::NoWorkingTree => "no_working_tree",
        E::PlanFile { .. } => "plan_file",
        E::History { .. } => "history",
        E::NoTargetprocessIds => "no_targetprocess_ids",
        E::NoMatchingConflict => "no_matching_conflict",
        E::CannotResolve { .. } => "cannot_resolve",
        E::UnknownItem(_) => "unknown_item",
        E::UnreadableEdits { .. } => "unreadable_edits",
        E::BaselineVanished(_) => "baseline_vanished",
        E::RepositoryTwice(_) => "repository_twice",
        E::NotFound { .. } => "not_found",
        E::AlreadyInitialized { .. } => "already_initialized",
        E::Owner { .. } => "owner",
        E::Rollback(_) => "rollback",
        E::Approval(_) => "approval",
        E::Template(_) => "template",
        E::Changeset(_) => "changeset",
        E::State { .. } => "state",
        E::NotShared { .. } => "not_shared",
        E::PlanBusy { .. } => "plan_busy",
        E::InterruptedPush { .. } => "interrupted_push",
        E::SavedDuringPull { .. } => "saved_during_pull",
        E::AccountChanged { .. } => "account_changed",
        E::Io(_) => "io",
    }
}

/// The error code of a Targetprocess client error.
pub fn tp_code(e: &TpError) -> &'static str {
    use TpError as T;
    match e {
        T::Auth { .. } => "targetprocess_auth",
        T::NotFound { .. } => "targetprocess_not_found",
        T::Validation { .. } => "targetprocess_validation",
        T::RateLimited { .. } => "targetprocess_rate_limited",
        T::Server { .. } => "targetprocess_server",
        T::Network { .. } => "targetprocess_network",
        T::Decode { .. } => "targetprocess_decode",
        T::Redirected { .. } => "targetprocess_redirected",
        T::LimitExceeded { .. } => "targetprocess_limit_exceeded",
        T::UnknownState { .. } => "targetprocess_unknown_state",
    }
}

/// The code of the error that ended a command: the engine's, else the Targetprocess client's,
/// else `other`.
pub fn code_of(err: &anyhow::Error) -> &'static str {
    let engine = err.chain().find_map(|e| e.downcast_ref::<EngineError>());
    let tp = err.chain().find_map(|e| e.downcast_ref::<TpError>());
    match (engine, tp) {
        (Some(e), _) => engine_code(e),
        (None, Some(e)) => tp_code(e),
        (None, None) => "other",
    }
}

/// The entry of `code` in [`CODES`].
pub fn find(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// The exit code and the hint for an error that ended a command (no hint for `other`: its
/// message is the whole story).
pub fn triage(err: &anyhow::Error) -> (u8, Option<String>) {
    match code_of(err) {
        "other" => (exit::USAGE, None),
        c => find(c).map_or((exit::USAGE, None), |c| (c.exit, Some(c.fix.to_owned()))),
    }
}

/// docs/operations/troubleshooting.md, made from [`EXITS`] and [`CODES`].
#[cfg(test)]
pub fn troubleshooting() -> String {
    let mut out = String::from(TROUBLESHOOTING_HEAD);
    out.push_str("\n## Exit codes\n\n| Exit | Means | What to do |\n|---|---|---|\n");
    for (code, means, todo) in EXITS {
        out.push_str(&format!("| {code} | {means} | {todo} |\n"));
    }
    out.push_str("\n## Error codes\n\n");
    out.push_str("Printed as `hint:` after the error, recorded as the operation's `error_code` in the metrics (`tpcli plan stats`).\n\n");
    out.push_str("| Code | Exit | Cause | Fix |\n|---|---|---|---|\n");
    for c in CODES {
        let fix = c.fix.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | {} | {fix} |\n",
            c.code, c.exit, c.cause
        ));
    }
    out
}

#[cfg(test)]
const TROUBLESHOOTING_HEAD: &str = "\
# Troubleshooting: exit codes and error codes

<!-- Generated from tpcli's src/errors.rs (CODES, EXITS); a test fails when this file differs.
     PI_PLANNER_WRITE_DOCS=1 cargo test -p tpcli troubleshooting rewrites it. -->

Every `tpcli` error ends with `error: <what, where>` and, for the codes below, `hint: <fix>`.
Start with `tpcli doctor` (docs/operations.md): it checks the account, the token, the schema, the
remote, the keychain, the clock, disk space, the lock, the lease, unfinished pushes and stored
conflicts, one line each with a fix.
";

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
