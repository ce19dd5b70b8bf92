//! Running one chaos scenario: a small generated plan in the simulator, a random sequence of
//! local edits, Targetprocess edits and engine operations under random faults, then recovery
//! with faults off and the invariant checks.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pi_engine::{
    Context, PullOptions, PullReport, PushOptions, PushOutcome, PushReport, ResolveReport,
    Selector, Workspace,
};
use pi_git::Identity;
use pi_model::changeset::Op;
use pi_model::merge::{
    FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS, Resolution, feature_get, feature_set,
    objective_get, objective_set,
};
use pi_model::{Effort, EntityId, Feature, FeatureKind, Field, LocalId, Plan, TeamObjective};
use pi_sim::{DataSource, Faults, GenSpec, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};
use serde_json::{Value, json};

use super::boundary::{self, Misbehaving, OtherOrigin};
use super::model::{Ledger, Reported, Slot, TpEdit, same};
use super::rng::Rng;
use crate::{Tp, at};

mod checks;
mod edits;
mod steps;

use checks::*;
pub use checks::{JournalDump, JournalRow, chaos_client, check_journal, converged, fsck, journal};

/// The kinds of fault injected around an engine operation.
pub const FAULT_KINDS: [&str; 13] = [
    "429 storm",
    "503 storm",
    "random 5xx",
    "dropped connection",
    "write applied, answer lost",
    "crash (operation killed)",
    "tpcli killed (SIGKILL)",
    "refused until fixed",
    "refused a few times",
    "redirect to another origin",
    "endless paging",
    "oversized body",
    "absurd Retry-After",
];

/// Share of scenarios (percent) whose data starts hostile (`DataSource::Hostile`).
pub const HOSTILE_START_PERCENT: usize = 30;
/// Share of Targetprocess name and description edits (percent) that write a hostile value.
pub const HOSTILE_EDIT_PERCENT: usize = 25;

/// A planner's owner name that is no Targetprocess user: every write of it is refused.
pub const UNKNOWN_OWNER: &str = "Mara Lind";

/// What one scenario went through.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub steps: usize,
    /// Engine operations run under each fault kind.
    pub faults: BTreeMap<&'static str, usize>,
    /// Of those, the ones the fault actually stopped (error or crash).
    pub interrupted: BTreeMap<&'static str, usize>,
    pub conflicts: usize,
    pub local_edits: usize,
    pub tp_edits: usize,
    pub pushes: usize,
    /// Operations Targetprocess refused (closed with a reason, the change kept in the plan).
    pub refused: usize,
    /// Scenarios that started from hostile data.
    pub hostile_starts: usize,
    /// Targetprocess edits that wrote a hostile name or description.
    pub hostile_edits: usize,
}

impl Stats {
    pub fn add(&mut self, other: &Stats) {
        self.steps += other.steps;
        for (k, v) in &other.faults {
            *self.faults.entry(k).or_default() += v;
        }
        for (k, v) in &other.interrupted {
            *self.interrupted.entry(k).or_default() += v;
        }
        self.conflicts += other.conflicts;
        self.local_edits += other.local_edits;
        self.tp_edits += other.tp_edits;
        self.pushes += other.pushes;
        self.refused += other.refused;
        self.hostile_starts += other.hostile_starts;
        self.hostile_edits += other.hostile_edits;
    }
}

/// A scenario that broke an invariant.
#[derive(Clone, Debug)]
pub struct Failure {
    pub seed: u64,
    pub step: usize,
    pub invariant: String,
    pub trace: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "chaos: scenario seed {} failed at step {}: {}; replay with PI_CHAOS_SEED={} \
             cargo test -p pi-scenarios --test chaos -- --nocapture",
            self.seed, self.step, self.invariant, self.seed
        )?;
        for line in &self.trace {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

/// Options of a run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The `tpcli` binary, for scenarios that kill a real process; `None`: in-process crashes.
    pub tpcli: Option<PathBuf>,
    /// Trace, after every step, where the plan file, the tracking branch and Targetprocess
    /// differ (for replays).
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    Throttle {
        status: u16,
        per_min: u32,
    },
    ServerErrors {
        rate: f64,
        status: u16,
    },
    DropRequests(u64),
    DropApply(u64),
    Crash(usize),
    Kill(usize),
    /// Targetprocess refuses writes of one entity, or of one field of a resource, with
    /// `status`: for ever (until the planner's fix at recovery) or `times` times.
    Refuse {
        resource: &'static str,
        id: Option<i64>,
        field: Option<&'static str>,
        status: u16,
        times: Option<u32>,
    },
    /// A misbehaving server: every request of the operation meets it.
    Misbehave(Misbehaving),
}

