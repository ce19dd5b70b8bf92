//! `verify` against the simulator: a clean plan is consistent; drift between the plan file, the
//! tracking branch and Targetprocess is reported entity by entity; `repair` does only what is
//! safe (resume an interrupted push, refresh a stale tracking branch with no local edits).

#![allow(clippy::unwrap_used)]

use pi_engine::verify::{Finding, Repair};
use pi_engine::{PushOptions, Workspace};
use pi_model::{Effort, Field};
use pi_scenarios::*;
use pi_sim::Faults;
use serde_json::json;

async fn check(tp: &Tp, ws: &Workspace, minute: i64, repair: bool) -> pi_engine::VerifyReport {
    let me = jane();
    pi_engine::verify(&ctx(tp, &me, minute), ws, repair)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_clean_plan_is_consistent() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let report = check(&tp, &ws, 1, false).await;
    assert!(report.consistent(), "{report:?}");
    assert!(report.repairs.is_empty());
    assert!(report.advice.is_empty());
}

#[tokio::test]
async fn a_tp_edit_is_reported_per_field_and_repair_refreshes_tracking() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let id = ws.local().unwrap().objectives[0].id.clone();
    tp.sim
        .control()
        .update_entity("TeamPIObjectives", id.tp().unwrap(), json!({"Effort": 77}))
        .unwrap();

    let report = check(&tp, &ws, 1, false).await;
    let moved: Vec<_> = report
        .findings
        .iter()
        .map(|f| match f {
            Finding::TpChanged { change } => (change.entity.clone(), change.field),
            other => panic!("only TP drift expected: {other:?}"),
        })
        .collect();
    assert_eq!(moved, vec![(id.clone(), Some(Field::Effort))]);
    assert!(report.advice.iter().any(|a| a.contains("pull")));

    let repaired = check(&tp, &ws, 2, true).await;
    assert_eq!(
        repaired.repairs,
        vec![Repair::RefreshedTracking { changes: 1 }]
    );
    assert!(repaired.consistent(), "{repaired:?}");
    assert_eq!(ws.local().unwrap().objectives[0].effort, Effort::new(77.0));
}

#[tokio::test]
async fn a_feature_deleted_in_tp_but_still_in_the_file_is_reported() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let (_, feature) = ws
        .local()
        .unwrap()
        .features()
        .next()
        .map(|(p, f)| (p, f.clone()))
        .unwrap();
    tp.client
        .delete(pi_targetprocess::Kind::Feature, feature.id.tp().unwrap())
        .await
        .unwrap();

    let report = check(&tp, &ws, 1, false).await;
    assert!(
        report.findings.iter().any(|f| matches!(f,
            Finding::UnknownTpId { entity, in_tracking: true, .. } if *entity == feature.id)),
        "{report:?}"
    );
    assert!(
        report.findings.iter().any(|f| matches!(f,
            Finding::TpChanged { change } if change.entity == feature.id && change.field.is_none())),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_local_unpushed_edit_is_reported_and_not_repaired() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    edit_plan(&ws, |p| p.objectives[1].effort = Effort::new(13.0));
    let before = std::fs::read_to_string(plan_path(&ws)).unwrap();

    let report = check(&tp, &ws, 1, true).await;
    assert!(report.repairs.is_empty(), "{report:?}");
    assert_eq!(report.findings.len(), 1, "{report:?}");
    assert!(matches!(&report.findings[0], Finding::LocalChange { .. }));
    assert!(report.advice.iter().any(|a| a.contains("push")));
    assert_eq!(std::fs::read_to_string(plan_path(&ws)).unwrap(), before);
}

#[tokio::test]
async fn an_interrupted_push_is_reported_and_repaired_by_resume() {
    for k in 1..20 {
        let tp = tp().await;
        let dir = tempfile::tempdir().unwrap();
        let ws = init_first(&tp, dir.path(), None).await;
        edit_plan(&ws, |p| {
            p.objectives[0].effort = Effort::new(31.0);
            p.objectives[2].name = "Renamed while the network was flaky".into();
            let mut o = p.objectives[0].clone();
            o.id = "new:flaky".parse().unwrap();
            o.name = "Created under faults".into();
            o.features.clear();
            p.objectives.push(o);
        });
        tp.sim.control().set_faults(Faults {
            drop_after_requests: Some(k),
            ..Faults::default()
        });
        let me = jane();
        let pushed = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default()).await;
        tp.sim.control().set_faults(Faults::default());
        if pushed.is_ok() {
            continue;
        }
        let report = check(&tp, &ws, 2, false).await;
        assert!(
            report
                .findings
                .iter()
                .any(|f| matches!(f, Finding::UnfinishedPush { operations } if *operations > 0)),
            "k={k}: {report:?}"
        );
        let repaired = check(&tp, &ws, 3, true).await;
        assert!(
            matches!(repaired.repairs.first(), Some(Repair::ResumedPush { .. })),
            "k={k}: {repaired:?}"
        );
        assert!(repaired.consistent(), "k={k}: {repaired:?}");
        let plan = ws.local().unwrap();
        assert_eq!(plan.objectives[0].effort, Effort::new(31.0));
        return;
    }
    panic!("no request count interrupted the push");
}

