//! E-mail through a real SMTP server on loopback: aiosmtpd (installed by
//! scripts/install-deps.sh) writes each message it accepts into a Maildir; Python's own `email`
//! parser reads them back so the MIME structure is checked by a real MIME parser.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use pi_model::Effort;
use pi_notify::{Digest, Event, Given, Notifier, Row, Side};
use serde_json::Value;

use crate::support::{config, conflict, failure, plan, pull};

/// A Python with aiosmtpd: `PI_SMTP_TEST_PYTHON`, the venv install-deps.sh makes, or python3.
fn python() -> PathBuf {
    let has = |p: &Path| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cache = std::env::var_os("PI_PLANNER_CACHE")
        .map_or_else(|| home.join(".cache/pi-planner"), PathBuf::from);
    let candidates = [
        std::env::var_os("PI_SMTP_TEST_PYTHON").map(PathBuf::from),
        Some(cache.join("venv/bin/python")),
        Some("python3".into()),
    ];
    candidates.into_iter().flatten().find(|p| has(p)).unwrap_or_else(|| {
        panic!("aiosmtpd is not installed: run scripts/install-deps.sh (it installs aiosmtpd==1.4.6 into ~/.cache/pi-planner/venv)")
    })
}

/// aiosmtpd on 127.0.0.1 with a Maildir (created by aiosmtpd in a fresh folder); stopped on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
    python: PathBuf,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let python = python();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            maildir,
            python,
        }
    }

    /// Each delivered message, parsed by Python's `email` package (policy=default).
    fn messages(&self) -> Vec<Value> {
        const READ: &str = r#"
import email, email.policy, json, os, sys
d = os.path.join(sys.argv[1], "new")
out = []
for name in sorted(os.listdir(d), key=lambda n: os.path.getmtime(os.path.join(d, n))):
    with open(os.path.join(d, name), "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    parts = [{"type": p.get_content_type(), "charset": p.get_content_charset(),
              "encoding": p.get("Content-Transfer-Encoding"), "content": p.get_content()}
             for p in m.iter_parts()]
    out.append({"type": m.get_content_type(), "subject": m["Subject"], "from": m["From"],
                "to": m["To"], "date": m["Date"], "mime": m["MIME-Version"], "parts": parts})
print(json.dumps(out))
"#;
        let out = Command::new(&self.python)
            .args(["-c", READ])
            .arg(self.maildir.path().join("maildir"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn config(&self, events: &str) -> pi_model::NotifyConfig {
        config(&format!(
            "[notify.events]\n{events}\n[notify.email]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nfrom = \"PI Planner <pi@example.com>\"\nto = [\"team@example.com\"]\nrecipients = {{ digest = [\"rte@example.com\", \"po@example.com\"] }}\n",
            self.port
        ))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn side(name: &str, effort: f64, status: &str) -> Option<Side> {
    Some(Side {
        name: name.into(),
        effort: Effort::new(effort),
        status: Some(status.into()),
        committed: true,
    })
}

fn digest() -> Event {
    let row = |objective: &str, feature: Option<&str>, before, after| Row {
        objective: objective.into(),
        feature: feature.map(Into::into),
        before,
        after,
    };
    Event::Digest(Box::new(Digest {
        plan: plan(),
        since: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        until: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        objectives: vec![row(
            "Checkout",
            None,
            side("Checkout", 5.0, "Planned"),
            side("Checkout", 8.0, "In Progress"),
        )],
        features: vec![row(
            "Checkout",
            Some("Card vault – €"),
            None,
            side("Card vault – €", 3.0, "Planned"),
        )],
        total_before: 5.0,
        total_after: 8.0,
    }))
}

#[tokio::test]
async fn sync_events_and_the_digest_arrive_as_text_and_html() {
    let server = SmtpServer::start();
    let n = Notifier::new(&server.config("pull = [\"email\"]\nconflict = [\"email\"]\nfailure = [\"email\"]\ndigest = [\"email\"]"), &Given::default());
    for event in [pull(), conflict(), failure(), digest()] {
        let d = n.send(&event).await;
        assert_eq!((d.sent, d.failed), (1, 0), "{:?}", d.failures);
    }
    let mail = server.messages();
    assert_eq!(mail.len(), 4);
    for m in &mail {
        assert_eq!(m["type"], "multipart/alternative");
        assert_eq!(m["mime"], "1.0");
        assert_eq!(m["from"], "PI Planner <pi@example.com>");
        assert!(m["date"].as_str().is_some_and(|d| !d.is_empty()));
        let types: Vec<&str> = m["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["text/plain", "text/html"]);
        assert!(
            m["parts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["charset"] == "utf-8")
        );
    }
    assert_eq!(mail[0]["to"], "team@example.com");
    assert_eq!(
        mail[0]["subject"],
        "[PI Planner] Pulled Falcons (PI 26.1): 1 change from Targetprocess"
    );
    let conflict_text = mail[1]["parts"][0]["content"].as_str().unwrap();
    assert!(
        conflict_text.contains("pi-planner://open?plan=pi-26-1%2Ffalcons&conflict=TP-42"),
        "{conflict_text}"
    );
    let conflict_html = mail[1]["parts"][1]["content"].as_str().unwrap();
    assert!(
        conflict_html.contains("Checkout &lt;fast&gt;"),
        "HTML escapes user text: {conflict_html}"
    );
    assert!(
        mail[2]["parts"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Targetprocess answered 503")
    );

    let digest = &mail[3];
    assert_eq!(digest["to"], "rte@example.com, po@example.com");
    assert_eq!(
        digest["subject"],
        "[PI Planner] Plan changes of Falcons (PI 26.1) since 2026-11-23"
    );
    let text = digest["parts"][0]["content"].as_str().unwrap();
    assert!(
        text.contains("changed  Checkout  5              8             Planned → In Progress"),
        "{text}"
    );
    assert!(
        text.contains("added   Card vault – € (Checkout)  –              3"),
        "{text}"
    );
    assert!(text.contains("Total objective effort: 5 → 8"), "{text}");
    let html = digest["parts"][1]["content"].as_str().unwrap();
    assert!(
        html.contains("<th>Effort before</th><th>Effort after</th>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<td>changed</td><td>Checkout</td><td>5</td><td>8</td><td>Planned → In Progress</td>"
        ),
        "{html}"
    );
    let encodings: Vec<&str> = digest["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["encoding"].as_str().unwrap())
        .collect();
    assert!(
        encodings
            .iter()
            .all(|e| ["quoted-printable", "base64"].contains(e)),
        "non-ASCII text is encoded: {encodings:?}"
    );
}

#[tokio::test]
async fn a_server_that_is_gone_is_counted_and_plain_smtp_stays_on_loopback() {
    let server = SmtpServer::start();
    let config = server.config("failure = [\"email\"]");
    drop(server);
    let d = Notifier::new(&config, &Given::default())
        .send(&failure())
        .await;
    assert_eq!((d.sent, d.failed), (0, 1));
    assert!(
        d.failures[0].starts_with("email: the SMTP server 127.0.0.1:"),
        "{:?}",
        d.failures
    );
    let mut remote = config.email.clone().unwrap();
    remote.host = "smtp.example.com".into();
    let e = pi_notify::Mailer::new(&remote, None).unwrap_err();
    assert!(
        e.to_string().contains("only allowed to this machine"),
        "{e}"
    );
    remote.security = pi_model::SmtpSecurity::Starttls;
    remote.user = Some("pi@example.com".into());
    let e = pi_notify::Mailer::new(&remote, None).unwrap_err();
    assert!(e.to_string().contains("PI_SMTP_PASSWORD"), "{e}");
}