impl Fault {
    fn kind(self) -> Option<&'static str> {
        Some(match self {
            Fault::None => return None,
            Fault::Throttle { status: 429, .. } => FAULT_KINDS[0],
            Fault::Throttle { .. } => FAULT_KINDS[1],
            Fault::ServerErrors { .. } => FAULT_KINDS[2],
            Fault::DropRequests(_) => FAULT_KINDS[3],
            Fault::DropApply(_) => FAULT_KINDS[4],
            Fault::Crash(_) => FAULT_KINDS[5],
            Fault::Kill(_) => FAULT_KINDS[6],
            Fault::Refuse { times: None, .. } => FAULT_KINDS[7],
            Fault::Refuse { .. } => FAULT_KINDS[8],
            Fault::Misbehave(Misbehaving::Redirect) => FAULT_KINDS[9],
            Fault::Misbehave(Misbehaving::EndlessPaging) => FAULT_KINDS[10],
            Fault::Misbehave(Misbehaving::Oversized) => FAULT_KINDS[11],
            Fault::Misbehave(Misbehaving::RetryAfter(_)) => FAULT_KINDS[12],
        })
    }

    /// The simulator's faults; `other` is the origin a redirect points to.
    fn faults(self, other: &str) -> Faults {
        let mut f = Faults::default();
        match self {
            Fault::None | Fault::Kill(_) | Fault::Refuse { .. } => {}
            Fault::Misbehave(m) => f = m.faults(other),
            Fault::Throttle { status, per_min } => {
                f.rate_limit_per_min = Some(per_min);
                f.throttle_status = status;
            }
            Fault::ServerErrors { rate, status } => {
                f.error_rate = rate;
                f.error_status = status;
            }
            Fault::DropRequests(k) => f.drop_after_requests = Some(k),
            Fault::DropApply(k) => f.drop_after_apply = Some(k),
            // A little latency so the watcher sees the request before its answer.
            Fault::Crash(_) => f.latency = Duration::from_millis(2),
        }
        f
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EngineOp {
    Pull,
    Push,
    Resume,
    Resolve,
}

/// How an engine operation ended.
enum Ended {
    Pull(pi_engine::Result<PullReport>),
    Push(pi_engine::Result<PushOutcome>),
    Resume(pi_engine::Result<Option<PushReport>>),
    Resolve(pi_engine::Result<ResolveReport>),
    /// Killed part-way (the future dropped, or the process killed).
    Crashed,
    /// The `tpcli` process ended by itself with this exit code.
    Exited(Option<i32>),
}

const OBJECTIVE_STATES: [&str; 5] = ["Pending", "Draft", "Accepted", "In Progress", "Done"];
const FEATURE_STATES: [&str; 5] = ["Funnel", "Analyzing", "Backlog", "Implementing", "Done"];
const EFFORTS: [f64; 6] = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0];

struct Scenario {
    seed: u64,
    rng: Rng,
    tp: Tp,
    _dir: tempfile::TempDir,
    dir: PathBuf,
    me: Identity,
    release: i64,
    team: i64,
    users: Vec<i64>,
    /// The full names of `users`, as a plan names owners.
    user_names: Vec<String>,
    /// Refusal rules injected so far: refused operations are then an outcome of the run.
    refusals: usize,
    minute: i64,
    step: usize,
    next_new: usize,
    ledger: Ledger,
    trace: Vec<String>,
    stats: Stats,
    /// Entities in Targetprocess before the scenario.
    initial_count: usize,
    opts: Options,
    /// Another origin, where a redirect fault points: it must hear nothing.
    other: OtherOrigin,
    /// Requests of the simulator's log already checked for an unredacted token.
    log_checked: usize,
    /// A `tpcli` run that panicked (exit code 101).
    tpcli_panicked: bool,
    /// Targetprocess's raw names and descriptions when the scenario started.
    raw_initial: BTreeMap<(EntityId, Field), String>,
    /// Fields another planner wrote in Targetprocess, also where the plan cannot tell (a hostile
    /// value whose normal form is the old one).
    tp_written: BTreeSet<(EntityId, Field)>,
}

