//! The one error type the UI sees: [`UiError`] with a stable [`ErrorCode`], a message written for
//! a planner and hints on what to do next.
//!
//! Every library error is mapped here, at the boundary; nothing else in the app builds UI
//! messages from errors. It deliberately never carries a raw library message that could hold a
//! token, a stack trace or a debug dump: messages are composed from known, safe parts.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, as the UI switches on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The Targetprocess URL is not a usable http(s) URL.
    BadUrl,
    /// Targetprocess refused the credentials.
    Unauthorized,
    /// Targetprocess could not be reached (refused, timed out, dropped).
    Unreachable,
    /// Targetprocess is throttling requests.
    RateLimited,
    /// Targetprocess failed (5xx) or answered something unexpected.
    ServerError,
    /// Targetprocess refused a request as invalid, or the entity does not exist.
    Rejected,
    /// An operation needs a connection (demo or Targetprocess) and there is none.
    NotConnected,
    /// An operation needs an open plan and none is open.
    NoPlan,
    /// The OS keychain could not store or read the access token.
    Keychain,
    /// The plan file could not be read or written.
    FileAccess,
    /// The plan file is not a valid plan (e.g. edited by hand with a mistake).
    PlanUnreadable,
    /// The request from the UI holds a value that cannot be used.
    InvalidInput,
    /// There is no edit to undo.
    NothingToUndo,
    /// The demo Targetprocess could not be started.
    DemoFailed,
    /// An operation records edits in the planner's name and no identity is set.
    NoIdentity,
    /// The plan's history (git) could not be read or written.
    WorkspaceProblem,
    /// A push was interrupted before Targetprocess confirmed every change: finish it first.
    InterruptedPush,
    /// Another sync of the same plan is running.
    Busy,
    /// The plan names a person Targetprocess does not know as a user.
    UnknownOwner,
    /// A conflict could not be settled the way chosen.
    CannotResolve,
    /// The shared remote refused the plan's history.
    RemoteRejected,
    /// The push waits for sign-off: the approvals the plan's policy asks for are missing.
    NotApproved,
    /// The approval policy refused this planner's approval (not an approver, own change, twice).
    ApprovalRefused,
    /// The repository's pi-planner.toml has no template of that name.
    UnknownTemplate,
    /// The plan with the template's item added would not pass validation.
    TemplateInvalid,
}

/// An error as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    pub hints: Vec<String>,
}

impl UiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl From<pi_targetprocess::TpError> for UiError {
    fn from(e: pi_targetprocess::TpError) -> Self {
        use pi_targetprocess::TpError as E;
        match e {
            E::Auth { status, .. } => UiError::new(
                ErrorCode::Unauthorized,
                format!("Targetprocess did not accept the access token (HTTP {status})."),
            )
            .hint("Create a new access token in Targetprocess under My Profile → Access Tokens.")
            .hint("Check that the URL is your company's Targetprocess address."),
            E::NotFound { .. } => UiError::new(
                ErrorCode::Rejected,
                "Targetprocess does not know this item; it may have been deleted.",
            )
            .hint("Pick the ART, release and team again."),
            E::Validation { status, .. } => UiError::new(
                ErrorCode::Rejected,
                format!("Targetprocess refused the request (HTTP {status})."),
            ),
            E::RateLimited { retry_after, .. } => UiError::new(
                ErrorCode::RateLimited,
                "Targetprocess is receiving too many requests right now.",
            )
            .hint(match retry_after {
                Some(d) => format!("Try again in {} seconds.", d.as_secs().max(1)),
                None => "Try again in a minute.".to_owned(),
            }),
            E::Server { status, .. } => UiError::new(
                ErrorCode::ServerError,
                format!("Targetprocess had a problem (HTTP {status})."),
            )
            .hint("Try again later; if it persists, ask your Targetprocess administrator."),
            E::Decode { .. } => UiError::new(
                ErrorCode::ServerError,
                "Targetprocess answered in a way PI Planner does not understand.",
            )
            .hint("Check that the URL points at Targetprocess itself, not a login page."),
            E::Network { .. } => UiError::new(
                ErrorCode::Unreachable,
                "Targetprocess could not be reached.",
            )
            .hint("Check the URL and your network or VPN connection."),
            E::UnknownState { name, .. } => UiError::new(
                ErrorCode::Rejected,
                format!("Targetprocess has no status named {name:?}."),
            ),
            E::Redirected { to, .. } => UiError::new(
                ErrorCode::ServerError,
                format!(
                    "Targetprocess sent PI Planner on to another address ({to}); it was not followed, so your access token stayed with the configured address."
                ),
            )
            .hint("Check the Targetprocess address (https or http, host name). If the new address is right, connect to it."),
            E::LimitExceeded { what, limit, .. } => UiError::new(
                ErrorCode::ServerError,
                format!("Targetprocess sent more than PI Planner reads at once: {what} is over {limit}."),
            )
            .hint("Try again later; if it persists, ask your Targetprocess administrator."),
        }
    }
}

