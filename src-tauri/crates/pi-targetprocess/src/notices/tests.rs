use super::*;
use serde_json::json;

fn item(v: Value) -> WorkItem {
    serde_json::from_value(v).expect("work item JSON")
}

fn objective(id: i64) -> WorkItem {
    item(
        json!({"Id": id, "Name": "O", "EntityState": {"Id": 1, "Name": "Planned"},
        "Committed": true, "BusinessValue": 3, "ActualBusinessValue": null}),
    )
}

/// A feature of the enterprise shape: linked through `TeamPIObjective`, its `TeamPIObjectives`
/// collection empty.
fn loose_feature(id: i64) -> WorkItem {
    item(
        json!({"Id": id, "Name": "F", "EntityState": {"Id": 2, "Name": "Planned"},
        "TeamPIObjectives": {"Items": []},
        "CustomFields": [{"Name": "Jira Link", "Value": "HBR-1"}]}),
    )
}

#[test]
fn features_linked_through_another_field_are_said_with_the_field_and_the_fix() {
    let schema = TpSchema::default();
    let objectives = [objective(1)];
    let objectives: Vec<&WorkItem> = objectives.iter().collect();
    let features = [loose_feature(7), loose_feature(5)];
    let hint = LinkHint {
        field: "TeamPIObjective".into(),
        single: true,
    };
    let notices = plan_notices(&ReadFacts {
        schema: &schema,
        objectives: &objectives,
        features: &features,
        placed: &[],
        hint: Some(&hint),
    });
    let kinds: Vec<NoticeKind> = notices.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [NoticeKind::UnlinkedFeatures, NoticeKind::NoFeatures]
    );
    assert_eq!(notices[0].ids, [5, 7]);
    for n in &notices {
        assert!(
            n.message.contains(
                "features link to objectives through `TeamPIObjective` (a single reference); \
                 `[tp] feature_objectives_collection` is `TeamPIObjectives`"
            ),
            "{}",
            n.message
        );
        assert!(
            n.message
                .contains("feature_objectives_link = \"reference\"")
        );
    }
    assert!(
        notices[0]
            .message
            .starts_with("2 features of the release are linked to no team objective")
    );
    assert!(notices[1].message.contains("the release has 2 features"));
}

#[test]
fn a_plan_whose_features_belong_to_other_teams_says_so_and_a_placed_plan_says_nothing() {
    let schema = TpSchema::default();
    let own = [objective(1)];
    let own: Vec<&WorkItem> = own.iter().collect();
    let other = item(
        json!({"Id": 9, "Name": "F", "EntityState": {"Id": 2, "Name": "Done"},
        "TeamPIObjectives": {"Items": [{"Id": 77}]},
        "CustomFields": [{"Name": "Jira Key", "Value": null}, {"Name": "Acceptance Criteria", "Value": null}]}),
    );
    let features = [other];
    let notices = plan_notices(&ReadFacts {
        schema: &schema,
        objectives: &own,
        features: &features,
        placed: &[],
        hint: None,
    });
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].kind, NoticeKind::NoFeatures);
    assert!(notices[0].message.contains("other teams' objectives"));
    let placed: Vec<&WorkItem> = features.iter().collect();
    let quiet = plan_notices(&ReadFacts {
        schema: &schema,
        objectives: &own,
        features: &features,
        placed: &placed,
        hint: None,
    });
    assert_eq!(quiet, [], "nothing missing, nothing said");
}

#[test]
fn custom_fields_that_no_entity_has_are_named_with_those_it_has() {
    let schema = TpSchema {
        business_value_field: "CustomFields.Business Value".into(),
        ..TpSchema::default()
    };
    let objectives = [objective(1)];
    let objectives: Vec<&WorkItem> = objectives.iter().collect();
    let features = [loose_feature(3)];
    let placed: Vec<&WorkItem> = features.iter().collect();
    let notices = plan_notices(&ReadFacts {
        schema: &schema,
        objectives: &objectives,
        features: &features,
        placed: &placed,
        hint: None,
    });
    let messages: Vec<&str> = notices
        .iter()
        .filter(|n| n.kind == NoticeKind::MissingCustomField)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "no feature has the custom field `Jira Key` (`[tp] jira_key_field`), so it is not read: their custom fields are `Jira Link`",
            "no feature has the custom field `Acceptance Criteria` (`[tp] acceptance_criteria_field`), so it is not read: their custom fields are `Jira Link`",
            "no team objective has the custom field `Business Value` (`[tp] business_value_field`), so it is not read: they have no custom fields",
        ]
    );
}

#[test]
fn unnamed_states_and_owners_are_counted_with_their_ids() {
    let schema = TpSchema::default();
    let a = item(
        json!({"Id": 4, "Name": "A", "EntityState": null, "Owner": {"Id": 12},
        "Committed": false, "BusinessValue": null, "ActualBusinessValue": null}),
    );
    let b = item(
        json!({"Id": 2, "Name": "B", "EntityState": {"Id": 3, "Name": " "},
        "Owner": {"Id": 13, "Login": "bo"},
        "Committed": false, "BusinessValue": null, "ActualBusinessValue": null}),
    );
    let objectives = [&a, &b];
    let notices = plan_notices(&ReadFacts {
        schema: &schema,
        objectives: &objectives,
        features: &[],
        placed: &[],
        hint: None,
    });
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert_eq!(
        (notices[0].kind, notices[0].ids.as_slice()),
        (NoticeKind::UnmappedState, &[2, 4][..])
    );
    assert_eq!(
        (notices[1].kind, notices[1].ids.as_slice()),
        (NoticeKind::UnmappedOwner, &[4][..])
    );
}

#[test]
fn the_link_field_is_found_as_a_reference_or_a_collection() {
    let single = json!({"Id": 1, "Project": {"ResourceType": "Project", "Id": 2},
        "TeamPIObjective": {"ResourceType": "TeamPIObjective", "Id": 3, "Name": "O"}});
    assert_eq!(
        LinkHint::find(&single, "TeamPIObjective"),
        Some(LinkHint {
            field: "TeamPIObjective".into(),
            single: true
        })
    );
    let many = json!({"Id": 1, "Goals": {"Items": [{"ResourceType": "Goal", "Id": 3}]}});
    assert_eq!(
        LinkHint::find(&many, "Goal"),
        Some(LinkHint {
            field: "Goals".into(),
            single: false
        })
    );
    assert_eq!(
        LinkHint::find(&json!({"Id": 1, "Goals": {"Items": []}}), "Goal"),
        None
    );
}
