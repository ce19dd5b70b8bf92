//! `tpcli plan watch --art`: a train's watch against the simulator, its `/healthz` and
//! `/metrics`, a SIGHUP reload (a bad file kept out, a good one taken), the shipped Prometheus
//! rules checked by promtool, and Debian's Prometheus scraping the watch while Targetprocess
//! answers 503 until the failure-streak alert fires; SIGTERM stops the watch cleanly.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pi_sim::Faults;

use crate::sync_cli_support::Bench;

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/operations")
}

/// A Debian tool the test needs, or a failure saying how to install it.
fn tool(name: &str) -> &str {
    let found = Command::new(name).arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "`{name}` is missing: install Debian's prometheus package (scripts/install-deps.sh does)"
    );
    name
}

#[test]
fn the_shipped_alert_rules_pass_promtool() {
    let out = Command::new(tool("promtool"))
        .args(["check", "rules"])
        .arg(docs().join("prometheus-rules.yml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("SUCCESS: 6 rules found"), "{text}");
}

/// A GET on loopback: status code and body.
pub(crate) fn get(addr: &str, path: &str) -> (u16, String) {
    try_get(addr, path).unwrap_or_else(|| panic!("GET {addr}{path} failed"))
}

/// A GET on loopback, `None` when nothing answers (yet).
fn try_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
    Some((status, dechunk(&body.unwrap_or_default())))
}

/// The body of a chunked answer (axum streams), or the body as it is.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            return body.to_owned();
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    if out.is_empty() { body.to_owned() } else { out }
}

