//! `tpcli plan watch --art NAME`: every team plan of a train kept in sync by one process — one
//! `pi_engine::watch` loop per team, all on one Targetprocess client (one request budget), with
//! `/healthz` and `/metrics` on a loopback port (`serve`), Ctrl-C/SIGTERM stopping every loop
//! between steps and SIGHUP re-reading ROOT/pi-planner.toml. Memory is bounded: one entry per
//! team on the board, and no queue (stop and reload are watch channels holding one value).

mod board;
mod serve;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Args;
use pi_engine::watch::{Event, PushMode, Watch, WatchOptions};
use pi_engine::{Context, Workspace};
use pi_metrics::{CycleStep, WatchKind};
use pi_model::TpSchema;
use pi_targetprocess::{Summary, TpClient};
use tokio::sync::watch as channel;

use super::connect::{self, Target, TpArgs};
use super::watch::cycles::{CycleLog, Seen, Started};
use super::words::plural;
use board::{Board, Traffic};

/// `plan watch --art` and what goes with it.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Watch every team plan of this Agile Release Train (ROOT/<team slug>, as sync-all --art
    /// sets them up) in one process.
    #[arg(long, value_name = "NAME")]
    pub art: Option<String>,
    /// With --art: the release (PI) by name. Default: the PI running today.
    #[arg(long, value_name = "NAME", requires = "art")]
    pub release: Option<String>,
    /// With --art: the folder holding one plan repository per team.
    #[arg(long, value_name = "DIR", default_value = ".", requires = "art")]
    pub root: PathBuf,
    /// With --art: only these teams of the ART, comma-separated.
    #[arg(long, value_name = "A,B", value_delimiter = ',', requires = "art")]
    pub teams: Vec<String>,
    /// With --art: the train's shared plan repository; each team's folder is a clone of it.
    #[arg(long, value_name = "URL", requires = "art")]
    pub remote: Option<String>,
    /// With --art: where /healthz and /metrics are served; loopback only (port 0 picks one).
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:9464",
        requires = "art"
    )]
    pub listen: String,
    /// With --art: /healthz answers 503 once a team has failed this many cycles in a row.
    #[arg(long, value_name = "N", default_value_t = 3, requires = "art",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub unhealthy_after: u32,
    /// With --art: the longest wait after failed cycles (the wait doubles up to it).
    #[arg(long, value_name = "SECONDS", default_value_t = 600, requires = "art",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub max_backoff: u64,
}

/// The one Targetprocess client, replaced when SIGHUP brings new `[tp]` names; the counters of
/// the clients it replaced are kept so the metrics never go back.
struct Shared {
    client: RefCell<Rc<TpClient>>,
    retired: Cell<pi_http::Counters>,
    target: Target,
    root: PathBuf,
    me: pi_git::Identity,
    board: Board,
    /// One team's set-up at a time: each reads the release's features whole, and a dozen such
    /// reads at once would set the process's memory for as long as it runs.
    setting_up: tokio::sync::Semaphore,
}

impl Shared {
    fn client(&self) -> Rc<TpClient> {
        Rc::clone(&self.client.borrow())
    }

    /// Re-reads ROOT/pi-planner.toml; a file that does not read is logged and the old
    /// configuration kept.
    fn reload(&self) {
        let fresh = connect::schema_at(&self.root)
            .and_then(|schema: TpSchema| connect::client_at(&self.target, schema));
        match fresh {
            Ok(client) => {
                let old = self.client.replace(Rc::new(client));
                self.retired.set(sum(self.retired.get(), old.counters()));
                self.board.reloaded(true);
                tracing::info!("reloaded pi-planner.toml; its settings apply from the next cycle");
                crate::term::note("Reloaded pi-planner.toml.");
            }
            Err(e) => {
                self.board.reloaded(false);
                tracing::error!(error = %format!("{e:#}"), "pi-planner.toml not reloaded; the old configuration stays");
                crate::term::note(format!(
                    "pi-planner.toml not reloaded ({e:#}); keeping the old configuration."
                ));
            }
        }
    }

