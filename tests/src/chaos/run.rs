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

    fn local_edit(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let mut targets: Vec<(usize, Option<usize>)> = Vec::new();
        for (oi, o) in plan.objectives.iter().enumerate() {
            targets.push((oi, None));
            targets.extend((0..o.features.len()).map(|fi| (oi, Some(fi))));
        }
        let Some(&(oi, fi)) = self.rng.pick(&targets) else {
            return;
        };
        let field = [
            Field::Name,
            Field::Description,
            Field::Status,
            Field::Effort,
            Field::Owner,
        ][self.rng.below(5)];
        let states = if fi.is_some() {
            &FEATURE_STATES
        } else {
            &OBJECTIVE_STATES
        };
        let value = match field {
            Field::Name => FieldValue::Text(format!("Chaos name {}", self.rng.below(3))),
            Field::Description => FieldValue::Text(format!("Chaos text {}", self.rng.below(3))),
            Field::Status => FieldValue::OptText(Some(states[self.rng.below(5)].to_owned())),
            // Now and then a name Targetprocess does not know: the push refuses it.
            Field::Owner if self.rng.chance(25) => {
                self.refusals += 1;
                FieldValue::OptText(Some(UNKNOWN_OWNER.into()))
            }
            Field::Owner => FieldValue::OptText(self.rng.pick(&self.user_names).cloned()),
            _ => FieldValue::Effort(Effort::new(EFFORTS[self.rng.below(EFFORTS.len())])),
        };
        let (id, was) = match fi {
            None => {
                let o = &mut plan.objectives[oi];
                let was = objective_get(o, field);
                objective_set(o, field, value.clone());
                (o.id.clone(), was)
            }
            Some(fi) => {
                let f = &mut plan.objectives[oi].features[fi];
                let was = feature_get(f, field);
                feature_set(f, field, value.clone());
                (f.id.clone(), was)
            }
        };
        self.typed(&plan, &id, field, &was, value);
    }

    /// The planner typed `value` into `field` of `id` (it was `was`): the plan file is written
    /// and the ledger told.
    fn typed(
        &mut self,
        plan: &Plan,
        id: &EntityId,
        field: Field,
        was: &FieldValue,
        value: FieldValue,
    ) {
        let id = id.clone();
        let handle = self.handle_of(&id);
        if same(was, &value) {
            // Typing the value the file already holds changes nothing: not an edit.
            self.log(format!("local edit: {field} of {handle} already {value:?}"));
            return;
        }
        self.write_plan(plan);
        self.stats.local_edits += 1;
        // Back to the value of the last sync: the engine sees the plan file, not the typing, so
        // there is no local change of the field left.
        if back_to_sync(&self.ws(), &id, field, &value) {
            self.log(format!(
                "local edit: {field} of {handle} = {value:?}, back to the last sync"
            ));
            self.ledger
                .local_edit_undone(handle, Slot::Field(field), &value);
            return;
        }
        self.log(format!("local edit: {field} of {handle} = {value:?}"));
        self.ledger
            .local_edit(handle, Slot::Field(field), self.step, value);
    }

    fn handle_of(&self, id: &EntityId) -> EntityId {
        match id.tp() {
            Some(n) => self.handles().remove(&n).unwrap_or_else(|| id.clone()),
            None => id.clone(),
        }
    }

    fn new_id(&mut self, prefix: &str) -> EntityId {
        self.next_new += 1;
        EntityId::Local(LocalId::new(&format!("{prefix}{}", self.next_new)).expect("local id"))
    }

    fn record_new(&mut self, id: &EntityId, fields: &[(Field, FieldValue)]) {
        self.ledger.local_edit(
            id.clone(),
            Slot::Presence,
            self.step,
            FieldValue::Text("present".into()),
        );
        for (f, v) in fields {
            self.ledger
                .local_edit(id.clone(), Slot::Field(*f), self.step, v.clone());
        }
        self.stats.local_edits += 1;
    }

    fn add_objective(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let id = self.new_id("chaos-o");
        let name = format!("Chaos objective {}-{}", self.seed, self.next_new);
        let o = TeamObjective {
            id: id.clone(),
            name: name.clone(),
            description: String::new(),
            status: Some("Draft".into()),
            effort: Effort::new(3.0),
            owner: None,
            committed: false,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features: Vec::new(),
        };
        // Every field of a new objective is what the planner typed.
        let fields: Vec<(Field, FieldValue)> = super::model::OBJECTIVE_SLOTS
            .into_iter()
            .map(|f| (f, objective_get(&o, f)))
            .collect();
        plan.objectives.push(o);
        self.write_plan(&plan);
        self.log(format!("local add objective {id} {name:?}"));
        self.record_new(&id, &fields);
    }

    fn add_feature(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        if plan.objectives.is_empty() {
            return;
        }
        let oi = self.rng.below(plan.objectives.len());
        let id = self.new_id("chaos-f");
        let name = format!("Chaos feature {}-{}", self.seed, self.next_new);
        let f = Feature {
            id: id.clone(),
            kind: FeatureKind::Feature,
            name: name.clone(),
            description: String::new(),
            status: Some("Funnel".into()),
            effort: Effort::new(2.0),
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        };
        let fields: Vec<(Field, FieldValue)> = super::model::FEATURE_SLOTS
            .into_iter()
            .map(|x| (x, feature_get(&f, x)))
            .collect();
        let parent = plan.objectives[oi].id.clone();
        plan.objectives[oi].features.push(f);
        self.write_plan(&plan);
        self.log(format!("local add feature {id} {name:?} under {parent}"));
        self.record_new(&id, &fields);
    }

    /// Deletes a feature that has a Targetprocess id (features whose create is still in
    /// flight are not deleted: see docs/chaos.md).
    fn delete_feature(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let targets: Vec<(usize, usize)> = plan
            .objectives
            .iter()
            .enumerate()
            .flat_map(|(oi, o)| {
                o.features
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.id.tp().is_some())
                    .map(move |(fi, _)| (oi, fi))
            })
            .collect();
        let Some(&(oi, fi)) = self.rng.pick(&targets) else {
            return;
        };
        let f = plan.objectives[oi].features.remove(fi);
        self.write_plan(&plan);
        let handle = self.handle_of(&f.id);
        self.log(format!("local delete feature {handle} {:?}", f.name));
        self.ledger
            .local_edit(handle, Slot::Presence, self.step, FieldValue::Missing);
        self.stats.local_edits += 1;
    }

    /// Another planner edits an entity in Targetprocess.
    async fn tp_edit(&mut self) {
        let Ok(before) = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
        else {
            self.log("tp edit skipped: fetch failed".into());
            return;
        };
        let handles = self.handles();
        let known = |id: &EntityId| {
            id.tp().is_some_and(|n| {
                handles.contains_key(&n)
                    || self
                        .ledger
                        .initial
                        .contains_key(&(id.clone(), Slot::Presence))
            })
        };
        let mut targets: Vec<(EntityId, bool)> = Vec::new();
        for o in &before.plan.objectives {
            if known(&o.id) {
                targets.push((o.id.clone(), false));
            }
            for f in &o.features {
                if known(&f.id) {
                    targets.push((f.id.clone(), true));
                }
            }
        }
        // Half the time, when a push was interrupted, another planner edits a field that push
        // still has to send: the race a resume must not lose.
        let in_flight = self.in_flight_updates();
        let (id, is_feature, field) = match self.rng.pick(&in_flight).cloned() {
            Some(target) if self.rng.chance(50) => target,
            _ => {
                let Some((id, is_feature)) = self.rng.pick(&targets).cloned() else {
                    return;
                };
                let fields: &[Field] = if is_feature {
                    &[
                        Field::Name,
                        Field::Description,
                        Field::Status,
                        Field::Effort,
                        Field::Owner,
                        Field::AcceptanceCriteria,
                    ]
                } else {
                    &[
                        Field::Name,
                        Field::Description,
                        Field::Status,
                        Field::Effort,
                        Field::Owner,
                    ]
                };
                (id, is_feature, fields[self.rng.below(fields.len())])
            }
        };
        if !targets.iter().any(|(t, _)| t == &id) {
            return;
        }
        let n = id.tp().expect("tp id");
        let resource = if is_feature {
            "Features"
        } else {
            "TeamPIObjectives"
        };
        // Now and then another planner types a hostile name or description.
        let hostile = match field {
            Field::Name if self.rng.chance(HOSTILE_EDIT_PERCENT) => {
                Some(("Name", pi_sim::hostile::NAME_COUNT * 3))
            }
            Field::Description if self.rng.chance(HOSTILE_EDIT_PERCENT) => {
                Some(("Description", pi_sim::hostile::DESCRIPTION_COUNT))
            }
            _ => None,
        }
        .map(|(wire, count)| (wire, self.rng.below(count as usize) as u64));
        let body = match field {
            Field::Name => json!({"Name": format!("Chaos name {}", self.rng.below(3))}),
            Field::Description => {
                json!({"Description": format!("<p>Chaos text {}</p>", self.rng.below(3))})
            }
            Field::Status => {
                let first = if is_feature { 121 } else { 101 };
                json!({"EntityState": {"Id": first + self.rng.below(5)}})
            }
            Field::Effort => json!({"Effort": EFFORTS[self.rng.below(EFFORTS.len())]}),
            Field::Owner => {
                json!({"Owner": {"Id": self.rng.pick(&self.users).copied().unwrap_or(1)}})
            }
            _ => criteria_rewrite(&self.tp, n),
        };
        let control = self.tp.sim.control();
        let edited = match hostile {
            Some((wire, pick)) => control.set_hostile(resource, n, wire, pick),
            None => control.update_entity(resource, n, body),
        };
        if let Err(e) = edited {
            self.log(format!("tp edit of {id} refused: {e}"));
            return;
        }
        self.tp_written.insert((EntityId::Tp(n), field));
        let Ok(after) = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
        else {
            self.log("tp edit: fetch after failed".into());
            return;
        };
        let get = |p: &Plan| {
            super::model::values(p)
                .into_iter()
                .find(|(e, s, _)| e == &id && *s == Slot::Field(field))
                .map(|(_, _, v)| v)
        };
        let (Some(was), Some(now)) = (get(&before.plan), get(&after.plan)) else {
            return;
        };
        let handle = handles.get(&n).cloned().unwrap_or(id);
        let shown = |v: &FieldValue| {
            let text = format!("{v:?}");
            match text.char_indices().nth(120) {
                Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
                None => text,
            }
        };
        self.log(format!(
            "TP edit{}: {field} of {handle} {} -> {}",
            if hostile.is_some() { " (hostile)" } else { "" },
            shown(&was),
            shown(&now)
        ));
        self.ledger.tp_edit(
            handle.clone(),
            field,
            TpEdit {
                step: self.step,
                before: was,
                value: now.clone(),
            },
        );
        self.stats.tp_edits += 1;
        self.stats.hostile_edits += usize::from(hostile.is_some());
        // Back to the value of the plan's last sync: the engine sees no change of the field in
        // Targetprocess since then.
        if back_to_sync(&self.ws(), &EntityId::Tp(n), field, &now) {
            self.log("    back to the last sync's value in Targetprocess".into());
            self.ledger.tp_edit_undone(handle, field, self.step, &now);
        }
    }

    /// Fields of existing entities that an unfinished push has not confirmed yet (updates, and
    /// features it deletes).
    fn in_flight_updates(&self) -> Vec<(EntityId, bool, Field)> {
        let Ok(j) = journal(&self.ws()) else {
            return Vec::new();
        };
        let open: BTreeSet<i64> = j
            .pushes
            .iter()
            .filter(|(_, done)| !done)
            .map(|(id, _)| *id)
            .collect();
        let mut out = Vec::new();
        for row in j
            .ops
            .iter()
            .filter(|o| open.contains(&o.push) && o.state != "done")
        {
            let (id, changes, is_feature) = match &row.op {
                Op::UpdateObjective { id, changes, .. } => (id, changes, false),
                Op::UpdateFeature { id, changes, .. } => (id, changes, true),
                Op::DeleteFeature { id, .. } if id.tp().is_some() => {
                    let field =
                        [Field::Name, Field::Status, Field::Effort][self.rng_peek(&row.marker)];
                    out.push((id.clone(), true, field));
                    continue;
                }
                _ => continue,
            };
            if id.tp().is_none() {
                continue;
            }
            out.extend(
                changes
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.field,
                            Field::Name
                                | Field::Description
                                | Field::Status
                                | Field::Effort
                                | Field::Owner
                        )
                    })
                    .map(|c| (id.clone(), is_feature, c.field)),
            );
        }
        out
    }

    /// A field index (0..3) for a pending delete, fixed by its journal marker.
    fn rng_peek(&self, marker: &str) -> usize {
        marker.bytes().map(usize::from).sum::<usize>() % 3
    }

    fn pick_fault(&mut self) -> Fault {
        if self.rng.chance(45) {
            return Fault::None;
        }
        match self.rng.below(9) {
            0 => Fault::Throttle {
                status: 429,
                per_min: u32::try_from(self.rng.range(2, 12)).unwrap_or(5),
            },
            1 => Fault::Throttle {
                status: 503,
                per_min: u32::try_from(self.rng.range(2, 12)).unwrap_or(5),
            },
            2 => Fault::ServerErrors {
                rate: [0.1, 0.3, 0.6][self.rng.below(3)],
                status: [500, 502, 503][self.rng.below(3)],
            },
            3 => Fault::DropRequests(self.rng.range(1, 8) as u64),
            4 => Fault::DropApply(self.rng.range(0, 2) as u64),
            5 if self.opts.tpcli.is_some() && self.rng.chance(15) => {
                Fault::Kill(self.rng.range(1, 12))
            }
            6 => self.pick_refusal(),
            7 => Fault::Misbehave(match self.rng.below(4) {
                0 => Misbehaving::Redirect,
                1 => Misbehaving::EndlessPaging,
                2 => Misbehaving::Oversized,
                _ => Misbehaving::RetryAfter(
                    boundary::RETRY_AFTER_TEXTS[self.rng.below(boundary::RETRY_AFTER_TEXTS.len())],
                ),
            }),
            _ => Fault::Crash(self.rng.range(1, 12)),
        }
    }

    /// A refusal of one entity of the plan, or of one field of a resource; now and then a 401
    /// (the token revoked part-way), which stops the push.
    fn pick_refusal(&mut self) -> Fault {
        let plan = self.read_plan().unwrap_or_default();
        let mut entities: Vec<(&'static str, i64)> = Vec::new();
        for o in &plan.objectives {
            entities.extend(o.id.tp().map(|id| ("TeamPIObjectives", id)));
            for f in &o.features {
                entities.extend(f.id.tp().map(|id| ("Features", id)));
            }
        }
        let status = [400, 403, 404, 409, 422, 401][self.rng.below(6)];
        let times = if self.rng.chance(50) {
            None
        } else {
            u32::try_from(self.rng.range(1, 3)).ok()
        };
        let by_entity = self
            .rng
            .chance(50)
            .then(|| self.rng.pick(&entities).copied())
            .flatten();
        let (resource, id, field) = match by_entity {
            Some((resource, id)) => (resource, Some(id), None),
            None => {
                let resource = ["TeamPIObjectives", "Features"][self.rng.below(2)];
                let field =
                    ["Effort", "Name", "Description", "EntityState", "Owner"][self.rng.below(5)];
                (resource, None, Some(field))
            }
        };
        Fault::Refuse {
            resource,
            id,
            field,
            status,
            times,
        }
    }

    async fn engine(&mut self, op: EngineOp) {
        let fault = self.pick_fault();
        self.minute += 1;
        // A push first completes an interrupted one, which merges Targetprocess's state.
        let unfinished = journal(&self.ws()).is_ok_and(|j| j.pushes.iter().any(|(_, done)| !done));
        let snapshot_before = self.merged_snapshot();
        let ended = self.run_engine(op, fault).await;
        self.tp.sim.control().set_faults(Faults::default());
        if unfinished && matches!(ended, Ended::Push(Ok(_))) {
            self.ledger.synced(self.step);
        }
        // An operation stopped by a fault (a crash, a killed `tpcli`) may have merged a new
        // Targetprocess snapshot into the plan before it stopped: the planner has seen it.
        let snapshot_after = self.merged_snapshot();
        if snapshot_after.is_some() && snapshot_after != snapshot_before {
            self.ledger.synced(self.step);
        }
        let interrupted = self.observe(op, &ended);
        let tag = match fault {
            Fault::None => String::new(),
            f => format!(" [{f:?}]"),
        };
        self.log(format!("{op:?}{tag} -> {}", describe(&ended)));
        if let Some(kind) = fault.kind() {
            *self.stats.faults.entry(kind).or_default() += 1;
            if interrupted {
                *self.stats.interrupted.entry(kind).or_default() += 1;
            }
        }
        self.observe_conflicts().await;
    }

    async fn run_engine(&mut self, op: EngineOp, fault: Fault) -> Ended {
        if let Fault::Kill(k) = fault {
            return self.run_tpcli(op, k).await;
        }
        if let Fault::Refuse {
            resource,
            id,
            field,
            status,
            times,
        } = fault
        {
            self.refusals += 1;
            self.tp.sim.control().refuse(pi_sim::Refusal {
                resource: resource.into(),
                id,
                field: field.map(str::to_owned),
                status,
                times,
                message: format!("Refused by the chaos run ({status})"),
            });
        }
        self.tp
            .sim
            .control()
            .set_faults(fault.faults(self.other.url()));
        let ws = self.ws();
        let ctx = Context {
            tp: &self.tp.client,
            me: &self.me,
            now: at(self.minute),
            auto_sync: false,
            progress: None,
        };
        let yes = PushOptions {
            dry_run: false,
            yes: true,
        };
        let run = async {
            match op {
                EngineOp::Pull => {
                    Ended::Pull(pi_engine::pull(&ctx, &ws, &PullOptions::default()).await)
                }
                EngineOp::Push => Ended::Push(pi_engine::push(&ctx, &ws, yes).await),
                EngineOp::Resume => Ended::Resume(pi_engine::push::resume(&ctx, &ws).await),
                EngineOp::Resolve => Ended::Resolve(pi_engine::resolve(
                    &self.me,
                    ctx.now,
                    &ws,
                    &Selector::default(),
                    &Resolution::KeepLocal,
                )),
            }
        };
        match fault {
            Fault::Crash(k) => killed_after(&self.tp, k, run).await,
            _ => run.await,
        }
    }

    /// The operation as `tpcli`, killed with SIGKILL once the simulator has seen `k` of its
    /// requests (or left to finish).
    async fn run_tpcli(&mut self, op: EngineOp, k: usize) -> Ended {
        let Some(bin) = self.opts.tpcli.clone() else {
            return Ended::Exited(None);
        };
        let args: &[&str] = match op {
            EngineOp::Pull => &["plan", "pull"],
            EngineOp::Push => &["plan", "push", "--yes"],
            EngineOp::Resume => &["plan", "resume"],
            EngineOp::Resolve => &["plan", "resolve", "--all", "--keep", "local"],
        };
        self.tp.sim.control().set_faults(Faults {
            latency: Duration::from_millis(3),
            ..Faults::default()
        });
        let start = self.tp.sim.control().request_log().len();
        let home = self.dir.join(".git").join("chaos-home");
        let _ = std::fs::create_dir_all(&home);
        let mut child = match tokio::process::Command::new(&bin)
            .args(args)
            .current_dir(&self.dir)
            .env("TP_URL", self.tp.sim.base_url())
            .env("TP_TOKEN", self.tp.sim.access_token())
            .env("GIT_AUTHOR_NAME", &self.me.name)
            .env("GIT_AUTHOR_EMAIL", &self.me.email)
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &home)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(_) => return Ended::Exited(None),
        };
        let control = self.tp.sim.control();
        let reached = async {
            while control.request_log().len() < start + k {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        tokio::select! {
            status = child.wait() => Ended::Exited(status.ok().and_then(|s| s.code())),
            () = reached => {
                let _ = child.kill().await;
                Ended::Crashed
            }
        }
    }

    /// Records what an operation reported; whether the fault stopped it.
    fn observe(&mut self, op: EngineOp, ended: &Ended) -> bool {
        let step = self.step;
        match ended {
            Ended::Pull(Ok(report)) => {
                self.ledger.synced(step);
                for c in &report.conflicts {
                    self.reported(c.entity.clone(), c.field, c.remote.clone());
                }
                false
            }
            Ended::Push(Ok(outcome)) => {
                match outcome {
                    PushOutcome::Pushed(report) => {
                        self.ledger.synced(step);
                        self.stats.pushes += 1;
                        self.stats.refused +=
                            report.ops.iter().filter(|o| o.result.is_err()).count();
                    }
                    PushOutcome::RemoteChanged { stale } => {
                        for s in stale {
                            self.reported(s.entity.clone(), s.field, s.remote.clone());
                        }
                    }
                    _ => {}
                }
                false
            }
            Ended::Resume(Ok(report)) => {
                if report.is_some() {
                    self.ledger.synced(step);
                }
                false
            }
            Ended::Resolve(Ok(_)) => false,
            // Resolving with nothing to resolve is refused; not a fault's doing.
            Ended::Resolve(Err(_)) => false,
            Ended::Exited(code) => {
                // Rust's exit code of a panic.
                self.tpcli_panicked |= *code == Some(101);
                // A clean `tpcli pull` / `push` merged Targetprocess's state: a sync. (Its
                // conflicts are read from the stored state right after.)
                if *code == Some(0) && matches!(op, EngineOp::Pull | EngineOp::Push) {
                    self.ledger.synced(step);
                }
                code.is_none_or(|c| c != 0)
            }
            _ => true,
        }
    }

    fn reported(&mut self, entity: EntityId, field: Option<Field>, remote: FieldValue) {
        let entity = self.handle_of(&entity);
        let slot = field.map_or(Slot::Presence, Slot::Field);
        self.stats.conflicts += 1;
        self.ledger.report(Reported {
            step: self.step,
            entity,
            slot,
            remote,
        });
    }

    /// The conflicts stored in the workspace are what the planner is shown.
    async fn observe_conflicts(&mut self) {
        let ws = self.ws();
        let Ok(status) = pi_engine::status(None, &ws).await else {
            return;
        };
        for c in status.conflicts {
            self.reported(c.entity.clone(), c.field, c.remote.clone());
        }
    }

    /// Faults off: resume, pull, resolve (keep mine), push until the plan and Targetprocess
    /// agree.
    async fn recover(&mut self) -> Result<(), String> {
        self.tp.sim.control().set_faults(Faults::default());
        self.fix_refusals();
        for round in 0..8 {
            self.minute += 1;
            let ws = self.ws();
            let ctx = Context {
                tp: &self.tp.client,
                me: &self.me,
                now: at(self.minute),
                auto_sync: false,
                progress: None,
            };
            let resumed = pi_engine::push::resume(&ctx, &ws)
                .await
                .map_err(|e| format!("recovery: resume failed: {e}"))?;
            // Conflicts the completed push stored are shown to the planner before the pull.
            let after_resume = pi_engine::status(None, &ws)
                .await
                .map(|s| s.conflicts)
                .unwrap_or_default();
            let pulled = pi_engine::pull(&ctx, &ws, &PullOptions::default())
                .await
                .map_err(|e| format!("recovery: pull failed: {e}"))?;
            let resolved = if pulled.conflicts.is_empty() {
                None
            } else {
                Some(
                    pi_engine::resolve(
                        &self.me,
                        ctx.now,
                        &ws,
                        &Selector::default(),
                        &Resolution::KeepLocal,
                    )
                    .map_err(|e| format!("recovery: resolve failed: {e}"))?,
                )
            };
            let pushed = pi_engine::push(
                &ctx,
                &ws,
                PushOptions {
                    dry_run: false,
                    yes: true,
                },
            )
            .await
            .map_err(|e| format!("recovery: push failed: {e}"))?;
            let step = self.step;
            if resumed.is_some() {
                self.ledger.synced(step);
            }
            self.ledger.synced(step);
            for c in after_resume.iter().chain(&pulled.conflicts) {
                self.reported(c.entity.clone(), c.field, c.remote.clone());
            }
            match &pushed {
                PushOutcome::Pushed(_) => {
                    self.ledger.synced(step);
                    self.stats.pushes += 1;
                }
                PushOutcome::RemoteChanged { stale } => {
                    for s in stale {
                        self.reported(s.entity.clone(), s.field, s.remote.clone());
                    }
                }
                _ => {}
            }
            self.observe_conflicts().await;
            self.log(format!(
                "recovery round {round}: resumed {}, pulled {} change(s) and {} conflict(s), \
                 resolved {}, push {}",
                resumed.is_some(),
                pulled.from_tp.len(),
                pulled.conflicts.len(),
                resolved.map_or(0, |r| r.resolved.len()),
                describe_push(&pushed)
            ));
            let status = pi_engine::status(None, &self.ws())
                .await
                .map_err(|e| format!("recovery: status failed: {e}"))?;
            let quiet = matches!(pushed, PushOutcome::NothingToPush { .. })
                && status.conflicts.is_empty()
                && status.local_changes.is_empty()
                && status.unfinished_push == 0
                && !pulled.tp_changed
                && pulled.conflicts.is_empty();
            if quiet {
                return Ok(());
            }
        }
        Err("recovery did not converge in 8 rounds".into())
    }

    /// The planner's fix of what Targetprocess refused: the account's rules are lifted (an
    /// administrator allowed the value, the permission was granted) and every owner Targetprocess
    /// does not know becomes one it knows, typed into the plan file. The refused changes are
    /// still in the plan, and the recovery's push must send them.
    fn fix_refusals(&mut self) {
        self.tp.sim.control().clear_refusals();
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let unknown = FieldValue::OptText(Some(UNKNOWN_OWNER.into()));
        let known = FieldValue::OptText(self.user_names.first().cloned());
        let mut fixed: Vec<EntityId> = Vec::new();
        for o in &mut plan.objectives {
            if objective_get(o, Field::Owner) == unknown {
                objective_set(o, Field::Owner, known.clone());
                fixed.push(o.id.clone());
            }
            for f in &mut o.features {
                if feature_get(f, Field::Owner) == unknown {
                    feature_set(f, Field::Owner, known.clone());
                    fixed.push(f.id.clone());
                }
            }
        }
        for id in &fixed {
            self.typed(&plan, id, Field::Owner, &unknown, known.clone());
        }
    }

    /// Every invariant of a recovered scenario.
    async fn check(&mut self) -> Result<(), String> {
        let ws = self.ws();
        let status = pi_engine::status(None, &ws)
            .await
            .map_err(|e| format!("status: {e}"))?;
        if !status.conflicts.is_empty() || !status.local_changes.is_empty() {
            return Err(format!(
                "not clean after recovery: {} conflict(s), {} local change(s)",
                status.conflicts.len(),
                status.local_changes.len()
            ));
        }
        let remote = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
            .map_err(|e| format!("fetch: {e}"))?
            .plan;
        let file = ws.local().map_err(|e| format!("plan file: {e}"))?;
        converged("plan file", &file, &remote)?;
        let control = self.tp.sim.control();
        let raw = |resource: &str, id: i64| {
            control
                .get_entity(resource, id)
                .and_then(|e| e["Name"].as_str().map(str::to_owned))
        };
        boundary::check_names(&file, &raw)?;
        let raw_now = boundary::raw_texts(&file, &|r, id| control.get_entity(r, id));
        let (ledger, written) = (&self.ledger, &self.tp_written);
        let edited = |id: &EntityId, field: Field| {
            let key = (id.clone(), Slot::Field(field));
            written.contains(&(id.clone(), field))
                || ledger.local_history.contains_key(&key)
                || ledger.tp_history.contains_key(&key)
                || ledger.local.contains_key(&key)
                || ledger.tp.contains_key(&key)
        };
        boundary::check_untouched(&self.raw_initial, &raw_now, &edited)?;
        let base = ws.base().map_err(|e| format!("tracking branch: {e}"))?;
        converged("tracking branch", &base.plan, &remote)?;
        let journal = journal(&ws).map_err(|e| format!("journal: {e}"))?;
        check_journal(&journal, self.refusals > 0)?;
        let handles: BTreeMap<i64, EntityId> = journal
            .ops
            .iter()
            .filter_map(|o| Some((o.tp_id?, o.op.entity().clone())))
            .collect();
        let handle = |id: &EntityId| {
            id.tp()
                .and_then(|n| handles.get(&n).cloned())
                .unwrap_or_else(|| id.clone())
        };
        self.ledger.check(&remote, &handle)?;
        let deleted = check_oplog(&ws, &journal)?;
        check_no_duplicates(&self.tp, &journal, self.initial_count, deleted)?;
        fsck(&self.dir)?;
        Ok(())
    }
}

