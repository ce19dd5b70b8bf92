use std::sync::{Arc, Mutex};

use super::*;
use crate::credentials::MemoryStore;
use crate::dto::{IdentityDto, ReportFormatDto};
use crate::session::Dirs;

/// The demo started, Ann Planner identified; the Orbit Train and its first PI.
async fn demo_train() -> (tempfile::TempDir, Session, TrainRequest) {
    let dir = tempfile::tempdir().expect("temp dir");
    let dirs = Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let session = Session::new(dirs, Arc::new(MemoryStore::default()));
    session.start_demo().await.expect("demo starts");
    session
        .save_identity(IdentityDto {
            name: "Ann Planner".into(),
            email: "ann@example.com".into(),
        })
        .await
        .expect("identity");
    let art = session
        .arts()
        .await
        .expect("arts")
        .into_iter()
        .find(|a| a.name == "Orbit Train")
        .expect("the demo has the Orbit Train");
    let release = session.releases(art.id).await.expect("releases").remove(0);
    (dir, session, TrainRequest { art, release })
}

async fn sync_all(session: &Session, req: &TrainRequest) -> (TrainSyncDto, Vec<TrainProgressDto>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let result = session
        .train_sync(req.clone(), &move |p| {
            sink.lock().expect("not poisoned").push(p);
        })
        .await
        .expect("synced");
    let steps = seen.lock().expect("not poisoned").clone();
    (result, steps)
}

#[tokio::test]
async fn status_lists_every_team_of_the_art_not_started_before_a_sync() {
    let (_dir, session, req) = demo_train().await;
    let teams = session.teams(req.art.id).await.expect("teams");
    assert!(teams.len() >= 3, "the Orbit Train has several teams");
    let status = session.train_status(req.clone()).await.expect("status");
    let shown: Vec<&PickItem> = status.teams.iter().map(|t| &t.team).collect();
    assert_eq!(shown, teams.iter().collect::<Vec<_>>());
    assert!(
        status
            .teams
            .iter()
            .all(|t| !t.started && t.last_pull.is_none())
    );
    assert_eq!(
        (status.art.as_str(), status.release),
        ("Orbit Train", req.release.name)
    );
}

#[tokio::test]
async fn sync_all_brings_every_team_from_nothing_with_progress_per_team() {
    let (_dir, session, req) = demo_train().await;
    let teams = session.teams(req.art.id).await.expect("teams");
    let (result, steps) = sync_all(&session, &req).await;
    assert_eq!(result.teams.len(), teams.len());
    assert!(result.teams.iter().all(|t| t.ok), "{result:?}");
    assert!(
        result.teams[0]
            .message
            .starts_with("Plan started from Targetprocess."),
        "{result:?}"
    );
    assert_eq!(result.summary, format!("{} teams synced.", teams.len()));
    assert_eq!(steps.first(), Some(&TrainProgressDto::LookingUp));
    for team in &teams {
        let done = |p: &TrainProgressDto| matches!(p, TrainProgressDto::Done { team: t, ok: true, .. } if t == &team.name);
        let set_up = |p: &TrainProgressDto| matches!(p, TrainProgressDto::SettingUp { team: t } if t == &team.name);
        assert!(steps.iter().any(set_up), "{} set up: {steps:?}", team.name);
        assert!(steps.iter().any(done), "{} done: {steps:?}", team.name);
    }

    let status = session.train_status(req.clone()).await.expect("status");
    for row in &status.teams {
        assert!(row.started, "{row:?}");
        assert_eq!((row.pending_changes, row.conflicts), (0, 0), "{row:?}");
        assert!(row.last_pull.is_some(), "{row:?}");
        assert_eq!(row.approvals, "Not required");
    }

    let again = sync_all(&session, &req).await.0;
    assert!(
        again.teams.iter().all(|t| t.message == "Up to date."),
        "{again:?}"
    );
}

/// Opens `team`'s plan of the train, raises its first objective's effort, and has another
/// planner set it in Targetprocess meanwhile.
async fn conflict_in(session: &Session, req: &TrainRequest, team: PickItem) -> bool {
    let open = OpenRequest {
        art: req.art.clone(),
        release: req.release.clone(),
        team,
    };
    let view = session.train_team_open(open).await.expect("opened");
    let Some(first) = view.plan.objectives.first() else {
        return false;
    };
    let id: pi_model::EntityId = first.id.as_deref().expect("id").parse().expect("valid");
    let id = id.tp().expect("from Targetprocess");
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(first.effort.unwrap_or(0.0) + 0.5);
    session.save_plan(edited).await.expect("saved");
    let inner = session.inner.lock().await;
    let sim = inner.demo.as_ref().expect("demo runs");
    sim.control()
        .update_entity("TeamPIObjectives", id, serde_json::json!({"Effort": 99}))
        .expect("edited as another planner");
    true
}

