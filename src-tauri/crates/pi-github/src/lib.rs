//! `pi-github`: the GitHub REST client PI Planner proposes plan changes with — create a pull
//! request, find the open one (or the newest) of a head branch, get and update one, list its
//! reviews and changed files (every page, following `Link: rel="next"` within the API's
//! origin), submit a review (with line comments on its diff, [`GithubClient::review_lines`]) and
//! comment on it. It runs over
//! `pi-http` (retries, `Retry-After`, quota headers, redaction): the token goes as
//! `Authorization: Bearer`, every request carries `User-Agent: pi-planner/<version>`,
//! `Accept: application/vnd.github+json` and the pinned `X-GitHub-Api-Version`. A 403 or 429
//! with `Retry-After` (secondary limits) or with `X-RateLimit-Remaining: 0` (the primary limit)
//! is waited out within the layer's budget; 422 validation errors keep GitHub's `errors[]` in
//! their message. The client reads no environment: the token and the API root are parameters.
//! [`propose`] proposes a plan for review with it (`tpcli plan propose`, the app's "Propose for
//! review") and says where the plan's pull request stands.

mod diff;
mod error;
pub mod propose;
mod types;

use pi_http::{Auth, Client, PageBudget, Quota, Request, Settings};
use reqwest::Method;
use serde_json::{Value, json};
use url::Url;

pub use error::GithubError;
pub use pi_http::Settings as HttpSettings;
pub use types::{Comment, LineComment, NewPull, Placed, PullFile, PullRequest, Review};

/// The REST API version every request pins.
pub const API_VERSION: &str = "2022-11-28";

/// One repository's GitHub client.
#[derive(Debug)]
pub struct GithubClient {
    http: Client,
    owner: String,
    repo: String,
}

type Result<T> = std::result::Result<T, GithubError>;

