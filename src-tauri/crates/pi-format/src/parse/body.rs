//! The body of one entity section: the field lines, the `**Description**:` block and the
//! acceptance-criteria task list between a heading and the next heading.
//!
//! Reads the generic shape only; which labels an entity may carry is decided in `fields`.

use pi_model::Criterion;

use crate::escape::{self, BlockKind};
use crate::lines::{self, Cursor, Line};
use crate::{ParseError, ParseErrorKind, Position};

/// One `**Label**: value` line.
#[derive(Debug)]
pub(super) struct FieldLine<'a> {
    pub label: &'a str,
    pub value: &'a str,
    pub line: Line<'a>,
    pub value_at: usize,
}

impl FieldLine<'_> {
    pub fn value_pos(&self) -> Position {
        self.line.at(self.value_at)
    }

    pub fn error(&self, message: String) -> ParseError {
        ParseError {
            kind: ParseErrorKind::Value,
            at: self.value_pos(),
            message,
        }
    }
}

/// What a body holds, in file order.
#[derive(Debug)]
pub(super) enum Item<'a> {
    Field(FieldLine<'a>),
    Description(FieldLine<'a>, String),
    Criteria(FieldLine<'a>, Vec<Criterion>),
}

impl<'a> Item<'a> {
    pub fn head(&self) -> &FieldLine<'a> {
        match self {
            Item::Field(f) | Item::Description(f, _) | Item::Criteria(f, _) => f,
        }
    }
}

/// Reads the next item before the next heading, advancing `cur` past it; `None` (with the
/// cursor on the heading or at the end) when the body is done. Text that is no item is
/// reported and skipped.
pub(super) fn next<'a>(cur: &mut Cursor<'a>, errors: &mut Vec<ParseError>) -> Option<Item<'a>> {
    loop {
        let line = super::skip_blank(cur)?;
        if lines::could_be_heading(line.text) && lines::heading(line.text).is_some() {
            return None;
        }
        cur.advance();
        let Some((label, value_at)) = lines::field_line(line.text) else {
            errors.push(unexpected(&line));
            skip_paragraph(cur);
            continue;
        };
        let head = FieldLine {
            label,
            value: line.text.get(value_at..).unwrap_or(""),
            line,
            value_at,
        };
        return Some(match label {
            "Description" => {
                let text = block(cur, BlockKind::Description, head.value);
                Item::Description(head, text)
            }
            "Acceptance Criteria" => {
                if !head.value.trim().is_empty() {
                    errors.push(head.error(
                        "acceptance criteria go on the lines after `**Acceptance Criteria**:`, \
                         as a task list `- [ ] text`"
                            .to_owned(),
                    ));
                }
                let list = criteria(cur, errors);
                Item::Criteria(head, list)
            }
            _ => Item::Field(head),
        });
    }
}

fn unexpected(line: &Line<'_>) -> ParseError {
    ParseError {
        kind: ParseErrorKind::Structure,
        at: line.start(),
        message: format!(
            "unexpected text {:?}; expected a field line `**Label**: value`, a \
             `**Description**:` block or a heading",
            preview(line.text)
        ),
    }
}

/// At most 40 characters of `text`, for messages.
pub(super) fn preview(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &t[..cut]),
        None => t.to_owned(),
    }
}

/// Skips the rest of a paragraph of unexpected text so it is reported once.
fn skip_paragraph(cur: &mut Cursor<'_>) {
    while let Some(line) = cur.peek() {
        if line.is_blank() || escape::ends_block(BlockKind::Description, line.text) {
            return;
        }
        cur.advance();
    }
}

/// A block of text up to the next line that ends a block of `kind`: `inline` (the text after a
/// `**Description**:` label, if not blank) and the block lines, unescaped, without the blank
/// line that follows the label (or opens the notes) and without the empty lines at the end.
pub(super) fn block(cur: &mut Cursor<'_>, kind: BlockKind, inline: &str) -> String {
    let has_inline = !inline.trim().is_empty();
    if !has_inline && cur.peek().is_some_and(|l| l.text.is_empty()) {
        cur.advance();
    }
    // First pass: find the last non-empty line and whether any line needs unescaping.
    let mut last: Option<Line<'_>> = None;
    let mut escaped = false;
    let mut scan = *cur;
    while let Some(line) = scan.peek() {
        if escape::ends_block(kind, line.text) {
            break;
        }
        scan.advance();
        if !line.text.is_empty() {
            last = Some(line);
            escaped |= line.text.starts_with('\\');
        }
    }
    let body = match (cur.peek(), last) {
        (Some(first), Some(last)) => Some((cur.span(&first, &last), last.no)),
        _ => None,
    };
    let inline = if has_inline { inline } else { "" };
    let body_len = body.map_or(0, |(span, _)| span.len() + usize::from(has_inline));
    let mut text = String::with_capacity(inline.len() + body_len);
    text.push_str(inline);
    if let Some((span, last)) = body {
        if has_inline {
            text.push('\n');
        }
        // Without `\r` line endings the lines joined by `\n` are the file text.
        if memchr::memchr(b'\r', span.as_bytes()).is_some() {
            join_unescaped(cur, kind, last, &mut text);
        } else if escaped {
            push_unescaped(kind, span, &mut text);
        } else {
            text.push_str(span);
        }
    }
    *cur = scan;
    text
}

