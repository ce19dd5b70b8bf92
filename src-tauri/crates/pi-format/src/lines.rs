//! Line-level lexing of the current layout: splitting into numbered lines, and deciding which
//! lines are structure (headings, field lines, conflict markers).
//!
//! Headings are classified with pulldown-cmark (CommonMark ATX rules, byte offsets) one line at a
//! time. The block skeleton is deliberately line-based rather than a whole-document markdown
//! parse: descriptions are arbitrary markdown, and an unclosed code fence or HTML block in one
//! description must never swallow the rest of the plan. This module does not know what a heading
//! or a field means; see `parse`.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::Position;

/// One line of the file without its line ending (`\n` or `\r\n`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: usize,
    pub text: &'a str,
}

impl Line<'_> {
    /// The position of byte offset `byte` of this line (column counted in characters).
    pub fn at(&self, byte: usize) -> Position {
        Position {
            line: self.no,
            column: column_of(self.text, byte),
        }
    }

    pub fn start(&self) -> Position {
        Position {
            line: self.no,
            column: 1,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The 1-based character column of byte offset `byte` in `text` (clamped, never panics).
pub(crate) fn column_of(text: &str, byte: usize) -> usize {
    let mut end = byte.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).map_or(0, |p| p.chars().count()) + 1
}

/// Splits `text` into lines, numbering from `first_no`. A final line ending does not start an
/// extra empty line; a trailing `\r` is dropped from every line.
pub(crate) fn split_lines(text: &str, first_no: usize) -> Vec<Line<'_>> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: first_no + i,
            text: l.strip_suffix('\r').unwrap_or(l),
        })
        .collect()
}

/// An ATX heading line: its level and the byte range of its content (without the `#` markers,
/// surrounding spaces and closing sequence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Heading {
    pub level: usize,
    pub content: Range<usize>,
}

/// Classifies `line` as an ATX heading the way a CommonMark reader would.
pub(crate) fn heading(line: &str) -> Option<Heading> {
    if !could_be_heading(line) {
        return None;
    }
    if let Some(h) = plain_heading(line) {
        return Some(h);
    }
    let mut events = Parser::new_ext(line, Options::empty()).into_offset_iter();
    let (level, whole) = match events.next() {
        Some((Event::Start(Tag::Heading { level, .. }), range)) => (level as usize, range),
        _ => return None,
    };
    // The start is computed by hand: for a leading backslash escape pulldown-cmark reports the
    // escaped character's range without the backslash.
    let marks = line.trim_start_matches(' ').trim_start_matches('#');
    let start = line.len() - marks.trim_start_matches([' ', '\t']).len();
    let mut end = start;
    for (event, range) in events {
        if matches!(event, Event::End(_)) && range == whole {
            break;
        }
        end = end.max(range.end);
    }
    let content = start..end.max(start);
    Some(Heading { level, content })
}

/// The common case without pulldown-cmark: `#`…`######`, one space, then content that does not
/// end in a closing sequence (a run of `#` after a space). Escapes do not change the range.
fn plain_heading(line: &str) -> Option<Heading> {
    let marks = line.bytes().take_while(|&b| b == b'#').count();
    let rest = line.get(marks..)?;
    if marks == 0 || marks > 6 || !rest.starts_with(' ') {
        return None;
    }
    let content = rest
        .trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t']);
    let before_hashes = content.trim_end_matches('#');
    if before_hashes.len() != content.len()
        && (before_hashes.is_empty() || before_hashes.ends_with([' ', '\t']))
    {
        return None;
    }
    let start = line.len() - rest.trim_start_matches([' ', '\t']).len();
    Some(Heading {
        level: marks,
        content: start..start + content.len(),
    })
}

/// Cheap pre-check: up to three spaces, then `#`. Every heading passes; most lines do not.
pub(crate) fn could_be_heading(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    line.len() - trimmed.len() <= 3 && trimmed.starts_with('#')
}

/// A `**Label**: value` line: the label and the byte offset where the value starts (after `:`
/// and one optional space).
pub(crate) fn field_line(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix("**")?;
    let close = rest.find("**")?;
    let label = rest.get(..close)?;
    if label.is_empty() || label.contains('*') {
        return None;
    }
    let after = rest.get(close + 2..)?.strip_prefix(':')?;
    let value_at = line.len() - after.len() + usize::from(after.starts_with(' '));
    Some((label, value_at))
}

/// Whether `line` starts like a git conflict marker line (seven `<`, `>`, `|` or `=`). Broader
/// than what the conflict check reports; used to decide what to escape.
pub(crate) fn looks_like_marker(line: &str) -> bool {
    ["<<<<<<<", ">>>>>>>", "|||||||", "======="]
        .iter()
        .any(|m| line.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_follow_commonmark() {
        assert_eq!(heading("## Objective: A").map(|h| h.level), Some(2));
        let h = heading("### Feature: x ##").expect("heading");
        assert_eq!(&"### Feature: x ##"[h.content], "Feature: x");
        assert!(heading("#hashtag").is_none());
        assert!(heading("    # code").is_none());
        assert!(heading("####### seven").is_none());
        let empty = heading("##").expect("empty heading");
        assert!(empty.content.is_empty());
        assert!(plain_heading("## x ##").is_none());
        assert!(plain_heading("## ##").is_none());
    }

    #[test]
    fn fast_path_agrees_with_pulldown() {
        for line in [
            "# a",
            "## Objective: x y",
            "###   spaced  ",
            "#### Story: *s* [k]",
            "## é ü",
            "## Objective: a \\#1",
            "## x\\\\#",
            "## \\\\ lead",
        ] {
            let fast = plain_heading(line).expect("plain");
            let mut events = Parser::new_ext(line, Options::empty()).into_offset_iter();
            let Some((Event::Start(Tag::Heading { level, .. }), _)) = events.next() else {
                panic!("{line:?} is a heading");
            };
            assert_eq!(fast.level, level as usize);
            let inner: Vec<_> = events
                .filter(|(e, _)| !matches!(e, Event::End(_)))
                .collect();
            // pulldown-cmark starts a leading escape's range after the backslash; compare ends.
            let end = inner.iter().map(|(_, r)| r.end).max();
            assert_eq!(Some(fast.content.end), end, "{line:?}");
            let after_marks = line.trim_start_matches('#').trim_start();
            assert_eq!(fast.content.start, line.len() - after_marks.len());
        }
    }

    #[test]
    fn field_lines() {
        assert_eq!(field_line("**Effort**: 3 points"), Some(("Effort", 12)));
        assert_eq!(field_line("**Owner**:"), Some(("Owner", 10)));
        assert_eq!(field_line("**bold** text"), None);
        assert_eq!(field_line("****: x"), None);
    }

    #[test]
    fn lines_and_columns() {
        let ls = split_lines("a\r\nb\n", 1);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].text, "a");
        assert_eq!(column_of("äb", 2), 2);
        assert_eq!(column_of("äb", 1), 1);
    }
}