#[tokio::test]
async fn one_batch_resolution_settles_conflicts_in_several_teams() {
    let (_dir, session, req) = demo_train().await;
    sync_all(&session, &req).await;
    let mut in_conflict = Vec::new();
    for team in session.teams(req.art.id).await.expect("teams") {
        if in_conflict.len() < 3 && conflict_in(&session, &req, team.clone()).await {
            in_conflict.push(team.name);
        }
    }
    assert!(
        in_conflict.len() >= 2,
        "teams with objectives: {in_conflict:?}"
    );
    let (synced, _) = sync_all(&session, &req).await;
    let waiting: Vec<&str> = synced
        .teams
        .iter()
        .filter(|t| !t.ok)
        .map(|t| t.team.as_str())
        .collect();
    assert_eq!(waiting, in_conflict);
    assert!(synced.summary.ends_with("need attention."), "{synced:?}");
    for t in synced.teams.iter().filter(|t| !t.ok) {
        assert_eq!(
            t.blocker,
            Some(PushBlockerDto::Conflicts { count: 1 }),
            "{t:?}"
        );
    }
    assert!(
        synced
            .teams
            .iter()
            .filter(|t| t.ok)
            .all(|t| t.blocker.is_none())
    );

    let ask = TrainResolveRequest {
        art: req.art.clone(),
        release: req.release.clone(),
        keep: KeepDto::Remote,
        field: Some("effort".into()),
        kind: Some("objective".into()),
        team: None,
    };
    let preview = session
        .train_resolve(ask.clone(), false)
        .await
        .expect("preview");
    assert!(!preview.applied);
    assert_eq!(preview.conflicts.len(), in_conflict.len());
    assert!(preview.conflicts.iter().all(|c| !c.resolved));
    assert!(
        preview.conflicts[0].what.starts_with("Effort of objective"),
        "{preview:?}"
    );
    let n = in_conflict.len();
    assert_eq!(
        preview.summary,
        format!("Would settle {n} conflicts in {n} teams.")
    );
    let status = session.train_status(req.clone()).await.expect("status");
    assert_eq!(
        status.teams.iter().map(|t| t.conflicts).sum::<u32>(),
        n as u32
    );

    let none = TrainResolveRequest {
        field: Some("status".into()),
        ..ask.clone()
    };
    let nothing = session.train_resolve(none, true).await.expect("nothing");
    assert_eq!(nothing.summary, "No conflict matches: nothing to settle.");

    let done = session.train_resolve(ask, true).await.expect("applied");
    assert!(
        done.conflicts
            .iter()
            .all(|c| c.resolved && c.error.is_none()),
        "{done:?}"
    );
    assert_eq!(
        done.summary,
        format!("Settled {n} of {n} conflicts in {n} teams.")
    );
    let status = session.train_status(req.clone()).await.expect("status");
    assert!(status.teams.iter().all(|t| t.conflicts == 0), "{status:?}");
    let (after, _) = sync_all(&session, &req).await;
    assert!(after.teams.iter().all(|t| t.ok), "{after:?}");
}

#[tokio::test]
async fn a_team_not_started_cannot_be_opened_and_a_bad_field_is_named() {
    let (_dir, session, req) = demo_train().await;
    let team = session.teams(req.art.id).await.expect("teams").remove(0);
    let open = OpenRequest {
        art: req.art.clone(),
        release: req.release.clone(),
        team,
    };
    let e = session
        .train_team_open(open)
        .await
        .expect_err("not started");
    assert!(e.message.contains("not in the train's folder yet"), "{e:?}");
    let ask = TrainResolveRequest {
        art: req.art.clone(),
        release: req.release.clone(),
        keep: KeepDto::Local,
        field: Some("colour".into()),
        kind: None,
        team: None,
    };
    let e = session
        .train_resolve(ask, false)
        .await
        .expect_err("no such field");
    assert_eq!(e.message, "\"colour\" is not a field of a plan.");
}

