//! `tpcli doctor` against the simulator: a healthy clone, a broken token, an unreachable remote,
//! an unfinished push, and `[tp]` that does not match the account.

#![allow(clippy::unwrap_used)]

use pi_sim::{Faults, Profile, SimConfig};

use crate::sync_cli_support::*;

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check: {report}"))
}

fn doctor(bench: &Bench) -> (Option<i32>, serde_json::Value) {
    let out = bench.run(&["doctor", "--json"]);
    (
        out.status.code(),
        json(&String::from_utf8(out.stdout).unwrap()),
    )
}

#[test]
fn a_healthy_clone_passes_and_an_unfinished_push_fails_with_resume_as_the_fix() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let (code, report) = doctor(&bench);
    assert_eq!(code, Some(0), "{report}");
    for name in [
        "targetprocess",
        "schema",
        "clock",
        "unfinished_push",
        "conflicts",
        "lock",
        "disk",
    ] {
        assert_eq!(check(&report, name)["level"], "ok", "{name}: {report}");
    }
    assert_eq!(check(&report, "remote")["level"], "skipped");
    let text = bench.ok(&["doctor"]);
    assert!(text.contains("All checks passed."), "{text}");

    edit_plan(&plan_file, |p| {
        edit_many(p, "Sent while the answers were lost")
    });
    bench.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    bench.run(&["plan", "push"]);
    bench.sim.control().set_faults(Faults::default());
    let (code, report) = doctor(&bench);
    assert_eq!(code, Some(1));
    let push = check(&report, "unfinished_push");
    assert_eq!(push["level"], "fail");
    assert!(
        push["fix"].as_str().unwrap().contains("tpcli plan resume"),
        "{push}"
    );
}

#[test]
fn a_broken_token_fails_and_says_how_to_log_in() {
    let bench = Bench::start();
    bench.init();
    let out = bench
        .tpcli(&["doctor", "--json"])
        .env("TP_TOKEN", "not-the-token")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&String::from_utf8(out.stdout).unwrap());
    let tp = check(&report, "targetprocess");
    assert_eq!(tp["level"], "fail", "{report}");
    assert!(
        tp["detail"].as_str().unwrap().contains("refused the token"),
        "{tp}"
    );
    assert!(
        tp["fix"].as_str().unwrap().contains("tpcli auth login"),
        "{tp}"
    );
    assert!(!report.to_string().contains("not-the-token"));
}

#[test]
fn an_unreachable_remote_fails() {
    let bench = Bench::start();
    bench.init();
    let gone = bench.home.path().join("no-such-remote.git");
    let url = format!("file://{}", gone.display());
    let git = std::process::Command::new("git")
        .args(["remote", "add", "origin", &url])
        .current_dir(bench.repo())
        .status()
        .unwrap();
    assert!(git.success());
    let (code, report) = doctor(&bench);
    assert_eq!(code, Some(1));
    let remote = check(&report, "remote");
    assert_eq!(remote["level"], "fail", "{report}");
    assert!(
        remote["detail"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{remote}"
    );
}

#[test]
fn the_default_schema_against_an_enterprise_account_fails_outside_a_plan_folder_too() {
    let bench = Bench::start_with(SimConfig {
        control_api: true,
        ..SimConfig::for_profile(Profile::Enterprise)
    });
    // Outside a plan folder: the account checks only, against the default [tp].
    let (code, report) = doctor(&bench);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(check(&report, "plan")["level"], "skipped");
    let schema = check(&report, "schema");
    assert_eq!(schema["level"], "fail", "{report}");
    assert!(
        schema["fix"]
            .as_str()
            .unwrap()
            .contains("tpcli tp schema --write"),
        "{schema}"
    );
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"] != "unfinished_push")
    );
}
