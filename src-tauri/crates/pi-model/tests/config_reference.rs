//! docs/configuration.md's "Every key" table against the parser: every key the parser accepts is
//! in the table, every key in the table is accepted, and a file built from the table's examples
//! parses. The parser's keys are read from the parser itself: an unknown key in a section is
//! refused with the list of the keys that section takes.

use std::collections::{BTreeMap, BTreeSet};

use pi_model::RepoConfig;

/// What `<name>` and `<event>` stand for when a file is built or the parser probed.
const NAME: &str = "example";
const EVENT: &str = "conflict";

fn doc() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/configuration.md");
    std::fs::read_to_string(path).expect("docs/configuration.md is readable")
}

/// The cells of the rows of the first table after `heading` whose first cell is a key in
/// backquotes.
fn table_rows(doc: &str, heading: &str) -> Vec<Vec<String>> {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} is in the doc"));
    let section = &doc[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in section.lines() {
        let Some(inner) = line.trim().strip_prefix('|') else {
            if in_table {
                break;
            }
            continue;
        };
        if inner.starts_with("---") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        let cells: Vec<String> = inner
            .trim_end_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_owned())
            .collect();
        if cells[0].starts_with('`') {
            rows.push(cells);
        }
    }
    rows
}

fn unquote(cell: &str) -> String {
    cell.trim().trim_matches('`').to_owned()
}

/// (key, example) of the "Every key" table.
fn documented() -> Vec<(String, String)> {
    let doc = doc();
    let rows = table_rows(&doc, "## Every key");
    assert!(
        rows.len() > 50,
        "the reference table is found ({} rows)",
        rows.len()
    );
    rows.iter()
        .map(|r| (unquote(&r[0]), unquote(&r[1])))
        .collect()
}

/// The keys the doc lists as refused.
fn documented_refused() -> Vec<String> {
    let doc = doc();
    let start = doc
        .find("Keys the parser knows only to refuse them")
        .expect("refused keys listed");
    table_rows(&doc[start..], "Keys the parser knows only to refuse them")
        .iter()
        .map(|r| unquote(&r[0]))
        .collect()
}

fn concrete(key: &str) -> String {
    key.replace("<name>", NAME).replace("<event>", EVENT)
}

/// A `pi-planner.toml` setting every `(key, value)`: keys grouped by their table, `[]` tables
/// written as one `[[...]]` entry.
fn build(entries: &[(String, String)]) -> String {
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (key, value) in entries {
        let key = concrete(key);
        let (table, leaf) = key.rsplit_once('.').expect("every key is in a section");
        tables
            .entry(table.to_owned())
            .or_default()
            .push((leaf.to_owned(), value.replace("<name>", NAME)));
    }
    let mut text = String::new();
    for (table, keys) in tables {
        match table.strip_suffix("[]") {
            Some(array) => text.push_str(&format!("[[{array}]]\n")),
            None => text.push_str(&format!("[{table}]\n")),
        }
        for (leaf, value) in keys {
            text.push_str(&format!("{leaf} = {value}\n"));
        }
    }
    text
}

/// The words in backquotes after "expected" in a message.
fn expected_words(message: &str) -> Option<Vec<String>> {
    let (_, list) = message.split_once("expected")?;
    let words: Vec<String> = list
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then_some(words)
}

fn error_of(text: &str) -> String {
    match RepoConfig::from_toml_str(text) {
        Ok(_) => String::new(),
        Err(e) => e.message,
    }
}

