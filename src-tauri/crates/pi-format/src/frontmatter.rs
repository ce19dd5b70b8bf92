//! The YAML front matter of the current layout, behind one small module so the YAML library
//! can be swapped.
//!
//! It reads and writes only the plan's header (format version, ART / release / team, site
//! URLs); it knows nothing about the markdown body and stores no timestamps.

use pi_model::{Named, Plan, PlanMeta};
use serde::{Deserialize, Serialize};

use crate::{ParseError, ParseErrorKind, Position};

/// The format tag this version reads and writes.
pub(crate) const FORMAT: &str = "pi-plan/1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    format: String,
    art: NamedEntry,
    release: NamedEntry,
    team: NamedEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tp_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jira_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    name: String,
}

impl From<&Named> for NamedEntry {
    fn from(n: &Named) -> Self {
        Self {
            id: n.id,
            name: n.name.clone(),
        }
    }
}

impl From<NamedEntry> for Named {
    fn from(n: NamedEntry) -> Self {
        Self {
            id: n.id,
            name: n.name,
        }
    }
}

/// What the front matter holds.
#[derive(Debug)]
pub(crate) struct Header {
    pub art: Named,
    pub release: Named,
    pub team: Named,
    pub meta: PlanMeta,
}

/// The YAML between the `---` lines (ends with a newline).
pub(crate) fn render(plan: &Plan) -> String {
    let fm = FrontMatter {
        format: FORMAT.to_owned(),
        art: (&plan.art).into(),
        release: (&plan.release).into(),
        team: (&plan.team).into(),
        tp_url: plan.meta.tp_url.clone(),
        jira_url: plan.meta.jira_url.clone(),
    };
    // Serializing plain structs of strings and integers has no failure path; fall back to a
    // visible comment rather than panic if the library ever disagrees.
    let mut yaml = serde_saphyr::to_string(&fm)
        .unwrap_or_else(|e| format!("# front matter could not be written: {e}\n"));
    if !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    yaml
}

/// Parses the YAML that starts on file line `first_line`.
pub(crate) fn parse(yaml: &str, first_line: usize) -> Result<Header, ParseError> {
    let fm: FrontMatter = serde_saphyr::from_str(yaml).map_err(|e| yaml_error(&e, first_line))?;
    if fm.format != FORMAT {
        let at = key_position(yaml, "format", first_line);
        return Err(ParseError {
            kind: ParseErrorKind::FrontMatter,
            at,
            message: format!(
                "unsupported format {:?}; this version reads {FORMAT}",
                fm.format
            ),
        });
    }
    Ok(Header {
        art: fm.art.into(),
        release: fm.release.into(),
        team: fm.team.into(),
        meta: PlanMeta {
            tp_url: fm.tp_url,
            jira_url: fm.jira_url,
        },
    })
}

/// The header of a current-layout file whose body may not read: the YAML between the first
/// two `---` lines, parsed.
pub(crate) fn header_of(text: &str) -> Result<Header, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let opened = lines.next().is_some_and(|l| l.trim_end() == "---");
    let mut yaml = String::new();
    for line in lines.by_ref() {
        if matches!(line.trim_end(), "---" | "...") {
            return parse(&yaml, 2);
        }
        yaml.push_str(line);
        yaml.push('\n');
    }
    let message = if opened {
        "the front matter opened on line 1 is never closed with a `---` line"
    } else {
        "missing front matter: a plan file starts with a `---` block"
    };
    Err(ParseError {
        kind: ParseErrorKind::FrontMatter,
        at: Position { line: 1, column: 1 },
        message: message.to_owned(),
    })
}

fn yaml_error(e: &serde_saphyr::Error, first_line: usize) -> ParseError {
    let inner = e.without_snippet();
    let at = inner.location().map_or(
        Position {
            line: first_line,
            column: 1,
        },
        |l| Position {
            line: first_line + usize::try_from(l.line()).unwrap_or(1).max(1) - 1,
            column: usize::try_from(l.column()).unwrap_or(1).max(1),
        },
    );
    let text = inner.to_string();
    let message = text.lines().next().unwrap_or("invalid YAML").to_owned();
    ParseError {
        kind: ParseErrorKind::FrontMatter,
        at,
        message: format!("front matter: {}", strip_location(&message)),
    }
}

/// serde-saphyr puts "at line L, column C" (relative to the YAML) into messages; the position
/// is reported separately, relative to the file.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains("column") => &message[..i],
        _ => message,
    }
}

/// The position of a top-level `key:` line, for messages about its value.
pub(crate) fn key_position(yaml: &str, key: &str, first_line: usize) -> Position {
    yaml.lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
        .map_or(
            Position {
                line: first_line,
                column: 1,
            },
            |i| Position {
                line: first_line + i,
                column: key.len() + 3,
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            art: Named {
                id: Some(7),
                name: "Platform ART".into(),
            },
            release: Named {
                id: None,
                name: "PI-4/25".into(),
            },
            team: Named {
                id: Some(9),
                name: "yes".into(),
            },
            meta: PlanMeta {
                tp_url: Some("https://acme.tpondemand.com".into()),
                jira_url: None,
            },
            ..Plan::default()
        }
    }

    #[test]
    fn renders_and_parses_back() {
        let yaml = render(&plan());
        insta::assert_snapshot!(yaml, @r#"
        format: pi-plan/1
        art:
          id: 7
          name: Platform ART
        release:
          name: PI-4/25
        team:
          id: 9
          name: "yes"
        tp_url: https://acme.tpondemand.com
        "#);
        let h = parse(&yaml, 2).expect("parses");
        assert_eq!(h.team.name, "yes");
        assert_eq!(h.release.id, None);
    }

    #[test]
    fn the_header_reads_when_the_body_does_not() {
        let text = format!("---\n{}---\n# broken\nbody line\n", render(&plan()));
        let h = header_of(&text).expect("header");
        assert_eq!((h.art.id, h.team.id), (Some(7), Some(9)));
        assert!(header_of("# no front matter").is_err());
        assert!(header_of("---\nformat: pi-plan/1\n").is_err());
    }

    #[test]
    fn locates_yaml_errors_in_the_file() {
        let yaml = "format: pi-plan/1\nart:\n  name: [unclosed\n";
        let e = parse(yaml, 2).expect_err("broken");
        assert_eq!(e.kind, ParseErrorKind::FrontMatter);
        assert_eq!(e.to_string(), "4:9: front matter: expected string scalar");
    }
}
