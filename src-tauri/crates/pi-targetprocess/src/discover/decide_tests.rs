use super::*;

fn res(name: &str, plural: &str) -> Resource {
    Resource {
        name: name.into(),
        plural: plural.into(),
    }
}

fn field(name: &str, kind: FieldKind, ty: &str) -> FieldMeta {
    FieldMeta {
        name: name.into(),
        kind,
        ty: ty.into(),
    }
}

fn def(name: &str, entity_type: &str, field_type: &str) -> CustomDef {
    CustomDef {
        name: name.into(),
        entity_type: entity_type.into(),
        field_type: field_type.into(),
    }
}

#[test]
fn objective_resources_by_configured_name_else_by_words() {
    let listed = [
        res("Feature", "Features"),
        res("TeamObjective", "TeamObjectives"),
        res("ProgramObjective", "ProgramObjectives"),
    ];
    let (team, f) = objective_resource(
        &listed,
        "TeamPIObjectives",
        "team",
        "team_objective_resource",
    );
    assert_eq!(team, "TeamObjectives");
    assert_eq!(f.source, FindingSource::Metadata);
    assert!(
        f.message.contains("resource TeamObjectives"),
        "{}",
        f.message
    );
    let (program, _) = objective_resource(&listed, "ProgramPIObjectives", "program", "k");
    assert_eq!(program, "ProgramObjectives");
    let (kept, f) = objective_resource(
        &[res("Feature", "Features")],
        "TeamPIObjectives",
        "team",
        "k",
    );
    assert_eq!(
        (kept.as_str(), f.source),
        ("TeamPIObjectives", FindingSource::NotFound)
    );
    let (kept, f) = objective_resource(&[], "TeamPIObjectives", "team", "k");
    assert_eq!(kept, "TeamPIObjectives");
    assert!(f.message.contains("could not be read"), "{}", f.message);
}

#[test]
fn missing_resources_are_named() {
    let listed = [
        res("Feature", "Features"),
        res("Release", "Releases"),
        res("Team", "Teams"),
    ];
    assert_eq!(
        missing_resources(&listed),
        vec!["AgileReleaseTrain", "EntityState"]
    );
    assert!(
        missing_resources(&[]).is_empty(),
        "no index: nothing to compare"
    );
}

fn candidate(name: &str, kind: FieldKind, used: Option<usize>) -> LinkCandidate {
    LinkCandidate {
        name: name.into(),
        kind,
        used,
    }
}

#[test]
fn a_single_reference_link_is_found_in_metadata() {
    let fields = [
        field("Team", FieldKind::Reference, "Team"),
        field("TeamPIObjective", FieldKind::Reference, "TeamPIObjective"),
    ];
    let links = link_candidates(&fields, "TeamPIObjective");
    let mut schema = TpSchema::default();
    let f = objective_link(
        &links,
        0,
        FindingSource::Metadata,
        "TeamPIObjective",
        &mut schema,
    );
    assert_eq!(schema.feature_objectives_collection, "TeamPIObjective");
    assert_eq!(schema.feature_objectives_link, ObjectiveLink::Reference);
    assert_eq!(
        f.message,
        "features link to objectives through TeamPIObjective (a single reference: a feature serves one objective)"
    );
}

#[test]
fn among_several_link_fields_the_one_features_use_wins() {
    let links = [
        candidate("TeamPIObjectives", FieldKind::Collection, Some(0)),
        candidate("TeamPIObjective", FieldKind::Reference, Some(25)),
    ];
    let mut schema = TpSchema::default();
    let f = objective_link(
        &links,
        25,
        FindingSource::Metadata,
        "TeamPIObjective",
        &mut schema,
    );
    assert_eq!(schema.feature_objectives_collection, "TeamPIObjective");
    assert_eq!(schema.feature_objectives_link, ObjectiveLink::Reference);
    assert!(
        f.message
            .ends_with("; of 25 sample features, 25 use it, TeamPIObjectives is set on 0"),
        "{}",
        f.message
    );
    let unused = [
        candidate("Primary", FieldKind::Reference, Some(0)),
        candidate("TeamPIObjectives", FieldKind::Collection, Some(0)),
    ];
    let mut schema = TpSchema::default();
    objective_link(
        &unused,
        3,
        FindingSource::Metadata,
        "TeamPIObjective",
        &mut schema,
    );
    assert_eq!(
        schema.feature_objectives_collection, "TeamPIObjectives",
        "none used: the configured one"
    );
}

