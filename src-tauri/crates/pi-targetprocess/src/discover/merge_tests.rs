use pi_model::{ObjectiveLink, TpSchema, Workflows};

use super::*;
use crate::discover::Finding;

fn finding(key: &str, source: FindingSource) -> Finding {
    Finding {
        key: Some(key.into()),
        source,
        message: format!("{key} decided"),
    }
}

fn enterprise() -> Discovery {
    Discovery {
        schema: TpSchema {
            feature_objectives_collection: "TeamPIObjective".into(),
            feature_objectives_link: ObjectiveLink::Reference,
            jira_key_field: "Jira Link".into(),
            ..TpSchema::default()
        },
        findings: vec![
            finding("feature_objectives_collection", FindingSource::Metadata),
            finding("jira_key_field", FindingSource::CustomFields),
            finding("committed_field", FindingSource::NotFound),
        ],
        workflows: Workflows::default(),
        missing_resources: vec![],
    }
}

const EXISTING: &str = "# Our settings.\n[tp]\njira_key_field = \"Jira Key\" # ours\n";

#[test]
fn names_the_text_lacks_are_added_after_what_it_says() {
    let m = enterprise()
        .merge_into("# kept\n[validation]\n", false)
        .unwrap();
    assert!(m.changed());
    assert_eq!(
        m.added,
        [
            "feature_objectives_collection",
            "feature_objectives_link",
            "jira_key_field"
        ]
    );
    assert!(m.text.starts_with("# kept\n[validation]\n"), "{}", m.text);
    assert!(!m.text.contains("committed_field"), "{}", m.text);
    let config = pi_model::RepoConfig::from_toml_str(&m.text).unwrap();
    assert!(config.tp.single_objective_link());
}

#[test]
fn a_differing_name_is_a_conflict_unless_forced_and_keeps_its_comment_when_replaced() {
    let refused = enterprise().merge_into(EXISTING, false).unwrap();
    assert!(!refused.changed());
    assert_eq!(refused.text, EXISTING);
    assert_eq!(
        refused.conflicts,
        [SchemaConflict {
            key: "jira_key_field".into(),
            file: "\"Jira Key\"".into(),
            found: "\"Jira Link\"".into(),
        }]
    );
    let forced = enterprise().merge_into(EXISTING, true).unwrap();
    assert!(forced.changed());
    assert_eq!(forced.replaced, ["jira_key_field"]);
    assert!(
        forced
            .text
            .contains("jira_key_field = \"Jira Link\" # ours\n"),
        "{}",
        forced.text
    );
    let again = enterprise().merge_into(&forced.text, false).unwrap();
    assert!(!again.changed());
    assert_eq!(again.unchanged.len(), 3);
}

#[test]
fn text_that_is_not_a_configuration_is_refused() {
    let err = enterprise().merge_into("[tp\n", true).unwrap_err();
    assert!(matches!(err, SchemaMergeError::NotToml(_)), "{err}");
    let err = enterprise()
        .merge_into("[tp]\nteam_objective_resource = 3\n", true)
        .unwrap_err();
    assert!(matches!(err, SchemaMergeError::Invalid(_)), "{err}");
    let err = enterprise().merge_into("tp = 1\n", true).unwrap_err();
    assert_eq!(err, SchemaMergeError::TpNotTable);
}

#[test]
fn the_section_lists_only_decided_names() {
    let section = enterprise().section();
    assert!(
        section.starts_with("[tp]\nfeature_objectives_collection = \"TeamPIObjective\"\n"),
        "{section}"
    );
    assert!(!section.contains("committed_field"), "{section}");
}