impl GithubClient {
    /// A client of `owner/repo` at the REST API root `api_url` (`https://api.github.com`, or an
    /// Enterprise Server's `https://HOST/api/v3`).
    pub fn new(
        api_url: &str,
        owner: &str,
        repo: &str,
        token: &str,
        settings: &Settings,
    ) -> Result<Self> {
        let mut root = Url::parse(api_url.trim())
            .map_err(|e| GithubError::Config(format!("api_url {api_url:?}: {e}")))?;
        if !root.path().ends_with('/') {
            root.set_path(&format!("{}/", root.path()));
        }
        let user_agent = format!("pi-planner/{}", env!("CARGO_PKG_VERSION"));
        let http = Client::new(
            "GitHub",
            root,
            &Auth::Bearer(token.to_owned()),
            &[],
            settings,
        )
        .and_then(|c| {
            c.with_headers(&[
                ("user-agent", &user_agent),
                ("accept", "application/vnd.github+json"),
                ("x-github-api-version", API_VERSION),
            ])
        })
        .map_err(|e| GithubError::Config(format!("could not build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            owner: owner.to_owned(),
            repo: repo.to_owned(),
        })
    }

    /// `owner/name`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }

    /// GitHub's rate-limit headers of the latest answer.
    pub fn quota(&self) -> Quota {
        self.http.quota()
    }

    /// Requests, retries and waits so far.
    pub fn counters(&self) -> pi_http::Counters {
        self.http.counters()
    }

    fn path(&self, rest: &str) -> String {
        format!("repos/{}/{}/{rest}", self.owner, self.repo)
    }

    /// Opens a pull request. A pull request of the same head and base that is open already is
    /// [`GithubError::PullRequestExists`].
    pub async fn create_pull(&self, pull: &NewPull) -> Result<PullRequest> {
        let path = self.path("pulls");
        let body = json!({
            "title": pull.title, "head": pull.head, "base": pull.base, "body": pull.body,
            "draft": false, "maintainer_can_modify": true,
        });
        match self.http.json(&Request::post(&path).json(&body)).await {
            Ok(v) => PullRequest::from_json(&v).ok_or_else(|| decode("POST", &path)),
            Err(e) => match GithubError::from(e) {
                GithubError::Validation {
                    status: 422,
                    message,
                    ..
                } if message.contains("already exists") => GithubError::PullRequestExists {
                    head: pull.head.clone(),
                }
                .into_err(),
                other => Err(other),
            },
        }
    }

    /// The open pull request from branch `head` of this repository into `base`, if any.
    pub async fn find_open_pull(&self, head: &str, base: &str) -> Result<Option<PullRequest>> {
        let path = self.path("pulls");
        let query = [
            ("head".to_owned(), format!("{}:{head}", self.owner)),
            ("base".to_owned(), base.to_owned()),
            ("state".to_owned(), "open".to_owned()),
        ];
        let v = self.http.json(&Request::get(&path).query(&query)).await?;
        let list = v.as_array().ok_or_else(|| decode("GET", &path))?;
        Ok(list.iter().find_map(PullRequest::from_json))
    }

    /// The newest pull request from branch `head` of this repository into `base`, open, closed
    /// or merged; `None` when there was never one.
    pub async fn latest_pull(&self, head: &str, base: &str) -> Result<Option<PullRequest>> {
        let path = self.path("pulls");
        let query = [
            ("head".to_owned(), format!("{}:{head}", self.owner)),
            ("base".to_owned(), base.to_owned()),
            ("state".to_owned(), "all".to_owned()),
            ("sort".to_owned(), "created".to_owned()),
            ("direction".to_owned(), "desc".to_owned()),
        ];
        let v = self.http.json(&Request::get(&path).query(&query)).await?;
        let list = v.as_array().ok_or_else(|| decode("GET", &path))?;
        Ok(list
            .iter()
            .filter_map(PullRequest::from_json)
            .max_by_key(|p| p.number))
    }

    /// Pull request `number`.
    pub async fn pull(&self, number: u64) -> Result<PullRequest> {
        let path = self.path(&format!("pulls/{number}"));
        let v = self.http.json(&Request::get(&path)).await?;
        PullRequest::from_json(&v).ok_or_else(|| decode("GET", &path))
    }

    /// Sets pull request `number`'s title and description.
    pub async fn update_pull(&self, number: u64, title: &str, body: &str) -> Result<PullRequest> {
        let path = self.path(&format!("pulls/{number}"));
        let json = json!({ "title": title, "body": body });
        // The same title and body again change nothing: safe to repeat.
        let request = Request::new(Method::PATCH, &path).json(&json).replay_safe();
        let v = self.http.json(&request).await?;
        PullRequest::from_json(&v).ok_or_else(|| decode("PATCH", &path))
    }

    /// Every review of pull request `number`, oldest first, page by page.
    pub async fn reviews(&self, number: u64) -> Result<Vec<Review>> {
        let items = self
            .every_page(&format!("pulls/{number}/reviews"), "the number of reviews")
            .await?;
        Ok(items.iter().filter_map(Review::from_json).collect())
    }

    /// The files pull request `number` changes, with their diff hunks, page by page.
    pub async fn pull_files(&self, number: u64) -> Result<Vec<PullFile>> {
        let items = self
            .every_page(
                &format!("pulls/{number}/files"),
                "the number of changed files",
            )
            .await?;
        Ok(items.iter().filter_map(PullFile::from_json).collect())
    }

    /// Every item of a listing under the repository (`rest`), 100 a page, following `Link:
    /// rel="next"` within the API's origin.
    async fn every_page(&self, rest: &str, what: &'static str) -> Result<Vec<Value>> {
        let first = self.path(rest);
        let query = [("per_page".to_owned(), "100".to_owned())];
        let mut budget = PageBudget::new(self.http.limits(), what);
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = next.as_deref().unwrap_or(&first);
            let request = match next {
                Some(_) => Request::get(page),
                None => Request::get(page).query(&query),
            };
            let answer = self.http.send(&request).await?;
            let items = answer.json()?;
            let Value::Array(items) = items else {
                return Err(decode("GET", page));
            };
            let count = items.len();
            all.extend(items);
            let Some(link) = answer.header("link").and_then(next_link) else {
                return Ok(all);
            };
            let link = self.within_api(&link).ok_or_else(|| GithubError::Decode {
                method: "GET".into(),
                path: page.to_owned(),
                message: "the next page's link leaves the API's address".into(),
            })?;
            budget
                .another(count)
                .map_err(|x| GithubError::LimitExceeded {
                    method: "GET".into(),
                    path: first.clone(),
                    what: x.what,
                    limit: x.limit,
                    setting: x.setting,
                })?;
            next = Some(link);
        }
    }

