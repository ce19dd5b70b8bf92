//! Disaster recovery, black-box: a backup taken while a push is interrupted (answers lost after
//! Targetprocess applied the writes), the clone deleted, restored from the backup, and the push
//! completed by `tpcli plan resume` with nothing lost or sent twice.

#![allow(clippy::unwrap_used)]

use pi_sim::Faults;

use crate::sync_cli_support::*;

const NEW: &str = "Added before the clone was lost";

#[test]
fn a_clone_lost_during_an_interrupted_push_is_restored_and_the_push_completed() {
    let bench = Bench::start();
    let plan_file = bench.init();
    let objectives_before = bench.sim.control().count(OBJECTIVES);
    edit_plan(&plan_file, |p| edit_many(p, NEW));
    // Every write lands in Targetprocess but its answer is lost: the push stops part-way.
    bench.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    let push = bench.run(&["plan", "push"]);
    bench.sim.control().set_faults(Faults::default());
    assert_ne!(push.status.code(), Some(0), "the push was interrupted");
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    let left = status["unfinished_push_operations"].as_u64().unwrap();
    assert!(left > 0, "{status}");

    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("plan.pi-backup");
    bench.ok(&["plan", "backup", "--to", file.to_str().unwrap()]);
    // The clone is lost.
    for entry in std::fs::read_dir(bench.repo()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
    let restored = bench.ok(&["plan", "restore", file.to_str().unwrap(), "--to", "."]);
    assert!(restored.contains("tpcli plan resume"), "{restored}");
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    assert_eq!(
        status["unfinished_push_operations"], left,
        "the journal came back"
    );
    let doctor = bench.run(&["doctor"]);
    assert_eq!(
        doctor.status.code(),
        Some(1),
        "the interrupted push needs fixing"
    );

    let resumed = bench.ok(&["plan", "resume"]);
    assert!(resumed.contains("Pushed"), "{resumed}");
    let again = json(&bench.ok(&["plan", "push", "--json"]));
    assert_eq!(again["result"], "nothing_to_push", "{again}");
    assert_converged(&bench, &plan_file, NEW);
    assert_eq!(
        bench.sim.control().count(OBJECTIVES),
        objectives_before + 1,
        "one objective created, none twice"
    );
    bench.fsck();
}

#[test]
fn a_damaged_backup_or_a_used_folder_is_refused_with_nothing_written() {
    let bench = Bench::start();
    bench.init();
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("plan.pi-backup");
    bench.ok(&["plan", "backup", "--to", file.to_str().unwrap()]);
    let target = backups.path().join("restored");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    let damaged = backups.path().join("damaged.pi-backup");
    std::fs::write(&damaged, &bytes).unwrap();
    let out = bench.run(&[
        "plan",
        "restore",
        damaged.to_str().unwrap(),
        "--to",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("damaged") || stderr.contains("checksum"),
        "{stderr}"
    );
    assert!(!target.exists(), "nothing was written");
    let out = bench.run(&[
        "plan",
        "restore",
        file.to_str().unwrap(),
        "--to",
        bench.repo().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
}

#[test]
fn scheduled_backups_into_a_folder_keep_the_newest() {
    let bench = Bench::start();
    bench.init();
    std::fs::write(bench.repo().join("pi-planner.toml"), "[backup]\nkeep = 2\n").unwrap();
    let backups = tempfile::tempdir().unwrap();
    let dir = format!("{}/", backups.path().display());
    for _ in 0..3 {
        bench.ok(&["plan", "backup", "--to", &dir]);
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let kept = std::fs::read_dir(backups.path()).unwrap().count();
    assert_eq!(kept, 2);
}
