//! OS notifications of sync outcomes (a pull that found conflicts or Targetprocess changes, a
//! failed push), and the matching event that tells the window which view to show when the
//! planner comes back to it.
//!
//! It deliberately decides only what to say: the outcomes come from the session, delivery is
//! tauri-plugin-notification (the desktop's notification service).

use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;

use crate::dto::{PullResultDto, PushOutcomeDto, SyncEventDto, TeamSyncDto, TrainSyncDto};
use crate::error::UiError;

/// Event name of [`SyncEventDto`] for the window.
pub const SYNC_EVENT: &str = "sync-event";

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
        return Some(SyncEventDto {
            view: "conflicts".to_owned(),
            title: format!(
                "{} in your plan",
                crate::words::count(r.conflicts.len(), "conflict", "conflicts")
            ),
            body: format!(
                "Targetprocess and you changed the same thing: {}. Open PI Planner to choose.",
                names.join(", ")
            ),
        });
    }
    (background && r.tp_changed && !r.from_tp.is_empty()).then(|| SyncEventDto {
        view: "plan".to_owned(),
        title: "Targetprocess changed your team's plan".to_owned(),
        body: r
            .from_tp
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// What to tell the planner about a push that failed, if it did.
pub fn push_message(outcome: &Result<PushOutcomeDto, UiError>) -> Option<SyncEventDto> {
    let failed = |body: String| SyncEventDto {
        view: "plan".to_owned(),
        title: "Push to Targetprocess failed".to_owned(),
        body,
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
        Err(e) => Some(SyncEventDto {
            view: "train".to_owned(),
            title: "Sync all failed".to_owned(),
            body: e.message.clone(),
        }),
        Ok(t) => {
            let waiting: Vec<&TeamSyncDto> = t.teams.iter().filter(|team| !team.ok).collect();
            (!waiting.is_empty()).then(|| SyncEventDto {
                view: "train".to_owned(),
                title: format!(
                    "Sync all: {} to look at",
                    crate::words::count(waiting.len(), "team", "teams")
                ),
                body: waiting
                    .iter()
                    .take(3)
                    .map(|team| format!("{}: {}", team.team, team.message))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
        }
    }
}

pub fn trained(app: &AppHandle, r: &Result<TrainSyncDto, UiError>) {
    if let Some(m) = train_message(r) {
        announce(app, &m);
    }
}

pub fn pulled(app: &AppHandle, r: &PullResultDto, background: bool) {
    if let Some(m) = pull_message(r, background) {
        announce(app, &m);
    }
}

pub fn pushed(app: &AppHandle, outcome: &Result<PushOutcomeDto, UiError>) {
    if let Some(m) = push_message(outcome) {
        announce(app, &m);
    }
}

pub fn announce(app: &AppHandle, m: &SyncEventDto) {
    if let Err(e) = app
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
