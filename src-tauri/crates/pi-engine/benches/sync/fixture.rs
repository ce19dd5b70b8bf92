//! What every benchmark starts from: a simulator with a generated plan, a client with the
//! default (production) limits, an identity, a clock, and an initialised plan repository.

use std::path::Path;
use std::time::Duration;

use pi_engine::{Context, InitRequest, Workspace};
use pi_git::Identity;
use pi_sim::{DataSource, Faults, GenSpec, RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// A simulator serving one team with `objectives` objectives of five features each.
pub async fn sim(objectives: usize) -> RunningSim {
    sim_teams(1, objectives).await
}

/// A simulator serving `teams` teams of one ART with `objectives` objectives of five features
/// each.
pub async fn sim_teams(teams: usize, objectives: usize) -> RunningSim {
    pi_sim::start(SimConfig {
        data: DataSource::Generated(GenSpec {
            teams,
            objectives_per_team: objectives,
            features_per_objective: 5,
            releases: 1,
        }),
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("the simulator starts on loopback")
}

/// A client with the settings `tpcli` uses (bounded concurrency 4, 20 requests per second).
pub fn client(sim: &RunningSim) -> TpClient {
    let config = TpConfig::new(
        &sim.base_url(),
        Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .expect("the simulator URL is valid");
    TpClient::new(config).expect("client builds")
}

/// A client without the production rate limit, for setting benchmarks up.
pub fn fast_client(sim: &RunningSim) -> TpClient {
    let mut config = TpConfig::new(
        &sim.base_url(),
        Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .expect("the simulator URL is valid");
    config.requests_per_second = 1000;
    TpClient::new(config).expect("client builds")
}

/// Every answer of the simulator is delayed by `latency` from now on.
pub fn set_latency(sim: &RunningSim, latency: Duration) {
    sim.control().set_faults(Faults {
        latency,
        ..Faults::default()
    });
}

pub fn me() -> Identity {
    Identity::new("Bench Planner", "bench@example.com")
}

/// A context at `minute` minutes after a fixed instant (later runs are later).
pub fn ctx<'a>(tp: &'a TpClient, me: &'a Identity, minute: i64) -> Context<'a> {
    Context {
        tp,
        me,
        now: chrono::DateTime::from_timestamp(1_790_000_000 + minute * 60, 0)
            .expect("a fixed instant is in range"),
        auto_sync: false,
        progress: None,
    }
}

/// The first ART's first release and team, by name.
pub async fn first_team(tp: &TpClient) -> (String, String) {
    let art = tp.list_arts().await.expect("arts")[0].id;
    let release = tp.list_releases(art).await.expect("releases")[0]
        .name
        .clone();
    let team = tp.list_teams(art).await.expect("teams")[0].name.clone();
    (release, team)
}

pub async fn init_request(tp: &TpClient, dir: &Path) -> InitRequest {
    let (release, team) = first_team(tp).await;
    InitRequest {
        dir: dir.to_path_buf(),
        release,
        team,
        remote: None,
    }
}

/// `init` of the first team's plan into `dir`.
pub async fn init(tp: &TpClient, dir: &Path) -> Workspace {
    let me = me();
    let req = init_request(tp, dir).await;
    pi_engine::init(&ctx(tp, &me, 0), &req)
        .await
        .expect("init succeeds");
    Workspace::open(dir).expect("the initialised plan opens")
}

/// The Targetprocess ids of the plan's objectives, in file order.
pub fn objective_ids(ws: &Workspace) -> Vec<i64> {
    ws.local()
        .expect("the plan parses")
        .objectives
        .iter()
        .map(|o| o.id.tp().expect("pulled objectives have TP ids"))
        .collect()
}

/// Rewrites the plan file with `edit` applied to the parsed plan.
pub fn edit_plan(ws: &Workspace, edit: impl FnOnce(&mut pi_model::Plan)) {
    let mut plan = ws.local().expect("the plan file parses");
    edit(&mut plan);
    let path = ws.plan_path().expect("the plan has a path");
    std::fs::write(path, pi_format::render(&plan)).expect("the plan file is writable");
}
