//! Black-box runs of `tpcli plan verify` against a simulator started by the test on loopback:
//! a fresh plan is consistent (exit 0), an edit made in Targetprocess behind the plan's back is
//! drift (exit 1, reported per entity and field) that `--repair` pulls in, and a local edit is
//! drift that `--repair` leaves alone.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use sync_cli_support::{Bench, edit_plan, json, read_plan};

fn verify(bench: &Bench, code: i32, args: &[&str]) -> String {
    let mut all = vec!["plan", "verify"];
    all.extend_from_slice(args);
    let out = bench.run(&all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "tpcli {all:?}\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn verify_reports_tp_drift_repairs_it_and_leaves_local_edits_alone() {
    let bench = Bench::start();
    let file = bench.init();
    let out = verify(&bench, 0, &[]);
    assert_eq!(
        out,
        "Consistent: the plan file, your last pull and Targetprocess agree.\n"
    );

    let id = read_plan(&file).objectives[0].id.tp().unwrap();
    bench
        .sim
        .control()
        .update_entity("TeamPIObjectives", id, serde_json::json!({"Effort": 55}))
        .unwrap();
    let v = json(&verify(&bench, 1, &["--json"]));
    assert_eq!(v["consistent"], false, "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["kind"], "tp_changed", "{v}");
    assert_eq!(findings[0]["change"]["entity"], format!("tp:{id}"), "{v}");
    assert!(verify(&bench, 1, &[]).contains("TP changed: pull"));

    let out = verify(&bench, 0, &["--repair"]);
    assert!(out.starts_with("Repaired: pulled 1 change"), "{out}");
    assert_eq!(
        read_plan(&file).objectives[0].effort,
        pi_model::Effort::new(55.0)
    );

    edit_plan(&file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(8.0)
    });
    let out = verify(&bench, 1, &["--repair"]);
    assert!(!out.contains("Repaired"), "{out}");
    assert!(out.contains("not pushed"), "{out}");
    assert_eq!(bench.objective(id)["Effort"], 55.0);
    assert_eq!(
        read_plan(&file).objectives[0].effort,
        pi_model::Effort::new(8.0)
    );
}

/// What an earlier version committed for a Targetprocess name with a line break: a snapshot on
/// the tracking branch that does not read, merged into the plan file.
fn break_snapshot(bench: &Bench) {
    let ws = pi_engine::Workspace::open(bench.repo()).unwrap();
    let mut plan = ws.base().unwrap().plan;
    plan.objectives[0].name = "Ship\nit".to_owned();
    let text = pi_format::render(&plan);
    let file = ws.plan_file();
    let stamp = pi_git::Stamp::new(
        pi_git::Identity::new("Jane Doe", "jane@example.com"),
        pi_git::When::utc(1_790_000_000),
    );
    let message = pi_git::CommitMessage::new("Pull from Targetprocess");
    let files: [(&str, &[u8]); 1] = [(file.as_str(), text.as_bytes())];
    ws.repo
        .commit_files(&ws.names.tracking(), &files, &message, &stamp)
        .unwrap();
    let change = pi_git::FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &message,
    };
    ws.repo
        .merge_commit(&ws.names.working(), &ws.names.tracking(), &change, &stamp)
        .unwrap();
}

#[test]
fn verify_repair_recovers_a_plan_whose_snapshot_does_not_read() {
    let bench = Bench::start();
    let file = bench.init();
    break_snapshot(&bench);
    let stuck = bench.run(&["plan", "pull"]);
    assert_eq!(stuck.status.code(), Some(2));

    let out = verify(&bench, 1, &[]);
    assert!(
        out.contains("cannot be read (written by an earlier version)")
            && out
                .contains("Next: rebuild the Targetprocess snapshot: `tpcli plan verify --repair`"),
        "{out}"
    );
    let out = verify(&bench, 0, &["--repair"]);
    assert!(
        out.starts_with("Repaired: rebuilt the Targetprocess snapshot that did not read"),
        "{out}"
    );
    assert!(read_plan(&file).objectives[0].name.len() > 1);
    bench.ok(&["plan", "pull"]);
    bench.ok(&["plan", "status"]);
}
