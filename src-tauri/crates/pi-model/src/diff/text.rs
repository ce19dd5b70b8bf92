//! Word-level differences of free text (descriptions, acceptance criteria), for highlighting
//! what changed inside a paragraph. Built on `similar`'s word tokenizer; whitespace is kept in
//! the spans so joining them gives back the old or the new text exactly.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use crate::Criterion;

/// What a span of words is in the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SpanTag {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// A run of words (with the whitespace between them) sharing one tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WordSpan {
    pub tag: SpanTag,
    pub text: String,
}

/// The word-level difference of `old` and `new`: adjacent words with the same tag are joined
/// into one span. The `Equal` and `Delete` spans spell `old`, the `Equal` and `Insert` spans
/// spell `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<WordSpan> {
    let diff = TextDiff::from_words(old, new);
    let mut spans: Vec<WordSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => SpanTag::Equal,
            ChangeTag::Insert => SpanTag::Insert,
            ChangeTag::Delete => SpanTag::Delete,
        };
        match spans.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => spans.push(WordSpan {
                tag,
                text: change.value().to_owned(),
            }),
        }
    }
    spans
}

/// Acceptance criteria as text, one `[x] text` line per criterion, for a word diff.
pub fn criteria_text(criteria: &[Criterion]) -> String {
    let lines: Vec<String> = criteria
        .iter()
        .map(|c| format!("[{}] {}", if c.done { "x" } else { " " }, c.text))
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spell(spans: &[WordSpan], skip: SpanTag) -> String {
        spans
            .iter()
            .filter(|s| s.tag != skip)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn marks_the_changed_words_only() {
        let spans = word_diff("Cut cloud cost by 10%", "Cut cloud cost by 25% this PI");
        let shown: Vec<String> = spans
            .iter()
            .map(|s| match s.tag {
                SpanTag::Equal => s.text.clone(),
                SpanTag::Insert => format!("{{+{}+}}", s.text),
                SpanTag::Delete => format!("[-{}-]", s.text),
            })
            .collect();
        insta::assert_snapshot!(shown.concat(), @"Cut cloud cost by [-10%-]{+25% this PI+}");
    }

    #[test]
    fn criteria_are_one_line_each() {
        let text = criteria_text(&[
            Criterion {
                text: "Dashboards live".into(),
                done: true,
            },
            Criterion {
                text: "Alerts paged".into(),
                done: false,
            },
        ]);
        assert_eq!(text, "[x] Dashboards live\n[ ] Alerts paged");
    }

    proptest! {
        #[test]
        fn spans_spell_both_texts(old in "[a-c ,.\n]{0,40}", new in "[a-c ,.\n]{0,40}") {
            let spans = word_diff(&old, &new);
            prop_assert_eq!(spell(&spans, SpanTag::Insert), old);
            prop_assert_eq!(spell(&spans, SpanTag::Delete), new);
        }
    }
}
