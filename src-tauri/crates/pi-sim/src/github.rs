//! GitHub's REST API, as PI Planner uses it, under `/github/` (the `api_url` to configure):
//! pull requests (`POST|GET /repos/{o}/{r}/pulls`, `GET|PATCH /repos/{o}/{r}/pulls/{n}`), their
//! reviews (`GET .../pulls/{n}/reviews`, paged with `per_page`, `page` and a `Link` header) and
//! conversation comments (`POST .../issues/{n}/comments`); reviews are also submitted
//! (`POST .../pulls/{n}/reviews`: `COMMENT` and `REQUEST_CHANGES` need a body, the author cannot
//! approve their own pull request). Checked as GitHub checks: a
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
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::shared::{Shared, lock};

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
        .route("/github/repos/{owner}/{repo}/pulls", get(list).post(create))
        .route(
            "/github/repos/{owner}/{repo}/pulls/{number}",
            get(one).patch(update),
        )
        .route(
            "/github/repos/{owner}/{repo}/pulls/{number}/reviews",
            get(reviews).post(submit_review),
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

async fn create(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls");
    let base_url = shared.base_url.clone();
    serve(&shared, Method::POST, &path, "", &headers, &body, |s, b| {
        let field = |k: &str| b[k].as_str().map(str::to_owned).filter(|v| !v.is_empty());
        let (Some(title), Some(head), Some(base)) = (field("title"), field("head"), field("base"))
        else {
            let missing: Vec<Value> = ["title", "head", "base"]
                .iter()
                .filter(|k| field(k).is_none())
                .map(|k| json!({ "resource": "PullRequest", "field": k, "code": "missing_field" }))
                .collect();
            return validation(Value::Array(missing));
        };
        let repo_name = format!("{owner}/{repo}");
        let head = head
            .strip_prefix(&format!("{owner}:"))
            .unwrap_or(&head)
            .to_owned();
        let open = s
            .pulls
            .values()
            .any(|p| p.repo == repo_name && p.head == head && p.base == base && p.state == "open");
        if open {
            let message = format!("A pull request already exists for {owner}:{head}.");
            return validation(
                json!([{ "resource": "PullRequest", "code": "custom", "message": message }]),
            );
        }
        let number = s.next_number;
        s.next_number += 1;
        let pull = SimPull {
            number,
            repo: repo_name,
            title,
            body: field("body").unwrap_or_default(),
            head,
            base,
            state: "open".into(),
            merged: false,
            merged_at: None,
            user: TOKEN_USER.to_owned(),
            reviews: Vec::new(),
            comments: Vec::new(),
        };
        let json = pull_json(&base_url, &s.branches, &pull);
        s.pulls.insert(number, pull);
        (StatusCode::CREATED, json, vec![])
    })
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls");
    let query = serde_urlencoded_like(&q);
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::GET,
        &path,
        &query,
        &headers,
        &Bytes::new(),
        |s, _| {
            let repo_name = format!("{owner}/{repo}");
            let state = q.get("state").map_or("open", String::as_str);
            let head = q
                .get("head")
                .map(|h| h.split_once(':').map_or(h.as_str(), |(_, b)| b));
            let found: Vec<Value> = s
                .pulls
                .values()
                .filter(|p| p.repo == repo_name && (state == "all" || p.state == state))
                .filter(|p| head.is_none_or(|h| p.head == h))
                .filter(|p| q.get("base").is_none_or(|b| &p.base == b))
                .map(|p| pull_json(&base_url, &s.branches, p))
                .collect();
            (StatusCode::OK, Value::Array(found), vec![])
        },
    )
}

async fn one(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}");
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::GET,
        &path,
        "",
        &headers,
        &Bytes::new(),
        |s, _| match s
            .pulls
            .get(&number)
            .filter(|p| p.repo == format!("{owner}/{repo}"))
        {
            Some(p) => (StatusCode::OK, pull_json(&base_url, &s.branches, p), vec![]),
            None => not_found(),
        },
    )
}

async fn update(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}");
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::PATCH,
        &path,
        "",
        &headers,
        &body,
        |s, b| {
            let Some(p) = s
                .pulls
                .get_mut(&number)
                .filter(|p| p.repo == format!("{owner}/{repo}"))
            else {
                return not_found();
            };
            if let Some(t) = b["title"].as_str() {
                p.title = t.to_owned();
            }
            if let Some(t) = b["body"].as_str() {
                p.body = t.to_owned();
            }
            if let Some(t) = b["state"]
                .as_str()
                .filter(|t| matches!(*t, "open" | "closed"))
            {
                p.state = t.to_owned();
            }
            (StatusCode::OK, pull_json(&base_url, &s.branches, p), vec![])
        },
    )
}

async fn reviews(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}/reviews");
    let query = serde_urlencoded_like(&q);
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::GET,
        &path,
        &query,
        &headers,
        &Bytes::new(),
        |s, _| {
            let Some(p) = s
                .pulls
                .get(&number)
                .filter(|p| p.repo == format!("{owner}/{repo}"))
            else {
                return not_found();
            };
            let per_page: usize = q
                .get("per_page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30)
                .clamp(1, 100);
            let page: usize = q
                .get("page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .max(1);
            let items: Vec<Value> = p
                .reviews
                .iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(review_json)
                .collect();
            let mut extra = Vec::new();
            if page * per_page < p.reviews.len() {
                let next = format!("{base_url}{path}?per_page={per_page}&page={}", page + 1);
                extra.push(("link", format!("<{next}>; rel=\"next\"")));
            }
            (StatusCode::OK, Value::Array(items), extra)
        },
    )
}

async fn submit_review(
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
        let refuse = |message: &str| {
            let body = json!({ "message": "Unprocessable Entity", "errors": [message],
                "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request" });
            (StatusCode::UNPROCESSABLE_ENTITY, body, vec![])
        };
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
        };
        let json = review_json(&review);
        if let Some(p) = s.pulls.get_mut(&number) {
            p.reviews.push(review);
        }
        (StatusCode::OK, json, vec![])
    })
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

/// The query as logged: `k=v` pairs in key order.
fn serde_urlencoded_like(q: &BTreeMap<String, String>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.iter())
        .finish()
}
