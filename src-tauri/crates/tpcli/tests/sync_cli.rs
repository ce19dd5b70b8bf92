//! Black-box runs of `tpcli plan` against a simulator started by the test: init, a text edit of
//! the plan file, a dry run that changes nothing, a push, status and log; and `tpcli auth`
//! without a keychain.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use sync_cli_support::*;

/// Replaces the first `**Effort**: N points` line; the objective's name and TP id and `N`.
fn edit_first_effort(plan_file: &std::path::Path, to: u32) -> (String, i64, String) {
    let text = std::fs::read_to_string(plan_file).unwrap();
    let plan = read_plan(plan_file);
    let objective = plan.objectives.iter().find(|o| o.effort.is_some()).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("**Effort**: "))
        .unwrap()
        .to_owned();
    let before = line
        .trim_start_matches("**Effort**: ")
        .trim_end_matches(" points")
        .to_owned();
    let edited = text.replacen(&line, &format!("**Effort**: {to} points"), 1);
    std::fs::write(plan_file, edited).unwrap();
    (objective.name.clone(), objective.id.tp().unwrap(), before)
}

#[test]
fn init_edit_dry_run_push_status_and_log() {
    let bench = Bench::start();
    let plan_file = bench.init();
    assert!(plan_file.is_file());
    let (name, id, before) = edit_first_effort(&plan_file, 21);
    let in_tp = bench.objective(id)["Effort"].clone();
    assert_eq!(
        in_tp.as_f64(),
        before.parse::<f64>().ok(),
        "the edited line was TP's value"
    );

    let preview = bench.ok(&["plan", "push", "--dry-run"]);
    let expected = format!("Effort {before} → 21 points on \"{name}\"");
    assert!(preview.contains(&expected), "{preview}");
    assert!(
        preview.starts_with("A push would send 1 operation:"),
        "{preview}"
    );
    assert_eq!(
        bench.objective(id)["Effort"],
        in_tp,
        "dry run changed nothing"
    );

    let pushed = bench.ok(&["plan", "push"]);
    assert!(pushed.contains(&format!("✓ {expected}")), "{pushed}");
    assert_eq!(bench.objective(id)["Effort"], 21.0);

    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    assert_eq!(status["local_changes"], serde_json::json!([]), "{status}");
    assert_eq!(status["unfinished_push_operations"], 0);

    let log = json(&bench.ok(&["plan", "log", "--json"]));
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["init", "push"]);
    let write = &log[1]["writes"][0];
    assert_eq!(write["field"], "effort");
    assert_eq!(write["name"], name.as_str());
    bench.fsck();
}

#[test]
fn progress_goes_to_stderr_and_results_to_stdout() {
    let bench = Bench::start();
    let plan_file = bench.init();
    edit_first_effort(&plan_file, 34);
    let out = bench.run(&["plan", "push"]);
    assert!(out.status.success());
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    // Not a terminal: plain lines, one per step.
    assert!(
        stderr.contains("Checking Targetprocess for changes to what you changed…"),
        "{stderr}"
    );
    assert!(stderr.contains("Pushing 1/1"), "{stderr}");
    assert!(!stdout.contains("Pushing"), "{stdout}");
    // --json: nothing on stderr, one JSON document on stdout.
    edit_first_effort(&plan_file, 35);
    let out = bench.run(&["plan", "push", "--json"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        json(&String::from_utf8(out.stdout).unwrap())["result"],
        "pushed"
    );
}

#[test]
fn without_a_token_commands_say_how_to_log_in() {
    let bench = Bench::start();
    bench.init();
    let out = bench
        .tpcli(&["plan", "pull"])
        .env_remove("TP_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let url = bench.sim.base_url();
    assert!(
        stderr.contains(&format!("run `tpcli auth login --tp-url {url}`")),
        "{stderr}"
    );
    assert!(stderr.contains("or set TP_TOKEN"), "{stderr}");
}

#[test]
fn auth_status_without_a_keychain_says_so() {
    let bench = Bench::start();
    let url = bench.sim.base_url();
    let out = bench
        .tpcli(&["auth", "status"])
        .env_remove("TP_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap().replace(&url, "URL");
    assert_eq!(
        stdout,
        "Cannot tell whether a token for URL is stored: the system keychain is not available \
         (on Linux: no Secret Service such as GNOME Keyring or KWallet on the session bus). \
         Set TP_TOKEN instead.\n"
    );
    let out = bench.run(&["auth", "status", "--json"]);
    let status = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(status["keychain"], "unavailable");
    assert_eq!(status["stored"], serde_json::Value::Null);
    assert_eq!(status["tp_token_set"], true);
}

#[test]
fn auth_login_refuses_a_token_targetprocess_does_not_accept() {
    use std::io::Write as _;
    let bench = Bench::start();
    let mut child = bench
        .tpcli(&["auth", "login"])
        .env_remove("TP_TOKEN")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let wrong = "d3JvbmctdG9rZW4tMTIz";
    writeln!(child.stdin.take().unwrap(), "{wrong}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("did not accept the token; nothing was stored"),
        "{stderr}"
    );
    assert!(!stderr.contains(wrong), "the token is not echoed: {stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(wrong));
}
