//! Acceptance criteria ↔ the RichText custom field that holds them as an HTML bullet list.
//!
//! Written as `<ul><li>…</li></ul>`, one item per criterion, its text converted from inline
//! markdown. A met criterion starts with the visible prefix `[x] `; an open one has no prefix,
//! unless its text itself starts like a prefix, then it gets an explicit `[ ] `. Reading accepts
//! `[x]`/`[X]`/`☑`/`✅` (met) and `[ ]`/`☐` (open), bullet or numbered lists, and, for HTML
//! written by hand in TP, one criterion per non-empty paragraph line. Nested list items are
//! folded into their parent's text. A visible prefix was chosen over a data attribute because
//! TP's editor and the TP↔Jira sync keep text but may drop attributes.

use pi_model::Criterion;

use crate::text::{html_to_markdown, markdown_to_html};

const DONE_PREFIXES: [&str; 6] = ["[x] ", "[X] ", "\\[x\\] ", "\\[X\\] ", "☑ ", "✅ "];
const OPEN_PREFIXES: [&str; 3] = ["[ ] ", "\\[ \\] ", "☐ "];

/// Criteria → TP HTML. No criteria → empty string.
pub fn criteria_to_html(criteria: &[Criterion]) -> String {
    if criteria.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul>");
    for c in criteria {
        let text = c.text.trim();
        let prefix = if c.done {
            "[x] "
        } else if starts_with_any(text, &DONE_PREFIXES) || starts_with_any(text, &OPEN_PREFIXES) {
            "[ ] "
        } else {
            ""
        };
        out.push_str("<li>");
        out.push_str(&inline_html(&format!("{prefix}{text}")));
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// TP HTML (or plain text) → criteria, each text in its canonical form: the form that reads
/// back unchanged after [`criteria_to_html`]. htmd escapes per HTML text node (a leading `#`,
/// digits, `*` next to emphasis), so a text read from HTML with other node boundaries than ours
/// can change on its first trip; it is re-rendered until it stops changing (at most
/// [`CANONICAL_ROUNDS`] rounds), so a plan never sees a difference that a write would undo.
pub fn html_to_criteria(html: &str) -> Vec<Criterion> {
    parse_items(html).into_iter().map(canonical).collect()
}

/// Rounds of re-rendering for the canonical form; real texts need at most two.
const CANONICAL_ROUNDS: usize = 4;

fn canonical(current: Criterion) -> Criterion {
    if is_plain(&current.text) {
        // Nothing in it that HTML or markdown could rewrite: already canonical (most real
        // criteria), and re-rendering would cost an HTML parse per criterion.
        return current;
    }
    rerendered(current)
}

/// Re-renders until the text reads back unchanged.
fn rerendered(mut current: Criterion) -> Criterion {
    for _ in 0..CANONICAL_ROUNDS {
        match parse_items(&criteria_to_html(std::slice::from_ref(&current))).as_slice() {
            [next] if *next != current && next.done == current.done => current = next.clone(),
            _ => break,
        }
    }
    current
}

/// Text that reads back unchanged from its HTML: starts with a letter (no list marker, heading
/// or number), and holds only letters, digits, spaces and punctuation without markdown meaning.
fn is_plain(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphabetic)
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.' | ',' | ';' | ':' | '(' | ')' | '\'' | '/' | '?' | '%' | '-'
                )
        })
}

/// The criteria as written in the HTML, without canonicalisation.
fn parse_items(html: &str) -> Vec<Criterion> {
    let markdown = html_to_markdown(html);
    let mut items: Vec<String> = Vec::new();
    let mut in_item = false;
    for line in markdown.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if let (true, true, Some(last)) = (indented, in_item, items.last_mut()) {
            let part = strip_marker(line.trim()).unwrap_or(line.trim());
            last.push(' ');
            last.push_str(part);
            continue;
        }
        match strip_marker(line.trim()) {
            Some(rest) => {
                items.push(rest.to_owned());
                in_item = true;
            }
            None => {
                items.push(line.trim().trim_end_matches('\\').trim().to_owned());
                in_item = false;
            }
        }
    }
    items.into_iter().map(|t| criterion(&t)).collect()
}

fn criterion(text: &str) -> Criterion {
    if let Some(rest) = strip_any(text, &DONE_PREFIXES) {
        return Criterion {
            text: rest.trim().to_owned(),
            done: true,
        };
    }
    let rest = strip_any(text, &OPEN_PREFIXES).unwrap_or(text);
    Criterion {
        text: rest.trim().to_owned(),
        done: false,
    }
}

/// The text after a list marker (`- `, `* `, `+ `, `12. `), if the line is a list item.
fn strip_marker(line: &str) -> Option<&str> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some(rest.trim_start());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0)
        .then(|| line[digits..].strip_prefix(". "))
        .flatten()
        .map(str::trim_start)
}

fn escape_block_start(text: &str) -> String {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    let mut chars = text.chars();
    let first = chars.next();
    let marker_then_space = matches!(first, Some('-' | '*' | '+' | '#'))
        && chars.next().is_none_or(char::is_whitespace);
    let fence = text.starts_with("```") || text.starts_with("~~~");
    if marker_then_space || first == Some('>') || fence || is_thematic_break(text) {
        return format!("\\{text}");
    }
    text.to_owned()
}

/// `***`, `- - -`, `___`: three or more of one of `-*_` and nothing else but blanks, which
/// CommonMark reads as a horizontal rule.
fn is_thematic_break(text: &str) -> bool {
    let mut marks = text.chars().filter(|c| !matches!(c, ' ' | '\t'));
    let Some(mark) = marks.next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let rest: Vec<char> = marks.collect();
    rest.len() >= 2 && rest.iter().all(|c| *c == mark)
}

fn starts_with_any(text: &str, prefixes: &[&str]) -> bool {
    strip_any(text, prefixes).is_some()
}

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes.iter().find_map(|p| text.strip_prefix(p))
}

/// Inline markdown → HTML without the paragraph wrapper. A leading block marker (`- `, `# `,
/// `1. `, `> `, a code fence, a horizontal rule) is escaped so the text stays one inline run.
fn inline_html(markdown: &str) -> String {
    let html = markdown_to_html(&escape_block_start(markdown));
    html.strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .map_or(html.clone(), str::to_owned)
}

#[cfg(test)]
mod tests;
