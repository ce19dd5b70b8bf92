//! Rich text conversion between Targetprocess HTML and plan markdown.
//!
//! Markdown → HTML uses pulldown-cmark (CommonMark + tables); HTML → markdown uses htmd with
//! fixed options (`-` bullets, `*` emphasis, fenced code, ATX headings). The conversion is stable
//! for what the plan format expresses: paragraphs, bullet and numbered lists, emphasis, strong,
//! links, inline code, code blocks and tables — `to_markdown(to_html(md))` reproduces that
//! markdown once it is in the canonical form this module emits. HTML that markdown cannot express
//! (colours, fonts, spans) loses its styling but keeps its text.
//!
//! Both directions are bounded for hostile input: HTML nested deeper than [`MAX_HTML_DEPTH`] or
//! larger than [`MAX_HTML_BYTES`] becomes flat text without recursion ([`convert_html`] says so),
//! and markdown is written as HTML in a safe subset only: raw HTML as text, links and images
//! only to [`ALLOWED_SCHEMES`] (see `text/safe.rs`). This module does no sanitising for
//! display; that belongs where HTML is shown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BulletListMarker, CodeBlockStyle, HeadingStyle, Options};
use htmd::{Element, HtmlToMarkdown};
use pulldown_cmark::{Options as MdOptions, Parser, html};

mod flat;
mod safe;

pub use flat::{MAX_HTML_BYTES, MAX_HTML_DEPTH};
pub use safe::{ALLOWED_SCHEMES, allowed_url};

/// Markdown (CommonMark with tables) → HTML as TP's rich text editor stores it, in the safe
/// subset: raw HTML is written as text, a link or image to a URL outside [`ALLOWED_SCHEMES`] as
/// its text.
pub fn markdown_to_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let mut opts = MdOptions::empty();
    opts.insert(MdOptions::ENABLE_TABLES);
    opts.insert(MdOptions::ENABLE_STRIKETHROUGH);
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, safe::safe_events(Parser::new_ext(markdown, opts)));
    out.trim_end().to_owned()
}

/// TP rich text HTML → canonical markdown (no trailing newline). Plain text without tags is
/// returned as it is, apart from trimming, since some accounts store markdown or text. HTML past
/// the bounds becomes flat text (see [`convert_html`]).
pub fn html_to_markdown(html: &str) -> String {
    convert_html(html).markdown
}

/// Markdown converted from TP HTML, and why it lost its structure if it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Converted {
    pub markdown: String,
    /// Set when the HTML was past a bound and only its text was kept.
    pub flattened: Option<Flattened>,
}

/// Why HTML was converted to flat text instead of markdown with its structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Flattened {
    #[error("its HTML nests more than {MAX_HTML_DEPTH} elements deep; only its text is kept")]
    TooDeep,
    #[error("its HTML has {bytes} bytes, more than {MAX_HTML_BYTES}; only its text is kept")]
    TooLarge { bytes: usize },
}

/// [`html_to_markdown`], saying when the HTML was past [`MAX_HTML_BYTES`] or [`MAX_HTML_DEPTH`]
/// and became flat text. Needs stack for [`MAX_HTML_DEPTH`] levels of recursion at most.
pub fn convert_html(html: &str) -> Converted {
    let trimmed = html.trim();
    let flattened = if trimmed.len() > MAX_HTML_BYTES {
        Some(Flattened::TooLarge {
            bytes: trimmed.len(),
        })
    } else if trimmed.contains('<') && flat::depth(trimmed, MAX_HTML_DEPTH) > MAX_HTML_DEPTH {
        Some(Flattened::TooDeep)
    } else {
        None
    };
    let markdown = if trimmed.is_empty() {
        String::new()
    } else if flattened.is_some() {
        flat::flat_text(trimmed)
    } else if !trimmed.contains('<') {
        trimmed.to_owned()
    } else {
        CONVERTER
            .with(|converter| converter.convert(trimmed))
            .map(|md| md.trim().to_owned())
            .unwrap_or_else(|_| trimmed.to_owned())
    };
    Converted {
        markdown,
        flattened,
    }
}

thread_local! {
    /// The converter, built once per thread: building it (its element handlers) cost more than
    /// converting a typical description, once per description of every read. A thread runs one
    /// conversion at a time, and `flatten_nested`'s counters are back at zero after each, so
    /// every conversion starts as with a new converter.
    static CONVERTER: HtmlToMarkdown = converter();
}

fn converter() -> HtmlToMarkdown {
    HtmlToMarkdown::builder()
        .options(Options {
            heading_style: HeadingStyle::Atx,
            bullet_list_marker: BulletListMarker::Dash,
            code_block_style: CodeBlockStyle::Fenced,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            ..Options::default()
        })
        .skip_tags(vec!["script", "style"])
        .add_handler(vec!["i", "em"], flatten_nested(Arc::default()))
        .add_handler(vec!["strong", "b"], flatten_nested(Arc::default()))
        .add_handler(vec!["code"], blank_code_as_space)
        .add_handler(vec!["del", "s", "strike"], strikethrough)
        .build()
}

/// `~~text~~`, the form markdown → HTML reads as strikethrough (htmd alone keeps only the text).
fn strikethrough(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    let content = handlers.walk_children(element.node).content;
    let inner = content.trim();
    if inner.is_empty() {
        return Some(content.into());
    }
    Some(format!("~~{inner}~~").into())
}

/// Emphasis inside emphasis of the same kind looks the same as single emphasis, but markdown
/// cannot write it unambiguously (`<em><em>a</em>b</em>` would become `**a*b*`, which reads
/// back as something else). The inner element keeps its text and drops its markers. `depth`
/// counts the open elements of this kind during one conversion.
fn flatten_nested(
    depth: Arc<AtomicUsize>,
) -> impl Fn(&dyn Handlers, Element) -> Option<HandlerResult> + Send + Sync {
    move |handlers, element| {
        let outer = depth.fetch_add(1, Ordering::Relaxed) == 0;
        let result = if outer {
            handlers.fallback(element)
        } else {
            Some(handlers.walk_children(element.node))
        };
        depth.fetch_sub(1, Ordering::Relaxed);
        result
    }
}

/// A code element holding only blanks has no markdown form (htmd would write an empty,
/// unclosed code span); it becomes a plain space.
fn blank_code_as_space(handlers: &dyn Handlers, element: Element) -> Option<HandlerResult> {
    if handlers
        .walk_children(element.node)
        .content
        .trim()
        .is_empty()
    {
        return Some(" ".into());
    }
    handlers.fallback(element)
}

#[cfg(test)]
mod tests;

/// The canonical form of a markdown text: what it reads back as after a trip through TP.
/// Compare texts in this form to avoid spurious differences (escapes, bullet markers).
pub fn normalize_markdown(markdown: &str) -> String {
    html_to_markdown(&markdown_to_html(markdown))
}
