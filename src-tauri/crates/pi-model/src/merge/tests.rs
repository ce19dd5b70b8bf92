//! One test per row of the conflict table in the plan-format reference (§6.1), plus the cases
//! where git's line merge fails (§6.2) and which must merge cleanly here.

use super::*;
use crate::{Criterion, Effort, FeatureKind, LocalId, Named, TeamObjective};

fn objective(id: i64, name: &str) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: name.into(),
        description: "Line one.\nLine two.\nLine three.".into(),
        status: Some("Pending".into()),
        effort: Effort::new(13.0),
        owner: Some("John".into()),
        committed: true,
        business_value: Some(8),
        actual_business_value: None,
        program_objective: None,
        features: vec![],
    }
}

fn feature(id: EntityId, name: &str) -> Feature {
    Feature {
        id,
        kind: FeatureKind::Feature,
        name: name.into(),
        description: String::new(),
        status: Some("Backlog".into()),
        effort: Effort::new(5.0),
        owner: None,
        acceptance_criteria: vec![Criterion {
            text: "AC1".into(),
            done: false,
        }],
        jira: None,
        stories: vec![],
    }
}

fn tp(id: i64) -> EntityId {
    EntityId::Tp(id)
}

fn local_id(s: &str) -> EntityId {
    EntityId::Local(LocalId::new(s).unwrap())
}

fn base() -> Plan {
    let mut o1 = objective(1, "Old");
    o1.features.push(feature(tp(100), "Epic old"));
    Plan {
        release: Named {
            id: Some(9),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(3),
            name: "Platform Eco".into(),
        },
        objectives: vec![o1, objective(2, "Second")],
        ..Plan::default()
    }
}

fn o(p: &mut Plan) -> &mut TeamObjective {
    &mut p.objectives[0]
}

fn f(p: &mut Plan) -> &mut Feature {
    &mut p.objectives[0].features[0]
}

fn clean(b: &Plan, l: &Plan, r: &Plan) -> Plan {
    let out = merge(b, l, r);
    assert_eq!(out.conflicts, vec![], "expected a clean merge");
    out.merged
}

fn conflicted(b: &Plan, l: &Plan, r: &Plan) -> (Plan, Vec<Conflict>) {
    let out = merge(b, l, r);
    assert!(!out.conflicts.is_empty(), "expected a conflict");
    (out.merged, out.conflicts)
}

#[test]
fn user_renames_objective() {
    let (b, mut l, r) = (base(), base(), base());
    o(&mut l).name = "New".into();
    assert_eq!(clean(&b, &l, &r).objectives[0].name, "New");
}

#[test]
fn tp_renames_objective() {
    let (b, l, mut r) = (base(), base(), base());
    o(&mut r).name = "New".into();
    assert_eq!(clean(&b, &l, &r).objectives[0].name, "New");
}

#[test]
fn both_rename_differently_conflicts_and_keeps_local() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).name = "New".into();
    o(&mut r).name = "v2".into();
    let (m, c) = conflicted(&b, &l, &r);
    assert_eq!(m.objectives[0].name, "New");
    assert_eq!(
        c,
        vec![Conflict {
            kind: EntityKind::Objective,
            entity: tp(1),
            name: "New".into(),
            field: Some(Field::Name),
            base: FieldValue::Text("Old".into()),
            local: FieldValue::Text("New".into()),
            remote: FieldValue::Text("v2".into()),
        }]
    );
}

#[test]
fn user_edits_effort() {
    let (b, mut l, r) = (base(), base(), base());
    o(&mut l).effort = Effort::new(21.0);
    let out = merge(&b, &l, &r);
    assert_eq!(out.merged.objectives[0].effort, Effort::new(21.0));
    assert_eq!(out.changes.len(), 1);
    assert_eq!(out.changes[0].origin, Origin::Local);
    assert_eq!(out.changes[0].to.to_string(), "21 points");
}

#[test]
fn tp_updates_status() {
    let (b, l, mut r) = (base(), base(), base());
    o(&mut r).status = Some("In Progress".into());
    let out = merge(&b, &l, &r);
    assert_eq!(
        out.merged.objectives[0].status.as_deref(),
        Some("In Progress")
    );
    assert_eq!(out.changes[0].origin, Origin::Remote);
}

