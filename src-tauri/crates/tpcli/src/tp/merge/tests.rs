use super::*;
use pi_model::{ObjectiveLink, TpSchema, Workflows};
use pi_targetprocess::{DiscoveryFinding, FindingSource};

fn finding(key: &str, source: FindingSource) -> DiscoveryFinding {
    DiscoveryFinding {
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
            business_value_field: "CustomFields.Business Value".into(),
            jira_key_field: "Jira Link".into(),
            ..TpSchema::default()
        },
        findings: vec![
            finding("feature_objectives_collection", FindingSource::Metadata),
            finding("business_value_field", FindingSource::CustomFields),
            finding("jira_key_field", FindingSource::CustomFields),
            finding("committed_field", FindingSource::NotFound),
        ],
        workflows: Workflows::default(),
        missing_resources: vec![],
    }
}

const EXISTING: &str = "# Our repository's settings.
[validation]
owner_required_on_committed = \"error\" # the BOs insist

[tp]
# Harbor's Jira key field
jira_key_field = \"Jira Key\"   # as of 2026
";

fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pi-planner.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn adds_what_is_missing_and_keeps_everything_else() {
    let (_dir, path) = file("[validation]\nowner_required_on_committed = \"error\" # keep me\n");
    let m = write(&path, &enterprise(), false).unwrap();
    assert!(m.written);
    assert_eq!(
        m.added,
        vec![
            "feature_objectives_collection",
            "feature_objectives_link",
            "business_value_field",
            "jira_key_field"
        ]
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("[validation]\nowner_required_on_committed = \"error\" # keep me\n"),
        "{text}"
    );
    assert!(
        !text.contains("committed_field"),
        "an undecided key is not written: {text}"
    );
    let config = pi_model::RepoConfig::from_toml_str(&text).unwrap();
    assert!(config.tp.single_objective_link());
    assert_eq!(
        config.tp.business_value_field,
        "CustomFields.Business Value"
    );
}

#[test]
fn a_differing_value_is_refused_without_force_and_nothing_is_written() {
    let (_dir, path) = file(EXISTING);
    let m = write(&path, &enterprise(), false).unwrap();
    assert!(!m.written);
    assert_eq!(m.conflicts.len(), 1);
    let c = &m.conflicts[0];
    assert_eq!(
        (c.key.as_str(), c.file.as_str(), c.found.as_str()),
        ("jira_key_field", "\"Jira Key\"", "\"Jira Link\"")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), EXISTING);
}

#[test]
fn force_replaces_the_value_and_keeps_its_comments() {
    let (_dir, path) = file(EXISTING);
    let m = write(&path, &enterprise(), true).unwrap();
    assert!(m.written);
    assert_eq!(m.replaced, vec!["jira_key_field"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# Harbor's Jira key field\njira_key_field = \"Jira Link\"   # as of 2026\n"),
        "{text}"
    );
    assert!(
        text.contains("owner_required_on_committed = \"error\" # the BOs insist"),
        "{text}"
    );
    let again = write(&path, &enterprise(), false).unwrap();
    assert!(!again.written, "nothing new to write");
    assert_eq!(again.unchanged.len(), 4);
}

#[test]
fn an_unreadable_file_is_named_and_left_alone() {
    let (_dir, path) = file("[tp\njira_key_field = 1\n");
    let err = write(&path, &enterprise(), true).unwrap_err().to_string();
    assert!(
        err.contains("pi-planner.toml: not valid TOML, nothing written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[tp\njira_key_field = 1\n"
    );
    let (_dir, path) = file("[tp]\nteam_objective_resource = 3\n");
    let err = write(&path, &enterprise(), true).unwrap_err().to_string();
    assert!(err.contains("would not be a valid configuration"), "{err}");
}

#[test]
fn a_missing_file_is_created_with_the_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pi-planner.toml");
    let m = write(&path, &enterprise(), false).unwrap();
    assert!(m.written);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("[tp]\nfeature_objectives_collection = \"TeamPIObjective\"\n"),
        "{text}"
    );
    assert_eq!(section(&enterprise()), text);
}