    fn publish_traffic(&self) {
        let client = self.client();
        let c = sum(self.retired.get(), client.counters());
        let q = client.quota();
        self.board.set_traffic(Traffic {
            requests: c.requests,
            retries: c.retries,
            throttled: c.throttled,
            waited_throttled_secs: c.waited_throttled.as_secs_f64(),
            quota_limit: q.limit,
            quota_remaining: q.remaining,
        });
    }
}

fn sum(a: pi_http::Counters, b: pi_http::Counters) -> pi_http::Counters {
    pi_http::Counters {
        requests: a.requests + b.requests,
        retries: a.retries + b.retries,
        throttled: a.throttled + b.throttled,
        waited: a.waited + b.waited,
        waited_throttled: a.waited_throttled + b.waited_throttled,
    }
}

/// Runs the train's watch until Ctrl-C or SIGTERM.
pub fn run(args: &TrainArgs, tp: &TpArgs, opts: WatchOptions) -> Result<u8> {
    let addr = serve::loopback(&args.listen)?;
    let req = request(args)?;
    std::fs::create_dir_all(&req.root)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", req.root.display()))?;
    let target = connect::target(tp, None)?;
    let client = connect::client_at(&target, connect::schema_at(&req.root)?)?;
    let feed = serve::Feed::new(
        connect::client_at(&target, connect::schema_at(&req.root)?)?,
        target.url(),
        &req.art,
        super::calendar::config_in(&req.root)?.0.calendar,
    );
    let shared = Shared {
        client: RefCell::new(Rc::new(client)),
        retired: Cell::default(),
        target,
        root: req.root.clone(),
        me: connect::identity(&req.root)?,
        board: Board::new(args.unhealthy_after),
        setting_up: tokio::sync::Semaphore::new(1),
    };
    let opts = WatchOptions {
        max_backoff: Duration::from_secs(args.max_backoff),
        ..opts
    };
    super::block_on(watch_train(&shared, &req, addr, feed, opts))??;
    crate::term::line("Stopped.");
    Ok(crate::exit::OK)
}

async fn watch_train(
    shared: &Shared,
    req: &pi_engine::train::ArtRequest,
    addr: std::net::SocketAddr,
    feed: serve::Feed,
    opts: WatchOptions,
) -> Result<()> {
    let bound = serve::serve(addr, shared.board.clone(), feed).await?;
    let train = pi_engine::train::find_train(&*shared.client(), req, chrono::Utc::now()).await?;
    let (stop_tx, stop) = channel::channel(false);
    let (hup_tx, mut hup) = channel::channel(0u64);
    tokio::spawn(signals(stop_tx, hup_tx));
    crate::term::line(format!(
        "Watching {} of {} for {} under {} (a look every {}s). /healthz, /metrics and /calendar.ics on http://{bound}. Ctrl-C stops.",
        plural(train.teams.len(), "team", "teams"),
        train.art.name,
        train.release.name,
        req.root.display(),
        opts.poll.as_secs()
    ));
    let loops = train.teams.iter().map(|team| {
        let dir = pi_engine::train::art::team_dir(&req.root, &train.release.name, &team.name);
        let slug = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let i = shared.board.add(&team.name, &slug);
        let place = Place {
            i,
            team,
            dir,
            release: &train.release.name,
            remote: req.remote.as_deref(),
        };
        team_loop(shared, place, opts.clone(), stop.clone())
    });
    let mut stop_reloads = stop.clone();
    let reloads = async {
        loop {
            tokio::select! {
                changed = hup.changed() => if changed.is_err() { return } else { shared.reload() },
                _ = stop_reloads.wait_for(|s| *s) => return,
            }
        }
    };
    futures::future::join(futures::future::join_all(loops), reloads).await;
    Ok(())
}