#[test]
fn both_change_effort_conflicts() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).effort = Effort::new(21.0);
    o(&mut r).effort = Effort::new(20.0);
    let (m, c) = conflicted(&b, &l, &r);
    assert_eq!(m.objectives[0].effort, Effort::new(21.0));
    assert_eq!(c[0].field, Some(Field::Effort));
    assert_eq!(c[0].remote, FieldValue::Effort(Effort::new(20.0)));
}

#[test]
fn user_adds_epic() {
    let (b, mut l, r) = (base(), base(), base());
    o(&mut l).features.push(feature(local_id("a"), "A"));
    let m = clean(&b, &l, &r);
    assert_eq!(m.objectives[0].features[1].name, "A");
}

#[test]
fn tp_adds_epic() {
    let (b, l, mut r) = (base(), base(), base());
    o(&mut r).features.push(feature(tp(200), "B"));
    assert_eq!(clean(&b, &l, &r).objectives[0].features[1].name, "B");
}

#[test]
fn both_add_different_epics_to_one_objective() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).features.push(feature(local_id("a"), "A"));
    o(&mut r).features.push(feature(tp(200), "B"));
    let names: Vec<_> = clean(&b, &l, &r).objectives[0]
        .features
        .iter()
        .map(|f| f.name.clone())
        .collect();
    // Both added at one place: local's first, then Targetprocess's.
    assert_eq!(names, vec!["Epic old", "A", "B"]);
}

#[test]
fn same_change_on_both_sides() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).status = Some("In Progress".into());
    o(&mut r).status = Some("In Progress".into());
    let out = merge(&b, &l, &r);
    assert_eq!(out.conflicts, vec![]);
    assert_eq!(out.changes[0].origin, Origin::Both);
}

#[test]
fn user_effort_and_tp_owner_on_adjacent_lines() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).effort = Effort::new(21.0);
    o(&mut r).owner = Some("Sarah".into());
    let m = clean(&b, &l, &r);
    assert_eq!(m.objectives[0].effort, Effort::new(21.0));
    assert_eq!(m.objectives[0].owner.as_deref(), Some("Sarah"));
}

#[test]
fn user_renames_epic_tp_edits_its_effort() {
    let (b, mut l, mut r) = (base(), base(), base());
    f(&mut l).name = "Epic new".into();
    f(&mut r).effort = Effort::new(8.0);
    let m = clean(&b, &l, &r);
    let feat = &m.objectives[0].features[0];
    assert_eq!(
        (feat.name.as_str(), feat.effort),
        ("Epic new", Effort::new(8.0))
    );
    assert_eq!(
        m.objectives[0].features.len(),
        1,
        "a rename is not delete + create"
    );
}

#[test]
fn epic_deleted_in_tp_unchanged_locally_is_dropped() {
    let (b, l, mut r) = (base(), base(), base());
    o(&mut r).features.clear();
    let out = merge(&b, &l, &r);
    assert_eq!(out.conflicts, vec![]);
    assert!(
        out.merged.objectives[0].features.is_empty(),
        "never recreated"
    );
    assert_eq!(out.changes[0].to, FieldValue::Missing);
}

#[test]
fn epic_deleted_in_tp_edited_locally_conflicts_and_is_kept() {
    let (b, mut l, mut r) = (base(), base(), base());
    f(&mut l).effort = Effort::new(8.0);
    o(&mut r).features.clear();
    let (m, c) = conflicted(&b, &l, &r);
    assert_eq!(m.objectives[0].features[0].effort, Effort::new(8.0));
    assert_eq!((c[0].field, &c[0].remote), (None, &FieldValue::Missing));
}

#[test]
fn epic_deleted_locally_unchanged_in_tp_is_removed() {
    let (b, mut l, r) = (base(), base(), base());
    o(&mut l).features.clear();
    let out = merge(&b, &l, &r);
    assert_eq!(out.conflicts, vec![]);
    assert!(out.merged.objectives[0].features.is_empty());
    assert_eq!(out.changes[0].origin, Origin::Local);
}

#[test]
fn epic_deleted_locally_edited_in_tp_conflicts() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).features.clear();
    f(&mut r).status = Some("Implementing".into());
    let (m, c) = conflicted(&b, &l, &r);
    assert_eq!(
        m.objectives[0].features[0].status.as_deref(),
        Some("Implementing")
    );
    assert_eq!(c[0].local, FieldValue::Missing);
}

