//! End-to-end tests of the trust boundaries against the simulator: hostile Targetprocess data
//! (line breaks, control and bidi characters, conflict-marker lines, very long names) never
//! leaves a plan that does not read, and a plan broken by an earlier version recovers.

#![allow(clippy::unwrap_used)] // tests: a failure is a broken test

use serde_json::json;

use crate::testing::{at, initialised_in, jane};
use crate::{PullOptions, Workspace};

fn first_team(sim: &pi_sim::RunningSim) -> i64 {
    sim.control().ids("Teams")[0]
}

/// Every plan file and snapshot of the plan reads: the file on disk and the tips of both
/// branches.
fn assert_all_read(ws: &Workspace) {
    ws.local().unwrap();
    ws.base().unwrap();
    let file = ws.plan_file();
    for branch in [ws.names.tracking(), ws.names.working()] {
        let text = ws.repo.read_file(&branch, &file).unwrap().unwrap();
        pi_format::parse(&String::from_utf8(text).unwrap()).unwrap();
    }
}

#[tokio::test]
async fn line_breaks_and_control_characters_in_names_never_break_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, tp) = initialised_in(dir.path(), None).await;
    let me = jane();
    let ws = Workspace::open(dir.path()).unwrap();
    let plan = ws.local().unwrap();
    let (objective, program) = (
        plan.objectives[0].id.tp().unwrap(),
        plan.program_objectives[0].id.tp().unwrap(),
    );
    let feature = plan.features().next().unwrap().1.id.tp().unwrap();
    let ctl = sim.control();
    let hostile = "Ship\nit\r\n# Objective: forged\u{0}\u{1b}[2J\u{7}\u{202E}";
    ctl.update_entity("TeamPIObjectives", objective, json!({"Name": hostile}))
        .unwrap();
    ctl.update_entity(
        "ProgramPIObjectives",
        program,
        json!({"Name": "Grow\nmore"}),
    )
    .unwrap();
    let description = "<p>&lt;&lt;&lt;&lt;&lt;&lt;&lt; x</p><p>&gt;&gt;&gt;&gt;&gt;&gt;&gt; y</p>";
    ctl.update_entity(
        "Features",
        feature,
        json!({"Name": "F\nG", "Description": description}),
    )
    .unwrap();

    let report = crate::pull(&at(&tp, &me, 1), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert!(report.tp_changed && report.conflicts.is_empty());
    assert_all_read(&ws);
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].name, "Ship it  # Objective: forged  [2J");
    assert_eq!(plan.program_objectives[0].name, "Grow more");
    let config = pi_model::RepoConfig::default();
    let findings = pi_model::validate::validate(&plan, &config);
    assert!(
        !findings.iter().any(|f| f.rule == "conflict-markers"),
        "{findings:?}"
    );
    crate::status(Some(&at(&tp, &me, 2)), &ws).await.unwrap();
    let pushed = crate::push(&at(&tp, &me, 3), &ws, crate::PushOptions::default()).await;
    assert!(pushed.is_ok(), "{pushed:?}");
    assert_eq!(
        ctl.get_entity("TeamPIObjectives", objective).unwrap()["Name"],
        hostile
    );

    ctl.update_entity("TeamPIObjectives", objective, json!({"Name": "Ship it"}))
        .unwrap();
    crate::pull(&at(&tp, &me, 4), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(ws.local().unwrap().objectives[0].name, "Ship it");
    assert_all_read(&ws);
}

#[tokio::test]
async fn a_team_name_of_300_characters_gives_a_plan_within_file_name_limits() {
    let dir = tempfile::tempdir().unwrap();
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let long = format!("Team {}", "x".repeat(295));
    sim.control()
        .update_entity("Teams", first_team(&sim), json!({"Name": long}))
        .unwrap();
    let config = pi_targetprocess::TpConfig::new(
        &sim.base_url(),
        pi_targetprocess::Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .unwrap();
    let tp = pi_targetprocess::TpClient::new(config).unwrap();
    let art = tp.list_arts().await.unwrap()[0].id;
    let req = crate::InitRequest {
        dir: dir.path().to_path_buf(),
        release: tp.list_releases(art).await.unwrap()[0].name.clone(),
        team: long.clone(),
        remote: None,
    };
    let me = jane();
    let report = crate::init(&at(&tp, &me, 0), &req).await.unwrap();
    let file_name = report
        .plan_file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(file_name.len() <= 200, "{}", file_name.len());
    let ws = Workspace::open(dir.path()).unwrap();
    assert_eq!(ws.local().unwrap().team.name, long);
    crate::pull(&at(&tp, &me, 1), &ws, &PullOptions::default())
        .await
        .unwrap();
}

/// What an earlier version did with a Targetprocess name holding a line break: it committed the
/// rendered snapshot on the tracking branch and merged it into the plan file.
fn commit_unreadable_snapshot(ws: &Workspace, ctx: &crate::Context<'_>) {
    let mut plan = ws.base().unwrap().plan;
    plan.objectives[0].name = "Ship\nit".to_owned();
    let text = pi_format::render(&plan);
    assert!(
        pi_format::parse(&text).is_err(),
        "the old snapshot must not read"
    );
    let file = ws.plan_file();
    let message = pi_git::CommitMessage::new("Pull from Targetprocess");
    let files: [(&str, &[u8]); 1] = [(file.as_str(), text.as_bytes())];
    ws.repo
        .commit_files(&ws.names.tracking(), &files, &message, &ctx.tp_stamp())
        .unwrap();
    let merged = pi_git::CommitMessage::new("Merge Targetprocess changes into the plan");
    let change = pi_git::FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &merged,
    };
    ws.repo
        .merge_commit(
            &ws.names.working(),
            &ws.names.tracking(),
            &change,
            &ctx.stamp(),
        )
        .unwrap();
}

