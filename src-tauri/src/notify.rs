//! OS notifications of sync outcomes (a pull that found conflicts or Targetprocess changes, a
//! failed push), and the matching event that tells the window which view to show when the
//! planner comes back to it.
//!
//! Which of them raise an OS notification is the open plan's `[notify.events]`: once it routes
//! any event, only the events routed to `desktop` do (`desktop_routed`); a plan without
//! routes notifies of all of them. The window's event is sent either way.
//!
//! It deliberately decides only what to say: the outcomes come from the session, delivery is
//! tauri-plugin-notification (the desktop's notification service).

use pi_model::{NotifyChannel, NotifyConfig, NotifyEvent};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::dto::{PullResultDto, PushOutcomeDto, SyncEventDto, TeamSyncDto, TrainSyncDto};
use crate::error::UiError;
use crate::session::Session;

/// Event name of [`SyncEventDto`] for the window.
pub const SYNC_EVENT: &str = "sync-event";

/// Whether the event named `event` (a `[notify.events]` word) raises an OS notification under
/// `config`: with no event routed anywhere, every one does (the app's own notifications need no
/// setting); once `[notify.events]` routes any, only those listing `desktop`.
pub fn desktop_routed(config: &NotifyConfig, event: &str) -> bool {
    if config.events.is_empty() {
        return true;
    }
    NotifyEvent::ALL
        .into_iter()
        .find(|e| e.as_str() == event)
        .and_then(|e| config.events.get(&e))
        .is_some_and(|channels| channels.contains(&NotifyChannel::Desktop))
}

fn event(e: NotifyEvent, view: &str, title: String, body: String) -> SyncEventDto {
    SyncEventDto {
        event: e.as_str().to_owned(),
        view: view.to_owned(),
        title,
        body,
    }
}

