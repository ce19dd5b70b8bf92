//! Black-box runs of sign-off and templates against a simulator started by the test on
//! loopback: `init --template`, a push refused for want of approval (exit 1), the author's own
//! approval refused, a business owner's approval, `approvals --json`, the push going through,
//! the audit trail as CSV, and `new objective --template`.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use sync_cli_support::Bench;

const CONFIG: &str = r#"
[approvals]
required = 1
approvers = [{ email = "ana@example.com", role = "business owner" }]
required_roles = ["business owner"]

[templates.features.spike]
name = "Spike"
acceptance_criteria = ["Findings written up"]

[templates.objectives.enablement]
name = "Platform enablement"
features = ["spike"]

[templates.objectives.debt]
name = "Pay down tech debt"

[templates.plans.new-team]
objectives = ["enablement"]
"#;

/// Runs `tpcli` as `who` and expects exit code `code`; returns stdout.
fn expect(bench: &Bench, (name, email): (&str, &str), code: i32, args: &[&str]) -> String {
    let out = bench
        .tpcli(args)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .output()
        .unwrap();
    bench.assert_no_token(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "tpcli {args:?}\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The name Targetprocess holds for the plan's objective called `name` (by its TP id).
fn objective_name_in_tp(bench: &Bench, name: &str) -> Option<String> {
    let file = pi_git::BranchNames::for_plan(&bench.release, &bench.team).plan_file();
    let text = std::fs::read_to_string(bench.repo().join(file)).unwrap();
    let plan = pi_format::parse(&text).unwrap().plan;
    let id = plan.objectives.iter().find(|o| o.name == name)?.id.tp()?;
    bench.objective(id)["Name"].as_str().map(str::to_owned)
}

const JANE: (&str, &str) = ("Jane Doe", "jane@example.com");
const ANA: (&str, &str) = ("Ana Lee", "ana@example.com");

#[test]
fn sign_off_gates_the_push_and_lands_in_the_audit_trail() {
    let bench = Bench::start();
    let (release, team) = (bench.release.clone(), bench.team.clone());
    std::fs::write(bench.repo().join("pi-planner.toml"), CONFIG).unwrap();
    let out = expect(
        &bench,
        JANE,
        0,
        &[
            "plan",
            "init",
            "--release",
            &release,
            "--team",
            &team,
            "--template",
            "new-team",
        ],
    );
    assert!(out.contains("from template:   1 new objectives"), "{out}");

    let out = expect(&bench, JANE, 1, &["plan", "push"]);
    assert_eq!(
        out.lines().next().unwrap(),
        "Not pushed: 0 of 1 approvals; waiting for a business owner; run `tpcli plan approvals` \
         to see them, or push with --override REASON."
    );
    let out = expect(&bench, JANE, 1, &["plan", "approve"]);
    assert_eq!(
        out.trim(),
        "Not approved: jane@example.com is not an approver of this plan (see [approvals] in \
         pi-planner.toml)."
    );
    let out = expect(
        &bench,
        ANA,
        0,
        &["plan", "approve", "--comment", "Fits the budget"],
    );
    assert!(
        out.starts_with("approved (1 of 1 approvals) — change sha256:"),
        "{out}"
    );
    assert!(
        out.contains("approved: Ana Lee <ana@example.com>, business owner at "),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&expect(&bench, JANE, 0, &["plan", "approvals", "--json"])).unwrap();
    assert_eq!(json["met"], true);
    assert_eq!(json["approvals"][0]["standing"]["standing"], "valid");

    expect(&bench, JANE, 0, &["plan", "push"]);
    assert_eq!(
        objective_name_in_tp(&bench, "Platform enablement"),
        Some("Platform enablement".to_owned())
    );

    let csv = expect(&bench, JANE, 0, &["plan", "audit", "--csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "at,kind,actor,change,summary,note,sent");
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows[1].contains(",approval,Ana Lee <ana@example.com>,sha256:"),
        "{csv}"
    );
    assert!(
        rows[1].contains(",Approved 2 operations,Fits the budget,"),
        "{csv}"
    );
    assert!(
        rows[2].contains(",push,Jane Doe <jane@example.com>,,"),
        "{csv}"
    );
    assert!(rows[2].contains("created"), "{csv}");

    // A new objective from a template makes a new change set: approvals start over.
    let out = expect(
        &bench,
        JANE,
        0,
        &["plan", "new", "objective", "--template", "debt"],
    );
    assert!(out.starts_with("Added new:debt-"), "{out}");
    let out = expect(&bench, JANE, 1, &["plan", "approvals"]);
    assert!(
        out.starts_with("0 of 1 approvals; waiting for a business owner"),
        "{out}"
    );
    let out = expect(
        &bench,
        JANE,
        1,
        &["plan", "new", "objective", "--template", "nope"],
    );
    assert_eq!(
        out.trim(),
        "Not added: no objective template \"nope\"; known: debt, enablement."
    );
}
