//! `tpcli plan decompose` against the simulator's Jira Cloud and Data Center: exactly one story
//! per acceptance criterion after a crash between Jira's answer and the journal (the process
//! exits there and is run again), after a lost answer and after a 5xx (sim faults), and none
//! more at a second run; then `tpcli plan pull` brings them under the feature.

#![allow(clippy::unwrap_used)] // tests

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use pi_model::{Criterion, JiraDeployment};
use pi_sim::{DataSource, Faults, GenSpec, SimConfig};

use crate::sync_cli_support::{Bench, edit_plan, read_plan};

const CRITERIA: [&str; 3] = [
    "A planner can pay with a saved card",
    "A refund shows on the statement within a day",
    "Declined cards say why",
];

struct Setup {
    bench: Bench,
    creds: (Option<String>, String),
    file: std::path::PathBuf,
}

fn setup(deployment: JiraDeployment) -> Setup {
    let bench = Bench::start_with(SimConfig {
        control_api: true,
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: 1,
            features_per_objective: 3,
            releases: 1,
        }),
        jira_deployment: deployment,
        jira_stories_per_feature: 1,
        ..SimConfig::default()
    });
    let name = match deployment {
        JiraDeployment::Cloud => "cloud",
        JiraDeployment::Datacenter => "datacenter",
    };
    let config = format!(
        "[jira]\nurl = \"{}\"\ndeployment = \"{name}\"\n",
        bench.sim.base_url()
    );
    std::fs::write(bench.repo().join(pi_model::CONFIG_FILE_NAME), config).unwrap();
    let creds = match deployment {
        JiraDeployment::Cloud => {
            let (email, token) = bench.sim.jira_credentials();
            (Some(email), token)
        }
        JiraDeployment::Datacenter => (None, bench.sim.jira_pat().to_owned()),
    };
    let mut s = Setup {
        bench,
        creds,
        file: std::path::PathBuf::new(),
    };
    let init = [
        "plan",
        "init",
        "--release",
        &s.bench.release.clone(),
        "--team",
        &s.bench.team.clone(),
        "--json",
    ]
    .map(str::to_owned);
    let args: Vec<&str> = init.iter().map(String::as_str).collect();
    let report: serde_json::Value = serde_json::from_slice(&ok(&s, &args).stdout).unwrap();
    s.file = report["plan_file"].as_str().unwrap().into();
    // Every feature gets the same three criteria (saved as the planner writes them).
    edit_plan(&s.file, |p| {
        for o in &mut p.objectives {
            for f in &mut o.features {
                f.acceptance_criteria = CRITERIA
                    .iter()
                    .map(|t| Criterion {
                        text: (*t).to_owned(),
                        done: false,
                    })
                    .collect();
            }
        }
    });
    s
}

fn attempt(s: &Setup, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = s.bench.tpcli(args);
    cmd.env("JIRA_TOKEN", &s.creds.1)
        .env_remove("JIRA_EMAIL")
        .env_remove("JIRA_URL");
    if let Some(email) = &s.creds.0 {
        cmd.env("JIRA_EMAIL", email);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    s.bench.assert_no_token(&out);
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(&s.creds.1));
    }
    crate::json_output_support::check(args, &out.stdout);
    out
}