/// A client with short back-offs: a 429 or 503 with `Retry-After: 1` is not waited for (the
/// error reaches the engine), 5xx and dropped connections are retried a few times.
pub fn chaos_client(base_url: &str, token: &str) -> TpClient {
    let mut config =
        TpConfig::new(base_url, Credentials::AccessToken(token.to_owned())).expect("client config");
    config.requests_per_second = 1000;
    config.retry.max_retries = 3;
    config.retry.initial_backoff = Duration::from_millis(5);
    config.retry.max_backoff = Duration::from_millis(40);
    config.retry.max_total_wait = Duration::from_millis(300);
    // Small enough that the misbehaving-server faults end fast.
    config.limits.max_response_bytes = boundary::MAX_RESPONSE_BYTES;
    config.limits.max_pages = boundary::MAX_PAGES;
    TpClient::new(config).expect("client")
}

/// Runs `op` until the simulator has logged `k` more requests, then drops it: the process
/// "dies" at that point (only what was written to disk survives).
async fn killed_after<F: Future<Output = Ended>>(tp: &Tp, k: usize, op: F) -> Ended {
    let control = tp.sim.control();
    let start = control.request_log().len();
    let reached = async {
        while control.request_log().len() < start + k {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        biased;
        ended = op => ended,
        () = reached => Ended::Crashed,
    }
}

/// A Jira-sync style rewrite of a feature's acceptance criteria HTML (same items).
fn criteria_rewrite(tp: &Tp, id: i64) -> Value {
    let html = tp
        .sim
        .control()
        .get_entity("Features", id)
        .and_then(|e| {
            e["CustomFields"].as_array().and_then(|cfs| {
                cfs.iter()
                    .find(|cf| cf["Name"] == "Acceptance Criteria")
                    .and_then(|cf| cf["Value"].as_str().map(str::to_owned))
            })
        })
        .unwrap_or_else(|| "<ul><li>Chaos criterion</li></ul>".into());
    let rewritten = if html.contains("<li><p>") {
        html.replace("<li><p>", "<li>")
            .replace("</p></li>", "</li>")
    } else {
        html.replace("<li>", "<li><p>")
            .replace("</li>", "</p></li>")
    };
    json!({"CustomFields": [{"Name": "Acceptance Criteria", "Value": rewritten}]})
}

fn describe(ended: &Ended) -> String {
    match ended {
        Ended::Pull(Ok(r)) => format!(
            "pulled {} change(s), {} conflict(s)",
            r.from_tp.len(),
            r.conflicts.len()
        ),
        Ended::Push(Ok(o)) => describe_push(o),
        Ended::Resume(Ok(r)) => match r {
            Some(r) => format!("resumed {} op(s)", r.ops.len()),
            None => "nothing to resume".into(),
        },
        Ended::Resolve(Ok(r)) => format!("resolved {}", r.resolved.len()),
        Ended::Pull(Err(e)) | Ended::Push(Err(e)) | Ended::Resume(Err(e)) => {
            format!("error: {e}")
        }
        Ended::Resolve(Err(e)) => format!("refused: {e}"),
        Ended::Crashed => "killed part-way".into(),
        Ended::Exited(code) => format!("tpcli exited {code:?}"),
    }
}

fn describe_push(o: &PushOutcome) -> String {
    match o {
        PushOutcome::Pushed(r) => format!(
            "pushed {} op(s) ({} refused, {} mismatch(es), {} resumed)",
            r.ops.len(),
            r.ops.iter().filter(|o| o.result.is_err()).count(),
            r.mismatches.len(),
            r.resumed
        ),
        PushOutcome::NothingToPush { resumed } => format!("nothing to push ({resumed} resumed)"),
        PushOutcome::Blocked { conflicts } => format!("blocked by {conflicts} conflict(s)"),
        PushOutcome::RemoteChanged { stale } => format!("TP changed: {} stale", stale.len()),
        PushOutcome::NeedsConfirmation { .. } => "needs confirmation".into(),
        PushOutcome::Preview { .. } => "preview".into(),
        PushOutcome::AwaitingApproval { status } => {
            format!("awaiting approval: {}", status.missing())
        }
    }
}

/// Field by field: `plan` holds exactly Targetprocess's objectives and features.
pub fn converged(what: &str, plan: &Plan, tp: &Plan) -> Result<(), String> {
    let ids = |p: &Plan| -> BTreeSet<String> {
        p.objectives
            .iter()
            .map(|o| o.id.to_string())
            .chain(p.features().map(|(_, f)| f.id.to_string()))
            .collect()
    };
    let (mine, theirs) = (ids(plan), ids(tp));
    if mine != theirs {
        let extra: Vec<_> = mine.difference(&theirs).collect();
        let missing: Vec<_> = theirs.difference(&mine).collect();
        return Err(format!(
            "{what} differs from TP: entities only in the {what} {extra:?}, only in TP {missing:?}"
        ));
    }
    for o in &plan.objectives {
        let t = tp
            .objectives
            .iter()
            .find(|x| x.id == o.id)
            .ok_or_else(|| format!("{what}: objective {} not in TP", o.id))?;
        for f in OBJECTIVE_FIELDS {
            let (a, b) = (objective_get(o, f), objective_get(t, f));
            if !same(&a, &b) {
                return Err(format!(
                    "{what} differs from TP: {f} of {} is {a:?}, TP has {b:?}",
                    o.id
                ));
            }
        }
        for x in &o.features {
            let (parent, t) = tp
                .objectives
                .iter()
                .find_map(|p| p.features.iter().find(|y| y.id == x.id).map(|y| (&p.id, y)))
                .ok_or_else(|| format!("{what}: feature {} not in TP", x.id))?;
            if parent != &o.id {
                return Err(format!(
                    "{what} differs from TP: feature {} under {} here, under {parent} in TP",
                    x.id, o.id
                ));
            }
            for f in FEATURE_FIELDS {
                let (a, b) = (feature_get(x, f), feature_get(t, f));
                if !same(&a, &b) {
                    return Err(format!(
                        "{what} differs from TP: {f} of {} is {a:?}, TP has {b:?}",
                        x.id
                    ));
                }
            }
        }
    }
    Ok(())
}

/// One operation of the push journal.
#[derive(Clone, Debug)]
pub struct JournalRow {
    pub push: i64,
    pub op: Op,
    pub marker: String,
    pub state: String,
    pub tp_id: Option<i64>,
    /// Targetprocess's reason for a refused operation.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct JournalDump {
    /// (push id, finished)
    pub pushes: Vec<(i64, bool)>,
    pub ops: Vec<JournalRow>,
}

/// Whether `value` is what the plan's last sync (the engine's base) holds in `field` of
/// `entity`, so that setting it there is no change the engine can see — unless an unfinished
/// push may already have written the field: the merge that ends it starts from the value sent.
fn back_to_sync(ws: &Workspace, entity: &EntityId, field: Field, value: &FieldValue) -> bool {
    let synced = ws.base().ok().and_then(|b| {
        super::model::values(&b.plan)
            .into_iter()
            .find(|(e, s, _)| e == entity && *s == Slot::Field(field))
            .map(|(.., v)| v)
    });
    synced.is_some_and(|v| same(&v, value)) && !written_by_open_push(ws, entity, field)
}

/// Whether an unfinished push may already have written `field` of `entity` (an update of it
/// that left the journal's `pending`): the merge that ends it then starts from the value sent,
/// not from the last sync.
fn written_by_open_push(ws: &Workspace, entity: &EntityId, field: Field) -> bool {
    journal(ws).is_ok_and(|j| {
        let open: BTreeSet<i64> = j
            .pushes
            .iter()
            .filter(|(_, done)| !done)
            .map(|(p, _)| *p)
            .collect();
        j.ops.iter().any(|o| {
            open.contains(&o.push)
                && o.state != "pending"
                && o.op.entity() == entity
                && match &o.op {
                    Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => {
                        changes.iter().any(|c| c.field == field)
                    }
                    _ => false,
                }
        })
    })
}

/// The whole push journal of the workspace, read directly from its SQLite file.
pub fn journal(ws: &Workspace) -> Result<JournalDump, String> {
    let path = ws
        .local_dir()
        .map_err(|e| e.to_string())?
        .join("journal.sqlite");
    if !path.exists() {
        return Ok(JournalDump::default());
    }
    let conn = rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
    let mut out = JournalDump::default();
    let mut stmt = conn
        .prepare("SELECT id, finished_at IS NOT NULL FROM pushes ORDER BY id")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))
        .map_err(|e| e.to_string())?;
    for row in rows {
        out.pushes.push(row.map_err(|e| e.to_string())?);
    }
    let mut stmt = conn
        .prepare("SELECT push_id, op, marker, state, tp_id, error FROM ops ORDER BY push_id, seq")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    for row in rows {
        let (push, op, marker, state, tp_id, error) = row.map_err(|e| e.to_string())?;
        let op: Op = serde_json::from_str(&op).map_err(|e| format!("journal op: {e}"))?;
        out.ops.push(JournalRow {
            push,
            op,
            marker,
            state,
            tp_id,
            error,
        });
    }
    Ok(out)
}

