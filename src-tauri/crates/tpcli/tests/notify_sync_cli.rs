//! Notifications of the sync commands beyond pull and push, against the simulator's Slack: an
//! approval that goes stale when the plan is edited after it (`approval_stale`), each plan's pull
//! and push of `plan sync-all`, an interrupted push completed by `plan resume`, and the first of
//! a run of failed looks of `plan watch`.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use pi_model::Effort;
use pi_sim::{Faults, SlackRequest};

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_many, edit_plan, git, read_plan};

struct Setup {
    bench: Bench,
    webhook: String,
    plan_file: PathBuf,
}

impl Setup {
    /// A plan whose `[notify]` routes every sync event to a Slack webhook of the simulator,
    /// with `extra` appended to its pi-planner.toml.
    fn start(extra: &str) -> Setup {
        let bench = Bench::start();
        let plan_file = bench.init();
        let webhook = bench.sim.slack().add_webhook("#pi-planning");
        let config = format!(
            "[notify.events]\npull = [\"slack\"]\npush = [\"slack\"]\nconflict = [\"slack\"]\n\
             failure = [\"slack\"]\napproval_given = [\"slack\"]\napproval_stale = [\"slack\"]\n\n\
             [notify.slack]\n\n{extra}"
        );
        std::fs::write(bench.repo().join("pi-planner.toml"), config).unwrap();
        Setup {
            bench,
            webhook,
            plan_file,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.bench.tpcli(args);
        cmd.env("PI_SLACK_WEBHOOK_URL", &self.webhook);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.command(args).output().unwrap();
        self.bench.assert_no_token(&out);
        out
    }

    /// The Slack messages' headers so far.
    fn headers(&self) -> Vec<String> {
        self.bench
            .sim
            .slack()
            .requests()
            .iter()
            .map(header)
            .collect()
    }
}

fn header(r: &SlackRequest) -> String {
    r.payload["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn section(r: &SlackRequest) -> String {
    r.payload["blocks"][1]["text"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn said(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_approval_the_plan_changed_after_is_announced_stale_once() {
    let s =
        Setup::start("[approvals]\nrequired = 1\napprovers = [{ email = \"bo@example.com\" }]\n");
    edit_plan(&s.plan_file, |p| p.objectives[0].effort = Effort::new(77.0));
    let file = s.plan_file.file_name().unwrap().to_str().unwrap();
    git(
        s.bench.repo(),
        &["commit", "-q", "-m", "Effort", "--", file],
    );
    let approved = s
        .command(&["plan", "approve"])
        .env("GIT_AUTHOR_NAME", "Bo Owner")
        .env("GIT_AUTHOR_EMAIL", "bo@example.com")
        .output()
        .unwrap();
    assert_eq!(approved.status.code(), Some(0), "{}", said(&approved));
    assert_eq!(s.headers().len(), 1, "{:?}", s.headers());

    // Jane changes the plan again: Bo's approval is of the plan before.
    edit_plan(&s.plan_file, |p| p.objectives[0].effort = Effort::new(78.0));
    let push = s.run(&["plan", "push"]);
    assert_eq!(push.status.code(), Some(1), "{}", said(&push));
    let slack = s.bench.sim.slack().requests();
    let stale: Vec<&SlackRequest> = slack
        .iter()
        .filter(|r| section(r).contains("no longer counts"))
        .collect();
    assert_eq!(stale.len(), 1, "{:?}", s.headers());
    let text = section(stale[0]);
    assert!(text.contains("bo@example.com"), "{text}");
    assert!(text.contains("0 of 1 approvals"), "{text}");

    // Told once: the next command finds it stale already.
    let again = s.run(&["plan", "push"]);
    assert_eq!(again.status.code(), Some(1));
    let stale_again = s
        .bench
        .sim
        .slack()
        .requests()
        .iter()
        .filter(|r| section(r).contains("no longer counts"))
        .count();
    assert_eq!(stale_again, 1);
}

#[test]
fn sync_all_and_resume_send_their_pulls_and_pushes() {
    let s = Setup::start("");
    let id = read_plan(&s.plan_file).objectives[0].id.tp().unwrap();
    s.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 31 }))
        .unwrap();
    edit_plan(&s.plan_file, |p| p.objectives[1].effort = Effort::new(44.0));
    let repo = s.bench.repo().to_str().unwrap().to_owned();
    let synced = s.run(&["plan", "sync-all", &repo]);
    assert_eq!(synced.status.code(), Some(0), "{}", said(&synced));
    let headers = s.headers();
    assert_eq!(headers.len(), 2, "{headers:?}");
    assert!(
        headers[0].starts_with(":white_check_mark: Pulled "),
        "{headers:?}"
    );
    assert!(headers[1].starts_with(":rocket: Pushed "), "{headers:?}");
    let slack = s.bench.sim.slack().requests();
    assert!(section(&slack[0]).contains("31"), "{}", section(&slack[0]));
    assert!(section(&slack[1]).contains("44"), "{}", section(&slack[1]));

    // A push whose answers are lost part-way, completed by `plan resume`.
    edit_plan(&s.plan_file, |p| {
        edit_many(p, "Added before the push stopped")
    });
    s.bench.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    let interrupted = s.run(&["plan", "push"]);
    s.bench.sim.control().set_faults(Faults::default());
    assert_ne!(interrupted.status.code(), Some(0), "{}", said(&interrupted));
    let before = s.headers().len();
    let resumed = s.run(&["plan", "resume"]);
    assert_eq!(resumed.status.code(), Some(0), "{}", said(&resumed));
    let headers = s.headers();
    assert_eq!(headers.len(), before + 1, "{headers:?}");
    assert!(
        headers[before].starts_with(":rocket: Pushed "),
        "{headers:?}"
    );
}

#[test]
fn a_watch_announces_a_pull_and_the_first_failed_look() {
    let s = Setup::start("");
    let id = read_plan(&s.plan_file).objectives[0].id.tp().unwrap();
    let mut child = s
        .command(&["plan", "watch", "--push", "never", "--poll", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("Watching"));
    s.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 29 }))
        .unwrap();
    let wait_for = |what: &dyn Fn(&[String]) -> bool| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if what(&s.headers()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("not announced: {:?}", s.headers());
    };
    wait_for(&|h| h.iter().any(|h| h.contains("Pulled ")));
    // Targetprocess answers 503 to every look: one failure, not one per look.
    s.bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    wait_for(&|h| h.iter().any(|h| h.starts_with(":x:")));
    std::thread::sleep(Duration::from_secs(4));
    let failures = s.headers().iter().filter(|h| h.starts_with(":x:")).count();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(failures, 1, "{:?}", s.headers());
}