/// Opens `team`'s plan of the train, adds `rule` to its `pi-planner.toml` and sets its first
/// objective's effort to `effort`; the objective's id, or `None` when the plan has none.
async fn edited_under(
    session: &Session,
    req: &TrainRequest,
    team: PickItem,
    rule: &str,
    effort: f64,
) -> Option<Option<String>> {
    let open = OpenRequest {
        art: req.art.clone(),
        release: req.release.clone(),
        team,
    };
    let view = session.train_team_open(open).await.expect("opened");
    if view.plan.objectives.is_empty() {
        return None;
    }
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder");
    let config = dir.join(pi_model::CONFIG_FILE_NAME);
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    std::fs::write(&config, format!("{text}\n{rule}\n")).expect("written");
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(effort);
    session.save_plan(edited).await.expect("saved");
    Some(view.plan.objectives[0].id.clone())
}

#[tokio::test]
async fn teams_stopped_by_validation_errors_or_sign_off_are_named_with_what_stops_them() {
    let (_dir, session, req) = demo_train().await;
    sync_all(&session, &req).await;
    let invalid = "[validation]\neffort_range = { max = 40, level = \"error\" }";
    let sign_off = "[approvals]\nrequired = 1\napprovers = [{ email = \"bo@example.com\" }]";
    let (mut stopped, mut waiting) = (None, None);
    for team in session.teams(req.art.id).await.expect("teams") {
        let (rule, effort) = if stopped.is_none() {
            (invalid, 99.0)
        } else {
            (sign_off, 5.0)
        };
        let Some(item) = edited_under(&session, &req, team.clone(), rule, effort).await else {
            continue;
        };
        if stopped.is_none() {
            stopped = Some((team.name, item));
        } else {
            waiting = Some(team.name);
            break;
        }
    }
    let (team, item) = stopped.expect("a team of the train has objectives");
    let waiting = waiting.expect("another team has objectives");
    let (synced, _) = sync_all(&session, &req).await;
    let row = synced
        .teams
        .iter()
        .find(|t| t.team == team)
        .expect("its row");
    assert!(!row.ok, "{row:?}");
    let Some(PushBlockerDto::ValidationErrors { findings }) = &row.blocker else {
        panic!("{row:?}")
    };
    let effort: Vec<_> = findings
        .iter()
        .filter(|f| f.field.as_deref() == Some("effort"))
        .collect();
    assert_eq!(effort.len(), 1, "{findings:?}");
    assert_eq!(effort[0].item, item);

    let row = synced
        .teams
        .iter()
        .find(|t| t.team == waiting)
        .expect("its row");
    assert!(!row.ok, "{row:?}");
    let Some(PushBlockerDto::AwaitingApproval { missing }) = &row.blocker else {
        panic!("{row:?}")
    };
    assert!(missing.contains("0 of 1"), "{missing}");
    assert!(
        synced
            .teams
            .iter()
            .filter(|t| t.team != team && t.team != waiting)
            .all(|t| t.ok && t.blocker.is_none()),
        "{synced:?}"
    );
}

#[tokio::test]
async fn the_train_report_lists_every_team_and_is_exported_as_markdown_and_html() {
    let (dir, session, req) = demo_train().await;
    let e = session
        .train_report(req.clone())
        .await
        .expect_err("no plan yet");
    assert!(e.message.contains("in the train's folder yet"), "{e:?}");
    sync_all(&session, &req).await;
    let teams = session.teams(req.art.id).await.expect("teams");

    let report = session.train_report(req.clone()).await.expect("report");
    assert!(report.title.starts_with("Orbit Train"), "{report:?}");
    assert!(report.folder.ends_with("orbit-train"), "{report:?}");
    let rows = report
        .sections
        .iter()
        .find(|s| s.heading == "Teams")
        .and_then(|s| match s.blocks.first() {
            Some(crate::dto::ReportBlockDto::Table { rows, .. }) => Some(rows.clone()),
            _ => None,
        })
        .expect("a table of teams");
    let mut named: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    named.sort_unstable();
    let mut expected: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(named, expected);

    let downloads = dir.path().join("Downloads");
    std::fs::create_dir_all(&downloads).expect("folder");
    let md = session
        .train_report_export(req.clone(), ReportFormatDto::Markdown, &downloads)
        .await
        .expect("markdown");
    let html = session
        .train_report_export(req.clone(), ReportFormatDto::Html, &downloads)
        .await
        .expect("html");
    assert!(md.path.ends_with(".md") && html.path.ends_with(".html"));
    let md = std::fs::read_to_string(&md.path).expect("written");
    let html = std::fs::read_to_string(&html.path).expect("written");
    for t in &teams {
        assert!(md.contains(&t.name) && html.contains(&t.name), "{}", t.name);
    }
    assert!(md.contains("| Team |"), "{md}");
    assert!(html.contains("<table"), "{html}");
}
