//! End-to-end scenario helpers: a simulator, a client for it, an identity and a clock.

#![allow(clippy::unwrap_used)] // test support: a failure here is a broken test set-up

pub mod chaos;
pub mod load;

use std::path::{Path, PathBuf};

use pi_engine::{Context, InitRequest, Workspace};
use pi_git::Identity;
use pi_sim::{RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// A running simulator with the control API, and a client for it.
#[allow(missing_debug_implementations)] // holds a running server
pub struct Tp {
    pub sim: RunningSim,
    pub client: TpClient,
}

pub async fn tp() -> Tp {
    tp_with(SimConfig::default()).await
}

pub async fn tp_with(config: SimConfig) -> Tp {
    let sim = pi_sim::start(SimConfig {
        control_api: true,
        ..config
    })
    .await
    .unwrap();
    let client = client_for(&sim);
    Tp { sim, client }
}

pub fn client_for(sim: &RunningSim) -> TpClient {
    let mut config = TpConfig::new(
        &sim.base_url(),
        Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .unwrap();
    config.requests_per_second = 1000;
    config.retry.initial_backoff = std::time::Duration::from_millis(10);
    config.retry.max_backoff = std::time::Duration::from_millis(100);
    TpClient::new(config).unwrap()
}

pub fn jane() -> Identity {
    Identity::new("Jane Doe", "jane@example.com")
}

/// A fixed, increasing clock: each call is one minute later.
pub fn at(minute: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_790_000_000 + minute * 60, 0).unwrap()
}

pub fn ctx<'a>(tp: &'a Tp, me: &'a Identity, minute: i64) -> Context<'a> {
    Context {
        tp: &tp.client,
        me,
        now: at(minute),
        auto_sync: false,
        progress: None,
    }
}

/// The effort of team objective `id` in Targetprocess.
pub fn effort_in_tp(tp: &Tp, id: i64) -> f64 {
    tp.sim.control().get_entity("TeamPIObjectives", id).unwrap()["Effort"]
        .as_f64()
        .unwrap()
}

/// Sets the effort of team objective `id` in Targetprocess, as someone editing it there.
pub fn set_effort_in_tp(tp: &Tp, id: i64, effort: f64) {
    tp.sim
        .control()
        .update_entity(
            "TeamPIObjectives",
            id,
            serde_json::json!({ "Effort": effort }),
        )
        .unwrap();
}

/// The first team of the first ART and that ART's first release, by name.
pub async fn first_team(tp: &Tp) -> (String, String) {
    let art = tp.client.list_arts().await.unwrap()[0].id;
    let release = tp.client.list_releases(art).await.unwrap()[0].name.clone();
    let team = tp.client.list_teams(art).await.unwrap()[0].name.clone();
    (release, team)
}

/// `init` of the first team's plan into `dir`; returns the workspace.
pub async fn init_first(tp: &Tp, dir: &Path, remote: Option<String>) -> Workspace {
    let (release, team) = first_team(tp).await;
    let me = jane();
    let req = InitRequest {
        dir: dir.to_path_buf(),
        release,
        team,
        remote,
    };
    pi_engine::init(&ctx(tp, &me, 0), &req).await.unwrap();
    Workspace::open(dir).unwrap()
}

/// Two clones of the first team's plan sharing a bare repository as their remote: `root/a`
/// (which starts the plan) and `root/b` (which joins it), with `root/shared.git` between them.
pub async fn two_clones(tp: &Tp, root: &Path) -> (Workspace, Workspace) {
    let bare = root.join("shared.git");
    pi_git::PlanRepo::init_bare(&bare).unwrap();
    let url = bare.display().to_string();
    let ws_a = init_first(tp, &root.join("a"), Some(url.clone())).await;
    let ws_b = init_first(tp, &root.join("b"), Some(url)).await;
    (ws_a, ws_b)
}

/// Pushes of both clones at the same moment, by Jane and by Ana, with every answer of the
/// simulator 40 ms late (so each push's re-read and write are far apart); the faults are reset
/// afterwards.
pub async fn push_both_at_once(
    tp: &Tp,
    ws_a: &Workspace,
    ws_b: &Workspace,
) -> (
    pi_engine::Result<pi_engine::PushOutcome>,
    pi_engine::Result<pi_engine::PushOutcome>,
) {
    let mut faults = tp.sim.control().faults();
    faults.latency = std::time::Duration::from_millis(40);
    tp.sim.control().set_faults(faults);
    let (me, ana) = (jane(), Identity::new("Ana Lee", "ana@example.com"));
    let (ctx_a, ctx_b) = (ctx(tp, &me, 3), ctx(tp, &ana, 3));
    let opts = pi_engine::PushOptions::default;
    let outs = tokio::join!(
        pi_engine::push(&ctx_a, ws_a, opts()),
        pi_engine::push(&ctx_b, ws_b, opts()),
    );
    tp.sim.control().set_faults(pi_sim::Faults::default());
    outs
}

/// Rewrites the plan file on disk with `edit` applied to the parsed plan.
pub fn edit_plan(ws: &Workspace, edit: impl FnOnce(&mut pi_model::Plan)) {
    let mut plan = ws.local().unwrap();
    edit(&mut plan);
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
}

/// The plan file path of a workspace.
pub fn plan_path(ws: &Workspace) -> PathBuf {
    ws.plan_path().unwrap()
}

/// `git fsck` of the repository at `dir` (the system git).
pub fn fsck(dir: &Path) {
    let out = std::process::Command::new("git")
        .args(["fsck", "--full", "--strict"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git fsck: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
