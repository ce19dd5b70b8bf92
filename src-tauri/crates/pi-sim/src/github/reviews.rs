//! Reviews submitted through the API (`POST .../pulls/{n}/reviews`) and a pull request's changed
//! files (`GET .../pulls/{n}/files`), checked as GitHub checks them: `COMMENT` and
//! `REQUEST_CHANGES` need a body, the author cannot approve their own pull request, and each
//! line comment (`comments: [{path, line, side, body}]`) must name a file the pull request
//! changes and a line inside one of that file's diff hunks on its side (`RIGHT`, the default:
//! the head's line numbers; `LEFT`: the base's) — else the whole review is refused with 422
//! ("Path could not be resolved", "Line could not be resolved") and nothing is recorded.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{
    Answer, SimFile, SimLineComment, SimPull, SimReview, TOKEN_USER, get_of_pull, head_sha,
    not_found, now_rfc3339, review_json, serve,
};
use crate::shared::Shared;

const DOCS: &str = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request";

fn refuse(message: &str) -> Answer {
    let body = json!({ "message": "Unprocessable Entity", "errors": [message],
        "documentation_url": DOCS });
    (StatusCode::UNPROCESSABLE_ENTITY, body, vec![])
}

/// The files pull request `p` changes: its head branch's diff.
fn files_of<'a>(diffs: &'a BTreeMap<(String, String), Vec<SimFile>>, p: &SimPull) -> &'a [SimFile] {
    diffs
        .get(&(p.repo.clone(), p.head.clone()))
        .map_or(&[], Vec::as_slice)
}

pub(super) async fn submit(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}/reviews");
    serve(&shared, Method::POST, &path, "", &headers, &body, |s, b| {
        let Some(p) = s
            .pulls
            .get(&number)
            .filter(|p| p.repo == format!("{owner}/{repo}"))
        else {
            return not_found();
        };
        let event = b["event"].as_str().unwrap_or_default();
        let text = b["body"].as_str().unwrap_or_default().to_owned();
        let state = match event {
            "APPROVE" if p.user == TOKEN_USER => {
                return refuse("Can not approve your own pull request");
            }
            "APPROVE" => "APPROVED",
            "REQUEST_CHANGES" | "COMMENT" if text.trim().is_empty() => {
                return refuse("Body is required for this event");
            }
            "REQUEST_CHANGES" => "CHANGES_REQUESTED",
            "COMMENT" => "COMMENTED",
            // Without an event the review stays pending (not submitted).
            "" => "PENDING",
            _ => return refuse("Unknown review event"),
        };
        let comments = match line_comments(&b["comments"], files_of(&s.diffs, p)) {
            Ok(comments) => comments,
            Err(message) => return refuse(message),
        };
        let commit_id = b["commit_id"]
            .as_str()
            .map_or_else(|| head_sha(&s.branches, p), str::to_owned);
        s.next_id += 1;
        let review = SimReview {
            id: s.next_id,
            login: TOKEN_USER.to_owned(),
            state: state.to_owned(),
            commit_id,
            body: text,
            submitted_at: if state == "PENDING" {
                String::new()
            } else {
                now_rfc3339()
            },
            comments,
        };
        let json = review_json(&review);
        if let Some(p) = s.pulls.get_mut(&number) {
            p.reviews.push(review);
        }
        (StatusCode::OK, json, vec![])
    })
}

