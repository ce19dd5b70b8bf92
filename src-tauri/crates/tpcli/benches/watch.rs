//! Live sync latency: `tpcli plan watch --push auto --poll 5 --quiet-period 0.2` against the
//! simulator (no injected latency). Measures the time from a change in Targetprocess (an
//! objective's effort, set through the simulator's control API) until the plan file holds it,
//! and from a save of the plan file (an objective renamed, written beside it and renamed over
//! it as editors do) until Targetprocess holds it. Prints p50 and p95 of each.
//!
//! `cargo bench -p tpcli --bench watch` (release build of tpcli). `WATCH_SAMPLES=N` takes N
//! samples of each (default 12); `PI_BENCH_JSON=<file>` appends one record per direction
//! (`pi-bench report`).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pi_bench::{Record, Recorder};
use pi_sim::{RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// Seconds between two looks at Targetprocess.
const POLL_SECONDS: u64 = 5;
/// How long one change may take before the benchmark gives up.
const DEADLINE: Duration = Duration::from_secs(30);
const OBJECTIVES: &str = "TeamPIObjectives";

struct Setup {
    sim: RunningSim,
    home: tempfile::TempDir,
    dir: tempfile::TempDir,
}

impl Setup {
    fn tpcli(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tpcli"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TP_URL", self.sim.base_url())
            .env("TP_TOKEN", self.sim.access_token())
            .env("GIT_AUTHOR_NAME", "Bench Planner")
            .env("GIT_AUTHOR_EMAIL", "bench@example.com")
            .env("HOME", self.home.path())
            .env("XDG_RUNTIME_DIR", self.home.path())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        cmd
    }
}

fn read_plan(path: &Path) -> pi_model::Plan {
    let text = std::fs::read_to_string(path).expect("plan file");
    pi_format::parse(&text).expect("the plan file parses").plan
}

/// Polls `check` every 10 ms until it holds; the time it took.
fn time_until(start: Instant, mut check: impl FnMut() -> bool) -> Duration {
    while !check() {
        assert!(start.elapsed() < DEADLINE, "no change within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    start.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn report(recorder: &Recorder, id: &str, name: &str, samples: &mut [Duration]) {
    samples.sort();
    let (p50, p95) = (percentile(samples, 0.5), percentile(samples, 0.95));
    println!(
        "{name}: p50 {} ms, p95 {} ms (min {} ms, max {} ms, {} samples)",
        p50.as_millis(),
        p95.as_millis(),
        samples[0].as_millis(),
        samples[samples.len() - 1].as_millis(),
        samples.len()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    recorder.record(
        Record::from_samples(id, name, samples).with_extra(serde_json::json!({
            "p50_ms": ms(p50),
            "p95_ms": ms(p95),
            "poll_s": POLL_SECONDS,
        })),
    );
}

/// The running watch, stopped (killed and waited for) when dropped.
struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the watch and returns once it says it is watching, with its output lines.
fn start_watch(setup: &Setup) -> (Watch, mpsc::Receiver<String>) {
    let poll = POLL_SECONDS.to_string();
    let child = setup
        .tpcli(&[
            "plan",
            "watch",
            "--push",
            "auto",
            "--poll",
            &poll,
            "--quiet-period",
            "0.2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tpcli plan watch starts");
    let mut watch = Watch(child);
    let (tx, rx) = mpsc::channel();
    let out = watch.0.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx.recv_timeout(DEADLINE).expect("the watch starts");
        if line.starts_with("Watching ") {
            return (watch, rx);
        }
    }
}

fn main() {
    let samples: usize = std::env::var("WATCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
        .max(1);
    let recorder = Recorder::new(std::env::var_os("PI_BENCH_JSON").map(PathBuf::from));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(pi_sim::start(SimConfig {
            control_api: true,
            ..SimConfig::default()
        }))
        .expect("simulator");
    let client = TpClient::new(
        TpConfig::new(
            &sim.base_url(),
            Credentials::AccessToken(sim.access_token().to_owned()),
        )
        .expect("config"),
    )
    .expect("client");
    let (release, team) = rt.block_on(async {
        let art = client.list_arts().await.expect("arts")[0].id;
        let release = client.list_releases(art).await.expect("releases")[0]
            .name
            .clone();
        let team = client.list_teams(art).await.expect("teams")[0].name.clone();
        (release, team)
    });
    let setup = Setup {
        sim,
        home: tempfile::tempdir().expect("tempdir"),
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let out = setup
        .tpcli(&[
            "plan",
            "init",
            "--release",
            &release,
            "--team",
            &team,
            "--json",
        ])
        .output()
        .expect("tpcli plan init");
    assert!(out.status.success(), "tpcli plan init failed");
    let report_json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let plan_file = PathBuf::from(report_json["plan_file"].as_str().expect("plan_file"));
    let id = read_plan(&plan_file).objectives[0]
        .id
        .tp()
        .expect("a Targetprocess id");
    let (watch, _lines) = start_watch(&setup);
    let control = setup.sim.control();

    let (mut inbound, mut outbound) = (Vec::new(), Vec::new());
    for n in 0..samples {
        // Targetprocess → file. Spread over the poll so the samples do not all land at one
        // phase of it.
        std::thread::sleep(Duration::from_millis(
            POLL_SECONDS * 1000 * (n as u64 % 8) / 8 + 37,
        ));
        let effort = 300.0 + n as f64;
        let start = Instant::now();
        control
            .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": effort }))
            .expect("set effort");
        inbound.push(time_until(start, || {
            std::fs::read_to_string(&plan_file)
                .ok()
                .and_then(|t| pi_format::parse(&t).ok())
                .is_some_and(|p| {
                    p.plan.objectives.iter().any(|o| {
                        o.id.tp() == Some(id) && o.effort.map(|e| e.points()) == Some(effort)
                    })
                })
        }));

        // File → Targetprocess: a save written beside the file and renamed over it.
        let name = format!("Watched objective, save {n}");
        let mut plan = read_plan(&plan_file);
        let o = plan
            .objectives
            .iter_mut()
            .find(|o| o.id.tp() == Some(id))
            .expect("the objective");
        o.name.clone_from(&name);
        let tmp = setup.home.path().join("plan-edit.tmp");
        std::fs::write(&tmp, pi_format::render(&plan)).expect("write");
        let start = Instant::now();
        std::fs::rename(&tmp, &plan_file).expect("save");
        outbound.push(time_until(start, || {
            control
                .get_entity(OBJECTIVES, id)
                .is_some_and(|e| e["Name"] == name.as_str())
        }));
    }
    drop(watch);

    report(
        &recorder,
        "watch.tp_to_file",
        &format!(
            "live sync: a Targetprocess change until the plan file holds it (`plan watch --poll {POLL_SECONDS}`)"
        ),
        &mut inbound,
    );
    report(
        &recorder,
        "watch.save_to_tp",
        "live sync: a plan file save until Targetprocess holds it (`plan watch --quiet-period 0.2`)",
        &mut outbound,
    );
}