#[test]
fn jira_rewrote_acceptance_criteria_user_untouched() {
    let (b, l, mut r) = (base(), base(), base());
    f(&mut r).acceptance_criteria[0].text = "AC2".into();
    assert_eq!(
        clean(&b, &l, &r).objectives[0].features[0].acceptance_criteria[0].text,
        "AC2"
    );
}

#[test]
fn user_and_jira_edited_the_same_criterion_conflicts() {
    let (b, mut l, mut r) = (base(), base(), base());
    f(&mut l).acceptance_criteria[0].text = "AC1'".into();
    f(&mut r).acceptance_criteria[0].text = "AC2".into();
    let (_, c) = conflicted(&b, &l, &r);
    assert_eq!(c[0].field, Some(Field::AcceptanceCriteria));
}

#[test]
fn criteria_edited_item_by_item_merge() {
    let (mut b, mut l, mut r) = (base(), base(), base());
    for p in [&mut b, &mut l, &mut r] {
        f(p).acceptance_criteria = ["a", "b", "c"]
            .iter()
            .map(|t| Criterion {
                text: (*t).into(),
                done: false,
            })
            .collect();
    }
    f(&mut l).acceptance_criteria[0].done = true;
    f(&mut r).acceptance_criteria[2].text = "c'".into();
    f(&mut r).acceptance_criteria.push(Criterion {
        text: "d".into(),
        done: false,
    });
    let m = clean(&b, &l, &r);
    let got: Vec<_> = m.objectives[0].features[0]
        .acceptance_criteria
        .iter()
        .map(|c| (c.text.as_str(), c.done))
        .collect();
    assert_eq!(
        got,
        vec![("a", true), ("b", false), ("c'", false), ("d", false)]
    );
}

#[test]
fn descriptions_merge_line_by_line() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).description = "Line ONE.\nLine two.\nLine three.".into();
    o(&mut r).description = "Line one.\nLine two.\nLine THREE.".into();
    assert_eq!(
        clean(&b, &l, &r).objectives[0].description,
        "Line ONE.\nLine two.\nLine THREE."
    );
    o(&mut r).description = "Line uno.\nLine two.\nLine three.".into();
    let (_, c) = conflicted(&b, &l, &r);
    assert_eq!(c[0].field, Some(Field::Description));
}

#[test]
fn epics_added_to_different_objectives() {
    let (b, mut l, mut r) = (base(), base(), base());
    l.objectives[1].features.push(feature(local_id("y"), "Y"));
    o(&mut r).features.push(feature(tp(201), "X"));
    let m = clean(&b, &l, &r);
    assert_eq!(m.objectives[0].features[1].name, "X");
    assert_eq!(m.objectives[1].features[0].name, "Y");
}

#[test]
fn feature_moved_locally_keeps_identity_and_remote_edit() {
    let (b, mut l, mut r) = (base(), base(), base());
    let moved = o(&mut l).features.remove(0);
    l.objectives[1].features.push(moved);
    f(&mut r).effort = Effort::new(3.0);
    let m = clean(&b, &l, &r);
    assert!(m.objectives[0].features.is_empty());
    assert_eq!(m.objectives[1].features[0].effort, Effort::new(3.0));
}

#[test]
fn objective_added_in_tp_lands_after_its_remote_predecessor() {
    let (b, mut l, mut r) = (base(), base(), base());
    l.objectives.push(objective(50, "Local new"));
    r.objectives.insert(1, objective(40, "Remote new"));
    let names: Vec<_> = clean(&b, &l, &r)
        .objectives
        .iter()
        .map(|o| o.name.clone())
        .collect();
    assert_eq!(names, vec!["Old", "Remote new", "Second", "Local new"]);
}

#[test]
fn objective_deleted_in_tp_with_local_work_under_it_is_kept() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).features.push(feature(local_id("n"), "New work"));
    r.objectives.remove(0);
    let (m, c) = conflicted(&b, &l, &r);
    assert_eq!(m.objectives[0].name, "Old");
    assert!(
        m.objectives[0]
            .features
            .iter()
            .any(|f| f.name == "New work")
    );
    assert_eq!(c[0].kind, EntityKind::Objective);
}

