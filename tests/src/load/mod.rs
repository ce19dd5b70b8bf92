//! Load: planners, each in their own clone of one shared bare remote, edit, pull and push
//! concurrently against one simulator with latency, while a Targetprocess user edits some of
//! the same objectives (`run_load`); the tests in `tests/load.rs` require that nothing is lost,
//! nothing created twice and every conflict reported to a planner, and the `capacity` benchmark
//! (`cargo bench -p pi-scenarios --bench capacity`) measures how far that holds.
//!
//! Each planner is a thread with its own clone, identity, client and seeded random edits on
//! objectives of their own, objectives shared by all planners, and "contested" objectives that
//! the Targetprocess user edits too; now and then a planner creates an objective. Every edit and
//! every conflict a planner is shown goes into that planner's ledger. At the end every planner
//! pulls and pushes until nothing is left, and then (`check`):
//!
//! * every edit either reached Targetprocess (a push in the shared operation log wrote it) or
//!   was shown to a planner as one side of a conflict;
//! * on objectives only planners edit, the pushes of each effort form one history from the
//!   initial value to Targetprocess's value: every value was overwritten at most as often as
//!   it was written (no push overwrote a value another push had already replaced);
//! * every created objective is in Targetprocess exactly once;
//! * every clone's plan equals Targetprocess, every clone's operation log holds the same
//!   entries, and `git fsck` is clean in every clone and the shared remote.

mod capacity;
mod check;
mod run;

pub use capacity::{capacity_plan_size, capacity_planners};
pub use run::{LoadSummary, require_nothing_lost, run_load};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fsck;
use pi_engine::oplog::{OpEntry, OpKind};
use pi_engine::resolve::Selector;
use pi_engine::{
    Context, InitRequest, PullOptions, PullReport, PushOptions, PushOutcome, Workspace,
};
use pi_git::Identity;
use pi_model::merge::{Conflict, FieldValue, Resolution};
use pi_model::{Effort, EntityId, Field, LocalId, TeamObjective};
use pi_sim::{DataSource, Faults, GenSpec, RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};
use serde_json::json;

/// Objectives of the generated team plan: 3 per planner of their own, 6 shared by all
/// planners, 4 contested with the Targetprocess user, the rest untouched.
const OWN: usize = 3;
const SHARED: usize = 6;
const CONTESTED: usize = 4;
const FEATURES: usize = 2;
pub const LATENCY: Duration = Duration::from_millis(10);
/// Attempts of one push (pull and resolve in between) before the planner moves on.
const ATTEMPTS: usize = 6;

/// A whole number from the environment variable `name` (a test's or benchmark's knob).
pub fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

/// A small seeded generator (SplitMix64): the same seed gives the same edits.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One planner's edit: the effort of an objective set to a value nobody else uses.
#[derive(Debug, Clone)]
struct Edit {
    objective: i64,
    value: f64,
}

/// What one planner did and was shown.
#[derive(Debug, Default)]
struct Ledger {
    edits: Vec<Edit>,
    created: Vec<String>,
    /// Every conflict a pull reported or a resolve settled for this planner.
    conflicts: Vec<Conflict>,
    operations: usize,
    pushes: usize,
    pulls: usize,
    retries: usize,
    /// Errors an operation ended with (retried).
    errors: Vec<String>,
    /// Broken invariants met while settling.
    violations: Vec<String>,
    push_times: Vec<Duration>,
    pull_times: Vec<Duration>,
}

/// The planners' shared set-up: which objectives are whose.
#[derive(Debug, Clone)]
struct Layout {
    users: usize,
    /// Objective TP ids in plan order.
    ids: Vec<i64>,
}

impl Layout {
    fn own(&self, user: usize) -> &[i64] {
        &self.ids[user * OWN..(user + 1) * OWN]
    }
    fn shared(&self) -> &[i64] {
        let start = self.users * OWN;
        &self.ids[start..start + SHARED]
    }
    fn contested(&self) -> &[i64] {
        let start = self.users * OWN + SHARED;
        &self.ids[start..start + CONTESTED]
    }
    fn objectives_needed(users: usize) -> usize {
        users * OWN + SHARED + CONTESTED + 2
    }
}