impl From<pi_targetprocess::ConfigError> for UiError {
    fn from(e: pi_targetprocess::ConfigError) -> Self {
        match e {
            pi_targetprocess::ConfigError::BaseUrl(_) => UiError::new(
                ErrorCode::BadUrl,
                "This is not a Targetprocess address.",
            )
            .hint("Use the address you open Targetprocess with, like https://acme.tpondemand.com."),
            pi_targetprocess::ConfigError::Http(_) => UiError::new(
                ErrorCode::Unreachable,
                "PI Planner could not prepare a connection to Targetprocess.",
            ),
        }
    }
}

impl From<pi_engine::EngineError> for UiError {
    fn from(e: pi_engine::EngineError) -> Self {
        use pi_engine::EngineError as E;
        match e {
            E::Tp(e) => e.into(),
            E::Git(e) => git_error(&e),
            E::NotShared { done, .. } => UiError::new(
                ErrorCode::RemoteRejected,
                format!("{done}, but it could not be shared with your teammates yet."),
            )
            .hint("Nothing is lost: it is shared by your next pull or push. If this keeps happening, check the remote in Settings."),
            E::Parse { errors, .. } => {
                let at = errors
                    .0
                    .first()
                    .map(|e| format!(" (line {}, column {})", e.at.line, e.at.column))
                    .unwrap_or_default();
                UiError::new(
                    ErrorCode::PlanUnreadable,
                    format!("The plan file has a mistake{at}."),
                )
                .hint("Fix it in a text editor, or undo the last edit, then try again.")
            }
            E::NotFound { what, name, .. } => UiError::new(
                ErrorCode::Rejected,
                format!("Targetprocess has no {what} named {name:?}."),
            )
            .hint("Pick the ART, release and team again."),
            E::Owner { entity, .. } => UiError::new(
                ErrorCode::UnknownOwner,
                format!("The owner of {entity:?} is not a Targetprocess user."),
            )
            .hint("Choose an owner by the name Targetprocess shows, then push again."),
            E::PlanBusy { by, .. } => UiError::new(
                ErrorCode::Busy,
                format!("{by} is pushing this plan right now; nothing was sent."),
            )
            .hint("Push again in a moment: their changes come in first."),
            E::InterruptedPush { ops_left } => UiError::new(
                ErrorCode::InterruptedPush,
                format!(
                    "A push was interrupted before Targetprocess confirmed {}.",
                    crate::words::changes(ops_left)
                ),
            )
            .hint("Finish the interrupted push, then pull again.")
            .hint("Nothing is lost: your edits stay in the plan."),
            E::AccountChanged { to, .. } => UiError::new(
                ErrorCode::Rejected,
                format!(
                    "A teammate's copy of this plan names another Targetprocess address ({to}); nothing of it was taken in and no request went there."
                ),
            )
            .hint("If your team's Targetprocess really moved, connect to the new address; otherwise ask who shared it."),
            E::Io(e) => file_error("the plan's folder", &e),
            E::Approval(e) => approval_error(&e),
            E::Template(e) => template_error(&e),
            E::Changeset(_) => UiError::new(
                ErrorCode::InvalidInput,
                "The plan holds a change Targetprocess cannot take.",
            )
            .hint("Check the items marked with problems in the editor, then push again."),
            E::PlanFile { source, .. } => file_error("the plan file", &source),
            E::UnreadableSnapshot { .. } | E::History { .. } | E::UnreadableEdits { .. } => {
                UiError::new(
                    ErrorCode::PlanUnreadable,
                    "The plan's saved history holds a version PI Planner cannot read.",
                )
                .hint("Nothing was changed and your edits are kept.")
                .hint("Ask whoever looks after your plans to repair it (tpcli plan verify --repair): it keeps every readable edit.")
            }
            E::UnknownItem(_) => UiError::new(
                ErrorCode::InvalidInput,
                "That item is no longer in the plan.",
            )
            .hint("Pull to see the plan as it is now."),
            E::CannotResolve { .. } | E::NoMatchingConflict => UiError::new(
                ErrorCode::CannotResolve,
                "This conflict cannot be settled that way.",
            ),
            // Journal, state files, a missing or doubly started plan branch, rollbacks.
            _ => workspace_problem(),
        }
    }
}