#[test]
fn plan_header_and_program_objectives_come_from_tp_notes_stay_local() {
    let (b, mut l, mut r) = (base(), base(), base());
    l.notes = "team notes".into();
    r.program_objectives.push(crate::ProgramObjective {
        id: tp(77),
        name: "Data quality".into(),
    });
    let m = clean(&b, &l, &r);
    assert_eq!(m.notes, "team notes");
    assert_eq!(m.program_objectives.len(), 1);
}

#[test]
fn resolutions_apply_to_the_merged_plan() {
    let (b, mut l, mut r) = (base(), base(), base());
    o(&mut l).effort = Effort::new(21.0);
    o(&mut r).effort = Effort::new(20.0);
    o(&mut l).description = "mine".into();
    o(&mut r).description = "theirs".into();
    let out = merge(&b, &l, &r);
    let mut m = out.merged.clone();
    let effort = out
        .conflicts
        .iter()
        .find(|c| c.field == Some(Field::Effort))
        .unwrap();
    let text = out
        .conflicts
        .iter()
        .find(|c| c.field == Some(Field::Description))
        .unwrap();
    resolve(&mut m, effort, &Resolution::KeepRemote).unwrap();
    assert_eq!(m.objectives[0].effort, Effort::new(20.0));
    assert_eq!(
        resolve(&mut m, effort, &Resolution::KeepBoth),
        Err(ResolveError::NotMergeable("Effort of \"Old\"".into()))
    );
    resolve(&mut m, text, &Resolution::KeepBoth).unwrap();
    assert_eq!(m.objectives[0].description, "mine\n\ntheirs");
    resolve(
        &mut m,
        effort,
        &Resolution::Edit(FieldValue::Effort(Effort::new(1.0))),
    )
    .unwrap();
    assert_eq!(m.objectives[0].effort, Effort::new(1.0));
    assert!(matches!(
        resolve(&mut m, effort, &Resolution::Edit(FieldValue::Flag(true))),
        Err(ResolveError::WrongShape(_))
    ));
}

#[test]
fn keeping_the_deleting_side_removes_the_entity() {
    let (b, mut l, mut r) = (base(), base(), base());
    f(&mut l).effort = Effort::new(8.0);
    o(&mut r).features.clear();
    let out = merge(&b, &l, &r);
    let mut m = out.merged.clone();
    resolve(&mut m, &out.conflicts[0], &Resolution::KeepRemote).unwrap();
    assert!(m.objectives[0].features.is_empty());
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    fn edit(p: &mut Plan, which: u8, v: u8) {
        let o = &mut p.objectives[usize::from(which % 2)];
        match which % 5 {
            0 => o.effort = Effort::new(f64::from(v)),
            1 => o.owner = Some(format!("owner {v}")),
            2 => o.status = Some(["Pending", "Accepted", "Done"][usize::from(v % 3)].into()),
            3 => o.name = format!("name {v}"),
            _ => o.committed = v.is_multiple_of(2),
        }
    }

    proptest! {
        #[test]
        fn merge_with_unchanged_side_takes_the_other(edits in proptest::collection::vec((0u8..10, 0u8..40), 0..6)) {
            let b = base();
            let mut side = base();
            for (w, v) in edits { edit(&mut side, w, v); }
            let out = merge(&b, &side, &b);
            prop_assert_eq!(out.conflicts.len(), 0);
            prop_assert_eq!(&out.merged, &side);
            let out = merge(&b, &b, &side);
            prop_assert_eq!(out.conflicts.len(), 0);
            prop_assert_eq!(out.merged, side);
        }

        #[test]
        fn conflicts_are_symmetric(le in proptest::collection::vec((0u8..10, 0u8..40), 0..5),
                                   re in proptest::collection::vec((0u8..10, 0u8..40), 0..5)) {
            let b = base();
            let (mut l, mut r) = (base(), base());
            for (w, v) in le { edit(&mut l, w, v); }
            for (w, v) in re { edit(&mut r, w, v); }
            let lr = merge(&b, &l, &r);
            let rl = merge(&b, &r, &l);
            let fields = |c: &[Conflict]| {
                let mut v: Vec<_> = c.iter().map(|c| (c.entity.clone(), c.field)).collect();
                v.sort();
                v
            };
            prop_assert_eq!(fields(&lr.conflicts), fields(&rl.conflicts));
            if lr.conflicts.is_empty() {
                prop_assert_eq!(lr.merged, rl.merged);
            }
        }
    }
}
