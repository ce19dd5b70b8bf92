//! Line-level lexing of the current layout: streaming numbered lines with a [`Cursor`] (no
//! per-line index is built), and deciding which lines are structure (headings, field lines,
//! conflict markers).
//!
//! Headings are classified with pulldown-cmark (CommonMark ATX rules, byte offsets) one line at a
//! time. The block skeleton is deliberately line-based rather than a whole-document markdown
//! parse: descriptions are arbitrary markdown, and an unclosed code fence or HTML block in one
//! description must never swallow the rest of the plan. This module does not know what a heading
//! or a field means; see `parse`.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::{Position, conflict};

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
        match self.text.as_bytes().first() {
            None => true,
            Some(b) if b.is_ascii_graphic() => false,
            Some(_) => self.text.trim().is_empty(),
        }
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

/// Streams the lines of a text, numbering from a first line number, without building an index:
/// the parser only ever looks at the current line and copies the cursor to look ahead. A final
/// line ending does not start an extra empty line; a trailing `\r` is dropped from every line.
///
/// The cursor also notes whether any line it has passed (or is on) is a git conflict marker
/// line, so the parser's own line pass doubles as the conflict check: a cursor only moves by
/// loading the next line, so a cursor at the end has seen every line of the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cursor<'a> {
    /// The text of the line under the cursor (`None` at the end).
    line: Option<&'a str>,
    /// The number of the line under the cursor; at the end, one past the last line.
    no: usize,
    /// The text after the current line's ending (`None` when the current line is the last).
    rest: Option<&'a str>,
    /// The whole text the lines come from.
    whole: &'a str,
    /// Whether a line up to and including the current one is a conflict marker line.
    marker: bool,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str, first_no: usize) -> Self {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut cursor = Cursor {
            line: None,
            no: first_no,
            rest: (!text.is_empty()).then_some(body),
            whole: text,
            marker: false,
        };
        cursor.load();
        cursor
    }

    /// Makes the first line of `rest` the current line.
    fn load(&mut self) {
        let Some(rest) = self.rest else {
            self.line = None;
            return;
        };
        let (raw, after) = match find_newline(rest) {
            Some(i) => (&rest[..i], rest.get(i + 1..)),
            None => (rest, None),
        };
        self.rest = after;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if matches!(line.as_bytes().first(), Some(b'<' | b'>')) {
            self.marker |= conflict::is_marker_line(line);
        }
        self.line = Some(line);
    }

    /// Whether any line before the cursor, or the line under it, is a conflict marker line
    /// (see [`conflict::is_marker_line`]).
    pub fn seen_marker(&self) -> bool {
        self.marker
    }

    /// The line under the cursor; `None` at the end.
    pub fn peek(&self) -> Option<Line<'a>> {
        self.line.map(|text| Line { no: self.no, text })
    }

    /// Moves past the current line (no-op at the end).
    pub fn advance(&mut self) {
        if self.line.is_some() {
            self.no += 1;
            self.load();
        }
    }

    /// The number of the line under the cursor; at the end, one past the last line.
    pub fn line_no(&self) -> usize {
        self.no
    }

    /// The text from the start of line `first` to the end of line `last` (both from this
    /// cursor's text, `first` not after `last`), line endings included as written.
    pub fn span(&self, first: &Line<'a>, last: &Line<'a>) -> &'a str {
        let base = self.whole.as_ptr() as usize;
        let start = (first.text.as_ptr() as usize).saturating_sub(base);
        let end = (last.text.as_ptr() as usize).saturating_sub(base) + last.text.len();
        self.whole.get(start..end).unwrap_or("")
    }

    /// Moves to the end of the text.
    pub fn skip_to_end(&mut self) {
        while self.line.is_some() {
            self.advance();
        }
    }
}

/// The index of the first `\n` in `s`.
fn find_newline(s: &str) -> Option<usize> {
    memchr::memchr(b'\n', s.as_bytes())
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
    let after_marks = trim_start_blanks(rest);
    let content = trim_end_blanks(after_marks);
    let hashes = content.bytes().rev().take_while(|&b| b == b'#').count();
    if hashes > 0 {
        let before = content.get(..content.len() - hashes).unwrap_or("");
        if before.is_empty() || before.ends_with([' ', '\t']) {
            return None;
        }
    }
    let start = line.len() - after_marks.len();
    Some(Heading {
        level: marks,
        content: start..start + content.len(),
    })
}

/// `s` without leading spaces and tabs (ASCII, so cut at a character boundary).
fn trim_start_blanks(s: &str) -> &str {
    let n = s.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
    s.get(n..).unwrap_or("")
}

/// `s` without trailing spaces and tabs.
fn trim_end_blanks(s: &str) -> &str {
    let n = s
        .bytes()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    s.get(..s.len() - n).unwrap_or("")
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
    // The label runs to the first `*`, which must start the closing `**` (a label holding a
    // `*` is not a field line).
    let close = rest.bytes().position(|b| b == b'*')?;
    let label = rest.get(..close)?;
    if label.is_empty() || rest.as_bytes().get(close + 1) != Some(&b'*') {
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
        let mut c = Cursor::new("a\r\nb\n", 1);
        let a = c.peek().expect("line 1");
        assert_eq!((a.no, a.text), (1, "a"));
        c.advance();
        let b = c.peek().expect("line 2");
        assert_eq!((b.no, b.text), (2, "b"));
        assert_eq!(c.span(&a, &b), "a\r\nb");
        c.advance();
        assert!(c.peek().is_none());
        assert_eq!(c.line_no(), 3);
        assert!(Cursor::new("", 1).peek().is_none());
        let mut blank_end = Cursor::new("x\n\n", 4);
        blank_end.skip_to_end();
        assert_eq!(blank_end.line_no(), 6);
        // Marker lines are noted once passed, by the cursor that passed them.
        let mut m = Cursor::new("a\n<<<<<<<x\n>>>>>>> b\r\nc", 1);
        let start = m;
        m.advance();
        assert!(!m.seen_marker(), "`<<<<<<<x` is no marker");
        m.advance();
        assert!(m.seen_marker());
        m.skip_to_end();
        assert!(m.seen_marker() && !start.seen_marker());
        assert_eq!(column_of("äb", 2), 2);
        assert_eq!(column_of("äb", 1), 1);
    }
}