    /// Submits a review of pull request `number` at its head `commit_id` with `body` and no
    /// line comments; `event` is `COMMENT`, `APPROVE` or `REQUEST_CHANGES`. Sent once (a review
    /// is content: not repeated after an answer that did not come back).
    pub async fn create_review(
        &self,
        number: u64,
        commit_id: &str,
        body: &str,
        event: &str,
    ) -> Result<Review> {
        let path = self.path(&format!("pulls/{number}/reviews"));
        let json = json!({ "commit_id": commit_id, "body": body, "event": event });
        let v = self.http.json(&Request::post(&path).json(&json)).await?;
        Review::from_json(&v).ok_or_else(|| decode("POST", &path))
    }

    /// Submits a `COMMENT` review of pull request `number` at its head `commit_id` with `body`
    /// and `comments` on lines of its diff. GitHub refuses the whole review (422) when a
    /// comment's line is not in the diff: the review is then sent once more with no line
    /// comments, each written into its body instead ([`Placed::InBody`]). A 422 creates
    /// nothing, so the second request cannot post twice; neither is repeated after an answer
    /// that did not come back.
    pub async fn review_lines(
        &self,
        number: u64,
        commit_id: &str,
        body: &str,
        comments: &[LineComment],
    ) -> Result<(Review, Placed)> {
        if comments.is_empty() {
            let review = self
                .create_review(number, commit_id, body, "COMMENT")
                .await?;
            return Ok((review, Placed::InBody));
        }
        let path = self.path(&format!("pulls/{number}/reviews"));
        let json = json!({
            "commit_id": commit_id, "body": body, "event": "COMMENT", "comments": comments,
        });
        match self.http.json(&Request::post(&path).json(&json)).await {
            Ok(v) => {
                let review = Review::from_json(&v).ok_or_else(|| decode("POST", &path))?;
                Ok((review, Placed::OnLines))
            }
            Err(e) => match GithubError::from(e) {
                GithubError::Validation { status: 422, .. } => {
                    let body = LineComment::folded(body, comments);
                    let review = self
                        .create_review(number, commit_id, &body, "COMMENT")
                        .await?;
                    Ok((review, Placed::InBody))
                }
                other => Err(other),
            },
        }
    }

    /// Comments on pull request `number`'s conversation.
    pub async fn comment(&self, number: u64, body: &str) -> Result<Comment> {
        let path = self.path(&format!("issues/{number}/comments"));
        let v = self
            .http
            .json(&Request::post(&path).json(&json!({ "body": body })))
            .await?;
        Comment::from_json(&v).ok_or_else(|| decode("POST", &path))
    }

    /// A next-page URL as a path relative to the API root; `None` when it leads elsewhere (the
    /// token never follows it there).
    fn within_api(&self, link: &str) -> Option<String> {
        let root = self.http.root().as_str();
        let rest = link.strip_prefix(root)?;
        (!rest.starts_with('/')).then(|| rest.to_owned())
    }
}

impl GithubError {
    fn into_err<T>(self) -> Result<T> {
        Err(self)
    }
}

fn decode(method: &str, path: &str) -> GithubError {
    GithubError::Decode {
        method: method.to_owned(),
        path: path.to_owned(),
        message: "not the expected JSON".to_owned(),
    }
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

/// Reads a value's string field, for the types' `from_json`.
pub(crate) fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let h = r#"<https://api.github.com/repos/a/b/pulls/1/reviews?page=3>; rel="last", <https://api.github.com/repos/a/b/pulls/1/reviews?page=2>; rel="next""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repos/a/b/pulls/1/reviews?page=2")
        );
        assert_eq!(next_link(r#"<https://x/1>; rel="prev""#), None);
    }
}
