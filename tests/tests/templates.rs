//! Templates: every objective, feature and plan template instantiates to a plan that passes
//! validation; adding from a template commits the plan file; unknown templates are named.

#![allow(clippy::unwrap_used)]

use pi_engine::templates::{self, Addition, Ids, TemplateError};
use pi_model::{EntityId, Plan, RepoConfig};
use pi_scenarios::*;

const TEMPLATES: &str = r#"
[validation]
acceptance_criteria_required_on_committed = "error"
owner_required_on_committed = "error"

[templates.features.spike]
name = "Spike"
description = "Time-boxed investigation."
status = "Funnel"
effort = 3
acceptance_criteria = ["Findings written up", "Decision recorded"]

[templates.features.rollout]
name = "Rollout"
acceptance_criteria = ["Enabled for every tenant"]

[templates.objectives.enablement]
name = "Platform enablement"
status = "Pending"
effort = 8
owner = "Jane Doe"
committed = true
business_value = 5
features = ["spike", "rollout"]

[templates.objectives.debt]
name = "Pay down tech debt"
features = ["spike"]

[templates.plans.new-team]
objectives = ["enablement", "debt"]
"#;

fn config() -> RepoConfig {
    RepoConfig::from_toml_str(TEMPLATES).unwrap()
}

fn empty_plan() -> Plan {
    let mut plan = Plan::default();
    plan.release.name = "PI-4/25".into();
    plan.team.name = "Platform Eco".into();
    plan
}

#[test]
fn every_template_passes_validation() {
    let config = config();
    let mut ids = Ids::new("k3x9");
    for name in config.templates.plans.keys() {
        let mut plan = empty_plan();
        templates::apply_plan_template(&mut plan, &config, name, &mut ids).unwrap();
        templates::check(&plan, &config).unwrap();
        // And the plan survives the file format.
        let text = pi_format::render(&plan);
        assert_eq!(pi_format::parse(&text).unwrap().plan, plan);
    }
    for name in config.templates.objectives.keys() {
        let mut plan = empty_plan();
        plan.objectives
            .push(templates::objective(&config, name, &mut ids).unwrap());
        templates::check(&plan, &config).unwrap();
    }
    let ids_seen: Vec<String> = {
        let mut plan = empty_plan();
        templates::apply_plan_template(&mut plan, &config, "new-team", &mut Ids::new("a1"))
            .unwrap();
        plan.objectives
            .iter()
            .flat_map(|o| {
                std::iter::once(o.id.to_string()).chain(o.features.iter().map(|f| f.id.to_string()))
            })
            .collect()
    };
    assert_eq!(
        ids_seen,
        vec![
            "new:enablement-a1",
            "new:spike-a1-2",
            "new:rollout-a1-3",
            "new:debt-a1-4",
            "new:spike-a1-5",
        ]
    );
}

#[test]
fn a_template_that_breaks_a_rule_is_refused() {
    // With the statuses configured, one outside them is an error (without, only a warning).
    let config = RepoConfig::from_toml_str(&format!(
        "{TEMPLATES}\n[statuses]\nobjective = [\"Draft\", \"Done\"]\n\n[templates.objectives.bad]\nname = \"No owner\"\ncommitted = true\nstatus = \"Nonsense\"\n"
    ))
    .unwrap();
    let mut plan = empty_plan();
    plan.objectives
        .push(templates::objective(&config, "bad", &mut Ids::new("z")).unwrap());
    let Err(TemplateError::Invalid(errors)) = templates::check(&plan, &config) else {
        panic!("a committed objective without an owner and an unknown status must fail")
    };
    assert!(
        errors.iter().any(|e| e.starts_with("known-status")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("owner-required")),
        "{errors:?}"
    );
    let err = templates::objective(&config, "nope", &mut Ids::new("z")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no objective template \"nope\"; known: bad, debt, enablement"
    );
}

#[tokio::test]
async fn adding_from_a_template_commits_the_plan_file() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    std::fs::write(dir.path().join(pi_model::CONFIG_FILE_NAME), TEMPLATES).unwrap();
    let me = jane();
    let before = ws.local().unwrap().objectives.len();
    let added = templates::add(
        &ws,
        &me,
        at(1),
        &Addition::Objective {
            template: "debt".into(),
            name: Some("Retire the old gateway".into()),
        },
        &mut Ids::new("q1"),
    )
    .unwrap();
    assert_eq!(
        added,
        vec![EntityId::Local(pi_model::LocalId::new("debt-q1").unwrap())]
    );
    let target = ws.local().unwrap().objectives[0].id.clone();
    templates::add(
        &ws,
        &me,
        at(2),
        &Addition::Feature {
            template: "rollout".into(),
            objective: target.clone(),
            name: None,
        },
        &mut Ids::new("q2"),
    )
    .unwrap();
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives.len(), before + 1);
    let new = plan.objectives.last().unwrap();
    assert_eq!(new.name, "Retire the old gateway");
    assert_eq!(new.features[0].name, "Spike");
    assert_eq!(plan.objectives[0].features.last().unwrap().name, "Rollout");
    let head = ws.repo.commit_info(&ws.names.working()).unwrap();
    assert_eq!(head.author.email, "jane@example.com");
    let committed = ws
        .repo
        .read_file(&ws.names.working(), &ws.plan_file())
        .unwrap()
        .unwrap();
    assert_eq!(
        String::from_utf8(committed).unwrap(),
        std::fs::read_to_string(plan_path(&ws)).unwrap()
    );
    // The push would create them.
    let change = pi_engine::approvals::current_change(&ws).unwrap();
    assert_eq!(change.ops.len(), 3, "{:?}", change.ops);
}
