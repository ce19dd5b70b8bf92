//! Test support: proptest strategies for whole plans, biased towards the text that is hard for
//! the format (markdown-significant characters, structure-looking description lines, unicode).

#![allow(dead_code)]

use pi_model::{
    Criterion, Effort, EntityId, Feature, FeatureKind, JiraLink, LocalId, Named, Plan, PlanMeta,
    ProgramObjective, Story, TeamObjective,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// One line of text made of awkward pieces (may have leading/trailing spaces and control
/// characters; the caller normalizes).
pub fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ]{1,8}",
        Just("#".to_owned()),
        Just("**".to_owned()),
        Just("*".to_owned()),
        Just("_".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("`".to_owned()),
        Just("\\".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("&amp;".to_owned()),
        Just("- ".to_owned()),
        Just("**Status**: ".to_owned()),
        Just("<<<<<<< ".to_owned()),
        Just("=======".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just(":".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        "[äöüéßÆ漢字🚀\u{a0}\u{200b}]{1,3}",
    ];
    vec(piece, 0..6).prop_map(|p| p.concat())
}

/// A block of markdown: paragraphs, lists, tables, fences, headings and structure-looking lines.
pub fn block() -> impl Strategy<Value = String> {
    let para = prop_oneof![
        line(),
        Just("- item one\n- item two\n  - nested".to_owned()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |".to_owned()),
        Just("```rust\n# not a heading\nfn main() {}\n```".to_owned()),
        Just("```\nunclosed fence".to_owned()),
        Just("# Heading in text\n## Objective: fake\n### Feature: fake".to_owned()),
        Just("**Effort**: 3 points\n**ID**: tp:1".to_owned()),
        Just("\\# already escaped\n\\\\**X**: y".to_owned()),
        Just("[a link](https://example.com) and <b>html</b>".to_owned()),
        Just("- [ ] a task in a description".to_owned()),
        Just("Setext\n=======".to_owned()),
        Just("<<<<<<< HEAD\n>>>>>>> other\n||||||| base".to_owned()),
        Just("    indented code".to_owned()),
        Just("trailing spaces  ".to_owned()),
        Just("   ".to_owned()),
        Just("\r\nwindows\r\nline\r".to_owned()),
        Just(String::new()),
    ];
    vec(para, 0..5).prop_map(|p| p.join("\n\n"))
}

pub fn id() -> impl Strategy<Value = EntityId> {
    prop_oneof![
        (1i64..10_000_000).prop_map(EntityId::Tp),
        "[a-z0-9-]{1,12}".prop_map(|s| {
            EntityId::Local(LocalId::new(&s).expect("strategy yields valid local ids"))
        }),
    ]
}

fn effort() -> impl Strategy<Value = Effort> {
    prop_oneof![
        (0u32..200).prop_map(f64::from),
        (-1.0e6f64..1.0e6),
        Just(0.5),
    ]
    .prop_map(|v| Effort::new(v).expect("finite"))
}

fn criteria() -> impl Strategy<Value = Vec<Criterion>> {
    vec(
        (line(), any::<bool>()).prop_map(|(text, done)| Criterion { text, done }),
        0..4,
    )
}

fn jira() -> impl Strategy<Value = JiraLink> {
    (
        "[A-Z]{2,4}-[0-9]{1,4}|[a-z \\[\\]]{0,5}",
        option::of(prop_oneof![
            "https://[a-z]{3,8}\\.example/browse/[A-Z]{2}-[0-9]{1,3}",
            line()
        ]),
    )
        .prop_map(|(key, url)| JiraLink { key, url })
}

fn story() -> impl Strategy<Value = Story> {
    (
        jira(),
        line(),
        option::of(line()),
        option::of(line()),
        option::of(line()),
        option::of(effort()),
        criteria(),
    )
        .prop_map(
            |(j, summary, status, status_category, assignee, points, acceptance_criteria)| Story {
                key: j.key,
                url: j.url,
                summary,
                status,
                status_category,
                assignee,
                points,
                acceptance_criteria,
            },
        )
}

fn feature() -> impl Strategy<Value = Feature> {
    (
        (id(), any::<bool>(), line(), block()),
        (option::of(line()), option::of(effort()), option::of(line())),
        (criteria(), option::of(jira()), vec(story(), 0..2)),
    )
        .prop_map(
            |((id, epic, name, description), (status, effort, owner), (ac, jira, stories))| {
                Feature {
                    id,
                    kind: if epic {
                        FeatureKind::Epic
                    } else {
                        FeatureKind::Feature
                    },
                    name,
                    description,
                    status,
                    effort,
                    owner,
                    acceptance_criteria: ac,
                    jira,
                    stories,
                }
            },
        )
}

fn objective(program_ids: Vec<EntityId>) -> impl Strategy<Value = TeamObjective> {
    let po = if program_ids.is_empty() {
        Just(None).boxed()
    } else {
        option::of(prop::sample::select(program_ids)).boxed()
    };
    (
        (
            id(),
            line(),
            block(),
            option::of(line()),
            option::of(effort()),
        ),
        (
            option::of(line()),
            any::<bool>(),
            option::of(0u32..20),
            option::of(0u32..20),
        ),
        (po, vec(feature(), 0..3)),
    )
        .prop_map(
            |((id, name, description, status, effort), (owner, committed, bv, abv), (po, fs))| {
                TeamObjective {
                    id,
                    name,
                    description,
                    status,
                    effort,
                    owner,
                    committed,
                    business_value: bv,
                    actual_business_value: abv,
                    program_objective: po,
                    features: fs,
                }
            },
        )
}

fn named() -> impl Strategy<Value = Named> {
    (option::of(1i64..100_000), line()).prop_map(|(id, name)| Named { id, name })
}

/// A whole plan (not normalized; apply `pi_format::normalize` before comparing).
pub fn plan() -> impl Strategy<Value = Plan> {
    let programs = vec(
        (id(), line()).prop_map(|(id, name)| ProgramObjective { id, name }),
        0..3,
    );
    (
        (named(), named(), named()),
        (option::of(line()), option::of(line())),
        programs,
        block(),
    )
        .prop_flat_map(
            |((art, release, team), (tp_url, jira_url), programs, notes)| {
                let ids: Vec<EntityId> = programs.iter().map(|p| p.id.clone()).collect();
                vec(objective(ids), 0..4).prop_map(move |objectives| Plan {
                    art: art.clone(),
                    release: release.clone(),
                    team: team.clone(),
                    meta: PlanMeta {
                        tp_url: tp_url.clone(),
                        jira_url: jira_url.clone(),
                    },
                    program_objectives: programs.clone(),
                    objectives,
                    notes: notes.clone(),
                })
            },
        )
}

/// `plan` normalized.
pub fn normalized_plan() -> impl Strategy<Value = Plan> {
    plan().prop_map(|mut p| {
        pi_format::normalize(&mut p);
        p
    })
}
