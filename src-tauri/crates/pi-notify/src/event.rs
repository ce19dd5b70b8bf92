//! The events a sync tells the team about, in plain values the channels render.

use pi_model::NotifyEvent;

use crate::digest::Digest;

/// Which plan an event is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRef {
    pub art: String,
    pub release: String,
    pub team: String,
    /// The plan's slug (`<release>/<team>`), as the app opens it.
    pub plan: String,
}

impl PlanRef {
    /// `Team (Release)`.
    pub fn title(&self) -> String {
        format!("{} ({})", self.team, self.release)
    }
}

/// One conflict, as the alert shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictLine {
    /// The conflicting entity's id (what `pi-planner://open?conflict=` names).
    pub id: String,
    /// In words: `objective "Checkout" effort: yours 5, Targetprocess 8`.
    pub what: String,
}

/// How a push ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushResult {
    /// Every operation was applied.
    Pushed,
    /// Some operations were refused by Targetprocess.
    PartlyRefused,
    /// Nothing was sent (nothing to push, blocked, awaiting approval, ...).
    NotSent,
}

/// Something that happened to a plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Pull {
        plan: PlanRef,
        /// Changes from Targetprocess, in words.
        from_tp: Vec<String>,
        kept_local: usize,
        conflicts: usize,
    },
    Push {
        plan: PlanRef,
        result: PushResult,
        /// The operations sent (or why nothing was), in words.
        lines: Vec<String>,
    },
    Conflict {
        plan: PlanRef,
        conflicts: Vec<ConflictLine>,
    },
    Failure {
        plan: PlanRef,
        /// `pull`, `push`, `resolve`.
        operation: String,
        message: String,
    },
    Approval {
        plan: PlanRef,
        /// Given (true) or gone stale (false).
        given: bool,
        detail: String,
    },
    Digest(Box<Digest>),
    /// A failure streak or a conflict spike reached its `[alerts]` threshold.
    Alert {
        plan: PlanRef,
        /// `failure streak`, `conflict spike`.
        what: String,
        /// In plain words, with what to do.
        message: String,
    },
}

impl Event {
    /// The event's key in `[notify.events]`.
    pub fn kind(&self) -> NotifyEvent {
        match self {
            Self::Pull { .. } => NotifyEvent::Pull,
            Self::Push { .. } => NotifyEvent::Push,
            Self::Conflict { .. } => NotifyEvent::Conflict,
            Self::Failure { .. } => NotifyEvent::Failure,
            Self::Approval { given: true, .. } => NotifyEvent::ApprovalGiven,
            Self::Approval { given: false, .. } => NotifyEvent::ApprovalStale,
            Self::Digest(_) => NotifyEvent::Digest,
            Self::Alert { .. } => NotifyEvent::Alert,
        }
    }

    pub fn plan(&self) -> &PlanRef {
        match self {
            Self::Pull { plan, .. }
            | Self::Push { plan, .. }
            | Self::Conflict { plan, .. }
            | Self::Failure { plan, .. }
            | Self::Approval { plan, .. }
            | Self::Alert { plan, .. } => plan,
            Self::Digest(d) => &d.plan,
        }
    }

    /// The outcome's emoji (Slack short code) and one-line title.
    pub fn headline(&self) -> (&'static str, String) {
        let title = self.plan().title();
        match self {
            Self::Pull {
                conflicts: 0,
                from_tp,
                ..
            } => (
                ":white_check_mark:",
                format!(
                    "Pulled {title}: {} from Targetprocess",
                    count(from_tp.len(), "change")
                ),
            ),
            Self::Pull { conflicts, .. } => (
                ":warning:",
                format!("Pulled {title} with {}", count(*conflicts, "conflict")),
            ),
            Self::Push {
                result: PushResult::Pushed,
                lines,
                ..
            } => (
                ":rocket:",
                format!(
                    "Pushed {title}: {} sent to Targetprocess",
                    count(lines.len(), "change")
                ),
            ),
            Self::Push {
                result: PushResult::PartlyRefused,
                ..
            } => (
                ":warning:",
                format!("Pushed {title}, some changes refused by Targetprocess"),
            ),
            Self::Push {
                result: PushResult::NotSent,
                ..
            } => (":pause_button:", format!("Push of {title}: nothing sent")),
            Self::Conflict { conflicts, .. } => (
                ":large_orange_diamond:",
                format!(
                    "{} to resolve in {title}",
                    count(conflicts.len(), "conflict")
                ),
            ),
            Self::Failure { operation, .. } => (":x:", format!("{operation} of {title} failed")),
            Self::Approval { given: true, .. } => (
                ":ballot_box_with_check:",
                format!("Approval given for {title}"),
            ),
            Self::Approval { given: false, .. } => {
                (":hourglass:", format!("Approvals of {title} are stale"))
            }
            Self::Alert { what, .. } => (":rotating_light:", format!("Alert for {title}: {what}")),
            Self::Digest(d) => (
                ":newspaper:",
                format!("Plan changes of {title} since {}", d.since),
            ),
        }
    }
}

/// `1 change`, `3 changes`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The link that opens the app on a conflict.
pub fn conflict_link(plan: &str, conflict: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("plan", plan)
        .append_pair("conflict", conflict)
        .finish();
    format!("pi-planner://open?{query}")
}
