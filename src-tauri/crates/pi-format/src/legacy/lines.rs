//! Line lexing for legacy files: lines with their numbers, ATX headings outside fenced code,
//! `**Key**: value` field lines, list bullets and git conflict markers.
//!
//! It knows nothing about which headings or keys mean what; see the sibling modules for that.

use crate::{ParseError, ParseErrorKind, Position};

/// One line of the file, without its line ending.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line<'a> {
    /// 1-based line number in the whole file.
    pub no: usize,
    pub text: &'a str,
}

impl Line<'_> {
    /// The position of byte offset `byte` of this line (column in characters, 1-based).
    pub fn at(&self, byte: usize) -> Position {
        Position {
            line: self.no,
            column: column_of(self.text, byte),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// 1-based character column of byte offset `byte` in `text` (clamped to the text).
pub(super) fn column_of(text: &str, byte: usize) -> usize {
    let mut end = byte.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].chars().count() + 1
}

/// Splits text into lines; `\r\n` and `\n` both end a line, a leading BOM is ignored.
pub(super) fn split_lines(text: &str) -> Vec<Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i + 1,
            text: l.strip_suffix('\r').unwrap_or(l),
        })
        .collect()
}

/// An ATX heading: `## text`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Heading<'a> {
    pub level: usize,
    /// The heading text, trimmed.
    pub text: &'a str,
    /// Byte offset of `text` in the line.
    pub text_at: usize,
}

/// Leading spaces of `text` if there are at most three (the CommonMark block indent).
fn block_indent(text: &str) -> Option<usize> {
    let n = text.len() - text.trim_start_matches(' ').len();
    (n <= 3).then_some(n)
}

/// The ATX heading on this line, if it is one.
pub(super) fn heading(text: &str) -> Option<Heading<'_>> {
    let indent = block_indent(text)?;
    let rest = &text[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let trimmed = after.trim();
    let lead = after.len() - after.trim_start().len();
    Some(Heading {
        level,
        text: trimmed,
        text_at: indent + level + lead,
    })
}

/// A code fence opener/closer: the fence character and its run length.
fn fence(text: &str) -> Option<(char, usize)> {
    let indent = block_indent(text)?;
    let rest = &text[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = rest.len() - rest.trim_start_matches(c).len();
    (run >= 3).then_some((c, run))
}

/// For each line, its heading unless the line is inside a fenced code block.
pub(super) fn headings<'a>(lines: &[Line<'a>]) -> Vec<Option<Heading<'a>>> {
    let mut open: Option<(char, usize)> = None;
    lines
        .iter()
        .map(|l| match (open, fence(l.text)) {
            (None, Some(f)) => {
                open = Some(f);
                None
            }
            (Some((c, n)), Some((c2, n2))) if c == c2 && n2 >= n => {
                open = None;
                None
            }
            (Some(_), _) => None,
            (None, None) => heading(l.text),
        })
        .collect()
}

/// A `**Key**: value` (or `- **Key**: value`, or `**Key:** value`) field line.
#[derive(Clone, Copy, Debug)]
pub(super) struct FieldLine<'a> {
    pub key: &'a str,
    /// Byte offset of the opening `**`.
    pub key_at: usize,
    /// The value, trimmed.
    pub value: &'a str,
    /// Byte offset of the value (end of line when empty).
    pub value_at: usize,
    /// Written as a list item (`- **Key**: ...`), the PRD layout's style.
    pub bullet: bool,
}

/// The field that starts this line, if it is a field line. The value runs to the end of the
/// line; see [`split_fields`] for lines holding several fields.
pub(super) fn field_line(text: &str) -> Option<FieldLine<'_>> {
    let indent = block_indent(text)?;
    let mut at = indent;
    let mut bullet = false;
    if let Some(rest) = text[at..]
        .strip_prefix("- ")
        .or(text[at..].strip_prefix("* "))
    {
        bullet = true;
        at = text.len() - rest.trim_start().len();
    }
    field_at(text, at).map(|f| FieldLine { bullet, ..f })
}

/// A field starting exactly at byte `at` of `text`.
fn field_at(text: &str, at: usize) -> Option<FieldLine<'_>> {
    let rest = text.get(at..)?.strip_prefix("**")?;
    let close = rest.find("**")?;
    let raw_key = &rest[..close];
    let after = &rest[close + 2..];
    let (key, after) = match (raw_key.strip_suffix(':'), after.strip_prefix(':')) {
        (Some(k), _) => (k, after),
        (None, Some(a)) => (raw_key, a),
        (None, None) => return None,
    };
    let key = key.trim();
    if key.is_empty() || key.contains('*') || !(after.is_empty() || after.starts_with([' ', '\t']))
    {
        return None;
    }
    let value = after.trim();
    let value_at = text.len() - after.trim_start().len();
    Some(FieldLine {
        key,
        key_at: at,
        value: value.trim_end(),
        value_at,
        bullet: false,
    })
}

