//! Events and configurations the tests share.

use pi_model::{NotifyConfig, RepoConfig};
use pi_notify::{ConflictLine, Event, PlanRef, PushResult};

pub fn plan() -> PlanRef {
    PlanRef {
        art: "Payments ART".into(),
        release: "PI 26.1".into(),
        team: "Falcons".into(),
        plan: "pi-26-1/falcons".into(),
    }
}

pub fn config(toml: &str) -> NotifyConfig {
    RepoConfig::from_toml_str(toml)
        .expect("test config parses")
        .notify
}

pub fn pull() -> Event {
    Event::Pull {
        plan: plan(),
        from_tp: vec!["objective \"Checkout\" effort 5 → 8".into()],
        kept_local: 1,
        conflicts: 0,
    }
}

pub fn push() -> Event {
    Event::Push {
        plan: plan(),
        result: PushResult::Pushed,
        lines: vec!["update feature \"Card vault\": status".into()],
    }
}

pub fn conflict() -> Event {
    Event::Conflict {
        plan: plan(),
        conflicts: vec![ConflictLine {
            id: "TP-42".into(),
            what: "objective \"Checkout <fast>\" effort: yours 5, Targetprocess 8".into(),
        }],
    }
}

pub fn failure() -> Event {
    Event::Failure {
        plan: plan(),
        operation: "push".into(),
        message: "Targetprocess answered 503".into(),
    }
}
