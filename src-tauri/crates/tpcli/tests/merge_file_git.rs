//! The merge driver in real git repositories: `install-merge-driver` is idempotent, `git merge`
//! of adjacent-field edits and two epics added to one objective is clean with the driver and a
//! conflict without it, and a true same-field conflict leaves markers around that field only,
//! which `tpcli plan validate` reports at the right line.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use crate::merge_file_support;

use std::fs;
use std::path::Path;

use merge_file_support::*;
use pi_model::{Effort, Plan};

const FILE: &str = "pi-4-25.platform-eco.md";

/// A repo with the base plan committed on `main`, `local` committed on `main` and `remote` on
/// branch `tp` (both from the base).
fn repo(dir: &Path, local: &Plan, remote: &Plan, driver: bool) {
    git_ok(dir, &["init", "-q", "-b", "main"]);
    if driver {
        let out = tpcli(dir, &["plan", "install-merge-driver"]);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        git_ok(dir, &["add", ".gitattributes"]);
    }
    fs::write(dir.join("README.md"), "Plans of the Platform ART.\n").unwrap();
    write_plan(&dir.join(FILE), &base_plan());
    git_ok(dir, &["add", "."]);
    git_ok(dir, &["commit", "-q", "-m", "base"]);
    git_ok(dir, &["checkout", "-q", "-b", "tp"]);
    write_plan(&dir.join(FILE), remote);
    git_ok(dir, &["commit", "-q", "-am", "from Targetprocess"]);
    git_ok(dir, &["checkout", "-q", "main"]);
    write_plan(&dir.join(FILE), local);
    git_ok(dir, &["commit", "-q", "-am", "team edits"]);
}

fn sides() -> (Plan, Plan) {
    let base = base_plan();
    let (mut local, mut remote) = (base.clone(), base);
    local.objectives[0].effort = Effort::new(21.0);
    local.objectives[0].features.push(feature(300, "Audit log"));
    remote.objectives[0].owner = Some("Sarah Lee".into());
    remote.objectives[0].status = Some("In Progress".into());
    remote.objectives[0].features.push(feature(301, "SSO"));
    (local, remote)
}

#[test]
fn adjacent_edits_and_two_new_epics_merge_cleanly_only_with_the_driver() {
    let (local, remote) = sides();

    let plain = tempfile::tempdir().unwrap();
    repo(plain.path(), &local, &remote, false);
    let out = git(plain.path(), &["merge", "--no-edit", "tp"]);
    assert!(!out.status.success(), "git's line merge conflicts");
    let text_plain = fs::read_to_string(plain.path().join(FILE)).unwrap();
    assert!(!marker_lines(&text_plain).is_empty(), "{text_plain}");

    let with = tempfile::tempdir().unwrap();
    repo(with.path(), &local, &remote, true);
    let out = git(with.path(), &["merge", "--no-edit", "tp"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let merged = read_plan(&with.path().join(FILE));
    let o = &merged.objectives[0];
    assert_eq!(o.effort, Effort::new(21.0));
    assert_eq!(o.owner.as_deref(), Some("Sarah Lee"));
    assert_eq!(o.status.as_deref(), Some("In Progress"));
    let mut names: Vec<&str> = o.features.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Audit log", "SSO", "Self-service signup"]);
    assert_eq!(git_ok(with.path(), &["status", "--porcelain"]), "");
}

#[test]
fn same_field_conflict_is_marked_and_validate_points_at_it() {
    let base = base_plan();
    let (mut local, mut remote) = (base.clone(), base);
    local.objectives[0].effort = Effort::new(21.0);
    remote.objectives[0].effort = Effort::new(20.0);
    remote.objectives[1].owner = Some("Sarah Lee".into());
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path(), &local, &remote, true);
    let out = git(dir.path(), &["merge", "--no-edit", "tp"]);
    assert!(!out.status.success(), "a true conflict fails the merge");
    assert!(
        git_ok(dir.path(), &["diff", "--name-only", "--diff-filter=U"]).contains(FILE),
        "the plan file is unmerged"
    );
    let merged = fs::read_to_string(dir.path().join(FILE)).unwrap();
    let lines = marker_lines(&merged);
    assert_eq!(lines.len(), 1, "{merged}");
    let region: Vec<&str> = merged.lines().skip(lines[0] - 1).take(7).collect();
    assert_eq!(
        region,
        [
            "<<<<<<< local",
            "**Effort**: 21 points",
            "||||||| base",
            "**Effort**: 13 points",
            "=======",
            "**Effort**: 20 points",
            ">>>>>>> remote",
        ]
    );
    assert!(
        merged.contains("**Owner**: Sarah Lee"),
        "the clean change elsewhere is merged"
    );
    let out = tpcli(dir.path(), &["plan", "validate", FILE]);
    assert_eq!(code(&out), 1);
    let report = text(&out.stdout);
    let want = format!("{FILE}:{}:1: error:", lines[0]);
    assert!(report.contains(&want), "{report}");
    assert!(report.contains("[conflict-markers]"), "{report}");
}

#[test]
fn install_is_idempotent_and_leaves_other_markdown_to_git() {
    let dir = tempfile::tempdir().unwrap();
    git_ok(dir.path(), &["init", "-q", "-b", "main"]);
    fs::write(dir.path().join(".gitattributes"), "*.png binary\n").unwrap();
    let mut added = Vec::new();
    for _ in 0..2 {
        let out = tpcli(dir.path(), &["plan", "install-merge-driver", "--json"]);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            json["driver"]
                .as_str()
                .unwrap()
                .ends_with("plan merge-file %O %A %B")
        );
        added.push(json["added_attributes"].as_array().unwrap().len());
    }
    assert_eq!(added, vec![1, 0], "the second run adds nothing");
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitattributes")).unwrap(),
        "*.png binary\npi-*.md merge=pi-plan\n"
    );
    let drivers = git_ok(dir.path(), &["config", "--get-all", "merge.pi-plan.driver"]);
    assert_eq!(drivers.lines().count(), 1, "{drivers}");
    assert!(
        drivers.trim_end().ends_with("plan merge-file %O %A %B"),
        "{drivers}"
    );
    let attr = |f: &str| git_ok(dir.path(), &["check-attr", "merge", "--", f]);
    assert_eq!(attr(FILE).trim(), format!("{FILE}: merge: pi-plan"));
    assert_eq!(
        attr("plans/pi-5-25-data.md").trim(),
        "plans/pi-5-25-data.md: merge: pi-plan"
    );
    assert_eq!(attr("README.md").trim(), "README.md: merge: unspecified");

    let out = tpcli(
        dir.path(),
        &["plan", "install-merge-driver", "--repo", "nowhere"],
    );
    assert_eq!(code(&out), 2);
}