/// Appends `span` (whole lines joined by `\n`) with the block escapes undone, copied in pieces
/// between the escaped lines.
fn push_unescaped(kind: BlockKind, span: &str, out: &mut String) {
    let bytes = span.as_bytes();
    // `span[..copied]` is written; the next backslash is searched for from `from`.
    let (mut copied, mut from) = (0, 0);
    while let Some(i) = bytes.get(from..).and_then(|b| memchr::memchr(b'\\', b)) {
        let i = i + from;
        from = i + 1;
        if i > 0 && bytes.get(i - 1) != Some(&b'\n') {
            continue;
        }
        let rest = span.get(i..).unwrap_or("");
        let line = rest.get(..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len()));
        let line = line.unwrap_or("");
        if escape::unescape_block_line(kind, line).len() != line.len() {
            // The backslash is ASCII: both cuts are character boundaries.
            out.push_str(span.get(copied..i).unwrap_or(""));
            copied = i + 1;
        }
        from = i + line.len();
    }
    out.push_str(span.get(copied..).unwrap_or(""));
}

/// Appends the lines from `cur` up to line `last`, unescaped, joined by `\n`.
fn join_unescaped(cur: &mut Cursor<'_>, kind: BlockKind, last: usize, out: &mut String) {
    let mut first = true;
    while let Some(line) = cur.peek().filter(|l| l.no <= last) {
        if !first {
            out.push('\n');
        }
        first = false;
        out.push_str(escape::unescape_block_line(kind, line.text));
        cur.advance();
    }
}

/// A task list right after the `**Acceptance Criteria**:` line (blank lines before it allowed).
fn criteria(cur: &mut Cursor<'_>, errors: &mut Vec<ParseError>) -> Vec<Criterion> {
    let mut list = Vec::new();
    let mut scan = *cur;
    let mut moved = false;
    while scan.peek().is_some_and(|l| l.is_blank()) {
        scan.advance();
        moved = true;
    }
    while let Some(line) = scan.peek() {
        let t = line.text;
        if !(t.starts_with("- ") || t.starts_with("* ")) {
            break;
        }
        match criterion(t) {
            Some(c) => list.push(c),
            None => errors.push(ParseError {
                kind: ParseErrorKind::Value,
                at: line.start(),
                message: format!(
                    "expected a task list item `- [ ] text` or `- [x] text`, found {:?}",
                    preview(t)
                ),
            }),
        }
        scan.advance();
        moved = true;
    }
    if moved {
        *cur = scan;
    }
    list
}

fn criterion(line: &str) -> Option<Criterion> {
    let rest = line.get(2..)?;
    let (done, rest) = if let Some(r) = rest.strip_prefix("[ ]") {
        (false, r)
    } else if let Some(r) = rest
        .strip_prefix("[x]")
        .or_else(|| rest.strip_prefix("[X]"))
    {
        (true, r)
    } else {
        return None;
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some(Criterion {
        text: rest.trim().to_owned(),
        done,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a description block from the start of `text`, returning it and the next line.
    fn read(text: &str, inline: &str) -> (String, Option<String>) {
        let mut cur = Cursor::new(text, 1);
        let block = block(&mut cur, BlockKind::Description, inline);
        (block, cur.peek().map(|l| l.text.to_owned()))
    }

    #[test]
    fn blocks_copied_whole_and_line_by_line_agree() {
        let next = Some("**Status**: x".to_owned());
        // Verbatim: one copy of the file text.
        let plain = read("\nOutcome.\n\n- a\n\n\n**Status**: x\n", "");
        assert_eq!(plain, ("Outcome.\n\n- a".to_owned(), next.clone()));
        // The same text with CRLF endings and an escaped heading goes line by line.
        let crlf = read("\r\nOutcome.\r\n\r\n\\# a\r\n\r\n**Status**: x\r\n", "");
        assert_eq!(crlf, ("Outcome.\n\n# a".to_owned(), next.clone()));
        // Escaped lines without `\r`: copied in pieces around the dropped backslashes.
        let pieces = read("\n\\# a\nb \\# c\n\\\\x\n\\**X**: y\n\n**Status**: x\n", "");
        assert_eq!(
            pieces,
            ("# a\nb \\# c\n\\\\x\n**X**: y".to_owned(), next.clone())
        );
        // Leading empty lines beyond the first stay; an inline value comes first.
        let lead = read("\n\nx\n**Status**: x", "");
        assert_eq!(lead, ("\nx".to_owned(), next.clone()));
        let inline = read("\nx\n**Status**: x", "first");
        assert_eq!(inline, ("first\n\nx".to_owned(), next.clone()));
        assert_eq!(read("\n\n", "only"), ("only".to_owned(), None));
        assert_eq!(read("", ""), (String::new(), None));
    }
}
