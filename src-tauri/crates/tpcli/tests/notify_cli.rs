//! Notifications of real tpcli runs: a pull, a push, a conflict and a failed pull reach the
//! simulator's Slack (its request log: Block Kit with the outcome's emoji, the conflict's
//! `pi-planner://` link) and a real SMTP server on loopback (aiosmtpd writing a Maildir, read
//! back by Python's `email` parser); a Slack outage changes no exit code; the digest is sent
//! once a day per team with the before/after table of a changed effort.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use pi_sim::{Faults, SlackRequest};
use serde_json::Value;

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_plan, json, python_with, read_plan};

/// A Python that has aiosmtpd: `PI_SMTP_TEST_PYTHON`, the venv scripts/install-deps.sh makes,
/// or python3.
fn python() -> PathBuf {
    python_with(
        "aiosmtpd",
        "PI_SMTP_TEST_PYTHON",
        "aiosmtpd is not installed: run scripts/install-deps.sh",
    )
}

/// aiosmtpd on 127.0.0.1 delivering into a Maildir; stopped on drop.
struct Smtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    python: PathBuf,
}

impl Smtp {
    fn start() -> Smtp {
        let python = python();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtp {
            child,
            port,
            dir,
            python,
        }
    }

    /// Each delivered message in order: subject, type and its parts (type, decoded content).
    fn messages(&self) -> Vec<Value> {
        const READ: &str = r#"
import email, email.policy, json, os, sys
d = os.path.join(sys.argv[1], "new")
names = sorted(os.listdir(d), key=lambda n: os.path.getmtime(os.path.join(d, n))) if os.path.isdir(d) else []
out = []
for name in names:
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    out.append({"subject": m["Subject"], "to": m["To"], "type": m.get_content_type(),
                "parts": [{"type": p.get_content_type(), "content": p.get_content()} for p in m.iter_parts()]})
print(json.dumps(out))
"#;
        let out = Command::new(&self.python)
            .args(["-c", READ])
            .arg(self.dir.path().join("maildir"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bench with a plan, `[notify]` routing every event to Slack (a webhook of the simulator)
/// and e-mail (the SMTP server), and the webhook's URL.
struct Setup {
    bench: Bench,
    smtp: Smtp,
    webhook: String,
    plan_file: PathBuf,
}

impl Setup {
    fn start() -> Setup {
        let bench = Bench::start();
        let plan_file = bench.init();
        let smtp = Smtp::start();
        let webhook = bench.sim.slack().add_webhook("#pi-planning");
        let config = format!(
            "[notify.events]\npull = [\"slack\", \"email\"]\npush = [\"slack\", \"email\"]\n\
             conflict = [\"slack\", \"email\"]\nfailure = [\"slack\", \"email\"]\n\
             digest = [\"email\"]\n\n[notify.slack]\n\n[notify.email]\nhost = \"127.0.0.1\"\n\
             port = {}\nsecurity = \"plain\"\nfrom = \"PI Planner <pi@example.com>\"\n\
             to = [\"team@example.com\"]\nrecipients = {{ digest = [\"rte@example.com\"] }}\n",
            smtp.port
        );
        std::fs::write(bench.repo().join("pi-planner.toml"), config).unwrap();
        Setup {
            bench,
            smtp,
            webhook,
            plan_file,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self
            .bench
            .tpcli(args)
            .env("PI_SLACK_WEBHOOK_URL", &self.webhook)
            .output()
            .unwrap();
        self.bench.assert_no_token(&out);
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    fn slack(&self) -> Vec<SlackRequest> {
        self.bench.sim.slack().requests()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The Block Kit header and section texts of a Slack request.
fn blocks(r: &SlackRequest) -> (String, String) {
    let b = &r.payload["blocks"];
    assert_eq!(b[0]["type"], "header", "{:#}", r.payload);
    assert_eq!(b[1]["type"], "section", "{:#}", r.payload);
    (
        b[0]["text"]["text"].as_str().unwrap().to_owned(),
        b[1]["text"]["text"].as_str().unwrap().to_owned(),
    )
}

/// The text and HTML parts of a delivered message.
fn parts(m: &Value) -> (String, String) {
    assert_eq!(m["type"], "multipart/alternative", "{m:#}");
    let p = m["parts"].as_array().unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        (&p[0]["type"], &p[1]["type"]),
        (&"text/plain".into(), &"text/html".into())
    );
    (
        p[0]["content"].as_str().unwrap().to_owned(),
        p[1]["content"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_pull_a_push_and_a_conflict_reach_slack_and_email() {
    let s = Setup::start();
    let id = read_plan(&s.plan_file).objectives[0].id.tp().unwrap();
    s.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 31 }))
        .unwrap();
    s.ok(&["plan", "pull"]);
    let slack = s.slack();
    assert_eq!(slack.len(), 1);
    let (header, section) = blocks(&slack[0]);
    assert!(header.starts_with(":white_check_mark: Pulled "), "{header}");
    assert!(section.contains("31"), "{section}");
    assert_eq!(slack[0].channel.as_deref(), Some("#pi-planning"));
    let mail = s.smtp.messages();
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("[PI Planner] Pulled ")
    );
    assert_eq!(mail[0]["to"], "team@example.com");
    assert!(parts(&mail[0]).0.contains("31"));

    edit_plan(&s.plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(34.0)
    });
    s.ok(&["plan", "push"]);
    let (header, section) = blocks(&s.slack()[1]);
    assert!(header.starts_with(":rocket: Pushed "), "{header}");
    assert!(section.contains("34"), "{section}");
    let mail = s.smtp.messages();
    assert!(
        mail[1]["subject"]
            .as_str()
            .unwrap()
            .starts_with("[PI Planner] Pushed ")
    );

    // The same field changed on both sides: the pull's summary and an alert for the conflict.
    s.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    edit_plan(&s.plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(62.0)
    });
    assert_eq!(s.run(&["plan", "pull"]).status.code(), Some(1));
    let slack = s.slack();
    assert_eq!(slack.len(), 4, "{slack:#?}");
    assert!(blocks(&slack[2]).0.starts_with(":warning: Pulled "));
    let (header, section) = blocks(&slack[3]);
    assert!(
        header.starts_with(":large_orange_diamond: 1 conflict to resolve"),
        "{header}"
    );
    let link = format!("conflict=tp%3A{id}|Open in PI Planner>");
    assert!(section.contains("<pi-planner://open?plan="), "{section}");
    assert!(section.contains(&link), "{section}");
    let mail = s.smtp.messages();
    assert_eq!(mail.len(), 4);
    assert!(
        mail[3]["subject"]
            .as_str()
            .unwrap()
            .contains("1 conflict to resolve")
    );
    let (text, html) = parts(&mail[3]);
    assert!(text.contains(&format!("&conflict=tp%3A{id}")), "{text}");
    assert!(html.contains("pi-planner://open?plan="), "{html}");

    // A pull with the conflict still open alerts no second time.
    assert_eq!(s.run(&["plan", "pull"]).status.code(), Some(1));
    assert_eq!(s.slack().len(), 5);
}

#[test]
fn a_failed_pull_alerts_and_a_slack_outage_changes_no_exit_code() {
    let s = Setup::start();
    s.bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    let out = s.run(&["plan", "pull"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    s.bench.sim.control().set_faults(Faults::default());
    let slack = s.slack();
    assert_eq!(slack.len(), 1);
    let (header, section) = blocks(&slack[0]);
    assert!(header.starts_with(":x: pull of "), "{header}");
    assert!(section.contains("error code targetprocess_"), "{section}");
    assert!(section.contains("What to do:"), "{section}");
    let mail = s.smtp.messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0]["subject"].as_str().unwrap().ends_with(" failed"));
    assert!(parts(&mail[0]).0.contains("error code targetprocess_"));

    // Slack is gone: the pull still succeeds, says so on stderr, and e-mail still goes out.
    s.bench.sim.slack().fail_webhook(&s.webhook, "no_service");
    let out = s.run(&["plan", "pull"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("WARN notification not delivered channel=\"slack\" event=\"pull\""),
        "{err}"
    );
    assert!(
        !err.contains(&s.webhook),
        "the webhook URL is a secret: {err}"
    );
    assert_eq!(
        err.matches("not delivered").count(),
        1,
        "one warning: {err}"
    );
    let refused = s.slack().last().unwrap().status;
    assert!(
        (400..500).contains(&refused),
        "the webhook answered {refused}"
    );
    assert_eq!(s.smtp.messages().len(), 2);
}

#[test]
fn the_digest_is_sent_once_a_day_with_the_changed_effort() {
    let s = Setup::start();
    let before = read_plan(&s.plan_file).objectives[0].clone();
    let was = before
        .effort
        .map(pi_model::Effort::points)
        .unwrap_or_default();
    edit_plan(&s.plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(was + 5.0)
    });
    s.ok(&["plan", "push"]);
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();

    let printed = s.ok(&["plan", "digest", "--since", &yesterday]);
    assert!(printed.contains(&before.name), "{printed}");
    let mails = s.smtp.messages().len();
    assert_eq!(mails, 1, "printing sends nothing (the push's message only)");

    let args = ["plan", "digest", "--since", &yesterday, "--send", "--json"];
    let out = s.run(&args);
    crate::json_output_support::check(&args, &out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(v["sent"], "sent", "{v:#}");
    let row = &v["objectives"][0];
    assert_eq!(row["change"], "changed");
    assert_eq!(row["before"]["effort"], was);
    assert_eq!(row["after"]["effort"], was + 5.0);
    let mail = s.smtp.messages();
    assert_eq!(mail.len(), 2);
    assert_eq!(mail[1]["to"], "rte@example.com");
    assert!(
        mail[1]["subject"]
            .as_str()
            .unwrap()
            .starts_with("[PI Planner] Plan changes of ")
    );
    let (text, html) = parts(&mail[1]);
    assert!(text.contains(&before.name), "{text}");
    assert!(html.contains("<table"), "{html}");
    assert!(html.contains(&format!("{}", was + 5.0)), "{html}");
    let record = s.bench.repo().join(".git/pi-planner/digest-sent.json");
    assert!(record.is_file());

    // The same day again: refused, nothing sent, exit 0.
    let again = s.ok(&["plan", "digest", "--since", &yesterday, "--send"]);
    assert!(
        again.contains("already sent today: nothing sent"),
        "{again}"
    );
    assert_eq!(s.smtp.messages().len(), 2);
}

#[test]
fn a_failure_streak_and_a_conflict_spike_raise_one_alert_each_on_slack_and_email() {
    let s = Setup::start();
    let path = s.bench.repo().join("pi-planner.toml");
    let config = std::fs::read_to_string(&path).unwrap().replace(
        "[notify.events]\n",
        "[alerts]\nfailure_streak = 2\nconflict_spike = 1\n\n[notify.events]\nalert = [\"slack\", \"email\"]\n",
    );
    std::fs::write(&path, config).unwrap();
    let alerts = || -> Vec<(String, String)> {
        s.slack()
            .iter()
            .map(blocks)
            .filter(|(header, _)| header.starts_with(":rotating_light: Alert for "))
            .collect()
    };
    s.bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    assert_eq!(s.run(&["plan", "pull"]).status.code(), Some(2));
    assert!(alerts().is_empty(), "one failure is no streak");
    let out = s.run(&["plan", "pull"]);
    assert_eq!(out.status.code(), Some(2), "the alert changes no exit code");
    assert!(
        stderr(&out).contains("alert: ")
            && stderr(&out).contains("the last 2 sync operations failed"),
        "{}",
        stderr(&out)
    );
    let raised = alerts();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert!(raised[0].0.ends_with(": failure streak"), "{raised:?}");
    assert!(
        raised[0].1.contains("the last 2 sync operations failed")
            && raised[0].1.contains("targetprocess_"),
        "{raised:?}"
    );
    let mail = s.smtp.messages();
    let alert_mail: Vec<&Value> = mail
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().contains("failure streak"))
        .collect();
    assert_eq!(alert_mail.len(), 1, "{mail:#?}");
    assert!(
        parts(alert_mail[0])
            .0
            .contains("the last 2 sync operations failed")
    );
    // The streak goes on: no second alert.
    assert_eq!(s.run(&["plan", "pull"]).status.code(), Some(2));
    assert_eq!(alerts().len(), 1);

    // Back up, and a conflict: the spike threshold (1) is reached.
    s.bench.sim.control().set_faults(Faults::default());
    let id = read_plan(&s.plan_file).objectives[0].id.tp().unwrap();
    s.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    edit_plan(&s.plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(62.0)
    });
    assert_eq!(s.run(&["plan", "pull"]).status.code(), Some(1));
    let raised = alerts();
    assert_eq!(raised.len(), 2, "{raised:?}");
    assert!(raised[1].0.ends_with(": conflict spike"), "{raised:?}");
    assert!(raised[1].1.contains("1 conflict found since"), "{raised:?}");
}
