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
