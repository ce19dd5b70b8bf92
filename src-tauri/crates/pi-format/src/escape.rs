//! Escaping that keeps names and free text from breaking the file structure, and undoes it
//! exactly.
//!
//! * Inline text (names, single-line values): markdown-significant ASCII punctuation gets a
//!   backslash; [`unescape_inline`] drops a backslash before any ASCII punctuation, as CommonMark
//!   does.
//! * Block text (descriptions, notes): a line the parser would take for structure gets one
//!   leading backslash; so does a line that already starts with backslashes followed by such a
//!   line, which makes the mapping a bijection.
//! * Link destinations: plain when safe, else `<…>` with `\`, `<`, `>` escaped.
//!
//! It does not interpret markdown beyond that.

use crate::lines;

/// Characters escaped in names and single-line values.
const INLINE_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '#', '~', '|'];

pub(crate) fn escape_inline(text: &str, out: &mut String) {
    let mut rest = text;
    // Every special character is ASCII, so byte positions are char boundaries.
    while let Some(i) = rest
        .bytes()
        .position(|b| INLINE_SPECIAL.contains(&char::from(b)))
    {
        out.push_str(&rest[..i]);
        out.push('\\');
        out.push_str(&rest[i..=i]);
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Undoes [`escape_inline`]: drops a backslash before any ASCII punctuation. Copies the text
/// between the dropped backslashes in pieces; text without one is copied whole.
pub(crate) fn unescape_inline(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let Some(first) = bytes.iter().position(|&b| b == b'\\') else {
        return raw.to_owned();
    };
    let mut out = String::with_capacity(raw.len());
    // `raw[..copied]` is written (less the dropped backslashes); every cut is next to an ASCII
    // byte, so it is a character boundary.
    let (mut copied, mut i) = (0, first);
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' && bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
            out.push_str(raw.get(copied..i).unwrap_or(""));
            copied = i + 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    out.push_str(raw.get(copied..).unwrap_or(""));
    out
}

/// Which lines of a block are structure in the region the block sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// A description: any heading-like line, any `**X**:` line and marker-like lines.
    Description,
    /// The notes: level 1 and 2 headings and marker-like lines.
    Notes,
}

fn structural(kind: BlockKind, line: &str) -> bool {
    if lines::looks_like_marker(line) {
        return true;
    }
    match kind {
        BlockKind::Description => {
            lines::could_be_heading(line) || lines::field_line(line).is_some()
        }
        BlockKind::Notes => lines::heading(line).is_some_and(|h| h.level <= 2),
    }
}

fn needs_escape(kind: BlockKind, line: &str) -> bool {
    let mut rest = line;
    loop {
        if structural(kind, rest) {
            return true;
        }
        match rest.strip_prefix('\\') {
            Some(r) => rest = r,
            None => return false,
        }
    }
}

/// Appends each line of `text` to `out`, escaped, each followed by `\n`.
pub(crate) fn escape_block(kind: BlockKind, text: &str, out: &mut String) {
    for line in text.split('\n') {
        if needs_escape(kind, line) {
            out.push('\\');
        }
        out.push_str(line);
        out.push('\n');
    }
}

/// Undoes [`escape_block`] for one line.
pub(crate) fn unescape_block_line(kind: BlockKind, line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if needs_escape(kind, rest) => rest,
        _ => line,
    }
}

/// Whether `line` ends a block of `kind` (it is structure and was not escaped).
pub(crate) fn ends_block(kind: BlockKind, line: &str) -> bool {
    match kind {
        BlockKind::Description => {
            lines::heading(line).is_some() || lines::field_line(line).is_some()
        }
        BlockKind::Notes => lines::heading(line).is_some_and(|h| h.level <= 2),
    }
}

/// `[text](destination)` with the text escaped as inline text.
pub(crate) fn link(text: &str, dest: &str, out: &mut String) {
    out.push('[');
    escape_inline(text, out);
    out.push_str("](");
    let plain = !dest.is_empty()
        && !dest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()\\".contains(c));
    if plain {
        out.push_str(dest);
    } else {
        out.push('<');
        for c in dest.chars() {
            if matches!(c, '\\' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('>');
    }
    out.push(')');
}

/// Parses a whole value of the form `[text](destination)`; `None` if it is not one.
pub(crate) fn parse_link(value: &str) -> Option<(String, String)> {
    let rest = value.strip_prefix('[')?;
    let close = find_unescaped(rest, ']')?;
    let text = unescape_inline(rest.get(..close)?);
    let dest = rest
        .get(close + 1..)?
        .strip_prefix('(')?
        .strip_suffix(')')?;
    let dest = match dest.strip_prefix('<') {
        Some(pointy) => unescape_inline(pointy.strip_suffix('>')?),
        None if dest.contains(char::is_whitespace) => return None,
        None => dest.to_owned(),
    };
    Some((text, dest))
}

fn find_unescaped(s: &str, target: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == target {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn inline_round_trips_markdown_characters() {
        let name = r"a*b_[c]`d\e<f>&g #";
        let mut out = String::new();
        escape_inline(name, &mut out);
        assert_eq!(out, r"a\*b\_\[c\]\`d\\e\<f\>\&g \#");
        assert_eq!(unescape_inline(&out), name);
    }

    #[test]
    fn block_escapes_structure_only() {
        let text = "# h\n**Status**: x\nplain\n\\# was escaped\n=======\n  ## two";
        let mut out = String::new();
        escape_block(BlockKind::Description, text, &mut out);
        assert_eq!(
            out,
            "\\# h\n\\**Status**: x\nplain\n\\\\# was escaped\n\\=======\n\\  ## two\n"
        );
        let back: Vec<&str> = out
            .trim_end_matches('\n')
            .split('\n')
            .map(|l| unescape_block_line(BlockKind::Description, l))
            .collect();
        assert_eq!(back.join("\n"), text);
    }

    #[test]
    fn links() {
        let mut out = String::new();
        link("DAD-1", "https://x.example/browse/DAD-1", &mut out);
        assert_eq!(out, "[DAD-1](https://x.example/browse/DAD-1)");
        assert_eq!(
            parse_link(&out),
            Some(("DAD-1".into(), "https://x.example/browse/DAD-1".into()))
        );
        let mut odd = String::new();
        link("a]b", "x y>(z)", &mut odd);
        assert_eq!(parse_link(&odd), Some(("a]b".into(), "x y>(z)".into())));
    }

    /// The CommonMark rule spelled out character by character.
    fn unescape_reference(raw: &str) -> String {
        let mut out = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match chars.peek() {
                Some(&n) if c == '\\' && n.is_ascii_punctuation() => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn unescape_inline_follows_the_rule(raw in "[\\\\*#a \u{e9}\u{1F680}]{0,12}") {
            prop_assert_eq!(unescape_inline(&raw), unescape_reference(&raw));
        }

        #[test]
        fn block_lines_round_trip(line in "[\\\\#* =<>|a-z:]{0,12}") {
            for kind in [BlockKind::Description, BlockKind::Notes] {
                let mut out = String::new();
                escape_block(kind, &line, &mut out);
                let rendered = out.trim_end_matches('\n');
                prop_assert!(!ends_block(kind, rendered));
                prop_assert_eq!(unescape_block_line(kind, rendered), line.as_str());
            }
        }
    }
}