#[tokio::test]
async fn hand_typed_and_duplicate_ids_are_reported() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let first = ws.local().unwrap().objectives[0].id.clone();
    edit_plan(&ws, |p| {
        p.objectives[1].id = first.clone();
        p.objectives[2].id = "tp:987654".parse().unwrap();
    });
    let report = check(&tp, &ws, 1, true).await;
    assert!(report.repairs.is_empty(), "{report:?}");
    assert!(
        report.findings.iter().any(|f| matches!(f,
            Finding::DuplicateId { entity, count: 2 } if *entity == first)),
        "{report:?}"
    );
    assert!(
        report.findings.iter().any(|f| matches!(f,
            Finding::UnknownTpId { entity, in_tracking: false, .. }
                if entity.tp() == Some(987_654))),
        "{report:?}"
    );
}

#[tokio::test]
async fn an_unparsable_plan_file_is_reported_with_locations() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let text = std::fs::read_to_string(plan_path(&ws)).unwrap();
    std::fs::write(plan_path(&ws), format!("{text}\n<<<<<<< yours\nbroken\n")).unwrap();
    let report = check(&tp, &ws, 1, true).await;
    assert!(report.repairs.is_empty(), "{report:?}");
    let [Finding::Unparsable { file, errors }] = report.findings.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(file, &ws.plan_file());
    let marker_line = text.lines().count() + 2;
    assert!(
        errors[0].starts_with(&format!("{marker_line}:1: conflict marker")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn a_pushed_value_missing_in_tp_is_a_lost_write() {
    use pi_engine::oplog::{self, FieldWrite, OpEntry, OpKind};
    use pi_model::merge::FieldValue;
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let o = ws.local().unwrap().objectives[0].clone();
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(31.0));
    // The op log says the last push wrote 31, but the write never reached Targetprocess.
    let me = jane();
    let c = ctx(&tp, &me, 1);
    let entry = OpEntry {
        id: "push-lost".into(),
        kind: OpKind::Push,
        actor: pi_engine::oplog::Actor::of(&c),
        at: c.at(),
        summary: "Pushed 1 change".into(),
        writes: vec![FieldWrite {
            entity: o.id.clone(),
            name: o.name.clone(),
            field: Some(Field::Effort),
            before: pi_model::merge::objective_get(&o, Field::Effort),
            after: pi_model::merge::objective_get(
                &ws.local().unwrap().objectives[0],
                Field::Effort,
            ),
        }],
        created: Vec::new(),
        conflicts: Vec::new(),
    };
    oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &c.stamp()).unwrap();

    let report = check(&tp, &ws, 2, true).await;
    assert!(report.repairs.is_empty(), "{report:?}");
    let lost: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match f {
            Finding::LostWrite {
                entity,
                field,
                in_tp,
                ..
            } => Some((entity, *field, in_tp)),
            _ => None,
        })
        .collect();
    let in_tp = pi_model::merge::objective_get(&o, Field::Effort);
    assert_eq!(lost, vec![(&o.id, Field::Effort, &in_tp)], "{report:?}");
    assert_ne!(in_tp, FieldValue::Missing);

    // Once someone edits the entity in Targetprocess, it is TP drift, not a lost write.
    tp.sim
        .control()
        .update_entity("TeamPIObjectives", o.id.tp().unwrap(), json!({"Effort": 5}))
        .unwrap();
    let report = check(&tp, &ws, 3, false).await;
    assert!(
        !report
            .findings
            .iter()
            .any(|f| matches!(f, Finding::LostWrite { .. })),
        "{report:?}"
    );
}

#[tokio::test]
async fn after_a_push_the_plan_is_consistent() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(21.0));
    let me = jane();
    pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    let report = check(&tp, &ws, 2, false).await;
    assert!(report.consistent(), "{report:?}");
}