/// No push left unfinished, every operation in a terminal state, every create that was not
/// refused with the id it got. An update or delete a resume closed without sending ("skipped") is
/// terminal; a create is skipped only when a 401 refusal closed the rest of its push as not sent
/// (it has no id; a later push sends it). A refused ("failed") operation carries Targetprocess's
/// reason, and is allowed only when `refusals` (refusal rules were injected, or an owner unknown
/// to Targetprocess typed): transport trouble never closes an operation as refused.
pub fn check_journal(j: &JournalDump, refusals: bool) -> Result<(), String> {
    if let Some((id, _)) = j.pushes.iter().find(|(_, done)| !done) {
        return Err(format!("journal: push {id} is not finished"));
    }
    for o in &j.ops {
        let create = matches!(o.op, Op::CreateObjective { .. } | Op::CreateFeature { .. });
        if o.state == "failed" {
            if !refusals || o.error.as_deref().is_none_or(str::is_empty) {
                return Err(format!(
                    "journal: operation {} of push {} was refused ({:?}) with no refusal injected",
                    o.marker, o.push, o.error
                ));
            }
            continue;
        }
        // A 401 refusal closes the rest of its push as not sent (`skipped`), creates too: a
        // later push sends them again.
        let not_sent = o.state == "skipped" && o.tp_id.is_none() && refusals;
        if o.state != "done" && (create && !not_sent || o.state != "skipped") {
            return Err(format!(
                "journal: operation {} of push {} ended {:?}",
                o.marker, o.push, o.state
            ));
        }
        if create && o.tp_id.is_none() && !not_sent {
            return Err(format!(
                "journal: create {} of push {} has no Targetprocess id",
                o.marker, o.push
            ));
        }
    }
    let pushes: BTreeSet<i64> = j.pushes.iter().map(|(id, _)| *id).collect();
    if let Some(o) = j.ops.iter().find(|o| !pushes.contains(&o.push)) {
        return Err(format!(
            "journal: operation {} of an unknown push",
            o.marker
        ));
    }
    Ok(())
}

