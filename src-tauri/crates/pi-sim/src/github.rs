//! GitHub's REST API, as PI Planner uses it, under `/github/` (the `api_url` to configure):
//! pull requests (`POST|GET /repos/{o}/{r}/pulls`, `GET|PATCH /repos/{o}/{r}/pulls/{n}`), their
//! reviews (`GET .../pulls/{n}/reviews`, paged with `per_page`, `page` and a `Link` header) and
//! conversation comments (`POST .../issues/{n}/comments`); reviews are also submitted
//! (`POST .../pulls/{n}/reviews`, in `reviews`: `COMMENT` and `REQUEST_CHANGES` need a body, the
//! author cannot approve their own pull request, and line comments must sit in the pull request's
//! diff) and a pull request's changed files listed (`GET .../pulls/{n}/files`, the diff a test
//! set with `GithubControl::set_diff`). Checked as GitHub checks: a
//! `User-Agent` (403 without), `Authorization: Bearer` with the simulator's token (401 `Bad
//! credentials`), a duplicate open pull request of a head and base or a missing field (422 with
//! `errors[]`); every answer carries the `X-RateLimit-*` headers and echoes
//! `X-GitHub-Api-Version`. Each request is logged with its JSON body. Faults: the next requests
//! refused by a secondary rate limit (403 with `Retry-After`), the primary limit spent (403,
//! remaining 0, a reset), a revoked token. Controls move a branch's head (`push_branch`: a pull
//! request's `head.sha`, and the commit a review is given on), add reviews and merge or close a
//! pull request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::shared::{Shared, lock};

mod pulls;
mod reviews;

/// One request to the GitHub routes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GithubRequest {
    pub method: String,
    /// The path under the API root, e.g. `/repos/acme/plans/pulls`.
    pub path: String,
    pub query: String,
    /// The JSON body (`null` without one).
    pub body: Value,
    pub status: u16,
    /// Milliseconds since the simulator started.
    pub at_ms: u64,
}

/// A simulated pull request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimPull {
    pub number: u64,
    pub repo: String,
    pub title: String,
    pub body: String,
    pub head: String,
    pub base: String,
    /// `open` or `closed`.
    pub state: String,
    pub merged: bool,
    /// When it was merged (RFC 3339).
    pub merged_at: Option<String>,
    /// Who opened it (the token's user).
    pub user: String,
    /// Its reviews, oldest first.
    pub reviews: Vec<SimReview>,
    pub comments: Vec<String>,
}

/// A review of a simulated pull request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimReview {
    pub id: u64,
    pub login: String,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, ...
    pub state: String,
    /// The pull request's head when it was given.
    pub commit_id: String,
    pub body: String,
    /// RFC 3339.
    pub submitted_at: String,
    /// Its line comments on the diff.
    #[serde(default)]
    pub comments: Vec<SimLineComment>,
}

/// A line comment of a review: on `line` of `path` in the diff, `side` `RIGHT` (the head's
/// version) or `LEFT` (the base's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLineComment {
    pub path: String,
    pub line: u64,
    pub side: String,
    pub body: String,
}

/// A file a branch changes against its pull requests' base, with its unified diff (`patch`, the
/// hunks `git diff` prints after the file's header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimFile {
    pub path: String,
    pub patch: String,
}

/// GitHub's state in one simulator.
#[derive(Debug)]
pub struct GithubState {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    token: String,
    revoked: bool,
    pulls: BTreeMap<u64, SimPull>,
    /// `owner/repo` and branch → its head commit, as pushed (`GithubControl::push_branch`).
    branches: BTreeMap<(String, String), String>,
    /// `owner/repo` and branch → the files it changes (`GithubControl::set_diff`).
    diffs: BTreeMap<(String, String), Vec<SimFile>>,
    next_number: u64,
    next_id: u64,
    /// The next this many requests are refused by a secondary limit, asking to wait `retry_after`.
    secondary_next: u32,
    retry_after: u64,
    /// The next this many requests find the primary limit spent (reset `retry_after` from now).
    primary_next: u32,
    remaining: u64,
    log: Vec<GithubRequest>,
}

