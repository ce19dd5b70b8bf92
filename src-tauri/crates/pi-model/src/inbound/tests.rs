use super::*;
use crate::{EntityId, FeatureKind, Named, ProgramObjective};
use proptest::prelude::*;

fn objective(name: &str, description: &str) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(12),
        name: name.to_owned(),
        description: description.to_owned(),
        status: Some("Open\u{7}".to_owned()),
        effort: None,
        owner: Some("\u{202E}nnA".to_owned()),
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: vec![Feature {
            id: EntityId::Tp(5),
            kind: FeatureKind::Feature,
            name: "F\0one".to_owned(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            acceptance_criteria: vec![Criterion {
                text: "a\nb".to_owned(),
                done: false,
            }],
            jira: None,
            stories: Vec::new(),
        }],
    }
}

#[test]
fn single_lines_lose_control_and_bidi_characters() {
    let mut plan = Plan {
        team: Named {
            id: Some(1),
            name: " Team\r\nTwo\u{1b}[31m ".to_owned(),
        },
        program_objectives: vec![ProgramObjective {
            id: EntityId::Tp(9),
            name: "Grow\nrevenue\u{2028}fast".to_owned(),
        }],
        objectives: vec![objective("Ship\nit\u{2066}", "")],
        ..Plan::default()
    };
    assert!(super::plan(&mut plan).is_empty());
    assert_eq!(plan.team.name, "Team  Two [31m");
    assert_eq!(plan.program_objectives[0].name, "Grow revenue fast");
    let o = &plan.objectives[0];
    assert_eq!(o.name, "Ship it");
    assert_eq!(o.status.as_deref(), Some("Open"));
    assert_eq!(o.owner.as_deref(), Some("nnA"));
    assert_eq!(o.features[0].name, "F one");
    assert_eq!(o.features[0].acceptance_criteria[0].text, "a b");
}

#[test]
fn text_keeps_lines_and_tabs_and_escapes_conflict_markers() {
    let mut text =
        "a\r\n\tb\u{0}\u{7}\u{1b}c\rd\u{202E}e\n<<<<<<< x\n=======\n>>>>>>>\n||||||| base\n\n"
            .to_owned();
    assert!(!clean_text(&mut text, MAX_TEXT_CHARS));
    assert_eq!(
        text,
        "a\n\tbc\nde\n\\<<<<<<< x\n=======\n\\>>>>>>>\n\\||||||| base"
    );
    assert!(!text.lines().any(is_conflict_marker));
}

#[test]
fn long_values_are_cut_visibly_with_a_warning() {
    let long = "n".repeat(MAX_NAME_CHARS + 100);
    let mut plan = Plan {
        objectives: vec![objective(&long, &"d ".repeat(MAX_TEXT_CHARS))],
        ..Plan::default()
    };
    let warnings = super::plan(&mut plan);
    let o = &plan.objectives[0];
    assert_eq!(o.name.chars().count(), MAX_NAME_CHARS);
    assert!(o.name.ends_with(TRUNCATED));
    assert!(o.description.ends_with(&format!("d{TRUNCATED}")));
    assert!(o.description.chars().count() <= MAX_TEXT_CHARS);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("name of objective tp:12"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("600 characters"), "{}", warnings[0]);
    assert!(warnings[1].contains("description of objective tp:12"));
}

#[test]
fn a_cut_never_leaves_a_conflict_marker() {
    let mut text = format!("{}\n<<<<<<<  {}", "x".repeat(10), "y".repeat(50));
    clean_text(&mut text, 30);
    assert!(!text.lines().any(is_conflict_marker), "{text}");
    let mut again = text.clone();
    assert!(!clean_text(&mut again, 30));
    assert_eq!(again, text);
}

#[test]
fn stories_from_jira_are_cleaned() {
    let mut s = Story {
        key: "DAD-1\n".to_owned(),
        url: None,
        summary: "Log\u{1b}]0;pwned\u{7} in".to_owned(),
        status: None,
        status_category: Some("done\u{202e}".to_owned()),
        assignee: None,
        points: None,
        acceptance_criteria: Vec::new(),
    };
    assert!(story(&mut s).is_empty());
    assert_eq!(
        (s.key.as_str(), s.summary.as_str()),
        ("DAD-1", "Log ]0;pwned  in")
    );
    assert_eq!(s.status_category.as_deref(), Some("done"));
}

fn awkward() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z ]{0,6}",
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\t".to_owned()),
        Just("\u{0}\u{7}\u{1b}\u{7f}\u{85}".to_owned()),
        Just("\u{202E}\u{2066}\u{2028}".to_owned()),
        Just("<<<<<<< ".to_owned()),
        Just(">>>>>>>".to_owned()),
        Just("…".to_owned()),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn cleaning_is_idempotent_and_bounded(raw in awkward(), max in 12usize..40) {
        let mut line = raw.clone();
        clean_line(&mut line, max);
        prop_assert!(line.chars().count() <= max);
        prop_assert!(!line.chars().any(|c| c.is_control() || is_bidi(c)));
        let mut again = line.clone();
        prop_assert!(!clean_line(&mut again, max));
        prop_assert_eq!(&again, &line);

        let mut text = raw;
        clean_text(&mut text, max);
        prop_assert!(text.chars().count() <= max);
        prop_assert!(!text.lines().any(is_conflict_marker));
        let mut again = text.clone();
        prop_assert!(!clean_text(&mut again, max));
        prop_assert_eq!(again, text);
    }
}