fn request(args: &TrainArgs) -> Result<pi_engine::train::ArtRequest> {
    let art = args.art.clone().unwrap_or_default();
    if art.trim().is_empty() {
        bail!("--art needs the ART's name as in Targetprocess");
    }
    let teams: Vec<String> = args.teams.iter().map(|t| t.trim().to_owned()).collect();
    if teams.iter().any(String::is_empty) {
        bail!("--teams has an empty name: give names separated by commas");
    }
    Ok(pi_engine::train::ArtRequest {
        art,
        release: args.release.clone().filter(|r| !r.trim().is_empty()),
        teams,
        root: args.root.clone(),
        remote: args.remote.clone(),
    })
}

/// Where one team's plan lives.
struct Place<'a> {
    i: usize,
    team: &'a Summary,
    dir: PathBuf,
    release: &'a str,
    remote: Option<&'a str>,
}

/// One team: its plan set up (again after a failure), then a cycle every poll — a look at
/// Targetprocess, a pull when it changed, a push as `opts.push` allows — until stopped. A
/// failed cycle is counted and waited out with a doubling back-off; it never stops the others.
async fn team_loop(
    shared: &Shared,
    place: Place<'_>,
    opts: WatchOptions,
    mut stop: channel::Receiver<bool>,
) {
    let mut plan = Plan::default();
    let mut cycles: Option<CycleLog> = None;
    let mut wait = Duration::ZERO;
    loop {
        let stopped = tokio::select! {
            _ = stop.wait_for(|s| *s) => true,
            () = tokio::time::sleep(wait) => false,
        };
        if stopped || *stop.borrow() {
            return;
        }
        let _setting_up = if plan.watch.is_none() {
            tokio::select! {
                _ = stop.wait_for(|s| *s) => return,
                permit = shared.setting_up.acquire() => permit.ok(),
            }
        } else {
            None
        };
        let client = shared.client();
        let ctx = Context {
            tp: &*client,
            me: &shared.me,
            now: chrono::Utc::now(),
            auto_sync: true,
            progress: None,
        };
        let mut failure: Option<String> = None;
        let step = if plan.watch.is_some() {
            CycleStep::Look
        } else {
            CycleStep::Start
        };
        let (started, mut seen) = (Started::now(), Seen::default());
        let result = cycle(
            &ctx,
            &place,
            &opts,
            &mut plan,
            &mut failure,
            &shared.board,
            &mut seen,
        )
        .await;
        if let Err(e) = &result {
            seen.failed(format!("{e:#}"));
        }
        if cycles.is_none() {
            cycles = plan.cycle_log(&place);
        }
        if let Some(log) = &mut cycles {
            let raised = log.record(step, started, seen);
            if let Some(ws) = &plan.ws
                && !raised.is_empty()
            {
                super::notify::alerts_async(ws, &raised).await;
            }
        }
        let board = &shared.board;
        wait = match (result, failure) {
            (Ok(next), None) => {
                board.succeeded(place.i, chrono::Utc::now());
                next
            }
            (Ok(next), Some(error)) => {
                board.failed(place.i, error);
                next
            }
            (Err(e), _) => {
                let error = format!("{e:#}");
                crate::term::line(format!(
                    "[{}] {}: cycle failed: {error}",
                    clock(),
                    place.team.name
                ));
                board.failed(place.i, error);
                backoff(&opts, board.health().teams[place.i].failure_streak)
            }
        };
        let set_up = plan.watch.is_some();
        let open = plan.ws.as_ref().map(open_conflicts);
        board.team(place.i, |t| {
            t.set_up = set_up;
            t.conflicts_open = open.unwrap_or(t.conflicts_open);
        });
        shared.publish_traffic();
    }
}

