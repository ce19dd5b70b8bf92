//! Round-trip properties of the current layout: `parse(render(p)) == p` for normalized plans,
//! and rendering is canonical.

use crate::support;

use pi_format::{Layout, normalize, parse, render, sample::sample_plan};
use proptest::prelude::*;

fn round_trip(plan: &pi_model::Plan) -> Result<(), TestCaseError> {
    let text = render(plan);
    let parsed = match parse(&text) {
        Ok(p) => p,
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n--- file ---\n{text}"))),
    };
    prop_assert_eq!(parsed.layout, Layout::Current);
    prop_assert!(
        parsed.warnings.is_empty(),
        "warnings: {:?}",
        parsed.warnings
    );
    prop_assert_eq!(&parsed.plan, plan, "file:\n{}", text);
    prop_assert_eq!(render(&parsed.plan), text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parse_inverts_render(plan in support::normalized_plan()) {
        round_trip(&plan)?;
    }

    #[test]
    fn normalize_is_idempotent(plan in support::plan()) {
        let mut once = plan;
        normalize(&mut once);
        let mut twice = once.clone();
        normalize(&mut twice);
        prop_assert_eq!(once, twice);
    }
}

#[test]
fn sample_plans_round_trip() {
    for seed in 0..5 {
        round_trip(&sample_plan(20, 4, seed)).expect("sample plan round-trips");
    }
}

#[test]
fn sample_plans_are_deterministic_and_normal() {
    let a = sample_plan(30, 5, 42);
    assert_eq!(a, sample_plan(30, 5, 42));
    assert_ne!(a, sample_plan(30, 5, 43));
    let mut n = a.clone();
    normalize(&mut n);
    assert_eq!(n, a);
}