#[tokio::test]
async fn verify_repair_rebuilds_a_tracking_branch_holding_an_unreadable_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, tp) = initialised_in(dir.path(), None).await;
    let me = jane();
    let ws = Workspace::open(dir.path()).unwrap();
    // A local edit made before the plan broke: the rebuild keeps it.
    let mut plan = ws.local().unwrap();
    plan.objectives[1].description = "Kept through the rebuild".to_owned();
    let edited = pi_format::render(&plan);
    crate::save::commit_typed(
        &ws,
        &edited,
        pi_git::Source::Local,
        &at(&tp, &me, 1).stamp(),
    )
    .unwrap();
    commit_unreadable_snapshot(&ws, &at(&tp, &me, 2));
    let stuck = crate::pull(&at(&tp, &me, 3), &ws, &PullOptions::default()).await;
    assert!(
        matches!(stuck, Err(crate::EngineError::Parse { .. })),
        "{stuck:?}"
    );

    let found = crate::verify(&at(&tp, &me, 4), &ws, false).await.unwrap();
    assert!(
        matches!(&found.findings[0], crate::Finding::UnreadableSnapshot { file, .. }
            if file.starts_with(&ws.names.tracking())),
        "{:?}",
        found.findings
    );
    assert!(
        found.advice[0].contains("verify --repair"),
        "{:?}",
        found.advice
    );

    let repaired = crate::verify(&at(&tp, &me, 5), &ws, true).await.unwrap();
    assert_eq!(
        repaired.repairs,
        vec![crate::Repair::RebuiltSnapshot { conflicts: 0 }]
    );
    // What is left is the planner's own edit, not pushed yet.
    assert!(
        matches!(
            repaired.findings.as_slice(),
            [crate::Finding::LocalChange { .. }]
        ),
        "{:?}",
        repaired.findings
    );
    assert_all_read(&ws);
    let objective = ws.local().unwrap().objectives[1].clone();
    assert_eq!(objective.description, "Kept through the rebuild");

    let id = objective.id.tp().unwrap();
    sim.control()
        .update_entity("TeamPIObjectives", id, json!({"Effort": 42}))
        .unwrap();
    let pulled = crate::pull(&at(&tp, &me, 6), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(pulled.from_tp.len(), 1, "{:?}", pulled.from_tp);
    assert_all_read(&ws);
}

#[tokio::test]
async fn a_snapshot_that_does_not_read_back_is_never_committed() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, tp) = initialised_in(dir.path(), None).await;
    let me = jane();
    let ws = Workspace::open(dir.path()).unwrap();
    let base = ws.base().unwrap();
    let (release, team) = crate::workspace::plan_ids(&base.plan).unwrap();
    let mut remote = tp.fetch_team_plan(release, team).await.unwrap();
    // Past the inbound boundary, as a future bug might let it through.
    remote.plan.objectives[0].name = "Ship\nit".to_owned();
    let tip = ws.repo.branch_tip(&ws.names.tracking()).unwrap();
    let refused =
        crate::tracking::commit_tracking(&ws.repo, &ws.names, &remote, &at(&tp, &me, 1), "Pull");
    let Err(crate::EngineError::UnreadableSnapshot { what, file, .. }) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(what, "Targetprocess's state");
    assert_eq!(file, format!("{}:{}", ws.names.tracking(), ws.plan_file()));
    assert_eq!(ws.repo.branch_tip(&ws.names.tracking()).unwrap(), tip);
}
