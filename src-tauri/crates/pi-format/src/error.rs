//! Parse errors with a line and column.

use std::fmt;

/// A 1-based line and column (column counted in characters).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// What kind of problem stopped the parse; callers act on these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParseErrorKind {
    /// Unresolved git conflict markers (`<<<<<<<` … `>>>>>>>`) are in the file.
    ConflictMarkers,
    /// The front matter is missing or is not valid YAML of the expected shape.
    FrontMatter,
    /// The markdown does not have the structure of a plan (unexpected or missing section).
    Structure,
    /// A field holds a value of the wrong form (e.g. effort that is not a number).
    Value,
}

/// One located problem. Displayed as `LINE:COLUMN: MESSAGE`; the caller puts the file name in
/// front (`plan.md:27:13: Effort must be a number of points, found "thirty-four"`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    #[serde(flatten)]
    pub at: Position,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.at.line, self.at.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Every problem found in one file, in file order; never empty.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct ParseErrors(pub Vec<ParseError>);

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseErrors {}