/// Runs the scenario of `seed` to the end; its statistics, or the invariant it broke.
pub async fn run(seed: u64, opts: &Options) -> Result<Stats, Failure> {
    boundary::count_panics();
    let panics_before = boundary::panics().0;
    let mut s = Scenario::start(seed, opts.clone()).await;
    let steps = s.rng.range(6, 16);
    for _ in 0..steps {
        s.step += 1;
        s.random_step().await;
        if s.opts.verbose {
            s.trace_differences().await;
        }
        if let Err(e) = s.step_invariants(panics_before) {
            return Err(s.fail(e));
        }
    }
    s.step += 1;
    s.trace.push(format!("step {}: recovery", s.step));
    if let Err(e) = s.recover().await {
        return Err(s.fail(e));
    }
    if let Err(e) = s.step_invariants(panics_before) {
        return Err(s.fail(e));
    }
    if let Err(e) = s.check().await {
        return Err(s.fail(e));
    }
    s.stats.steps = s.step;
    s.tp.sim.control().set_faults(Faults::default());
    Ok(s.stats)
}

impl Scenario {
    async fn start(seed: u64, opts: Options) -> Self {
        let mut rng = Rng::new(seed);
        let spec = GenSpec {
            teams: 1,
            objectives_per_team: rng.range(3, 5),
            features_per_objective: rng.range(1, 2),
            releases: 1,
        };
        // A share of scenarios start from hostile names and descriptions.
        let hostile = rng.chance(HOSTILE_START_PERCENT);
        let data = if hostile {
            DataSource::Hostile(Box::new(DataSource::Generated(spec)))
        } else {
            DataSource::Generated(spec)
        };
        let sim = pi_sim::start(SimConfig {
            control_api: true,
            seed,
            data,
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let client = chaos_client(&sim.base_url(), sim.access_token());
        let tp = Tp { sim, client };
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_path_buf();
        let ws = crate::init_first(&tp, &path, None).await;
        let plan = ws.local().expect("initial plan");
        let mut ledger = Ledger::default();
        ledger.record_initial(&plan);
        let people: Vec<pi_targetprocess::User> = tp
            .client
            .list_users()
            .await
            .expect("users")
            .into_iter()
            .filter(|u| u.login.as_deref() != Some(pi_sim::TOKEN_USER_LOGIN))
            .take(3)
            .collect();
        let users: Vec<i64> = people.iter().map(|u| u.id).collect();
        let user_names: Vec<String> = people.into_iter().map(|u| u.name).collect();
        let initial_count =
            tp.sim.control().count("TeamPIObjectives") + tp.sim.control().count("Features");
        let control = tp.sim.control();
        let raw_initial = boundary::raw_texts(&plan, &|r, id| control.get_entity(r, id));
        Self {
            seed,
            rng,
            _dir: dir,
            dir: path,
            me: crate::jane(),
            release: plan.release.id.expect("release id"),
            team: plan.team.id.expect("team id"),
            users,
            user_names,
            refusals: 0,
            tp,
            minute: 0,
            step: 0,
            next_new: 0,
            ledger,
            trace: vec![format!(
                "seed {seed}: {} objectives x {} features{}",
                spec.objectives_per_team,
                spec.features_per_objective,
                if hostile { ", hostile data" } else { "" }
            )],
            stats: Stats {
                hostile_starts: usize::from(hostile),
                ..Stats::default()
            },
            initial_count,
            opts,
            other: OtherOrigin::start().await,
            log_checked: 0,
            tpcli_panicked: false,
            raw_initial,
            tp_written: BTreeSet::new(),
        }
    }

    async fn trace_differences(&mut self) {
        let ws = self.ws();
        let Ok(tp) = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
        else {
            return;
        };
        let mut lines = Vec::new();
        for (what, plan) in [
            ("file", ws.local().ok()),
            ("tracking", ws.base().ok().map(|b| b.plan)),
        ] {
            let Some(plan) = plan else { continue };
            let mine: BTreeMap<(EntityId, Slot), FieldValue> = super::model::values(&plan)
                .into_iter()
                .map(|(e, s, v)| ((e, s), v))
                .collect();
            let theirs: BTreeMap<(EntityId, Slot), FieldValue> = super::model::values(&tp.plan)
                .into_iter()
                .map(|(e, s, v)| ((e, s), v))
                .collect();
            for key in mine.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
                let (a, b) = (mine.get(key), theirs.get(key));
                if a.zip(b).is_none_or(|(a, b)| !same(a, b)) {
                    lines.push(format!(
                        "    {what} vs TP: {:?} of {}: {a:?} / {b:?}",
                        key.1, key.0
                    ));
                }
            }
        }
        self.trace.extend(lines);
    }

    /// The invariants that hold after every step: no panic (in process, or a `tpcli` run), every
    /// plan file parses, no credential went to another origin or into the request log.
    fn step_invariants(&mut self, panics_before: usize) -> Result<(), String> {
        let (panics, last) = boundary::panics();
        if panics > panics_before {
            return Err(format!("panic: {last}"));
        }
        if self.tpcli_panicked {
            return Err("a tpcli run panicked (exit code 101)".into());
        }
        boundary::check_plans_parse(&self.ws())?;
        let token = self.tp.sim.access_token().to_owned();
        self.other.check(&token)?;
        let log = self.tp.sim.control().request_log();
        boundary::check_request_log(log.get(self.log_checked..).unwrap_or_default(), &token)?;
        self.log_checked = log.len();
        Ok(())
    }

    fn fail(&self, invariant: String) -> Failure {
        Failure {
            seed: self.seed,
            step: self.step,
            invariant,
            trace: self.trace.clone(),
        }
    }

    /// The last Targetprocess snapshot the plan took in (the engine's base), when the plan file
    /// on disk is the working branch's; else `None`.
    fn merged_snapshot(&self) -> Option<pi_git::Oid> {
        let ws = self.ws();
        let working = ws.repo.branch_tip(&ws.names.working()).ok()??;
        let committed = ws.repo.read_file_at(working, &ws.plan_file()).ok()??;
        let on_disk = std::fs::read(ws.plan_path().ok()?).ok()?;
        (committed == on_disk).then(|| ws.base().ok().map(|b| b.commit))?
    }

    fn ws(&self) -> Workspace {
        Workspace::open(&self.dir).expect("workspace opens")
    }

    fn log(&mut self, line: String) {
        self.trace.push(format!("step {}: {line}", self.step));
    }

    async fn random_step(&mut self) {
        match self.rng.below(100) {
            0..25 => self.local_edit(),
            25..45 => self.tp_edit().await,
            45..49 => self.add_objective(),
            49..55 => self.add_feature(),
            55..60 => self.delete_feature(),
            60..74 => self.engine(EngineOp::Pull).await,
            74..90 => self.engine(EngineOp::Push).await,
            90..94 => self.engine(EngineOp::Resume).await,
            _ => self.engine(EngineOp::Resolve).await,
        }
    }

    /// The handle of a Targetprocess id: the local id it was created from, if the journal
    /// knows it.
    fn handles(&self) -> BTreeMap<i64, EntityId> {
        journal(&self.ws())
            .map(|j| {
                j.ops
                    .into_iter()
                    .filter_map(|o| Some((o.tp_id?, o.op.entity().clone())))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn write_plan(&self, plan: &Plan) {
        let ws = self.ws();
        std::fs::write(ws.plan_path().expect("plan path"), pi_format::render(plan))
            .expect("plan file written");
    }

    /// Reads the plan file; `None` (logged) when it cannot be read.
    fn read_plan(&mut self) -> Option<Plan> {
        match self.ws().local() {
            Ok(p) => Some(p),
            Err(e) => {
                self.log(format!("plan file unreadable: {e}"));
                None
            }
        }
    }
}
