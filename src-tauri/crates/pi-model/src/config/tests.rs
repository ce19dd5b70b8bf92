//! Tests of the repository configuration parser.

use super::*;

#[test]
fn empty_file_gives_defaults() {
    let c = RepoConfig::from_toml_str("").unwrap();
    assert_eq!(c, RepoConfig::default());
    assert_eq!(c.validation.owner_required_on_committed, RuleLevel::Warning);
    assert_eq!(c.statuses.objective, None, "the account's workflows decide");
    assert_eq!(c.tp.team_objective_resource, "TeamPIObjectives");
}

#[test]
fn backup_keep_is_configurable_and_never_zero() {
    assert_eq!(RepoConfig::default().backup.keep, 14);
    let c = RepoConfig::from_toml_str("[backup]\nkeep = 3\n").unwrap();
    assert_eq!(c.backup.keep, 3);
    let e = RepoConfig::from_toml_str("[backup]\nkeep = 0\n").unwrap_err();
    assert!(e.to_string().contains("backup.keep"), "{e}");
    assert!(RepoConfig::from_toml_str("[backup]\nkeep = \"all\"\n").is_err());
}

#[test]
fn metrics_retention_is_configurable_and_never_zero() {
    assert_eq!(RepoConfig::default().metrics.retention_days, 180);
    let c = RepoConfig::from_toml_str("[metrics]\nretention_days = 30\n").unwrap();
    assert_eq!(c.metrics.retention_days, 30);
    let err = RepoConfig::from_toml_str("[metrics]\nretention_days = 0\n").unwrap_err();
    assert!(
        err.message.contains("metrics.retention_days"),
        "{}",
        err.message
    );
    let err = RepoConfig::from_toml_str("[metrics]\nretention = 30\n").unwrap_err();
    assert_eq!(err.line, 2, "{}", err.message);
}

#[test]
fn the_push_gate_is_on_unless_turned_off_and_a_bad_value_is_located() {
    assert!(RepoConfig::default().validation.block_push);
    let c = RepoConfig::from_toml_str("[validation]\nblock_push = false\n").unwrap();
    assert!(!c.validation.block_push);
    let err = RepoConfig::from_toml_str("[validation]\n\nblock_push = \"no\"\n").unwrap_err();
    assert_eq!((err.line, err.column), (3, 14), "{}", err.message);
    assert!(err.message.contains("bool"), "{}", err.message);
}

#[test]
fn tp_schema_names_are_configurable() {
    let c = RepoConfig::from_toml_str(
        "[tp]\nteam_objective_resource = \"Objectives\"\njira_key_field = \"Jira\"\n",
    )
    .unwrap();
    assert_eq!(c.tp.team_objective_resource, "Objectives");
    assert_eq!(c.tp.jira_key_field, "Jira");
    assert_eq!(c.tp.program_objective_resource, "ProgramPIObjectives");
    assert!(!c.tp.single_objective_link());
}

#[test]
fn a_single_reference_link_and_custom_business_value_are_configurable() {
    let c = RepoConfig::from_toml_str(
        "[tp]\nfeature_objectives_collection = \"TeamPIObjective\"\n\
         feature_objectives_link = \"reference\"\n\
         business_value_field = \"CustomFields.Business Value\"\n",
    )
    .unwrap();
    assert!(c.tp.single_objective_link());
    assert_eq!(
        TpSchema::custom_field(&c.tp.business_value_field),
        Some("Business Value")
    );
    assert_eq!(TpSchema::custom_field(&c.tp.committed_field), None);
    let bad = RepoConfig::from_toml_str("[tp]\nfeature_objectives_link = \"single\"\n");
    let err = bad.expect_err("an unknown link kind is refused");
    assert_eq!(err.line, 2, "{err:?}");
}

#[test]
fn reads_every_rule() {
    let c = RepoConfig::from_toml_str(
        r#"
[statuses]
objective = ["Pending", "Accepted"]

[validation]
effort_range = { min = 1, max = 40 }
owner_required_on_committed = "error"
acceptance_criteria_required_on_committed = "off"
max_objectives_per_team = { max = 10, level = "warning" }
allowed_statuses = { objective = ["Pending"], level = "warning" }
"#,
    )
    .unwrap();
    assert_eq!(
        c.statuses.objective.as_deref(),
        Some(&["Pending".to_owned(), "Accepted".to_owned()][..])
    );
    assert_eq!(c.statuses.feature, None);
    let r = c.validation.effort_range.unwrap();
    assert_eq!(
        (r.min, r.max, r.level),
        (Some(1.0), Some(40.0), RuleLevel::Error)
    );
    assert_eq!(c.validation.owner_required_on_committed, RuleLevel::Error);
    assert_eq!(
        c.validation.acceptance_criteria_required_on_committed,
        RuleLevel::Off
    );
    assert_eq!(c.validation.max_objectives_per_team.unwrap().max, 10);
    assert_eq!(
        c.validation.allowed_statuses.unwrap().objective.unwrap(),
        vec!["Pending"]
    );
}

#[test]
fn unknown_key_is_located() {
    let err = RepoConfig::from_toml_str("[validation]\nowner_requried = \"error\"\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert_eq!(err.column, 1);
    assert!(err.message.contains("owner_requried"), "{}", err.message);
}

#[test]
fn bad_level_and_inverted_range_are_rejected() {
    let err = RepoConfig::from_toml_str("[validation]\nowner_required_on_committed = \"loud\"\n")
        .unwrap_err();
    assert_eq!(err.line, 2);
    let err = RepoConfig::from_toml_str("[validation]\neffort_range = { min = 10, max = 1 }\n")
        .unwrap_err();
    assert!(err.message.contains("greater than max"), "{}", err.message);
}

#[test]
fn approvals_and_templates_are_read_and_checked() {
    let c = RepoConfig::from_toml_str(
        r#"
[approvals]
required = 2
approvers = [{ email = "bo@example.com", role = "business owner" }, { email = "rte@example.com" }]
required_roles = ["business owner"]
without_approval = ["status"]
signatures = "required"

[templates.features.spike]
name = "Spike"
acceptance_criteria = ["Findings written up"]

[templates.objectives.enablement]
name = "Platform enablement"
effort = 8
features = ["spike"]

[templates.plans.new-team]
objectives = ["enablement"]
"#,
    )
    .unwrap();
    assert_eq!(c.approvals.required, 2);
    assert_eq!(
        c.approvals.approvers[0].role.as_deref(),
        Some("business owner")
    );
    assert_eq!(c.approvals.without_approval, vec![Field::Status]);
    assert_eq!(c.approvals.signatures, SignatureRule::Required);
    assert!(!c.approvals.self_approval);
    assert_eq!(c.templates.objectives["enablement"].effort, Some(8.0));
    assert_eq!(
        RepoConfig::default().approvals.required,
        0,
        "gate off by default"
    );
    let err =
        RepoConfig::from_toml_str("[templates.plans.x]\nobjectives = [\"nope\"]\n").unwrap_err();
    assert!(
        err.message.contains("no objective template"),
        "{}",
        err.message
    );
}

#[test]
fn line_col_counts_characters() {
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("é\nx", 3), (2, 1));
    assert_eq!(line_col("", 10), (1, 1));
}
