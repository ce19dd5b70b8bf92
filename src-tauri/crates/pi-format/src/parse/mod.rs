//! Parsing the current layout (`format: pi-plan/1`): front matter, title, program objectives,
//! objectives with their features and read-only stories, and the notes.
//!
//! Collects every problem it can with its line and column instead of stopping at the first.
//! Conflict markers are noticed in the same line pass; when there are any, only they are
//! reported (see `conflict`). It does not apply validation rules (see `pi_model::validate`).

mod body;
mod entities;
mod fields;

use pi_model::{EntityPath, Plan};

use crate::escape::{self, BlockKind};
use crate::lines::{self, Cursor, Heading, Line};
use crate::{Layout, ParseError, ParseErrorKind, ParseErrors, Parsed, Position, SourceMap};
use crate::{conflict, frontmatter, labels};

/// Parser state over the lines of one file.
struct Ctx<'a> {
    cur: Cursor<'a>,
    errors: Vec<ParseError>,
    warnings: Vec<ParseError>,
    map: SourceMap,
    plan: Plan,
    /// Reused buffer for the features of the objective being read.
    features: Vec<pi_model::Feature>,
}

/// Parses a file whose front matter declares the current format.
pub(crate) fn parse(text: &str) -> Result<Parsed, ParseErrors> {
    // A rendered entity takes a few hundred bytes, a field line with its blank line at least
    // 12 (fields are about 50 bytes apart in realistic plans). Generous on purpose: the pages
    // of capacity that are never written are never touched, while growing means copying.
    let map = SourceMap::with_capacity(text.len() / 128, text.len() / 24);
    let mut cx = Ctx {
        cur: Cursor::new(text, 1),
        errors: Vec::new(),
        warnings: Vec::new(),
        map,
        plan: Plan::default(),
        features: Vec::new(),
    };
    cx.map
        .set_entity(EntityPath::Plan, Position { line: 1, column: 1 });
    cx.front_matter();
    cx.title();
    cx.sections();
    // Every path above ends at the end of the text; make sure, as the marker check relies on it.
    cx.cur.skip_to_end();
    if cx.cur.seen_marker() {
        conflict::check(text)?;
    }
    if cx.errors.is_empty() {
        Ok(Parsed {
            plan: cx.plan,
            layout: Layout::Current,
            source_map: cx.map,
            warnings: cx.warnings,
        })
    } else {
        cx.errors.sort_by_key(|e| e.at);
        Err(ParseErrors(cx.errors))
    }
}

impl<'a> Ctx<'a> {
    fn error(&mut self, kind: ParseErrorKind, at: Position, message: String) {
        self.errors.push(ParseError { kind, at, message });
    }

    fn front_matter(&mut self) {
        let open = self.cur.peek().is_some_and(|l| l.text == "---");
        let mut yaml = String::new();
        let mut close = None;
        if open {
            let mut c = self.cur;
            c.advance();
            while let Some(l) = c.peek() {
                c.advance();
                if l.text == "---" || l.text == "..." {
                    close = Some(c);
                    break;
                }
                yaml.push_str(l.text);
                yaml.push('\n');
            }
        }
        let (true, Some(after)) = (open, close) else {
            let message = if open {
                "the front matter opened on line 1 is never closed with a `---` line"
            } else {
                "missing front matter: a plan file starts with a `---` block holding \
                 `format: pi-plan/1`"
            };
            self.error(
                ParseErrorKind::FrontMatter,
                Position { line: 1, column: 1 },
                message.to_owned(),
            );
            self.cur.skip_to_end();
            return;
        };
        if yaml.is_empty() {
            yaml.push('\n');
        }
        match frontmatter::parse(&yaml, 2) {
            Ok(h) => {
                self.plan.art = h.art;
                self.plan.release = h.release;
                self.plan.team = h.team;
                self.plan.meta = h.meta;
                for (key, field) in [
                    ("art", pi_model::Field::Art),
                    ("release", pi_model::Field::Release),
                    ("team", pi_model::Field::Team),
                ] {
                    let at = frontmatter::key_position(&yaml, key, 2);
                    self.map.set_field(EntityPath::Plan, field, at);
                }
            }
            Err(e) => self.errors.push(e),
        }
        self.cur = after;
    }