/// Reads `child`'s stdout and stderr on threads; their lines so far.
fn output_lines(child: &mut std::process::Child) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
    let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
    for stream in [out, err] {
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
    }
    lines
}

/// Waits up to 90 s for `what` of the lines so far.
fn wait_lines(lines: &std::sync::Mutex<Vec<String>>, what: &dyn Fn(&[String]) -> bool) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(90) {
        if what(&lines.lock().unwrap()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("not seen: {:?}", lines.lock().unwrap());
}

fn count(lines: &[String], what: &str) -> usize {
    lines.iter().filter(|l| l.contains(what)).count()
}

/// `[alerts] failure_streak = 3` and the `alert` event sent to Slack.
const ALERTS: &str = "[alerts]\nfailure_streak = 3\n\n[notify.events]\nalert = [\"slack\"]\n";

/// Adds [`ALERTS`] to the pi-planner.toml at `config`.
fn alert_on_three_failures(config: &Path) {
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(config, text.replace("[notify.events]\n", ALERTS)).unwrap();
}

/// Runs `args` until `failed` looks in a row (`failed_line` counts them) went by after the 503s
/// began; returns every line it printed and the Slack alerts' headers.
fn watch_failing(
    s: &Setup,
    args: &[&str],
    failed_line: &str,
    failed: usize,
) -> (Vec<String>, Vec<String>) {
    let mut child = s
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = output_lines(&mut child);
    let alerts = || {
        s.headers()
            .into_iter()
            .filter(|h| h.starts_with(":rotating_light: Alert for "))
            .collect::<Vec<_>>()
    };
    wait_lines(&lines, &|l| l.iter().any(|l| l.contains("Watching")));
    std::thread::sleep(Duration::from_secs(2));
    assert!(alerts().is_empty(), "the looks work: {:?}", s.headers());
    s.bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    wait_lines(&lines, &|l| count(l, failed_line) >= failed);
    let _ = child.kill();
    let _ = child.wait();
    let said = lines.lock().unwrap().clone();
    (said, alerts())
}

#[test]
fn a_watch_whose_looks_keep_failing_raises_the_failure_streak_alert_once() {
    let s = Setup::start("");
    alert_on_three_failures(&s.bench.repo().join("pi-planner.toml"));
    // Four failed looks (each waits twice as long as the one before): the third alerts, the
    // fourth goes on with the same streak.
    let args = ["plan", "watch", "--push", "never", "--poll", "1"];
    let (lines, alerts) = watch_failing(&s, &args, "Could not reach Targetprocess", 4);
    let said: Vec<&String> = lines.iter().filter(|l| l.starts_with("alert: ")).collect();
    assert_eq!(said.len(), 1, "{lines:#?}");
    assert!(
        said[0].contains("the last 3 sync operations failed"),
        "{said:?}"
    );
    assert_eq!(alerts.len(), 1, "{:?}", s.headers());
    assert!(alerts[0].ends_with(": failure streak"), "{alerts:?}");
}

#[test]
fn each_team_of_a_train_watch_raises_its_failure_streak_alert_once() {
    let s = Setup::start("");
    let (art, teams) = crate::watch_train_cli::train(&s.bench);
    let team_list = teams.join(",");
    let args = [
        "plan",
        "watch",
        "--art",
        &art,
        "--teams",
        &team_list,
        "--root",
        "train",
        "--poll",
        "1",
        "--max-backoff",
        "1",
        "--listen",
        "127.0.0.1:0",
    ];
    let mut child = s
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = output_lines(&mut child);
    let folders = || -> Vec<PathBuf> {
        std::fs::read_dir(s.bench.repo().join("train"))
            .map(|d| {
                d.map(|e| e.unwrap().path())
                    .filter(|p| p.join(".git").is_dir())
                    .collect()
            })
            .unwrap_or_default()
    };
    let started = Instant::now();
    while folders().len() < teams.len() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(folders().len(), teams.len(), "{:?}", lines.lock().unwrap());
    std::thread::sleep(Duration::from_secs(2));
    // Each team's clone routes the `alert` event to Slack; `[alerts] failure_streak` is 3.
    for dir in folders() {
        std::fs::write(
            dir.join("pi-planner.toml"),
            format!("{ALERTS}\n[notify.slack]\n"),
        )
        .unwrap();
    }
    assert_eq!(count(&lines.lock().unwrap(), "alert: "), 0);
    s.bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    wait_lines(&lines, &|l| count(l, "alert: ") >= teams.len());
    let failed = count(&lines.lock().unwrap(), "Could not reach Targetprocess");
    // More failed looks of both teams: the same streaks, no second alert.
    wait_lines(&lines, &|l| {
        count(l, "Could not reach Targetprocess") >= failed + 4
    });
    let _ = child.kill();
    let _ = child.wait();
    let said: Vec<String> = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("alert: "))
        .cloned()
        .collect();
    assert_eq!(said.len(), teams.len(), "{said:#?}");
    for team in &teams {
        assert_eq!(
            said.iter().filter(|l| l.contains(team.as_str())).count(),
            1,
            "{team}: {said:#?}"
        );
    }
    let alerts: Vec<String> = s
        .headers()
        .into_iter()
        .filter(|h| h.starts_with(":rotating_light: Alert for "))
        .collect();
    assert_eq!(alerts.len(), teams.len(), "{:?}", s.headers());
}
