use std::path::Path;

use super::*;
use crate::dto::{LiveStateDto, PlanChangeDto, PlanView};
use crate::session_fixture::demo_with_plan;

/// Writes `text` as an editor that saves by rename does.
fn save_as_an_editor(plan_file: &str, text: &str) {
    let path = Path::new(plan_file);
    let swap = path.with_extension("md.swp");
    std::fs::write(&swap, text).expect("swap file written");
    std::fs::rename(&swap, path).expect("renamed over the plan");
}

fn renamed_first_objective(view: &PlanView, new_name: &str) -> String {
    let text = std::fs::read_to_string(&view.plan_file).expect("plan file");
    let old = &view.plan.objectives[0].name;
    assert!(
        text.contains(old.as_str()),
        "the file holds the objective's name"
    );
    text.replacen(old.as_str(), new_name, 1)
}

/// The working branch's last commit: its subject and the plan file in it.
fn working_tip(plan_file: &str) -> (String, String) {
    let ws = pi_engine::Workspace::open(Path::new(plan_file).parent().expect("folder"))
        .expect("workspace");
    let branch = ws.names.working();
    let head = ws.repo.commit_info(&branch).expect("tip");
    let text = ws
        .repo
        .read_file(&branch, &ws.plan_file())
        .expect("read")
        .expect("the plan is committed");
    (head.subject, String::from_utf8(text).expect("text"))
}

#[tokio::test]
async fn an_edit_made_in_another_editor_is_committed_as_a_save_and_shown() {
    let (f, view) = demo_with_plan().await;
    let text = renamed_first_objective(&view, "Renamed in another editor");
    let before = f.session.live_status().revision;
    save_as_an_editor(&view.plan_file, &text);

    assert!(f.session.plan_file_changed().await.expect("taken"));
    let (subject, committed) = working_tip(&view.plan_file);
    assert_eq!(subject, pi_engine::save::SAVE_SUBJECT);
    assert_eq!(
        committed, text,
        "the file as the editor saved it is committed"
    );
    let status = f.session.live_status();
    assert_eq!(status.revision, before + 1);
    assert_eq!(status.last_change, Some(PlanChangeDto::Outside));
    let shown = f.session.plan().await.expect("plan");
    assert_eq!(shown.plan.objectives[0].name, "Renamed in another editor");
    assert!(
        !shown.can_undo,
        "undo cannot drop the outside edit silently"
    );

    // Nothing new: not committed again.
    assert!(!f.session.plan_file_changed().await.expect("taken"));
    // The app's own save is its own commit, not a change made outside.
    let mut edited = shown.plan.clone();
    edited.objectives[0].effort = Some(13.0);
    f.session.save_plan(edited).await.expect("saved");
    assert!(!f.session.plan_file_changed().await.expect("taken"));
    assert_eq!(f.session.live_status().revision, before + 1);
}

#[tokio::test]
async fn a_plan_file_that_does_not_read_is_left_alone_until_it_does() {
    let (f, view) = demo_with_plan().await;
    let (_, before) = working_tip(&view.plan_file);
    save_as_an_editor(&view.plan_file, "<<<<<<< half a merge\n");
    assert!(!f.session.plan_file_changed().await.expect("taken"));
    assert_eq!(working_tip(&view.plan_file).1, before, "nothing committed");
    let text = before.replacen(&view.plan.objectives[0].name, "Fixed", 1);
    save_as_an_editor(&view.plan_file, &text);
    assert!(f.session.plan_file_changed().await.expect("taken"));
    assert_eq!(working_tip(&view.plan_file).1, text);
}

/// The requests a look sent, by path, from the demo's request log (which it then clears).
async fn requests(session: &Session) -> Vec<String> {
    let inner = session.inner.lock().await;
    let control = inner.demo.as_ref().expect("demo runs").control();
    let log = control.request_log();
    control.clear_request_log();
    log.into_iter()
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect()
}

