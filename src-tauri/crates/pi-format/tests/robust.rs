//! Whatever the input, `parse` returns instead of panicking: random text, and random edits of
//! a real rendered file (deleted, duplicated, swapped and truncated lines, inserted bytes).

use crate::support;

use pi_format::{parse, render};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, String),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), support::line()).prop_map(|(a, s)| Edit::Insert(a, s)),
        (
            any::<usize>(),
            "[#*\\-\\[\\]:<>=|` \\\\a-z0-9\u{e9}\u{1F680}\r\n]{0,12}"
        )
            .prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for e in edits {
        let n = lines.len().max(1);
        match e {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Edit::Insert(i, s) => lines.insert(i % (lines.len() + 1), s.clone()),
            Edit::Truncate(i) if !lines.is_empty() => {
                let l = &mut lines[i % n];
                let cut = l
                    .char_indices()
                    .map(|(c, _)| c)
                    .nth(i % 7)
                    .unwrap_or(l.len());
                l.truncate(cut);
            }
            _ => {}
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "(?s).{0,400}") {
        let _ = parse(&text);
        let _ = parse(&format!("---\nformat: pi-plan/1\n{text}"));
    }

    #[test]
    fn mutated_files_never_panic(
        plan in support::normalized_plan(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let text = render(&plan);
        let mutated = apply(&text, &edits);
        if let Ok(parsed) = parse(&mutated) {
            // Whatever parsed must, once normalized, render and parse again to the same plan.
            let mut plan = parsed.plan;
            pi_format::normalize(&mut plan);
            let again = parse(&render(&plan));
            prop_assert_eq!(again.map(|p| p.plan).ok(), Some(plan));
        }
    }
}
