//! The subset of markdown that is written to Targetprocess as HTML: everything CommonMark
//! expresses except raw HTML, which is written as text, and links or images whose URL could run
//! code, which are written as their text.
//!
//! Raw HTML (`<script>`, `<img onerror=…>`, `<iframe>`, `<style>`, any element with an event
//! handler attribute) becomes text, escaped by the HTML writer, so Targetprocess shows it and
//! never runs it. A link or image URL is kept when it has no scheme (a relative path or an
//! `#anchor`) or one of [`ALLOWED_SCHEMES`]; any other (`javascript:`, `data:`, `vbscript:`,
//! `file:`) drops the link and keeps its text.

use pulldown_cmark::{Event, Tag, TagEnd};

/// URL schemes a written link or image may use (compared case-insensitively).
pub const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The events of a markdown document restricted to the safe subset.
pub(crate) fn safe_events<'a>(
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    // One entry per open link or image: whether it was dropped (its end is dropped too).
    let mut dropped: Vec<bool> = Vec::new();
    events.filter_map(move |event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
            let allowed = allowed_url(dest_url);
            dropped.push(!allowed);
            allowed.then_some(event)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(event)
        }
        other => Some(other),
    })
}

/// Whether a link or image URL may be written: no scheme, or an allowed one. Blanks and control
/// characters are ignored when reading the scheme, as browsers ignore them (`java\tscript:`).
pub fn allowed_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match scheme(&compact) {
        None => true,
        Some(scheme) => ALLOWED_SCHEMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(scheme)),
    }
}

/// The scheme of a URL: what precedes the first `:` when no `/`, `?` or `#` comes before it.
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let before = &url[..colon];
    (!before.contains(['/', '?', '#'])).then_some(before)
}
