//! Text on its way to the terminal: names and values come from Targetprocess, Jira, teammates'
//! commits and plan files, and a control character among them (ESC starts an escape sequence
//! that can recolour, retitle or clear the terminal; BEL rings; CR overwrites the line) or a
//! bidirectional override (which shows text in another order than it is stored) must not act.
//! Human output goes through [`safe`]; JSON output is escaped by the JSON writer.

use std::borrow::Cow;

/// `text` with every control character except line feed and tab, and every bidirectional
/// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), written as a visible
/// `\u{…}` escape. Text without them is returned as it is.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints `text` made [`safe`], and a line break, to standard output. A standard output that
/// is gone (the reading end of a pipe closed, as when the terminal or the log collector of a
/// long-running watch goes away) loses the line and nothing else: the command goes on.
pub fn line(text: impl AsRef<str>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{}", safe(text.as_ref()));
}

/// [`line`] to standard error: what a long-running command says of itself.
pub fn note(text: impl AsRef<str>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{}", safe(text.as_ref()));
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_and_bidi_characters_only() {
        assert!(matches!(
            safe("Plain, ünïcode\tand\nlines"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            safe("a\u{1b}[2Jb\u{7}c\u{0}d\re\u{9b}f\u{202E}g"),
            "a\\u{1b}[2Jb\\u{7}c\\u{0}d\\u{d}e\\u{9b}f\\u{202e}g"
        );
        // Idempotent: an escaped text has nothing left to escape.
        let once = safe("\u{1b}x").into_owned();
        assert_eq!(safe(&once), once);
    }
}