/// A push waiting for the sign-off the plan's `[approvals]` policy asks for.
pub fn awaiting_approval(status: &pi_engine::push::ApprovalStatus) -> UiError {
    UiError::new(
        ErrorCode::NotApproved,
        format!("Not pushed: {}.", status.missing()),
    )
    .hint("Open the sign-off panel to see the change and who has approved it.")
}

fn approval_error(e: &pi_approvals::ApprovalError) -> UiError {
    use pi_approvals::ApprovalError as A;
    let refused = |message: String| UiError::new(ErrorCode::ApprovalRefused, message);
    match e {
        A::NotApproved(status) => awaiting_approval(status),
        A::NothingToApprove => refused(
            "There is nothing to approve: the plan matches what was last pulled from Targetprocess."
                .to_owned(),
        ),
        A::NotAnApprover(who) => refused(format!("{who} is not an approver of this plan."))
            .hint("The approvers are listed under [approvals] in pi-planner.toml."),
        A::SelfApproval(who) => refused(format!(
            "{who} changed this plan and may not approve their own change."
        ))
        .hint("Ask another approver to sign off."),
        A::AlreadyApproved(who) => refused(format!("{who} already approved this change.")),
        A::SigningRequired | A::Sign(_) => refused(
            "This plan needs signed approvals and PI Planner could not sign with your key.".to_owned(),
        )
        .hint("Set up signing for git: gpg.format = ssh with user.signingkey, or an OpenPGP key in user.signingkey."),
        A::EmptyReason => UiError::new(ErrorCode::InvalidInput, "An override needs a reason."),
        A::Config(_) => UiError::new(
            ErrorCode::InvalidInput,
            "The approval settings in pi-planner.toml have a mistake.",
        )
        .hint("Fix [approvals] in pi-planner.toml, then try again."),
    }
}

fn template_error(e: &pi_engine::templates::TemplateError) -> UiError {
    use pi_engine::templates::TemplateError as T;
    match e {
        T::Unknown { kind, name, known } => UiError::new(
            ErrorCode::UnknownTemplate,
            format!("There is no {kind} template {name:?}."),
        )
        .hint(format!("Templates of this plan: {known}.")),
        T::Invalid(problems) => UiError::new(
            ErrorCode::TemplateInvalid,
            format!(
                "The template was not added: the plan would not pass validation ({}).",
                problems.join("; ")
            ),
        )
        .hint(
            "Fix the template under [templates] in pi-planner.toml, or the plan, then try again.",
        ),
        T::NoObjective(id) => UiError::new(
            ErrorCode::InvalidInput,
            format!("The plan has no objective {id}."),
        )
        .hint("Pick the objective again; it may have been removed."),
        T::BadSeed(_) => UiError::new(
            ErrorCode::InvalidInput,
            "PI Planner could not make an id for the new item.",
        )
        .hint("Try again."),
    }
}

fn git_error(e: &pi_git::GitError) -> UiError {
    use pi_git::GitError as G;
    match e {
        G::Locked { .. } => UiError::new(ErrorCode::Busy, "Another sync of this plan is running.")
            .hint("Wait until it finishes, then try again."),
        G::PushRejected { .. } => UiError::new(
            ErrorCode::RemoteRejected,
            "The shared remote did not accept the plan's history.",
        )
        .hint("Check the remote's address and your access in Settings."),
        _ => workspace_problem(),
    }
}

fn workspace_problem() -> UiError {
    UiError::new(
        ErrorCode::WorkspaceProblem,
        "PI Planner could not read or write the plan's history.",
    )
    .hint("Try again; your edits are kept in the plan.")
    .hint("If it keeps failing, pick the team again with \"Change team\" and open \"Details for support\" when you ask for help.")
}

