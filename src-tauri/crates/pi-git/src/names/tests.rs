use super::*;
use proptest::prelude::*;

#[test]
fn canonical_names_stay_bare() {
    let names = BranchNames::for_plan("PI-4/25", "Platform Eco");
    assert_eq!(names.tracking(), "pi/tp/pi-4-25/platform-eco");
    assert_eq!(names.working(), "pi/plan/pi-4-25/platform-eco");
    assert_eq!(names.plan_file(), "pi-4-25.platform-eco.md");
    assert_eq!(names.oplog_ref(), "refs/pi/oplog/pi-4-25.platform-eco");
    assert_eq!(
        names.approvals_ref(),
        "refs/pi/approvals/pi-4-25.platform-eco"
    );
}

#[test]
fn lossy_names_get_a_hash_suffix() {
    let amp = BranchNames::for_plan("PI-4/25", "A&B");
    let space = BranchNames::for_plan("PI-4/25", "A B");
    assert_eq!(space.team_slug, "a-b");
    assert!(amp.team_slug.starts_with("a-b--"), "{}", amp.team_slug);
    assert_ne!(amp.working(), space.working());
    assert_ne!(amp.tracking(), space.tracking());
}

#[test]
fn slug_collapses_dashes_and_drops_non_ascii() {
    assert_eq!(
        bare_slug("Cloud Enablement & Delivery"),
        "cloud-enablement-delivery"
    );
    assert_eq!(bare_slug("--Équipe  Ünïcode--"), "quipe-n-code");
    assert_eq!(bare_slug("***"), "");
    let empty = BranchNames::for_plan("", "***");
    assert!(empty.release_slug.starts_with("x--"));
    assert!(empty.team_slug.starts_with("x--"));
    assert_ne!(empty.release_slug, empty.team_slug);
}

#[test]
fn case_and_separator_variants_do_not_collide() {
    let variants = [
        "Platform Eco",
        "platform eco",
        "Platform-Eco",
        "PLATFORM ECO",
        "Platform  Eco",
    ];
    let slugs: std::collections::BTreeSet<String> = variants
        .iter()
        .map(|t| BranchNames::for_plan("PI-4/25", t).working())
        .collect();
    assert_eq!(slugs.len(), variants.len());
}

#[test]
fn release_and_team_boundary_is_unambiguous() {
    let a = BranchNames::for_plan("PI-4", "25 Platform Eco");
    let b = BranchNames::for_plan("PI-4/25", "Platform Eco");
    assert_ne!(a.plan_file(), b.plan_file());
    assert_ne!(a.oplog_ref(), b.oplog_ref());
}

#[test]
fn long_names_are_cut_and_hashed_within_file_name_limits() {
    let long = |c: char| format!("Team {}", c.to_string().repeat(300));
    let (a, b) = (long('a'), format!("{}b", long('a')));
    let names_a = BranchNames::for_plan("PI-4/25", &a);
    let names_b = BranchNames::for_plan(&long('r'), &b);
    assert_eq!(names_a.team_slug.len(), MAX_SLUG_BYTES + 10);
    assert!(names_a.team_slug.starts_with("team-aaaa"));
    assert!(names_a.team_slug[..MAX_SLUG_BYTES].ends_with('a'));
    assert_eq!(
        names_a.team_slug[..MAX_SLUG_BYTES],
        names_b.team_slug[..MAX_SLUG_BYTES]
    );
    assert_ne!(names_a.team_slug, names_b.team_slug);
    let versions_file = format!("{}.versions.json", names_b.plan_slug());
    assert!(versions_file.len() <= 255, "{}", versions_file.len());
    assert_eq!(names_b, BranchNames::for_plan(&long('r'), &b), "stable");
    // A canonical name right at the bound stays bare, as before.
    let at_bound = format!("Team A{}", "a".repeat(MAX_SLUG_BYTES - 6));
    assert_eq!(
        BranchNames::for_plan("PI-4/25", &at_bound).team_slug,
        bare_slug(&at_bound)
    );
}

fn name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 &/._-]{0,12}",
        "(PI|pi)-[0-9]{1,2}[/-][0-9]{2}",
        "[A-Z][a-z]{1,6}( [A-Z][a-z]{1,6}){0,2}",
        "[A-Za-z ]{70,120}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn different_pairs_never_share_names(
        r1 in name_strategy(), t1 in name_strategy(),
        r2 in name_strategy(), t2 in name_strategy(),
    ) {
        prop_assume!((&r1, &t1) != (&r2, &t2));
        let a = BranchNames::for_plan(&r1, &t1);
        let b = BranchNames::for_plan(&r2, &t2);
        prop_assert_ne!(a.tracking(), b.tracking());
        prop_assert_ne!(a.working(), b.working());
        prop_assert_ne!(a.plan_file(), b.plan_file());
        prop_assert_ne!(a.oplog_ref(), b.oplog_ref());
    }

    #[test]
    fn names_are_valid_refs(r in name_strategy(), t in name_strategy()) {
        let n = BranchNames::for_plan(&r, &t);
        let tracking = format!("refs/heads/{}", n.tracking());
        let working = format!("refs/heads/{}", n.working());
        prop_assert!(git2::Reference::is_valid_name(&tracking), "{}", tracking);
        prop_assert!(git2::Reference::is_valid_name(&working), "{}", working);
        prop_assert!(git2::Reference::is_valid_name(&n.oplog_ref()));
        prop_assert!(git2::Reference::is_valid_name(&n.approvals_ref()));
    }

    #[test]
    fn same_slug_pairs_collide_only_when_equal(a in "[A-Za-z &]{1,6}", b in "[A-Za-z &]{1,6}") {
        prop_assume!(a != b);
        prop_assert_ne!(
            BranchNames::for_plan("PI-1/26", &a).team_slug,
            BranchNames::for_plan("PI-1/26", &b).team_slug
        );
    }
}