#[tokio::test]
async fn a_look_asks_what_changed_and_pulls_only_when_targetprocess_did() {
    let (f, view) = demo_with_plan().await;
    assert_eq!(f.session.live_status().state, LiveStateDto::Live);
    assert_eq!(f.session.live_status().checked_at, None);
    // The first look of a watch reads the whole plan.
    f.session.live_look().await.expect("first look");
    requests(&f.session).await;

    let quiet = f.session.live_look().await.expect("look");
    assert!(quiet.pulled.is_none());
    assert_eq!(quiet.wait, Duration::from_secs(30), "the setting's poll");
    let sent = requests(&f.session).await;
    assert!(
        !sent.is_empty()
            && sent
                .iter()
                .all(|r| r.starts_with("GET ") && r.contains("ModifyDate")),
        "only the change query, one small request per resource kind: {sent:#?}"
    );
    assert!(sent.len() <= 3, "{sent:#?}");
    let status = f.session.live_status();
    assert_eq!(status.state, LiveStateDto::Live);
    assert!(status.checked_at.is_some());
    let revision = status.revision;

    // A teammate renames the objective in Targetprocess.
    let id: pi_model::EntityId = view.plan.objectives[0]
        .id
        .as_deref()
        .expect("id")
        .parse()
        .expect("valid");
    {
        let inner = f.session.inner.lock().await;
        let control = inner.demo.as_ref().expect("demo").control();
        control
            .update_entity(
                "TeamPIObjectives",
                id.tp().expect("from Targetprocess"),
                serde_json::json!({ "Name": "Renamed in Targetprocess" }),
            )
            .expect("updated");
    }
    // The simulator's change dates are to the second; a later second tells it apart.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let changed = f.session.live_look().await.expect("look");
    let pulled = changed.pulled.expect("Targetprocess changed: pulled");
    assert!(pulled.tp_changed);
    let sent = requests(&f.session).await;
    assert!(
        sent.iter().any(|r| !r.contains("ModifyDate")),
        "a pull reads the plan: {sent:#?}"
    );
    let status = f.session.live_status();
    assert_eq!(status.revision, revision + 1);
    assert_eq!(status.last_change, Some(PlanChangeDto::Pulled));
    let shown = f.session.plan().await.expect("plan");
    assert_eq!(shown.plan.objectives[0].name, "Renamed in Targetprocess");
}

#[tokio::test]
async fn a_failed_look_shows_offline_with_the_reason_and_the_next_good_one_live_again() {
    let (f, _view) = demo_with_plan().await;
    f.session.live_look().await.expect("first look");
    {
        let inner = f.session.inner.lock().await;
        let control = inner.demo.as_ref().expect("demo").control();
        control.set_faults(pi_sim::Faults {
            error_rate: 1.0,
            ..control.faults()
        });
    }
    let look = f.session.live_look().await;
    let status = f.session.live_status();
    assert_eq!(status.state, LiveStateDto::Offline, "{look:?}");
    assert!(status.reason.is_some_and(|r| !r.is_empty()));
    if let Ok(look) = look {
        assert!(look.wait > Duration::from_secs(30), "backs off");
    }
    {
        let inner = f.session.inner.lock().await;
        let control = inner.demo.as_ref().expect("demo").control();
        control.set_faults(pi_sim::Faults::default());
    }
    f.session.live_look().await.expect("look");
    assert_eq!(f.session.live_status().state, LiveStateDto::Live);
}

/// The plan folder's metrics as the dashboard reads them.
fn metrics_of(view: &PlanView) -> pi_metrics::Stats {
    let dir = Path::new(&view.plan_file).parent().expect("in a folder");
    let store = pi_metrics::Store::open(&dir.join(".git/pi-planner").join(pi_metrics::FILE_NAME))
        .expect("opens");
    store
        .stats(&pi_metrics::Filter {
            art: None,
            since: None,
            now: Utc::now() + chrono::Duration::minutes(1),
        })
        .expect("stats")
}

#[tokio::test]
async fn each_look_is_recorded_as_an_app_cycle_and_failed_looks_raise_the_failure_streak_alert() {
    let (f, view) = demo_with_plan().await;
    f.session.live_look().await.expect("first look");
    // A teammate's change in Targetprocess: the next look pulls it.
    let id: pi_model::EntityId = view.plan.objectives[0]
        .id
        .as_deref()
        .expect("id")
        .parse()
        .expect("valid");
    let set_faults = |faults: pi_sim::Faults| {
        let session = &f.session;
        async move {
            let inner = session.inner.lock().await;
            inner
                .demo
                .as_ref()
                .expect("demo")
                .control()
                .set_faults(faults);
        }
    };
    {
        let inner = f.session.inner.lock().await;
        let control = inner.demo.as_ref().expect("demo").control();
        control
            .update_entity(
                "TeamPIObjectives",
                id.tp().expect("from Targetprocess"),
                serde_json::json!({ "Name": "Renamed by a teammate" }),
            )
            .expect("updated");
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(f.session.live_look().await.expect("look").pulled.is_some());
    assert!(f.session.take_alerts().await.is_empty());

    // Targetprocess fails every request: the third failed look in a row alerts, once.
    set_faults(pi_sim::Faults {
        error_rate: 1.0,
        ..pi_sim::Faults::default()
    })
    .await;
    let mut alerts = Vec::new();
    for _ in 0..4 {
        let _ = f.session.live_look().await;
        alerts.extend(f.session.take_alerts().await);
    }
    set_faults(pi_sim::Faults::default()).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].view, "health");
    assert!(
        alerts[0].body.contains("the last 3 sync operations failed"),
        "{alerts:?}"
    );

    let stats = metrics_of(&view);
    let app = &stats.watch.plans[0];
    assert_eq!(app.watch, pi_metrics::WatchKind::App, "{app:?}");
    assert_eq!((app.cycles, app.failed), (6, 4), "{app:?}");
    assert!(app.changes_pulled >= 1 && app.pulls == 1, "{app:?}");
    assert!(app.last_error.is_some(), "{app:?}");
}
