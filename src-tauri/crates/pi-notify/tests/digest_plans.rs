//! `Digest::between` on two versions of a real plan file (the example plan of the repository):
//! an objective's effort changed, a feature removed, a feature added; everything else unchanged
//! gives no row.

use chrono::NaiveDate;
use pi_model::{Effort, Plan};
use pi_notify::{Digest, render};

fn example() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../examples/pi-4-25.platform-eco.md"
    );
    let text = std::fs::read_to_string(path).unwrap();
    pi_format::parse(&text).unwrap().plan
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

#[test]
fn the_digest_of_two_real_plans_has_one_row_per_change() {
    let before = example();
    assert!(Digest::between(&before, &before, day(2), day(3)).is_empty());

    let mut after = before.clone();
    after.objectives[0].effort = Effort::new(34.0);
    let removed = after.objectives[0].features.remove(1);
    let mut added = after.objectives[1].features[0].clone();
    added.id = "new:wiki".parse().unwrap();
    added.name = "Runbook wiki".into();
    added.effort = Effort::new(5.0);
    after.objectives[1].features.push(added);

    let d = Digest::between(&before, &after, day(2), day(3));
    assert_eq!(d.plan.team, before.team.name);
    assert_eq!(d.objectives.len(), 1, "{:?}", d.objectives);
    let o = &d.objectives[0];
    assert_eq!(
        (o.objective.as_str(), o.change()),
        ("Platform governance", "changed")
    );
    let effort =
        |s: &Option<pi_notify::Side>| s.as_ref().and_then(|s| s.effort).map(Effort::points);
    assert_eq!(
        (effort(&o.before), effort(&o.after)),
        (Some(21.0), Some(34.0))
    );

    let rows: Vec<(&str, Option<&str>, &str)> = d
        .features
        .iter()
        .map(|r| (r.objective.as_str(), r.feature.as_deref(), r.change()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Self-service environments", Some("Runbook wiki"), "added"),
            (
                "Platform governance",
                Some(removed.name.as_str()),
                "removed"
            ),
        ]
    );
    assert_eq!((d.total_before, d.total_after), (34.0, 47.0));

    let text = render::digest_text(&d);
    assert!(text.contains("Platform governance"), "{text}");
    assert!(text.contains("Runbook wiki"), "{text}");
}
