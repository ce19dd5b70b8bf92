//! The inbound boundary: every value that comes from Targetprocess or Jira passes through here
//! before the rest of the code sees it, and the plan format's normal form is the same one.
//!
//! * Single-line values (ART, release, team, objective, feature and program objective names,
//!   status, owner, assignee, Jira keys, criterion text, story summaries, URLs): every control
//!   character (line breaks, tab, NUL, ESC, BEL, DEL, C1) and the Unicode line and paragraph
//!   separators become a space, then the value is trimmed.
//! * Multi-line text (descriptions, notes): `\r\n` and a lone `\r` become `\n`; every other
//!   control character except `\n` and tab is removed; trailing line breaks are removed; a line
//!   that git or `validate` would take for a conflict marker (`<<<<<<< x`, `>>>>>>> x`,
//!   `||||||| x`) gets a leading backslash, which markdown reads as the same text.
//! * Both: the bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069),
//!   which make a text display in another order than it is stored, are removed.
//! * Lengths are bounded ([`MAX_NAME_CHARS`], [`MAX_CRITERION_CHARS`], [`MAX_URL_CHARS`],
//!   [`MAX_TEXT_CHARS`]); a longer value is cut and ends in [`TRUNCATED`], and [`plan`] returns
//!   a warning naming it.
//!
//! Every function here is idempotent. Nothing else is changed: order, ids and numbers are left
//! alone.

use crate::validate::is_conflict_marker;
use crate::{Criterion, Feature, JiraLink, Plan, Story, TeamObjective};

/// Longest single-line value (a name, status, owner, key), in characters.
pub const MAX_NAME_CHARS: usize = 500;
/// Longest acceptance criterion (one line, but sometimes a whole paragraph), in characters.
pub const MAX_CRITERION_CHARS: usize = 5_000;
/// Longest URL (story and site links), in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest multi-line text (a description, the notes), in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// What a cut value ends with.
pub const TRUNCATED: &str = "…(truncated)";

/// Brings a whole plan to the normal form; returns a warning for every value that was cut.
pub fn plan(plan: &mut Plan) -> Vec<String> {
    let mut b = Boundary::default();
    b.line(&mut plan.art.name, MAX_NAME_CHARS, || {
        "the ART name".to_owned()
    });
    b.line(&mut plan.release.name, MAX_NAME_CHARS, || {
        "the release name".to_owned()
    });
    b.line(&mut plan.team.name, MAX_NAME_CHARS, || {
        "the team name".to_owned()
    });
    b.opt_line(&mut plan.meta.tp_url, MAX_URL_CHARS, || "tp_url".to_owned());
    b.opt_line(&mut plan.meta.jira_url, MAX_URL_CHARS, || {
        "jira_url".to_owned()
    });
    for p in &mut plan.program_objectives {
        let id = &p.id;
        b.line(&mut p.name, MAX_NAME_CHARS, || {
            format!("the name of program objective {id}")
        });
    }
    for o in &mut plan.objectives {
        b.objective(o);
    }
    b.text(&mut plan.notes, || "the notes".to_owned());
    b.warnings
}

/// Brings one story (as Jira sends it) to the normal form; returns a warning for every value
/// that was cut.
pub fn story(story: &mut Story) -> Vec<String> {
    let mut b = Boundary::default();
    b.story(story);
    b.warnings
}