/// What the parser takes at `path` (a table path, `<name>`/`<event>` and `[]` kept): the keys
/// below it, each a leaf, by probing it with a key it cannot know.
fn accepted_under(path: &str, keys: &mut BTreeSet<String>) {
    let header = |p: &str| match concrete(p).strip_suffix("[]") {
        Some(array) => format!("[[{array}]]\n"),
        None if p.is_empty() => String::new(),
        None => format!("[{}]\n", concrete(p)),
    };
    let message = error_of(&format!("{}__probe = 1\n", header(path)));
    let Some(fields) = message
        .contains("unknown field `__probe`")
        .then(|| expected_words(&message))
        .flatten()
    else {
        panic!("{path:?} is not a section: {message}");
    };
    for field in fields {
        let child = if path.is_empty() {
            field
        } else {
            format!("{path}.{field}")
        };
        let as_table = error_of(&format!("{}__probe = 1\n", header(&child)));
        if as_table.contains("unknown field `__probe`") {
            accepted_under(&child, keys);
        } else if as_table.contains("unknown variant `__probe`")
            && expected_words(&as_table).is_some_and(|w| w.iter().any(|w| w == EVENT))
        {
            // A table keyed by event (an enum's own values are not events).
            keys.insert(format!("{child}.<event>"));
        } else if as_table.contains("expected struct") {
            // A table keyed by any name, of sections.
            accepted_under(&format!("{child}.<name>"), keys);
        } else if error_of(&format!("{}__probe = 1\n", header(&format!("{child}[]"))))
            .contains("unknown field `__probe`")
        {
            accepted_under(&format!("{child}[]"), keys);
        } else {
            keys.insert(child);
        }
    }
}

fn parser_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    accepted_under("", &mut keys);
    keys
}

#[test]
fn every_key_the_parser_accepts_is_documented_and_no_other() {
    let parser = parser_keys();
    assert!(
        parser.contains("tp.committed_field") && parser.contains("approvals.approvers[].email")
    );
    let doc: BTreeSet<String> = documented().into_iter().map(|(k, _)| k).collect();
    let refused: BTreeSet<String> = documented_refused().into_iter().collect();
    let listed: BTreeSet<String> = doc.union(&refused).cloned().collect();
    let undocumented: Vec<_> = parser.difference(&listed).collect();
    assert!(
        undocumented.is_empty(),
        "keys the parser accepts that docs/configuration.md's \"Every key\" table lacks: {undocumented:?}"
    );
    let unknown: Vec<_> = listed.difference(&parser).collect();
    assert!(
        unknown.is_empty(),
        "keys documented that the parser does not know: {unknown:?}"
    );
}

#[test]
fn a_file_of_every_documented_example_parses() {
    let text = build(&documented());
    if let Err(e) = RepoConfig::from_toml_str(&text) {
        panic!("the documented examples do not parse: {e}\n{text}");
    }
    // Each key alone too, with what it needs beside it (a section's required keys).
    let all = documented();
    let required = [
        "jira.url",
        "github.repository",
        "validation.max_objectives_per_team.max",
        "approvals.approvers[].email",
    ];
    for (key, value) in &all {
        let mut entries = vec![(key.clone(), value.clone())];
        let section = key.rsplit_once('.').map_or("", |(s, _)| s);
        for r in required {
            if r.starts_with(section) && r != key {
                let example = all
                    .iter()
                    .find(|(k, _)| k == r)
                    .expect("documented")
                    .1
                    .clone();
                entries.push((r.to_owned(), example));
            }
        }
        if key.starts_with("templates.") {
            entries.extend(
                all.iter()
                    .filter(|(k, _)| k.starts_with("templates."))
                    .cloned(),
            );
        }
        if key.starts_with("notify.") {
            entries.extend(
                all.iter()
                    .filter(|(k, _)| k.starts_with("notify."))
                    .cloned(),
            );
        }
        entries.sort();
        entries.dedup();
        let text = build(&entries);
        if let Err(e) = RepoConfig::from_toml_str(&text) {
            panic!("`{key} = {value}` does not parse: {e}\n{text}");
        }
    }
}

#[test]
fn the_refused_keys_are_refused_with_their_place() {
    let refused = documented_refused();
    assert_eq!(refused.len(), 3);
    let all = documented();
    for key in refused {
        let mut entries: Vec<_> = all
            .iter()
            .filter(|(k, _)| k.starts_with("notify."))
            .cloned()
            .collect();
        entries.push((key.clone(), "\"x\"".to_owned()));
        let text = build(&entries);
        let e = RepoConfig::from_toml_str(&text).expect_err(&key);
        assert!(e.line > 1, "{key} is refused at its line: {e}");
    }
}

#[test]
fn a_key_the_parser_does_not_take_is_refused() {
    let mut entries = documented();
    entries.push(("tp.no_such_key".to_owned(), "\"x\"".to_owned()));
    assert!(RepoConfig::from_toml_str(&build(&entries)).is_err());
}
