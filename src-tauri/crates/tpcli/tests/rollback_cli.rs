//! Black-box runs of `tpcli plan rollback` against a simulator started by the test on loopback:
//! init, an effort edit pushed, then a dry run of its rollback as JSON (nothing changes), an
//! unknown op id (exit 2), and the rollback itself (Targetprocess holds the old effort again).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pi_sim::{RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// A simulator on its own runtime, and a plan repository folder.
struct Bench {
    rt: tokio::runtime::Runtime,
    sim: Option<RunningSim>,
    dir: tempfile::TempDir,
}

impl Bench {
    fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = rt.block_on(pi_sim::start(SimConfig::default())).unwrap();
        Self {
            rt,
            sim: Some(sim),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn sim(&self) -> &RunningSim {
        self.sim.as_ref().unwrap()
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("plan")
    }

    fn tpcli(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tpcli"))
            .args(args)
            .arg("--repo")
            .arg(self.repo())
            .env("TP_URL", self.sim().base_url())
            .env("TP_TOKEN", self.sim().access_token())
            .env("GIT_AUTHOR_NAME", "Jane Doe")
            .env("GIT_AUTHOR_EMAIL", "jane@example.com")
            .env("GIT_COMMITTER_NAME", "Jane Doe")
            .env("GIT_COMMITTER_EMAIL", "jane@example.com")
            .output()
            .unwrap()
    }

    /// Runs `tpcli` and expects exit code `code`; returns stdout.
    fn expect(&self, code: i32, args: &[&str]) -> String {
        let out = self.tpcli(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "tpcli {args:?}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// The first release and team of the first ART.
    fn first_team(&self) -> (String, String) {
        let config = TpConfig::new(
            &self.sim().base_url(),
            Credentials::AccessToken(self.sim().access_token().to_owned()),
        )
        .unwrap();
        let client = TpClient::new(config).unwrap();
        self.rt.block_on(async {
            let art = client.list_arts().await.unwrap()[0].id;
            let release = client.list_releases(art).await.unwrap()[0].name.clone();
            let team = client.list_teams(art).await.unwrap()[0].name.clone();
            (release, team)
        })
    }

    fn effort_in_tp(&self, id: i64) -> serde_json::Value {
        self.sim()
            .control()
            .get_entity("TeamPIObjectives", id)
            .unwrap()["Effort"]
            .clone()
    }

    fn writes_seen(&self) -> usize {
        self.sim()
            .control()
            .request_log()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        if let Some(sim) = self.sim.take() {
            self.rt.block_on(sim.shutdown());
        }
    }
}

/// The plan file of the repository (the only markdown file under `plans/`).
fn plan_file(repo: &Path) -> PathBuf {
    let found = walk(repo)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md") && !p.starts_with(repo.join(".git")));
    found.expect("init wrote a plan file")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != ".git") {
                out.extend(walk(&path));
            }
        } else {
            out.push(path);
        }
    }
    out
}

/// Sets the first objective's effort to `to` in the plan file; its TP id.
fn edit_first_effort(file: &Path, to: f64) -> i64 {
    let text = std::fs::read_to_string(file).unwrap();
    let mut plan = pi_format::parse(&text).unwrap().plan;
    plan.objectives[0].effort = pi_model::Effort::new(to);
    std::fs::write(file, pi_format::render(&plan)).unwrap();
    plan.objectives[0].id.tp().unwrap()
}

#[test]
fn rollback_dry_run_json_shows_the_compensating_push_and_changes_nothing() {
    let bench = Bench::start();
    let (release, team) = bench.first_team();
    bench.expect(0, &["plan", "init", "--release", &release, "--team", &team]);
    let file = plan_file(&bench.repo());
    let id = edit_first_effort(&file, 34.0);
    let before = bench.effort_in_tp(id);
    bench.expect(0, &["plan", "push", "--json"]);
    assert_eq!(bench.effort_in_tp(id), 34.0);

    let (writes, text) = (bench.writes_seen(), std::fs::read_to_string(&file).unwrap());
    let out = bench.expect(0, &["plan", "rollback", "--dry-run", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"], "dry_run", "{v}");
    let op_id = v["op_id"].as_str().unwrap().to_owned();
    assert!(op_id.starts_with("push-"), "{v}");
    assert_eq!(v["operations"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["operations"][0]["op"], "update_objective", "{v}");
    let summary = v["summary"][0].as_str().unwrap();
    assert!(summary.starts_with("Effort 34 → "), "{summary}");
    assert_eq!(v["conflicts"], serde_json::json!([]));
    assert_eq!(bench.writes_seen(), writes, "a dry run sends no write");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(bench.effort_in_tp(id), 34.0);

    let out = bench.tpcli(&["plan", "rollback", "push-404", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("push-404") && stderr.contains(&op_id),
        "{stderr}"
    );

    let out = bench.expect(0, &["plan", "rollback", &op_id]);
    assert!(
        out.starts_with(&format!("Rolled back {op_id} with 1 operation.")),
        "{out}"
    );
    assert_eq!(bench.effort_in_tp(id), before);
}
