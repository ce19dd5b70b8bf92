//! Shared set-up for the loopback tests against pi-sim.

use std::time::Duration;

use pi_sim::{RunningSim, SimConfig};
use pi_targetprocess::{Credentials, RetryPolicy, TpClient, TpConfig};

pub async fn sim() -> RunningSim {
    sim_with(SimConfig::default()).await
}

pub async fn sim_with(config: SimConfig) -> RunningSim {
    pi_sim::start(SimConfig {
        control_api: true,
        ..config
    })
    .await
    .expect("simulator starts on 127.0.0.1")
}

/// A client with fast retries so fault tests stay quick.
pub fn config(sim: &RunningSim) -> TpConfig {
    let mut c = TpConfig::new(
        &sim.base_url(),
        Credentials::AccessToken(sim.access_token().to_owned()),
    )
    .expect("simulator URL is valid");
    c.requests_per_second = 1000;
    c.retry = RetryPolicy {
        max_retries: 8,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(200),
        max_total_wait: Duration::from_secs(20),
    };
    c
}

pub fn client(sim: &RunningSim) -> TpClient {
    TpClient::new(config(sim)).expect("client builds")
}

/// First ART, its first release and first team.
pub async fn first_plan_ids(client: &TpClient) -> (i64, i64) {
    let art = client.list_arts().await.expect("arts")[0].id;
    let release = client.list_releases(art).await.expect("releases")[0].id;
    let team = client.list_teams(art).await.expect("teams")[0].id;
    (release, team)
}
