//! The legacy YAML front matter (`release`, `team`, `art`, `exported_at`, `objectives[]` with
//! inline-JSON items), read with serde-saphyr and located in the whole file.
//!
//! It only reads; cross-checking `objectives[]` against the body happens in `finish`.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::{Location, Spanned};

use super::lines::Line;
use crate::{ParseError, ParseErrorKind, Position};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    release: Option<Spanned<String>>,
    team: Option<Spanned<String>>,
    art: Option<Spanned<String>>,
    release_id: Option<i64>,
    team_id: Option<i64>,
    art_id: Option<i64>,
    exported_at: Option<Spanned<IgnoredAny>>,
    objectives: Option<Vec<Spanned<RawObjective>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    id: Option<i64>,
    name: Option<String>,
    synced_at: Option<IgnoredAny>,
}

/// A front-matter value with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct At<T> {
    pub value: T,
    pub at: Position,
}

/// One `objectives[]` entry.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct FmObjective {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub at: Position,
    pub synced_at: bool,
}

/// What the front matter says, positions in file coordinates.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct FrontMatter {
    pub release: Option<At<String>>,
    pub team: Option<At<String>>,
    pub art: Option<At<String>>,
    pub release_id: Option<i64>,
    pub team_id: Option<i64>,
    pub art_id: Option<i64>,
    pub exported_at: Option<Position>,
    pub objectives: Vec<FmObjective>,
}

/// Splits off a front matter block opened by `---` on the first line. Returns the YAML lines
/// and the index of the first body line.
pub(super) fn split<'a, 'l>(
    lines: &'l [Line<'a>],
) -> Result<(Option<&'l [Line<'a>]>, usize), ParseError> {
    match lines.first() {
        Some(first) if first.text.trim_end() == "---" => {}
        _ => return Ok((None, 0)),
    }
    let close = lines
        .iter()
        .skip(1)
        .position(|l| matches!(l.text.trim_end(), "---" | "..."))
        .ok_or_else(|| ParseError {
            kind: ParseErrorKind::FrontMatter,
            at: Position { line: 1, column: 1 },
            message: "the front matter opened here is never closed with `---`".into(),
        })?;
    Ok((Some(&lines[1..=close]), close + 2))
}

/// Reads the YAML lines of the front matter.
pub(super) fn read(yaml_lines: &[Line<'_>]) -> Result<FrontMatter, ParseError> {
    let Some(first) = yaml_lines.first() else {
        return Ok(FrontMatter::default());
    };
    let yaml: Vec<&str> = yaml_lines.iter().map(|l| l.text).collect();
    let yaml = yaml.join("\n");
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let offset = first.no - 1;
    let raw: Raw = serde_saphyr::from_str(&yaml).map_err(|e| ParseError {
        kind: ParseErrorKind::FrontMatter,
        at: e.location().map_or(
            Position {
                line: first.no,
                column: 1,
            },
            |l| locate(l, offset),
        ),
        message: format!("front matter: {}", message(&e.to_string())),
    })?;
    Ok(convert(raw, offset))
}

/// The first line of a serde-saphyr message without its `error: line N column M: ` prefix
/// (the position is reported in file coordinates instead).
fn message(full: &str) -> &str {
    let first = full.lines().next().unwrap_or("invalid YAML");
    let rest = first.strip_prefix("error: ").unwrap_or(first);
    match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, m)) => m,
        None => rest,
    }
}

fn locate(l: Location, offset: usize) -> Position {
    let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX).max(1);
    Position {
        line: n(l.line()).saturating_add(offset),
        column: n(l.column()),
    }
}

fn convert(raw: Raw, offset: usize) -> FrontMatter {
    let at = |s: Spanned<String>| At {
        at: locate(s.referenced, offset),
        value: s.value,
    };
    FrontMatter {
        release: raw.release.map(at),
        team: raw.team.map(at),
        art: raw.art.map(at),
        release_id: raw.release_id,
        team_id: raw.team_id,
        art_id: raw.art_id,
        exported_at: raw.exported_at.map(|s| locate(s.referenced, offset)),
        objectives: raw
            .objectives
            .unwrap_or_default()
            .into_iter()
            .map(|o| FmObjective {
                id: o.value.id,
                name: o.value.name,
                at: locate(o.referenced, offset),
                synced_at: o.value.synced_at.is_some(),
            })
            .collect(),
    }
}
