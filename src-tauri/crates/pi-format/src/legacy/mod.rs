//! Import of plan files written by the earlier tpcli tool, in both of its layouts: the
//! *generated* layout (YAML front matter with inline-JSON `objectives`, `## Team Objective:`
//! sections with `**Key**: value` lines, `### Epic:` sections, read-only Jira stories) and the
//! *PRD* layout (bullet-list metadata, `- **Objective 1**: …` program objectives,
//! `#### Story:` headings, free text as epic description).
//!
//! Every field is mapped onto [`pi_model::Plan`] or reported: volatile sync data is dropped with
//! one warning, anything unrecognised is a located error. Entities without a TP id get
//! deterministic local ids. It deliberately only reads — the current format is written by the
//! crate's renderer, and nothing here talks to Targetprocess or Jira.

mod build;
mod entity;
mod finish;
mod front_matter;
mod ids;
mod lines;
mod program;
mod values;

use crate::{ParseErrors, Parsed};

/// The start of every local id this importer derives (`new:legacy-<8 hex>`).
pub(crate) const ID_PREFIX: &str = "legacy-";

/// Parses a legacy tpcli plan file (either layout) into a plan, with a source map and warnings.
///
/// Never panics. On failure, returns every located problem found, in file order.
pub fn parse(text: &str) -> Result<Parsed, ParseErrors> {
    let lines = lines::split_lines(text);
    let conflicts = lines::conflict_markers(&lines);
    if !conflicts.is_empty() {
        return Err(ParseErrors(conflicts));
    }
    let (yaml, body_start) = front_matter::split(&lines).map_err(|e| ParseErrors(vec![e]))?;
    let mut builder = build::Builder::new();
    let fm = match yaml.map(front_matter::read) {
        Some(Ok(fm)) => fm,
        Some(Err(e)) => {
            builder.errors.push(e);
            front_matter::FrontMatter::default()
        }
        None => front_matter::FrontMatter::default(),
    };
    builder.walk(lines.get(body_start..).unwrap_or_default());
    builder.finish(fm)
}

/// Whether `text` looks like a legacy tpcli plan rather than the current format: no `format:`
/// key in the front matter, and an `exported_at:` key, a `## Team Objective:` heading or a
/// `**TP ID**:` line. Cheap: one pass over the lines, no parsing.
pub fn looks_legacy(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().map(str::trim_end);
    let mut front_matter = Vec::new();
    if lines.clone().next() == Some("---") {
        lines.next();
        for l in lines.by_ref() {
            if l == "---" || l == "..." {
                break;
            }
            front_matter.push(l);
        }
    }
    if front_matter.iter().any(|l| l.starts_with("format:")) {
        return false;
    }
    front_matter.iter().any(|l| l.starts_with("exported_at:"))
        || lines.any(|l| {
            let t = l.trim_start();
            let t = t.strip_prefix("- ").unwrap_or(t);
            t.starts_with("## Team Objective:") || t.starts_with("**TP ID**:")
        })
}

#[cfg(test)]
mod tests;
