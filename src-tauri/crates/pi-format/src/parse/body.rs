//! The body of one entity section: the field lines, the `**Description**:` block and the
//! acceptance-criteria task list between a heading and the next heading.
//!
//! Reads the generic shape only; which labels an entity may carry is decided in `fields`.

use pi_model::Criterion;

use crate::escape::{self, BlockKind};
use crate::lines::{self, Line};
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

/// Reads items from `lines[*i..]` up to the next heading; advances `*i` past them.
pub(super) fn read<'a>(
    lines: &[Line<'a>],
    i: &mut usize,
    errors: &mut Vec<ParseError>,
) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    while let Some(line) = next_non_blank(lines, i) {
        if lines::could_be_heading(line.text) && lines::heading(line.text).is_some() {
            break;
        }
        *i += 1;
        let Some((label, value_at)) = lines::field_line(line.text) else {
            errors.push(unexpected(&line));
            skip_paragraph(lines, i);
            continue;
        };
        let head = FieldLine {
            label,
            value: line.text.get(value_at..).unwrap_or(""),
            line,
            value_at,
        };
        items.push(match label {
            "Description" => {
                let text = description(lines, i, head.value);
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
                let list = criteria(lines, i, errors);
                Item::Criteria(head, list)
            }
            _ => Item::Field(head),
        });
    }
    items
}

fn next_non_blank<'a>(lines: &[Line<'a>], i: &mut usize) -> Option<Line<'a>> {
    while let Some(line) = lines.get(*i) {
        if !line.is_blank() {
            return Some(*line);
        }
        *i += 1;
    }
    None
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
fn skip_paragraph(lines: &[Line<'_>], i: &mut usize) {
    while let Some(line) = lines.get(*i) {
        if line.is_blank() || escape::ends_block(BlockKind::Description, line.text) {
            return;
        }
        *i += 1;
    }
}

/// The description block after its label line: up to the next heading or field line, without
/// the one blank line after the label and the blank lines before the next block.
fn description(lines: &[Line<'_>], i: &mut usize, inline: &str) -> String {
    let start = *i;
    while let Some(line) = lines.get(*i) {
        if escape::ends_block(BlockKind::Description, line.text) {
            break;
        }
        *i += 1;
    }
    let mut region = lines.get(start..*i).unwrap_or(&[]);
    while let [rest @ .., last] = region {
        if !last.text.is_empty() {
            break;
        }
        region = rest;
    }
    let mut text = String::new();
    if inline.trim().is_empty() {
        if let [first, rest @ ..] = region
            && first.text.is_empty()
        {
            region = rest;
        }
    } else {
        text.push_str(inline);
        if !region.is_empty() {
            text.push('\n');
        }
    }
    join_unescaped(BlockKind::Description, region, &mut text);
    text
}

pub(super) fn join_unescaped(kind: BlockKind, region: &[Line<'_>], out: &mut String) {
    for (n, line) in region.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(escape::unescape_block_line(kind, line.text));
    }
}

/// A task list right after the `**Acceptance Criteria**:` line (blank lines before it allowed).
fn criteria(lines: &[Line<'_>], i: &mut usize, errors: &mut Vec<ParseError>) -> Vec<Criterion> {
    let mut list = Vec::new();
    let mut j = *i;
    while lines.get(j).is_some_and(Line::is_blank) {
        j += 1;
    }
    while let Some(line) = lines.get(j) {
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
        j += 1;
    }
    if !list.is_empty() || j > *i {
        *i = j;
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
