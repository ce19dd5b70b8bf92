use pi_model::{EntityId, LocalId, RepoConfig};
use proptest::prelude::*;

use super::*;

/// Hands out `new:t1`, `new:t2`, ... so tests can predict ids.
struct Counter(u32);

impl IdSource for Counter {
    fn fresh(&mut self) -> LocalId {
        self.0 += 1;
        LocalId::new(&format!("t{}", self.0)).expect("t<digits> is a valid local id")
    }
}

proptest! {
    #[test]
    fn plan_dto_round_trips(objectives in 0usize..6, features in 0usize..4, seed in any::<u64>()) {
        let plan = pi_format::sample::sample_plan(objectives, features, seed);
        let dto = PlanDto::from(&plan);
        let back = dto.into_plan(&mut Counter(0)).expect("a plan's own DTO converts back");
        prop_assert_eq!(back, plan);
    }
}

#[test]
fn new_items_get_fresh_local_ids_and_blank_text_becomes_none() {
    let plan = pi_format::sample::sample_plan(1, 1, 7);
    let mut dto = PlanDto::from(&plan);
    let mut added = dto.objectives[0].clone();
    added.id = None;
    added.owner = Some("  ".into());
    added.features[0].id = None;
    added.features[0].jira_key = Some(String::new());
    dto.objectives.push(added);

    let back = dto.into_plan(&mut Counter(0)).expect("valid DTO");
    let new = &back.objectives[1];
    assert_eq!(new.id.to_string(), "new:t1");
    assert_eq!(new.features[0].id.to_string(), "new:t2");
    assert_eq!(new.owner, None);
    assert_eq!(new.features[0].jira, None);
}

#[test]
fn malformed_ids_and_infinite_effort_are_invalid_input() {
    let plan = pi_format::sample::sample_plan(1, 0, 1);
    let mut bad_id = PlanDto::from(&plan);
    bad_id.objectives[0].id = Some("tp:abc".into());
    let err = bad_id.into_plan(&mut Counter(0)).expect_err("bad id");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let mut bad_effort = PlanDto::from(&plan);
    bad_effort.objectives[0].effort = Some(f64::INFINITY);
    let err = bad_effort
        .into_plan(&mut Counter(0))
        .expect_err("bad effort");
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn findings_point_at_objective_feature_and_field() {
    let mut plan = pi_format::sample::sample_plan(2, 2, 3);
    plan.objectives[1].features[1].effort = pi_model::Effort::new(-2.0);
    plan.objectives[0].id = EntityId::Tp(1);
    let findings: Vec<FindingDto> = pi_model::validate::validate(&plan, &RepoConfig::default())
        .iter()
        .map(FindingDto::from)
        .collect();
    let effort = findings
        .iter()
        .find(|f| f.rule == "effort-non-negative")
        .expect("negative effort is reported");
    assert_eq!(
        (effort.objective, effort.feature, effort.field.as_deref()),
        (Some(1), Some(1), Some("effort"))
    );
    assert_eq!(effort.severity, Severity::Error);
}
