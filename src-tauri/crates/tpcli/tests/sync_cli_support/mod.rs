//! Black-box support for the `tpcli plan` sync tests: a simulator on 127.0.0.1 (port 0) inside
//! the test process, a private HOME and plan repository, and `tpcli` runs with a planner's
//! environment (TP_URL, TP_TOKEN, GIT_AUTHOR_*).

#![allow(dead_code, clippy::unwrap_used)] // shared by several test binaries; test set-up

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use pi_sim::{Faults, RunningSim, SimConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};
use tempfile::TempDir;

pub const OBJECTIVES: &str = "TeamPIObjectives";

/// A simulator, a HOME and a repository folder for one test.
pub struct Bench {
    // Field order is drop order: the simulator stops before its runtime.
    pub sim: RunningSim,
    rt: tokio::runtime::Runtime,
    pub home: TempDir,
    pub dir: TempDir,
    pub release: String,
    pub team: String,
}

impl Bench {
    pub fn start() -> Self {
        Self::start_with(SimConfig {
            control_api: true,
            ..SimConfig::default()
        })
    }

    /// A bench whose simulator runs `config` (e.g. an account with other schema names).
    pub fn start_with(config: SimConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = rt.block_on(pi_sim::start(config)).unwrap();
        let config = TpConfig::new(
            &sim.base_url(),
            Credentials::AccessToken(sim.access_token().to_owned()),
        )
        .unwrap();
        let client = TpClient::new(config).unwrap();
        let (release, team) = rt.block_on(async {
            let art = client.list_arts().await.unwrap()[0].id;
            let release = client.list_releases(art).await.unwrap()[0].name.clone();
            let team = client.list_teams(art).await.unwrap()[0].name.clone();
            (release, team)
        });
        Self {
            sim,
            rt,
            home: tempfile::tempdir().unwrap(),
            dir: tempfile::tempdir().unwrap(),
            release,
            team,
        }
    }

    pub fn repo(&self) -> &Path {
        self.dir.path()
    }

    /// `tpcli ARGS` as a planner runs it: no keychain reachable, the token in TP_TOKEN.
    pub fn tpcli(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tpcli"));
        cmd.args(args)
            .current_dir(self.repo())
            .env("TP_URL", self.sim.base_url())
            .env("TP_TOKEN", self.sim.access_token())
            .env("GIT_AUTHOR_NAME", "Jane Doe")
            .env("GIT_AUTHOR_EMAIL", "jane@example.com")
            .env("HOME", self.home.path())
            .env("XDG_RUNTIME_DIR", self.home.path())
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        cmd
    }

    /// Runs `tpcli ARGS`; the token never appears in what it prints.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.tpcli(args).output().unwrap();
        self.assert_no_token(&out);
        crate::json_output_support::check(args, &out.stdout);
        out
    }

    /// Runs `tpcli ARGS`, which must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tpcli {args:?} failed ({:?}):\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn assert_no_token(&self, out: &Output) {
        let token = self.sim.access_token();
        for stream in [&out.stdout, &out.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(token),
                "the access token was printed"
            );
        }
    }

    /// `tpcli plan init` of the first team's plan; the plan file.
    pub fn init(&self) -> PathBuf {
        let out = self.ok(&[
            "plan",
            "init",
            "--release",
            &self.release,
            "--team",
            &self.team,
            "--json",
        ]);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        PathBuf::from(report["plan_file"].as_str().unwrap())
    }

    pub fn set_latency(&self, latency: Duration) {
        self.sim.control().set_faults(Faults {
            latency,
            ..Faults::default()
        });
    }

    /// Objectives in Targetprocess named `name`.
    pub fn named(&self, name: &str) -> usize {
        let control = self.sim.control();
        control
            .ids(OBJECTIVES)
            .into_iter()
            .filter(|id| control.get_entity(OBJECTIVES, *id).unwrap()["Name"] == name)
            .count()
    }

    pub fn objective(&self, id: i64) -> serde_json::Value {
        self.sim.control().get_entity(OBJECTIVES, id).unwrap()
    }

    /// `git fsck --full --strict` of the repository is clean.
    pub fn fsck(&self) {
        let out = Command::new("git")
            .args(["fsck", "--full", "--strict"])
            .current_dir(self.repo())
            .env("HOME", self.home.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git fsck: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The plan file, parsed.
pub fn read_plan(path: &Path) -> pi_model::Plan {
    let text = std::fs::read_to_string(path).unwrap();
    pi_format::parse(&text)
        .unwrap_or_else(|e| panic!("the plan file parses: {e:?}"))
        .plan
}

/// Rewrites the plan file with `edit` applied.
pub fn edit_plan(path: &Path, edit: impl FnOnce(&mut pi_model::Plan)) {
    let mut plan = read_plan(path);
    edit(&mut plan);
    std::fs::write(path, pi_format::render(&plan)).unwrap();
}

/// Every objective gets a new effort (`40 + position`) and a new objective is added.
pub fn edit_many(plan: &mut pi_model::Plan, new_name: &str) {
    for (i, o) in plan.objectives.iter_mut().enumerate() {
        o.effort = pi_model::Effort::new(40.0 + i as f64);
    }
    let mut o = plan.objectives[0].clone();
    o.id = "new:added".parse().unwrap();
    o.name = new_name.to_owned();
    o.effort = pi_model::Effort::new(7.0);
    o.features.clear();
    plan.objectives.push(o);
}

/// TP holds what `edit_many` asked for, once; the plan file carries TP ids.
pub fn assert_converged(bench: &Bench, plan_file: &Path, new_name: &str) {
    assert_eq!(bench.named(new_name), 1, "the new objective exists once");
    let plan = read_plan(plan_file);
    assert!(
        plan.objectives.iter().all(|o| o.id.tp().is_some()),
        "ids written back"
    );
    for (i, o) in plan.objectives.iter().enumerate() {
        let want = if o.name == new_name {
            7.0
        } else {
            40.0 + i as f64
        };
        let tp = bench.objective(o.id.tp().unwrap());
        assert_eq!(
            tp["Effort"], want,
            "effort of {:?} in Targetprocess",
            o.name
        );
    }
}

/// Runs git in `dir` as Jane Doe; its output, trimmed. Fails the test when git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Jane Doe")
        .env("GIT_AUTHOR_EMAIL", "jane@example.com")
        .env("GIT_COMMITTER_NAME", "Jane Doe")
        .env("GIT_COMMITTER_EMAIL", "jane@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A Python that can import `module`: the one `env_var` names, the venv scripts/install-deps.sh
/// makes (`$PI_PLANNER_CACHE` or ~/.cache/pi-planner), or python3; else the test fails with
/// `missing`, which says how to install it.
pub fn python_with(module: &str, env_var: &str, missing: &str) -> PathBuf {
    let has = |p: &Path| {
        Command::new(p)
            .args(["-c", &format!("import {module}")])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cache = std::env::var_os("PI_PLANNER_CACHE")
        .map_or_else(|| home.join(".cache/pi-planner"), PathBuf::from);
    [
        std::env::var_os(env_var).map(PathBuf::from),
        Some(cache.join("venv/bin/python")),
        Some("python3".into()),
    ]
    .into_iter()
    .flatten()
    .find(|p| has(p))
    .unwrap_or_else(|| panic!("{missing}"))
}