fn identity(user: usize) -> Identity {
    Identity::new(
        format!("Planner {user:02}"),
        format!("planner{user:02}@example.com"),
    )
}

fn client(base_url: &str, token: &str) -> TpClient {
    let mut config = TpConfig::new(base_url, Credentials::AccessToken(token.to_owned())).unwrap();
    config.retry.initial_backoff = Duration::from_millis(20);
    config.retry.max_backoff = Duration::from_millis(200);
    TpClient::new(config).unwrap()
}

fn ctx<'a>(tp: &'a TpClient, me: &'a Identity) -> Context<'a> {
    Context {
        tp,
        me,
        now: chrono::Utc::now(),
        auto_sync: false,
        progress: None,
    }
}

async fn start_sim(objectives: usize, latency: Duration) -> RunningSim {
    pi_sim::start(SimConfig {
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: objectives,
            features_per_objective: FEATURES,
            releases: 1,
        }),
        faults: Faults {
            latency,
            ..Faults::default()
        },
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Clone `user` of the first team's plan under `root`, sharing `root/shared.git`.
async fn init_clone(tp: &TpClient, root: &Path, user: usize) -> PathBuf {
    let art = tp.list_arts().await.unwrap()[0].id;
    let release = tp.list_releases(art).await.unwrap()[0].name.clone();
    let team = tp.list_teams(art).await.unwrap()[0].name.clone();
    let dir = root.join(format!("planner-{user:02}"));
    let me = identity(user);
    let req = InitRequest {
        dir: dir.clone(),
        release,
        team,
        remote: Some(root.join("shared.git").display().to_string()),
    };
    pi_engine::init(&ctx(tp, &me), &req).await.unwrap();
    dir
}

fn effort_value(v: &FieldValue) -> Option<f64> {
    match v {
        FieldValue::Effort(Some(e)) => Some(e.points()),
        _ => None,
    }
}

/// One planner's session until `until`: edit, push (pulling and resolving as needed), sometimes
/// pull first.
struct Planner {
    user: usize,
    me: Identity,
    tp: TpClient,
    ws: Workspace,
    layout: Layout,
    rng: Rng,
    ledger: Ledger,
    seq: u32,
    /// Chance in percent that an edit round also creates an objective.
    create_percent: u64,
}

impl Planner {
    fn value(&mut self) -> f64 {
        self.seq += 1;
        f64::from(100_000 + u32::try_from(self.user).unwrap() * 10_000 + self.seq)
    }

    async fn pull(&mut self) -> Option<PullReport> {
        self.ledger.operations += 1;
        let start = Instant::now();
        match pi_engine::pull(&ctx(&self.tp, &self.me), &self.ws, &PullOptions::default()).await {
            Ok(report) => {
                self.ledger.pull_times.push(start.elapsed());
                self.ledger.pulls += 1;
                self.ledger
                    .conflicts
                    .extend(report.conflicts.iter().cloned());
                Some(report)
            }
            Err(e) => {
                self.ledger.errors.push(format!("pull: {e}"));
                None
            }
        }
    }

    /// Settles every stored conflict: keeps this planner's value or Targetprocess's, at random
    /// (or always this planner's when `keep_local`).
    fn resolve_all(&mut self, keep_local: bool) {
        let resolution = if keep_local || self.rng.chance(50) {
            Resolution::KeepLocal
        } else {
            Resolution::KeepRemote
        };
        self.ledger.operations += 1;
        match pi_engine::resolve(
            &self.me,
            chrono::Utc::now(),
            &self.ws,
            &Selector::default(),
            &resolution,
        ) {
            Ok(report) => self.ledger.conflicts.extend(report.resolved),
            Err(e) => self.ledger.errors.push(format!("resolve: {e}")),
        }
    }

    fn edit(&mut self) {
        let mut targets = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            let roll = self.rng.below(100);
            let pool = if roll < 55 {
                self.layout.own(self.user).to_vec()
            } else if roll < 85 {
                self.layout.shared().to_vec()
            } else {
                self.layout.contested().to_vec()
            };
            let id = pool[self.rng.below(pool.len())];
            if !targets.iter().any(|(t, _)| *t == id) {
                let v = self.value();
                targets.push((id, v));
            }
        }
        let create = self.rng.chance(self.create_percent).then(|| {
            self.seq += 1;
            format!("Load objective of planner {:02} #{}", self.user, self.seq)
        });
        let mut plan = self.ws.local().unwrap();
        for (id, v) in &targets {
            let o = plan
                .objectives
                .iter_mut()
                .find(|o| o.id == EntityId::Tp(*id))
                .unwrap();
            o.effort = Effort::new(*v);
            self.ledger.edits.push(Edit {
                objective: *id,
                value: *v,
            });
        }
        if let Some(name) = &create {
            let mut o: TeamObjective = plan.objectives[0].clone();
            o.id = EntityId::Local(
                LocalId::new(&format!("load-{:02}-{}", self.user, self.seq)).unwrap(),
            );
            o.name.clone_from(name);
            o.features.clear();
            plan.objectives.push(o);
            self.ledger.created.push(name.clone());
        }
        std::fs::write(self.ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    }

    /// Pushes until it went through or nothing is left; pulls on a stale base, resolves on a
    /// conflict. Returns whether the plan has nothing left to push.
    async fn push(&mut self, keep_local: bool) -> bool {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                self.ledger.retries += 1;
            }
            self.ledger.operations += 1;
            let start = Instant::now();
            let out =
                pi_engine::push(&ctx(&self.tp, &self.me), &self.ws, PushOptions::default()).await;
            match out {
                Ok(PushOutcome::Pushed(report)) => {
                    self.ledger.push_times.push(start.elapsed());
                    self.ledger.pushes += 1;
                    let refused: Vec<_> = report
                        .ops
                        .iter()
                        .filter_map(|o| o.result.as_ref().err())
                        .collect();
                    if !refused.is_empty() {
                        self.ledger
                            .errors
                            .push(format!("push refused: {refused:?}"));
                    }
                }
                Ok(PushOutcome::NothingToPush { .. }) => return true,
                Ok(PushOutcome::Blocked { .. }) => self.resolve_all(keep_local),
                Ok(PushOutcome::RemoteChanged { .. }) => {
                    if let Some(r) = self.pull().await
                        && !r.conflicts.is_empty()
                    {
                        self.resolve_all(keep_local);
                    }
                }
                Ok(PushOutcome::NeedsConfirmation { ops }) => {
                    // Nobody here deletes: a push that would is reverting someone's work.
                    self.ledger.errors.push(format!(
                        "push would delete (not confirmed): {:?}",
                        ops.iter().filter(|o| o.is_delete()).collect::<Vec<_>>()
                    ));
                    return false;
                }
                Ok(other) => panic!("planner {}: unexpected push outcome {other:?}", self.user),
                Err(e) => {
                    self.ledger.errors.push(format!("push: {e}"));
                    tokio::time::sleep(Duration::from_millis(20 + self.rng.below(80) as u64)).await;
                }
            }
        }
        false
    }

    async fn session(&mut self, until: Instant) {
        let mut clean = true;
        while Instant::now() < until {
            if self.rng.chance(30)
                && let Some(r) = self.pull().await
                && !r.conflicts.is_empty()
            {
                self.resolve_all(false);
            }
            // No new edits over ones that have not gone out yet.
            if clean {
                self.edit();
            }
            clean = self.push(false).await;
            tokio::time::sleep(Duration::from_millis(self.rng.below(60) as u64)).await;
        }
    }

    /// Pull, resolve (keeping this planner's values) and push until nothing is left.
    async fn flush(&mut self) {
        for _ in 0..ATTEMPTS {
            if let Some(r) = self.pull().await
                && !r.conflicts.is_empty()
            {
                self.resolve_all(true);
            }
            if self.push(true).await {
                return;
            }
        }
        self.ledger.violations.push(format!(
            "planner {}: the plan does not settle (last errors: {:?})",
            self.user,
            self.ledger.errors.iter().rev().take(2).collect::<Vec<_>>()
        ));
    }
}