/// A review's `comments`, each checked against the pull request's `files`; the first that does
/// not sit in the diff refuses them all.
fn line_comments(v: &Value, files: &[SimFile]) -> Result<Vec<SimLineComment>, &'static str> {
    let Some(list) = v.as_array() else {
        return if v.is_null() {
            Ok(Vec::new())
        } else {
            Err("Invalid request: comments is not an array")
        };
    };
    let mut comments = Vec::with_capacity(list.len());
    for c in list {
        let (Some(path), Some(body)) = (c["path"].as_str(), c["body"].as_str()) else {
            return Err("Invalid request: a comment needs path and body");
        };
        let Some(line) = c["line"].as_u64() else {
            return Err("Invalid request: a comment needs line");
        };
        let side = c["side"].as_str().unwrap_or("RIGHT");
        if !matches!(side, "RIGHT" | "LEFT") {
            return Err("Invalid request: side is RIGHT or LEFT");
        }
        let Some(file) = files.iter().find(|f| f.path == path) else {
            return Err("Path could not be resolved");
        };
        let start = c["start_line"].as_u64();
        if !in_hunks(&file.patch, line, side == "LEFT")
            || start.is_some_and(|s| s > line || !in_hunks(&file.patch, s, side == "LEFT"))
        {
            return Err("Line could not be resolved");
        }
        comments.push(SimLineComment {
            path: path.to_owned(),
            line,
            side: side.to_owned(),
            body: body.to_owned(),
        });
    }
    Ok(comments)
}

/// Whether `line` is inside one of `patch`'s hunks: `@@ -a,b +c,d @@` covers lines `c..c+d` of
/// the new version (`a..a+b` of the old one with `left`); a count left out is 1.
fn in_hunks(patch: &str, line: u64, left: bool) -> bool {
    patch.lines().filter_map(hunk_range).any(|(old, new)| {
        let (first, count) = if left { old } else { new };
        (first..first + count).contains(&line)
    })
}

type Range = (u64, u64);

/// The old and new ranges of a hunk header line.
fn hunk_range(header: &str) -> Option<(Range, Range)> {
    let rest = header.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<Range> {
        match r.split_once(',') {
            Some((first, count)) => Some((first.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    Some((range(old)?, range(new)?))
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Path(pull): Path<(String, String, u64)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    get_of_pull(&shared, pull, "/reviews", &q, &headers, |_, p, paging| {
        paging.page(p.reviews.iter().map(review_json).collect())
    })
}

pub(super) async fn files(
    State(shared): State<Arc<Shared>>,
    Path(pull): Path<(String, String, u64)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    get_of_pull(&shared, pull, "/files", &q, &headers, |s, p, paging| {
        let items = files_of(&s.diffs, p)
            .iter()
            .map(|f| {
                let (added, removed) = counts(&f.patch);
                json!({
                    "filename": f.path, "status": "modified", "additions": added,
                    "deletions": removed, "changes": added + removed, "patch": f.patch,
                })
            })
            .collect();
        paging.page(items)
    })
}

/// The lines a patch adds and removes.
fn counts(patch: &str) -> (usize, usize) {
    let body = patch.lines().filter(|l| !l.starts_with("@@"));
    body.fold((0, 0), |(a, r), l| match l.as_bytes().first() {
        Some(b'+') => (a + 1, r),
        Some(b'-') => (a, r + 1),
        _ => (a, r),
    })
}

#[cfg(test)]
mod tests {
    use super::{hunk_range, in_hunks};

    #[test]
    fn hunk_headers_and_lines_inside_them() {
        assert_eq!(
            hunk_range("@@ -3,7 +3,8 @@ ## Objective"),
            Some(((3, 7), (3, 8)))
        );
        assert_eq!(hunk_range("@@ -1 +1,0 @@"), Some(((1, 1), (1, 0))));
        assert_eq!(hunk_range(" @@ -1 +1 @@"), None);
        let patch = "@@ -10,7 +10,7 @@\n a\n-b\n+c\n d\n@@ -40,3 +40,4 @@\n x\n+y\n";
        assert!(in_hunks(patch, 10, false) && in_hunks(patch, 16, false));
        assert!(!in_hunks(patch, 17, false) && !in_hunks(patch, 9, false));
        assert!(in_hunks(patch, 43, false) && !in_hunks(patch, 43, true));
        assert!(!in_hunks(patch, 30, false));
    }
}