/// Splits a line holding several fields (`**Status**: Done **Assignee**: Jane`) at each
/// `**Key**:` whose key is in `known`. Values keep any other bold text.
pub(super) fn split_fields<'a>(
    text: &'a str,
    first: FieldLine<'a>,
    known: &[&str],
) -> Vec<FieldLine<'a>> {
    let mut out = vec![first];
    let mut search = first.value_at;
    while let Some(rel) = text.get(search..).and_then(|s| s.find(" **")) {
        let start = search + rel + 1;
        search = start + 2;
        let Some(next) = field_at(text, start) else {
            continue;
        };
        if !known.iter().any(|k| k.eq_ignore_ascii_case(next.key)) {
            continue;
        }
        if let Some(prev) = out.last_mut() {
            let end = start.max(prev.value_at);
            prev.value = text[prev.value_at..end].trim();
        }
        out.push(next);
        search = next.value_at;
    }
    out
}

/// A thematic break (`---`, `***`, `___`), which the PRD layout puts between objectives.
pub(super) fn is_thematic_break(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    block_indent(text).is_some()
        && compact.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&m| compact.chars().all(|c| c == m))
}

/// A list item: indentation (in bytes), the item text and its byte offset.
pub(super) fn bullet(text: &str) -> Option<(usize, &str, usize)> {
    let indent = text.len() - text.trim_start().len();
    let rest = &text[indent..];
    let item = rest
        .strip_prefix("- ")
        .or_else(|| rest.strip_prefix("* "))
        .or_else(|| rest.strip_prefix("+ "))?;
    let at = text.len() - item.trim_start().len();
    Some((indent, item.trim(), at))
}

/// One error per unresolved conflict: at each `<<<<<<<` line, and at any `>>>>>>>` line that
/// closes no `<<<<<<<`.
pub(super) fn conflict_markers(lines: &[Line<'_>]) -> Vec<ParseError> {
    let is_marker = |t: &str, m: &str| {
        t.strip_prefix(m)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
    };
    let mut out = Vec::new();
    let mut open = false;
    for l in lines {
        if is_marker(l.text, "<<<<<<<") {
            open = true;
            out.push(conflict_error(l.no, "unresolved git conflict (`<<<<<<<`)"));
        } else if is_marker(l.text, ">>>>>>>") {
            if !open {
                out.push(conflict_error(
                    l.no,
                    "stray git conflict marker (`>>>>>>>`)",
                ));
            }
            open = false;
        }
    }
    out
}

fn conflict_error(line: usize, what: &str) -> ParseError {
    ParseError {
        kind: ParseErrorKind::ConflictMarkers,
        at: Position { line, column: 1 },
        message: format!("{what}: resolve the conflict, then import again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_headings_but_not_inside_fences() {
        let lines = split_lines("# T\n```\n## not\n```\n  ### Epic: x  \n####no\n#");
        let h = headings(&lines);
        assert_eq!(h[0].map(|h| (h.level, h.text)), Some((1, "T")));
        assert!(h[2].is_none());
        assert_eq!(
            h[4].map(|h| (h.level, h.text, h.text_at)),
            Some((3, "Epic: x", 6))
        );
        assert!(h[5].is_none());
        assert_eq!(h[6].map(|h| (h.level, h.text)), Some((1, "")));
    }

    #[test]
    fn reads_field_lines_in_all_styles() {
        let f = field_line("**Effort**: 13 points").expect("field");
        assert_eq!(
            (f.key, f.value, f.value_at, f.bullet),
            ("Effort", "13 points", 12, false)
        );
        let f = field_line("- **TP ID**: 2018883").expect("field");
        assert_eq!(
            (f.key, f.value, f.key_at, f.bullet),
            ("TP ID", "2018883", 2, true)
        );
        let f = field_line("**Acceptance Criteria:**").expect("field");
        assert_eq!((f.key, f.value), ("Acceptance Criteria", ""));
        assert!(field_line("**bold** text").is_none());
        assert!(field_line("    **Effort**: 3").is_none());
    }

    #[test]
    fn splits_several_fields_on_one_line() {
        let text = "**Status**: Done **Assignee**: Jane **Odd**: x **Story Points**: 3";
        let first = field_line(text).expect("field");
        let known = ["Status", "Assignee", "Story Points"];
        let got: Vec<_> = split_fields(text, first, &known)
            .iter()
            .map(|f| (f.key, f.value))
            .collect();
        assert_eq!(
            got,
            [
                ("Status", "Done"),
                ("Assignee", "Jane **Odd**: x"),
                ("Story Points", "3")
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let l = Line {
            no: 3,
            text: "**Öwner**: é",
        };
        assert_eq!(
            l.at(12),
            Position {
                line: 3,
                column: 12
            }
        );
        assert_eq!(column_of("é", 1), 1);
    }
}
