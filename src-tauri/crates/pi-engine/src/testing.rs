//! Set-up shared by the engine's own tests: a simulator, a client for it, an identity, a clock,
//! and a plan initialised from the simulator's first team.

#![allow(clippy::unwrap_used)] // test set-up: a failure here is a broken test

use std::path::Path;

use crate::context::Context;

pub(crate) fn jane() -> pi_git::Identity {
    pi_git::Identity::new("Jane Doe", "jane@example.com")
}

/// A context `minute` minutes after a fixed start.
pub(crate) fn at<'a>(
    tp: &'a dyn crate::tracker::Tracker,
    me: &'a pi_git::Identity,
    minute: i64,
) -> Context<'a> {
    Context {
        tp,
        me,
        now: chrono::DateTime::from_timestamp(1_790_000_000 + minute * 60, 0).unwrap(),
        auto_sync: false,
        progress: None,
    }
}

/// A simulator and a client, and the first team's plan initialised into `dir` by Jane (shared
/// through `remote` when given).
pub(crate) async fn initialised_in(
    dir: &Path,
    remote: Option<String>,
) -> (pi_sim::RunningSim, pi_targetprocess::TpClient) {
    let sim = pi_sim::start(pi_sim::SimConfig::default()).await.unwrap();
    let config = pi_targetprocess::TpConfig::new(
        &sim.base_url(),
        pi_targetprocess::Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .unwrap();
    let tp = pi_targetprocess::TpClient::new(config).unwrap();
    let me = jane();
    let art = tp.list_arts().await.unwrap()[0].id;
    let req = crate::InitRequest {
        dir: dir.to_path_buf(),
        release: tp.list_releases(art).await.unwrap()[0].name.clone(),
        team: tp.list_teams(art).await.unwrap()[0].name.clone(),
        remote,
    };
    crate::init(&at(&tp, &me, 0), &req).await.unwrap();
    (sim, tp)
}

/// Journals the push of the plan file's edits as a push stopped before sending anything: each
/// operation gets the marker `marker(i)`. Returns the push's journal id.
pub(crate) fn journal_unsent_push(
    ws: &crate::workspace::Workspace,
    marker: impl Fn(usize) -> String,
) -> i64 {
    let base = ws.base().unwrap();
    let ops = pi_model::changeset::push_plan(&base.plan, &ws.local().unwrap()).unwrap();
    let recorded: Vec<(pi_model::changeset::Op, String)> = ops
        .into_iter()
        .enumerate()
        .map(|(i, op)| (op, marker(i)))
        .collect();
    crate::journal::Journal::open(&ws.local_dir().unwrap().join("journal.sqlite"))
        .unwrap()
        .begin_push(
            &ws.names.plan_slug(),
            &base.commit.to_string(),
            "t",
            "Jane",
            &recorded,
        )
        .unwrap()
}
