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

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_many, edit_plan, read_plan};

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

fn git_commit(dir: &Path, file: &Path) {
    let out = Command::new("git")
        .args(["commit", "-q", "-m", "Effort", "--"])
        .arg(file.file_name().unwrap())
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Jane Doe")
        .env("GIT_AUTHOR_EMAIL", "jane@example.com")
        .env("GIT_COMMITTER_NAME", "Jane Doe")
        .env("GIT_COMMITTER_EMAIL", "jane@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_approval_the_plan_changed_after_is_announced_stale_once() {
    let s =
        Setup::start("[approvals]\nrequired = 1\napprovers = [{ email = \"bo@example.com\" }]\n");
    edit_plan(&s.plan_file, |p| p.objectives[0].effort = Effort::new(77.0));
    git_commit(s.bench.repo(), &s.plan_file);
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
