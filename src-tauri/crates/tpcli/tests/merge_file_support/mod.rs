//! Shared helpers for the `tpcli plan merge-file` and merge-driver tests: a small plan, running
//! tpcli and git in temp folders.

#![allow(dead_code, clippy::unwrap_used)] // helpers shared by several test targets

use std::path::Path;
use std::process::{Command, Output};

use pi_model::{Criterion, Effort, EntityId, Feature, FeatureKind, Named, Plan, TeamObjective};

pub fn tpcli(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tpcli"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tpcli runs");
    crate::json_output_support::check(args, &out.stdout);
    out
}

/// Runs git in `dir` with a fixed identity and no user or system config.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Planner")
        .env("GIT_AUTHOR_EMAIL", "planner@example.com")
        .env("GIT_COMMITTER_NAME", "Planner")
        .env("GIT_COMMITTER_EMAIL", "planner@example.com")
        .output()
        .expect("git runs")
}

/// git that must succeed.
pub fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub fn feature(id: i64, name: &str) -> Feature {
    Feature {
        id: EntityId::Tp(id),
        kind: FeatureKind::Epic,
        name: name.into(),
        description: "Lets a tenant admin sign up alone.".into(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: Some("John Smith".into()),
        acceptance_criteria: vec![Criterion {
            text: "signup takes < 2 minutes".into(),
            done: false,
        }],
        jira: None,
        stories: vec![],
    }
}

fn objective(id: i64, name: &str, features: Vec<Feature>) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: "Cut onboarding from days to hours.".into(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: Some("John Smith".into()),
        committed: true,
        business_value: Some(8),
        actual_business_value: None,
        program_objective: None,
        features,
    }
}

/// Two objectives; the first has one epic.
pub fn base_plan() -> Plan {
    Plan {
        art: Named {
            id: Some(11),
            name: "Platform ART".into(),
        },
        release: Named {
            id: Some(4425),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(77),
            name: "Platform Eco".into(),
        },
        objectives: vec![
            objective(
                100,
                "Faster onboarding",
                vec![feature(200, "Self-service signup")],
            ),
            objective(101, "Cheaper storage", vec![]),
        ],
        ..Plan::default()
    }
}

pub fn write_plan(path: &Path, plan: &Plan) {
    std::fs::write(path, pi_format::render(plan)).unwrap();
}

pub fn read_plan(path: &Path) -> Plan {
    let text = std::fs::read_to_string(path).unwrap();
    match pi_format::parse(&text) {
        Ok(p) => p.plan,
        Err(e) => panic!("{e}\n--- file ---\n{text}"),
    }
}

/// The 1-based line numbers of `<<<<<<<` markers.
pub fn marker_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("<<<<<<<"))
        .map(|(i, _)| i + 1)
        .collect()
}