impl GithubState {
    pub fn new(seed: u64) -> GithubState {
        GithubState {
            inner: Mutex::new(Inner {
                token: format!("ghp_sim{seed:016x}"),
                revoked: false,
                pulls: BTreeMap::new(),
                branches: BTreeMap::new(),
                diffs: BTreeMap::new(),
                next_number: 1,
                next_id: 1000,
                secondary_next: 0,
                retry_after: 1,
                primary_next: 0,
                remaining: 5000,
                log: Vec::new(),
            }),
        }
    }
}

/// Control of the simulated GitHub (tests, the demo).
#[derive(Clone, Debug)]
pub struct GithubControl {
    shared: Arc<Shared>,
}

impl GithubControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut lock(&self.shared.github.inner))
    }

    /// The REST API root to configure (`[github] api_url`).
    pub fn api_url(&self) -> String {
        format!("{}/github", self.shared.base_url)
    }

    /// The token the API accepts (`GITHUB_TOKEN`).
    pub fn token(&self) -> String {
        self.with(|s| s.token.clone())
    }

    /// The token stops working (401 `Bad credentials`).
    pub fn revoke_token(&self) {
        self.with(|s| s.revoked = true);
    }

    /// The next `n` requests are refused by a secondary rate limit: 403 with `Retry-After: secs`.
    pub fn secondary_limit_next(&self, n: u32, secs: u64) {
        self.with(|s| (s.secondary_next, s.retry_after) = (n, secs));
    }

    /// The next `n` requests find the primary limit spent: 403, `X-RateLimit-Remaining: 0` and
    /// a reset `secs` from now.
    pub fn primary_limit_next(&self, n: u32, secs: u64) {
        self.with(|s| (s.primary_next, s.retry_after) = (n, secs));
    }

    /// Branch `branch` of `repo` (`owner/name`) now points at `sha`, as a `git push` to GitHub
    /// leaves it: the head of pull requests from it.
    pub fn push_branch(&self, repo: &str, branch: &str, sha: &str) {
        self.with(|s| {
            s.branches
                .insert((repo.to_owned(), branch.to_owned()), sha.to_owned())
        });
    }

    /// Branch `branch` of `repo` changes these files (path, unified diff hunks) against its pull
    /// requests' base: what `GET .../pulls/{n}/files` lists and where line comments may sit.
    /// Without it a branch changes no file.
    pub fn set_diff(&self, repo: &str, branch: &str, files: &[(&str, &str)]) {
        let files = files
            .iter()
            .map(|(path, patch)| SimFile {
                path: (*path).to_owned(),
                patch: (*patch).to_owned(),
            })
            .collect();
        self.with(|s| s.diffs.insert((repo.to_owned(), branch.to_owned()), files));
    }

    /// A review by `login` (`APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, ...) on pull `number`,
    /// given on its head commit now.
    pub fn add_review(&self, number: u64, login: &str, state: &str) {
        self.with(|s| {
            s.next_id += 1;
            let id = s.next_id;
            let Some(p) = s.pulls.get(&number) else {
                return;
            };
            let commit_id = head_sha(&s.branches, p);
            if let Some(p) = s.pulls.get_mut(&number) {
                p.reviews.push(SimReview {
                    id,
                    login: login.to_owned(),
                    state: state.to_owned(),
                    commit_id,
                    body: String::new(),
                    submitted_at: now_rfc3339(),
                    comments: Vec::new(),
                });
            }
        });
    }

    /// Pull `number` is closed, merged or not.
    pub fn close(&self, number: u64, merged: bool) {
        self.with(|s| {
            if let Some(p) = s.pulls.get_mut(&number) {
                p.state = "closed".into();
                p.merged = merged;
                p.merged_at = merged.then(now_rfc3339);
            }
        });
    }

    /// Every pull request, by number.
    pub fn pulls(&self) -> Vec<SimPull> {
        self.with(|s| s.pulls.values().cloned().collect())
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<GithubRequest> {
        self.with(|s| s.log.clone())
    }
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/github/repos/{owner}/{repo}/pulls",
            get(pulls::list).post(pulls::create),
        )
        .route(
            "/github/repos/{owner}/{repo}/pulls/{number}",
            get(pulls::one).patch(pulls::update),
        )
        .route(
            "/github/repos/{owner}/{repo}/pulls/{number}/reviews",
            get(reviews::list).post(reviews::submit),
        )
        .route(
            "/github/repos/{owner}/{repo}/pulls/{number}/files",
            get(reviews::files),
        )
        .route(
            "/github/repos/{owner}/{repo}/issues/{number}/comments",
            post(comment),
        )
}

