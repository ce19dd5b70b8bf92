//! Parsing of single legacy field values: effort, TP ids, people, Jira links, acceptance
//! criteria items and story headings. Errors are plain messages; the caller locates them.

use pi_model::{Criterion, Effort, JiraLink};

/// Effort such as `13 points`, `21 pts`, `0.5` or empty (unset).
pub(super) fn effort(value: &str) -> Result<Option<Effort>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let number = ["points", "point", "pts", "pt"]
        .iter()
        .find_map(|unit| strip_suffix_ci(v, unit))
        .map_or(v, str::trim_end);
    let shown = if number.is_empty() { v } else { number };
    number
        .parse::<Effort>()
        .map(Some)
        .map_err(|_| format!("Effort must be a number of points, found {shown:?}"))
}

fn strip_suffix_ci<'a>(v: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = v.len().checked_sub(suffix.len())?;
    let tail = v.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &v[..cut])
}

/// A Targetprocess id: `2019099`, `#2019099` or `tp:2019099`.
pub(super) fn tp_id(value: &str) -> Result<i64, String> {
    let v = value.trim();
    let digits = v
        .strip_prefix("tp:")
        .or_else(|| v.strip_prefix('#'))
        .unwrap_or(v);
    match digits.parse::<i64>() {
        Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!(
            "TP ID must be a positive whole number, found {v:?}"
        )),
    }
}

/// A person's name; empty or `Unassigned` means nobody.
pub(super) fn person(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && !v.eq_ignore_ascii_case("unassigned")).then(|| v.to_owned())
}