#[test]
fn a_sample_fills_in_and_nothing_keeps_the_configured_link() {
    let links = [candidate("Goal", FieldKind::Reference, None)];
    let mut schema = TpSchema::default();
    let f = objective_link(
        &links,
        0,
        FindingSource::Sample,
        "TeamPIObjective",
        &mut schema,
    );
    assert_eq!(
        (f.source, schema.feature_objectives_collection.as_str()),
        (FindingSource::Sample, "Goal")
    );
    assert!(f.message.contains("sample feature"), "{}", f.message);
    let mut untouched = TpSchema::default();
    let f = objective_link(
        &[],
        0,
        FindingSource::Metadata,
        "TeamPIObjective",
        &mut untouched,
    );
    assert_eq!(f.source, FindingSource::NotFound);
    assert_eq!(untouched, TpSchema::default());
}

#[test]
fn business_value_as_a_field_or_a_custom_field() {
    let own = [field("BusinessValue", FieldKind::Value, "Int32")];
    let custom = [
        def("Actual Business Value", "TeamPIObjective", "Number"),
        def("Business Value", "Feature", "Number"),
    ];
    let planned = ObjectiveValue {
        key: "business_value_field",
        what: "planned business value",
        matches: is_business_value,
        current: "BV".into(),
    };
    let found = value_candidates(&planned, Some(&own), &custom, "TeamPIObjective");
    let (name, f) = objective_value(&planned, &found, 0, None);
    assert_eq!(
        (name.as_deref(), f.source),
        (Some("BusinessValue"), FindingSource::Metadata)
    );
    let actual = ObjectiveValue {
        key: "actual_business_value_field",
        what: "actual business value",
        matches: is_actual_business_value,
        current: "ActualBusinessValue".into(),
    };
    let found = value_candidates(&actual, Some(&own), &custom, "TeamPIObjective");
    let (name, f) = objective_value(&actual, &found, 0, None);
    assert_eq!(name.as_deref(), Some("CustomFields.Actual Business Value"));
    assert_eq!(
        f.message,
        "actual business value is the custom field \"Actual Business Value\" of team objectives"
    );
    let committed = ObjectiveValue {
        key: "committed_field",
        what: "committed",
        matches: is_committed,
        current: "Committed".into(),
    };
    let found = value_candidates(&committed, None, &custom, "TeamPIObjective");
    let (name, f) = objective_value(&committed, &found, 0, None);
    assert_eq!((name, f.source), (None, FindingSource::NotFound));
}

#[test]
fn an_empty_leftover_field_loses_to_the_custom_field_in_use() {
    let own = [field("BusinessValue", FieldKind::Value, "Decimal")];
    let custom = [def("Business Value", "TeamPIObjective", "Number")];
    let planned = ObjectiveValue {
        key: "business_value_field",
        what: "planned business value",
        matches: is_business_value,
        current: "BusinessValue".into(),
    };
    let mut found = value_candidates(&planned, Some(&own), &custom, "TeamPIObjective");
    assert_eq!(found.len(), 2);
    found[0].used = Some(0);
    found[1].used = Some(30);
    let (name, f) = objective_value(&planned, &found, 30, None);
    assert_eq!(name.as_deref(), Some("CustomFields.Business Value"));
    assert_eq!(
        f.message,
        "planned business value is the custom field \"Business Value\" of team objectives; of 30 sample objectives, 30 have a value in it, 0 in BusinessValue"
    );
    for c in &mut found {
        c.used = Some(0);
    }
    let (name, _) = objective_value(&planned, &found, 30, Some(true));
    assert_eq!(
        name.as_deref(),
        Some("CustomFields.Business Value"),
        "placed like its sibling"
    );
    let (name, _) = objective_value(&planned, &found, 30, None);
    assert_eq!(
        name.as_deref(),
        Some("BusinessValue"),
        "else the configured name"
    );
}

#[test]
fn feature_custom_fields_by_configured_name_else_by_likeness() {
    let custom = [
        def("Epic Link", "Feature", "Text"),
        def("JIRA Issue", "Feature", "TemplatedURL"),
        def("Definition of Done", "Feature", "RichText"),
        def("Jira Key", "Epic", "TemplatedURL"),
    ];
    let (jira, f) = feature_custom(
        "jira_key_field",
        "the Jira key",
        "Jira Key",
        &custom,
        is_jira_key,
    );
    assert_eq!(jira.as_deref(), Some("JIRA Issue"), "{}", f.message);
    let (ac, _) = feature_custom(
        "acceptance_criteria_field",
        "acceptance criteria",
        "Acceptance Criteria",
        &custom,
        is_acceptance_criteria,
    );
    assert_eq!(ac.as_deref(), Some("Definition of Done"));
    let (none, f) = feature_custom(
        "jira_key_field",
        "the Jira key",
        "Jira Key",
        &[],
        is_jira_key,
    );
    assert_eq!((none, f.source), (None, FindingSource::NotFound));
}