type Answer = (StatusCode, Value, Vec<(&'static str, String)>);

/// The checks every request passes, then `f`, then the headers and the log.
fn serve(
    shared: &Shared,
    method: Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &Bytes,
    f: impl FnOnce(&mut Inner, &Value) -> Answer,
) -> Response {
    let json_body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut s = lock(&shared.github.inner);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut reset = now + 3600;
    let (status, answer, extra) = if headers.get(header::USER_AGENT).is_none() {
        let message = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header";
        (StatusCode::FORBIDDEN, json!({ "message": message }), vec![])
    } else if bearer.is_none_or(|t| t != s.token) || s.revoked {
        let docs = "https://docs.github.com/rest";
        let body = json!({ "message": "Bad credentials", "documentation_url": docs });
        (StatusCode::UNAUTHORIZED, body, vec![])
    } else if s.secondary_next > 0 {
        s.secondary_next -= 1;
        let message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
        let wait = vec![("retry-after", s.retry_after.to_string())];
        (StatusCode::FORBIDDEN, json!({ "message": message }), wait)
    } else if s.primary_next > 0 {
        s.primary_next -= 1;
        reset = now + s.retry_after;
        let message = "API rate limit exceeded for user.";
        (
            StatusCode::FORBIDDEN,
            json!({ "message": message }),
            vec![("x-ratelimit-remaining", "0".to_owned())],
        )
    } else {
        s.remaining = s.remaining.saturating_sub(1);
        f(&mut s, &json_body)
    };
    s.log.push(GithubRequest {
        method: method.to_string(),
        path: path.trim_start_matches("/github").to_owned(),
        query: query.to_owned(),
        body: json_body,
        status: status.as_u16(),
        at_ms: u64::try_from(shared.started.elapsed().as_millis()).unwrap_or(u64::MAX),
    });
    let mut resp = (status, axum::Json(answer)).into_response();
    let h = resp.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("x-ratelimit-limit", "5000".into());
    set("x-ratelimit-remaining", s.remaining.to_string());
    set("x-ratelimit-used", (5000 - s.remaining).to_string());
    set("x-ratelimit-reset", reset.to_string());
    set("x-ratelimit-resource", "core".into());
    let version = headers
        .get("x-github-api-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("2022-11-28");
    set("x-github-api-version", version.to_owned());
    for (name, value) in extra {
        set(name, value);
    }
    resp
}

/// The token's user: who opens pull requests and submits reviews through the API.
const TOKEN_USER: &str = "pi-planner-sim";

/// A GET of pull request `number` of `owner/repo`, or of a part of it (`tail`: `""`,
/// `"/reviews"`, `"/files"`): the checks and the log of [`serve`], 404 when the repository holds
/// no such pull request, else what `answer` makes of it (given the request's path and query,
/// and the simulator's base URL for links).
fn get_of_pull(
    shared: &Shared,
    (owner, repo, number): (String, String, u64),
    tail: &str,
    q: &BTreeMap<String, String>,
    headers: &HeaderMap,
    answer: impl FnOnce(&Inner, &SimPull, &Paging<'_>) -> Answer,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}{tail}");
    let query = serde_urlencoded_like(q);
    let base_url = shared.base_url.clone();
    let paging = Paging {
        q,
        base_url: &base_url,
        path: &path,
    };
    serve(
        shared,
        Method::GET,
        &path,
        &query,
        headers,
        &Bytes::new(),
        |s, _| {
            let repo_name = format!("{owner}/{repo}");
            match s.pulls.get(&number).filter(|p| p.repo == repo_name) {
                Some(p) => answer(s, p, &paging),
                None => not_found(),
            }
        },
    )
}

/// What a paged answer needs of its request: the query (`per_page`, `page`), the simulator's
/// base URL and the path, for the `Link` header.
struct Paging<'a> {
    q: &'a BTreeMap<String, String>,
    base_url: &'a str,
    path: &'a str,
}

impl Paging<'_> {
    fn page(&self, items: Vec<Value>) -> Answer {
        paged(self.q, items, self.base_url, self.path)
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A pull request's head commit: its branch's as pushed, else one made up from its number.
fn head_sha(branches: &BTreeMap<(String, String), String>, p: &SimPull) -> String {
    branches
        .get(&(p.repo.clone(), p.head.clone()))
        .cloned()
        .unwrap_or_else(|| format!("{:040x}", p.number))
}

fn review_json(r: &SimReview) -> Value {
    json!({
        "id": r.id, "user": { "login": r.login }, "state": r.state, "body": r.body,
        "commit_id": r.commit_id,
        "submitted_at": (!r.submitted_at.is_empty()).then_some(&r.submitted_at),
    })
}

fn pull_json(base_url: &str, branches: &BTreeMap<(String, String), String>, p: &SimPull) -> Value {
    let (owner, _) = p.repo.split_once('/').unwrap_or((&p.repo, ""));
    let sha = head_sha(branches, p);
    json!({
        "number": p.number, "node_id": format!("PR_sim{}", p.number),
        "html_url": format!("{base_url}/github-web/{}/pull/{}", p.repo, p.number),
        "title": p.title, "body": p.body, "state": p.state, "draft": false,
        "merged": p.merged, "merged_at": p.merged_at, "user": { "login": p.user },
        "mergeable": if p.state == "open" { json!(true) } else { Value::Null },
        "mergeable_state": "clean",
        "head": { "ref": p.head, "sha": sha, "label": format!("{owner}:{}", p.head) },
        "base": { "ref": p.base },
    })
}

fn validation(errors: Value) -> Answer {
    let body = json!({ "message": "Validation Failed", "errors": errors,
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request" });
    (StatusCode::UNPROCESSABLE_ENTITY, body, vec![])
}

fn not_found() -> Answer {
    (
        StatusCode::NOT_FOUND,
        json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" }),
        vec![],
    )
}

async fn comment(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/issues/{number}/comments");
    let base_url = shared.base_url.clone();
    serve(&shared, Method::POST, &path, "", &headers, &body, |s, b| {
        let Some(text) = b["body"]
            .as_str()
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
        else {
            return validation(
                json!([{ "resource": "IssueComment", "field": "body", "code": "missing_field" }]),
            );
        };
        s.next_id += 1;
        let id = s.next_id;
        let Some(p) = s
            .pulls
            .get_mut(&number)
            .filter(|p| p.repo == format!("{owner}/{repo}"))
        else {
            return not_found();
        };
        p.comments.push(text.clone());
        let url = format!("{base_url}/github-web/{owner}/{repo}/pull/{number}#issuecomment-{id}");
        (
            StatusCode::CREATED,
            json!({ "id": id, "html_url": url, "body": text }),
            vec![],
        )
    })
}

/// One page of `items` as `per_page` and `page` of `q` ask (30 and the first by default, at
/// most 100 a page), with a `Link: <...>; rel="next"` header when more follow.
fn paged(q: &BTreeMap<String, String>, items: Vec<Value>, base_url: &str, path: &str) -> Answer {
    let number =
        |key: &str, default: usize| q.get(key).and_then(|v| v.parse().ok()).unwrap_or(default);
    let per_page = number("per_page", 30).clamp(1, 100);
    let page = number("page", 1).max(1);
    let total = items.len();
    let items: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let mut extra = Vec::new();
    if page * per_page < total {
        let next = format!("{base_url}{path}?per_page={per_page}&page={}", page + 1);
        extra.push(("link", format!("<{next}>; rel=\"next\"")));
    }
    (StatusCode::OK, Value::Array(items), extra)
}

/// The query as logged: `k=v` pairs in key order.
fn serde_urlencoded_like(q: &BTreeMap<String, String>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.iter())
        .finish()
}
