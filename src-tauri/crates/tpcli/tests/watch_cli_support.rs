//! Support for the black-box runs of `tpcli plan watch`: the watch as a child process whose
//! output is collected line by line, edits on both sides, and the checks every run ends with
//! (the file against Targetprocess, the planner's edits, the conflicts told).

#![allow(clippy::unwrap_used)] // test support: a failure here is a failed test

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pi_model::merge::Conflict;
use pi_model::{Effort, Field, Plan};

use crate::sync_cli_support::{Bench, OBJECTIVES, json, read_plan};

/// A running `tpcli plan watch` and every line it printed so far.
pub struct Watching {
    child: Child,
    lines: Lines,
}

impl Watching {
    /// `tpcli plan watch --push auto --poll POLL --quiet-period 0.2` in the bench's plan; returns once
    /// it says it is watching.
    pub fn start(bench: &Bench, poll: u64) -> Self {
        Self::start_with_env(bench, poll, &[])
    }

    /// [`Watching::start`] with these environment variables set.
    pub fn start_with_env(bench: &Bench, poll: u64, env: &[(&str, &str)]) -> Self {
        let mut child = spawn(bench, poll, env);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        collect(out, "", Arc::clone(&lines));
        collect(child.stderr.take().unwrap(), "stderr: ", Arc::clone(&lines));
        let w = Self { child, lines };
        w.wait_for_line("Watching ", Duration::from_secs(60));
        w
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub fn wait_for_line(&self, text: &str, timeout: Duration) {
        let found = poll_until(timeout, || self.lines().iter().any(|l| l.contains(text)));
        assert!(
            found,
            "the watch never said {text:?}:\n{}",
            self.lines().join("\n")
        );
    }

    /// SIGKILL: no cleanup runs.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then waits for the watch to stop after its step; its exit must be clean.
    pub fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the watch stopped with {status}");
        // The reader thread ends with the child's stdout.
        std::thread::sleep(Duration::from_millis(100));
        self.lines()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tpcli plan watch --push auto --poll POLL --quiet-period 0.2` in the bench's plan, with
/// these environment variables set, its standard output and error piped.
pub fn spawn(bench: &Bench, poll: u64, env: &[(&str, &str)]) -> Child {
    bench
        .tpcli(&[
            "plan",
            "watch",
            "--push",
            "auto",
            "--poll",
            &poll.to_string(),
            "--quiet-period",
            "0.2",
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Collects the lines `stream` prints into `lines`, each after `prefix`.
fn collect(stream: impl std::io::Read + Send + 'static, prefix: &'static str, lines: Lines) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(format!("{prefix}{line}"));
        }
    });
}

type Lines = Arc<Mutex<Vec<String>>>;

/// Polls `check` every 50 ms until it holds or `timeout` passes; whether it held.
pub fn poll_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Rewrites the plan file with `edit` applied, as an editor saves it: written in `scratch`
/// (on the same file system), then renamed over the plan file.
pub fn save(path: &Path, scratch: &Path, edit: impl Fn(&mut Plan)) {
    let tmp = scratch.join("plan-edit.tmp");
    // As an editor that notices the file changed on disk since it read it (the watch's pull
    // wrote it meanwhile) and makes the edit again on the new text, instead of saving over the
    // pulled values: that would be the planner reverting them, a real conflict.
    for _ in 0..100 {
        let read = std::fs::read_to_string(path).unwrap();
        let mut plan = pi_format::parse(&read)
            .unwrap_or_else(|e| panic!("the plan file parses: {e:?}"))
            .plan;
        edit(&mut plan);
        std::fs::write(&tmp, pi_format::render(&plan)).unwrap();
        if std::fs::read_to_string(path).unwrap() == read {
            std::fs::rename(&tmp, path).unwrap();
            return;
        }
    }
    panic!("{} kept changing under the edit", path.display());
}

/// Targetprocess's `Effort` and `Name` of an objective.
pub fn tp_objective(bench: &Bench, id: i64) -> (f64, String) {
    let o = bench.objective(id);
    (
        o["Effort"].as_f64().unwrap_or_default(),
        o["Name"].as_str().unwrap().to_owned(),
    )
}

/// Sets an objective's effort in Targetprocess as another planner would.
pub fn tp_set_effort(bench: &Bench, id: i64, effort: f64) {
    bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": effort }))
        .unwrap();
}

/// The open conflicts (`tpcli plan status --offline --json`) and the operations of an
/// interrupted push still open.
pub fn status(bench: &Bench) -> (Vec<Conflict>, u64) {
    let s = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    let conflicts = serde_json::from_value(s["conflicts"].clone()).unwrap();
    (conflicts, s["unfinished_push_operations"].as_u64().unwrap())
}

fn in_conflict(conflicts: &[Conflict], id: i64, field: Field) -> bool {
    conflicts
        .iter()
        .any(|c| c.entity.tp() == Some(id) && c.field == Some(field))
}

/// Fields of the plan's objectives where the file and Targetprocess differ and no conflict is
/// open; empty once they converged.
pub fn unconverged(bench: &Bench, plan_file: &Path, conflicts: &[Conflict]) -> Vec<String> {
    let plan = read_plan(plan_file);
    let mut out = Vec::new();
    for o in &plan.objectives {
        let Some(id) = o.id.tp() else {
            out.push(format!("{:?} has no Targetprocess id yet", o.name));
            continue;
        };
        let (effort, name) = tp_objective(bench, id);
        let file_effort = o.effort.map(Effort::points).unwrap_or_default();
        if file_effort != effort && !in_conflict(conflicts, id, Field::Effort) {
            out.push(format!(
                "tp:{id} effort: file {file_effort}, Targetprocess {effort}"
            ));
        }
        if o.name != name && !in_conflict(conflicts, id, Field::Name) {
            out.push(format!(
                "tp:{id} name: file {:?}, Targetprocess {name:?}",
                o.name
            ));
        }
    }
    out
}

/// The planner's last edits (objective id → name or effort) that are neither in Targetprocess
/// nor in an open conflict.
pub fn lost_edits(
    bench: &Bench,
    names: &BTreeMap<i64, String>,
    efforts: &BTreeMap<i64, f64>,
    conflicts: &[Conflict],
) -> Vec<String> {
    let mut lost = Vec::new();
    for (id, want) in names {
        if tp_objective(bench, *id).1 != *want && !in_conflict(conflicts, *id, Field::Name) {
            lost.push(format!("tp:{id} name {want:?}"));
        }
    }
    for (id, want) in efforts {
        if tp_objective(bench, *id).0 != *want && !in_conflict(conflicts, *id, Field::Effort) {
            lost.push(format!("tp:{id} effort {want}"));
        }
    }
    lost
}

/// Each open conflict is told exactly once in the watch's output.
pub fn assert_each_conflict_told_once(lines: &[String], conflicts: &[Conflict]) {
    for c in conflicts {
        let field = c
            .field
            .map_or_else(|| "presence".to_owned(), |f| f.to_string());
        let key = format!("({}), {field}:", c.entity);
        let told = lines
            .iter()
            .filter(|l| l.contains("Conflict on ") && l.contains(&key))
            .count();
        assert_eq!(
            told,
            1,
            "conflict {key} told {told} times:\n{}",
            lines.join("\n")
        );
    }
}

/// No API write sent Targetprocess a value it already held.
pub fn assert_no_redundant_write(bench: &Bench) {
    let redundant = bench.sim.control().unchanged_writes();
    assert!(redundant.is_empty(), "redundant writes: {redundant:?}");
}
