//! A token stays with the URL it was given for: a teammate pushes the plan's branches with the
//! front matter's `tp_url` pointing at a listener of theirs; the victim's `tpcli plan pull`
//! (token in TP_TOKEN, no TP_URL) is refused with a clear message and the listener receives
//! nothing — whether the teammate's branches are still to be integrated, already taken in by
//! an older clone, or in a clone that recorded no URL.

#![allow(clippy::unwrap_used)]

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use crate::sync_cli_support;

use sync_cli_support::*;

/// A loopback listener recording every byte sent to it (it never answers).
struct Listener {
    origin: String,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Listener {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        // Ends with the test process; it only ever reads.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                sink.lock().unwrap().extend_from_slice(b"<connection>");
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(500)));
                let mut buf = [0; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            }
        });
        Self { origin, seen }
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }
}

fn git(bench: &Bench, dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Mallory", "-c", "user.email=m@example.com"])
        .args(args)
        .current_dir(dir)
        .env("HOME", bench.home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

struct Clones {
    bare: PathBuf,
    a: PathBuf,
    b: PathBuf,
    plan_file: String,
    tracking: String,
    working: String,
}

/// Two clones of one shared remote under the bench's HOME: `a` starts the plan, `b` joins.
fn two_clones(bench: &Bench) -> Clones {
    let root = bench.home.path();
    let bare = root.join("shared.git");
    git(
        bench,
        root,
        &["init", "--bare", "-q", bare.to_str().unwrap()],
    );
    let mut report = serde_json::Value::Null;
    for name in ["a", "b"] {
        let dir = root.join(name);
        let out = bench.ok(&[
            "plan",
            "init",
            "--release",
            &bench.release,
            "--team",
            &bench.team,
            "--remote",
            bare.to_str().unwrap(),
            "--repo",
            dir.to_str().unwrap(),
            "--json",
        ]);
        report = serde_json::from_str(&out).unwrap();
    }
    assert_eq!(report["joined"], true, "b joined a's plan");
    let plan_path = PathBuf::from(report["plan_file"].as_str().unwrap());
    let b = root.join("b");
    Clones {
        plan_file: plan_path
            .strip_prefix(&b)
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        tracking: report["tracking_branch"].as_str().unwrap().to_owned(),
        working: report["working_branch"].as_str().unwrap().to_owned(),
        bare,
        a: root.join("a"),
        b,
    }
}

/// In `a`, the teammate points the front matter's `tp_url` at `url` on the tracking branch,
/// takes that into the working branch and pushes both, with plain git.
fn teammate_moves_the_account(bench: &Bench, c: &Clones, url: &str) {
    git(bench, &c.a, &["checkout", "-q", &c.tracking]);
    let file = c.a.join(&c.plan_file);
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().find(|l| l.starts_with("tp_url:")).unwrap();
    std::fs::write(&file, text.replace(line, &format!("tp_url: {url}"))).unwrap();
    git(bench, &c.a, &["commit", "-q", "-am", "Targetprocess moved"]);
    git(bench, &c.a, &["checkout", "-q", &c.working]);
    git(bench, &c.a, &["merge", "-q", "--ff-only", &c.tracking]);
    git(
        bench,
        &c.a,
        &["push", "-q", "origin", &c.tracking, &c.working],
    );
}

/// `tpcli plan pull` in `dir` as the victim runs it: TP_TOKEN set, no TP_URL.
fn victim_pull(bench: &Bench, dir: &Path) -> Output {
    let out = bench
        .tpcli(&["plan", "pull", "--repo", dir.to_str().unwrap()])
        .env_remove("TP_URL")
        .output()
        .unwrap();
    bench.assert_no_token(&out);
    out
}

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn a_teammates_tp_url_never_receives_the_token() {
    let bench = Bench::start();
    let listener = Listener::start();
    let c = two_clones(&bench);
    let sim_url = bench.sim.base_url();
    teammate_moves_the_account(&bench, &c, &listener.origin);

    // The pull that would integrate the teammate's branches refuses them; so does the next.
    for _ in 0..2 {
        let stderr = refused(&victim_pull(&bench, &c.b));
        assert!(
            stderr.contains(&format!(
                "Targetprocess address changed on the shared remote ({}): from {sim_url} to {}",
                c.tracking, listener.origin
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("run again with --tp-url {}", listener.origin)),
            "{stderr}"
        );
    }

    // A clone that took the branches in before (an older version of tpcli): its front matter
    // names the listener now, but this clone was set up for the simulator.
    git(&bench, &c.b, &["fetch", "-q", "origin"]);
    let theirs = format!("origin/{}", c.tracking);
    git(&bench, &c.b, &["branch", "-f", &c.tracking, &theirs]);
    git(
        &bench,
        &c.b,
        &["reset", "-q", "--hard", &format!("origin/{}", c.working)],
    );
    let stderr = refused(&victim_pull(&bench, &c.b));
    assert!(
        stderr.contains(&format!(
            "the plan names Targetprocess {} but this clone was set up for {sim_url}",
            listener.origin
        )),
        "{stderr}"
    );

    // A clone with no URL recorded (set up by an older version, or by git clone): TP_TOKEN
    // names no URL, so it goes to none read from the repository.
    for entry in std::fs::read_dir(c.b.join(".git/pi-planner")).unwrap() {
        let _ = std::fs::remove_file(entry.unwrap().path().join("tp-url"));
    }
    let stderr = refused(&victim_pull(&bench, &c.b));
    assert!(
        stderr.contains("TP_TOKEN is only sent to a Targetprocess URL you configured"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("run once with --tp-url {}", listener.origin)),
        "{stderr}"
    );

    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        listener.received(),
        "",
        "the teammate's listener got a request"
    );
    assert!(c.bare.exists());
}

#[test]
fn credentials_in_a_given_url_are_dropped_with_a_warning() {
    let bench = Bench::start();
    let sim_url = bench.sim.base_url();
    let with_secrets =
        sim_url.replace("http://", "http://ann:pw-4711@") + "/?access_token=T0K-4711";
    let out = bench
        .tpcli(&[
            "plan",
            "init",
            "--release",
            &bench.release,
            "--team",
            &bench.team,
            "--json",
        ])
        .env("TP_URL", &with_secrets)
        .output()
        .unwrap();
    bench.assert_no_token(&out);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "carried a user name or password and a query; dropped, using {sim_url}"
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("pw-4711") && !stderr.contains("T0K-4711"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan_file = PathBuf::from(report["plan_file"].as_str().unwrap());
    let text = std::fs::read_to_string(&plan_file).unwrap();
    assert!(text.contains(&format!("tp_url: {sim_url}\n")), "{text}");
    assert!(!text.contains("pw-4711") && !text.contains("T0K-4711"));
    // A URL that does not parse is shown without what looks like credentials.
    let out = bench
        .tpcli(&["plan", "pull"])
        .env(
            "TP_URL",
            "htp://ann:pw-4711@bad host/?access_token=T0K-4711",
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad Targetprocess URL htp://bad host/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("pw-4711") && !stderr.contains("T0K-4711"),
        "{stderr}"
    );
}