fn ok(s: &Setup, args: &[&str]) -> Output {
    let out = attempt(s, args, &[]);
    assert!(
        out.status.success(),
        "tpcli {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The features' (id, epic key), in plan order.
fn features(file: &Path) -> Vec<(String, String)> {
    read_plan(file)
        .features()
        .map(|(_, f)| (f.id.to_string(), f.jira.as_ref().unwrap().key.clone()))
        .collect()
}

/// The issues Jira created (answered 201, whether or not the answer arrived), by label.
fn created_by_label(s: &Setup) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in s.bench.sim.control().jira_requests() {
        if r.method == "POST" && r.path.ends_with("/issue") && r.status == 201 {
            let label = r.body.as_ref().unwrap()["fields"]["labels"][0]
                .as_str()
                .unwrap()
                .to_owned();
            *out.entry(label).or_default() += 1;
        }
    }
    out
}

fn decompose(s: &Setup, feature: &str, env: &[(&str, &str)]) -> (Output, serde_json::Value) {
    let out = attempt(s, &["plan", "decompose", feature, "--json"], env);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

fn results(view: &serde_json::Value) -> Vec<String> {
    view["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["result"].as_str().unwrap().to_owned())
        .collect()
}

fn one_story_per_criterion(deployment: JiraDeployment) {
    let s = setup(deployment);
    let features = features(&s.file);
    let (crashed, dropped, failing) = (&features[0], &features[1], &features[2]);

    // The preview in planner words; nothing sent.
    let out = ok(&s, &["plan", "decompose", &crashed.0, "--dry-run"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("Will create 3 stories under {}", crashed.1)),
        "{text}"
    );
    assert!(text.contains(CRITERIA[1]), "{text}");
    assert!(created_by_label(&s).is_empty());

    // (a) The process exits right after Jira answered the second create, before the journal
    // recorded it; the next run finds that story by its label and creates only the third.
    let (out, _) = decompose(
        &s,
        &crashed.0,
        &[("PI_PLANNER_TEST_EXIT_AFTER_CREATE", "2")],
    );
    assert!(!out.status.success());
    assert_eq!(created_by_label(&s).len(), 2);
    let (out, view) = decompose(&s, &crashed.0, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        results(&view),
        ["already_created", "already_created", "created"]
    );
    assert_eq!(view["epic"], crashed.1.as_str());

    // (b) Every create applied and its answer lost: each story found by its label, not sent again.
    s.bench.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    let (out, view) = decompose(&s, &dropped.0, &[]);
    s.bench.sim.control().set_faults(Faults::default());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(results(&view), ["created", "created", "created"]);

    // A 5xx refuses the first create: looked for, not found, sent again.
    s.bench.sim.control().set_faults(Faults {
        jira_create_errors: 1,
        error_status: 500,
        ..Faults::default()
    });
    let (out, view) = decompose(&s, &failing.0, &[]);
    s.bench.sim.control().set_faults(Faults::default());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(results(&view), ["created", "created", "created"]);

    // Exactly one story per criterion and feature.
    let created = created_by_label(&s);
    assert_eq!(created.len(), 9, "{created:?}");
    assert!(created.values().all(|n| *n == 1), "{created:?}");

    // (c) A second run creates nothing and says what was created before.
    for f in &features {
        let (out, view) = decompose(&s, &f.0, &[]);
        assert!(out.status.success());
        assert_eq!(results(&view), ["already_created"; 3]);
        assert!(
            view["stories"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["key"].is_string())
        );
    }
    assert_eq!(created_by_label(&s).len(), 9);

    // The next pull brings them under their features.
    ok(&s, &["plan", "pull"]);
    let plan = read_plan(&s.file);
    for (_, f) in plan.features() {
        for c in CRITERIA {
            let n = f.stories.iter().filter(|st| st.summary == c).count();
            assert_eq!(n, 1, "{}: {c}", f.name);
        }
    }
}

#[test]
fn decompose_makes_one_story_per_criterion_on_jira_cloud() {
    one_story_per_criterion(JiraDeployment::Cloud);
}

#[test]
fn decompose_makes_one_story_per_criterion_on_jira_data_center() {
    one_story_per_criterion(JiraDeployment::Datacenter);
}

#[test]
fn decompose_names_a_feature_by_name_and_refuses_one_without_an_epic() {
    let s = setup(JiraDeployment::Cloud);
    let plan = read_plan(&s.file);
    let (_, first) = plan.features().next().unwrap();
    let name = first.name.clone();
    let epic = first.jira.as_ref().unwrap().key.clone();
    let out = ok(
        &s,
        &[
            "plan",
            "decompose",
            &name,
            "--story",
            "Only this",
            "--dry-run",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("Will create 1 story under {epic}")),
        "{text}"
    );
    edit_plan(&s.file, |p| p.objectives[0].features[0].jira = None);
    let out = attempt(&s, &["plan", "decompose", &name], &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("names no Jira epic"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(created_by_label(&s).is_empty());
}