/// What to tell the planner about a pull, if anything. A manual pull shows its result in the
/// window, so only conflicts are announced; a background pull also announces Targetprocess
/// changes.
pub fn pull_message(r: &PullResultDto, background: bool) -> Option<SyncEventDto> {
    if !r.conflicts.is_empty() {
        let names: Vec<String> = r
            .conflicts
            .iter()
            .take(3)
            .map(|c| format!("{} of \"{}\"", c.label, c.name))
            .collect();
        return Some(event(
            NotifyEvent::Conflict,
            "conflicts",
            format!(
                "{} in your plan",
                crate::words::count(r.conflicts.len(), "conflict", "conflicts")
            ),
            format!(
                "Targetprocess and you changed the same thing: {}. Open PI Planner to choose.",
                names.join(", ")
            ),
        ));
    }
    (background && r.tp_changed && !r.from_tp.is_empty()).then(|| {
        event(
            NotifyEvent::Pull,
            "plan",
            "Targetprocess changed your team's plan".to_owned(),
            r.from_tp
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// What to tell the planner about a push that failed, if it did.
pub fn push_message(outcome: &Result<PushOutcomeDto, UiError>) -> Option<SyncEventDto> {
    let failed = |body: String| {
        event(
            NotifyEvent::Failure,
            "plan",
            "Push to Targetprocess failed".to_owned(),
            body,
        )
    };
    match outcome {
        Err(e) => Some(failed(e.message.clone())),
        Ok(PushOutcomeDto::Pushed { summary }) if !summary.refused.is_empty() => {
            let what: Vec<String> = summary
                .refused
                .iter()
                .map(|r| format!("\"{}\": {}", r.name, r.reason))
                .collect();
            Some(failed(format!(
                "Targetprocess refused {}. {}",
                crate::words::changes(summary.refused.len()),
                what.join("; ")
            )))
        }
        Ok(_) => None,
    }
}

/// What to tell the planner about "Sync all", if anything: teams left with something to act
/// on (conflicts, approvals, errors), or the sync failing as a whole. A clean sync says nothing.
pub fn train_message(r: &Result<TrainSyncDto, UiError>) -> Option<SyncEventDto> {
    match r {
        Err(e) => Some(event(
            NotifyEvent::Failure,
            "train",
            "Sync all failed".to_owned(),
            e.message.clone(),
        )),
        Ok(t) => {
            let waiting: Vec<&TeamSyncDto> = t.teams.iter().filter(|team| !team.ok).collect();
            (!waiting.is_empty()).then(|| {
                event(
                    NotifyEvent::Pull,
                    "train",
                    format!(
                        "Sync all: {} to look at",
                        crate::words::count(waiting.len(), "team", "teams")
                    ),
                    waiting
                        .iter()
                        .take(3)
                        .map(|team| format!("{}: {}", team.team, team.message))
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            })
        }
    }
}

pub async fn trained(app: &AppHandle, r: &Result<TrainSyncDto, UiError>) {
    if let Some(m) = train_message(r) {
        announce(app, &m).await;
    }
}

pub async fn pulled(app: &AppHandle, r: &PullResultDto, background: bool) {
    if let Some(m) = pull_message(r, background) {
        announce(app, &m).await;
    }
}

pub async fn pushed(app: &AppHandle, outcome: &Result<PushOutcomeDto, UiError>) {
    if let Some(m) = push_message(outcome) {
        announce(app, &m).await;
    }
}

/// Raises the OS notification of `m` when the open plan routes its event to the desktop, and
/// tells the window either way.
pub async fn announce(app: &AppHandle, m: &SyncEventDto) {
    let shown = match app.try_state::<Session>() {
        Some(session) => session.desktop_notifies(m).await,
        None => true,
    };
    if shown
        && let Err(e) = app
            .notification()
            .builder()
            .title(&m.title)
            .body(&m.body)
            .show()
    {
        tracing::warn!("notification not shown: {e}");
    }
    let _ = app.emit(SYNC_EVENT, m.clone());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{ConflictDto, PushSummaryDto, SideDto};
    use crate::error::ErrorCode;

    fn side(text: &str) -> SideDto {
        SideDto {
            text: text.into(),
            missing: false,
        }
    }

    fn pulled(conflicts: usize, from_tp: &[&str]) -> PullResultDto {
        let c = ConflictDto {
            kind: "objective".into(),
            entity: "tp:7".into(),
            name: "Platform governance".into(),
            field: Some("effort".into()),
            label: "Effort".into(),
            base: side("13 points"),
            mine: side("21 points"),
            theirs: side("8 points"),
            can_keep_both: false,
            can_edit: true,
        };
        PullResultDto {
            from_tp: from_tp.iter().map(|s| (*s).to_owned()).collect(),
            local: 0,
            conflicts: vec![c; conflicts],
            tp_changed: true,
            notices: vec![],
        }
    }

    #[test]
    fn conflicts_are_announced_and_lead_to_the_conflicts_view() {
        let m = pull_message(&pulled(1, &[]), false).expect("announced");
        assert_eq!(m.view, "conflicts");
        assert_eq!(m.title, "1 conflict in your plan");
        assert!(
            m.body.contains("Effort of \"Platform governance\""),
            "{}",
            m.body
        );
    }

    #[test]
    fn tp_changes_are_announced_for_background_pulls_only() {
        let r = pulled(0, &["Status Draft → Accepted on \"SSO\""]);
        assert_eq!(pull_message(&r, false), None);
        let m = pull_message(&r, true).expect("announced");
        assert_eq!(
            (m.view.as_str(), m.title.as_str(), m.body.as_str()),
            (
                "plan",
                "Targetprocess changed your team's plan",
                "Status Draft → Accepted on \"SSO\""
            )
        );
        assert_eq!(pull_message(&pulled(0, &[]), true), None);
    }

    #[test]
    fn a_sync_all_with_teams_to_look_at_is_announced_and_leads_to_the_train() {
        let team = |name: &str, ok: bool, message: &str| TeamSyncDto {
            team: name.into(),
            ok,
            message: message.into(),
            blocker: None,
        };
        let clean = Ok(TrainSyncDto {
            teams: vec![team("Apollo", true, "Synced.")],
            summary: "1 team synced.".into(),
        });
        assert_eq!(train_message(&clean), None);
        let waiting = Ok(TrainSyncDto {
            teams: vec![
                team("Apollo", true, "Synced."),
                team("Gemini", false, "2 conflicts to settle."),
            ],
            summary: "2 teams synced; 1 has conflicts to settle.".into(),
        });
        let m = train_message(&waiting).expect("announced");
        assert_eq!(
            (m.view.as_str(), m.title.as_str(), m.body.as_str()),
            (
                "train",
                "Sync all: 1 team to look at",
                "Gemini: 2 conflicts to settle."
            )
        );
        let failed = Err(UiError::new(
            ErrorCode::Unreachable,
            "Targetprocess could not be reached.",
        ));
        let m = train_message(&failed).expect("announced");
        assert_eq!(
            (m.view.as_str(), m.title.as_str()),
            ("train", "Sync all failed")
        );
    }

    fn routes(toml: &str) -> NotifyConfig {
        pi_model::RepoConfig::from_toml_str(toml)
            .expect("a valid pi-planner.toml")
            .notify
    }

    #[test]
    fn desktop_routes_decide_which_events_raise_an_os_notification() {
        let conflicts = pull_message(&pulled(1, &[]), false).expect("announced");
        let tp_changed = pull_message(&pulled(0, &["Status"]), true).expect("announced");
        let failed =
            push_message(&Err(UiError::new(ErrorCode::Unreachable, "down"))).expect("announced");
        assert_eq!(
            [&conflicts, &tp_changed, &failed].map(|m| m.event.as_str()),
            ["conflict", "pull", "failure"]
        );
        // No routes at all: the app notifies of everything, as it always did.
        let none = routes("");
        assert!(desktop_routed(&none, &conflicts.event));
        assert!(desktop_routed(&none, &tp_changed.event));
        // Routes: only the events listing `desktop`; events not listed raise none.
        let some = routes(
            "[notify.events]\nconflict = [\"slack\", \"desktop\"]\npull = [\"slack\"]\n[notify.slack]\n",
        );
        assert!(desktop_routed(&some, &conflicts.event));
        assert!(
            !desktop_routed(&some, &tp_changed.event),
            "pull goes to Slack only"
        );
        assert!(
            !desktop_routed(&some, &failed.event),
            "failure is not listed"
        );
        assert!(!desktop_routed(&some, "alert"));
        assert!(!desktop_routed(&some, "no-such-event"));
        let alerts = routes("[notify.events]\nalert = [\"desktop\"]\n");
        assert!(desktop_routed(&alerts, "alert"));
        assert!(!desktop_routed(&alerts, "conflict"));
    }

    #[test]
    fn failed_pushes_are_announced() {
        let err = Err(UiError::new(
            ErrorCode::Unreachable,
            "Targetprocess could not be reached.",
        ));
        let m = push_message(&err).expect("announced");
        assert_eq!(m.title, "Push to Targetprocess failed");
        assert_eq!(m.body, "Targetprocess could not be reached.");
        let refused = Ok(PushOutcomeDto::Pushed {
            summary: PushSummaryDto {
                sent: vec![],
                refused: vec![crate::dto::RefusedDto {
                    entity: "new:x1".into(),
                    fields: Vec::new(),
                    kind: "objective".into(),
                    name: "X".into(),
                    change: vec!["Create objective \"X\"".into()],
                    reason: "Owner of \"X\": no Targetprocess user is called \"Mara Lind\"".into(),
                }],
                created: 0,
                mismatches: vec![],
                resumed: 0,
            },
        });
        let m = push_message(&refused).expect("announced");
        assert_eq!(
            m.body,
            "Targetprocess refused 1 change. \"X\": Owner of \"X\": no Targetprocess user is called \"Mara Lind\""
        );
        assert_eq!(
            push_message(&Ok(PushOutcomeDto::NothingToPush { resumed: 0 })),
            None
        );
    }
}