/// One cycle; `failure` is set when a look failed the watch's way (rate limit, server or
/// network error), which the engine reports as an event and a back-off; `seen` takes every
/// event, for the clone's metrics database.
async fn cycle(
    ctx: &Context<'_>,
    place: &Place<'_>,
    opts: &WatchOptions,
    plan: &mut Plan,
    failure: &mut Option<String>,
    board: &Board,
    seen: &mut Seen,
) -> Result<Duration> {
    let (name, i) = (place.team.name.as_str(), place.i);
    let mut found = Vec::new();
    let mut tell = |event: Event| {
        seen.tell(&event);
        if let Event::Conflicts(new) = &event {
            found.extend(new.iter().cloned());
        }
        match &event {
            Event::Pulled(_) => board.team(i, |t| t.pulls += 1),
            Event::Pushed(_) | Event::Resumed(_) => board.team(i, |t| t.pushes += 1),
            Event::Conflicts(found) => board.team(i, |t| t.conflicts_found += found.len() as u64),
            Event::LookFailed { error, .. } => *failure = Some(error.clone()),
            _ => {}
        }
        for line in super::watch::describe(&event) {
            crate::term::line(format!("[{}] {name}: {line}", clock()));
        }
    };
    if plan.ws.is_none() {
        let (ws, how) =
            pi_engine::train::set_up(ctx, &place.dir, place.release, name, place.remote).await?;
        crate::term::line(
            format!(
                "[{}] {name}: plan {how:?} in {}",
                clock(),
                place.dir.display()
            )
            .to_lowercase(),
        );
        plan.ws = Some(ws);
    }
    let Some(ws) = plan.ws.as_ref() else {
        return Ok(opts.poll);
    };
    if plan.watch.is_none() {
        let mut watch = Watch::new(opts.clone());
        watch.start(ctx, ws, &mut tell).await?;
        plan.watch = Some(watch);
    }
    if opts.push != PushMode::Never {
        let approved = plan.reviews.take_in(ctx, ws).await;
        if !approved.is_empty() {
            let told = super::notify::reviewed(&super::notify::plan_ref(ws), &approved);
            super::notify::send_async(ws, &told).await;
        }
    }
    let Some(watch) = plan.watch.as_mut() else {
        return Ok(opts.poll);
    };
    let looked = watch.poll(ctx, ws, None, &mut tell).await;
    let slug = super::notify::plan_ref(ws).plan;
    super::review::post(ws, &slug, &found).await;
    Ok(looked?)
}

/// A team's plan as far as it is set up: its clone (once set up or opened) and its watch (once
/// its first step was taken).
#[derive(Default)]
struct Plan {
    ws: Option<Workspace>,
    watch: Option<Watch>,
    /// When it pushes: its pull request's approvals taken in before each look, paced.
    reviews: super::review::ReviewPace,
}

impl Plan {
    /// The cycle record of the team's clone: the set-up one, or, while set-up fails, a clone
    /// of this plan already in the team's folder (a failed set-up of a folder holding none has
    /// only `/healthz` and the log to say why).
    fn cycle_log(&self, place: &Place<'_>) -> Option<CycleLog> {
        if let Some(ws) = &self.ws {
            return CycleLog::open(ws, WatchKind::Train);
        }
        let want = pi_git::BranchNames::for_plan(place.release, &place.team.name);
        let ws = Workspace::open(&place.dir)
            .ok()
            .filter(|ws| ws.names == want)?;
        CycleLog::open(&ws, WatchKind::Train)
    }
}

fn backoff(opts: &WatchOptions, streak: u32) -> Duration {
    let factor = 1u32 << streak.min(16);
    opts.poll
        .saturating_mul(factor)
        .min(opts.max_backoff.max(opts.poll))
}

fn open_conflicts(ws: &Workspace) -> u64 {
    ws.local_dir()
        .and_then(|dir| pi_engine::state::load_conflicts(&dir))
        .map_or(0, |c| c.len() as u64)
}

fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

/// Ctrl-C or SIGTERM: stop every loop after its step under way. SIGHUP: reload the config.
async fn signals(stop: channel::Sender<bool>, hup: channel::Sender<u64>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hangup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            let _ = stop.send(true);
            return;
        };
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                _ = term.recv() => break,
                _ = hangup.recv() => hup.send_modify(|n| *n += 1),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = hup;
        let _ = tokio::signal::ctrl_c().await;
    }
    crate::term::note("Stopping after the steps under way…");
    let _ = stop.send(true);
}
