//! The bounds on HTML converted with its structure, and the flat text that replaces the
//! conversion past them.
//!
//! The structured conversion walks the HTML tree recursively, so its stack grows with the nesting
//! depth. [`depth`] measures that depth in one pass over the bytes, without building a tree;
//! HTML nested deeper than [`MAX_HTML_DEPTH`], or larger than [`MAX_HTML_BYTES`], becomes
//! [`flat_text`] instead: its text, one paragraph per block element, with no recursion at all.

/// Most nested elements converted with their structure (lists, emphasis, tables). Real TP rich
/// text nests a dozen levels at most; the conversion needs about 4.5 KB of stack per level in a
/// debug build (well under 1 KB optimised), so 100 levels fit a 2 MB async worker thread with
/// room to spare.
pub const MAX_HTML_DEPTH: usize = 100;
/// Largest HTML converted with its structure, in bytes (TP descriptions are a few KB).
pub const MAX_HTML_BYTES: usize = 1_000_000;

/// Elements that never hold content, so never nest.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements after whose start or end the flat text starts a new paragraph.
const BLOCK: [&str; 21] = [
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "tr",
    "ul",
];

/// Elements whose content is no text.
const SKIPPED: [&str; 2] = ["script", "style"];

/// One tag of the input, as the scan sees it.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    /// Byte offset just past the tag's `>` (or the end of the input).
    end: usize,
}

/// The tag starting at `html[start] == '<'`, or `None` when the `<` starts no tag (text, a
/// comment or a declaration, which [`skip_markup`] handles).
fn tag_at(html: &str, start: usize) -> Option<Tag<'_>> {
    let rest = html.get(start + 1..)?;
    let (closing, name_from) = match rest.strip_prefix('/') {
        Some(_) => (true, start + 2),
        None => (false, start + 1),
    };
    let after = html.get(name_from..)?;
    let len = after
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if len == 0 || !after.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let close = after.find('>').map_or(html.len(), |i| name_from + i + 1);
    Some(Tag {
        name: &after[..len],
        closing,
        self_closing: html[..close].ends_with("/>"),
        end: close,
    })
}

/// The end of a comment (`<!-- … -->`), declaration (`<!…>`) or processing instruction
/// (`<?…>`) starting at `start`, if one starts there.
fn skip_markup(html: &str, start: usize) -> Option<usize> {
    let rest = html.get(start..)?;
    let (open, close) = if rest.starts_with("<!--") {
        ("<!--", "-->")
    } else if rest.starts_with("<!") || rest.starts_with("<?") {
        ("<!", ">")
    } else {
        return None;
    };
    Some(
        rest[open.len()..]
            .find(close)
            .map_or(html.len(), |i| start + open.len() + i + close.len()),
    )
}

fn is_one_of(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// The deepest element nesting in `html`, counted up to `limit + 1` (the scan stops there).
/// Unclosed elements count as open to the end, so the result is never below the real depth.
pub(crate) fn depth(html: &str, limit: usize) -> usize {
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(i) = html.get(at..).and_then(|r| r.find('<')).map(|i| at + i) {
        if let Some(end) = skip_markup(html, i) {
            at = end;
            continue;
        }
        let Some(tag) = tag_at(html, i) else {
            at = i + 1;
            continue;
        };
        at = tag.end;
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else if !tag.self_closing && !is_one_of(tag.name, &VOID) {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

/// The text of `html` as markdown paragraphs: tags dropped (a block element starts a new
/// paragraph), `script` and `style` content dropped, entities decoded, blanks collapsed, and
/// markdown-significant characters escaped so the text reads back as written. One pass, no
/// recursion.
pub(crate) fn flat_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len().min(1 << 20));
    let mut at = 0;
    while let Some(i) = html.get(at..).and_then(|r| r.find('<')).map(|i| at + i) {
        text.push_str(&html[at..i]);
        if let Some(end) = skip_markup(html, i) {
            at = end;
            continue;
        }
        let Some(tag) = tag_at(html, i) else {
            text.push('<');
            at = i + 1;
            continue;
        };
        at = tag.end;
        if !tag.closing && is_one_of(tag.name, &SKIPPED) {
            at = end_of_element(html, at, tag.name);
        } else if is_one_of(tag.name, &BLOCK) {
            text.push('\n');
        } else {
            text.push(' ');
        }
    }
    text.push_str(html.get(at..).unwrap_or(""));
    paragraphs(&decode_entities(&text))
}

/// Just past the end tag of `name` that closes an element opened before `from`.
fn end_of_element(html: &str, from: usize, name: &str) -> usize {
    let rest = &html[from..];
    let lower = rest.to_ascii_lowercase();
    lower
        .find(&format!("</{}", name.to_ascii_lowercase()))
        .and_then(|i| rest[i..].find('>').map(|j| from + i + j + 1))
        .unwrap_or(html.len())
}

/// Non-empty lines, blanks collapsed, escaped, joined as paragraphs.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        escape_markdown(&words.join(" "), &mut out);
    }
    out
}

fn escape_markdown(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    if let Some(first) = chars.peek().copied()
        && matches!(first, '-' | '+' | '=' | '#')
    {
        out.push('\\');
    }
    for c in chars {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references decoded; any
/// other `&` is kept as it is.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest
            .get(1..rest.len().min(12))
            .and_then(|s| s.find(';').map(|j| &s[..j]))
            .and_then(|name| entity(name).map(|c| (c, name.len() + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let numeric = |digits: &str, radix| u32::from_str_radix(digits, radix).ok();
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        "nbsp" => return Some(' '),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16)?,
            Some(dec) => numeric(dec, 10)?,
            None => return None,
        },
    };
    char::from_u32(code).filter(|c| *c != '\0')
}
