//! The runbooks in `docs/operations/` (and `docs/operations.md`) tell an operator what to type:
//! each of their tpcli command lines must be one this tpcli accepts, so a renamed flag cannot
//! leave a runbook wrong.

use clap::Parser;

use super::Cli;

/// The tpcli command lines of a markdown text: in fenced code blocks every `tpcli ...` (also
/// after `cd DIR &&`), and in prose every code span that starts with `tpcli `, with whether it
/// was in prose. Synopses (`[--x]`, `a | b`, `...`) and a placeholder for the command
/// (`tpcli COMMAND --help`) are usage descriptions, not commands, and are left out.
fn commands(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let candidates: Vec<String> = if fenced {
            line.split("&&")
                .map(|part| part.trim())
                .filter_map(|part| part.find("tpcli ").map(|at| part[at..].to_owned()))
                .filter(|c| !line.trim_start().starts_with('#') && !c.contains('#'))
                .collect()
        } else {
            line.split('`')
                .skip(1)
                .step_by(2)
                .flat_map(|span| span.split("&&"))
                .map(str::trim)
                .filter(|span| span.starts_with("tpcli "))
                .map(str::to_owned)
                .collect()
        };
        out.extend(
            candidates
                .into_iter()
                .filter(|c| {
                    let placeholder = c
                        .split_whitespace()
                        .nth(1)
                        .is_some_and(|w| w.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'));
                    !(c.contains("[-") || c.contains(" | ") || c.contains("...") || placeholder)
                })
                .map(|c| (c, !fenced)),
        );
    }
    out
}

fn command_lines(text: &str) -> Vec<String> {
    commands(text).into_iter().map(|(c, _)| c).collect()
}

/// Whether clap's refusal is one a command named in prose may get: a command or flag mentioned
/// without the arguments an operator would add (`run tpcli plan resolve`), or a help request.
/// Unknown commands, flags and values are never excused.
fn mentioned(kind: clap::error::ErrorKind) -> bool {
    use clap::error::ErrorKind::*;
    matches!(
        kind,
        MissingRequiredArgument
            | MissingSubcommand
            | DisplayHelp
            | DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// Words as a shell splits these simple lines: double and single quotes group.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in command.chars() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            (c, None) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn docs() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs")
}

#[test]
fn every_tpcli_line_of_the_runbooks_parses() {
    let mut files = vec![docs().join("operations.md")];
    let mut dir: Vec<_> = std::fs::read_dir(docs().join("operations"))
        .expect("docs/operations is readable")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    dir.sort();
    files.extend(dir);
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("the runbook is readable");
        for (command, prose) in commands(&text) {
            if let Err(e) = Cli::try_parse_from(words(&command))
                && !(prose && mentioned(e.kind()))
            {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                let why = e.to_string();
                let why = why.lines().next().unwrap_or_default();
                failures.push(format!("{name}: `{command}`: {why}"));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "runbook lines tpcli refuses:\n{}",
        failures.join("\n")
    );
    assert!(
        checked >= 40,
        "the runbooks' commands are found ({checked})"
    );
}

#[test]
fn the_extraction_finds_commands_and_catches_a_wrong_flag() {
    let text = "Run `tpcli plan resume` then `tpcli plan resolve`:\n\n```sh\ncd ~/plans/x && tpcli doctor --no-such-flag\n```\n\
                Usage: `tpcli plan stats [--art NAME]`.\n";
    let lines = command_lines(text);
    assert_eq!(
        lines,
        [
            "tpcli plan resume",
            "tpcli plan resolve",
            "tpcli doctor --no-such-flag"
        ]
    );
    assert!(Cli::try_parse_from(words(&lines[0])).is_ok());
    let missing = Cli::try_parse_from(words(&lines[1])).expect_err("--keep is required");
    assert!(
        mentioned(missing.kind()),
        "a command named in prose is excused"
    );
    let wrong = Cli::try_parse_from(words(&lines[2])).expect_err("no such flag");
    assert!(!mentioned(wrong.kind()), "a wrong flag never is");
    assert_eq!(
        words(r#"tpcli plan init --release "PI-4/25" --team 'Platform Eco'"#),
        [
            "tpcli",
            "plan",
            "init",
            "--release",
            "PI-4/25",
            "--team",
            "Platform Eco"
        ]
    );
}
