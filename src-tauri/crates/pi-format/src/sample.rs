//! A deterministic generator of realistic plans, for benchmarks, demos and tests in any crate.
//!
//! The same arguments always give the same plan (a small seeded generator, no global state, no
//! clock). It deliberately produces plans already in normal form (see [`crate::normalize`]).

use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, JiraLink, LocalId, Named, Plan, PlanMeta,
    ProgramObjective, Story, TeamObjective,
};

/// SplitMix64: tiny, fast and fully determined by its seed.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const VERBS: &[&str] = &[
    "Automate", "Harden", "Migrate", "Simplify", "Observe", "Scale",
];
const THINGS: &[&str] = &[
    "tenant onboarding",
    "the billing pipeline",
    "cluster upgrades",
    "audit logging",
    "search indexing",
    "the *edge* cache",
];
const PEOPLE: &[&str] = &[
    "Jane Doe",
    "Ravi Patel",
    "Mei Chen",
    "Ola Nordmann",
    "Zoë Brandt",
];
const STATES: &[&str] = &["Pending", "In Progress", "Accepted", "Done"];

/// A plan with `objectives` team objectives of `features_per` features each, three program
/// objectives, descriptions with lists and code, criteria, Jira links and a few stories.
pub fn sample_plan(objectives: usize, features_per: usize, seed: u64) -> Plan {
    let mut rng = Rng(seed);
    let program_objectives: Vec<ProgramObjective> = (0..3)
        .map(|i| ProgramObjective {
            id: EntityId::Tp(2_019_000 + i),
            name: format!("Program goal {} — {}", i + 1, rng.pick(THINGS)),
        })
        .collect();
    let mut next_id = 3_000_000_i64;
    let objectives = (0..objectives)
        .map(|n| objective(&mut rng, n, features_per, &mut next_id))
        .collect();
    Plan {
        art: Named {
            id: Some(101),
            name: "Platform ART".into(),
        },
        release: Named {
            id: Some(202),
            name: "PI-4/25".into(),
        },
        team: Named {
            id: Some(303),
            name: "Platform Eco".into(),
        },
        meta: PlanMeta {
            tp_url: Some("https://acme.tpondemand.com".into()),
            jira_url: Some("https://acme.atlassian.net".into()),
        },
        program_objectives,
        objectives,
        notes: "Risks are tracked in the ROAM board.\n\n- Capacity: 120 points\n- Holidays: \
                week 3"
            .into(),
    }
}

fn id(rng: &mut Rng, next: &mut i64) -> EntityId {
    *next += 1;
    if rng.chance(10) {
        let local = format!("{:x}", *next);
        if let Ok(l) = LocalId::new(&local) {
            return EntityId::Local(l);
        }
    }
    EntityId::Tp(*next)
}

fn objective(rng: &mut Rng, n: usize, features_per: usize, next: &mut i64) -> TeamObjective {
    let features = (0..features_per)
        .map(|k| feature(rng, n, k, next))
        .collect();
    TeamObjective {
        id: id(rng, next),
        name: format!("{} {} #{}", rng.pick(VERBS), rng.pick(THINGS), n + 1),
        description: format!(
            "Outcome: {} for every team.\n\n- measurable by the end of the PI\n- owned by {}",
            rng.pick(THINGS),
            rng.pick(PEOPLE)
        ),
        status: Some(rng.pick(STATES).into()),
        effort: Effort::new(rng.below(40) as f64),
        owner: Some(rng.pick(PEOPLE).into()),
        committed: rng.chance(70),
        business_value: Some(u32::try_from(rng.below(10)).unwrap_or(0) + 1),
        actual_business_value: rng.chance(20).then_some(5),
        program_objective: rng
            .chance(80)
            .then(|| EntityId::Tp(2_019_000 + i64::try_from(rng.below(3)).unwrap_or(0))),
        features,
    }
}

fn feature(rng: &mut Rng, n: usize, k: usize, next: &mut i64) -> Feature {
    let key = format!("DAD-{}", n * 10 + k + 1);
    let stories = if rng.chance(10) {
        story(rng, &key)
    } else {
        Vec::new()
    };
    Feature {
        id: id(rng, next),
        kind: if rng.chance(30) {
            FeatureKind::Epic
        } else {
            FeatureKind::Feature
        },
        name: format!("{} {} [{}]", rng.pick(VERBS), rng.pick(THINGS), k + 1),
        description: format!(
            "Why: {}.\n\n```sh\n# run the check\nmake verify\n```",
            rng.pick(THINGS)
        ),
        status: Some(rng.pick(STATES).into()),
        effort: Effort::new((rng.below(26) as f64) / 2.0),
        owner: rng.chance(80).then(|| rng.pick(PEOPLE).into()),
        acceptance_criteria: vec![
            Criterion {
                text: format!("{} is documented", rng.pick(THINGS)),
                done: rng.chance(50),
            },
            Criterion {
                text: "alerts fire within **5 minutes**".into(),
                done: false,
            },
        ],
        jira: rng.chance(70).then(|| JiraLink {
            url: Some(format!("https://acme.atlassian.net/browse/{key}")),
            key,
        }),
        stories,
    }
}

fn story(rng: &mut Rng, epic: &str) -> Vec<Story> {
    (1..=2)
        .map(|i| Story {
            key: format!("{epic}-{i}"),
            url: None,
            summary: format!("{} {}", rng.pick(VERBS), rng.pick(THINGS)),
            status: Some(rng.pick(STATES).into()),
            status_category: None,
            assignee: Some(rng.pick(PEOPLE).into()),
            points: Effort::new(3.0),
            acceptance_criteria: Vec::new(),
        })
        .collect()
}