/// A single-line value in normal form, cut to `max_chars`. Returns whether it was cut.
pub fn clean_line(value: &mut String, max_chars: usize) -> bool {
    if value
        .chars()
        .any(|c| c.is_control() || is_bidi(c) || is_separator(c))
    {
        *value = value
            .chars()
            .filter(|c| !is_bidi(*c))
            .map(|c| {
                if c.is_control() || is_separator(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
    }
    trim_in_place(value);
    bound(value, max_chars)
}

/// A multi-line text in normal form, cut to `max_chars`. Returns whether it was cut.
pub fn clean_text(value: &mut String, max_chars: usize) -> bool {
    if value.contains('\r') {
        *value = value.replace("\r\n", "\n").replace('\r', "\n");
    }
    if value.chars().any(|c| dropped_from_text(c) || is_bidi(c)) {
        value.retain(|c| !dropped_from_text(c) && !is_bidi(c));
    }
    if value.lines().any(is_conflict_marker) {
        *value = escape_markers(value);
    }
    let kept = value.trim_end_matches('\n').len();
    value.truncate(kept);
    bound(value, max_chars)
}

/// Cuts `value` to at most `max_chars` characters, the last of them [`TRUNCATED`]. Returns
/// whether it was cut. A cut value never ends in a blank.
pub fn bound(value: &mut String, max_chars: usize) -> bool {
    let Some((cut, _)) = value.char_indices().nth(max_chars) else {
        return false;
    };
    let keep = max_chars.saturating_sub(TRUNCATED.chars().count());
    let end = value.char_indices().nth(keep).map_or(cut, |(i, _)| i);
    value.truncate(end);
    let kept = value.trim_end().len();
    value.truncate(kept);
    value.push_str(TRUNCATED);
    true
}

/// U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates).
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The Unicode line and paragraph separators, which editors show as line breaks.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

fn dropped_from_text(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn trim_in_place(value: &mut String) {
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_owned();
    }
}

fn escape_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if is_conflict_marker(line) {
            out.push('\\');
        }
        out.push_str(line);
    }
    out
}

/// Applies the normal form field by field and collects the warnings.
#[derive(Default)]
struct Boundary {
    warnings: Vec<String>,
}

impl Boundary {
    fn line(&mut self, value: &mut String, max: usize, what: impl FnOnce() -> String) {
        let before = value.chars().count();
        if clean_line(value, max) {
            self.cut(&what(), before, max);
        }
    }

    fn opt_line(&mut self, value: &mut Option<String>, max: usize, what: impl FnOnce() -> String) {
        if let Some(v) = value {
            self.line(v, max, what);
        }
    }

    fn text(&mut self, value: &mut String, what: impl FnOnce() -> String) {
        let before = value.chars().count();
        if clean_text(value, MAX_TEXT_CHARS) {
            self.cut(&what(), before, MAX_TEXT_CHARS);
        }
    }

    fn cut(&mut self, what: &str, before: usize, max: usize) {
        self.warnings.push(format!(
            "{what} has {before} characters; only the first {max} are kept, ending in \
             \"{TRUNCATED}\""
        ));
    }

    fn objective(&mut self, o: &mut TeamObjective) {
        let id = o.id.to_string();
        let of = |field: &str| format!("the {field} of objective {id}");
        self.line(&mut o.name, MAX_NAME_CHARS, || of("name"));
        self.text(&mut o.description, || of("description"));
        self.opt_line(&mut o.status, MAX_NAME_CHARS, || of("status"));
        self.opt_line(&mut o.owner, MAX_NAME_CHARS, || of("owner"));
        for f in &mut o.features {
            self.feature(f);
        }
    }

    fn feature(&mut self, f: &mut Feature) {
        let id = f.id.to_string();
        let of = |field: &str| format!("the {field} of feature {id}");
        self.line(&mut f.name, MAX_NAME_CHARS, || of("name"));
        self.text(&mut f.description, || of("description"));
        self.opt_line(&mut f.status, MAX_NAME_CHARS, || of("status"));
        self.opt_line(&mut f.owner, MAX_NAME_CHARS, || of("owner"));
        self.criteria(&mut f.acceptance_criteria, &of("acceptance criteria"));
        if let Some(j) = &mut f.jira {
            self.jira(j, &of("Jira link"));
        }
        for s in &mut f.stories {
            self.story(s);
        }
    }

    fn story(&mut self, s: &mut Story) {
        self.line(&mut s.key, MAX_NAME_CHARS, || "a Jira story key".to_owned());
        let key = s.key.clone();
        let of = |field: &str| format!("the {field} of story {key}");
        self.opt_line(&mut s.url, MAX_URL_CHARS, || of("link"));
        self.line(&mut s.summary, MAX_NAME_CHARS, || of("summary"));
        self.opt_line(&mut s.status, MAX_NAME_CHARS, || of("status"));
        self.opt_line(&mut s.status_category, MAX_NAME_CHARS, || {
            of("status category")
        });
        self.opt_line(&mut s.assignee, MAX_NAME_CHARS, || of("assignee"));
        self.criteria(&mut s.acceptance_criteria, &of("acceptance criteria"));
    }

    fn jira(&mut self, j: &mut JiraLink, what: &str) {
        self.line(&mut j.key, MAX_NAME_CHARS, || format!("{what} key"));
        self.opt_line(&mut j.url, MAX_URL_CHARS, || format!("{what} URL"));
    }

    fn criteria(&mut self, list: &mut [Criterion], what: &str) {
        for (i, c) in list.iter_mut().enumerate() {
            self.line(&mut c.text, MAX_CRITERION_CHARS, || {
                format!("{what} #{}", i + 1)
            });
        }
    }
}

#[cfg(test)]
mod tests;