fn wait_for<T>(what: &str, deadline: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(start.elapsed() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The ART of the simulator's first team and two of its teams.
pub(crate) fn train(bench: &Bench) -> (String, Vec<String>) {
    let c = bench.sim.control();
    let teams: Vec<serde_json::Value> = c
        .ids("Teams")
        .into_iter()
        .map(|id| c.get_entity("Teams", id).unwrap())
        .collect();
    let first = teams
        .iter()
        .find(|t| t["Name"] == bench.team.as_str())
        .unwrap();
    let art = first["AgileReleaseTrain"]["Id"].as_i64().unwrap();
    let names = teams
        .iter()
        .filter(|t| t["AgileReleaseTrain"]["Id"].as_i64() == Some(art))
        .map(|t| t["Name"].as_str().unwrap().to_owned())
        .take(2)
        .collect();
    let art = c.get_entity("AgileReleaseTrains", art).unwrap();
    (art["Name"].as_str().unwrap().to_owned(), names)
}

/// Sample names of every family `/metrics` declares (a counter `F` is sampled as `F_total`).
fn exposed(metrics: &str) -> BTreeSet<String> {
    metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .map(|l| match l.split_once(' ') {
            Some((name, "counter")) => format!("{name}_total"),
            Some((name, _)) => name.to_owned(),
            None => l.to_owned(),
        })
        .collect()
}

/// Every `pi_…` name the dashboard's queries use.
fn queried(dashboard: &serde_json::Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let mut rest = expr;
            while let Some(at) = rest.find("pi_") {
                let name: String = rest[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                rest = &rest[at + name.len()..];
                names.insert(name);
            }
        }
    }
    names
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops a child on drop (a failed assertion leaves no process behind).
pub(crate) struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Starts the train's watch; its child and the address of /healthz and /metrics.
pub(crate) fn start_watch(bench: &Bench, art: &str, teams: &[String]) -> (Running, String) {
    let mut cmd = bench.tpcli(&[
        "plan",
        "watch",
        "--art",
        art,
        "--teams",
        &teams.join(","),
        "--root",
        "train",
        "--poll",
        "1",
        "--max-backoff",
        "1",
        "--unhealthy-after",
        "2",
        "--listen",
        "127.0.0.1:0",
    ]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let running = Running(child);
    let addr = wait_for("the watch's address", Duration::from_secs(60), || {
        let line = rx.recv_timeout(Duration::from_millis(200)).ok()?;
        let at = line.find("http://")?;
        line[at + 7..].split(". ").next().map(str::to_owned)
    });
    (running, addr)
}

#[test]
fn a_train_watch_reports_its_health_and_prometheus_fires_the_failure_streak_alert() {
    let prometheus = tool("prometheus");
    let bench = Bench::start();
    let (art, teams) = train(&bench);
    let (mut watch, addr) = start_watch(&bench, &art, &teams);

    // Both plans are set up and synced: healthy, each team with a last success.
    let health = wait_for("both teams synced", Duration::from_secs(60), || {
        let (status, body) = get(&addr, "/healthz");
        let h = json(&body);
        let synced = h["teams"].as_array()?.len() == teams.len()
            && h["teams"]
                .as_array()?
                .iter()
                .all(|t| !t["last_success"].is_null());
        (status == 200 && synced).then_some(h)
    });
    assert_eq!(health["healthy"], true);
    let (_, metrics) = get(&addr, "/metrics");
    assert!(metrics.ends_with("# EOF\n"), "{metrics}");
    let dashboard = json(&std::fs::read_to_string(docs().join("grafana-dashboard.json")).unwrap());
    let missing: Vec<_> = queried(&dashboard)
        .difference(&exposed(&metrics))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "the dashboard queries {missing:?}, not exposed:\n{metrics}"
    );
    assert!(
        metrics.contains("pi_tp_requests_total{service=\"targetprocess\"}"),
        "{metrics}"
    );

    // SIGHUP: a file that does not read is refused and the old configuration kept; a good one taken.
    let config = bench.repo().join("train/pi-planner.toml");
    std::fs::write(&config, "[tp\nbroken").unwrap();
    signal(&watch.0, "-HUP");
    wait_for("the bad reload counted", Duration::from_secs(20), || {
        get(&addr, "/metrics")
            .1
            .contains("pi_watch_config_reloads_total{result=\"failed\"} 1")
            .then_some(())
    });
    std::fs::write(&config, "[validation]\nblock_push = true\n").unwrap();
    signal(&watch.0, "-HUP");
    wait_for("the good reload counted", Duration::from_secs(20), || {
        get(&addr, "/metrics")
            .1
            .contains("pi_watch_config_reloads_total{result=\"ok\"} 1")
            .then_some(())
    });

    // Prometheus scrapes the watch every second with the shipped failure-streak rule, `for: 2s`.
    let tmp = tempfile::tempdir().unwrap();
    let rules = std::fs::read_to_string(docs().join("prometheus-rules.yml")).unwrap();
    let expr = rules
        .split("alert: PiWatchFailureStreak")
        .nth(1)
        .and_then(|r| r.lines().find_map(|l| l.trim().strip_prefix("expr: ")))
        .unwrap()
        .to_owned();
    std::fs::write(
        tmp.path().join("rules.yml"),
        format!("groups:\n  - name: test\n    rules:\n      - alert: PiWatchFailureStreak\n        expr: {expr}\n        for: 2s\n"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("prometheus.yml"),
        format!("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: pi-watch\n    static_configs:\n      - targets: ['{addr}']\n"),
    )
    .unwrap();
    let prom_addr = format!("127.0.0.1:{}", free_port());
    let _prom = Running(
        Command::new(prometheus)
            .arg(format!(
                "--config.file={}",
                tmp.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                tmp.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={prom_addr}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    // Targetprocess answers 503 to everything: each team's streak grows, /healthz turns 503.
    bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    wait_for("/healthz answering 503", Duration::from_secs(60), || {
        (get(&addr, "/healthz").0 == 503).then_some(())
    });
    let firing = wait_for(
        "the failure-streak alert firing",
        Duration::from_secs(60),
        || {
            let (status, body) = try_get(&prom_addr, "/api/v1/alerts")?;
            let alerts = json(&body);
            let firing: Vec<_> = alerts["data"]["alerts"]
                .as_array()?
                .iter()
                .filter(|a| {
                    a["labels"]["alertname"] == "PiWatchFailureStreak" && a["state"] == "firing"
                })
                .map(|a| a["labels"]["team"].as_str().unwrap_or_default().to_owned())
                .collect();
            (status == 200 && !firing.is_empty()).then_some(firing)
        },
    );
    assert!(firing.iter().all(|t| !t.is_empty()), "{firing:?}");

    // SIGTERM stops every loop after its step: exit 0.
    bench.sim.control().set_faults(Faults::default());
    signal(&watch.0, "-TERM");
    let status = wait_for("the watch to stop", Duration::from_secs(30), || {
        watch.0.try_wait().unwrap()
    });
    assert_eq!(status.code(), Some(0));
}

/// The team folders the train's watch set up under ROOT (`train`), each a clone with its plan.
fn team_folders(bench: &Bench) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(bench.repo().join("train"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join(".git").is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The plan file of a team folder: its markdown file that reads as a plan.
fn plan_file_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "md")
                && std::fs::read_to_string(p).is_ok_and(|t| pi_format::parse(&t).is_ok())
        })
        .unwrap_or_else(|| panic!("no plan file in {}", dir.display()))
}

#[test]
fn each_team_loop_records_its_cycles_in_the_team_clone_and_plan_stats_shows_them() {
    let bench = Bench::start();
    let (art, teams) = train(&bench);
    let (mut watch, addr) = start_watch(&bench, &art, &teams);
    let synced = || {
        let (status, body) = try_get(&addr, "/healthz")?;
        let h = json(&body);
        let teams_seen = h["teams"].as_array()?;
        let all = teams_seen.len() == teams.len()
            && teams_seen.iter().all(|t| !t["last_success"].is_null());
        (status == 200 && all).then_some(())
    };
    wait_for("both teams synced", Duration::from_secs(60), synced);
    let dirs = team_folders(&bench);
    assert_eq!(dirs.len(), teams.len(), "{dirs:?}");

    // Another planner changes an objective of the first team's plan: its loop pulls it.
    let plan_file = plan_file_in(&dirs[0]);
    let id = crate::sync_cli_support::read_plan(&plan_file).objectives[0]
        .id
        .tp()
        .unwrap();
    crate::watch_cli_support::tp_set_effort(&bench, id, 432.0);
    wait_for("the change pulled", Duration::from_secs(60), || {
        crate::sync_cli_support::read_plan(&plan_file).objectives[0]
            .effort
            .is_some_and(|e| e.points() == 432.0)
            .then_some(())
    });
    // Targetprocess answers 503 until both teams have failed twice in a row.
    bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    wait_for("/healthz answering 503", Duration::from_secs(60), || {
        (get(&addr, "/healthz").0 == 503).then_some(())
    });
    bench.sim.control().set_faults(Faults::default());
    signal(&watch.0, "-TERM");
    let status = wait_for("the watch to stop", Duration::from_secs(30), || {
        watch.0.try_wait().unwrap()
    });
    assert_eq!(status.code(), Some(0));

    // Each team's clone holds its own loop's cycles.
    let mut failed_teams = 0;
    for (i, dir) in dirs.iter().enumerate() {
        let repo = dir.to_str().unwrap();
        let stats = json(&bench.ok(&["plan", "stats", "--json", "--repo", repo]));
        let plans = stats["watch"]["plans"].as_array().unwrap();
        assert_eq!(plans.len(), 1, "{stats}");
        let plan = &plans[0];
        assert_eq!(plan["watch"], "train", "{plan}");
        assert!(teams.iter().any(|t| plan["team"] == t.as_str()), "{plan}");
        assert!(plan["cycles"].as_u64().unwrap() >= 2, "{plan}");
        if plan["failed"].as_u64().unwrap() >= 1 {
            failed_teams += 1;
            assert!(plan["last_error"].is_string(), "{plan}");
        }
        let latest = stats["watch"]["latest"].as_array().unwrap();
        if i == 0 {
            assert!(plan["changes_pulled"].as_u64().unwrap() >= 1, "{plan}");
            assert!(
                latest
                    .iter()
                    .any(|c| c["step"] == "look" && c["pulled"].as_u64() >= Some(1)),
                "{latest:?}"
            );
        }
        let text = bench.ok(&["plan", "stats", "--repo", repo]);
        assert!(text.contains("Live sync (plan watch cycles)"), "{text}");
        assert!(text.contains(" train "), "{text}");
    }
    assert!(failed_teams >= 1, "a team's failed cycles are recorded");
}

#[test]
fn a_team_whose_set_up_fails_is_counted_with_why_while_the_others_watch() {
    let bench = Bench::start();
    let (art, teams) = train(&bench);
    // The second team's folder is taken by a file: its plan cannot be set up.
    let root = bench.repo().join("train");
    std::fs::create_dir_all(&root).unwrap();
    let slug = pi_git::BranchNames::for_plan("any", &teams[1]).team_slug;
    std::fs::write(root.join(&slug), "not a folder").unwrap();
    let (mut watch, addr) = start_watch(&bench, &art, &teams);
    let team = |h: &serde_json::Value, name: &str| {
        h["teams"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["team"] == name).cloned())
    };
    let health = wait_for(
        "one team synced, the other failed twice",
        Duration::from_secs(60),
        || {
            let h = json(&try_get(&addr, "/healthz")?.1);
            let (ok, failed) = (team(&h, &teams[0])?, team(&h, &teams[1])?);
            (!ok["last_success"].is_null() && failed["failed"].as_u64()? >= 2).then_some(h)
        },
    );
    let (ok, failed) = (
        team(&health, &teams[0]).unwrap(),
        team(&health, &teams[1]).unwrap(),
    );
    assert_eq!(ok["set_up"], true, "{ok}");
    assert_eq!(failed["set_up"], false, "{failed}");
    assert!(failed["last_success"].is_null(), "{failed}");
    assert!(
        failed["last_error"]
            .as_str()
            .is_some_and(|e| !e.trim().is_empty()),
        "{failed}"
    );
    let metrics = get(&addr, "/metrics").1;
    let failures = metrics
        .lines()
        .find(|l| {
            l.starts_with(&format!(
                "pi_watch_syncs_total{{team=\"{slug}\",outcome=\"failed\"}}"
            ))
        })
        .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok());
    assert!(failures.is_some_and(|n| n >= 2.0), "{metrics}");
    signal(&watch.0, "-TERM");
    let status = wait_for("the watch to stop", Duration::from_secs(30), || {
        watch.0.try_wait().unwrap()
    });
    assert_eq!(status.code(), Some(0));
}
