//! The CI examples in `examples/ci` run tpcli: each of their tpcli command lines must be one this
//! tpcli accepts, so a renamed flag cannot leave the examples broken.

use clap::Parser;

use super::Cli;

/// The tpcli command lines of a workflow file (comments aside): `tpcli ...` with its `\`
/// continuations joined.
fn command_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(at) = line.find("tpcli plan ") else {
            continue;
        };
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut command = line[at..].to_owned();
        while command.trim_end().ends_with('\\') {
            command = command.trim_end().trim_end_matches('\\').to_owned();
            command.push(' ');
            command.push_str(lines.next().unwrap_or_default().trim());
        }
        out.push(command);
    }
    out
}

/// Words as a shell splits them, for the simple lines the examples hold: double quotes group,
/// a redirection or `;` ends the command.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    words.push(word);
    let mut argv = Vec::new();
    for w in words.into_iter().filter(|w| !w.is_empty()) {
        if w.starts_with('>') {
            break;
        }
        if let Some(last) = w.strip_suffix(';') {
            argv.push(last.to_owned());
            break;
        }
        argv.push(w);
    }
    argv
}

#[test]
fn every_tpcli_line_of_the_ci_examples_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/ci");
    let mut checked = 0;
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("the CI example is readable");
        for command in command_lines(&text) {
            let argv = words(&command);
            if let Err(e) = Cli::try_parse_from(&argv) {
                panic!("{name}: `{command}` does not parse: {e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "each example runs tpcli");
}

#[test]
fn a_flag_tpcli_does_not_have_is_caught() {
    let argv = words(r#"tpcli plan sync-all --art "$TRAIN" --no-such-flag > out.json; code=$?"#);
    assert_eq!(argv.last().map(String::as_str), Some("--no-such-flag"));
    assert!(Cli::try_parse_from(&argv).is_err());
}
