//! The parts of GitHub's answers PI Planner reads.

use serde::Serialize;
use serde_json::Value;

use crate::text;

/// A pull request to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPull {
    pub title: String,
    /// A branch of the repository.
    pub head: String,
    pub base: String,
    /// Markdown.
    pub body: String,
}

/// A pull request as GitHub describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PullRequest {
    pub number: u64,
    pub html_url: String,
    pub title: String,
    pub body: String,
    /// `open` or `closed`.
    pub state: String,
    pub draft: bool,
    pub merged: bool,
    /// When it was merged (ISO 8601), if it was.
    pub merged_at: Option<String>,
    /// `None` while GitHub is still computing it.
    pub mergeable: Option<bool>,
    pub head_ref: String,
    pub head_sha: String,
    pub base_ref: String,
}

impl PullRequest {
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            number: v["number"].as_u64()?,
            html_url: v["html_url"].as_str()?.to_owned(),
            title: text(v, "title"),
            body: text(v, "body"),
            state: text(v, "state"),
            draft: v["draft"].as_bool().unwrap_or(false),
            merged: v["merged"].as_bool().unwrap_or(false),
            merged_at: v["merged_at"].as_str().map(str::to_owned),
            mergeable: v["mergeable"].as_bool(),
            head_ref: text(&v["head"], "ref"),
            head_sha: text(&v["head"], "sha"),
            base_ref: text(&v["base"], "ref"),
        })
    }
}

/// A review of a pull request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Review {
    pub id: u64,
    /// The reviewer's login.
    pub user: String,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING`.
    pub state: String,
    /// The head commit the review was given on.
    pub commit_id: String,
    /// When it was submitted (ISO 8601); empty for a pending review.
    pub submitted_at: String,
}

impl Review {
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            id: v["id"].as_u64()?,
            user: text(&v["user"], "login"),
            state: text(v, "state"),
            commit_id: text(v, "commit_id"),
            submitted_at: text(v, "submitted_at"),
        })
    }
}

/// A conversation comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: u64,
    pub html_url: String,
    pub body: String,
}

impl Comment {
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            id: v["id"].as_u64()?,
            html_url: text(v, "html_url"),
            body: text(v, "body"),
        })
    }
}

/// A file a pull request changes, with its diff hunks (`patch`; none for a binary or a very
/// large diff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PullFile {
    pub filename: String,
    /// `added`, `modified`, `removed`, `renamed`, ...
    pub status: String,
    pub patch: Option<String>,
}

impl PullFile {
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            filename: v["filename"].as_str()?.to_owned(),
            status: text(v, "status"),
            patch: v["patch"].as_str().map(str::to_owned),
        })
    }

    /// Whether line `line` of the head's version of the file (`RIGHT`) is inside one of the
    /// diff's hunks: only there does GitHub take a line comment.
    pub fn has_line(&self, line: u64) -> bool {
        self.patch
            .as_deref()
            .is_some_and(|p| crate::diff::covers(p, line))
    }
}

/// A comment on one line of a pull request's diff, in a review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineComment {
    /// The file's path in the repository.
    pub path: String,
    pub line: u64,
    /// `RIGHT`: the line numbers of the head's version.
    pub side: &'static str,
    /// Markdown.
    pub body: String,
}

impl LineComment {
    /// A comment on line `line` of the head's version of `path`.
    pub fn right(path: &str, line: u64, body: String) -> Self {
        Self {
            path: path.to_owned(),
            line,
            side: "RIGHT",
            body,
        }
    }

    /// `body` with each comment written after it, naming its file and line.
    pub(crate) fn folded(body: &str, comments: &[LineComment]) -> String {
        let mut out = body.trim_end().to_owned();
        out.push_str("\n\n");
        for c in comments {
            out.push_str(&format!("- `{}` line {}: {}\n", c.path, c.line, c.body));
        }
        out
    }
}

/// Where a review's line comments went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    /// On the lines of the diff.
    OnLines,
    /// Into the review's body (none were given, or GitHub refused a line outside the diff).
    InBody,
}
