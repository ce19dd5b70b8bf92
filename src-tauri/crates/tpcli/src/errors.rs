//! What an error means for the person at the terminal: the exit code and a one-line hint naming
//! the next step, decided from the engine's error variants (never from message text).

use pi_engine::EngineError;
use pi_targetprocess::TpError;

use crate::exit;

/// The exit code and the hint for an error that ended a command.
pub fn triage(err: &anyhow::Error) -> (u8, Option<String>) {
    let engine = err.chain().find_map(|e| e.downcast_ref::<EngineError>());
    let tp = err.chain().find_map(|e| e.downcast_ref::<TpError>());
    match (engine, tp) {
        (Some(e), _) => engine_triage(e),
        (None, Some(e)) => (exit::USAGE, tp_hint(e)),
        (None, None) => (exit::USAGE, None),
    }
}

fn engine_triage(e: &EngineError) -> (u8, Option<String>) {
    let hint = |h: &str| Some(h.to_owned());
    match e {
        // Something to act on, not a failure of the command.
        EngineError::InterruptedPush { .. } => (exit::FINDINGS, hint("run `tpcli plan resume`")),
        EngineError::PlanBusy { .. } => (
            exit::FINDINGS,
            hint("run the same command again in a moment"),
        ),
        EngineError::NotShared { .. } => (
            exit::FINDINGS,
            hint("nothing to do now: your next pull or push shares it"),
        ),
        EngineError::Approval(_) => (exit::FINDINGS, hint("see `tpcli plan approvals`")),
        EngineError::Tp(e) => (exit::USAGE, tp_hint(e)),
        EngineError::Parse { .. } => (
            exit::USAGE,
            hint("`tpcli plan validate` shows every problem with its line"),
        ),
        EngineError::UnreadableSnapshot { .. }
        | EngineError::History { .. }
        | EngineError::UnreadableEdits { .. } => (
            exit::USAGE,
            hint(
                "`tpcli plan verify` says what is wrong; `tpcli plan verify --repair` rebuilds what it can without losing an edit",
            ),
        ),
        EngineError::NoTargetprocessIds => (
            exit::USAGE,
            hint("`tpcli plan verify --repair` refreshes the tracking branch from Targetprocess"),
        ),
        EngineError::NoMatchingConflict => (
            exit::USAGE,
            hint("`tpcli plan status` lists the open conflicts"),
        ),
        EngineError::UnknownItem(_) => (
            exit::USAGE,
            hint("`tpcli plan show --json` lists the plan's items with their ids"),
        ),
        _ => (exit::USAGE, None),
    }
}

fn tp_hint(e: &TpError) -> Option<String> {
    Some(match e {
        TpError::Auth { .. } => "check the access token: `tpcli auth login --tp-url URL`, or TP_TOKEN".to_owned(),
        TpError::RateLimited { .. } => "Targetprocess is throttling: run the command again in a minute".to_owned(),
        TpError::Network { .. } | TpError::Server { .. } => {
            "nothing is lost: run the same command again (an interrupted push is completed by `tpcli plan resume`)".to_owned()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_error_gets_its_exit_code_and_next_step() {
        let interrupted = anyhow::Error::from(EngineError::InterruptedPush { ops_left: 2 });
        let (code, hint) = triage(&interrupted);
        assert_eq!(code, exit::FINDINGS);
        assert!(hint.unwrap().contains("tpcli plan resume"));
        let unreadable = anyhow::Error::from(EngineError::NoTargetprocessIds);
        let (code, hint) = triage(&unreadable);
        assert_eq!(code, exit::USAGE);
        assert!(hint.unwrap().contains("verify --repair"));
        let auth = anyhow::Error::from(EngineError::Tp(TpError::Auth {
            method: "GET".into(),
            path: "/api/v1/Teams".into(),
            status: 401,
        }));
        assert!(triage(&auth).1.unwrap().contains("tpcli auth login"));
        let other = anyhow::anyhow!("no Targetprocess URL");
        assert_eq!(triage(&other), (exit::USAGE, None));
    }
}
