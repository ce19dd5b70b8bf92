//! A train-wide sync (`pi_engine::sync_train`): several teams' plans pulled and pushed together,
//! each as its own pull and push would, with the release read once per round for all of them.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use pi_engine::{InitRequest, PushOutcome, TrainOptions, Workspace};
use pi_model::Effort;
use pi_scenarios::*;

/// Plans of the first `n` teams of the first ART, each in its own repository under `root`.
async fn team_plans(tp: &Tp, root: &Path, n: usize) -> Vec<Workspace> {
    let art = tp.client.list_arts().await.unwrap()[0].id;
    let release = tp.client.list_releases(art).await.unwrap()[0].name.clone();
    let teams = tp.client.list_teams(art).await.unwrap();
    let me = jane();
    let mut plans = Vec::new();
    for (i, team) in teams.iter().take(n).enumerate() {
        let dir = root.join(format!("team-{i}"));
        let req = InitRequest {
            dir: dir.clone(),
            release: release.clone(),
            team: team.name.clone(),
            remote: None,
        };
        pi_engine::init(&ctx(tp, &me, 0), &req).await.unwrap();
        plans.push(Workspace::open(&dir).unwrap());
    }
    plans
}

fn objective_id(ws: &Workspace, index: usize) -> i64 {
    ws.local().unwrap().objectives[index].id.tp().unwrap()
}

fn set_local_effort(ws: &Workspace, index: usize, points: f64) {
    edit_plan(ws, |p| p.objectives[index].effort = Effort::new(points));
}

#[tokio::test]
async fn every_team_is_pulled_and_pushed_and_one_teams_trouble_stays_its_own() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let plans = team_plans(&tp, root.path(), 4).await;
    let ids: Vec<(i64, i64)> = plans
        .iter()
        .map(|ws| (objective_id(ws, 0), objective_id(ws, 1)))
        .collect();
    // Team 0: a TP edit and a local edit of another objective. Team 1: the same objective
    // changed on both sides (a conflict). Team 2: a local edit. Team 3: a plan file that no
    // longer parses.
    set_effort_in_tp(&tp, ids[0].0, 31.0);
    set_local_effort(&plans[0], 1, 32.0);
    set_effort_in_tp(&tp, ids[1].0, 41.0);
    set_local_effort(&plans[1], 0, 42.0);
    set_local_effort(&plans[2], 1, 52.0);
    let broken = plans[3].plan_path().unwrap();
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, format!("{text}\n## Objective\n\n- Effort: lots\n")).unwrap();

    tp.sim.control().clear_request_log();
    let me = jane();
    let opts = TrainOptions {
        push: true,
        yes: false,
        stories: None,
    };
    let synced = pi_engine::sync_train(&ctx(&tp, &me, 5), &plans, &opts)
        .await
        .unwrap();
    assert_eq!(synced.len(), 4);
    assert_eq!(synced[0].plan, plans[0].plan_file());

    let pulled = synced[0].pull.as_ref().unwrap();
    assert_eq!(pulled.from_tp.len(), 1, "{pulled:?}");
    assert!(pulled.conflicts.is_empty());
    let Some(Ok(PushOutcome::Pushed(report))) = &synced[0].push else {
        panic!("team 0 pushes: {:?}", synced[0].push);
    };
    assert_eq!(report.ops.len(), 1);
    assert_eq!(effort_in_tp(&tp, ids[0].1), 32.0);
    assert_eq!(
        plans[0].local().unwrap().objectives[0].effort,
        Effort::new(31.0)
    );

    let pulled = synced[1].pull.as_ref().unwrap();
    assert_eq!(pulled.conflicts.len(), 1, "{pulled:?}");
    assert!(matches!(
        synced[1].push,
        Some(Ok(PushOutcome::Blocked { conflicts: 1 }))
    ));
    assert_eq!(
        effort_in_tp(&tp, ids[1].0),
        41.0,
        "a conflict is not pushed"
    );

    assert!(matches!(synced[2].push, Some(Ok(PushOutcome::Pushed(_)))));
    assert_eq!(effort_in_tp(&tp, ids[2].1), 52.0);

    let err = synced[3].pull.as_ref().unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:", plans[3].plan_file())) && err.contains("## Objective"),
        "{err}"
    );
    assert!(synced[3].push.is_none());

    // The release's features were read once for the four pulls and once after the two
    // pushes: not once per team and operation.
    let feature_reads = tp
        .sim
        .control()
        .request_log()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/Features"))
        .count();
    assert_eq!(feature_reads, 2);
    for ws in &plans {
        fsck(ws.repo.workdir().unwrap());
    }
}

#[tokio::test]
async fn pull_only_leaves_local_edits_unpushed() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let plans = team_plans(&tp, root.path(), 2).await;
    let id = objective_id(&plans[0], 0);
    let before = effort_in_tp(&tp, id);
    set_local_effort(&plans[0], 0, before + 5.0);
    let me = jane();
    let synced = pi_engine::sync_train(&ctx(&tp, &me, 5), &plans, &TrainOptions::default())
        .await
        .unwrap();
    assert!(synced.iter().all(|s| s.pull.is_ok() && s.push.is_none()));
    assert_eq!(effort_in_tp(&tp, id), before);
    assert_eq!(synced[0].pull.as_ref().unwrap().local.len(), 1);
}

#[tokio::test]
async fn one_repository_given_twice_is_refused_before_anything_runs() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let plans = team_plans(&tp, root.path(), 1).await;
    let again = Workspace::open(plans[0].repo.workdir().unwrap()).unwrap();
    let both = vec![plans.into_iter().next().unwrap(), again];
    tp.sim.control().clear_request_log();
    let me = jane();
    let err = pi_engine::sync_train(&ctx(&tp, &me, 5), &both, &TrainOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
    assert!(tp.sim.control().request_log().is_empty());
}