/// Any other text value; empty means unset.
pub(super) fn text(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// A markdown link `[label](url)` at the start of `text`: label, url and the rest of the text.
pub(super) fn link(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.strip_prefix('[')?;
    let close = rest.find("](")?;
    let label = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    Some((label.trim(), after[..end].trim(), &after[end + 1..]))
}

/// `ABC-123`: upper-case project key, a dash, digits.
pub(super) fn is_jira_key(s: &str) -> bool {
    let Some((project, number)) = s.rsplit_once('-') else {
        return false;
    };
    let mut chars = project.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `**Jira Epic**: [DAD-2652](https://…/browse/DAD-2652)` or a bare `DAD-2652`.
pub(super) fn jira_link(value: &str) -> Result<JiraLink, String> {
    let v = value.trim();
    let bad = || format!("Jira Epic must be a Jira key or a link [KEY](url), found {v:?}");
    match link(v) {
        Some((key, url, rest)) if rest.trim().is_empty() && is_jira_key(key) => Ok(JiraLink {
            key: key.to_owned(),
            url: (!url.is_empty()).then(|| url.to_owned()),
        }),
        Some(_) => Err(bad()),
        None if is_jira_key(v) => Ok(JiraLink {
            key: v.to_owned(),
            url: None,
        }),
        None => Err(bad()),
    }
}

/// One acceptance-criteria item; a leading `[x]` marks it met, `[ ]` not met.
pub(super) fn criterion(item: &str) -> Criterion {
    let item = item.trim();
    for (mark, done) in [("[x]", true), ("[X]", true), ("[ ]", false)] {
        if let Some(rest) = item.strip_prefix(mark) {
            return Criterion {
                text: rest.trim().to_owned(),
                done,
            };
        }
    }
    Criterion {
        text: item.to_owned(),
        done: false,
    }
}

/// The parts of a story heading.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct StoryHead {
    pub key: String,
    pub url: Option<String>,
    pub summary: String,
}

/// `[KEY](url) - summary`, `Story: [KEY](url) - summary`, `Story: KEY - summary` or
/// `Story: summary` (no key). `None` when the heading is not a story.
pub(super) fn story_heading(text: &str) -> Option<StoryHead> {
    let (body, prefixed) = match text.strip_prefix("Story:") {
        Some(rest) => (rest.trim(), true),
        None => (text, false),
    };
    if let Some((key, url, rest)) = link(body).filter(|(k, ..)| is_jira_key(k)) {
        return Some(StoryHead {
            key: key.to_owned(),
            url: (!url.is_empty()).then(|| url.to_owned()),
            summary: summary_after_key(rest),
        });
    }
    if !prefixed {
        return None;
    }
    let first = body.split([' ', ':']).next().unwrap_or("");
    if is_jira_key(first) {
        return Some(StoryHead {
            key: first.to_owned(),
            url: None,
            summary: summary_after_key(&body[first.len()..]),
        });
    }
    Some(StoryHead {
        key: String::new(),
        url: None,
        summary: body.to_owned(),
    })
}

fn summary_after_key(rest: &str) -> String {
    let r = rest.trim_start();
    let r = r
        .strip_prefix("- ")
        .or_else(|| r.strip_prefix(": "))
        .or_else(|| r.strip_prefix('-'))
        .or_else(|| r.strip_prefix(':'))
        .unwrap_or(r);
    r.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effort_accepts_units_and_fractions() {
        let pts = |s: &str| effort(s).map(|e| e.map(Effort::points));
        assert_eq!(pts("13 points"), Ok(Some(13.0)));
        assert_eq!(pts("21 pts"), Ok(Some(21.0)));
        assert_eq!(pts("0.5 Points"), Ok(Some(0.5)));
        assert_eq!(pts("8"), Ok(Some(8.0)));
        assert_eq!(pts(""), Ok(None));
        assert_eq!(
            pts("thirty-four"),
            Err("Effort must be a number of points, found \"thirty-four\"".into())
        );
        assert_eq!(
            pts("x points"),
            Err("Effort must be a number of points, found \"x\"".into())
        );
        assert_eq!(
            pts("points"),
            Err("Effort must be a number of points, found \"points\"".into())
        );
    }

    #[test]
    fn tp_ids_and_people() {
        assert_eq!(tp_id("2019099"), Ok(2019099));
        assert_eq!(tp_id("#12"), Ok(12));
        assert_eq!(tp_id("tp:7"), Ok(7));
        assert!(tp_id("0").is_err());
        assert!(tp_id("12a").is_err());
        assert_eq!(person("Unassigned"), None);
        assert_eq!(person(" Jane Doe "), Some("Jane Doe".into()));
    }

    #[test]
    fn jira_links() {
        let l = jira_link("[DAD-2652](https://jira.example/browse/DAD-2652)").expect("link");
        assert_eq!(l.key, "DAD-2652");
        assert_eq!(
            l.url.as_deref(),
            Some("https://jira.example/browse/DAD-2652")
        );
        assert_eq!(jira_link("DAD-1").expect("key").url, None);
        assert!(jira_link("[see here](x)").is_err());
        assert!(jira_link("dad-1").is_err());
    }

    #[test]
    fn criteria_items() {
        assert_eq!(
            criterion("[x] done thing"),
            Criterion {
                text: "done thing".into(),
                done: true
            }
        );
        assert_eq!(
            criterion("open thing"),
            Criterion {
                text: "open thing".into(),
                done: false
            }
        );
    }

    #[test]
    fn story_headings() {
        let s = story_heading("[DAD-1](https://j/browse/DAD-1) - Login page").expect("story");
        assert_eq!(
            (s.key.as_str(), s.summary.as_str()),
            ("DAD-1", "Login page")
        );
        let s = story_heading("Story: DAD-2 - Logout").expect("story");
        assert_eq!(
            (s.key.as_str(), s.url, s.summary.as_str()),
            ("DAD-2", None, "Logout")
        );
        let s = story_heading("Story: Export to CSV").expect("story");
        assert_eq!((s.key.as_str(), s.summary.as_str()), ("", "Export to CSV"));
        assert_eq!(story_heading("Notes"), None);
    }
}