/// A file operation on `what` (a name for the planner, e.g. the plan file name) failed.
pub fn file_error(what: &str, e: &std::io::Error) -> UiError {
    UiError::new(
        ErrorCode::FileAccess,
        format!("Could not access {what}: {}.", e.kind()),
    )
    .hint("Check that the plan's folder exists and that you may write to it, then try again.")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pi_targetprocess::TpError;

    use super::*;

    #[test]
    fn tp_errors_map_to_codes_without_request_details() {
        let auth = UiError::from(TpError::Auth {
            method: "GET".into(),
            path: "/api/v1/Teams?access_token=secret".into(),
            status: 401,
        });
        assert_eq!(auth.code, ErrorCode::Unauthorized);
        assert!(!auth.message.contains("secret") && !auth.message.contains("/api"));
        assert!(!auth.hints.is_empty());

        let limited = UiError::from(TpError::RateLimited {
            method: "GET".into(),
            path: "/x".into(),
            retry_after: Some(Duration::from_secs(7)),
        });
        assert_eq!(limited.code, ErrorCode::RateLimited);
        assert_eq!(limited.hints, vec!["Try again in 7 seconds.".to_owned()]);

        let down = UiError::from(TpError::Network {
            method: "GET".into(),
            path: "/x".into(),
            message: "connection refused".into(),
        });
        assert_eq!(down.code, ErrorCode::Unreachable);
    }

    fn waiting_status() -> pi_approvals::ApprovalStatus {
        let op = pi_model::changeset::Op::DeleteObjective {
            id: "tp:7".parse().expect("a valid id"),
            name: "Checkout".into(),
        };
        pi_approvals::ApprovalStatus {
            change: pi_approvals::ChangeSet {
                base: "abc".into(),
                ops: vec![op],
                hash: "sha256:00".into(),
            },
            required: 2,
            required_roles: vec!["business owner".into()],
            exempt: false,
            authors: vec!["ana@example.com".into()],
            approvals: Vec::new(),
            overrides: Vec::new(),
        }
    }

    #[test]
    fn a_push_waiting_for_approval_points_at_the_sign_off_panel() {
        use pi_approvals::ApprovalError as A;
        let e = UiError::from(pi_engine::EngineError::from(A::NotApproved(Box::new(
            waiting_status(),
        ))));
        assert_eq!(e.code, ErrorCode::NotApproved);
        insta::assert_snapshot!(e.message, @"Not pushed: 0 of 2 approvals; waiting for a business owner.");
        assert!(e.hints.iter().any(|h| h.contains("sign-off panel")));

        let own = UiError::from(pi_engine::EngineError::from(A::SelfApproval(
            "ana@example.com".into(),
        )));
        assert_eq!(own.code, ErrorCode::ApprovalRefused);
        let config = UiError::from(pi_engine::EngineError::from(A::Config(
            "token=secret".into(),
        )));
        assert!(!config.message.contains("secret"));
    }

    #[test]
    fn an_interrupted_push_names_the_next_step_and_no_folder_is_to_be_removed() {
        let e = UiError::from(pi_engine::EngineError::InterruptedPush { ops_left: 2 });
        assert_eq!(e.code, ErrorCode::InterruptedPush);
        insta::assert_snapshot!(e.message, @"A push was interrupted before Targetprocess confirmed 2 changes.");
        assert_eq!(e.hints[0], "Finish the interrupted push, then pull again.");
        let one = UiError::from(pi_engine::EngineError::InterruptedPush { ops_left: 1 });
        assert!(
            one.message.ends_with("confirmed 1 change."),
            "{}",
            one.message
        );

        let broken = UiError::from(pi_engine::EngineError::State {
            path: "/tmp/x/.git/pi/state.json".into(),
            message: "truncated".into(),
        });
        assert_eq!(broken.code, ErrorCode::WorkspaceProblem);
        let words = format!("{} {}", broken.message, broken.hints.join(" "));
        assert!(
            !words.contains("folder") && !words.contains("/tmp"),
            "{words}"
        );
    }

    #[test]
    fn serializes_with_snake_case_code() {
        let e = UiError::new(ErrorCode::NothingToUndo, "Nothing to undo.");
        insta::assert_snapshot!(
            serde_json::to_string(&e).expect("plain data serializes"),
            @r#"{"code":"nothing_to_undo","message":"Nothing to undo.","hints":[]}"#
        );
    }
}