    fn skip_blank(&mut self) -> Option<Line<'a>> {
        skip_blank(&mut self.cur)
    }

    /// The next heading line at or after the cursor, if the cursor sits on one.
    fn heading_here(&mut self) -> Option<(Line<'a>, Heading)> {
        let line = self.skip_blank()?;
        let h = lines::heading(line.text)?;
        Some((line, h))
    }

    fn title(&mut self) {
        if self.cur.peek().is_none() && !self.errors.is_empty() {
            return;
        }
        let Some(line) = self.skip_blank() else {
            let at = Position {
                line: self.cur.line_no(),
                column: 1,
            };
            self.error(
                ParseErrorKind::Structure,
                at,
                self.expected_title("the end of the file"),
            );
            return;
        };
        match lines::heading(line.text) {
            Some(h) if h.level == 1 => {
                self.cur.advance();
                let found = escape::unescape_inline(line.text.get(h.content).unwrap_or(""));
                let expected = labels::title(&self.plan.release.name, &self.plan.team.name);
                if found != expected && self.errors.is_empty() {
                    self.warnings.push(ParseError {
                        kind: ParseErrorKind::Structure,
                        at: line.start(),
                        message: format!(
                            "the title {found:?} does not match the front matter; it will be \
                             written as {expected:?}"
                        ),
                    });
                }
            }
            _ => {
                let found = format!("{:?}", body::preview(line.text));
                self.error(
                    ParseErrorKind::Structure,
                    line.start(),
                    self.expected_title(&found),
                );
            }
        }
    }

    fn expected_title(&self, found: &str) -> String {
        format!(
            "expected the title line `# {}`, found {found}",
            labels::title(&self.plan.release.name, &self.plan.team.name)
        )
    }

    /// The `##` sections, in any order except that the notes come last.
    fn sections(&mut self) {
        let mut program_seen: Option<usize> = None;
        let mut notes_seen: Option<usize> = None;
        while let Some(line) = self.skip_blank() {
            let Some(h) = lines::heading(line.text).filter(|h| h.level == 2) else {
                self.stray(line);
                continue;
            };
            let content = line.text.get(h.content.clone()).unwrap_or("");
            if let Some(first) = notes_seen {
                let message = format!(
                    "`## Notes` (line {first}) must be the last section; found {:?}",
                    body::preview(line.text)
                );
                self.error(ParseErrorKind::Structure, line.start(), message);
            }
            self.cur.advance();
            if content == labels::PROGRAM_OBJECTIVES {
                self.once(&mut program_seen, line, "## Program Objectives");
                self.program_objectives();
            } else if content == labels::NOTES {
                self.once(&mut notes_seen, line, "## Notes");
                self.notes();
            } else if let Some(rest) = content.strip_prefix(labels::OBJECTIVE) {
                self.objective(line, h.content.end - rest.len(), rest);
            } else {
                let message = format!(
                    "unknown section heading {:?}; expected `## Objective: <name>`, \
                     `## Program Objectives` or `## Notes`",
                    body::preview(line.text)
                );
                self.error(ParseErrorKind::Structure, line.start(), message);
                self.skip_to_heading(2);
            }
        }
    }

    fn once(&mut self, seen: &mut Option<usize>, line: Line<'a>, what: &str) {
        match *seen {
            Some(first) => {
                let message = format!("a second `{what}` section (the first is on line {first})");
                self.error(ParseErrorKind::Structure, line.start(), message);
            }
            None => *seen = Some(line.no),
        }
    }

    /// Content outside any `##` section (or a heading of the wrong level there).
    fn stray(&mut self, line: Line<'a>) {
        let message = match lines::heading(line.text) {
            Some(h) if h.level == 1 => "a plan has one title; found a second `#` heading".into(),
            Some(_) => format!(
                "heading {:?} is outside any `## Objective:` section",
                body::preview(line.text)
            ),
            None if self.plan.objectives.is_empty() => format!(
                "unexpected text {:?} before the first objective; free text belongs in \
                 `## Notes` or in a `**Description**:` block",
                body::preview(line.text)
            ),
            None => format!("unexpected text {:?}", body::preview(line.text)),
        };
        self.error(ParseErrorKind::Structure, line.start(), message);
        self.cur.advance();
        self.skip_to_heading(2);
    }

    /// Moves the cursor to the next heading of level `level` or higher (smaller number).
    fn skip_to_heading(&mut self, level: usize) {
        while let Some(l) = self.cur.peek() {
            if lines::heading(l.text).is_some_and(|h| h.level <= level) {
                return;
            }
            self.cur.advance();
        }
    }

    fn notes(&mut self) {
        self.plan.notes = body::block(&mut self.cur, BlockKind::Notes, "");
    }
}

/// Moves `cur` to the next non-blank line and returns it.
fn skip_blank<'a>(cur: &mut Cursor<'a>) -> Option<Line<'a>> {
    while let Some(l) = cur.peek() {
        if !l.is_blank() {
            return Some(l);
        }
        cur.advance();
    }
    None
}
