use super::*;
use crate::{Criterion, Effort, FeatureKind, LocalId, ProgramObjective};

fn objective(id: i64, name: &str, effort: f64) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: String::new(),
        status: Some("Pending".into()),
        effort: Effort::new(effort),
        owner: None,
        committed: true,
        business_value: None,
        actual_business_value: None,
        program_objective: Some(EntityId::Tp(9)),
        features: vec![],
    }
}

fn feature(id: i64, name: &str) -> Feature {
    Feature {
        id: EntityId::Tp(id),
        kind: FeatureKind::Feature,
        name: name.into(),
        description: String::new(),
        status: None,
        effort: Effort::new(5.0),
        owner: None,
        acceptance_criteria: vec![],
        jira: None,
        stories: vec![],
    }
}

fn plan() -> Plan {
    let mut a = objective(1, "Cut cloud cost", 13.0);
    a.description = "Reduce spend on idle clusters.".into();
    a.features = vec![feature(11, "Autoscaling"), feature(12, "Spot nodes")];
    let mut b = objective(2, "Harden audit logging", 8.0);
    b.features = vec![feature(21, "Tamper-proof store")];
    Plan {
        program_objectives: vec![ProgramObjective {
            id: EntityId::Tp(9),
            name: "Efficient platform".into(),
        }],
        objectives: vec![a, b],
        ..Plan::default()
    }
}

#[test]
fn identical_plans_have_no_difference() {
    let d = diff(&plan(), &plan());
    assert!(d.is_empty());
    assert_eq!(d.effort.team.objectives.delta(), 0.0);
}

#[test]
fn reordering_alone_is_no_change() {
    let mut after = plan();
    after.objectives.reverse();
    after.objectives[1].features.reverse();
    assert!(diff(&plan(), &after).is_empty());
}

#[test]
fn adds_removes_moves_and_field_changes_by_id() {
    let before = plan();
    let mut after = plan();
    after.objectives[0].effort = Effort::new(21.0);
    after.objectives[0].name = "Cut cloud cost by a third".into();
    after.objectives[0].description = "Reduce spend on idle and oversized clusters.".into();
    let moved = after.objectives[0].features.remove(1);
    after.objectives[1].features.push(moved);
    after.objectives[1]
        .features
        .retain(|f| f.id != EntityId::Tp(21));
    after.objectives[1].features[0].acceptance_criteria = vec![Criterion {
        text: "Half the nodes are spot".into(),
        done: false,
    }];
    let mut new = objective(0, "Faster builds", 3.0);
    new.id = EntityId::Local(LocalId::new("a1").expect("valid"));
    new.committed = false;
    after.objectives.push(new);
    let d = diff(&before, &after);
    let lines: Vec<String> = d
        .entities
        .iter()
        .map(|e| {
            let fields: Vec<String> = e
                .fields
                .iter()
                .map(|f| format!("{}: {} → {}", f.field, f.before, f.after))
                .collect();
            let moved = e
                .moved
                .as_ref()
                .map(|m| format!(" moved {} → {}", m.from.id, m.to.id))
                .unwrap_or_default();
            format!(
                "{:?} {} {:?}{moved} [{}]",
                e.presence,
                e.id,
                e.name,
                fields.join("; ")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
    Changed tp:1 "Cut cloud cost by a third" [Name: Cut cloud cost → Cut cloud cost by a third; Description: Reduce spend on idle clusters. → Reduce spend on idle and oversized clusters.; Effort: 13 points → 21 points]
    Changed tp:12 "Spot nodes" moved tp:1 → tp:2 [Acceptance Criteria: (none) → [ ] Half the nodes are spot]
    Removed tp:21 "Tamper-proof store" [Name: Tamper-proof store → (deleted); Effort: 5 points → (deleted)]
    Added new:a1 "Faster builds" [Name: (deleted) → Faster builds; Status: (deleted) → Pending; Effort: (deleted) → 3 points; Program Objective: (deleted) → tp:9]
    "#);
    let description = d.entities[0].field(Field::Description).expect("changed");
    let words = description.words.as_ref().expect("text diff");
    let inserted: Vec<&str> = words
        .iter()
        .filter(|w| w.tag == SpanTag::Insert)
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(inserted, ["and oversized "]);
    assert_eq!(d.effort.team.objectives.before, 21.0);
    assert_eq!(d.effort.team.objectives.after, 32.0);
    assert_eq!(d.effort.team.committed.after, 29.0);
    assert_eq!(d.effort.team.features.delta(), -5.0);
    assert_eq!(d.effort.program_objectives.len(), 1);
    assert_eq!(d.effort.program_objectives[0].effort.after, 32.0);
}

#[test]
fn removed_objective_lists_its_features_after_it() {
    let before = plan();
    let mut after = plan();
    after.objectives.remove(0);
    let d = diff(&before, &after);
    let ids: Vec<(String, Presence)> = d
        .entities
        .iter()
        .map(|e| (e.id.to_string(), e.presence))
        .collect();
    assert_eq!(
        ids,
        [
            ("tp:1".to_owned(), Presence::Removed),
            ("tp:11".to_owned(), Presence::Removed),
            ("tp:12".to_owned(), Presence::Removed),
        ]
    );
    let json = serde_json::to_value(&d).expect("serialisable");
    let back: PlanDiff = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, d);
}