/// Each create reached Targetprocess exactly once (one entity per idempotency marker), and
/// Targetprocess holds exactly the seeded entities plus the creates minus the deletes the op
/// log records.
fn check_no_duplicates(
    tp: &Tp,
    j: &JournalDump,
    initial: usize,
    deletes: usize,
) -> Result<(), String> {
    let control = tp.sim.control();
    let mut markers: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut total = 0;
    for resource in ["TeamPIObjectives", "Features"] {
        for id in control.ids(resource) {
            total += 1;
            let tags = control
                .get_entity(resource, id)
                .and_then(|e| e["Tags"].as_str().map(str::to_owned))
                .unwrap_or_default();
            for tag in tags
                .split(',')
                .map(str::trim)
                .filter(|t| t.starts_with("pi-planner-"))
            {
                markers.entry(tag.to_owned()).or_default().push(id);
            }
        }
    }
    if let Some((tag, ids)) = markers.iter().find(|(_, ids)| ids.len() > 1) {
        return Err(format!(
            "duplicate create: marker {tag} on entities {ids:?}"
        ));
    }
    let creates: BTreeMap<String, Option<i64>> = j
        .ops
        .iter()
        .filter(|o| matches!(o.op, Op::CreateObjective { .. } | Op::CreateFeature { .. }))
        // A create closed as not sent (after a 401) created nothing.
        .filter(|o| o.state != "skipped")
        .map(|o| {
            let tag = pi_targetprocess::IdempotencyMarker::for_operation(&o.marker);
            (tag.tag().to_owned(), o.tp_id)
        })
        .collect();
    for (tag, ids) in &markers {
        match creates.get(tag) {
            Some(Some(id)) if ids == &[*id] => {}
            other => {
                return Err(format!(
                    "create marker {tag} on {ids:?}; the journal's create has TP id {other:?}"
                ));
            }
        }
    }
    let creates = creates.len();
    if total + deletes != initial + creates {
        return Err(format!(
            "TP holds {total} objectives and features; expected {initial} seeded + {creates} \
             created - {deletes} deleted"
        ));
    }
    Ok(())
}

