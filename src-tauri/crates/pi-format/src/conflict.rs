//! Unresolved git conflict markers, reported instead of anything the file holds so that a
//! half-merged file is never read as content. Legacy files are checked before parsing; the
//! current-layout parser notes marker lines in its own line pass (see `lines::Cursor`) and runs
//! [`check`] only when it saw one, so both report the same errors.
//!
//! A conflict is a complete `<<<<<<<` … `>>>>>>>` region (one error at its start line) or a lone
//! start or end marker line. A `=======` line on its own is ordinary markdown (a setext heading
//! underline) and is not reported. This module does not try to resolve anything.

use crate::{ParseError, ParseErrorKind, ParseErrors, Position};

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Whether `line` (without its line ending) is a start or end marker line: exactly the lines
/// [`check`] reports on. A file without such a line passes the check.
pub(crate) fn is_marker_line(line: &str) -> bool {
    is_marker(line, "<<<<<<<") || is_marker(line, ">>>>>>>")
}

fn error(line: usize, message: String) -> ParseError {
    ParseError {
        kind: ParseErrorKind::ConflictMarkers,
        at: Position { line, column: 1 },
        message,
    }
}

/// One error per conflict region (or lone marker), in file order.
pub(crate) fn check(text: &str) -> Result<(), ParseErrors> {
    let mut errors = Vec::new();
    let mut open: Option<usize> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let no = i + 1;
        if !line.starts_with(['<', '>']) {
            continue;
        }
        if is_marker(line, "<<<<<<<") {
            if let Some(start) = open.replace(no) {
                errors.push(unclosed(start));
            }
        } else if is_marker(line, ">>>>>>>") {
            match open.take() {
                Some(start) => errors.push(error(
                    start,
                    format!(
                        "unresolved merge conflict (lines {start}-{no}): keep the right side, \
                         then delete the <<<<<<<, ======= and >>>>>>> lines"
                    ),
                )),
                None => errors.push(error(
                    no,
                    "conflict marker `>>>>>>>` without a matching `<<<<<<<`; finish resolving \
                     the merge conflict"
                        .to_owned(),
                )),
            }
        }
    }
    if let Some(start) = open {
        errors.push(unclosed(start));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        errors.sort_by_key(|e| e.at);
        Err(ParseErrors(errors))
    }
}

fn unclosed(start: usize) -> ParseError {
    error(
        start,
        "conflict marker `<<<<<<<` without a closing `>>>>>>>`; finish resolving the merge \
         conflict"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_error_per_region_and_lone_markers() {
        let text = "a\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\nc\n<<<<<<< HEAD\nz\n|||||||\n=======\n>>>>>>> b\n>>>>>>> stray\n";
        let errs = check(text).expect_err("conflicts").0;
        let lines: Vec<usize> = errs.iter().map(|e| e.at.line).collect();
        assert_eq!(lines, vec![2, 8, 13]);
    }

    #[test]
    fn setext_underline_alone_is_fine() {
        assert!(check("Title\n=======\n\ntext <<<<<<< inline\n").is_ok());
    }

    /// The marker lines (and look-alikes) inserted into a rendered plan below.
    const LINES: &[&str] = &[
        "<<<<<<< HEAD",
        "<<<<<<<",
        ">>>>>>> theirs",
        ">>>>>>>\t",
        "=======",
        "||||||| base",
        "<<<<<<<x",
        "> quote",
        "<b>",
    ];

    proptest::proptest! {
        /// The current-layout parser, which notes markers in its own line pass, reports
        /// exactly what the standalone check reports, wherever the markers are (front matter,
        /// descriptions, criteria, between sections) and with either line ending.
        #[test]
        fn parser_line_pass_agrees_with_the_check(
            inserts in proptest::collection::vec((0usize..400, 0..LINES.len()), 0..4),
            crlf in proptest::bool::ANY,
        ) {
            let plan = crate::sample::sample_plan(3, 2, 7);
            let mut lines: Vec<String> =
                crate::render(&plan).lines().map(str::to_owned).collect();
            for (at, which) in inserts {
                lines.insert(at % (lines.len() + 1), LINES[which].to_owned());
            }
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let parsed = crate::parse(&text);
            match check(&text) {
                Err(expected) => proptest::prop_assert_eq!(parsed.err(), Some(expected)),
                Ok(()) => {
                    let kinds: Vec<_> = parsed.err().map(|e| e.0).unwrap_or_default();
                    proptest::prop_assert!(
                        kinds.iter().all(|e| e.kind != ParseErrorKind::ConflictMarkers)
                    );
                }
            }
        }
    }
}
