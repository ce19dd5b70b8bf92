//! `pi-format`: the plan file — a readable markdown file per team and release that round-trips
//! losslessly with [`pi_model::Plan`].
//!
//! * [`render`] is deterministic: the same plan always gives the same bytes.
//! * [`parse`] reads the current format and both legacy tpcli layouts, and reports every problem
//!   with a line and column; it never panics, whatever the input.
//!
//! It deliberately does no I/O and knows nothing of git, Targetprocess or validation rules.

mod conflict;
mod error;
mod escape;
mod frontmatter;
mod labels;
mod legacy;
mod lines;
mod markers;
mod parse;
mod render;
pub mod sample;
mod source_map;

pub use error::{ParseError, ParseErrorKind, ParseErrors, Position};
pub use markers::{MarkerLabels, render_with_markers};
pub use render::render;
pub use source_map::SourceMap;

/// Brings `plan` to the normal form the format round-trips exactly: `parse(render(p)) == p`
/// holds for every plan `p` with `normalize(p) == p`. The normal form is the inbound boundary's
/// ([`pi_model::inbound`]): single-line values without control characters and trimmed,
/// descriptions and notes with `\n` line endings and no trailing line break, no bidirectional
/// overrides, bounded lengths. Idempotent.
pub fn normalize(plan: &mut pi_model::Plan) {
    // The warnings name values cut to their bound; a caller of the normal form has no use for
    // them (the inbound boundary reports them where data arrives).
    let _cut = pi_model::inbound::plan(plan);
}

/// Reads a plan file in any layout: the current one (`format: pi-plan/1` in the front matter)
/// or a legacy tpcli layout. Unresolved git conflict markers are reported first, as
/// [`ParseErrorKind::ConflictMarkers`], one error per conflict region. Never panics.
pub fn parse(text: &str) -> Result<Parsed, ParseErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let detected = detect(text);
    // The current-layout parser finds conflict markers in its own line pass.
    if !matches!(detected, Detected::Current) {
        conflict::check(text)?;
    }
    match detected {
        Detected::Current => parse::parse(text),
        Detected::Legacy => legacy::parse(text),
        Detected::Unknown => Err(ParseErrors(vec![ParseError {
            kind: ParseErrorKind::FrontMatter,
            at: Position { line: 1, column: 1 },
            message: "missing front matter: a plan file starts with a `---` block holding \
                      `format: pi-plan/1`"
                .to_owned(),
        }])),
    }
}

/// The header of a current-layout plan file (ART, release, team, site URLs) as a plan without
/// objectives, notes or program objectives; it reads when only the body after the front matter
/// is broken, so a repair can tell which plan a file that no longer parses belongs to.
pub fn header(text: &str) -> Result<pi_model::Plan, ParseErrors> {
    let h = frontmatter::header_of(text).map_err(|e| ParseErrors(vec![e]))?;
    Ok(pi_model::Plan {
        art: h.art,
        release: h.release,
        team: h.team,
        meta: h.meta,
        ..pi_model::Plan::default()
    })
}

enum Detected {
    Current,
    Legacy,
    Unknown,
}

/// Current when the front matter (or, if it is never closed, the whole file) has a `format:`
/// key; legacy when there is front matter without one, or legacy headings / id lines.
fn detect(text: &str) -> Detected {
    let mut lines = text.lines();
    if lines.next().is_some_and(|l| l.trim_end() == "---") {
        let has_format = lines
            .take_while(|l| !matches!(l.trim_end(), "---" | "..."))
            .any(|l| l.starts_with("format:"));
        return if has_format {
            Detected::Current
        } else {
            Detected::Legacy
        };
    }
    if legacy::looks_legacy(text) {
        Detected::Legacy
    } else {
        Detected::Unknown
    }
}

/// Which layout a parsed file was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// The current format (`format: pi-plan/1` in the front matter).
    Current,
    /// What the earlier tpcli generator wrote (`## Team Objective:`, `**TP ID**:` lines).
    LegacyGenerated,
    /// The earlier tpcli PRD / Jira-strategy layout (bullet-list metadata).
    LegacyPrd,
}

/// A parsed plan file.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub plan: pi_model::Plan,
    pub layout: Layout,
    pub source_map: SourceMap,
    /// Non-fatal notes about the input (e.g. legacy fields that were dropped as volatile).
    pub warnings: Vec<ParseError>,
}

impl Parsed {
    /// Whether the file wrote no id for this entity and the legacy importer derived it from the
    /// entity's name (and its objective's id): renaming the entity in the file changes it. Legacy
    /// files write only Targetprocess ids, so there every `new:legacy-…` id is derived.
    pub fn is_derived_id(&self, id: &pi_model::EntityId) -> bool {
        self.layout != Layout::Current && is_legacy_id(id)
    }
}

/// Whether `id` has the shape the legacy importer gives entities without a Targetprocess id
/// (`new:legacy-…`), derived in this file or written into a current-layout file by a migration.
pub fn is_legacy_id(id: &pi_model::EntityId) -> bool {
    matches!(id, pi_model::EntityId::Local(l) if l.as_str().starts_with(legacy::ID_PREFIX))
}
