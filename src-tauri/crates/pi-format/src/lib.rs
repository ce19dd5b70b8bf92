//! `pi-format`: the plan file — a readable markdown file per team and release that round-trips
//! losslessly with [`pi_model::Plan`].
//!
//! * [`render`] is deterministic: the same plan always gives the same bytes.
//! * [`parse`] reads the current format and both legacy tpcli layouts, and reports every problem
//!   with a line and column; it never panics, whatever the input.
//!
//! It deliberately does no I/O and knows nothing of git, Targetprocess or validation rules.

mod error;
mod source_map;

pub use error::{ParseError, ParseErrorKind, ParseErrors, Position};
pub use source_map::SourceMap;

/// Which layout a parsed file was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
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