/// One push entry in the operation log per journaled push, naming every id it created; the
/// number of entities the logged pushes deleted.
fn check_oplog(ws: &Workspace, j: &JournalDump) -> Result<usize, String> {
    let entries = pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref())
        .map_err(|e| format!("op log: {e}"))?;
    let pushes: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == pi_engine::oplog::OpKind::Push)
        .collect();
    if pushes.len() != j.pushes.len() {
        return Err(format!(
            "op log has {} push entries, the journal {} pushes",
            pushes.len(),
            j.pushes.len()
        ));
    }
    let logged: BTreeSet<i64> = pushes
        .iter()
        .flat_map(|e| e.created.iter().map(|(_, id)| *id))
        .collect();
    if let Some(o) = j
        .ops
        .iter()
        .find(|o| o.tp_id.is_some_and(|id| !logged.contains(&id)))
    {
        return Err(format!(
            "op log: the create {} (TP id {:?}) is in no push entry",
            o.marker, o.tp_id
        ));
    }
    let deleted: BTreeSet<&EntityId> = pushes
        .iter()
        .flat_map(|e| &e.writes)
        .filter(|w| w.field.is_none() && w.after == FieldValue::Missing)
        .map(|w| &w.entity)
        .collect();
    Ok(deleted.len())
}

/// `git fsck --full --strict` of the repository.
pub fn fsck(dir: &Path) -> Result<(), String> {
    let out = std::process::Command::new("git")
        .args(["fsck", "--full", "--strict", "--no-progress"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git fsck: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git fsck: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
